//! `kantelspel journals` and `kantelspel archive`: what the workshop keeps, shown, stripped of
//! names and forgotten, from the command line.

use std::path::PathBuf;

use clap::Subcommand;

use crate::archive::Archive;
use crate::keeping;
use crate::places::Places;

#[derive(Debug, Clone, clap::Args)]
pub struct JournalsArgs {
    /// The journal folder; the documents folder's `Kantelspel` when left out.
    #[arg(long, global = true)]
    pub dir: Option<PathBuf>,
    #[command(subcommand)]
    pub what: JournalsCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum JournalsCommand {
    /// Each session and workshop: date, deck, programme, tables, players, ended or not, size.
    List,
    /// Delete journals (or workshop files) and what belongs to them: reports, a workshop's tables.
    Forget {
        files: Vec<PathBuf>,
        /// Or: everything of the program's in the folder last written more than DAYS days ago.
        #[arg(long, conflicts_with = "files")]
        older_than: Option<u32>,
    },
    /// Replace every name (players, observers, and those names in notes) by role and number,
    /// in place; the journal still replays, resumes and reports.
    Pseudonymise {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Move the journals an earlier version kept in `~/kantelspel-journals` to the journal
    /// folder (asked once).
    MoveOld {
        /// Leave them where they are, and stop asking.
        #[arg(long)]
        leave: bool,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct ArchiveArgs {
    /// The archive folder; `archive` in the data folder when left out.
    #[arg(long, global = true)]
    pub dir: Option<PathBuf>,
    #[command(subcommand)]
    pub what: ArchiveCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ArchiveCommand {
    /// Earlier sessions per deck and deck version.
    List,
    /// Write every earlier session to one file (no names in it), to carry elsewhere.
    Export { file: PathBuf },
    /// Add the sessions of an exported file; one already here is not counted twice.
    Import { file: PathBuf },
    /// Forget one deck's earlier sessions (by the deck's id), or all of them.
    Forget { deck: Option<String> },
}

fn in_folder(dir: &std::path::Path, file: &std::path::Path) -> PathBuf {
    if file.components().count() == 1 && !file.exists() {
        dir.join(file)
    } else {
        file.to_path_buf()
    }
}

pub(crate) fn run_journals(args: JournalsArgs) -> i32 {
    let places = Places::here();
    let dir = args.dir.unwrap_or_else(|| places.journals.clone());
    match args.what {
        JournalsCommand::MoveOld { leave } => {
            let mut settings = crate::places::Settings::load(&places.settings());
            let Some(old) = places.old_journals() else {
                println!("no journals of an earlier version in the home folder");
                return 0;
            };
            let answer = if leave {
                println!("left in {}", old.display());
                crate::places::OldJournals::Left
            } else {
                match crate::places::move_old_journals(&old, &dir) {
                    Ok(n) => println!(
                        "{n} file(s) moved from {} to {}",
                        old.display(),
                        dir.display()
                    ),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return 1;
                    }
                }
                crate::places::OldJournals::Moved
            };
            settings.old_journals = Some(answer);
            if let Err(e) = settings.save(&places.settings()) {
                eprintln!("error: {e}");
                return 1;
            }
            0
        }
        JournalsCommand::List => {
            let kept = keeping::list(&dir);
            if kept.is_empty() {
                println!("no journals in {}", dir.display());
                return 0;
            }
            println!("{}", dir.display());
            println!(
                "{:<11} {:<26} {:<22} {:>6} {:>7} {:<7} {:>9}  file",
                "date", "deck", "programme", "tables", "players", "ended", "size"
            );
            for k in kept {
                let file = k
                    .path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().to_string());
                if k.unreadable {
                    println!("{:<11} unreadable: {}  {file}", "?", k.deck);
                    continue;
                }
                println!(
                    "{:<11} {:<26} {:<22} {:>6} {:>7} {:<7} {:>9}  {file}",
                    crate::archive::date(k.created_unix),
                    clip(&k.deck, 26),
                    clip(k.programme.as_deref().unwrap_or("whole deck"), 22),
                    k.tables,
                    k.players,
                    if k.ended { "yes" } else { "no" },
                    format!("{} KB", k.bytes.div_ceil(1024)),
                );
            }
            0
        }
        JournalsCommand::Forget { files, older_than } => {
            if let Some(days) = older_than {
                let gone = keeping::forget_older(&dir, days, std::time::SystemTime::now(), &[]);
                for p in &gone {
                    println!("removed {}", p.display());
                }
                println!("{} file(s) older than {days} days removed", gone.len());
                return 0;
            }
            if files.is_empty() {
                eprintln!("error: name the files to forget, or give --older-than DAYS");
                return 2;
            }
            let mut code = 0;
            for f in files {
                match keeping::forget(&in_folder(&dir, &f)) {
                    Ok(gone) => gone
                        .iter()
                        .for_each(|p| println!("removed {}", p.display())),
                    Err(e) => {
                        eprintln!("error: {e}");
                        code = 1;
                    }
                }
            }
            code
        }
        JournalsCommand::Pseudonymise { files } => {
            let mut code = 0;
            for f in files {
                match keeping::pseudonymise(&in_folder(&dir, &f)) {
                    Ok(done) => {
                        for (path, names) in done {
                            println!("{}: {} name(s) replaced", path.display(), names.len());
                            for (_, by) in names {
                                println!("  -> {by}");
                            }
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        code = 1;
                    }
                }
            }
            code
        }
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

pub(crate) fn run_archive(args: ArchiveArgs) -> i32 {
    let archive = Archive::at(args.dir.unwrap_or_else(|| Places::here().archive()));
    let done = match args.what {
        ArchiveCommand::List => {
            let all = archive.all();
            if all.is_empty() {
                println!("the archive in {} is empty", archive.dir().display());
                return 0;
            }
            let mut groups: std::collections::BTreeMap<(String, String), (usize, String, String)> =
                Default::default();
            for e in &all {
                let g = groups
                    .entry((e.deck.clone(), e.deck_version.clone()))
                    .or_insert((0, e.day.clone(), e.day.clone()));
                g.0 += 1;
                g.1 = g.1.clone().min(e.day.clone());
                g.2 = g.2.clone().max(e.day.clone());
            }
            println!("{}", archive.dir().display());
            println!(
                "{:<24} {:<18} {:>8}  from – to",
                "deck", "version", "sessions"
            );
            for ((deck, version), (n, from, to)) in groups {
                println!("{deck:<24} {version:<18} {n:>8}  {from} – {to}");
            }
            Ok(())
        }
        ArchiveCommand::Export { file } => archive.export(&file).map(|n| {
            println!("{n} earlier session(s) written to {}", file.display());
        }),
        ArchiveCommand::Import { file } => archive.import(&file).map(|(read, new)| {
            println!(
                "{read} session(s) read from {}, {new} new in {}",
                file.display(),
                archive.dir().display()
            );
        }),
        ArchiveCommand::Forget { deck } => archive.forget(deck.as_deref()).map(|n| {
            println!("{n} earlier session(s) forgotten");
        }),
    };
    match done {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
