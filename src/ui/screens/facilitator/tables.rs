//! All tables at a glance: a row per table with its round, phase, clock, people and meters,
//! and the buttons that act at one table or at every table.

use super::*;

/// Every table at a glance, for the facilitator (with a button row per table and one for all)
/// and for the beamer: phase, round, timer, who is online and who has voted, the meters with
/// their last change, and how each table ended.
pub(super) fn all_tables(
    root: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    mut desk: Option<Controls<'_, '_>>,
) {
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
pub(super) fn tables_grid(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    big: f32,
    mut actions: Option<&mut MessageWriter<UiAction>>,
) {
    let desks = host.desks();
    // The meters every table's deck has, each at its place in each table's list.
    let compared = crate::comparison::Comparison::of(desks.iter().map(|d| &d.view));
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
            for (i, desk) in desks.iter().enumerate() {
                let view = &desk.view;
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
                            let left = host.core_at(i).timer_left().unwrap_or(0);
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
                            if let Some(d) = d.as_ref().map(|d| d[m]).filter(|d| d.by != 0) {
                                let colour = theme::move_colour(d);
                                ui.label(text(format!("{:+}", d.by), 18.0).strong().color(colour));
                            }
                        });
                        theme::meter_bar(ui, meter, egui::vec2(84.0 * big, 10.0 * big));
                    });
                }
                ui.vertical(|ui| {
                    ui.set_max_width(300.0 * big);
                    let people = view.seats.iter().filter(|s| !s.bot).count();
                    let here = view
                        .seats
                        .iter()
                        .filter(|s| !s.bot && desk.online.contains(&s.seat))
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
