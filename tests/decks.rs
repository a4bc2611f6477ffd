//! The deck corpus: every shipped deck checks and simulates; every broken deck fails with the
//! message stored beside it; hostile files get an error, never a panic or a hang.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kantelspel::rules::bot::Strategy;
use kantelspel::rules::deck::{self, Deck};
use kantelspel::rules::simulate;

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

#[test]
fn every_shipped_deck_checks_and_simulates() {
    let decks = files("scenarios", "ron");
    assert!(!decks.is_empty());
    for path in decks {
        let deck = Arc::new(Deck::load(&path).unwrap_or_else(|e| panic!("{e}")));
        let mut balance =
            simulate::simulate(&deck, 2_000, 1, deck.rounds, Strategy::Random, |_| {});
        assert_eq!(balance.runs, 2_000);
        assert!(
            balance.never_drawn(&deck).is_empty(),
            "{}: cards never drawn in 2000 sessions: {:?}",
            path.display(),
            balance.never_drawn(&deck)
        );
        assert!(
            balance.worst_early_share() <= 0.5,
            "{}: one threshold ends {:.0}% of sessions before round 4",
            path.display(),
            100.0 * balance.worst_early_share()
        );
        assert!(balance.report(&deck).contains("sessions of"));
        // The facilitator's screen and the projector show the general briefing.
        for c in &deck.cards {
            assert!(
                !c.briefing.nl.is_empty(),
                "{}: {} has no general briefing",
                path.display(),
                c.id
            );
        }
        assert!(
            simulate::dominant_options(&deck).is_empty(),
            "{}: options best on every meter: {:?}",
            path.display(),
            simulate::dominant_options(&deck)
        );
    }
}

/// What a 90-minute workshop needs of the default deck (issue: the default deck).
#[test]
fn the_default_deck_carries_a_whole_workshop() {
    let deck = Deck::default_deck().unwrap();
    assert!(deck.cards.len() >= 30, "{} cards", deck.cards.len());
    for (r, role) in deck.roles.iter().enumerate() {
        let deciding = deck
            .cards
            .iter()
            .filter(|c| c.steps.iter().any(|s| s.role == r))
            .count();
        assert!(deciding >= 6, "{} decides in {deciding} cards", role.id);
    }
    let multi = deck.cards.iter().filter(|c| c.steps.len() > 1).count();
    let across_roles = deck
        .cards
        .iter()
        .filter(|c| c.steps.iter().any(|s| s.role != c.steps[0].role))
        .count();
    assert!(
        multi >= 8 && across_roles >= 8,
        "{multi} multi-step, {across_roles} across roles"
    );
    let own_briefings = deck
        .cards
        .iter()
        .filter(|c| c.briefings.iter().flatten().count() >= 1)
        .count();
    assert!(
        own_briefings >= 10,
        "{own_briefings} cards with role briefings"
    );
    assert!(deck.cards.iter().all(|c| !c.debrief.is_empty()));
    // The facilitator's screen and the projector show the general briefing.
    for c in &deck.cards {
        assert!(
            !c.briefing.nl.is_empty(),
            "{} has no general briefing",
            c.id
        );
    }
    let follow_ups = deck.cards.iter().filter(|c| c.follow_up_only).count();
    assert!(follow_ups >= 2);
}

/// The balance targets: some random sessions tip over, and steady play tips over less.
#[test]
fn the_default_deck_is_balanced() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    const RUNS: u64 = 20_000;
    let random = simulate::simulate(&deck, RUNS, 7, deck.rounds, Strategy::Random, |_| {});
    let steady = simulate::simulate(&deck, RUNS, 7, deck.rounds, Strategy::Steady, |_| {});
    let share = |b: &simulate::Balance| b.ended_early() as f64 / b.runs as f64;
    assert!(
        (0.10..=0.40).contains(&share(&random)),
        "random play ends early in {:.1}% of sessions",
        100.0 * share(&random)
    );
    assert!(share(&steady) < share(&random));
    assert!(random.never_drawn(&deck).is_empty());
}

#[test]
fn an_option_that_wins_on_every_meter_is_reported() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap();
    let deck = Deck::from_ron("mini.ron", &source).unwrap();
    // In the mini deck "x" (+10 now, -5 later on a meter that ends the session low) beats "y"
    // (-45) and "z" (only moves a meter without a tipping point).
    assert!(simulate::dominant_options(&deck).contains(&"eerste/x".to_string()));
    // Give "y" a reason to be chosen: x no longer wins everywhere.
    let mut fixed = deck.clone();
    fixed.cards[0].steps[0].options[1]
        .effects
        .push(deck::Effect::Meter { meter: 0, by: 100 });
    assert!(!simulate::dominant_options(&fixed).contains(&"eerste/x".to_string()));
}

#[test]
fn the_embedded_deck_is_the_shipped_default() {
    let embedded = Deck::default_deck().unwrap();
    let on_disk =
        Deck::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(deck::DEFAULT_DECK_NAME)).unwrap();
    assert_eq!(embedded, on_disk);
    assert_eq!(embedded.roles.len(), 4);
    for meter in ["teamvertrouwen", "willekeur", "rugdekking", "budget"] {
        assert!(
            embedded.meter_index(meter).is_some(),
            "missing meter {meter}"
        );
    }
    assert!(embedded.cards.len() >= 30);
    assert!(deck::summary(&embedded).contains("every text in nl and en"));
}

#[test]
fn every_broken_deck_fails_with_its_stored_message() {
    let broken = files("tests/decks/broken", "ron");
    assert!(
        broken.len() >= 15,
        "the broken corpus has only {} decks",
        broken.len()
    );
    for path in broken {
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected file beside it", path.display()));
        let err = Deck::load(&path).expect_err(&format!("{} should fail", path.display()));
        let text = err.to_string();
        assert!(
            text.contains(expected.trim()),
            "{}:\n  expected: {}\n  got:      {text}",
            path.display(),
            expected.trim()
        );
    }
}

#[test]
fn several_problems_are_reported_in_one_run() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/broken/unknown-meter.ron"),
    )
    .unwrap()
    .replace("role: \"raadslid\", prompt", "role: \"niemand\", prompt")
    .replace("start: 50", "start: 500");
    let err = Deck::from_ron("multi.ron", &src).unwrap_err();
    assert_eq!(err.diagnostics.len(), 3, "{err}");
}

fn check_text(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("kantelspel-deck-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deck.ron");
    std::fs::write(&path, bytes).unwrap();
    let err = Deck::load(&path).expect_err("hostile input must be refused");
    let _ = std::fs::remove_dir_all(&dir);
    err.to_string()
}

#[test]
fn hostile_files_get_a_clear_error() {
    assert!(check_text("deep", "(".repeat(10_000).as_bytes()).contains("deck.ron:1:2: "));
    // Chances may nest, so this nesting is legal in form: only the depth limit stops it.
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/broken/unknown-meter.ron"),
    )
    .unwrap();
    let nested = "Chance(percent: 5, effects: [".repeat(10_000) + &"])".repeat(10_000);
    let deep = base.replace("Meter(meter: \"budgt\", by: -5)", &nested);
    let err = check_text("deepchance", deep.as_bytes());
    assert!(err.contains("nested deeper than 64 levels"), "{err}");
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(check_text("junk", &junk).contains("not text (UTF-8)"));
    assert!(!check_text("nul", b"(\0\0\0)").is_empty());
    assert!(
        check_text(
            "number",
            b"(id: \"x\", title: (nl: \"x\"), rounds: 99999999999999999999999999)"
        )
        .contains("too large")
    );
    assert!(check_text("empty", b"   \n").contains("the file is empty"));

    let dir = std::env::temp_dir();
    let err = Deck::load(&dir).unwrap_err().to_string();
    assert!(err.contains("this is a folder, not a deck file"), "{err}");
    let err = Deck::load(Path::new("/no/such/deck.ron"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read the file"), "{err}");
}
