//! Player-facing text in Dutch (required) and English, and the language a screen shows.

use serde::{Deserialize, Serialize};

/// A language the game can show. Dutch is the default: the workshops are Dutch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// One text in both languages, written in a deck as `(nl: "...", en: "...")`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(default)]
    pub nl: String,
    #[serde(default)]
    pub en: String,
}

impl Text {
    pub fn new(nl: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            nl: nl.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to Dutch where a deck has no translation.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.nl,
        }
    }

    /// Drops the language a screen in `lang` does not show, so a player is sent one language:
    /// what is left still gives `get(lang)` the same text.
    pub(crate) fn keep_only(&mut self, lang: Lang) {
        match lang {
            Lang::En if !self.en.trim().is_empty() => self.nl.clear(),
            _ => self.en.clear(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nl.trim().is_empty() && self.en.trim().is_empty()
    }

    pub(crate) fn has_both(&self) -> bool {
        !self.nl.trim().is_empty() && !self.en.trim().is_empty()
    }
}
