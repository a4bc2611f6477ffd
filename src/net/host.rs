//! The authoritative host, without Bevy or sockets: receive → verify → apply → journal → send.
//!
//! The Bevy plugin feeds it connections and datagram payloads and ships what it returns, so the
//! whole host can be driven and tested without a window or a network.

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

pub type ClientId = u64;

/// An observer writes a note at most this often.
pub const OBSERVER_NOTE_EVERY: Duration = Duration::from_secs(3);

/// Notes a table keeps from its observers (the facilitator's own are not limited).
pub const MAX_NOTES: usize = 300;

/// What an observer's note says they are, in the room's first language.
fn observer_word() -> String {
    crate::words::say(Lang::Nl, "common.observer", &[])
}

/// How often views go out when only votes or connections changed.
pub const VIEW_INTERVAL: Duration = Duration::from_millis(250);

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
}

/// What the shell must do after the host has had its say.
#[derive(Default, Debug)]
pub struct Outgoing {
    /// To native clients over renet.
    pub messages: Vec<(ClientId, Vec<u8>)>,
    /// To browsers: JSON text, shared by everyone who gets the same view.
    pub web: Vec<(ClientId, Arc<str>)>,
    /// Connections to close (after their last message has gone out).
    pub disconnect: Vec<ClientId>,
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
    /// Bumped whenever seats or connections change, for the shell's roster.
    roster_version: u64,
    /// Bumped whenever the views need sending again: with `roster_version`, whether anything a
    /// screen shows may have changed.
    changes: u64,
    /// The last screen sent to each role (and to those without one) in each language, with its
    /// number: the base the next differences are taken from.
    screens: HashMap<(Option<RoleIdx>, Lang), (u64, Screen)>,
    next_screen: u64,
    timer_left: Option<u32>,
    rng: rand_chacha::ChaCha8Rng,
    /// What was accepted while the session waited in the lobby (seats, roles, the timer): played
    /// again on a deck reloaded there. Emptied at the start.
    lobby_log: Vec<(Sender, Intent)>,
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
            timer_left: None,
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xb07),
            lobby_log: Vec::new(),
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes this session table `n` (from 1) of a workshop: its players are told so.
    pub fn set_table(&mut self, n: u8) {
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

    /// The views need sending again.
    fn touch(&mut self) {
        self.dirty = true;
        self.changes += 1;
    }

    pub fn roster_version(&self) -> u64 {
        self.roster_version
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

    pub fn connect(&mut self, client: ClientId, now: Duration) {
        self.connect_link(client, LinkKind::Udp, now);
    }

    /// A new connection of either kind. Refused (false) when the id is already in use: native
    /// clients choose their own ids, and one must never stand in for another link.
    pub fn connect_link(&mut self, client: ClientId, kind: LinkKind, now: Duration) -> bool {
        if self.conns.contains_key(&client) {
            return false;
        }
        self.conns.insert(
            client,
            Conn {
                seat: None,
                kind,
                watching: false,
                observer: None,
                last_note: None,
                window_start: now,
                messages: 0,
                screen: None,
                lang: Lang::default(),
            },
        );
        true
    }

    /// Makes a connection a projector: it gets the public view (no briefing of any role) and
    /// can say nothing.
    pub fn watch(&mut self, client: ClientId) {
        let waiting = self.waiting.iter().any(|w| w.client == client);
        if let Some(c) = self.conns.get_mut(&client)
            && c.seat.is_none()
            && !waiting
        {
            c.watching = true;
            self.touch();
            self.urgent = true;
        }
    }

    /// The seat a token belongs to at this table (a workshop asks every table).
    pub fn seat_of_token(&self, token: u64) -> Option<SeatId> {
        self.session
            .seats
            .iter()
            .find(|(seat, s)| !s.bot && self.token(**seat) == token)
            .map(|(seat, _)| *seat)
    }

    /// People at this table: seats that are not bots, and those waiting at its door.
    pub fn people(&self) -> usize {
        self.session.seats.values().filter(|s| !s.bot).count() + self.waiting.len()
    }

    /// Lets a connection go without a word (it moves to another table): its kind and language,
    /// for the table that takes it.
    pub fn release(&mut self, client: ClientId) -> Option<(LinkKind, Lang)> {
        self.stop_waiting(client);
        let c = self.conns.remove(&client)?;
        if c.seat.is_some() {
            self.touch();
            self.roster_version += 1;
        }
        Some((c.kind, c.lang))
    }

    /// A player who comes from another table of the workshop: seated as a newcomer with that
    /// name and role, welcomed with this table's seat and token.
    pub fn arrive(
        &mut self,
        client: ClientId,
        (kind, lang): (LinkKind, Lang),
        name: String,
        role: Option<String>,
        now: Duration,
    ) {
        if self.connect_link(client, kind, now) {
            self.set_lang(client, lang);
            self.hello(client, name, role, None);
        }
    }

    /// The connections holding a seat.
    pub fn holders(&self, seat: SeatId) -> Vec<ClientId> {
        self.conns
            .iter()
            .filter(|(_, c)| c.seat == Some(seat))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Whether a connection is a browser's.
    pub fn is_web(&self, client: ClientId) -> bool {
        self.conns
            .get(&client)
            .is_some_and(|c| c.kind == LinkKind::Web)
    }

    pub fn disconnect(&mut self, client: ClientId) {
        if let Some(c) = self.conns.remove(&client)
            && c.seat.is_some()
        {
            self.touch();
            self.roster_version += 1;
        }
        self.stop_waiting(client);
    }

    fn stop_waiting(&mut self, client: ClientId) {
        let before = self.waiting.len();
        self.waiting.retain(|w| w.client != client);
        if self.waiting.len() != before {
            self.roster_version += 1;
        }
    }

    /// Whether newcomers after the start get a seat at once (open) or wait to be let in.
    pub fn room_open(&self) -> bool {
        self.room_open
    }

    pub fn set_room_open(&mut self, open: bool) {
        self.room_open = open;
        self.roster_version += 1;
    }

    /// Who waits at the door, in order of arrival.
    pub fn waiting(&self) -> &[Waiting] {
        &self.waiting
    }

    /// The facilitator lets a waiting player in: into the seat they claim, or a new seat in
    /// `role` (or the role they asked for).
    pub fn admit(&mut self, client: ClientId, role: Option<String>) -> Result<SeatId, Refusal> {
        let w = self
            .waiting
            .iter()
            .find(|w| w.client == client)
            .cloned()
            .ok_or(Refusal::NotJoined)?;
        if !self.conns.contains_key(&client) {
            self.stop_waiting(client);
            return Err(Refusal::NotJoined);
        }
        let seat = match w.claims.filter(|s| self.session.seats.contains_key(s)) {
            Some(seat) => {
                if let Some(r) = role {
                    self.act(Sender::Facilitator, &Intent::MoveSeat { seat, role: r })?;
                }
                seat
            }
            None => {
                let events = self.act(
                    Sender::Facilitator,
                    &Intent::AddSeat {
                        name: w.name.clone(),
                        role: role.or(w.role.clone()),
                        bot: false,
                    },
                )?;
                events
                    .iter()
                    .find_map(|e| match e {
                        Event::SeatAdded { seat, .. } => Some(*seat),
                        _ => None,
                    })
                    .ok_or(Refusal::NotJoined)?
            }
        };
        self.replace_holders(client, seat);
        self.seat(client, seat);
        Ok(seat)
    }

    /// The facilitator sends a waiting player away.
    pub fn turn_away(&mut self, client: ClientId) {
        if self.waiting.iter().any(|w| w.client == client) {
            self.stop_waiting(client);
            self.refuse(client, Refusal::NotAdmitted);
        }
    }

    /// Any other connection in `seat` is told it was taken over and closed: without the
    /// word it would reconnect with the same token and take the seat back, forever.
    fn replace_holders(&mut self, client: ClientId, seat: SeatId) {
        let stale: Vec<ClientId> = self
            .conns
            .iter()
            .filter(|(id, c)| **id != client && c.seat == Some(seat))
            .map(|(id, _)| *id)
            .collect();
        for old in stale {
            self.refuse(old, Refusal::Replaced);
        }
    }

    fn wait_at_door(
        &mut self,
        client: ClientId,
        name: String,
        role: Option<String>,
        claims: Option<SeatId>,
    ) {
        if self.waiting.iter().any(|w| w.client == client) {
            return;
        }
        // The same check as a seat's name: the facilitator's list and console show it.
        if name.is_empty()
            || name.chars().count() > crate::rules::session::MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            self.refuse(client, Refusal::Rule(RuleError::BadName));
            return;
        }
        self.waiting.push(Waiting {
            client,
            name,
            role,
            claims,
        });
        self.roster_version += 1;
        self.send(
            client,
            &HostMsg::Waiting {
                session: self.name.clone(),
            },
        );
    }

    /// Counts a message against the sender's budget; false (and the connection refused) when
    /// it floods.
    fn within_budget(&mut self, client: ClientId, now: Duration) -> bool {
        let Some(conn) = self.conns.get_mut(&client) else {
            return false;
        };
        if now.saturating_sub(conn.window_start) >= Duration::from_secs(1) {
            conn.window_start = now;
            conn.messages = 0;
        }
        conn.messages += 1;
        if conn.messages > MAX_CLIENT_MESSAGES_PER_SEC {
            self.refuse(client, Refusal::Flooding);
            return false;
        }
        true
    }

    /// One message from one native client.
    pub fn receive(&mut self, client: ClientId, bytes: &[u8], now: Duration) {
        if !self.within_budget(client, now) {
            return;
        }
        match protocol::decode_client(bytes) {
            Ok(msg) => self.gate(client, msg),
            Err(_) => self.refuse(client, Refusal::Malformed),
        }
    }

    /// One text frame from a browser, after the door let it in with the right code. It becomes
    /// the same `ClientMsg` and passes the same gate as a native client's.
    pub fn receive_web(&mut self, client: ClientId, text: &str, now: Duration) {
        if !self.within_budget(client, now) {
            return;
        }
        let watching = self.conns.get(&client).is_some_and(|c| c.watching);
        match protocol::decode_browser(text) {
            Ok(BrowserMsg::Watch { lang, name, .. }) => {
                self.set_lang(client, protocol::page_lang(lang.as_deref()));
                self.watch(client);
                let name = name.map(|n| n.trim().to_string()).filter(|n| {
                    !n.is_empty()
                        && n.chars().count() <= crate::rules::session::MAX_NAME_CHARS
                        && !n.chars().any(char::is_control)
                });
                if let Some(c) = self.conns.get_mut(&client).filter(|c| c.watching) {
                    c.observer = name;
                }
            }
            Ok(BrowserMsg::Note { text }) if watching => self.observer_note(client, &text, now),
            Ok(BrowserMsg::Resync) if watching => self.resync(client),
            Ok(BrowserMsg::Lang { lang }) if watching => {
                self.set_lang(client, protocol::page_lang(Some(&lang)));
            }
            // A projector page says nothing after it is let in.
            Ok(_) if watching => self.refuse(client, Refusal::Malformed),
            Ok(msg) => match msg.into_client_msg() {
                Some(msg) => self.gate(client, msg),
                None => self.refuse(client, Refusal::Malformed),
            },
            Err(_) => self.refuse(client, Refusal::Malformed),
        }
    }

    /// An observer's note: kept as the facilitator's notes are, with the round and the
    /// observer's name. Only a watcher who gave a name may write one, one every few seconds,
    /// and a table keeps a bounded number of them.
    fn observer_note(&mut self, client: ClientId, text: &str, now: Duration) {
        let Some(conn) = self.conns.get(&client) else {
            return;
        };
        let Some(name) = conn.observer.clone() else {
            self.refuse(client, Refusal::Rule(RuleError::NotFacilitator));
            return;
        };
        if conn
            .last_note
            .is_some_and(|t| now.saturating_sub(t) < OBSERVER_NOTE_EVERY)
        {
            self.refuse(client, Refusal::NoteTooSoon);
            return;
        }
        if self.session.notes.len() >= MAX_NOTES {
            self.refuse(client, Refusal::NotesFull);
            return;
        }
        let note = format!("{name} ({}): {}", observer_word(), text.trim());
        if text.trim().is_empty() || note.chars().count() > crate::rules::session::MAX_NOTE_CHARS {
            self.refuse(client, Refusal::Rule(RuleError::BadNote));
            return;
        }
        match self.act(Sender::Facilitator, &Intent::Note { text: note }) {
            Ok(_) => {
                if let Some(c) = self.conns.get_mut(&client) {
                    c.last_note = Some(now);
                }
            }
            Err(r) => self.refuse(client, r),
        }
    }

    fn gate(&mut self, client: ClientId, msg: ClientMsg) {
        match self.verify(client, msg) {
            Ok(Verified::Hello {
                name,
                role,
                rejoin,
                lang,
            }) => {
                self.set_lang(client, lang);
                self.hello(client, name, role, rejoin);
            }
            Ok(Verified::Lang(lang)) => self.set_lang(client, lang),
            Ok(Verified::Resync) => self.resync(client),
            Ok(Verified::Intent(sender, intent)) => {
                if let Err(r) = self.act(sender, &intent) {
                    self.refuse(client, r);
                }
            }
            Err(r) => self.refuse(client, r),
        }
    }

    /// The one place that decides whether a message from the network may reach the rules: which
    /// connection sent it, whether it has a seat, and which sender the rules will see. Role and
    /// phase are then checked by `Session::apply` itself.
    fn verify(&self, client: ClientId, msg: ClientMsg) -> Result<Verified, Refusal> {
        let conn = self.conns.get(&client).ok_or(Refusal::NotJoined)?;
        match msg {
            ClientMsg::Hello {
                version,
                name,
                role,
                rejoin,
                lang,
                // The workshop routed the link to its table before this hello reached it.
                table: _,
            } => {
                if version != PROTOCOL_VERSION {
                    return Err(Refusal::VersionMismatch {
                        host: PROTOCOL_VERSION,
                        client: version,
                    });
                }
                Ok(Verified::Hello {
                    name,
                    role,
                    rejoin,
                    lang,
                })
            }
            ClientMsg::Intent(intent) => {
                let seat = conn.seat.ok_or(Refusal::NotJoined)?;
                // A player's device speaks only for its own seat, and only a player's intents
                // have a spelling on the wire; the check stays as a second lock.
                let intent = intent.into_intent();
                if intent.is_facilitator_only() {
                    return Err(Refusal::Rule(RuleError::NotFacilitator));
                }
                Ok(Verified::Intent(Sender::Seat(seat), intent))
            }
            ClientMsg::Resync => {
                conn.seat.ok_or(Refusal::NotJoined)?;
                Ok(Verified::Resync)
            }
            // Also before a seat: a player at the door may switch too.
            ClientMsg::Lang(lang) => Ok(Verified::Lang(lang)),
        }
    }

    /// A link lost track of its screen: it gets the whole screen with the next views (within
    /// `VIEW_INTERVAL`, so links that keep falling behind cannot make everyone's views urgent).
    pub fn resync(&mut self, client: ClientId) {
        if let Some(c) = self.conns.get_mut(&client) {
            c.screen = None;
            self.touch();
        }
    }

    /// The language a link's screen shows. A switch sends the whole screen in the new language
    /// with the next views, at once: the player is looking at it.
    pub fn set_lang(&mut self, client: ClientId, lang: Lang) {
        if let Some(c) = self.conns.get_mut(&client)
            && c.lang != lang
        {
            c.lang = lang;
            c.screen = None;
            self.touch();
            self.urgent = true;
        }
    }

    fn hello(&mut self, client: ClientId, name: String, role: Option<String>, rejoin: Option<u64>) {
        if self
            .conns
            .get(&client)
            .is_some_and(|c| c.seat.is_some() || c.watching)
            || self.waiting.iter().any(|w| w.client == client)
        {
            return;
        }
        // A seat token takes its seat back whatever the name, from any device: a reloaded page,
        // a phone that slept, a laptop on a new connection. The stale connection goes.
        let by_token = rejoin.and_then(|token| self.seat_of_token(token));
        if let Some(seat) = by_token {
            self.replace_holders(client, seat);
            self.seat(client, seat);
            return;
        }
        let name = name.trim().to_string();
        let existing = self
            .session
            .seats
            .iter()
            .find(|(_, s)| s.name.to_lowercase() == name.to_lowercase())
            .map(|(id, s)| (*id, s.bot));
        let seat = match existing {
            Some((_, true)) => {
                self.refuse(client, Refusal::Rule(RuleError::NameTaken(name)));
                return;
            }
            Some((seat, false)) => {
                let holder = self
                    .conns
                    .iter()
                    .find(|(id, c)| **id != client && c.seat == Some(seat))
                    .map(|(id, _)| *id);
                // A seat belongs to its token: a name alone never takes it, whether its player
                // is online or not. One who lost the token joins under another name and the
                // facilitator moves them into the role.
                if holder.is_some() {
                    self.refuse(client, Refusal::NameInUse(name));
                } else {
                    // Their device lost the token (another browser, a cleared phone): the
                    // facilitator can see who it is and give the seat back.
                    self.wait_at_door(client, name, role, Some(seat));
                }
                return;
            }
            None if self.session.phase != Phase::Lobby && !self.room_open => {
                // The session has started: a newcomer waits for the facilitator and sees
                // nothing of it until let in.
                self.wait_at_door(client, name, role, None);
                return;
            }
            None => {
                let intent = Intent::AddSeat {
                    name,
                    role,
                    bot: false,
                };
                match self.act(Sender::Host, &intent) {
                    Ok(events) => match events.iter().find_map(|e| match e {
                        Event::SeatAdded { seat, .. } => Some(*seat),
                        _ => None,
                    }) {
                        Some(seat) => seat,
                        None => return,
                    },
                    Err(r) => {
                        self.refuse(client, r);
                        return;
                    }
                }
            }
        };
        self.seat(client, seat);
    }

    /// Puts another deck under a session that waits in the lobby (the trainer saved the file):
    /// the same seed, rounds, code and seats, every seat keeping its id (so its token) and its
    /// role when the new deck has it. Refused once the session has started, or when the deck
    /// does not check; the old deck then stays.
    pub fn reload_deck(&mut self, deck_name: &str, source: &str) -> Result<(), String> {
        use crate::rules::deck::Deck;
        if self.session.phase != Phase::Lobby {
            return Err("the session has started: its deck is fixed".into());
        }
        let deck = Arc::new(Deck::from_ron(deck_name, source).map_err(|e| e.to_string())?);
        let mut next = Session::with_edition(
            Arc::clone(&deck),
            self.session.seed,
            self.session.rounds,
            self.session.edition,
        );
        let mut kept = Vec::new();
        for (sender, intent) in &self.lobby_log {
            // A role the new deck lacks: the seat stays, without a role, so ids do not shift.
            let fallback = match intent {
                Intent::AddSeat { name, bot, .. } => Some(Intent::AddSeat {
                    name: name.clone(),
                    role: None,
                    bot: *bot,
                }),
                _ => None,
            };
            let mut candidate = next.clone();
            if candidate.apply(*sender, intent).is_ok() {
                next = candidate;
                kept.push((*sender, intent.clone()));
            } else if let Some(f) = fallback
                && next.apply(*sender, &f).is_ok()
            {
                kept.push((*sender, f));
            }
        }
        // Tokens derive from seat ids: the new deck must leave every seat where it was.
        let seats = |s: &Session| -> Vec<(SeatId, String)> {
            s.seats
                .iter()
                .map(|(id, seat)| (*id, seat.name.clone()))
                .collect()
        };
        if seats(&next) != seats(&self.session) {
            return Err(
                "the changed deck would change who sits where (a role that was chosen and left \
                 is gone); it was not loaded: host the session again to play it"
                    .into(),
            );
        }
        if let Some(j) = self.journal.as_mut() {
            j.rewrite_with_deck(deck_name, source, &kept)
                .map_err(|e| e.to_string())?;
        }
        self.session = next;
        self.lobby_log = kept;
        self.touch();
        self.urgent = true;
        self.roster_version += 1;
        Ok(())
    }

    /// A seat's token: a hash of the host's secret and the seat. Seat ids are never reused, so
    /// a removed seat's token opens nothing.
    pub fn token(&self, seat: SeatId) -> u64 {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"kantelspel seat token");
        h.update(self.seat_secret.to_le_bytes());
        h.update(seat.to_le_bytes());
        let d = h.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[..8]);
        u64::from_le_bytes(b)
    }

    /// Puts a connection in its seat and tells it the seat's token.
    fn seat(&mut self, client: ClientId, seat: SeatId) {
        self.stop_waiting(client);
        if let Some(c) = self.conns.get_mut(&client) {
            c.seat = Some(seat);
            c.watching = false;
        }
        let token = self.token(seat);
        self.send(
            client,
            &HostMsg::Welcome {
                seat,
                session: self.name.clone(),
                rejoin: token,
                table: self.table,
            },
        );
        self.touch();
        self.urgent = true;
        self.roster_version += 1;
    }

    /// Applies an intent from anyone, journals it, and only then lets it count.
    pub fn act(&mut self, sender: Sender, intent: &Intent) -> Result<Vec<Event>, Refusal> {
        let mut next = self.session.clone();
        let events = next.apply(sender, intent).map_err(Refusal::Rule)?;
        if let Some(j) = self.journal.as_mut() {
            let note = journal::resolution_note(&next, &events);
            j.append(sender, intent, note)
                .map_err(|e| Refusal::JournalFailed(e.to_string()))?;
        }
        if self.session.phase == Phase::Lobby {
            self.lobby_log.push((sender, intent.clone()));
        } else {
            self.lobby_log.clear();
        }
        self.session = next;
        self.touch();
        self.urgent |= events.iter().any(|e| !matches!(e, Event::VoteCast { .. }));
        for e in &events {
            match e {
                Event::SeatRemoved { seat } => {
                    let held: Vec<ClientId> = self
                        .conns
                        .iter()
                        .filter(|(_, c)| c.seat == Some(*seat))
                        .map(|(id, _)| *id)
                        .collect();
                    for client in held {
                        self.refuse(client, Refusal::Removed);
                    }
                    self.roster_version += 1;
                }
                Event::SeatAdded { .. } | Event::SeatMoved { .. } => self.roster_version += 1,
                _ => {}
            }
        }
        Ok(events)
    }

    /// The facilitator's own intents (the host's window or the `serve` console).
    pub fn facilitate(&mut self, intent: &Intent) -> Result<Vec<Event>, Refusal> {
        self.act(Sender::Facilitator, intent)
    }

    /// Lets every bot in the deciding role vote, if it has not yet.
    pub fn bots_vote(&mut self, strategy: Strategy) {
        if !matches!(self.session.phase, Phase::Briefing | Phase::Deciding) || self.session.paused {
            return;
        }
        let (Some(role), Some(cur)) = (self.session.deciding_role(), self.session.current.as_ref())
        else {
            return;
        };
        let (round, step) = (self.session.round, cur.step);
        let waiting: Vec<SeatId> = self
            .session
            .seats_in_role(role)
            .filter(|(id, s)| s.bot && !cur.votes.iter().any(|(v, _)| v == *id))
            .map(|(id, _)| *id)
            .collect();
        for seat in waiting {
            let option = bot::choose(&self.session, strategy, &mut self.rng).unwrap_or(0);
            let _ = self.act(
                Sender::Seat(seat),
                &Intent::Vote {
                    round,
                    step,
                    option,
                },
            );
        }
    }

    /// A bot's choice for the open step, for a facilitator deciding for an empty role.
    pub fn bot_choice(&mut self, strategy: Strategy) -> Option<usize> {
        bot::choose(&self.session, strategy, &mut self.rng)
    }

    /// Whether every role has a player or a bot.
    pub fn every_role_filled(&self) -> bool {
        (0..self.session.deck().roles.len())
            .all(|r: RoleIdx| self.session.seats_in_role(r).next().is_some())
    }

    fn refuse(&mut self, client: ClientId, refusal: Refusal) {
        let fatal = refusal.is_fatal();
        self.send(client, &HostMsg::Refused(refusal));
        if fatal {
            if let Some(c) = self.conns.remove(&client)
                && c.seat.is_some()
            {
                self.touch();
                self.roster_version += 1;
            }
            self.stop_waiting(client);
            self.out.disconnect.push(client);
        }
    }

    fn send(&mut self, client: ClientId, msg: &HostMsg) {
        match self.conns.get(&client).map(|c| c.kind) {
            Some(LinkKind::Web) => self
                .out
                .web
                .push((client, Arc::from(protocol::browser_json(msg)))),
            // A refused connection is already gone from `conns`; native ones still get told.
            _ => self.out.messages.push((client, protocol::encode(msg))),
        }
    }

    /// Everything to send now: direct replies, then fresh views if anything changed. Each view is
    /// encoded once per role and shared by everyone in it. Changes that only tick who has voted
    /// or who is online wait up to `VIEW_INTERVAL`, so a room of 200 voting at once does not
    /// send 200 full views to each of them.
    pub fn take_outgoing(&mut self, now: Duration) -> Outgoing {
        let due = self.urgent
            || self
                .last_broadcast
                .is_none_or(|t| now.saturating_sub(t) >= VIEW_INTERVAL);
        if self.dirty && due {
            self.dirty = false;
            self.urgent = false;
            self.last_broadcast = Some(now);
            let connected = self.connected_seats();
            let listening: Vec<(ClientId, (Option<RoleIdx>, Lang))> = self
                .conns
                .iter()
                .filter_map(|(id, c)| match (c.seat, c.watching) {
                    // A projector sees what a seat without a role sees: the general briefing.
                    (_, true) => Some((*id, (None, c.lang))),
                    (Some(seat), _) => Some((
                        *id,
                        (self.session.seats.get(&seat).and_then(|s| s.role), c.lang),
                    )),
                    (None, false) => None,
                })
                .collect();
            // One screen per role and language, and its difference from the last one sent to it,
            // each encoded at most once per kind of link and shared by all who get it.
            let mut sends: HashMap<(Option<RoleIdx>, Lang), Sends> = HashMap::new();
            for (client, (role, lang)) in listening {
                let key = (role, lang);
                let sending = sends.entry(key).or_insert_with(|| {
                    let mut whole = view(&self.session, Viewer::Role(role));
                    localize(&mut whole, lang);
                    let screen = Screen {
                        view: whole,
                        connected: connected.clone(),
                        timer_left: self.timer_left,
                    };
                    let (seq, patch) = match self.screens.get(&key) {
                        Some((seq, old)) => {
                            let changes = patch::diff(old, &screen);
                            if changes.is_empty() {
                                (*seq, None)
                            } else {
                                let next = self.next_screen;
                                let patch = HostMsg::Patch(Patch {
                                    base: *seq,
                                    seq: next,
                                    changes,
                                });
                                (next, Some(patch))
                            }
                        }
                        None => (self.next_screen, None),
                    };
                    if seq == self.next_screen {
                        self.next_screen += 1;
                        self.screens.insert(key, (seq, screen));
                    }
                    Sends {
                        seq,
                        patch: patch.map(Encoded::new),
                        full: None,
                    }
                });
                let Some(conn) = self.conns.get_mut(&client) else {
                    continue;
                };
                if conn.screen == Some(sending.seq) {
                    continue;
                }
                let kind = conn.kind;
                let fits = sending.patch.as_ref().is_some_and(
                    |p| matches!(&p.msg, HostMsg::Patch(p) if conn.screen == Some(p.base)),
                );
                conn.screen = Some(sending.seq);
                let encoded = if fits {
                    sending.patch.as_mut()
                } else {
                    let seq = sending.seq;
                    let screen = &self.screens[&key].1;
                    Some(sending.full.get_or_insert_with(|| {
                        Encoded::new(HostMsg::State {
                            seq,
                            view: Box::new(screen.view.clone()),
                            connected: screen.connected.clone(),
                            timer_left: screen.timer_left,
                        })
                    }))
                };
                let Some(encoded) = encoded else { continue };
                match kind {
                    LinkKind::Udp => self.out.messages.push((client, encoded.native())),
                    LinkKind::Web => self.out.web.push((client, encoded.web())),
                }
            }
        }
        std::mem::take(&mut self.out)
    }
}

/// What one role's links are sent this time: the number of its screen, the difference that
/// leads there (if the role had a screen before), and the whole screen for links without it.
struct Sends {
    seq: u64,
    patch: Option<Encoded>,
    full: Option<Encoded>,
}

/// A message encoded for each kind of link at most once.
struct Encoded {
    msg: HostMsg,
    native: Option<Vec<u8>>,
    web: Option<Arc<str>>,
}

impl Encoded {
    fn new(msg: HostMsg) -> Encoded {
        Encoded {
            msg,
            native: None,
            web: None,
        }
    }

    fn native(&mut self) -> Vec<u8> {
        self.native
            .get_or_insert_with(|| protocol::encode(&self.msg))
            .clone()
    }

    fn web(&mut self) -> Arc<str> {
        self.web
            .get_or_insert_with(|| Arc::from(protocol::browser_json(&self.msg)))
            .clone()
    }
}

enum Verified {
    Hello {
        name: String,
        role: Option<String>,
        rejoin: Option<u64>,
        lang: Lang,
    },
    Intent(Sender, Intent),
    Resync,
    Lang(Lang),
}

/// What a new session is made of; left-out parts get their defaults.
#[derive(Default)]
pub struct NewSession<'a> {
    /// A deck file; the embedded default deck when `None`.
    pub deck: Option<&'a Path>,
    pub seed: Option<u64>,
    /// The deck's own number when `None`.
    pub rounds: Option<u32>,
    pub code: Option<JoinCode>,
    /// Where the journal goes; no journal when `None` (practice, tests).
    pub journal_dir: Option<&'a Path>,
    /// The session's name on the LAN; the deck's title when `None`.
    pub name: Option<String>,
    /// Roles to fill with bots.
    pub bots: &'a [String],
    /// What the session plays; the whole deck when empty.
    pub programme: crate::rules::session::ProgrammeChoice,
}

/// Starts a session: the deck read the one way decks are read, a journal with its header
/// (seed, code, seat secret), the seats for bots. `serve`, the window and practice all come here;
/// a session continued from its journal comes through `resume`.
pub fn new_session(spec: NewSession<'_>) -> Result<(HostCore, JoinCode), String> {
    use crate::rules::deck::{DEFAULT_DECK, DEFAULT_DECK_NAME, Deck};
    use crate::rules::journal::{JOURNAL_VERSION, JournalHeader};
    let (deck_name, source) = match spec.deck {
        Some(p) => crate::deck_file::read_source(p).map_err(|e| e.to_string())?,
        None => (DEFAULT_DECK_NAME.to_string(), DEFAULT_DECK.to_string()),
    };
    let deck = std::sync::Arc::new(Deck::from_ron(&deck_name, &source).map_err(|e| e.to_string())?);
    let code = spec.code.unwrap_or_else(JoinCode::generate);
    let random = super::code::random_client_id;
    let header = JournalHeader {
        version: JOURNAL_VERSION,
        deck_name,
        deck_source: source,
        seed: spec.seed.unwrap_or_else(random),
        rounds: spec
            .rounds
            .unwrap_or(deck.rounds)
            .clamp(1, crate::rules::session::MAX_ROUNDS),
        created_unix: super::code::now().as_secs(),
        join_code: code.to_string(),
        seat_secret: random(),
        edition: crate::rules::session::RULES_EDITION,
    };
    let journal = match spec.journal_dir {
        Some(dir) => Some(JournalFile::create(dir, &header).map_err(|e| e.to_string())?),
        None => None,
    };
    let session = Session::new(deck.clone(), header.seed, header.rounds);
    let name = spec.name.unwrap_or_else(|| deck.title.nl.clone());
    let mut core = HostCore::new(session, journal, name);
    if !spec.programme.is_whole_deck() {
        core.act(
            Sender::Facilitator,
            &spec.programme.intent(spec.rounds.unwrap_or(0)),
        )
        .map_err(|e| format!("the programme: {e}"))?;
    }
    for role in spec.bots {
        core.act(
            Sender::Host,
            &Intent::AddSeat {
                name: format!("bot-{role}"),
                role: Some(role.clone()),
                bot: true,
            },
        )
        .map_err(|e| format!("a bot for {role}: {e}"))?;
    }
    Ok((core, code))
}

/// A session rebuilt from its journal, ready to host again.
pub struct Resumed {
    pub core: HostCore,
    /// The session's own join code, so its players come back without a new one.
    pub code: JoinCode,
    /// Said to the facilitator: the journal's tail was damaged and cut off.
    pub note: Option<String>,
}

/// Continues a session from its journal (after a crash, or the next morning): the same state,
/// seats and join code; new lines follow the last intact one.
pub fn resume(path: &Path, code: Option<&str>, name: Option<String>) -> Result<Resumed, String> {
    let (file, parsed) = JournalFile::resume(path).map_err(|e| e.to_string())?;
    let note = parsed.damage.as_ref().map(|(line, why)| {
        format!(
            "the journal was damaged at line {line} ({why}); continuing from the last intact line"
        )
    });
    let deck = journal::deck_of(&parsed.header).map_err(|e| e.to_string())?;
    let session =
        journal::replay(deck, &parsed.header, &parsed.entries).map_err(|e| e.to_string())?;
    let code = match (code, parsed.header.join_code.as_str()) {
        (Some(c), _) => JoinCode::parse(c).map_err(|e| e.to_string())?,
        (None, c) if !c.is_empty() => JoinCode::parse(c).map_err(|e| e.to_string())?,
        _ => JoinCode::generate(),
    };
    // The name a new session gets (its deck's title), so players see the same one again.
    let name = name.unwrap_or_else(|| session.deck().title.nl.clone());
    let lobby = session.phase == Phase::Lobby;
    let mut core = HostCore::new(session, Some(file), name);
    if lobby {
        // Still in the lobby: a reloaded deck replays these.
        core.lobby_log = parsed
            .entries
            .iter()
            .map(|e| (e.sender.into(), Intent::from(&e.intent)))
            .collect();
    }
    Ok(Resumed { core, code, note })
}
