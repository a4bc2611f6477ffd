//! The browser players' page, embedded in the binary: no internet, no build step. Its words come
//! from the same Fluent files as the window's (the `page` group), put in front of the script.

use std::sync::OnceLock;

use crate::rules::Lang;
use crate::words;

const INDEX_HTML_SOURCE: &str = include_str!("../../../../assets/web/index.html");
const APP_JS_SOURCE: &str = include_str!("../../../../assets/web/app.js");
const STYLE_CSS_SOURCE: &str = include_str!("../../../../assets/web/style.css");

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

/// The script as served: `app.js` with its words, without the lines that are only comments
/// (they are for whoever reads the source, and a fifth of the script's gzipped bytes).
pub fn app_js() -> &'static str {
    static JS: OnceLock<String> = OnceLock::new();
    JS.get_or_init(|| {
        let with_words = APP_JS_SOURCE.replacen(
            WORDS_MARKER,
            &format!("const WORDS = {};\n", words_json()),
            1,
        );
        with_words
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect()
    })
}

/// The style sheet as served: `style.css` without its comments.
pub fn style_css() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| without_comments(STYLE_CSS_SOURCE))
}

/// CSS without its `/* … */` comments (the sheet has no strings that hold such a pair).
fn without_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// A tag of a file's contents: the first 8 bytes of its SHA-256, in hex.
pub fn tag(text: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(text.as_bytes());
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The page as served: it asks for the script and the style sheet by their tags
/// (`/app.js?v=…`), so a browser may keep them without asking again, and a host with other files
/// names other addresses. A reload then asks only for the page itself.
pub fn index_html() -> &'static str {
    static HTML: OnceLock<String> = OnceLock::new();
    HTML.get_or_init(|| {
        INDEX_HTML_SOURCE
            .replacen(
                "href=\"/style.css\"",
                &format!("href=\"/style.css?v={}\"", tag(style_css())),
                1,
            )
            .replacen(
                "src=\"/app.js\"",
                &format!("src=\"/app.js?v={}\"", tag(app_js())),
                1,
            )
    })
}

/// Everything a browser downloads to play.
pub fn page_weight() -> usize {
    index_html().len() + app_js().len() + style_css().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_files_lose_their_comments_and_keep_their_rules() {
        assert_eq!(
            without_comments("a { b: c; } /* why\n more */ d { e: f; }/* end */"),
            "a { b: c; }  d { e: f; }"
        );
        assert_eq!(without_comments("a {} /* never closed"), "a {} ");
        let css = style_css();
        assert!(!css.contains("/*") && !css.contains("*/"));
        assert_eq!(
            css.matches('{').count(),
            STYLE_CSS_SOURCE.matches('{').count(),
            "no rule went with the comments"
        );
        let html = index_html();
        for (file, text) in [("style.css", css), ("app.js", app_js())] {
            assert!(
                html.contains(&format!("/{file}?v={}\"", tag(text))),
                "the page asks for {file} by its tag"
            );
        }
        let js = app_js();
        assert!(js.contains("'use strict';"));
        assert!(js.contains("const WORDS = {"), "the words are in");
        assert!(
            !js.lines().any(|l| l.trim_start().starts_with("//")),
            "no comment lines"
        );
    }
}
