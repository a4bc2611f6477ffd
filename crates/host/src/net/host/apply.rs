//! Apply and journal: an accepted intent changes the session, is written to the journal and
//! flushed before anyone is told; the bots' votes come through here too.

use super::*;

impl HostCore {
    /// Applies an intent from anyone, journals it, and only then lets it count.
    pub fn act(&mut self, sender: Sender, intent: &Intent) -> Result<Vec<Event>, Refusal> {
        let mut next = self.session.clone();
        let events = next.apply(sender, intent).map_err(Refusal::Rule)?;
        // Everyone hears at once of anything but a vote that changed nothing else (a vote that
        // opened the deciding phase or resolved the step is news too).
        let news = !matches!(intent, Intent::Vote { .. })
            || next.phase != self.session.phase
            || events.iter().any(|e| !matches!(e, Event::VoteCast { .. }));
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
        // A seat that says something, or that the facilitator places, is somebody's.
        let placed = match (sender, intent) {
            (Sender::Seat(s), _) => Some(s),
            (_, Intent::MoveSeat { seat, .. }) => Some(*seat),
            _ => None,
        };
        if let Some(seat) = placed {
            self.fresh.remove(&seat);
        }
        self.urgent |= news;
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
    pub(crate) fn bots_vote(&mut self, strategy: Strategy) {
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
    pub(crate) fn bot_choice(&mut self, strategy: Strategy) -> Option<usize> {
        bot::choose(&self.session, strategy, &mut self.rng)
    }

    /// Whether every role has a player or a bot.
    pub(crate) fn every_role_filled(&self) -> bool {
        (0..self.session.deck().roles.len())
            .all(|r: RoleIdx| self.session.seats_in_role(r).next().is_some())
    }
}
