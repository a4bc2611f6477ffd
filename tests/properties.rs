//! Properties of the rules under arbitrary intent sequences: no panic, meters in range, and a
//! journal replay that reproduces the state exactly.

use std::sync::Arc;

use kantelspel::rules::deck::Deck;
use kantelspel::rules::journal::{self, JournalEntry, JournalHeader};
use kantelspel::rules::session::{Intent, Sender, Session};
use proptest::prelude::*;

const MINI: &str = include_str!("decks/good/mini.ron");

fn sender() -> impl Strategy<Value = Sender> {
    prop_oneof![
        Just(Sender::Facilitator),
        Just(Sender::Host),
        (0u32..8).prop_map(Sender::Seat),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Anna".to_string()),
        Just("Bert".to_string()),
        "[a-zA-Z ]{0,6}",
        Just(String::new())
    ]
}

fn role() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".into()),
        Just("b".into()),
        Just("raadslid".into()),
        "[a-z]{0,3}"
    ]
}

fn card() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("eerste".into()),
        Just("vervolg".into()),
        Just("gewoon".into()),
        Just("hoog".into()),
        "[a-z]{0,4}"
    ]
}

fn intent() -> impl Strategy<Value = Intent> {
    prop_oneof![
        (name(), proptest::option::of(role()), any::<bool>())
            .prop_map(|(name, role, bot)| Intent::AddSeat { name, role, bot }),
        role().prop_map(|role| Intent::ChooseRole { role }),
        (0u32..8, 0usize..3, 0usize..5).prop_map(|(round, step, option)| Intent::Vote {
            round,
            step,
            option
        }),
        (0u32..8, role()).prop_map(|(seat, role)| Intent::MoveSeat { seat, role }),
        (0u32..8).prop_map(|seat| Intent::RemoveSeat { seat }),
        Just(Intent::Start),
        Just(Intent::Start),
        Just(Intent::Pause),
        Just(Intent::Resume),
        any::<u32>().prop_map(|secs| Intent::SetTimer { secs }),
        any::<u32>().prop_map(|secs| Intent::ExtendTimer { secs }),
        Just(Intent::Advance),
        Just(Intent::Advance),
        Just(Intent::Advance),
        Just(Intent::Skip),
        card().prop_map(|card| Intent::ChooseNext { card }),
        card().prop_map(|card| Intent::Inject { card }),
        (0usize..5).prop_map(|option| Intent::Decide { option }),
        (0usize..5).prop_map(|option| Intent::Decide { option }),
        (0usize..5).prop_map(|option| Intent::Override { option }),
        Just(Intent::Revoke),
        Just(Intent::End),
        (
            proptest::option::of("[a-z]{0,3}"),
            proptest::collection::vec(card(), 0..4),
            0u32..12
        )
            .prop_map(|(programme, cards, rounds)| Intent::SetProgramme {
                programme,
                cards,
                rounds
            }),
    ]
}

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
        edition: kantelspel::rules::session::RULES_EDITION,
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A screen built from differences is the screen: after any intent, for every viewer, the
    /// changes (also through JSON, as a browser gets them, and through postcard, as a laptop
    /// does) turn the last screen into the new one.
    #[test]
    fn differences_rebuild_every_screen_exactly(
        seed in any::<u64>(),
        steps in proptest::collection::vec(
            (sender(), intent(), proptest::collection::vec(0u32..8, 0..5), proptest::option::of(0u32..90)),
            0..80,
        ),
    ) {
        use kantelspel::net::patch::{self, Change, Screen};
        use kantelspel::rules::Lang;
        use kantelspel::rules::view::{Viewer, localize, view};
        let deck = Arc::new(Deck::from_ron("mini.ron", MINI).unwrap());
        let mut session = Session::new(Arc::clone(&deck), seed, 5);
        // Both languages, as the projector's own screen has them, and one, as a player is sent.
        let viewers = [
            (Viewer::Facilitator, None),
            (Viewer::Record, None),
            (Viewer::Role(None), Some(Lang::En)),
            (Viewer::Role(Some(0)), None),
            (Viewer::Role(Some(0)), Some(Lang::En)),
            (Viewer::Role(Some(1)), Some(Lang::Nl)),
        ];
        let screen = |s: &Session, (v, lang): (Viewer, Option<Lang>), connected: &[u32], timer_left| {
            let mut view = view(s, v);
            if let Some(lang) = lang {
                localize(&mut view, lang);
            }
            Screen {
                view,
                connected: connected.to_vec(),
                timer_left,
            }
        };
        let mut last: Vec<Screen> = viewers.iter().map(|v| screen(&session, *v, &[], None)).collect();
        for (sender, intent, mut connected, timer_left) in steps {
            let _ = session.apply(sender, &intent);
            connected.sort_unstable();
            connected.dedup();
            for (i, v) in viewers.iter().enumerate() {
                let new = screen(&session, *v, &connected, timer_left);
                if let Some(lang) = v.1 {
                    // A screen in one language reads the same as the screen in both.
                    let both = serde_json::to_value(view(&session, v.0)).unwrap();
                    let one = serde_json::to_value(&new.view).unwrap();
                    prop_assert!(reads_the_same(&both, &one, lang));
                }
                let changes = patch::diff(&last[i], &new);
                prop_assert_eq!(changes.is_empty(), last[i] == new);
                let json: Vec<Change> =
                    serde_json::from_str(&serde_json::to_string(&changes).unwrap()).unwrap();
                let wire: Vec<Change> =
                    postcard::from_bytes(&postcard::to_allocvec(&changes).unwrap()).unwrap();
                prop_assert_eq!(&json, &changes);
                prop_assert_eq!(&wire, &changes);
                let mut rebuilt = last[i].clone();
                patch::apply(&mut rebuilt, json);
                prop_assert_eq!(&rebuilt, &new);
                last[i] = new;
            }
        }
    }
}

/// Whether every text (an object of exactly `nl` and `en`) in `one` shows in `lang` what the
/// same text in `both` shows, and everything else is equal.
fn reads_the_same(
    both: &serde_json::Value,
    one: &serde_json::Value,
    lang: kantelspel::rules::Lang,
) -> bool {
    use serde_json::Value;
    let text = |v: &Value| -> Option<kantelspel::rules::Text> {
        let o = v.as_object()?;
        (o.len() == 2 && o.contains_key("nl") && o.contains_key("en"))
            .then(|| serde_json::from_value(v.clone()).ok())
            .flatten()
    };
    match (both, one) {
        (a, b) if text(a).is_some() => {
            text(b).is_some_and(|b| b.get(lang) == text(a).unwrap().get(lang))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, x)| b.get(k).is_some_and(|y| reads_the_same(x, y, lang)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| reads_the_same(x, y, lang))
        }
        (a, b) => a == b,
    }
}
