//! The session journal: a header and every accepted intent, one RON line each, from which a
//! session is rebuilt exactly. Text in, text out: reading and writing files is the shell's job.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::deck::{Deck, DeckError};
use super::session::{Event, Intent, RuleError, Sender, Session};

/// Bumped when the journal's lines change shape.
pub const JOURNAL_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalHeader {
    pub version: u32,
    /// The deck's file name, for people.
    pub deck_name: String,
    /// The deck's full source, so a journal alone is enough for a report or a replay.
    pub deck_source: String,
    pub seed: u64,
    pub rounds: u32,
    /// Seconds since 1970 when the session was created.
    pub created_unix: u64,
    /// The join code, so a restarted host takes its players back without a new code.
    #[serde(default)]
    pub join_code: String,
    /// The host's secret from which every seat's token is derived, so a restarted host honours
    /// the tokens its players hold. 0 in journals from before seat tokens.
    #[serde(default)]
    pub seat_secret: u64,
    /// The rules' edition the session follows (`session::RULES_EDITION` when written); 1 in
    /// journals from before editions.
    #[serde(default = "first_edition")]
    pub edition: u32,
}

fn first_edition() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub sender: Who,
    pub intent: Record,
    /// For people reading the journal: what this intent resolved, if anything. Replay ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
}

/// Who sent an intent, as the journal writes it.
///
/// The journal's own types, not the rules': a journal written today must replay after the rules
/// change. The names of variants and fields are the file format of `JOURNAL_VERSION` 1: add new
/// ones, never rename or remove one (the fixture in `tests/journals/` keeps us honest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    Facilitator,
    Host,
    Seat(u32),
    Observer,
}

/// An accepted intent, as the journal writes it (see [`Who`] on why it is a type of its own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    AddSeat {
        name: String,
        role: Option<String>,
        bot: bool,
    },
    ChooseRole {
        role: String,
    },
    Vote {
        round: u32,
        step: usize,
        option: usize,
    },
    MoveSeat {
        seat: u32,
        role: String,
    },
    RemoveSeat {
        seat: u32,
    },
    Start,
    Pause,
    Resume,
    SetTimer {
        secs: u32,
    },
    ExtendTimer {
        secs: u32,
    },
    Advance,
    Skip,
    ChooseNext {
        card: String,
    },
    Inject {
        card: String,
    },
    Decide {
        option: usize,
    },
    Override {
        option: usize,
    },
    Revoke,
    End,
    Note {
        text: String,
    },
    SetProgramme {
        programme: Option<String>,
        cards: Vec<String>,
        rounds: u32,
    },
    ObserverNote {
        name: String,
        text: String,
    },
}

impl From<Sender> for Who {
    fn from(s: Sender) -> Who {
        match s {
            Sender::Facilitator => Who::Facilitator,
            Sender::Host => Who::Host,
            Sender::Seat(n) => Who::Seat(n),
            Sender::Observer => Who::Observer,
        }
    }
}

impl From<Who> for Sender {
    fn from(w: Who) -> Sender {
        match w {
            Who::Facilitator => Sender::Facilitator,
            Who::Host => Sender::Host,
            Who::Seat(n) => Sender::Seat(n),
            Who::Observer => Sender::Observer,
        }
    }
}

impl From<&Intent> for Record {
    fn from(i: &Intent) -> Record {
        match i.clone() {
            Intent::AddSeat { name, role, bot } => Record::AddSeat { name, role, bot },
            Intent::ChooseRole { role } => Record::ChooseRole { role },
            Intent::Vote {
                round,
                step,
                option,
            } => Record::Vote {
                round,
                step,
                option,
            },
            Intent::MoveSeat { seat, role } => Record::MoveSeat { seat, role },
            Intent::RemoveSeat { seat } => Record::RemoveSeat { seat },
            Intent::Start => Record::Start,
            Intent::Pause => Record::Pause,
            Intent::Resume => Record::Resume,
            Intent::SetTimer { secs } => Record::SetTimer { secs },
            Intent::ExtendTimer { secs } => Record::ExtendTimer { secs },
            Intent::Advance => Record::Advance,
            Intent::Skip => Record::Skip,
            Intent::ChooseNext { card } => Record::ChooseNext { card },
            Intent::Inject { card } => Record::Inject { card },
            Intent::Decide { option } => Record::Decide { option },
            Intent::Override { option } => Record::Override { option },
            Intent::Revoke => Record::Revoke,
            Intent::End => Record::End,
            Intent::Note { text } => Record::Note { text },
            Intent::SetProgramme {
                programme,
                cards,
                rounds,
            } => Record::SetProgramme {
                programme,
                cards,
                rounds,
            },
            Intent::ObserverNote { name, text } => Record::ObserverNote { name, text },
        }
    }
}

impl From<&Record> for Intent {
    fn from(r: &Record) -> Intent {
        match r.clone() {
            Record::AddSeat { name, role, bot } => Intent::AddSeat { name, role, bot },
            Record::ChooseRole { role } => Intent::ChooseRole { role },
            Record::Vote {
                round,
                step,
                option,
            } => Intent::Vote {
                round,
                step,
                option,
            },
            Record::MoveSeat { seat, role } => Intent::MoveSeat { seat, role },
            Record::RemoveSeat { seat } => Intent::RemoveSeat { seat },
            Record::Start => Intent::Start,
            Record::Pause => Intent::Pause,
            Record::Resume => Intent::Resume,
            Record::SetTimer { secs } => Intent::SetTimer { secs },
            Record::ExtendTimer { secs } => Intent::ExtendTimer { secs },
            Record::Advance => Intent::Advance,
            Record::Skip => Intent::Skip,
            Record::ChooseNext { card } => Intent::ChooseNext { card },
            Record::Inject { card } => Intent::Inject { card },
            Record::Decide { option } => Intent::Decide { option },
            Record::Override { option } => Intent::Override { option },
            Record::Revoke => Intent::Revoke,
            Record::End => Intent::End,
            Record::Note { text } => Intent::Note { text },
            Record::SetProgramme {
                programme,
                cards,
                rounds,
            } => Intent::SetProgramme {
                programme,
                cards,
                rounds,
            },
            Record::ObserverNote { name, text } => Intent::ObserverNote { name, text },
        }
    }
}

impl JournalEntry {
    /// The entry for an intent the rules accepted.
    pub fn new(seq: u64, sender: Sender, intent: &Intent, resolved: Option<String>) -> Self {
        JournalEntry {
            seq,
            sender: sender.into(),
            intent: intent.into(),
            resolved,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("the journal is empty")]
    Empty,
    #[error("line 1 is not a journal header: {0}")]
    BadHeader(String),
    #[error(
        "the journal was written by a newer version (journal version {found}, this program reads up to {JOURNAL_VERSION})"
    )]
    NewerVersion { found: u32 },
    #[error("the deck stored in the journal does not load: {0}")]
    Deck(#[from] DeckError),
    #[error("entry {seq} was refused on replay ({error}): the journal does not match its deck")]
    Refused { seq: u64, error: RuleError },
    #[error(
        "the journal without names would not replay to the same decisions; it is left as it was"
    )]
    Unchanged,
}

/// A journal as read from text: what could be read, and where and why reading stopped early.
#[derive(Clone, Debug)]
pub struct ParsedJournal {
    pub header: JournalHeader,
    pub entries: Vec<JournalEntry>,
    /// Set when the journal is damaged (typically the host died mid-write): the 1-based line
    /// where reading stopped, and why. Everything before it is intact.
    pub damage: Option<(usize, String)>,
}

pub fn header_line(header: &JournalHeader) -> String {
    // Plain `to_string` writes one line: strings escape their newlines.
    ron::to_string(header).unwrap_or_default()
}

pub fn entry_line(entry: &JournalEntry) -> String {
    ron::to_string(entry).unwrap_or_default()
}

/// Reads a journal to continue it: a newer journal is refused, since this program could not
/// write lines that version expects.
pub fn parse(text: &str) -> Result<ParsedJournal, JournalError> {
    let parsed = parse_any_version(text)?;
    if parsed.header.version > JOURNAL_VERSION {
        return Err(JournalError::NewerVersion {
            found: parsed.header.version,
        });
    }
    Ok(parsed)
}

/// Reads whatever a journal of any version holds, stopping at the first line it cannot read.
fn parse_any_version(text: &str) -> Result<ParsedJournal, JournalError> {
    let mut lines = text.split('\n');
    let first = lines
        .next()
        .filter(|l| !l.trim().is_empty())
        .ok_or(JournalError::Empty)?;
    let header: JournalHeader =
        ron::from_str(first).map_err(|e| JournalError::BadHeader(e.to_string()))?;
    let mut entries = Vec::new();
    let mut damage = None;
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match ron::from_str::<JournalEntry>(line) {
            Ok(e) => entries.push(e),
            Err(e) => {
                damage = Some((i + 2, e.to_string()));
                break;
            }
        }
    }
    Ok(ParsedJournal {
        header,
        entries,
        damage,
    })
}

/// A line for people: the decision an intent's events resolved, if any.
pub fn resolution_note(session: &Session, events: &[Event]) -> Option<String> {
    let deck = session.deck();
    events.iter().find_map(|e| match e {
        Event::Resolved { decision } => session.decisions.get(*decision).map(|d| {
            let card = &deck.cards[d.card];
            let option = &card.steps[d.step].options[d.option];
            let split: Vec<String> = d.split.iter().map(u32::to_string).collect();
            format!(
                "round {}: {} step {} ({}) -> {} [votes {}]",
                d.round,
                card.id,
                d.step + 1,
                deck.roles[d.role].id,
                option.id,
                split.join("-")
            )
        }),
        _ => None,
    })
}

/// Rebuilds a session from its header and entries.
pub fn replay(
    deck: Arc<Deck>,
    header: &JournalHeader,
    entries: &[JournalEntry],
) -> Result<Session, JournalError> {
    let mut session = Session::with_edition(deck, header.seed, header.rounds, header.edition);
    for e in entries {
        session
            .apply(e.sender.into(), &Intent::from(&e.intent))
            .map_err(|error| JournalError::Refused { seq: e.seq, error })?;
    }
    Ok(session)
}

/// Loads the deck stored in a journal header.
pub fn deck_of(header: &JournalHeader) -> Result<Arc<Deck>, JournalError> {
    Ok(Arc::new(Deck::from_ron(
        &header.deck_name,
        &header.deck_source,
    )?))
}

/// A session rebuilt for a report or a replay: as far as the journal goes, and why it stops
/// early if it does.
#[derive(Clone, Debug)]
pub struct Recovered {
    pub header: JournalHeader,
    pub session: Session,
    /// For people: where and why the journal stopped being readable. `None` when it is whole.
    pub warning: Option<String>,
}

/// Rebuilds as much of a session as a journal holds. A damaged tail (the host died mid-write),
/// a line from another version, or an entry that no longer fits the rules ends the story there,
/// with a warning; only a journal without a readable header or deck is an error.
pub fn recover(text: &str) -> Result<Recovered, JournalError> {
    let parsed = parse_any_version(text)?;
    let deck = deck_of(&parsed.header)?;
    let mut session = Session::with_edition(
        deck,
        parsed.header.seed,
        parsed.header.rounds,
        parsed.header.edition,
    );
    let mut notes = Vec::new();
    if parsed.header.version != JOURNAL_VERSION {
        notes.push(format!(
            "this journal was written by another version of Kantelspel (journal version {}, this one writes {JOURNAL_VERSION})",
            parsed.header.version
        ));
    }
    let mut applied = 0;
    for e in &parsed.entries {
        if let Err(error) = session.apply(e.sender.into(), &Intent::from(&e.intent)) {
            notes.push(format!(
                "entry {} does not fit the rules ({error}); everything after it is left out",
                e.seq
            ));
            break;
        }
        applied += 1;
    }
    if applied == parsed.entries.len()
        && let Some((line, why)) = &parsed.damage
    {
        let why = why.lines().next().unwrap_or_default();
        notes.push(format!(
            "the journal is damaged at line {line} ({why}); the host probably stopped while writing it, and everything before that line is here"
        ));
    }
    let warning = (!notes.is_empty()).then(|| {
        let decided = session.decisions.len();
        format!(
            "{}. This covers {} round(s) and {decided} decision(s).",
            notes.join("; "),
            session.round.min(session.rounds)
        )
    });
    Ok(Recovered {
        header: parsed.header,
        session,
        warning,
    })
}
