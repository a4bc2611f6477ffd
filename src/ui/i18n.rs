//! The window's words as a Bevy resource: the language chosen, and every text without
//! placeables ready to borrow each frame. The words themselves are in `crate::words` (Fluent).

use std::collections::HashMap;

use bevy::prelude::*;

use crate::rules::Lang;
use crate::words::{self, Words};

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

/// Every key of `words` that needs no argument, formatted once.
fn plain(words: &Words) -> HashMap<String, String> {
    words
        .keys()
        .iter()
        .filter_map(|k| words.format(k, &[]).map(|v| (k.clone(), v)))
        .collect()
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        let d = words::dictionary();
        Tr {
            lang,
            nl: plain(&d.nl),
            en: plain(&d.en),
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

    /// `key` with its placeables filled in (numbers choose plural forms).
    pub fn f(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        words::say(self.lang, key, args)
    }

    pub fn text<'a>(&self, text: &'a crate::rules::Text) -> &'a str {
        text.get(self.lang)
    }
}
