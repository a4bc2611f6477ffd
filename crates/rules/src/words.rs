//! The program's own words in Dutch and English, from the Fluent files `assets/i18n/*.ftl`:
//! the window, the refusals and rule errors a player is shown, and the report. Deck texts come
//! from the deck. Pure: the Bevy resource in `ui::i18n` and the rules' messages both read here.
//!
//! A key `round.round_of` is the attribute `.round_of` of the message `round`. Numbers passed as
//! arguments choose plural forms (`{ $n -> [one] 1 speler *[other] { $n } spelers }`).

use std::collections::BTreeSet;
use std::fmt::Display;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::{Lang, Text};

pub const NL_FTL: &str = include_str!("../../../assets/i18n/nl.ftl");
pub const EN_FTL: &str = include_str!("../../../assets/i18n/en.ftl");

/// One language's bundle.
pub struct Words {
    bundle: FluentBundle<FluentResource>,
    keys: BTreeSet<String>,
}

impl Words {
    /// Reads a Fluent file; every syntax error is returned in words.
    pub fn parse(lang: &str, source: &str) -> Result<Words, Vec<String>> {
        let resource = FluentResource::try_new(source.to_string())
            .map_err(|(_, errors)| errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>())?;
        let mut keys = BTreeSet::new();
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                if m.value.is_some() {
                    keys.insert(m.id.name.to_string());
                }
                for a in &m.attributes {
                    keys.insert(format!("{}.{}", m.id.name, a.id.name));
                }
            }
        }
        let id = lang.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks: every text here is left to right, and egui would show them.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .map_err(|errors| errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>())?;
        Ok(Words { bundle, keys })
    }

    /// Every key this file defines.
    pub fn keys(&self) -> &BTreeSet<String> {
        &self.keys
    }

    /// The text for `key` with `args` filled in; `None` when the key is unknown or a placeable
    /// could not be filled.
    pub fn format(&self, key: &str, args: &[(&str, &dyn Display)]) -> Option<String> {
        let (message, attribute) = match key.split_once('.') {
            Some((m, a)) => (m, Some(a)),
            None => (key, None),
        };
        let message = self.bundle.get_message(message)?;
        let pattern = match attribute {
            Some(a) => message.get_attribute(a)?.value(),
            None => message.value()?,
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let shown = value.to_string();
            // A whole number is passed as one, so that it can choose a plural form; anything
            // else ("+5", "007", a name) stays text as it was written.
            let value = match shown.parse::<i64>() {
                Ok(n) if n.to_string() == shown => FluentValue::from(n),
                _ => FluentValue::from(shown),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        errors.is_empty().then(|| text.into_owned())
    }
}

/// Both languages, read once.
pub struct Dictionary {
    pub nl: Words,
    pub en: Words,
}

impl Dictionary {
    pub fn words(&self, lang: Lang) -> &Words {
        match lang {
            Lang::Nl => &self.nl,
            Lang::En => &self.en,
        }
    }
}

/// The embedded dictionary. Both files are checked by the test suite; should one not parse, the
/// keys themselves are shown rather than nothing.
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| {
        let empty = |lang: &str| Words::parse(lang, "").unwrap_or_else(|_| unreachable_empty());
        Dictionary {
            nl: Words::parse("nl", NL_FTL).unwrap_or_else(|_| empty("nl")),
            en: Words::parse("en", EN_FTL).unwrap_or_else(|_| empty("en")),
        }
    })
}

#[cold]
fn unreachable_empty() -> Words {
    // An empty file always parses; this only satisfies the types.
    Words {
        bundle: FluentBundle::new_concurrent(Vec::new()),
        keys: BTreeSet::new(),
    }
}

/// `key` in `lang` with `args`; Dutch when the language lacks it, the key itself as a last resort.
pub fn say(lang: Lang, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let d = dictionary();
    d.words(lang)
        .format(key, args)
        .or_else(|| d.nl.format(key, args))
        .unwrap_or_else(|| key.to_string())
}

/// `key` in both languages, for messages that travel to a screen whose language is its own.
pub fn text(key: &str, args: &[(&str, &dyn Display)]) -> Text {
    Text::new(say(Lang::Nl, key, args), say(Lang::En, key, args))
}
