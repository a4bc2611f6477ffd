//! Tables side by side, for the debrief of a workshop: each meter over the rounds per table, the
//! same card with each table's decision and vote split, how each table ended; and the workshop's
//! report (HTML, JSON, CSV) with every table in it. Built from the tables' record views alone, so
//! the window, the journals and the command line give the same comparison.

use std::fmt::Write as _;

use plotters::prelude::*;

use crate::report::{self, Meta};
use crate::rules::view::{DecisionView, View};
use crate::rules::{Lang, Text};
use crate::words::say;

/// One card's step as each table decided it (or did not meet it: `None`).
#[derive(Clone, Debug, PartialEq)]
pub struct SameCard<'a> {
    pub title: &'a Text,
    pub step: usize,
    pub prompt: &'a Text,
    pub at: Vec<Option<&'a DecisionView>>,
}

/// The comparison of a workshop's tables.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison<'a> {
    pub tables: Vec<&'a View>,
    /// Cards (by title and step) that two tables or more decided, in the order the first table
    /// that met them did.
    pub same_cards: Vec<SameCard<'a>>,
}

impl<'a> Comparison<'a> {
    pub fn of(tables: impl IntoIterator<Item = &'a View>) -> Comparison<'a> {
        let tables: Vec<&'a View> = tables.into_iter().collect();
        let mut same_cards: Vec<SameCard<'a>> = Vec::new();
        for &view in &tables {
            for d in &view.decisions {
                let known = same_cards
                    .iter()
                    .any(|c| c.title.nl == d.card_title.nl && c.step == d.step);
                if known {
                    continue;
                }
                let at: Vec<Option<&DecisionView>> = tables
                    .iter()
                    .map(|&v| {
                        v.decisions
                            .iter()
                            .find(|x| x.card_title.nl == d.card_title.nl && x.step == d.step)
                    })
                    .collect();
                if at.iter().flatten().count() >= 2 {
                    same_cards.push(SameCard {
                        title: &d.card_title,
                        step: d.step,
                        prompt: &d.prompt,
                        at,
                    });
                }
            }
        }
        Comparison { tables, same_cards }
    }

    /// The meters the tables share (by id), as (meter index at each table, the label).
    pub fn meters(&self) -> Vec<(Vec<usize>, &'a Text)> {
        let Some(first) = self.tables.first() else {
            return Vec::new();
        };
        first
            .meters
            .iter()
            .filter_map(|m| {
                let at: Option<Vec<usize>> = self
                    .tables
                    .iter()
                    .map(|v| v.meters.iter().position(|x| x.id == m.id))
                    .collect();
                Some((at?, &m.label))
            })
            .collect()
    }

    /// One meter's values over the rounds, per table.
    pub(crate) fn meter_lines(&self, at: &[usize]) -> Vec<Vec<i32>> {
        self.tables
            .iter()
            .zip(at)
            .map(|(v, m)| v.meter_history.iter().map(|values| values[*m]).collect())
            .collect()
    }
}

/// Rounds a table played.
pub(crate) fn rounds_played(view: &View) -> usize {
    view.meter_history.len().saturating_sub(1)
}

/// A decision's vote split in words, as the report says it.
pub(crate) fn split_words(lang: Lang, d: &DecisionView) -> String {
    report::split_text(lang, d)
}

/// One meter over the rounds, a line per table, as an SVG document.
fn meter_chart_svg(cmp: &Comparison<'_>, at: &[usize], label: &Text, lang: Lang) -> String {
    report::register_chart_font();
    let lines = cmp.meter_lines(at);
    let ranges = cmp
        .tables
        .iter()
        .zip(at)
        .map(|(v, m)| (v.meters[*m].min, v.meters[*m].max));
    let lo = ranges.clone().map(|r| r.0).min().unwrap_or(0);
    let hi = ranges.map(|r| r.1).max().unwrap_or(100);
    let rounds = lines
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(1)
        .saturating_sub(1)
        .max(1) as i32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 300)).into_drawing_area();
        let _ = (|| -> Result<(), String> {
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let caption = label.get(lang);
            let mut chart = report::rounds_chart(&root, Some(caption), 140, rounds, lo..hi, lang)?;
            for (t, values) in lines.iter().enumerate() {
                let colour = report::COLOURS[t % report::COLOURS.len()];
                let points = values.iter().enumerate().map(|(r, v)| (r as i32, *v));
                chart
                    .draw_series(LineSeries::new(points, colour.stroke_width(3)))
                    .map_err(|e| e.to_string())?;
                if let Some(last) = values.last() {
                    let (x, y) = chart.backend_coord(&(values.len() as i32 - 1, *last));
                    root.draw(&plotters::element::Text::new(
                        format!("{} {} · {last}", say(lang, "common.table", &[]), t + 1),
                        (x + 8, y - 8 + 16 * t as i32 / 2),
                        ("sans-serif", 16).into_font().color(&colour),
                    ))
                    .map_err(|e| e.to_string())?;
                }
            }
            Ok(())
        })();
        let _ = root.present();
    }
    svg
}

fn esc(s: &str) -> String {
    report::esc(s)
}

/// The workshop's report: the tables compared, then each table's own report.
pub fn html(name: &str, tables: &[(View, Meta)], lang: Lang) -> String {
    let cmp = Comparison::of(tables.iter().map(|(v, _)| v));
    let tx = |t: &Text| esc(t.get(lang));
    let table_word = say(lang, "common.table", &[]);
    let mut h = String::new();
    let title = format!(
        "Kantelspel — {} — {}",
        esc(name),
        say(lang, "fac.tables_n", &[("n", &tables.len())])
    );
    h.push_str(&report::page_head(&title, lang));
    let _ = write!(h, "<h1>{title}</h1>");
    // How each table ended.
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{table_word}</th><th>{}</th><th>{}</th>",
        say(lang, "report.how_each_table_ended", &[]),
        say(lang, "report.deck", &[]),
        say(lang, "report.rounds_played", &[]),
    );
    for (_, label) in cmp.meters() {
        let _ = write!(h, "<th>{}</th>", tx(label));
    }
    let _ = write!(h, "<th>{}</th></tr>", say(lang, "report.how_it_ended", &[]));
    let meters = cmp.meters();
    for (t, (view, meta)) in tables.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td><strong>{}</strong></td><td>{}</td><td>{}</td>",
            t + 1,
            esc(&meta.deck_name),
            rounds_played(view)
        );
        for (at, _) in &meters {
            let last = view.meter_history.last().map_or(0, |v| v[at[t]]);
            let _ = write!(h, "<td>{last}</td>");
        }
        let ending = view
            .ending
            .as_ref()
            .map_or("—".to_string(), |e| tx(&e.message));
        let _ = write!(h, "<td>{ending}</td></tr>");
    }
    h.push_str("</table>");
    // Each meter, a line per table.
    let _ = write!(h, "<h2>{}</h2>", say(lang, "report.meters_per_table", &[]));
    for (at, label) in &meters {
        h.push_str(&meter_chart_svg(&cmp, at, label, lang));
    }
    // The same card at several tables.
    if !cmp.same_cards.is_empty() {
        let _ = write!(
            h,
            "<h2>{}</h2><table><tr><th>{}</th>",
            say(lang, "report.same_card", &[]),
            say(lang, "report.card", &[])
        );
        for t in 0..tables.len() {
            let _ = write!(h, "<th>{table_word} {}</th>", t + 1);
        }
        h.push_str("</tr>");
        for card in &cmp.same_cards {
            let _ = write!(
                h,
                "<tr><td><strong>{}</strong><br><small>{}</small></td>",
                tx(card.title),
                tx(card.prompt)
            );
            for d in &card.at {
                match d {
                    Some(d) => {
                        let _ = write!(
                            h,
                            "<td>{}<br><small>{} {} · {}</small></td>",
                            tx(&d.option_label),
                            say(lang, "report.round_2", &[]),
                            d.round,
                            split_words(lang, d)
                        );
                    }
                    None => h.push_str("<td>—</td>"),
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
    }
    for (t, (view, meta)) in tables.iter().enumerate() {
        let _ = write!(h, "<hr><h1>{table_word} {}</h1>", t + 1);
        h.push_str(&report::body(view, meta, lang));
    }
    h.push_str("</body></html>\n");
    h
}

/// The workshop as JSON: its name and each table's report.
pub fn json(name: &str, tables: &[(View, Meta)], lang: Lang) -> String {
    let value = serde_json::json!({
        "workshop": name,
        "tables": tables
            .iter()
            .enumerate()
            .map(|(t, (view, meta))| {
                let mut v = report::json_value(view, meta, lang);
                if let Some(o) = v.as_object_mut() {
                    o.insert("table".into(), serde_json::json!(t + 1));
                }
                v
            })
            .collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The workshop's decisions as one CSV: each table's rows with the table's number in front, a
/// column for every meter of any table's deck (empty where a table's deck lacks it).
pub fn csv(tables: &[(View, Meta)], lang: Lang) -> String {
    let mut ids: Vec<String> = Vec::new();
    for (view, _) in tables {
        for m in &view.meters {
            if !ids.contains(&m.id) {
                ids.push(m.id.clone());
            }
        }
    }
    let mut out = format!("table,{}", report::csv_header(&ids));
    for (t, (view, _)) in tables.iter().enumerate() {
        for record in report::csv_records(view, lang, &ids) {
            let _ = writeln!(out, "{},{record}", t + 1);
        }
    }
    out
}
