//! The session: state, intents, events and the one `apply` that moves a workshop forward.
//!
//! Everything here is deterministic: the same deck, seed and sequence of accepted intents gives
//! the same state and events, which is what makes the journal a complete record of a session.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::deck::{CardIdx, Deck, Effect, FlagIdx, MeterIdx, RoleIdx, Then};

pub type SeatId = u32;

/// Longest name a player may use; keeps the roster readable on a projector.
pub const MAX_NAME_CHARS: usize = 40;
/// Seats one table takes, bots included (from edition 3): the most a quiz game takes in one
/// room, far beyond a workshop, and a bound on what a stream of hellos can make.
pub const MAX_SEATS: usize = 2_000;
/// Longest phase timer, one hour.
pub const MAX_TIMER_SECS: u32 = 3600;
/// More rounds than any workshop can hold (a deck's own limit, used here too).
pub use super::deck::MAX_ROUNDS;

/// Who sends an intent. The shell decides which; the rules decide what each may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sender {
    /// The person leading the workshop.
    Facilitator,
    /// The host acting by itself: admitting a player, a phase timer running out.
    Host,
    /// A player (or bot) in a seat.
    Seat(SeatId),
    /// Someone watching the table who gave a name: they may write a note, nothing else.
    Observer,
}

impl Sender {
    fn is_facilitator(self) -> bool {
        matches!(self, Sender::Facilitator | Sender::Host)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Intent {
    /// Admit a player or bot into a seat (facilitator or host).
    AddSeat {
        name: String,
        role: Option<String>,
        bot: bool,
    },
    /// A player picks their role in the lobby.
    ChooseRole {
        role: String,
    },
    /// A player's vote on the open step. Round and step name the step the player saw, so a vote
    /// that arrives after the step closed is refused instead of landing on the next one.
    Vote {
        round: u32,
        step: usize,
        option: usize,
    },
    MoveSeat {
        seat: SeatId,
        role: String,
    },
    RemoveSeat {
        seat: SeatId,
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
    /// Close the current phase: briefing → deciding → resolved → next step or round.
    Advance,
    /// Put the current card away unplayed and draw another.
    Skip,
    /// The next round plays this card.
    ChooseNext {
        card: String,
    },
    /// Play this card now, in place of the current one (nothing of it decided yet).
    Inject {
        card: String,
    },
    /// The facilitator decides the open step (a role nobody plays, or a stalemate).
    Decide {
        option: usize,
    },
    /// Replace the last resolution with another option.
    Override {
        option: usize,
    },
    /// Undo the last resolution; the step is decided again.
    Revoke,
    End,
    /// The facilitator jots down what they see: kept with the round it was made in, for the
    /// debrief and the report. Allowed after the end too (the debrief is when notes come).
    Note {
        text: String,
    },
    /// Before the start: what this session plays. A programme of the deck (`programme`), or
    /// the facilitator's own pick of cards (`cards`, played in that order), or the whole deck
    /// (neither). `rounds` 0 takes the programme's rounds (for a pick: one per card).
    SetProgramme {
        programme: Option<String>,
        cards: Vec<String>,
        rounds: u32,
    },
    /// An observer's note: kept with its round like the facilitator's, under the observer's
    /// name. Only an observer writes one, and a table keeps a bounded number of them.
    ObserverNote {
        name: String,
        text: String,
    },
}

/// What a session plays: a programme of the deck, the facilitator's pick, or the whole deck
/// (no `Programme` at all).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    /// The deck's programme, or `None` for the facilitator's own pick.
    pub id: Option<String>,
    pub cards: Vec<CardIdx>,
    /// A pick is played in its order; a deck's programme is drawn by weight among its cards.
    pub in_order: bool,
    /// Follow-up-only cards the deck's programme names by name: these come up by themselves
    /// too (a theme brings a follow-up only when it is scheduled).
    #[serde(default)]
    pub standalone: Vec<CardIdx>,
}

/// How long a workshop of this many rounds takes, in minutes, as the draaiboeken plan it: 15 to
/// join and read the roles, about 7 a round (reading, arguing, voting, the outcome) and 20 for
/// the debrief (8 rounds: 91, the 90-minute workshop).
pub fn workshop_minutes(rounds: u32) -> u32 {
    15 + 7 * rounds + 20
}

/// What a facilitator chose to play before the session exists (the command line, the host
/// screen): becomes a [`Intent::SetProgramme`] once it does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgrammeChoice {
    /// A programme of the deck, by id.
    pub programme: Option<String>,
    /// Or an own pick of cards, by id, in the order to play them.
    pub cards: Vec<String>,
}

impl ProgrammeChoice {
    pub fn is_whole_deck(&self) -> bool {
        self.programme.is_none() && self.cards.is_empty()
    }

    /// The intent that sets it, with `rounds` (0: the programme's own).
    pub fn intent(&self, rounds: u32) -> Intent {
        Intent::SetProgramme {
            programme: self.programme.clone(),
            cards: self.cards.clone(),
            rounds,
        }
    }
}

/// The rules' edition a session follows. A journal keeps the edition it was written under, so
/// a session from before a change in the draw replays as it was played.
/// 1: the first rules. 2: a crisis opened by a raised flag comes before other cards; a
/// delayed effect that would fall after the last round lands in the last round. 3: a name with
/// characters that show nothing or turn text around is refused, and a name that looks like a
/// seated player's (Latin letters swapped for Cyrillic or Greek look-alikes) counts as theirs.
pub const RULES_EDITION: u32 = 3;

/// An observer's note, with the round it was made in (0: before the start).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub round: u32,
    pub text: String,
}

/// Longest note; a few sentences, enough for what one sees at a table.
pub const MAX_NOTE_CHARS: usize = 500;

/// Notes a table keeps from its observers (the facilitator's own are not limited).
pub const MAX_OBSERVER_NOTES: usize = 300;

impl Intent {
    fn is_facilitator_only(&self) -> bool {
        !matches!(
            self,
            Intent::ChooseRole { .. } | Intent::Vote { .. } | Intent::ObserverNote { .. }
        )
    }
}

/// A person's name as the room sees it (a player's, one waiting at the door, an observer's):
/// trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control characters and none that show
/// nothing or turn the text around (a zero-width space, a right-to-left override): two names
/// that look the same on the facilitator's screen must be the same name. The one name rule.
pub fn checked_name(name: &str) -> Result<&str, RuleError> {
    checked_name_under(RULES_EDITION, name)
}

/// The name rule of an edition: before edition 3 only control characters were refused.
fn checked_name_under(edition: u32, name: &str) -> Result<&str, RuleError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
        || (edition >= 3 && hides_something(name))
    {
        Err(RuleError::BadName)
    } else {
        Ok(name)
    }
}

/// Whether a name has a character that takes no room or turns the text around. The joiner and
/// the emoji selector are allowed after a symbol, where they build an emoji ("Jo 👩‍💻", "Sam ❤️"),
/// not between letters, where they would hide.
fn hides_something(name: &str) -> bool {
    let mut before: Option<char> = None;
    for c in name.chars() {
        let in_emoji = matches!(c, '\u{200D}' | '\u{FE0F}')
            && before.is_some_and(|b| !b.is_alphanumeric() && !b.is_whitespace());
        if invisible(c) && !in_emoji {
            return true;
        }
        // Inside an emoji sequence what came before stays a symbol.
        if !in_emoji {
            before = Some(c);
        }
    }
    false
}

/// Characters that take no room or turn the text around: format characters, joiners, variation
/// selectors, fillers, bidirectional controls.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Where `typed`, a name that looks like `seated`, is written with other characters: each such
/// character with its place (from 1). Empty when the two differ at most in case. The door shows
/// this to the facilitator, so a look-alike that claims someone's seat is seen for what it is.
pub fn written_otherwise(typed: &str, seated: &str) -> Vec<(usize, char)> {
    let (t, s): (Vec<char>, Vec<char>) = (
        typed.trim().chars().collect(),
        seated.trim().chars().collect(),
    );
    t.iter()
        .enumerate()
        .filter(|(i, c)| {
            s.get(*i)
                .is_none_or(|o| !c.to_lowercase().eq(o.to_lowercase()))
        })
        .map(|(i, c)| (i + 1, *c))
        .collect()
}

/// How a name looks: lower case, with the Cyrillic and Greek letters that look like Latin ones
/// (and full-width forms) read as those. "Bram" with a Cyrillic "а" looks like "bram".
pub fn name_look(name: &str) -> String {
    name.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'а' | 'α' => 'a',
            'в' | 'β' => 'b',
            'с' | 'ϲ' => 'c',
            'ԁ' => 'd',
            'е' | 'ε' => 'e',
            'һ' => 'h',
            'і' | 'ι' | 'ӏ' => 'i',
            'ј' => 'j',
            'к' | 'κ' => 'k',
            'м' => 'm',
            'н' | 'η' => 'n',
            'о' | 'ο' | 'σ' => 'o',
            'р' | 'ρ' => 'p',
            'ԛ' => 'q',
            'ѕ' => 's',
            'т' | 'τ' => 't',
            'υ' => 'u',
            'ν' => 'v',
            'ԝ' | 'ω' => 'w',
            'х' | 'χ' => 'x',
            'у' | 'γ' => 'y',
            'ᴢ' => 'z',
            // Full-width Latin letters and digits.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A note as it is kept: trimmed, 1 to [`MAX_NOTE_CHARS`] characters. The one note rule.
fn checked_note(text: &str) -> Result<&str, RuleError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
        Err(RuleError::BadNote)
    } else {
        Ok(text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Lobby,
    /// Everyone reads their own briefing.
    Briefing,
    /// The addressed role deliberates and votes.
    Deciding,
    /// The outcome is shown; meters have moved.
    Resolved,
    Ended,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Lobby => "the lobby",
            Phase::Briefing => "the briefing",
            Phase::Deciding => "the decision",
            Phase::Resolved => "the outcome",
            Phase::Ended => "the end",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub name: String,
    pub role: Option<RoleIdx>,
    pub bot: bool,
}

/// The card on the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Current {
    pub card: CardIdx,
    pub step: usize,
    /// (step, option) chosen so far in this card; later steps see them.
    pub choices: Vec<(usize, usize)>,
    /// Votes on the open step in order of arrival (a changed vote moves to the back).
    pub votes: Vec<(SeatId, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pending {
    Meter { meter: MeterIdx, by: i32 },
    FollowUp { card: CardIdx },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    pub due_round: u32,
    pub what: Pending,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecidedBy {
    Vote,
    Facilitator,
    Override,
}

/// One resolved step, kept for the debrief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub round: u32,
    pub card: CardIdx,
    pub step: usize,
    pub role: RoleIdx,
    pub option: usize,
    /// Votes per option of the step.
    pub split: Vec<u32>,
    /// Seats in the role that did not vote.
    pub abstained: u32,
    pub by: DecidedBy,
    /// Which chance effects came true, in the order they were rolled.
    pub chances: Vec<bool>,
    /// Warning thresholds (meter, threshold) this decision crossed: the room hears them.
    #[serde(default)]
    pub warnings: Vec<(MeterIdx, usize)>,
    pub meters_before: Vec<i32>,
    pub meters_after: Vec<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ending {
    /// All rounds were played.
    Completed,
    /// A meter crossed a threshold that ends the session: de kanteling valt om.
    Threshold { meter: MeterIdx, threshold: usize },
    /// No card could be drawn any more.
    DeckExhausted,
    /// The facilitator ended the session.
    Facilitator,
}

/// What an intent changed that the shell acts on: seats to (un)link, a resolution to journal
/// and announce, meters for the room, the end. Everything else a screen shows it reads from the
/// view, so the rules announce nothing nobody reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    SeatAdded {
        seat: SeatId,
        name: String,
        role: Option<RoleIdx>,
        bot: bool,
    },
    SeatMoved {
        seat: SeatId,
        role: RoleIdx,
    },
    SeatRemoved {
        seat: SeatId,
    },
    VoteCast {
        seat: SeatId,
    },
    Resolved {
        decision: usize,
    },
    MeterChanged {
        meter: MeterIdx,
        from: i32,
        to: i32,
    },
    FollowUpScheduled {
        card: CardIdx,
        due_round: u32,
    },
    Ended {
        ending: Ending,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum RuleError {
    #[error("only the facilitator may do this")]
    NotFacilitator,
    #[error("there is no seat {0} in this session")]
    UnknownSeat(u32),
    #[error("you have no role yet: choose one first")]
    NoRole,
    #[error("this step is for the role {expected}, and you play {actual}")]
    NotYourRole { expected: String, actual: String },
    #[error("not possible during {phase}: this needs {needed}")]
    WrongPhase { phase: Phase, needed: String },
    #[error("this vote was for round {round}, step {step}, which is already closed")]
    StaleVote { round: u32, step: usize },
    #[error("there is no option {0} in this step")]
    UnknownOption(usize),
    #[error("there is no role `{0}` in this deck")]
    UnknownRole(String),
    #[error("there is no card `{0}` in this deck")]
    UnknownCard(String),
    #[error("the session is over")]
    SessionOver,
    #[error("the session is paused")]
    Paused,
    #[error("nobody has voted yet: wait for a vote or decide for the role")]
    NoVotes,
    #[error("the name `{0}` is already taken in this session")]
    NameTaken(String),
    #[error("a name must be 1 to {MAX_NAME_CHARS} characters")]
    BadName,
    #[error("the role `{0}` is full")]
    RoleFull(String),
    #[error("there is no resolution to change")]
    NothingToUndo,
    #[error("a timer must be 1 to {MAX_TIMER_SECS} seconds")]
    BadTimer,
    #[error("a note has 1 to {MAX_NOTE_CHARS} characters")]
    BadNote,
    #[error(
        "part of this card is already decided; finish it first, or choose the card as the next one"
    )]
    CardUnderway,
    #[error("there is no programme `{0}` in this deck")]
    UnknownProgramme(String),
    #[error("a programme has at least one card and 1 to {MAX_ROUNDS} rounds")]
    BadProgramme,
    #[error("only an observer who gave a name writes an observer's note")]
    NotObserver,
    #[error("this table keeps no more notes from observers")]
    NotesFull,
    #[error("this table has no more seats ({MAX_SEATS})")]
    TableFull,
}

/// What a resolution changed, so the facilitator can override or revoke it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Undo {
    meters: Vec<i32>,
    flags: Vec<bool>,
    pending: Vec<Scheduled>,
    current: Option<Current>,
    decisions: usize,
    ended: Option<Ending>,
    rng: ChaCha8Rng,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    deck: Arc<Deck>,
    /// The rules' edition this session follows ([`RULES_EDITION`] for a new one).
    pub edition: u32,
    /// What this session plays; `None`: the whole deck.
    pub programme: Option<Programme>,
    pub seed: u64,
    pub rounds: u32,
    pub round: u32,
    pub phase: Phase,
    pub paused: bool,
    /// The decision timer, for every decision from now on.
    pub timer_secs: u32,
    /// Seconds added to the decision under way only ("+60 s"); gone when it is decided.
    pub extra_secs: u32,
    pub meters: Vec<i32>,
    pub flags: Vec<bool>,
    pub seats: BTreeMap<SeatId, Seat>,
    pub current: Option<Current>,
    pub pending: Vec<Scheduled>,
    /// How often each card was played.
    pub played: Vec<u32>,
    pub next_card: Option<CardIdx>,
    pub decisions: Vec<Decision>,
    /// The facilitator's notes, in the order they were made.
    pub notes: Vec<Note>,
    /// Warning thresholds crossed at the start of this round by effects that came due.
    pub round_warnings: Vec<(MeterIdx, usize)>,
    /// Meter values at the start and after each round.
    pub meter_history: Vec<Vec<i32>>,
    pub ending: Option<Ending>,
    next_seat: SeatId,
    rng: ChaCha8Rng,
    undo: Option<Box<Undo>>,
}

impl Session {
    /// How long the decision under way may take: the timer plus what was added to this one.
    pub fn decision_secs(&self) -> u32 {
        self.timer_secs.saturating_add(self.extra_secs)
    }

    pub fn new(deck: Arc<Deck>, seed: u64, rounds: u32) -> Session {
        Session::with_edition(deck, seed, rounds, RULES_EDITION)
    }

    /// A session under an older edition of the rules, to replay a journal written under it.
    pub fn with_edition(deck: Arc<Deck>, seed: u64, rounds: u32, edition: u32) -> Session {
        let meters: Vec<i32> = deck.meters.iter().map(|m| m.start).collect();
        Session {
            edition,
            programme: None,
            seed,
            rounds: rounds.clamp(1, MAX_ROUNDS),
            round: 0,
            phase: Phase::Lobby,
            paused: false,
            timer_secs: 0,
            extra_secs: 0,
            flags: vec![false; deck.flags.len()],
            seats: BTreeMap::new(),
            current: None,
            pending: Vec::new(),
            played: vec![0; deck.cards.len()],
            next_card: None,
            decisions: Vec::new(),
            notes: Vec::new(),
            round_warnings: Vec::new(),
            meter_history: vec![meters.clone()],
            meters,
            ending: None,
            next_seat: 1,
            rng: ChaCha8Rng::seed_from_u64(seed),
            undo: None,
            deck,
        }
    }

    pub fn deck(&self) -> &Arc<Deck> {
        &self.deck
    }

    /// The role that decides the open step, if a step is open.
    pub fn deciding_role(&self) -> Option<RoleIdx> {
        let cur = self.current.as_ref()?;
        Some(self.deck.cards[cur.card].steps[cur.step].role)
    }

    pub fn can_undo(&self) -> bool {
        self.undo.is_some()
    }

    /// The seat that carries this name, whatever its case: names are unique in a session.
    pub fn seat_named(&self, name: &str) -> Option<SeatId> {
        // From edition 3 a name is taken by how it looks, not by its bytes.
        let look = |n: &str| {
            if self.edition >= 3 {
                name_look(n)
            } else {
                n.trim().to_lowercase()
            }
        };
        let wanted = look(name);
        self.seats
            .iter()
            .find(|(_, s)| look(&s.name) == wanted)
            .map(|(id, _)| *id)
    }

    pub fn seats_in_role(&self, role: RoleIdx) -> impl Iterator<Item = (&SeatId, &Seat)> {
        self.seats.iter().filter(move |(_, s)| s.role == Some(role))
    }

    /// The single entry point: checks the intent against sender, role and phase, applies it, and
    /// says what happened. A refused intent changes nothing.
    pub fn apply(&mut self, sender: Sender, intent: &Intent) -> Result<Vec<Event>, RuleError> {
        let mut ev = Vec::new();
        if intent.is_facilitator_only() && !sender.is_facilitator() {
            return Err(RuleError::NotFacilitator);
        }
        if self.phase == Phase::Ended
            && !matches!(
                intent,
                Intent::Override { .. }
                    | Intent::Revoke
                    | Intent::Note { .. }
                    | Intent::ObserverNote { .. }
            )
        {
            return Err(RuleError::SessionOver);
        }
        match intent {
            Intent::AddSeat { name, role, bot } => {
                self.add_seat(name, role.as_deref(), *bot, &mut ev)?
            }
            Intent::ChooseRole { role } => {
                let seat = self.seat_of(sender)?;
                self.need(
                    &[Phase::Lobby],
                    "the lobby (after that the facilitator moves players)",
                )?;
                let r = self.role_idx(role)?;
                self.seat_into_role(seat, r, &mut ev)?;
            }
            Intent::Vote {
                round,
                step,
                option,
            } => self.vote(sender, *round, *step, *option, &mut ev)?,
            Intent::MoveSeat { seat, role } => {
                if !self.seats.contains_key(seat) {
                    return Err(RuleError::UnknownSeat(*seat));
                }
                let r = self.role_idx(role)?;
                if self.seat_into_role(*seat, r, &mut ev)? {
                    self.drop_vote(*seat);
                    self.resolve_if_complete(&mut ev);
                }
            }
            Intent::RemoveSeat { seat } => {
                if self.seats.remove(seat).is_none() {
                    return Err(RuleError::UnknownSeat(*seat));
                }
                ev.push(Event::SeatRemoved { seat: *seat });
                self.drop_vote(*seat);
                self.resolve_if_complete(&mut ev);
            }
            Intent::Start => {
                self.need(&[Phase::Lobby], "the lobby")?;
                self.round = 1;
                self.begin_round(&mut ev);
            }
            Intent::Pause => {
                if !self.paused {
                    self.paused = true;
                }
            }
            Intent::Resume => {
                if self.paused {
                    self.paused = false;
                }
            }
            Intent::SetTimer { secs } => {
                if *secs == 0 || *secs > MAX_TIMER_SECS {
                    return Err(RuleError::BadTimer);
                }
                // For the decisions to come: the one under way keeps at least what it had.
                if matches!(self.phase, Phase::Briefing | Phase::Deciding) && self.timer_secs > 0 {
                    self.extra_secs = self.decision_secs().saturating_sub(*secs);
                }
                self.timer_secs = *secs;
            }
            Intent::ExtendTimer { secs } => {
                self.need(
                    &[Phase::Briefing, Phase::Deciding],
                    "a card being read or decided",
                )?;
                let extra = self.extra_secs.saturating_add(*secs);
                if *secs == 0 || self.timer_secs.saturating_add(extra) > MAX_TIMER_SECS {
                    return Err(RuleError::BadTimer);
                }
                self.extra_secs = extra;
            }
            Intent::Advance => self.advance(&mut ev)?,
            Intent::Skip => {
                self.need(
                    &[Phase::Briefing, Phase::Deciding],
                    "a card being read or decided",
                )?;
                self.current = None;
                self.undo = None;
                self.draw_and_open(&mut ev);
            }
            Intent::ChooseNext { card } => {
                let c = self.card_idx(card)?;
                self.next_card = Some(c);
            }
            Intent::Inject { card } => {
                let c = self.card_idx(card)?;
                self.need(
                    &[Phase::Briefing, Phase::Deciding],
                    "a card being read or decided",
                )?;
                if self
                    .current
                    .as_ref()
                    .is_some_and(|cur| !cur.choices.is_empty())
                {
                    return Err(RuleError::CardUnderway);
                }
                if let Some(cur) = self.current.take() {
                    // The set-aside card stays in the pile: it was not played.
                    self.played[cur.card] = self.played[cur.card].saturating_sub(1);
                }
                self.open_card(c);
            }
            Intent::Decide { option } => {
                self.need(&[Phase::Briefing, Phase::Deciding], "an open step")?;
                self.check_option(*option)?;
                self.resolve(*option, DecidedBy::Facilitator, &mut ev);
            }
            Intent::Override { option } => {
                let undo = self.undo.as_ref().ok_or(RuleError::NothingToUndo)?;
                let options = undo
                    .current
                    .as_ref()
                    .map_or(0, |c| self.deck.cards[c.card].steps[c.step].options.len());
                if *option >= options {
                    return Err(RuleError::UnknownOption(*option));
                }
                let undo = self.undo.take().expect("checked above");
                self.restore(*undo);
                self.resolve(*option, DecidedBy::Override, &mut ev);
            }
            Intent::Revoke => {
                let undo = self.undo.take().ok_or(RuleError::NothingToUndo)?;
                self.restore(*undo);
                if let Some(cur) = self.current.as_mut() {
                    cur.votes.clear();
                }
                self.phase = Phase::Deciding;
            }
            Intent::End => {
                self.undo = None;
                self.finish(Ending::Facilitator, &mut ev);
            }
            Intent::Note { text } => {
                let text = checked_note(text)?;
                self.notes.push(Note {
                    // After the last round (the debrief) a note belongs to the last one.
                    round: self.round.min(self.rounds),
                    text: text.to_string(),
                });
            }
            Intent::ObserverNote { name, text } => {
                if sender != Sender::Observer {
                    return Err(RuleError::NotObserver);
                }
                let name = checked_name_under(self.edition, name)?;
                let text = checked_note(text)?;
                let word = super::words::say(super::Lang::Nl, "common.observer", &[]);
                let text = checked_note(&format!("{name} ({word}): {text}"))?.to_string();
                if self.notes.len() >= MAX_OBSERVER_NOTES {
                    return Err(RuleError::NotesFull);
                }
                self.notes.push(Note {
                    round: self.round.min(self.rounds),
                    text,
                });
            }
            Intent::SetProgramme {
                programme,
                cards,
                rounds,
            } => {
                self.need(&[Phase::Lobby], "the lobby")?;
                let (chosen, default_rounds) = self.programme_for(programme.as_deref(), cards)?;
                let rounds = if *rounds == 0 {
                    default_rounds
                } else {
                    *rounds
                };
                if rounds == 0 || rounds > MAX_ROUNDS {
                    return Err(RuleError::BadProgramme);
                }
                self.programme = chosen;
                self.rounds = rounds;
            }
        }
        Ok(ev)
    }

    /// The programme an intent names, and its rounds.
    fn programme_for(
        &self,
        programme: Option<&str>,
        cards: &[String],
    ) -> Result<(Option<Programme>, u32), RuleError> {
        if let Some(id) = programme {
            let spec = self
                .deck
                .programme(id)
                .ok_or_else(|| RuleError::UnknownProgramme(id.to_string()))?;
            return Ok((
                Some(Programme {
                    id: Some(spec.id.clone()),
                    cards: spec.cards.clone(),
                    in_order: false,
                    standalone: spec.named.clone(),
                }),
                spec.rounds,
            ));
        }
        if cards.is_empty() {
            return Ok((None, self.deck.rounds));
        }
        let mut picked = Vec::with_capacity(cards.len());
        for id in cards {
            let c = self.card_idx(id)?;
            if picked.contains(&c) {
                return Err(RuleError::BadProgramme);
            }
            picked.push(c);
        }
        let n = picked.len() as u32;
        Ok((
            Some(Programme {
                id: None,
                cards: picked,
                in_order: true,
                standalone: Vec::new(),
            }),
            n,
        ))
    }

    /// The programme's name for people: the deck's name for it, or `None` for a pick or the
    /// whole deck.
    pub fn programme_spec(&self) -> Option<&super::deck::ProgrammeSpec> {
        let id = self.programme.as_ref()?.id.as_deref()?;
        self.deck.programme(id)
    }

    /// What this session plays, for the debrief and the report: the programme's name, or the
    /// facilitator's pick; `None` for the whole deck.
    pub fn programme_text(&self) -> Option<super::text::Text> {
        let p = self.programme.as_ref()?;
        if let Some(spec) = self.programme_spec() {
            return Some(spec.name.clone());
        }
        let said = |lang: super::Lang| {
            let titles: Vec<&str> = p
                .cards
                .iter()
                .map(|c| self.deck.cards[*c].title.get(lang))
                .collect();
            super::words::say(lang, "report.own_pick", &[("cards", &titles.join(", "))])
        };
        Some(super::text::Text::new(
            said(super::Lang::Nl),
            said(super::Lang::En),
        ))
    }

    // --- checks ---------------------------------------------------------------------------

    fn need(&self, phases: &[Phase], needed: &str) -> Result<(), RuleError> {
        if phases.contains(&self.phase) {
            Ok(())
        } else {
            Err(RuleError::WrongPhase {
                phase: self.phase,
                needed: needed.to_string(),
            })
        }
    }

    fn seat_of(&self, sender: Sender) -> Result<SeatId, RuleError> {
        match sender {
            Sender::Seat(id) if self.seats.contains_key(&id) => Ok(id),
            Sender::Seat(id) => Err(RuleError::UnknownSeat(id)),
            _ => Err(RuleError::UnknownSeat(0)),
        }
    }

    fn role_idx(&self, id: &str) -> Result<RoleIdx, RuleError> {
        self.deck
            .role_index(id)
            .ok_or_else(|| RuleError::UnknownRole(id.to_string()))
    }

    fn card_idx(&self, id: &str) -> Result<CardIdx, RuleError> {
        self.deck
            .card_index(id)
            .ok_or_else(|| RuleError::UnknownCard(id.to_string()))
    }

    fn check_option(&self, option: usize) -> Result<(), RuleError> {
        let cur = self
            .current
            .as_ref()
            .ok_or(RuleError::UnknownOption(option))?;
        if option < self.deck.cards[cur.card].steps[cur.step].options.len() {
            Ok(())
        } else {
            Err(RuleError::UnknownOption(option))
        }
    }

    // --- roster ---------------------------------------------------------------------------

    fn add_seat(
        &mut self,
        name: &str,
        role: Option<&str>,
        bot: bool,
        ev: &mut Vec<Event>,
    ) -> Result<(), RuleError> {
        let name = checked_name_under(self.edition, name)?;
        if self.edition >= 3 && self.seats.len() >= MAX_SEATS {
            return Err(RuleError::TableFull);
        }
        if self.seat_named(name).is_some() {
            return Err(RuleError::NameTaken(name.to_string()));
        }
        let role = role.map(|r| self.role_idx(r)).transpose()?;
        let seat = self.next_seat;
        self.next_seat += 1;
        self.seats.insert(
            seat,
            Seat {
                name: name.to_string(),
                role: None,
                bot,
            },
        );
        ev.push(Event::SeatAdded {
            seat,
            name: name.to_string(),
            role,
            bot,
        });
        if let Some(r) = role {
            self.seat_into_role(seat, r, ev)?;
        }
        Ok(())
    }

    /// Puts a seat into a role; false when it already had it. A human taking a role sends its
    /// bots home: bots only fill roles nobody plays. Asking again for the role one has changes
    /// nothing, so a double tap (or a flood of the same frame) cannot send home a bot the
    /// facilitator added since.
    fn seat_into_role(
        &mut self,
        seat: SeatId,
        role: RoleIdx,
        ev: &mut Vec<Event>,
    ) -> Result<bool, RuleError> {
        if self.seats.get(&seat).is_some_and(|s| s.role == Some(role)) {
            return Ok(false);
        }
        let is_bot = self.seats.get(&seat).is_some_and(|s| s.bot);
        if let Some(max) = self.deck.roles[role].max_players {
            let taken = self
                .seats
                .iter()
                .filter(|(id, s)| **id != seat && s.role == Some(role) && (is_bot || !s.bot))
                .count();
            if taken as u32 >= max {
                // Undo a seat added in this same intent.
                if let Some(Event::SeatAdded { seat: added, .. }) = ev.last()
                    && *added == seat
                {
                    self.seats.remove(&seat);
                    self.next_seat -= 1;
                    ev.pop();
                }
                return Err(RuleError::RoleFull(self.deck.roles[role].id.clone()));
            }
        }
        if !is_bot {
            let bots: Vec<SeatId> = self
                .seats
                .iter()
                .filter(|(_, s)| s.bot && s.role == Some(role))
                .map(|(id, _)| *id)
                .collect();
            for b in bots {
                self.seats.remove(&b);
                self.drop_vote(b);
                ev.push(Event::SeatRemoved { seat: b });
            }
        }
        if let Some(s) = self.seats.get_mut(&seat) {
            s.role = Some(role);
        }
        ev.push(Event::SeatMoved { seat, role });
        Ok(true)
    }

    fn drop_vote(&mut self, seat: SeatId) {
        if let Some(cur) = self.current.as_mut() {
            cur.votes.retain(|(s, _)| *s != seat);
        }
    }

    // --- voting ---------------------------------------------------------------------------

    fn vote(
        &mut self,
        sender: Sender,
        round: u32,
        step: usize,
        option: usize,
        ev: &mut Vec<Event>,
    ) -> Result<(), RuleError> {
        let seat = self.seat_of(sender)?;
        self.need(&[Phase::Briefing, Phase::Deciding], "an open step")?;
        if self.paused {
            return Err(RuleError::Paused);
        }
        let Some(cur) = self.current.as_ref() else {
            return Err(RuleError::StaleVote { round, step });
        };
        if round != self.round || step != cur.step {
            return Err(RuleError::StaleVote { round, step });
        }
        let role = self.deck.cards[cur.card].steps[cur.step].role;
        match self.seats[&seat].role {
            None => return Err(RuleError::NoRole),
            Some(r) if r != role => {
                return Err(RuleError::NotYourRole {
                    expected: self.deck.roles[role].id.clone(),
                    actual: self.deck.roles[r].id.clone(),
                });
            }
            Some(_) => {}
        }
        self.check_option(option)?;
        if self.phase == Phase::Briefing {
            // A vote during the briefing means the role is ready: open the decision.
            self.phase = Phase::Deciding;
        }
        let cur = self.current.as_mut().expect("checked above");
        cur.votes.retain(|(s, _)| *s != seat);
        cur.votes.push((seat, option));
        ev.push(Event::VoteCast { seat });
        self.resolve_if_complete(ev);
        Ok(())
    }

    /// Resolves the open step once every seat of its role has voted.
    fn resolve_if_complete(&mut self, ev: &mut Vec<Event>) {
        if self.phase != Phase::Deciding {
            return;
        }
        let (Some(role), Some(cur)) = (self.deciding_role(), self.current.as_ref()) else {
            return;
        };
        let all = {
            let mut seats = self.seats_in_role(role).peekable();
            seats.peek().is_some() && seats.all(|(id, _)| cur.votes.iter().any(|(s, _)| s == id))
        };
        if all && let Some(option) = self.majority() {
            self.resolve(option, DecidedBy::Vote, ev);
        }
    }

    /// The option with most votes. A tie goes to the tied option whose latest vote came first:
    /// the option the room settled on earliest. Deterministic, because votes keep their order.
    pub fn majority(&self) -> Option<usize> {
        let cur = self.current.as_ref()?;
        let n = self.deck.cards[cur.card].steps[cur.step].options.len();
        let mut count = vec![0u32; n];
        let mut settled = vec![usize::MAX; n];
        for (i, (_, o)) in cur.votes.iter().enumerate() {
            count[*o] += 1;
            settled[*o] = i;
        }
        (0..n).filter(|o| count[*o] > 0).max_by(|a, b| {
            count[*a]
                .cmp(&count[*b])
                .then(settled[*b].cmp(&settled[*a]))
        })
    }

    // --- phases ---------------------------------------------------------------------------

    fn advance(&mut self, ev: &mut Vec<Event>) -> Result<(), RuleError> {
        match self.phase {
            Phase::Lobby => Err(RuleError::WrongPhase {
                phase: Phase::Lobby,
                needed: "a started session (use Start)".into(),
            }),
            Phase::Briefing => {
                self.phase = Phase::Deciding;
                Ok(())
            }
            Phase::Deciding => {
                let option = self.majority().ok_or(RuleError::NoVotes)?;
                self.resolve(option, DecidedBy::Vote, ev);
                Ok(())
            }
            Phase::Resolved => {
                self.undo = None;
                self.next_step_or_round(ev);
                Ok(())
            }
            Phase::Ended => Err(RuleError::SessionOver),
        }
    }

    fn next_step_or_round(&mut self, ev: &mut Vec<Event>) {
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        let card = &self.deck.cards[cur.card];
        let next = (cur.step + 1..card.steps.len()).find(|s| {
            let only = &card.steps[*s].only_if;
            only.is_empty() || only.iter().any(|c| cur.choices.contains(c))
        });
        if let Some(step) = next {
            cur.step = step;
            cur.votes.clear();
            self.phase = Phase::Deciding;
            return;
        }
        self.current = None;
        self.meter_history.push(self.meters.clone());
        self.round += 1;
        self.begin_round(ev);
    }

    fn begin_round(&mut self, ev: &mut Vec<Event>) {
        if self.round > self.rounds {
            self.finish(Ending::Completed, ev);
            return;
        }
        let mut i = 0;
        while i < self.pending.len() {
            if self.pending[i].due_round <= self.round
                && let Pending::Meter { meter, by } = self.pending[i].what
            {
                self.pending.remove(i);
                self.shift_meter(meter, by, ev);
                continue;
            }
            i += 1;
        }
        // A later effect that crossed a warning threshold is news at the start of the round.
        let (ended, warnings) = self.check_thresholds(ev);
        self.round_warnings = warnings;
        if ended {
            return;
        }
        self.draw_and_open(ev);
    }

    fn draw_and_open(&mut self, ev: &mut Vec<Event>) {
        match self.draw() {
            Some(card) => self.open_card(card),
            None => self.finish(Ending::DeckExhausted, ev),
        }
    }

    fn open_card(&mut self, card: CardIdx) {
        self.played[card] += 1;
        self.extra_secs = 0;
        let first = self.deck.cards[card]
            .steps
            .iter()
            .position(|s| s.only_if.is_empty())
            .unwrap_or(0);
        self.current = Some(Current {
            card,
            step: first,
            choices: Vec::new(),
            votes: Vec::new(),
        });
        self.phase = Phase::Briefing;
    }

    /// The facilitator's choice first, then a follow-up that is due, then (edition 2) a crisis
    /// that a raised flag opened, then the programme: a pick in its order, a deck's programme or
    /// the whole deck by weight among the cards whose conditions hold. A pick that needs every
    /// round left comes before follow-ups and crises, so it is played whole.
    fn draw(&mut self) -> Option<CardIdx> {
        if let Some(card) = self.next_card.take() {
            return Some(card);
        }
        if self.edition < 2 {
            return self
                .take_due_follow_up()
                .or_else(|| self.weighted(|s, i| s.drawable(i)));
        }
        // The closing card has the last round, whatever else is due.
        if self.round == self.rounds
            && let Some(card) =
                self.weighted(|s, i| s.deck.cards[i].when.last_round && s.in_programme(i))
        {
            return Some(card);
        }
        let spare = self.spare_round();
        if spare {
            if let Some(card) = self.take_due_follow_up() {
                return Some(card);
            }
            if let Some(card) =
                self.weighted(|s, i| s.drawable(i) && s.deck.cards[i].opened_by_flag())
            {
                return Some(card);
            }
        }
        if let Some(p) = self.programme.as_ref().filter(|p| p.in_order)
            && let Some(card) = p.cards.iter().copied().find(|c| self.played[*c] == 0)
        {
            return Some(card);
        }
        self.weighted(|s, i| s.in_programme(i))
    }

    /// Whether this round may go to a follow-up or a crisis: always, unless the facilitator's
    /// pick needs every round left.
    fn spare_round(&self) -> bool {
        match &self.programme {
            Some(p) if p.in_order => {
                let left = p.cards.iter().filter(|c| self.played[**c] == 0).count() as u32;
                self.rounds.saturating_add(1).saturating_sub(self.round) > left
            }
            _ => true,
        }
    }

    /// Whether a random draw may take this card under the programme. A crisis a flag opens
    /// belongs to every programme; once a pick is played out, the whole deck fills the rounds
    /// left.
    fn in_programme(&self, card: CardIdx) -> bool {
        match &self.programme {
            None => self.drawable(card),
            Some(p) if p.in_order => {
                p.cards.iter().all(|c| self.played[*c] > 0) && self.drawable(card)
            }
            Some(p) if p.cards.contains(&card) => {
                self.drawable_as(card, p.standalone.contains(&card))
            }
            Some(_) => self.deck.cards[card].opened_by_flag() && self.drawable(card),
        }
    }

    fn take_due_follow_up(&mut self) -> Option<CardIdx> {
        let due = self
            .pending
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.due_round <= self.round && matches!(p.what, Pending::FollowUp { .. })
            })
            .min_by_key(|(_, p)| p.due_round)
            .map(|(i, _)| i)?;
        match self.pending.remove(due).what {
            Pending::FollowUp { card } => Some(card),
            Pending::Meter { .. } => None,
        }
    }

    /// A draw by weight among the cards `eligible` lets through; `None` (and no roll of the
    /// dice) when none has weight.
    fn weighted(&mut self, eligible: impl Fn(&Session, CardIdx) -> bool) -> Option<CardIdx> {
        let mut total = 0.0f64;
        let mut weights = Vec::with_capacity(self.deck.cards.len());
        for (i, card) in self.deck.cards.iter().enumerate() {
            let w = if eligible(self, i) {
                let bonus: f32 = card
                    .weight_per_point
                    .iter()
                    .map(|(m, w)| w * self.meters[*m] as f32)
                    .sum();
                f64::from((card.weight + bonus).max(0.0))
            } else {
                0.0
            };
            total += w;
            weights.push(w);
        }
        if total <= 0.0 {
            return None;
        }
        let mut pick = self.rng.random_range(0.0..total);
        for (i, w) in weights.iter().enumerate() {
            if *w > 0.0 {
                if pick < *w {
                    return Some(i);
                }
                pick -= w;
            }
        }
        weights.iter().rposition(|w| *w > 0.0)
    }

    /// The round a delayed effect chosen now lands in. From edition 2 an effect that would
    /// fall after the last round lands in the last round: consequences come before the debrief
    /// (one chosen in the last round itself comes too late).
    fn later_due(&self, rounds: u32) -> u32 {
        self.later_due_from(self.round, rounds)
    }

    /// The round a delayed effect chosen in `round` lands in (see `later_due`); the balance
    /// simulation asks it of decisions already made.
    pub(crate) fn later_due_from(&self, round: u32, rounds: u32) -> u32 {
        let due = round.saturating_add(rounds);
        if self.edition >= 2 {
            due.min(self.rounds.max(round))
        } else {
            due
        }
    }

    /// Whether a card may come up in a random draw now.
    fn drawable(&self, card: CardIdx) -> bool {
        self.drawable_as(card, false)
    }

    /// As [`Session::drawable`]; `named` when the programme names the card, which lets a
    /// follow-up-only card come up by itself too.
    fn drawable_as(&self, card: CardIdx, named: bool) -> bool {
        let c = &self.deck.cards[card];
        if (c.follow_up_only && !named) || (!c.repeatable && self.played[card] > 0) {
            return false;
        }
        let w = &c.when;
        if w.last_round && self.round != self.rounds {
            return false;
        }
        self.round >= w.from_round
            && self.round <= w.until_round
            && w.meters
                .iter()
                .all(|(m, lo, hi)| (*lo..=*hi).contains(&self.meters[*m]))
            && w.flags.iter().all(|f| self.flags[*f])
            && w.not_flags.iter().all(|f| !self.flags[*f])
    }

    // --- resolution -----------------------------------------------------------------------

    fn resolve(&mut self, option: usize, by: DecidedBy, ev: &mut Vec<Event>) {
        let Some(cur) = self.current.clone() else {
            return;
        };
        self.undo = Some(Box::new(Undo {
            meters: self.meters.clone(),
            flags: self.flags.clone(),
            pending: self.pending.clone(),
            current: self.current.clone(),
            decisions: self.decisions.len(),
            ended: self.ending.clone(),
            rng: self.rng.clone(),
        }));
        let deck = Arc::clone(&self.deck);
        let step = &deck.cards[cur.card].steps[cur.step];
        let mut split = vec![0u32; step.options.len()];
        for (_, o) in &cur.votes {
            split[*o] += 1;
        }
        let in_role = self.seats_in_role(step.role).count() as u32;
        let voted = cur.votes.len() as u32;
        let before = self.meters.clone();
        self.extra_secs = 0;
        let mut chances = Vec::new();
        self.apply_effects(&step.options[option].effects, &mut chances, ev);
        if let Some(c) = self.current.as_mut() {
            c.choices.push((cur.step, option));
            c.votes.clear();
        }
        self.decisions.push(Decision {
            round: self.round,
            card: cur.card,
            step: cur.step,
            role: step.role,
            option,
            split,
            abstained: in_role.saturating_sub(voted),
            by,
            chances,
            warnings: Vec::new(),
            meters_before: before,
            meters_after: self.meters.clone(),
        });
        ev.push(Event::Resolved {
            decision: self.decisions.len() - 1,
        });
        let (ended, warnings) = self.check_thresholds(ev);
        if let Some(d) = self.decisions.last_mut() {
            d.warnings = warnings;
        }
        if !ended {
            self.phase = Phase::Resolved;
        }
    }

    fn apply_effects(&mut self, effects: &[Effect], chances: &mut Vec<bool>, ev: &mut Vec<Event>) {
        for e in effects {
            match e {
                Effect::Meter { meter, by } => self.shift_meter(*meter, *by, ev),
                Effect::Later { meter, by, rounds } => self.pending.push(Scheduled {
                    due_round: self.later_due(*rounds),
                    what: Pending::Meter {
                        meter: *meter,
                        by: *by,
                    },
                }),
                Effect::SetFlag(f) => self.set_flag(*f, true),
                Effect::ClearFlag(f) => self.set_flag(*f, false),
                Effect::FollowUp { card, rounds } => {
                    let mut due_round = self.round.saturating_add((*rounds).max(1));
                    // From edition 2 a follow-up comes while the room can still feel it: before
                    // the closing round when there is room for that.
                    if self.edition >= 2 && self.round < self.rounds {
                        let latest = if self.round + 1 < self.rounds {
                            self.rounds - 1
                        } else {
                            self.rounds
                        };
                        due_round = due_round.min(latest);
                    }
                    self.pending.push(Scheduled {
                        due_round,
                        what: Pending::FollowUp { card: *card },
                    });
                    ev.push(Event::FollowUpScheduled {
                        card: *card,
                        due_round,
                    });
                }
                Effect::Chance {
                    percent, effects, ..
                } => {
                    let hit = self.rng.random_range(0..100u32) < *percent;
                    chances.push(hit);
                    if hit {
                        self.apply_effects(effects, chances, ev);
                    }
                }
            }
        }
    }

    fn shift_meter(&mut self, meter: MeterIdx, by: i32, ev: &mut Vec<Event>) {
        let from = self.meters[meter];
        let to = self.deck.meters[meter].clamp(i64::from(from) + i64::from(by));
        if to != from {
            self.meters[meter] = to;
            ev.push(Event::MeterChanged { meter, from, to });
        }
    }

    fn set_flag(&mut self, flag: FlagIdx, set: bool) {
        self.flags[flag] = set;
    }

    /// Fires thresholds; returns whether the session ended, and the warning thresholds
    /// (those that raise a flag) that fired, for the room to hear.
    fn check_thresholds(&mut self, ev: &mut Vec<Event>) -> (bool, Vec<(MeterIdx, usize)>) {
        let deck = Arc::clone(&self.deck);
        let mut warnings = Vec::new();
        for (m, meter) in deck.meters.iter().enumerate() {
            for (t, th) in meter.thresholds.iter().enumerate() {
                if !th.when.crossed_by(self.meters[m]) {
                    continue;
                }
                match th.then {
                    Then::EndSession => {
                        self.finish(
                            Ending::Threshold {
                                meter: m,
                                threshold: t,
                            },
                            ev,
                        );
                        return (true, warnings);
                    }
                    Then::SetFlag(f) => {
                        if !self.flags[f] {
                            self.set_flag(f, true);
                            warnings.push((m, t));
                        }
                    }
                }
            }
        }
        (false, warnings)
    }

    fn finish(&mut self, ending: Ending, ev: &mut Vec<Event>) {
        if self.current.is_some() || self.meter_history.last() != Some(&self.meters) {
            self.meter_history.push(self.meters.clone());
        }
        self.phase = Phase::Ended;
        self.ending = Some(ending.clone());
        ev.push(Event::Ended { ending });
    }

    fn restore(&mut self, undo: Undo) {
        self.meters = undo.meters;
        self.flags = undo.flags;
        self.pending = undo.pending;
        self.current = undo.current;
        self.decisions.truncate(undo.decisions);
        self.rng = undo.rng;
        if self.ending.is_some() && undo.ended.is_none() {
            // The resolution had ended the session; its closing meter snapshot goes too.
            self.meter_history.pop();
        }
        self.ending = undo.ended;
        self.phase = Phase::Resolved;
    }
}
