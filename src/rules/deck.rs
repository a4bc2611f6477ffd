//! Scenario decks: the RON format trainers write, and the checked, index-resolved deck the rules run on.
//!
//! A deck is read in two passes. `DeckFile` mirrors the file (names as strings, serde with
//! `deny_unknown_fields`); `compile` resolves every name to an index and collects every mistake
//! it finds, so a trainer sees all problems of a deck in one run.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::text::Text;

/// The embedded default deck, used when no deck is given.
pub const DEFAULT_DECK: &str = include_str!("../../scenarios/kanteling.ron");
pub const DEFAULT_DECK_NAME: &str = "scenarios/kanteling.ron";

const MIN_OPTIONS: usize = 2;
const MAX_OPTIONS: usize = 4;
/// Decks larger than this are refused before parsing: no real deck comes near it.
pub const MAX_DECK_BYTES: usize = 4 * 1024 * 1024;
/// RON nesting deeper than this is refused (a deck needs about 8 levels).
const MAX_NESTING: usize = 64;

// ---------------------------------------------------------------------------------------------
// The file format
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckFile {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default = "default_rounds")]
    pub rounds: u32,
    pub roles: Vec<RoleDef>,
    pub meters: Vec<MeterDef>,
    pub cards: Vec<CardDef>,
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
pub struct RoleDef {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub description: Text,
    /// How many players may share the role; unlimited when left out.
    #[serde(default)]
    pub max_players: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterDef {
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
pub struct ThresholdDef {
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
    pub fn crossed_by(self, value: i32) -> bool {
        match self {
            Bound::Below(b) => value < b,
            Bound::Above(b) => value > b,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThresholdDo {
    /// "De kanteling valt om": the session ends here.
    EndSession,
    /// Sets a flag that cards can be conditioned on (a crisis begins).
    SetFlag(String),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardDef {
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
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
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
pub struct StepDef {
    pub role: String,
    pub prompt: Text,
    /// The step is played only when one of these options was chosen earlier in the card.
    #[serde(default)]
    pub only_if: Vec<String>,
    pub options: Vec<OptionDef>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub effects: Vec<EffectDef>,
    #[serde(default)]
    pub outcome: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum EffectDef {
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

// ---------------------------------------------------------------------------------------------
// The compiled deck
// ---------------------------------------------------------------------------------------------

pub type RoleIdx = usize;
pub type MeterIdx = usize;
pub type CardIdx = usize;
pub type FlagIdx = usize;

#[derive(Clone, Debug, PartialEq)]
pub struct Deck {
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub languages: Vec<String>,
    pub rounds: u32,
    pub roles: Vec<Role>,
    pub meters: Vec<Meter>,
    pub cards: Vec<Card>,
    /// Every flag any card, effect or threshold names, in order of first mention.
    pub flags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub max_players: Option<u32>,
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

    /// Loads the embedded default deck. It is checked by the test suite, so a failure here is
    /// a build defect, reported rather than hidden.
    pub fn default_deck() -> Result<Deck, DeckError> {
        Deck::from_ron(DEFAULT_DECK_NAME, DEFAULT_DECK)
    }

    /// Reads and checks a deck file.
    pub fn load(path: &std::path::Path) -> Result<Deck, DeckError> {
        let (name, source) = Deck::read_source(path)?;
        Deck::from_ron(&name, &source)
    }

    /// A deck file's name and text, with the size cap and the folder, missing-file and UTF-8
    /// messages: the one way every command and screen reads a deck file.
    pub fn read_source(path: &std::path::Path) -> Result<(String, String), DeckError> {
        let name = path.display().to_string();
        let fail = |message: String| DeckError::single(&name, message);
        let meta =
            std::fs::metadata(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
        if meta.is_dir() {
            return Err(fail("this is a folder, not a deck file".into()));
        }
        if meta.len() > MAX_DECK_BYTES as u64 {
            return Err(fail(format!(
                "the file is {} bytes; a deck may be at most {MAX_DECK_BYTES} bytes",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
        let source = String::from_utf8(bytes).map_err(|e| {
            fail(format!(
                "the file is not text (UTF-8): invalid byte at offset {}",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok((name, source))
    }

    /// Parses and checks deck source text. `name` is used in error messages.
    pub fn from_ron(name: &str, source: &str) -> Result<Deck, DeckError> {
        Deck::check_source(name, source).map(|(deck, _)| deck)
    }

    /// Like [`Deck::from_ron`], and also where each card, option and flag stands in the text,
    /// for the lints that come after the checks.
    pub fn check_source(name: &str, source: &str) -> Result<(Deck, Places), DeckError> {
        let file = parse(name, source)?;
        compile(name, source, &file)
    }

    /// Every player-facing text of the deck, for language checks.
    pub fn texts(&self) -> Vec<&Text> {
        let mut out = vec![&self.title];
        for r in &self.roles {
            out.push(&r.name);
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

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// One problem in a deck: where it is and what is wrong, in a sentence a trainer understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub col: usize,
    /// Where in the deck, e.g. `cards[3].steps[0].options[1]`.
    pub path: String,
    pub message: String,
}

/// Where the parts of a checked deck stand in its file (line, column), for later findings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Places {
    pub cards: Vec<(usize, usize)>,
    /// [card][step][option].
    pub options: Vec<Vec<Vec<(usize, usize)>>>,
    /// Where each flag is first named.
    pub flags: Vec<(usize, usize)>,
}

/// Everything wrong with one deck file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct DeckError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl DeckError {
    fn single(file: &str, message: String) -> Self {
        DeckError {
            file: file.to_string(),
            diagnostics: vec![Diagnostic {
                line: 0,
                col: 0,
                path: String::new(),
                message,
            }],
        }
    }
}

impl std::fmt::Display for DeckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if d.line > 0 {
                write!(f, ":{}:{}", d.line, d.col)?;
            }
            if d.path.is_empty() {
                write!(f, ": {}", d.message)?;
            } else {
                write!(f, ": {}: {}", d.path, d.message)?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

fn ron_options() -> ron::Options {
    // Trainers write `min: 40`, not `min: Some(40)`.
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

fn parse(name: &str, source: &str) -> Result<DeckFile, DeckError> {
    if source.trim().is_empty() {
        return Err(DeckError::single(
            name,
            "the file is empty; a deck starts with `(` and an `id:`".into(),
        ));
    }
    if source.len() > MAX_DECK_BYTES {
        return Err(DeckError::single(
            name,
            format!("a deck may be at most {MAX_DECK_BYTES} bytes"),
        ));
    }
    let options = ron_options();
    let mut de = ron::Deserializer::from_str_with_options(source, &options)
        .map_err(|e| spanned_error(name, &e, String::new()))?;
    let mut track = serde_path_to_error::Track::new();
    let result = DeckFile::deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    match result {
        Ok(file) => match de.end() {
            Ok(()) => Ok(file),
            Err(e) => Err(spanned_error(
                name,
                &de.span_error(e),
                "after the deck".into(),
            )),
        },
        Err(e) => {
            // serde_path_to_error writes `?` for a position it could not name.
            let path = track.path().to_string();
            let path = path.trim_end_matches(".?").trim_end_matches('?');
            let path = if path == "." {
                String::new()
            } else {
                path.to_string()
            };
            Err(spanned_error(name, &de.span_error(e), path))
        }
    }
}

fn spanned_error(name: &str, e: &ron::error::SpannedError, path: String) -> DeckError {
    DeckError {
        file: name.to_string(),
        diagnostics: vec![Diagnostic {
            line: e.span.start.line,
            col: e.span.start.col,
            path,
            message: explain_ron(&e.code),
        }],
    }
}

/// Turns a RON error into a sentence for someone who does not read Rust.
fn explain_ron(e: &ron::Error) -> String {
    use ron::Error as E;
    match e {
        E::ExceededRecursionLimit => {
            format!("the brackets are nested deeper than {MAX_NESTING} levels")
        }
        E::Eof => "the file ends too early: a bracket or quote is not closed".into(),
        E::ExpectedStructLikeEnd | E::ExpectedArrayEnd | E::ExpectedMapEnd => {
            format!("{e}: check for a missing comma or closing bracket")
        }
        E::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field `{found}`; allowed here: {}",
            expected.join(", ")
        ),
        E::MissingStructField { field, .. } => format!("the required field `{field}` is missing"),
        E::DuplicateStructField { field, .. } => format!("the field `{field}` is given twice"),
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "unknown kind `{found}`; use one of: {}",
            expected.join(", ")
        ),
        E::ExpectedComma => "a comma is missing before this".into(),
        E::IntegerOutOfBounds => "this number is too large or too small".into(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Checking and compiling
// ---------------------------------------------------------------------------------------------

struct Checker<'a> {
    source: &'a str,
    problems: Vec<Diagnostic>,
    flags: Vec<String>,
}

impl<'a> Checker<'a> {
    /// Finds where `needle` (usually an id in quotes) stands, searching from byte `from`.
    fn locate(&self, needle: &str, from: usize) -> (usize, usize, usize) {
        let quoted = format!("\"{needle}\"");
        let at = self.source[from.min(self.source.len())..]
            .find(&quoted)
            .map(|i| i + from)
            .unwrap_or(from.min(self.source.len()));
        let before = &self.source[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
        (line, col, at)
    }

    fn report(&mut self, at: (usize, usize), path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            line: at.0,
            col: at.1,
            path: path.into(),
            message: message.into(),
        });
    }

    fn flag(&mut self, name: &str) -> FlagIdx {
        if let Some(i) = self.flags.iter().position(|f| f == name) {
            return i;
        }
        self.flags.push(name.to_string());
        self.flags.len() - 1
    }

    fn require_dutch(&mut self, text: &Text, at: (usize, usize), path: String, what: &str) {
        if text.nl.trim().is_empty() {
            self.report(at, path, format!("{what} has no Dutch text (`nl`)"));
        }
    }

    fn check_id(&mut self, id: &str, at: (usize, usize), path: &str, what: &str) {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            self.report(
                at,
                path.to_string(),
                format!("the {what} id `{id}` must be letters, digits, `-` or `_`"),
            );
        }
    }
}

fn index_of(ids: &HashMap<&str, usize>, id: &str) -> Option<usize> {
    ids.get(id).copied()
}

fn compile(name: &str, source: &str, file: &DeckFile) -> Result<(Deck, Places), DeckError> {
    let mut ck = Checker {
        source,
        problems: Vec::new(),
        flags: Vec::new(),
    };
    let top = (1, 1);
    ck.check_id(&file.id, top, "id", "deck");
    ck.require_dutch(&file.title, top, "title".into(), "the deck title");
    if !file.languages.iter().any(|l| l == "nl") {
        ck.report(
            top,
            "languages",
            "the languages must include \"nl\" (Dutch)",
        );
    }
    for l in &file.languages {
        if l != "nl" && l != "en" {
            ck.report(
                top,
                "languages",
                format!("unknown language `{l}`; use \"nl\" and \"en\""),
            );
        }
    }
    if file.rounds == 0 || file.rounds > crate::rules::session::MAX_ROUNDS {
        ck.report(
            top,
            "rounds",
            format!(
                "rounds must be between 1 and {}",
                crate::rules::session::MAX_ROUNDS
            ),
        );
    }

    // Roles.
    let mut role_ids: HashMap<&str, usize> = HashMap::new();
    let mut roles = Vec::new();
    if file.roles.is_empty() {
        ck.report(top, "roles", "the deck has no roles");
    }
    for (i, r) in file.roles.iter().enumerate() {
        let (l, c, _) = ck.locate(&r.id, 0);
        let path = format!("roles[{i}]");
        ck.check_id(&r.id, (l, c), &path, "role");
        if role_ids.insert(&r.id, i).is_some() {
            ck.report(
                (l, c),
                path.clone(),
                format!("the role id `{}` is used twice", r.id),
            );
        }
        ck.require_dutch(&r.name, (l, c), format!("{path}.name"), "the role name");
        roles.push(Role {
            id: r.id.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            max_players: r.max_players,
        });
        if r.max_players == Some(0) {
            ck.report(
                (l, c),
                format!("{path}.max_players"),
                "max_players must be 1 or more",
            );
        }
    }

    // Meters.
    let mut meter_ids: HashMap<&str, usize> = HashMap::new();
    let mut meters = Vec::new();
    if file.meters.is_empty() {
        ck.report(top, "meters", "the deck has no meters");
    }
    for (i, m) in file.meters.iter().enumerate() {
        let (l, c, _) = ck.locate(&m.id, 0);
        let at = (l, c);
        let path = format!("meters[{i}]");
        ck.check_id(&m.id, at, &path, "meter");
        if meter_ids.insert(&m.id, i).is_some() {
            ck.report(
                at,
                path.clone(),
                format!("the meter id `{}` is used twice", m.id),
            );
        }
        ck.require_dutch(&m.label, at, format!("{path}.label"), "the meter label");
        if m.min >= m.max {
            ck.report(
                at,
                path.clone(),
                format!("min ({}) must be below max ({})", m.min, m.max),
            );
        }
        if m.start < m.min || m.start > m.max {
            ck.report(
                at,
                format!("{path}.start"),
                format!(
                    "start {} is outside the range {}..{}",
                    m.start, m.min, m.max
                ),
            );
        }
        let mut thresholds = Vec::new();
        for (t, th) in m.thresholds.iter().enumerate() {
            let tpath = format!("{path}.thresholds[{t}]");
            let v = match th.when {
                Bound::Below(v) | Bound::Above(v) => v,
            };
            let reachable = match th.when {
                Bound::Below(v) => v > m.min,
                Bound::Above(v) => v < m.max,
            };
            if v < m.min || v > m.max || !reachable {
                ck.report(
                    at,
                    tpath.clone(),
                    format!(
                        "the threshold {v} can never be crossed: the meter only goes from {} to {}",
                        m.min, m.max
                    ),
                );
            }
            if th.when.crossed_by(m.start) {
                ck.report(
                    at,
                    tpath.clone(),
                    format!(
                        "the threshold is already crossed by the start value {}",
                        m.start
                    ),
                );
            }
            ck.require_dutch(
                &th.message,
                at,
                format!("{tpath}.message"),
                "the threshold message",
            );
            let then = match &th.then {
                ThresholdDo::EndSession => Then::EndSession,
                ThresholdDo::SetFlag(f) => Then::SetFlag(ck.flag(f)),
            };
            thresholds.push(Threshold {
                when: th.when,
                then,
                message: th.message.clone(),
            });
        }
        meters.push(Meter {
            id: m.id.clone(),
            label: m.label.clone(),
            description: m.description.clone(),
            min: m.min,
            max: m.max,
            start: m.start,
            thresholds,
        });
    }

    // Card ids first: follow-ups may point forward.
    let mut card_ids: HashMap<&str, usize> = HashMap::new();
    let mut card_at = Vec::new();
    for (i, card) in file.cards.iter().enumerate() {
        let (l, c, byte) = ck.locate(&card.id, 0);
        card_at.push((l, c, byte));
        ck.check_id(&card.id, (l, c), &format!("cards[{i}]"), "card");
        if card_ids.insert(&card.id, i).is_some() {
            ck.report(
                (l, c),
                format!("cards[{i}]"),
                format!("the card id `{}` is used twice", card.id),
            );
        }
    }
    if file.cards.is_empty() {
        ck.report(top, "cards", "the deck has no cards");
    }

    let mut cards = Vec::new();
    let mut option_at: Vec<Vec<Vec<(usize, usize)>>> = Vec::new();
    for (i, card) in file.cards.iter().enumerate() {
        let mut card_options = Vec::new();
        let (l, c, byte) = card_at[i];
        let at = (l, c);
        let path = format!("cards[{i}]");
        ck.require_dutch(&card.title, at, format!("{path}.title"), "the card title");
        if card.briefing.is_empty() && card.briefings.is_empty() {
            ck.report(
                at,
                path.clone(),
                "the card has no briefing (`briefing` or `briefings`)",
            );
        } else if !card.briefing.is_empty() {
            ck.require_dutch(
                &card.briefing,
                at,
                format!("{path}.briefing"),
                "the briefing",
            );
        }
        let mut briefings = vec![None; roles.len()];
        for (role, text) in &card.briefings {
            match index_of(&role_ids, role) {
                Some(r) => briefings[r] = Some(text.clone()),
                None => ck.report(
                    at,
                    format!("{path}.briefings"),
                    format!("unknown role `{role}` in briefings"),
                ),
            }
            ck.require_dutch(text, at, format!("{path}.briefings.{role}"), "the briefing");
        }
        if !(card.weight.is_finite() && card.weight >= 0.0) {
            ck.report(
                at,
                format!("{path}.weight"),
                "the weight must be a number of 0 or more",
            );
        }
        let mut weight_per_point = Vec::new();
        for (meter, w) in &card.weight_per_point {
            match index_of(&meter_ids, meter) {
                Some(m) if w.is_finite() => weight_per_point.push((m, *w)),
                Some(_) => ck.report(at, format!("{path}.weight_per_point"), "not a number"),
                None => ck.report(
                    at,
                    format!("{path}.weight_per_point"),
                    format!("unknown meter `{meter}`"),
                ),
            }
        }

        // Conditions.
        let mut when = Cond {
            from_round: card.when.from_round.unwrap_or(1),
            until_round: card.when.until_round.unwrap_or(u32::MAX),
            ..Cond::default()
        };
        let wpath = format!("{path}.when");
        for (meter, range) in &card.when.meters {
            let Some(m) = index_of(&meter_ids, meter) else {
                ck.report(
                    at,
                    wpath.clone(),
                    format!("unknown meter `{meter}` in the conditions"),
                );
                continue;
            };
            let def = &meters[m];
            let lo = range.min.unwrap_or(def.min);
            let hi = range.max.unwrap_or(def.max);
            if lo > hi || hi < def.min || lo > def.max {
                ck.report(
                    at,
                    format!("{wpath}.meters.{meter}"),
                    format!(
                        "the condition {lo}..{hi} can never hold: `{meter}` only goes from {} to {}",
                        def.min, def.max
                    ),
                );
            }
            when.meters.push((m, lo, hi));
        }
        if when.from_round > when.until_round {
            ck.report(
                at,
                wpath.clone(),
                format!(
                    "from_round {} comes after until_round {}: the card can never be drawn",
                    when.from_round, when.until_round
                ),
            );
        }
        for f in &card.when.flags {
            if card.when.not_flags.contains(f) {
                ck.report(
                    at,
                    wpath.clone(),
                    format!(
                        "the flag `{f}` is both required and forbidden: the card can never be drawn"
                    ),
                );
            }
            when.flags.push(ck.flag(f));
        }
        for f in &card.when.not_flags {
            when.not_flags.push(ck.flag(f));
        }

        // Steps.
        if card.steps.is_empty() {
            ck.report(at, path.clone(), "the card has no steps");
        }
        let mut steps: Vec<Step> = Vec::new();
        let mut seen_options: Vec<(String, usize, usize)> = Vec::new();
        let mut cursor = byte;
        for (s, step) in card.steps.iter().enumerate() {
            let spath = format!("{path}.steps[{s}]");
            let role = match index_of(&role_ids, &step.role) {
                Some(r) => r,
                None => {
                    ck.report(at, spath.clone(), format!("unknown role `{}`", step.role));
                    0
                }
            };
            ck.require_dutch(
                &step.prompt,
                at,
                format!("{spath}.prompt"),
                "the step prompt",
            );
            if step.options.len() < MIN_OPTIONS || step.options.len() > MAX_OPTIONS {
                ck.report(
                    at,
                    spath.clone(),
                    format!(
                        "a step needs {MIN_OPTIONS} to {MAX_OPTIONS} options; this one has {}",
                        step.options.len()
                    ),
                );
            }
            let mut only_if = Vec::new();
            for id in &step.only_if {
                match seen_options.iter().find(|(o, _, _)| o == id) {
                    Some((_, st, op)) => only_if.push((*st, *op)),
                    None => ck.report(
                        at,
                        format!("{spath}.only_if"),
                        format!("`{id}` is not an option of an earlier step of this card"),
                    ),
                }
            }
            let mut options = Vec::new();
            let mut step_options = Vec::new();
            for (o, opt) in step.options.iter().enumerate() {
                let (ol, oc, ob) = ck.locate(&opt.id, cursor);
                cursor = ob;
                let oat = (ol, oc);
                step_options.push(oat);
                let opath = format!("{spath}.options[{o}]");
                ck.check_id(&opt.id, oat, &opath, "option");
                if seen_options.iter().any(|(x, _, _)| x == &opt.id) {
                    ck.report(
                        oat,
                        opath.clone(),
                        format!("the option id `{}` is used twice in this card", opt.id),
                    );
                }
                seen_options.push((opt.id.clone(), s, o));
                ck.require_dutch(
                    &opt.label,
                    oat,
                    format!("{opath}.label"),
                    "the option label",
                );
                ck.require_dutch(&opt.outcome, oat, format!("{opath}.outcome"), "the outcome");
                if opt.effects.is_empty() {
                    ck.report(
                        oat,
                        opath.clone(),
                        "the option has no effect: every choice should change something",
                    );
                }
                let effects =
                    compile_effects(&mut ck, &opt.effects, oat, &opath, &meter_ids, &card_ids);
                options.push(Choice {
                    id: opt.id.clone(),
                    label: opt.label.clone(),
                    effects,
                    outcome: opt.outcome.clone(),
                });
            }
            steps.push(Step {
                role,
                prompt: step.prompt.clone(),
                only_if,
                options,
            });
            card_options.push(step_options);
        }
        for (q, text) in card.debrief.iter().enumerate() {
            ck.require_dutch(
                text,
                at,
                format!("{path}.debrief[{q}]"),
                "the debrief question",
            );
        }
        option_at.push(card_options);
        cards.push(Card {
            id: card.id.clone(),
            title: card.title.clone(),
            briefing: card.briefing.clone(),
            briefings,
            when,
            weight: card.weight,
            weight_per_point,
            repeatable: card.repeatable,
            follow_up_only: card.follow_up_only,
            steps,
            debrief: card.debrief.clone(),
        });
    }

    let deck = Deck {
        id: file.id.clone(),
        title: file.title.clone(),
        description: file.description.clone(),
        languages: file.languages.clone(),
        rounds: file.rounds,
        roles,
        meters,
        cards,
        flags: ck.flags.clone(),
    };
    check_reachability(&mut ck, &deck, &card_at);

    if ck.problems.is_empty() {
        let places = Places {
            cards: card_at.iter().map(|&(l, c, _)| (l, c)).collect(),
            options: option_at,
            flags: deck
                .flags
                .iter()
                .map(|f| {
                    let (l, c, _) = ck.locate(f, 0);
                    (l, c)
                })
                .collect(),
        };
        Ok((deck, places))
    } else {
        Err(DeckError {
            file: name.to_string(),
            diagnostics: ck.problems,
        })
    }
}

fn compile_effects(
    ck: &mut Checker<'_>,
    defs: &[EffectDef],
    at: (usize, usize),
    path: &str,
    meter_ids: &HashMap<&str, usize>,
    card_ids: &HashMap<&str, usize>,
) -> Vec<Effect> {
    let mut out = Vec::new();
    for (e, def) in defs.iter().enumerate() {
        let epath = format!("{path}.effects[{e}]");
        let meter = |ck: &mut Checker<'_>, id: &str| {
            let m = index_of(meter_ids, id);
            if m.is_none() {
                ck.report(at, epath.clone(), format!("unknown meter `{id}`"));
            }
            m
        };
        match def {
            EffectDef::Meter { meter: id, by } => {
                if let Some(m) = meter(ck, id) {
                    out.push(Effect::Meter { meter: m, by: *by });
                }
            }
            EffectDef::Later {
                meter: id,
                by,
                rounds,
            } => {
                if *rounds == 0 {
                    ck.report(
                        at,
                        epath.clone(),
                        "a later effect needs rounds of 1 or more (use Meter for now)",
                    );
                }
                if let Some(m) = meter(ck, id) {
                    out.push(Effect::Later {
                        meter: m,
                        by: *by,
                        rounds: *rounds,
                    });
                }
            }
            EffectDef::SetFlag(f) => out.push(Effect::SetFlag(ck.flag(f))),
            EffectDef::ClearFlag(f) => out.push(Effect::ClearFlag(ck.flag(f))),
            EffectDef::FollowUp { card, rounds } => match index_of(card_ids, card) {
                Some(c) => out.push(Effect::FollowUp {
                    card: c,
                    rounds: *rounds,
                }),
                None => ck.report(
                    at,
                    epath.clone(),
                    format!("unknown card `{card}` in FollowUp"),
                ),
            },
            EffectDef::Chance {
                percent,
                effects,
                outcome,
            } => {
                if *percent == 0 || *percent >= 100 {
                    ck.report(
                        at,
                        epath.clone(),
                        format!("a chance must be between 1 and 99 percent, not {percent}"),
                    );
                }
                if effects.is_empty() {
                    ck.report(at, epath.clone(), "the chance has no effects");
                }
                if !outcome.is_empty() {
                    ck.require_dutch(
                        outcome,
                        at,
                        format!("{epath}.outcome"),
                        "the chance outcome",
                    );
                }
                let inner = compile_effects(ck, effects, at, &epath, meter_ids, card_ids);
                out.push(Effect::Chance {
                    percent: *percent,
                    effects: inner,
                    outcome: outcome.clone(),
                });
            }
        }
    }
    out
}

fn for_each_effect(effects: &[Effect], f: &mut impl FnMut(&Effect)) {
    for e in effects {
        f(e);
        if let Effect::Chance { effects, .. } = e {
            for_each_effect(effects, f);
        }
    }
}

/// Cards that can never come into play: follow-up-only cards nothing points to, and cards that
/// need a flag nothing sets.
fn check_reachability(ck: &mut Checker<'_>, deck: &Deck, card_at: &[(usize, usize, usize)]) {
    let mut followed: HashSet<CardIdx> = HashSet::new();
    let mut set_flags: HashSet<FlagIdx> = HashSet::new();
    for m in &deck.meters {
        for t in &m.thresholds {
            if let Then::SetFlag(f) = t.then {
                set_flags.insert(f);
            }
        }
    }
    for card in &deck.cards {
        for step in &card.steps {
            for opt in &step.options {
                for_each_effect(&opt.effects, &mut |e| match e {
                    Effect::FollowUp { card, .. } => {
                        followed.insert(*card);
                    }
                    Effect::SetFlag(f) => {
                        set_flags.insert(*f);
                    }
                    _ => {}
                });
            }
        }
    }
    for (i, card) in deck.cards.iter().enumerate() {
        let Some(&(l, c, _)) = card_at.get(i) else {
            continue;
        };
        if card.follow_up_only && !followed.contains(&i) {
            ck.report(
                (l, c),
                format!("cards[{i}]"),
                format!(
                    "`{}` is follow_up_only but no option schedules it: it can never be played",
                    card.id
                ),
            );
        }
        for f in &card.when.flags {
            if !set_flags.contains(f) {
                ck.report(
                    (l, c),
                    format!("cards[{i}].when.flags"),
                    format!("the flag `{}` is never set by any option or threshold: the card can never be drawn", deck.flags[*f]),
                );
            }
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
