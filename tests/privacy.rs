//! What the workshop remembers and forgets, on real files: a journal stripped of names that
//! still replays, resumes and reports; retention and forgetting that remove the program's files
//! and nothing else; an archive without names that the next session's report counts.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use kantelspel::archive::{self, Archive};
use kantelspel::net::host::{HostCore, NewSession, new_session};
use kantelspel::rules::journal;
use kantelspel::rules::session::{Intent, Phase, Sender};

/// Names that appear nowhere in the program or its decks: finding one means a name leaked.
const PEOPLE: [(&str, &str); 4] = [
    ("Zwaantje Qorbelaar", "raadslid"),
    ("Ixor Plimsoll", "wethouder"),
    ("Brecht Vandewuyf", "ambtenaar"),
    ("Oona Krastelijn", "wijkteamprofessional"),
];
const OBSERVER: &str = "Xandria Pluimveld";

fn leaks(text: &str) -> Vec<&'static str> {
    PEOPLE
        .iter()
        .map(|(n, _)| *n)
        .chain([OBSERVER, "Zwaantje", "Xandria", "Ixor", "Krastelijn"])
        .filter(|n| text.contains(n))
        .collect()
}

/// A whole session of the default deck in `dir`'s journal: four people voting, an observer and
/// the facilitator writing notes that mention them by name.
fn play(dir: &Path, seed: u64) -> HostCore {
    let (mut core, _) = new_session(NewSession {
        seed: Some(seed),
        rounds: Some(3),
        journal_dir: Some(dir),
        ..Default::default()
    })
    .unwrap();
    for (name, role) in PEOPLE {
        core.facilitate(&Intent::AddSeat {
            name: name.into(),
            role: Some(role.into()),
            bot: false,
        })
        .unwrap();
    }
    core.act(
        Sender::Observer,
        &Intent::ObserverNote {
            name: OBSERVER.into(),
            text: "Zwaantje Qorbelaar luistert goed naar Ixor.".into(),
        },
    )
    .unwrap();
    core.facilitate(&Intent::Start).unwrap();
    for turn in 0..400 {
        let s = core.session();
        match s.phase {
            Phase::Briefing | Phase::Resolved => {
                core.facilitate(&Intent::Advance).unwrap();
            }
            Phase::Deciding => {
                let (round, cur) = (s.round, s.current.clone().unwrap());
                let step = &s.deck().cards[cur.card].steps[cur.step];
                let voters: Vec<_> = s
                    .seats
                    .iter()
                    .filter(|(_, seat)| seat.role == Some(step.role))
                    .map(|(id, _)| *id)
                    .collect();
                let option = turn % step.options.len();
                for id in voters {
                    let _ = core.act(
                        Sender::Seat(id),
                        &Intent::Vote {
                            round,
                            step: cur.step,
                            option,
                        },
                    );
                }
                if core.session().phase == Phase::Deciding {
                    core.facilitate(&Intent::Decide { option }).unwrap();
                }
            }
            Phase::Lobby | Phase::Ended => break,
        }
    }
    core.facilitate(&Intent::Note {
        text: "Oona Krastelijn vroeg om rugdekking.".into(),
    })
    .unwrap();
    assert_eq!(core.session().phase, Phase::Ended);
    core
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_pseudonymised_journal_holds_no_name_and_still_replays_resumes_and_reports() {
    let dir = common::temp_dir("privacy-pseudonymise");
    let core = play(&dir, 11);
    let path = core.journal_path().unwrap().to_path_buf();
    let decisions = core.session().decisions.clone();
    drop(core);
    let before = read(&path);
    assert_eq!(leaks(&before).len(), 9, "the journal names everyone");
    std::fs::write(path.with_extension("html"), "<p>Zwaantje Qorbelaar</p>").unwrap();

    let done = kantelspel::keeping::pseudonymise(&path).unwrap();
    let replaced: Vec<&str> = done[0].1.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        replaced,
        [
            "Raadslid 1",
            "Wethouder 1",
            "Ambtenaar 1",
            "Wijkteamprofessional 1",
            "Observator 1"
        ]
    );
    let after = read(&path);
    assert_eq!(leaks(&after), Vec::<&str>::new(), "{after}");
    assert!(
        after.contains("Raadslid 1 luistert goed naar Wethouder 1."),
        "a name in a note goes, whole or by its first name"
    );
    assert!(
        !path.with_extension("html").exists(),
        "a report with names beside it goes too"
    );

    // Replays to the same decisions, reports, and resumes.
    let recovered = journal::recover(&after).unwrap();
    assert_eq!(recovered.session.decisions, decisions);
    assert!(recovered.warning.is_none());
    let (view, meta) = kantelspel::report::from_journal(&after).unwrap();
    let html = kantelspel::report::html(&view, &meta, kantelspel::rules::Lang::Nl);
    assert!(html.contains("Raadslid 1"));
    assert!(leaks(&html).is_empty());
    let resumed = kantelspel::net::host::resume(&path, None, None).unwrap();
    assert_eq!(resumed.core.session().decisions, decisions);
    // Twice changes nothing more.
    drop(resumed);
    kantelspel::keeping::pseudonymise(&path).unwrap();
    assert_eq!(
        journal::recover(&read(&path)).unwrap().session.decisions,
        decisions
    );
}

fn age(path: &Path, days: u64) {
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(days * 86_400))
        .unwrap();
}

#[test]
fn retention_and_forget_remove_the_programs_old_files_and_nothing_else() {
    let dir = common::temp_dir("privacy-retention");
    let old = play(&dir, 21).journal_path().unwrap().to_path_buf();
    let new = play(&dir, 22).journal_path().unwrap().to_path_buf();
    let old_report = old.with_extension("html");
    let new_report = new.with_extension("json");
    let mine = dir.join("mijn-aantekeningen.txt");
    let named_alike = dir.join("kantelspel-lijst.txt");
    for p in [&old_report, &new_report, &mine, &named_alike] {
        std::fs::write(p, "x").unwrap();
    }
    for p in [&old, &old_report, &mine, &named_alike] {
        age(p, 120);
    }
    let seats = dir.join("seats.ron");
    std::fs::write(
        &seats,
        "[(\"ABC123|anna\", 5, 1000), (\"ABC123|bo\", 6, 4102444800)]",
    )
    .unwrap();

    let listed = kantelspel::keeping::list(&dir);
    assert_eq!(listed.len(), 2);
    // The window reads only as many as it shows: the newest.
    let newest = kantelspel::keeping::list_newest(&dir, 1);
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].path, new);
    assert!(
        listed
            .iter()
            .all(|k| k.ended && k.players == 4 && k.tables == 1)
    );

    let swept = kantelspel::keeping::sweep(&dir, &seats, 90, SystemTime::now(), None);
    let mut gone = swept.files.clone();
    gone.sort();
    let mut expected = vec![old.clone(), old_report.clone()];
    expected.sort();
    assert_eq!(gone, expected);
    assert_eq!(swept.seat_tokens, 1);
    assert!(
        swept
            .line(90)
            .unwrap()
            .contains("removed 2 file(s) and 1 seat token(s)")
    );
    assert!(
        mine.exists() && named_alike.exists(),
        "only the program's own files go"
    );
    assert!(read(&seats).contains("bo") && !read(&seats).contains("anna"));
    // 0 keeps everything.
    age(&new, 1000);
    assert!(
        kantelspel::keeping::sweep(&dir, &seats, 0, SystemTime::now(), None)
            .files
            .is_empty()
    );

    // Forgetting one takes its reports with it.
    let removed = kantelspel::keeping::forget(&new).unwrap();
    assert_eq!(removed.len(), 2);
    assert!(!new.exists() && !new_report.exists());
    assert!(kantelspel::keeping::list(&dir).is_empty());
    assert!(kantelspel::keeping::forget(&new).is_err());
}

#[test]
fn the_archive_holds_no_name_and_a_second_session_is_compared_with_the_first() {
    let dir = common::temp_dir("privacy-archive");
    let store = Archive::at(dir.join("archive"));
    let first = play(&dir.join("j"), 31);
    let second = play(&dir.join("j"), 32);
    let now = 1_796_000_000;
    assert_eq!(
        store
            .add(&[archive::earlier_of(first.session(), now).unwrap()])
            .unwrap(),
        1
    );
    let against = archive::against_archive(second.session(), &store).unwrap();
    assert_eq!(against.earlier_sessions, 1);
    assert_eq!(against.decisions.len(), second.session().decisions.len());
    // Its own entry never counts as an earlier table.
    store
        .add(&[archive::earlier_of(second.session(), now).unwrap()])
        .unwrap();
    assert_eq!(
        archive::against_archive(second.session(), &store)
            .unwrap()
            .earlier_sessions,
        1
    );
    let code = journal::parse(&read(first.journal_path().unwrap()))
        .unwrap()
        .header
        .join_code;
    for f in std::fs::read_dir(store.dir()).unwrap().flatten() {
        let text = read(&f.path());
        assert!(leaks(&text).is_empty(), "{text}");
        assert!(!text.contains(&code), "no join code");
    }
    let exported = dir.join("meenemen.archive");
    assert_eq!(store.export(&exported).unwrap(), 2);
    assert!(leaks(&read(&exported)).is_empty());
}

/// One session played by `serve` with bots in three roles and a person (a headless player
/// with a name nobody else uses) in the fourth; returns the journal and what serve printed.
fn serve_one(dir: &Path, archive_dir: &Path, seed: &str) -> (PathBuf, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut serve = common::serve_command(0, &["--code", "TEST42", "--auto", "--no-web"])
        .args(["--pace", "0.05", "--timer", "20", "--bot-delay", "0"])
        .args(["--seed", seed, "--rounds", "2"])
        .args(["--bots", "wethouder,ambtenaar,wijkteamprofessional"])
        .arg("--archive")
        .arg(archive_dir)
        .arg("--journal")
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(serve.stdout.take().unwrap());
    let mut said = String::new();
    let addr = loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "serve said: {said}");
        said.push_str(&line);
        if let Some(a) = line.trim().strip_prefix("address:") {
            break a.trim().to_string();
        }
    };
    let player = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env("XDG_DATA_HOME", common::test_data_home())
        .args([
            "bot",
            "--connect",
            &addr,
            "--code",
            "TEST42",
            "--role",
            "raadslid",
        ])
        .args(["--name", PEOPLE[0].0])
        .output()
        .unwrap();
    assert!(
        player.status.success(),
        "{}",
        String::from_utf8_lossy(&player.stderr)
    );
    out.read_to_string(&mut said).unwrap();
    let status = serve.wait().unwrap();
    assert!(status.success(), "{said}");
    let journal = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "journal"))
        .unwrap();
    (journal, said)
}

/// Two sessions of one deck played by `serve` over loopback, a person at each: the first ends
/// up in the archive without the person's name, the second's report (`report --format json`)
/// counts it, and the report leaves names out.
#[test]
fn serve_archives_an_ended_session_and_the_next_report_counts_it() {
    let dir = common::temp_dir("privacy-serve");
    let archive_dir = dir.join("archive");
    let (_, first) = serve_one(&dir.join("j0"), &archive_dir, "5");
    assert!(
        first.contains("0 earlier session(s) of this deck"),
        "{first}"
    );
    let (journal, second) = serve_one(&dir.join("j1"), &archive_dir, "6");
    assert!(
        second.contains("1 earlier session(s) of this deck"),
        "{second}"
    );
    assert!(
        read(&journal).contains(PEOPLE[0].0),
        "the journal has the name"
    );
    let archived = Archive::at(&archive_dir).all();
    assert_eq!(archived.len(), 2);
    for f in std::fs::read_dir(&archive_dir).unwrap().flatten() {
        assert!(leaks(&read(&f.path())).is_empty());
    }
    let report = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env("XDG_DATA_HOME", common::test_data_home())
        .args(["report", "--format", "json", "--out", "-", "--archive"])
        .arg(&archive_dir)
        .arg(&journal)
        .output()
        .unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(json["archive"]["earlier_sessions"], 1);
    let decisions = json["decisions"].as_array().unwrap().len();
    assert_eq!(
        json["archive"]["decisions"].as_array().unwrap().len(),
        decisions
    );
    let html = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"))
            .env("XDG_DATA_HOME", common::test_data_home())
            .args(["report", "--out", "-", "--no-archive"])
            .args(extra)
            .arg(&journal)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let without = html(&[]);
    assert!(
        without.contains("Raadslid 1"),
        "players named by role and number"
    );
    assert!(leaks(&without).is_empty());
    assert!(!without.contains("Eerdere tafels"));
    assert!(
        html(&["--names"]).contains(PEOPLE[0].0),
        "--names keeps them"
    );
}

#[test]
fn a_session_a_host_may_still_run_is_never_touched_and_a_resumed_one_survives_retention() {
    let dir = common::temp_dir("privacy-running");
    let (mut core, _) = new_session(NewSession {
        seed: Some(41),
        rounds: Some(3),
        journal_dir: Some(&dir),
        ..Default::default()
    })
    .unwrap();
    core.facilitate(&Intent::AddSeat {
        name: PEOPLE[0].0.into(),
        role: Some("raadslid".into()),
        bot: false,
    })
    .unwrap();
    let path = core.journal_path().unwrap().to_path_buf();
    drop(core);
    // Written a moment ago and not ended: a host may be writing it.
    let refused = kantelspel::keeping::forget(&path).unwrap_err();
    assert!(refused.contains("has not ended"), "{refused}");
    assert!(kantelspel::keeping::pseudonymise(&path).is_err());
    assert!(path.exists() && read(&path).contains(PEOPLE[0].0));
    // Not the program's file: never.
    let other = dir.join("notities.journal");
    std::fs::write(&other, "x").unwrap();
    assert!(kantelspel::keeping::forget(&other).is_err());
    assert!(other.exists());
    // Long untouched, it may go; but not while it is being resumed.
    age(&path, 200);
    let seats = dir.join("seats.ron");
    let kept = kantelspel::keeping::sweep(&dir, &seats, 90, SystemTime::now(), Some(&path));
    assert!(kept.files.is_empty() && path.exists());
    let swept = kantelspel::keeping::sweep(&dir, &seats, 90, SystemTime::now(), None);
    assert_eq!(swept.files, vec![path.clone()]);
}
