//! Properties of the rules under arbitrary intent sequences: no panic, meters in range, and a
//! journal replay that reproduces the state exactly. Built and run without the shell.

use std::sync::Arc;

use kantelspel_rules::deck::Deck;
use kantelspel_rules::journal::{self, JournalEntry, JournalHeader};
use kantelspel_rules::session::{Intent, Sender, Session};
use proptest::prelude::*;

mod strategies;
use strategies::{MINI, intent, sender};

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_intents_never_panic_keep_meters_in_range_and_replay_exactly(
        seed in any::<u64>(),
        steps in proptest::collection::vec((sender(), intent()), 0..120),
    ) {
        let deck = Arc::new(Deck::from_ron("mini.ron", MINI).unwrap());
        let header = JournalHeader {
            version: journal::JOURNAL_VERSION,
            deck_name: "mini.ron".into(),
            deck_source: MINI.into(),
            seed,
            rounds: 5,
            created_unix: 0,
        join_code: String::new(),
        seat_secret: 7,
        edition: kantelspel_rules::session::RULES_EDITION,
        };
        let mut session = Session::new(Arc::clone(&deck), seed, 5);
        let mut entries = Vec::new();
        for (sender, intent) in steps {
            let before = session.clone();
            match session.apply(sender, &intent) {
                Ok(_) => {
                    let entry = JournalEntry::new(entries.len() as u64, sender, &intent, None);
                    // The journal's own record says exactly what the rules accepted.
                    prop_assert_eq!(Intent::from(&entry.intent), intent.clone());
                    prop_assert_eq!(Sender::from(entry.sender), sender);
                    entries.push(entry);
                }
                Err(_) => prop_assert_eq!(&session, &before, "a refusal changed the state"),
            }
            for (m, value) in deck.meters.iter().zip(&session.meters) {
                prop_assert!((m.min..=m.max).contains(value), "{} = {} is out of range", m.id, value);
            }
        }
        let text: String = std::iter::once(journal::header_line(&header))
            .chain(entries.iter().map(journal::entry_line))
            .map(|l| l + "\n")
            .collect();
        let parsed = journal::parse(&text).unwrap();
        prop_assert_eq!(parsed.entries.len(), entries.len());
        let rebuilt = journal::replay(Arc::clone(&deck), &parsed.header, &parsed.entries).unwrap();
        prop_assert_eq!(rebuilt, session);
    }
}
