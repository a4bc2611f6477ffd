//! Every word the program shows exists in Dutch and English: the Fluent files parse, have the
//! same keys, cover every key the code asks for, and every refusal a player can meet is said in
//! both languages; numbers choose plural forms.

use std::collections::BTreeSet;

use kantelspel::net::protocol::Refusal;
use kantelspel::rules::session::{Phase, RuleError};
use kantelspel::rules::{Lang, Text};
use kantelspel::ui::i18n::Tr;
use kantelspel::words::{self, EN_FTL, NL_FTL, Words};

/// Every key the code asks for: the string literal right after `t(`, `f(`, `text(` or
/// `say(lang, ` anywhere in the three crates' sources.
fn keys_used_in_code() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<_> = ["src", "crates/host/src", "crates/rules/src"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for opener in ["t(", "f(", "text(", "say("] {
                for (i, _) in text.match_indices(opener) {
                    let before = text[..i].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue; // `sort(` or `print(`, not one of ours
                    }
                    // The key may follow on the next line, or after the language.
                    let rest = text[i + opener.len()..].trim_start();
                    let rest = rest
                        .strip_prefix("lang,")
                        .or_else(|| rest.strip_prefix("self.lang,"))
                        .map_or(rest, str::trim_start);
                    let Some(rest) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    let key_like = key.split_once('.').is_some_and(|(a, b)| {
                        !a.is_empty()
                            && !b.is_empty()
                            && a.chars().all(|c| c.is_ascii_lowercase())
                            && b.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                    if key_like {
                        keys.insert(key.to_string());
                    }
                }
            }
        }
    }
    keys
}

#[test]
fn both_languages_parse_have_the_same_keys_and_cover_the_code() {
    let nl = Words::parse("nl", NL_FTL).unwrap_or_else(|e| panic!("nl.ftl: {e:?}"));
    let en = Words::parse("en", EN_FTL).unwrap_or_else(|e| panic!("en.ftl: {e:?}"));
    assert_eq!(nl.keys(), en.keys(), "nl and en differ");
    let used = keys_used_in_code();
    assert!(
        used.len() > 100,
        "found only {} keys in the code",
        used.len()
    );
    for needle in [
        "rule.not_your_role",
        "refusal.replaced",
        "report.decisions",
        "fac.timer",
    ] {
        assert!(used.contains(needle), "the scan misses {needle}");
    }
    let missing: Vec<_> = used.difference(nl.keys()).collect();
    assert!(
        missing.is_empty(),
        "keys used but not translated: {missing:?}"
    );
    // Every text says something in both languages, whatever its placeables are given.
    for key in nl.keys() {
        let args: [(&str, &dyn std::fmt::Display); 36] = [
            ("n", &2),
            ("of", &5),
            ("role", &"x"),
            ("option", &"x"),
            ("split", &"1-1"),
            ("round", &1),
            ("rounds", &8),
            ("deck", &"d"),
            ("date", &"2026-11-30"),
            ("players", &3),
            ("addr", &"1.2.3.4"),
            ("host", &2),
            ("client", &3),
            ("secs", &30),
            ("seat", &4),
            ("expected", &"a"),
            ("actual", &"b"),
            ("step", &1),
            ("card", &"k"),
            ("name", &"Anna"),
            ("max", &40),
            ("cards", &30),
            ("percent", &30),
            ("what", &"x"),
            ("meter", &"m"),
            ("by", &"+3"),
            ("flag", &"f"),
            ("table", &2),
            ("from", &1),
            ("to", &2),
            ("minutes", &91),
            ("programme", &"budgetdruk"),
            ("chars", &"а (U+0430, 3)"),
            ("ip", &"192.168.1.23"),
            ("journals", &"/home/a/Documenten/Kantelspel"),
            ("data", &"/home/a/.local/share/kantelspel"),
        ];
        for (lang, words) in [("nl", &nl), ("en", &en)] {
            let said = words.format(key, &args);
            assert!(
                said.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "{lang}: `{key}` says nothing: {said:?}"
            );
        }
    }
}

/// Every refusal and rule error a player can be shown, in both languages, from the files.
#[test]
fn every_refusal_is_said_in_dutch_and_in_english() {
    let rules = [
        RuleError::NotFacilitator,
        RuleError::UnknownSeat(4),
        RuleError::NoRole,
        RuleError::NotYourRole {
            expected: "wethouder".into(),
            actual: "raadslid".into(),
        },
        RuleError::WrongPhase {
            phase: Phase::Lobby,
            needed: "a vote".into(),
        },
        RuleError::StaleVote { round: 2, step: 0 },
        RuleError::UnknownOption(3),
        RuleError::UnknownRole("x".into()),
        RuleError::UnknownCard("y".into()),
        RuleError::SessionOver,
        RuleError::Paused,
        RuleError::NoVotes,
        RuleError::NameTaken("Anna".into()),
        RuleError::BadName,
        RuleError::RoleFull("wethouder".into()),
        RuleError::NothingToUndo,
        RuleError::BadTimer,
        RuleError::CardUnderway,
        RuleError::UnknownProgramme("p".into()),
        RuleError::BadProgramme,
        RuleError::NotObserver,
        RuleError::NotesFull,
        RuleError::BadNote,
    ];
    let mut refusals: Vec<Refusal> = rules.into_iter().map(Refusal::Rule).collect();
    refusals.extend([
        Refusal::VersionMismatch { host: 2, client: 3 },
        Refusal::NameInUse("Anna".into()),
        Refusal::Malformed,
        Refusal::NotJoined,
        Refusal::Flooding,
        Refusal::JournalFailed("disk full".into()),
        Refusal::Removed,
        Refusal::NotAdmitted,
        Refusal::Replaced,
        Refusal::NoSuchTable(9),
        Refusal::NoteTooSoon,
    ]);
    let mut seen = BTreeSet::new();
    for r in &refusals {
        let Text { nl, en } = r.text();
        for said in [&nl, &en] {
            assert!(
                !said.is_empty()
                    && !said.contains('{')
                    && !said.starts_with("rule.")
                    && !said.starts_with("refusal."),
                "{r:?} is not said: {said}"
            );
        }
        assert_ne!(nl, en, "{r:?} has no Dutch of its own");
        assert!(seen.insert(nl.clone()), "two refusals say the same: {nl}");
    }
    let text = Refusal::Rule(RuleError::StaleVote { round: 2, step: 0 }).text();
    assert_eq!(
        text.nl,
        "Deze stem was voor ronde 2, stap 1, en die is al gesloten."
    );
}

#[test]
fn placeables_are_filled_and_numbers_choose_plurals() {
    let tr = Tr::new(Lang::En);
    assert_eq!(
        tr.f("round.round_of", &[("n", &3), ("of", &10)]),
        "Round 3 of 10"
    );
    assert_eq!(tr.f("round.players_in_role", &[("n", &1)]), "1 player");
    assert_eq!(tr.f("round.players_in_role", &[("n", &3)]), "3 players");
    assert_eq!(
        tr.f("round.voted", &[("n", &1), ("of", &4)]),
        "1 of 4 has voted"
    );
    let tr = Tr::new(Lang::Nl);
    assert_eq!(
        tr.f("round.round_of", &[("n", &3), ("of", &10)]),
        "Ronde 3 van 10"
    );
    assert_eq!(tr.f("round.players_in_role", &[("n", &1)]), "1 speler");
    assert_eq!(tr.f("round.players_in_role", &[("n", &3)]), "3 spelers");
    assert_eq!(
        tr.f("round.voted", &[("n", &3), ("of", &4)]),
        "3 van 4 hebben gestemd"
    );
    // No isolation marks around placeables: egui would draw them.
    assert!(
        !tr.f("round.round_of", &[("n", &3), ("of", &10)])
            .contains('\u{2068}')
    );
    assert_eq!(tr.t("no.such_key"), "no.such_key");
    assert_eq!(tr.t("host.code"), words::say(Lang::Nl, "host.code", &[]));
}

/// The page in the browser speaks from the same files: its script carries every `page` text in
/// both languages, placeables left for the page to fill.
#[test]
fn the_browser_page_gets_its_words_from_the_translation_files() {
    let js = kantelspel::net::page::app_js();
    assert!(js.contains("const WORDS = {"), "no words in the script");
    assert!(
        !js.contains("is put in front of this file"),
        "the marker stayed"
    );
    let json = kantelspel::net::page::words_json();
    let words: serde_json::Value = serde_json::from_str(&json).unwrap();
    let nl = words["nl"].as_object().unwrap();
    let en = words["en"].as_object().unwrap();
    assert!(nl.len() >= 60, "{} page texts", nl.len());
    assert_eq!(nl.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
    assert_eq!(nl["join_title"], "Meedoen aan de workshop");
    assert_eq!(en["round_of"], "Round {n} of {of}");
    // 'use strict' stays the script's first statement.
    let strict = js.find("'use strict'").unwrap();
    assert!(strict < js.find("const WORDS").unwrap());
}
