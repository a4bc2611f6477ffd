//! Links and admission: who is connected, by which kind of link, in which seat; the door
//! after the start; the budget of messages a link may send.

use super::*;

impl HostCore {
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
                zip: false,
                stream: None,
            },
        );
        true
    }

    /// Whether a link's page inflates deflated frames (it said so in its first message).
    pub(crate) fn set_zip(&mut self, client: ClientId, zip: bool) {
        if let Some(c) = self.conns.get_mut(&client) {
            c.zip = zip;
        }
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
    pub(crate) fn seat_of_token(&self, token: u64) -> Option<SeatId> {
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
    pub(crate) fn release(&mut self, client: ClientId) -> Option<(LinkKind, Lang, bool)> {
        self.stop_waiting(client);
        let c = self.conns.remove(&client)?;
        if c.seat.is_some() {
            self.touch();
            self.roster_version += 1;
        }
        Some((c.kind, c.lang, c.zip))
    }

    /// A player who comes from another table of the workshop: seated as a newcomer with that
    /// name and role, welcomed with this table's seat and token.
    pub fn arrive(
        &mut self,
        client: ClientId,
        (kind, lang, zip): (LinkKind, Lang, bool),
        name: String,
        role: Option<String>,
        now: Duration,
    ) {
        if self.connect_link(client, kind, now) {
            self.set_lang(client, lang);
            self.set_zip(client, zip);
            self.hello(client, name, role, None);
        }
    }

    /// The connections holding a seat.
    pub(crate) fn holders(&self, seat: SeatId) -> Vec<ClientId> {
        self.conns
            .iter()
            .filter(|(_, c)| c.seat == Some(seat))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Whether a connection is a browser's.
    pub(crate) fn is_web(&self, client: ClientId) -> bool {
        self.conns
            .get(&client)
            .is_some_and(|c| c.kind == LinkKind::Web)
    }

    pub fn disconnect(&mut self, client: ClientId) {
        if let Some(c) = self.conns.remove(&client)
            && let Some(seat) = c.seat
        {
            let others = self.conns.values().any(|o| o.seat == Some(seat));
            if !others && let Some(f) = self.fresh.get_mut(&seat) {
                if self.clock.saturating_sub(f.since) < HELLO_AND_GONE {
                    f.left = Some(self.clock);
                } else {
                    // It stayed long enough to be somebody: the seat waits for them.
                    self.fresh.remove(&seat);
                }
            }
            self.touch();
            self.roster_version += 1;
        }
        self.stop_waiting(client);
    }

    pub(super) fn stop_waiting(&mut self, client: ClientId) {
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
    pub(super) fn replace_holders(&mut self, client: ClientId, seat: SeatId) {
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

    pub(super) fn wait_at_door(
        &mut self,
        client: ClientId,
        name: String,
        role: Option<String>,
        claims: Option<SeatId>,
    ) {
        if self.waiting.iter().any(|w| w.client == client) {
            return;
        }
        // The same rule as a seat's name: the facilitator's list and console show it.
        if let Err(e) = crate::rules::session::checked_name(&name) {
            self.refuse(client, Refusal::Rule(e));
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
    pub(super) fn within_budget(&mut self, client: ClientId, now: Duration) -> bool {
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
    pub(super) fn seat(&mut self, client: ClientId, seat: SeatId) {
        self.stop_waiting(client);
        if let Some(f) = self.fresh.get_mut(&seat) {
            f.left = None;
        }
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
}
