//! The deck file as trainers write it: names as strings, serde with `deny_unknown_fields`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::Text;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeckFile {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    /// What the debrief says when every round was played (a generic sentence when left out).
    #[serde(default)]
    pub completed: Text,
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default = "default_rounds")]
    pub rounds: u32,
    pub roles: Vec<RoleDef>,
    pub meters: Vec<MeterDef>,
    pub cards: Vec<CardDef>,
    /// What a facilitator can choose to play: a theme's cards for some rounds. Without one
    /// chosen, a session plays the whole deck.
    #[serde(default)]
    pub programmes: Vec<ProgrammeDef>,
}

/// A programme the deck offers: a name, one line of description, its cards (by id or by theme)
/// and its rounds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgrammeDef {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub description: Text,
    /// Every card with one of these themes belongs to the programme.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Cards named one by one (besides those of the themes).
    #[serde(default)]
    pub cards: Vec<String>,
    /// Rounds; the deck's rounds when left out.
    #[serde(default)]
    pub rounds: Option<u32>,
}

fn default_languages() -> Vec<String> {
    vec!["nl".into(), "en".into()]
}
fn default_rounds() -> u32 {
    10
}
fn default_weight() -> f32 {
    1.0
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleDef {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub description: Text,
    /// How many players may share the role; unlimited when left out.
    #[serde(default)]
    pub max_players: Option<u32>,
    /// What a bot in this role leans towards: per meter, how much a point up weighs for it
    /// (negative: a point down). Without leanings a bot spreads its votes.
    #[serde(default)]
    pub leanings: BTreeMap<String, f32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MeterDef {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub description: Text,
    pub min: i32,
    pub max: i32,
    pub start: i32,
    #[serde(default)]
    pub thresholds: Vec<ThresholdDef>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThresholdDef {
    pub when: Bound,
    pub then: ThresholdDo,
    pub message: Text,
}

/// A meter value below or above which a threshold fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bound {
    Below(i32),
    Above(i32),
}

impl Bound {
    pub(crate) fn crossed_by(self, value: i32) -> bool {
        match self {
            Bound::Below(b) => value < b,
            Bound::Above(b) => value > b,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum ThresholdDo {
    /// "De kanteling valt om": the session ends here.
    EndSession,
    /// Sets a flag that cards can be conditioned on (a crisis begins).
    SetFlag(String),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardDef {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub briefing: Text,
    /// Role-specific briefings; a role without one reads the general briefing.
    #[serde(default)]
    pub briefings: BTreeMap<String, Text>,
    #[serde(default)]
    pub when: Conditions,
    #[serde(default = "default_weight")]
    pub weight: f32,
    /// Extra weight per point of a meter: makes a card likelier as the meter rises.
    #[serde(default)]
    pub weight_per_point: BTreeMap<String, f32>,
    #[serde(default)]
    pub repeatable: bool,
    #[serde(default)]
    pub follow_up_only: bool,
    pub steps: Vec<StepDef>,
    #[serde(default)]
    pub debrief: Vec<Text>,
    /// The one question the trainer asks first about this card; the debrief and the report
    /// list these before the others.
    #[serde(default)]
    pub key_question: Text,
    /// The themes the card belongs to, for the deck's programmes and the facilitator's pick.
    #[serde(default)]
    pub themes: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Conditions {
    #[serde(default)]
    pub meters: BTreeMap<String, Range>,
    #[serde(default)]
    pub flags: Vec<String>,
    #[serde(default)]
    pub not_flags: Vec<String>,
    #[serde(default)]
    pub from_round: Option<u32>,
    #[serde(default)]
    pub until_round: Option<u32>,
    /// The card closes the session: it comes only in its last round, however many rounds the
    /// programme has.
    #[serde(default)]
    pub last_round: bool,
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    #[serde(default)]
    pub min: Option<i32>,
    #[serde(default)]
    pub max: Option<i32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepDef {
    pub role: String,
    pub prompt: Text,
    /// The step is played only when one of these options was chosen earlier in the card.
    #[serde(default)]
    pub only_if: Vec<String>,
    pub options: Vec<OptionDef>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OptionDef {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub effects: Vec<EffectDef>,
    #[serde(default)]
    pub outcome: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum EffectDef {
    Meter {
        meter: String,
        by: i32,
    },
    Later {
        meter: String,
        by: i32,
        rounds: u32,
    },
    SetFlag(String),
    ClearFlag(String),
    FollowUp {
        card: String,
        rounds: u32,
    },
    Chance {
        percent: u32,
        effects: Vec<EffectDef>,
        #[serde(default)]
        outcome: Text,
    },
}
