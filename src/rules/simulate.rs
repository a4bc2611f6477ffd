//! `deck simulate`: many complete sessions with bots in every role, and a balance report.

use std::fmt::Write as _;
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::bot::{self, Strategy};
use super::deck::Deck;
use super::session::{Ending, Intent, Phase, Sender, Session};

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
    pub fn merge(&mut self, other: Balance) {
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
    }

    fn record(&mut self, session: &Session) {
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

    /// The report `deck simulate` prints.
    pub fn report(&mut self, deck: &Deck) -> String {
        let mut out = String::new();
        let pct = |n: u64| 100.0 * n as f64 / self.runs.max(1) as f64;
        let _ = writeln!(
            out,
            "{} sessions of {} rounds, strategy {}",
            self.runs, self.rounds, self.strategy
        );
        let _ = writeln!(
            out,
            "\nHow sessions ended:\n  all rounds played   {:>8}  {:5.1}%",
            self.completed,
            pct(self.completed)
        );
        for (m, meter) in deck.meters.iter().enumerate() {
            for (t, th) in meter.thresholds.iter().enumerate() {
                let (n, early) = self.ended_by[m][t];
                if th.then == super::deck::Then::EndSession {
                    let bound = match th.when {
                        super::deck::Bound::Below(b) => format!("{} < {b}", meter.id),
                        super::deck::Bound::Above(b) => format!("{} > {b}", meter.id),
                    };
                    let _ = writeln!(
                        out,
                        "  {bound:<19} {n:>8}  {:5.1}%  ({:.1}% before round {EARLY_BEFORE_ROUND})",
                        pct(n),
                        pct(early)
                    );
                }
            }
        }
        if self.exhausted > 0 {
            let _ = writeln!(
                out,
                "  no card left        {:>8}  {:5.1}%",
                self.exhausted,
                pct(self.exhausted)
            );
        }
        let rounds: Vec<String> = self
            .ended_in_round
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| format!("r{r}: {n}"))
            .collect();
        if !rounds.is_empty() {
            let _ = writeln!(out, "  early endings by round: {}", rounds.join(", "));
        }
        let _ = writeln!(out, "\nMeters at the end (min / p10 / median / p90 / max):");
        for (m, meter) in deck.meters.iter().enumerate() {
            let v = &mut self.finals[m];
            v.sort_unstable();
            let q = |p: f64| {
                v.get(((v.len() as f64 - 1.0) * p) as usize)
                    .copied()
                    .unwrap_or(0)
            };
            let _ = writeln!(
                out,
                "  {:<16} {:>4} / {:>4} / {:>4} / {:>4} / {:>4}",
                meter.id,
                q(0.0),
                q(0.1),
                q(0.5),
                q(0.9),
                q(1.0)
            );
        }
        let _ = writeln!(
            out,
            "\nCards (times played, then how often each option was chosen):"
        );
        for (c, card) in deck.cards.iter().enumerate() {
            let mut line = format!("  {:<28} {:>9}", card.id, self.drawn[c]);
            for (s, step) in card.steps.iter().enumerate() {
                let total: u64 = self.chosen[c][s].iter().sum();
                let shares: Vec<String> = step
                    .options
                    .iter()
                    .zip(&self.chosen[c][s])
                    .map(|(o, n)| {
                        format!("{} {:.0}%", o.id, 100.0 * *n as f64 / total.max(1) as f64)
                    })
                    .collect();
                let _ = write!(
                    line,
                    "  [{}: {}]",
                    deck.roles[step.role].id,
                    shares.join(", ")
                );
            }
            let _ = writeln!(out, "{line}");
        }
        let never = self.never_drawn(deck);
        if never.is_empty() {
            let _ = writeln!(out, "\nEvery card was played at least once.");
        } else {
            let _ = writeln!(out, "\nNever played: {}", never.join(", "));
        }
        let findings = super::lint::lint_static(deck, &super::deck::Places::default());
        let _ = writeln!(
            out,
            "\nPrices and flags (deck check --strict refuses these):"
        );
        out.push_str(&super::lint::report(&findings));
        out
    }
}

/// Plays one complete session with a bot in every role.
pub fn play_one(deck: &Arc<Deck>, seed: u64, rounds: u32, strategy: Strategy) -> Session {
    let mut session = Session::new(Arc::clone(deck), seed, rounds);
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
    }
    session
}

/// Plays `runs` sessions on `threads` threads; `done` counts the sessions played so far, for a
/// progress bar. Run `i` uses seed `seed + i` whichever thread plays it, and the threads' tallies
/// are merged in order, so the result is the same for any number of threads.
pub fn simulate_parallel(
    deck: &Arc<Deck>,
    runs: u64,
    seed: u64,
    rounds: u32,
    strategy: Strategy,
    threads: usize,
    done: &std::sync::atomic::AtomicU64,
) -> Balance {
    use std::sync::atomic::Ordering;
    let threads = threads.clamp(1, 256) as u64;
    let parts: Vec<Balance> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let (from, to) = (runs * k / threads, runs * (k + 1) / threads);
                scope.spawn(move || {
                    let mut part = Balance::new(deck, rounds, strategy);
                    for i in from..to {
                        part.record(&play_one(deck, seed.wrapping_add(i), rounds, strategy));
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
    simulate_parallel(deck, runs, seed, rounds, strategy, 1, &done)
}
