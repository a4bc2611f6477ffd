//! The host's verification on its own: hostile or out-of-turn messages are refused with a reason
//! and change nothing; a flooding client is dropped.

use std::sync::Arc;
use std::time::Duration;

use kantelspel::net::client::ClientCore;
use kantelspel::net::host::{HostCore, Outgoing};
use kantelspel::net::protocol::{
    self, ClientMsg, HostMsg, MAX_CLIENT_MESSAGE, PROTOCOL_VERSION, PlayerIntent, Refusal,
};
use kantelspel::rules::Lang;
use kantelspel::rules::Session;
use kantelspel::rules::deck::Deck;
use kantelspel::rules::session::{Intent, Phase, RuleError};
use kantelspel::rules::view::{Viewer, localize, view};

fn host() -> HostCore {
    let session = Session::new(Arc::new(Deck::default_deck().unwrap()), 4, 5);
    HostCore::new(session, None, "test".into())
}

fn hello(name: &str, role: &str) -> Vec<u8> {
    protocol::encode(&ClientMsg::Hello {
        version: PROTOCOL_VERSION,
        name: name.into(),
        role: Some(role.into()),
        rejoin: None,
        lang: Default::default(),
        table: None,
    })
}

fn intent(i: PlayerIntent) -> Vec<u8> {
    protocol::encode(&ClientMsg::Intent(i))
}

/// The wire as it was before players had an intent type of their own: the rules' whole
/// `Intent` where a player's goes. A facilitator's intent has no spelling any more.
#[derive(serde::Serialize)]
enum OldClientMsg {
    #[allow(dead_code)]
    Hello,
    Intent(Intent),
}

fn rules_intent(i: Intent) -> Vec<u8> {
    protocol::encode(&OldClientMsg::Intent(i))
}

/// The refusals sent to `client` in `out`.
fn refusals(out: &Outgoing, client: u64) -> Vec<Refusal> {
    out.messages
        .iter()
        .filter(|(c, _)| *c == client)
        .filter_map(|(_, b)| match protocol::decode_host(b) {
            Ok(HostMsg::Refused(r)) => Some(r),
            _ => None,
        })
        .collect()
}

const T: Duration = Duration::from_secs(0);

/// A host in round 1 with a player in every role (clients 1 to 4).
fn seated() -> HostCore {
    seated_and_sent().0
}

/// ...and what it sent them so far (their first screens).
fn seated_and_sent() -> (HostCore, Outgoing) {
    let mut h = host();
    for (i, role) in ["raadslid", "wethouder", "ambtenaar", "wijkteamprofessional"]
        .iter()
        .enumerate()
    {
        let c = i as u64 + 1;
        h.connect(c, T);
        h.receive(c, &hello(&format!("p{c}"), role), T);
    }
    h.facilitate(&Intent::ChooseNext {
        card: "twee-buren".into(),
    })
    .unwrap();
    h.facilitate(&Intent::Start).unwrap();
    let out = h.take_outgoing(T);
    (h, out)
}

#[test]
fn hostile_messages_are_refused_with_a_reason_and_change_nothing() {
    let mut h = seated();
    let before = h.session().clone();
    let check =
        |h: &mut HostCore, client: u64, bytes: Vec<u8>, expect: &dyn Fn(&Refusal) -> bool| {
            h.receive(client, &bytes, T);
            let out = h.take_outgoing(T);
            let r = refusals(&out, client);
            assert!(r.iter().any(expect), "got {r:?}");
            assert_eq!(
                h.session(),
                &before,
                "a refused message changed the session"
            );
        };
    // Oversized.
    check(&mut h, 1, vec![0u8; MAX_CLIENT_MESSAGE + 1], &|r| {
        *r == Refusal::Malformed
    });
    // Garbage.
    check(&mut h, 1, vec![0xff; 17], &|r| *r == Refusal::Malformed);
    // A facilitator intent from a player who knows the code.
    // The wire has no spelling for them: they do not even decode.
    check(&mut h, 1, rules_intent(Intent::End), &|r| {
        *r == Refusal::Malformed
    });
    check(&mut h, 2, rules_intent(Intent::Skip), &|r| {
        *r == Refusal::Malformed
    });
    check(
        &mut h,
        2,
        rules_intent(Intent::Decide { option: 0 }),
        &|r| *r == Refusal::Malformed,
    );
    check(
        &mut h,
        2,
        rules_intent(Intent::Override { option: 1 }),
        &|r| *r == Refusal::Malformed,
    );
    // An intent for another role: the alderman votes on the councillor's step.
    check(
        &mut h,
        2,
        intent(PlayerIntent::Vote {
            round: 1,
            step: 0,
            option: 0,
        }),
        &|r| matches!(r, Refusal::Rule(RuleError::NotYourRole { .. })),
    );
    // An option that does not exist.
    check(
        &mut h,
        1,
        intent(PlayerIntent::Vote {
            round: 1,
            step: 0,
            option: 9,
        }),
        &|r| *r == Refusal::Rule(RuleError::UnknownOption(9)),
    );
    // A client that never said hello.
    h.connect(50, T);
    check(
        &mut h,
        50,
        intent(PlayerIntent::Vote {
            round: 1,
            step: 0,
            option: 0,
        }),
        &|r| *r == Refusal::NotJoined,
    );
    // Another version.
    h.connect(51, T);
    let old = protocol::encode(&ClientMsg::Hello {
        version: PROTOCOL_VERSION + 1,
        name: "x".into(),
        role: None,
        rejoin: None,
        lang: Default::default(),
        table: None,
    });
    h.receive(51, &old, T);
    let out = h.take_outgoing(T);
    assert_eq!(
        refusals(&out, 51),
        vec![Refusal::VersionMismatch {
            host: PROTOCOL_VERSION,
            client: PROTOCOL_VERSION + 1
        }]
    );
    assert!(
        out.disconnect.contains(&51),
        "a wrong version is disconnected"
    );
    assert!(
        Refusal::VersionMismatch { host: 1, client: 2 }
            .to_string()
            .contains("version mismatch")
    );
}

#[test]
fn a_vote_after_its_step_closed_is_refused() {
    let mut h = seated();
    h.receive(
        1,
        &intent(PlayerIntent::Vote {
            round: 1,
            step: 0,
            option: 1,
        }),
        T,
    );
    h.facilitate(&Intent::Advance).unwrap(); // on to the alderman's step
    h.take_outgoing(T);
    let before = h.session().clone();
    h.receive(
        1,
        &intent(PlayerIntent::Vote {
            round: 1,
            step: 0,
            option: 0,
        }),
        T,
    );
    let out = h.take_outgoing(T);
    assert!(matches!(
        refusals(&out, 1).as_slice(),
        [Refusal::Rule(
            RuleError::StaleVote { .. } | RuleError::NotYourRole { .. }
        )]
    ));
    assert_eq!(h.session(), &before);
}

#[test]
fn each_player_receives_only_their_own_roles_briefing() {
    let (_, out) = seated_and_sent();
    let mut screens = 0;
    for (client, bytes) in &out.messages {
        let Ok(HostMsg::State { view, .. }) = protocol::decode_host(bytes) else {
            continue;
        };
        screens += 1;
        let card = view.card.as_ref().unwrap();
        assert!(card.all_briefings.is_empty());
        let text = format!("{view:?}");
        // Only the professional knows why the two households differ.
        assert_eq!(
            text.contains("dochter om de hoek"),
            *client == 4,
            "client {client}"
        );
    }
    assert_eq!(screens, 4, "every player got a whole screen first");
}

#[test]
fn a_flooding_client_is_dropped_and_the_others_stay() {
    let mut h = seated();
    for _ in 0..200 {
        h.receive(
            3,
            &intent(PlayerIntent::Vote {
                round: 1,
                step: 0,
                option: 0,
            }),
            T,
        );
    }
    let out = h.take_outgoing(T);
    assert!(refusals(&out, 3).contains(&Refusal::Flooding));
    assert!(out.disconnect.contains(&3));
    assert_eq!(h.connected_seats().len(), 3);
    // The others play on.
    h.receive(
        1,
        &intent(PlayerIntent::Vote {
            round: 1,
            step: 0,
            option: 0,
        }),
        Duration::from_secs(2),
    );
    assert_eq!(h.session().decisions.len(), 1);
}

#[test]
fn a_taken_role_or_name_refuses_the_join() {
    let mut h = host();
    h.connect(1, T);
    h.receive(1, &hello("Anna", "wethouder"), T);
    for (c, name) in [(2, "Bert"), (3, "Cor")] {
        h.connect(c, T);
        h.receive(c, &hello(name, "wethouder"), T);
    }
    h.connect(4, T);
    h.receive(4, &hello("Dirk", "wethouder"), T);
    let out = h.take_outgoing(T);
    assert_eq!(
        refusals(&out, 4),
        vec![Refusal::Rule(RuleError::RoleFull("wethouder".into()))]
    );
    assert!(out.disconnect.contains(&4));
    h.connect(5, T);
    h.receive(5, &hello("ANNA", "raadslid"), T);
    let out = h.take_outgoing(T);
    assert_eq!(refusals(&out, 5), vec![Refusal::NameInUse("ANNA".into())]);
}

/// A trainer saves the deck while the room waits in the lobby: the session takes the new deck,
/// every seat keeps its id (so its token) and its role where the deck still has it, and the
/// journal says so; a broken save or a started session keeps the deck it has.
#[test]
fn a_deck_saved_in_the_lobby_is_reloaded_with_every_seat_kept() {
    use kantelspel::net::host::{NewSession, new_session, resume};
    use kantelspel::rules::deck::DEFAULT_DECK;
    let dir = std::env::temp_dir().join(format!("kantelspel-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut h, _) = new_session(NewSession {
        journal_dir: Some(&dir),
        seed: Some(9),
        ..Default::default()
    })
    .unwrap();
    for (name, role) in [("Anouk", "raadslid"), ("Sylvia", "wijkteamprofessional")] {
        h.facilitate(&Intent::AddSeat {
            name: name.into(),
            role: Some(role.into()),
            bot: false,
        })
        .unwrap();
    }
    h.facilitate(&Intent::SetTimer { secs: 75 }).unwrap();
    let tokens: Vec<u64> = h.session().seats.keys().map(|s| h.token(*s)).collect();

    // The trainer renames the professional's role and retitles the deck.
    let edited = DEFAULT_DECK
        .replace(
            "title: (nl: \"De Kanteling\"",
            "title: (nl: \"De Kanteling, versie 2\"",
        )
        .replace("\"wijkteamprofessional\"", "\"professional\"");
    h.reload_deck("mijn-deck.ron", &edited).unwrap();
    let s = h.session();
    assert_eq!(s.deck().title.nl, "De Kanteling, versie 2");
    assert_eq!(s.seats.len(), 2);
    let roles: Vec<Option<&str>> = s
        .seats
        .values()
        .map(|seat| seat.role.map(|r| s.deck().roles[r].id.as_str()))
        .collect();
    // The renamed role is gone: Sylvia keeps her seat and chooses again.
    assert_eq!(roles, [Some("raadslid"), None]);
    assert_eq!(s.timer_secs, 75);
    let again: Vec<u64> = s.seats.keys().map(|seat| h.token(*seat)).collect();
    assert_eq!(again, tokens, "every seat keeps its token");

    // A broken save: refused in the checker's words, the deck stays.
    let err = h.reload_deck("mijn-deck.ron", "(id: \"x\"").unwrap_err();
    assert!(err.contains("mijn-deck.ron:1:"), "{err}");
    assert_eq!(h.session().deck().title.nl, "De Kanteling, versie 2");

    // The journal holds the new deck: a host that dies now resumes with it and the seats.
    let path = h.journal_path().unwrap().to_path_buf();
    drop(h);
    let mut back = resume(&path, None, None).unwrap().core;
    assert_eq!(back.session().deck().title.nl, "De Kanteling, versie 2");
    assert_eq!(back.session().seats.len(), 2);
    // Once started, the deck is fixed.
    back.facilitate(&Intent::Start).unwrap();
    assert!(back.reload_deck("mijn-deck.ron", DEFAULT_DECK).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reload that would move a seat (and so hand its token to someone else) is refused: here a
/// player took a bot's role in the old deck, and the new deck renames that role.
#[test]
fn a_reload_that_would_move_a_seat_is_refused() {
    use kantelspel::rules::deck::DEFAULT_DECK;
    use kantelspel::rules::session::Sender;
    let mut h = host();
    let add = |h: &mut HostCore, name: &str, role: Option<&str>, bot: bool| {
        h.facilitate(&Intent::AddSeat {
            name: name.into(),
            role: role.map(str::to_string),
            bot,
        })
    };
    add(&mut h, "bot-wethouder", Some("wethouder"), true).unwrap();
    add(&mut h, "Ann", None, false).unwrap();
    let ann = *h
        .session()
        .seats
        .iter()
        .find(|(_, s)| s.name == "Ann")
        .unwrap()
        .0;
    h.act(
        Sender::Seat(ann),
        &Intent::ChooseRole {
            role: "wethouder".into(),
        },
    )
    .unwrap();
    // Whether or not the bot made way, one more bot and one more player come in.
    let _ = add(&mut h, "bot-wethouder", Some("wethouder"), true);
    add(&mut h, "Bob", Some("raadslid"), false).unwrap();
    let seats = |h: &HostCore| -> Vec<(u32, String)> {
        h.session()
            .seats
            .iter()
            .map(|(id, s)| (*id, s.name.clone()))
            .collect()
    };
    let before = seats(&h);
    let renamed = DEFAULT_DECK.replace("\"wethouder\"", "\"bestuurder\"");
    match h.reload_deck("mijn-deck.ron", &renamed) {
        Ok(()) => {
            // Allowed only when every seat kept its id and name.
            assert_eq!(seats(&h), before);
        }
        Err(e) => {
            assert!(e.contains("who sits where"), "{e}");
            assert_eq!(seats(&h), before, "a refused reload changes nothing");
            assert!(h.session().deck().role_index("wethouder").is_some());
        }
    }
}

/// Routes what the host sent to each player's `ClientCore` (dropping the messages `lose` picks),
/// and what the players want to say back to the host.
fn route(
    h: &mut HostCore,
    players: &mut [(u64, ClientCore)],
    now: Duration,
    lose: &mut dyn FnMut(u64, &HostMsg) -> bool,
) {
    for _ in 0..3 {
        let out = h.take_outgoing(now);
        for (client, bytes) in out.messages {
            let Some((_, core)) = players.iter_mut().find(|(c, _)| *c == client) else {
                continue;
            };
            if lose(client, &protocol::decode_host(&bytes).unwrap()) {
                continue;
            }
            core.receive(&bytes);
        }
        for (client, core) in players.iter_mut() {
            for bytes in core.take_outbox() {
                h.receive(*client, &bytes, now);
            }
        }
    }
}

/// Whether every player's screen is the whole view the host would send it now.
fn screens_match(
    h: &HostCore,
    players: &[(u64, ClientCore)],
    skip: Option<u64>,
) -> Result<(), String> {
    for (client, core) in players.iter().filter(|(c, _)| Some(*c) != skip) {
        let seat = core.seat.ok_or(format!("client {client} has no seat"))?;
        let role = h.session().seats[&seat].role;
        let mut whole = view(h.session(), Viewer::Role(role));
        localize(&mut whole, core.lang());
        if core.view.as_ref() != Some(&whole) {
            return Err(format!(
                "client {client}: the screen differs from the whole view"
            ));
        }
        // (The timer alone sends nothing: players count down from the last value they got.)
        if core.connected != h.connected_seats() {
            return Err(format!("client {client}: the online list differs"));
        }
    }
    Ok(())
}

#[test]
fn a_screen_built_from_differences_is_the_whole_view_at_every_step_and_after_a_reconnect() {
    let mut h = host();
    let roles = ["raadslid", "wethouder", "ambtenaar", "wijkteamprofessional"];
    let mut players: Vec<(u64, ClientCore)> = roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            // The professional reads English from the start.
            let lang = if i == 3 { Lang::En } else { Lang::Nl };
            (
                i as u64 + 1,
                ClientCore::new(format!("p{i}"), Some(role.to_string())).with_lang(lang),
            )
        })
        .collect();
    for (client, core) in players.iter_mut() {
        h.connect(*client, T);
        core.on_connected();
    }
    let mut now = T;
    let mut never = |_: u64, _: &HostMsg| false;
    route(&mut h, &mut players, now, &mut never);
    screens_match(&h, &players, None).unwrap();
    h.facilitate(&Intent::SetTimer { secs: 90 }).unwrap();
    h.facilitate(&Intent::Start).unwrap();
    let (mut patches, mut wholes, mut checked) = (0, 0, 0);
    let mut lost_one = false;
    let mut reconnected = false;
    let mut one_language_seen = false;
    for step in 0..400 {
        if h.session().phase == Phase::Ended {
            break;
        }
        now += Duration::from_millis(300);
        h.set_timer_left(Some(90 - (step % 90)));
        let mut voted = false;
        for (_, core) in players.iter_mut() {
            if let Some((_, _, n)) = core.my_turn() {
                voted |= core.vote(step as usize % n);
            }
        }
        if !voted && step % 3 == 2 {
            let _ = h.facilitate(&Intent::Advance);
        }
        if step == 3 {
            h.facilitate(&Intent::Note {
                text: "tafel 2 twijfelt".into(),
            })
            .unwrap();
        }
        // The civil servant switches to English, the professional back to Dutch: each gets the
        // whole screen again in the other language.
        if step == 7 {
            players[2].1.set_lang(Lang::En);
        }
        if step == 12 {
            players[3].1.set_lang(Lang::Nl);
        }
        // Halfway, the councillor's laptop drops and comes back on a new connection.
        if step == 5 {
            h.disconnect(1);
            players[0].0 = 11;
            h.connect(11, now);
            players[0].1.on_connected();
            reconnected = true;
        }
        let lost_before = lost_one;
        // The alderman's laptop misses one difference: it must ask for the whole screen.
        let mut lose = |client: u64, msg: &HostMsg| {
            let patch = matches!(msg, HostMsg::Patch(_));
            patches += usize::from(patch);
            wholes += usize::from(matches!(msg, HostMsg::State { .. }));
            if client == 2 && patch && step > 2 && !lost_one {
                lost_one = true;
                return true;
            }
            false
        };
        route(&mut h, &mut players, now, &mut lose);
        // The laptop that missed a difference learns it from the next one, and asks then.
        let skip = (lost_one && !lost_before).then_some(2);
        screens_match(&h, &players, skip).unwrap_or_else(|e| panic!("step {step}: {e}"));
        // One language on each screen: the other one is not sent.
        for (_, core) in &players {
            if let Some(card) = core.view.as_ref().and_then(|v| v.card.as_ref()) {
                let (kept, dropped) = match core.lang() {
                    Lang::Nl => (&card.title.nl, &card.title.en),
                    Lang::En => (&card.title.en, &card.title.nl),
                };
                assert!(!kept.is_empty() && dropped.is_empty(), "step {step}");
                one_language_seen |= core.lang() == Lang::En;
            }
        }
        checked += 1;
    }
    assert_eq!(
        h.session().phase,
        Phase::Ended,
        "the session was played to its end"
    );
    assert!(lost_one && reconnected && one_language_seen);
    assert!(checked > 10, "{checked} steps compared");
    assert!(h.session().decisions.len() >= 4);
    assert!(
        patches > 10 * wholes,
        "{patches} differences, {wholes} whole screens"
    );
    // The debrief arrived by differences too.
    assert!(!players[1].1.view.as_ref().unwrap().decisions.is_empty());
}

#[test]
fn after_a_pause_the_players_countdown_starts_again_from_the_hosts_time() {
    let mut h = host();
    let mut players = vec![(1u64, ClientCore::new("p0", Some("raadslid".into())))];
    h.connect(1, T);
    players[0].1.on_connected();
    let mut never = |_: u64, _: &HostMsg| false;
    route(&mut h, &mut players, T, &mut never);
    h.facilitate(&Intent::Start).unwrap();
    h.set_timer_left(Some(50));
    route(&mut h, &mut players, T, &mut never);
    let counting_from = players[0].1.timer_at.unwrap();
    h.facilitate(&Intent::Pause).unwrap();
    route(&mut h, &mut players, T, &mut never);
    std::thread::sleep(Duration::from_millis(20));
    // The host's clock stood still: resuming says nothing new about the timer but `Paused`.
    h.facilitate(&Intent::Resume).unwrap();
    route(&mut h, &mut players, T, &mut never);
    let core = &players[0].1;
    assert_eq!(core.timer_left, Some(50));
    assert!(
        core.timer_at.unwrap() > counting_from + Duration::from_millis(15),
        "the countdown restarts at the resume"
    );
}

/// A host that died while writing a character (a name with an é) leaves a journal cut inside
/// it: the one journal reader reads it up to there, so the host screen offers it, a resume
/// takes it up and the report tells it, all as far as the last intact line.
#[test]
fn a_journal_cut_inside_a_character_is_offered_resumed_and_reported() {
    use kantelspel::net::host::{NewSession, new_session, resume};
    let dir = std::env::temp_dir().join(format!("kantelspel-cut-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut h, _) = new_session(NewSession {
        journal_dir: Some(&dir),
        seed: Some(4),
        ..Default::default()
    })
    .unwrap();
    for (name, role) in [("Anouk", "raadslid"), ("Bram", "wethouder")] {
        h.facilitate(&Intent::AddSeat {
            name: name.into(),
            role: Some(role.into()),
            bot: false,
        })
        .unwrap();
    }
    h.facilitate(&Intent::Start).unwrap();
    let before = h.session().clone();
    let path = h.journal_path().unwrap().to_path_buf();
    drop(h);
    // The next line was a note about "René", cut after the first byte of "é".
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"(seq:4,sender:Facilitator,intent:Note(text:\"Ren\xc3");
    std::fs::write(&path, &bytes).unwrap();
    assert!(
        String::from_utf8(bytes).is_err(),
        "the file is cut inside a character"
    );

    let offered = kantelspel::keeping::unfinished_sessions(&dir);
    assert_eq!(offered.len(), 1, "the host screen offers it");
    assert_eq!(offered[0].players, 2);
    let text = kantelspel::net::journal_file::read_text(&path).unwrap();
    let (_, meta) = kantelspel::report::from_journal(&text).unwrap();
    assert!(
        meta.warning
            .as_deref()
            .is_some_and(|w| w.contains("damaged")),
        "{:?}",
        meta.warning
    );
    let resumed = resume(&path, None, None).unwrap();
    assert!(resumed.note.is_some(), "the damage is said");
    assert_eq!(resumed.core.session(), &before);
    let _ = std::fs::remove_dir_all(&dir);
}
