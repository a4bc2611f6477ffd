//! Where the program keeps what it writes, in the system's own folders: seat tokens, settings
//! and the archive in the data folder, journals and reports in the documents folder — never a
//! folder of its own in the home directory.
//!
//! The folders follow from the environment alone (a pure function of the variables and the
//! system's kind), so every system's layout is tested on any one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The kind of system, for its folder conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum System {
    Linux,
    Mac,
    Windows,
}

impl System {
    const THIS: System = if cfg!(target_os = "macos") {
        System::Mac
    } else if cfg!(windows) {
        System::Windows
    } else {
        System::Linux
    };
}

/// The folders this program writes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Places {
    /// Seat tokens, settings, the archive: the system's data folder for programs.
    pub data: PathBuf,
    /// Journals, workshop files and reports: the user's documents folder, or the data folder
    /// when the system names none.
    pub journals: PathBuf,
    /// The home directory, where earlier versions kept their journals.
    pub home: Option<PathBuf>,
}

/// The folder name in the data folder (lower case, as programs name theirs there).
const DATA_NAME: &str = "kantelspel";
/// The folder name in the documents folder (a person reads it).
const DOCUMENTS_NAME: &str = "Kantelspel";
/// Where versions before this one kept their journals, in the home directory.
const OLD_JOURNALS: &str = "kantelspel-journals";

fn absolute(v: Option<OsString>) -> Option<PathBuf> {
    v.map(PathBuf::from).filter(|p| p.is_absolute())
}

/// `XDG_DOCUMENTS_DIR` from the text of `user-dirs.dirs` (`XDG_DOCUMENTS_DIR="$HOME/Documenten"`).
/// A documents folder set to the home directory itself means "none", as the XDG spec says.
fn documents_from_user_dirs(text: &str, home: &Path) -> Option<PathBuf> {
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix("XDG_DOCUMENTS_DIR="))?;
    let value = line.trim().trim_matches('"');
    let path = match value.strip_prefix("$HOME") {
        Some(rest) => home.join(rest.trim_start_matches('/')),
        None => PathBuf::from(value),
    };
    (path.is_absolute() && path != home).then_some(path)
}

impl Places {
    /// The folders on `system` with these environment variables; `user_dirs` is the text of
    /// Linux's `user-dirs.dirs`, if there is one. `None` when not even a home is known.
    pub fn of(
        system: System,
        var: &dyn Fn(&str) -> Option<OsString>,
        user_dirs: Option<&str>,
    ) -> Option<Places> {
        let home = match system {
            System::Windows => absolute(var("USERPROFILE")).or_else(|| absolute(var("HOME"))),
            _ => absolute(var("HOME")),
        };
        let (data, documents) = match system {
            System::Linux => {
                let data = absolute(var("XDG_DATA_HOME"))
                    .or_else(|| home.as_ref().map(|h| h.join(".local").join("share")))?;
                let documents = home.as_ref().and_then(|h| {
                    absolute(var("XDG_DOCUMENTS_DIR"))
                        .filter(|d| d != h)
                        .or_else(|| user_dirs.and_then(|t| documents_from_user_dirs(t, h)))
                });
                (data, documents)
            }
            System::Mac => {
                let h = home.clone()?;
                (
                    h.join("Library").join("Application Support"),
                    Some(h.join("Documents")),
                )
            }
            System::Windows => {
                // The local, not the roaming, application data: a roaming profile would copy
                // the seat tokens and the archive to the municipality's servers.
                let data = absolute(var("LOCALAPPDATA"))
                    .or_else(|| home.as_ref().map(|h| h.join("AppData").join("Local")))?;
                (data, home.as_ref().map(|h| h.join("Documents")))
            }
        };
        let data = data.join(DATA_NAME);
        let journals = match documents {
            Some(d) => d.join(DOCUMENTS_NAME),
            None => data.join("journals"),
        };
        Some(Places {
            data,
            journals,
            home,
        })
    }

    /// This system's folders, as its environment says now; the working folder when it says
    /// nothing at all (a service without a home).
    pub fn here() -> Places {
        let config = absolute(std::env::var_os("XDG_CONFIG_HOME"))
            .or_else(|| absolute(std::env::var_os("HOME")).map(|h| h.join(".config")));
        let user_dirs = match System::THIS {
            System::Linux => {
                config.and_then(|c| std::fs::read_to_string(c.join("user-dirs.dirs")).ok())
            }
            _ => None,
        };
        Places::of(System::THIS, &|k| std::env::var_os(k), user_dirs.as_deref()).unwrap_or_else(
            || Places {
                data: PathBuf::from(DATA_NAME),
                journals: PathBuf::from(DATA_NAME).join("journals"),
                home: None,
            },
        )
    }

    /// The seat tokens this laptop holds as a player.
    pub fn seats(&self) -> PathBuf {
        self.data.join("seats.ron")
    }

    /// The facilitator's settings (retention, the archive, the old folder's answer).
    pub fn settings(&self) -> PathBuf {
        self.data.join("settings.ron")
    }

    /// The archive of earlier sessions, without names.
    pub fn archive(&self) -> PathBuf {
        self.data.join("archive")
    }

    /// The folder earlier versions kept journals in, when it holds any and is not the journal
    /// folder itself.
    pub fn old_journals(&self) -> Option<PathBuf> {
        let old = self.home.as_ref()?.join(OLD_JOURNALS);
        let any = std::fs::read_dir(&old).ok()?.flatten().any(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "journal" || x == "workshop")
        });
        (any && old != self.journals).then_some(old)
    }
}

/// What the facilitator answered about the old journal folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OldJournals {
    Moved,
    Left,
}

/// The facilitator's settings, kept in the data folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Journals, workshop files, reports and seat tokens older than this many days are removed
    /// at start-up; 0 keeps them all.
    pub keep_days: u32,
    /// Whether an ended session adds its decisions (no names) to the archive.
    pub archive: bool,
    /// The old journal folder is offered once: this is the answer.
    pub old_journals: Option<OldJournals>,
}

/// Days a journal is kept unless the facilitator sets otherwise.
const KEEP_DAYS: u32 = 90;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            keep_days: KEEP_DAYS,
            archive: true,
            old_journals: None,
        }
    }
}

impl Settings {
    /// The settings in `path`; the defaults when there are none or they cannot be read.
    pub fn load(path: &Path) -> Settings {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| ron::from_str(&t).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| e.to_string())?;
        // Written whole, then renamed: a crash never leaves half a file that reads as defaults.
        let tmp = path.with_extension("ron.tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Moves every file of the old journal folder into `to` (a name taken there gets a suffix);
/// the old folder is removed when it is left empty. Returns how many files moved.
pub fn move_old_journals(old: &Path, to: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut moved = 0;
    let entries = std::fs::read_dir(old).map_err(|e| format!("{}: {e}", old.display()))?;
    for e in entries.flatten() {
        let from = e.path();
        if !from.is_file() {
            continue;
        }
        let Some(name) = from.file_name() else {
            continue;
        };
        let mut dest = to.join(name);
        let mut n = 1;
        while dest.exists() {
            dest = to.join(format!("{n}-{}", name.to_string_lossy()));
            n += 1;
        }
        // A rename fails across disks: copy, then remove.
        if std::fs::rename(&from, &dest).is_err() {
            std::fs::copy(&from, &dest).map_err(|e| format!("{}: {e}", from.display()))?;
            std::fs::remove_file(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        }
        moved += 1;
    }
    let _ = std::fs::remove_dir(old);
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| map.get(k).cloned()
    }

    // The made-up paths are written the Unix way: absolute only there.
    #[cfg(unix)]
    #[test]
    fn linux_follows_the_xdg_variables() {
        let p = Places::of(
            System::Linux,
            &env(&[
                ("HOME", "/home/anna"),
                ("XDG_DATA_HOME", "/srv/data"),
                ("XDG_DOCUMENTS_DIR", "/home/anna/Stukken"),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(p.data, PathBuf::from("/srv/data/kantelspel"));
        assert_eq!(p.seats(), PathBuf::from("/srv/data/kantelspel/seats.ron"));
        assert_eq!(p.journals, PathBuf::from("/home/anna/Stukken/Kantelspel"));
    }

    // The made-up paths are written the Unix way: absolute only there.
    #[cfg(unix)]
    #[test]
    fn linux_without_variables_uses_the_defaults_and_user_dirs() {
        let user_dirs = "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Bureaublad\"\nXDG_DOCUMENTS_DIR=\"$HOME/Documenten\"\n";
        let p = Places::of(
            System::Linux,
            &env(&[("HOME", "/home/anna")]),
            Some(user_dirs),
        )
        .unwrap();
        assert_eq!(p.data, PathBuf::from("/home/anna/.local/share/kantelspel"));
        assert_eq!(
            p.journals,
            PathBuf::from("/home/anna/Documenten/Kantelspel")
        );
        // No documents folder named: journals go to the data folder, not a folder in the home.
        let p = Places::of(System::Linux, &env(&[("HOME", "/home/anna")]), None).unwrap();
        assert_eq!(
            p.journals,
            PathBuf::from("/home/anna/.local/share/kantelspel/journals")
        );
        // A documents folder set to the home itself is the spec's way of saying "none".
        let p = Places::of(
            System::Linux,
            &env(&[("HOME", "/home/anna")]),
            Some("XDG_DOCUMENTS_DIR=\"$HOME/\""),
        )
        .unwrap();
        assert!(p.journals.starts_with("/home/anna/.local/share"));
        // A relative XDG variable is ignored, as the spec asks.
        let p = Places::of(
            System::Linux,
            &env(&[("HOME", "/home/anna"), ("XDG_DATA_HOME", "data")]),
            None,
        )
        .unwrap();
        assert_eq!(p.data, PathBuf::from("/home/anna/.local/share/kantelspel"));
        assert!(Places::of(System::Linux, &env(&[]), None).is_none());
    }

    // The made-up paths are written the Unix way: absolute only there.
    #[cfg(unix)]
    #[test]
    fn a_mac_uses_application_support_and_documents() {
        let p = Places::of(System::Mac, &env(&[("HOME", "/Users/anna")]), None).unwrap();
        assert_eq!(
            p.data,
            PathBuf::from("/Users/anna/Library/Application Support/kantelspel")
        );
        assert_eq!(
            p.journals,
            PathBuf::from("/Users/anna/Documents/Kantelspel")
        );
    }

    // The made-up paths are written the Unix way: absolute only there.
    #[cfg(unix)]
    #[test]
    fn windows_keeps_data_in_the_local_not_the_roaming_app_data() {
        // Forward slashes: the test runs on Linux, where a backslash path is not absolute.
        let p = Places::of(
            System::Windows,
            &env(&[
                ("USERPROFILE", "/Users/anna"),
                ("APPDATA", "/Users/anna/AppData/Roaming"),
                ("LOCALAPPDATA", "/Users/anna/AppData/Local"),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(
            p.data,
            PathBuf::from("/Users/anna/AppData/Local/kantelspel")
        );
        assert_eq!(
            p.journals,
            PathBuf::from("/Users/anna/Documents/Kantelspel")
        );
    }

    #[test]
    fn the_old_folder_is_found_and_its_journals_move() {
        let root = std::env::temp_dir().join(format!("kantelspel-places-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let home = root.join("home");
        let p = Places::of(
            System::Linux,
            &env(&[("HOME", home.to_str().unwrap())]),
            Some("XDG_DOCUMENTS_DIR=\"$HOME/Documenten\""),
        )
        .unwrap();
        assert_eq!(p.old_journals(), None);
        let old = home.join(OLD_JOURNALS);
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("notes.txt"), "x").unwrap();
        assert_eq!(p.old_journals(), None, "no journal in it yet");
        std::fs::write(old.join("a.journal"), "one").unwrap();
        std::fs::create_dir_all(&p.journals).unwrap();
        std::fs::write(p.journals.join("a.journal"), "already here").unwrap();
        assert_eq!(p.old_journals(), Some(old.clone()));
        assert_eq!(move_old_journals(&old, &p.journals).unwrap(), 2);
        assert!(!old.exists());
        assert_eq!(
            std::fs::read_to_string(p.journals.join("1-a.journal")).unwrap(),
            "one"
        );
        assert_eq!(
            std::fs::read_to_string(p.journals.join("a.journal")).unwrap(),
            "already here"
        );
        assert_eq!(p.old_journals(), None);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn settings_survive_a_save_and_a_broken_file_gives_the_defaults() {
        let dir = std::env::temp_dir().join(format!("kantelspel-settings-{}", std::process::id()));
        let path = dir.join("settings.ron");
        assert_eq!(Settings::load(&path), Settings::default());
        let s = Settings {
            keep_days: 30,
            archive: false,
            old_journals: Some(OldJournals::Left),
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path), s);
        std::fs::write(&path, "(keep_days: \"x\"").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
