//! The report and the replay from a journal alone: a known journal gives the rounds, decisions
//! and final meters its host printed; a damaged or older journal gives what it can, with a
//! warning, and never a panic.

use std::path::Path;
use std::process::Command;

use kantelspel::report;
use kantelspel::rules::Lang;
use kantelspel::rules::journal;
use kantelspel::rules::view::{at_round, rounds_recorded};

/// A five-round session played by `kantelspel serve --auto` with bots (seed 42, random
/// strategy). Its host printed: "5 rounds played, 6 decisions; final meters teamvertrouwen 64,
/// willekeur 14, rugdekking 38, budget 42".
const FIXTURE: &str = "tests/journals/five-rounds.journal";

fn fixture() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)).unwrap()
}

/// The decisions the host noted in the journal as it resolved them: `card -> option`.
fn noted_decisions(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once("resolved:Some(\"").map(|(_, r)| r.to_string()))
        .map(|r| {
            let card = r.split(": ").nth(1).unwrap().split(' ').next().unwrap();
            let option = r.split(" -> ").nth(1).unwrap().split(' ').next().unwrap();
            (card.to_string(), option.to_string())
        })
        .collect()
}

#[test]
fn a_known_journal_gives_its_rounds_decisions_and_final_meters() {
    let text = fixture();
    let (record, meta) = report::from_journal(&text).unwrap();
    assert!(meta.warning.is_none(), "{:?}", meta.warning);
    assert_eq!(rounds_recorded(&record), 5);
    let finals: Vec<(&str, i32)> = record
        .meters
        .iter()
        .map(|m| (m.id.as_str(), m.value))
        .collect();
    assert_eq!(
        finals,
        [
            ("teamvertrouwen", 64),
            ("willekeur", 14),
            ("rugdekking", 38),
            ("budget", 42)
        ]
    );
    let noted = noted_decisions(&text);
    assert_eq!(noted.len(), 6);
    assert_eq!(record.decisions.len(), noted.len());

    let recovered = journal::recover(&text).unwrap();
    let deck = recovered.session.deck();
    let html = report::html(&record, &meta, Lang::Nl);
    for (card_id, option_id) in &noted {
        let card = deck.cards.iter().find(|c| &c.id == card_id).unwrap();
        let option = card
            .steps
            .iter()
            .flat_map(|s| &s.options)
            .find(|o| &o.id == option_id)
            .unwrap();
        assert!(
            html.contains(&esc(&card.title.nl)),
            "{card_id} in the report"
        );
        assert!(
            html.contains(&esc(&option.label.nl)),
            "{option_id} in the report"
        );
    }
    assert!(html.contains("<svg"), "the chart is inline");
    assert!(!html.contains("src=\"http"), "no external assets");
    assert!(html.contains("Alle rondes zijn gespeeld"));
    // The debrief questions of every card played are in the report.
    for (card_id, _) in &noted {
        let card = deck.cards.iter().find(|c| &c.id == card_id).unwrap();
        for q in &card.debrief {
            assert!(html.contains(&esc(&q.nl)), "question of {card_id}");
        }
    }
    let csv = report::csv(&record, Lang::En);
    assert_eq!(csv.lines().count(), 1 + 6);
    // The meters after the last decision, then its round's notes (none in this journal).
    assert!(csv.lines().last().unwrap().ends_with(",64,14,38,42,"));
    let json: serde_json::Value =
        serde_json::from_str(&report::json(&record, &meta, Lang::En)).unwrap();
    assert_eq!(json["decisions"].as_array().unwrap().len(), 6);
    assert_eq!(json["meter_history"].as_array().unwrap().len(), 6);
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn a_journal_cut_anywhere_gives_a_partial_report_and_a_warning() {
    let text = fixture();
    let header_end = text.find('\n').unwrap() + 1;
    let full = report::from_journal(&text).unwrap().0.decisions.len();
    let mut partial_seen = 0;
    // Every fourth byte: cuts land mid-character, mid-line and at line ends alike.
    for cut in (header_end..text.len()).step_by(4) {
        let Some(prefix) = text.get(..cut) else {
            continue;
        };
        let (record, meta) =
            report::from_journal(prefix).unwrap_or_else(|e| panic!("cut at byte {cut}: {e}"));
        assert!(record.decisions.len() <= full);
        // A cut inside a line (not right at its end) leaves a line nobody can read.
        let mid_line = !prefix.ends_with('\n') && text.as_bytes()[cut] != b'\n';
        if mid_line {
            let w = meta.warning.as_deref().unwrap_or_default();
            assert!(
                w.contains("damaged at line"),
                "cut at byte {cut} gives a warning, got {w:?}"
            );
            partial_seen += 1;
        }
        let html = report::html(&record, &meta, Lang::En);
        assert!(html.ends_with("</html>\n"));
    }
    assert!(partial_seen > 50);
}

#[test]
fn a_journal_from_another_version_is_reported_with_a_note() {
    let text = fixture();
    let (header, rest) = text.split_once('\n').unwrap();
    // An older journal: version 0, written before join codes were kept.
    let start = header.find(",join_code:").unwrap();
    let end = start + header[start..].find(')').unwrap();
    let old_header =
        format!("{}{}", &header[..start], &header[end..]).replace("(version:1,", "(version:0,");
    assert!(old_header.starts_with("(version:0,"));
    // ...whose last lines hold an intent this version does not know.
    let mut lines: Vec<&str> = rest.lines().collect();
    lines.truncate(10);
    let old = format!(
        "{old_header}\n{}\n(seq:10,sender:Host,intent:Reshuffle(cards:3))\n",
        lines.join("\n")
    );
    let (record, meta) = report::from_journal(&old).unwrap();
    let w = meta.warning.unwrap();
    assert!(w.contains("another version"), "{w}");
    assert!(w.contains("line 12"), "{w}");
    assert_eq!(record.decisions.len(), 2);
}

#[test]
fn an_entry_that_does_not_fit_the_rules_ends_the_story_there() {
    let text = fixture();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // A vote for an option the card does not have, in the middle of the session.
    lines.insert(
        9,
        "(seq:99,sender:Seat(4),intent:Vote(round:2,step:0,option:7))".into(),
    );
    let (record, meta) = report::from_journal(&lines.join("\n")).unwrap();
    let w = meta.warning.unwrap();
    assert!(w.contains("entry 99 does not fit the rules"), "{w}");
    assert_eq!(record.decisions.len(), 1);
}

#[test]
fn not_a_journal_is_an_error_not_a_panic() {
    for junk in ["", "\n\n", "hello", "(version:1)", "\u{0}\u{1}garbage"] {
        assert!(report::from_journal(junk).is_err(), "{junk:?}");
    }
}

#[test]
fn walking_back_shows_each_round_as_it_stood() {
    let (record, _) = report::from_journal(&fixture()).unwrap();
    let rounds = rounds_recorded(&record);
    for r in 0..=rounds {
        let v = at_round(&record, r);
        let values: Vec<i32> = v.meters.iter().map(|m| m.value).collect();
        assert_eq!(values, record.meter_history[r as usize], "round {r}");
        assert_eq!(v.meter_history.len(), r as usize + 1);
        assert!(v.decisions.iter().all(|d| d.round <= r));
        assert_eq!(
            v.decisions.len(),
            record.decisions.iter().filter(|d| d.round <= r).count()
        );
        assert_eq!(v.ending.is_some(), r == rounds);
    }
    // Beyond the end is the end.
    assert_eq!(at_round(&record, 99), at_round(&record, rounds));
    assert!(at_round(&record, 0).decisions.is_empty());
}

#[test]
fn the_report_command_writes_every_format() {
    let dir = std::env::temp_dir().join(format!("kantelspel-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let journal = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    for (format, check) in [
        ("html", "<!doctype html>"),
        ("json", "\"decisions\""),
        ("csv", "round,card"),
    ] {
        let out = dir.join(format!("r.{format}"));
        let status = Command::new(env!("CARGO_BIN_EXE_kantelspel"))
            .env(
                "XDG_DATA_HOME",
                std::env::temp_dir().join(format!("kantelspel-test-{}-data", std::process::id())),
            )
            .args([
                "report",
                journal.to_str().unwrap(),
                "--lang",
                "en",
                "--format",
                format,
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        assert!(std::fs::read_to_string(&out).unwrap().contains(check));
    }
    // A journal that is not there, and one cut short.
    let missing = Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join(format!("kantelspel-test-{}-data", std::process::id())),
        )
        .args(["report", "/nonexistent/x.journal"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("error:"));
    let text = fixture();
    let cut = dir.join("cut.journal");
    std::fs::write(&cut, &text[..text.len() - 40]).unwrap();
    let partial = Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join(format!("kantelspel-test-{}-data", std::process::id())),
        )
        .args(["report", cut.to_str().unwrap(), "--out", "-"])
        .output()
        .unwrap();
    assert!(partial.status.success());
    assert!(String::from_utf8_lossy(&partial.stderr).contains("warning: the journal is damaged"));
    assert!(String::from_utf8_lossy(&partial.stdout).contains("Let op:"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The facilitator's notes are in the report: HTML, JSON and CSV.
#[test]
fn notes_are_in_every_form_of_the_report() {
    use kantelspel::rules::session::{Intent, Sender};
    use std::sync::Arc;
    let deck = Arc::new(
        kantelspel::rules::Deck::from_ron("mini.ron", include_str!("decks/good/mini.ron")).unwrap(),
    );
    let mut s = kantelspel::rules::Session::new(deck, 1, 3);
    let f = Sender::Facilitator;
    for role in ["a", "b"] {
        s.apply(
            Sender::Host,
            &Intent::AddSeat {
                name: format!("bot-{role}"),
                role: Some(role.into()),
                bot: true,
            },
        )
        .unwrap();
    }
    s.apply(f, &Intent::Start).unwrap();
    for text in [
        "Bert aarzelt bij de stemming",
        "Nabespreking: tafel 1 wil meer tijd",
    ] {
        s.apply(f, &Intent::Note { text: text.into() }).unwrap();
    }
    let record = report::view_of(&s);
    let meta = report::Meta {
        deck_name: "mini".into(),
        created_unix: 0,
        warning: None,
        programme: None,
        archive: None,
    };
    let html = report::html(&record, &meta, Lang::Nl);
    assert!(html.contains("Notities van de facilitator"));
    assert!(html.contains("Bert aarzelt bij de stemming"));
    let json = report::json(&record, &meta, Lang::Nl);
    assert!(json.contains("\"notes\"") && json.contains("tafel 1 wil meer tijd"));
    let csv = report::csv(&record, Lang::Nl);
    assert!(csv.lines().next().unwrap().ends_with(",notes"));
    assert!(csv.contains("Bert aarzelt bij de stemming | Nabespreking: tafel 1 wil meer tijd"));
}
