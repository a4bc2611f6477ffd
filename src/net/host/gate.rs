//! The gate: every message from a link is decoded, verified against the sender's seat, role and
//! phase, and only then handed to the rules.

use super::*;

impl HostCore {
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
    pub(super) fn observer_note(&mut self, client: ClientId, text: &str, now: Duration) {
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

    pub(super) fn gate(&mut self, client: ClientId, msg: ClientMsg) {
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
    pub(super) fn verify(&self, client: ClientId, msg: ClientMsg) -> Result<Verified, Refusal> {
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
}

pub(super) enum Verified {
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
