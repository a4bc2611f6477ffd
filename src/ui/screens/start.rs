//! The start screen: host a workshop, join one, practise alone, pick a language.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{HostForm, Screen, Status, UiAction};
use crate::rules::Lang;
use crate::rules::deck::Deck;
use crate::ui::i18n::Tr;
use crate::ui::theme;

pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<HostForm>,
    mut actions: MessageWriter<UiAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    egui::Panel::top("lang").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            ui.label(tr.t("start.language"));
            for (lang, label) in [(Lang::Nl, "Nederlands"), (Lang::En, "English")] {
                if ui.selectable_label(tr.lang == lang, label).clicked() {
                    actions.write(UiAction::SetLang(lang));
                }
            }
        });
    });
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(24.0);
            ui.label(
                egui::RichText::new("Kantelspel")
                    .size(54.0)
                    .strong()
                    .color(theme::ACCENT),
            );
            ui.label(egui::RichText::new(tr.t("start.subtitle")).size(22.0));
            ui.add_space(28.0);
            let w = 460.0_f32.min(ui.available_width() - 40.0);
            if theme::big_button(ui, tr.t("start.host"), w).clicked() {
                actions.write(UiAction::GoTo(Screen::Host));
            }
            ui.label(egui::RichText::new(tr.t("start.host_hint")).color(theme::MUTED));
            ui.add_space(12.0);
            if theme::big_button(ui, tr.t("start.join"), w).clicked() {
                actions.write(UiAction::GoTo(Screen::Join));
            }
            ui.label(egui::RichText::new(tr.t("start.join_hint")).color(theme::MUTED));
            ui.add_space(12.0);
            theme::card_frame().show(ui, |ui| {
                ui.set_width(w);
                ui.label(egui::RichText::new(tr.t("start.practise")).strong());
                ui.horizontal(|ui| {
                    ui.label(tr.t("start.your_role"));
                    if let Ok(deck) = Deck::default_deck() {
                        egui::ComboBox::from_id_salt("practise-role")
                            .selected_text(
                                deck.roles
                                    .iter()
                                    .find(|r| r.id == form.practise_role)
                                    .map_or(form.practise_role.clone(), |r| {
                                        r.name.get(tr.lang).to_string()
                                    }),
                            )
                            .show_ui(ui, |ui| {
                                for r in &deck.roles {
                                    ui.selectable_value(
                                        &mut form.practise_role,
                                        r.id.clone(),
                                        r.name.get(tr.lang),
                                    );
                                }
                            });
                    }
                });
                if ui
                    .add_sized([w, 44.0], egui::Button::new(tr.t("start.practise_go")))
                    .clicked()
                {
                    actions.write(UiAction::Practise {
                        name: form.practise_name.clone(),
                        role: form.practise_role.clone(),
                    });
                }
            });
            if let Some(e) = &status.error {
                ui.colored_label(theme::BAD, e);
            }
            // What was just done (a session forgotten, names replaced, old files swept away).
            if let Some(i) = &status.info {
                ui.colored_label(theme::MUTED, i);
            }
        });
    });
    Ok(())
}
