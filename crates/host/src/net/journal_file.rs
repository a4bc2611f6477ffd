//! The journal on disk: one header line, then one line per accepted intent, each flushed to the
//! disk (fsync) before anyone is told about it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::rules::journal::{self, JournalEntry, JournalHeader, ParsedJournal};
use crate::rules::session::{Intent, Sender};

/// Where journals go unless told otherwise: `Kantelspel` in the documents folder (see
/// [`crate::places`]).
pub fn default_dir() -> PathBuf {
    crate::places::Places::here().journals
}

pub struct JournalFile {
    file: File,
    path: PathBuf,
    next_seq: u64,
    header: JournalHeader,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalFileError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Format {
        path: String,
        source: journal::JournalError,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> JournalFileError + '_ {
    move |source| JournalFileError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl JournalFile {
    /// Starts a new journal in `dir`, named after the time and seed.
    pub fn create(dir: &Path, header: &JournalHeader) -> Result<JournalFile, JournalFileError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.join(format!(
            "kantelspel-{}-{:016x}.journal",
            header.created_unix, header.seed
        ));
        let mut file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        writeln!(file, "{}", journal::header_line(header)).map_err(io_err(&path))?;
        file.sync_all().map_err(io_err(&path))?;
        // The new file's name must survive a crash too.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(JournalFile {
            file,
            path,
            next_seq: 0,
            header: header.clone(),
        })
    }

    /// Opens an existing journal to continue it. A damaged tail (the host died mid-write) is cut
    /// off so new lines follow the last intact one.
    pub fn resume(path: &Path) -> Result<(JournalFile, ParsedJournal), JournalFileError> {
        let text = read_text(path).map_err(io_err(path))?;
        let parsed = journal::parse(&text).map_err(|source| JournalFileError::Format {
            path: path.display().to_string(),
            source,
        })?;
        let intact: usize = match parsed.damage {
            Some((line, _)) => text
                .split_inclusive('\n')
                .take(line - 1)
                .map(str::len)
                .sum(),
            None if text.ends_with('\n') => text.len(),
            None => text.len(),
        };
        let mut file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io_err(path))?;
        if intact < text.len() {
            file.set_len(intact as u64).map_err(io_err(path))?;
        }
        if intact > 0 && !text[..intact].ends_with('\n') {
            writeln!(file).map_err(io_err(path))?;
        }
        file.sync_all().map_err(io_err(path))?;
        let next_seq = parsed.entries.last().map_or(0, |e| e.seq + 1);
        Ok((
            JournalFile {
                file,
                path: path.to_path_buf(),
                next_seq,
                header: parsed.header.clone(),
            },
            parsed,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the journal anew with another deck and `entries` (a deck reloaded in the lobby):
    /// to a file beside it first, then renamed over it, so a crash leaves the old or the new.
    pub(crate) fn rewrite_with_deck(
        &mut self,
        deck_name: &str,
        deck_source: &str,
        entries: &[(Sender, Intent)],
    ) -> Result<(), JournalFileError> {
        let header = JournalHeader {
            deck_name: deck_name.to_string(),
            deck_source: deck_source.to_string(),
            ..self.header.clone()
        };
        let tmp = self.path.with_extension("journal.new");
        let mut text = journal::header_line(&header);
        text.push('\n');
        for (seq, (sender, intent)) in entries.iter().enumerate() {
            let entry = JournalEntry::new(seq as u64, *sender, intent, None);
            text.push_str(&journal::entry_line(&entry));
            text.push('\n');
        }
        // The handle that wrote the new file goes on appending to it after the rename, so the
        // file on disk and the one we write to cannot part.
        let written = (|| {
            let mut file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            Ok::<File, std::io::Error>(file)
        })();
        let file = match written {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(io_err(&tmp)(e));
            }
        };
        if let Err(e) = std::fs::rename(&tmp, &self.path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_err(&self.path)(e));
        }
        if let Some(dir) = self.path.parent()
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        self.file = file;
        self.next_seq = entries.len() as u64;
        self.header = header;
        Ok(())
    }

    /// The secret seat tokens are derived from; 0 when the journal has none.
    pub fn seat_secret(&self) -> u64 {
        self.header.seat_secret
    }

    /// Appends one accepted intent and waits until it is on the disk.
    pub fn append(
        &mut self,
        sender: Sender,
        intent: &Intent,
        resolved: Option<String>,
    ) -> std::io::Result<()> {
        let entry = JournalEntry::new(self.next_seq, sender, intent, resolved);
        let mut line = journal::entry_line(&entry);
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()?;
        self.next_seq += 1;
        Ok(())
    }
}

/// A journal's text: the one way the report, the replay, a resume and the host screen's list
/// read a journal. A host that died mid-write may have cut a character in two: the text is read
/// up to there, and the rules then find the last line damaged, as with any cut line.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            Ok(String::from_utf8(bytes).unwrap_or_default())
        }
    }
}
