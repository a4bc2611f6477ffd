//! A journal without names: every player's and observer's name replaced by role and number
//! ("Raadslid 2", "Observator 1"), also where a note mentions it, so the session still replays,
//! resumes and reports but no longer says who sat where.

use std::collections::HashMap;

use super::journal::{self, JournalEntry, JournalError, Record, Who};
use super::session::{Intent, Session};

/// What a player whose role is not known is called without a name ("Deelnemer 3").
pub const PARTICIPANT: &str = "Deelnemer";
/// What an observer is called without a name ("Observator 1").
pub const OBSERVER: &str = "Observator";

/// What a pseudonymised journal is, and what was done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pseudonymised {
    /// The journal's new text, header unchanged.
    pub text: String,
    /// (name as typed, what replaced it), in the order the names first appeared.
    pub replaced: Vec<(String, String)>,
    /// Lines after a damaged one, which could not be read and are left out.
    pub dropped_lines: usize,
}

/// Whether `text` at byte `at` starts `word`, ignoring case, with no letter or digit around it.
fn word_at(text: &str, at: usize, word: &str) -> Option<usize> {
    let rest = &text[at..];
    let mut len = 0;
    let mut chars = rest.chars();
    for w in word.chars() {
        let c = chars.next()?;
        if !c.to_lowercase().eq(w.to_lowercase()) {
            return None;
        }
        len += c.len_utf8();
    }
    let before = text[..at].chars().next_back();
    let after = rest[len..].chars().next();
    let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    (edge(before) && edge(after)).then_some(len)
}

/// `text` with every whole-word mention of a name replaced, longest names first (so "Anna de
/// Vries" goes whole before "Anna" could take part of it). A part of a name of several words
/// goes too ("Anna" of "Anna de Vries"), when it is capitalised and three letters or more: a
/// note says "Anna", not "de". A part two people share is left to their whole names.
pub fn replace_names(text: &str, names: &[(String, String)]) -> String {
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut shared: Vec<String> = Vec::new();
    for (name, by) in names {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.len() < 2 {
            continue;
        }
        for w in words {
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            if !capital || w.chars().count() < 3 {
                continue;
            }
            let lower = w.to_lowercase();
            match parts.iter().position(|(p, _)| p.to_lowercase() == lower) {
                Some(i) if parts[i].1 != *by => shared.push(lower),
                Some(_) => {}
                None => parts.push((w.to_string(), by.clone())),
            }
        }
    }
    parts.retain(|(p, _)| !shared.contains(&p.to_lowercase()));
    let whole: Vec<String> = names.iter().map(|(n, _)| n.to_lowercase()).collect();
    parts.retain(|(p, _)| !whole.contains(&p.to_lowercase()));
    let all: Vec<(String, String)> = names.iter().cloned().chain(parts).collect();
    let mut sorted: Vec<&(String, String)> = all.iter().filter(|(n, _)| !n.is_empty()).collect();
    sorted.sort_by_key(|(n, _)| std::cmp::Reverse(n.chars().count()));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    'scan: while at < text.len() {
        for (name, by) in &sorted {
            if let Some(len) = word_at(text, at, name) {
                out.push_str(by);
                at += len;
                continue 'scan;
            }
        }
        let c = text[at..].chars().next().unwrap_or(' ');
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// The journal `text` with its names replaced. The result is checked: it must replay to the
/// same decisions as the original.
pub fn pseudonymise(text: &str) -> Result<Pseudonymised, JournalError> {
    let parsed = journal::parse(text)?;
    let deck = journal::deck_of(&parsed.header)?;
    // Each person's role, as the replay ends (or as they left): the pseudonym says it.
    let mut session = Session::with_edition(
        deck.clone(),
        parsed.header.seed,
        parsed.header.rounds,
        parsed.header.edition,
    );
    let mut people: Vec<String> = Vec::new();
    let mut role_of: HashMap<String, Option<usize>> = HashMap::new();
    let mut observers: Vec<String> = Vec::new();
    let mut bots: Vec<String> = Vec::new();
    for e in &parsed.entries {
        match &e.intent {
            Record::AddSeat {
                name, bot: false, ..
            } if !people.contains(name) => people.push(name.clone()),
            Record::AddSeat {
                name, bot: true, ..
            } => bots.push(name.to_lowercase()),
            Record::ObserverNote { name, .. } if !observers.contains(name) => {
                observers.push(name.clone())
            }
            _ => {}
        }
        session
            .apply(e.sender.into(), &Intent::from(&e.intent))
            .map_err(|error| JournalError::Refused { seq: e.seq, error })?;
        for seat in session.seats.values().filter(|s| !s.bot) {
            role_of.insert(seat.name.clone(), seat.role);
        }
    }
    let mut replaced: Vec<(String, String)> = Vec::new();
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut fresh = |base: String, replaced: &Vec<(String, String)>| loop {
        let n = counts.entry(base.clone()).or_default();
        *n += 1;
        let name = format!("{base} {n}");
        let lower = name.to_lowercase();
        if !bots.contains(&lower) && !replaced.iter().any(|(_, p)| p.to_lowercase() == lower) {
            return name;
        }
    };
    for name in &people {
        let base = match role_of.get(name).copied().flatten() {
            // Short enough for the name rule whatever the deck calls its roles.
            Some(r) => deck.roles[r].name.nl.chars().take(30).collect(),
            None => PARTICIPANT.to_string(),
        };
        let p = fresh(base, &replaced);
        replaced.push((name.clone(), p));
    }
    for name in &observers {
        let p = fresh(OBSERVER.to_string(), &replaced);
        replaced.push((name.clone(), p));
    }
    let lookup: HashMap<&str, &str> = replaced
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_str()))
        .collect();
    let mut lines = vec![journal::header_line(&parsed.header)];
    for e in &parsed.entries {
        let intent = match &e.intent {
            Record::AddSeat { name, role, bot } => Record::AddSeat {
                name: lookup
                    .get(name.as_str())
                    .map_or(name.clone(), |p| p.to_string()),
                role: role.clone(),
                bot: *bot,
            },
            Record::ObserverNote { name, text } => Record::ObserverNote {
                name: lookup
                    .get(name.as_str())
                    .map_or(name.clone(), |p| p.to_string()),
                text: replace_names(text, &replaced),
            },
            Record::Note { text } => Record::Note {
                text: replace_names(text, &replaced),
            },
            other => other.clone(),
        };
        lines.push(journal::entry_line(&JournalEntry {
            seq: e.seq,
            sender: e.sender,
            intent,
            resolved: e.resolved.clone(),
        }));
    }
    let new_text = lines.join("\n") + "\n";
    // The same story without the names, or nothing is written.
    let before = journal::replay(deck.clone(), &parsed.header, &parsed.entries)?;
    let again = journal::parse(&new_text)?;
    let after = journal::replay(deck, &again.header, &again.entries)?;
    if before.decisions != after.decisions || before.seats.len() != after.seats.len() {
        return Err(JournalError::Unchanged);
    }
    let dropped_lines = parsed.damage.map_or(0, |(line, _)| {
        text.split('\n')
            .skip(line - 1)
            .filter(|l| !l.trim().is_empty())
            .count()
    });
    Ok(Pseudonymised {
        text: new_text,
        replaced,
        dropped_lines,
    })
}

/// Whether a journal still holds a name a person typed (after pseudonymising: none).
pub fn names_in(entries: &[JournalEntry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| match (&e.intent, e.sender) {
            (
                Record::AddSeat {
                    name, bot: false, ..
                },
                _,
            ) => Some(name.clone()),
            (Record::ObserverNote { name, .. }, Who::Observer) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_replaced_only_as_a_whole_word_and_in_any_case() {
        let names = vec![
            ("Anna".to_string(), "Raadslid 1".to_string()),
            ("Anna de Vries".to_string(), "Wethouder 1".to_string()),
        ];
        assert_eq!(
            replace_names("anna zei het; Annabel niet. Anna de Vries wel!", &names),
            "Raadslid 1 zei het; Annabel niet. Wethouder 1 wel!"
        );
        assert_eq!(
            replace_names("Één ánna", &[("Ánna".into(), "X".into())]),
            "Één X"
        );
    }
}
