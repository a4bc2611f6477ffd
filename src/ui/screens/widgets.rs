//! Widgets the screens share: the table tabs, moving a player to another table, the door after
//! the start, the join box with its QR code.

use bevy::prelude::*;
use bevy_egui::egui;

use super::round::phase_words;
use super::{Shown, UiAction};
use crate::net::plugin::HostLink;
use crate::rules::session::Phase;
use crate::ui::i18n::Tr;
use crate::ui::theme;

/// The tables of a workshop as tabs: each with its round and phase; "all tables" opens the
/// board of them all.
pub(crate) fn table_tabs(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    shown: Shown,
    with_all: bool,
    actions: &mut MessageWriter<UiAction>,
) {
    if host.workshop.len() < 2 {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        if with_all
            && ui
                .selectable_label(
                    shown.all,
                    egui::RichText::new(tr.t("fac.all_tables"))
                        .size(18.0)
                        .strong(),
                )
                .clicked()
        {
            actions.write(UiAction::ShowTable(None));
        }
        for (i, desk) in host.desks().iter().enumerate() {
            let s = &desk.view;
            let label = format!(
                "{} {} · {}/{} {}",
                tr.t("common.table"),
                i + 1,
                s.round.min(s.rounds),
                s.rounds,
                phase_words(tr, s.phase)
            );
            let on = (!shown.all || !with_all) && shown.table == i;
            if ui
                .selectable_label(on, egui::RichText::new(label).size(18.0))
                .clicked()
            {
                actions.write(UiAction::ShowTable(Some(i)));
            }
        }
    });
}

/// In the lobby of a workshop: send a player of the table in front to another table.
pub(crate) fn seat_elsewhere(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    shown: Shown,
    actions: &mut MessageWriter<UiAction>,
) {
    let desk = shown.desk(host);
    if desk.view.phase != Phase::Lobby || desk.view.seats.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(tr.t("fac.move_table")).show(ui, |ui| {
        for seat in &desk.view.seats {
            let id = &seat.seat;
            ui.horizontal_wrapped(|ui| {
                ui.label(&seat.name);
                for t in (0..host.workshop.len()).filter(|t| *t != shown.table) {
                    if ui
                        .small_button(format!("→ {} {}", tr.t("common.table"), t + 1))
                        .clicked()
                    {
                        actions.write(UiAction::SeatAt {
                            seat: *id,
                            table: t,
                        });
                    }
                }
            });
        }
    });
}

/// The door after the start: whether newcomers come straight in, and who waits to be let in
/// (into a role, or back into the seat with their name whose token their device lost).
pub(crate) fn door(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    shown: Shown,
    actions: &mut MessageWriter<UiAction>,
) {
    let desk = shown.desk(host);
    let mut open = desk.room_open;
    if ui.checkbox(&mut open, tr.t("door.open")).changed() {
        actions.write(UiAction::SetRoomOpen(open));
    }
    if desk.waiting.is_empty() {
        return;
    }
    theme::card_frame().show(ui, |ui| {
        ui.label(
            egui::RichText::new(tr.t("door.title"))
                .strong()
                .color(theme::ACCENT),
        );
        for w in &desk.waiting {
            ui.separator();
            let wants = w
                .role
                .as_deref()
                .and_then(|r| desk.view.roles.iter().find(|x| x.id == r))
                .map(|r| r.name.get(tr.lang).to_string());
            ui.label(egui::RichText::new(&w.name).strong());
            // A look-alike of a seated player's name is shown for what it is.
            if let Some(seated) = w.claims.and_then(|s| desk.seat_name(s)) {
                let other = crate::rules::session::written_otherwise(&w.name, seated);
                if !other.is_empty() {
                    let chars: Vec<String> = other
                        .iter()
                        .map(|(at, c)| format!("{c} (U+{:04X}, {at})", *c as u32))
                        .collect();
                    ui.label(
                        egui::RichText::new(tr.f(
                            "door.written_otherwise",
                            &[("name", &seated), ("chars", &chars.join(", "))],
                        ))
                        .color(theme::BAD),
                    );
                }
            }
            if let Some(r) = &wants {
                ui.label(tr.f("door.wants", &[("role", r)]));
            }
            ui.horizontal_wrapped(|ui| {
                if w.claims.is_some() {
                    ui.label(tr.t("door.claims"));
                    if ui.button(tr.t("door.give_back")).clicked() {
                        actions.write(UiAction::Admit {
                            client: w.client,
                            role: None,
                        });
                    }
                } else {
                    ui.label(tr.t("door.admit_as"));
                    for role in &desk.view.roles {
                        if ui.button(role.name.get(tr.lang)).clicked() {
                            actions.write(UiAction::Admit {
                                client: w.client,
                                role: Some(role.id.clone()),
                            });
                        }
                    }
                }
                if ui.button(tr.t("door.turn_away")).clicked() {
                    actions.write(UiAction::TurnAway(w.client));
                }
            });
        }
    });
}

/// How to join from a browser: the QR code beside the address and the join code.
pub(crate) fn join_box(ui: &mut egui::Ui, tr: &Tr, url: &str, code: &str, side: f32, size: f32) {
    ui.horizontal(|ui| {
        theme::qr(ui, url, side);
        ui.vertical(|ui| {
            ui.label(egui::RichText::new(tr.t("fac.join_browser")).size(size * 0.8));
            ui.label(egui::RichText::new(url).size(size).strong().monospace());
            ui.label(
                egui::RichText::new(format!("{}: {code}", tr.t("host.code")))
                    .size(size)
                    .strong()
                    .monospace(),
            );
        });
    });
}

/// Width of a participant's role box in the controls panel.
pub(crate) const ROLE_BOX_WIDTH: f32 = 150.0;
