//! `deck check` and `deck simulate`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::rules::bot::Strategy;
use crate::rules::deck::{self, Deck, DeckError};
use crate::rules::lint::{self, Finding};
use crate::rules::simulate;

/// Checks and lints each file; writes summaries to `out` and problems and warnings to `err`.
/// Returns the exit code: 0 only when every deck is valid (and, with `strict`, has no warning).
pub fn check(
    files: &[std::path::PathBuf],
    strict: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32 {
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut failed = false;
    let mut report =
        |name: &str, source: &str, result: Result<(Arc<Deck>, Vec<Finding>), DeckError>| {
            match result {
                Ok((d, found)) if found.is_empty() || !strict => {
                    let _ = write!(err, "{}", lint::warnings(name, &found));
                    let warned = if found.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", plural(found.len(), "warning"))
                    };
                    let _ = writeln!(out, "{name}: ok — {}{warned}", deck::summary(&d));
                }
                Ok((_, found)) => {
                    failed = true;
                    let _ = write!(err, "{}", lint::warnings(name, &found));
                    let _ = writeln!(
                        err,
                        "{name}: {} (--strict makes them errors)",
                        plural(found.len(), "warning")
                    );
                }
                Err(e) => {
                    failed = true;
                    let _ = write!(err, "{}", deck::with_context(&e, source));
                    let _ = writeln!(err, "{name}: {}", plural(e.diagnostics.len(), "problem"));
                }
            }
        };
    if files.is_empty() {
        report(
            deck::DEFAULT_DECK_NAME,
            deck::DEFAULT_DECK,
            lint::check(deck::DEFAULT_DECK_NAME, deck::DEFAULT_DECK),
        );
    }
    for f in files {
        let name = f.display().to_string();
        match Deck::read_source(f) {
            Ok((_, source)) => report(&name, &source, lint::check(&name, &source)),
            Err(e) => report(&name, "", Err(e)),
        }
    }
    i32::from(failed)
}

fn load(file: Option<&Path>) -> Result<Deck, DeckError> {
    match file {
        Some(f) => Deck::load(f),
        None => Deck::default_deck(),
    }
}

/// What `deck simulate` was asked.
pub struct SimulateArgs<'a> {
    pub file: Option<&'a Path>,
    pub runs: u64,
    pub seed: u64,
    pub strategy: &'a str,
    pub rounds: Option<u32>,
    pub threads: Option<usize>,
    pub programme: crate::rules::session::ProgrammeChoice,
    pub json: bool,
    /// The rules' edition to play under.
    pub edition: u32,
}

/// `deck simulate`: plays `runs` sessions on every core (or `threads`), prints the balance
/// report and the throughput per thread and in all (or the figures as JSON).
pub fn simulate(args: SimulateArgs<'_>) -> i32 {
    let SimulateArgs {
        file,
        runs,
        seed,
        strategy,
        rounds,
        threads,
        programme,
        json,
        edition,
    } = args;
    let strategy: Strategy = match strategy.parse() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let deck = match load(file) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let rounds = match simulate::programme_rounds(&deck, &programme, rounds.unwrap_or(0)) {
        Ok(r) => r,
        Err(e) => {
            let offered: Vec<&str> = deck.programmes.iter().map(|p| p.id.as_str()).collect();
            eprintln!(
                "error: {e}{}",
                if offered.is_empty() {
                    " (this deck offers no programmes)".to_string()
                } else {
                    format!(" (this deck offers: {})", offered.join(", "))
                }
            );
            return 2;
        }
    };
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .clamp(1, 256);
    let done = AtomicU64::new(0);
    let bar = (std::io::stderr().is_terminal() && runs >= 50_000).then(|| {
        let bar = ProgressBar::new(runs);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} sessions  {per_sec}  about {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let start = Instant::now();
    let mut balance = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            simulate::simulate_edition(
                &deck,
                runs,
                seed,
                (rounds, strategy, &programme),
                edition,
                threads,
                &done,
            )
        });
        while !worker.is_finished() {
            if let Some(bar) = &bar {
                bar.set_position(done.load(Ordering::Relaxed));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        worker
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    });
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if json {
        match serde_json::to_string_pretty(&balance.summary(&deck)) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
        return 0;
    }
    print!("{}", balance.report(&deck));
    let rate = runs as f64 / secs;
    println!(
        "\nThroughput: {runs} sessions in {secs:.2} s on {threads} thread{} = {rate:.0} sessions/s \
         ({:.1} million per minute), {:.0} sessions/s per thread",
        if threads == 1 { "" } else { "s" },
        rate * 60.0 / 1e6,
        rate / threads as f64
    );
    0
}

/// `deck graph`: the deck's structure as SVG or DOT.
pub fn graph(file: Option<&Path>, out: Option<&Path>) -> i32 {
    let deck = match load(file) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let balance = simulate::simulate(
        &deck,
        lint::LINT_RUNS,
        lint::LINT_SEED,
        deck.rounds,
        Strategy::Random,
    );
    let never = balance.never_drawn(&deck);
    let g = crate::rules::graph::graph(&deck, &never);
    let title = format!("{} ({})", deck.title.nl, deck.id);
    let svg = out.is_some_and(|p| p.extension().is_some_and(|e| e == "svg"));
    let text = if svg {
        crate::rules::graph::svg(&g, &title, crate::rules::Lang::Nl)
    } else {
        crate::rules::graph::dot(&g, &title, crate::rules::Lang::Nl)
    };
    match out {
        None => {
            print!("{text}");
            0
        }
        Some(p) => match std::fs::write(p, text) {
            Ok(()) => {
                println!(
                    "{}: {} cards, {} flags, {} links{}",
                    p.display(),
                    deck.cards.len(),
                    deck.flags.len(),
                    g.edges.len(),
                    if never.is_empty() {
                        String::new()
                    } else {
                        format!("; never drawn: {}", never.join(", "))
                    }
                );
                0
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", p.display());
                1
            }
        },
    }
}

/// `deck preview`: the window on one card, as a role sees it.
pub fn preview(
    file: Option<&Path>,
    card: String,
    role: Option<String>,
    lang: &str,
    screenshot: Option<std::path::PathBuf>,
) -> i32 {
    let deck = match load(file) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let Some(lang) = crate::rules::Lang::from_code(lang) else {
        eprintln!("error: --lang is nl or en");
        return 2;
    };
    // Refuse an unknown card or role here, in words, before a window opens.
    if let Err(e) =
        crate::rules::preview::session_on_card(Arc::clone(&deck), &card, role.as_deref())
    {
        eprintln!("error: {e}");
        return 1;
    }
    crate::ui::run(crate::ui::WindowOptions {
        screenshot,
        screen: None,
        demo: false,
        demo_tables: 1,
        demo_resolve: false,
        lang,
        projector: false,
        projector_window: false,
        projector_size: None,
        replay: None,
        join: None,
        preview: Some(crate::ui::PreviewCard { deck, card, role }),
        map: None,
    })
}

/// `deck graph --window`: the deck map in the window.
pub fn graph_window(file: Option<&Path>, screenshot: Option<std::path::PathBuf>) -> i32 {
    let deck = match load(file) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    crate::ui::run(crate::ui::WindowOptions {
        screenshot,
        map: Some(crate::ui::deck_map::DeckMap::of(&deck)),
        ..Default::default()
    })
}
