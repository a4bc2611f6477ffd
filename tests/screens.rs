//! The screens' logic without a window: transitions, what a button's action does to the session,
//! and that a player's screen follows the host.

mod common;

use std::time::Duration;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use common::{hostlink, link, pump};
use kantelspel::net::plugin::{ClientPlugin, HostLink, HostPlugin};
use kantelspel::rules::session::{Intent, Phase};
use kantelspel::ui::screens::{HostSetup, Screen, ScreensPlugin, Shown, UiAction};

fn app() -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        StatesPlugin,
        HostPlugin,
        ClientPlugin,
        ScreensPlugin,
    ));
    app.update();
    app
}

fn act(app: &mut App, action: UiAction) {
    app.world_mut().write_message(action);
    app.update();
    app.update();
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

fn local_setup() -> HostSetup {
    HostSetup {
        deck: None,
        rounds: 3,
        timer_secs: 60,
        tables: 1,
        local_only: true,
        programme: Default::default(),
    }
}

#[test]
fn buttons_move_between_screens_and_back() {
    let mut app = app();
    assert_eq!(screen(&app), Screen::Start);
    act(&mut app, UiAction::GoTo(Screen::Join));
    assert_eq!(screen(&app), Screen::Join);
    act(&mut app, UiAction::Leave);
    assert_eq!(screen(&app), Screen::Start);
    act(&mut app, UiAction::SetLang(kantelspel::rules::Lang::En));
    assert_eq!(
        app.world().resource::<kantelspel::ui::i18n::Tr>().lang,
        kantelspel::rules::Lang::En
    );
}

#[test]
fn hosting_opens_a_lobby_and_start_goes_to_the_facilitator_screen() {
    let mut app = app();
    act(&mut app, UiAction::Host(local_setup()));
    assert_eq!(screen(&app), Screen::Host);
    assert!(app.world().contains_resource::<HostLink>());
    act(
        &mut app,
        UiAction::Facilitate(Intent::AddSeat {
            name: "bot-raadslid".into(),
            role: Some("raadslid".into()),
            bot: true,
        }),
    );
    assert_eq!(
        hostlink(&app).core().session().seats.len(),
        1,
        "the add-bot button added a bot"
    );
    act(&mut app, UiAction::Facilitate(Intent::Start));
    assert_eq!(hostlink(&app).core().session().phase, Phase::Briefing);
    assert_eq!(screen(&app), Screen::Facilitator);
    // A refused button press says why, in the window's language, and changes nothing.
    act(&mut app, UiAction::Facilitate(Intent::Revoke));
    let status = app.world().resource::<kantelspel::ui::screens::Status>();
    assert_eq!(
        status.error.as_deref(),
        Some("Er is geen besluit om te wijzigen.")
    );
    act(&mut app, UiAction::Leave);
    assert!(
        !app.world().contains_resource::<HostLink>(),
        "leaving stops the host"
    );
}

#[test]
fn practising_alone_plays_a_real_session_against_bots() {
    let mut app = app();
    act(
        &mut app,
        UiAction::Practise {
            name: "Sylvia".into(),
            role: "wijkteamprofessional".into(),
        },
    );
    assert_eq!(screen(&app), Screen::Round);
    let mut apps = [&mut app];
    let joined = pump(&mut apps, Duration::from_secs(15), |a| {
        a[0].world()
            .get_resource::<kantelspel::net::plugin::ClientLink>()
            .is_some_and(|l| {
                l.core
                    .view
                    .as_ref()
                    .is_some_and(|v| v.phase != Phase::Lobby)
            })
    });
    assert!(
        joined,
        "the practice session started with the player and three bots"
    );
    let view = link(&app).core.view.as_ref().unwrap();
    assert_eq!(view.seats.len(), 4);
    assert_eq!(view.seats.iter().filter(|s| s.bot).count(), 3);
}

#[test]
fn a_players_vote_button_reaches_the_host_and_their_screen_follows_it_to_the_debrief() {
    // The facilitator's window.
    let mut host = app();
    act(&mut host, UiAction::Host(local_setup()));
    let (addr, code) = {
        let h = hostlink(&host);
        (h.addr, h.code.to_string())
    };
    act(
        &mut host,
        UiAction::Facilitate(Intent::ChooseNext {
            card: "burgemeester-casus".into(),
        }),
    );
    // A player's window joins through the join screen's action.
    let mut player = app();
    act(&mut player, UiAction::GoTo(Screen::Join));
    player.world_mut().write_message(UiAction::Join {
        addr,
        code,
        name: "Sylvia".into(),
    });
    {
        let mut apps = [&mut host, &mut player];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| screen(a[1])
            == Screen::Round
            && link(a[1]).core.view.is_some()));
    }
    act(
        &mut player,
        UiAction::ChooseRole("wijkteamprofessional".into()),
    );
    {
        let mut apps = [&mut host, &mut player];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| {
            hostlink(a[0])
                .core()
                .session()
                .seats
                .values()
                .any(|s| s.role.is_some())
        }));
    }
    act(&mut host, UiAction::Facilitate(Intent::Start));
    {
        let mut apps = [&mut host, &mut player];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| link(a[1])
            .core
            .my_turn()
            .is_some()));
    }
    // The professional's step of the mayor's card: option 2 ("weigh it in the team").
    act(&mut player, UiAction::Vote(1));
    {
        let mut apps = [&mut host, &mut player];
        assert!(pump(&mut apps, Duration::from_secs(10), |a| !hostlink(
            a[0]
        )
        .core()
        .session()
        .decisions
        .is_empty()));
    }
    let d = &hostlink(&host).core().session().decisions[0];
    assert_eq!(
        (d.option, d.split.clone()),
        (1, vec![0, 1, 0]),
        "the button's vote was counted as cast"
    );
    // The facilitator ends the session; the player's screen goes to the debrief by itself.
    act(&mut host, UiAction::Facilitate(Intent::End));
    let mut apps = [&mut host, &mut player];
    assert!(pump(&mut apps, Duration::from_secs(10), |a| screen(a[1])
        == Screen::Debrief));
    assert_eq!(link(&player).core.view.as_ref().unwrap().decisions.len(), 1);
}

#[test]
fn a_replay_walks_through_the_rounds_and_closes() {
    let mut app = app();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/journals/five-rounds.journal"
    ))
    .unwrap();
    let (record, meta) = kantelspel::report::from_journal(&text).unwrap();
    let replay = kantelspel::ui::screens::Replay::new(record.clone(), meta, None);
    assert_eq!(replay.round, 5, "opens at the end");
    app.insert_resource(replay);
    act(&mut app, UiAction::GoTo(Screen::Debrief));
    act(&mut app, UiAction::ReplayRound(2));
    let shown = app
        .world()
        .resource::<kantelspel::ui::screens::Replay>()
        .view();
    assert_eq!(shown.round, 2);
    assert_eq!(
        shown.meters.iter().map(|m| m.value).collect::<Vec<_>>(),
        record.meter_history[2]
    );
    act(&mut app, UiAction::ReplayRound(99));
    assert_eq!(
        app.world()
            .resource::<kantelspel::ui::screens::Replay>()
            .round,
        5,
        "the slider stops at the last round"
    );
    act(&mut app, UiAction::Leave);
    assert_eq!(screen(&app), Screen::Start);
    assert!(
        !app.world()
            .contains_resource::<kantelspel::ui::screens::Replay>()
    );
}

#[test]
fn joining_with_a_role_from_the_command_line_takes_that_seat() {
    let mut host = app();
    act(&mut host, UiAction::Host(local_setup()));
    let (addr, code) = {
        let h = hostlink(&host);
        (h.addr, h.code.to_string())
    };
    let mut player = app();
    // What `kantelspel --connect ADDR --code CODE --name NAME --role ROLE` sets up.
    player
        .world_mut()
        .resource_mut::<kantelspel::ui::screens::JoinForm>()
        .role = Some("ambtenaar".into());
    player.world_mut().write_message(UiAction::Join {
        addr,
        code,
        name: "Ingrid".into(),
    });
    let mut apps = [&mut host, &mut player];
    let seated = pump(&mut apps, Duration::from_secs(10), |a| {
        let session = hostlink(a[0]).core().session();
        let deck = session.deck();
        session.seats.values().any(|s| {
            s.name == "Ingrid" && s.role.map(|r| deck.roles[r].id.as_str()) == Some("ambtenaar")
        })
    });
    assert!(seated, "the host seated Ingrid as ambtenaar");
    assert_eq!(screen(&player), Screen::Round);
}

#[test]
fn a_crashed_session_is_resumed_from_the_host_screen_with_its_own_code() {
    use kantelspel::net::journal_file::JournalFile;
    use kantelspel::rules::journal::{JOURNAL_VERSION, JournalHeader};
    use kantelspel::rules::session::Sender;
    let dir = common::temp_dir("resume-ui");
    let header = JournalHeader {
        version: JOURNAL_VERSION,
        deck_name: kantelspel::rules::deck::DEFAULT_DECK_NAME.into(),
        deck_source: kantelspel::rules::deck::DEFAULT_DECK.into(),
        seed: 11,
        rounds: 4,
        created_unix: 1_790_000_000,
        join_code: "KCM-4TX".into(),
        seat_secret: 7,
        edition: kantelspel::rules::session::RULES_EDITION,
    };
    // What a host wrote before its laptop died: two players seated, the session started.
    let mut journal = JournalFile::create(&dir, &header).unwrap();
    for (name, role) in [("Anouk", "raadslid"), ("Sylvia", "wijkteamprofessional")] {
        let intent = Intent::AddSeat {
            name: name.into(),
            role: Some(role.into()),
            bot: false,
        };
        journal.append(Sender::Host, &intent, None).unwrap();
    }
    journal.append(Sender::Host, &Intent::Start, None).unwrap();
    let path = journal.path().to_path_buf();
    drop(journal);

    let found = kantelspel::keeping::unfinished_sessions(&dir);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].round, found[0].players), (1, 2));

    let mut app = app();
    act(
        &mut app,
        UiAction::Resume {
            path: path.clone(),
            local_only: true,
        },
    );
    assert_eq!(
        screen(&app),
        Screen::Facilitator,
        "a started session resumes at the controls"
    );
    let host = hostlink(&app);
    // A test's host stays on this machine: loopback, no beacon, the page on loopback too.
    assert!(host.addr.ip().is_loopback(), "bound to {}", host.addr);
    assert!(!host.announces());
    if let Some(web) = &host.web {
        assert!(web.local_addr().ip().is_loopback());
    }
    assert_eq!(
        host.code.to_string(),
        "KCM-4TX",
        "players come back with the same code"
    );
    assert_eq!(host.core().session().phase, Phase::Briefing);
    assert_eq!(host.core().session().seats.len(), 2);
    // The resumed host goes on writing the same journal; an ended session is not offered again.
    act(&mut app, UiAction::Facilitate(Intent::End));
    act(&mut app, UiAction::Leave);
    assert!(kantelspel::keeping::unfinished_sessions(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Hosting from a deck file: the trainer saves it while the room waits, and the lobby says
/// "deck reloaded"; a broken save says what is wrong and the deck stays.
#[test]
fn a_deck_file_saved_while_the_lobby_waits_is_reloaded() {
    let dir = common::temp_dir("reload-ui");
    let file = dir.join("mijn-deck.ron");
    let source = kantelspel::rules::deck::DEFAULT_DECK;
    std::fs::write(&file, source).unwrap();
    let mut app = app();
    act(
        &mut app,
        UiAction::Host(HostSetup {
            deck: Some(file.clone()),
            ..local_setup()
        }),
    );
    assert_eq!(screen(&app), Screen::Host);
    let status = |app: &App| {
        let s = app.world().resource::<kantelspel::ui::screens::Status>();
        (
            s.info.clone().unwrap_or_default(),
            s.error.clone().unwrap_or_default(),
        )
    };
    let wait_for = |app: &mut App, what: &dyn Fn(&(String, String)) -> bool| {
        for _ in 0..100 {
            app.update();
            if what(&status(app)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    // Saved with a new title (and a different length, so the change is seen even within the
    // file system's clock resolution).
    std::fs::write(
        &file,
        source.replace("\"De Kanteling\"", "\"De Kanteling (proef)\""),
    )
    .unwrap();
    assert!(wait_for(&mut app, &|(info, _)| info
        .starts_with("Deck opnieuw geladen")));
    assert_eq!(
        hostlink(&app).core().session().deck().title.nl,
        "De Kanteling (proef)"
    );
    // A half-written save: the checker's words, and the deck stays.
    std::fs::write(&file, &source[..source.len() / 3]).unwrap();
    assert!(wait_for(&mut app, &|(_, error)| error.contains("klopt niet")));
    assert!(
        status(&app).1.contains("mijn-deck.ron:"),
        "{:?}",
        status(&app)
    );
    assert_eq!(
        hostlink(&app).core().session().deck().title.nl,
        "De Kanteling (proef)"
    );
    act(&mut app, UiAction::Leave);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The host screen's "Deckkaart" button: the map of the chosen deck, or the checker's words.
#[test]
fn the_deck_map_button_shows_the_chosen_decks_graph() {
    let mut app = app();
    act(&mut app, UiAction::GoTo(Screen::Host));
    act(&mut app, UiAction::ShowDeckMap(None));
    let map = app
        .world()
        .get_resource::<kantelspel::ui::deck_map::DeckMap>()
        .expect("the map is shown");
    assert!(map.title.starts_with("De Kanteling"));
    assert!(map.graph.nodes.iter().any(|n| n.id == "card:twee-buren"));
    app.world_mut()
        .remove_resource::<kantelspel::ui::deck_map::DeckMap>();
    act(
        &mut app,
        UiAction::ShowDeckMap(Some("/no/such/deck.ron".into())),
    );
    assert!(
        app.world()
            .get_resource::<kantelspel::ui::deck_map::DeckMap>()
            .is_none()
    );
    let status = app.world().resource::<kantelspel::ui::screens::Status>();
    assert!(
        status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cannot read the file")),
        "{:?}",
        status.error
    );
}

#[test]
fn the_projector_window_opens_once_and_its_camera_goes_when_it_closes() {
    use bevy::window::WindowClosed;
    use kantelspel::ui::projector::{self, ProjectorWindow};
    let mut app = app();
    app.add_message::<WindowClosed>()
        .add_plugins(projector::plugin);
    let count = |app: &mut App| {
        let windows = app
            .world_mut()
            .query_filtered::<Entity, With<ProjectorWindow>>()
            .iter(app.world())
            .collect::<Vec<_>>();
        let cameras = app
            .world_mut()
            .query_filtered::<(), With<Camera2d>>()
            .iter(app.world())
            .count();
        (windows, cameras)
    };
    assert_eq!(count(&mut app), (vec![], 0));
    act(&mut app, UiAction::OpenProjector);
    act(&mut app, UiAction::OpenProjector);
    let (windows, cameras) = count(&mut app);
    assert_eq!(
        (windows.len(), cameras),
        (1, 1),
        "a second click opens no second window"
    );
    // The facilitator closes it on the beamer: its camera goes, and it can be opened again.
    app.world_mut().entity_mut(windows[0]).despawn();
    app.world_mut()
        .write_message(WindowClosed { window: windows[0] });
    app.update();
    assert_eq!(count(&mut app), (vec![], 0));
    act(&mut app, UiAction::OpenProjector);
    assert_eq!(count(&mut app).1, 1);
}

#[test]
fn a_workshop_of_three_tables_is_resumed_whole_from_the_host_screen_and_run_from_the_board() {
    use kantelspel::net::director::{Director, Pace};
    use kantelspel::net::host::NewSession;
    use kantelspel::net::workshop::{self, NewWorkshop};
    let dir = common::temp_dir("resume-workshop-ui");
    let director = || Director::new(false, Pace::default(), Default::default());
    let (mut w, code) = workshop::new_workshop(NewWorkshop {
        session: NewSession {
            seed: Some(5),
            rounds: Some(4),
            journal_dir: Some(&dir),
            ..Default::default()
        },
        tables: 3,
        decks: &[],
        director: &director,
    })
    .unwrap();
    for t in 0..3 {
        let core = &mut w.table_mut(t).unwrap().core;
        core.facilitate(&Intent::AddSeat {
            name: format!("speler {t}"),
            role: Some("raadslid".into()),
            bot: false,
        })
        .unwrap();
    }
    // Two tables started before the laptop died; the third still waited.
    for t in 0..2 {
        w.table_mut(t)
            .unwrap()
            .core
            .facilitate(&Intent::Start)
            .unwrap();
    }
    let manifest = w.manifest().unwrap().to_path_buf();
    drop(w);

    // The host screen offers the workshop once, not its three journals.
    let found = kantelspel::keeping::unfinished_sessions(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].tables, found[0].players), (3, 3));

    let mut app = app();
    act(
        &mut app,
        UiAction::Resume {
            path: manifest,
            local_only: true,
        },
    );
    assert_eq!(screen(&app), Screen::Facilitator);
    let host = hostlink(&app);
    assert_eq!(host.workshop.len(), 3);
    assert_eq!(host.code, code, "the workshop's own code");
    let phases: Vec<Phase> = host
        .workshop
        .tables()
        .iter()
        .map(|t| t.core.session().phase)
        .collect();
    assert_eq!(phases, vec![Phase::Briefing, Phase::Briefing, Phase::Lobby]);

    // The board of all tables; "start" at every table starts the one that waited.
    act(&mut app, UiAction::ShowTable(None));
    assert!(
        app.world().resource::<Shown>().all,
        "the window's own choice"
    );
    act(&mut app, UiAction::FacilitateAll(Intent::Start));
    act(&mut app, UiAction::FacilitateAll(Intent::Pause));
    let host = hostlink(&app);
    assert!(
        host.workshop
            .tables()
            .iter()
            .all(|t| t.core.session().phase == Phase::Briefing && t.core.session().paused),
        "every table started and paused"
    );
    // One table resumes from its row; another is opened for its own controls.
    act(&mut app, UiAction::FacilitateAt(1, Intent::Resume));
    act(&mut app, UiAction::ShowTable(Some(2)));
    let host = hostlink(&app);
    let paused: Vec<bool> = host
        .workshop
        .tables()
        .iter()
        .map(|t| t.core.session().paused)
        .collect();
    assert_eq!(paused, vec![true, false, true]);
    assert_eq!(
        *app.world().resource::<Shown>(),
        Shown {
            table: 2,
            all: false
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
