//! The screens: one `Screen` state, the actions buttons produce, and the one system that carries
//! them out. Drawing (egui) lives in one module per screen; everything here runs headless.

pub mod debrief;
pub mod facilitator;
pub mod host;
pub mod join;
pub mod round;
pub mod start;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use bevy::prelude::*;

use crate::net::client::ClientCore;
use crate::net::code::JoinCode;
use crate::net::director::{Director, Pace};
use crate::net::host::HostCore;
use crate::net::info::{self, Found, ProbeError};
use crate::net::plugin::{
    ClientLink, HostConfig, HostLink, LinkStatus, connect_client, start_host,
};
use crate::net::protocol::{DEFAULT_PORT, DISCOVERY_PORT};
use crate::net::transport::{ClientTransport, ServerTransport};
use crate::rules::bot::Strategy;
use crate::rules::deck::Deck;
use crate::rules::session::{Intent, MAX_TIMER_SECS, Phase};
use crate::rules::view::{View, Viewer, view};
use crate::rules::{Lang, Text};

use super::i18n::Tr;

#[derive(States, Default, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Screen {
    #[default]
    Start,
    Host,
    Join,
    Round,
    Facilitator,
    Debrief,
}

impl Screen {
    pub const ALL: [Screen; 6] = [
        Screen::Start,
        Screen::Host,
        Screen::Join,
        Screen::Round,
        Screen::Facilitator,
        Screen::Debrief,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Screen::Start => "start",
            Screen::Host => "host",
            Screen::Join => "join",
            Screen::Round => "round",
            Screen::Facilitator => "facilitator",
            Screen::Debrief => "debrief",
        }
    }

    pub fn from_name(name: &str) -> Option<Screen> {
        Screen::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// How the facilitator wants the session run.
#[derive(Clone, Debug, PartialEq)]
pub struct HostSetup {
    pub deck: Option<PathBuf>,
    pub rounds: u32,
    pub timer_secs: u32,
    /// Host on loopback only, without announcing (tests, demos).
    pub local_only: bool,
}

/// What a button asks for. Screens only send these; `carry_out` does the work.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum UiAction {
    GoTo(Screen),
    SetLang(Lang),
    Host(HostSetup),
    /// Host a session again from its journal (the facilitator's laptop crashed or restarted);
    /// `local_only` as in [`HostSetup`].
    Resume {
        path: PathBuf,
        local_only: bool,
    },
    Practise {
        name: String,
        role: String,
    },
    Join {
        addr: SocketAddr,
        code: String,
        name: String,
    },
    ChooseRole(String),
    Vote(usize),
    Facilitate(Intent),
    /// The door after the start: let a waiting player in (into `role`, or what they asked for,
    /// or the seat they claim), or send them away.
    Admit {
        client: u64,
        role: Option<String>,
    },
    TurnAway(u64),
    /// Let newcomers in without asking, or not.
    SetRoomOpen(bool),
    /// Leave the session (or stop hosting) and go back to the start.
    Leave,
    Export,
    /// In a replay: show the session as it stood after this round.
    ReplayRound(u32),
}

/// A session read back from its journal: the debrief walks through it round by round.
#[derive(Resource, Clone, Debug)]
pub struct Replay {
    pub record: View,
    pub meta: crate::report::Meta,
    /// The round shown: 0 is the start, `rounds()` the end.
    pub round: u32,
}

impl Replay {
    /// Opens at `round`, or at the end when none is given.
    pub fn new(record: View, meta: crate::report::Meta, round: Option<u32>) -> Replay {
        let last = crate::rules::view::rounds_recorded(&record);
        Replay {
            round: round.unwrap_or(last).min(last),
            record,
            meta,
        }
    }

    pub fn rounds(&self) -> u32 {
        crate::rules::view::rounds_recorded(&self.record)
    }

    /// The session as it stood after the round being shown.
    pub fn view(&self) -> View {
        crate::rules::view::at_round(&self.record, self.round)
    }
}

/// A message for the person at the screen: what went wrong, or what just happened.
#[derive(Resource, Default, Debug)]
pub struct Status {
    pub error: Option<String>,
    pub info: Option<String>,
}

/// What the background check of a host says: where to connect, with which code and name.
type ProbeResult = Result<(SocketAddr, JoinCode, String), ProbeError>;

/// The join form and what the LAN has announced.
#[derive(Resource, Default)]
pub struct JoinForm {
    pub addr: String,
    pub code: String,
    pub name: String,
    pub found: Vec<Found>,
    /// A role asked for before joining (from the command line); chosen on arrival.
    pub role: Option<String>,
    pub probing: Option<Mutex<Receiver<ProbeResult>>>,
    listener: Option<std::net::UdpSocket>,
}

/// The host setup form.
#[derive(Resource)]
pub struct HostForm {
    pub deck_path: String,
    pub use_file: bool,
    pub rounds: u32,
    pub timer_secs: u32,
    pub practise_role: String,
    pub practise_name: String,
    pub projector: bool,
    /// Deck files found in `scenarios/` next to where the game was started.
    pub found_decks: Vec<PathBuf>,
    /// Sessions in the journal folder that did not end: the facilitator can take them up again.
    pub unfinished: Vec<Unfinished>,
}

/// A session that can be resumed from its journal.
#[derive(Clone, Debug, PartialEq)]
pub struct Unfinished {
    pub path: PathBuf,
    pub deck: String,
    pub created_unix: u64,
    pub round: u32,
    pub rounds: u32,
    pub players: usize,
}

/// How many of the newest journals the host screen offers to resume, and how many it reads to
/// find them (older sessions are for `kantelspel serve --resume`).
const RESUMABLE_SHOWN: usize = 5;
const RESUMABLE_LOOKED_AT: usize = 20;

/// Looks for decks and unfinished sessions each time the host screen opens.
fn refresh_host_form(mut form: ResMut<HostForm>, host: Option<Res<HostLink>>) {
    if host.is_none() {
        form.found_decks = scenario_files();
        form.unfinished = unfinished_sessions(&crate::net::journal_file::default_dir());
    }
}

/// The newest journals in `dir` whose session did not end, newest first.
pub fn unfinished_sessions(dir: &std::path::Path) -> Vec<Unfinished> {
    // Journal names start with the creation time, so the newest sort last.
    files_ending_in(dir, "journal")
        .into_iter()
        .rev()
        .take(RESUMABLE_LOOKED_AT)
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let r = crate::rules::journal::recover(&text).ok()?;
            (r.session.phase != Phase::Ended).then(|| Unfinished {
                deck: r.session.deck().title.nl.clone(),
                created_unix: r.header.created_unix,
                round: r.session.round,
                rounds: r.session.rounds,
                players: r.session.seats.len(),
                path,
            })
        })
        .take(RESUMABLE_SHOWN)
        .collect()
}

/// Hosts the session in `path` again, with its own join code; returns the screen to show.
pub fn resume_session(
    world: &mut World,
    path: &std::path::Path,
    local_only: bool,
) -> Result<Screen, String> {
    let resumed = crate::net::host::resume(path, None, None)?;
    if let Some(note) = resumed.note {
        world.resource_mut::<Status>().info = Some(note);
    }
    let lobby = resumed.core.session().phase == Phase::Lobby;
    let timer = resumed.core.session().timer_secs;
    open_host(world, resumed.core, resumed.code, timer, local_only, false)?;
    Ok(if lobby {
        Screen::Host
    } else {
        Screen::Facilitator
    })
}

/// The `.ron` files in `scenarios/`, so a trainer picks a deck instead of typing its path.
fn scenario_files() -> Vec<PathBuf> {
    files_ending_in(std::path::Path::new("scenarios"), "ron")
}

/// The files in `dir` with this extension, sorted by name; none when `dir` cannot be read.
fn files_ending_in(dir: &std::path::Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == extension))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

impl Default for HostForm {
    fn default() -> Self {
        HostForm {
            deck_path: String::new(),
            use_file: false,
            rounds: 10,
            timer_secs: 120,
            practise_role: "wethouder".into(),
            practise_name: String::new(),
            projector: false,
            found_decks: Vec::new(),
            unfinished: Vec::new(),
        }
    }
}

/// Where this laptop keeps its seat tokens; `None` (tests, screenshots) keeps nothing.
#[derive(Resource, Default)]
pub struct SeatMemory(pub Option<std::path::PathBuf>);

/// Keeps the seat token the host gave, so the window can be closed and opened again and still
/// take its seat back.
fn remember_seat(
    memory: Res<SeatMemory>,
    link: Option<Res<ClientLink>>,
    mut saved: Local<Option<u64>>,
) {
    let (Some(path), Some(link)) = (&memory.0, link) else {
        return;
    };
    if let Some(token) = link.core.token()
        && *saved != Some(token)
    {
        crate::net::seat_store::save(path, &link.code, &link.core.name, token);
        *saved = Some(token);
    }
}

/// Headless logic of the screens: states, actions, transitions. Drawing is `ScreensUiPlugin`.
pub struct ScreensPlugin;

impl Plugin for ScreensPlugin {
    fn build(&self, app: &mut App) {
        app.init_state::<Screen>()
            .add_message::<UiAction>()
            .init_resource::<Status>()
            .init_resource::<JoinForm>()
            .init_resource::<HostForm>()
            .init_resource::<Tr>()
            .init_resource::<SeatMemory>()
            .add_systems(
                Update,
                (
                    carry_out,
                    follow_session,
                    listen_for_sessions,
                    finish_probe,
                    remember_seat,
                )
                    .chain(),
            )
            .add_systems(OnEnter(Screen::Host), refresh_host_form);
    }
}

/// Draws every screen with egui (windowed runs only).
pub struct ScreensUiPlugin;

impl Plugin for ScreensUiPlugin {
    fn build(&self, app: &mut App) {
        use bevy_egui::EguiPrimaryContextPass;
        app.add_systems(
            EguiPrimaryContextPass,
            (
                start::draw.run_if(in_state(Screen::Start)),
                host::draw.run_if(in_state(Screen::Host)),
                join::draw.run_if(in_state(Screen::Join)),
                round::draw.run_if(in_state(Screen::Round)),
                facilitator::draw.run_if(in_state(Screen::Facilitator)),
                debrief::draw.run_if(in_state(Screen::Debrief)),
            ),
        );
    }
}

/// Builds a host for `setup` in `world`; returns its address.
pub fn host_session(
    world: &mut World,
    setup: &HostSetup,
    auto: bool,
    bots: &[String],
) -> Result<SocketAddr, String> {
    let dir = crate::net::journal_file::default_dir();
    let (mut core, code) = crate::net::host::new_session(crate::net::host::NewSession {
        deck: setup.deck.as_deref(),
        rounds: Some(setup.rounds),
        journal_dir: (!setup.local_only).then_some(dir.as_path()),
        bots,
        ..Default::default()
    })?;
    let _ = core.facilitate(&Intent::SetTimer {
        secs: setup.timer_secs.clamp(10, MAX_TIMER_SECS),
    });
    open_host(world, core, code, setup.timer_secs, setup.local_only, auto)
}

/// Puts a session on the network from this window: its pace, its port, its announcement.
fn open_host(
    world: &mut World,
    core: HostCore,
    code: JoinCode,
    timer_secs: u32,
    local_only: bool,
    auto: bool,
) -> Result<SocketAddr, String> {
    let pace = Pace {
        decide: Duration::from_secs(u64::from(timer_secs.clamp(10, MAX_TIMER_SECS))),
        ..Pace::default()
    };
    let director = Director::new(auto, pace, Strategy::Steady);
    // The usual port, unless another session on this laptop has it: then any free one.
    let port = if local_only || !port_pair_free(DEFAULT_PORT) {
        0
    } else {
        DEFAULT_PORT
    };
    let ip = if local_only {
        [127, 0, 0, 1]
    } else {
        [0, 0, 0, 0]
    };
    let cfg = HostConfig {
        bind: SocketAddr::from((ip, port)),
        code,
        announce: (!local_only).then(|| SocketAddr::from(([255, 255, 255, 255], DISCOVERY_PORT))),
        extra_public: Vec::new(),
        web: Some(web_bind(SocketAddr::from((ip, port)))),
    };
    start_host(world, core, director, cfg)
}

/// The page's port next to the game's, or any free one when another program has it.
fn web_bind(game: SocketAddr) -> SocketAddr {
    let next = HostConfig::web_next_to(game);
    if next.port() != 0 && std::net::TcpListener::bind(next).is_err() {
        SocketAddr::new(next.ip(), 0)
    } else {
        next
    }
}

fn port_pair_free(port: u16) -> bool {
    let free = |p: u16| std::net::UdpSocket::bind(SocketAddr::from(([0, 0, 0, 0], p))).is_ok();
    free(port) && free(port + 1)
}

/// Tears down whatever session this window had.
fn leave(world: &mut World) {
    world.remove_resource::<HostLink>();
    world.remove_resource::<ServerTransport>();
    world.remove_resource::<bevy_renet::RenetServer>();
    if let Some(mut t) = world.get_resource_mut::<ClientTransport>() {
        t.disconnect();
    }
    world.remove_resource::<ClientLink>();
    world.remove_resource::<ClientTransport>();
    world.remove_resource::<bevy_renet::RenetClient>();
}

#[allow(clippy::too_many_arguments)] // one system that owns every button's consequence
fn carry_out(
    mut commands: Commands,
    mut actions: MessageReader<UiAction>,
    mut next: ResMut<NextState<Screen>>,
    mut status: ResMut<Status>,
    mut tr: ResMut<Tr>,
    mut form: ResMut<JoinForm>,
    mut client: Option<ResMut<ClientLink>>,
    mut host: Option<ResMut<HostLink>>,
    mut replay: Option<ResMut<Replay>>,
) {
    for action in actions.read() {
        status.error = None;
        match action.clone() {
            UiAction::GoTo(s) => next.set(s),
            UiAction::SetLang(l) => tr.lang = l,
            UiAction::Host(setup) => {
                commands.queue(move |world: &mut World| {
                    leave(world);
                    match host_session(world, &setup, false, &[]) {
                        Ok(_) => world.resource_mut::<NextState<Screen>>().set(Screen::Host),
                        Err(e) => world.resource_mut::<Status>().error = Some(e),
                    }
                });
            }
            UiAction::Resume { path, local_only } => {
                commands.queue(move |world: &mut World| {
                    leave(world);
                    match resume_session(world, &path, local_only) {
                        Ok(screen) => world.resource_mut::<NextState<Screen>>().set(screen),
                        Err(e) => world.resource_mut::<Status>().error = Some(e),
                    }
                });
            }
            UiAction::Practise { name, role } => {
                commands.queue(move |world: &mut World| {
                    leave(world);
                    let setup = HostSetup {
                        deck: None,
                        rounds: 8,
                        timer_secs: 90,
                        local_only: true,
                    };
                    let roles: Vec<String> = Deck::default_deck()
                        .map(|d| {
                            d.roles
                                .iter()
                                .map(|r| r.id.clone())
                                .filter(|r| *r != role)
                                .collect()
                        })
                        .unwrap_or_default();
                    let result = host_session(world, &setup, true, &roles).and_then(|addr| {
                        let code = world.resource::<HostLink>().code.clone();
                        let name = if name.trim().is_empty() {
                            "Ik".to_string()
                        } else {
                            name.clone()
                        };
                        connect_client(world, addr, code, ClientCore::new(name, Some(role.clone())))
                    });
                    match result {
                        Ok(()) => world.resource_mut::<NextState<Screen>>().set(Screen::Round),
                        Err(e) => world.resource_mut::<Status>().error = Some(e),
                    }
                });
            }
            UiAction::Join { addr, code, name } => {
                let code = match JoinCode::parse(&code) {
                    Ok(c) => c,
                    Err(e) => {
                        status.error = Some(e.to_string());
                        continue;
                    }
                };
                if name.trim().is_empty() {
                    status.error = Some(tr.t("join.need_name").to_string());
                    continue;
                }
                // Ask the host first, off the frame: a wrong code is refused in words.
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let r = info::probe(addr, Some(&code), Duration::from_secs(3))
                        .map(|_| (addr, code, name));
                    let _ = tx.send(r);
                });
                form.probing = Some(Mutex::new(rx));
                status.info = Some(tr.t("join.checking").to_string());
            }
            UiAction::ChooseRole(role) => {
                if let Some(c) = client.as_mut() {
                    c.core.role = Some(role.clone());
                    c.core
                        .send(crate::net::protocol::PlayerIntent::ChooseRole { role });
                }
            }
            UiAction::Vote(option) => {
                if let Some(c) = client.as_mut() {
                    c.core.vote(option);
                }
            }
            UiAction::Facilitate(intent) => {
                if let Some(h) = host.as_mut()
                    && let Err(e) = h.core.facilitate(&intent)
                {
                    status.error = Some(e.text().get(tr.lang).to_string());
                }
                if matches!(intent, Intent::Start) && status.error.is_none() {
                    next.set(Screen::Facilitator);
                }
            }
            UiAction::Admit { client, role } => {
                if let Some(h) = host.as_mut()
                    && let Err(e) = h.core.admit(client, role)
                {
                    status.error = Some(e.text().get(tr.lang).to_string());
                }
            }
            UiAction::TurnAway(client) => {
                if let Some(h) = host.as_mut() {
                    h.core.turn_away(client);
                }
            }
            UiAction::SetRoomOpen(open) => {
                if let Some(h) = host.as_mut() {
                    h.core.set_room_open(open);
                }
            }
            UiAction::Leave => {
                commands.queue(leave);
                commands.remove_resource::<Replay>();
                next.set(Screen::Start);
            }
            UiAction::ReplayRound(round) => {
                if let Some(r) = replay.as_mut() {
                    r.round = round.min(r.rounds());
                }
            }
            UiAction::Export => {
                // Whatever this window shows: a replayed journal, the hosted session, or what
                // a player's laptop saw.
                let written = if let Some(r) = replay.as_ref() {
                    Some(super::export::export_record(&r.record, &r.meta))
                } else if let Some(h) = host.as_ref() {
                    Some(super::export::export(&h.core))
                } else {
                    client
                        .as_ref()
                        .and_then(|c| c.core.view.as_ref())
                        .map(super::export::export_view)
                };
                match written {
                    Some(Ok(path)) => {
                        status.info =
                            Some(format!("{} {}", tr.t("debrief.exported"), path.display()))
                    }
                    Some(Err(e)) => status.error = Some(e),
                    None => {}
                }
            }
        }
    }
}

/// Screens follow the session: a player sees the debrief when it ends, the facilitator's
/// lobby turns into the facilitator screen when it starts.
fn follow_session(
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    client: Option<Res<ClientLink>>,
    host: Option<Res<HostLink>>,
) {
    let player_ended = client
        .as_ref()
        .and_then(|c| c.core.view.as_ref())
        .is_some_and(|v| v.phase == Phase::Ended);
    let host_started = host
        .as_ref()
        .is_some_and(|h| h.core.session().phase != Phase::Lobby);
    match screen.get() {
        Screen::Round if player_ended => next.set(Screen::Debrief),
        Screen::Host if host_started => next.set(Screen::Facilitator),
        _ => {}
    }
}

/// On the join screen, hears the hosts announcing themselves.
fn listen_for_sessions(screen: Res<State<Screen>>, mut form: ResMut<JoinForm>) {
    if *screen.get() != Screen::Join {
        form.listener = None;
        return;
    }
    if form.listener.is_none() {
        form.listener = std::net::UdpSocket::bind(SocketAddr::from(([0, 0, 0, 0], DISCOVERY_PORT)))
            .ok()
            .filter(|s| s.set_nonblocking(true).is_ok());
    }
    let mut buf = [0u8; 1500];
    let mut heard = Vec::new();
    if let Some(socket) = form.listener.as_ref() {
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            heard.extend(info::read_beacon(&buf[..n], from));
        }
    }
    for f in heard {
        if !form.found.iter().any(|x| x.addr == f.addr) {
            form.found.push(f);
        }
    }
}

/// Connects once the host has confirmed the code.
fn finish_probe(
    mut commands: Commands,
    mut form: ResMut<JoinForm>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
) {
    let Some(result) = form
        .probing
        .as_ref()
        .and_then(|rx| rx.lock().ok().and_then(|rx| rx.try_recv().ok()))
    else {
        return;
    };
    form.probing = None;
    status.info = None;
    let role = form.role.take();
    match result {
        Ok((addr, code, name)) => {
            commands.queue(move |world: &mut World| {
                leave(world);
                let token = world
                    .resource::<SeatMemory>()
                    .0
                    .as_deref()
                    .and_then(|p| crate::net::seat_store::load(p, &code, &name));
                let core = ClientCore::new(name, role).with_token(token);
                match connect_client(world, addr, code, core) {
                    Ok(()) => world.resource_mut::<NextState<Screen>>().set(Screen::Round),
                    Err(e) => world.resource_mut::<Status>().error = Some(e),
                }
            });
        }
        Err(e) => {
            status.error = Some(match e {
                ProbeError::WrongCode(_) => tr.t("join.wrong_code").to_string(),
                ProbeError::VersionMismatch { host, client } => {
                    tr.f("join.version", &[("host", &host), ("client", &client)])
                }
                ProbeError::NoAnswer(a) => tr.f("join.no_answer", &[("addr", &a)]),
                ProbeError::Io(e) => e,
            })
        }
    }
}

/// What the facilitator (and the projector) sees of the session.
pub fn facilitator_view(host: &HostLink) -> View {
    view(host.core.session(), Viewer::Facilitator)
}

/// A player's connection in words, for the top bar.
pub fn link_words(tr: &Tr, link: &ClientLink) -> (String, bool) {
    match &link.status {
        LinkStatus::Connected => (tr.t("link.connected").to_string(), true),
        LinkStatus::Connecting => (tr.t("link.connecting").to_string(), false),
        LinkStatus::Reconnecting => (tr.t("link.reconnecting").to_string(), false),
        // A refusal from the host in the window's language; other failures as they came.
        LinkStatus::Failed(why) => match &link.core.fatal {
            Some(r) => (
                format!("{} {}", tr.t("link.failed"), r.text().get(tr.lang)),
                false,
            ),
            None => (format!("{} {why}", tr.t("link.failed")), false),
        },
    }
}

/// A deck text in the current language.
pub fn tx<'a>(tr: &Tr, t: &'a Text) -> &'a str {
    t.get(tr.lang)
}
