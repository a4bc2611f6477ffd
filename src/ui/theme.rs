//! Look and feel: large type for a projector, high contrast, and the meter widget that never
//! relies on colour alone.

use bevy_egui::egui::{self, Color32, FontFamily, FontId, RichText, Stroke, TextStyle, Vec2};

use crate::rules::view::{MeterMove, MeterView};

pub(crate) const INK: Color32 = Color32::from_rgb(0x1d, 0x23, 0x2b);
const PAPER: Color32 = Color32::from_rgb(0xf6, 0xf3, 0xec);

/// The paper as the window's clear colour.
pub(crate) fn paper() -> bevy::color::Color {
    bevy::color::Color::srgb_u8(PAPER.r(), PAPER.g(), PAPER.b())
}
const PANEL: Color32 = Color32::from_rgb(0xff, 0xff, 0xff);
pub(crate) const ACCENT: Color32 = Color32::from_rgb(0x1f, 0x5f, 0x8b);
pub const GOOD: Color32 = Color32::from_rgb(0x2e, 0x7d, 0x32);
pub const BAD: Color32 = Color32::from_rgb(0xb7, 0x1c, 0x1c);
const DANGER_ZONE: Color32 = Color32::from_rgb(0xf3, 0xc6, 0xc2);
pub(crate) const MUTED: Color32 = Color32::from_rgb(0x5f, 0x66, 0x70);
/// News that is not a verdict but needs the room's attention: a warning threshold crossed.
pub(crate) const WARN: Color32 = Color32::from_rgb(0x9a, 0x34, 0x12);

/// Distinct, colour-blind-safe line colours for the meters (Okabe–Ito).
pub(crate) const SERIES: [Color32; 6] = [
    Color32::from_rgb(0x00, 0x72, 0xb2),
    Color32::from_rgb(0xd5, 0x5e, 0x00),
    Color32::from_rgb(0x00, 0x9e, 0x73),
    Color32::from_rgb(0xcc, 0x79, 0xa7),
    Color32::from_rgb(0xe6, 0x9f, 0x00),
    Color32::from_rgb(0x56, 0xb4, 0xe9),
];

/// Sets sizes and colours. `scale` grows everything on large windows (a projector).
pub fn apply(ctx: &egui::Context, scale: f32) {
    ctx.set_visuals(egui::Visuals::light());
    ctx.all_styles_mut(|style| {
        let size = |s: f32| s * scale;
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(size(32.0), FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(size(19.0), FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(size(20.0), FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(size(15.0), FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(size(18.0), FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = Vec2::new(10.0, 10.0) * scale;
        style.spacing.button_padding = Vec2::new(14.0, 8.0) * scale;
        style.spacing.interact_size.y = 34.0 * scale;
        // The paper is the camera's clear colour (`ui::run`): a panel painted over the whole
        // window would be shaded pixel by pixel again, two fifths of a frame on a software
        // renderer.
        style.visuals.panel_fill = Color32::TRANSPARENT;
        style.visuals.window_fill = PANEL;
        style.visuals.override_text_color = Some(INK);
        style.visuals.widgets.inactive.bg_stroke = Stroke::new(1.0, MUTED);
        style.visuals.selection.bg_fill = Color32::from_rgb(0xc6, 0xdc, 0xee);
        style.visuals.selection.stroke = Stroke::new(2.0, ACCENT);
    });
}

/// The whole window as a `Ui` to lay panels out in.
pub fn root(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// A framed card-like block.
pub(crate) fn card_frame() -> egui::Frame {
    egui::Frame::new()
        .fill(PANEL)
        .stroke(Stroke::new(1.0, Color32::from_gray(200)))
        .corner_radius(8.0)
        .inner_margin(16.0)
}

pub(crate) fn big_button(ui: &mut egui::Ui, text: &str, width: f32) -> egui::Response {
    ui.add_sized(
        [width, 56.0],
        egui::Button::new(RichText::new(text).size(22.0).strong()),
    )
}

/// The colour of a meter's move on every screen: bad news towards a tipping point, good news
/// away from it, whatever its sign.
pub(crate) fn move_colour(m: MeterMove) -> Color32 {
    match (m.by, m.worse) {
        (0, _) => MUTED,
        (_, true) => BAD,
        (_, false) => GOOD,
    }
}

/// One meter: label and value in words and numbers, a bar with its danger zones, the change of
/// the last decision as an arrow and a signed number, and a warning in words near a tipping point.
pub fn meter(
    ui: &mut egui::Ui,
    m: &MeterView,
    label: &str,
    delta: Option<MeterMove>,
    near_word: &str,
    height: f32,
) {
    let size = height * 0.75;
    // The label on its own line, the numbers right of the bar: every meter in a row of meters
    // lines up, whatever the length of its label or the language.
    ui.label(RichText::new(label).strong().size(size));
    let mut rect = egui::Rect::NOTHING;
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(m) = delta.filter(|m| m.by != 0) {
                let arrow = if m.by > 0 { "⬆" } else { "⬇" };
                ui.label(
                    RichText::new(format!("{arrow} {:+}", m.by))
                        .color(move_colour(m))
                        .strong()
                        .size(height * 0.7),
                );
            }
            ui.label(
                RichText::new(format!("{} / {}", m.value, m.max))
                    .strong()
                    .size(size),
            );
            let width = ui.available_width().max(40.0);
            rect = ui
                .allocate_exact_size(Vec2::new(width, height), egui::Sense::hover())
                .0;
        });
    });
    paint_bar(ui.painter(), rect, m, height);
    if m.near_tipping() {
        ui.label(RichText::new(format!("⚠ {near_word}")).color(BAD).strong());
    }
}

/// A meter's bar alone, `size` points: for the all-tables board.
pub(crate) fn meter_bar(ui: &mut egui::Ui, m: &MeterView, size: Vec2) {
    let rect = ui.allocate_exact_size(size, egui::Sense::hover()).0;
    paint_bar(ui.painter(), rect, m, size.y);
}

/// The bar, its danger zones and their edges, and the value.
fn paint_bar(painter: &egui::Painter, rect: egui::Rect, m: &MeterView, height: f32) {
    painter.rect_filled(rect, 4.0, Color32::from_gray(225));
    let span = (m.max - m.min).max(1) as f32;
    let x = |v: i32| rect.left() + rect.width() * ((v - m.min) as f32 / span).clamp(0.0, 1.0);
    if let Some(b) = m.end_below {
        let zone = egui::Rect::from_min_max(rect.min, egui::pos2(x(b), rect.max.y));
        painter.rect_filled(zone, 4.0, DANGER_ZONE);
    }
    if let Some(b) = m.end_above {
        let zone = egui::Rect::from_min_max(egui::pos2(x(b), rect.min.y), rect.max);
        painter.rect_filled(zone, 4.0, DANGER_ZONE);
    }
    let fill = egui::Rect::from_min_max(rect.min, egui::pos2(x(m.value), rect.max.y))
        .shrink2(Vec2::new(0.0, height * 0.2));
    painter.rect_filled(fill, 3.0, ACCENT);
    for b in [m.end_below, m.end_above].into_iter().flatten() {
        painter.line_segment(
            [
                egui::pos2(x(b), rect.top()),
                egui::pos2(x(b), rect.bottom()),
            ],
            Stroke::new(2.5, BAD),
        );
    }
}

/// The join address as a QR code, `side` points square, dark on white with its quiet zone.
pub(crate) fn qr(ui: &mut egui::Ui, text: &str, side: f32) {
    let Some(m) = crate::net::qr::modules(text) else {
        return;
    };
    let (rect, _) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, Color32::WHITE);
    // Four modules of quiet zone on every side, as scanners expect.
    let cells = m.width as f32 + 8.0;
    let cell = side / cells;
    for y in 0..m.width {
        for x in 0..m.width {
            if m.is_dark(x, y) {
                let min = rect.min + egui::vec2((x as f32 + 4.0) * cell, (y as f32 + 4.0) * cell);
                painter.rect_filled(
                    egui::Rect::from_min_size(min, egui::vec2(cell + 0.3, cell + 0.3)),
                    0.0,
                    Color32::BLACK,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window, the projector's event and the all-tables board colour a move by this one
    /// function: by what it means, never by its sign.
    #[test]
    fn a_move_is_coloured_by_what_it_means() {
        let willekeur_up = MeterMove { by: 6, worse: true };
        let willekeur_down = MeterMove {
            by: -3,
            worse: false,
        };
        let budget_down = MeterMove {
            by: -4,
            worse: true,
        };
        assert_eq!(move_colour(willekeur_up), BAD);
        assert_eq!(move_colour(willekeur_down), GOOD);
        assert_eq!(move_colour(budget_down), BAD);
        assert_eq!(
            move_colour(MeterMove {
                by: 0,
                worse: false
            }),
            MUTED
        );
    }
}
