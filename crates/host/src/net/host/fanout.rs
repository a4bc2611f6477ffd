//! Fan-out: each link is sent its own role's view, as a whole screen or a difference, encoded
//! once per kind of link.

use super::*;
use crate::net::zip;

impl HostCore {
    pub(super) fn refuse(&mut self, client: ClientId, refusal: Refusal) {
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

    pub(super) fn send(&mut self, client: ClientId, msg: &HostMsg) {
        match self.conns.get(&client).map(|c| c.kind) {
            Some(LinkKind::Web) => self.out.web.push((client, WebFrame::of(msg))),
            // A refused connection is already gone from `conns`; native ones still get told.
            _ => self.out.messages.push((client, protocol::encode(msg))),
        }
    }

    /// Everything to send now: direct replies, then fresh views if anything changed. Each view is
    /// encoded once per role and shared by everyone in it. Changes that only tick who has voted
    /// or who is online wait up to `VIEW_INTERVAL`, so a room of 200 voting at once does not
    /// send 200 full views to each of them.
    pub fn take_outgoing(&mut self, now: Duration) -> Outgoing {
        self.clock = self.clock.max(now);
        self.clear_ghosts();
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
                        streamed: None,
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
                    LinkKind::Web => {
                        let mut frame = encoded.web();
                        // A difference goes in the role's stream, deflated once for every page
                        // that follows it; a whole screen starts a page over, outside any stream.
                        let streamed = match (fits, conn.zip) {
                            (true, true) => Some(&*sending.streamed.get_or_insert_with(|| {
                                let stream = match self.streams.get_mut(&key) {
                                    Some(s) if !s.worn() => s,
                                    _ => {
                                        self.next_stream += 1;
                                        self.streams
                                            .insert(key, zip::Stream::new(self.next_stream));
                                        self.streams.get_mut(&key).expect("just put")
                                    }
                                };
                                let bytes = stream.frame(&frame.text);
                                (stream.epoch, bytes[0] == zip::STARTS, bytes)
                            })),
                            _ => None,
                        };
                        match streamed {
                            Some((epoch, starts, bytes))
                                if *starts || conn.stream == Some(*epoch) =>
                            {
                                conn.stream = Some(*epoch);
                                frame.zipped = Some(bytes.clone());
                            }
                            _ => {
                                if streamed.is_some()
                                    && let Some(s) = self.streams.get_mut(&key)
                                {
                                    // This page waits for the next stream to start.
                                    s.waiting = true;
                                }
                                conn.stream = None;
                                if conn.zip {
                                    frame.zipped = encoded.alone();
                                }
                            }
                        }
                        self.out.web.push((client, frame));
                    }
                }
            }
        }
        std::mem::take(&mut self.out)
    }
}

impl HostCore {
    /// Takes away the seats of newcomers after the start whose link went within
    /// [`HELLO_AND_GONE`] without a word and did not come back within [`GHOST_WINDOW`].
    fn clear_ghosts(&mut self) {
        let gone: Vec<SeatId> = self
            .fresh
            .iter()
            .filter(|(_, f)| {
                f.left
                    .is_some_and(|t| self.clock.saturating_sub(t) >= GHOST_WINDOW)
            })
            .map(|(seat, _)| *seat)
            .collect();
        for seat in gone {
            self.fresh.remove(&seat);
            if self.session.seats.contains_key(&seat) {
                let _ = self.act(Sender::Host, &Intent::RemoveSeat { seat });
            }
        }
    }
}

/// What one role's links are sent this time: the number of its screen, the difference that
/// leads there (if the role had a screen before), and the whole screen for links without it.
struct Sends {
    seq: u64,
    patch: Option<Encoded>,
    full: Option<Encoded>,
    /// The difference as the next frame of the role's deflated stream: the stream's number,
    /// whether this frame starts it, and the bytes.
    streamed: Option<(u32, bool, Arc<[u8]>)>,
}

/// A message encoded for each kind of link at most once, and deflated alone at most once.
struct Encoded {
    msg: HostMsg,
    native: Option<Vec<u8>>,
    web: Option<WebFrame>,
    alone: Option<Option<Arc<[u8]>>>,
}

impl Encoded {
    fn new(msg: HostMsg) -> Encoded {
        Encoded {
            msg,
            native: None,
            web: None,
            alone: None,
        }
    }

    /// The browser's frame deflated on its own, for a page outside any stream.
    fn alone(&mut self) -> Option<Arc<[u8]>> {
        let text = self.web().text;
        self.alone.get_or_insert_with(|| zip::alone(&text)).clone()
    }

    fn native(&mut self) -> Vec<u8> {
        self.native
            .get_or_insert_with(|| protocol::encode(&self.msg))
            .clone()
    }

    fn web(&mut self) -> WebFrame {
        self.web
            .get_or_insert_with(|| WebFrame::of(&self.msg))
            .clone()
    }
}
