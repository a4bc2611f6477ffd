//! The authoritative host, without Bevy or sockets: receive → verify → apply → journal → send.
//!
//! The Bevy plugin feeds it connections and datagram payloads and ships what it returns, so the
//! whole host can be driven and tested without a window or a network. One room a job: `links`
//! (connections, seats, the door), `gate` (decode and verify), `apply` (the rules and the
//! journal), `fanout` (views to every link), `reload` (a lobby that follows its deck file) and
//! `setup` (a new session, or one resumed from its journal).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::rules::Lang;
use crate::rules::bot::{self, Strategy};
use crate::rules::deck::RoleIdx;
use crate::rules::journal;
use crate::rules::session::{Event, Intent, Phase, RuleError, SeatId, Sender, Session};
use crate::rules::view::{Viewer, localize, view};

use super::code::JoinCode;
use super::journal_file::JournalFile;
use super::patch::{self, Patch, Screen};
use super::protocol::{
    self, BrowserMsg, ClientMsg, HostMsg, MAX_CLIENT_MESSAGES_PER_SEC, PROTOCOL_VERSION, Refusal,
};

mod apply;
mod fanout;
mod gate;
mod links;
mod reload;
mod setup;

pub use gate::Inbound;
pub use setup::{NewSession, Resumed, new_session, resume};

pub(crate) type ClientId = u64;

/// An observer writes a note at most this often.
pub(crate) const OBSERVER_NOTE_EVERY: Duration = Duration::from_secs(3);

/// A newcomer after the start whose link goes within [`HELLO_AND_GONE`] of the hello, without a
/// word, and is not back within this long leaves no seat behind: hellos that vanish make no
/// ghosts at the table.
pub const GHOST_WINDOW: Duration = Duration::from_secs(60);
/// A link that goes this soon after its hello never read its screen: a person stays longer.
pub const HELLO_AND_GONE: Duration = Duration::from_secs(5);

/// A seat made after the start, until its player says something or stays a while.
struct Fresh {
    since: Duration,
    /// When its last link went, if it did.
    left: Option<Duration>,
}

/// How often views go out when only votes or connections changed.
pub(crate) const VIEW_INTERVAL: Duration = Duration::from_millis(250);

/// How a player reaches the host. The rules cannot tell the two apart; only the encoding of
/// what goes back differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// The native client over renet: postcard.
    Udp,
    /// A browser over a WebSocket: JSON text.
    Web,
}

/// Someone at the door after the start, waiting for the facilitator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub client: ClientId,
    pub name: String,
    /// The role they asked for.
    pub role: Option<String>,
    /// A seat with their name whose token they do not hold: theirs, if the facilitator says so.
    pub claims: Option<SeatId>,
}

struct Conn {
    seat: Option<SeatId>,
    kind: LinkKind,
    /// A projector page: sees the public view, never has a seat.
    watching: bool,
    /// A watcher who gave a name: an observer, whose notes carry it.
    observer: Option<String>,
    /// When this link's last note was kept.
    last_note: Option<Duration>,
    window_start: Duration,
    messages: u32,
    /// The number of the screen this link holds, after which it gets differences.
    screen: Option<u64>,
    /// The language its screen shows: the only one its texts are sent in.
    lang: Lang,
    /// A page that inflates deflated frames (`net::zip`).
    zip: bool,
    /// The stream of its role's differences this page follows (its number), if any.
    stream: Option<u32>,
}

/// What the shell must do after the host has had its say.
#[derive(Default, Debug)]
pub struct Outgoing {
    /// To native clients over renet.
    pub messages: Vec<(ClientId, Vec<u8>)>,
    /// To browsers: JSON text, shared by everyone who gets the same view, with its kind.
    pub web: Vec<(ClientId, WebFrame)>,
    /// Connections to close (after their last message has gone out).
    pub disconnect: Vec<ClientId>,
}

/// One frame for a browser and what kind it is, so the web edge never reads its bytes to
/// decide what it may drop for a browser that falls behind.
#[derive(Clone, Debug)]
pub struct WebFrame {
    pub kind: FrameKind,
    pub text: Arc<str>,
    /// The same frame deflated (`net::zip`), for a page that can inflate it: a screen or a
    /// difference long enough to gain by it, alone or in its role's stream. Set by the fan-out,
    /// made once and shared like the text.
    pub zipped: Option<Arc<[u8]>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A whole screen: it makes every screen and difference before it moot.
    Screen,
    /// A difference to the screen before it.
    Difference,
    /// Anything else (a welcome, a refusal): always delivered.
    Reply,
}

impl WebFrame {
    /// The frame for a message to a browser.
    pub fn of(msg: &HostMsg) -> WebFrame {
        let kind = match msg {
            HostMsg::State { .. } => FrameKind::Screen,
            HostMsg::Patch(_) => FrameKind::Difference,
            _ => FrameKind::Reply,
        };
        WebFrame {
            kind,
            text: Arc::from(protocol::browser_json(msg)),
            zipped: None,
        }
    }
}

impl std::ops::Deref for WebFrame {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

pub struct HostCore {
    session: Session,
    journal: Option<JournalFile>,
    name: String,
    /// Its number in a workshop of several tables (from 1).
    table: Option<u8>,
    conns: BTreeMap<ClientId, Conn>,
    /// The secret every seat's token is derived from (kept in the journal's header, so a
    /// resumed host honours the tokens its players hold).
    seat_secret: u64,
    /// After the start a newcomer waits for the facilitator, unless the room is left open.
    room_open: bool,
    waiting: Vec<Waiting>,
    out: Outgoing,
    /// The views need sending again.
    dirty: bool,
    /// ...and at once: the game moved, not just a vote or a connection.
    urgent: bool,
    last_broadcast: Option<Duration>,
    /// Bumped whenever seats, connections or the door change: with `changes`, what a screen
    /// made of this core was made at.
    roster_version: u64,
    /// Bumped whenever the views need sending again: with `roster_version`, whether anything a
    /// screen shows may have changed.
    changes: u64,
    /// The last screen sent to each role (and to those without one) in each language, with its
    /// number: the base the next differences are taken from.
    screens: HashMap<(Option<RoleIdx>, Lang), (u64, Screen)>,
    next_screen: u64,
    /// Each role's differences in each language as one deflated stream, for pages that inflate.
    streams: HashMap<(Option<RoleIdx>, Lang), super::zip::Stream>,
    next_stream: u32,
    timer_left: Option<u32>,
    /// The shell's clock as of its last call (for what happens without one: a link going).
    clock: Duration,
    /// Seats made after the start (the room open) whose player has not said anything yet.
    fresh: HashMap<SeatId, Fresh>,
    rng: rand_chacha::ChaCha8Rng,
    /// What was accepted while the session waited in the lobby (seats, roles, the timer): played
    /// again on a deck reloaded there. Emptied at the start.
    lobby_log: Vec<(Sender, Intent)>,
    /// Which core this is, among all this process made: a table whose core is replaced
    /// starts counting its changes again.
    instance: u64,
}

impl HostCore {
    pub fn new(session: Session, journal: Option<JournalFile>, name: String) -> HostCore {
        use rand::SeedableRng;
        let seed = session.seed;
        let seat_secret = journal
            .as_ref()
            .map(JournalFile::seat_secret)
            .filter(|s| *s != 0)
            .unwrap_or_else(super::code::random_client_id);
        HostCore {
            session,
            journal,
            name,
            table: None,
            conns: BTreeMap::new(),
            seat_secret,
            room_open: false,
            waiting: Vec::new(),
            out: Outgoing::default(),
            dirty: true,
            urgent: true,
            last_broadcast: None,
            roster_version: 0,
            changes: 0,
            screens: HashMap::new(),
            next_screen: 1,
            streams: HashMap::new(),
            next_stream: 0,
            timer_left: None,
            clock: Duration::ZERO,
            fresh: HashMap::new(),
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xb07),
            lobby_log: Vec::new(),
            instance: {
                static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes this session table `n` (from 1) of a workshop: its players are told so.
    pub(crate) fn set_table(&mut self, n: u8) {
        self.table = Some(n);
    }

    /// Its number in a workshop of several tables.
    pub fn table(&self) -> Option<u8> {
        self.table
    }

    pub fn journal_path(&self) -> Option<&std::path::Path> {
        self.journal.as_ref().map(JournalFile::path)
    }

    /// Grows whenever anything the host's screens show may have changed: the window draws again.
    pub fn changes(&self) -> u64 {
        self.changes + self.roster_version
    }

    /// This core and its [`changes`](Self::changes): what a screen made of it was made at.
    pub fn stamp(&self) -> (u64, u64) {
        (self.instance, self.changes())
    }

    /// The views need sending again.
    fn touch(&mut self) {
        self.dirty = true;
        self.changes += 1;
    }

    /// Seats with a live connection.
    pub fn connected_seats(&self) -> Vec<SeatId> {
        let mut seats: Vec<SeatId> = self.conns.values().filter_map(|c| c.seat).collect();
        seats.sort_unstable();
        seats
    }

    pub fn client_count(&self) -> usize {
        self.conns.len()
    }

    pub fn timer_left(&self) -> Option<u32> {
        self.timer_left
    }

    /// The time left in the current decision, sent with every view. A running timer does not
    /// by itself send views: players count down from the last value they got.
    pub fn set_timer_left(&mut self, secs: Option<u32>) {
        self.timer_left = secs;
    }
}
