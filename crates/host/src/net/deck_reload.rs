//! A session waiting in the lobby follows its deck file: a trainer who saves an edit sees it
//! before the start (the window and `serve` both look here). Once started, the journal fixes it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use bevy::prelude::Resource;

use super::host::HostCore;
use crate::rules::session::Phase;

/// How often the file is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(700);

/// The deck file a session was hosted from, and how it looked when last read.
#[derive(Resource)]
pub struct DeckFileWatch {
    path: PathBuf,
    stamp: Option<(SystemTime, u64)>,
    last_look: Option<Instant>,
}

fn file_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl DeckFileWatch {
    pub fn new(path: &Path) -> DeckFileWatch {
        DeckFileWatch {
            path: path.to_path_buf(),
            stamp: file_stamp(path),
            last_look: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Looks at the file now and then; when it changed while tables wait in the lobby, loads
    /// it into their sessions. `None` when there was nothing to do; the checker's words when the
    /// new deck is refused (the old one stays at every table that refused it, named).
    pub fn look<'a>(
        &mut self,
        cores: impl IntoIterator<Item = &'a mut HostCore>,
    ) -> Option<Result<(), String>> {
        let mut lobby: Vec<&mut HostCore> = cores
            .into_iter()
            .filter(|c| c.session().phase == Phase::Lobby)
            .collect();
        if lobby.is_empty() || self.last_look.is_some_and(|t| t.elapsed() < LOOK_EVERY) {
            return None;
        }
        self.last_look = Some(Instant::now());
        let stamp = file_stamp(&self.path);
        if stamp.is_none() || stamp == self.stamp {
            return None;
        }
        self.stamp = stamp;
        let (name, source) = match crate::deck_file::read_source(&self.path) {
            Ok(read) => read,
            Err(e) => return Some(Err(e.to_string())),
        };
        // Each table in the lobby on its own: one that refuses (its seats would move) keeps its
        // deck, and the words say which.
        let several = lobby.len() > 1;
        let refused: Vec<String> = lobby
            .iter_mut()
            .filter_map(|core| {
                let table = core.table().map_or(String::new(), |n| format!("table {n}"));
                core.reload_deck(&name, &source)
                    .err()
                    .map(|e| if several { format!("{table}: {e}") } else { e })
            })
            .collect();
        Some(if refused.is_empty() {
            Ok(())
        } else {
            Err(refused.join("\n"))
        })
    }
}
