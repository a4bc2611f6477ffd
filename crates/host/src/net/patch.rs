//! Views as differences: after a first full view a player gets only what changed, numbered, so a
//! client that missed a step asks for a full view again. Pure, so both sides and the tests share it.
//!
//! The browser page applies the same changes in `assets/web/app.js` (`applyPatch`); the JSON is
//! serde's own spelling of `Change` (`{"Round":3}`, `{"Seats":{"gone":[],"set":[...]}}`).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::rules::Text;
use crate::rules::deck::RoleIdx;
use crate::rules::session::{Note, Phase, SeatId};
use crate::rules::view::{CardView, DecisionView, EndingView, MeterView, RoleView, SeatView, View};

/// What a player's screen shows: the view, who is online, the timer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Screen {
    pub view: View,
    pub connected: Vec<SeatId>,
    pub timer_left: Option<u32>,
}

/// The changes that turn the screen numbered `base` into the one numbered `seq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Patch {
    pub base: u64,
    pub seq: u64,
    pub changes: Vec<Change>,
}

/// One changed part of a screen. Lists that only grow (the meter history, the decisions, the
/// notes) send their new tail after the `keep` entries that stayed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Change {
    DeckTitle(Text),
    Round(u32),
    Rounds(u32),
    Phase(Phase),
    Paused(bool),
    TimerSecs(u32),
    Roles(Vec<RoleView>),
    Meters(Vec<MeterView>),
    /// Only the meters' values moved (the usual case).
    MeterValues(Vec<i32>),
    /// Seats that left, and seats that came or changed (their whole entry), by seat number.
    Seats {
        gone: Vec<SeatId>,
        set: Vec<SeatView>,
    },
    /// Only who has voted changed: seats that voted now, and seats whose vote is gone (a new
    /// step). A room of 500 voting sends seat numbers, not 500 names.
    Votes {
        voted: Vec<SeatId>,
        unvoted: Vec<SeatId>,
    },
    /// A new card, or none.
    Card(Option<Box<CardView>>),
    /// The same card at its next step: only its parts that changed.
    CardParts(Vec<CardPart>),
    History {
        keep: usize,
        add: Vec<Vec<i32>>,
    },
    Last(Option<Box<DecisionView>>),
    /// The latest resolution is this entry of the decisions (sent before it).
    LastDecision(usize),
    Decisions {
        keep: usize,
        add: Vec<DecisionView>,
    },
    /// New decisions on the card the screen shows: its title, the step's prompt and the chosen
    /// option's label are taken from that card rather than sent again.
    Decided {
        keep: usize,
        add: Vec<Decided>,
    },
    Debrief(Vec<(Text, Vec<Text>)>),
    KeyQuestions(Vec<(Text, Text)>),
    News(Vec<Text>),
    Notes {
        keep: usize,
        add: Vec<Note>,
    },
    Ending(Option<EndingView>),
    CanUndo(bool),
    Connected {
        gone: Vec<SeatId>,
        came: Vec<SeatId>,
    },
    TimerLeft(Option<u32>),
}

/// A decision on the card a screen shows, without the words that card already has.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decided {
    pub round: u32,
    pub step: usize,
    pub role: RoleIdx,
    pub option: usize,
    pub outcome: Text,
    pub chance_outcomes: Vec<Text>,
    pub split: Vec<u32>,
    pub abstained: u32,
    pub by: crate::rules::session::DecidedBy,
    pub meters_before: Vec<i32>,
    pub meters_after: Vec<i32>,
    pub worse: Vec<bool>,
    // Always written: the native client's postcard cannot skip a field.
    #[serde(default)]
    pub tied: bool,
}

impl Decided {
    /// `d` without its card's words, when `card` (the card on the screen) holds them exactly.
    fn of(d: &DecisionView, card: &CardView) -> Option<Decided> {
        let same = card.title == d.card_title
            && card.prompt == d.prompt
            && card.step == d.step
            && card.options.get(d.option) == Some(&d.option_label);
        same.then(|| Decided {
            round: d.round,
            step: d.step,
            role: d.role,
            option: d.option,
            outcome: d.outcome.clone(),
            chance_outcomes: d.chance_outcomes.clone(),
            split: d.split.clone(),
            abstained: d.abstained,
            by: d.by,
            meters_before: d.meters_before.clone(),
            meters_after: d.meters_after.clone(),
            worse: d.worse.clone(),
            tied: d.tied,
        })
    }

    /// The whole decision again, with the words of `card`.
    fn with(self, card: &CardView) -> DecisionView {
        DecisionView {
            round: self.round,
            step: self.step,
            card_title: card.title.clone(),
            role: self.role,
            prompt: card.prompt.clone(),
            option: self.option,
            option_label: card.options.get(self.option).cloned().unwrap_or_default(),
            outcome: self.outcome,
            chance_outcomes: self.chance_outcomes,
            split: self.split,
            abstained: self.abstained,
            by: self.by,
            meters_before: self.meters_before,
            meters_after: self.meters_after,
            worse: self.worse,
            tied: self.tied,
        }
    }
}

/// A changed part of the card on the table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CardPart {
    Title(Text),
    Briefing(Text),
    AllBriefings(Vec<(RoleIdx, Text)>),
    Step(usize),
    Steps(usize),
    DecidingRole(RoleIdx),
    Prompt(Text),
    Options(Vec<Text>),
    Earlier {
        keep: usize,
        add: Vec<DecisionView>,
    },
    /// The card's new earlier decisions are these entries of the screen's decisions.
    EarlierDecisions {
        keep: usize,
        from: Vec<usize>,
    },
    Debrief(Vec<Text>),
    KeyQuestion(Option<Text>),
}

/// The changes from `old` to `new`; empty when nothing a player sees changed.
pub fn diff(old: &Screen, new: &Screen) -> Vec<Change> {
    let mut out = Vec::new();
    // Every field by name, so a field added to `View` does not compile until it is diffed here.
    let View {
        deck_title,
        round,
        rounds,
        phase,
        paused,
        timer_secs,
        roles,
        meters,
        seats,
        card,
        meter_history,
        last,
        decisions,
        debrief,
        key_questions,
        news,
        notes,
        ending,
        can_undo,
    } = &new.view;
    let o = &old.view;
    put(&mut out, o.deck_title == *deck_title, || {
        Change::DeckTitle(deck_title.clone())
    });
    put(&mut out, o.round == *round, || Change::Round(*round));
    put(&mut out, o.rounds == *rounds, || Change::Rounds(*rounds));
    put(&mut out, o.phase == *phase, || Change::Phase(*phase));
    put(&mut out, o.paused == *paused, || Change::Paused(*paused));
    put(&mut out, o.timer_secs == *timer_secs, || {
        Change::TimerSecs(*timer_secs)
    });
    put(&mut out, o.roles == *roles, || Change::Roles(roles.clone()));
    if o.meters != *meters {
        let only_values = o.meters.len() == meters.len()
            && o.meters.iter().zip(meters).all(|(a, b)| {
                MeterView {
                    value: b.value,
                    ..a.clone()
                } == *b
            });
        out.push(if only_values {
            Change::MeterValues(meters.iter().map(|m| m.value).collect())
        } else {
            Change::Meters(meters.clone())
        });
    }
    if o.seats != *seats {
        let only_votes = o.seats.len() == seats.len()
            && o.seats.iter().zip(seats).all(|(a, b)| {
                a.seat == b.seat && a.name == b.name && a.role == b.role && a.bot == b.bot
            });
        if only_votes {
            let flipped = |to: bool| {
                o.seats
                    .iter()
                    .zip(seats)
                    .filter(|(a, b)| a.voted != b.voted && b.voted == to)
                    .map(|(_, b)| b.seat)
                    .collect()
            };
            out.push(Change::Votes {
                voted: flipped(true),
                unvoted: flipped(false),
            });
        } else {
            // Both lists are in seat order: one pass over each, however large the room.
            let before: HashMap<SeatId, &SeatView> = o.seats.iter().map(|s| (s.seat, s)).collect();
            let now: HashSet<SeatId> = seats.iter().map(|s| s.seat).collect();
            let gone = o
                .seats
                .iter()
                .filter(|s| !now.contains(&s.seat))
                .map(|s| s.seat)
                .collect();
            let set = seats
                .iter()
                .filter(|n| before.get(&n.seat).copied() != Some(n))
                .cloned()
                .collect();
            out.push(Change::Seats { gone, set });
        }
    }
    if o.meter_history != *meter_history {
        let (keep, add) = tail(&o.meter_history, meter_history);
        out.push(Change::History { keep, add });
    }
    // The decisions first: the latest one and the card's earlier ones are sent as their place
    // in this list, not a third time in full.
    if o.decisions != *decisions {
        let (keep, add) = tail(&o.decisions, decisions);
        // Applied before any change of the card, so the receiver still has the card decided on.
        let lean: Option<Vec<Decided>> = o
            .card
            .as_ref()
            .and_then(|c| add.iter().map(|d| Decided::of(d, c)).collect());
        out.push(match lean {
            Some(add) => Change::Decided { keep, add },
            None => Change::Decisions { keep, add },
        });
    }
    if o.last != *last {
        let known = last
            .as_ref()
            .and_then(|l| decisions.iter().rposition(|d| d == l));
        out.push(match known {
            Some(i) => Change::LastDecision(i),
            None => Change::Last(last.clone().map(Box::new)),
        });
    }
    match (&o.card, card) {
        (Some(a), Some(b)) if a.id == b.id && a != b => {
            out.push(Change::CardParts(card_parts(a, b, decisions)));
        }
        (Some(a), Some(b)) if a.id == b.id => {}
        (a, b) if a != b => out.push(Change::Card(b.clone().map(Box::new))),
        _ => {}
    }
    put(&mut out, o.debrief == *debrief, || {
        Change::Debrief(debrief.clone())
    });
    put(&mut out, o.key_questions == *key_questions, || {
        Change::KeyQuestions(key_questions.clone())
    });
    put(&mut out, o.news == *news, || Change::News(news.clone()));
    if o.notes != *notes {
        let (keep, add) = tail(&o.notes, notes);
        out.push(Change::Notes { keep, add });
    }
    put(&mut out, o.ending == *ending, || {
        Change::Ending(ending.clone())
    });
    put(&mut out, o.can_undo == *can_undo, || {
        Change::CanUndo(*can_undo)
    });
    if old.connected != new.connected {
        let before: HashSet<&SeatId> = old.connected.iter().collect();
        let now: HashSet<&SeatId> = new.connected.iter().collect();
        let gone = old
            .connected
            .iter()
            .filter(|s| !now.contains(s))
            .copied()
            .collect();
        let came = new
            .connected
            .iter()
            .filter(|s| !before.contains(s))
            .copied()
            .collect();
        out.push(Change::Connected { gone, came });
    }
    put(&mut out, old.timer_left == new.timer_left, || {
        Change::TimerLeft(new.timer_left)
    });
    out
}

fn card_parts(a: &CardView, b: &CardView, decisions: &[DecisionView]) -> Vec<CardPart> {
    let CardView {
        id: _,
        title,
        briefing,
        all_briefings,
        step,
        steps,
        deciding_role,
        prompt,
        options,
        earlier,
        debrief,
        key_question,
    } = b;
    let mut out = Vec::new();
    put(&mut out, a.title == *title, || {
        CardPart::Title(title.clone())
    });
    put(&mut out, a.briefing == *briefing, || {
        CardPart::Briefing(briefing.clone())
    });
    put(&mut out, a.all_briefings == *all_briefings, || {
        CardPart::AllBriefings(all_briefings.clone())
    });
    put(&mut out, a.step == *step, || CardPart::Step(*step));
    put(&mut out, a.steps == *steps, || CardPart::Steps(*steps));
    put(&mut out, a.deciding_role == *deciding_role, || {
        CardPart::DecidingRole(*deciding_role)
    });
    put(&mut out, a.prompt == *prompt, || {
        CardPart::Prompt(prompt.clone())
    });
    put(&mut out, a.options == *options, || {
        CardPart::Options(options.clone())
    });
    put(&mut out, a.debrief == *debrief, || {
        CardPart::Debrief(debrief.clone())
    });
    put(&mut out, a.key_question == *key_question, || {
        CardPart::KeyQuestion(key_question.clone())
    });
    if a.earlier != *earlier {
        let (keep, add) = tail(&a.earlier, earlier);
        let known: Option<Vec<usize>> = add
            .iter()
            .map(|e| decisions.iter().rposition(|d| d == e))
            .collect();
        out.push(match known {
            Some(from) => CardPart::EarlierDecisions { keep, from },
            None => CardPart::Earlier { keep, add },
        });
    }
    out
}

/// Adds `change()` to `out` unless the part is the `same`.
fn put<T>(out: &mut Vec<T>, same: bool, change: impl FnOnce() -> T) {
    if !same {
        out.push(change());
    }
}

/// How many leading entries `old` and `new` share, and what follows them in `new`.
fn tail<T: PartialEq + Clone>(old: &[T], new: &[T]) -> (usize, Vec<T>) {
    let keep = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    (keep, new[keep..].to_vec())
}

/// Applies `changes` to `screen`. Applying `diff(a, b)` to `a` gives `b`.
pub fn apply(screen: &mut Screen, changes: Vec<Change>) {
    let v = &mut screen.view;
    for change in changes {
        match change {
            Change::DeckTitle(t) => v.deck_title = t,
            Change::Round(r) => v.round = r,
            Change::Rounds(r) => v.rounds = r,
            Change::Phase(p) => v.phase = p,
            Change::Paused(p) => v.paused = p,
            Change::TimerSecs(s) => v.timer_secs = s,
            Change::Roles(r) => v.roles = r,
            Change::Meters(m) => v.meters = m,
            Change::MeterValues(values) => {
                for (m, value) in v.meters.iter_mut().zip(values) {
                    m.value = value;
                }
            }
            Change::Seats { gone, set } => {
                let gone: HashSet<SeatId> = gone.into_iter().collect();
                v.seats.retain(|s| !gone.contains(&s.seat));
                for seat in set {
                    match v.seats.binary_search_by_key(&seat.seat, |s| s.seat) {
                        Ok(i) => v.seats[i] = seat,
                        Err(i) => v.seats.insert(i, seat),
                    }
                }
            }
            Change::Votes { voted, unvoted } => {
                let (voted, unvoted): (HashSet<SeatId>, HashSet<SeatId>) =
                    (voted.into_iter().collect(), unvoted.into_iter().collect());
                for s in &mut v.seats {
                    if voted.contains(&s.seat) {
                        s.voted = true;
                    } else if unvoted.contains(&s.seat) {
                        s.voted = false;
                    }
                }
            }
            Change::Card(c) => v.card = c.map(|c| *c),
            Change::CardParts(parts) => {
                if let Some(card) = v.card.as_mut() {
                    apply_card(card, parts, &v.decisions);
                }
            }
            Change::History { keep, add } => {
                v.meter_history.truncate(keep);
                v.meter_history.extend(add);
            }
            Change::Last(l) => v.last = l.map(|l| *l),
            // An index past the list (never sent by a host) leaves nothing rather than panics.
            Change::LastDecision(i) => v.last = v.decisions.get(i).cloned(),
            Change::Decisions { keep, add } => {
                v.decisions.truncate(keep);
                v.decisions.extend(add);
            }
            // Never sent without a card on the screen; without one the words stay empty.
            Change::Decided { keep, add } => {
                let card = v.card.clone().unwrap_or_else(no_card);
                v.decisions.truncate(keep);
                v.decisions.extend(add.into_iter().map(|d| d.with(&card)));
            }
            Change::Debrief(d) => v.debrief = d,
            Change::KeyQuestions(k) => v.key_questions = k,
            Change::News(n) => v.news = n,
            Change::Notes { keep, add } => {
                v.notes.truncate(keep);
                v.notes.extend(add);
            }
            Change::Ending(e) => v.ending = e,
            Change::CanUndo(c) => v.can_undo = c,
            Change::Connected { gone, came } => {
                let gone: HashSet<SeatId> = gone.into_iter().collect();
                screen.connected.retain(|s| !gone.contains(s));
                screen.connected.extend(came);
                screen.connected.sort_unstable();
                screen.connected.dedup();
            }
            Change::TimerLeft(t) => screen.timer_left = t,
        }
    }
}

fn no_card() -> CardView {
    CardView {
        id: String::new(),
        title: Text::default(),
        briefing: Text::default(),
        all_briefings: Vec::new(),
        step: 0,
        steps: 0,
        deciding_role: 0,
        prompt: Text::default(),
        options: Vec::new(),
        earlier: Vec::new(),
        debrief: Vec::new(),
        key_question: None,
    }
}

fn apply_card(card: &mut CardView, parts: Vec<CardPart>, decisions: &[DecisionView]) {
    for part in parts {
        match part {
            CardPart::Title(t) => card.title = t,
            CardPart::Briefing(b) => card.briefing = b,
            CardPart::AllBriefings(b) => card.all_briefings = b,
            CardPart::Step(s) => card.step = s,
            CardPart::Steps(s) => card.steps = s,
            CardPart::DecidingRole(r) => card.deciding_role = r,
            CardPart::Prompt(p) => card.prompt = p,
            CardPart::Options(o) => card.options = o,
            CardPart::Earlier { keep, add } => {
                card.earlier.truncate(keep);
                card.earlier.extend(add);
            }
            CardPart::EarlierDecisions { keep, from } => {
                card.earlier.truncate(keep);
                card.earlier
                    .extend(from.iter().filter_map(|&i| decisions.get(i).cloned()));
            }
            CardPart::Debrief(d) => card.debrief = d,
            CardPart::KeyQuestion(k) => card.key_question = k,
        }
    }
}
