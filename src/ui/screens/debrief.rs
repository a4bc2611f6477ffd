//! The debrief: each meter over the rounds, every decision with its role and vote split, the
//! largest swings, the deck's questions, and an export.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Line, Plot, PlotPoint, PlotPoints};

use super::round::split_words;
use super::{ScreenStep, Shown, Status, UiAction, tx};
use crate::net::plugin::{ClientLink, HostLink};
use crate::rules::view::{DecisionView, View};
use crate::ui::i18n::Tr;
use crate::ui::theme;

// A Bevy system: each argument is a resource or a query it reads.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    host: Option<Res<HostLink>>,
    client: Option<Res<ClientLink>>,
    replay: Option<Res<Replay>>,
    mut actions: MessageWriter<UiAction>,
    mut with_names: Local<bool>,
    earlier: Res<EarlierTables>,
    shown: Res<Shown>,
) -> Result {
    let shown = *shown;
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    let view = match (&replay, &host, &client) {
        (Some(r), _, _) => Some(r.view()),
        (None, Some(h), _) => Some(shown.desk(h).view.clone()),
        (None, None, Some(c)) => c.core.view.clone(),
        _ => None,
    };
    if let Some(r) = &replay {
        replay_bar(&mut root, &tr, r, &mut actions);
    }
    egui::Panel::top("debrief-top").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            if ui.button(format!("⬅ {}", tr.t("debrief.close"))).clicked() {
                actions.write(UiAction::Leave);
            }
            ui.heading(tr.t("debrief.title"));
            // What the session played, when the facilitator chose.
            let programme = match (&replay, &host) {
                (Some(r), _) => r.meta.programme.clone(),
                (None, Some(h)) => shown.desk(h).programme_text.clone(),
                _ => None,
            };
            if let Some(p) = programme {
                ui.label(
                    egui::RichText::new(format!("{}: {}", tr.t("report.programme"), tr.text(&p)))
                        .color(theme::MUTED),
                );
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button(egui::RichText::new(format!("⬇ {}", tr.t("debrief.export"))).strong())
                    .clicked()
                {
                    actions.write(UiAction::Export { names: *with_names });
                }
                // A report leaves the room: without names unless the facilitator asks.
                ui.checkbox(&mut with_names, tr.t("debrief.with_names"));
                if let Some(i) = &status.info {
                    ui.label(i);
                }
                if let Some(e) = &status.error {
                    ui.colored_label(theme::BAD, e);
                }
            });
        });
    });
    let Some(view) = view else {
        egui::CentralPanel::default().show(&mut root, |ui| ui.label(tr.t("round.no_session")));
        return Ok(());
    };
    // A workshop: which table's story the screen tells, and all of them compared.
    let workshop = host
        .as_ref()
        .filter(|h| replay.is_none() && h.workshop.len() > 1);
    if let Some(h) = workshop {
        egui::Panel::top("debrief-tables").show(&mut root, |ui| {
            super::widgets::table_tabs(ui, &tr, h, shown, true, &mut actions);
        });
    }
    if let Some(h) = workshop.filter(|_| shown.all) {
        egui::CentralPanel::default().show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| compare(ui, &tr, h));
        });
        return Ok(());
    }
    egui::Panel::right("debrief-questions")
        .resizable(false)
        .exact_size(ctx.content_rect().width() * 0.32)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if !view.key_questions.is_empty() {
                    ui.heading(tr.t("debrief.key_questions"));
                    for (title, q) in &view.key_questions {
                        ui.label(egui::RichText::new(tx(&tr, title)).strong());
                        ui.label(egui::RichText::new(format!("★ {}", tx(&tr, q))).size(17.0));
                        ui.add_space(4.0);
                    }
                    ui.add_space(10.0);
                }
                // The facilitator's own notes: closed at first, since this screen is often
                // the one on the beamer.
                if !view.notes.is_empty() {
                    egui::CollapsingHeader::new(tr.t("fac.notes"))
                        .default_open(false)
                        .show(ui, |ui| {
                            for n in &view.notes {
                                ui.label(format!(
                                    "{} {}: {}",
                                    tr.t("debrief.col_round"),
                                    n.round,
                                    n.text
                                ));
                            }
                        });
                    ui.add_space(10.0);
                }
                ui.heading(tr.t("debrief.questions"));
                for (title, qs) in &view.debrief {
                    if qs.is_empty() {
                        continue;
                    }
                    ui.label(egui::RichText::new(tx(&tr, title)).strong());
                    for q in qs {
                        ui.label(format!("• {}", tx(&tr, q)));
                    }
                    ui.add_space(6.0);
                }
            });
        });
    // A clipped panel of its own: a central panel grows to its widest content and would
    // paint over the side panel.
    let main_width = ctx.content_rect().width() - (ctx.content_rect().width() * 0.32);
    egui::Panel::left("debrief-main")
        .resizable(false)
        .exact_size(main_width)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if let Some(e) = &view.ending {
                    theme::card_frame().show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.label(egui::RichText::new(tx(&tr, &e.message)).size(24.0).strong());
                    });
                }
                if let Some(r) = &replay {
                    this_round(ui, &tr, &view, r.round);
                }
                chart(ui, &tr, &view);
                ui.heading(tr.t("debrief.swings"));
                for d in largest_swings(&view, 3) {
                    swing(ui, &tr, &view, d);
                }
                ui.heading(tr.t("debrief.decisions"));
                // How earlier tables of this deck decided, when the archive knows any.
                let against = match &replay {
                    Some(r) => r.meta.archive.as_ref(),
                    None => earlier.against.as_ref(),
                }
                .filter(|a| a.earlier_sessions > 0);
                if let Some(a) = against {
                    ui.label(
                        egui::RichText::new(tr.f("debrief.earlier", &[("n", &a.earlier_sessions)]))
                            .color(theme::MUTED),
                    );
                }
                // One wrapped block per decision: a table would push the vote split off a
                // laptop screen as soon as an option's label is long.
                for (i, d) in view.decisions.iter().enumerate() {
                    let fill = if i % 2 == 0 {
                        egui::Color32::TRANSPARENT
                    } else {
                        egui::Color32::from_black_alpha(8)
                    };
                    egui::Frame::new()
                        .fill(fill)
                        .inner_margin(4.0)
                        .show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            ui.label(
                                egui::RichText::new(format!(
                                    "{} {} · {}",
                                    tr.t("debrief.col_round"),
                                    d.round,
                                    tx(&tr, &d.card_title)
                                ))
                                .strong(),
                            );
                            ui.label(format!(
                                "{}: {}  —  {}",
                                tx(&tr, &view.roles[d.role].name),
                                tx(&tr, &d.option_label),
                                split_words(&tr, d)
                            ));
                            if let Some(x) = against.and_then(|a| a.decisions.get(i)) {
                                ui.label(
                                    egui::RichText::new(format!(
                                        "↔ {}",
                                        crate::report::against_text(tr.lang, x)
                                    ))
                                    .color(theme::MUTED),
                                );
                            }
                            // What was noted at the table in this round, beside its last decision.
                            let last_of_round = view
                                .decisions
                                .get(i + 1)
                                .is_none_or(|next| next.round != d.round);
                            if last_of_round {
                                for n in view.notes.iter().filter(|n| n.round == d.round) {
                                    ui.label(
                                        egui::RichText::new(format!(
                                            "{}: {}",
                                            tr.t("debrief.note"),
                                            n.text
                                        ))
                                        .italics()
                                        .color(theme::MUTED),
                                    );
                                }
                            }
                        });
                }
            });
        });
    Ok(())
}

/// The tables side by side: how each ended, each meter with a line per table, and the cards
/// several tables decided, with each table's choice and vote split.
fn compare(ui: &mut egui::Ui, tr: &Tr, host: &HostLink) {
    let views = host.records();
    let cmp = crate::comparison::Comparison::of(views.iter().map(|v| &**v));
    let table = tr.t("common.table");
    ui.heading(tr.t("debrief.compare"));
    ui.label(egui::RichText::new(tr.t("debrief.compare_hint")).color(theme::MUTED));
    ui.add_space(6.0);
    ui.columns(views.len().min(4), |cols| {
        for (t, v) in views.iter().enumerate() {
            let ui = &mut cols[t % cols.len()];
            theme::card_frame().show(ui, |ui| {
                ui.set_width(ui.available_width());
                // Ragged right: a column justifies its labels, and egui spreads the letters of a
                // short justified line apart.
                ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                    ui.label(
                        egui::RichText::new(format!("{table} {}", t + 1))
                            .size(22.0)
                            .strong()
                            .color(series(t)),
                    );
                    ui.label(tr.f(
                        "round.round_of",
                        &[
                            ("n", &crate::comparison::rounds_played(v)),
                            ("of", &v.rounds),
                        ],
                    ));
                    if let Some(e) = &v.ending {
                        ui.label(egui::RichText::new(tx(tr, &e.message)).strong());
                    }
                    for m in &v.meters {
                        ui.label(format!("{} {}", tx(tr, &m.label), m.value));
                    }
                });
            });
        }
    });
    let meters = cmp.meters();
    let pairs: Vec<_> = meters.chunks(2).collect();
    for pair in pairs {
        ui.columns(2, |cols| {
            for (c, (at, label)) in pair.iter().enumerate() {
                let ui = &mut cols[c];
                ui.label(egui::RichText::new(tx(tr, label)).strong().size(18.0));
                let lines = cmp.meter_lines(at);
                Plot::new(("compare", label.nl.as_str()))
                    .height(170.0)
                    .show_x(false)
                    .show_y(false)
                    .include_y(0.0)
                    .include_y(100.0)
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .show(ui, |plot| {
                        for (t, values) in lines.iter().enumerate() {
                            let points: PlotPoints = values
                                .iter()
                                .enumerate()
                                .map(|(r, v)| [r as f64, f64::from(*v)])
                                .collect();
                            plot.line(
                                Line::new(format!("{table} {}", t + 1), points)
                                    .color(series(t))
                                    .width(3.0),
                            );
                        }
                    });
            }
        });
    }
    if cmp.same_cards.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.heading(tr.t("report.same_card"));
    for card in &cmp.same_cards {
        theme::card_frame().show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new(tx(tr, card.title)).strong().size(18.0));
            ui.label(egui::RichText::new(tx(tr, card.prompt)).color(theme::MUTED));
            for (t, d) in card.at.iter().enumerate() {
                let said = match d {
                    Some(d) => format!(
                        "{}  —  {} {} · {}",
                        tx(tr, &d.option_label),
                        tr.t("debrief.col_round"),
                        d.round,
                        split_words(tr, d)
                    ),
                    None => "—".into(),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        egui::RichText::new(format!("{table} {}", t + 1))
                            .strong()
                            .color(series(t)),
                    );
                    ui.label(said);
                });
            }
        });
    }
}

/// A table's colour in the comparison.
fn series(t: usize) -> egui::Color32 {
    theme::SERIES[t % theme::SERIES.len()]
}

/// How much wider than the rounds the chart is, for the names at the lines' ends.
const CHART_NAMES_SHARE: f64 = 0.4;
/// The least distance between two names, in meter points.
const CHART_NAME_GAP: f64 = 9.0;

fn chart(ui: &mut egui::Ui, tr: &Tr, view: &View) {
    ui.heading(tr.t("debrief.chart"));
    let rounds = view.meter_history.len().saturating_sub(1) as f64;
    Plot::new("meters-over-rounds")
        .height(260.0)
        .include_y(0.0)
        .include_y(100.0)
        // Room right of the last round for the meters' names.
        .include_x(rounds + rounds.max(1.0) * CHART_NAMES_SHARE)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_label(tr.t("debrief.axis_round"))
        .show(ui, |plot| {
            for (m, meter) in view.meters.iter().enumerate() {
                let points: PlotPoints = view
                    .meter_history
                    .iter()
                    .enumerate()
                    .map(|(r, values)| [r as f64, f64::from(values[m])])
                    .collect();
                let colour = theme::SERIES[m % theme::SERIES.len()];
                plot.line(
                    Line::new(tx(tr, &meter.label), points)
                        .color(colour)
                        .width(3.0),
                );
            }
            // Each line is named at its end, as in the report: no legend over the lines, and
            // no colours to match. Names close together are pushed apart.
            let mut ends: Vec<(f64, String, egui::Color32)> = view
                .meters
                .iter()
                .enumerate()
                .filter_map(|(m, meter)| {
                    let last = view.meter_history.last()?.get(m)?;
                    let name = format!("{} {last}", tx(tr, &meter.label));
                    Some((
                        f64::from(*last),
                        name,
                        theme::SERIES[m % theme::SERIES.len()],
                    ))
                })
                .collect();
            ends.sort_by(|a, b| a.0.total_cmp(&b.0));
            for i in 1..ends.len() {
                ends[i].0 = ends[i].0.max(ends[i - 1].0 + CHART_NAME_GAP);
            }
            for (y, name, colour) in ends {
                plot.text(
                    egui_plot::Text::new(
                        name.clone(),
                        PlotPoint::new(rounds, y),
                        egui::RichText::new(format!("  {name}"))
                            .color(colour)
                            .strong(),
                    )
                    .anchor(egui::Align2::LEFT_CENTER),
                );
            }
        });
}

/// The decisions that moved the meters most, biggest first.
fn largest_swings(view: &View, n: usize) -> Vec<&DecisionView> {
    let mut all: Vec<&DecisionView> = view.decisions.iter().collect();
    all.sort_by_key(|d| {
        std::cmp::Reverse(
            d.meters_after
                .iter()
                .zip(&d.meters_before)
                .map(|(a, b)| (a - b).abs())
                .sum::<i32>(),
        )
    });
    all.truncate(n);
    all
}

fn swing(ui: &mut egui::Ui, tr: &Tr, view: &View, d: &DecisionView) {
    let moves: Vec<String> = view
        .meters
        .iter()
        .zip(d.moves())
        .filter(|(_, m)| m.by != 0)
        .map(|(m, mv)| {
            format!(
                "{} {:+}{}",
                tx(tr, &m.label),
                mv.by,
                if mv.worse { " ⚠" } else { "" }
            )
        })
        .collect();
    ui.label(format!(
        "{} {} — {}: {}  ({})",
        tr.t("debrief.col_round"),
        d.round,
        tx(tr, &d.card_title),
        tx(tr, &d.option_label),
        moves.join(", ")
    ));
}

/// The replay's round slider, with the arrow keys as a shortcut.
fn replay_bar(
    root: &mut egui::Ui,
    tr: &Tr,
    replay: &Replay,
    actions: &mut MessageWriter<UiAction>,
) {
    let last = replay.rounds();
    let (left, right) = root.ctx().input(|i| {
        (
            i.key_pressed(egui::Key::ArrowLeft),
            i.key_pressed(egui::Key::ArrowRight),
        )
    });
    if left && replay.round > 0 {
        actions.write(UiAction::ReplayRound(replay.round - 1));
    }
    if right && replay.round < last {
        actions.write(UiAction::ReplayRound(replay.round + 1));
    }
    egui::Panel::bottom("replay-bar").show(root, |ui| {
        if let Some(w) = &replay.meta.warning {
            ui.colored_label(theme::BAD, format!("⚠ {w}"));
        }
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(tr.t("replay.round")).strong());
            if ui.button("◀").clicked() && replay.round > 0 {
                actions.write(UiAction::ReplayRound(replay.round - 1));
            }
            let mut round = replay.round;
            ui.spacing_mut().slider_width = (ui.available_width() - 520.0).max(120.0);
            let slider = egui::Slider::new(&mut round, 0..=last).step_by(1.0);
            if ui.add(slider).changed() {
                actions.write(UiAction::ReplayRound(round));
            }
            if ui.button("▶").clicked() && replay.round < last {
                actions.write(UiAction::ReplayRound(replay.round + 1));
            }
            ui.label(tr.t("replay.keys"));
        });
    });
}

/// In a replay: the cards and decisions of the round being shown.
fn this_round(ui: &mut egui::Ui, tr: &Tr, view: &View, round: u32) {
    theme::card_frame().show(ui, |ui| {
        ui.set_width(ui.available_width());
        if round == 0 {
            ui.heading(tr.t("replay.start"));
            return;
        }
        ui.heading(tr.f("replay.after", &[("round", &round)]));
        let meters: Vec<String> = view
            .meters
            .iter()
            .map(|m| format!("{} {}", tx(tr, &m.label), m.value))
            .collect();
        ui.label(egui::RichText::new(meters.join("  ·  ")).size(20.0));
        for d in view.decisions.iter().filter(|d| d.round == round) {
            ui.label(
                egui::RichText::new(format!(
                    "{} — {}: {}",
                    tx(tr, &d.card_title),
                    tx(tr, &view.roles[d.role].name),
                    tx(tr, &d.option_label)
                ))
                .strong(),
            );
            ui.label(format!("{}  ({})", tx(tr, &d.outcome), split_words(tr, d)));
            for c in &d.chance_outcomes {
                ui.label(egui::RichText::new(tx(tr, c)).italics());
            }
        }
    });
}

/// The debrief screen (and a replayed journal).
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<EarlierTables>()
        .add_systems(Update, act.in_set(ScreenStep::Act))
        .add_systems(Update, follow_earlier.in_set(ScreenStep::Follow));
}

/// The hosted table against the archive's earlier sessions of its deck: read again only when
/// the table shown or its decisions change, never every frame.
#[derive(Resource, Default)]
pub struct EarlierTables {
    seen: Option<(usize, usize)>,
    pub against: Option<crate::archive::Against>,
}

fn follow_earlier(
    host: Option<Res<HostLink>>,
    shown: Res<Shown>,
    mut earlier: ResMut<EarlierTables>,
) {
    let Some(h) = host.filter(|h| h.archive.is_some()) else {
        earlier.against = None;
        earlier.seen = None;
        return;
    };
    let desk = shown.desk(&h);
    let key = (
        shown.table,
        desk.view.decisions.len() + usize::from(desk.view.ending.is_some()),
    );
    if earlier.seen == Some(key) {
        return;
    }
    earlier.seen = Some(key);
    let archive = crate::archive::Archive::at(h.archive.clone().unwrap_or_default());
    earlier.against = h.core_at(shown.table).against_archive(&archive);
}

/// The debrief's buttons: walk through the rounds, save the report.
pub(super) fn act(
    mut actions: MessageReader<UiAction>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
    client: Option<Res<ClientLink>>,
    host: Option<Res<HostLink>>,
    shown: Res<Shown>,
    mut replay: Option<ResMut<Replay>>,
) {
    for action in actions.read() {
        match action.clone() {
            UiAction::ReplayRound(round) => {
                if let Some(r) = replay.as_mut() {
                    r.round = round.min(r.rounds());
                }
            }
            UiAction::Export { names } => {
                // Whatever this window shows: a replayed journal, the hosted session, or what
                // a player's laptop saw.
                let written = if let Some(r) = replay.as_ref() {
                    Some(crate::ui::export::export_record(&r.record, &r.meta, names))
                } else if let Some(h) = host.as_ref() {
                    let archive = h.archive.as_deref().map(crate::archive::Archive::at);
                    Some(if h.workshop.len() > 1 {
                        crate::ui::export::export_workshop(&h.workshop, names, archive.as_ref())
                    } else {
                        crate::ui::export::export(shown.core(h), names, archive.as_ref())
                    })
                } else {
                    client
                        .as_ref()
                        .and_then(|c| c.core.view.as_ref())
                        .map(|v| crate::ui::export::export_view(v, names))
                };
                match written {
                    Some(Ok(path)) => {
                        status.info =
                            Some(format!("{} {}", tr.t("debrief.exported"), path.display()))
                    }
                    Some(Err(e)) => status.error = Some(e),
                    None => {}
                }
            }
            _ => {}
        }
    }
}

/// A session read back from its journal: the debrief walks through it round by round.
#[derive(Resource, Clone, Debug)]
pub struct Replay {
    pub record: View,
    pub meta: crate::report::Meta,
    /// The round shown: 0 is the start, `rounds()` the end.
    pub round: u32,
}

impl Replay {
    /// Opens at `round`, or at the end when none is given.
    pub fn new(record: View, meta: crate::report::Meta, round: Option<u32>) -> Replay {
        let last = crate::rules::view::rounds_recorded(&record);
        Replay {
            round: round.unwrap_or(last).min(last),
            record,
            meta,
        }
    }

    pub fn rounds(&self) -> u32 {
        crate::rules::view::rounds_recorded(&self.record)
    }

    /// The session as it stood after the round being shown.
    pub fn view(&self) -> View {
        crate::rules::view::at_round(&self.record, self.round)
    }
}
