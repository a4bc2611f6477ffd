//! The wire: message enums, channels, versioning and size limits, for host and clients alike.

use std::time::Duration;

use renet::{ChannelConfig, ConnectionConfig, SendType};
use serde::{Deserialize, Serialize};

use crate::rules::session::{Intent, RuleError, SeatId};
use crate::rules::view::View;

/// Bumped whenever a message changes shape. Part of the netcode protocol id, so clients of
/// another version cannot connect by accident; the info port tells them why.
pub const PROTOCOL_VERSION: u16 = 1;
/// "KANTEL" in ASCII, then the version.
pub const PROTOCOL_ID: u64 = 0x4b41_4e54_454c_0000 | PROTOCOL_VERSION as u64;

/// The game port a host listens on unless told otherwise. The info port is the next one.
pub const DEFAULT_PORT: u16 = 47_470;
/// Where hosts announce themselves and `kantelspel sessions` listens.
pub const DISCOVERY_PORT: u16 = 47_469;

/// A client message longer than this is refused before decoding: a hello or an intent is a few
/// dozen bytes.
pub const MAX_CLIENT_MESSAGE: usize = 1024;
/// Views grow with the roster and the debrief; this bounds what a client will decode.
pub const MAX_HOST_MESSAGE: usize = 512 * 1024;
/// Messages a client may send per second before the host drops it as a flood.
pub const MAX_CLIENT_MESSAGES_PER_SEC: u32 = 60;
/// How long netcode waits for a silent peer. A closed lid longer than this is a reconnect.
pub const TIMEOUT_SECS: i32 = 15;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Everything: intents one way, views and refusals the other. Ordered and reliable,
    /// because a vote must never be lost or overtaken.
    Reliable,
}

impl From<Channel> for u8 {
    fn from(c: Channel) -> u8 {
        match c {
            Channel::Reliable => 0,
        }
    }
}

/// The one connection configuration both sides use.
pub fn connection_config() -> ConnectionConfig {
    let channel = |bytes| {
        vec![ChannelConfig {
            channel_id: Channel::Reliable.into(),
            max_memory_usage_bytes: bytes,
            send_type: SendType::ReliableOrdered {
                resend_time: Duration::from_millis(150),
            },
        }]
    };
    ConnectionConfig {
        available_bytes_per_tick: 120_000,
        server_channels_config: channel(8 * 1024 * 1024),
        // A client that fills this with unacknowledged messages is disconnected by renet.
        client_channels_config: channel(64 * 1024),
    }
}

/// From a player's laptop to the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// The first message after connecting: who this is and which role they would like.
    Hello {
        version: u16,
        name: String,
        role: Option<String>,
        /// The secret from an earlier `Welcome`, to take the seat back after a reconnect.
        rejoin: Option<u64>,
    },
    /// A player's intent: choose a role, vote.
    Intent(Intent),
}

/// From the host to one player.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum HostMsg {
    /// The player has a seat (new, or their old one back after a reconnect).
    Welcome {
        seat: SeatId,
        session: String,
        rejoin: u64,
    },
    /// Something the player sent was not accepted. Fatal refusals are followed by a disconnect.
    Refused(Refusal),
    /// The session as this player may see it, and who is connected.
    State {
        view: Box<View>,
        connected: Vec<SeatId>,
        /// Seconds left on the decision timer, when one runs.
        timer_left: Option<u32>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Refusal {
    #[error(
        "version mismatch: the host speaks protocol {host}, this program {client}; use the same Kantelspel version as the host"
    )]
    VersionMismatch { host: u16, client: u16 },
    #[error("someone called `{0}` is already connected; choose another name")]
    NameInUse(String),
    #[error("{0}")]
    Rule(RuleError),
    #[error("the message could not be read")]
    Malformed,
    #[error("first say hello: send your name")]
    NotJoined,
    #[error("too many messages: the connection was closed")]
    Flooding,
    #[error("the host cannot save the session journal ({0}); tell the facilitator")]
    JournalFailed(String),
    #[error("the facilitator removed you from the session")]
    Removed,
}

impl Refusal {
    /// Refusals after which the host closes the connection.
    pub fn is_fatal(&self) -> bool {
        match self {
            Refusal::VersionMismatch { .. }
            | Refusal::NameInUse(_)
            | Refusal::Flooding
            | Refusal::Removed => true,
            // Refused while joining: there is no seat to go back to.
            Refusal::Rule(
                RuleError::RoleFull(_)
                | RuleError::BadName
                | RuleError::NameTaken(_)
                | RuleError::UnknownRole(_),
            ) => true,
            _ => false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message of {0} bytes is over the limit")]
    TooLarge(usize),
    #[error("malformed message: {0}")]
    Malformed(#[from] postcard::Error),
}

pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    // Serialising our own plain data types cannot fail.
    postcard::to_allocvec(msg).unwrap_or_default()
}

pub fn decode_client(bytes: &[u8]) -> Result<ClientMsg, DecodeError> {
    if bytes.len() > MAX_CLIENT_MESSAGE {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    Ok(postcard::from_bytes(bytes)?)
}

pub fn decode_host(bytes: &[u8]) -> Result<HostMsg, DecodeError> {
    if bytes.len() > MAX_HOST_MESSAGE {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    Ok(postcard::from_bytes(bytes)?)
}
