//! The facilitator's desk: each table as the window, the projector and the serve console show it,
//! made here where the sessions are. They draw these views and the host's countdown; what the
//! debrief compares and the export writes is the record view ([`HostCore::record`]), kept here
//! too while its table does not change.

use std::sync::{Arc, Mutex, PoisonError};

use crate::rules::Text;
use crate::rules::session::SeatId;
use crate::rules::view::{View, Viewer, view};

use super::host::{HostCore, Waiting};

/// One table at the facilitator's desk.
#[derive(Clone, Debug, PartialEq)]
pub struct TableDesk {
    /// What the facilitator sees of the session: every seat and vote, every role's briefing.
    pub view: View,
    pub deck_id: String,
    /// Every card by its id and title, in the deck's order: what "play this card" offers.
    pub cards: Vec<(String, Text)>,
    /// The deck's programmes.
    pub programmes: Vec<Offer>,
    /// What the table plays: `None` the whole deck, `Some(None)` an own pick of cards,
    /// `Some(Some(id))` one of the deck's programmes.
    pub programme: Option<Option<String>>,
    /// The same in words, when the table does not play the whole deck.
    pub programme_text: Option<Text>,
    /// The cards of the table's programme or own pick, by id (empty: the whole deck).
    pub picked: Vec<String>,
    /// How many options the latest decision's step had: what an override may choose among.
    pub last_options: usize,
    /// Seats with a live link (bots are online by themselves).
    pub online: Vec<SeatId>,
    pub room_open: bool,
    /// Who waits at the door after the start.
    pub waiting: Vec<Waiting>,
}

/// A programme the deck offers: a shorter workshop, chosen in the lobby.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub rounds: u32,
}

impl TableDesk {
    pub fn of(core: &HostCore) -> TableDesk {
        let session = core.session();
        let deck = session.deck();
        TableDesk {
            view: view(session, Viewer::Facilitator),
            deck_id: deck.id.clone(),
            cards: deck
                .cards
                .iter()
                .map(|c| (c.id.clone(), c.title.clone()))
                .collect(),
            programmes: deck
                .programmes
                .iter()
                .map(|p| Offer {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    description: p.description.clone(),
                    rounds: p.rounds,
                })
                .collect(),
            programme: session.programme.as_ref().map(|p| p.id.clone()),
            programme_text: session.programme_text(),
            picked: session.programme.as_ref().map_or_else(Vec::new, |p| {
                p.cards.iter().map(|c| deck.cards[*c].id.clone()).collect()
            }),
            last_options: session
                .decisions
                .last()
                .map_or(0, |d| deck.cards[d.card].steps[d.step].options.len()),
            online: core.connected_seats(),
            room_open: core.room_open(),
            waiting: core.waiting().to_vec(),
        }
    }

    /// Whether a seat's player can act now: a bot, or a person with a live link.
    pub fn is_online(&self, seat: SeatId) -> bool {
        self.online.contains(&seat) || self.view.seats.iter().any(|s| s.seat == seat && s.bot)
    }

    /// The name of a seat at this table.
    pub fn seat_name(&self, seat: SeatId) -> Option<&str> {
        self.view
            .seats
            .iter()
            .find(|s| s.seat == seat)
            .map(|s| s.name.as_str())
    }

    /// Whether no seat holds role `r`: the desk offers a bot for it.
    pub fn role_empty(&self, r: usize) -> bool {
        !self.view.seats.iter().any(|s| s.role == Some(r))
    }
}

/// Something made of a table and the [`HostCore::stamp`] it was made at.
type Made<T> = Option<((u64, u64), Arc<T>)>;

/// Every table's desk and record view, each made again only for a table that changed since it
/// was last asked for.
#[derive(Default)]
pub(crate) struct Desks {
    made: Mutex<Vec<Made<TableDesk>>>,
    records: Mutex<Vec<Made<View>>>,
}

/// What `made[t]` holds for `core`, made again by `make` when the table changed.
fn kept<T>(
    made: &Mutex<Vec<Made<T>>>,
    t: usize,
    core: &HostCore,
    make: fn(&HostCore) -> T,
) -> Arc<T> {
    // A poisoned lock only means a panic elsewhere while something was made: the cache is
    // still a cache.
    let mut made = made.lock().unwrap_or_else(PoisonError::into_inner);
    if made.len() <= t {
        made.resize_with(t + 1, || None);
    }
    let stamp = core.stamp();
    match &made[t] {
        Some((s, it)) if *s == stamp => it.clone(),
        _ => {
            let it = Arc::new(make(core));
            made[t] = Some((stamp, it.clone()));
            it
        }
    }
}

impl Desks {
    /// Table `t`'s desk as `core` stands now.
    pub fn of(&self, t: usize, core: &HostCore) -> Arc<TableDesk> {
        kept(&self.made, t, core, TableDesk::of)
    }

    /// The record view of every table in `cores`, in order: what the debrief compares, each
    /// drawn frame.
    pub fn records<'a>(&self, cores: impl IntoIterator<Item = &'a HostCore>) -> Vec<Arc<View>> {
        cores
            .into_iter()
            .enumerate()
            .map(|(t, core)| kept(&self.records, t, core, HostCore::record))
            .collect()
    }
}

impl HostCore {
    /// The whole story so far as a report reads it: every vote and every role's briefing.
    pub fn record(&self) -> View {
        view(self.session(), Viewer::Record)
    }

    /// This table beside the archive's earlier tables of its deck, once it has a decision.
    pub fn against_archive(
        &self,
        archive: &crate::archive::Archive,
    ) -> Option<crate::archive::Against> {
        crate::archive::against_archive(self.session(), archive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::session::{Intent, Session};
    use crate::rules::{Deck, Phase};

    fn core(seed: u64) -> HostCore {
        let deck = Arc::new(Deck::default_deck().expect("the default deck is valid"));
        HostCore::new(Session::new(deck, seed, 3), None, "desk".into())
    }

    #[test]
    fn a_desk_is_made_again_only_when_its_table_changed() {
        let desks = Desks::default();
        let mut c = core(1);
        let first = desks.of(0, &c);
        assert!(Arc::ptr_eq(&first, &desks.of(0, &c)), "nothing changed");
        assert!(first.view.seats.is_empty() && first.role_empty(0));
        c.facilitate(&Intent::AddSeat {
            name: "bot-a".into(),
            role: Some(first.view.roles[0].id.clone()),
            bot: true,
        })
        .unwrap();
        let seated = desks.of(0, &c);
        assert!(!Arc::ptr_eq(&first, &seated));
        let seat = seated.view.seats[0].seat;
        assert_eq!(seated.seat_name(seat), Some("bot-a"));
        assert!(seated.is_online(seat), "a bot is online by itself");
        assert!(!seated.role_empty(0));
        c.facilitate(&Intent::Start).unwrap();
        assert_eq!(desks.of(0, &c).view.phase, Phase::Briefing);
    }

    #[test]
    fn a_replaced_table_gets_a_desk_of_its_own() {
        let desks = Desks::default();
        let mut a = core(1);
        a.facilitate(&Intent::SetTimer { secs: 90 }).unwrap();
        assert_eq!(desks.of(0, &a).view.timer_secs, 90);
        // A new core with as many changes as the old one had is another table all the same.
        let mut b = core(2);
        b.facilitate(&Intent::SetTimer { secs: 120 }).unwrap();
        assert_eq!(a.changes(), b.changes());
        assert_eq!(desks.of(0, &b).view.timer_secs, 120);
    }

    #[test]
    fn a_record_is_made_again_only_when_its_table_changed() {
        let desks = Desks::default();
        let a = core(1);
        let mut b = core(2);
        let first = desks.records([&a, &b]);
        assert_eq!(first.len(), 2);
        let again = desks.records([&a, &b]);
        assert!(Arc::ptr_eq(&first[0], &again[0]) && Arc::ptr_eq(&first[1], &again[1]));
        b.facilitate(&Intent::SetTimer { secs: 75 }).unwrap();
        let second = desks.records([&a, &b]);
        assert!(Arc::ptr_eq(&first[0], &second[0]), "table 1 did not change");
        assert!(!Arc::ptr_eq(&first[1], &second[1]));
        assert_eq!(second[1].timer_secs, 75);
        // Another table in the same place, though made like the first one, is made again.
        let c = core(1);
        assert!(!Arc::ptr_eq(&first[0], &desks.records([&c, &b])[0]));
        assert_eq!(desks.records([&a]).len(), 1, "a table fewer");
    }

    #[test]
    fn the_desk_offers_the_decks_cards_and_programmes() {
        let c = core(1);
        let desk = TableDesk::of(&c);
        let deck = c.session().deck();
        assert_eq!(desk.cards.len(), deck.cards.len());
        assert_eq!(desk.programmes.len(), deck.programmes.len());
        assert_eq!(desk.programme, None, "a new table plays the whole deck");
        assert_eq!(desk.last_options, 0, "nothing decided yet");
    }
}
