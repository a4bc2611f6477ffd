//! Netcode over a UDP socket, with every datagram checked before netcode parses it.
//!
//! renetcode 2.0 trusts a packet's first byte before it authenticates anything: it reads the
//! sequence number with a length taken from that byte (up to 15) into an 8-byte buffer, and it
//! splits off the 16-byte MAC after the sequence number without checking that the rest is that
//! long. Either way one crafted datagram panics whoever receives it. Our transports drop every
//! datagram netcode could not parse (by type, sequence length and MAC, both directions) unread,
//! and still contain any other parser panic to the one datagram that caused it, counting it, so
//! a test can say that none happened.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use super::protocol::{self, Channel};
use bevy::prelude::*;
use bevy_renet::{
    RenetClient, RenetClientPlugin, RenetReceive, RenetSend, RenetServer, RenetServerPlugin,
};
use renetcode::{
    ClientAuthentication, NETCODE_MAX_PACKET_BYTES, NetcodeClient, NetcodeServer, ServerConfig,
    ServerResult,
};

/// Longest sequence number netcode writes, in bytes.
const MAX_SEQUENCE_BYTES: usize = 8;
/// netcode's authentication tag after every packet but a connection request.
const MAC_BYTES: usize = 16;
/// netcode's packet types are 0 (connection request) to 6 (disconnect).
const LAST_PACKET_TYPE: u8 = 6;
/// A connection request: prefix, version info (13), protocol id, expiry, nonce (24) and the
/// encrypted private connect token (1024).
const CONNECTION_REQUEST_BYTES: usize = 1 + 13 + 8 + 8 + 24 + 1024;

/// Whether netcode can parse `datagram` without tripping over its own length fields: a known
/// packet type, a sequence number of at most 8 bytes, and room for it and the MAC; a
/// connection request at its one fixed size.
pub fn well_formed(datagram: &[u8]) -> bool {
    let Some(&prefix) = datagram.first() else {
        return false;
    };
    let (kind, sequence) = (prefix & 0x0f, usize::from(prefix >> 4));
    match kind {
        0 => datagram.len() == CONNECTION_REQUEST_BYTES,
        1..=LAST_PACKET_TYPE => {
            sequence <= MAX_SEQUENCE_BYTES && datagram.len() >= 1 + sequence + MAC_BYTES
        }
        _ => false,
    }
}

#[derive(Resource)]
pub struct ServerTransport {
    socket: UdpSocket,
    netcode: NetcodeServer,
    buffer: Box<[u8; NETCODE_MAX_PACKET_BYTES]>,
    /// Datagrams dropped unread, for the curious.
    pub dropped: u64,
    /// Panics inside netcode that were caught: zero unless `well_formed` missed a case.
    pub panics: u64,
    /// Bytes handed to the socket, for `bench net`.
    pub bytes_sent: u64,
    /// Datagrams carrying renet's packets (messages and acknowledgements).
    pub packets_sent: u64,
    /// Netcode's clock, and when each client was last sent packets: see `ACK_INTERVAL`.
    now: Duration,
    flushed: HashMap<u64, Duration>,
}

/// How often a peer with nothing in flight is sent packets. Renet acknowledges every packet,
/// acknowledgements too, and sends pending acknowledgements on every call until they are
/// acknowledged: two peers that flush every frame keep each other busy forever. With a 10 ms host
/// loop that was 100 packets a second to every idle laptop (50,000 a second and a third of a
/// core for a room of 500). A peer with messages queued or unacknowledged is still flushed every
/// frame; the others hear acknowledgements ten times a second, before a sender's 150 ms resend.
const ACK_INTERVAL: Duration = Duration::from_millis(100);

/// Whether a peer is due its packets now.
fn due(busy: bool, last: Option<Duration>, now: Duration) -> bool {
    busy || last.is_none_or(|t| now.saturating_sub(t) >= ACK_INTERVAL)
}

impl ServerTransport {
    pub fn new(config: ServerConfig, socket: UdpSocket) -> io::Result<ServerTransport> {
        socket.set_nonblocking(true)?;
        Ok(ServerTransport {
            socket,
            netcode: NetcodeServer::new(config),
            buffer: Box::new([0; NETCODE_MAX_PACKET_BYTES]),
            dropped: 0,
            panics: 0,
            bytes_sent: 0,
            packets_sent: 0,
            now: Duration::ZERO,
            flushed: HashMap::new(),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Where netcode knows a connected client from.
    pub fn client_addr(&self, client: u64) -> Option<SocketAddr> {
        self.netcode.client_addr(client)
    }

    /// `payload` as the datagram netcode would send `client`: encrypted and authenticated with
    /// the connection's key. For the fuzz rigs, to reach past netcode into renet.
    pub fn seal(&mut self, client: u64, payload: &[u8]) -> Option<Vec<u8>> {
        self.netcode
            .generate_payload_packet(client, payload)
            .ok()
            .map(|(_, p)| p.to_vec())
    }

    /// Feeds one datagram from `from` to netcode and renet, as if it came off the socket: the
    /// entry the fuzz target and the robustness tests drive.
    pub fn process_datagram(
        &mut self,
        from: SocketAddr,
        datagram: &[u8],
        server: &mut RenetServer,
    ) {
        let len = datagram.len().min(NETCODE_MAX_PACKET_BYTES);
        self.buffer[..len].copy_from_slice(&datagram[..len]);
        self.process(from, len, server);
    }

    fn process(&mut self, from: SocketAddr, len: usize, server: &mut RenetServer) {
        let datagram = &mut self.buffer[..len];
        if !well_formed(datagram) {
            self.dropped += 1;
            return;
        }
        let netcode = &mut self.netcode;
        let socket = &self.socket;
        let outcome = catch_unwind(AssertUnwindSafe(|| -> usize {
            let result = netcode.process_packet(from, datagram);
            settle(result, socket, server)
        }));
        match outcome {
            Ok(sent) => self.bytes_sent += sent as u64,
            Err(_) => {
                self.dropped += 1;
                self.panics += 1;
            }
        }
    }

    /// Receives everything waiting and advances netcode's clocks.
    pub fn update(&mut self, delta: Duration, server: &mut RenetServer) {
        self.netcode.update(delta);
        self.now += delta;
        // Bounded, so a flood cannot hold the frame forever.
        for _ in 0..4096 {
            match self.socket.recv_from(&mut self.buffer[..]) {
                Ok((len, from)) => self.process(from, len, server),
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => continue,
                Err(_) => break,
            }
        }
        for client in self.netcode.clients_id() {
            let result = self.netcode.update_client(client);
            self.bytes_sent += settle(result, &self.socket, server) as u64;
        }
        for gone in server.disconnections_id() {
            let result = self.netcode.disconnect(gone);
            self.bytes_sent += settle(result, &self.socket, server) as u64;
        }
    }

    pub fn send_packets(&mut self, server: &mut RenetServer) {
        let clients = server.clients_id();
        self.flushed.retain(|c, _| clients.contains(c));
        for client in clients {
            let busy = server.channel_available_memory(client, Channel::Reliable)
                < protocol::HOST_CHANNEL_BYTES;
            if !due(busy, self.flushed.get(&client).copied(), self.now) {
                continue;
            }
            self.flushed.insert(client, self.now);
            let Ok(packets) = server.get_packets_to_send(client) else {
                continue;
            };
            for packet in packets {
                if let Ok((addr, payload)) = self.netcode.generate_payload_packet(client, &packet) {
                    self.bytes_sent += self.socket.send_to(payload, addr).unwrap_or(0) as u64;
                    self.packets_sent += 1;
                }
            }
        }
    }

    fn disconnect_all(&mut self, server: &mut RenetServer) {
        for client in self.netcode.clients_id() {
            let result = self.netcode.disconnect(client);
            self.bytes_sent += settle(result, &self.socket, server) as u64;
        }
    }
}

/// Hands netcode's verdict on a datagram to renet; returns the bytes sent in reply.
fn settle(result: ServerResult<'_, '_>, socket: &UdpSocket, server: &mut RenetServer) -> usize {
    let send = |payload: &[u8], addr| socket.send_to(payload, addr).unwrap_or(0);
    match result {
        ServerResult::None => 0,
        ServerResult::PacketToSend { payload, addr } => send(payload, addr),
        ServerResult::Payload { client_id, payload } => {
            let _ = server.process_packet_from(payload, client_id);
            0
        }
        ServerResult::ClientConnected {
            client_id,
            addr,
            payload,
            ..
        } => {
            server.add_connection(client_id);
            send(payload, addr)
        }
        ServerResult::ClientDisconnected {
            client_id,
            addr,
            payload,
        } => {
            server.remove_connection(client_id);
            payload.map_or(0, |p| send(p, addr))
        }
    }
}

#[derive(Resource)]
pub struct ClientTransport {
    socket: UdpSocket,
    netcode: NetcodeClient,
    buffer: Box<[u8; NETCODE_MAX_PACKET_BYTES]>,
    /// Panics inside netcode that were caught: zero unless `well_formed` missed a case.
    pub panics: u64,
    /// Netcode's clock, and when the host was last sent packets: see `ACK_INTERVAL`.
    now: Duration,
    flushed: Option<Duration>,
}

impl ClientTransport {
    pub fn new(
        now: Duration,
        auth: ClientAuthentication,
        socket: UdpSocket,
    ) -> Result<ClientTransport, String> {
        socket.set_nonblocking(true).map_err(|e| e.to_string())?;
        Ok(ClientTransport {
            socket,
            netcode: NetcodeClient::new(now, auth).map_err(|e| e.to_string())?,
            buffer: Box::new([0; NETCODE_MAX_PACKET_BYTES]),
            panics: 0,
            now: Duration::ZERO,
            flushed: None,
        })
    }

    /// `payload` as the datagram netcode would send the host. For the fuzz rigs.
    pub fn seal(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        self.netcode
            .generate_payload_packet(payload)
            .ok()
            .map(|(_, p)| p.to_vec())
    }

    /// Whether netcode's handshake is done.
    pub fn is_connected(&self) -> bool {
        self.netcode.is_connected()
    }

    /// How long the host has been silent. It sends a keep-alive four times a second.
    pub fn silence(&self) -> Duration {
        self.netcode.time_since_last_received_packet()
    }

    /// Tells the host we are leaving, as a closed program does.
    pub fn disconnect(&mut self) {
        if let Ok((addr, packet)) = self.netcode.disconnect() {
            let _ = self.socket.send_to(packet, addr);
        }
    }

    pub fn update(&mut self, delta: Duration, client: &mut RenetClient) {
        self.now += delta;
        if self.netcode.disconnect_reason().is_some() {
            client.disconnect_due_to_transport();
            return;
        }
        if client.disconnect_reason().is_some() {
            self.disconnect();
            return;
        }
        if self.netcode.is_connected() {
            client.set_connected();
        } else if self.netcode.is_connecting() {
            client.set_connecting();
        }
        let server = self.netcode.server_addr();
        for _ in 0..4096 {
            let len = match self.socket.recv_from(&mut self.buffer[..]) {
                Ok((len, from)) if from == server => len,
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => continue,
                Err(_) => break,
            };
            self.process(len, client);
        }
        if let Some((packet, addr)) = self.netcode.update(delta) {
            let _ = self.socket.send_to(packet, addr);
        }
    }

    /// Feeds one datagram to netcode and renet as if the host had sent it: the entry the fuzz
    /// target and the robustness tests drive.
    pub fn process_datagram(&mut self, datagram: &[u8], client: &mut RenetClient) {
        let len = datagram.len().min(NETCODE_MAX_PACKET_BYTES);
        self.buffer[..len].copy_from_slice(&datagram[..len]);
        self.process(len, client);
    }

    fn process(&mut self, len: usize, client: &mut RenetClient) {
        let datagram = &mut self.buffer[..len];
        if !well_formed(datagram) {
            return;
        }
        let netcode = &mut self.netcode;
        let caught = catch_unwind(AssertUnwindSafe(|| {
            if let Some(payload) = netcode.process_packet(datagram) {
                client.process_packet(payload);
            }
        }));
        if caught.is_err() {
            self.panics += 1;
        }
    }

    pub fn send_packets(&mut self, client: &mut RenetClient) {
        if self.netcode.disconnect_reason().is_some() {
            return;
        }
        let busy =
            client.channel_available_memory(Channel::Reliable) < protocol::PLAYER_CHANNEL_BYTES;
        if !due(busy, self.flushed, self.now) {
            return;
        }
        self.flushed = Some(self.now);
        for packet in client.get_packets_to_send() {
            if let Ok((addr, payload)) = self.netcode.generate_payload_packet(&packet) {
                let _ = self.socket.send_to(payload, addr);
            }
        }
    }
}

/// Carries renet traffic for a host over `ServerTransport`.
pub(crate) struct ServerTransportPlugin;

impl Plugin for ServerTransportPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(RenetServerPlugin)
            .add_systems(
                PreUpdate,
                server_update
                    .in_set(RenetReceive)
                    .after(RenetServerPlugin::update_system)
                    .before(RenetServerPlugin::emit_server_events_system)
                    .run_if(
                        resource_exists::<ServerTransport>.and_then(resource_exists::<RenetServer>),
                    ),
            )
            .add_systems(
                PostUpdate,
                server_send.in_set(RenetSend).run_if(
                    resource_exists::<ServerTransport>.and_then(resource_exists::<RenetServer>),
                ),
            )
            .add_systems(
                Last,
                server_goodbye.run_if(
                    resource_exists::<ServerTransport>.and_then(resource_exists::<RenetServer>),
                ),
            );
    }
}

fn server_update(
    mut transport: ResMut<ServerTransport>,
    mut server: ResMut<RenetServer>,
    time: Res<Time<Real>>,
) {
    transport.update(time.delta(), &mut server);
}

fn server_send(mut transport: ResMut<ServerTransport>, mut server: ResMut<RenetServer>) {
    transport.send_packets(&mut server);
}

fn server_goodbye(
    exit: MessageReader<AppExit>,
    mut transport: ResMut<ServerTransport>,
    mut server: ResMut<RenetServer>,
) {
    if !exit.is_empty() {
        transport.disconnect_all(&mut server);
    }
}

/// Carries renet traffic for a player over `ClientTransport`.
pub(crate) struct ClientTransportPlugin;

impl Plugin for ClientTransportPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(RenetClientPlugin)
            .add_systems(
                PreUpdate,
                client_update
                    .in_set(RenetReceive)
                    .after(RenetClientPlugin::update_system)
                    .run_if(
                        resource_exists::<ClientTransport>.and_then(resource_exists::<RenetClient>),
                    ),
            )
            .add_systems(
                PostUpdate,
                client_send.in_set(RenetSend).run_if(
                    resource_exists::<ClientTransport>.and_then(resource_exists::<RenetClient>),
                ),
            )
            .add_systems(
                Last,
                client_goodbye.run_if(resource_exists::<ClientTransport>),
            );
    }
}

fn client_update(
    mut transport: ResMut<ClientTransport>,
    mut client: ResMut<RenetClient>,
    time: Res<Time<Real>>,
) {
    transport.update(time.delta(), &mut client);
}

fn client_send(mut transport: ResMut<ClientTransport>, mut client: ResMut<RenetClient>) {
    transport.send_packets(&mut client);
}

fn client_goodbye(exit: MessageReader<AppExit>, mut transport: ResMut<ClientTransport>) {
    if !exit.is_empty() {
        transport.disconnect();
    }
}

#[cfg(test)]
mod pacing {
    use super::*;

    #[test]
    fn a_peer_with_nothing_in_flight_is_flushed_ten_times_a_second() {
        let ms = Duration::from_millis;
        assert!(due(false, None, ms(0)), "the first time");
        assert!(!due(false, Some(ms(0)), ms(99)));
        assert!(due(false, Some(ms(0)), ms(100)));
        assert!(
            due(true, Some(ms(0)), ms(1)),
            "messages in flight go every frame"
        );
    }
}
