//! What the workshop keeps and for how long: the journals in a folder listed, forgotten with
//! what belongs to them, stripped of names, and swept away after a set number of days.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::net::workshop::{self, Manifest};
use crate::rules::session::Phase;

/// What the program writes in the journal folder: its files start `kantelspel-` and end in one
/// of these. Nothing else there is ever removed.
const OURS: [&str; 5] = ["journal", "workshop", "html", "json", "csv"];

fn ours(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string());
    name.is_some_and(|n| n.starts_with("kantelspel-"))
        && path
            .extension()
            .is_some_and(|x| OURS.iter().any(|o| x == *o))
}

/// One session (or a workshop of several tables) in the folder, as `journals list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    pub path: PathBuf,
    pub created_unix: u64,
    pub deck: String,
    pub programme: Option<String>,
    pub tables: usize,
    pub players: usize,
    pub ended: bool,
    /// The journal and what belongs to it, in bytes.
    pub bytes: u64,
    /// The file does not read as a journal; `deck` says why.
    pub unreadable: bool,
}

fn size(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// The files in `dir` with this extension, sorted by name; none when `dir` cannot be read.
pub fn files_ending_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The reports written beside `file` (same name, another ending).
fn reports_of(file: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(stem)) = (file.parent(), file.file_stem()) else {
        return Vec::new();
    };
    let stem = stem.to_string_lossy();
    ["html", "en.html", "json", "csv"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .filter(|p| p.exists())
        .collect()
}

/// `file` and everything that belongs to it: its reports, and for a workshop file its tables'
/// journals and their reports.
fn belongings(file: &Path) -> Vec<PathBuf> {
    let mut out = vec![file.to_path_buf()];
    out.extend(reports_of(file));
    out.extend(tables_of(file).into_iter().flat_map(|j| {
        let mut with = reports_of(&j);
        with.push(j);
        with
    }));
    out
}

/// A workshop file's tables' journals that are there (a workshop file names only journals
/// beside it: [`Manifest::read`]).
fn tables_of(file: &Path) -> Vec<PathBuf> {
    if !workshop::is_manifest(file) {
        return Vec::new();
    }
    let Ok(m) = Manifest::read(file) else {
        return Vec::new();
    };
    m.journals(file)
        .into_iter()
        .filter(|j| j.exists() && ours(j))
        .collect()
}

/// Refuses a journal that is not the program's, or one a host may still be writing: not ended
/// and written to in the last minutes.
fn may_touch(file: &Path) -> Result<(), String> {
    if !ours(file) || !file.is_file() {
        return Err(format!(
            "{}: not a journal or workshop file of Kantelspel",
            file.display()
        ));
    }
    let journals = if workshop::is_manifest(file) {
        tables_of(file)
    } else {
        vec![file.to_path_buf()]
    };
    for j in journals {
        let recent = std::fs::metadata(&j)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|e| e < IN_USE));
        // Replayed only when it was written to lately: an older one is left alone either way.
        if recent && !recover(&j).is_ok_and(|r| r.session.phase == Phase::Ended) {
            return Err(format!(
                "{}: this session has not ended and was written to in the last {} minutes; a host may still be running it. End it first, or try again later",
                j.display(),
                IN_USE.as_secs() / 60
            ));
        }
    }
    Ok(())
}

/// A journal written to this recently, of a session that did not end, may belong to a host
/// that is still running.
const IN_USE: Duration = Duration::from_secs(5 * 60);

fn recover(path: &Path) -> Result<crate::rules::journal::Recovered, String> {
    let text = crate::net::journal_file::read_text(path).map_err(|e| e.to_string())?;
    crate::rules::journal::recover(&text).map_err(|e| e.to_string())
}

/// Every session and workshop in `dir`, newest first; a workshop's tables are listed with it.
pub fn list(dir: &Path) -> Vec<Kept> {
    list_newest(dir, usize::MAX)
}

/// The newest `most` of them: each one listed is replayed to say how far it got, so the
/// window's list reads only as many as it shows. (The program names its files after the time
/// they were made: by name, newest last.)
pub fn list_newest(dir: &Path, most: usize) -> Vec<Kept> {
    let mut out = Vec::new();
    let mut at_tables = Vec::new();
    let manifests = files_ending_in(dir, workshop::MANIFEST_EXTENSION);
    for path in &manifests {
        if let Ok(m) = Manifest::read(path) {
            at_tables.extend(m.journals(path));
        }
    }
    let mut newest: Vec<PathBuf> = manifests
        .into_iter()
        .chain(
            files_ending_in(dir, "journal")
                .into_iter()
                .filter(|p| !at_tables.contains(p)),
        )
        .collect();
    newest.sort_by(|a, b| b.file_name().cmp(&a.file_name()));
    newest.truncate(most);
    for path in newest {
        if !workshop::is_manifest(&path) {
            out.push(journal_kept(&path));
            continue;
        }
        let all = belongings(&path);
        let kept = match Manifest::read(&path) {
            Ok(m) => {
                let tables: Vec<_> = m
                    .journals(&path)
                    .iter()
                    .filter_map(|j| recover(j).ok())
                    .collect();
                Kept {
                    created_unix: m.created_unix,
                    deck: m.name.clone(),
                    programme: tables
                        .first()
                        .and_then(|r| r.session.programme_text())
                        .map(|t| t.nl),
                    tables: m.tables.len(),
                    players: tables.iter().map(|r| r.session.seats.len()).sum(),
                    ended: !tables.is_empty()
                        && tables.iter().all(|r| r.session.phase == Phase::Ended),
                    bytes: size(&all),
                    unreadable: false,
                    path: path.clone(),
                }
            }
            Err(e) => unreadable(&path, e),
        };
        out.push(kept);
    }
    out.sort_by(|a, b| {
        b.created_unix
            .cmp(&a.created_unix)
            .then(a.path.cmp(&b.path))
    });
    out
}

/// One journal as the list shows it.
fn journal_kept(path: &Path) -> Kept {
    match recover(path) {
        Ok(r) => Kept {
            created_unix: r.header.created_unix,
            deck: r.session.deck().title.nl.clone(),
            programme: r.session.programme_text().map(|t| t.nl),
            tables: 1,
            players: r.session.seats.values().filter(|s| !s.bot).count(),
            ended: r.session.phase == Phase::Ended,
            bytes: size(&belongings(path)),
            unreadable: false,
            path: path.to_path_buf(),
        },
        Err(e) => unreadable(path, e),
    }
}

fn unreadable(path: &Path, why: String) -> Kept {
    Kept {
        path: path.to_path_buf(),
        created_unix: 0,
        deck: why,
        programme: None,
        tables: 0,
        players: 0,
        ended: false,
        bytes: size(&[path.to_path_buf()]),
        unreadable: true,
    }
}

/// Deletes `file` and what belongs to it; returns what was removed.
pub fn forget(file: &Path) -> Result<Vec<PathBuf>, String> {
    if !file.exists() {
        return Err(format!("{}: no such file", file.display()));
    }
    may_touch(file)?;
    let mut removed = Vec::new();
    for p in belongings(file).into_iter().filter(|p| ours(p)) {
        std::fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        removed.push(p);
    }
    Ok(removed)
}

/// Deletes the program's files in `dir` (journals, workshop files, reports) last written more
/// than `days` days before `now`, sparing `keep` (a journal about to be resumed, and what
/// belongs to it); returns what was removed.
pub fn forget_older(dir: &Path, days: u32, now: SystemTime, keep: &[PathBuf]) -> Vec<PathBuf> {
    let limit = now
        .checked_sub(Duration::from_secs(u64::from(days) * 86_400))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let old = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < limit);
        let spared = keep.iter().any(|k| same_file(k, &p));
        if old && !spared && p.is_file() && ours(&p) && std::fs::remove_file(&p).is_ok() {
            removed.push(p);
        }
    }
    removed
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// What a start-up sweep removed.
#[derive(Debug, Default)]
pub struct Swept {
    pub files: Vec<PathBuf>,
    pub seat_tokens: usize,
}

impl Swept {
    /// The line the window and `serve` show, when anything went.
    pub fn line(&self, days: u32) -> Option<String> {
        if self.files.is_empty() && self.seat_tokens == 0 {
            return None;
        }
        Some(format!(
            "retention ({days} days): removed {} file(s) and {} seat token(s): {}",
            self.files.len(),
            self.seat_tokens,
            self.files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// At start-up: journals, workshop files and reports in `journals`, and the seat tokens in
/// `seats`, older than `days` days go (0 keeps everything), sparing the journal or workshop
/// file `resuming` and what belongs to it.
pub fn sweep(
    journals: &Path,
    seats: &Path,
    days: u32,
    now: SystemTime,
    resuming: Option<&Path>,
) -> Swept {
    if days == 0 {
        return Swept::default();
    }
    let unix = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let keep = resuming.map(belongings).unwrap_or_default();
    Swept {
        files: forget_older(journals, days, now, &keep),
        seat_tokens: crate::net::seat_store::forget_older(seats, days, unix),
    }
}

/// (name as typed, what replaced it), per name.
pub type Replaced = Vec<(String, String)>;

/// Replaces every name in a journal, or in each table of a workshop file, by role and number,
/// in place (written whole, then renamed). Returns the names replaced per file.
pub fn pseudonymise(file: &Path) -> Result<Vec<(PathBuf, Replaced)>, String> {
    may_touch(file)?;
    let journals = if workshop::is_manifest(file) {
        // The workshop's report side by side names everyone too.
        for r in reports_of(file) {
            let _ = std::fs::remove_file(r);
        }
        tables_of(file)
    } else {
        vec![file.to_path_buf()]
    };
    let mut done = Vec::new();
    for j in journals {
        let text = crate::net::journal_file::read_text(&j).map_err(|e| e.to_string())?;
        let p = crate::rules::pseudonym::pseudonymise(&text)
            .map_err(|e| format!("{}: {e}", j.display()))?;
        if p.dropped_lines > 0 {
            bevy::log::warn!(
                "{}: {} damaged line(s) at the end could not be read and are left out",
                j.display(),
                p.dropped_lines
            );
        }
        let tmp = j.with_extension("journal.tmp");
        std::fs::write(&tmp, &p.text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &j).map_err(|e| format!("{}: {e}", j.display()))?;
        // Reports beside it still carry the names: they go, and can be made again.
        for r in reports_of(&j) {
            let _ = std::fs::remove_file(r);
        }
        done.push((j, p.replaced));
    }
    Ok(done)
}

/// A session that can be resumed from its journal.
#[derive(Clone, Debug, PartialEq)]
pub struct Unfinished {
    pub path: PathBuf,
    pub deck: String,
    pub created_unix: u64,
    pub round: u32,
    pub rounds: u32,
    pub players: usize,
    /// More than one: a workshop, resumed whole.
    pub tables: usize,
}

/// How many of the newest journals the host screen offers to resume, and how many it reads to
/// find them (older sessions are for `kantelspel serve --resume`).
const RESUMABLE_SHOWN: usize = 5;

const RESUMABLE_LOOKED_AT: usize = 20;

/// The newest sessions and workshops in `dir` that did not end, newest first. A workshop's
/// tables are offered as the workshop, whole.
pub fn unfinished_sessions(dir: &Path) -> Vec<Unfinished> {
    let recover = |path: &Path| recover(path).ok();
    let mut at_tables = std::collections::HashSet::new();
    let mut found: Vec<Unfinished> = Vec::new();
    for path in files_ending_in(dir, workshop::MANIFEST_EXTENSION)
        .into_iter()
        .rev()
        .take(RESUMABLE_LOOKED_AT)
    {
        let Ok(m) = workshop::Manifest::read(&path) else {
            continue;
        };
        let journals = m.journals(&path);
        at_tables.extend(journals.iter().cloned());
        let tables: Vec<_> = journals.iter().filter_map(|j| recover(j)).collect();
        let Some(first) = tables.first() else {
            continue;
        };
        if tables.iter().all(|r| r.session.phase == Phase::Ended) {
            continue;
        }
        found.push(Unfinished {
            deck: m.name.clone(),
            tables: tables.len(),
            created_unix: m.created_unix,
            round: tables.iter().map(|r| r.session.round).max().unwrap_or(0),
            rounds: first.session.rounds,
            players: tables.iter().map(|r| r.session.seats.len()).sum(),
            path,
        });
    }
    // Journal names start with the creation time, so the newest sort last.
    found.extend(
        files_ending_in(dir, "journal")
            .into_iter()
            .rev()
            .filter(|p| !at_tables.contains(p))
            .take(RESUMABLE_LOOKED_AT)
            .filter_map(|path| {
                let r = recover(&path)?;
                (r.session.phase != Phase::Ended).then(|| Unfinished {
                    deck: r.session.deck().title.nl.clone(),
                    created_unix: r.header.created_unix,
                    round: r.session.round,
                    rounds: r.session.rounds,
                    players: r.session.seats.len(),
                    tables: 1,
                    path,
                })
            }),
    );
    found.sort_by_key(|u| std::cmp::Reverse(u.created_unix));
    found.truncate(RESUMABLE_SHOWN);
    found
}
