//! `deck simulate`: many complete sessions with bots in every role, and a balance report.

use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use serde::Serialize;

use super::bot::{self, Strategy};
use super::deck::{Deck, Effect, Then};
use super::session::{Ending, Intent, Phase, ProgrammeChoice, Sender, Session};

/// Rounds after which an ending no longer counts as "early" in the balance targets.
pub const EARLY_BEFORE_ROUND: u32 = 4;

#[derive(Clone, Debug, PartialEq)]
pub struct Balance {
    pub runs: u64,
    pub rounds: u32,
    pub strategy: Strategy,
    /// Times each card was played.
    pub drawn: Vec<u64>,
    /// [card][step][option]: times each option was chosen.
    pub chosen: Vec<Vec<Vec<u64>>>,
    pub completed: u64,
    pub exhausted: u64,
    /// [meter][threshold]: sessions ended there, and how many of those before `EARLY_BEFORE_ROUND`.
    pub ended_by: Vec<Vec<(u64, u64)>>,
    /// Sessions ending early, by the round they ended in.
    pub ended_in_round: Vec<u64>,
    /// [meter]: final values of every run (sorted when the report is made).
    pub finals: Vec<Vec<i32>>,
    /// What the sessions played: a programme's id, "pick" or "deck".
    pub programme: String,
    /// [role]: decisions in all sessions, and sessions in which the role never decided.
    pub role_decisions: Vec<(u64, u64)>,
    /// [card]: sessions that played it.
    pub reach: Vec<u64>,
    /// [flag]: sessions that raised it, and of those the sessions that then played a card the
    /// flag opens.
    pub flag_raised: Vec<(u64, u64)>,
    /// [meter]: sessions in which it came within a tenth of its range of a tipping point.
    pub danger: Vec<u64>,
    /// [card][step][option]: plays whose delayed meter effect was due, and how many of those
    /// fell after the session's end.
    pub late: Vec<Vec<Vec<(u64, u64)>>>,
}

/// The balance figures a trainer reads, as `deck simulate --json` prints them (shares 0 to 1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub sessions: u64,
    pub rounds: u32,
    pub programme: String,
    pub strategy: String,
    pub roles: Vec<RoleFigures>,
    pub cards: Vec<CardFigures>,
    pub flags: Vec<FlagFigures>,
    pub meters: Vec<MeterFigures>,
    pub late_effects: Vec<LateFigures>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleFigures {
    pub id: String,
    pub decisions_per_session: f64,
    pub never_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CardFigures {
    pub id: String,
    pub reach: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlagFigures {
    pub id: String,
    pub raised_share: f64,
    /// Of the sessions that raised the flag, the share that then played a card it opens
    /// (`None` when no card asks for the flag, or no session raised it).
    pub opened_card_share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeterFigures {
    pub id: String,
    pub can_end: bool,
    pub ends_share: f64,
    pub danger_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LateFigures {
    pub card: String,
    pub option: String,
    pub plays: u64,
    pub dropped_share: f64,
}

impl Balance {
    pub fn new(deck: &Deck, rounds: u32, strategy: Strategy) -> Balance {
        Balance {
            runs: 0,
            rounds,
            strategy,
            drawn: vec![0; deck.cards.len()],
            chosen: deck
                .cards
                .iter()
                .map(|c| c.steps.iter().map(|s| vec![0; s.options.len()]).collect())
                .collect(),
            completed: 0,
            exhausted: 0,
            ended_by: deck
                .meters
                .iter()
                .map(|m| vec![(0, 0); m.thresholds.len()])
                .collect(),
            ended_in_round: vec![0; rounds as usize + 2],
            finals: vec![Vec::new(); deck.meters.len()],
            programme: "deck".into(),
            role_decisions: vec![(0, 0); deck.roles.len()],
            reach: vec![0; deck.cards.len()],
            flag_raised: vec![(0, 0); deck.flags.len()],
            danger: vec![0; deck.meters.len()],
            late: deck
                .cards
                .iter()
                .map(|c| {
                    c.steps
                        .iter()
                        .map(|s| vec![(0, 0); s.options.len()])
                        .collect()
                })
                .collect(),
        }
    }

    /// The figures `deck simulate --json` prints and `deck check --strict` judges.
    pub fn summary(&self, deck: &Deck) -> Summary {
        let runs = self.runs.max(1) as f64;
        let share = |n: u64, of: u64| n as f64 / of.max(1) as f64;
        let flag_cards: Vec<bool> = (0..deck.flags.len())
            .map(|f| deck.cards.iter().any(|c| c.when.flags.contains(&f)))
            .collect();
        let mut late_effects = Vec::new();
        for (c, card) in deck.cards.iter().enumerate() {
            for (s, step) in card.steps.iter().enumerate() {
                for (o, option) in step.options.iter().enumerate() {
                    let (plays, dropped) = self.late[c][s][o];
                    if has_later(&option.effects) {
                        late_effects.push(LateFigures {
                            card: card.id.clone(),
                            option: option.id.clone(),
                            plays,
                            dropped_share: share(dropped, plays),
                        });
                    }
                }
            }
        }
        Summary {
            sessions: self.runs,
            rounds: self.rounds,
            programme: self.programme.clone(),
            strategy: self.strategy.to_string(),
            roles: deck
                .roles
                .iter()
                .zip(&self.role_decisions)
                .map(|(r, (n, never))| RoleFigures {
                    id: r.id.clone(),
                    decisions_per_session: *n as f64 / runs,
                    never_share: *never as f64 / runs,
                })
                .collect(),
            cards: deck
                .cards
                .iter()
                .zip(&self.reach)
                .map(|(c, n)| CardFigures {
                    id: c.id.clone(),
                    reach: *n as f64 / runs,
                })
                .collect(),
            flags: deck
                .flags
                .iter()
                .enumerate()
                .map(|(f, id)| {
                    let (raised, opened) = self.flag_raised[f];
                    FlagFigures {
                        id: id.clone(),
                        raised_share: raised as f64 / runs,
                        opened_card_share: (flag_cards[f] && raised > 0)
                            .then(|| share(opened, raised)),
                    }
                })
                .collect(),
            meters: deck
                .meters
                .iter()
                .enumerate()
                .map(|(m, meter)| MeterFigures {
                    id: meter.id.clone(),
                    can_end: meter.thresholds.iter().any(|t| t.then == Then::EndSession),
                    ends_share: self.ended_by[m].iter().map(|(n, _)| *n).sum::<u64>() as f64 / runs,
                    danger_share: self.danger[m] as f64 / runs,
                })
                .collect(),
            late_effects,
        }
    }

    pub fn ended_early(&self) -> u64 {
        self.runs - self.completed
    }

    /// Cards no simulated session ever played.
    pub fn never_drawn<'d>(&self, deck: &'d Deck) -> Vec<&'d str> {
        deck.cards
            .iter()
            .zip(&self.drawn)
            .filter(|(_, n)| **n == 0)
            .map(|(c, _)| c.id.as_str())
            .collect()
    }

    /// The share of sessions a session-ending threshold ends before round 4.
    pub fn worst_early_share(&self) -> f64 {
        let worst = self
            .ended_by
            .iter()
            .flatten()
            .map(|(_, early)| *early)
            .max()
            .unwrap_or(0);
        worst as f64 / self.runs.max(1) as f64
    }

    /// Adds the runs of `other` (same deck, rounds and strategy) to these.
    fn merge(&mut self, other: Balance) {
        self.runs += other.runs;
        for (a, b) in self.drawn.iter_mut().zip(other.drawn) {
            *a += b;
        }
        for (card, theirs) in self.chosen.iter_mut().zip(other.chosen) {
            for (step, theirs) in card.iter_mut().zip(theirs) {
                for (a, b) in step.iter_mut().zip(theirs) {
                    *a += b;
                }
            }
        }
        self.completed += other.completed;
        self.exhausted += other.exhausted;
        for (meter, theirs) in self.ended_by.iter_mut().zip(other.ended_by) {
            for (a, b) in meter.iter_mut().zip(theirs) {
                a.0 += b.0;
                a.1 += b.1;
            }
        }
        for (a, b) in self.ended_in_round.iter_mut().zip(other.ended_in_round) {
            *a += b;
        }
        for (a, b) in self.finals.iter_mut().zip(other.finals) {
            a.extend(b);
        }
        let pairs = |a: &mut Vec<(u64, u64)>, b: Vec<(u64, u64)>| {
            for (x, y) in a.iter_mut().zip(b) {
                x.0 += y.0;
                x.1 += y.1;
            }
        };
        pairs(&mut self.role_decisions, other.role_decisions);
        pairs(&mut self.flag_raised, other.flag_raised);
        for (a, b) in self.reach.iter_mut().zip(other.reach) {
            *a += b;
        }
        for (a, b) in self.danger.iter_mut().zip(other.danger) {
            *a += b;
        }
        for (card, theirs) in self.late.iter_mut().zip(other.late) {
            for (step, theirs) in card.iter_mut().zip(theirs) {
                pairs(step, theirs);
            }
        }
    }

    fn record(&mut self, session: &Session, raised: &[bool]) {
        let deck = session.deck();
        let mut by_role = vec![0u64; deck.roles.len()];
        for d in &session.decisions {
            by_role[d.role] += 1;
        }
        for (slot, n) in self.role_decisions.iter_mut().zip(by_role) {
            slot.0 += n;
            if n == 0 {
                slot.1 += 1;
            }
        }
        for (slot, n) in self.reach.iter_mut().zip(&session.played) {
            if *n > 0 {
                *slot += 1;
            }
        }
        for (f, slot) in self.flag_raised.iter_mut().enumerate() {
            if raised.get(f).copied().unwrap_or(false) {
                slot.0 += 1;
                let opened = deck
                    .cards
                    .iter()
                    .zip(&session.played)
                    .any(|(c, n)| *n > 0 && c.when.flags.contains(&f));
                if opened {
                    slot.1 += 1;
                }
            }
        }
        let values = session
            .meter_history
            .iter()
            .chain(session.decisions.iter().map(|d| &d.meters_after))
            .chain(std::iter::once(&session.meters));
        let mut near = vec![false; deck.meters.len()];
        for v in values {
            for (m, meter) in deck.meters.iter().enumerate() {
                near[m] |= in_danger(meter, v[m]);
            }
        }
        for (slot, n) in self.danger.iter_mut().zip(near) {
            *slot += u64::from(n);
        }
        // A delayed effect lands at the start of its round; the last round begun is the
        // session's round, or its last round once all were played.
        let last_begun = session.round.min(session.rounds);
        for d in &session.decisions {
            let options = &deck.cards[d.card].steps[d.step].options;
            let mut dues = Vec::new();
            later_dues(&options[d.option].effects, &mut dues);
            if dues.is_empty() {
                continue;
            }
            let slot = &mut self.late[d.card][d.step][d.option];
            slot.0 += 1;
            let due_round = |rounds: u32| session.later_due_from(d.round, rounds);
            if dues
                .iter()
                .any(|r| due_round(*r) <= d.round || due_round(*r) > last_begun)
            {
                slot.1 += 1;
            }
        }
        self.runs += 1;
        for (total, n) in self.drawn.iter_mut().zip(&session.played) {
            *total += u64::from(*n);
        }
        for d in &session.decisions {
            self.chosen[d.card][d.step][d.option] += 1;
        }
        match session.ending {
            Some(Ending::Completed) => self.completed += 1,
            Some(Ending::DeckExhausted) => self.exhausted += 1,
            Some(Ending::Threshold { meter, threshold }) => {
                let slot = &mut self.ended_by[meter][threshold];
                slot.0 += 1;
                if session.round < EARLY_BEFORE_ROUND {
                    slot.1 += 1;
                }
            }
            _ => {}
        }
        if session.ending != Some(Ending::Completed) {
            let r = (session.round as usize).min(self.ended_in_round.len() - 1);
            self.ended_in_round[r] += 1;
        }
        for (f, v) in self.finals.iter_mut().zip(&session.meters) {
            f.push(*v);
        }
    }
}

/// Whether a meter's value lies within a tenth of its range of a tipping point (or past it):
/// what the screens mark as near a tipping point.
fn in_danger(meter: &super::deck::Meter, value: i32) -> bool {
    let (below, above) = meter.tipping_points();
    super::view::near_tipping(value, meter.min, meter.max, below, above)
}

fn has_later(effects: &[Effect]) -> bool {
    let mut dues = Vec::new();
    later_dues(effects, &mut dues);
    !dues.is_empty()
}

/// The delays of an option's delayed meter effects (those outside a chance: a chance's are
/// not sure to come).
fn later_dues(effects: &[Effect], out: &mut Vec<u32>) {
    for e in effects {
        if let Effect::Later { rounds, .. } = e {
            out.push(*rounds);
        }
    }
}

/// The rounds a session with this programme plays (`rounds` 0: the programme's own).
pub fn programme_rounds(
    deck: &Arc<Deck>,
    programme: &ProgrammeChoice,
    rounds: u32,
) -> Result<u32, super::session::RuleError> {
    let mut s = Session::new(Arc::clone(deck), 1, deck.rounds);
    s.apply(Sender::Facilitator, &programme.intent(rounds))?;
    Ok(s.rounds)
}

/// Plays one complete session of the whole deck with a bot in every role.
pub fn play_one(deck: &Arc<Deck>, seed: u64, rounds: u32, strategy: Strategy) -> Session {
    play_programme(
        deck,
        seed,
        rounds,
        strategy,
        &ProgrammeChoice::default(),
        super::session::RULES_EDITION,
    )
    .0
}

/// Plays one complete session of a programme with a bot in every role; also says which flags
/// it raised at some point.
fn play_programme(
    deck: &Arc<Deck>,
    seed: u64,
    rounds: u32,
    strategy: Strategy,
    programme: &ProgrammeChoice,
    edition: u32,
) -> (Session, Vec<bool>) {
    let mut session = Session::with_edition(Arc::clone(deck), seed, rounds, edition);
    if !programme.is_whole_deck() {
        let _ = session.apply(Sender::Facilitator, &programme.intent(rounds));
    }
    let rounds = session.rounds;
    let mut raised = vec![false; deck.flags.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    for role in &deck.roles {
        let _ = session.apply(
            Sender::Host,
            &Intent::AddSeat {
                name: role.id.clone(),
                role: Some(role.id.clone()),
                bot: true,
            },
        );
    }
    let _ = session.apply(Sender::Host, &Intent::Start);
    // Every step needs at most a vote and an advance; the cap only guards against a rules bug.
    let cap =
        16 * (rounds as usize + 1) * deck.cards.iter().map(|c| c.steps.len()).max().unwrap_or(1);
    for _ in 0..cap {
        match session.phase {
            Phase::Briefing | Phase::Deciding => {
                let option = bot::choose(&session, strategy, &mut rng).unwrap_or(0);
                let _ = session.apply(Sender::Host, &Intent::Decide { option });
            }
            Phase::Resolved => {
                let _ = session.apply(Sender::Host, &Intent::Advance);
            }
            Phase::Lobby | Phase::Ended => break,
        }
        for (r, f) in raised.iter_mut().zip(&session.flags) {
            *r |= *f;
        }
    }
    (session, raised)
}

/// Plays `runs` sessions on `threads` threads; `done` counts the sessions played so far, for a
/// progress bar. Run `i` uses seed `seed + i` whichever thread plays it, and the threads' tallies
/// are merged in order, so the result is the same for any number of threads.
#[allow(clippy::too_many_arguments)]
pub fn simulate_parallel(
    deck: &Arc<Deck>,
    runs: u64,
    seed: u64,
    rounds: u32,
    strategy: Strategy,
    programme: &ProgrammeChoice,
    threads: usize,
    done: &std::sync::atomic::AtomicU64,
) -> Balance {
    simulate_edition(
        deck,
        runs,
        seed,
        (rounds, strategy, programme),
        super::session::RULES_EDITION,
        threads,
        done,
    )
}

/// As [`simulate_parallel`], under an older edition of the rules: how a deck played before a
/// change in the draw (`deck simulate --edition 1`, for before-and-after figures).
pub fn simulate_edition(
    deck: &Arc<Deck>,
    runs: u64,
    seed: u64,
    (rounds, strategy, programme): (u32, Strategy, &ProgrammeChoice),
    edition: u32,
    threads: usize,
    done: &std::sync::atomic::AtomicU64,
) -> Balance {
    use std::sync::atomic::Ordering;
    // A programme the deck does not have plays the whole deck: the command line checks the
    // name before it comes here.
    let rounds = programme_rounds(deck, programme, rounds).unwrap_or(rounds);
    let label = match (&programme.programme, programme.cards.is_empty()) {
        (Some(id), _) => id.clone(),
        (None, false) => "pick".to_string(),
        (None, true) => "deck".to_string(),
    };
    let threads = threads.clamp(1, 256) as u64;
    let parts: Vec<Balance> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let (from, to) = (runs * k / threads, runs * (k + 1) / threads);
                scope.spawn(move || {
                    let mut part = Balance::new(deck, rounds, strategy);
                    for i in from..to {
                        let (session, raised) = play_programme(
                            deck,
                            seed.wrapping_add(i),
                            rounds,
                            strategy,
                            programme,
                            edition,
                        );
                        part.record(&session, &raised);
                        if (i - from) % 256 == 255 {
                            done.fetch_add(256, Ordering::Relaxed);
                        }
                    }
                    done.fetch_add((to - from) % 256, Ordering::Relaxed);
                    part
                })
            })
            .collect();
        handles
            .into_iter()
            // A panic in a worker is a rules bug: pass it on as the single-threaded run would.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut total = Balance::new(deck, rounds, strategy);
    total.programme = label;
    for part in parts {
        total.merge(part);
    }
    total
}

/// Plays `runs` sessions on this thread.
pub fn simulate(
    deck: &Arc<Deck>,
    runs: u64,
    seed: u64,
    rounds: u32,
    strategy: Strategy,
) -> Balance {
    let done = std::sync::atomic::AtomicU64::new(0);
    simulate_parallel(
        deck,
        runs,
        seed,
        rounds,
        strategy,
        &ProgrammeChoice::default(),
        1,
        &done,
    )
}
