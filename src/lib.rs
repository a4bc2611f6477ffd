//! Kantelspel: a workshop simulation of de Kanteling in the Dutch social domain.
//!
//! `rules` is the pure game; everything else is the shell around it.

pub mod cli;
pub mod net;
pub mod report;
pub mod rules;
pub mod ui;
