//! The deck corpus: every shipped deck checks and simulates; every broken deck fails with the
//! message stored beside it; hostile files get an error, never a panic or a hang.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kantelspel::rules::bot::Strategy;
use kantelspel::rules::deck::{self, Deck};
use kantelspel::rules::lint::{self, FindingKind};
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
        let deck = Arc::new(kantelspel::deck_file::load(&path).unwrap_or_else(|e| panic!("{e}")));
        let mut balance = simulate::simulate(&deck, 2_000, 1, deck.rounds, Strategy::Random);
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
        assert!(kantelspel::cli::deck::balance_report(&mut balance, &deck).contains("sessions of"));
        // The facilitator's screen and the projector show the general briefing.
        for c in &deck.cards {
            assert!(
                !c.briefing.nl.is_empty(),
                "{}: {} has no general briefing",
                path.display(),
                c.id
            );
        }
        // A shipped deck says in its own words how a session that held ends.
        assert!(
            deck.completed.is_some(),
            "{}: no `completed`",
            path.display()
        );
        // Every option has a price, none is beaten on every meter, every flag and card counts.
        if let Err(e) = kantelspel::deck_file::check_strict(&path) {
            panic!("`deck check --strict` refuses a shipped deck:\n{e}");
        }
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
    let random = simulate::simulate(&deck, RUNS, 7, deck.rounds, Strategy::Random);
    let steady = simulate::simulate(&deck, RUNS, 7, deck.rounds, Strategy::Steady);
    let share = |b: &simulate::Balance| b.ended_early() as f64 / b.runs as f64;
    assert!(
        (0.10..=0.40).contains(&share(&random)),
        "random play ends early in {:.1}% of sessions",
        100.0 * share(&random)
    );
    assert!(share(&steady) < share(&random));
    assert!(random.never_drawn(&deck).is_empty());
}

fn findings_on(deck: &Deck, card: usize) -> Vec<(FindingKind, String)> {
    lint::lint_static(deck, &deck::Places::default())
        .into_iter()
        .filter(|f| f.path.starts_with(&format!("cards[{card}].")))
        .map(|f| (f.kind, f.path))
        .collect()
}

#[test]
fn free_and_dominated_options_are_found_and_a_price_later_or_by_chance_counts() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap();
    let deck = Deck::from_ron("mini.ron", &source).unwrap();
    // In the mini deck "x" (+10 now, -5 later on `m`, which ends the session low) beats "y"
    // (-45 on `m`); "z" only moves `n`, a meter without a tipping point: it costs nothing.
    let x = "cards[0].steps[0].options[0]".to_string();
    let y = "cards[0].steps[0].options[1]".to_string();
    let z = "cards[0].steps[0].options[2]".to_string();
    let found = findings_on(&deck, 0);
    assert!(found.contains(&(FindingKind::DominatedOption, y.clone())));
    assert!(found.contains(&(FindingKind::FreeOption, z.clone())));
    // x pays later: a gain now does not make a later loss free.
    assert!(!found.iter().any(|(_, p)| *p == x), "{found:?}");

    // Give "y" a reason to be chosen and "z" a price by chance: the step is a dilemma.
    let mut fixed = deck.clone();
    let opts = &mut fixed.cards[0].steps[0].options;
    opts[1].effects.push(deck::Effect::Later {
        meter: 1,
        by: 3,
        rounds: 1,
    });
    opts[1]
        .effects
        .push(deck::Effect::Meter { meter: 0, by: 60 });
    opts[2].effects.push(deck::Effect::Chance {
        percent: 10,
        effects: vec![deck::Effect::Meter { meter: 0, by: -20 }],
        outcome: Default::default(),
    });
    assert_eq!(findings_on(&fixed, 0), vec![]);
    // A price whose chance is small still counts, but an option that is worse in expectation on
    // every meter than another is still dominated however it is paid.
    let e = lint::expected(&fixed, &fixed.cards[0].steps[0].options[2].effects);
    assert_eq!(e.price[0], 2.0);
    assert_eq!(e.net, vec![-2.0, 1.0]);
}

#[test]
fn the_lints_find_flags_that_lead_nowhere_and_cards_past_the_end() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap();
    // "klaar" is set by an option and read by `hoog`'s not_flags; "hoog" by a threshold.
    let (deck, places) = Deck::check_source("mini.ron", &source).unwrap();
    let flagged = |d: &Deck, p: &deck::Places| -> Vec<FindingKind> {
        lint::lint_static(d, p)
            .into_iter()
            .map(|f| f.kind)
            .filter(|k| {
                matches!(
                    k,
                    FindingKind::FlagNeverRead
                        | FindingKind::FlagNeverSet
                        | FindingKind::BeyondTheEnd
                )
            })
            .collect()
    };
    assert_eq!(flagged(&deck, &places), vec![]);
    let unread = source.replace("not_flags: [\"klaar\"]", "");
    let (d, p) = Deck::check_source("mini.ron", &unread).unwrap();
    assert_eq!(flagged(&d, &p), vec![FindingKind::FlagNeverRead]);
    let unset = source.replace("SetFlag(\"klaar\")", "Meter(meter: \"n\", by: 1)");
    let (d, p) = Deck::check_source("mini.ron", &unset).unwrap();
    assert_eq!(flagged(&d, &p), vec![FindingKind::FlagNeverSet]);
    // `m` ends the session below 10: a card that needs m at most 9 comes too late.
    let late = source.replace(
        "when: (from_round: 2)",
        "when: (from_round: 2, meters: {\"m\": (max: 9)})",
    );
    let (d, p) = Deck::check_source("mini.ron", &late).unwrap();
    assert_eq!(flagged(&d, &p), vec![FindingKind::BeyondTheEnd]);
    let edge = source.replace(
        "when: (from_round: 2)",
        "when: (from_round: 2, meters: {\"m\": (max: 10)})",
    );
    let (d, p) = Deck::check_source("mini.ron", &edge).unwrap();
    assert_eq!(flagged(&d, &p), vec![], "at 10 the session still runs");
}

#[test]
fn deck_check_strict_turns_warnings_into_a_failing_exit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let warned = root.join("tests/decks/broken/lint-free-option.ron");
    let run = |strict: bool| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code =
            kantelspel::cli::deck::check(std::slice::from_ref(&warned), strict, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    };
    let (code, out, err) = run(false);
    assert_eq!(code, 0, "a warning alone does not fail the check");
    assert!(out.contains("ok") && out.contains("1 warning"), "{out}");
    assert!(
        err.contains("lint-free-option.ron:27:26: warning: "),
        "{err}"
    );
    let (code, out, err) = run(true);
    assert_eq!(code, 1);
    assert!(!out.contains("ok"), "{out}");
    assert!(err.contains("--strict"), "{err}");
}

#[test]
fn the_embedded_deck_is_the_shipped_default() {
    let embedded = Deck::default_deck().unwrap();
    let on_disk = kantelspel::deck_file::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(deck::DEFAULT_DECK_NAME),
    )
    .unwrap();
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
        // Each expectation pins FILE:LINE:COL (but for a file with no lines at all).
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let pinned = expected
            .strip_prefix(&format!("{file}:"))
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(line, rest)| {
                line.parse::<usize>().is_ok()
                    && rest
                        .split_once(':')
                        .is_some_and(|(col, _)| col.parse::<usize>().is_ok())
            });
        assert!(
            pinned || file == "empty.ron",
            "{file}: the expectation does not pin FILE:LINE:COL: {expected}"
        );
        // Mistakes fail any check; lint findings (`lint-*.ron`) fail `deck check --strict`.
        let err = kantelspel::deck_file::check_strict(&path)
            .expect_err(&format!("{} should fail", path.display()));
        let lint_only = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("lint-");
        assert_eq!(
            kantelspel::deck_file::load(&path).is_ok(),
            lint_only,
            "{}: only a lint-*.ron deck may load and still fail --strict",
            path.display()
        );
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
    let err = kantelspel::deck_file::load(&path).expect_err("hostile input must be refused");
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
    let err = kantelspel::deck_file::load(&dir).unwrap_err().to_string();
    assert!(err.contains("this is a folder, not a deck file"), "{err}");
    let err = kantelspel::deck_file::load(Path::new("/no/such/deck.ron"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read the file"), "{err}");
}

/// The debrief asks each played card's key question first: the record lists them in order of
/// play, and the report puts them above the other questions.
#[test]
fn key_questions_come_first_in_the_debrief_and_the_report() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap()
    .replace(
        "debrief: [(nl: \"Vraag?\", en: \"Question?\")],",
        "debrief: [(nl: \"Vraag?\", en: \"Question?\")],\n            key_question: (nl: \"Kern?\", en: \"Key?\"),",
    );
    let deck = Arc::new(Deck::from_ron("mini.ron", &source).unwrap());
    assert!(deck.cards[0].key_question.is_some());
    let session = simulate::play_one(&deck, 3, 5, Strategy::Random);
    let record = kantelspel::report::view_of(&session);
    let mut played = Vec::new();
    for d in &session.decisions {
        if !played.contains(&d.card) {
            played.push(d.card);
        }
    }
    let expected: Vec<String> = played
        .iter()
        .filter_map(|c| deck.cards[*c].key_question.as_ref())
        .map(|q| q.nl.clone())
        .collect();
    let got: Vec<String> = record
        .key_questions
        .iter()
        .map(|(_, q)| q.nl.clone())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        got,
        ["Kern?"],
        "`eerste` is played in round 1 and has the only key question"
    );
    let meta = kantelspel::report::Meta {
        deck_name: "mini.ron".into(),
        created_unix: 0,
        warning: None,
        programme: None,
        archive: None,
    };
    let html = kantelspel::report::html(&record, &meta, kantelspel::rules::Lang::Nl);
    let key = html
        .find("Kern?")
        .expect("the key question is in the report");
    let other = html
        .find("Vraag?")
        .expect("the other question is in the report");
    assert!(key < other, "the key question comes first");
    let json = kantelspel::report::json(&record, &meta, kantelspel::rules::Lang::En);
    assert!(
        json.contains("\"key_questions\"") && json.contains("Key?"),
        "{json}"
    );
}

/// `deck simulate` on every core says the same as on one: run i has seed i wherever it is played.
#[test]
fn the_simulation_is_the_same_on_any_number_of_threads() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    let done = std::sync::atomic::AtomicU64::new(0);
    let one = simulate::simulate(&deck, 1_001, 5, 8, Strategy::Random);
    for threads in [2, 3, 7] {
        let many = simulate::simulate_parallel(
            &deck,
            1_001,
            5,
            8,
            Strategy::Random,
            &Default::default(),
            threads,
            &done,
        );
        // Not assert_eq: the tallies hold a thousand final values each.
        assert!(many == one, "{threads} threads tally differently");
        assert_eq!(
            kantelspel::cli::deck::balance_report(&mut many.clone(), &deck),
            kantelspel::cli::deck::balance_report(&mut one.clone(), &deck)
        );
    }
    assert_eq!(done.load(std::sync::atomic::Ordering::Relaxed), 3 * 1_001);
    // A different seed plays other sessions: the comparison above could fail.
    let other = simulate::simulate(&deck, 1_001, 6, 8, Strategy::Random);
    assert_ne!(other.drawn, one.drawn);
}

/// What `deck check` shows a trainer: the line itself with a caret under the faulty place.
#[test]
fn a_problem_is_shown_on_its_line_with_a_caret() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/broken/unknown-role.ron");
    let (name, source) = kantelspel::deck_file::read_source(&path).unwrap();
    let err = Deck::from_ron(&name, &source).unwrap_err();
    let shown = deck::with_context(&err, &source);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[0].ends_with("unknown role `raadslit` (did you mean `raadslid`?)"));
    assert_eq!(
        lines[1],
        " 21 |                 (role: \"raadslit\", prompt: (nl: \"Wat doe je?\", en: \"What do you do?\"), options: ["
    );
    assert_eq!(lines[2], "    |                  ^");
    // The caret stands under the field the message is about.
    let caret = lines[2].find('^').unwrap();
    assert_eq!(&lines[1][caret..caret + 4], "role");
}

/// `deck watch`: a save of a broken deck shows the problem, a half-written file does not stop
/// the watch, and the mended deck is checked and simulated on the next save.
#[test]
fn deck_watch_rechecks_on_every_save_and_survives_a_half_saved_file() {
    use std::sync::{Arc as StdArc, Mutex};
    let dir = std::env::temp_dir().join(format!("kantelspel-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deck.ron");
    let good = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap();
    std::fs::write(
        &file,
        good.replace("start: 50, thresholds", "start: 500, thresholds"),
    )
    .unwrap();
    let output = StdArc::new(Mutex::new(Vec::<u8>::new()));
    struct Shared(StdArc<Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let stop = StdArc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (file, output, stop) = (file.clone(), output.clone(), stop.clone());
        std::thread::spawn(move || {
            kantelspel::cli::watch::watch(&file, &mut Shared(output), |_| {
                !stop.load(std::sync::atomic::Ordering::Relaxed)
            })
        })
    };
    let seen = |needle: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if String::from_utf8_lossy(&output.lock().unwrap()).contains(needle) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        false
    };
    // First check: a meter that starts outside its range, shown on its line.
    assert!(seen("start 500 is outside the range 0..100"));
    assert!(seen(" |"), "the line is shown");
    // A half-written save, then the whole deck.
    let cut = good.find("steps: [").unwrap() + "steps: [".len();
    std::fs::write(&file, &good[..cut]).unwrap();
    assert!(seen("the file ends too early"));
    std::fs::write(&file, &good).unwrap();
    assert!(seen("deck.ron: ok"));
    assert!(seen("random sessions of 5 rounds"));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(watcher.join().unwrap().is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `deck watch` rests while nobody saves: its own reading of the file is no reason to check
/// again (it used to check an untouched file five times a second).
#[test]
fn deck_watch_rests_until_the_file_changes() {
    let dir = std::env::temp_dir().join(format!("kantelspel-rest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("deck.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
        &file,
    )
    .unwrap();
    let start = std::time::Instant::now();
    let mut out = Vec::new();
    let mut most = 0;
    kantelspel::cli::watch::watch(&file, &mut out, |checks| {
        most = most.max(checks);
        start.elapsed() < std::time::Duration::from_secs(3)
    })
    .unwrap();
    assert_eq!(most, 1, "checked {most} times without a save");
    assert_eq!(
        String::from_utf8_lossy(&out)
            .matches("deck.ron: ok")
            .count(),
        1
    );
    // A save is still seen.
    let (file2, stop) = (file.clone(), std::time::Instant::now());
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let text = std::fs::read_to_string(&file2).unwrap();
        std::fs::write(&file2, text).unwrap();
    });
    let mut checks_seen = 0;
    kantelspel::cli::watch::watch(&file, &mut Vec::new(), |checks| {
        checks_seen = checks;
        checks < 2 && stop.elapsed() < std::time::Duration::from_secs(20)
    })
    .unwrap();
    writer.join().unwrap();
    assert_eq!(checks_seen, 2, "the save was not seen");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `deck graph`: follow-ups, flags from options and thresholds to the cards they open or close,
/// cards a simulation never met marked; as DOT and as SVG.
#[test]
fn the_deck_graph_shows_follow_ups_flags_and_cards_never_drawn() {
    use kantelspel::rules::graph::{self, EdgeKind, NodeKind};
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap();
    let deck = Deck::from_ron("mini.ron", &source).unwrap();
    let g = graph::graph(&deck, &["hoog"]);
    let has = |from: &str, to: &str, kind: EdgeKind| {
        g.edges
            .iter()
            .any(|e| e.from == from && e.to == to && e.kind == kind)
    };
    assert!(has("card:eerste", "card:vervolg", EdgeKind::FollowUp));
    assert!(has("threshold:m > 80", "flag:hoog", EdgeKind::Raises));
    assert!(has("flag:hoog", "card:hoog", EdgeKind::Opens));
    assert!(has("card:vervolg", "flag:klaar", EdgeKind::Raises));
    assert!(has("flag:klaar", "card:hoog", EdgeKind::Closes));
    assert!(has("card:hoog", "flag:hoog", EdgeKind::Lowers));
    let hoog = g.nodes.iter().find(|n| n.id == "card:hoog").unwrap();
    assert_eq!(hoog.kind, NodeKind::Card { never_drawn: true });
    // `gewoon` first comes up in round 2, `vervolg` only as a follow-up.
    let column = |id: &str| g.columns[g.nodes.iter().find(|n| n.id == id).unwrap().column];
    assert_eq!(column("card:gewoon"), graph::Column::FromRound(2));
    assert_eq!(column("card:vervolg"), graph::Column::FollowUps);
    let en = kantelspel::rules::Lang::En;
    assert_eq!(graph::Column::FromRound(2).heading(en), "from round 2");
    assert_eq!(
        graph::Column::FromRound(2).heading(kantelspel::rules::Lang::Nl),
        "vanaf ronde 2"
    );
    let dot = graph::dot(&g, "Mini", en);
    assert!(dot.starts_with("digraph deck {") && dot.trim_end().ends_with('}'));
    assert!(dot.contains("\"card:eerste\" -> \"card:vervolg\" [label=\"p\", color=blue]"));
    assert!(dot.contains("never drawn"));
    let svg = graph::svg(&g, "Mini <test>", en);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Mini &lt;test&gt;"), "titles are escaped");
    for card in &deck.cards {
        assert!(
            svg.contains(&format!(">{}", card.id)),
            "{} is drawn",
            card.id
        );
    }
}

/// `deck preview`: the card opens for the role asked, and each option's outcome and effects
/// are spelled out; an unknown card or role is refused in words.
#[test]
fn a_card_preview_shows_the_card_as_a_role_sees_it_and_what_each_option_does() {
    use kantelspel::rules::Lang;
    use kantelspel::rules::preview::{consequences, session_on_card};
    use kantelspel::rules::view::{Viewer, view};
    let deck = Arc::new(Deck::default_deck().unwrap());
    let (s, role) = session_on_card(Arc::clone(&deck), "sylvia-alleen", Some("wethouder")).unwrap();
    assert_eq!(deck.roles[role].id, "wethouder");
    let v = view(&s, Viewer::Role(Some(role)));
    let card = v.card.as_ref().unwrap();
    assert_eq!(card.title.nl, "Sylvia doet alle jeugd");
    let c = &deck.cards[deck.card_index("sylvia-alleen").unwrap()];
    assert_eq!(
        card.briefing.nl,
        c.briefing_for(role).nl,
        "the role's own briefing"
    );
    let cons = consequences(
        &deck,
        deck.card_index("sylvia-alleen").unwrap(),
        0,
        Lang::Nl,
    );
    assert_eq!(cons.len(), c.steps[0].options.len());
    assert!(
        cons[0]
            .effects
            .iter()
            .any(|e| e.starts_with("Teamvertrouwen "))
    );
    assert!(
        cons.iter()
            .flat_map(|c| &c.effects)
            .any(|e| e.contains("% kans")),
        "a chance is spelled out: {cons:#?}"
    );
    let en = consequences(
        &deck,
        deck.card_index("sylvia-alleen").unwrap(),
        0,
        Lang::En,
    );
    assert!(
        en.iter()
            .flat_map(|c| &c.effects)
            .any(|e| e.contains("% chance"))
    );
    let err = session_on_card(Arc::clone(&deck), "nope", None).unwrap_err();
    assert!(
        err.contains("no card `nope`") && err.contains("twee-buren"),
        "{err}"
    );
    let err = session_on_card(deck, "twee-buren", Some("burgemeester")).unwrap_err();
    assert!(err.contains("no role `burgemeester`"), "{err}");
}

/// An option whose price is a flag or a follow-up (it leads to another card) is neither free nor
/// ranked against options that lead elsewhere.
#[test]
fn an_option_that_leads_to_another_card_is_not_called_free_or_dominated() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/decks/good/mini.ron"),
    )
    .unwrap();
    let deck = Deck::from_ron("mini.ron", &source).unwrap();
    // `vervolg`: "klaar" only raises a flag; "gok" has a chance of +40 on `m`.
    let found = findings_on(&deck, 1);
    assert!(found.is_empty(), "{found:?}");
}
