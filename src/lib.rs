//! Kantelspel: a workshop simulation of de Kanteling in the Dutch social domain.
//!
//! The program on top: the window, the command line and the report. Beneath it the host (the
//! crate `kantelspel-host`: edges, gate, tables, the workshop's files) and at the bottom the pure
//! game (the crate `kantelspel-rules`, with its words).

pub mod cli;
pub mod comparison;
pub(crate) mod cpu;
pub mod report;
pub mod ui;
pub use kantelspel_host::{archive, deck_file, keeping, net, places};
pub use kantelspel_rules as rules;
pub use kantelspel_rules::words;

/// When the process started, for the first-frame figure.
pub fn started() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}
