//! Scenario decks: the RON format trainers write, and the checked, index-resolved deck the rules run on.
//!
//! A deck is read in two passes. `DeckFile` (`format`) mirrors the file (names as strings, serde
//! with `deny_unknown_fields`); `compile` resolves every name to an index and collects every
//! mistake it finds, so a trainer sees all problems of a deck in one run; `diagnostics` reads the
//! text and words the errors. This file is the compiled model the rules run on.

use super::text::Text;

/// The embedded default deck, used when no deck is given.
pub const DEFAULT_DECK: &str = include_str!("../../../../scenarios/kanteling.ron");
pub const DEFAULT_DECK_NAME: &str = "scenarios/kanteling.ron";

/// More rounds than any workshop can hold.
pub const MAX_ROUNDS: u32 = 200;

const MIN_OPTIONS: usize = 2;
const MAX_OPTIONS: usize = 4;
/// Decks larger than this are refused before parsing: no real deck comes near it.
pub const MAX_DECK_BYTES: usize = 4 * 1024 * 1024;
/// RON nesting deeper than this is refused (a deck needs about 8 levels).
const MAX_NESTING: usize = 64;

mod compile;
mod diagnostics;
mod format;
mod places;
pub mod version;

pub use diagnostics::{DeckError, Diagnostic, Places, with_context};
pub use format::*;

pub type RoleIdx = usize;
pub(crate) type MeterIdx = usize;
pub(crate) type CardIdx = usize;
pub(crate) type FlagIdx = usize;

#[derive(Clone, Debug, PartialEq)]
pub struct Deck {
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub completed: Option<Text>,
    pub languages: Vec<String>,
    pub rounds: u32,
    pub roles: Vec<Role>,
    pub meters: Vec<Meter>,
    pub cards: Vec<Card>,
    /// Every flag any card, effect or threshold names, in order of first mention.
    pub flags: Vec<String>,
    /// The programmes the deck offers, in its order.
    pub programmes: Vec<ProgrammeSpec>,
    /// Per card, a fingerprint of its text in the deck file ([`version`]): the archive
    /// compares a decision only with tables that played the same card.
    pub card_versions: Vec<String>,
    /// The same of the whole file.
    pub version: String,
}

/// A programme the deck offers, with its themes resolved to cards.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeSpec {
    pub id: String,
    pub name: Text,
    pub description: Text,
    /// In the deck's order.
    pub cards: Vec<CardIdx>,
    /// The cards the programme names one by one (not through a theme): a follow-up-only card
    /// among them comes up by itself too.
    pub named: Vec<CardIdx>,
    pub rounds: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub max_players: Option<u32>,
    /// (meter, weight): what a bot in this role leans towards; empty when the deck says nothing.
    pub leanings: Vec<(MeterIdx, f32)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Meter {
    pub id: String,
    pub label: Text,
    pub description: Text,
    pub min: i32,
    pub max: i32,
    pub start: i32,
    pub thresholds: Vec<Threshold>,
}

impl Meter {
    pub fn clamp(&self, value: i64) -> i32 {
        value.clamp(i64::from(self.min), i64::from(self.max)) as i32
    }

    /// The values below and above which this meter ends the session, if it does.
    pub fn tipping_points(&self) -> (Option<i32>, Option<i32>) {
        let find = |below: bool| {
            self.thresholds.iter().find_map(|t| match (t.when, t.then) {
                (Bound::Below(b), Then::EndSession) if below => Some(b),
                (Bound::Above(b), Then::EndSession) if !below => Some(b),
                _ => None,
            })
        };
        (find(true), find(false))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    pub when: Bound,
    pub then: Then,
    pub message: Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    EndSession,
    SetFlag(FlagIdx),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    pub id: String,
    pub title: Text,
    pub briefing: Text,
    /// Indexed by role; `None` means the role reads the general briefing.
    pub briefings: Vec<Option<Text>>,
    pub when: Cond,
    pub weight: f32,
    pub weight_per_point: Vec<(MeterIdx, f32)>,
    pub repeatable: bool,
    pub follow_up_only: bool,
    pub steps: Vec<Step>,
    pub debrief: Vec<Text>,
    pub key_question: Option<Text>,
    pub themes: Vec<String>,
}

impl Card {
    /// Whether a flag opens this card: it comes only once the flag is raised (a crisis).
    pub fn opened_by_flag(&self) -> bool {
        !self.when.flags.is_empty()
    }
}

impl Card {
    pub fn briefing_for(&self, role: RoleIdx) -> &Text {
        self.briefings
            .get(role)
            .and_then(Option::as_ref)
            .unwrap_or(&self.briefing)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cond {
    pub meters: Vec<(MeterIdx, i32, i32)>,
    pub flags: Vec<FlagIdx>,
    pub not_flags: Vec<FlagIdx>,
    pub from_round: u32,
    pub until_round: u32,
    /// Only in the session's last round.
    pub last_round: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub role: RoleIdx,
    pub prompt: Text,
    /// (step, option) pairs of this card; the step is played when any of them was chosen.
    pub only_if: Vec<(usize, usize)>,
    pub options: Vec<Choice>,
}

/// One option of a step (called `Choice` in code so it does not shadow `Option`).
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    pub effects: Vec<Effect>,
    pub outcome: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Meter {
        meter: MeterIdx,
        by: i32,
    },
    Later {
        meter: MeterIdx,
        by: i32,
        rounds: u32,
    },
    SetFlag(FlagIdx),
    ClearFlag(FlagIdx),
    FollowUp {
        card: CardIdx,
        rounds: u32,
    },
    Chance {
        percent: u32,
        effects: Vec<Effect>,
        outcome: Text,
    },
}

impl Deck {
    pub fn role_index(&self, id: &str) -> Option<RoleIdx> {
        self.roles.iter().position(|r| r.id == id)
    }
    pub fn meter_index(&self, id: &str) -> Option<MeterIdx> {
        self.meters.iter().position(|m| m.id == id)
    }
    pub fn card_index(&self, id: &str) -> Option<CardIdx> {
        self.cards.iter().position(|c| c.id == id)
    }
    pub fn programme(&self, id: &str) -> Option<&ProgrammeSpec> {
        self.programmes.iter().find(|p| p.id == id)
    }

    /// The embedded default deck. It is checked by the test suite, so a failure here is a build
    /// defect, reported rather than hidden. Compiled once (screens ask for it as they draw); each
    /// call has a copy of its own.
    pub fn default_deck() -> Result<Deck, DeckError> {
        static COMPILED: std::sync::OnceLock<Result<Deck, DeckError>> = std::sync::OnceLock::new();
        COMPILED
            .get_or_init(|| Deck::from_ron(DEFAULT_DECK_NAME, DEFAULT_DECK))
            .clone()
    }

    /// Parses and checks deck source text. `name` is used in error messages.
    pub fn from_ron(name: &str, source: &str) -> Result<Deck, DeckError> {
        Deck::check_source(name, source).map(|(deck, _)| deck)
    }

    /// Like [`Deck::from_ron`], and also where each card, option and flag stands in the text,
    /// for the lints that come after the checks.
    pub fn check_source(name: &str, source: &str) -> Result<(Deck, Places), DeckError> {
        let file = diagnostics::parse(name, source)?;
        compile::compile(name, source, &file)
    }

    /// Every player-facing text of the deck, for language checks.
    pub fn texts(&self) -> Vec<&Text> {
        let mut out = vec![&self.title];
        out.extend(self.completed.iter());
        for r in &self.roles {
            out.push(&r.name);
        }
        for p in &self.programmes {
            out.push(&p.name);
        }
        for m in &self.meters {
            out.push(&m.label);
            out.extend(m.thresholds.iter().map(|t| &t.message));
        }
        for c in &self.cards {
            out.push(&c.title);
            if !c.briefing.is_empty() {
                out.push(&c.briefing);
            }
            out.extend(c.briefings.iter().flatten());
            out.extend(c.debrief.iter());
            out.extend(c.key_question.iter());
            for s in &c.steps {
                out.push(&s.prompt);
                for o in &s.options {
                    out.push(&o.label);
                    out.push(&o.outcome);
                    collect_chance_texts(&o.effects, &mut out);
                }
            }
        }
        out
    }
}

fn collect_chance_texts<'a>(effects: &'a [Effect], out: &mut Vec<&'a Text>) {
    for e in effects {
        if let Effect::Chance {
            effects, outcome, ..
        } = e
        {
            if !outcome.is_empty() {
                out.push(outcome);
            }
            collect_chance_texts(effects, out);
        }
    }
}

/// A one-line summary of a valid deck, as `deck check` prints it.
pub fn summary(deck: &Deck) -> String {
    let steps: usize = deck.cards.iter().map(|c| c.steps.len()).sum();
    let multi = deck.cards.iter().filter(|c| c.steps.len() > 1).count();
    let per_role: Vec<String> = deck
        .roles
        .iter()
        .enumerate()
        .map(|(r, role)| {
            let n = deck
                .cards
                .iter()
                .filter(|c| c.steps.iter().any(|s| s.role == r))
                .count();
            format!("{} {n}", role.id)
        })
        .collect();
    let texts = deck.texts();
    let missing_en = texts.iter().filter(|t| !t.has_both()).count();
    let languages = if missing_en == 0 {
        "every text in nl and en".to_string()
    } else {
        format!("{missing_en} of {} texts only in nl", texts.len())
    };
    format!(
        "{} cards, {steps} steps, {multi} multi-step; cards per deciding role: {}; {languages}",
        deck.cards.len(),
        per_role.join(", ")
    )
}
