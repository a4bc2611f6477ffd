//! The wire: message enums, channels, versioning and size limits, for host and clients alike.

use std::time::Duration;

use renet::{ChannelConfig, ConnectionConfig, SendType};
use serde::{Deserialize, Serialize};

use crate::rules::session::{Intent, RuleError, SeatId};
use crate::rules::view::View;
use crate::rules::{Lang, Text};

use super::patch::Patch;

/// Bumped whenever a message changes shape. Part of the netcode protocol id, so clients of
/// another version cannot connect by accident; the info port tells them why.
pub const PROTOCOL_VERSION: u16 = 6;
/// "KANTEL" in ASCII, then the version.
pub(crate) const PROTOCOL_ID: u64 = 0x4b41_4e54_454c_0000 | PROTOCOL_VERSION as u64;

/// The game port a host listens on unless told otherwise. The info port is the next one.
pub const DEFAULT_PORT: u16 = 47_470;
/// Where hosts announce themselves and `kantelspel sessions` listens.
pub const DISCOVERY_PORT: u16 = 47_469;

/// A client message longer than this is refused before decoding: a hello or an intent is a few
/// dozen bytes.
pub const MAX_CLIENT_MESSAGE: usize = 1024;
/// Views grow with the roster and the debrief; this bounds what a client will decode.
const MAX_HOST_MESSAGE: usize = 512 * 1024;
/// Messages a client may send per second before the host drops it as a flood.
pub(crate) const MAX_CLIENT_MESSAGES_PER_SEC: u32 = 60;
/// How long netcode waits for a silent peer. A closed lid longer than this is a reconnect.
pub(crate) const TIMEOUT_SECS: i32 = 15;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Everything: intents one way, views and refusals the other. Ordered and reliable,
    /// because a vote must never be lost or overtaken.
    Reliable,
}

impl From<Channel> for u8 {
    fn from(c: Channel) -> u8 {
        match c {
            Channel::Reliable => 0,
        }
    }
}

/// What the host may hold unacknowledged for one player: a few whole screens.
pub(crate) const HOST_CHANNEL_BYTES: usize = 8 * 1024 * 1024;
/// What a player may hold unacknowledged; a client that fills it is disconnected by renet.
pub(crate) const PLAYER_CHANNEL_BYTES: usize = 64 * 1024;

/// The one connection configuration both sides use.
pub fn connection_config() -> ConnectionConfig {
    let channel = |bytes| {
        vec![ChannelConfig {
            channel_id: Channel::Reliable.into(),
            max_memory_usage_bytes: bytes,
            send_type: SendType::ReliableOrdered {
                resend_time: Duration::from_millis(150),
            },
        }]
    };
    ConnectionConfig {
        available_bytes_per_tick: 120_000,
        server_channels_config: channel(HOST_CHANNEL_BYTES),
        client_channels_config: channel(PLAYER_CHANNEL_BYTES),
    }
}

/// From a player's laptop to the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// The first message after connecting: who this is and which role they would like.
    Hello {
        version: u16,
        name: String,
        role: Option<String>,
        /// The secret from an earlier `Welcome`, to take the seat back after a reconnect.
        rejoin: Option<u64>,
        /// The language the screen shows: the host sends its texts in that one.
        lang: Lang,
        /// The table to sit at, numbered from 1 as the room sees them; the host chooses (the
        /// emptiest) when left out. A seat token finds its own table whatever this says.
        table: Option<u8>,
    },
    /// The player switched language: send the screen again in this one.
    Lang(Lang),
    /// A player's intent: choose a role, vote. Nothing else can be said on the wire.
    Intent(PlayerIntent),
    /// A difference arrived for a screen this client does not have: send the whole screen.
    Resync,
}

/// All that a player's device can ask of the host once seated. The rules' `Intent` (start, end,
/// override, ...) has no spelling here, so a facilitator's intent cannot even be sent; the host's
/// `verify` maps this to the rules' `Intent` for the seat that sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlayerIntent {
    /// Pick a role in the lobby.
    ChooseRole { role: String },
    /// A vote on the step the player saw (round and step name it).
    Vote {
        round: u32,
        step: usize,
        option: usize,
    },
}

impl PlayerIntent {
    /// The rules' intent this stands for.
    pub(crate) fn into_intent(self) -> Intent {
        match self {
            PlayerIntent::ChooseRole { role } => Intent::ChooseRole { role },
            PlayerIntent::Vote {
                round,
                step,
                option,
            } => Intent::Vote {
                round,
                step,
                option,
            },
        }
    }
}

/// From the host to one player.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum HostMsg {
    /// The player has a seat (new, or their old one back after a reconnect).
    Welcome {
        seat: SeatId,
        session: String,
        rejoin: u64,
        /// The player's table in a workshop of several (from 1), for their screen to show.
        table: Option<u8>,
    },
    /// Something the player sent was not accepted. Fatal refusals are followed by a disconnect.
    Refused(Refusal),
    /// The session as this player may see it, and who is connected: the whole screen,
    /// numbered `seq`. Sent first, after a resync, and when a player changes role.
    State {
        seq: u64,
        view: Box<View>,
        connected: Vec<SeatId>,
        /// Seconds left on the decision timer, when one runs.
        timer_left: Option<u32>,
    },
    /// What changed since the screen numbered `patch.base` (the usual message).
    Patch(Patch),
    /// The session has started and the room is closed: the facilitator decides whether to let
    /// this player in. Nothing of the session is sent until then.
    Waiting { session: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    #[error(
        "version mismatch: the host speaks protocol {host}, this program {client}; use the same Kantelspel version as the host"
    )]
    VersionMismatch { host: u16, client: u16 },
    #[error("someone called `{0}` is already connected; choose another name")]
    NameInUse(String),
    #[error("{0}")]
    Rule(RuleError),
    #[error("the message could not be read")]
    Malformed,
    #[error("first say hello: send your name")]
    NotJoined,
    #[error("too many messages: the connection was closed")]
    Flooding,
    #[error("the host cannot save the session journal ({0}); tell the facilitator")]
    JournalFailed(String),
    #[error("the facilitator removed you from the session")]
    Removed,
    #[error("the facilitator did not let you in")]
    NotAdmitted,
    #[error("your seat was opened on another device; this one has let it go")]
    Replaced,
    #[error("there is no table {0} in this workshop")]
    NoSuchTable(u8),
    #[error("wait a moment before the next note")]
    NoteTooSoon,
}

impl Refusal {
    /// Refusals after which the host closes the connection.
    pub(crate) fn is_fatal(&self) -> bool {
        match self {
            Refusal::VersionMismatch { .. }
            | Refusal::NameInUse(_)
            | Refusal::Flooding
            | Refusal::Removed
            | Refusal::NotAdmitted
            | Refusal::Replaced
            | Refusal::NoSuchTable(_) => true,
            // Refused while joining: there is no seat to go back to.
            Refusal::Rule(
                RuleError::RoleFull(_)
                | RuleError::TableFull
                | RuleError::BadName
                | RuleError::NameTaken(_)
                | RuleError::UnknownRole(_),
            ) => true,
            _ => false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message of {0} bytes is over the limit")]
    TooLarge(usize),
    #[error("malformed message: {0}")]
    Malformed(#[from] postcard::Error),
}

pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    // Serialising our own plain data types cannot fail.
    postcard::to_allocvec(msg).unwrap_or_default()
}

pub(crate) fn decode_client(bytes: &[u8]) -> Result<ClientMsg, DecodeError> {
    if bytes.len() > MAX_CLIENT_MESSAGE {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    Ok(postcard::from_bytes(bytes)?)
}

pub fn decode_host(bytes: &[u8]) -> Result<HostMsg, DecodeError> {
    if bytes.len() > MAX_HOST_MESSAGE {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    Ok(postcard::from_bytes(bytes)?)
}

// ---------------------------------------------------------------------------------------------
// The browser's wire: JSON text frames over a WebSocket, mapped onto the same `ClientMsg`.
// ---------------------------------------------------------------------------------------------

/// A browser frame longer than this is refused before parsing; a hello is under 200 bytes.
pub(crate) const MAX_BROWSER_MESSAGE: usize = 2048;

/// From a browser. Only what a player may say: a facilitator intent has no spelling here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case", deny_unknown_fields)]
pub enum BrowserMsg {
    /// The first frame: the code read off the projector, a name, and the seat token from an
    /// earlier visit, if the page kept one.
    Hello {
        code: String,
        name: String,
        #[serde(default)]
        role: Option<String>,
        #[serde(default)]
        token: Option<String>,
        /// "nl" or "en": the language the page shows (Dutch when left out).
        #[serde(default)]
        lang: Option<String>,
        /// The table chosen on the page, from 1; the host chooses when left out.
        #[serde(default)]
        table: Option<u8>,
        /// The page can inflate deflated frames (it has `DecompressionStream`).
        #[serde(default)]
        zip: bool,
    },
    /// The first frame of the projector page (or an observer's): the public view of one table,
    /// read-only.
    Watch {
        code: String,
        #[serde(default)]
        lang: Option<String>,
        #[serde(default)]
        table: Option<u8>,
        /// An observer's name: one who gives it may write notes (they carry the name).
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        zip: bool,
    },
    /// An observer's note on what they see at the table, kept with the round it was made in.
    Note { text: String },
    /// The page switched language.
    Lang { lang: String },
    /// Choose a role in the lobby.
    Role { role: String },
    /// A vote on the step the player saw.
    Vote {
        round: u32,
        step: usize,
        option: usize,
    },
    /// A difference did not fit the page's screen: send the whole screen.
    Resync,
}

impl BrowserMsg {
    /// The code a first frame carries.
    pub fn code(&self) -> Option<&str> {
        match self {
            BrowserMsg::Hello { code, .. } | BrowserMsg::Watch { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether a first frame says the page takes deflated frames.
    pub fn zip(&self) -> bool {
        matches!(
            self,
            BrowserMsg::Hello { zip: true, .. } | BrowserMsg::Watch { zip: true, .. }
        )
    }
}

/// A seat token as the page stores it: the rejoin secret in hex.
fn token_text(secret: u64) -> String {
    format!("{secret:016x}")
}

fn parse_token(text: &str) -> Option<u64> {
    (text.len() == 16)
        .then(|| u64::from_str_radix(text, 16).ok())
        .flatten()
}

/// A browser frame as the host core's one gate reads it: a `ClientMsg` like any other. A hello
/// after joining is malformed; the code was checked at the door.
pub(crate) fn decode_browser(text: &str) -> Result<BrowserMsg, String> {
    if text.len() > MAX_BROWSER_MESSAGE {
        return Err(format!("message of {} bytes is over the limit", text.len()));
    }
    serde_json::from_str(text).map_err(|e| e.to_string())
}

impl BrowserMsg {
    /// What the same message would be from the native client; a watch has no such message (the
    /// door makes the link a watcher).
    pub(crate) fn into_client_msg(self) -> Option<ClientMsg> {
        Some(match self {
            BrowserMsg::Hello {
                name,
                role,
                token,
                lang,
                table,
                ..
            } => ClientMsg::Hello {
                version: PROTOCOL_VERSION,
                name,
                role,
                rejoin: token.as_deref().and_then(parse_token),
                lang: page_lang(lang.as_deref()),
                table,
            },
            BrowserMsg::Watch { .. } | BrowserMsg::Note { .. } => return None,
            BrowserMsg::Lang { lang } => ClientMsg::Lang(page_lang(Some(&lang))),
            BrowserMsg::Role { role } => ClientMsg::Intent(PlayerIntent::ChooseRole { role }),
            BrowserMsg::Resync => ClientMsg::Resync,
            BrowserMsg::Vote {
                round,
                step,
                option,
            } => ClientMsg::Intent(PlayerIntent::Vote {
                round,
                step,
                option,
            }),
        })
    }
}

/// A page's language code; Dutch for anything else.
pub fn page_lang(code: Option<&str>) -> Lang {
    code.and_then(Lang::from_code).unwrap_or_default()
}

/// To a browser: the same messages, as JSON, with refusals already in words.
#[derive(Serialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum ToBrowser<'a> {
    Welcome {
        seat: SeatId,
        session: &'a str,
        token: String,
        table: Option<u8>,
    },
    Refused {
        text: Text,
        fatal: bool,
        /// The seat was taken over by another device with its token: keep the token, do not
        /// reconnect by yourself.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        replaced: bool,
    },
    State {
        seq: u64,
        view: &'a View,
        connected: &'a [SeatId],
        timer_left: Option<u32>,
    },
    Patch(&'a Patch),
    Waiting {
        session: &'a str,
    },
}

pub(crate) fn browser_json(msg: &HostMsg) -> String {
    let out = match msg {
        HostMsg::Welcome {
            seat,
            session,
            rejoin,
            table,
        } => ToBrowser::Welcome {
            seat: *seat,
            session,
            token: token_text(*rejoin),
            table: *table,
        },
        HostMsg::Refused(r) => ToBrowser::Refused {
            text: r.text(),
            fatal: r.is_fatal(),
            replaced: *r == Refusal::Replaced,
        },
        HostMsg::State {
            seq,
            view,
            connected,
            timer_left,
        } => ToBrowser::State {
            seq: *seq,
            view,
            connected,
            timer_left: *timer_left,
        },
        HostMsg::Patch(patch) => ToBrowser::Patch(patch),
        HostMsg::Waiting { session } => ToBrowser::Waiting { session },
    };
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(&out).unwrap_or_default()
}

/// A refusal said at the door (before a seat exists), in words.
pub(crate) fn browser_refusal(text: Text) -> String {
    serde_json::to_string(&ToBrowser::Refused {
        text,
        fatal: true,
        replaced: false,
    })
    .unwrap_or_default()
}

impl Refusal {
    /// The refusal in both languages (`refusal.*` and `rule.*` in `assets/i18n`), for a screen
    /// that shows Dutch by default.
    pub fn text(&self) -> Text {
        use crate::words::text;
        match self {
            Refusal::VersionMismatch { host, client } => {
                text("refusal.version", &[("host", host), ("client", client)])
            }
            Refusal::NameInUse(n) => text("refusal.name_in_use", &[("name", n)]),
            Refusal::Rule(e) => rule_error_text(e),
            Refusal::Malformed => text("refusal.malformed", &[]),
            Refusal::NotJoined => text("refusal.not_joined", &[]),
            Refusal::Flooding => text("refusal.flooding", &[]),
            Refusal::JournalFailed(_) => text("refusal.journal", &[]),
            Refusal::Removed => text("refusal.removed", &[]),
            Refusal::NotAdmitted => text("refusal.not_admitted", &[]),
            Refusal::Replaced => text("refusal.replaced", &[]),
            Refusal::NoSuchTable(t) => text("refusal.no_such_table", &[("table", t)]),
            Refusal::NoteTooSoon => text("refusal.note_too_soon", &[]),
        }
    }
}

/// A rule's refusal in both languages.
fn rule_error_text(e: &RuleError) -> Text {
    use crate::words::text;
    match e {
        RuleError::NotFacilitator => text("rule.not_facilitator", &[]),
        RuleError::UnknownSeat(s) => text("rule.unknown_seat", &[("seat", s)]),
        RuleError::NoRole => text("rule.no_role", &[]),
        RuleError::NotYourRole { expected, actual } => text(
            "rule.not_your_role",
            &[("expected", expected), ("actual", actual)],
        ),
        RuleError::WrongPhase { .. } => text("rule.wrong_phase", &[]),
        RuleError::StaleVote { round, step } => text(
            "rule.stale_vote",
            &[("round", round), ("step", &(step + 1))],
        ),
        RuleError::UnknownOption(o) => text("rule.unknown_option", &[("option", &(o + 1))]),
        RuleError::UnknownRole(r) => text("rule.unknown_role", &[("role", r)]),
        RuleError::UnknownCard(c) => text("rule.unknown_card", &[("card", c)]),
        RuleError::SessionOver => text("rule.over", &[]),
        RuleError::Paused => text("rule.paused", &[]),
        RuleError::NoVotes => text("rule.no_votes", &[]),
        RuleError::NameTaken(n) => text("rule.name_taken", &[("name", n)]),
        RuleError::BadName => text(
            "rule.bad_name",
            &[("max", &crate::rules::session::MAX_NAME_CHARS)],
        ),
        RuleError::RoleFull(r) => text("rule.role_full", &[("role", r)]),
        RuleError::NothingToUndo => text("rule.nothing_to_undo", &[]),
        RuleError::BadTimer => text("rule.bad_timer", &[]),
        RuleError::CardUnderway => text("rule.card_underway", &[]),
        RuleError::NotObserver => text("rule.not_observer", &[]),
        RuleError::NotesFull => text("rule.notes_full", &[]),
        RuleError::TableFull => text("rule.table_full", &[]),
        RuleError::UnknownProgramme(p) => text("rule.unknown_programme", &[("programme", p)]),
        RuleError::BadProgramme => text(
            "rule.bad_programme",
            &[("max", &crate::rules::session::MAX_ROUNDS)],
        ),
        RuleError::BadNote => text(
            "rule.bad_note",
            &[("max", &crate::rules::session::MAX_NOTE_CHARS)],
        ),
    }
}

#[cfg(test)]
mod view_on_the_wire {
    use crate::rules::deck::Deck;
    use crate::rules::simulate::play_one;
    use crate::rules::view::{View, Viewer, view};

    /// postcard writes every field and skips none: a field that is left out when empty would
    /// make every later one misread on the native client.
    #[test]
    fn a_whole_view_survives_the_native_encoding_with_every_flag_either_way() {
        let deck = std::sync::Arc::new(Deck::default_deck().unwrap());
        let session = play_one(&deck, 7, 3, crate::rules::bot::Strategy::Random);
        let mut v = view(&session, Viewer::Record);
        assert!(!v.decisions.is_empty());
        for tied in [false, true] {
            for d in &mut v.decisions {
                d.tied = tied;
            }
            let bytes = super::encode(&v);
            let back: View = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back, v);
        }
    }
}
