//! `kantelspel serve`: a host without a window. The facilitator types commands on stdin.

use std::io::{BufRead, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use bevy::app::{AppExit, ScheduleRunnerPlugin};
use bevy::prelude::*;

use crate::net::code::JoinCode;
use crate::net::desk::TableDesk;
use crate::net::director::{Director, Pace};
use crate::net::host::HostCore;
use crate::net::plugin::{HostConfig, HostLink, HostPlugin, start_host};
use crate::net::protocol::{DEFAULT_PORT, DISCOVERY_PORT};
use crate::net::workshop::{self, MAX_TABLES, NewWorkshop, Workshop};
use crate::rules::Lang;
use crate::rules::bot::Strategy;
use crate::rules::session::Intent;
use crate::rules::view::View;

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The deck file; the embedded default deck when left out.
    #[arg(long)]
    pub deck: Option<PathBuf>,
    /// The UDP port to listen on (the info port is the next one).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "0.0.0.0")]
    pub bind: std::net::IpAddr,
    /// The join code; a fresh one when left out.
    #[arg(long)]
    pub code: Option<String>,
    /// Rounds to play; the programme's (or the deck's) own number when left out.
    #[arg(long)]
    pub rounds: Option<u32>,
    /// A programme the deck offers (`deck check` lists them): what this session plays.
    #[arg(long, conflicts_with = "cards")]
    pub programme: Option<String>,
    /// An own pick of cards, comma-separated, played in this order (one round each unless
    /// --rounds says more; follow-ups and crises come in the rounds left over).
    #[arg(long, value_delimiter = ',')]
    pub cards: Vec<String>,
    /// Roles to fill with bots, comma-separated (e.g. `raadslid,ambtenaar`).
    #[arg(long, value_delimiter = ',')]
    pub bots: Vec<String>,
    /// Folder for the session journal; `Kantelspel` in the documents folder when left out.
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// Remove journals, workshop files, reports and seat tokens older than this many days at
    /// start-up (0 keeps everything); the window's setting (90 by default) when left out.
    #[arg(long)]
    pub keep_days: Option<u32>,
    /// Keep no archive of this session (the archive holds decisions, never names).
    #[arg(long)]
    pub no_archive: bool,
    /// The archive folder; `archive` in the data folder when left out.
    #[arg(long, conflicts_with = "no_archive")]
    pub archive: Option<PathBuf>,
    /// Continue a session from its journal file.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Start once every role has a player or bot, advance phases by itself, and exit at the end.
    #[arg(long)]
    pub auto: bool,
    /// The session's random seed; a fresh one when left out.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How bots choose: role (leaning as people in the role do, spread over the options),
    /// random, steady or first.
    #[arg(long, default_value = "role")]
    pub strategy: String,
    /// The session's name, as shown on the LAN.
    #[arg(long)]
    pub name: Option<String>,
    /// Seconds to read a briefing and an outcome in --auto mode.
    #[arg(long, default_value_t = 15.0)]
    pub pace: f64,
    /// The decision timer in seconds.
    #[arg(long, default_value_t = 120.0)]
    pub timer: f64,
    /// Seconds bots wait before they vote.
    #[arg(long, default_value_t = 2.0)]
    pub bot_delay: f64,
    /// Where to announce the session (broadcast by default).
    #[arg(long)]
    pub announce: Option<SocketAddr>,
    /// Do not announce the session on the LAN.
    #[arg(long)]
    pub no_announce: bool,
    /// Host loop period in milliseconds.
    #[arg(long, default_value_t = 10)]
    pub tick_ms: u64,
    /// Extra addresses clients may know this host by (e.g. behind a relay).
    #[arg(long)]
    pub public: Vec<SocketAddr>,
    /// The TCP port of the browser players' page; two above the game port when left out.
    #[arg(long)]
    pub web_port: Option<u16>,
    /// Do not serve the browser players' page.
    #[arg(long)]
    pub no_web: bool,
    /// Let newcomers in after the start without asking (always so with --auto, where nobody
    /// is at the console to let them in).
    #[arg(long)]
    pub open_room: bool,
    /// Tables in this workshop (1 to 8): each plays the deck as a session of its own, with the
    /// one join code; players choose a table or are seated at the emptiest.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=MAX_TABLES as i64))]
    pub tables: u8,
    /// Different decks for the tables, comma-separated: table 1 plays the first, and so on
    /// round again. Every table plays --deck when left out.
    #[arg(long, value_delimiter = ',', conflicts_with = "deck")]
    pub decks: Vec<PathBuf>,
}

/// Everything `serve` needs before the app starts: the tables, their journals and the code.
struct Prepared {
    pub workshop: Workshop,
    pub code: JoinCode,
}

fn prepare(args: &ServeArgs, director: &dyn Fn() -> Director) -> Result<Prepared, String> {
    if let Some(path) = &args.resume {
        let (mut workshop, code) = if workshop::is_manifest(path) {
            let resumed = workshop::resume_workshop(path, args.code.as_deref(), director)?;
            for note in &resumed.notes {
                eprintln!("note: {note}");
            }
            (resumed.workshop, resumed.code)
        } else {
            let resumed = crate::net::host::resume(path, args.code.as_deref(), args.name.clone())?;
            if let Some(note) = &resumed.note {
                eprintln!("note: {note}");
            }
            (Workshop::single(resumed.core, director()), resumed.code)
        };
        for core in workshop.cores_mut() {
            core.set_room_open(args.open_room || args.auto);
        }
        return Ok(Prepared { workshop, code });
    }
    let code = match &args.code {
        Some(c) => Some(JoinCode::parse(c).map_err(|e| e.to_string())?),
        None => None,
    };
    let dir = args
        .journal
        .clone()
        .unwrap_or_else(crate::net::journal_file::default_dir);
    let (mut workshop, code) = workshop::new_workshop(NewWorkshop {
        session: crate::net::host::NewSession {
            deck: args.deck.as_deref(),
            seed: args.seed,
            rounds: args.rounds,
            code,
            journal_dir: Some(&dir),
            name: args.name.clone(),
            bots: &args.bots,
            programme: crate::rules::session::ProgrammeChoice {
                programme: args.programme.clone(),
                cards: args.cards.clone(),
            },
        },
        tables: usize::from(args.tables),
        decks: &args.decks,
        director,
    })?;
    for core in workshop.cores_mut() {
        core.set_room_open(args.open_room || args.auto);
    }
    Ok(Prepared { workshop, code })
}

/// The longest facilitator command `serve` reads from its console.
const CONSOLE_LINE_MAX: usize = 4096;

/// A console line longer than `CONSOLE_LINE_MAX`.
struct TooLong;

/// Reads one command line, trimmed; `None` at the end of input. Lines are read with a cap, so
/// a stream without newlines (a wrong redirect) cannot grow without end; an overlong line is
/// skipped whole.
fn read_command(input: &mut impl BufRead) -> Option<Result<String, TooLong>> {
    let mut line = Vec::new();
    let cap = CONSOLE_LINE_MAX as u64 + 1;
    match input.take(cap).read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => return None,
        Ok(_) => {}
    }
    if line.len() <= CONSOLE_LINE_MAX {
        return Some(Ok(String::from_utf8_lossy(&line).trim().to_string()));
    }
    while !line.ends_with(b"\n") {
        line.clear();
        match input.take(cap).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    Some(Err(TooLong))
}

#[derive(Resource)]
struct Console(Mutex<Receiver<String>>);

#[derive(Resource)]
struct ServeMode {
    auto: bool,
}

pub fn run(args: ServeArgs) -> i32 {
    let strategy: Strategy = match args.strategy.parse() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let secs = |s: f64| {
        Duration::from_secs_f64(s.clamp(0.0, f64::from(crate::rules::session::MAX_TIMER_SECS)))
    };
    let pace = Pace {
        briefing: secs(args.pace),
        decide: secs(args.timer),
        outcome: secs(args.pace),
        bot_delay: secs(args.bot_delay),
    };
    let places = crate::places::Places::here();
    let settings = crate::places::Settings::load(&places.settings());
    let journal_dir = args
        .journal
        .clone()
        .unwrap_or_else(|| places.journals.clone());
    let keep_days = args.keep_days.unwrap_or(settings.keep_days);
    let swept = crate::keeping::sweep(
        &journal_dir,
        &places.seats(),
        keep_days,
        std::time::SystemTime::now(),
        args.resume.as_deref(),
    );
    if let Some(line) = swept.line(keep_days) {
        println!("{line}");
    }
    if args.journal.is_none()
        && settings.old_journals.is_none()
        && let Some(old) = places.old_journals()
    {
        println!(
            "an earlier version kept journals in {}: `kantelspel journals move-old` moves them to {}, `kantelspel journals move-old --leave` leaves them",
            old.display(),
            places.journals.display()
        );
    }
    let archive = (!args.no_archive && (settings.archive || args.archive.is_some()))
        .then(|| args.archive.clone().unwrap_or_else(|| places.archive()));
    let prepared = match prepare(&args, &|| Director::new(args.auto, pace, strategy)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let announce = if args.no_announce {
        None
    } else {
        Some(
            args.announce
                .unwrap_or_else(|| SocketAddr::from(([255, 255, 255, 255], DISCOVERY_PORT))),
        )
    };
    let mut app = App::new();
    app.add_plugins(
        MinimalPlugins.set(ScheduleRunnerPlugin::run_loop(Duration::from_millis(
            args.tick_ms.max(1),
        ))),
    )
    .add_plugins(bevy::state::app::StatesPlugin)
    .add_plugins(HostPlugin);
    let cfg = HostConfig {
        bind: SocketAddr::new(args.bind, args.port),
        code: prepared.code.clone(),
        announce,
        extra_public: args.public.clone(),
        web: (!args.no_web).then(|| match args.web_port {
            Some(p) => SocketAddr::new(args.bind, p),
            None => HostConfig::web_next_to(SocketAddr::new(args.bind, args.port)),
        }),
    };
    let journals: Vec<String> = prepared
        .workshop
        .tables()
        .iter()
        .filter_map(|t| t.core.journal_path())
        .map(|p| p.display().to_string())
        .collect();
    let manifest = prepared
        .workshop
        .manifest()
        .map(|p| p.display().to_string());
    let name = prepared.workshop.name().to_string();
    let tables = prepared.workshop.len();
    let addr = match start_host(app.world_mut(), prepared.workshop, cfg) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    println!("Kantelspel host: {name}");
    if tables > 1 {
        println!("  tables:    {tables} (players choose one, or sit at the emptiest)");
    }
    println!("  join code: {}", prepared.code);
    println!("  address:   {addr}");
    if addr.ip().is_unspecified() {
        print_venue(&crate::net::venue::this_laptop());
    }
    if let Some(url) = &app.world().resource::<HostLink>().web_url {
        println!("  browsers:  {url}  (open it, or scan the code below, and type the join code)");
        if let Some(qr) = crate::net::qr::terminal(url) {
            println!("{qr}");
        }
    }
    for j in journals {
        println!("  journal:   {j}");
    }
    println!("  data:      {}", places.data.display());
    match &archive {
        Some(dir) => {
            let deck = app.world().resource::<HostLink>().desk(0).deck_id.clone();
            let n = crate::archive::Archive::at(dir).of_deck(&deck).len();
            println!(
                "  archive:   {} ({n} earlier session(s) of this deck; no names)",
                dir.display()
            );
        }
        None => println!("  archive:   off"),
    }
    app.world_mut().resource_mut::<HostLink>().archive = archive;
    if let Some(m) = manifest {
        println!("  workshop:  {m}  (resume it whole with --resume)");
    }
    if !args.auto {
        println!("  type `help` for the facilitator's commands");
    }
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        while let Some(line) = read_command(&mut stdin) {
            match line {
                Ok(text) => {
                    if tx.send(text).is_err() {
                        break;
                    }
                }
                Err(TooLong) => eprintln!("error: that line is too long for a command"),
            }
        }
    });
    app.insert_resource(Console(Mutex::new(rx)))
        .init_resource::<ConsoleTable>()
        .insert_resource(ServeMode { auto: args.auto })
        .add_systems(
            Update,
            (
                console,
                reload_deck,
                announce_door,
                announce_first_visit,
                finish,
            )
                .chain(),
        );
    // A resumed session plays the deck its journal holds; only a new one follows its file.
    if let Some(deck) = args.deck.as_ref().filter(|_| args.resume.is_none()) {
        app.insert_resource(crate::net::deck_reload::DeckFileWatch::new(deck));
    }
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(code) => i32::from(code.get()),
    }
}

/// While the room waits in the lobby, a saved deck file is loaded again; the console says so.
fn reload_deck(
    watch: Option<ResMut<crate::net::deck_reload::DeckFileWatch>>,
    mut link: ResMut<HostLink>,
) {
    let Some(mut watch) = watch else {
        return;
    };
    match watch.look(link.workshop.cores_mut()) {
        Some(Ok(())) => println!(
            "deck reloaded from {}: {} cards; the lobby plays it",
            watch.path().display(),
            link.desk(0).cards.len()
        ),
        Some(Err(e)) => eprintln!("the changed deck does not check; the previous one stays:\n{e}"),
        None => {}
    }
}

/// The table the console's commands act on (`table N`): the console's own, not a window's.
#[derive(Resource, Default)]
struct ConsoleTable(usize);

fn console(
    console: Res<Console>,
    mut link: ResMut<HostLink>,
    mut table: ResMut<ConsoleTable>,
    mut exit: MessageWriter<AppExit>,
) {
    let lines: Vec<String> = match console.0.lock() {
        Ok(rx) => rx.try_iter().collect(),
        Err(_) => return,
    };
    for line in lines {
        if line.is_empty() {
            continue;
        }
        match command(&line, &mut link, &mut table.0) {
            Ok(Some(text)) => println!("{text}"),
            Ok(None) => {
                exit.write(AppExit::Success);
            }
            Err(e) => println!("refused: {e}"),
        }
    }
}

const HELP: &str = "before the start: programmes (what the deck offers) | programme ID|deck [ROUNDS] | cards ID,ID,... [ROUNDS]\ncommands: start | pause | resume | next (close the phase) | skip | next-card ID | inject ID\n  decide N | override N | revoke | timer SECS | extend SECS | move SEAT ROLE | remove SEAT\n  bot ROLE | door (who waits) | admit N [ROLE] | away N | room open|closed | status | end | quit\n  with tables: table N (commands act on table N from then on) | tables (all at a glance)\n  @N COMMAND (once at table N) | @all COMMAND (at every table) | seat-to SEAT TABLE (in the lobby)";

fn core_mut(link: &mut HostLink, t: usize) -> &mut HostCore {
    &mut link.table_at_mut(t).core
}

/// One facilitator command, at the console's table or as its `@` says. `Ok(None)` means quit.
fn command(line: &str, link: &mut HostLink, table: &mut usize) -> Result<Option<String>, String> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix('@') {
        let (at, cmd) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let cmd = cmd.trim();
        let verb = cmd.split_whitespace().next().unwrap_or_default();
        // One table or all of them, once: no `@` inside an `@`, no moving from every table.
        if verb.starts_with('@')
            || matches!(verb, "quit" | "exit" | "table" | "tables")
            || (at == "all" && verb == "seat-to")
        {
            return Err(format!("`{cmd}` is not said at a table"));
        }
        let tables: Vec<usize> = if at == "all" {
            (0..link.workshop.len()).collect()
        } else {
            vec![table_number(Some(at), link)?]
        };
        let mut said = Vec::new();
        for t in tables {
            // Once at table t: the console's own table stays where it is.
            let mut at_table = t;
            let answer = match command(cmd, link, &mut at_table) {
                Ok(Some(text)) => text,
                Ok(None) => String::new(),
                Err(e) => format!("refused: {e}"),
            };
            said.push(format!("[table {}] {answer}", t + 1));
        }
        return Ok(Some(said.join("\n")));
    }
    let mut words = line.split_whitespace();
    let verb = words.next().unwrap_or_default();
    let arg = words.next();
    let num = |a: Option<&str>| -> Result<u32, String> {
        a.ok_or("a number is missing")?
            .parse::<u32>()
            .map_err(|_| "that is not a number".to_string())
    };
    let text = |a: Option<&str>| -> Result<String, String> {
        a.map(str::to_string).ok_or("a name is missing".to_string())
    };
    let intent = match verb {
        "help" | "?" => return Ok(Some(HELP.to_string())),
        "quit" | "exit" => return Ok(None),
        "status" => return Ok(Some(status(link, *table))),
        "tables" => return Ok(Some(tables(link, *table))),
        "table" => {
            *table = table_number(arg, link)?;
            return Ok(Some(status(link, *table)));
        }
        "seat-to" => {
            let seat = num(arg)?;
            let to = table_number(words.next(), link)?;
            let now = link.now();
            let from = *table;
            link.workshop.move_seat(from, seat, to, now)?;
            return Ok(Some(tables(link, *table)));
        }
        "door" => return Ok(Some(door(link, *table))),
        "room" => {
            let open = match arg {
                Some("open") => true,
                Some("closed") => false,
                _ => return Err("room open or room closed".into()),
            };
            core_mut(link, *table).set_room_open(open);
            return Ok(Some(door(link, *table)));
        }
        "admit" | "away" => {
            let n = num(arg)? as usize;
            // Numbered as `door` numbers them: at the console's table, not the first one.
            let client = link
                .desk(*table)
                .waiting
                .get(n.wrapping_sub(1))
                .map(|w| w.client)
                .ok_or("nobody waits under that number; type `door`")?;
            if verb == "away" {
                core_mut(link, *table).turn_away(client);
            } else {
                core_mut(link, *table)
                    .admit(client, words.next().map(str::to_string))
                    .map_err(|e| e.to_string())?;
            }
            return Ok(Some(door(link, *table)));
        }
        "programmes" => return Ok(Some(programmes(link, *table))),
        "programme" => {
            let id = text(arg)?;
            let rounds = words.next().map(|r| num(Some(r))).transpose()?.unwrap_or(0);
            Intent::SetProgramme {
                programme: (id != "deck").then_some(id),
                cards: Vec::new(),
                rounds,
            }
        }
        "cards" => {
            let cards: Vec<String> = text(arg)?
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            let rounds = words.next().map(|r| num(Some(r))).transpose()?.unwrap_or(0);
            Intent::SetProgramme {
                programme: None,
                cards,
                rounds,
            }
        }
        "start" => Intent::Start,
        "pause" => Intent::Pause,
        "resume" => Intent::Resume,
        "next" | "advance" => Intent::Advance,
        "skip" => Intent::Skip,
        "next-card" => Intent::ChooseNext { card: text(arg)? },
        "inject" => Intent::Inject { card: text(arg)? },
        "decide" => Intent::Decide {
            option: num(arg)?.saturating_sub(1) as usize,
        },
        "override" => Intent::Override {
            option: num(arg)?.saturating_sub(1) as usize,
        },
        "revoke" => Intent::Revoke,
        "timer" => Intent::SetTimer { secs: num(arg)? },
        "extend" => Intent::ExtendTimer { secs: num(arg)? },
        "move" => Intent::MoveSeat {
            seat: num(arg)?,
            role: text(words.next())?,
        },
        "remove" => Intent::RemoveSeat { seat: num(arg)? },
        "bot" => {
            let role = text(arg)?;
            Intent::AddSeat {
                name: format!("bot-{role}-{}", link.desk(*table).view.seats.len() + 1),
                role: Some(role),
                bot: true,
            }
        }
        "end" => Intent::End,
        other => return Err(format!("unknown command `{other}`; type `help`")),
    };
    core_mut(link, *table)
        .facilitate(&intent)
        .map_err(|e| e.to_string())?;
    Ok(Some(status(link, *table)))
}

/// The deck's programmes, and what this table plays now.
fn programmes(link: &HostLink, table: usize) -> String {
    let desk = link.desk(table);
    let mut out: Vec<String> = desk
        .programmes
        .iter()
        .map(|p| {
            format!(
                "  {:<22} {} ({} rounds, about {} min): {}",
                p.id,
                p.name.nl,
                p.rounds,
                crate::rules::session::workshop_minutes(p.rounds),
                p.description.nl
            )
        })
        .collect();
    if out.is_empty() {
        out.push("  this deck offers no programmes: `cards ID,ID,...` picks cards".into());
    }
    out.push(format!("  now: {}", programme_line(&desk)));
    out.join("\n")
}

/// What a table plays, in a line: its programme or pick, and its rounds.
fn programme_line(desk: &TableDesk) -> String {
    let offer = |id: &String| desk.programmes.iter().find(|p| p.id == *id);
    let what = match &desk.programme {
        None => "the whole deck".to_string(),
        Some(Some(p)) if let Some(o) = offer(p) => format!("programme {} ({})", o.id, o.name.nl),
        Some(_) => format!("own pick: {}", desk.picked.join(",")),
    };
    let rounds = desk.view.rounds;
    format!(
        "{what}, {rounds} rounds, about {} min",
        crate::rules::session::workshop_minutes(rounds)
    )
}

/// A table's number as typed (from 1), as an index.
fn table_number(arg: Option<&str>, link: &HostLink) -> Result<usize, String> {
    let n: usize = arg
        .ok_or("a table number is missing")?
        .parse()
        .map_err(|_| "that is not a table number".to_string())?;
    if n == 0 || n > link.workshop.len() {
        return Err(format!(
            "there is no table {n}: this workshop has {}",
            link.workshop.len()
        ));
    }
    Ok(n - 1)
}

/// Every table in a line: phase, round, people online, votes, meters.
fn tables(link: &HostLink, table: usize) -> String {
    link.desks()
        .iter()
        .enumerate()
        .map(|(i, desk)| {
            let v = &desk.view;
            let votes = v.seats.iter().filter(|s| s.voted).count();
            format!(
                "{} table {}: round {}/{} {:?}{} | {} online of {} seats, {votes} voted | {}",
                if i == table { ">" } else { " " },
                i + 1,
                v.round,
                v.rounds,
                v.phase,
                if v.paused { " (paused)" } else { "" },
                desk.online.len(),
                v.seats.len(),
                meters(v)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The meters of a view in a line: `id value, ...`.
fn meters(v: &View) -> String {
    let m: Vec<String> = v
        .meters
        .iter()
        .map(|m| format!("{} {}", m.id, m.value))
        .collect();
    m.join(", ")
}

/// Tells the console when someone arrives at the door.
/// The laptop's addresses, the one in the QR code marked, or what to do without a network.
fn print_venue(venue: &crate::net::venue::Venue) {
    let chosen = venue.chosen().map(|c| c.ip);
    for a in &venue.addresses {
        let mark = if Some(a.ip) == chosen { "*" } else { " " };
        let kind = crate::words::text(a.kind.word(), &[]).en;
        println!(
            "  network: {mark} {:<15} {:<28} {kind}",
            a.ip.to_string(),
            a.name
        );
    }
    if chosen.is_none() {
        println!("  network:   {}", crate::words::text("venue.none", &[]).en);
    }
}

/// Says once that another device reached the page: the venue's network lets the room in.
fn announce_first_visit(link: Res<HostLink>, mut told: Local<bool>) {
    if *told {
        return;
    }
    if let Some((_, ip)) = link.web.as_ref().and_then(|w| w.first_visit()) {
        *told = true;
        println!("the first browser reached the page (from {ip}): the network lets players in");
    }
}

fn announce_door(link: Res<HostLink>, mut seen: Local<Vec<u64>>) {
    let several = link.workshop.len() > 1;
    let mut now_waiting = Vec::new();
    for (t, table) in link.workshop.tables().iter().enumerate() {
        let at = if several {
            format!("@{} ", t + 1)
        } else {
            String::new()
        };
        for (i, w) in table.core.waiting().iter().enumerate() {
            if !seen.contains(&w.client) {
                println!(
                    "at the door{}: {}. {:?} (type `{at}admit {} ROLE`, or `{at}away {}`)",
                    if several {
                        format!(" of table {}", t + 1)
                    } else {
                        String::new()
                    },
                    i + 1,
                    w.name,
                    i + 1,
                    i + 1
                );
            }
            now_waiting.push(w.client);
        }
    }
    *seen = now_waiting;
}

/// Who waits at the door, numbered for `admit` and `away`.
fn door(link: &HostLink, table: usize) -> String {
    let desk = link.desk(table);
    let state = if desk.room_open {
        "the room is open: newcomers come in after the start"
    } else {
        "the room is closed after the start: newcomers wait here"
    };
    let waiting: Vec<String> = desk
        .waiting
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let wants = w.role.as_deref().unwrap_or("-");
            let claims = w
                .claims
                .map(|s| {
                    let seated = desk.seat_name(s);
                    let other = seated
                        .map(|n| crate::rules::session::written_otherwise(&w.name, n))
                        .unwrap_or_default();
                    let warn = if other.is_empty() {
                        String::new()
                    } else {
                        let chars: Vec<String> = other
                            .iter()
                            .map(|(at, c)| format!("U+{:04X} at {at}", *c as u32))
                            .collect();
                        format!(
                            "; NOT written as {:?}: {}",
                            seated.unwrap_or(""),
                            chars.join(", ")
                        )
                    };
                    format!(", claims seat #{s} (lost its token){warn}")
                })
                .unwrap_or_default();
            format!("  {}. {:?} (asks for {wants}{claims})", i + 1, w.name)
        })
        .collect();
    if waiting.is_empty() {
        format!("{state}; nobody waits")
    } else {
        format!("{state}; waiting:\n{}", waiting.join("\n"))
    }
}

fn status(link: &HostLink, table: usize) -> String {
    let desk = link.desk(table);
    let v = &desk.view;
    let card = v.card.as_ref().map_or(String::from("-"), |c| {
        format!(
            "{} (step {}/{}, {} decides, {} voted)",
            c.id,
            c.step + 1,
            c.steps,
            v.roles[c.deciding_role].id,
            v.seats.iter().filter(|s| s.voted).count()
        )
    });
    let seats: Vec<String> = v
        .seats
        .iter()
        .map(|seat| {
            let role = seat.role.map_or("-", |r| v.roles[r].id.as_str());
            let state = if seat.bot {
                "bot"
            } else if desk.online.contains(&seat.seat) {
                "online"
            } else {
                "offline"
            };
            format!("#{} {} ({role}, {state})", seat.seat, seat.name)
        })
        .collect();
    let table = if link.workshop.len() > 1 {
        format!("table {}: ", table + 1)
    } else {
        String::new()
    };
    format!(
        "{table}round {}/{} {:?} | {} | card {card}\n  plays: {}\n  seats: {}",
        v.round,
        v.rounds,
        v.phase,
        meters(v),
        programme_line(&desk),
        if seats.is_empty() {
            "none yet".to_string()
        } else {
            seats.join(", ")
        }
    )
}

/// The closing summary `serve` prints.
pub fn summary(v: &View) -> String {
    let ending = v.ending.as_ref();
    format!(
        "session over: {} rounds played, {} decisions\n  final meters: {}\n  ending: {:?} — {}",
        v.meter_history.len().saturating_sub(1),
        v.decisions.len(),
        meters(v),
        ending.map(|e| &e.ending),
        ending.map_or("", |e| e.message.get(Lang::En))
    )
}

fn finish(
    link: Res<HostLink>,
    mode: Res<ServeMode>,
    mut exit: MessageWriter<AppExit>,
    mut told: Local<bool>,
) {
    // Asked every tick: the phase alone, a whole view only for the summary.
    if *told || !link.workshop.all_ended() {
        return;
    }
    *told = true;
    let desks = link.desks();
    for (i, d) in desks.iter().enumerate() {
        if desks.len() > 1 {
            println!("table {}:", i + 1);
        }
        println!("{}", summary(&d.view));
    }
    if mode.auto {
        exit.write(AppExit::Success);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::host::{LinkKind, NewSession};
    use crate::net::protocol::{self, ClientMsg, PROTOCOL_VERSION};

    /// A host of `tables` tables on loopback, with no beacon and no page.
    fn host(tables: usize) -> World {
        let director = || Director::new(false, Pace::default(), Strategy::First);
        let (workshop, code) = workshop::new_workshop(NewWorkshop {
            session: NewSession {
                seed: Some(3),
                rounds: Some(3),
                ..Default::default()
            },
            tables,
            decks: &[],
            director: &director,
        })
        .unwrap();
        let mut world = World::new();
        start_host(
            &mut world,
            workshop,
            HostConfig {
                bind: "127.0.0.1:0".parse().unwrap(),
                code,
                announce: None,
                extra_public: Vec::new(),
                web: None,
            },
        )
        .unwrap();
        world
    }

    #[test]
    fn the_console_lets_in_whoever_waits_at_its_own_tables_door() {
        let mut world = host(2);
        let mut link = world.resource_mut::<HostLink>();
        let mut table = 0;
        let mut say = |line: &str, link: &mut HostLink| command(line, link, &mut table);
        say("@2 bot wethouder", &mut link).unwrap();
        say("@2 start", &mut link).unwrap();
        // After the start the room is closed: a newcomer at table 2 waits at its door.
        let t = Duration::ZERO;
        assert!(link.workshop.connect_link(7, LinkKind::Udp, t));
        let hello = protocol::encode(&ClientMsg::Hello {
            version: PROTOCOL_VERSION,
            name: "Noor".into(),
            role: Some("raadslid".into()),
            rejoin: None,
            lang: Default::default(),
            table: Some(2),
        });
        link.workshop.receive(7, &hello, t);
        let door = say("@2 door", &mut link).unwrap().unwrap();
        assert!(door.contains("1. \"Noor\""), "{door}");
        let at_one = say("@1 admit 1", &mut link).unwrap().unwrap();
        assert!(at_one.contains("nobody waits"), "{at_one}");
        say("@2 admit 1 raadslid", &mut link).unwrap();
        let seated = link.desk(1);
        assert!(
            seated.view.seats.iter().any(|s| s.name == "Noor"),
            "{:?}",
            seated.view.seats
        );
        assert!(seated.waiting.is_empty());
    }
}
