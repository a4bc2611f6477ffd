//! Bot decisions for roles nobody plays, for `deck simulate` and for headless bot clients.

use std::str::FromStr;

use rand::{Rng, RngExt};

use super::deck::{Effect, Then};
use super::session::Session;

/// How a bot picks an option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Any option, uniformly.
    #[default]
    Random,
    /// Keeps every meter as far from its tipping point as it can: the dynamic balance the
    /// workshop is about.
    Steady,
    /// Always the first option (for tests and reproducible demos).
    First,
}

impl Strategy {
    pub const NAMES: [&'static str; 3] = ["random", "steady", "first"];
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "random" => Ok(Strategy::Random),
            "steady" => Ok(Strategy::Steady),
            "first" => Ok(Strategy::First),
            other => Err(format!(
                "unknown strategy `{other}`; use one of: {}",
                Strategy::NAMES.join(", ")
            )),
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Strategy::Random => "random",
            Strategy::Steady => "steady",
            Strategy::First => "first",
        })
    }
}

/// The option a bot picks on the open step, or `None` when no step is open.
pub fn choose<R: Rng + ?Sized>(
    session: &Session,
    strategy: Strategy,
    rng: &mut R,
) -> Option<usize> {
    let cur = session.current.as_ref()?;
    let options = &session.deck().cards[cur.card].steps[cur.step].options;
    match strategy {
        Strategy::First => Some(0),
        Strategy::Random => Some(rng.random_range(0..options.len())),
        Strategy::Steady => {
            let scores: Vec<(f64, f64)> = options
                .iter()
                .map(|o| safety_after(session, &o.effects))
                .collect();
            (0..options.len()).max_by(|a, b| {
                scores[*a]
                    .partial_cmp(&scores[*b])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(b.cmp(a))
            })
        }
    }
}

/// (closest distance to any session-ending threshold, sum of distances), as fractions of each
/// meter's range, after the option's expected effects. Later effects count half, chances by
/// their odds.
fn safety_after(session: &Session, effects: &[Effect]) -> (f64, f64) {
    let deck = session.deck();
    let mut shift = vec![0.0f64; deck.meters.len()];
    expected_shift(effects, 1.0, &mut shift);
    let mut worst = f64::INFINITY;
    let mut total = 0.0;
    for (m, meter) in deck.meters.iter().enumerate() {
        let value = f64::from(session.meters[m]) + shift[m];
        let span = f64::from(meter.max - meter.min).max(1.0);
        for t in meter
            .thresholds
            .iter()
            .filter(|t| t.then == Then::EndSession)
        {
            let d = match t.when {
                super::deck::Bound::Below(b) => value - f64::from(b),
                super::deck::Bound::Above(b) => f64::from(b) - value,
            } / span;
            worst = worst.min(d);
            total += d;
        }
    }
    (worst, total)
}

fn expected_shift(effects: &[Effect], weight: f64, shift: &mut [f64]) {
    for e in effects {
        match e {
            Effect::Meter { meter, by } => shift[*meter] += weight * f64::from(*by),
            Effect::Later { meter, by, .. } => shift[*meter] += weight * 0.5 * f64::from(*by),
            Effect::Chance {
                percent, effects, ..
            } => expected_shift(effects, weight * f64::from(*percent) / 100.0, shift),
            _ => {}
        }
    }
}
