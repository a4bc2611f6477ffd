//! Every earlier table in the debrief: an ended session leaves, per deck version, what it
//! decided (per card and step the option and the split), its meters per round, how it ended
//! and what it played — and nothing about who: no names, notes, tokens or codes. A later group
//! sees "12 van 41 eerdere tafels kozen dit ook".
//!
//! One file per deck in the archive folder, one line per session. A trainer carries the lot
//! between municipalities as one file (`archive export` / `import`); a session already there
//! is never counted twice.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::deck::Deck;
use crate::rules::session::{Ending, Session};
use crate::rules::view::{Viewer, view};

/// What one ended session leaves in the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earlier {
    /// The same session is archived once, wherever it was imported from.
    pub id: String,
    pub deck: String,
    /// A hash of what the deck's cards say and do.
    pub deck_version: String,
    /// The month it ended, `2026-12`: roughly when, never who (a day and a role's one player
    /// would say whose vote it was).
    pub day: String,
    /// The programme's id, `pick` for the facilitator's own cards, `None` for the whole deck.
    pub programme: Option<String>,
    pub rounds: u32,
    /// The deck's meters, by id, in the order of `meters_per_round`'s values.
    pub meters: Vec<String>,
    /// Meter values at the start and after each round.
    pub meters_per_round: Vec<Vec<i32>>,
    /// `completed`, `tipped:<meter>`, `deck_exhausted`, `facilitator`.
    pub ending: String,
    pub decisions: Vec<Decided>,
}

/// One decision of an archived session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decided {
    pub round: u32,
    pub card: String,
    /// A hash of what this card says and does: a changed card is compared only with itself.
    pub card_version: String,
    pub step: usize,
    /// The option's id.
    pub option: String,
    /// Votes per option.
    pub split: Vec<u32>,
}

fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A card's version: the fingerprint of its text in the deck file; the compiled card's when
/// the deck was made some other way.
fn card_version(deck: &Deck, card: usize) -> String {
    match deck.card_versions.get(card).filter(|v| !v.is_empty()) {
        Some(v) => v.clone(),
        None => hash(&format!("{:?}", deck.cards[card])),
    }
}

/// A deck's version: the fingerprint of its whole file.
pub fn deck_version(deck: &Deck) -> String {
    deck.version.clone()
}

/// What `session` leaves in the archive; `None` before it ended. Its id comes from the deck
/// and the session's seed (each table of a workshop has its own), so the host that archives it
/// and a report read later from its journal name the same session.
pub fn earlier_of(session: &Session, ended_unix: u64) -> Option<Earlier> {
    session.ending.as_ref()?;
    // A dry run with bots alone, or a session ended before anything was decided, is no earlier
    // table for a group to compare with.
    if session.decisions.is_empty() || session.seats.values().all(|s| s.bot) {
        return None;
    }
    let deck = session.deck();
    let record = view(session, Viewer::Record);
    let ending = match record.ending.as_ref()?.ending {
        Ending::Completed => "completed".to_string(),
        Ending::Threshold { meter, .. } => format!("tipped:{}", deck.meters[meter].id),
        Ending::DeckExhausted => "deck_exhausted".to_string(),
        Ending::Facilitator => "facilitator".to_string(),
    };
    let programme = session.programme.as_ref().map(|p| match &p.id {
        Some(id) => id.clone(),
        None => "pick".to_string(),
    });
    Some(Earlier {
        id: id_of(session).map(|(_, id)| id).unwrap_or_default(),
        deck: deck.id.clone(),
        deck_version: deck_version(deck),
        day: date(ended_unix).chars().take(7).collect(),
        programme,
        rounds: session.rounds,
        meters: deck.meters.iter().map(|m| m.id.clone()).collect(),
        meters_per_round: record.meter_history.clone(),
        ending,
        decisions: session
            .decisions
            .iter()
            .map(|d| {
                let card = &deck.cards[d.card];
                Decided {
                    round: d.round,
                    card: card.id.clone(),
                    card_version: card_version(deck, d.card),
                    step: d.step,
                    option: card.steps[d.step].options[d.option].id.clone(),
                    split: d.split.clone(),
                }
            })
            .collect(),
    })
}

/// How one decision of this session compares with earlier tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionAgainst {
    /// Earlier sessions that decided this step of this version of the card.
    pub of: usize,
    /// How many of them chose the same option.
    pub same: usize,
    /// Earlier sessions that decided this step of another version of the card: not compared.
    pub other_version: usize,
}

/// Where this session's meter ended against the earlier sessions' ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeterAgainst {
    pub meter: String,
    pub this: i32,
    pub min: i32,
    pub max: i32,
    /// Earlier sessions that ended lower.
    pub lower: usize,
}

/// This session against the archive: what the debrief and the report show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Against {
    pub earlier_sessions: usize,
    /// One per decision of the session, in its order.
    pub decisions: Vec<DecisionAgainst>,
    pub meters: Vec<MeterAgainst>,
}

/// `this` against the `earlier` sessions of its deck (itself left out).
pub fn against(this: &Earlier, earlier: &[Earlier]) -> Against {
    let others: Vec<&Earlier> = earlier
        .iter()
        .filter(|e| e.deck == this.deck && e.id != this.id)
        .collect();
    let decisions = this
        .decisions
        .iter()
        .map(|d| {
            let mut a = DecisionAgainst {
                of: 0,
                same: 0,
                other_version: 0,
            };
            for e in &others {
                let theirs: Vec<&Decided> = e
                    .decisions
                    .iter()
                    .filter(|x| x.card == d.card && x.step == d.step)
                    .collect();
                // A card played twice in one session counts once: its first decision.
                match theirs.iter().find(|x| x.card_version == d.card_version) {
                    Some(x) => {
                        a.of += 1;
                        a.same += usize::from(x.option == d.option);
                    }
                    None if !theirs.is_empty() => a.other_version += 1,
                    None => {}
                }
            }
            a
        })
        .collect();
    let last = |e: &Earlier| e.meters_per_round.last().cloned().unwrap_or_default();
    let mine = last(this);
    let meters = this
        .meters
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let value = *mine.get(i)?;
            let ends: Vec<i32> = others
                .iter()
                .filter_map(|e| {
                    let j = e.meters.iter().position(|m| m == id)?;
                    last(e).get(j).copied()
                })
                .collect();
            Some(MeterAgainst {
                meter: id.clone(),
                this: value,
                min: *ends.iter().min()?,
                max: *ends.iter().max()?,
                lower: ends.iter().filter(|v| **v < value).count(),
            })
        })
        .collect();
    Against {
        earlier_sessions: others.len(),
        decisions,
        meters,
    }
}

/// The deck and the id a session is archived under.
pub(crate) fn id_of(session: &Session) -> Option<(String, String)> {
    let deck = session.deck().id.clone();
    let id = hash(&format!("{deck}|{}", session.seed));
    Some((deck, id))
}

/// `session` against the earlier sessions of its deck in `archive`; `None` before it ended.
pub fn against_archive(session: &Session, archive: &Archive) -> Option<Against> {
    let this = earlier_of(session, 0)?;
    Some(against(&this, &archive.of_deck(&this.deck)))
}

/// The archive on disk: a folder of one file per deck.
pub struct Archive {
    dir: PathBuf,
}

/// A deck id as a file name: letters, digits and `-` only.
fn file_of(deck: &str) -> String {
    let safe: String = deck
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.archive")
}

impl Archive {
    pub fn at(dir: impl Into<PathBuf>) -> Archive {
        Archive { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every session archived for `deck`; lines that do not read are passed over.
    pub fn of_deck(&self, deck: &str) -> Vec<Earlier> {
        read_lines(&self.dir.join(file_of(deck)))
            .into_iter()
            .filter(|e| e.deck == deck)
            .collect()
    }

    /// Every archived session, deck by deck.
    pub fn all(&self) -> Vec<Earlier> {
        crate::keeping::files_ending_in(&self.dir, "archive")
            .iter()
            .flat_map(|f| read_lines(f))
            .collect()
    }

    /// Adds sessions not yet archived; returns how many were new.
    pub fn add(&self, sessions: &[Earlier]) -> Result<usize, String> {
        use std::io::Write;
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut added = 0;
        for s in sessions {
            let ids = known
                .entry(s.deck.clone())
                .or_insert_with(|| self.of_deck(&s.deck).into_iter().map(|e| e.id).collect());
            if !ids.insert(s.id.clone()) {
                continue;
            }
            let path = self.dir.join(file_of(&s.deck));
            let line = ron::to_string(s).map_err(|e| e.to_string())?;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            writeln!(f, "{line}").map_err(|e| format!("{}: {e}", path.display()))?;
            added += 1;
        }
        Ok(added)
    }

    /// Puts `session` in, in place of an earlier copy of it (the facilitator took the last
    /// decision back after the end and decided again).
    pub fn put(&self, session: &Earlier) -> Result<(), String> {
        self.remove(&session.deck, &session.id)?;
        self.add(std::slice::from_ref(session)).map(|_| ())
    }

    /// Takes a session out again (its ending was taken back).
    pub fn remove(&self, deck: &str, id: &str) -> Result<(), String> {
        let path = self.dir.join(file_of(deck));
        let all = self.of_deck(deck);
        if !all.iter().any(|e| e.id == id) {
            return Ok(());
        }
        let mut text = String::new();
        for e in all.iter().filter(|e| e.id != id) {
            text.push_str(&ron::to_string(e).map_err(|e| e.to_string())?);
            text.push('\n');
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Forgets one deck's sessions, or all; returns how many were forgotten.
    pub fn forget(&self, deck: Option<&str>) -> Result<usize, String> {
        let n = match deck {
            Some(d) => self.of_deck(d).len(),
            None => self.all().len(),
        };
        let files: Vec<PathBuf> = match deck {
            Some(d) => vec![self.dir.join(file_of(d))],
            None => crate::keeping::files_ending_in(&self.dir, "archive"),
        };
        for f in files.iter().filter(|f| f.exists()) {
            std::fs::remove_file(f).map_err(|e| format!("{}: {e}", f.display()))?;
        }
        Ok(n)
    }

    /// Writes every archived session to one file, to carry elsewhere.
    pub fn export(&self, to: &Path) -> Result<usize, String> {
        let all = self.all();
        let mut text = String::new();
        for e in &all {
            text.push_str(&ron::to_string(e).map_err(|e| e.to_string())?);
            text.push('\n');
        }
        std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))?;
        Ok(all.len())
    }

    /// Adds the sessions of an exported file; returns (read, new).
    pub fn import(&self, from: &Path) -> Result<(usize, usize), String> {
        let text = std::fs::read_to_string(from).map_err(|e| format!("{}: {e}", from.display()))?;
        let mut read = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let e: Earlier = ron::from_str(line).map_err(|e| {
                format!(
                    "{} line {}: not an archived session: {e}",
                    from.display(),
                    i + 1
                )
            })?;
            read.push(e);
        }
        let new = self.add(&read)?;
        Ok((read.len(), new))
    }
}

fn read_lines(path: &Path) -> Vec<Earlier> {
    std::fs::read_to_string(path)
        .map(|t| t.lines().filter_map(|l| ron::from_str(l).ok()).collect())
        .unwrap_or_default()
}

/// A calendar date from Unix seconds (UTC), without a date library.
pub fn date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn earlier(id: &str, choices: &[(&str, &str, &str)], end: i32) -> Earlier {
        Earlier {
            id: id.into(),
            deck: "kanteling".into(),
            deck_version: "v".into(),
            day: "2026-12-05".into(),
            programme: None,
            rounds: 3,
            meters: vec!["budget".into()],
            meters_per_round: vec![vec![10], vec![end]],
            ending: "completed".into(),
            decisions: choices
                .iter()
                .map(|(card, version, option)| Decided {
                    round: 1,
                    card: (*card).into(),
                    card_version: (*version).into(),
                    step: 0,
                    option: (*option).into(),
                    split: vec![1, 0],
                })
                .collect(),
        }
    }

    #[test]
    fn a_decision_is_counted_against_the_same_version_of_its_card_only() {
        let this = earlier("me", &[("a", "1", "x"), ("b", "2", "y")], 7);
        let others = vec![
            earlier("one", &[("a", "1", "x")], 3),
            earlier("two", &[("a", "1", "z"), ("b", "1", "y")], 9),
            earlier("me", &[("a", "1", "x")], 7),
        ];
        let a = against(&this, &others);
        assert_eq!(a.earlier_sessions, 2);
        assert_eq!(
            a.decisions[0],
            DecisionAgainst {
                of: 2,
                same: 1,
                other_version: 0
            }
        );
        assert_eq!(
            a.decisions[1],
            DecisionAgainst {
                of: 0,
                same: 0,
                other_version: 1
            }
        );
        assert_eq!(
            a.meters,
            vec![MeterAgainst {
                meter: "budget".into(),
                this: 7,
                min: 3,
                max: 9,
                lower: 1
            }]
        );
    }

    #[test]
    fn the_archive_adds_a_session_once_and_travels_as_one_file() {
        let dir = std::env::temp_dir().join(format!("kantelspel-archive-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = Archive::at(dir.join("a"));
        assert_eq!(
            a.add(&[earlier("one", &[], 1), earlier("one", &[], 1)])
                .unwrap(),
            1
        );
        assert_eq!(
            a.add(&[earlier("one", &[], 1), earlier("two", &[], 2)])
                .unwrap(),
            1
        );
        assert_eq!(a.of_deck("kanteling").len(), 2);
        let file = dir.join("export.archive");
        assert_eq!(a.export(&file).unwrap(), 2);
        let b = Archive::at(dir.join("b"));
        assert_eq!(b.import(&file).unwrap(), (2, 2));
        assert_eq!(b.import(&file).unwrap(), (2, 0));
        // A corrected session replaces its earlier copy; a revoked ending takes it out.
        let mut changed = earlier("two", &[("a", "1", "x")], 2);
        b.put(&changed).unwrap();
        assert_eq!(b.of_deck("kanteling").len(), 2);
        assert_eq!(
            b.of_deck("kanteling")
                .iter()
                .find(|e| e.id == "two")
                .unwrap()
                .decisions
                .len(),
            1
        );
        changed.id = "one".into();
        b.remove("kanteling", "one").unwrap();
        assert_eq!(b.of_deck("kanteling").len(), 1);
        assert_eq!(b.forget(Some("kanteling")).unwrap(), 1);
        assert!(b.all().is_empty());
        std::fs::write(&file, "not an archive\n").unwrap();
        assert!(b.import(&file).unwrap_err().contains("line 1"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
