//! Host setup and lobby: choose the deck and timing, then show the join code large, with the
//! players as they come in.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{HostForm, HostSetup, Screen, Status, UiAction};
use crate::net::plugin::HostLink;
use crate::rules::session::Intent;
use crate::ui::i18n::Tr;
use crate::ui::theme;

pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<HostForm>,
    host: Option<Res<HostLink>>,
    mut actions: MessageWriter<UiAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    egui::Panel::top("host-top").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            if ui.button(format!("⬅ {}", tr.t("common.back"))).clicked() {
                actions.write(UiAction::Leave);
            }
            ui.heading(tr.t("host.title"));
        });
    });
    egui::CentralPanel::default().show(&mut root, |ui| {
        match host {
            None => setup(ui, &tr, &mut form, &mut actions),
            Some(h) => lobby(ui, &tr, &h, &mut actions),
        }
        if let Some(e) = &status.error {
            ui.colored_label(theme::BAD, e);
        }
    });
    Ok(())
}

fn setup(ui: &mut egui::Ui, tr: &Tr, form: &mut HostForm, actions: &mut MessageWriter<UiAction>) {
    theme::card_frame().show(ui, |ui| {
        ui.set_max_width(760.0);
        ui.label(egui::RichText::new(tr.t("host.deck")).strong());
        ui.radio_value(&mut form.use_file, false, tr.t("host.deck_default"));
        for path in form.found_decks.clone() {
            let chosen = form.use_file && form.deck_path == path.display().to_string();
            if ui.radio(chosen, path.display().to_string()).clicked() {
                form.use_file = true;
                form.deck_path = path.display().to_string();
            }
        }
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.use_file, true, tr.t("host.deck_file"));
            ui.add_enabled(
                form.use_file,
                egui::TextEdit::singleline(&mut form.deck_path).hint_text("scenarios/…ron"),
            );
        });
        ui.add_space(8.0);
        egui::Grid::new("host-setup")
            .num_columns(2)
            .spacing([16.0, 12.0])
            .show(ui, |ui| {
                ui.label(tr.t("host.rounds"));
                ui.add(egui::Slider::new(&mut form.rounds, 3..=30));
                ui.end_row();
                ui.label(tr.t("host.timer"));
                ui.add(egui::Slider::new(&mut form.timer_secs, 30..=600).suffix(" s"));
                ui.end_row();
            });
        ui.add_space(12.0);
        if theme::big_button(ui, tr.t("host.open"), 360.0).clicked() {
            actions.write(UiAction::Host(HostSetup {
                deck: form.use_file.then(|| form.deck_path.trim().into()),
                rounds: form.rounds,
                timer_secs: form.timer_secs,
                local_only: false,
            }));
        }
    });
    if form.unfinished.is_empty() {
        return;
    }
    ui.add_space(12.0);
    theme::card_frame().show(ui, |ui| {
        ui.set_max_width(760.0);
        ui.label(egui::RichText::new(tr.t("host.resume")).strong());
        ui.label(tr.t("host.resume_hint"));
        for u in &form.unfinished {
            let line = tr.f(
                "host.resume_item",
                &[
                    ("deck", &u.deck),
                    ("date", &crate::report::date(u.created_unix)),
                    ("round", &u.round.min(u.rounds)),
                    ("rounds", &u.rounds),
                    ("players", &u.players),
                ],
            );
            if ui.button(line).clicked() {
                actions.write(UiAction::Resume {
                    path: u.path.clone(),
                    local_only: false,
                });
            }
        }
    });
}

fn lobby(ui: &mut egui::Ui, tr: &Tr, host: &HostLink, actions: &mut MessageWriter<UiAction>) {
    let session = host.core.session();
    let deck = session.deck();
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        theme::card_frame().show(ui, |ui| {
            ui.label(egui::RichText::new(tr.t("host.code")).size(24.0));
            ui.label(
                egui::RichText::new(host.code.to_string())
                    .size(96.0)
                    .strong()
                    .monospace()
                    .color(theme::ACCENT),
            );
            if let Some(url) = &host.web_url {
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    theme::qr(ui, url, 180.0);
                    ui.vertical(|ui| {
                        ui.label(egui::RichText::new(tr.t("fac.join_browser")).strong());
                        ui.label(egui::RichText::new(url).size(26.0).monospace().strong());
                    });
                });
                ui.add_space(8.0);
            }
            ui.label(egui::RichText::new(tr.t("host.address")).strong());
            for a in lan_addresses(host.addr) {
                ui.label(egui::RichText::new(a).size(18.0).monospace());
            }
            ui.label(egui::RichText::new(tr.t("host.how_to_join")).color(theme::MUTED));
        });
        let ui = &mut cols[1];
        theme::card_frame().show(ui, |ui| {
            ui.label(
                egui::RichText::new(tr.f("host.players", &[("n", &session.seats.len())]))
                    .size(24.0)
                    .strong(),
            );
            let connected = host.core.connected_seats();
            egui::Grid::new("lobby-players")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for (id, s) in &session.seats {
                        let online = s.bot || connected.contains(id);
                        ui.label(if online { "✔ " } else { "○ " }.to_string() + &s.name);
                        ui.label(s.role.map_or(tr.t("host.no_role").to_string(), |r| {
                            deck.roles[r].name.get(tr.lang).to_string()
                        }));
                        ui.label(if s.bot {
                            tr.t("host.bot")
                        } else if online {
                            tr.t("host.online")
                        } else {
                            tr.t("host.offline")
                        });
                        ui.end_row();
                    }
                });
            super::facilitator::door(ui, tr, host, actions);
            ui.separator();
            ui.label(tr.t("host.fill_with_bots"));
            ui.horizontal_wrapped(|ui| {
                for (r, role) in deck.roles.iter().enumerate() {
                    if session.seats_in_role(r).next().is_none()
                        && ui.button(format!("+ {}", role.name.get(tr.lang))).clicked()
                    {
                        actions.write(UiAction::Facilitate(Intent::AddSeat {
                            name: format!("bot-{}", role.id),
                            role: Some(role.id.clone()),
                            bot: true,
                        }));
                    }
                }
            });
            ui.add_space(12.0);
            if theme::big_button(ui, tr.t("host.start"), 320.0).clicked() {
                actions.write(UiAction::Facilitate(Intent::Start));
            }
            if ui.button(tr.t("host.to_facilitator")).clicked() {
                actions.write(UiAction::GoTo(Screen::Facilitator));
            }
        });
    });
}

/// How players reach this host: each LAN address with the port.
pub fn lan_addresses(addr: std::net::SocketAddr) -> Vec<String> {
    if !addr.ip().is_unspecified() {
        return vec![addr.to_string()];
    }
    let mut out: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && i.ip().is_ipv4())
        .map(|i| format!("{}:{}", i.ip(), addr.port()))
        .collect();
    if out.is_empty() {
        out.push(format!("127.0.0.1:{}", addr.port()));
    }
    out
}
