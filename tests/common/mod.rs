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
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(HostPlugin);
    let cfg = HostConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        code: code(),
        announce: None,
        extra_public,
        web: Some("127.0.0.1:0".parse().unwrap()),
    };
    let addr = start_host(app.world_mut(), core, director, cfg).expect("host starts");
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
/// datagrams, sent from the very address the host knows as that player.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    socket: Option<UdpSocket>,
}

#[derive(Clone, Copy)]
pub struct Weather {
    pub loss: f64,
    pub max_delay: Duration,
    /// Send junk of every length from 0 to 1400 bytes to the host, a few per frame.
    pub junk: bool,
}

impl Relay {
    pub fn bind() -> Relay {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        Relay {
            addr: socket.local_addr().unwrap(),
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
            socket: Some(socket),
        }
    }

    pub fn start(&mut self, host: SocketAddr, weather: Weather, seed: u64) {
        let front = self.socket.take().unwrap();
        let back = UdpSocket::bind("127.0.0.1:0").unwrap();
        front.set_nonblocking(true).unwrap();
        back.set_nonblocking(true).unwrap();
        let stop = Arc::clone(&self.stop);
        self.thread = Some(std::thread::spawn(move || {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut client: Option<SocketAddr> = None;
            // (due, to host?, bytes)
            let mut queue: Vec<(Instant, bool, Vec<u8>)> = Vec::new();
            let mut buf = [0u8; 2048];
            let mut junk_len = 0usize;
            let deadline = Instant::now() + Duration::from_secs(120);
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                while let Ok((n, from)) = front.recv_from(&mut buf) {
                    client = Some(from);
                    if !rng.random_bool(weather.loss) {
                        let delay = weather.max_delay.mul_f64(rng.random::<f64>());
                        queue.push((Instant::now() + delay, true, buf[..n].to_vec()));
                    }
                }
                while let Ok((n, _)) = back.recv_from(&mut buf) {
                    if !rng.random_bool(weather.loss) {
                        let delay = weather.max_delay.mul_f64(rng.random::<f64>());
                        queue.push((Instant::now() + delay, false, buf[..n].to_vec()));
                    }
                }
                if weather.junk && client.is_some() {
                    for _ in 0..4 {
                        let mut junk = vec![0u8; junk_len];
                        for b in &mut junk {
                            *b = rng.random();
                        }
                        let _ = back.send_to(&junk, host);
                        junk_len = (junk_len + 1) % 1401;
                    }
                }
                let now = Instant::now();
                let mut i = 0;
                while i < queue.len() {
                    if queue[i].0 <= now {
                        let (_, to_host, bytes) = queue.swap_remove(i);
                        if to_host {
                            let _ = back.send_to(&bytes, host);
                        } else if let Some(c) = client {
                            let _ = front.send_to(&bytes, c);
                        }
                    } else {
                        i += 1;
                    }
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
        let (tx, rx) = std::sync::mpsc::channel::<HostJob>();
        let (addrs_tx, addrs_rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let (mut app, udp) = host_app(core, director, Vec::new());
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
            hostlink(&app).core.session().clone()
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
            link.core
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
