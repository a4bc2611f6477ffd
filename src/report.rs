//! The session report for the debrief: a self-contained HTML page (inline SVG chart drawn with
//! plotters, no external assets), and the decisions as JSON or CSV. Built from an ended session's
//! facilitator view, so the window, the journal and the command line all give the same report.

use std::fmt::Write as _;
use std::sync::Once;

use plotters::prelude::*;
use serde::Serialize;

use crate::archive::date;
use crate::rules::journal::{self, JournalError};
use crate::rules::session::{DecidedBy, Session};
use crate::rules::view::{DecisionView, View, Viewer, view};
use crate::rules::{Lang, Text};
use crate::words::say;

/// What the report says about where it came from.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub deck_name: String,
    /// Seconds since 1970 when the session was created.
    pub created_unix: u64,
    /// A warning shown at the top: the journal was damaged and the report stops early.
    pub warning: Option<String>,
    /// What the session played, when the facilitator chose (a programme, or an own pick).
    pub programme: Option<Text>,
    /// How earlier tables of the same deck decided, when the archive holds any.
    pub archive: Option<crate::archive::Against>,
}

/// The whole story of a session so far, as the report reads it.
pub fn view_of(session: &Session) -> View {
    view(session, Viewer::Record)
}

/// A report's contents from a journal's text alone: as far as the journal can be read, with a
/// warning where it stops early.
pub fn from_journal(text: &str) -> Result<(View, Meta), JournalError> {
    from_journal_with(text, None)
}

/// Every name a person typed in a journal (players and observers), for a report without them.
pub(crate) fn people_in(text: &str) -> Vec<String> {
    journal::parse(text)
        .map(|p| crate::rules::pseudonym::names_in(&p.entries))
        .unwrap_or_default()
}

/// The same, compared with the earlier sessions in `archive`.
pub(crate) fn from_journal_with(
    text: &str,
    archive: Option<&crate::archive::Archive>,
) -> Result<(View, Meta), JournalError> {
    let recovered = journal::recover(text)?;
    let meta = Meta {
        deck_name: recovered.header.deck_name.clone(),
        created_unix: recovered.header.created_unix,
        warning: recovered.warning.clone(),
        programme: recovered.session.programme_text(),
        archive: archive.and_then(|a| crate::archive::against_archive(&recovered.session, a)),
    };
    Ok((view_of(&recovered.session), meta))
}

/// The view as a report that leaves the room shows it: every player named by role and number
/// ("Raadslid 2"), every observer as "Observator 1", and those names replaced in the notes too;
/// `people` are names the journal holds beyond the seats now taken (a player who left).
pub(crate) fn without_names(view: &View, people: &[String]) -> View {
    let mut out = view.clone();
    let mut counts: std::collections::HashMap<Option<usize>, u32> = Default::default();
    let mut names: Vec<(String, String)> = Vec::new();
    for seat in &mut out.seats {
        let n = counts.entry(seat.role).or_default();
        *n += 1;
        let base = match seat.role {
            Some(r) => view.roles[r].name.nl.clone(),
            None => crate::rules::pseudonym::PARTICIPANT.to_string(),
        };
        let pseudonym = format!("{base} {n}");
        if !seat.bot {
            names.push((seat.name.clone(), pseudonym.clone()));
        }
        seat.name = pseudonym;
    }
    for p in people {
        if !names
            .iter()
            .any(|(n, _)| n.to_lowercase() == p.to_lowercase())
        {
            let n = counts.entry(None).or_default();
            *n += 1;
            names.push((
                p.clone(),
                format!("{} {n}", crate::rules::pseudonym::PARTICIPANT),
            ));
        }
    }
    let marker = format!(" ({}): ", say(Lang::Nl, "common.observer", &[]));
    let mut observers: Vec<String> = Vec::new();
    for note in &mut out.notes {
        // An observer's note starts "Name (observator): ".
        if let Some((who, rest)) = note.text.split_once(&marker) {
            let k = match observers.iter().position(|o| o == who) {
                Some(i) => i + 1,
                None => {
                    observers.push(who.to_string());
                    observers.len()
                }
            };
            let title = crate::rules::pseudonym::OBSERVER;
            note.text = format!("{title} {k}{marker}{rest}");
        }
        note.text = crate::rules::pseudonym::replace_names(&note.text, &names);
    }
    out
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn split_text(lang: Lang, d: &DecisionView) -> String {
    match d.by {
        DecidedBy::Vote => {
            let s: Vec<String> = d.split.iter().map(u32::to_string).collect();
            let mut out = s.join("–");
            if d.abstained > 0 {
                let _ = write!(
                    out,
                    " ({} {})",
                    d.abstained,
                    say(lang, "report.did_not_vote", &[])
                );
            }
            if d.tied {
                let _ = write!(out, " ({})", say(lang, "report.tie", &[]));
            }
            out
        }
        DecidedBy::Facilitator => say(lang, "report.by_the_facilitator", &[]),
        DecidedBy::Override => say(lang, "report.overridden_by_the_facilitator", &[]),
    }
}

fn swing(d: &DecisionView) -> i32 {
    d.meters_after
        .iter()
        .zip(&d.meters_before)
        .map(|(a, b)| (a - b).abs())
        .sum()
}

/// The charts' one font, registered once.
pub(crate) fn register_chart_font() {
    static FONT: Once = Once::new();
    FONT.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

/// The meters over the rounds as an SVG document.
fn chart_svg(view: &View, lang: Lang) -> String {
    register_chart_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 380)).into_drawing_area();
        let _ = draw_chart(&root, view, lang);
        let _ = root.present();
    }
    svg
}

/// A chart with the rounds along the bottom and `values` up the side, its grid drawn; room
/// right of it for names at the lines' ends.
pub(crate) fn rounds_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    caption: Option<&str>,
    names_width: u32,
    rounds: i32,
    values: std::ops::Range<i32>,
    lang: Lang,
) -> Result<
    ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<plotters::coord::types::RangedCoordi32, plotters::coord::types::RangedCoordi32>,
    >,
    String,
> {
    let mut builder = ChartBuilder::on(root);
    if let Some(c) = caption {
        builder.caption(c, ("sans-serif", CHART_FONT + 4));
    }
    let mut chart = builder
        .margin(12)
        .margin_right(names_width)
        .x_label_area_size(44)
        .y_label_area_size(44)
        .build_cartesian_2d(0..rounds, values)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(say(lang, "report.round", &[]))
        .x_labels(rounds as usize + 1)
        .label_style(("sans-serif", CHART_FONT))
        .axis_desc_style(("sans-serif", CHART_FONT))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

fn draw_chart(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    view: &View,
    lang: Lang,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let rounds = view.meter_history.len().saturating_sub(1).max(1) as i32;
    let lo = view.meters.iter().map(|m| m.min).min().unwrap_or(0);
    let hi = view.meters.iter().map(|m| m.max).max().unwrap_or(100);
    let mut chart = rounds_chart(root, None, CHART_NAMES_WIDTH, rounds, lo..hi, lang)?;
    // Each line is named at its end, in its own colour: no legend to match colours against,
    // and nothing drawn over the lines.
    let mut names: Vec<(i32, i32, String, RGBColor)> = Vec::new();
    for (m, meter) in view.meters.iter().enumerate() {
        let colour = COLOURS[m % COLOURS.len()];
        let points = view
            .meter_history
            .iter()
            .enumerate()
            .map(|(r, v)| (r as i32, v[m]));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(3)))
            .map_err(|e| e.to_string())?;
        if let Some(last) = view.meter_history.last() {
            let (x, y) = chart.backend_coord(&(rounds, last[m]));
            let name = format!("{} {}", meter.label.get(lang), last[m]);
            names.push((x, y, name, colour));
        }
    }
    names.sort_by_key(|n| n.1);
    for i in 1..names.len() {
        names[i].1 = names[i].1.max(names[i - 1].1 + CHART_FONT as i32 + 2);
    }
    for (x, y, name, colour) in names {
        root.draw(&plotters::element::Text::new(
            name,
            (x + 8, y - CHART_FONT as i32 / 2),
            ("sans-serif", CHART_FONT).into_font().color(&colour),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The charts' line colours, told apart by people with colour-blindness too.
pub(crate) const COLOURS: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0x1d, 0x23, 0x2b),
    RGBColor(0x8b, 0x1e, 0x3f),
];

/// Room right of the chart for the meters' names.
const CHART_NAMES_WIDTH: u32 = 190;
/// The chart's type size, in pixels.
const CHART_FONT: u32 = 16;

/// The page's head and the start of its body, with the report's style.
pub(crate) fn page_head(title: &str, lang: Lang) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d232b;line-height:1.45}}\
         h1{{color:#1f5f8b}} table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}}\
         .warn{{background:#fde7e4;border:1px solid #b71c1c;padding:.6rem 1rem}} .worse{{color:#b71c1c;font-weight:600}} .better{{color:#2e7d32;font-weight:600}} .end{{background:#eaf2f8;padding:.6rem 1rem}} svg{{max-width:100%;height:auto}}\
         </style></head><body>",
        lang.code()
    )
}

/// The whole report as one HTML page.
pub fn html(view: &View, meta: &Meta, lang: Lang) -> String {
    let title = format!("Kantelspel — {}", esc(view.deck_title.get(lang)));
    let mut h = page_head(&title, lang);
    let _ = write!(h, "<h1>{title}</h1>");
    h.push_str(&body(view, meta, lang));
    h.push_str("</body></html>\n");
    h
}

/// A session's report without its page around it: one table of a workshop's report too.
pub(crate) fn body(view: &View, meta: &Meta, lang: Lang) -> String {
    let tx = |text: &Text| esc(text.get(lang));
    let mut h = String::new();
    if let Some(w) = &meta.warning {
        let _ = write!(
            h,
            "<p class=\"warn\"><strong>{}</strong> {}</p>",
            say(lang, "report.note", &[]),
            esc(w)
        );
    }
    let _ = write!(
        h,
        "<p>{}: {} · {}: {} · {}: {}</p>",
        say(lang, "report.deck", &[]),
        esc(&meta.deck_name),
        say(lang, "report.date", &[]),
        date(meta.created_unix),
        say(lang, "report.rounds_played", &[]),
        view.meter_history.len().saturating_sub(1)
    );
    if let Some(p) = &meta.programme {
        let _ = write!(
            h,
            "<p>{}: {}</p>",
            say(lang, "report.programme", &[]),
            tx(p)
        );
    }
    if let Some(e) = &view.ending {
        let _ = write!(
            h,
            "<p class=\"end\"><strong>{}</strong> {}</p>",
            say(lang, "report.how_it_ended", &[]),
            tx(&e.message)
        );
    }
    let _ = write!(
        h,
        "<h2>{}</h2><ul>",
        say(lang, "report.players_per_role", &[])
    );
    for (r, role) in view.roles.iter().enumerate() {
        let names: Vec<String> = view
            .seats
            .iter()
            .filter(|s| s.role == Some(r))
            .map(|s| {
                if s.bot {
                    format!("{} (bot)", esc(&s.name))
                } else {
                    esc(&s.name)
                }
            })
            .collect();
        let _ = write!(
            h,
            "<li><strong>{}</strong>: {}</li>",
            tx(&role.name),
            if names.is_empty() {
                "—".into()
            } else {
                names.join(", ")
            }
        );
    }
    let _ = write!(
        h,
        "</ul><h2>{}</h2>",
        say(lang, "report.the_meters_per_round", &[])
    );
    h.push_str(&chart_svg(view, lang));
    let _ = write!(h, "<table><tr><th>{}</th>", say(lang, "report.meter", &[]));
    for r in 0..view.meter_history.len() {
        let _ = write!(
            h,
            "<th>{}</th>",
            if r == 0 {
                say(lang, "report.start", &[]).to_string()
            } else {
                r.to_string()
            }
        );
    }
    h.push_str("</tr>");
    for (m, meter) in view.meters.iter().enumerate() {
        let _ = write!(h, "<tr><td>{}</td>", tx(&meter.label));
        for values in &view.meter_history {
            let _ = write!(h, "<td>{}</td>", values[m]);
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>{}</tr>",
        say(lang, "report.decisions", &[]),
        say(lang, "report.round_2", &[]),
        say(lang, "report.card", &[]),
        say(lang, "report.role", &[]),
        say(lang, "report.decision", &[]),
        say(lang, "report.votes", &[]),
        say(lang, "report.outcome", &[]),
        match &meta.archive {
            Some(_) => format!("<th>{}</th>", say(lang, "report.earlier_tables", &[])),
            None => String::new(),
        }
    );
    for (i, d) in view.decisions.iter().enumerate() {
        let mut outcome = tx(&d.outcome);
        for c in &d.chance_outcomes {
            let _ = write!(outcome, " <em>{}</em>", tx(c));
        }
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{outcome}</td>{}</tr>",
            d.round,
            tx(&d.card_title),
            tx(&view.roles[d.role].name),
            tx(&d.option_label),
            split_text(lang, d),
            match &meta.archive {
                Some(a) => format!(
                    "<td>{}</td>",
                    a.decisions
                        .get(i)
                        .map_or(String::new(), |x| against_text(lang, x))
                ),
                None => String::new(),
            }
        );
    }
    h.push_str("</table>");
    if let Some(a) = &meta.archive {
        archive_html(&mut h, view, a, lang);
    }
    let _ = write!(
        h,
        "<h2>{}</h2><ol>",
        say(lang, "report.the_largest_swings", &[])
    );
    let mut swings: Vec<&DecisionView> = view.decisions.iter().collect();
    swings.sort_by_key(|d| std::cmp::Reverse(swing(d)));
    for d in swings.into_iter().take(3).filter(|d| swing(d) > 0) {
        // Coloured by what the move means (towards a tipping point is bad news), as on every
        // screen, and said in words for a printout without colour.
        let moves: Vec<String> = view
            .meters
            .iter()
            .zip(d.moves())
            .filter(|(_, mv)| mv.by != 0)
            .map(|(m, mv)| {
                let (class, word) = if mv.worse {
                    ("worse", say(lang, "report.towards_tipping", &[]))
                } else {
                    ("better", say(lang, "report.away_from_tipping", &[]))
                };
                format!(
                    "{} <span class=\"{class}\" title=\"{word}\">{:+}</span>",
                    tx(&m.label),
                    mv.by
                )
            })
            .collect();
        let _ = write!(
            h,
            "<li>{} {}, {}: {} ({})</li>",
            say(lang, "report.round_2", &[]),
            d.round,
            tx(&d.card_title),
            tx(&d.option_label),
            moves.join(", ")
        );
    }
    h.push_str("</ol>");
    if !view.notes.is_empty() {
        let _ = write!(h, "<h2>{}</h2><ul>", say(lang, "report.notes", &[]));
        for n in &view.notes {
            let _ = write!(
                h,
                "<li><strong>{} {}</strong>: {}</li>",
                say(lang, "report.round_2", &[]),
                n.round,
                esc(&n.text)
            );
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "<h2>{}</h2>",
        say(lang, "report.questions_for_the_debrief", &[])
    );
    if !view.key_questions.is_empty() {
        let _ = write!(
            h,
            "<h3>{}</h3><ol class=\"key\">",
            say(lang, "report.key_questions", &[])
        );
        for (card, q) in &view.key_questions {
            let _ = write!(h, "<li><strong>{}</strong>: {}</li>", tx(card), tx(q));
        }
        h.push_str("</ol>");
    }
    for (card, questions) in &view.debrief {
        if questions.is_empty() {
            continue;
        }
        let _ = write!(h, "<h3>{}</h3><ul>", tx(card));
        for q in questions {
            let _ = write!(h, "<li>{}</li>", tx(q));
        }
        h.push_str("</ul>");
    }
    h
}

#[derive(Serialize)]
struct DecisionRow<'a> {
    round: u32,
    card: &'a str,
    step: usize,
    role: &'a str,
    option: &'a str,
    votes: &'a [u32],
    abstained: u32,
    decided_by: &'a str,
    meters_before: &'a [i32],
    meters_after: &'a [i32],
}

fn rows<'a>(view: &'a View, lang: Lang) -> Vec<DecisionRow<'a>> {
    view.decisions
        .iter()
        .map(|d| DecisionRow {
            round: d.round,
            card: d.card_title.get(lang),
            step: d.step + 1,
            role: &view.roles[d.role].id,
            option: d.option_label.get(lang),
            votes: &d.split,
            abstained: d.abstained,
            decided_by: match d.by {
                DecidedBy::Vote => "vote",
                DecidedBy::Facilitator => "facilitator",
                DecidedBy::Override => "override",
            },
            meters_before: &d.meters_before,
            meters_after: &d.meters_after,
        })
        .collect()
}

/// "12 van 41 eerdere tafels kozen dit ook", or why it cannot say.
pub(crate) fn against_text(lang: Lang, a: &crate::archive::DecisionAgainst) -> String {
    if a.of > 0 {
        say(
            lang,
            "report.archive_same",
            &[("n", &a.same), ("of", &a.of)],
        )
    } else if a.other_version > 0 {
        say(lang, "report.archive_changed", &[])
    } else {
        say(lang, "report.archive_first", &[])
    }
}

/// The archive's section: how many earlier sessions, and where this group's meters ended
/// against theirs.
fn archive_html(h: &mut String, view: &View, a: &crate::archive::Against, lang: Lang) {
    let _ = write!(
        h,
        "<h2>{}</h2><p>{}</p>",
        say(lang, "report.archive_heading", &[]),
        if a.earlier_sessions == 0 {
            say(lang, "report.archive_none", &[])
        } else {
            say(
                lang,
                "report.archive_sessions",
                &[("n", &a.earlier_sessions)],
            )
        }
    );
    if a.meters.is_empty() {
        return;
    }
    h.push_str("<ul>");
    for m in &a.meters {
        let label = view
            .meters
            .iter()
            .find(|v| v.id == m.meter)
            .map_or(m.meter.clone(), |v| v.label.get(lang).to_string());
        let _ = write!(
            h,
            "<li>{}</li>",
            esc(&say(
                lang,
                "report.archive_meter",
                &[
                    ("meter", &label),
                    ("n", &m.this),
                    ("from", &m.min),
                    ("to", &m.max)
                ]
            ))
        );
    }
    h.push_str("</ul>");
}

/// The session as machine-readable JSON: meters, their history, decisions and the ending.
pub fn json(view: &View, meta: &Meta, lang: Lang) -> String {
    serde_json::to_string_pretty(&json_value(view, meta, lang)).unwrap_or_default() + "\n"
}

/// The JSON report as a value: one table of a workshop's too.
pub(crate) fn json_value(view: &View, meta: &Meta, lang: Lang) -> serde_json::Value {
    let meters: Vec<&str> = view.meters.iter().map(|m| m.id.as_str()).collect();
    serde_json::json!({
        "deck": meta.deck_name,
        "date": date(meta.created_unix),
        "warning": meta.warning,
        "programme": meta.programme.as_ref().map(|p| p.get(lang)),
        "meters": meters,
        "meter_history": view.meter_history,
        "archive": meta.archive,
        "decisions": rows(view, lang),
        "ending": view.ending.as_ref().map(|e| e.message.get(lang)),
        "notes": view
            .notes
            .iter()
            .map(|n| serde_json::json!({"round": n.round, "text": n.text}))
            .collect::<Vec<_>>(),
        "key_questions": view
            .key_questions
            .iter()
            .map(|(card, q)| serde_json::json!({"card": card.get(lang), "question": q.get(lang)}))
            .collect::<Vec<_>>(),
        "questions": view
            .debrief
            .iter()
            .map(|(card, qs)| serde_json::json!({
                "card": card.get(lang),
                "questions": qs.iter().map(|q| q.get(lang)).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>(),
    })
}

fn csv_field(s: &str) -> String {
    // A text a spreadsheet would take for a formula (a note, a name) is kept as text.
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The decisions table as CSV, one row per decision, one column per meter after it.
pub fn csv(view: &View, lang: Lang) -> String {
    let ids: Vec<String> = view.meters.iter().map(|m| m.id.clone()).collect();
    let mut out = csv_header(&ids);
    for record in csv_records(view, lang, &ids) {
        out.push_str(&record);
        out.push('\n');
    }
    out
}

/// The CSV's first line for these meter columns.
pub(crate) fn csv_header(meter_ids: &[String]) -> String {
    let mut out = String::from("round,card,step,role,option,votes,abstained,decided_by");
    for m in meter_ids {
        let _ = write!(out, ",{}", csv_field(m));
    }
    out.push_str(",notes\n");
    out
}

/// One record per decision (a quoted field may hold a line break), with a column for each of
/// `meter_ids`: the value after the decision, empty for a meter this session's deck lacks.
pub(crate) fn csv_records(view: &View, lang: Lang, meter_ids: &[String]) -> Vec<String> {
    let columns: Vec<Option<usize>> = meter_ids
        .iter()
        .map(|id| view.meters.iter().position(|m| &m.id == id))
        .collect();
    // The facilitator's notes of a round go on its first row; a round without a decision gets
    // a row of its own.
    let notes_of = |round: u32| -> String {
        let texts: Vec<&str> = view
            .notes
            .iter()
            .filter(|n| n.round == round)
            .map(|n| n.text.as_str())
            .collect();
        csv_field(&texts.join(" | "))
    };
    let decided: std::collections::BTreeSet<u32> = view.decisions.iter().map(|d| d.round).collect();
    let mut noted = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for r in rows(view, lang) {
        let votes: Vec<String> = r.votes.iter().map(u32::to_string).collect();
        let mut line = format!(
            "{},{},{},{},{},{},{},{}",
            r.round,
            csv_field(r.card),
            r.step,
            csv_field(r.role),
            csv_field(r.option),
            votes.join("-"),
            r.abstained,
            r.decided_by
        );
        for c in &columns {
            match c.and_then(|c| r.meters_after.get(c)) {
                Some(v) => {
                    let _ = write!(line, ",{v}");
                }
                None => line.push(','),
            }
        }
        let notes = if noted.insert(r.round) {
            notes_of(r.round)
        } else {
            String::new()
        };
        let _ = write!(line, ",{notes}");
        out.push(line);
    }
    let quiet: std::collections::BTreeSet<u32> = view
        .notes
        .iter()
        .map(|n| n.round)
        .filter(|r| !decided.contains(r))
        .collect();
    for round in quiet {
        let mut line = format!("{round},,,,,,,");
        for _ in meter_ids {
            line.push(',');
        }
        let _ = write!(line, ",{}", notes_of(round));
        out.push(line);
    }
    out
}
