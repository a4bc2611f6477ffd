//! Screens built from differences are the screens, under arbitrary intent sequences (the
//! rules' own properties are tested in `crates/rules/tests/properties.rs`).

use std::sync::Arc;

use kantelspel::rules::deck::Deck;
use kantelspel::rules::session::Session;
use proptest::prelude::*;

#[path = "../crates/rules/tests/strategies/mod.rs"]
mod strategies;
use strategies::{MINI, intent, sender};

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
