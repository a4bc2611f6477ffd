//! The seat tokens a player's own laptop keeps, so the program can be closed and opened again
//! and still take its seat back (the browser keeps its token in the page's storage instead).
//!
//! One small RON file in the user's data folder, keyed by join code and name; only the window
//! writes it, never a test or a headless bot.

use std::path::PathBuf;

use super::code::JoinCode;

/// Sessions remembered at most; the oldest are forgotten first.
const KEEP: usize = 64;

/// `seats.ron` in the system's data folder (see [`crate::places`]).
pub fn default_path() -> Option<PathBuf> {
    Some(crate::places::Places::here().seats())
}

fn key(code: &JoinCode, name: &str) -> String {
    format!("{code}|{}", name.trim().to_lowercase())
}

/// Entries in the order they were written, newest last: (key, token, when saved). A file from
/// before the dates counts as saved now (kept a full term, not thrown away at once).
fn read(path: &std::path::Path) -> Vec<(String, u64, u64)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    if let Ok(entries) = ron::from_str::<Vec<(String, u64, u64)>>(&text) {
        return entries;
    }
    let now = super::code::now().as_secs();
    let dated: Vec<(String, u64, u64)> = ron::from_str::<Vec<(String, u64)>>(&text)
        .map(|v| v.into_iter().map(|(k, t)| (k, t, now)).collect())
        .unwrap_or_default();
    // Dated once, so the term runs from the first time this version read them.
    if !dated.is_empty() {
        write(path, &dated);
    }
    dated
}

fn write(path: &std::path::Path, entries: &[(String, u64, u64)]) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = ron::to_string(entries) {
        let _ = std::fs::write(path, text);
    }
}

/// The token this laptop holds for `name` in the session with `code`.
pub fn load(path: &std::path::Path, code: &JoinCode, name: &str) -> Option<u64> {
    let k = key(code, name);
    read(path)
        .into_iter()
        .rev()
        .find(|(x, _, _)| *x == k)
        .map(|(_, t, _)| t)
}

/// Remembers a token. A file that cannot be written costs only the seat after a restart.
pub fn save(path: &std::path::Path, code: &JoinCode, name: &str, token: u64) {
    let k = key(code, name);
    let mut entries: Vec<(String, u64, u64)> =
        read(path).into_iter().filter(|(x, _, _)| *x != k).collect();
    entries.push((k, token, super::code::now().as_secs()));
    let skip = entries.len().saturating_sub(KEEP);
    write(path, &entries[skip..]);
}

/// Forgets the tokens saved more than `days` days before `now_unix`; returns how many. The
/// file goes when nothing is left in it.
pub fn forget_older(path: &std::path::Path, days: u32, now_unix: u64) -> usize {
    let entries = read(path);
    let limit = now_unix.saturating_sub(u64::from(days) * 86_400);
    let kept: Vec<(String, u64, u64)> = entries
        .iter()
        .filter(|(_, _, at)| *at >= limit)
        .cloned()
        .collect();
    let gone = entries.len() - kept.len();
    if gone > 0 {
        if kept.is_empty() {
            let _ = std::fs::remove_file(path);
        } else {
            write(path, &kept);
        }
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_kept_per_code_and_name_and_the_newest_wins() {
        let dir = std::env::temp_dir().join(format!("kantelspel-seats-{}", std::process::id()));
        let path = dir.join("seats.ron");
        let a = JoinCode::parse("KCM4TX").unwrap();
        let b = JoinCode::parse("ABC123").unwrap();
        assert_eq!(load(&path, &a, "Ans"), None);
        save(&path, &a, "Ans", 1);
        save(&path, &b, "Ans", 2);
        save(&path, &a, " ans ", 3);
        assert_eq!(load(&path, &a, "ANS"), Some(3));
        assert_eq!(load(&path, &b, "Ans"), Some(2));
        for i in 0..100 {
            save(&path, &b, &format!("p{i}"), i);
        }
        assert_eq!(load(&path, &a, "Ans"), None, "old sessions are forgotten");
        assert_eq!(load(&path, &b, "p99"), Some(99));
        // Retention: a token saved long ago goes, today's stays.
        let now = super::super::code::now().as_secs();
        assert_eq!(forget_older(&path, 90, now), 0);
        assert_eq!(forget_older(&path, 90, now + 91 * 86_400), KEEP);
        assert!(!path.exists());
        // A file from before the dates is read, and counts as saved now.
        std::fs::write(&path, format!("[(\"{a}|ans\", 7)]")).unwrap();
        assert_eq!(load(&path, &a, "Ans"), Some(7));
        assert_eq!(forget_older(&path, 1, now), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
