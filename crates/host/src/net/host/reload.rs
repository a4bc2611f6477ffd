//! A lobby that follows its deck file: the session rebuilt on the changed deck, every seat kept.

use super::*;

impl HostCore {
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
}
