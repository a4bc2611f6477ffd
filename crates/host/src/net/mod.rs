//! Networked sessions: the wire protocol, join codes, the host and client cores, and the Bevy
//! plugins that carry them over renet.

pub mod client;
pub mod code;
pub mod deck_reload;
pub mod desk;
pub mod director;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod host;
pub mod info;
pub mod journal_file;
pub mod page;
pub mod patch;
pub mod plugin;
pub mod protocol;
pub mod qr;
pub mod seat_store;
pub mod transport;
pub mod venue;
pub mod web;
pub mod workshop;
pub mod zip;
