//! The command line: argument parsing and the headless commands. The window is the default.

pub(crate) mod bench;
pub(crate) mod bench_web;
pub mod bot;
pub mod deck;
pub mod journals;
pub mod report;
pub mod serve;
pub mod sessions;
pub mod watch;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "kantelspel",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("KANTELSPEL_COMMIT"), ")"),
    about = "Kantelspel — a workshop simulation of de Kanteling in the Dutch social domain",
    long_about = "Kantelspel — a workshop simulation of de Kanteling in the Dutch social domain.\n\nWithout a command it opens the game window."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Save a picture of the window to this PNG file after a few frames, and exit.
    #[arg(long, global = false)]
    pub screenshot: Option<PathBuf>,
    /// The screen to show: start, host, join, round, facilitator, debrief.
    #[arg(long)]
    pub screen: Option<String>,
    /// Fill the screen with a demo session (for screenshots and trying things out).
    #[arg(long)]
    pub demo: bool,
    /// The interface language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    /// Show the facilitator's screen as the projector view (large, without the controls).
    #[arg(long)]
    pub projector: bool,
    /// Open the projector window beside the facilitator's (with --screenshot: picture it).
    #[arg(long)]
    pub projector_window: bool,
    /// The projector window's size when it opens, e.g. 1920x1080 (the beamer's).
    #[arg(long, value_parser = parse_size)]
    pub projector_size: Option<(u32, u32)>,
    /// Join the session at this address at once (with --code and --name).
    #[arg(long, requires_all = ["code", "name"])]
    pub connect: Option<std::net::SocketAddr>,
    /// The session's join code, with --connect.
    #[arg(long)]
    pub code: Option<String>,
    /// Your name, with --connect.
    #[arg(long)]
    pub name: Option<String>,
    /// The role to take, with --connect.
    #[arg(long)]
    pub role: Option<String>,
    /// With --connect: the table to sit at in a workshop of several (from 1).
    #[arg(long, requires = "connect")]
    pub table: Option<u8>,
    /// With --demo on the facilitator's screen: the vote closes a moment after the window
    /// opens, to show a resolution as the room sees it.
    #[arg(long, requires = "demo")]
    pub demo_resolve: bool,
    /// With --demo: a workshop of this many tables, each played its own way.
    #[arg(long, requires = "demo", default_value_t = 1)]
    pub tables: usize,
}

/// A window size as WIDTHxHEIGHT.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or("a size is WIDTHxHEIGHT, e.g. 1920x1080")?;
    let n = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (320..=7680).contains(n))
            .ok_or(format!("{s:?} is no window size between 320 and 7680"))
    };
    Ok((n(w)?, n(h)?))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check and simulate scenario decks.
    #[command(subcommand)]
    Deck(DeckCommand),
    /// Host a session without a window; the facilitator types commands.
    Serve(Box<serve::ServeArgs>),
    /// A headless player that joins a session in a role and votes.
    Bot(bot::BotArgs),
    /// List the sessions announcing themselves on the local network.
    Sessions(sessions::SessionsArgs),
    /// Measure performance.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write a session's report (HTML, JSON or CSV) from its journal.
    Report(report::ReportArgs),
    /// Open the debrief on a journal and walk through the session round by round.
    Replay(report::ReplayArgs),
    /// The journals kept: list them, forget them, replace their names.
    Journals(journals::JournalsArgs),
    /// Earlier sessions without names, for the debrief's comparison: list, carry, forget.
    Archive(journals::ArchiveArgs),
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// A host and N players over loopback UDP: resolution latency, idle host CPU, bytes per round.
    Net(bench::BenchNetArgs),
    /// A host and N browser players over loopback WebSockets: resolution to the last player,
    /// bytes per player per round, host CPU.
    Web(bench_web::BenchWebArgs),
}

#[derive(Debug, Subcommand)]
pub enum DeckCommand {
    /// Validate deck files; prints a summary per valid deck, every problem of an invalid one,
    /// and warnings: free or dominated options, flags that lead nowhere, cards that never come up.
    Check {
        /// Deck files (.ron). Without any, the embedded default deck is checked.
        files: Vec<PathBuf>,
        /// Treat warnings as errors (exit 1), as the shipped decks are held to.
        #[arg(long)]
        strict: bool,
    },
    /// Draw the deck as a graph: cards by the round they first come up in, follow-ups, flags
    /// and the cards they open or close, cards that are never drawn.
    Graph {
        /// The deck file; the embedded default deck when left out.
        file: Option<PathBuf>,
        /// Where to write it: `.svg` (drawn here) or `.dot` (for Graphviz); standard output as
        /// DOT when left out.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Show it in the window instead ("Deckkaart").
        #[arg(long, conflicts_with = "out")]
        window: bool,
        /// With --window: save a picture of it to this PNG file and exit.
        #[arg(long, requires = "window")]
        screenshot: Option<PathBuf>,
    },
    /// Open the window on one card as a role sees it (briefing, step, options), with each
    /// option's outcome and effects beside it: a trainer reads their text as players will.
    Preview {
        /// The deck file; the embedded default deck when left out.
        file: Option<PathBuf>,
        /// The card's id.
        #[arg(long)]
        card: String,
        /// The role to see it as; the role of the card's first step when left out.
        #[arg(long)]
        role: Option<String>,
        /// The interface language: nl or en.
        #[arg(long, default_value = "nl")]
        lang: String,
        /// Save a picture of the preview to this PNG file and exit.
        #[arg(long)]
        screenshot: Option<PathBuf>,
    },
    /// Check a deck again every time its file is saved (and simulate it briefly); Ctrl-C stops.
    Watch {
        /// The deck file.
        file: PathBuf,
    },
    /// Play many sessions with bots and print a balance report.
    Simulate(deck::SimulateArgs),
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Some(Command::Deck(DeckCommand::Preview {
            file,
            card,
            role,
            lang,
            screenshot,
        })) => deck::preview(file.as_deref(), card, role, &lang, screenshot),
        Some(Command::Deck(DeckCommand::Graph {
            file,
            out,
            window,
            screenshot,
        })) => {
            if window {
                deck::graph_window(file.as_deref(), screenshot)
            } else {
                deck::graph(file.as_deref(), out.as_deref())
            }
        }
        Some(Command::Deck(DeckCommand::Watch { file })) => {
            let mut out = std::io::stdout().lock();
            match watch::watch(&file, &mut out, |_| true) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: {e}");
                    1
                }
            }
        }
        Some(Command::Deck(DeckCommand::Check { files, strict })) => {
            let mut out = std::io::stdout().lock();
            let mut err = std::io::stderr().lock();
            deck::check(&files, strict, &mut out, &mut err)
        }
        Some(Command::Deck(DeckCommand::Simulate(args))) => deck::simulate(args),
        Some(Command::Serve(args)) => serve::run(*args),
        Some(Command::Bot(args)) => bot::run(args),
        Some(Command::Sessions(args)) => sessions::run(args),
        Some(Command::Bench(BenchCommand::Net(args))) => bench::run(args),
        Some(Command::Bench(BenchCommand::Web(args))) => bench_web::run(args),
        Some(Command::Report(args)) => report::run_report(args),
        Some(Command::Replay(args)) => report::run_replay(args),
        Some(Command::Journals(args)) => journals::run_journals(args),
        Some(Command::Archive(args)) => journals::run_archive(args),
        None => {
            let lang = match crate::rules::Lang::from_code(&cli.lang) {
                Some(l) => l,
                None => {
                    eprintln!("error: --lang is nl or en");
                    return 2;
                }
            };
            let screen = match cli
                .screen
                .as_deref()
                .map(crate::ui::screens::Screen::from_name)
            {
                Some(None) => {
                    eprintln!(
                        "error: --screen is one of start, host, join, round, facilitator, debrief"
                    );
                    return 2;
                }
                Some(s) => s,
                None => None,
            };
            crate::ui::run(crate::ui::WindowOptions {
                screenshot: cli.screenshot,
                screen,
                demo: cli.demo,
                demo_tables: cli.tables,
                demo_resolve: cli.demo_resolve,
                lang,
                projector: cli.projector,
                projector_window: cli.projector_window,
                projector_size: cli
                    .projector_size
                    .map(|(w, h)| crate::ui::projector::ProjectorSize(w, h)),
                replay: None,
                join: cli.connect.map(|addr| crate::ui::JoinNow {
                    addr,
                    code: cli.code.unwrap_or_default(),
                    name: cli.name.unwrap_or_default(),
                    role: cli.role,
                    table: cli.table,
                }),
                preview: None,
                map: None,
            })
        }
    }
}
