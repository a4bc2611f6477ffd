//! Rigs that push arbitrary bytes through the host's and the client's receive paths, for the
//! fuzz targets in `fuzz/` and the robustness property tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bevy_renet::{RenetClient, RenetServer};
use renetcode::{ClientAuthentication, ServerAuthentication, ServerConfig};

use super::client::ClientCore;
use super::code::{self, JoinCode};
use super::host::HostCore;
use super::protocol::{self, ClientMsg, PROTOCOL_ID, PROTOCOL_VERSION};
use super::transport::{ClientTransport, ServerTransport};
use crate::rules::Session;
use crate::rules::deck::Deck;
use crate::rules::session::Intent;

/// A host with a seated player (client 1) and a stranger (client 2, no hello yet).
pub struct HostRig {
    transport: ServerTransport,
    server: RenetServer,
    core: HostCore,
    seated: SocketAddr,
    stranger: SocketAddr,
    tick: u64,
}

impl Default for HostRig {
    fn default() -> Self {
        Self::new()
    }
}

impl HostRig {
    pub fn new() -> HostRig {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("loopback");
        let addr = socket.local_addr().expect("bound");
        let code = JoinCode::parse("FUZZ42").expect("valid");
        let transport = ServerTransport::new(
            ServerConfig {
                current_time: code::now(),
                max_clients: 16,
                protocol_id: PROTOCOL_ID,
                public_addresses: vec![addr],
                authentication: ServerAuthentication::Secure {
                    private_key: code.key(),
                },
            },
            socket,
        )
        .expect("transport");
        let deck = Arc::new(Deck::default_deck().expect("the default deck is valid"));
        let mut core = HostCore::new(Session::new(deck, 1, 3), None, "fuzz".into());
        core.connect(1, Duration::ZERO);
        core.connect(2, Duration::ZERO);
        core.receive(
            1,
            &protocol::encode(&ClientMsg::Hello {
                version: PROTOCOL_VERSION,
                name: "speler".into(),
                role: Some("raadslid".into()),
                rejoin: None,
            }),
            Duration::ZERO,
        );
        let _ = core.facilitate(&Intent::Start);
        HostRig {
            transport,
            server: RenetServer::new(protocol::connection_config()),
            core,
            seated: "127.0.0.1:40001".parse().expect("constant"),
            stranger: "127.0.0.1:40002".parse().expect("constant"),
            tick: 0,
        }
    }

    /// The first byte picks the path: the raw datagram path from either address, or the host
    /// core's message path from the seated player or the stranger.
    pub fn feed(&mut self, data: &[u8]) {
        let Some((&selector, rest)) = data.split_first() else {
            return;
        };
        self.tick += 1;
        let now = Duration::from_millis(self.tick);
        match selector % 4 {
            0 => self
                .transport
                .process_datagram(self.seated, rest, &mut self.server),
            1 => self
                .transport
                .process_datagram(self.stranger, rest, &mut self.server),
            2 => self.core.receive(1, rest, now),
            _ => self.core.receive(2, rest, now),
        }
        let _ = self.core.take_outgoing(now);
    }
}

/// A player connected (in netcode's eyes, connecting) to a host address.
pub struct ClientRig {
    transport: ClientTransport,
    client: RenetClient,
    core: ClientCore,
}

impl Default for ClientRig {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientRig {
    pub fn new() -> ClientRig {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("loopback");
        let host: SocketAddr = "127.0.0.1:40003".parse().expect("constant");
        let code = JoinCode::parse("FUZZ42").expect("valid");
        let token = code::connect_token(&code, 7, host).expect("token");
        ClientRig {
            transport: ClientTransport::new(
                code::now(),
                ClientAuthentication::Secure {
                    connect_token: token,
                },
                socket,
            )
            .expect("transport"),
            client: RenetClient::new(protocol::connection_config()),
            core: ClientCore::new("speler", Some("raadslid".into())),
        }
    }

    pub fn feed(&mut self, data: &[u8]) {
        let Some((&selector, rest)) = data.split_first() else {
            return;
        };
        if selector % 2 == 0 {
            self.transport.process_datagram(rest, &mut self.client);
        } else {
            self.core.receive(rest);
            let _ = self.core.my_turn();
            let _ = self.core.seconds_left();
        }
    }
}
