//! Kantelspel: a workshop simulation of de Kanteling in the Dutch social domain.
//!
//! `rules` is the pure game (the crate `kantelspel-rules`, with its words); everything else is
//! the shell around it.

pub mod archive;
pub mod cli;
pub mod comparison;
pub mod cpu;
pub mod deck_file;
pub mod keeping;
pub mod net;
pub mod places;
pub mod report;
pub mod ui;
pub use kantelspel_rules as rules;
pub use kantelspel_rules::words;

/// When the process started, for the first-frame figure.
pub fn started() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}
