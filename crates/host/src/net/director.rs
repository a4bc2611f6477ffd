//! Pacing a session on the host: phase timers, bots in empty roles, and the `--auto` mode that
//! runs a whole session by itself.

use std::time::Duration;

use crate::rules::bot::Strategy;
use crate::rules::session::{Intent, Phase, RuleError, Sender};

use super::host::HostCore;
use super::protocol::Refusal;

#[derive(Clone, Copy, Debug)]
pub struct Pace {
    /// Reading time before the decision opens (auto mode).
    pub briefing: Duration,
    /// The decision timer; when it runs out the votes cast so far decide.
    pub decide: Duration,
    /// Time to read the outcome before the next step (auto mode).
    pub outcome: Duration,
    /// How long bots "think" before voting, so people see the vote come in.
    pub bot_delay: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            briefing: Duration::from_secs(20),
            decide: Duration::from_secs(120),
            outcome: Duration::from_secs(15),
            bot_delay: Duration::from_secs(2),
        }
    }
}

pub struct Director {
    pub auto: bool,
    pub pace: Pace,
    pub strategy: Strategy,
    /// What the current phase is: (round, step, phase, decisions so far).
    key: (u32, usize, Phase, usize),
    /// Time spent in the current phase, not counting pauses.
    elapsed: Duration,
    last: Option<Duration>,
}

impl Director {
    pub fn new(auto: bool, pace: Pace, strategy: Strategy) -> Director {
        Director {
            auto,
            pace,
            strategy,
            key: (0, 0, Phase::Lobby, 0),
            elapsed: Duration::ZERO,
            last: None,
        }
    }

    /// Called every frame. Returns true once the session has ended.
    pub fn tick(&mut self, host: &mut HostCore, now: Duration) -> bool {
        let dt = self.last.map_or(Duration::ZERO, |l| now.saturating_sub(l));
        self.last = Some(now);
        let s = host.session();
        let key = (
            s.round,
            s.current.as_ref().map_or(0, |c| c.step),
            s.phase,
            s.decisions.len(),
        );
        if key != self.key {
            self.key = key;
            self.elapsed = Duration::ZERO;
        } else if !s.paused {
            self.elapsed += dt;
        }
        let phase = s.phase;
        let decide = if s.timer_secs > 0 {
            Duration::from_secs(u64::from(s.decision_secs()))
        } else {
            self.pace.decide + Duration::from_secs(u64::from(s.extra_secs))
        };
        host.set_timer_left(
            (phase == Phase::Deciding)
                .then(|| decide.saturating_sub(self.elapsed).as_secs() as u32),
        );

        if matches!(phase, Phase::Briefing | Phase::Deciding) && self.elapsed >= self.pace.bot_delay
        {
            host.bots_vote(self.strategy);
        }
        if host.session().paused {
            // A table ended while paused has ended all the same.
            return host.session().phase == Phase::Ended;
        }
        let phase = host.session().phase;
        match phase {
            Phase::Lobby if self.auto && host.every_role_filled() => {
                let secs = self
                    .pace
                    .decide
                    .as_secs()
                    .clamp(1, u64::from(crate::rules::session::MAX_TIMER_SECS))
                    as u32;
                let _ = host.facilitate(&Intent::SetTimer { secs });
                let _ = host.act(Sender::Host, &Intent::Start);
            }
            Phase::Briefing if self.auto && self.elapsed >= self.pace.briefing => {
                let _ = host.act(Sender::Host, &Intent::Advance);
            }
            Phase::Deciding if self.elapsed >= decide => {
                match host.act(Sender::Host, &Intent::Advance) {
                    Err(Refusal::Rule(RuleError::NoVotes)) if self.auto => {
                        let option = host.bot_choice(self.strategy).unwrap_or(0);
                        let _ = host.act(Sender::Host, &Intent::Decide { option });
                    }
                    _ => {}
                }
            }
            Phase::Resolved if self.auto && self.elapsed >= self.pace.outcome => {
                let _ = host.act(Sender::Host, &Intent::Advance);
            }
            _ => {}
        }
        host.session().phase == Phase::Ended
    }
}
