//! The gate: every message from a link is decoded, verified against the sender's seat, role and
//! phase, and only then handed to the rules.

use super::*;
use crate::rules::session::checked_name;

impl HostCore {
    /// One message from one native client.
    pub fn receive(&mut self, client: ClientId, bytes: &[u8], now: Duration) {
        self.take(client, Inbound::native(bytes), now);
    }

    /// One text frame from a browser, after the door let it in with the right code.
    pub fn receive_web(&mut self, client: ClientId, text: &str, now: Duration) {
        self.take(client, Inbound::web(text), now);
    }

    /// One message, decoded once where it came in (a workshop decodes it to route it to its
    /// table, and hands it on as it is): within the link's budget it meets the gate; one that
    /// could not be read is refused.
    pub fn take(&mut self, client: ClientId, msg: Result<Inbound, Refusal>, now: Duration) {
        self.clock = self.clock.max(now);
        if !self.within_budget(client, now) {
            return;
        }
        match msg {
            Ok(msg) => self.gate(client, msg, now),
            Err(r) => self.refuse(client, r),
        }
    }

    pub(super) fn gate(&mut self, client: ClientId, msg: Inbound, now: Duration) {
        match self.verify(client, msg, now) {
            Ok(Verified::Hello {
                name,
                role,
                rejoin,
                lang,
            }) => {
                self.set_lang(client, lang);
                self.hello(client, name, role, rejoin);
            }
            Ok(Verified::Watch { lang, observer }) => {
                self.set_lang(client, lang);
                self.watch(client);
                if let Some(c) = self.conns.get_mut(&client).filter(|c| c.watching) {
                    c.observer = observer;
                }
            }
            Ok(Verified::Lang(lang)) => self.set_lang(client, lang),
            Ok(Verified::Resync) => self.resync(client),
            Ok(Verified::Intent(sender, intent)) => match self.act(sender, &intent) {
                Ok(_) if sender == Sender::Observer => {
                    if let Some(c) = self.conns.get_mut(&client) {
                        c.last_note = Some(now);
                    }
                }
                Ok(_) => {}
                Err(r) => self.refuse(client, r),
            },
            Err(r) => self.refuse(client, r),
        }
    }

    /// The one place that decides whether a message from the network may reach the rules: which
    /// connection sent it, whether it has a seat or watches, and which sender the rules will
    /// see. Role and phase, names and notes are then checked by `Session::apply` itself.
    pub(super) fn verify(
        &self,
        client: ClientId,
        msg: Inbound,
        now: Duration,
    ) -> Result<Verified, Refusal> {
        let conn = self.conns.get(&client).ok_or(Refusal::NotJoined)?;
        // A projector page, once let in, only notes (with a name), switches language or asks
        // for its screen again.
        if conn.watching
            && !matches!(
                msg,
                Inbound::Note { .. } | Inbound::Client(ClientMsg::Resync | ClientMsg::Lang(_))
            )
        {
            return Err(Refusal::Malformed);
        }
        match msg {
            Inbound::Client(ClientMsg::Hello {
                version,
                name,
                role,
                rejoin,
                lang,
                // The workshop routed the link to its table before this hello reached it.
                table: _,
            }) => {
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
            Inbound::Watch { lang, name, .. } => Ok(Verified::Watch {
                lang,
                // A name the rules would not take leaves the watcher a silent projector.
                observer: name
                    .as_deref()
                    .and_then(|n| checked_name(n).ok())
                    .map(str::to_string),
            }),
            Inbound::Note { text } => {
                if !conn.watching {
                    return Err(Refusal::Rule(RuleError::NotObserver));
                }
                let name = conn
                    .observer
                    .clone()
                    .ok_or(Refusal::Rule(RuleError::NotObserver))?;
                // How often a link may speak is the host's budget; what a note may be is the
                // rules' (`Intent::ObserverNote`).
                if conn
                    .last_note
                    .is_some_and(|t| now.saturating_sub(t) < OBSERVER_NOTE_EVERY)
                {
                    return Err(Refusal::NoteTooSoon);
                }
                Ok(Verified::Intent(
                    Sender::Observer,
                    Intent::ObserverNote { name, text },
                ))
            }
            // The wire has no spelling for a facilitator's intent: a device speaks for its own
            // seat, with a player's intents only.
            Inbound::Client(ClientMsg::Intent(intent)) => {
                let seat = conn.seat.ok_or(Refusal::NotJoined)?;
                Ok(Verified::Intent(Sender::Seat(seat), intent.into_intent()))
            }
            Inbound::Client(ClientMsg::Resync) => {
                if conn.seat.is_none() && !conn.watching {
                    return Err(Refusal::NotJoined);
                }
                Ok(Verified::Resync)
            }
            // Also before a seat: a player at the door may switch too.
            Inbound::Client(ClientMsg::Lang(lang)) => Ok(Verified::Lang(lang)),
        }
    }

    /// A link lost track of its screen: it gets the whole screen with the next views (within
    /// `VIEW_INTERVAL`, so links that keep falling behind cannot make everyone's views urgent).
    pub fn resync(&mut self, client: ClientId) {
        if let Some(c) = self.conns.get_mut(&client) {
            c.screen = None;
            c.stream = None;
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

    pub(super) fn hello(
        &mut self,
        client: ClientId,
        name: String,
        role: Option<String>,
        rejoin: Option<u64>,
    ) {
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
            .seat_named(&name)
            .and_then(|id| Some((id, self.session.seats.get(&id)?.bot)));
        // A seat made now, after the start (the room open), is fresh until its player says
        // something or stays a while (`Fresh`).
        let fresh = existing.is_none() && self.session.phase != Phase::Lobby;
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
        if fresh {
            self.fresh.insert(
                seat,
                Fresh {
                    since: self.clock,
                    left: None,
                },
            );
        }
        self.seat(client, seat);
    }
}

/// What reaches the gate from either kind of link, decoded once where it came in: a native
/// client's datagram, a browser's frame, or the first frame the web door already read.
#[derive(Clone, Debug, PartialEq)]
pub enum Inbound {
    /// What a native client or a player's page says.
    Client(ClientMsg),
    /// A projector page (an observer's, with a name) asks to watch a table.
    Watch {
        lang: Lang,
        name: Option<String>,
        table: Option<u8>,
    },
    /// An observer's note.
    Note { text: String },
}

impl Inbound {
    /// A native client's message.
    pub fn native(bytes: &[u8]) -> Result<Inbound, Refusal> {
        protocol::decode_client(bytes)
            .map(Inbound::Client)
            .map_err(|_| Refusal::Malformed)
    }

    /// A browser's frame.
    pub fn web(text: &str) -> Result<Inbound, Refusal> {
        protocol::decode_browser(text)
            .map_err(|_| Refusal::Malformed)
            .and_then(Inbound::browser)
    }

    /// A browser's message, as the page spells it: the same message a native client sends, or
    /// a watcher's, which only a page can send.
    pub fn browser(msg: BrowserMsg) -> Result<Inbound, Refusal> {
        match msg {
            BrowserMsg::Watch {
                lang, name, table, ..
            } => Ok(Inbound::Watch {
                lang: protocol::page_lang(lang.as_deref()),
                name,
                table,
            }),
            BrowserMsg::Note { text } => Ok(Inbound::Note { text }),
            msg => msg
                .into_client_msg()
                .map(Inbound::Client)
                .ok_or(Refusal::Malformed),
        }
    }

    /// For a link that has no table yet: the table its first message asks for and the seat
    /// token it carries; `None` for anything but a hello or a watch.
    pub(crate) fn table_choice(&self) -> Option<(Option<u8>, Option<u64>)> {
        match self {
            Inbound::Client(ClientMsg::Hello { table, rejoin, .. }) => Some((*table, *rejoin)),
            // A projector page watches the table it names, the first when it names none.
            Inbound::Watch { table, .. } => Some((Some(table.unwrap_or(1)), None)),
            _ => None,
        }
    }
}

/// What the gate lets through.
pub(super) enum Verified {
    Hello {
        name: String,
        role: Option<String>,
        rejoin: Option<u64>,
        lang: Lang,
    },
    Watch {
        lang: Lang,
        observer: Option<String>,
    },
    Intent(Sender, Intent),
    Resync,
    Lang(Lang),
}
