//! The deck graph in the window ("Deckkaart"): the same picture as `deck graph --out deck.svg`,
//! drawn with egui over whichever screen is open, for a trainer checking how a deck hangs
//! together before hosting it.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::rules::graph::{self, EdgeKind, Graph, NodeKind};

use super::i18n::Tr;
use super::theme;

/// The deck graph on show; removed when its window is closed.
#[derive(Resource, Clone, Debug)]
pub struct DeckMap {
    pub title: String,
    pub graph: Graph,
}

impl DeckMap {
    /// The map of `deck`, with the cards a quick simulation never draws marked.
    pub fn of(deck: &std::sync::Arc<crate::rules::Deck>) -> DeckMap {
        use crate::rules::{bot::Strategy, lint, simulate};
        let balance = simulate::simulate(
            deck,
            lint::LINT_RUNS,
            lint::LINT_SEED,
            deck.rounds,
            Strategy::Random,
        );
        let never = balance.never_drawn(deck);
        DeckMap {
            title: format!("{} ({})", deck.title.nl, deck.id),
            graph: graph::graph(deck, &never),
        }
    }
}

fn colour(kind: EdgeKind) -> egui::Color32 {
    match kind {
        EdgeKind::FollowUp => egui::Color32::from_rgb(0x1f, 0x5f, 0xbf),
        EdgeKind::Raises | EdgeKind::Lowers => egui::Color32::from_rgb(0xd9, 0x82, 0x2b),
        EdgeKind::Opens => egui::Color32::from_rgb(0x2e, 0x7d, 0x32),
        EdgeKind::Closes => egui::Color32::from_rgb(0xc6, 0x28, 0x28),
    }
}

pub fn draw(
    mut contexts: EguiContexts,
    map: Option<Res<DeckMap>>,
    mut commands: Commands,
    tr: Res<Tr>,
) -> Result {
    let Some(map) = map else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut open = true;
    egui::Window::new(format!("{} — {}", tr.t("map.title"), map.title))
        .open(&mut open)
        .default_size([1200.0, 640.0])
        .show(ctx, |ui| {
            ui.label(egui::RichText::new(tr.t("map.legend")).color(theme::MUTED));
            egui::ScrollArea::both().show(ui, |ui| paint(ui, &map.graph, &tr));
        });
    if !open {
        commands.remove_resource::<DeckMap>();
    }
    Ok(())
}

fn paint(ui: &mut egui::Ui, g: &Graph, tr: &Tr) {
    let (pos, (w, h)) = graph::layout(g);
    let (response, painter) =
        ui.allocate_painter(egui::vec2(w as f32, h as f32), egui::Sense::hover());
    let o = response.rect.min;
    let at = |(x, y): (f64, f64)| egui::pos2(o.x + x as f32, o.y + y as f32);
    for (c, heading) in g.columns.iter().enumerate() {
        painter.text(
            at((20.0 + c as f64 * graph::COL_W, 40.0)),
            egui::Align2::LEFT_CENTER,
            heading.heading(tr.lang),
            egui::FontId::proportional(14.0),
            theme::MUTED,
        );
    }
    for e in &g.edges {
        let (Some(&from), Some(&to)) = (pos.get(e.from.as_str()), pos.get(e.to.as_str())) else {
            continue;
        };
        let points = graph::edge_curve(from, to).map(at);
        painter.add(egui::epaint::CubicBezierShape::from_points_stroke(
            points,
            false,
            egui::Color32::TRANSPARENT,
            egui::Stroke::new(1.5, colour(e.kind).gamma_multiply(0.8)),
        ));
        painter.circle_filled(points[3], 3.0, colour(e.kind));
    }
    for n in &g.nodes {
        let (x, y) = pos[n.id.as_str()];
        let rect = egui::Rect::from_min_size(
            at((x, y)),
            egui::vec2(graph::BOX_W as f32, graph::BOX_H as f32),
        );
        let (fill, stroke, radius) = match n.kind {
            NodeKind::Card { never_drawn: true } => {
                (egui::Color32::from_rgb(0xfd, 0xec, 0xea), theme::BAD, 6.0)
            }
            NodeKind::Card { .. } => (
                egui::Color32::from_rgb(0xf4, 0xf6, 0xfb),
                egui::Color32::from_rgb(0x4a, 0x5a, 0x7a),
                6.0,
            ),
            NodeKind::Flag => (
                egui::Color32::from_rgb(0xff, 0xf3, 0xe0),
                egui::Color32::from_rgb(0xd9, 0x82, 0x2b),
                15.0,
            ),
            NodeKind::Threshold => (
                egui::Color32::from_gray(0xf2),
                egui::Color32::from_gray(0x77),
                0.0,
            ),
        };
        painter.rect(
            rect,
            radius,
            fill,
            egui::Stroke::new(1.0, stroke),
            egui::StrokeKind::Inside,
        );
        let label = if matches!(n.kind, NodeKind::Card { never_drawn: true }) {
            format!("{} · {}", n.label, tr.t("map.never_drawn"))
        } else {
            n.label.clone()
        };
        painter.text(
            rect.left_center() + egui::vec2(8.0, 0.0),
            egui::Align2::LEFT_CENTER,
            label,
            egui::FontId::proportional(13.0),
            theme::INK,
        );
    }
}
