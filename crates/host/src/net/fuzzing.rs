//! Rigs that push arbitrary bytes through the host's and the client's receive paths, for the
//! fuzz targets in `fuzz/` and the robustness property tests.
//!
//! Each rig holds a real netcode connection (a client that completed the handshake over
//! loopback), so bytes arrive from a connected player's own address and reach netcode's
//! decryption; sealed with the connection's key, they reach renet's packet parser behind it.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use bevy_renet::{RenetClient, RenetServer};
use renetcode::{ClientAuthentication, ServerAuthentication, ServerConfig};

use super::client::ClientCore;
use super::code::{self, JoinCode};
use super::director::{Director, Pace};
use super::host::{HostCore, LinkKind};
use super::protocol::{self, ClientMsg, PROTOCOL_ID, PROTOCOL_VERSION};
use super::transport::{ClientTransport, ServerTransport};
use super::workshop::{Table, Workshop};
use crate::rules::Session;
use crate::rules::deck::Deck;
use crate::rules::session::Intent;

/// A host and a client whose netcode handshake completed over loopback.
pub struct Connection {
    pub host: ServerTransport,
    pub server: RenetServer,
    pub player: ClientTransport,
    pub client: RenetClient,
    /// The client's id and address, as the host knows them.
    pub client_id: u64,
    pub client_addr: SocketAddr,
}

impl Connection {
    /// Connects; `None` only when loopback is unusable.
    pub fn open() -> Option<Connection> {
        let host_socket = UdpSocket::bind("127.0.0.1:0").ok()?;
        let host_addr = host_socket.local_addr().ok()?;
        let code = JoinCode::parse("FUZZ42").ok()?;
        let host = ServerTransport::new(
            ServerConfig {
                current_time: code::now(),
                max_clients: 16,
                protocol_id: PROTOCOL_ID,
                public_addresses: vec![host_addr],
                authentication: ServerAuthentication::Secure {
                    private_key: code.key(),
                },
            },
            host_socket,
        )
        .ok()?;
        let client_socket = UdpSocket::bind("127.0.0.1:0").ok()?;
        let client_addr = client_socket.local_addr().ok()?;
        let token = code::connect_token(&code, 7, host_addr).ok()?;
        let player = ClientTransport::new(
            code::now(),
            ClientAuthentication::Secure {
                connect_token: token,
            },
            client_socket,
        )
        .ok()?;
        let mut c = Connection {
            host,
            server: RenetServer::new(protocol::connection_config()),
            player,
            client: RenetClient::new(protocol::connection_config()),
            client_id: 7,
            client_addr,
        };
        for _ in 0..2000 {
            c.pump();
            if c.is_up() {
                return Some(c);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        None
    }

    /// One round of both sides' sockets.
    pub fn pump(&mut self) {
        let dt = Duration::from_millis(5);
        self.client.update(dt);
        self.player.update(dt, &mut self.client);
        self.server.update(dt);
        self.host.update(dt, &mut self.server);
        self.host.send_packets(&mut self.server);
        self.player.send_packets(&mut self.client);
    }

    pub fn is_up(&self) -> bool {
        self.player.is_connected() && self.server.clients_id().contains(&self.client_id)
    }
}

/// A workshop of two tables with a seated player at the second (client 1, connected in netcode
/// too), a stranger (client 2, no hello yet) and a link that arrives afresh with every message
/// (client 3: the workshop's routing of first messages).
pub struct HostRig {
    link: Connection,
    core: Workshop,
    stranger: SocketAddr,
    tick: u64,
}

impl Default for HostRig {
    fn default() -> Self {
        Self::new()
    }
}

fn seated_core() -> Workshop {
    let deck = Arc::new(Deck::default_deck().expect("the default deck is valid"));
    let table = |seed| Table {
        core: HostCore::new(
            Session::new(Arc::clone(&deck), seed, 3),
            None,
            "fuzz".into(),
        ),
        director: Director::new(false, Pace::default(), Default::default()),
    };
    let mut core = Workshop::new("fuzz".into(), vec![table(1), table(2)]);
    core.connect_link(1, LinkKind::Udp, Duration::ZERO);
    core.connect_link(2, LinkKind::Udp, Duration::ZERO);
    core.receive(
        1,
        &protocol::encode(&ClientMsg::Hello {
            version: PROTOCOL_VERSION,
            name: "speler".into(),
            role: Some("raadslid".into()),
            rejoin: None,
            lang: Default::default(),
            table: Some(2),
        }),
        Duration::ZERO,
    );
    let _ = core.facilitate_all(&Intent::Start);
    core
}

impl HostRig {
    pub fn new() -> HostRig {
        HostRig {
            link: Connection::open().expect("a loopback connection"),
            core: seated_core(),
            stranger: "127.0.0.1:40002".parse().expect("constant"),
            tick: 0,
        }
    }

    /// Panics netcode caught in the host's transport (none, unless the guard missed a case).
    pub fn panics(&self) -> u64 {
        self.link.host.panics
    }

    /// The first byte picks the path: the raw datagram path from the connected player's address
    /// or a stranger's, a payload sealed with the connection's key (into renet's parser), or the
    /// host core's message path from the seated player or the stranger.
    pub fn feed(&mut self, data: &[u8]) {
        let Some((&selector, rest)) = data.split_first() else {
            return;
        };
        self.tick += 1;
        let now = Duration::from_millis(self.tick);
        let l = &mut self.link;
        match selector % 6 {
            0 => l.host.process_datagram(l.client_addr, rest, &mut l.server),
            1 => l.host.process_datagram(self.stranger, rest, &mut l.server),
            2 => {
                if let Some(sealed) = l.player.seal(rest) {
                    l.host
                        .process_datagram(l.client_addr, &sealed, &mut l.server);
                }
            }
            3 => self.core.receive(1, rest, now),
            4 => self.core.receive(2, rest, now),
            _ => {
                self.core.disconnect(3);
                self.core.connect_link(3, LinkKind::Udp, now);
                self.core.receive(3, rest, now);
            }
        }
        while let Some(bytes) = l
            .server
            .receive_message(l.client_id, protocol::Channel::Reliable)
        {
            self.core.receive(1, &bytes, now);
        }
        let _ = self.core.take_outgoing(now);
        // renet drops a connection that sent it garbage: connect again, to keep the depth.
        if !l.server.clients_id().contains(&l.client_id)
            && let Some(fresh) = Connection::open()
        {
            self.link = fresh;
        }
    }
}

/// A player connected (in netcode's eyes too) to a host.
pub struct ClientRig {
    link: Connection,
    core: ClientCore,
}

impl Default for ClientRig {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientRig {
    pub fn new() -> ClientRig {
        ClientRig {
            link: Connection::open().expect("a loopback connection"),
            core: ClientCore::new("speler", Some("raadslid".into())),
        }
    }

    /// Panics netcode caught in the client's transport.
    pub fn panics(&self) -> u64 {
        self.link.player.panics
    }

    /// The first byte picks the path: a raw datagram from the host's address, a payload sealed
    /// with the connection's key (into renet's parser), or the client core's message path.
    pub fn feed(&mut self, data: &[u8]) {
        let Some((&selector, rest)) = data.split_first() else {
            return;
        };
        let l = &mut self.link;
        match selector % 3 {
            0 => l.player.process_datagram(rest, &mut l.client),
            1 => {
                if let Some(sealed) = l.host.seal(l.client_id, rest) {
                    l.player.process_datagram(&sealed, &mut l.client);
                }
            }
            _ => {
                self.core.receive(rest);
                let _ = self.core.my_turn();
                let _ = self.core.seconds_left();
            }
        }
        while let Some(bytes) = l.client.receive_message(protocol::Channel::Reliable) {
            self.core.receive(&bytes);
        }
        if (l.client.is_disconnected() || !l.player.is_connected())
            && let Some(fresh) = Connection::open()
        {
            self.link = fresh;
        }
    }
}
