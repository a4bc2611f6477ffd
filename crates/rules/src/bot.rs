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
    /// Plays like a person in the role: leans towards what the deck says the role values
    /// (its `leanings`), but spreads its votes, so no option is its choice every time. Without
    /// leanings, any option.
    Role,
}

impl Strategy {
    pub const NAMES: [&'static str; 4] = ["role", "random", "steady", "first"];
}

/// How much of a leaning bot's choice follows its leanings; the rest is spread evenly. At most
/// 0.45 + 0.55 / 2 = 72.5 % for one option of two: never the same choice three times in four.
const LEANING_SHARE: f64 = 0.45;

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "random" => Ok(Strategy::Random),
            "steady" => Ok(Strategy::Steady),
            "first" => Ok(Strategy::First),
            "role" => Ok(Strategy::Role),
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
            Strategy::Role => "role",
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
        Strategy::Role => {
            let role = &session.deck().roles[session.deck().cards[cur.card].steps[cur.step].role];
            if role.leanings.is_empty() {
                return Some(rng.random_range(0..options.len()));
            }
            let odds = leaning_odds(session.deck().meters.len(), &role.leanings, options);
            let mut pick = rng.random_range(0.0..1.0);
            for (i, p) in odds.iter().enumerate() {
                if pick < *p {
                    return Some(i);
                }
                pick -= p;
            }
            Some(options.len() - 1)
        }
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

/// The chance a leaning bot gives each option: a softmax of how well each option serves the
/// role's leanings (expected effects, scaled to the spread between the options), mixed with an
/// even spread.
pub fn leaning_odds(
    meters: usize,
    leanings: &[(super::deck::MeterIdx, f32)],
    options: &[super::deck::Choice],
) -> Vec<f64> {
    let n = options.len().max(1);
    let scores: Vec<f64> = options
        .iter()
        .map(|o| {
            let mut shift = vec![0.0f64; meters];
            expected_shift(&o.effects, 1.0, &mut shift);
            leanings
                .iter()
                .map(|(m, w)| f64::from(*w) * shift.get(*m).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let hi = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lo = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let spread = (hi - lo).max(1e-9);
    // The best option gets e^2 (about 7 times) the weight of the worst.
    let weights: Vec<f64> = scores
        .iter()
        .map(|s| (2.0 * (s - hi) / spread).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    weights
        .iter()
        .map(|w| LEANING_SHARE * w / total + (1.0 - LEANING_SHARE) / n as f64)
        .collect()
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
