//! The facilitator's screen, which doubles as the projector view: large meters, the card, who
//! is connected and who has voted, and the controls. Projector mode hides the controls and the
//! role briefings the room should not see.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use std::time::{Duration, Instant};

use super::round::{decided, deltas, phase_words, split_words};
use super::{HostForm, Screen, ScreenStep, Status, UiAction, facilitator_view, tx};
use crate::net::plugin::HostLink;
use crate::net::protocol::Refusal;
use crate::rules::session::{Intent, Phase, RuleError};
use crate::ui::i18n::Tr;
use crate::ui::theme;

#[allow(clippy::too_many_arguments)]
pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<HostForm>,
    host: Option<Res<HostLink>>,
    mut actions: MessageWriter<UiAction>,
    resolution: Res<Resolution>,
    // The card picked in the controls, and the note being written.
    mut picked: Local<(String, String)>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    let Some(host) = host else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            ui.label(tr.t("round.no_session"));
            if ui.button(tr.t("common.back")).clicked() {
                actions.write(UiAction::Leave);
            }
        });
        return Ok(());
    };
    let width = ctx.content_rect().width();
    let controls = Controls {
        projector: &mut form.projector,
        actions: &mut actions,
        picked: &mut picked,
        status: &status,
    };
    board(&mut root, width, &tr, &host, Some(controls), &resolution);
    Ok(())
}

/// How long a resolution stays the projector's event: the outcome, who decided, the split and
/// each meter's change, large, before the board comes back.
pub const RESOLUTION_EVENT: Duration = Duration::from_secs(8);

/// When the table on the board last resolved a step.
#[derive(Resource, Default, Debug)]
pub struct Resolution {
    /// The table shown and its number of decisions.
    key: Option<(usize, usize)>,
    at: Option<Instant>,
}

impl Resolution {
    /// The time left of the current resolution's event, if one is on.
    pub fn event_left(&self) -> Option<Duration> {
        let at = self.at?;
        RESOLUTION_EVENT
            .checked_sub(at.elapsed())
            .filter(|d| !d.is_zero())
    }
}

/// Notes the moment the table on the board decides (not a switch to another table).
fn note_resolution(host: Option<Res<HostLink>>, mut resolution: ResMut<Resolution>) {
    let Some(host) = host else {
        *resolution = Resolution::default();
        return;
    };
    let key = (host.shown, host.core().session().decisions.len());
    if resolution.key == Some(key) {
        return;
    }
    if resolution
        .key
        .is_some_and(|(table, decided)| table == key.0 && decided < key.1)
    {
        resolution.at = Some(Instant::now());
    } else {
        resolution.at = None;
    }
    resolution.key = Some(key);
}

/// What the facilitator's own window adds to the board: the controls.
pub struct Controls<'a, 'w> {
    pub projector: &'a mut bool,
    pub actions: &'a mut MessageWriter<'w, UiAction>,
    pub picked: &'a mut (String, String),
    pub status: &'a Status,
}

/// The session on one screen: with the `desk` (the controls), the facilitator's (which can turn itself into
/// the projector view); without, the projector window's, for the room to read.
pub fn board(
    root: &mut egui::Ui,
    width: f32,
    tr: &Tr,
    host: &HostLink,
    mut desk: Option<Controls<'_, '_>>,
    resolution: &Resolution,
) {
    if host.workshop.len() > 1
        && let Some(c) = desk.as_mut()
        && !*c.projector
    {
        egui::Panel::top("fac-tables").show(root, |ui| {
            table_tabs(ui, tr, host, true, c.actions);
        });
    }
    if host.all_tables && host.workshop.len() > 1 {
        all_tables(root, tr, host, desk);
        return;
    }
    let view = facilitator_view(host);
    let session = host.core().session();
    let deck = session.deck();
    let connected = host.core().connected_seats();
    let projector = desk.as_ref().is_none_or(|c| *c.projector);
    egui::Panel::top("fac-top").show(root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(tx(tr, &view.deck_title))
                    .strong()
                    .size(24.0),
            );
            ui.separator();
            ui.label(
                egui::RichText::new(tr.f(
                    "round.round_of",
                    &[("n", &view.round.min(view.rounds)), ("of", &view.rounds)],
                ))
                .size(24.0)
                .strong(),
            );
            ui.separator();
            ui.label(egui::RichText::new(phase_words(tr, view.phase)).size(22.0));
            if view.phase == Phase::Deciding {
                let left = view_timer(host);
                ui.separator();
                // On the beamer the clock is what the room looks at last: large, red at the end.
                ui.label(
                    egui::RichText::new(format!("⏱ {}:{:02}", left / 60, left % 60))
                        .size(if projector { 44.0 } else { 26.0 })
                        .strong()
                        .color(if left <= 15 { theme::BAD } else { theme::INK }),
                );
            }
            if view.paused {
                ui.label(
                    egui::RichText::new(format!("⏸ {}", tr.t("round.paused")))
                        .color(theme::BAD)
                        .strong(),
                );
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    egui::RichText::new(format!("{}: {}", tr.t("host.code"), host.code))
                        .size(22.0)
                        .strong()
                        .monospace(),
                );

                let Some(c) = desk.as_mut() else {
                    return;
                };
                // On the projector the bar is zoomed and full; the box alone (with its name on
                // hover) leaves room for the timer.
                let label = if *c.projector {
                    ""
                } else {
                    tr.t("fac.projector")
                };
                ui.checkbox(c.projector, label)
                    .on_hover_text(tr.t("fac.projector"));
                if !*c.projector
                    && ui
                        .button(tr.t("fac.projector_window"))
                        .on_hover_text(tr.t("fac.projector_window_hint"))
                        .clicked()
                {
                    c.actions.write(UiAction::OpenProjector);
                }
            });
        });
    });
    if projector
        && view.phase == Phase::Resolved
        && let (Some(d), Some(left)) = (&view.last, resolution.event_left())
    {
        resolution_event(root, tr, &view, d);
        root.ctx().request_repaint_after(left);
        return;
    }
    egui::Panel::top("fac-meters").show(root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        let d = deltas(&view);
        ui.columns(view.meters.len().max(1), |cols| {
            for (i, m) in view.meters.iter().enumerate() {
                theme::meter(
                    &mut cols[i],
                    m,
                    tx(tr, &m.label),
                    d.as_ref().map(|d| d[i]),
                    tr.t("meter.near"),
                    30.0,
                );
            }
        });
    });
    if let Some(Controls {
        actions,
        picked,
        status,
        ..
    }) = desk.filter(|_| !projector)
    {
        egui::Panel::right("fac-controls")
            .resizable(false)
            .exact_size(width * 0.3)
            .show(root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    if let Some(url) = &host.web_url {
                        join_box(ui, tr, url, &host.code.to_string(), 120.0, 17.0);
                        ui.separator();
                    }
                    door(ui, tr, host, actions);
                    controls(ui, tr, host, &view, actions, picked);
                    notes(ui, tr, &view, actions, &mut picked.1);
                    ui.separator();
                    ui.label(
                        egui::RichText::new(tr.f("host.players", &[("n", &session.seats.len())]))
                            .strong(),
                    );
                    for (id, s) in &session.seats {
                        let online = s.bot || connected.contains(id);
                        let voted = view.seats.iter().any(|v| v.seat == *id && v.voted);
                        // Wrapped: a long name and its vote mark move the role box to the next
                        // line instead of running the row off the panel.
                        ui.horizontal_wrapped(|ui| {
                            ui.label(format!("{} {}", if online { "✔" } else { "○" }, s.name));
                            if voted {
                                ui.label(
                                    egui::RichText::new(format!("✔ {}", tr.t("fac.voted")))
                                        .color(theme::GOOD),
                                );
                            }
                            // A fixed-width role box that cuts long role names short, so a row
                            // never runs off the panel.
                            egui::ComboBox::from_id_salt(("role", *id))
                                .width(ROLE_BOX_WIDTH)
                                .truncate()
                                .selected_text(s.role.map_or("—".into(), |r| {
                                    deck.roles[r].name.get(tr.lang).to_string()
                                }))
                                .show_ui(ui, |ui| {
                                    for role in &deck.roles {
                                        if ui
                                            .selectable_label(false, role.name.get(tr.lang))
                                            .clicked()
                                        {
                                            actions.write(UiAction::Facilitate(Intent::MoveSeat {
                                                seat: *id,
                                                role: role.id.clone(),
                                            }));
                                        }
                                    }
                                });
                            if ui
                                .small_button("✖")
                                .on_hover_text(tr.t("fac.remove"))
                                .clicked()
                            {
                                actions
                                    .write(UiAction::Facilitate(Intent::RemoveSeat { seat: *id }));
                            }
                        });
                    }
                    ui.horizontal_wrapped(|ui| {
                        for (r, role) in deck.roles.iter().enumerate() {
                            if session.seats_in_role(r).next().is_none()
                                && ui
                                    .button(format!("+ bot {}", role.name.get(tr.lang)))
                                    .clicked()
                            {
                                actions.write(UiAction::Facilitate(Intent::AddSeat {
                                    name: format!("bot-{}", role.id),
                                    role: Some(role.id.clone()),
                                    bot: true,
                                }));
                            }
                        }
                    });
                    if let Some(e) = &status.error {
                        ui.colored_label(theme::BAD, e);
                    }
                });
            });
    }
    // A clipped panel of its own: a central panel grows to its widest content and would
    // paint over the side panel.
    let main_width = width - if projector { 0.0 } else { width * 0.3 };
    egui::Panel::left("fac-main")
        .resizable(false)
        .exact_size(main_width)
        .show(root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let Some(card) = &view.card else {
                    if let Some(e) = &view.ending {
                        ui.heading(tx(tr, &e.message));
                    } else {
                        ui.heading(tr.t("fac.waiting"));
                        // The room joins from the beamer: address, code and QR, large.
                        if let (true, Some(url)) = (projector, &host.web_url) {
                            ui.add_space(12.0);
                            join_box(ui, tr, url, &host.code.to_string(), 300.0, 30.0);
                        }
                    }
                    return;
                };
                for n in &view.news {
                    ui.label(egui::RichText::new(tx(tr, n)).size(24.0).color(theme::WARN));
                }
                ui.label(egui::RichText::new(tx(tr, &card.title)).size(40.0).strong());
                theme::card_frame().show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.label(egui::RichText::new(tx(tr, &card.briefing)).size(24.0));
                });
                if !projector && !card.all_briefings.is_empty() {
                    egui::CollapsingHeader::new(tr.t("fac.role_briefings")).show(ui, |ui| {
                        for (r, b) in &card.all_briefings {
                            ui.label(egui::RichText::new(tx(tr, &view.roles[*r].name)).strong());
                            ui.label(tx(tr, b));
                        }
                    });
                }
                for d in &card.earlier {
                    decided(ui, tr, &view, d);
                }
                if matches!(view.phase, Phase::Briefing | Phase::Deciding) {
                    let role = &view.roles[card.deciding_role];
                    ui.label(
                        egui::RichText::new(
                            tr.f("round.decides", &[("role", &tx(tr, &role.name))]),
                        )
                        .size(24.0)
                        .strong()
                        .color(theme::ACCENT),
                    );
                    ui.label(
                        egui::RichText::new(tx(tr, &card.prompt))
                            .size(28.0)
                            .strong(),
                    );
                    for (i, o) in card.options.iter().enumerate() {
                        ui.label(
                            egui::RichText::new(format!("{}.  {}", i + 1, tx(tr, o))).size(24.0),
                        );
                    }
                    let voted = view
                        .seats
                        .iter()
                        .filter(|s| s.role == Some(card.deciding_role) && s.voted)
                        .count();
                    let total = view
                        .seats
                        .iter()
                        .filter(|s| s.role == Some(card.deciding_role))
                        .count();
                    ui.label(
                        egui::RichText::new(tr.f("round.voted", &[("n", &voted), ("of", &total)]))
                            .size(22.0),
                    );
                }
                if let (Phase::Resolved | Phase::Ended, Some(d)) = (view.phase, &view.last) {
                    decided(ui, tr, &view, d);
                }
                // Latecomers and reconnecting phones read the address off the beamer too.
                if let (true, Some(url)) = (projector, &host.web_url) {
                    ui.add_space(16.0);
                    ui.label(
                        egui::RichText::new(format!("{} {url}", tr.t("fac.join_at")))
                            .size(20.0)
                            .color(theme::MUTED),
                    );
                }
                if !projector && (!card.debrief.is_empty() || card.key_question.is_some()) {
                    egui::CollapsingHeader::new(tr.t("fac.debrief_questions")).show(ui, |ui| {
                        if let Some(k) = &card.key_question {
                            ui.label(egui::RichText::new(format!("★ {}", tx(tr, k))).strong());
                        }
                        for q in &card.debrief {
                            ui.label(format!("• {}", tx(tr, q)));
                        }
                    });
                }
            });
        });
}

/// A resolution as the room's event: what was decided and by whom, how the vote split, and each
/// meter's change, large enough for the back of the room.
fn resolution_event(
    root: &mut egui::Ui,
    tr: &Tr,
    view: &crate::rules::view::View,
    d: &crate::rules::view::DecisionView,
) {
    egui::CentralPanel::default().show(root, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(12.0);
            ui.label(
                egui::RichText::new(tx(tr, &d.card_title))
                    .size(26.0)
                    .color(theme::MUTED),
            );
            ui.label(
                egui::RichText::new(tr.f(
                    "round.decided_by",
                    &[("role", &tx(tr, &view.roles[d.role].name))],
                ))
                .size(28.0)
                .color(theme::ACCENT),
            );
            ui.add(
                egui::Label::new(
                    egui::RichText::new(tx(tr, &d.option_label))
                        .size(44.0)
                        .strong(),
                )
                .wrap(),
            );
            ui.label(egui::RichText::new(split_words(tr, d)).size(26.0));
            ui.add_space(18.0);
        });
        let changes: Vec<(usize, i32)> = d
            .meters_after
            .iter()
            .zip(&d.meters_before)
            .map(|(a, b)| a - b)
            .enumerate()
            .collect();
        ui.columns(changes.len().max(1), |cols| {
            for (m, change) in changes {
                let ui = &mut cols[m];
                ui.vertical_centered(|ui| {
                    ui.label(egui::RichText::new(tx(tr, &view.meters[m].label)).size(24.0));
                    let (text, colour) = match change {
                        0 => ("±0".to_string(), theme::MUTED),
                        c if c > 0 => (format!("+{c}"), theme::GOOD),
                        c => (format!("−{}", c.abs()), theme::BAD),
                    };
                    ui.label(egui::RichText::new(text).size(64.0).strong().color(colour));
                    ui.label(
                        egui::RichText::new(tr.f(
                            "fac.from_to",
                            &[("from", &d.meters_before[m]), ("to", &d.meters_after[m])],
                        ))
                        .size(22.0)
                        .color(theme::MUTED),
                    );
                });
            }
        });
        ui.add_space(18.0);
        ui.vertical_centered(|ui| {
            ui.add(egui::Label::new(egui::RichText::new(tx(tr, &d.outcome)).size(24.0)).wrap());
        });
    });
}

/// The tables of a workshop as tabs: each with its round and phase; "all tables" opens the
/// board of them all.
pub(super) fn table_tabs(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
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
                    host.all_tables,
                    egui::RichText::new(tr.t("fac.all_tables"))
                        .size(18.0)
                        .strong(),
                )
                .clicked()
        {
            actions.write(UiAction::ShowTable(None));
        }
        for (i, t) in host.workshop.tables().iter().enumerate() {
            let s = t.core.session();
            let label = format!(
                "{} {} · {}/{} {}",
                tr.t("common.table"),
                i + 1,
                s.round.min(s.rounds),
                s.rounds,
                phase_words(tr, s.phase)
            );
            let on = (!host.all_tables || !with_all) && host.shown == i;
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
pub(super) fn seat_elsewhere(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    actions: &mut MessageWriter<UiAction>,
) {
    let session = host.core().session();
    if session.phase != Phase::Lobby || session.seats.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(tr.t("fac.move_table")).show(ui, |ui| {
        for (id, seat) in &session.seats {
            ui.horizontal_wrapped(|ui| {
                ui.label(&seat.name);
                for t in (0..host.workshop.len()).filter(|t| *t != host.shown) {
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

/// Every table at a glance, for the facilitator (with a button row per table and one for all)
/// and for the beamer: phase, round, timer, who is online and who has voted, the meters with
/// their last change, and how each table ended.
fn all_tables(root: &mut egui::Ui, tr: &Tr, host: &HostLink, mut desk: Option<Controls<'_, '_>>) {
    let projector = desk.as_ref().is_none_or(|c| *c.projector);
    // Larger on the beamer, as long as every table still fits on it.
    let big = match (projector, host.workshop.len()) {
        (false, _) => 1.0,
        (true, 0..=4) => 1.35,
        (true, 5 | 6) => 1.0,
        (true, _) => 0.8,
    };
    egui::Panel::top("all-top").show(root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(format!(
                    "{} — {}",
                    host.workshop.name(),
                    tr.f("fac.tables_n", &[("n", &host.workshop.len())])
                ))
                .strong()
                .size(24.0 * big),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    egui::RichText::new(format!("{}: {}", tr.t("host.code"), host.code))
                        .size(22.0 * big)
                        .strong()
                        .monospace(),
                );
                if let Some(c) = desk.as_mut() {
                    ui.checkbox(c.projector, "")
                        .on_hover_text(tr.t("fac.projector"));
                    if !*c.projector && ui.button(tr.t("fac.projector_window")).clicked() {
                        c.actions.write(UiAction::OpenProjector);
                    }
                }
            });
        });
        if let Some(c) = desk.as_mut().filter(|c| !*c.projector) {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(tr.t("fac.at_all_tables")).strong());
                for (label, intent) in [
                    (format!("▶ {}", tr.t("host.start")), Intent::Start),
                    (format!("⏭ {}", tr.t("fac.next")), Intent::Advance),
                    (format!("⏸ {}", tr.t("fac.pause")), Intent::Pause),
                    (format!("▶ {}", tr.t("fac.resume")), Intent::Resume),
                    (format!("⏹ {}", tr.t("fac.end")), Intent::End),
                ] {
                    if ui.button(label).clicked() {
                        c.actions.write(UiAction::FacilitateAll(intent));
                    }
                }
                if let Some(e) = &c.status.error {
                    ui.colored_label(theme::BAD, e);
                }
            });
        }
    });
    egui::CentralPanel::default().show(root, |ui| {
        egui::ScrollArea::both().show(ui, |ui| {
            let actions = desk
                .as_mut()
                .filter(|c| !*c.projector)
                .map(|c| &mut *c.actions);
            tables_grid(ui, tr, host, big, actions);
        });
    });
}

/// Every table in a row of its own, the meters in columns: eight tables fit a beamer, and the
/// room compares them at a glance.
fn tables_grid(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    big: f32,
    mut actions: Option<&mut MessageWriter<UiAction>>,
) {
    let views: Vec<crate::rules::view::View> = host
        .workshop
        .tables()
        .iter()
        .map(|t| {
            crate::rules::view::view(t.core.session(), crate::rules::view::Viewer::Facilitator)
        })
        .collect();
    // The meters every table's deck has, each at its place in each table's list.
    let compared = crate::comparison::Comparison::of(&views);
    let meters = compared.meters();
    let text = |s: String, size: f32| egui::RichText::new(s).size(size * big);
    egui::Grid::new("all-tables")
        .striped(true)
        .spacing([18.0 * big, 10.0 * big])
        .min_row_height(52.0 * big)
        .show(ui, |ui| {
            ui.label("");
            ui.label(text(tr.t("fac.course").into(), 16.0).color(theme::MUTED));
            for (_, label) in &meters {
                ui.label(text(tx(tr, label).into(), 16.0).color(theme::MUTED));
            }
            ui.label(text(tr.t("fac.at_the_table").into(), 16.0).color(theme::MUTED));
            ui.end_row();
            for (i, view) in views.iter().enumerate() {
                let table = &host.workshop.tables()[i];
                ui.label(
                    text(format!("{} {}", tr.t("common.table"), i + 1), 26.0)
                        .strong()
                        .color(theme::ACCENT),
                );
                ui.vertical(|ui| {
                    ui.label(
                        text(
                            format!(
                                "{} {}/{}",
                                tr.t("debrief.col_round"),
                                view.round.min(view.rounds),
                                view.rounds
                            ),
                            18.0,
                        )
                        .strong(),
                    );
                    let mut phase = phase_words(tr, view.phase).to_string();
                    if view.paused {
                        phase = format!("⏸ {}", tr.t("round.paused"));
                    }
                    ui.horizontal(|ui| {
                        ui.label(text(phase, 16.0).color(if view.paused {
                            theme::BAD
                        } else {
                            theme::INK
                        }));
                        if view.phase == Phase::Deciding {
                            let left = table.core.timer_left().unwrap_or(0);
                            ui.label(
                                text(format!("⏱ {}:{:02}", left / 60, left % 60), 18.0)
                                    .strong()
                                    .color(if left <= 15 { theme::BAD } else { theme::INK }),
                            );
                        }
                    });
                });
                let d = deltas(view);
                for (at, _) in &meters {
                    let m = at[i];
                    let meter = &view.meters[m];
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            ui.label(text(meter.value.to_string(), 24.0).strong());
                            if let Some(d) = d.as_ref().map(|d| d[m]).filter(|d| *d != 0) {
                                let colour = if d > 0 { theme::GOOD } else { theme::BAD };
                                ui.label(text(format!("{d:+}"), 18.0).strong().color(colour));
                            }
                        });
                        theme::meter_bar(ui, meter, egui::vec2(84.0 * big, 10.0 * big));
                    });
                }
                ui.vertical(|ui| {
                    ui.set_max_width(300.0 * big);
                    let online = table.core.connected_seats();
                    let people = view.seats.iter().filter(|s| !s.bot).count();
                    let here = view
                        .seats
                        .iter()
                        .filter(|s| !s.bot && online.contains(&s.seat))
                        .count();
                    let mut line = tr.f("fac.online", &[("n", &here), ("of", &people)]);
                    if let (Phase::Briefing | Phase::Deciding, Some(card)) =
                        (view.phase, &view.card)
                    {
                        let (voted, of) = view
                            .seats
                            .iter()
                            .filter(|s| s.role == Some(card.deciding_role))
                            .fold((0, 0), |(v, n), s| (v + usize::from(s.voted), n + 1));
                        line = format!(
                            "{line} · {}",
                            tr.f("round.voted", &[("n", &voted), ("of", &of)])
                        );
                    }
                    ui.label(text(line, 15.0).color(theme::MUTED));
                    let said = match (&view.ending, view.phase, &view.last, &view.card) {
                        (Some(e), _, _, _) => tx(tr, &e.message).to_string(),
                        (None, Phase::Resolved, Some(d), _) => format!(
                            "{}: {}",
                            tx(tr, &view.roles[d.role].name),
                            tx(tr, &d.option_label)
                        ),
                        (None, _, _, Some(card)) => tx(tr, &card.title).to_string(),
                        _ => String::new(),
                    };
                    ui.add(egui::Label::new(text(said, 17.0)).wrap());
                });
                if let Some(actions) = actions.as_mut() {
                    ui.horizontal(|ui| {
                        let mut at = |intent: Intent| {
                            actions.write(UiAction::FacilitateAt(i, intent));
                        };
                        match view.phase {
                            Phase::Lobby => {
                                if ui.button("▶").on_hover_text(tr.t("host.start")).clicked() {
                                    at(Intent::Start);
                                }
                            }
                            Phase::Ended => {}
                            _ => {
                                if ui.button("⏭").on_hover_text(tr.t("fac.next")).clicked() {
                                    at(Intent::Advance);
                                }
                                if view.paused {
                                    if ui.button("▶").on_hover_text(tr.t("fac.resume")).clicked()
                                    {
                                        at(Intent::Resume);
                                    }
                                } else if ui.button("⏸").on_hover_text(tr.t("fac.pause")).clicked()
                                {
                                    at(Intent::Pause);
                                }
                            }
                        }
                        if ui.button(tr.t("fac.open_table")).clicked() {
                            actions.write(UiAction::ShowTable(Some(i)));
                        }
                    });
                }
                ui.end_row();
            }
        });
}

/// The door after the start: whether newcomers come straight in, and who waits to be let in
/// (into a role, or back into the seat with their name whose token their device lost).
pub(super) fn door(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    actions: &mut MessageWriter<UiAction>,
) {
    let mut open = host.core().room_open();
    if ui.checkbox(&mut open, tr.t("door.open")).changed() {
        actions.write(UiAction::SetRoomOpen(open));
    }
    let waiting = host.core().waiting();
    if waiting.is_empty() {
        return;
    }
    let deck = host.core().session().deck();
    theme::card_frame().show(ui, |ui| {
        ui.label(
            egui::RichText::new(tr.t("door.title"))
                .strong()
                .color(theme::ACCENT),
        );
        for w in waiting {
            ui.separator();
            let wants = w
                .role
                .as_deref()
                .and_then(|r| deck.roles.iter().find(|x| x.id == r))
                .map(|r| r.name.get(tr.lang).to_string());
            ui.label(egui::RichText::new(&w.name).strong());
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
                    for role in &deck.roles {
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
fn join_box(ui: &mut egui::Ui, tr: &Tr, url: &str, code: &str, side: f32, size: f32) {
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

fn view_timer(host: &HostLink) -> u32 {
    host.core().timer_left().unwrap_or(0)
}

fn controls(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    view: &crate::rules::view::View,
    actions: &mut MessageWriter<UiAction>,
    picked: &mut (String, String),
) {
    let deck = host.core().session().deck();
    let mut act = |intent: Intent| {
        actions.write(UiAction::Facilitate(intent));
    };
    ui.heading(tr.t("fac.controls"));
    ui.horizontal_wrapped(|ui| match view.phase {
        Phase::Lobby => {
            if ui.button(format!("▶ {}", tr.t("host.start"))).clicked() {
                act(Intent::Start);
            }
        }
        Phase::Ended => {}
        _ => {
            let label = match view.phase {
                Phase::Briefing => tr.t("fac.open_vote"),
                Phase::Deciding => tr.t("fac.close_vote"),
                _ => tr.t("fac.next"),
            };
            if ui.button(format!("⏭ {label}")).clicked() {
                act(Intent::Advance);
            }
            if view.paused {
                if ui.button(format!("▶ {}", tr.t("fac.resume"))).clicked() {
                    act(Intent::Resume);
                }
            } else if ui.button(format!("⏸ {}", tr.t("fac.pause"))).clicked() {
                act(Intent::Pause);
            }
            if ui.button(format!("+60 s {}", tr.t("fac.extend"))).clicked() {
                act(Intent::ExtendTimer { secs: 60 });
            }
            if ui.button(tr.t("fac.skip")).clicked() {
                act(Intent::Skip);
            }
        }
    });
    // The timer for every later decision; "+60 s" above is for this one only.
    if view.phase != Phase::Ended {
        ui.horizontal(|ui| {
            ui.label(format!("{}: {} s", tr.t("fac.timer"), view.timer_secs));
            let t = view.timer_secs;
            if ui.button("−30 s").clicked() && t > 30 {
                act(Intent::SetTimer { secs: t - 30 });
            }
            if ui.button("+30 s").clicked() {
                act(Intent::SetTimer {
                    secs: (t + 30).min(crate::rules::session::MAX_TIMER_SECS),
                });
            }
        });
    }
    if let Some(card) = &view.card
        && matches!(view.phase, Phase::Briefing | Phase::Deciding)
    {
        ui.label(tr.t("fac.decide_for_role"));
        ui.horizontal_wrapped(|ui| {
            for i in 0..card.options.len() {
                if ui.button(format!("{}", i + 1)).clicked() {
                    act(Intent::Decide { option: i });
                }
            }
        });
    }
    if view.can_undo
        && let Some(d) = &view.last
    {
        ui.label(tr.t("fac.override"));
        ui.horizontal_wrapped(|ui| {
            let n = host
                .core()
                .session()
                .decisions
                .last()
                .map_or(0, |x| deck.cards[x.card].steps[x.step].options.len());
            for i in 0..n {
                if i != d.option && ui.button(format!("{}", i + 1)).clicked() {
                    act(Intent::Override { option: i });
                }
            }
            if ui.button(tr.t("fac.revoke")).clicked() {
                act(Intent::Revoke);
            }
        });
    }
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("pick-card")
            .selected_text(
                deck.cards
                    .iter()
                    .find(|c| c.id == picked.0)
                    .map_or(tr.t("fac.pick_card").to_string(), |c| {
                        c.title.get(tr.lang).to_string()
                    }),
            )
            .width(200.0)
            .show_ui(ui, |ui| {
                for c in &deck.cards {
                    ui.selectable_value(&mut picked.0, c.id.clone(), c.title.get(tr.lang));
                }
            });
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !picked.0.is_empty(),
                egui::Button::new(tr.t("fac.next_card")),
            )
            .clicked()
        {
            act(Intent::ChooseNext {
                card: picked.0.clone(),
            });
        }
        if ui
            .add_enabled(!picked.0.is_empty(), egui::Button::new(tr.t("fac.inject")))
            .clicked()
        {
            act(Intent::Inject {
                card: picked.0.clone(),
            });
        }
    });
    ui.horizontal(|ui| {
        if view.phase == Phase::Ended {
            if ui.button(tr.t("fac.to_debrief")).clicked() {
                actions.write(UiAction::GoTo(Screen::Debrief));
            }
        } else if ui.button(format!("⏹ {}", tr.t("fac.end"))).clicked() {
            actions.write(UiAction::Facilitate(Intent::End));
        }
    });
}

/// The facilitator's notes: what they see at the table, kept with the round for the debrief.
fn notes(
    ui: &mut egui::Ui,
    tr: &Tr,
    view: &crate::rules::view::View,
    actions: &mut MessageWriter<UiAction>,
    draft: &mut String,
) {
    ui.add_space(8.0);
    ui.label(egui::RichText::new(tr.t("fac.notes")).strong());
    let field = ui.add(
        egui::TextEdit::multiline(draft)
            .char_limit(crate::rules::session::MAX_NOTE_CHARS)
            .desired_rows(2)
            .desired_width(f32::INFINITY)
            .hint_text(tr.t("fac.note_hint")),
    );
    let enter =
        field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.command);
    if (ui.button(tr.t("fac.note_save")).clicked() || enter) && !draft.trim().is_empty() {
        actions.write(UiAction::Facilitate(Intent::Note {
            text: std::mem::take(draft),
        }));
    }
    for n in view.notes.iter().rev().take(3) {
        ui.label(
            egui::RichText::new(format!(
                "{} {}: {}",
                tr.t("debrief.col_round"),
                n.round,
                n.text
            ))
            .color(theme::MUTED),
        );
    }
}

/// Width of a participant's role box in the controls panel.
const ROLE_BOX_WIDTH: f32 = 150.0;

/// The facilitator's screen.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Resolution>().add_systems(
        Update,
        (
            act.in_set(ScreenStep::Act),
            note_resolution.in_set(ScreenStep::Follow),
        ),
    );
}

/// The facilitator's buttons: the session's course, and the door after the start.
pub(super) fn act(
    mut actions: MessageReader<UiAction>,
    mut next: ResMut<NextState<Screen>>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
    mut host: Option<ResMut<HostLink>>,
) {
    for action in actions.read() {
        match action.clone() {
            UiAction::Facilitate(intent) => {
                if let Some(h) = host.as_mut()
                    && let Err(e) = h.core_mut().facilitate(&intent)
                {
                    status.error = Some(e.text().get(tr.lang).to_string());
                }
                if matches!(intent, Intent::Start) && status.error.is_none() {
                    next.set(Screen::Facilitator);
                }
            }
            UiAction::Admit { client, role } => {
                if let Some(h) = host.as_mut()
                    && let Err(e) = h.core_mut().admit(client, role)
                {
                    status.error = Some(e.text().get(tr.lang).to_string());
                }
            }
            UiAction::TurnAway(client) => {
                if let Some(h) = host.as_mut() {
                    h.core_mut().turn_away(client);
                }
            }
            UiAction::SetRoomOpen(open) => {
                if let Some(h) = host.as_mut() {
                    h.core_mut().set_room_open(open);
                }
            }
            UiAction::FacilitateAll(intent) => {
                if matches!(intent, Intent::Start) {
                    next.set(Screen::Facilitator);
                }
                if let Some(h) = host.as_mut() {
                    // Each table where it applies: a table already past its start stays as it is.
                    let refused: Vec<String> = h
                        .workshop
                        .facilitate_all(&intent)
                        .into_iter()
                        .enumerate()
                        .filter_map(|(t, r)| r.err().map(|e| (t, e)))
                        .filter(|(_, e)| !matches!(e, Refusal::Rule(RuleError::WrongPhase { .. })))
                        .map(|(t, e)| {
                            format!(
                                "{} {}: {}",
                                tr.t("common.table"),
                                t + 1,
                                e.text().get(tr.lang)
                            )
                        })
                        .collect();
                    status.error = (!refused.is_empty()).then(|| refused.join(" · "));
                }
            }
            UiAction::FacilitateAt(t, intent) => {
                if let Some(h) = host.as_mut()
                    && let Some(table) = h.workshop.table_mut(t)
                    && let Err(e) = table.core.facilitate(&intent)
                {
                    status.error = Some(format!(
                        "{} {}: {}",
                        tr.t("common.table"),
                        t + 1,
                        e.text().get(tr.lang)
                    ));
                }
            }
            UiAction::ShowTable(t) => {
                if let Some(h) = host.as_mut() {
                    match t {
                        Some(t) => {
                            h.show(t);
                            h.all_tables = false;
                        }
                        None => h.all_tables = true,
                    }
                    status.error = None;
                }
            }
            UiAction::SeatAt { seat, table } => {
                if let Some(h) = host.as_mut() {
                    let (from, now) = (h.shown, h.now());
                    status.error = h.workshop.move_seat(from, seat, table, now).err();
                }
            }
            _ => {}
        }
    }
}
