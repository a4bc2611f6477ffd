//! The interface's own words, in Dutch and English, from `assets/i18n/*.ron`. Deck texts come
//! from the deck.

use std::collections::HashMap;

use bevy::prelude::*;

use crate::rules::Lang;

const NL: &str = include_str!("../../assets/i18n/nl.ron");
const EN: &str = include_str!("../../assets/i18n/en.ron");

/// Parses one translation file: a RON map from key to text.
pub fn parse(source: &str) -> Result<HashMap<String, String>, String> {
    ron::from_str(source).map_err(|e| e.to_string())
}

#[derive(Resource)]
pub struct Tr {
    pub lang: Lang,
    nl: HashMap<String, String>,
    en: HashMap<String, String>,
}

impl Default for Tr {
    fn default() -> Self {
        Tr::new(Lang::Nl)
    }
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        // Both files are checked by the test suite; an unreadable one falls back to keys.
        Tr {
            lang,
            nl: parse(NL).unwrap_or_default(),
            en: parse(EN).unwrap_or_default(),
        }
    }

    /// The text for `key` in the current language; Dutch, then the key itself, as fallbacks.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        let table = match self.lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        };
        table
            .get(key)
            .or_else(|| self.nl.get(key))
            .map_or(key, String::as_str)
    }

    /// `t(key)` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut s = self.t(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), &value.to_string());
        }
        s
    }

    pub fn text<'a>(&self, text: &'a crate::rules::Text) -> &'a str {
        text.get(self.lang)
    }
}
