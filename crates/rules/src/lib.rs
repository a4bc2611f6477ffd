//! The rules of Kantelspel: decks, session state, intents and their effects. No I/O, no Bevy,
//! no network: everything here is a pure function of its inputs and is tested as such.

pub mod bot;
pub mod deck;
pub mod graph;
pub mod journal;
pub mod lint;
pub mod preview;
pub mod session;
pub mod simulate;
pub mod text;
pub mod view;

pub use deck::{Deck, DeckError};
pub use session::{Event, Intent, Phase, RuleError, SeatId, Sender, Session};
pub use text::{Lang, Text};
