//! Kantelspel: a workshop simulation of de Kanteling in the Dutch social domain.
//!
//! `rules` is the pure game; everything else is the shell around it.

pub mod cli;
pub mod comparison;
pub mod cpu;
pub mod net;
pub mod report;
pub mod rules;
pub mod ui;
pub mod words;

/// When the process started, for the first-frame figure.
pub fn started() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}
