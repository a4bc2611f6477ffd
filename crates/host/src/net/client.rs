//! A player's side of the connection, without Bevy or sockets: what the host last said, and
//! what to send next.

use crate::rules::Lang;
use crate::rules::deck::RoleIdx;
use crate::rules::session::{Phase, SeatId};
use crate::rules::view::View;

use super::patch::{self, Screen};
use super::protocol::{self, ClientMsg, HostMsg, PROTOCOL_VERSION, PlayerIntent, Refusal};

#[derive(Default)]
pub struct ClientCore {
    pub name: String,
    pub role: Option<String>,
    pub seat: Option<SeatId>,
    pub session: Option<String>,
    pub view: Option<View>,
    pub connected: Vec<SeatId>,
    pub timer_left: Option<u32>,
    /// When `timer_left` arrived, to count down from.
    pub timer_at: Option<std::time::Instant>,
    /// The latest refusal, for the screen to show.
    pub refusal: Option<Refusal>,
    /// A refusal after which the host closed the connection: do not reconnect.
    pub fatal: Option<Refusal>,
    /// Bumped on every new view.
    pub version: u64,
    /// The number of the screen held, which the host's differences build on.
    pub screen: Option<u64>,
    /// At the door after the start: the facilitator has not let us in yet.
    pub waiting: bool,
    /// The language the screen shows; the host sends texts in this one only.
    lang: Lang,
    /// The table asked for in a workshop of several, from 1; the host's choice when `None`.
    table: Option<u8>,
    rejoin: Option<u64>,
    /// The vote sent on (round, step), until the host's view confirms or moves on.
    sent_vote: Option<(u32, usize, usize)>,
    outbox: Vec<Vec<u8>>,
}

impl ClientCore {
    pub fn new(name: impl Into<String>, role: Option<String>) -> ClientCore {
        ClientCore {
            name: name.into(),
            role,
            ..ClientCore::default()
        }
    }

    /// Starts with a seat token kept from an earlier run, to take that seat back.
    pub fn with_token(mut self, token: Option<u64>) -> ClientCore {
        self.rejoin = token;
        self
    }

    /// The language the screen shows from the start.
    pub fn with_lang(mut self, lang: Lang) -> ClientCore {
        self.lang = lang;
        self
    }

    /// Asks for a table of the workshop (from 1).
    pub fn with_table(mut self, table: Option<u8>) -> ClientCore {
        self.table = table;
        self
    }

    /// The table asked for, or the one the host seated us at.
    pub fn table(&self) -> Option<u8> {
        self.table
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The player switched language: the host sends the screen again in the new one (until
    /// then, texts it had only in the other language show in that one).
    pub fn set_lang(&mut self, lang: Lang) {
        if self.lang != lang {
            self.lang = lang;
            self.outbox.push(protocol::encode(&ClientMsg::Lang(lang)));
        }
    }

    /// The seat token the host gave, to keep for a later run.
    pub fn token(&self) -> Option<u64> {
        self.rejoin
    }

    /// The connection is up: introduce ourselves (again, after a reconnect).
    pub fn on_connected(&mut self) {
        self.outbox.clear();
        let hello = ClientMsg::Hello {
            version: PROTOCOL_VERSION,
            name: self.name.clone(),
            role: self.role.clone(),
            rejoin: self.rejoin,
            lang: self.lang,
            table: self.table,
        };
        self.outbox.push(protocol::encode(&hello));
    }

    pub fn receive(&mut self, bytes: &[u8]) {
        let Ok(msg) = protocol::decode_host(bytes) else {
            // A host of this version never sends this; a garbled message is dropped.
            return;
        };
        match msg {
            HostMsg::Welcome {
                seat,
                session,
                rejoin,
                table,
            } => {
                // A reconnect asks for the table it sits at (its token finds it anyway).
                self.table = table.or(self.table);
                self.seat = Some(seat);
                self.session = Some(session);
                self.rejoin = Some(rejoin);
                self.refusal = None;
                self.waiting = false;
            }
            HostMsg::Waiting { session } => {
                self.session = Some(session);
                self.waiting = true;
            }
            HostMsg::Refused(r) => {
                if r.is_fatal() {
                    self.fatal = Some(r.clone());
                }
                self.refusal = Some(r);
            }
            HostMsg::State {
                seq,
                view,
                connected,
                timer_left,
            } => {
                let was_paused = self.view.as_ref().is_some_and(|v| v.paused);
                self.view = Some(*view);
                self.connected = connected;
                self.screen = Some(seq);
                self.new_screen(timer_left, was_paused);
            }
            HostMsg::Patch(patch) => {
                let fits = self.screen == Some(patch.base) && self.view.is_some();
                let Some(view) = fits.then(|| self.view.take()).flatten() else {
                    // A difference to a screen we do not have (one went missing): keep what we
                    // show and ask for the whole screen, once.
                    if self.screen.is_some() {
                        self.screen = None;
                        self.outbox.push(protocol::encode(&ClientMsg::Resync));
                    }
                    return;
                };
                let mut screen = Screen {
                    view,
                    connected: std::mem::take(&mut self.connected),
                    timer_left: self.timer_left,
                };
                let was_paused = screen.view.paused;
                patch::apply(&mut screen, patch.changes);
                self.view = Some(screen.view);
                self.connected = screen.connected;
                self.screen = Some(patch.seq);
                self.new_screen(screen.timer_left, was_paused);
            }
        }
    }

    fn new_screen(&mut self, timer_left: Option<u32>, was_paused: bool) {
        // The countdown restarts when the host says something new about the timer, and after a
        // pause (the host's clock stood still while ours ran on).
        let paused = self.view.as_ref().is_some_and(|v| v.paused);
        if timer_left != self.timer_left || self.timer_at.is_none() || paused != was_paused {
            self.timer_at = Some(std::time::Instant::now());
        }
        self.timer_left = timer_left;
        self.version += 1;
    }

    pub fn send(&mut self, intent: PlayerIntent) {
        self.outbox
            .push(protocol::encode(&ClientMsg::Intent(intent)));
    }

    pub fn take_outbox(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.outbox)
    }

    /// Seconds left on the decision timer now, counting down locally between views.
    pub fn seconds_left(&self) -> Option<u32> {
        let left = self.timer_left?;
        let paused = self.view.as_ref().is_some_and(|v| v.paused);
        let gone = if paused {
            0
        } else {
            self.timer_at.map_or(0, |t| t.elapsed().as_secs() as u32)
        };
        Some(left.saturating_sub(gone))
    }

    pub fn my_role(&self) -> Option<RoleIdx> {
        let seat = self.seat?;
        self.view
            .as_ref()?
            .seats
            .iter()
            .find(|s| s.seat == seat)?
            .role
    }

    /// Whether this player has voted on the open step (sent, or confirmed by the host).
    pub fn has_voted(&self) -> bool {
        let (Some(seat), Some(view)) = (self.seat, self.view.as_ref()) else {
            return false;
        };
        let step = view.card.as_ref().map(|c| c.step);
        let sent = self
            .sent_vote
            .is_some_and(|(r, s, _)| r == view.round && Some(s) == step);
        sent || view.seats.iter().any(|s| s.seat == seat && s.voted)
    }

    /// The option this player sent on the open step, if any.
    pub fn my_vote(&self) -> Option<usize> {
        let view = self.view.as_ref()?;
        let step = view.card.as_ref()?.step;
        self.sent_vote
            .filter(|(r, s, _)| *r == view.round && *s == step)
            .map(|(_, _, o)| o)
    }

    /// (round, step, number of options) when this player should vote now.
    pub fn my_turn(&self) -> Option<(u32, usize, usize)> {
        let view = self.view.as_ref()?;
        let card = view.card.as_ref()?;
        let mine = matches!(view.phase, Phase::Briefing | Phase::Deciding)
            && !view.paused
            && Some(card.deciding_role) == self.my_role()
            && !self.has_voted();
        mine.then_some((view.round, card.step, card.options.len()))
    }

    /// Votes for `option` on the open step, or changes the vote. Sends nothing when the vote
    /// is already in: a player hammering a button is not a flood.
    pub fn vote(&mut self, option: usize) -> bool {
        let Some(view) = self.view.as_ref() else {
            return false;
        };
        let Some(card) = view.card.as_ref() else {
            return false;
        };
        let open = matches!(view.phase, Phase::Briefing | Phase::Deciding)
            && !view.paused
            && Some(card.deciding_role) == self.my_role();
        let (round, step) = (view.round, card.step);
        if !open || option >= card.options.len() || self.my_vote() == Some(option) {
            return false;
        }
        self.sent_vote = Some((round, step, option));
        self.send(PlayerIntent::Vote {
            round,
            step,
            option,
        });
        true
    }
}
