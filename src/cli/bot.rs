//! `kantelspel bot`: a headless player that joins a session in a role and votes.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use bevy::app::{AppExit, ScheduleRunnerPlugin};
use bevy::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::net::client::ClientCore;
use crate::net::code::{self, JoinCode};
use crate::net::info;
use crate::net::plugin::{ClientLink, ClientPlugin, LinkStatus, connect_client};
use crate::rules::Lang;
use crate::rules::session::Phase;

#[derive(Debug, Clone, clap::Args)]
pub struct BotArgs {
    /// The host's address, e.g. 192.168.1.20:47470.
    #[arg(long)]
    pub connect: String,
    /// The session's join code.
    #[arg(long)]
    pub code: String,
    /// The role to play.
    #[arg(long)]
    pub role: String,
    /// The bot's name at the table.
    #[arg(long)]
    pub name: Option<String>,
    /// The table to sit at in a workshop of several (from 1); the host's choice when left out.
    #[arg(long)]
    pub table: Option<u8>,
    /// How it chooses: random or first.
    #[arg(long, default_value = "random")]
    pub strategy: String,
    /// Milliseconds it thinks before voting.
    #[arg(long, default_value_t = 300)]
    pub think_ms: u64,
}

fn resolve(addr: &str) -> Result<SocketAddr, String> {
    addr.to_socket_addrs()
        .map_err(|e| format!("`{addr}` is not an address: {e}"))?
        .next()
        .ok_or_else(|| format!("`{addr}` is not an address"))
}

#[derive(Resource)]
struct Brain {
    first: bool,
    rng: ChaCha8Rng,
    think: Duration,
    turn_seen: Option<(u32, usize, Instant)>,
}

pub fn run(args: BotArgs) -> i32 {
    let first = match args.strategy.as_str() {
        "random" => false,
        "first" => true,
        other => {
            eprintln!(
                "error: a client bot plays `random` or `first`, not `{other}` (bots on the host know the deck and can play `steady`)"
            );
            return 2;
        }
    };
    let addr = match resolve(&args.connect) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let code = match JoinCode::parse(&args.code) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // Ask first: a wrong code or another version is refused here, in words, within seconds.
    if let Err(e) = info::probe(addr, Some(&code), Duration::from_secs(4)) {
        eprintln!("refused: {e}");
        return 3;
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("bot-{}-{}", args.role, code::random_client_id() % 1000));
    let mut app = App::new();
    app.add_plugins(MinimalPlugins.set(ScheduleRunnerPlugin::run_loop(Duration::from_millis(5))))
        .add_plugins(bevy::state::app::StatesPlugin)
        .add_plugins(ClientPlugin)
        .insert_resource(Brain {
            first,
            rng: ChaCha8Rng::seed_from_u64(code::random_client_id()),
            think: Duration::from_millis(args.think_ms),
            turn_seen: None,
        })
        .add_systems(Update, play);
    if let Err(e) = connect_client(
        app.world_mut(),
        addr,
        code,
        ClientCore::new(name, Some(args.role.clone())).with_table(args.table),
    ) {
        eprintln!("error: {e}");
        return 1;
    }
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(c) => i32::from(c.get()),
    }
}

fn play(
    mut link: ResMut<ClientLink>,
    mut brain: ResMut<Brain>,
    mut exit: MessageWriter<AppExit>,
    mut done: Local<bool>,
) {
    if *done {
        return;
    }
    if let LinkStatus::Failed(why) = &link.status {
        eprintln!("refused: {why}");
        *done = true;
        exit.write(AppExit::from_code(3));
        return;
    }
    let Some(view) = link.core.view.as_ref() else {
        return;
    };
    if view.phase == Phase::Ended {
        let ending = view.ending.as_ref().map_or("", |e| e.message.get(Lang::En));
        println!("session over after round {}: {ending}", view.round);
        *done = true;
        exit.write(AppExit::Success);
        return;
    }
    let Some((round, step, n)) = link.core.my_turn() else {
        brain.turn_seen = None;
        return;
    };
    match brain.turn_seen {
        Some((r, s, since)) if r == round && s == step => {
            if since.elapsed() >= brain.think {
                let option = if brain.first {
                    0
                } else {
                    brain.rng.random_range(0..n)
                };
                if link.core.vote(option) && std::env::var_os("KANTELSPEL_TIMING").is_some() {
                    // For docs/measure/host_window.sh: when the vote left, to the millisecond.
                    eprintln!("voted at {}", crate::cpu::unix_ms());
                }
            }
        }
        _ => brain.turn_seen = Some((round, step, Instant::now())),
    }
}
