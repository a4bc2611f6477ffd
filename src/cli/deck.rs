//! `deck check` and `deck simulate`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

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
    let mut report = |name: &str, result: Result<(Arc<Deck>, Vec<Finding>), DeckError>| match result
    {
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
            let _ = writeln!(err, "{e}");
            let _ = writeln!(err, "{name}: {}", plural(e.diagnostics.len(), "problem"));
        }
    };
    if files.is_empty() {
        report(
            deck::DEFAULT_DECK_NAME,
            lint::check(deck::DEFAULT_DECK_NAME, deck::DEFAULT_DECK),
        );
    }
    for f in files {
        let result = Deck::read_source(f).and_then(|(name, source)| lint::check(&name, &source));
        report(&f.display().to_string(), result);
    }
    i32::from(failed)
}

fn load(file: Option<&Path>) -> Result<Deck, DeckError> {
    match file {
        Some(f) => Deck::load(f),
        None => Deck::default_deck(),
    }
}

pub fn simulate(
    file: Option<&Path>,
    runs: u64,
    seed: u64,
    strategy: &str,
    rounds: Option<u32>,
) -> i32 {
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
    let rounds = rounds
        .unwrap_or(deck.rounds)
        .clamp(1, crate::rules::session::MAX_ROUNDS);
    let show_progress = std::io::stderr().is_terminal() && runs >= 200_000;
    let start = Instant::now();
    let mut balance = simulate::simulate(&deck, runs, seed, rounds, strategy, |done| {
        if show_progress {
            let width = 30;
            let filled = (done * width / runs.max(1)) as usize;
            eprint!(
                "\r[{}{}] {done}/{runs}",
                "#".repeat(filled),
                "-".repeat(width as usize - filled)
            );
        }
    });
    let secs = start.elapsed().as_secs_f64();
    if show_progress {
        eprintln!("\r[{}] {runs}/{runs}", "#".repeat(30));
    }
    print!("{}", balance.report(&deck));
    println!(
        "\nThroughput: {runs} sessions in {secs:.2} s = {:.0} sessions/s ({:.1} million per minute, one core)",
        runs as f64 / secs.max(1e-9),
        runs as f64 / secs.max(1e-9) * 60.0 / 1e6
    );
    0
}
