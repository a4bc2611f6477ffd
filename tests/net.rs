//! Networked sessions over real UDP sockets on loopback: whole sessions, wrong codes, reconnects,
//! a lossy network, and junk datagrams while a session is in progress.

mod common;

use std::time::Duration;

use bevy::prelude::*;
use common::*;
use kantelspel::net::code::JoinCode;
use kantelspel::net::director::Director;
use kantelspel::net::host::HostCore;
use kantelspel::net::info::{self, ProbeError};
use kantelspel::net::journal_file::JournalFile;
use kantelspel::net::plugin::{ClientLink, LinkStatus};
use kantelspel::net::workshop::Workshop;
use kantelspel::rules::bot::Strategy;
use kantelspel::rules::journal::{self, JOURNAL_VERSION, JournalHeader};
use kantelspel::rules::session::{Intent, Phase};

fn journal_header(seed: u64, rounds: u32) -> JournalHeader {
    JournalHeader {
        version: JOURNAL_VERSION,
        deck_name: kantelspel::rules::deck::DEFAULT_DECK_NAME.into(),
        deck_source: kantelspel::rules::deck::DEFAULT_DECK.into(),
        seed,
        rounds,
        created_unix: 1,
        join_code: code().to_string(),
        seat_secret: 7,
        edition: kantelspel::rules::session::RULES_EDITION,
    }
}

/// Plays a whole auto session with one player per role; checks every client and the journal
/// end with the host's state.
fn play_full_session(name: &str, weather: Option<Weather>) {
    let dir = temp_dir(name);
    let header = journal_header(9, 4);
    let file = JournalFile::create(&dir, &header).unwrap();
    let journal_path = file.path().to_path_buf();
    let core = HostCore::new(session(9, 4), Some(file), "test".into());
    let mut relays: Vec<Relay> = (0..ROLES.len()).map(|_| Relay::bind()).collect();
    let extra = if weather.is_some() {
        relays.iter().map(|r| r.addr).collect()
    } else {
        Vec::new()
    };
    let (mut host, addr) = host_app(core, auto_director(), extra);
    let mut players: Vec<App> = ROLES
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let target = match weather {
                Some(w) => {
                    relays[i].start(addr, w, i as u64);
                    relays[i].addr
                }
                None => addr,
            };
            player_app(target, code(), &format!("speler-{i}"), role)
        })
        .collect();
    // The facilitator steps in once: a longer timer.
    // Junk from strangers too, at the game port and the info port, all through the session.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let blaster = weather.filter(|w| w.junk).map(|_| {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            use rand::{RngExt, SeedableRng};
            let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(99);
            let info = info::info_addr(addr);
            let mut sent = 0u64;
            for round in 0..20 {
                for len in 0..=1400usize {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return sent;
                    }
                    let junk: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                    let _ = socket.send_to(&junk, if len % 2 == 0 { addr } else { info });
                    sent += 1;
                    if len % 64 == 0 {
                        std::thread::sleep(Duration::from_millis(1 + round % 2));
                    }
                }
            }
            sent
        })
    });
    let mut extended = false;
    let mut apps: Vec<&mut App> = std::iter::once(&mut host)
        .chain(players.iter_mut())
        .collect();
    let finished = pump(&mut apps, Duration::from_secs(90), |apps| {
        // Any open phase will do: with instant bots a phase can open and close within one frame.
        if !extended
            && matches!(
                hostlink(apps[0]).core().session().phase,
                Phase::Briefing | Phase::Deciding | Phase::Resolved
            )
        {
            extended = host_mut(apps[0])
                .core_mut()
                .facilitate(&Intent::ExtendTimer { secs: 30 })
                .is_ok();
        }
        hostlink(apps[0]).ended
            && apps[1..].iter().all(|p| {
                link(p)
                    .core
                    .view
                    .as_ref()
                    .is_some_and(|v| v.phase == Phase::Ended)
            })
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(b) = blaster {
        assert!(
            b.join().unwrap() > 1400,
            "the blaster sent datagrams of every length"
        );
        // A quick session can end before the relays' paced junk has run through every length:
        // the host, session over, keeps reading it until it has.
        let mut apps: Vec<&mut App> = std::iter::once(&mut host)
            .chain(players.iter_mut())
            .collect();
        pump(&mut apps, Duration::from_secs(10), |_| {
            relays.iter().map(Relay::junk_sent).max().unwrap_or(0) > 1400
        });
        let most = relays.iter().map(Relay::junk_sent).max().unwrap_or(0);
        assert!(
            most > 1400,
            "a player's address sent junk of every length ({most})"
        );
        let dropped = host
            .world()
            .resource::<kantelspel::net::transport::ServerTransport>()
            .dropped;
        assert!(
            dropped > 0,
            "crafted datagrams were dropped before netcode parsed them"
        );
    }
    let session = hostlink(&host).core().session().clone();
    let players_said: Vec<String> = players
        .iter()
        .map(|p| {
            let l = link(p);
            format!(
                "{:?} seat {:?} fatal {:?} waiting {}",
                l.status, l.core.seat, l.core.fatal, l.core.waiting
            )
        })
        .collect();
    let transport = host
        .world()
        .resource::<kantelspel::net::transport::ServerTransport>();
    assert!(
        finished,
        "the session did not finish; host at round {} {:?}; {} seats, {} connected; netcode panics {}; players: {players_said:#?}",
        session.round,
        session.phase,
        session.seats.len(),
        hostlink(&host).core().connected_seats().len(),
        transport.panics,
    );
    assert!(extended, "the facilitator's intent was applied");
    assert!(session.decisions.len() >= 4);
    for p in &players {
        let view = link(p).core.view.as_ref().unwrap();
        assert_eq!(
            view.meters.iter().map(|m| m.value).collect::<Vec<_>>(),
            session.meters
        );
        assert_eq!(view.meter_history, session.meter_history);
        assert_eq!(view.decisions.len(), session.decisions.len());
        assert_eq!(
            view.ending.as_ref().map(|e| &e.ending),
            session.ending.as_ref()
        );
    }
    let text = std::fs::read_to_string(&journal_path).unwrap();
    let parsed = journal::parse(&text).unwrap();
    assert!(parsed.damage.is_none());
    let replayed = journal::replay(
        journal::deck_of(&parsed.header).unwrap(),
        &parsed.header,
        &parsed.entries,
    )
    .unwrap();
    assert_eq!(replayed.meters, session.meters);
    assert_eq!(replayed.decisions, session.decisions);
    assert_eq!(replayed.ending, session.ending);
    drop(relays);
}

#[test]
fn a_full_session_with_four_players_ends_identically_everywhere() {
    play_full_session("full", None);
}

#[test]
fn every_turn_arrives_through_twenty_percent_loss_and_jitter() {
    play_full_session(
        "lossy",
        Some(Weather {
            loss: 0.2,
            max_delay: Duration::from_millis(40),
            junk: false,
        }),
    );
}

#[test]
fn junk_datagrams_of_every_length_from_a_players_own_address_change_nothing() {
    play_full_session(
        "junk",
        Some(Weather {
            loss: 0.0,
            max_delay: Duration::ZERO,
            junk: true,
        }),
    );
}

/// Renet acknowledges acknowledgements: a host flushing every frame sent an idle laptop a
/// datagram every frame, for ever. Idle, a player now hears from the host about ten times a second
/// however fast the host's loop runs.
#[test]
fn an_idle_player_is_not_sent_a_datagram_every_frame() {
    let core = HostCore::new(session(3, 4), None, "idle".into());
    let (mut host, addr) = host_app(
        core,
        Director::new(false, fast_pace(), Strategy::First),
        Vec::new(),
    );
    let mut player = idle_app(addr, code(), "Anouk", "raadslid");
    let seated = pump(
        &mut [&mut host, &mut player],
        Duration::from_secs(20),
        |apps| link(apps[1]).core.view.is_some(),
    );
    assert!(seated, "the player joined");
    // Let the join's messages be acknowledged, then count two seconds of nothing happening.
    pump(
        &mut [&mut host, &mut player],
        Duration::from_millis(500),
        |_| false,
    );
    let sent = |host: &App| {
        host.world()
            .resource::<kantelspel::net::transport::ServerTransport>()
            .packets_sent
    };
    let before = sent(&host);
    let mut frames = 0u32;
    pump(
        &mut [&mut host, &mut player],
        Duration::from_secs(2),
        |_| {
            frames += 1;
            false
        },
    );
    let packets = sent(&host) - before;
    assert!(
        packets <= 30,
        "{packets} datagrams to an idle player in 2 s over {frames} host frames"
    );
    assert!(packets >= 5, "acknowledgements still flow: {packets}");
    assert_eq!(link(&player).status, LinkStatus::Connected);
}

#[test]
fn a_wrong_code_is_refused_in_words_and_at_the_connection() {
    let core = HostCore::new(session(1, 3), None, "test".into());
    let (mut host, addr) = host_app(
        core,
        Director::new(false, fast_pace(), Strategy::First),
        Vec::new(),
    );
    let wrong = JoinCode::parse("WRONG9").unwrap();
    // The info port answers on the host's own thread, so keep it running while probing.
    let prober =
        std::thread::spawn(move || info::probe(addr, Some(&wrong), Duration::from_secs(5)));
    let right =
        std::thread::spawn(move || info::probe(addr, Some(&code()), Duration::from_secs(5)));
    let mut apps = [&mut host];
    pump(&mut apps, Duration::from_secs(2), |_| false);
    assert_eq!(prober.join().unwrap(), Err(ProbeError::WrongCode(addr)));
    let reply = right.join().unwrap().expect("the right code is accepted");
    assert_eq!(reply.session, "test");

    // A client that connects with a wrong code anyway never gets in, and says so.
    let mut intruder = player_app(
        addr,
        JoinCode::parse("WRONG9").unwrap(),
        "Mallory",
        "raadslid",
    );
    let mut apps = [&mut host, &mut intruder];
    let failed = pump(&mut apps, Duration::from_secs(10), |apps| {
        matches!(link(apps[1]).status, LinkStatus::Failed(_))
    });
    assert!(failed, "the client should give up");
    assert!(
        hostlink(&host).core().session().seats.is_empty(),
        "nobody joined"
    );
    let LinkStatus::Failed(why) = &link(&intruder).status else {
        unreachable!()
    };
    assert!(why.contains("wrong join code"), "{why}");
}

#[test]
fn a_dropped_player_reconnects_into_their_seat_with_their_vote() {
    let core = HostCore::new(session(3, 5), None, "test".into());
    let (mut host, addr) = host_app(
        core,
        Director::new(false, fast_pace(), Strategy::First),
        Vec::new(),
    );
    host_mut(&mut host)
        .core_mut()
        .facilitate(&Intent::ChooseNext {
            card: "twee-buren".into(),
        })
        .unwrap();
    // Two councillors, so one vote does not settle the step.
    let mut anna = idle_app(addr, code(), "Anna", "raadslid");
    let mut cor = idle_app(addr, code(), "Cor", "raadslid");
    let mut bert = player_app(addr, code(), "Bert", "wethouder");
    {
        let mut apps = [&mut host, &mut anna, &mut bert, &mut cor];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| hostlink(a[0])
            .core()
            .connected_seats()
            .len()
            == 3));
    }
    host_mut(&mut host)
        .core_mut()
        .facilitate(&Intent::Start)
        .unwrap();
    {
        let mut apps = [&mut host, &mut anna];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
            .core
            .my_turn()
            .is_some()));
    }
    anna.world_mut().resource_mut::<ClientLink>().core.vote(1);
    {
        let mut apps = [&mut host, &mut anna];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
            .core
            .has_voted()));
    }
    let anna_seat = link(&anna).core.seat.unwrap();
    let anna_token = link(&anna).core.token();
    assert!(anna_token.is_some(), "the host gave her seat's token");

    // 1. The Wi-Fi drops and comes back before the host notices: the same program connects
    //    anew and takes its seat back from the stale connection with its rejoin secret.
    let (client, transport) = {
        let l = link(&anna);
        kantelspel::net::plugin::client_resources(l.addr, &l.code).unwrap()
    };
    anna.world_mut().insert_resource(client);
    anna.world_mut().insert_resource(transport);
    anna.world_mut().resource_mut::<ClientLink>().status = LinkStatus::Reconnecting;
    {
        let mut apps = [&mut host, &mut anna];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
            .status
            == LinkStatus::Connected
            && hostlink(a[0]).workshop.client_count() == 3));
    }
    assert_eq!(link(&anna).core.seat, Some(anna_seat));
    assert!(
        link(&anna).core.fatal.is_none(),
        "{:?}",
        link(&anna).core.fatal
    );

    // 2. The laptop's lid closes: the host sees her go, and her vote stays.
    anna.world_mut()
        .resource_mut::<kantelspel::net::transport::ClientTransport>()
        .disconnect();
    anna.update();
    drop(anna);
    {
        let mut apps = [&mut host];
        assert!(
            pump(&mut apps, Duration::from_secs(25), |a| !hostlink(a[0])
                .core()
                .connected_seats()
                .contains(&anna_seat)),
            "the host notices Anna is gone"
        );
    }
    let votes = hostlink(&host)
        .core()
        .session()
        .current
        .as_ref()
        .unwrap()
        .votes
        .clone();
    assert!(
        votes.iter().any(|(s, o)| *s == anna_seat && *o == 1),
        "her vote stays: {votes:?}"
    );

    // Someone else types her name: a name alone never takes a seat, even an empty one. They
    // wait at the door, where the facilitator sees who claims the seat.
    let mut stranger = idle_app(addr, code(), "anna", "raadslid");
    {
        let mut apps = [&mut host, &mut stranger];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
            .core
            .waiting));
    }
    assert_eq!(link(&stranger).core.seat, None);
    assert!(
        link(&stranger).core.view.is_none(),
        "nothing of the session"
    );
    let door = hostlink(&host).core().waiting().to_vec();
    assert_eq!(door.len(), 1);
    assert_eq!(door[0].claims, Some(anna_seat));
    drop(stranger);

    // She starts the program again; it kept her seat token (the window keeps it in the
    // user's data folder) and joins with it and the code.
    let mut anna = App::new();
    anna.add_plugins(MinimalPlugins)
        .add_plugins(kantelspel::net::plugin::ClientPlugin);
    kantelspel::net::plugin::connect_client(
        anna.world_mut(),
        addr,
        code(),
        kantelspel::net::client::ClientCore::new("Anna", Some("raadslid".into()))
            .with_token(anna_token),
    )
    .unwrap();
    {
        let mut apps = [&mut host, &mut anna];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
            .core
            .view
            .is_some()));
    }
    assert_eq!(link(&anna).core.seat, Some(anna_seat), "the same seat");
    assert!(link(&anna).core.has_voted(), "her vote is shown as cast");
    assert!(
        hostlink(&host)
            .core()
            .connected_seats()
            .contains(&anna_seat),
        "everyone sees her back"
    );

    // Cor votes; the step resolves with Anna's vote in the split.
    cor.update();
    let mut apps = [&mut host, &mut anna, &mut bert, &mut cor];
    assert!(pump(&mut apps, Duration::from_secs(10), |a| {
        if link(a[3]).core.my_turn().is_some() {
            a[3].world_mut().resource_mut::<ClientLink>().core.vote(0);
        }
        !hostlink(a[0]).core().session().decisions.is_empty()
    }));
    let d = &hostlink(&host).core().session().decisions[0];
    assert_eq!(d.split, vec![1, 1, 0], "Anna's 1 and Cor's 0");
}

#[test]
fn a_second_laptop_with_a_taken_name_is_refused() {
    let core = HostCore::new(session(3, 5), None, "test".into());
    let (mut host, addr) = host_app(
        core,
        Director::new(false, fast_pace(), Strategy::First),
        Vec::new(),
    );
    let mut anna = player_app(addr, code(), "Anna", "raadslid");
    let mut apps = [&mut host, &mut anna];
    assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
        .core
        .seat
        .is_some()));
    let mut impostor = player_app(addr, code(), "anna", "raadslid");
    let mut apps = [&mut host, &mut anna, &mut impostor];
    assert!(pump(&mut apps, Duration::from_secs(10), |a| matches!(
        link(a[2]).status,
        LinkStatus::Failed(_)
    )));
    let LinkStatus::Failed(why) = &link(&impostor).status else {
        unreachable!()
    };
    assert!(why.contains("already connected"), "{why}");
    assert_eq!(hostlink(&host).core().session().seats.len(), 1);
    assert!(link(&anna).core.fatal.is_none());
}

#[test]
fn a_host_announces_itself_and_sessions_lists_it() {
    use kantelspel::net::plugin::{HostConfig, HostPlugin, start_host};
    let listener_port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen: std::net::SocketAddr = ([127, 0, 0, 1], listener_port).into();
    let found = std::thread::spawn(move || info::listen(listen, Duration::from_secs(3)).unwrap());
    std::thread::sleep(Duration::from_millis(100));
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(HostPlugin);
    let cfg = HostConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        code: code(),
        announce: Some(listen),
        extra_public: Vec::new(),
        web: None,
    };
    let core = HostCore::new(session(1, 3), None, "Raadszaal Noord".into());
    let addr = start_host(
        app.world_mut(),
        Workshop::single(core, Director::new(false, fast_pace(), Strategy::First)),
        cfg,
    )
    .unwrap();
    let mut apps = [&mut app];
    pump(&mut apps, Duration::from_millis(1500), |_| false);
    let found = found.join().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].addr, addr);
    assert_eq!(found[0].session, "Raadszaal Noord");
    assert_eq!(found[0].deck, "De Kanteling");
}

/// netcode's packet path holds no panic at all, caught or not: datagrams of every length with
/// every first byte, from a connected player's own address to the host and from the host's to
/// a player, while a session plays on to its end.
#[test]
fn every_length_with_every_prefix_through_a_real_connection_panics_nowhere() {
    use bevy_renet::{RenetClient, RenetServer};
    use kantelspel::net::transport::{ClientTransport, ServerTransport};
    use rand::{RngExt, SeedableRng};

    let core = HostCore::new(session(13, 3), None, "t".into());
    let (mut host, addr) = host_app(core, auto_director(), Vec::new());
    let mut players: Vec<App> = ROLES
        .iter()
        .map(|r| player_app(addr, code(), r, r))
        .collect();
    let mut all: Vec<&mut App> = std::iter::once(&mut host)
        .chain(players.iter_mut())
        .collect();
    assert!(
        pump(&mut all, Duration::from_secs(30), |apps| apps[1..]
            .iter()
            .all(|a| link(a).core.seat.is_some())),
        "everyone joins"
    );
    let client = host.world().resource::<RenetServer>().clients_id()[0];
    let from = host
        .world()
        .resource::<ServerTransport>()
        .client_addr(client)
        .expect("netcode knows the player's address");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let mut datagram = Vec::with_capacity(1400);
    for len in 0..=1400usize {
        for prefix in 0..=255u8 {
            datagram.clear();
            if len > 0 {
                datagram.push(prefix);
                datagram.extend((1..len).map(|_| rng.random::<u8>()));
            }
            host.world_mut()
                .resource_scope(|world, mut transport: Mut<ServerTransport>| {
                    transport.process_datagram(
                        from,
                        &datagram,
                        &mut world.resource_mut::<RenetServer>(),
                    );
                });
            players[1]
                .world_mut()
                .resource_scope(|world, mut transport: Mut<ClientTransport>| {
                    transport.process_datagram(&datagram, &mut world.resource_mut::<RenetClient>());
                });
        }
        if len % 50 == 0 {
            host.update();
            for p in players.iter_mut() {
                p.update();
            }
        }
    }
    let mut all: Vec<&mut App> = std::iter::once(&mut host)
        .chain(players.iter_mut())
        .collect();
    let ended = pump(&mut all, Duration::from_secs(60), |apps| {
        apps[1..].iter().all(|a| {
            link(a)
                .core
                .view
                .as_ref()
                .is_some_and(|v| v.phase == Phase::Ended)
        })
    });
    assert_eq!(
        host.world().resource::<ServerTransport>().panics,
        0,
        "a panic in the host's netcode"
    );
    assert_eq!(
        players[1].world().resource::<ClientTransport>().panics,
        0,
        "a panic in the client's netcode"
    );
    assert!(ended, "the session plays on to its end");
}
