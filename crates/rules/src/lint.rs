//! Deck lints: what keeps a valid deck a game. Every option has a price, no option beats another
//! of its step on every meter, every flag leads somewhere, every card can come up.
//!
//! A deck that fails these still runs, so they are warnings in `deck check` and errors with
//! `deck check --strict`; the shipped decks pass strict. `deck simulate` prints the same findings.

use std::fmt::Write as _;
use std::sync::Arc;

use super::bot::Strategy;
use super::deck::{Bound, Deck, DeckError, Diagnostic, Effect, FlagIdx, Places, Then};
use super::simulate;

/// Sessions the never-drawn lint plays; enough to meet a card with a weight of a few percent.
pub const LINT_RUNS: u64 = 2_000;
/// The seed of those sessions, so a finding can be reproduced with `deck simulate --seed 1`.
pub const LINT_SEED: u64 = 1;

/// Which way is good for each meter: +1 when higher is safer, -1 when lower is, 0 when the deck
/// does not say (no threshold on that meter, or tipping points on both sides).
fn meter_directions(deck: &Deck) -> Vec<i32> {
    deck.meters
        .iter()
        .map(|m| {
            let ends = |f: fn(&Bound) -> bool| {
                m.thresholds
                    .iter()
                    .any(|t| t.then == Then::EndSession && f(&t.when))
            };
            let warns = |f: fn(&Bound) -> bool| m.thresholds.iter().any(|t| f(&t.when));
            let below = |b: &Bound| matches!(b, Bound::Below(_));
            let above = |b: &Bound| matches!(b, Bound::Above(_));
            // A tipping point says it best; without one, a warning flag says which way is bad.
            match (ends(below), ends(above), warns(below), warns(above)) {
                (true, false, _, _) | (false, false, true, false) => 1,
                (false, true, _, _) | (false, false, false, true) => -1,
                _ => 0,
            }
        })
        .collect()
}

/// What an option does to each meter on average, now, later and weighted by its chances, and
/// what it costs: the sum of its moves the wrong way (a gain now does not pay for a loss later).
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub net: Vec<f64>,
    pub price: Vec<f64>,
}

pub fn expected(deck: &Deck, effects: &[Effect]) -> Expected {
    fn walk(effects: &[Effect], share: f64, good: &[i32], out: &mut Expected) {
        for e in effects {
            match e {
                Effect::Meter { meter, by } | Effect::Later { meter, by, .. } => {
                    let m = *meter;
                    let by = share * f64::from(*by);
                    out.net[m] += by;
                    if by * f64::from(good[m]) < 0.0 {
                        out.price[m] += by.abs();
                    }
                }
                Effect::Chance {
                    percent, effects, ..
                } => walk(effects, share * f64::from(*percent) / 100.0, good, out),
                Effect::SetFlag(_) | Effect::ClearFlag(_) | Effect::FollowUp { .. } => {}
            }
        }
    }
    let good = meter_directions(deck);
    let mut out = Expected {
        net: vec![0.0; deck.meters.len()],
        price: vec![0.0; deck.meters.len()],
    };
    walk(effects, 1.0, &good, &mut out);
    out
}

/// What a lint found, with its place in the deck (`cards[3].steps[0].options[1]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub path: String,
    pub at: (usize, usize),
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    FreeOption,
    DominatedOption,
    FlagNeverRead,
    FlagNeverSet,
    BeyondTheEnd,
    NeverDrawn,
    NoKeyQuestion,
    /// A role that decides too seldom in the default programme.
    IdleRole,
    /// A crisis that seldom comes after its flag is raised.
    LateCrisis,
    /// A delayed effect that mostly falls after the end.
    EffectAfterEnd,
    /// An option whose only price is a chance that nets out.
    ChanceOnlyPrice,
}

/// `deck check --strict`: a role decides at least this often per session on average...
pub const MIN_ROLE_DECISIONS: f64 = 2.0;
/// ...and never decides in at most this share of sessions.
pub const MAX_IDLE_SHARE: f64 = 0.10;
/// A flag's card comes in at least this share of the sessions that raised it.
pub const MIN_CRISIS_SHARE: f64 = 0.5;
/// A delayed effect falls after the end in at most this share of its plays.
pub const MAX_DROPPED_SHARE: f64 = 0.5;
/// Fewer sessions or plays than this say too little to judge a flag or a delayed effect by.
const MIN_EVIDENCE: u64 = 20;

impl Finding {
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            line: self.at.0,
            col: self.at.1,
            path: self.path.clone(),
            message: self.message.clone(),
        }
    }
}

/// Every lint, the simulated ones included.
pub fn lint(deck: &Arc<Deck>, places: &Places) -> Vec<Finding> {
    let mut found = lint_static(deck, places);
    let balance = simulate::simulate(deck, LINT_RUNS, LINT_SEED, deck.rounds, Strategy::Random);
    found.extend(never_drawn_in(deck, places, &balance));
    found.extend(lesson(deck, places, &balance));
    found
}

/// What the room will feel, judged on the default programme's simulated sessions: roles that
/// sit idle, crises that come too late, consequences that fall after the end.
pub fn lesson(deck: &Deck, places: &Places, balance: &simulate::Balance) -> Vec<Finding> {
    let mut found = Vec::new();
    let summary = balance.summary(deck);
    let runs = balance.runs;
    for (r, role) in summary.roles.iter().enumerate() {
        if role.decisions_per_session < MIN_ROLE_DECISIONS || role.never_share > MAX_IDLE_SHARE {
            found.push(Finding {
                kind: FindingKind::IdleRole,
                path: format!("roles[{r}]"),
                at: places.roles.get(r).copied().unwrap_or((1, 1)),
                message: format!(
                    "the role `{}` decides {:.2} times per session and not at all in {:.0}% of sessions ({runs} random sessions of {} rounds); a role should decide at least {MIN_ROLE_DECISIONS} times and sit idle in at most {:.0}%: give it a step of its own work in a card that comes often",
                    role.id,
                    role.decisions_per_session,
                    100.0 * role.never_share,
                    balance.rounds,
                    100.0 * MAX_IDLE_SHARE
                ),
            });
        }
    }
    for (f, flag) in summary.flags.iter().enumerate() {
        let raised = balance.flag_raised[f].0;
        if let Some(share) = flag.opened_card_share
            && raised >= MIN_EVIDENCE
            && share < MIN_CRISIS_SHARE
        {
            found.push(Finding {
                kind: FindingKind::LateCrisis,
                path: format!("flag `{}`", flag.id),
                at: places.flags.get(f).copied().unwrap_or((1, 1)),
                message: format!(
                    "the flag `{}` is raised in {:.0}% of sessions, but the card it opens comes in only {:.0}% of those: the crisis does not arrive while the room can feel it; raise the flag earlier (a threshold nearer the start) or let its card come in any round",
                    flag.id,
                    100.0 * flag.raised_share,
                    100.0 * share
                ),
            });
        }
    }
    for (c, card) in deck.cards.iter().enumerate() {
        for (s, step) in card.steps.iter().enumerate() {
            for (o, option) in step.options.iter().enumerate() {
                let (plays, dropped) = balance.late[c][s][o];
                let share = dropped as f64 / plays.max(1) as f64;
                if plays >= MIN_EVIDENCE && share > MAX_DROPPED_SHARE {
                    found.push(Finding {
                        kind: FindingKind::EffectAfterEnd,
                        path: format!("cards[{c}].steps[{s}].options[{o}]"),
                        at: place(places, c, s, o),
                        message: format!(
                            "the delayed effect of `{}` in `{}` falls after the last round in {:.0}% of its plays: the room never feels it; make the card come earlier (`until_round`) or the effect sooner",
                            option.id,
                            card.id,
                            100.0 * share
                        ),
                    });
                }
            }
        }
    }
    found
}

/// The lints that read the deck without playing it.
pub fn lint_static(deck: &Deck, places: &Places) -> Vec<Finding> {
    let mut found = Vec::new();
    prices(deck, places, &mut found);
    flags(deck, places, &mut found);
    beyond_the_end(deck, places, &mut found);
    for (c, card) in deck.cards.iter().enumerate() {
        if card.key_question.is_none() {
            found.push(Finding {
                kind: FindingKind::NoKeyQuestion,
                path: format!("cards[{c}]"),
                at: places.cards.get(c).copied().unwrap_or((0, 0)),
                message: format!(
                    "`{}` has no `key_question`: the one question to ask first about this card \
                     in the debrief",
                    card.id
                ),
            });
        }
    }
    found
}

/// "+3.0 budget, -2.0 teamvertrouwen": the figures a trainer compares.
fn moves(deck: &Deck, v: &[f64]) -> String {
    let parts: Vec<String> = v
        .iter()
        .zip(&deck.meters)
        .filter(|(x, _)| x.abs() > 1e-9)
        .map(|(x, m)| format!("{} {x:+.1}", m.id))
        .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn place(places: &Places, c: usize, s: usize, o: usize) -> (usize, usize) {
    places
        .options
        .get(c)
        .and_then(|x| x.get(s))
        .and_then(|x| x.get(o))
        .copied()
        .unwrap_or((0, 0))
}

/// What an option does besides moving meters (flags, follow-ups, also by chance): two options
/// that differ here lead to different cards, so their meters alone do not rank them.
fn beyond_meters(effects: &[Effect], out: &mut Vec<String>) {
    for e in effects {
        match e {
            Effect::SetFlag(f) => out.push(format!("+flag{f}")),
            Effect::ClearFlag(f) => out.push(format!("-flag{f}")),
            Effect::FollowUp { card, .. } => out.push(format!("card{card}")),
            Effect::Chance { effects, .. } => beyond_meters(effects, out),
            Effect::Meter { .. } | Effect::Later { .. } => {}
        }
    }
}

/// Free options and dominated options, step by step.
fn prices(deck: &Deck, places: &Places, found: &mut Vec<Finding>) {
    let good = meter_directions(deck);
    for (c, card) in deck.cards.iter().enumerate() {
        for (s, step) in card.steps.iter().enumerate() {
            let all: Vec<Expected> = step
                .options
                .iter()
                .map(|o| expected(deck, &o.effects))
                .collect();
            let other: Vec<Vec<String>> = step
                .options
                .iter()
                .map(|o| {
                    let mut v = Vec::new();
                    beyond_meters(&o.effects, &mut v);
                    v.sort();
                    v
                })
                .collect();
            let costs = |e: &Expected| e.price.iter().any(|p| *p > 1e-9);
            let any_costs = all.iter().any(costs);
            for (o, mine) in all.iter().enumerate() {
                let path = format!("cards[{c}].steps[{s}].options[{o}]");
                let at = place(places, c, s, o);
                let id = &step.options[o].id;
                // An option that raises a flag or schedules a card may pay for it later.
                if any_costs && !costs(mine) && other[o].is_empty() {
                    found.push(Finding {
                        kind: FindingKind::FreeOption,
                        path: path.clone(),
                        at,
                        message: format!(
                            "`{id}` costs nothing: now, later or by chance it moves no meter \
                             towards a tipping point ({}), while the other options of this step \
                             do; give it a price",
                            moves(deck, &mine.net)
                        ),
                    });
                }
                if costs(mine) && chance_only_price(deck, &step.options[o].effects, &good) {
                    found.push(Finding {
                        kind: FindingKind::ChanceOnlyPrice,
                        path: path.clone(),
                        at,
                        message: format!(
                            "`{id}` has no price but a chance that nets out ({}): a steady \
                             player takes it every time; give it a price that is sure to come, \
                             now or later",
                            moves(deck, &mine.net)
                        ),
                    });
                }
                // Scored so that higher is better; a meter without a direction must be equal.
                let score = |e: &Expected| -> Vec<f64> {
                    e.net
                        .iter()
                        .zip(&good)
                        .map(|(v, g)| v * f64::from(*g))
                        .collect()
                };
                let (a, undirected_a) = (score(mine), &mine.net);
                let better = all.iter().enumerate().find(|(j, theirs)| {
                    let b = score(theirs);
                    *j != o
                        && other[*j] == other[o]
                        && a.iter().zip(&b).all(|(x, y)| y + 1e-9 >= *x)
                        && a.iter().zip(&b).any(|(x, y)| *y > x + 1e-9)
                        && good
                            .iter()
                            .zip(undirected_a.iter().zip(&theirs.net))
                            .all(|(g, (x, y))| *g != 0 || (x - y).abs() < 1e-9)
                });
                if let Some((j, other)) = better {
                    found.push(Finding {
                        kind: FindingKind::DominatedOption,
                        path,
                        at,
                        message: format!(
                            "`{id}` ({}) is no better than `{}` ({}) on any meter and worse on \
                             one: nobody has a reason to choose it",
                            moves(deck, &mine.net),
                            step.options[j].id,
                            moves(deck, &other.net)
                        ),
                    });
                }
            }
        }
    }
}

/// Whether an option's only moves the wrong way lie inside chances, and those chances do not
/// cost on balance (a gain and a loss by the same odds).
fn chance_only_price(deck: &Deck, effects: &[Effect], good: &[i32]) -> bool {
    let sure: Vec<Effect> = effects
        .iter()
        .filter(|e| !matches!(e, Effect::Chance { .. }))
        .cloned()
        .collect();
    if expected(deck, &sure).price.iter().any(|p| *p > 1e-9) {
        return false;
    }
    let chances: Vec<Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Chance { .. }))
        .cloned()
        .collect();
    let e = expected(deck, &chances);
    let directed: f64 = e.net.iter().zip(good).map(|(v, g)| v * f64::from(*g)).sum();
    directed >= -1e-9
}

fn for_each_effect(effects: &[Effect], f: &mut impl FnMut(&Effect)) {
    for e in effects {
        f(e);
        if let Effect::Chance { effects, .. } = e {
            for_each_effect(effects, f);
        }
    }
}

/// Flags that are set but change nothing, and `not_flags` that always hold.
fn flags(deck: &Deck, places: &Places, found: &mut Vec<Finding>) {
    let n = deck.flags.len();
    let mut set = vec![false; n];
    let mut read = vec![false; n];
    for m in &deck.meters {
        for t in &m.thresholds {
            if let Then::SetFlag(f) = t.then {
                set[f] = true;
            }
        }
    }
    let mut absent_read: Vec<FlagIdx> = Vec::new();
    for card in &deck.cards {
        for f in card.when.flags.iter().chain(&card.when.not_flags) {
            read[*f] = true;
        }
        absent_read.extend(&card.when.not_flags);
        for step in &card.steps {
            for opt in &step.options {
                for_each_effect(&opt.effects, &mut |e| {
                    if let Effect::SetFlag(f) = e {
                        set[*f] = true;
                    }
                });
            }
        }
    }
    for (f, name) in deck.flags.iter().enumerate() {
        let at = places.flags.get(f).copied().unwrap_or((0, 0));
        if set[f] && !read[f] {
            found.push(Finding {
                kind: FindingKind::FlagNeverRead,
                path: format!("flag `{name}`"),
                at,
                message: format!(
                    "the flag `{name}` is set but no card asks for it (`when: (flags: [..])` or \
                     `not_flags`): setting it changes nothing"
                ),
            });
        }
        if !set[f] && absent_read.contains(&f) {
            found.push(Finding {
                kind: FindingKind::FlagNeverSet,
                path: format!("flag `{name}`"),
                at,
                message: format!(
                    "the flag `{name}` is never set by any option or threshold, so \
                     `not_flags: [\"{name}\"]` always holds"
                ),
            });
        }
    }
}

/// Cards whose meter condition lies wholly past a tipping point: the session is over first.
fn beyond_the_end(deck: &Deck, places: &Places, found: &mut Vec<Finding>) {
    for (c, card) in deck.cards.iter().enumerate() {
        for &(m, lo, hi) in &card.when.meters {
            let meter = &deck.meters[m];
            for t in &meter.thresholds {
                let past = match t.when {
                    Bound::Below(b) => hi < b,
                    Bound::Above(b) => lo > b,
                };
                if t.then == Then::EndSession && past {
                    let edge = match t.when {
                        Bound::Below(b) => format!("below {b}"),
                        Bound::Above(b) => format!("above {b}"),
                    };
                    found.push(Finding {
                        kind: FindingKind::BeyondTheEnd,
                        path: format!("cards[{c}].when.meters.{}", meter.id),
                        at: places.cards.get(c).copied().unwrap_or((0, 0)),
                        message: format!(
                            "`{}` needs {} between {lo} and {hi}, but the session ends as soon \
                             as it is {edge}: the card can never be drawn",
                            card.id, meter.id
                        ),
                    });
                }
            }
        }
    }
}

/// Cards that a quick simulation with random choices never draws.
pub fn never_drawn(deck: &Arc<Deck>, places: &Places) -> Vec<Finding> {
    let balance = simulate::simulate(deck, LINT_RUNS, LINT_SEED, deck.rounds, Strategy::Random);
    never_drawn_in(deck, places, &balance)
}

fn never_drawn_in(deck: &Deck, places: &Places, balance: &simulate::Balance) -> Vec<Finding> {
    deck.cards
        .iter()
        .enumerate()
        .filter(|(c, _)| balance.drawn[*c] == 0)
        .map(|(c, card)| Finding {
            kind: FindingKind::NeverDrawn,
            path: format!("cards[{c}]"),
            at: places.cards.get(c).copied().unwrap_or((0, 0)),
            message: format!(
                "`{}` was never drawn in {LINT_RUNS} simulated sessions of {} rounds (random \
                 choices, seed {LINT_SEED}): check its `when`, weight and rounds",
                card.id, deck.rounds
            ),
        })
        .collect()
}

/// The findings as `deck simulate` lists them, one per line.
pub fn report(findings: &[Finding]) -> String {
    let mut out = String::new();
    if findings.is_empty() {
        let _ = writeln!(
            out,
            "Every option has a price, none is beaten on every meter, every flag is read, \
             every card comes up and has a key question."
        );
    }
    for f in findings {
        let _ = writeln!(out, "  {}: {}", f.path, f.message);
    }
    out
}

/// Reads, checks and lints a deck's text: the deck and what the lints found.
pub fn check(name: &str, source: &str) -> Result<(Arc<Deck>, Vec<Finding>), DeckError> {
    let (deck, places) = Deck::check_source(name, source)?;
    let deck = Arc::new(deck);
    let found = lint(&deck, &places);
    Ok((deck, found))
}

/// As `deck check --strict` judges a deck's text: a finding is an error.
pub fn check_strict(name: &str, source: &str) -> Result<Arc<Deck>, DeckError> {
    let (deck, found) = check(name, source)?;
    if found.is_empty() {
        Ok(deck)
    } else {
        Err(DeckError {
            file: name.to_string(),
            diagnostics: found.iter().map(Finding::diagnostic).collect(),
        })
    }
}

/// `FILE:LINE:COL: warning: PATH: MESSAGE`, one line per finding.
pub fn warnings(file: &str, found: &[Finding]) -> String {
    let mut out = String::new();
    for f in found {
        let _ = writeln!(
            out,
            "{file}:{}:{}: warning: {}: {}",
            f.at.0, f.at.1, f.path, f.message
        );
    }
    out
}
