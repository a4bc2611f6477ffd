//! A table of Bevy apps in one process: one host and several players, over real UDP sockets on
//! loopback, plus a relay that loses, delays and garbles datagrams.

#![allow(dead_code)]

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use kantelspel::net::client::ClientCore;
use kantelspel::net::code::JoinCode;
use kantelspel::net::director::{Director, Pace};
use kantelspel::net::host::HostCore;
use kantelspel::net::plugin::{
    ClientLink, ClientPlugin, HostConfig, HostLink, HostPlugin, connect_client, start_host,
};
use kantelspel::net::workshop::Workshop;
use kantelspel::rules::Session;
use kantelspel::rules::bot::Strategy;
use kantelspel::rules::deck::Deck;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const ROLES: [&str; 4] = ["raadslid", "wethouder", "ambtenaar", "wijkteamprofessional"];

pub fn code() -> JoinCode {
    JoinCode::parse("TEST42").unwrap()
}

pub fn fast_pace() -> Pace {
    Pace {
        briefing: Duration::from_millis(30),
        decide: Duration::from_secs(20),
        outcome: Duration::from_millis(30),
        bot_delay: Duration::ZERO,
    }
}

pub fn session(seed: u64, rounds: u32) -> Session {
    Session::new(Arc::new(Deck::default_deck().unwrap()), seed, rounds)
}

pub fn host_app(
    core: HostCore,
    director: Director,
    extra_public: Vec<SocketAddr>,
) -> (App, SocketAddr) {
    host_app_of(Workshop::single(core, director), extra_public)
}

/// A host app for a workshop of any number of tables.
pub fn host_app_of(workshop: Workshop, extra_public: Vec<SocketAddr>) -> (App, SocketAddr) {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(HostPlugin);
    let cfg = HostConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        code: code(),
        announce: None,
        extra_public,
        web: Some("127.0.0.1:0".parse().unwrap()),
    };
    let addr = start_host(app.world_mut(), workshop, cfg).expect("host starts");
    (app, addr)
}

pub fn auto_director() -> Director {
    Director::new(true, fast_pace(), Strategy::First)
}

/// A player app that votes as soon as it may: option `seat % options` so votes differ.
pub fn player_app(addr: SocketAddr, code: JoinCode, name: &str, role: &str) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins(ClientPlugin)
        .add_systems(Update, vote_when_asked);
    connect_client(
        app.world_mut(),
        addr,
        code,
        ClientCore::new(name, Some(role.to_string())),
    )
    .expect("client starts");
    app
}

/// A player app at one table of a workshop (from 1) that votes as soon as it may.
pub fn player_app_at(addr: SocketAddr, code: JoinCode, name: &str, role: &str, table: u8) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins(ClientPlugin)
        .add_systems(Update, vote_when_asked);
    let core = ClientCore::new(name, Some(role.to_string())).with_table(Some(table));
    connect_client(app.world_mut(), addr, code, core).expect("client starts");
    app
}

/// A player app that only votes when the test tells it to.
pub fn idle_app(addr: SocketAddr, code: JoinCode, name: &str, role: &str) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(ClientPlugin);
    connect_client(
        app.world_mut(),
        addr,
        code,
        ClientCore::new(name, Some(role.to_string())),
    )
    .expect("client starts");
    app
}

fn vote_when_asked(mut link: ResMut<ClientLink>, mut last: Local<Option<(u32, usize)>>) {
    if let Some((round, step, n)) = link.core.my_turn()
        && *last != Some((round, step))
    {
        let seat = link.core.seat.unwrap_or(0) as usize;
        link.core.vote(seat % n);
        *last = Some((round, step));
    }
}

/// Updates every app until `done` holds or `timeout` passes; returns whether it held.
pub fn pump(
    apps: &mut [&mut App],
    timeout: Duration,
    mut done: impl FnMut(&mut [&mut App]) -> bool,
) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        for app in apps.iter_mut() {
            app.update();
        }
        if done(apps) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

pub fn link(app: &App) -> &ClientLink {
    app.world().resource::<ClientLink>()
}

pub fn hostlink(app: &App) -> &HostLink {
    app.world().resource::<HostLink>()
}

pub fn host_mut(app: &mut App) -> Mut<'_, HostLink> {
    app.world_mut().resource_mut::<HostLink>()
}

pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kantelspel-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A UDP relay between one client and the host that drops, delays and (optionally) adds junk
/// datagrams, sent from the very address the host knows as that player. It relays the info port
/// beside the game port (at the port after it, as a host has it), so a client whose handshake
/// is lost asks the host's info port through it, as it would on a real network.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    sockets: Option<(UdpSocket, UdpSocket)>,
    junk_sent: Arc<std::sync::atomic::AtomicUsize>,
}

#[derive(Clone, Copy)]
pub struct Weather {
    pub loss: f64,
    pub max_delay: Duration,
    /// Send junk of every length from 0 to 1400 bytes to the host, `JUNK_PER_MS` a millisecond
    /// (a pace a loaded machine's host still reads, so it tests parsing, not the kernel's buffer).
    pub junk: bool,
}

/// Junk datagrams a relay sends per millisecond: every length 0..=1400 in 0.7 s.
const JUNK_PER_MS: usize = 2;

/// One direction pair of a relay: datagrams from the client (front) go to `to` from `back`.
struct Pipe {
    front: UdpSocket,
    back: UdpSocket,
    to: SocketAddr,
    client: Option<SocketAddr>,
    /// (due, towards the host?, bytes)
    queue: Vec<(Instant, bool, Vec<u8>)>,
}

impl Pipe {
    fn new(front: UdpSocket, to: SocketAddr) -> Pipe {
        let back = UdpSocket::bind("127.0.0.1:0").unwrap();
        front.set_nonblocking(true).unwrap();
        back.set_nonblocking(true).unwrap();
        Pipe {
            front,
            back,
            to,
            client: None,
            queue: Vec::new(),
        }
    }

    fn pump(&mut self, weather: &Weather, rng: &mut ChaCha8Rng) {
        let mut buf = [0u8; 2048];
        let take = |rng: &mut ChaCha8Rng, up: bool, bytes: &[u8], q: &mut Vec<_>| {
            if !rng.random_bool(weather.loss) {
                let delay = weather.max_delay.mul_f64(rng.random::<f64>());
                q.push((Instant::now() + delay, up, bytes.to_vec()));
            }
        };
        while let Ok((n, from)) = self.front.recv_from(&mut buf) {
            self.client = Some(from);
            take(rng, true, &buf[..n], &mut self.queue);
        }
        while let Ok((n, _)) = self.back.recv_from(&mut buf) {
            take(rng, false, &buf[..n], &mut self.queue);
        }
        let now = Instant::now();
        let mut i = 0;
        while i < self.queue.len() {
            if self.queue[i].0 <= now {
                let (_, up, bytes) = self.queue.swap_remove(i);
                if up {
                    let _ = self.back.send_to(&bytes, self.to);
                } else if let Some(c) = self.client {
                    let _ = self.front.send_to(&bytes, c);
                }
            } else {
                i += 1;
            }
        }
    }
}

impl Relay {
    pub fn bind() -> Relay {
        // The game port and the one after it, free together.
        loop {
            let game = UdpSocket::bind("127.0.0.1:0").unwrap();
            let addr = game.local_addr().unwrap();
            if let Ok(info) = UdpSocket::bind(kantelspel::net::info::info_addr(addr)) {
                return Relay {
                    addr,
                    stop: Arc::new(AtomicBool::new(false)),
                    thread: None,
                    sockets: Some((game, info)),
                    junk_sent: Arc::default(),
                };
            }
        }
    }

    /// Junk datagrams sent so far (lengths 0, 1, 2, ... 1400, 0, ...).
    pub fn junk_sent(&self) -> usize {
        self.junk_sent.load(Ordering::Relaxed)
    }

    pub fn start(&mut self, host: SocketAddr, weather: Weather, seed: u64) {
        let (game, info) = self.sockets.take().unwrap();
        let mut game = Pipe::new(game, host);
        let mut info = Pipe::new(info, kantelspel::net::info::info_addr(host));
        let stop = Arc::clone(&self.stop);
        let counted = Arc::clone(&self.junk_sent);
        self.thread = Some(std::thread::spawn(move || {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut junk_len = 0usize;
            let started = Instant::now();
            let mut junk_sent = 0usize;
            let deadline = started + Duration::from_secs(120);
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                game.pump(&weather, &mut rng);
                info.pump(&weather, &mut rng);
                if weather.junk && game.client.is_some() {
                    let due = started.elapsed().as_millis() as usize * JUNK_PER_MS;
                    while junk_sent < due {
                        let mut junk = vec![0u8; junk_len];
                        for b in &mut junk {
                            *b = rng.random();
                        }
                        let _ = game.back.send_to(&junk, host);
                        junk_len = (junk_len + 1) % 1401;
                        junk_sent += 1;
                    }
                    counted.store(junk_sent, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_micros(300));
            }
        }));
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A job the test hands to a host running on its own thread.
pub type HostJob = Box<dyn FnOnce(&mut HostLink) + Send>;

/// A host app pumped on a thread of its own, so async clients (WebSockets, a browser) can talk
/// to it from the test. Stopping it returns the final session.
pub struct HostThread {
    pub udp: SocketAddr,
    pub web: SocketAddr,
    jobs: std::sync::mpsc::Sender<HostJob>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Session>>,
}

impl HostThread {
    pub fn start(core: HostCore, director: Director) -> HostThread {
        HostThread::start_workshop(move || Workshop::single(core, director))
    }

    /// A host of a workshop built on its own thread.
    pub fn start_workshop(workshop: impl FnOnce() -> Workshop + Send + 'static) -> HostThread {
        let (tx, rx) = std::sync::mpsc::channel::<HostJob>();
        let (addrs_tx, addrs_rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let (mut app, udp) = host_app_of(workshop(), Vec::new());
            let web = hostlink(&app).web.as_ref().unwrap().local_addr();
            addrs_tx.send((udp, web)).unwrap();
            let deadline = Instant::now() + Duration::from_secs(300);
            while !stopping.load(Ordering::Relaxed) && Instant::now() < deadline {
                app.update();
                while let Ok(job) = rx.try_recv() {
                    job(&mut host_mut(&mut app));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            hostlink(&app).core().session().clone()
        });
        let (udp, web) = addrs_rx.recv().unwrap();
        HostThread {
            udp,
            web,
            jobs: tx,
            stop,
            handle: Some(handle),
        }
    }

    /// Runs `f` on the host between two frames and returns what it returns.
    pub fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut HostLink) -> R + Send + 'static,
    ) -> R {
        let (tx, rx) = std::sync::mpsc::channel();
        self.jobs
            .send(Box::new(move |link: &mut HostLink| {
                let _ = tx.send(f(link));
            }))
            .unwrap();
        rx.recv_timeout(Duration::from_secs(30))
            .expect("the host answers")
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.web)
    }

    pub fn stop(mut self) -> Session {
        self.stop.store(true, Ordering::Relaxed);
        self.handle
            .take()
            .unwrap()
            .join()
            .expect("the host thread did not panic")
    }
}

impl Drop for HostThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Bots for `roles`, seated by the host.
pub fn add_bots(host: &HostThread, roles: &[&str]) {
    let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
    host.with(move |link: &mut HostLink| {
        for r in roles {
            link.core_mut()
                .act(
                    kantelspel::rules::session::Sender::Host,
                    &kantelspel::rules::session::Intent::AddSeat {
                        name: format!("bot-{r}"),
                        role: Some(r),
                        bot: true,
                    },
                )
                .unwrap();
        }
    });
}

/// The first card whose first step is for `role`, to make a test's player decide at once.
pub fn card_for(role: &str) -> String {
    let deck = Deck::default_deck().unwrap();
    let r = deck.roles.iter().position(|x| x.id == role).unwrap();
    deck.cards
        .iter()
        .find(|c| c.steps[0].role == r && c.steps.len() == 1)
        .or_else(|| deck.cards.iter().find(|c| c.steps[0].role == r))
        .map(|c| c.id.clone())
        .unwrap()
}

/// `kantelspel serve` on loopback at `port` (0: any), without a beacon, with `extra`.
/// The data folder a test's program runs with: settings, seats and the archive go to a folder
/// of the test's, never the user's.
pub fn test_data_home() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("kantelspel-test-{}-data", std::process::id()))
}

pub fn serve_command(port: u16, extra: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kantelspel"));
    command
        .env("XDG_DATA_HOME", test_data_home())
        .args(["serve", "--bind", "127.0.0.1", "--no-announce", "--port"])
        .arg(port.to_string())
        .args(extra);
    command
}

/// Runs `kantelspel serve` on loopback with its journal in `journal`, types `input` at its
/// console and waits for it to quit.
pub fn serve_console(
    extra: &[&str],
    journal: &std::path::Path,
    input: &[u8],
) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = serve_command(0, extra)
        .arg("--journal")
        .arg(journal)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.as_mut().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}
