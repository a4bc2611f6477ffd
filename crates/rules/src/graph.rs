//! The deck as a graph, for a trainer who wants to see how it hangs together: cards grouped by
//! the round they can first come up in, follow-ups, flags raised by options and thresholds and
//! the cards they open or close, and the cards that can never be drawn. As Graphviz DOT, or as
//! an SVG laid out here (no Graphviz needed).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::deck::{Bound, Deck, Effect, Then};

/// One box in the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    /// The column it is drawn in, left to right.
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Card { never_drawn: bool },
    Flag,
    Threshold,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub kind: EdgeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// An option schedules a follow-up card.
    FollowUp,
    /// An option or a threshold raises a flag.
    Raises,
    /// An option lowers a flag.
    Lowers,
    /// A flag a card needs.
    Opens,
    /// A flag that keeps a card away.
    Closes,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// What each column holds.
    pub columns: Vec<Column>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Thresholds,
    Flags,
    /// Cards that can first come up in this round.
    FromRound(u32),
    FollowUps,
}

impl Column {
    /// The column's heading in `lang` (`map.*` in the translation files).
    pub fn heading(self, lang: crate::Lang) -> String {
        use crate::words::say;
        match self {
            Column::Thresholds => say(lang, "map.thresholds", &[]),
            Column::Flags => say(lang, "map.flags", &[]),
            Column::FromRound(r) => say(lang, "map.from_round", &[("n", &r)]),
            Column::FollowUps => say(lang, "map.follow_ups", &[]),
        }
    }
}

fn card_node(id: &str) -> String {
    format!("card:{id}")
}
fn flag_node(name: &str) -> String {
    format!("flag:{name}")
}

/// The graph of `deck`; `never_drawn` names the cards a simulation never met.
pub fn graph(deck: &Deck, never_drawn: &[&str]) -> Graph {
    // Columns: thresholds, the flags they raise, then the cards by the first round they may come
    // up in, then follow-up cards: most links read left to right.
    let firsts: BTreeSet<u32> = deck
        .cards
        .iter()
        .filter(|c| !c.follow_up_only)
        .map(|c| c.when.from_round)
        .collect();
    let firsts: Vec<u32> = firsts.into_iter().collect();
    let mut columns = vec![Column::Thresholds, Column::Flags];
    let flag_col = 1;
    columns.extend(firsts.iter().map(|r| Column::FromRound(*r)));
    let follow_col = columns.len();
    columns.push(Column::FollowUps);

    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for card in &deck.cards {
        let column = if card.follow_up_only {
            follow_col
        } else {
            2 + firsts
                .iter()
                .position(|r| *r == card.when.from_round)
                .unwrap_or(0)
        };
        let until = match card.when.until_round {
            u32::MAX => String::new(),
            u => format!(" (until {u})"),
        };
        // A meter condition is part of how a card comes up: "rugdekking ≤ 44".
        let meters: Vec<String> = card
            .when
            .meters
            .iter()
            .map(|&(m, lo, hi)| {
                let meter = &deck.meters[m];
                match (lo > meter.min, hi < meter.max) {
                    (true, true) => format!("{lo}–{hi} {}", meter.id),
                    (true, false) => format!("{} ≥ {lo}", meter.id),
                    (false, true) => format!("{} ≤ {hi}", meter.id),
                    (false, false) => String::new(),
                }
            })
            .filter(|s| !s.is_empty())
            .collect();
        let meters = if meters.is_empty() {
            String::new()
        } else {
            format!(" [{}]", meters.join(", "))
        };
        nodes.push(Node {
            id: card_node(&card.id),
            label: format!("{}{until}{meters}", card.id),
            kind: NodeKind::Card {
                never_drawn: never_drawn.contains(&card.id.as_str()),
            },
            column,
        });
        for f in &card.when.flags {
            edges.push(Edge {
                from: flag_node(&deck.flags[*f]),
                to: card_node(&card.id),
                label: "needs".into(),
                kind: EdgeKind::Opens,
            });
        }
        for f in &card.when.not_flags {
            edges.push(Edge {
                from: flag_node(&deck.flags[*f]),
                to: card_node(&card.id),
                label: "not while".into(),
                kind: EdgeKind::Closes,
            });
        }
        for step in &card.steps {
            for option in &step.options {
                let mut out = Vec::new();
                walk(&option.effects, &mut out);
                for (kind, target) in out {
                    let to = match kind {
                        EdgeKind::FollowUp => card_node(&deck.cards[target].id),
                        _ => flag_node(&deck.flags[target]),
                    };
                    edges.push(Edge {
                        from: card_node(&card.id),
                        to,
                        label: option.id.clone(),
                        kind,
                    });
                }
            }
        }
    }
    for flag in &deck.flags {
        nodes.push(Node {
            id: flag_node(flag),
            label: flag.clone(),
            kind: NodeKind::Flag,
            column: flag_col,
        });
    }
    for meter in &deck.meters {
        for th in &meter.thresholds {
            let bound = match th.when {
                Bound::Below(b) => format!("{} < {b}", meter.id),
                Bound::Above(b) => format!("{} > {b}", meter.id),
            };
            let id = format!("threshold:{bound}");
            let ends = th.then == Then::EndSession;
            nodes.push(Node {
                id: id.clone(),
                label: if ends {
                    format!("{bound}: ends")
                } else {
                    bound
                },
                kind: NodeKind::Threshold,
                column: 0,
            });
            if let Then::SetFlag(f) = th.then {
                edges.push(Edge {
                    from: id,
                    to: flag_node(&deck.flags[f]),
                    label: String::new(),
                    kind: EdgeKind::Raises,
                });
            }
        }
    }
    edges.sort_by(|a, b| (&a.from, &a.to, &a.label).cmp(&(&b.from, &b.to, &b.label)));
    edges.dedup();
    Graph {
        nodes,
        edges,
        columns,
    }
}

/// Follow-ups (card index) and flags raised or lowered (flag index), chances included.
fn walk(effects: &[Effect], out: &mut Vec<(EdgeKind, usize)>) {
    for e in effects {
        match e {
            Effect::FollowUp { card, .. } => out.push((EdgeKind::FollowUp, *card)),
            Effect::SetFlag(f) => out.push((EdgeKind::Raises, *f)),
            Effect::ClearFlag(f) => out.push((EdgeKind::Lowers, *f)),
            Effect::Chance { effects, .. } => walk(effects, out),
            Effect::Meter { .. } | Effect::Later { .. } => {}
        }
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Graphviz DOT: `dot -Tsvg deck.dot > deck.svg`.
pub fn dot(g: &Graph, title: &str, lang: crate::Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph deck {{");
    let _ = writeln!(out, "  label={}; labelloc=t; rankdir=LR;", quote(title));
    let _ = writeln!(
        out,
        "  node [shape=box, style=rounded, fontname=\"sans-serif\"];"
    );
    for (c, heading) in g.columns.iter().enumerate() {
        let in_col: Vec<&Node> = g.nodes.iter().filter(|n| n.column == c).collect();
        if in_col.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  subgraph cluster_{c} {{ label={};",
            quote(&heading.heading(lang))
        );
        for n in in_col {
            let style = match n.kind {
                NodeKind::Card { never_drawn: true } => ", color=red, fontcolor=red",
                NodeKind::Card { .. } => "",
                NodeKind::Flag => ", shape=ellipse, color=darkorange",
                NodeKind::Threshold => ", shape=note, color=gray40",
            };
            let label = match n.kind {
                NodeKind::Card { never_drawn: true } => format!("{}\nnever drawn", n.label),
                _ => n.label.clone(),
            };
            let _ = writeln!(
                out,
                "    {} [label={}{style}];",
                quote(&n.id),
                quote(&label)
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for e in &g.edges {
        let style = match e.kind {
            EdgeKind::FollowUp => "color=blue",
            EdgeKind::Raises => "color=darkorange",
            EdgeKind::Lowers => "color=darkorange, style=dashed",
            EdgeKind::Opens => "color=darkgreen",
            EdgeKind::Closes => "color=red, style=dashed",
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, {style}];",
            quote(&e.from),
            quote(&e.to),
            quote(&e.label)
        );
    }
    out.push_str("}\n");
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub const COL_W: f64 = 270.0;
pub const BOX_W: f64 = 235.0;
pub const BOX_H: f64 = 30.0;
const ROW_H: f64 = 42.0;
const TOP: f64 = 70.0;

/// Each node's top left corner, by node id.
type Positions<'g> = std::collections::HashMap<&'g str, (f64, f64)>;

/// Where each node's box stands (top left), by node id, and the picture's size: columns left to
/// right, nodes top to bottom in their order. The SVG and the window draw the same layout.
pub fn layout(g: &Graph) -> (Positions<'_>, (f64, f64)) {
    let mut pos = std::collections::HashMap::new();
    let mut rows = vec![0usize; g.columns.len()];
    for n in &g.nodes {
        let row = rows[n.column];
        rows[n.column] += 1;
        let x = 20.0 + n.column as f64 * COL_W;
        let y = TOP + row as f64 * ROW_H;
        pos.insert(n.id.as_str(), (x, y));
    }
    let width = 20.0 + g.columns.len() as f64 * COL_W;
    let height = TOP + rows.iter().copied().max().unwrap_or(1) as f64 * ROW_H + 40.0;
    (pos, (width, height))
}

/// The curve of an edge from box to box: start, two control points, end.
pub fn edge_curve(from: (f64, f64), to: (f64, f64)) -> [(f64, f64); 4] {
    let ((x1, y1), (x2, y2)) = (from, to);
    // Forwards from the right side to the left side; backwards from left to right.
    let forwards = x2 > x1;
    let (sx, sy) = (if forwards { x1 + BOX_W } else { x1 }, y1 + BOX_H / 2.0);
    let (tx, ty) = (if forwards { x2 } else { x2 + BOX_W }, y2 + BOX_H / 2.0);
    let bend = ((tx - sx).abs() / 2.0).max(60.0) * if forwards { 1.0 } else { -1.0 };
    [(sx, sy), (sx + bend, sy), (tx - bend, ty), (tx, ty)]
}

/// A self-contained SVG: columns left to right, edges as curves coloured by kind.
pub fn svg(g: &Graph, title: &str, lang: crate::Lang) -> String {
    let (pos, (width, height)) = layout(g);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"13\">"
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"20\" y=\"26\" font-size=\"18\" font-weight=\"bold\">{}</text>",
        esc(title)
    );
    for (c, heading) in g.columns.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"54\" fill=\"#555\">{}</text>",
            20.0 + c as f64 * COL_W,
            esc(&heading.heading(lang))
        );
    }
    // Edges under the boxes.
    for e in &g.edges {
        let (Some(&from), Some(&to)) = (pos.get(e.from.as_str()), pos.get(e.to.as_str())) else {
            continue;
        };
        let [(sx, sy), (c1x, c1y), (c2x, c2y), (tx, ty)] = edge_curve(from, to);
        let (colour, dash) = match e.kind {
            EdgeKind::FollowUp => ("#1f5fbf", ""),
            EdgeKind::Raises => ("#d9822b", ""),
            EdgeKind::Lowers => ("#d9822b", " stroke-dasharray=\"5 4\""),
            EdgeKind::Opens => ("#2e7d32", ""),
            EdgeKind::Closes => ("#c62828", " stroke-dasharray=\"5 4\""),
        };
        let _ = writeln!(
            out,
            "<path d=\"M{sx},{sy} C{c1x},{c1y} {c2x},{c2y} {tx},{ty}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.4\" opacity=\"0.75\"{dash}><title>{}</title></path>",
            esc(&e.label)
        );
        let _ = writeln!(
            out,
            "<circle cx=\"{tx}\" cy=\"{ty}\" r=\"3\" fill=\"{colour}\"/>"
        );
    }
    for n in &g.nodes {
        let (x, y) = pos[n.id.as_str()];
        let (fill, stroke, rx) = match n.kind {
            NodeKind::Card { never_drawn: true } => ("#fdecea", "#c62828", 6),
            NodeKind::Card { .. } => ("#f4f6fb", "#4a5a7a", 6),
            NodeKind::Flag => ("#fff3e0", "#d9822b", 15),
            NodeKind::Threshold => ("#f2f2f2", "#777", 0),
        };
        let note = if matches!(n.kind, NodeKind::Card { never_drawn: true }) {
            " · never drawn"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"{stroke}\"/><text x=\"{}\" y=\"{}\">{}{note}</text>",
            x + 8.0,
            y + 20.0,
            esc(&n.label)
        );
    }
    out.push_str("</svg>\n");
    out
}
