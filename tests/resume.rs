//! A host process killed mid-session restarts from its journal: players reconnect into their
//! seats and no decision any of them had seen is lost.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Stdio};
use std::time::Duration;

use bevy::prelude::*;
use common::*;
use kantelspel::rules::session::Phase;

/// A port whose neighbour (the info port) is free too.
fn free_port_pair() -> u16 {
    for _ in 0..50 {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port < u16::MAX && UdpSocket::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
    panic!("no free port pair on loopback");
}

/// Starts `serve` and returns what it printed after `label` (a journal, a workshop file).
fn serve_printing(port: u16, extra: &[&str], label: &str) -> (Child, String) {
    let mut child = serve_command(port, &["--code", "TEST42", "--auto"])
        .args(["--pace", "0.4", "--timer", "30", "--bot-delay", "0"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let mut journal = String::new();
    for line in lines.by_ref() {
        if let Some(j) = line.unwrap().trim().strip_prefix(label) {
            journal = j.split_whitespace().next().unwrap_or_default().to_string();
            break;
        }
    }
    // Keep draining stdout so the host never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, journal)
}

type Seen = (u32, String, String);

fn seen(app: &App) -> Option<Seen> {
    let view = link(app).core.view.as_ref()?;
    let d = view.last.as_ref()?;
    Some((d.round, d.card_title.nl.clone(), d.option_label.nl.clone()))
}

#[test]
fn killing_the_host_and_resuming_from_the_journal_loses_no_seen_decision() {
    kill_and_resume(1, 3);
}

#[test]
fn killing_a_host_of_three_tables_resumes_the_whole_workshop_and_loses_no_seen_decision() {
    kill_and_resume(3, 2);
}

/// A host of `tables` tables, four players at each, killed once every table's players have seen
/// `before` decisions; resumed from its journal (one table) or its workshop file (several):
/// everyone back in their own seat at their own table, every table played to the end, and every
/// decision any player saw in the session of that player's table.
fn kill_and_resume(tables: u8, before: usize) {
    let dir = temp_dir(&format!("resume-{tables}"));
    let port = free_port_pair();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let journal = dir.to_str().unwrap().to_string();
    let count = tables.to_string();
    let args = [
        "--journal",
        &journal,
        "--rounds",
        "5",
        "--seed",
        "33",
        "--tables",
        &count,
    ];
    // One table resumes from its journal, several from the workshop file listing theirs.
    let label = if tables == 1 { "journal:" } else { "workshop:" };
    let (mut host, resume_from) = serve_printing(port, &args, label);
    assert!(!resume_from.is_empty(), "serve printed its {label}");
    std::thread::sleep(Duration::from_millis(300));
    let mut players: Vec<(u8, App)> = (1..=tables)
        .flat_map(|t| ROLES.iter().enumerate().map(move |(i, role)| (t, i, role)))
        .map(|(t, i, role)| {
            let name = format!("t{t}-speler-{i}");
            (t, player_app_at(addr, code(), &name, role, t))
        })
        .collect();
    let at: Vec<u8> = players.iter().map(|(t, _)| *t).collect();
    // What each table's players saw decided: (table, round, card, option).
    let mut witnessed: BTreeSet<(u8, Seen)> = BTreeSet::new();
    let look = |apps: &[&mut App], witnessed: &mut BTreeSet<(u8, Seen)>| {
        for (t, a) in at.iter().zip(apps) {
            if let Some(s) = seen(a) {
                witnessed.insert((*t, s));
            }
        }
    };
    {
        let mut apps: Vec<&mut App> = players.iter_mut().map(|(_, a)| a).collect();
        let enough = pump(&mut apps, Duration::from_secs(60), |apps| {
            look(apps, &mut witnessed);
            (1..=tables).all(|t| witnessed.iter().filter(|(x, _)| *x == t).count() >= before)
        });
        assert!(
            enough,
            "every table decided {before} times before the crash: {witnessed:?}"
        );
    }
    // The host dies without a word.
    host.kill().unwrap();
    let _ = host.wait();
    let seats: Vec<Option<u32>> = players.iter().map(|(_, p)| link(p).core.seat).collect();
    let sessions: Vec<Option<String>> = players
        .iter()
        .map(|(_, p)| link(p).core.session.clone())
        .collect();

    let (mut resumed, _) = serve_printing(port, &["--resume", &resume_from], "join code:");
    let mut apps: Vec<&mut App> = players.iter_mut().map(|(_, a)| a).collect();
    let finished = pump(&mut apps, Duration::from_secs(90), |apps| {
        look(apps, &mut witnessed);
        apps.iter().all(|a| {
            link(a)
                .core
                .view
                .as_ref()
                .is_some_and(|v| v.phase == Phase::Ended)
        })
    });
    assert!(finished, "every resumed table played to the end");
    let status = resumed.wait().expect("the resumed host exits");
    assert!(
        status.success(),
        "serve --auto exits 0 once every table has ended"
    );
    for (((t, p), seat), session) in players.iter().zip(seats).zip(sessions) {
        assert_eq!(
            link(p).core.seat,
            seat,
            "a player of table {t} got their own seat back"
        );
        assert_eq!(link(p).core.session, session, "...at their own table");
    }
    for t in 1..=tables {
        let (_, p) = players.iter().find(|(x, _)| *x == t).unwrap();
        let final_view = link(p).core.view.as_ref().unwrap();
        let recorded: BTreeSet<Seen> = final_view
            .decisions
            .iter()
            .map(|d| (d.round, d.card_title.nl.clone(), d.option_label.nl.clone()))
            .collect();
        for (_, w) in witnessed.iter().filter(|(x, _)| *x == t) {
            assert!(
                recorded.contains(w),
                "table {t}: the decision {w:?} was seen but is not in its session"
            );
        }
    }
}
