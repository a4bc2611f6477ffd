//! The rules of Kantelspel: decks, session state, intents and their effects, and the words
//! they say. No Bevy, no network, no files read at run time: everything here is a pure function
//! of its inputs and is tested as such, in this crate, without building the shell.

pub mod bot;
pub mod deck;
pub mod graph;
pub mod journal;
pub mod lint;
pub mod preview;
pub mod pseudonym;
pub mod session;
pub mod simulate;
pub mod text;
pub mod view;
pub mod words;

pub use deck::{Deck, DeckError};
pub use session::{Event, Intent, Phase, RuleError, SeatId, Sender, Session};
pub use text::{Lang, Text};
