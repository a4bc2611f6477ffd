//! The browser players' page, embedded in the binary: no internet, no build step.

pub const INDEX_HTML: &str = include_str!("../../assets/web/index.html");
pub const APP_JS: &str = include_str!("../../assets/web/app.js");
pub const STYLE_CSS: &str = include_str!("../../assets/web/style.css");

/// Everything a browser downloads to play.
pub fn page_weight() -> usize {
    INDEX_HTML.len() + APP_JS.len() + STYLE_CSS.len()
}
