//! A player's round: their own briefing, the step and who decides, the options as large
//! buttons (keys 1–4), who has voted, the timer, the meters, and after the decision what moved.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{ScreenStep, Status, UiAction, link_words, tx};
use crate::net::plugin::ClientLink;
use crate::rules::session::Phase;
use crate::rules::view::{DecisionView, MeterMove, View};
use crate::ui::i18n::Tr;
use crate::ui::theme;

const OPTION_KEYS: [egui::Key; 4] = [
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
];

/// `deck preview`: the card shown is a preview, and this is what each of its options does.
#[derive(Resource, Clone, Debug)]
pub struct CardPreview {
    pub consequences: Vec<crate::rules::preview::Consequence>,
}

pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    link: Option<Res<ClientLink>>,
    mut actions: MessageWriter<UiAction>,
    preview: Option<Res<CardPreview>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    let Some(link) = link else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            ui.label(tr.t("round.no_session"));
            if ui.button(tr.t("common.back")).clicked() {
                actions.write(UiAction::Leave);
            }
        });
        return Ok(());
    };
    let core = &link.core;
    let (words, ok) = link_words(&tr, &link);
    egui::Panel::top("round-top").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            if ui.button(format!("⬅ {}", tr.t("round.leave"))).clicked() {
                actions.write(UiAction::Leave);
            }
            if let Some(v) = &core.view {
                ui.label(egui::RichText::new(tx(&tr, &v.deck_title)).strong());
                ui.separator();
                if let Some(t) = core.table() {
                    ui.label(
                        egui::RichText::new(format!("{} {t}", tr.t("common.table")))
                            .strong()
                            .color(theme::ACCENT),
                    );
                    ui.separator();
                }
                ui.label(
                    egui::RichText::new(tr.f(
                        "round.round_of",
                        &[("n", &v.round.min(v.rounds)), ("of", &v.rounds)],
                    ))
                    .strong(),
                );
                ui.separator();
                ui.label(phase_words(&tr, v.phase));
                if let Some(left) = core.seconds_left().filter(|_| v.phase == Phase::Deciding) {
                    ui.separator();
                    ui.label(
                        egui::RichText::new(format!("⏱ {}:{:02}", left / 60, left % 60))
                            .strong()
                            .size(24.0),
                    );
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    egui::RichText::new(format!("{} {words}", if ok { "✔" } else { "✖" }))
                        .color(if ok { theme::GOOD } else { theme::BAD }),
                );
                if let (Some(v), Some(r)) = (&core.view, core.my_role()) {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} — {}",
                            core.name,
                            tx(&tr, &v.roles[r].name)
                        ))
                        .strong(),
                    );
                }
            });
        });
    });
    let Some(view) = core.view.as_ref() else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            if core.waiting && core.fatal.is_none() {
                ui.heading(tr.t("round.waiting_door"));
            } else {
                ui.heading(words.clone());
            }
            if let Some(r) = &core.fatal {
                ui.colored_label(theme::BAD, r.text().get(tr.lang));
            }
        });
        return Ok(());
    };
    let deltas = deltas(view);
    egui::Panel::right("round-meters")
        .resizable(false)
        .exact_size(ctx.content_rect().width() * 0.3)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.add_space(8.0);
                ui.heading(tr.t("round.meters"));
                for (i, m) in view.meters.iter().enumerate() {
                    ui.add_space(6.0);
                    theme::meter(
                        ui,
                        m,
                        tx(&tr, &m.label),
                        deltas.as_ref().map(|d| d[i]),
                        tr.t("meter.near"),
                        26.0,
                    );
                }
                if let Some(p) = &preview {
                    preview_panel(ui, &tr, p);
                }
            });
        });
    // A clipped panel of its own: a central panel grows to its widest content and would
    // paint over the side panel.
    let main_width = ctx.content_rect().width() - (ctx.content_rect().width() * 0.3);
    egui::Panel::left("round-main")
        .resizable(false)
        .exact_size(main_width)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if view.paused {
                    ui.label(
                        egui::RichText::new(format!("⏸ {}", tr.t("round.paused")))
                            .size(26.0)
                            .strong()
                            .color(theme::BAD),
                    );
                }
                if let Some(r) = &core.refusal {
                    ui.colored_label(theme::BAD, r.text().get(tr.lang));
                }
                if let Some(e) = &status.error {
                    ui.colored_label(theme::BAD, e);
                }
                if view.phase == Phase::Lobby || core.my_role().is_none() {
                    lobby(ui, &tr, view, core.my_role(), &mut actions);
                    return;
                }
                card(ui, &tr, view, core, &mut actions);
            });
        });
    // Keyboard: 1–4 vote.
    if let Some((_, _, n)) = core.my_turn() {
        for (i, key) in OPTION_KEYS.iter().enumerate().take(n) {
            if ctx.input(|inp| inp.key_pressed(*key)) {
                actions.write(UiAction::Vote(i));
            }
        }
    }
    Ok(())
}

pub(crate) fn phase_words(tr: &Tr, phase: Phase) -> &str {
    tr.t(match phase {
        Phase::Lobby => "phase.lobby",
        Phase::Briefing => "phase.briefing",
        Phase::Deciding => "phase.deciding",
        Phase::Resolved => "phase.resolved",
        Phase::Ended => "phase.ended",
    })
}

/// How each meter moved in the latest decision, while its outcome is on screen.
pub(crate) fn deltas(view: &View) -> Option<Vec<MeterMove>> {
    Some(view.last.as_ref()?.moves())
}

fn lobby(
    ui: &mut egui::Ui,
    tr: &Tr,
    view: &View,
    mine: Option<usize>,
    actions: &mut MessageWriter<UiAction>,
) {
    ui.heading(tr.t("round.choose_role"));
    for (r, role) in view.roles.iter().enumerate() {
        let taken = view.seats.iter().filter(|s| s.role == Some(r)).count();
        theme::card_frame().show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let chosen = mine == Some(r);
                let label = format!(
                    "{}{}  ({})",
                    if chosen { "✔ " } else { "" },
                    tx(tr, &role.name),
                    tr.f("round.players_in_role", &[("n", &taken)])
                );
                // A framed button, so it reads as something to press.
                if ui
                    .add_enabled(
                        view.phase == Phase::Lobby,
                        egui::Button::new(egui::RichText::new(label).size(22.0).strong())
                            .selected(chosen)
                            .frame_when_inactive(true),
                    )
                    .clicked()
                {
                    actions.write(UiAction::ChooseRole(role.id.clone()));
                }
            });
            ui.label(tx(tr, &role.description));
        });
    }
    ui.add_space(12.0);
    ui.label(egui::RichText::new(tr.t("round.wait_for_start")).color(theme::MUTED));
}

fn card(
    ui: &mut egui::Ui,
    tr: &Tr,
    view: &View,
    core: &crate::net::client::ClientCore,
    actions: &mut MessageWriter<UiAction>,
) {
    let Some(card) = &view.card else {
        if let Some(e) = &view.ending {
            ui.heading(tx(tr, &e.message));
        }
        return;
    };
    for n in &view.news {
        ui.label(egui::RichText::new(tx(tr, n)).size(20.0).color(theme::WARN));
    }
    ui.label(egui::RichText::new(tx(tr, &card.title)).size(34.0).strong());
    let my_role = core.my_role();
    theme::card_frame().show(ui, |ui| {
        ui.set_width(ui.available_width());
        if let Some(r) = my_role {
            ui.label(
                egui::RichText::new(tr.f(
                    "round.your_briefing",
                    &[("role", &tx(tr, &view.roles[r].name))],
                ))
                .color(theme::MUTED),
            );
        }
        ui.label(egui::RichText::new(tx(tr, &card.briefing)).size(21.0));
    });
    for d in &card.earlier {
        decided(ui, tr, view, d);
    }
    let deciding = &view.roles[card.deciding_role];
    let mine = my_role == Some(card.deciding_role);
    if matches!(view.phase, Phase::Briefing | Phase::Deciding) {
        ui.add_space(8.0);
        ui.label(
            egui::RichText::new(tr.f("round.decides", &[("role", &tx(tr, &deciding.name))]))
                .size(20.0)
                .strong()
                .color(theme::ACCENT),
        );
        ui.label(
            egui::RichText::new(tx(tr, &card.prompt))
                .size(24.0)
                .strong(),
        );
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
        let my_vote = core.my_vote();
        for (i, option) in card.options.iter().enumerate() {
            let chosen = my_vote == Some(i);
            let text = format!(
                "{}{}.  {}",
                if chosen { "✔ " } else { "" },
                i + 1,
                tx(tr, option)
            );
            let button = egui::Button::new(egui::RichText::new(text).size(22.0))
                .min_size(egui::vec2(ui.available_width(), 58.0))
                .selected(chosen);
            if ui.add_enabled(mine && !view.paused, button).clicked() {
                actions.write(UiAction::Vote(i));
            }
        }
        ui.label(tr.f("round.voted", &[("n", &voted), ("of", &total)]));
        ui.label(
            egui::RichText::new(if mine {
                tr.t("round.your_turn")
            } else {
                tr.t("round.watch")
            })
            .color(theme::MUTED),
        );
    }
    if let (Phase::Resolved | Phase::Ended, Some(d)) = (view.phase, &view.last) {
        ui.add_space(8.0);
        decided(ui, tr, view, d);
    }
}

/// A decision with the option, the vote split and what happened.
pub fn decided(ui: &mut egui::Ui, tr: &Tr, view: &View, d: &DecisionView) {
    theme::card_frame()
        .fill(egui::Color32::from_rgb(0xea, 0xf2, 0xf8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new(tr.f(
                    "round.decided",
                    &[
                        ("role", &tx(tr, &view.roles[d.role].name)),
                        ("option", &tx(tr, &d.option_label)),
                    ],
                ))
                .strong()
                .size(21.0),
            );
            ui.label(egui::RichText::new(split_words(tr, d)).color(theme::MUTED));
            ui.label(egui::RichText::new(tx(tr, &d.outcome)).size(20.0));
            for c in &d.chance_outcomes {
                ui.label(
                    // A warning threshold brings its own sign; a chance gets the die.
                    egui::RichText::new(if tx(tr, c).starts_with('⚠') {
                        tx(tr, c).to_string()
                    } else {
                        format!("🎲 {}", tx(tr, c))
                    })
                    .size(20.0)
                    .strong(),
                );
            }
        });
}

pub(crate) fn split_words(tr: &Tr, d: &DecisionView) -> String {
    use crate::rules::session::DecidedBy;
    match d.by {
        DecidedBy::Vote => {
            let split: Vec<String> = d.split.iter().map(u32::to_string).collect();
            let mut s = tr.f("round.split", &[("split", &split.join(" – "))]);
            if d.abstained > 0 {
                s.push_str(&tr.f("round.abstained", &[("n", &d.abstained)]));
            }
            if d.tied {
                s.push_str(&format!(" · {}", tr.t("round.tie")));
            }
            s
        }
        DecidedBy::Facilitator => tr.t("round.by_facilitator").to_string(),
        DecidedBy::Override => tr.t("round.by_override").to_string(),
    }
}

/// A player's round screen.
pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, act.in_set(ScreenStep::Act));
}

/// A player's buttons: a role in the lobby, a vote on the open step.
pub(super) fn act(mut actions: MessageReader<UiAction>, mut client: Option<ResMut<ClientLink>>) {
    for action in actions.read() {
        match action.clone() {
            UiAction::ChooseRole(role) => {
                if let Some(c) = client.as_mut() {
                    c.core.role = Some(role.clone());
                    c.core
                        .send(crate::net::protocol::PlayerIntent::ChooseRole { role });
                }
            }
            UiAction::Vote(option) => {
                if let Some(c) = client.as_mut() {
                    c.core.vote(option);
                }
            }
            _ => {}
        }
    }
}

/// What each option of the previewed card does: its outcome text and its effects.
fn preview_panel(ui: &mut egui::Ui, tr: &Tr, preview: &CardPreview) {
    ui.add_space(12.0);
    ui.separator();
    ui.label(
        egui::RichText::new(tr.t("preview.heading"))
            .strong()
            .size(18.0),
    );
    for (i, c) in preview.consequences.iter().enumerate() {
        ui.add_space(6.0);
        ui.label(egui::RichText::new(format!("{}. {}", i + 1, tx(tr, &c.label))).strong());
        if !tx(tr, &c.outcome).is_empty() {
            ui.label(egui::RichText::new(tx(tr, &c.outcome)).italics());
        }
        for e in &c.effects {
            ui.label(egui::RichText::new(format!("• {e}")).color(theme::MUTED));
        }
    }
}
