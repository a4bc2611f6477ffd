//! Joining: sessions heard on the LAN, or an address and code typed in, and a name.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{JoinForm, Status, UiAction};
use crate::net::protocol::{DEFAULT_PORT, PROTOCOL_VERSION};
use crate::ui::i18n::Tr;
use crate::ui::theme;

pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<JoinForm>,
    mut actions: MessageWriter<UiAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    egui::Panel::top("join-top").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            if ui.button(format!("⬅ {}", tr.t("common.back"))).clicked() {
                actions.write(UiAction::Leave);
            }
            ui.heading(tr.t("join.title"));
        });
    });
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.columns(2, |cols| {
            let ui = &mut cols[0];
            theme::card_frame().show(ui, |ui| {
                ui.label(egui::RichText::new(tr.t("join.found")).strong());
                if form.found.is_empty() {
                    ui.label(egui::RichText::new(tr.t("join.searching")).color(theme::MUTED));
                }
                let found = form.found.clone();
                for f in found {
                    let ok = f.version == PROTOCOL_VERSION;
                    let label = format!("{} — {}\n{}", f.session, f.deck, f.addr);
                    let b = ui.add_enabled(
                        ok,
                        egui::Button::new(label).min_size(egui::vec2(ui.available_width(), 56.0)),
                    );
                    if b.clicked() {
                        form.addr = f.addr.to_string();
                    }
                    if !ok {
                        ui.colored_label(theme::BAD, tr.t("join.other_version"));
                    }
                }
            });
            let ui = &mut cols[1];
            theme::card_frame().show(ui, |ui| {
                egui::Grid::new("join-form")
                    .num_columns(2)
                    .spacing([12.0, 12.0])
                    .show(ui, |ui| {
                        ui.label(tr.t("join.address"));
                        ui.add(
                            egui::TextEdit::singleline(&mut form.addr)
                                .hint_text(format!("192.168.1.20:{DEFAULT_PORT}")),
                        );
                        ui.end_row();
                        ui.label(tr.t("join.code"));
                        ui.add(
                            egui::TextEdit::singleline(&mut form.code)
                                .hint_text("KCM-4TX")
                                .font(egui::TextStyle::Heading),
                        );
                        ui.end_row();
                        ui.label(tr.t("join.name"));
                        ui.add(egui::TextEdit::singleline(&mut form.name).char_limit(40));
                        ui.end_row();
                    });
                ui.add_space(8.0);
                let busy = form.probing.is_some();
                let go = ui.add_enabled(
                    !busy,
                    egui::Button::new(egui::RichText::new(tr.t("join.go")).size(22.0).strong())
                        .min_size(egui::vec2(260.0, 52.0)),
                );
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (go.clicked() || enter) && !busy {
                    match parse_addr(&form.addr) {
                        Some(addr) => {
                            actions.write(UiAction::Join {
                                addr,
                                code: form.code.clone(),
                                name: form.name.clone(),
                            });
                        }
                        None => {
                            actions.write(UiAction::GoTo(super::Screen::Join));
                        }
                    }
                }
                if let Some(i) = &status.info {
                    ui.label(i);
                }
                if let Some(e) = &status.error {
                    ui.colored_label(theme::BAD, e);
                }
                if !form.addr.trim().is_empty() && parse_addr(&form.addr).is_none() {
                    ui.colored_label(theme::BAD, tr.t("join.bad_address"));
                }
            });
        });
    });
    Ok(())
}

/// An address as people type it: with or without the port.
pub fn parse_addr(text: &str) -> Option<std::net::SocketAddr> {
    let t = text.trim();
    t.parse().ok().or_else(|| {
        t.parse::<std::net::IpAddr>()
            .ok()
            .map(|ip| std::net::SocketAddr::new(ip, DEFAULT_PORT))
    })
}
