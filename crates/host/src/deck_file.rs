//! Deck files on disk: the one way every command and screen reads one (the size cap, the
//! folder, missing-file and UTF-8 messages), before the rules check its text.

use std::path::Path;
use std::sync::Arc;

use crate::rules::deck::{Deck, DeckError, MAX_DECK_BYTES};
use crate::rules::lint;

/// Reads and checks a deck file.
pub fn load(path: &Path) -> Result<Deck, DeckError> {
    let (name, source) = read_source(path)?;
    Deck::from_ron(&name, &source)
}

/// A deck file's name and text.
pub fn read_source(path: &Path) -> Result<(String, String), DeckError> {
    let name = path.display().to_string();
    let fail = |message: String| DeckError::single(&name, message);
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    if meta.is_dir() {
        return Err(fail("this is a folder, not a deck file".into()));
    }
    if meta.len() > MAX_DECK_BYTES as u64 {
        return Err(fail(format!(
            "the file is {} bytes; a deck may be at most {MAX_DECK_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    let source = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "the file is not text (UTF-8): invalid byte at offset {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok((name, source))
}

/// As `deck check --strict` judges a file: a finding is an error.
pub fn check_strict(path: &Path) -> Result<Arc<Deck>, DeckError> {
    let (name, source) = read_source(path)?;
    lint::check_strict(&name, &source)
}
