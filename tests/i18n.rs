//! Every interface text exists in Dutch and English, and every key the screens use exists.

use std::collections::BTreeSet;

use kantelspel::ui::i18n;

fn keys_used_in_code() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/ui"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Every string literal shaped like a key (`screen.word`) is one.
            for (i, piece) in text.split('"').enumerate() {
                let literal = i % 2 == 1;
                let key_like = piece.split_once('.').is_some_and(|(a, b)| {
                    !a.is_empty()
                        && !b.is_empty()
                        && a.chars().all(|c| c.is_ascii_lowercase())
                        && b.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
                if literal && key_like {
                    keys.insert(piece.to_string());
                }
            }
        }
    }
    keys
}

#[test]
fn both_languages_have_the_same_keys_and_cover_the_code() {
    let nl = i18n::parse(include_str!("../assets/i18n/nl.ron")).unwrap();
    let en = i18n::parse(include_str!("../assets/i18n/en.ron")).unwrap();
    let nl_keys: BTreeSet<_> = nl.keys().cloned().collect();
    let en_keys: BTreeSet<_> = en.keys().cloned().collect();
    assert_eq!(nl_keys, en_keys, "nl and en differ");
    let used = keys_used_in_code();
    assert!(
        used.len() > 50,
        "found only {} keys in the code",
        used.len()
    );
    let missing: Vec<_> = used.difference(&nl_keys).collect();
    assert!(
        missing.is_empty(),
        "keys used but not translated: {missing:?}"
    );
    assert!(nl.values().chain(en.values()).all(|v| !v.trim().is_empty()));
}

#[test]
fn placeholders_are_filled() {
    let tr = i18n::Tr::new(kantelspel::rules::Lang::En);
    assert_eq!(
        tr.f("round.round_of", &[("n", &3), ("of", &10)]),
        "Round 3 of 10"
    );
    let tr = i18n::Tr::new(kantelspel::rules::Lang::Nl);
    assert_eq!(
        tr.f("round.round_of", &[("n", &3), ("of", &10)]),
        "Ronde 3 van 10"
    );
    assert_eq!(tr.t("no.such_key"), "no.such_key");
}
