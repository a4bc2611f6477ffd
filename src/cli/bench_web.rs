//! `kantelspel bench web`: a host and N browser players over loopback WebSockets. The players
//! are plain WebSocket clients speaking the page's JSON; the figures are the ones a room feels:
//! how long until the last phone shows a resolution, bytes per phone per round, host CPU.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use futures_util::{SinkExt, StreamExt};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use tokio_tungstenite::tungstenite::Message;

use super::bench::{percentile, spread_roles};
use crate::net::code::JoinCode;
use crate::net::director::Director;
use crate::net::host::HostCore;
use crate::net::patch::{self, Change, Screen};
use crate::net::plugin::{HostConfig, HostLink, HostPlugin, start_host};
use crate::net::workshop::Workshop;
use crate::rules::Session;
use crate::rules::bot::Strategy;
use crate::rules::deck::Deck;
use crate::rules::session::Phase;
use crate::rules::view::View;

#[derive(Debug, Clone, clap::Args)]
pub struct BenchWebArgs {
    /// Numbers of browser players to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "25,100,200,500")]
    pub clients: Vec<usize>,
    /// Rounds per session; sessions are played until `--resolutions` have been measured.
    #[arg(long, default_value_t = 30)]
    pub rounds: u32,
    /// Resolutions to measure at least, for percentiles that mean something.
    #[arg(long, default_value_t = 50)]
    pub resolutions: usize,
    /// Host loop period in milliseconds (as `serve --tick-ms`).
    #[arg(long, default_value_t = 10)]
    pub tick_ms: u64,
    /// Give up on one session after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout_secs: u64,
    /// Also print what the bytes are made of, before deflating: whole screens, replies and each
    /// kind of change.
    #[arg(long)]
    pub parts: bool,
    /// Players whose page cannot inflate (no `DecompressionStream`): every frame as text.
    #[arg(long)]
    pub plain: bool,
}

/// A frame as a bench player reads it: a whole screen or a difference, kept as the page keeps
/// them (the page's work is part of what a browser player costs).
#[derive(Deserialize)]
struct Frame {
    t: String,
    #[serde(default)]
    seat: Option<u32>,
    #[serde(default)]
    seq: Option<u64>,
    #[serde(default)]
    view: Option<View>,
    #[serde(default)]
    connected: Vec<u32>,
    #[serde(default)]
    timer_left: Option<u32>,
    #[serde(default)]
    base: Option<u64>,
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Default)]
struct Shared {
    resolved: HashMap<(u32, usize), Instant>,
    rounds_played: u32,
    ended: bool,
    /// CPU time of the host's two threads (game loop and web server) while playing.
    host_cpu: Duration,
    played_for: Duration,
}

struct Run {
    latencies: Vec<f64>,
    bytes: u64,
    parts: Parts,
    rounds: u32,
    cpu_pct: f64,
}

pub fn run(args: BenchWebArgs) -> i32 {
    println!(
        "kantelspel bench web: host and browser players over loopback WebSockets, at least {} resolutions each, host tick {} ms, {}; a resolution counts as seen when the frame carrying it reaches the player",
        args.resolutions,
        args.tick_ms,
        if args.plain {
            "frames as text (--plain)"
        } else {
            "longer frames deflated"
        }
    );
    println!(
        "{:>8} {:>12} {:>10} {:>10} {:>10} {:>14} {:>18}",
        "players", "resolutions", "p50 ms", "p99 ms", "max ms", "host CPU", "bytes/player/round"
    );
    for &n in &args.clients {
        let n = n.max(4);
        let mut all = Vec::new();
        let (mut bytes, mut rounds, mut cpu, mut runs) = (0u64, 0u32, 0.0, 0);
        let mut parts = Parts::new();
        let mut seed = 17;
        while all.len() < args.resolutions {
            match measure(n, seed, &args) {
                Ok(r) => {
                    all.extend(r.latencies);
                    bytes += r.bytes;
                    rounds += r.rounds;
                    for (k, v) in r.parts {
                        *parts.entry(k).or_default() += v;
                    }
                    cpu += r.cpu_pct;
                    runs += 1;
                }
                Err(e) => {
                    eprintln!("{n} players: {e}");
                    return 1;
                }
            }
            seed += 1;
        }
        all.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{:>8} {:>12} {:>10.1} {:>10.1} {:>10.1} {:>13.1}% {:>18.0}",
            n,
            all.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            all.last().copied().unwrap_or(0.0),
            cpu / f64::from(runs.max(1)),
            bytes as f64 / n as f64 / f64::from(rounds.max(1)),
        );
        if args.parts {
            let mut by_size: Vec<_> = parts.into_iter().collect();
            by_size.sort_by_key(|p| std::cmp::Reverse(p.1));
            let per = |v: u64| v as f64 / n as f64 / f64::from(rounds.max(1));
            let line: Vec<String> = by_size
                .iter()
                .map(|(k, v)| format!("{k} {:.0}", per(*v)))
                .collect();
            println!("{:>8} of which: {}", "", line.join(", "));
        }
    }
    0
}

fn measure(n: usize, seed: u64, args: &BenchWebArgs) -> Result<Run, String> {
    let deck = Arc::new(Deck::default_deck().map_err(|e| e.to_string())?);
    let roles = spread_roles(&deck, n)?;
    let session = Session::new(Arc::clone(&deck), seed, args.rounds);
    let code = JoinCode::parse("BENCH1").map_err(|e| e.to_string())?;
    let shared = Arc::new(Mutex::new(Shared::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let go = Arc::new(AtomicBool::new(false));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let host_thread = {
        let (shared, stop, go, code) = (
            Arc::clone(&shared),
            Arc::clone(&stop),
            Arc::clone(&go),
            code.clone(),
        );
        let tick = Duration::from_millis(args.tick_ms.max(1));
        std::thread::Builder::new()
            .name(crate::cpu::HOST_THREAD.into())
            .spawn(move || {
                let pace = super::bench::bench_pace();
                let mut app = App::new();
                app.add_plugins(MinimalPlugins).add_plugins(HostPlugin);
                let cfg = HostConfig {
                    bind: "127.0.0.1:0".parse().expect("constant"),
                    code,
                    announce: None,
                    extra_public: Vec::new(),
                    web: Some("127.0.0.1:0".parse().expect("constant")),
                };
                let started = start_host(
                    app.world_mut(),
                    Workshop::single(
                        HostCore::new(session, None, "bench".into()),
                        Director::new(false, pace, Strategy::First),
                    ),
                    cfg,
                )
                .and_then(|_| {
                    app.world()
                        .resource::<HostLink>()
                        .web
                        .as_ref()
                        .map(|w| w.local_addr())
                        .ok_or_else(|| "no web server".to_string())
                });
                let failed = started.is_err();
                let _ = addr_tx.send(started);
                if failed {
                    return;
                }
                let mut decisions = 0;
                let mut playing: Option<(Instant, Duration)> = None;
                while !stop.load(Ordering::Relaxed) {
                    let frame = Instant::now();
                    app.update();
                    let world = app.world_mut();
                    if go.load(Ordering::Relaxed) && playing.is_none() {
                        world
                            .resource_mut::<HostLink>()
                            .table_at_mut(0)
                            .director
                            .auto = true;
                        playing = Some((Instant::now(), crate::cpu::host()));
                    }
                    let s = world.resource::<HostLink>().core().session();
                    if s.decisions.len() > decisions {
                        let now = Instant::now();
                        if let Ok(mut sh) = shared.lock() {
                            for d in &s.decisions[decisions..] {
                                sh.resolved.insert((d.round, d.step), now);
                            }
                        }
                        decisions = s.decisions.len();
                    }
                    if s.phase == Phase::Ended
                        && let Ok(mut sh) = shared.lock()
                        && !sh.ended
                    {
                        sh.ended = true;
                        sh.rounds_played = s.meter_history.len().saturating_sub(1) as u32;
                        if let Some((t0, cpu0)) = playing {
                            sh.host_cpu = (crate::cpu::host()).saturating_sub(cpu0);
                            sh.played_for = t0.elapsed();
                        }
                    }
                    std::thread::sleep(tick.saturating_sub(frame.elapsed()));
                }
            })
            .map_err(|e| e.to_string())?
    };
    let web = addr_rx
        .recv()
        .map_err(|_| "the host thread died".to_string())??;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let timeout = Duration::from_secs(args.timeout_secs);
    let result = runtime.block_on(async {
        let seated = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        let zip = !args.plain;
        for (i, role) in roles.iter().enumerate() {
            let url = format!("ws://{web}/ws");
            let hello = serde_json::json!({"t": "hello", "code": "BENCH1", "name": format!("speler-{i}"), "role": role, "zip": zip}).to_string();
            let seated = Arc::clone(&seated);
            tasks.push(tokio::spawn(async move {
                player(url, hello, i as u64, seated).await
            }));
            // Join in a steady stream, as a room does.
            if i % 50 == 49 {
                tokio::task::yield_now().await;
            }
        }
        let t0 = Instant::now();
        while seated.load(Ordering::Relaxed) < n {
            if t0.elapsed() > timeout {
                return Err(format!("only {} of {n} seated", seated.load(Ordering::Relaxed)));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        go.store(true, Ordering::Relaxed);
        let mut seen = Vec::with_capacity(n);
        let mut bytes = 0;
        let mut parts = Parts::new();
        for t in tasks {
            match tokio::time::timeout(timeout, t).await {
                Ok(Ok(Ok((s, b, p)))) => {
                    seen.push(s);
                    bytes += b;
                    for (k, v) in p {
                        *parts.entry(k).or_default() += v;
                    }
                }
                Ok(Ok(Err(e))) => return Err(e),
                _ => return Err("a player never saw the end".to_string()),
            }
        }
        Ok((seen, bytes, parts))
    });
    stop.store(true, Ordering::Relaxed);
    let _ = host_thread.join();
    let (seen, bytes, parts) = result?;
    let sh = shared.lock().map_err(|_| "poisoned".to_string())?;
    let latencies = sh
        .resolved
        .iter()
        .filter_map(|(key, at)| {
            let last = seen.iter().filter_map(|p| p.get(key)).max()?;
            Some(last.saturating_duration_since(*at).as_secs_f64() * 1000.0)
        })
        .collect();
    Ok(Run {
        latencies,
        bytes,
        parts,
        rounds: sh.rounds_played.max(1),
        cpu_pct: 100.0 * sh.host_cpu.as_secs_f64() / sh.played_for.as_secs_f64().max(1e-9),
    })
}

type Seen = HashMap<(u32, usize), Instant>;

/// Bytes of JSON received per part of the traffic, before deflating: `state`, other replies by
/// their `t`, and each change of a difference by its name (the difference's own envelope as
/// `patch`).
type Parts = std::collections::BTreeMap<String, u64>;

fn count_parts(parts: &mut Parts, text: &str) {
    let Ok(serde_json::Value::Object(frame)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return;
    };
    let kind = frame
        .get("t")
        .and_then(|t| t.as_str())
        .unwrap_or("?")
        .to_string();
    let mut rest = text.len() as u64;
    if let Some(serde_json::Value::Array(changes)) = frame.get("changes") {
        for c in changes {
            let name = match c {
                serde_json::Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
                other => other.to_string(),
            };
            let len = c.to_string().len() as u64;
            rest = rest.saturating_sub(len);
            *parts.entry(name).or_default() += len;
        }
    }
    *parts.entry(kind).or_default() += rest;
}

/// One browser player: joins, votes at random when its role decides, notes when it saw each
/// resolution, and counts the bytes it received while playing.
async fn player(
    url: String,
    hello: String,
    id: u64,
    seated: Arc<std::sync::atomic::AtomicUsize>,
) -> Result<(Seen, u64, Parts), String> {
    let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let (mut ws, mut incoming) = ws.split();
    ws.send(Message::text(hello))
        .await
        .map_err(|e| e.to_string())?;
    // The phone's radio and its script, apart: a task of its own takes each frame off the
    // socket and notes when it came, so a resolution is timed at its arrival, not after a
    // thousand simulated pages on one core have inflated and parsed theirs (each page's own work
    // is the browser test's to time, on a phone of its own).
    let (arrived, mut frames) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(msg) = incoming.next().await {
            if arrived.send((Instant::now(), msg)).is_err() {
                break;
            }
        }
    });
    let mut rng = ChaCha8Rng::seed_from_u64(id);
    let mut seat = None;
    let mut counted = false;
    let mut seen = Seen::new();
    let mut bytes = 0u64;
    let mut parts = Parts::new();
    let mut inflater = crate::net::zip::Inflater::default();
    let mut voted_on = None;
    let mut screen: Option<(u64, Screen)> = None;
    while let Some((at, msg)) = frames.recv().await {
        // What crossed the wire, and the JSON it carries (deflated frames inflated, as the
        // page does).
        let (wire, text) = match msg {
            Ok(Message::Text(text)) => (text.len(), text.to_string()),
            Ok(Message::Binary(zipped)) => match inflater.read(&zipped) {
                Ok(text) => (zipped.len(), text),
                // A frame of the stream went missing (the door skipped differences for a link
                // that fell behind): ask for the whole screen, as the page does.
                Err(crate::net::zip::Unzip::Gap) => {
                    if screen
                        .as_ref()
                        .is_some_and(|(_, s)| s.view.phase != Phase::Lobby)
                    {
                        bytes += zipped.len() as u64;
                    }
                    if screen.take().is_some() {
                        ws.send(Message::text(r#"{"t":"resync"}"#))
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    continue;
                }
                Err(why) => return Err(format!("a deflated frame: {why}")),
            },
            Err(_) => return Err("the host closed the link".into()),
            Ok(_) => continue,
        };
        let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
            continue;
        };
        if frame.t == "welcome" {
            seat = frame.seat;
            continue;
        }
        match (frame.t.as_str(), frame.view, frame.seq) {
            ("state", Some(view), Some(seq)) => {
                let connected = frame.connected;
                let timer_left = frame.timer_left;
                screen = Some((
                    seq,
                    Screen {
                        view,
                        connected,
                        timer_left,
                    },
                ));
            }
            ("patch", _, Some(seq)) => match screen.as_mut() {
                Some((at, s)) if Some(*at) == frame.base => {
                    patch::apply(s, frame.changes);
                    *at = seq;
                }
                _ => {
                    screen = None;
                    ws.send(Message::text(r#"{"t":"resync"}"#))
                        .await
                        .map_err(|e| e.to_string())?;
                    continue;
                }
            },
            _ => continue,
        }
        let Some((_, Screen { view: v, .. })) = screen.as_ref() else {
            continue;
        };
        if !counted && seat.is_some() {
            counted = true;
            seated.fetch_add(1, Ordering::Relaxed);
        }
        if v.phase != Phase::Lobby {
            bytes += wire as u64;
            count_parts(&mut parts, &text);
        }
        if matches!(v.phase, Phase::Resolved | Phase::Ended)
            && let Some(d) = &v.last
        {
            seen.entry((d.round, d.step)).or_insert(at);
        }
        if v.phase == Phase::Ended {
            return Ok((seen, bytes, parts));
        }
        let me = v.seats.iter().find(|s| Some(s.seat) == seat);
        if let (Some(card), Some(me)) = (&v.card, me)
            && matches!(v.phase, Phase::Briefing | Phase::Deciding)
            && me.role == Some(card.deciding_role)
            && !me.voted
            && voted_on != Some((v.round, card.step))
        {
            voted_on = Some((v.round, card.step));
            let option = rng.random_range(0..card.options.len().max(1));
            let vote = serde_json::json!({"t": "vote", "round": v.round, "step": card.step, "option": option});
            ws.send(Message::text(vote.to_string()))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Err("the link closed before the end".into())
}
