//! The browser players' page, embedded in the binary: no internet, no build step. Its words come
//! from the same Fluent files as the window's (the `page` group), put in front of the script.

use std::sync::OnceLock;

use crate::rules::Lang;
use crate::words;

pub const INDEX_HTML: &str = include_str!("../../../../assets/web/index.html");
const APP_JS_SOURCE: &str = include_str!("../../../../assets/web/app.js");
pub const STYLE_CSS: &str = include_str!("../../../../assets/web/style.css");

/// The line in `app.js` where the words go.
const WORDS_MARKER: &str = "// WORDS (the page's texts in Dutch and English) is put in front of this file by the host, from\n// the same translation files as the window's: `page` in assets/i18n/*.ftl (crates/host/src/net/page.rs).\n";

/// The placeables the page fills in itself (`{n}` in the script's own `w()`).
const PAGE_PLACEABLES: [&str; 5] = ["n", "of", "name", "role", "option"];

/// `{"nl": {...}, "en": {...}}`: every `page.*` text, placeables left as `{name}` for the page.
pub fn words_json() -> String {
    let d = words::dictionary();
    let mut out = serde_json::Map::new();
    for (lang, code) in [(Lang::Nl, "nl"), (Lang::En, "en")] {
        let w = d.words(lang);
        let keep: Vec<String> = PAGE_PLACEABLES.iter().map(|p| format!("{{{p}}}")).collect();
        let args: Vec<(&str, &dyn std::fmt::Display)> = PAGE_PLACEABLES
            .iter()
            .zip(&keep)
            .map(|(p, k)| (*p, k as &dyn std::fmt::Display))
            .collect();
        let table: serde_json::Map<String, serde_json::Value> = w
            .keys()
            .iter()
            .filter_map(|k| k.strip_prefix("page.").map(|short| (k, short)))
            .filter_map(|(k, short)| w.format(k, &args).map(|v| (short.to_string(), v.into())))
            .collect();
        out.insert(code.to_string(), table.into());
    }
    serde_json::Value::Object(out).to_string()
}

/// The script as served: `app.js` with its words.
pub fn app_js() -> &'static str {
    static JS: OnceLock<String> = OnceLock::new();
    JS.get_or_init(|| {
        APP_JS_SOURCE.replacen(
            WORDS_MARKER,
            &format!("const WORDS = {};\n", words_json()),
            1,
        )
    })
}

/// Everything a browser downloads to play.
pub fn page_weight() -> usize {
    INDEX_HTML.len() + app_js().len() + STYLE_CSS.len()
}
