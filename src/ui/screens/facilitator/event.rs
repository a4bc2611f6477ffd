//! A resolution as the room's event on the projector: the decision, who decided, the split
//! and each meter's change in large type, for a few seconds.

use super::*;

/// A resolution as the room's event: what was decided and by whom, how the vote split, and each
/// meter's change, large enough for the back of the room.
pub(super) fn resolution_event(
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
        let changes: Vec<(usize, MeterMove)> = d.moves().into_iter().enumerate().collect();
        ui.columns(changes.len().max(1), |cols| {
            for (m, change) in changes {
                let ui = &mut cols[m];
                ui.vertical_centered(|ui| {
                    ui.label(egui::RichText::new(tx(tr, &view.meters[m].label)).size(24.0));
                    let text = match change.by {
                        0 => "±0".to_string(),
                        c if c > 0 => format!("+{c}"),
                        c => format!("−{}", c.abs()),
                    };
                    let colour = theme::move_colour(change);
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
