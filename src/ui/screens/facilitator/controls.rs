//! The facilitator's controls: phases, timers, cards, decisions, the room, and notes.

use super::*;

pub(super) fn controls(
    ui: &mut egui::Ui,
    tr: &Tr,
    desk: &crate::net::desk::TableDesk,
    actions: &mut MessageWriter<UiAction>,
    picked: &mut (String, String),
) {
    let view = &desk.view;
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
            for i in 0..desk.last_options {
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
                desk.cards
                    .iter()
                    .find(|(id, _)| *id == picked.0)
                    .map_or(tr.t("fac.pick_card").to_string(), |(_, title)| {
                        title.get(tr.lang).to_string()
                    }),
            )
            .width(200.0)
            .show_ui(ui, |ui| {
                for (id, title) in &desk.cards {
                    ui.selectable_value(&mut picked.0, id.clone(), title.get(tr.lang));
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
pub(super) fn notes(
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
