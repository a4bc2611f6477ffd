//! `deck watch FILE`: checks (and briefly simulates) a deck every time its file is saved, so a
//! trainer sees the effect of each edit in the terminal beside their editor.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::rules::bot::Strategy;
use crate::rules::deck;
use crate::rules::{lint, simulate};

/// Sessions of the quick simulation after each save: a fraction of a second.
const QUICK_RUNS: u64 = 2_000;
/// Editors save in bursts (write, rename, touch): wait this long for the file to settle.
const SETTLE: Duration = Duration::from_millis(150);

/// What a check of the file says now, as the terminal shows it.
fn check_once(path: &Path) -> String {
    let (name, source) = match crate::deck_file::read_source(path) {
        Ok(x) => x,
        // Half-saved or being replaced: say so, and wait for the next save.
        Err(e) => return format!("{e}\n"),
    };
    let (deck, found) = match lint::check(&name, &source) {
        Ok(x) => x,
        Err(e) => {
            let n = e.diagnostics.len();
            return format!(
                "{}{name}: {n} problem{}\n",
                deck::with_context(&e, &source),
                if n == 1 { "" } else { "s" }
            );
        }
    };
    let mut out = lint::warnings(&name, &found);
    out.push_str(&format!("{name}: ok — {}\n", deck::summary(&deck)));
    let balance = simulate::simulate(
        &Arc::clone(&deck),
        QUICK_RUNS,
        1,
        deck.rounds,
        Strategy::Random,
    );
    let early = 100.0 * balance.ended_early() as f64 / balance.runs.max(1) as f64;
    let never = balance.never_drawn(&deck);
    out.push_str(&format!(
        "{QUICK_RUNS} random sessions of {} rounds: {early:.1}% end early (aim for 10–40%){}\n",
        deck.rounds,
        if never.is_empty() {
            String::new()
        } else {
            format!("; never drawn: {}", never.join(", "))
        }
    ));
    out
}

/// Checks `path` now and after every change until `go_on` says stop (it is asked after each
/// check with the number of checks so far). Survives a missing or half-written file.
pub fn watch(
    path: &Path,
    out: &mut impl Write,
    mut go_on: impl FnMut(usize) -> bool,
) -> Result<(), String> {
    let file: PathBuf = path.to_path_buf();
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = tx.send(event);
    })
    .map_err(|e| format!("cannot watch files here: {e}"))?;
    // The folder, not the file: editors that save by renaming replace the file we would watch.
    watcher
        .watch(&dir, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    let name = file.file_name().map(|n| n.to_os_string());
    let mut checks = 0;
    loop {
        let stamp = clock();
        let _ = writeln!(out, "── {stamp} {} ──", file.display());
        let _ = write!(out, "{}", check_once(&file));
        let _ = out.flush();
        checks += 1;
        if !go_on(checks) {
            return Ok(());
        }
        // Wait for a change to our file; anything else in the folder is ignored.
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Ok(event))
                    if changes_the_file(&event.kind)
                        && event.paths.iter().any(|p| p.file_name() == name.as_deref()) =>
                {
                    break;
                }
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !go_on(checks) {
                        return Ok(());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err("the file watcher stopped".into());
                }
            }
        }
        std::thread::sleep(SETTLE);
        while rx.try_recv().is_ok() {}
    }
}

/// Whether an event says the file may have new contents. Our own reading of the file is an
/// event too (an open, an access, a close without writing, a new access time): reacting to
/// it would check an untouched file again and again.
fn changes_the_file(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        // A save closes the file it wrote: the one access that means a change.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// The time of day, for the header of each check.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02} UTC",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    )
}
