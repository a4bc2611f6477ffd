//! The board: the meters, the card and its step, who is online and who has voted, large
//! enough for a projector; the facilitator's desk beside it when not projecting.

use super::*;

/// The session on one screen: with the `desk` (the controls), the facilitator's (which can turn itself into
/// the projector view); without, the projector window's, for the room to read.
pub fn board(
    root: &mut egui::Ui,
    width: f32,
    tr: &Tr,
    host: &HostLink,
    shown: Shown,
    mut desk: Option<Controls<'_, '_>>,
    resolution: &Resolution,
) {
    if host.workshop.len() > 1
        && let Some(c) = desk.as_mut()
        && !*c.projector
    {
        egui::Panel::top("fac-tables").show(root, |ui| {
            table_tabs(ui, tr, host, shown, true, c.actions);
        });
    }
    if shown.all && host.workshop.len() > 1 {
        all_tables(root, tr, host, desk);
        return;
    }
    let table = shown.desk(host);
    let view = &table.view;
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
                let left = host.core_at(shown.table).timer_left().unwrap_or(0);
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
        resolution_event(root, tr, view, d);
        root.ctx().request_repaint_after(left);
        return;
    }
    egui::Panel::top("fac-meters").show(root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        let d = deltas(view);
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
                    door(ui, tr, host, shown, actions);
                    controls(ui, tr, &table, actions, picked);
                    notes(ui, tr, view, actions, &mut picked.1);
                    ui.separator();
                    ui.label(
                        egui::RichText::new(tr.f("host.players", &[("n", &view.seats.len())]))
                            .strong(),
                    );
                    for s in &view.seats {
                        let id = &s.seat;
                        let online = table.is_online(s.seat);
                        let voted = s.voted;
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
                                    view.roles[r].name.get(tr.lang).to_string()
                                }))
                                .show_ui(ui, |ui| {
                                    for role in &view.roles {
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
                        for (r, role) in view.roles.iter().enumerate() {
                            if table.role_empty(r)
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
                    decided(ui, tr, view, d);
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
                    decided(ui, tr, view, d);
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
