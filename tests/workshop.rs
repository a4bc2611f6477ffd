//! A workshop of several tables through its host core, without sockets: who sits where, what
//! each table's players are sent, moving a player between tables, acting on every table, and a
//! workshop taken up again from its file.

use std::time::Duration;

mod common;

use common::temp_dir;
use kantelspel::net::director::{Director, Pace};
use kantelspel::net::host::{LinkKind, NewSession, Outgoing};
use kantelspel::net::protocol::{
    self, ClientMsg, HostMsg, PROTOCOL_VERSION, PlayerIntent, Refusal,
};
use kantelspel::net::workshop::{self, Manifest, NewWorkshop, Workshop};
use kantelspel::rules::session::{Intent, Phase};

const T: Duration = Duration::ZERO;

fn director() -> Director {
    Director::new(false, Pace::default(), Default::default())
}

fn workshop(tables: usize, journal_dir: Option<&std::path::Path>) -> Workshop {
    workshop::new_workshop(NewWorkshop {
        session: NewSession {
            seed: Some(40),
            rounds: Some(4),
            journal_dir,
            name: Some("Raadzaal".into()),
            ..Default::default()
        },
        tables,
        decks: &[],
        director: &director,
    })
    .expect("a workshop starts")
    .0
}

fn hello(name: &str, role: &str, table: Option<u8>, rejoin: Option<u64>) -> Vec<u8> {
    protocol::encode(&ClientMsg::Hello {
        version: PROTOCOL_VERSION,
        name: name.into(),
        role: Some(role.into()),
        rejoin,
        lang: Default::default(),
        table,
    })
}

/// What the host sent `client` in `out`, decoded.
fn sent(out: &Outgoing, client: u64) -> Vec<HostMsg> {
    out.messages
        .iter()
        .filter(|(c, _)| *c == client)
        .filter_map(|(_, b)| protocol::decode_host(b).ok())
        .collect()
}

/// The seat, table and token of the last welcome `client` got.
fn welcome(out: &Outgoing, client: u64) -> Option<(u32, Option<u8>, u64)> {
    sent(out, client).into_iter().rev().find_map(|m| match m {
        HostMsg::Welcome {
            seat,
            rejoin,
            table,
            ..
        } => Some((seat, table, rejoin)),
        _ => None,
    })
}

fn join(w: &mut Workshop, client: u64, name: &str, role: &str, table: Option<u8>) {
    assert!(w.connect_link(client, LinkKind::Udp, T));
    w.receive(client, &hello(name, role, table, None), T);
}

#[test]
fn players_sit_at_the_table_they_choose_or_the_emptiest_and_a_wrong_table_is_refused() {
    let mut w = workshop(3, None);
    join(&mut w, 1, "Anna", "raadslid", Some(2));
    join(&mut w, 2, "Bram", "raadslid", Some(2));
    // Without a choice: the emptiest tables first, in order.
    join(&mut w, 3, "Cem", "wethouder", None);
    join(&mut w, 4, "Dewi", "wethouder", None);
    join(&mut w, 5, "Eva", "ambtenaar", None);
    let out = w.take_outgoing(T);
    assert_eq!(w.table_of(1), Some(1));
    assert_eq!(w.table_of(2), Some(1));
    assert_eq!(w.table_of(3), Some(0), "table 1 was empty");
    assert_eq!(w.table_of(4), Some(2), "then table 3");
    assert_eq!(w.table_of(5), Some(0), "then the first of the two with one");
    let people: Vec<usize> = w.tables().iter().map(|t| t.core.people()).collect();
    assert_eq!(people, vec![2, 2, 1]);
    // Each is welcomed by their own table, under its name.
    let (_, table, _) = welcome(&out, 1).expect("Anna is welcomed");
    assert_eq!(table, Some(2), "and told her table");
    let (_, table, _) = welcome(&out, 3).expect("Cem is welcomed");
    assert_eq!(table, Some(1));

    // Table 9 and table 0 do not exist: refused, and the link is closed.
    for (client, table) in [(6, 9u8), (7, 0)] {
        join(&mut w, client, "Fay", "raadslid", Some(table));
        let out = w.take_outgoing(T);
        assert!(
            sent(&out, client).contains(&HostMsg::Refused(Refusal::NoSuchTable(table))),
            "table {table} is refused"
        );
        assert!(out.disconnect.contains(&client));
        assert_eq!(w.table_of(client), None);
    }
    // A browser asks for a table the same way.
    assert!(w.connect_link(8, LinkKind::Web, T));
    w.receive_web(
        8,
        r#"{"t":"hello","code":"X","name":"Gijs","role":"ambtenaar","table":3}"#,
        T,
    );
    assert_eq!(w.table_of(8), Some(2));
    assert!(w.connect_link(9, LinkKind::Web, T));
    w.receive_web(
        9,
        r#"{"t":"hello","code":"X","name":"Hans","role":"ambtenaar","table":4}"#,
        T,
    );
    let out = w.take_outgoing(T);
    assert!(
        out.web
            .iter()
            .any(|(c, text)| *c == 9 && text.contains("\"fatal\":true"))
    );
    assert!(out.disconnect.contains(&9));
}

#[test]
fn each_table_plays_its_own_session_and_its_players_see_only_that_one() {
    let mut w = workshop(2, None);
    let roles = ["raadslid", "wethouder", "ambtenaar", "wijkteamprofessional"];
    for (i, role) in roles.iter().enumerate() {
        join(&mut w, 10 + i as u64, &format!("a{i}"), role, Some(1));
        join(&mut w, 20 + i as u64, &format!("b{i}"), role, Some(2));
    }
    let results = w.facilitate_all(&Intent::Start);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let _ = w.take_outgoing(T);
    // Table 1 opens its vote and its deciding role votes; table 2 stays where it was.
    let t1 = &mut w.table_mut(0).unwrap().core;
    t1.facilitate(&Intent::Advance).unwrap();
    let s = t1.session();
    let (round, step) = (s.round, s.current.as_ref().unwrap().step);
    let role = s.deciding_role().unwrap();
    let before = w.table(1).unwrap().core.session().clone();
    let _ = w.take_outgoing(Duration::from_secs(1));
    let voter = 10 + role as u64;
    let vote = protocol::encode(&ClientMsg::Intent(PlayerIntent::Vote {
        round,
        step,
        option: 0,
    }));
    w.receive(voter, &vote, Duration::from_secs(2));
    let out = w.take_outgoing(Duration::from_secs(3));
    let t1 = w.table(0).unwrap().core.session();
    assert!(
        t1.phase == Phase::Resolved || t1.current.as_ref().is_some_and(|c| c.votes.len() == 1),
        "table 1 counted its player's vote"
    );
    assert_eq!(
        w.table(1).unwrap().core.session().decisions,
        before.decisions,
        "table 2 did not move"
    );
    assert_ne!(
        w.table(0).unwrap().core.session().seed,
        w.table(1).unwrap().core.session().seed,
        "each table has a seed of its own"
    );
    // Table 2's players got nothing of table 1's news.
    for i in 0..4 {
        assert!(
            sent(&out, 20 + i)
                .iter()
                .all(|m| !matches!(m, HostMsg::Patch(_) | HostMsg::State { .. })),
            "a table 2 player was sent a screen"
        );
    }
    assert!(
        (0..4).any(|i| !sent(&out, 10 + i).is_empty()),
        "table 1's players were sent the vote"
    );
}

#[test]
fn the_facilitator_moves_a_player_to_another_table_in_the_lobby_only() {
    let mut w = workshop(2, None);
    join(&mut w, 1, "Anna", "raadslid", Some(1));
    join(&mut w, 2, "Bram", "wethouder", Some(1));
    join(&mut w, 3, "Cem", "raadslid", Some(2));
    let out = w.take_outgoing(T);
    let (seat, _, old_token) = welcome(&out, 1).unwrap();
    w.move_seat(0, seat, 1, T).expect("moved in the lobby");
    let out = w.take_outgoing(T);
    let (new_seat, table, token) = welcome(&out, 1).expect("welcomed at table 2");
    assert_eq!(table, Some(2));
    assert_ne!(token, old_token, "a token of the new table");
    assert_eq!(w.table_of(1), Some(1));
    assert!(!out.disconnect.contains(&1), "the link stays open");
    let t1 = w.table(0).unwrap().core.session();
    assert!(
        t1.seats.values().all(|s| s.name != "Anna"),
        "gone from table 1"
    );
    let t2 = &w.table(1).unwrap().core;
    let anna = &t2.session().seats[&new_seat];
    assert_eq!(anna.name, "Anna");
    assert_eq!(
        anna.role.map(|r| t2.session().deck().roles[r].id.clone()),
        Some("raadslid".to_string()),
        "her role came along"
    );
    assert!(t2.connected_seats().contains(&new_seat));
    // Her later messages reach table 2: choosing a role there.
    let choose = protocol::encode(&ClientMsg::Intent(PlayerIntent::ChooseRole {
        role: "ambtenaar".into(),
    }));
    w.receive(1, &choose, T);
    let t2 = &w.table(1).unwrap().core;
    let role = t2.session().seats[&new_seat].role.unwrap();
    assert_eq!(t2.session().deck().roles[role].id, "ambtenaar");
    // A reconnect with the new token finds table 2 whatever table it names.
    w.disconnect(1);
    assert!(w.connect_link(11, LinkKind::Udp, T));
    w.receive(11, &hello("Anna", "raadslid", Some(1), Some(token)), T);
    assert_eq!(w.table_of(11), Some(1));
    let out = w.take_outgoing(T);
    assert_eq!(welcome(&out, 11).map(|w| w.0), Some(new_seat));
    // A name already at the other table is refused, and nothing moves.
    join(&mut w, 4, "cem", "ambtenaar", Some(1));
    let out = w.take_outgoing(T);
    let (cem1, _, _) = welcome(&out, 4).unwrap();
    assert!(w.move_seat(0, cem1, 1, T).is_err());
    assert_eq!(w.table_of(4), Some(0));
    // After the start, nobody moves.
    w.facilitate_all(&Intent::Start);
    let err = w.move_seat(0, 2, 1, T).unwrap_err();
    assert!(err.contains("lobby"), "{err}");
}

#[test]
fn acting_on_every_table_answers_for_each() {
    let mut w = workshop(3, None);
    for t in 0..3u8 {
        join(&mut w, u64::from(t) + 1, "Anna", "raadslid", Some(t + 1));
    }
    // Table 2 starts early.
    w.table_mut(1)
        .unwrap()
        .core
        .facilitate(&Intent::Start)
        .unwrap();
    let results = w.facilitate_all(&Intent::Start);
    assert!(results[0].is_ok() && results[2].is_ok());
    assert!(results[1].is_err(), "table 2 had started already");
    let paused = w.facilitate_all(&Intent::Pause);
    assert!(paused.iter().all(Result::is_ok), "{paused:?}");
    assert!(w.tables().iter().all(|t| t.core.session().paused));
    assert!(w.facilitate_all(&Intent::End).iter().all(Result::is_ok));
    assert!(w.tick(T), "every table has ended");
}

#[test]
fn a_workshop_is_taken_up_again_from_its_file_with_every_table_and_seat() {
    let dir = temp_dir("workshop-resume");
    let mut w = workshop(3, Some(&dir));
    let manifest = w.manifest().expect("a workshop file").to_path_buf();
    let m = Manifest::read(&manifest).unwrap();
    assert_eq!(m.tables.len(), 3);
    assert!(m.journals(&manifest).iter().all(|j| j.exists()));
    let mut tokens = Vec::new();
    for t in 0..3u8 {
        for (i, role) in ["raadslid", "wethouder", "ambtenaar", "wijkteamprofessional"]
            .iter()
            .enumerate()
        {
            let client = u64::from(t) * 10 + i as u64 + 1;
            join(&mut w, client, &format!("p{i}"), role, Some(t + 1));
        }
    }
    let out = w.take_outgoing(T);
    for client in [1u64, 12, 24] {
        let (seat, _, token) = welcome(&out, client).unwrap();
        tokens.push((client, seat, token));
    }
    w.facilitate_all(&Intent::Start);
    // The tables go their own ways: table 3 decides twice, table 1 once.
    for (t, steps) in [(0usize, 1), (2, 2)] {
        let core = &mut w.table_mut(t).unwrap().core;
        for _ in 0..steps {
            // A card's first step opens with reading; a later one straight for deciding.
            if core.session().phase == Phase::Briefing {
                core.facilitate(&Intent::Advance).unwrap();
            }
            core.facilitate(&Intent::Decide { option: 1 }).unwrap();
            core.facilitate(&Intent::Advance).unwrap();
        }
    }
    let before: Vec<_> = w
        .tables()
        .iter()
        .map(|t| t.core.session().clone())
        .collect();
    drop(w);

    let resumed = workshop::resume_workshop(&manifest, None, &director).expect("resumes");
    assert_eq!(resumed.code.to_string(), m.join_code, "the same code");
    let mut w = resumed.workshop;
    assert_eq!(w.len(), 3);
    for (t, old) in before.iter().enumerate() {
        let s = w.table(t).unwrap().core.session();
        assert_eq!(
            s.decisions,
            old.decisions,
            "table {} decided the same",
            t + 1
        );
        assert_eq!(s.meters, old.meters);
        assert_eq!(s.seats, old.seats);
        assert_eq!(s.phase, old.phase);
    }
    assert_ne!(before[0].decisions.len(), before[2].decisions.len());
    // Every player comes back to their own table and seat with their token alone.
    for (client, seat, token) in tokens {
        let fresh = client + 100;
        assert!(w.connect_link(fresh, LinkKind::Udp, T));
        w.receive(fresh, &hello("x", "raadslid", None, Some(token)), T);
        let out = w.take_outgoing(T);
        assert_eq!(welcome(&out, fresh).map(|w| w.0), Some(seat));
        assert_eq!(w.table_of(fresh), Some((client / 10) as usize));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_workshop_file_is_refused_in_words() {
    let dir = temp_dir("workshop-broken");
    let path = dir.join("x.workshop");
    std::fs::write(&path, "(version: 1, name: \"x\"").unwrap();
    let err = workshop::resume_workshop(&path, None, &director)
        .err()
        .expect("refused");
    assert!(err.contains("no workshop file"), "{err}");
    std::fs::write(
        &path,
        "(version: 1, name: \"x\", join_code: \"ABC234\", created_unix: 0, tables: [])",
    )
    .unwrap();
    let err = workshop::resume_workshop(&path, None, &director)
        .err()
        .expect("refused");
    assert!(err.contains("1 to 8"), "{err}");
    std::fs::write(
        &path,
        "(version: 1, name: \"x\", join_code: \"ABC234\", created_unix: 0, tables: [\"gone.journal\"])",
    )
    .unwrap();
    let err = workshop::resume_workshop(&path, None, &director)
        .err()
        .expect("refused");
    assert!(err.contains("table 1"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_workshop_report_puts_the_tables_side_by_side_in_every_format() {
    use kantelspel::comparison::{self, Comparison};
    let dir = temp_dir("workshop-report");
    let mut w = workshop(3, Some(&dir));
    let manifest = w.manifest().unwrap().to_path_buf();
    // Every table meets the same first card and decides it its own way; table 2 notes something.
    for t in 0..3 {
        let core = &mut w.table_mut(t).unwrap().core;
        core.facilitate(&Intent::ChooseNext {
            card: "twee-buren".into(),
        })
        .unwrap();
        core.facilitate(&Intent::Start).unwrap();
        core.facilitate(&Intent::Advance).unwrap();
        core.facilitate(&Intent::Decide { option: t }).unwrap();
        if t == 1 {
            core.facilitate(&Intent::Note {
                text: "Tafel 2 twijfelde lang".into(),
            })
            .unwrap();
        }
    }
    drop(w);
    let (name, tables) = kantelspel::cli::report::load_workshop(&manifest).unwrap();
    assert_eq!(name, "Raadzaal");
    let pairs: Vec<_> = tables
        .iter()
        .map(|t| (t.record.clone(), t.meta.clone()))
        .collect();
    let views: Vec<_> = pairs.iter().map(|(v, _)| v.clone()).collect();
    let cmp = Comparison::of(&views);
    assert_eq!(cmp.same_cards.len(), 1, "the one card every table decided");
    let options: Vec<usize> = cmp.same_cards[0]
        .at
        .iter()
        .map(|d| d.expect("every table decided it").option)
        .collect();
    assert_eq!(options, vec![0, 1, 2], "each table's own decision");
    assert_eq!(cmp.meters().len(), views[0].meters.len());

    let html = comparison::html(&name, &pairs, kantelspel::rules::Lang::Nl);
    for t in 1..=3 {
        assert!(
            html.contains(&format!("<h1>Tafel {t}</h1>")),
            "table {t}'s section"
        );
    }
    for d in &views[2].decisions {
        assert!(html.contains(d.option_label.nl.as_str()));
    }
    assert!(
        html.contains("Tafel 2 twijfelde lang"),
        "the note, with its table"
    );
    assert_eq!(
        html.matches("<svg").count(),
        views[0].meters.len() + 3,
        "a chart per meter with a line per table, and each table's own chart"
    );
    let json: serde_json::Value = serde_json::from_str(&comparison::json(
        &name,
        &pairs,
        kantelspel::rules::Lang::En,
    ))
    .unwrap();
    let tables_json = json["tables"].as_array().unwrap();
    assert_eq!(tables_json.len(), 3);
    assert_eq!(tables_json[1]["table"], 2);
    assert_eq!(tables_json[1]["notes"][0]["text"], "Tafel 2 twijfelde lang");
    assert_eq!(
        tables_json[2]["decisions"][0]["option"],
        views[2].decisions[0].option_label.en
    );
    let csv = comparison::csv(&pairs, kantelspel::rules::Lang::Nl);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("table,round,card"));
    let firsts: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(
        firsts,
        vec!["1", "2", "3"],
        "a row per decision, each with its table"
    );

    // The command line writes the same report from the workshop file.
    let out = dir.join("w.html");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"))
        .env("XDG_DATA_HOME", common::test_data_home())
        .args([
            "report",
            manifest.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), html);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_move_to_a_table_whose_role_is_full_keeps_the_player_without_the_role() {
    let mut w = workshop(2, None);
    // Table 2's aldermen are full (the deck allows three).
    for (i, name) in ["Wim", "Wanda", "Wouter"].iter().enumerate() {
        join(&mut w, 10 + i as u64, name, "wethouder", Some(2));
    }
    join(&mut w, 1, "Gert-Jan", "wethouder", Some(1));
    let out = w.take_outgoing(T);
    let (seat, _, _) = welcome(&out, 1).unwrap();
    w.move_seat(0, seat, 1, T).expect("moved all the same");
    let out = w.take_outgoing(T);
    let (new_seat, _, _) = welcome(&out, 1).expect("welcomed at table 2");
    assert!(
        !out.disconnect.contains(&1),
        "not refused for the full role"
    );
    let s = w.table(1).unwrap().core.session();
    assert_eq!(s.seats[&new_seat].name, "Gert-Jan");
    assert_eq!(
        s.seats[&new_seat].role, None,
        "he chooses another role there"
    );
}

#[test]
fn a_link_that_talks_before_its_hello_is_told_so_and_closed_if_it_keeps_on() {
    let mut w = workshop(2, None);
    assert!(w.connect_link(1, LinkKind::Udp, T));
    let vote = protocol::encode(&ClientMsg::Intent(PlayerIntent::Vote {
        round: 1,
        step: 0,
        option: 0,
    }));
    w.receive(1, &vote, T);
    let out = w.take_outgoing(T);
    assert_eq!(sent(&out, 1), vec![HostMsg::Refused(Refusal::NotJoined)]);
    assert_eq!(w.table_of(1), None, "no table yet");
    // Its hello after that still seats it where it asks.
    w.receive(1, &hello("Anna", "raadslid", Some(2), None), T);
    assert_eq!(w.table_of(1), Some(1));
    // One that never says hello is closed.
    assert!(w.connect_link(2, LinkKind::Udp, T));
    for _ in 0..20 {
        w.receive(2, &[0xff, 0x00], T);
    }
    let out = w.take_outgoing(T);
    assert!(sent(&out, 2).contains(&HostMsg::Refused(Refusal::Flooding)));
    assert!(out.disconnect.contains(&2));
    assert_eq!(w.client_count(), 1);
}

#[test]
fn the_serve_console_acts_at_one_table_or_at_every_table() {
    let dir = temp_dir("workshop-console");
    let out = common::serve_console(
        &["--no-web", "--tables", "3"],
        &dir,
        b"@2 bot raadslid\n@2 bot wethouder\n@2 start\n@all next\n@2 pause\n@7 start\n\
          @1 @1 status\n@all seat-to 1 2\ntable 3\nbot ambtenaar\ntables\nquit\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("tables:    3"), "{stdout}");
    assert!(
        stdout.contains("[table 2] table 2: round 1/"),
        "@2 acts at table 2: {stdout}"
    );
    // The next phase everywhere: table 2 moves on, the two in the lobby say why they cannot.
    assert!(stdout.contains("[table 1] refused"), "{stdout}");
    assert!(stdout.contains("[table 3] refused"), "{stdout}");
    assert!(stdout.contains("there is no table 7"), "{stdout}");
    assert!(stdout.contains("is not said at a table"), "{stdout}");
    // The overview: table 2 paused in its first round, table 3 (in front) with its bot.
    let overview: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("table ") && l.contains("seats,"))
        .collect();
    let last: Vec<&str> = overview[overview.len() - 3..].to_vec();
    assert!(
        last[0].contains("Lobby") && last[0].contains("0 seats"),
        "{last:?}"
    );
    assert!(
        last[1].contains("(paused)") && last[1].contains("2 seats"),
        "{last:?}"
    );
    assert!(
        last[2].starts_with('>') && last[2].contains("1 seats"),
        "{last:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
