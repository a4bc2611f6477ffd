//! The lesson through the program: `deck simulate --json`, `serve --cards … --rounds …` over
//! loopback, and the serve console's programmes (the rules' side: `crates/rules/tests/lesson.rs`).

use std::sync::Arc;

use kantelspel::rules::bot::Strategy;
use kantelspel::rules::deck::Deck;
use kantelspel::rules::journal;
use kantelspel::rules::simulate;

mod common;

/// The simulation's figures as `deck simulate --json` prints them.
#[test]
fn the_balance_figures_are_one_json_object() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    let b = simulate::simulate(&deck, 500, 3, deck.rounds, Strategy::Random);
    let v = serde_json::to_value(b.summary(&deck)).unwrap();
    assert_eq!(v["sessions"], 500);
    assert_eq!(v["roles"].as_array().unwrap().len(), deck.roles.len());
    assert_eq!(v["cards"].as_array().unwrap().len(), deck.cards.len());
    for key in ["decisions_per_session", "never_share"] {
        assert!(v["roles"][0][key].is_number(), "{key}");
    }
    for key in ["can_end", "ends_share", "danger_share"] {
        assert!(!v["meters"][0][key].is_null(), "{key}");
    }
    assert!(v["flags"][0]["raised_share"].is_number());
    assert!(v["late_effects"][0]["dropped_share"].is_number());
    // Shares are shares.
    for c in v["cards"].as_array().unwrap() {
        let reach = c["reach"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&reach));
    }
    // The command prints the same object.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env("XDG_DATA_HOME", common::test_data_home())
        .args([
            "deck",
            "simulate",
            "--runs",
            "300",
            "--json",
            "--programme",
            "budgetdruk",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["programme"], "budgetdruk");
    assert_eq!(printed["sessions"], 300);
    let wrong = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env("XDG_DATA_HOME", common::test_data_home())
        .args(["deck", "simulate", "--runs", "10", "--programme", "geen"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("budgetdruk"));
}

/// `serve --cards … --rounds …`, bots in every role, over loopback: the journal (and the
/// report from it) holds exactly those cards in that order, and says what was played.
#[test]
fn serve_with_cards_and_rounds_plays_exactly_those_cards() {
    let dir = common::temp_dir("lesson-cards");
    let pick = ["werkbezoek", "twee-petten", "evaluatie"];
    let out = common::serve_command(0, &["--code", "TEST42", "--auto", "--no-web"])
        .args([
            "--pace",
            "0.05",
            "--timer",
            "20",
            "--bot-delay",
            "0",
            "--seed",
            "3",
        ])
        .args(["--cards", &pick.join(","), "--rounds", "3"])
        .args([
            "--bots",
            "raadslid,wethouder,ambtenaar,wijkteamprofessional",
        ])
        .arg("--journal")
        .arg(&dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let journal = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "journal"))
        .expect("a journal");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains("SetProgramme"), "the pick is journaled");
    let back = journal::recover(&text).unwrap();
    let deck = back.session.deck();
    let played: Vec<&str> = back
        .session
        .decisions
        .iter()
        .map(|d| deck.cards[d.card].id.as_str())
        .fold(Vec::new(), |mut v, c| {
            if v.last() != Some(&c) {
                v.push(c);
            }
            v
        });
    assert_eq!(played, pick);
    let (_, meta) = kantelspel::report::from_journal(&text).unwrap();
    let programme = meta.programme.expect("the report says what was played");
    assert!(programme.nl.contains("Werkbezoek") || programme.nl.starts_with("eigen keuze"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The serve console lists the programmes and sets one before the start, refuses it after.
#[test]
fn the_serve_console_chooses_a_programme_in_the_lobby() {
    let dir = common::temp_dir("lesson-console");
    let out = common::serve_console(
        &["--no-web"],
        &dir,
        b"programmes\nprogramme budgetdruk\ncards twee-buren,evaluatie 4\nprogrammes\n\
          programme deck\nprogrammes\nprogramme geen\nbot raadslid\nstart\nprogramme budgetdruk\nquit\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(said.contains("Budgetdruk en de controlereflex"), "{said}");
    assert!(
        said.contains("now: the whole deck, 8 rounds, about 91 min"),
        "{said}"
    );
    assert!(
        said.contains("now: own pick: twee-buren,evaluatie, 4 rounds"),
        "{said}"
    );
    assert!(said.contains("there is no programme `geen`"), "{said}");
    assert!(
        said.contains("not possible during"),
        "after the start: {said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
