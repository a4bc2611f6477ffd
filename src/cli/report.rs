//! `kantelspel report` and `kantelspel replay`: the debrief from a journal file alone, without
//! the network.

use std::path::{Path, PathBuf};

use crate::report;
use crate::rules::Lang;
use crate::rules::view::View;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A self-contained page for people (opens offline in any browser).
    Html,
    /// Meters, their history, every decision and the ending, for machines.
    Json,
    /// The decisions table, one row per decision.
    Csv,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The session's journal (`~/kantelspel-journals/*.journal`).
    pub journal: PathBuf,
    /// Where to write the report; `-` for standard output. Default: next to the journal.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The report's language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    #[arg(long, value_enum, default_value_t = Format::Html)]
    pub format: Format,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReplayArgs {
    /// The session's journal.
    pub journal: PathBuf,
    /// The interface language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    /// Open at this round (0 is the start); the last round when left out.
    #[arg(long)]
    pub round: Option<u32>,
    /// Save a picture of the window to this PNG file after a few frames, and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
}

/// A journal read for the debrief: its record, where it came from, and any warning.
pub struct Loaded {
    pub record: View,
    pub meta: report::Meta,
}

pub fn load(path: &Path) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // A journal cut off mid-character is still read up to the damage.
    let text = String::from_utf8_lossy(&bytes);
    let (record, meta) =
        report::from_journal(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Loaded { record, meta })
}

fn lang_of(code: &str) -> Result<Lang, String> {
    Lang::from_code(code).ok_or_else(|| format!("--lang is nl or en, not {code:?}"))
}

pub fn run_report(args: ReportArgs) -> i32 {
    let result = lang_of(&args.lang).and_then(|lang| {
        let loaded = load(&args.journal)?;
        let text = match args.format {
            Format::Html => report::html(&loaded.record, &loaded.meta, lang),
            Format::Json => report::json(&loaded.record, &loaded.meta, lang),
            Format::Csv => report::csv(&loaded.record, lang),
        };
        Ok((loaded, text))
    });
    let (loaded, text) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if let Some(w) = &loaded.meta.warning {
        eprintln!("warning: {w}");
    }
    let out = args
        .out
        .unwrap_or_else(|| args.journal.with_extension(args.format.extension()));
    if out == Path::new("-") {
        print!("{text}");
        return 0;
    }
    match std::fs::write(&out, text) {
        Ok(()) => {
            println!(
                "{} rounds, {} decisions: {}",
                crate::rules::view::rounds_recorded(&loaded.record),
                loaded.record.decisions.len(),
                out.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            1
        }
    }
}

pub fn run_replay(args: ReplayArgs) -> i32 {
    let loaded = match lang_of(&args.lang).and_then(|l| load(&args.journal).map(|r| (l, r))) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let (lang, loaded) = loaded;
    if let Some(w) = &loaded.meta.warning {
        eprintln!("warning: {w}");
    }
    crate::ui::run(crate::ui::WindowOptions {
        screenshot: args.screenshot,
        screen: Some(crate::ui::screens::Screen::Debrief),
        demo: false,
        demo_tables: 1,
        lang,
        projector: false,
        projector_window: false,
        replay: Some(crate::ui::screens::Replay::new(
            loaded.record,
            loaded.meta,
            args.round,
        )),
        join: None,
        preview: None,
        map: None,
    })
}
