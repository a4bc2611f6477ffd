//! The host of Kantelspel, beneath the window and the command line: the renet and browser edges,
//! the one gate, the tables with their journals and fan-out of views, and the files a workshop
//! leaves (journals, seats, settings, the archive of earlier tables). The rules beneath it are
//! the crate `kantelspel-rules`; nothing here draws or parses a command line.

pub mod archive;
pub mod deck_file;
pub mod keeping;
pub mod net;
pub mod places;
pub use kantelspel_rules as rules;
pub use kantelspel_rules::words;
