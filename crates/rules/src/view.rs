//! What one participant may see of a session: the one function that strips hidden briefings.
//!
//! A `View` is self-contained (it carries its own texts), so a client never needs the deck and
//! never holds another role's briefing.

use serde::{Deserialize, Serialize};

use super::deck::RoleIdx;
use super::session::{DecidedBy, Ending, Phase, SeatId, Session};
use super::text::{Lang, Text};

/// Whose eyes a view is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// Sees every role's briefing (the facilitator and the projector).
    Facilitator,
    /// A seat in a role, or without one yet.
    Role(Option<RoleIdx>),
    /// The facilitator's view plus the whole story so far (every decision and the debrief
    /// questions), even before the session has ended: for reports and replays.
    Record,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub deck_title: Text,
    pub round: u32,
    pub rounds: u32,
    pub phase: Phase,
    pub paused: bool,
    pub timer_secs: u32,
    pub roles: Vec<RoleView>,
    pub meters: Vec<MeterView>,
    pub seats: Vec<SeatView>,
    pub card: Option<CardView>,
    /// Meter values at the start and after each round.
    pub meter_history: Vec<Vec<i32>>,
    /// The latest resolution, shown until the next step opens.
    pub last: Option<DecisionView>,
    /// Every decision so far, in order: the debrief's list, and what `last` and a card's
    /// `earlier` repeat.
    pub decisions: Vec<DecisionView>,
    /// The debrief questions of every card played, in order of play: once the session has ended.
    pub debrief: Vec<(Text, Vec<Text>)>,
    /// The key question of every card played (card title, question), asked first.
    #[serde(default)]
    pub key_questions: Vec<(Text, Text)>,
    /// What changed by itself at the start of this round (a later effect crossed a warning
    /// threshold): "⚠ …", shown above the card.
    #[serde(default)]
    pub news: Vec<Text>,
    /// The facilitator's notes with their rounds: for the facilitator and the report only.
    #[serde(default)]
    pub notes: Vec<crate::session::Note>,
    pub ending: Option<EndingView>,
    /// Whether the facilitator can take the latest resolution back (false for players).
    pub can_undo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: String,
    pub name: Text,
    pub description: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeterView {
    pub id: String,
    pub label: Text,
    pub min: i32,
    pub max: i32,
    pub value: i32,
    /// The values at which the session ends, for drawing danger zones.
    pub end_below: Option<i32>,
    pub end_above: Option<i32>,
}

/// Whether a value lies within a tenth of its range (in whole points) of a tipping point, or
/// past it: the one rule the window, the page (`app.js` does the same arithmetic), the report
/// and the balance simulation use for "near a tipping point".
pub fn near_tipping(
    value: i32,
    min: i32,
    max: i32,
    end_below: Option<i32>,
    end_above: Option<i32>,
) -> bool {
    let tenth = (max - min).max(1) / 10;
    end_below.is_some_and(|b| value - b <= tenth) || end_above.is_some_and(|b| b - value <= tenth)
}

impl MeterView {
    /// See [`near_tipping`].
    pub fn near_tipping(&self) -> bool {
        near_tipping(
            self.value,
            self.min,
            self.max,
            self.end_below,
            self.end_above,
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatView {
    pub seat: SeatId,
    pub name: String,
    pub role: Option<RoleIdx>,
    pub bot: bool,
    pub voted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CardView {
    pub id: String,
    pub title: Text,
    /// The viewer's own briefing (for the facilitator: the general one).
    pub briefing: Text,
    /// Every role's briefing; only in the facilitator's view.
    pub all_briefings: Vec<(RoleIdx, Text)>,
    pub step: usize,
    pub steps: usize,
    pub deciding_role: RoleIdx,
    pub prompt: Text,
    pub options: Vec<Text>,
    /// What was decided earlier in this card.
    pub earlier: Vec<DecisionView>,
    pub debrief: Vec<Text>,
    #[serde(default)]
    pub key_question: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub round: u32,
    pub step: usize,
    pub card_title: Text,
    pub role: RoleIdx,
    pub prompt: Text,
    pub option: usize,
    pub option_label: Text,
    pub outcome: Text,
    pub chance_outcomes: Vec<Text>,
    pub split: Vec<u32>,
    pub abstained: u32,
    pub by: DecidedBy,
    pub meters_before: Vec<i32>,
    pub meters_after: Vec<i32>,
    /// Per meter: whether this decision moved it towards a tipping point ([`towards_danger`]).
    /// Every screen colours a move by this, never by its sign: willekeur up is bad news,
    /// budget up is good news.
    #[serde(default)]
    pub worse: Vec<bool>,
    /// The vote was a tie, settled by the rules (the option that reached the count first):
    /// every screen says so from this, none counts for itself.
    // Always written: the native client's postcard cannot skip a field.
    #[serde(default)]
    pub tied: bool,
}

/// A meter's move in one decision, as every screen shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterMove {
    pub by: i32,
    /// Towards a tipping point: drawn as bad news.
    pub worse: bool,
}

impl DecisionView {
    /// How each meter moved, in the deck's order of meters.
    pub fn moves(&self) -> Vec<MeterMove> {
        self.meters_after
            .iter()
            .zip(&self.meters_before)
            .enumerate()
            .map(|(i, (a, b))| MeterMove {
                by: a - b,
                worse: self.worse.get(i).copied().unwrap_or(false),
            })
            .collect()
    }
}

/// Whether a meter that went from `before` to `after` came nearer to a value at which the
/// session ends: for a meter that ends only above, any rise; only below, any fall; ending on
/// both sides, nearer to the nearer one. A meter that cannot end the session has no bad moves.
pub fn towards_danger(
    before: i32,
    after: i32,
    end_below: Option<i32>,
    end_above: Option<i32>,
) -> bool {
    let room = |v: i32| {
        let below = end_below.map(|b| v - b);
        let above = end_above.map(|a| a - v);
        match (below, above) {
            (Some(b), Some(a)) => Some(b.min(a)),
            (b, a) => b.or(a),
        }
    };
    match (room(before), room(after)) {
        (Some(was), Some(now)) => now < was,
        _ => false,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndingView {
    pub ending: Ending,
    pub message: Text,
}

/// The view of `session` for `viewer`.
pub fn view(session: &Session, viewer: Viewer) -> View {
    let deck = session.deck();
    let voted = |seat: &SeatId| {
        session
            .current
            .as_ref()
            .is_some_and(|c| c.votes.iter().any(|(s, _)| s == seat))
    };
    let for_debrief =
        matches!(viewer, Viewer::Facilitator | Viewer::Record) || session.phase == Phase::Ended;
    let card = session.current.as_ref().map(|cur| {
        let c = &deck.cards[cur.card];
        let step = &c.steps[cur.step];
        let (briefing, all_briefings) = match viewer {
            Viewer::Facilitator | Viewer::Record => (
                c.briefing.clone(),
                (0..deck.roles.len())
                    .filter_map(|r| c.briefings[r].clone().map(|t| (r, t)))
                    .collect(),
            ),
            Viewer::Role(Some(r)) => (c.briefing_for(r).clone(), Vec::new()),
            Viewer::Role(None) => (c.briefing.clone(), Vec::new()),
        };
        // Decisions on this card's earlier steps; the current step's own outcome is `last`.
        let here = cur
            .choices
            .iter()
            .filter(|(step, _)| *step < cur.step)
            .count();
        let start = session.decisions.len() - cur.choices.len();
        let earlier = (start..start + here)
            .map(|i| decision_view(session, i))
            .collect();
        CardView {
            id: c.id.clone(),
            title: c.title.clone(),
            briefing,
            all_briefings,
            step: cur.step,
            steps: c.steps.len(),
            deciding_role: step.role,
            prompt: step.prompt.clone(),
            options: step.options.iter().map(|o| o.label.clone()).collect(),
            earlier,
            debrief: if for_debrief {
                c.debrief.clone()
            } else {
                Vec::new()
            },
            key_question: c.key_question.clone().filter(|_| for_debrief),
        }
    });
    let last = match session.phase {
        Phase::Resolved | Phase::Ended if !session.decisions.is_empty() => {
            Some(decision_view(session, session.decisions.len() - 1))
        }
        _ => None,
    };
    let whole_story = session.phase == Phase::Ended || viewer == Viewer::Record;
    // Every decision so far, for every viewer: each outcome was on every screen when it fell,
    // and a player is sent each one once as it falls (the latest and a card's earlier ones refer
    // to it), not again in the debrief.
    let decisions: Vec<DecisionView> = (0..session.decisions.len())
        .map(|i| decision_view(session, i))
        .collect();
    let mut debrief: Vec<(Text, Vec<Text>)> = Vec::new();
    let mut key_questions: Vec<(Text, Text)> = Vec::new();
    if whole_story {
        let mut seen = Vec::new();
        for d in &session.decisions {
            if !seen.contains(&d.card) {
                seen.push(d.card);
                let c = &deck.cards[d.card];
                debrief.push((c.title.clone(), c.debrief.clone()));
                if let Some(k) = &c.key_question {
                    key_questions.push((c.title.clone(), k.clone()));
                }
            }
        }
    }
    View {
        deck_title: deck.title.clone(),
        round: session.round,
        rounds: session.rounds,
        phase: session.phase,
        paused: session.paused,
        timer_secs: session.timer_secs,
        roles: deck
            .roles
            .iter()
            .map(|r| RoleView {
                id: r.id.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
            })
            .collect(),
        meters: deck
            .meters
            .iter()
            .zip(&session.meters)
            .map(|(m, v)| MeterView {
                id: m.id.clone(),
                label: m.label.clone(),
                min: m.min,
                max: m.max,
                value: *v,
                end_below: m.tipping_points().0,
                end_above: m.tipping_points().1,
            })
            .collect(),
        seats: session
            .seats
            .iter()
            .map(|(id, s)| SeatView {
                seat: *id,
                name: s.name.clone(),
                role: s.role,
                bot: s.bot,
                voted: voted(id),
            })
            .collect(),
        card,
        meter_history: {
            let mut history = session.meter_history.clone();
            // A record of an unfinished session shows the round in progress as its last point.
            let unfinished = session.decisions.last().is_some_and(|d| {
                d.round as usize >= history.len() && session.phase != Phase::Ended
            });
            if viewer == Viewer::Record && unfinished {
                history.push(session.meters.clone());
            }
            history
        },
        last,
        decisions,
        debrief,
        key_questions,
        news: if matches!(
            session.phase,
            Phase::Briefing | Phase::Deciding | Phase::Resolved
        ) {
            warning_texts(session, &session.round_warnings)
        } else {
            Vec::new()
        },
        notes: if matches!(viewer, Viewer::Facilitator | Viewer::Record) {
            session.notes.clone()
        } else {
            Vec::new()
        },
        ending: session.ending.clone().map(|ending| EndingView {
            message: ending_message(session, &ending),
            ending,
        }),
        // Only the facilitator can take a resolution back; a player is not told it ticks.
        can_undo: matches!(viewer, Viewer::Facilitator | Viewer::Record) && session.can_undo(),
    }
}

fn decision_view(session: &Session, i: usize) -> DecisionView {
    let deck = session.deck();
    let d = &session.decisions[i];
    let card = &deck.cards[d.card];
    let step = &card.steps[d.step];
    let option = &step.options[d.option];
    let mut chance_outcomes = Vec::new();
    let mut rolls = d.chances.iter();
    collect_chance_outcomes(&option.effects, &mut rolls, &mut chance_outcomes);
    // A warning threshold this decision crossed is news for the whole room, like a chance.
    chance_outcomes.extend(warning_texts(session, &d.warnings));
    DecisionView {
        round: d.round,
        step: d.step,
        card_title: card.title.clone(),
        role: d.role,
        prompt: step.prompt.clone(),
        option: d.option,
        option_label: option.label.clone(),
        outcome: option.outcome.clone(),
        chance_outcomes,
        split: d.split.clone(),
        abstained: d.abstained,
        by: d.by,
        tied: d.by == DecidedBy::Vote && {
            let top = d.split.iter().copied().max().unwrap_or(0);
            top > 0 && d.split.iter().filter(|n| **n == top).count() > 1
        },
        meters_before: d.meters_before.clone(),
        meters_after: d.meters_after.clone(),
        worse: deck
            .meters
            .iter()
            .zip(d.meters_before.iter().zip(&d.meters_after))
            .map(|(m, (before, after))| {
                let (below, above) = m.tipping_points();
                towards_danger(*before, *after, below, above)
            })
            .collect(),
    }
}

/// Walks the effects in the order they were rolled, collecting the texts of chances that hit.
fn collect_chance_outcomes(
    effects: &[super::deck::Effect],
    rolls: &mut std::slice::Iter<'_, bool>,
    out: &mut Vec<Text>,
) {
    for e in effects {
        if let super::deck::Effect::Chance {
            effects, outcome, ..
        } = e
            && rolls.next() == Some(&true)
        {
            if !outcome.is_empty() {
                out.push(outcome.clone());
            }
            collect_chance_outcomes(effects, rolls, out);
        }
    }
}

/// The messages of warning thresholds, marked "⚠".
fn warning_texts(session: &Session, crossed: &[(usize, usize)]) -> Vec<Text> {
    let deck = session.deck();
    crossed
        .iter()
        .filter_map(|(m, t)| deck.meters.get(*m).and_then(|m| m.thresholds.get(*t)))
        .map(|th| {
            Text::new(
                format!("⚠ {}", th.message.nl),
                format!("⚠ {}", th.message.get(crate::Lang::En)),
            )
        })
        .collect()
}

pub fn ending_message(session: &Session, ending: &Ending) -> Text {
    match ending {
        Ending::Completed => session
            .deck()
            .completed
            .clone()
            .unwrap_or_else(|| crate::words::text("ending.completed", &[])),
        Ending::Threshold { meter, threshold } => session.deck().meters[*meter].thresholds
            [*threshold]
            .message
            .clone(),
        Ending::DeckExhausted => crate::words::text("ending.exhausted", &[]),
        Ending::Facilitator => crate::words::text("ending.facilitator", &[]),
    }
}

/// How a recorded session looked after round `round` (0 is the start): the meters then, the
/// chart up to then, the decisions taken by then and the debrief questions of the cards played
/// by then. For walking back through a session round by round.
pub fn at_round(record: &View, round: u32) -> View {
    let last = record.meter_history.len().saturating_sub(1);
    let r = (round as usize).min(last);
    let mut v = record.clone();
    v.meter_history.truncate(r + 1);
    if let Some(values) = v.meter_history.last() {
        for (m, value) in v.meters.iter_mut().zip(values) {
            m.value = *value;
        }
    }
    v.decisions.retain(|d| d.round as usize <= r);
    let played: Vec<&Text> = v.decisions.iter().map(|d| &d.card_title).collect();
    let debrief: Vec<(Text, Vec<Text>)> = record
        .debrief
        .iter()
        .filter(|(title, _)| played.contains(&title))
        .cloned()
        .collect();
    v.debrief = debrief;
    v.key_questions.retain(|(title, _)| played.contains(&title));
    v.notes.retain(|n| n.round as usize <= r);
    v.round = r as u32;
    v.last = v.decisions.last().cloned();
    if r < last {
        // Later rounds have not happened yet at this point of the story.
        v.ending = None;
        v.card = None;
        v.phase = Phase::Resolved;
    }
    v
}

/// How many rounds a recorded session has to walk through.
pub fn rounds_recorded(record: &View) -> u32 {
    record.meter_history.len().saturating_sub(1) as u32
}

/// The view in one language: every text keeps only what a screen in `lang` shows, so a player
/// is sent half the words. `Text::get(lang)` gives the same text before and after.
pub fn localize(v: &mut View, lang: Lang) {
    // Every field by name, so a text added to `View` does not compile until it is handled here.
    let View {
        deck_title,
        round: _,
        rounds: _,
        phase: _,
        paused: _,
        timer_secs: _,
        roles,
        meters,
        seats: _,
        card,
        meter_history: _,
        last,
        decisions,
        debrief,
        key_questions,
        news,
        notes: _,
        ending,
        can_undo: _,
    } = v;
    let one = |t: &mut Text| t.keep_only(lang);
    one(deck_title);
    for r in roles {
        one(&mut r.name);
        one(&mut r.description);
    }
    for m in meters {
        one(&mut m.label);
    }
    if let Some(c) = card {
        let CardView {
            id: _,
            title,
            briefing,
            all_briefings,
            step: _,
            steps: _,
            deciding_role: _,
            prompt,
            options,
            earlier,
            debrief,
            key_question,
        } = c;
        one(title);
        one(briefing);
        all_briefings.iter_mut().for_each(|(_, t)| one(t));
        one(prompt);
        options.iter_mut().for_each(one);
        earlier.iter_mut().for_each(|d| localize_decision(d, lang));
        debrief.iter_mut().for_each(one);
        key_question.iter_mut().for_each(one);
    }
    last.iter_mut().for_each(|d| localize_decision(d, lang));
    decisions
        .iter_mut()
        .for_each(|d| localize_decision(d, lang));
    for (title, questions) in debrief {
        one(title);
        questions.iter_mut().for_each(one);
    }
    for (title, question) in key_questions {
        one(title);
        one(question);
    }
    news.iter_mut().for_each(one);
    if let Some(e) = ending {
        one(&mut e.message);
    }
}

fn localize_decision(d: &mut DecisionView, lang: Lang) {
    let DecisionView {
        round: _,
        step: _,
        card_title,
        role: _,
        prompt,
        option: _,
        option_label,
        outcome,
        chance_outcomes,
        split: _,
        abstained: _,
        by: _,
        meters_before: _,
        meters_after: _,
        worse: _,
        tied: _,
    } = d;
    for t in [card_title, prompt, option_label, outcome] {
        t.keep_only(lang);
    }
    chance_outcomes.iter_mut().for_each(|t| t.keep_only(lang));
}
