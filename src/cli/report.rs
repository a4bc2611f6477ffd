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
    /// The session's journal (`~/kantelspel-journals/*.journal`), or a workshop's file
    /// (`*.workshop`) for one report with every table side by side.
    pub journal: PathBuf,
    /// Where to write the report; `-` for standard output. Default: next to the journal.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The report's language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    #[arg(long, value_enum, default_value_t = Format::Html)]
    pub format: Format,
    /// Name the players. Without it a report names roles and seats ("Raadslid 2"): it leaves
    /// the room, the names need not.
    #[arg(long)]
    pub names: bool,
    /// Compare with the earlier sessions in this archive folder (default: the data folder's).
    #[arg(long)]
    pub archive: Option<PathBuf>,
    /// Leave out the comparison with earlier sessions.
    #[arg(long, conflicts_with = "archive")]
    pub no_archive: bool,
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
    load_with(path, None, true)
}

/// A journal read for a report: compared with `archive`, and with its names or without.
fn load_with(
    path: &Path,
    archive: Option<&crate::archive::Archive>,
    names: bool,
) -> Result<Loaded, String> {
    let text = crate::net::journal_file::read_text(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let (record, meta) = report::from_journal_with(&text, archive)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let record = if names {
        record
    } else {
        report::without_names(&record, &report::people_in(&text))
    };
    Ok(Loaded { record, meta })
}

fn lang_of(code: &str) -> Result<Lang, String> {
    Lang::from_code(code).ok_or_else(|| format!("--lang is nl or en, not {code:?}"))
}

/// A workshop's tables read from their journals, in table order.
pub fn load_workshop(path: &Path) -> Result<(String, Vec<Loaded>), String> {
    load_workshop_with(path, None, true)
}

fn load_workshop_with(
    path: &Path,
    archive: Option<&crate::archive::Archive>,
    names: bool,
) -> Result<(String, Vec<Loaded>), String> {
    let manifest = crate::net::workshop::Manifest::read(path)?;
    let tables = manifest
        .journals(path)
        .iter()
        .map(|j| load_with(j, archive, names))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((manifest.name, tables))
}

pub(crate) fn run_report(args: ReportArgs) -> i32 {
    let workshop = crate::net::workshop::is_manifest(&args.journal);
    let archive = (!args.no_archive).then(|| {
        crate::archive::Archive::at(
            args.archive
                .clone()
                .unwrap_or_else(|| crate::places::Places::here().archive()),
        )
    });
    let result = lang_of(&args.lang).and_then(|lang| {
        let (name, tables) = if workshop {
            load_workshop_with(&args.journal, archive.as_ref(), args.names)?
        } else {
            (
                String::new(),
                vec![load_with(&args.journal, archive.as_ref(), args.names)?],
            )
        };
        let text = match (workshop, args.format) {
            (false, Format::Html) => report::html(&tables[0].record, &tables[0].meta, lang),
            (false, Format::Json) => report::json(&tables[0].record, &tables[0].meta, lang),
            (false, Format::Csv) => report::csv(&tables[0].record, lang),
            (true, format) => {
                let pairs: Vec<_> = tables
                    .iter()
                    .map(|t| (t.record.clone(), t.meta.clone()))
                    .collect();
                match format {
                    Format::Html => crate::comparison::html(&name, &pairs, lang),
                    Format::Json => crate::comparison::json(&name, &pairs, lang),
                    Format::Csv => crate::comparison::csv(&pairs, lang),
                }
            }
        };
        Ok((tables, text))
    });
    let (tables, text) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    for (t, loaded) in tables.iter().enumerate() {
        if let Some(w) = &loaded.meta.warning {
            if workshop {
                eprintln!("warning: table {}: {w}", t + 1);
            } else {
                eprintln!("warning: {w}");
            }
        }
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
            let rounds: Vec<String> = tables
                .iter()
                .map(|t| crate::rules::view::rounds_recorded(&t.record).to_string())
                .collect();
            let decisions: usize = tables.iter().map(|t| t.record.decisions.len()).sum();
            if workshop {
                println!(
                    "{} tables, {} rounds, {decisions} decisions: {}",
                    tables.len(),
                    rounds.join("/"),
                    out.display()
                );
            } else {
                println!(
                    "{} rounds, {decisions} decisions: {}",
                    rounds[0],
                    out.display()
                );
            }
            0
        }
        Err(e) => {
            eprintln!("error: {}: {e}", out.display());
            1
        }
    }
}

pub(crate) fn run_replay(args: ReplayArgs) -> i32 {
    let loaded = match lang_of(&args.lang).and_then(|l| {
        // The debrief on the laptop: with names, compared with the archive's earlier tables.
        let archive = crate::archive::Archive::at(crate::places::Places::here().archive());
        load_with(&args.journal, Some(&archive), true).map(|r| (l, r))
    }) {
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
        demo_resolve: false,
        lang,
        projector: false,
        projector_window: false,
        projector_size: None,
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
