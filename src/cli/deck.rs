//! `deck check` and `deck simulate`.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::rules::bot::Strategy;
use crate::rules::deck::{self, Deck, DeckError};
use crate::rules::lint::{self, Finding};
use crate::rules::session::RULES_EDITION;
use crate::rules::simulate::{self, Balance};

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
        match crate::deck_file::read_source(f) {
            Ok((_, source)) => report(&name, &source, lint::check(&name, &source)),
            Err(e) => report(&name, "", Err(e)),
        }
    }
    i32::from(failed)
}

fn load(file: Option<&Path>) -> Result<Deck, DeckError> {
    match file {
        Some(f) => crate::deck_file::load(f),
        None => Deck::default_deck(),
    }
}

/// What `deck simulate` is asked.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// The deck file; the embedded default deck when left out.
    pub file: Option<std::path::PathBuf>,
    /// How many complete sessions to play.
    #[arg(long, default_value_t = 10_000)]
    pub runs: u64,
    /// The first seed; run i uses seed + i.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How bots choose: random, role (leaning as people in the role do), steady (keeps
    /// meters away from their tipping points) or first.
    #[arg(long, default_value = "random")]
    pub strategy: String,
    /// Rounds per session; the programme's (or the deck's) own number when left out.
    #[arg(long)]
    pub rounds: Option<u32>,
    /// Threads to play on; every core when left out. The report is the same for any number.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Play a programme the deck offers instead of the whole deck.
    #[arg(long, conflicts_with = "cards")]
    pub programme: Option<String>,
    /// Play an own pick of cards, comma-separated, in this order.
    #[arg(long, value_delimiter = ',')]
    pub cards: Vec<String>,
    /// Print the figures as one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Play under an older edition of the rules (1: before crises came first and delayed
    /// effects landed before the end), for before-and-after figures.
    #[arg(long, default_value_t = RULES_EDITION, value_parser = clap::value_parser!(u32).range(1..=i64::from(RULES_EDITION)))]
    pub edition: u32,
}

/// `deck simulate`: plays `runs` sessions on every core (or `threads`), prints the balance
/// report and the throughput per thread and in all (or the figures as JSON).
pub fn simulate(args: SimulateArgs) -> i32 {
    let SimulateArgs {
        file,
        runs,
        seed,
        strategy,
        rounds,
        threads,
        programme,
        cards,
        json,
        edition,
    } = args;
    let (file, programme) = (
        file.as_deref(),
        crate::rules::session::ProgrammeChoice { programme, cards },
    );
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
    print!("{}", balance_report(&mut balance, &deck));
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
pub(crate) fn graph_window(file: Option<&Path>, screenshot: Option<std::path::PathBuf>) -> i32 {
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

/// The report `deck simulate` prints: how sessions ended, the meters at the end, every card
/// and option, and what the room will feel (roles, meters, flags, delayed effects).
pub fn balance_report(b: &mut Balance, deck: &Deck) -> String {
    let mut out = String::new();
    let pct = |n: u64| 100.0 * n as f64 / b.runs.max(1) as f64;
    let _ = writeln!(
        out,
        "{} sessions of {} rounds, strategy {}, programme {}",
        b.runs, b.rounds, b.strategy, b.programme
    );
    let _ = writeln!(
        out,
        "\nHow sessions ended:\n  all rounds played   {:>8}  {:5.1}%",
        b.completed,
        pct(b.completed)
    );
    for (m, meter) in deck.meters.iter().enumerate() {
        for (t, th) in meter.thresholds.iter().enumerate() {
            let (n, early) = b.ended_by[m][t];
            if th.then == deck::Then::EndSession {
                let bound = match th.when {
                    deck::Bound::Below(x) => format!("{} < {x}", meter.id),
                    deck::Bound::Above(x) => format!("{} > {x}", meter.id),
                };
                let _ = writeln!(
                    out,
                    "  {bound:<19} {n:>8}  {:5.1}%  ({:.1}% before round {})",
                    pct(n),
                    pct(early),
                    simulate::EARLY_BEFORE_ROUND
                );
            }
        }
    }
    if b.exhausted > 0 {
        let _ = writeln!(
            out,
            "  no card left        {:>8}  {:5.1}%",
            b.exhausted,
            pct(b.exhausted)
        );
    }
    let rounds: Vec<String> = b
        .ended_in_round
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(r, n)| format!("r{r}: {n}"))
        .collect();
    if !rounds.is_empty() {
        let _ = writeln!(out, "  early endings by round: {}", rounds.join(", "));
    }
    let _ = writeln!(out, "\nMeters at the end (min / p10 / median / p90 / max):");
    for (m, meter) in deck.meters.iter().enumerate() {
        let v = &mut b.finals[m];
        v.sort_unstable();
        let q = |p: f64| {
            v.get(((v.len() as f64 - 1.0) * p) as usize)
                .copied()
                .unwrap_or(0)
        };
        let _ = writeln!(
            out,
            "  {:<16} {:>4} / {:>4} / {:>4} / {:>4} / {:>4}",
            meter.id,
            q(0.0),
            q(0.1),
            q(0.5),
            q(0.9),
            q(1.0)
        );
    }
    let _ = writeln!(
        out,
        "\nCards (times played, then how often each option was chosen):"
    );
    for (c, card) in deck.cards.iter().enumerate() {
        let mut line = format!("  {:<28} {:>9}", card.id, b.drawn[c]);
        for (s, step) in card.steps.iter().enumerate() {
            let total: u64 = b.chosen[c][s].iter().sum();
            let shares: Vec<String> = step
                .options
                .iter()
                .zip(&b.chosen[c][s])
                .map(|(o, n)| format!("{} {:.0}%", o.id, 100.0 * *n as f64 / total.max(1) as f64))
                .collect();
            let _ = write!(
                line,
                "  [{}: {}]",
                deck.roles[step.role].id,
                shares.join(", ")
            );
        }
        let _ = writeln!(out, "{line}");
    }
    let never = b.never_drawn(deck);
    if never.is_empty() {
        let _ = writeln!(out, "\nEvery card was played at least once.");
    } else {
        let _ = writeln!(out, "\nNever played: {}", never.join(", "));
    }
    let summary = b.summary(deck);
    let _ = writeln!(
        out,
        "\nRoles (decisions per session; sessions in which the role never decides):"
    );
    for r in &summary.roles {
        let _ = writeln!(
            out,
            "  {:<24} {:>5.2}   never {:5.1}%",
            r.id,
            r.decisions_per_session,
            100.0 * r.never_share
        );
    }
    let _ = writeln!(
        out,
        "\nMeters (sessions it ends; sessions it comes within a tenth of a tipping point):"
    );
    for m in &summary.meters {
        let _ = writeln!(
            out,
            "  {:<24} {}   danger {:5.1}%",
            m.id,
            if m.can_end {
                format!("ends {:5.1}%", 100.0 * m.ends_share)
            } else {
                "cannot end ".to_string()
            },
            100.0 * m.danger_share
        );
    }
    if !summary.flags.is_empty() {
        let _ = writeln!(
            out,
            "\nFlags (sessions that raise it; of those, sessions that then play a card it opens):"
        );
        for f in &summary.flags {
            let opened = match f.opened_card_share {
                Some(s) => format!("its card comes in {:5.1}%", 100.0 * s),
                None => "opens no card, or never raised".to_string(),
            };
            let _ = writeln!(
                out,
                "  {:<24} raised {:5.1}%   {opened}",
                f.id,
                100.0 * f.raised_share
            );
        }
    }
    let late: Vec<&simulate::LateFigures> = summary
        .late_effects
        .iter()
        .filter(|l| l.dropped_share > 0.0)
        .collect();
    if !late.is_empty() {
        let _ = writeln!(
            out,
            "\nDelayed effects that fall after the end (share of the option's plays):"
        );
        for l in late {
            let _ = writeln!(
                out,
                "  {:<44} {:5.1}% of {}",
                format!("{}/{}", l.card, l.option),
                100.0 * l.dropped_share,
                l.plays
            );
        }
    }
    let findings = lint::lint_static(deck, &deck::Places::default());
    let _ = writeln!(
        out,
        "\nPrices and flags (deck check --strict refuses these):"
    );
    out.push_str(&lint::report(&findings));
    out
}
