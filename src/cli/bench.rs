//! `kantelspel bench net`: a host and N players over loopback UDP, with the figures that matter
//! in a room: how fast a resolution reaches the last laptop, what the host costs while nobody
//! acts, and how many bytes each laptop receives per round.

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy_renet::RenetClient;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use renetcode::ClientAuthentication;

use crate::net::client::ClientCore;
use crate::net::code::{self, JoinCode};
use crate::net::director::{Director, Pace};
use crate::net::host::HostCore;
use crate::net::plugin::{HostConfig, HostLink, HostPlugin, start_host};
use crate::net::protocol::{self, Channel};
use crate::net::transport::{ClientTransport, ServerTransport};
use crate::net::workshop::{MAX_TABLES, Table, Workshop};
use crate::rules::Session;
use crate::rules::bot::Strategy;
use crate::rules::deck::Deck;
use crate::rules::session::Phase;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchNetArgs {
    /// Numbers of players to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "25,50,100,200,500,1000")]
    pub clients: Vec<usize>,
    /// Rounds per measured session, at least enough for --min-resolutions.
    #[arg(long, default_value_t = 5)]
    pub rounds: u32,
    /// Resolutions each row's percentiles are taken over, at least: a p99 over seven samples
    /// is their maximum, not a percentile.
    #[arg(long, default_value_t = 100)]
    pub min_resolutions: u32,
    /// Host loop period in milliseconds (as `serve --tick-ms`).
    #[arg(long, default_value_t = 10)]
    pub tick_ms: u64,
    /// Give up on a measurement after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub timeout_secs: u64,
    /// Seconds of idle time over which the host's CPU is measured.
    #[arg(long, default_value_t = 3.0)]
    pub idle_secs: f64,
    /// Tables the host runs side by side (1 to 8); --clients then counts the players at each.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=MAX_TABLES as i64))]
    pub tables: u8,
}

pub(crate) struct Figures {
    /// Players at all tables together.
    pub clients: usize,
    pub resolutions: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub idle_cpu_pct: f64,
    pub play_cpu_pct: f64,
    pub bytes_per_client_round: f64,
}

#[derive(Default)]
struct Shared {
    /// When the host resolved each (table, round, step).
    resolved: HashMap<(usize, u32, usize), Instant>,
    idle_cpu_pct: Option<f64>,
    /// The host's CPU while the session is played: resolving, sending views.
    play_cpu_pct: Option<f64>,
    bytes_at_start: Option<u64>,
    bytes_at_end: Option<u64>,
    rounds_played: u32,
}

struct Player {
    client: RenetClient,
    transport: ClientTransport,
    core: ClientCore,
    joined: bool,
    seen: HashMap<(usize, u32, usize), Instant>,
    table: usize,
    retries: u64,
}

pub fn run(args: BenchNetArgs) -> i32 {
    println!(
        "kantelspel bench net: host and players over loopback UDP, {} rounds each (every card \
         repeatable, no ending threshold: the network is measured, not the deck), host tick {} ms{}",
        bench_rounds(&args),
        args.tick_ms,
        if args.tables > 1 {
            format!(
                "; {} tables side by side, clients = players at each table (the row counts all)",
                args.tables
            )
        } else {
            String::new()
        }
    );
    println!(
        "p50/p99/max: from the host resolving a step until the last player has it on screen, \
         over at least {} resolutions per row; host CPU: its loop thread, Bevy's task pools \
         and the web thread together, one core = 100%",
        args.min_resolutions
    );
    println!(
        "{:>8} {:>12} {:>10} {:>10} {:>10} {:>14} {:>16} {:>18}",
        "clients",
        "resolutions",
        "p50 ms",
        "p99 ms",
        "max ms",
        "idle host CPU",
        "host CPU play",
        "bytes/client/round"
    );
    for &n in &args.clients {
        match measure(n.max(4), &args) {
            Ok(f) => println!(
                "{:>8} {:>12} {:>10.1} {:>10.1} {:>10.1} {:>13.1}% {:>15.1}% {:>18.0}",
                f.clients,
                f.resolutions,
                f.p50_ms,
                f.p99_ms,
                f.max_ms,
                f.idle_cpu_pct,
                f.play_cpu_pct,
                f.bytes_per_client_round
            ),
            Err(e) => {
                eprintln!("{n} clients: {e}");
                return 1;
            }
        }
    }
    0
}

/// The roles of `n` players spread over the deck's roles, minding each role's maximum.
pub(crate) fn spread_roles(deck: &Deck, n: usize) -> Result<Vec<String>, String> {
    let mut taken = vec![0u32; deck.roles.len()];
    let mut roles = Vec::with_capacity(n);
    for i in 0..n {
        let r = (0..deck.roles.len())
            .map(|k| (i + k) % deck.roles.len())
            .find(|r| deck.roles[*r].max_players.is_none_or(|m| taken[*r] < m))
            .ok_or("every role is full")?;
        taken[r] += 1;
        roles.push(deck.roles[r].id.clone());
    }
    Ok(roles)
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The pace of a benched host: no briefing, outcomes shown briefly, bots at once; players
/// decide long before the 30 s run out.
pub(crate) fn bench_pace() -> Pace {
    Pace {
        briefing: Duration::ZERO,
        decide: Duration::from_secs(30),
        outcome: Duration::from_millis(200),
        bot_delay: Duration::ZERO,
    }
}

/// Rounds that give at least `min_resolutions` (every round resolves one step or more).
fn bench_rounds(args: &BenchNetArgs) -> u32 {
    args.rounds
        .max(args.min_resolutions)
        .clamp(1, crate::rules::session::MAX_ROUNDS)
}

pub(crate) fn measure(n: usize, args: &BenchNetArgs) -> Result<Figures, String> {
    // The default deck made endless: every card can come again and no threshold ends the
    // session, so a long session measures the network for as many resolutions as asked.
    let mut deck = Deck::default_deck().map_err(|e| e.to_string())?;
    for card in &mut deck.cards {
        card.repeatable = true;
    }
    for meter in &mut deck.meters {
        meter
            .thresholds
            .retain(|t| t.then != crate::rules::deck::Then::EndSession);
    }
    let deck = Arc::new(deck);
    let tables = usize::from(args.tables.max(1));
    let roles = spread_roles(&deck, n)?;
    let sessions: Vec<Session> = (0..tables)
        .map(|t| Session::new(Arc::clone(&deck), 17 + t as u64, bench_rounds(args)))
        .collect();
    let code = JoinCode::parse("BENCH1").map_err(|e| e.to_string())?;
    let shared = Arc::new(Mutex::new(Shared::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let go = Arc::new(AtomicBool::new(false));
    let measure_idle = Arc::new(AtomicBool::new(false));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();

    let host_thread = {
        let (shared, stop, go, measure_idle, code) = (
            Arc::clone(&shared),
            Arc::clone(&stop),
            Arc::clone(&go),
            Arc::clone(&measure_idle),
            code.clone(),
        );
        let tick = Duration::from_millis(args.tick_ms.max(1));
        let idle = Duration::from_secs_f64(args.idle_secs.clamp(0.5, 60.0));
        std::thread::Builder::new()
            .name(crate::cpu::HOST_THREAD.into())
            .spawn(move || {
                let pace = bench_pace();
                let mut app = App::new();
                app.add_plugins(MinimalPlugins).add_plugins(HostPlugin);
                let workshop = Workshop::new(
                    "bench".into(),
                    sessions
                        .into_iter()
                        .map(|session| Table {
                            core: HostCore::new(session, None, "bench".into()),
                            director: Director::new(false, pace, Strategy::First),
                        })
                        .collect(),
                );
                let cfg = HostConfig {
                    bind: "127.0.0.1:0".parse().expect("constant"),
                    code,
                    announce: None,
                    extra_public: Vec::new(),
                    web: None,
                };
                let addr = start_host(app.world_mut(), workshop, cfg);
                let _ = addr_tx.send(addr.clone());
                if addr.is_err() {
                    return;
                }
                let mut decisions = vec![0; tables];
                let mut started = false;
                let mut play_from: Option<(Duration, Instant)> = None;
                while !stop.load(Ordering::Relaxed) {
                    let frame = Instant::now();
                    app.update();
                    let world = app.world_mut();
                    if measure_idle.swap(false, Ordering::Relaxed) {
                        // Keep serving while measuring: this is the host waiting for people.
                        let (cpu0, t0) = (crate::cpu::host(), Instant::now());
                        while t0.elapsed() < idle {
                            let f = Instant::now();
                            app.update();
                            std::thread::sleep(tick.saturating_sub(f.elapsed()));
                        }
                        let pct = 100.0 * (crate::cpu::host() - cpu0).as_secs_f64()
                            / t0.elapsed().as_secs_f64();
                        shared.lock().map(|mut s| s.idle_cpu_pct = Some(pct)).ok();
                        continue;
                    }
                    if go.load(Ordering::Relaxed) && !started {
                        started = true;
                        let bytes = world.resource::<ServerTransport>().bytes_sent;
                        for t in world.resource_mut::<HostLink>().workshop.tables_mut() {
                            t.director.auto = true;
                        }
                        play_from = Some((crate::cpu::host(), Instant::now()));
                        shared
                            .lock()
                            .map(|mut s| s.bytes_at_start = Some(bytes))
                            .ok();
                    }
                    let link = world.resource::<HostLink>();
                    let mut ended = true;
                    let mut rounds = 0;
                    for (t, table) in link.workshop.tables().iter().enumerate() {
                        let s = table.core.session();
                        if s.decisions.len() > decisions[t] {
                            let now = Instant::now();
                            if let Ok(mut sh) = shared.lock() {
                                for d in &s.decisions[decisions[t]..] {
                                    sh.resolved.insert((t, d.round, d.step), now);
                                }
                            }
                            decisions[t] = s.decisions.len();
                        }
                        ended &= s.phase == Phase::Ended;
                        rounds += s.meter_history.len().saturating_sub(1) as u32;
                    }
                    if ended {
                        // Rounds per table, for bytes per player per round.
                        let rounds = rounds / tables as u32;
                        let bytes = world.resource::<ServerTransport>().bytes_sent;
                        if let Ok(mut sh) = shared.lock()
                            && sh.bytes_at_end.is_none()
                        {
                            sh.bytes_at_end = Some(bytes);
                            sh.rounds_played = rounds;
                            sh.play_cpu_pct = play_from.map(|(cpu, t)| {
                                100.0 * (crate::cpu::host() - cpu).as_secs_f64()
                                    / t.elapsed().as_secs_f64().max(1e-9)
                            });
                        }
                    }
                    std::thread::sleep(tick.saturating_sub(frame.elapsed()));
                }
            })
            .map_err(|e| e.to_string())?
    };
    let addr: SocketAddr = addr_rx
        .recv()
        .map_err(|_| "the host thread died".to_string())??;

    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let mut players = Vec::with_capacity(n * tables);
    let seats = (0..tables).flat_map(|t| roles.iter().map(move |r| (t, r)));
    for (i, (table, role)) in seats.enumerate() {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let token = code::connect_token(&code, 1_000 + i as u64, addr)?;
        players.push(Player {
            client: RenetClient::new(protocol::connection_config()),
            transport: ClientTransport::new(
                code::now(),
                ClientAuthentication::Secure {
                    connect_token: token,
                },
                socket,
            )?,
            core: ClientCore::new(format!("speler-{i}"), Some(role.clone()))
                .with_table(Some(table as u8 + 1)),
            joined: false,
            seen: HashMap::new(),
            table,
            retries: 0,
        });
    }
    let mut last = Instant::now();
    let start = Instant::now();
    let mut phase = 0; // 0 joining, 1 idle measurement, 2 playing
    let n = n * tables;
    let result = loop {
        let dt = last.elapsed();
        last = Instant::now();
        let mut ended = 0;
        let mut seated = 0;
        for (i, p) in players.iter_mut().enumerate() {
            if p.client.is_disconnected() && p.core.seat.is_none() {
                // Lost in the crowd of handshakes: try again, as the game's client does.
                let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
                let token =
                    code::connect_token(&code, 100_000 + i as u64 * 1000 + p.retries, addr)?;
                p.retries += 1;
                p.client = RenetClient::new(protocol::connection_config());
                p.transport = ClientTransport::new(
                    code::now(),
                    ClientAuthentication::Secure {
                        connect_token: token,
                    },
                    socket,
                )?;
            }
            p.client.update(dt);
            p.transport.update(dt, &mut p.client);
            if p.client.is_connected() && !p.joined {
                p.joined = true;
                p.core.on_connected();
            }
            while let Some(bytes) = p.client.receive_message(Channel::Reliable) {
                p.core.receive(&bytes);
                if let Some(v) = p.core.view.as_ref()
                    && matches!(v.phase, Phase::Resolved | Phase::Ended)
                    && let Some(d) = v.last.as_ref()
                {
                    p.seen
                        .entry((p.table, d.round, d.step))
                        .or_insert_with(Instant::now);
                }
            }
            if let Some((_, _, options)) = p.core.my_turn() {
                p.core.vote(rng.random_range(0..options));
            }
            if p.client.is_connected() {
                for bytes in p.core.take_outbox() {
                    p.client.send_message(Channel::Reliable, bytes);
                }
            }
            p.transport.send_packets(&mut p.client);
            seated += usize::from(p.core.seat.is_some() && p.core.view.is_some());
            ended += usize::from(
                p.core
                    .view
                    .as_ref()
                    .is_some_and(|v| v.phase == Phase::Ended),
            );
        }
        if phase == 0 && seated == n {
            phase = 1;
            measure_idle.store(true, Ordering::Relaxed);
        }
        if phase == 1 && shared.lock().is_ok_and(|s| s.idle_cpu_pct.is_some()) {
            phase = 2;
            go.store(true, Ordering::Relaxed);
        }
        if ended == n {
            break Ok(());
        }
        if start.elapsed() > Duration::from_secs(args.timeout_secs) {
            break Err(format!(
                "timed out: {seated} of {n} seated, {ended} saw the end"
            ));
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    stop.store(true, Ordering::Relaxed);
    let _ = host_thread.join();
    result?;
    let sh = shared.lock().map_err(|_| "poisoned".to_string())?;
    let mut lat: Vec<f64> = sh
        .resolved
        .iter()
        .filter_map(|(key, at)| {
            let last = players.iter().filter_map(|p| p.seen.get(key)).max()?;
            Some(last.saturating_duration_since(*at).as_secs_f64() * 1000.0)
        })
        .collect();
    lat.sort_by(|a, b| a.total_cmp(b));
    let rounds = sh.rounds_played.max(1);
    let bytes = sh
        .bytes_at_end
        .unwrap_or(0)
        .saturating_sub(sh.bytes_at_start.unwrap_or(0));
    Ok(Figures {
        clients: n,
        resolutions: lat.len(),
        p50_ms: percentile(&lat, 0.5),
        p99_ms: percentile(&lat, 0.99),
        max_ms: lat.last().copied().unwrap_or(0.0),
        idle_cpu_pct: sh.idle_cpu_pct.unwrap_or(0.0),
        play_cpu_pct: sh.play_cpu_pct.unwrap_or(0.0),
        bytes_per_client_round: bytes as f64 / n as f64 / f64::from(rounds),
    })
}
