//! The Bevy shell around the host and client cores: renet in `PreUpdate`, the cores in between,
//! renet out in `PostUpdate`. `serve`, `bot` and the window all run these same plugins.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy_renet::{RenetClient, RenetReceive, RenetSend, RenetServer, RenetServerEvent};
use renet::ServerEvent;
use renetcode::{ClientAuthentication, ServerAuthentication, ServerConfig};

use super::client::ClientCore;
use super::code::{self, JoinCode};
use super::host::{ClientId, HostCore, LinkKind};
use super::info::{self, HostInfo, InfoPort};
use super::protocol::{self, Channel, PROTOCOL_ID};
use super::transport::{
    ClientTransport, ClientTransportPlugin, ServerTransport, ServerTransportPlugin,
};
use super::web::{WebEdge, WebEvent};
use super::workshop::{Table, Workshop};

/// netcode's own ceiling on connections per host.
const MAX_CLIENTS: usize = 1024;
/// How often the host announces itself on the LAN.
const BEACON_EVERY: Duration = Duration::from_secs(1);
/// A refused client gets this long for its refusal to arrive before the connection closes.
const KICK_GRACE: Duration = Duration::from_millis(300);
/// A first connection that is not up after this long has failed.
const CONNECT_WAIT: Duration = Duration::from_secs(6);
/// A connected host silent this long is gone (it sends keep-alives every 250 ms): reconnect
/// instead of waiting out netcode's timeout.
const SILENCE_LIMIT: Duration = Duration::from_secs(3);
/// Pause between reconnection attempts after a dropped connection.
const RETRY_EVERY: Duration = Duration::from_millis(1500);
/// First connections tried at most this often while the host's info port vouches for the code:
/// a handshake lost on a busy network is tried again, a wrong code is not.
const FIRST_ATTEMPTS: u32 = 5;
/// ...and this often when the info port does not answer either (its answer may be lost too;
/// an address where no host runs says so after these).
const FIRST_ATTEMPTS_UNANSWERED: u32 = 3;
/// How long the info port gets to vouch for the code between first attempts.
const PROBE_WAIT: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------------------------------------
// Host
// ---------------------------------------------------------------------------------------------

pub struct HostConfig {
    /// Where to listen: `0.0.0.0:PORT` in a room, `127.0.0.1:0` in tests.
    pub bind: SocketAddr,
    pub code: JoinCode,
    /// Where to send the LAN beacon; `None` for no beacon.
    pub announce: Option<SocketAddr>,
    /// Extra addresses clients may know the host by (a relay in tests).
    pub extra_public: Vec<SocketAddr>,
    /// Where to serve the browser players' page; `None` for no page.
    pub web: Option<SocketAddr>,
}

impl HostConfig {
    /// The web address that goes with a game address: two ports up, or any free port when the
    /// game port is chosen by the system.
    pub fn web_next_to(bind: SocketAddr) -> SocketAddr {
        let port = match bind.port() {
            0 => 0,
            p => p.wrapping_add(super::web::WEB_PORT_OFFSET),
        };
        SocketAddr::new(bind.ip(), port)
    }
}

#[derive(Resource)]
pub struct HostLink {
    /// Every table this host runs. Which one a screen shows is the screen's own choice (the
    /// window's `Shown`, the console's `table N`), never the host's.
    pub workshop: Workshop,
    pub addr: SocketAddr,
    pub code: JoinCode,
    pub ended: bool,
    info: InfoPort,
    announce: Option<(UdpSocket, SocketAddr)>,
    last_beacon: Option<Instant>,
    kicks: Vec<(ClientId, Instant)>,
    start: Instant,
    /// The browser players' door, when the page is served.
    pub web: Option<WebEdge>,
    /// What players type or scan to join from a browser.
    pub web_url: Option<String>,
    /// The archive an ended table adds its decisions to (no names); `None`: kept nowhere.
    pub archive: Option<std::path::PathBuf>,
    /// Per table, what the archive last saw of it: (decisions, ended).
    archived: Vec<Option<(usize, bool)>>,
    /// Each table as the window draws it and as the debrief compares it, made again when the
    /// table changed.
    desks: super::desk::Desks,
}

impl HostLink {
    /// Whether this host tells the LAN it exists (never for a test's or a demo's host).
    pub fn announces(&self) -> bool {
        self.announce.is_some()
    }

    /// Table `t` (the last one if there are fewer) as the facilitator's window and the serve
    /// console show it.
    pub fn desk(&self, t: usize) -> std::sync::Arc<super::desk::TableDesk> {
        let t = t.min(self.workshop.len().saturating_sub(1));
        self.desks.of(t, &self.workshop.tables()[t].core)
    }

    /// Every table's desk, in order.
    pub fn desks(&self) -> Vec<std::sync::Arc<super::desk::TableDesk>> {
        (0..self.workshop.len()).map(|t| self.desk(t)).collect()
    }

    /// Every table's record view, in order: what the debrief compares.
    pub fn records(&self) -> Vec<std::sync::Arc<crate::rules::view::View>> {
        self.desks
            .records(self.workshop.tables().iter().map(|t| &t.core))
    }

    /// The first table: a session of one table's only one.
    pub fn core(&self) -> &HostCore {
        &self.table_at(0).core
    }

    pub fn core_mut(&mut self) -> &mut HostCore {
        &mut self.table_at_mut(0).core
    }

    /// Table `t`'s core (the last one if there are fewer).
    pub fn core_at(&self, t: usize) -> &HostCore {
        &self.table_at(t).core
    }

    pub fn core_at_mut(&mut self, t: usize) -> &mut HostCore {
        &mut self.table_at_mut(t).core
    }

    /// Table `t` (the last one if there are fewer): the serve console's own choice.
    pub fn table_at(&self, t: usize) -> &Table {
        let i = t.min(self.workshop.len().saturating_sub(1));
        &self.workshop.tables()[i]
    }

    pub fn table_at_mut(&mut self, t: usize) -> &mut Table {
        let i = t.min(self.workshop.len().saturating_sub(1));
        self.workshop.table_mut(i).expect("a workshop has a table")
    }

    /// Time since the host started, the clock its cores count in.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
    }

    pub fn info(&self) -> HostInfo {
        HostInfo {
            session: self.workshop.name().to_string(),
            deck: self.core().session().deck().title.nl.clone(),
            game_port: self.addr.port(),
            players: self.workshop.players() as u32,
        }
    }

    pub fn info_addr(&self) -> Option<SocketAddr> {
        self.info.local_addr().ok()
    }
}

/// The addresses a host on `local` answers on: every interface when bound to all of them.
fn public_addresses(local: SocketAddr) -> Vec<SocketAddr> {
    if !local.ip().is_unspecified() {
        return vec![local];
    }
    let mut out = vec![SocketAddr::new(
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        local.port(),
    )];
    if let Ok(ifaces) = if_addrs::get_if_addrs() {
        for i in ifaces {
            let a = SocketAddr::new(i.ip(), local.port());
            if a.is_ipv4() && !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

/// Opens the game and info sockets and puts the host into the world.
pub fn start_host(
    world: &mut World,
    workshop: Workshop,
    cfg: HostConfig,
) -> Result<SocketAddr, String> {
    let socket =
        UdpSocket::bind(cfg.bind).map_err(|e| format!("cannot listen on {}: {e}", cfg.bind))?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let info_bind = SocketAddr::new(local.ip(), local.port().wrapping_add(1));
    let key = cfg.code.key();
    let first_info = HostInfo {
        session: workshop.name().to_string(),
        deck: workshop.tables()[0].core.session().deck().title.nl.clone(),
        game_port: local.port(),
        players: 0,
    };
    let info = InfoPort::bind(info_bind, key, first_info)
        .map_err(|e| format!("cannot listen on {info_bind} (the info port): {e}"))?;
    let mut public = public_addresses(local);
    public.extend(cfg.extra_public);
    let transport = ServerTransport::new(
        ServerConfig {
            current_time: code::now(),
            max_clients: MAX_CLIENTS,
            protocol_id: PROTOCOL_ID,
            public_addresses: public,
            authentication: ServerAuthentication::Secure { private_key: key },
        },
        socket,
    )
    .map_err(|e| format!("cannot start the host: {e}"))?;
    let announce = match cfg.announce {
        Some(target) => {
            // A beacon aimed at this machine (tests) binds loopback and never broadcasts.
            let s = UdpSocket::bind(info::local_bind_for(target))
                .map_err(|e| format!("cannot open the beacon socket: {e}"))?;
            if !target.ip().is_loopback() {
                let _ = s.set_broadcast(true);
            }
            let _ = s.set_nonblocking(true);
            Some((s, target))
        }
        None => None,
    };
    let web = match cfg.web {
        Some(bind) => Some(WebEdge::start(bind, cfg.code.clone(), workshop.len())?),
        None => None,
    };
    let web_url = web.as_ref().map(|w| w.join_url().to_string());
    world.insert_resource(RenetServer::new(protocol::connection_config()));
    world.insert_resource(transport);
    world.insert_resource(HostLink {
        workshop,
        addr: local,
        code: cfg.code,
        ended: false,
        info,
        announce,
        last_beacon: None,
        kicks: Vec::new(),
        start: Instant::now(),
        web,
        web_url,
        archive: None,
        archived: Vec::new(),
        desks: Default::default(),
    });
    Ok(local)
}

/// Where what the network brought is taken in (votes applied, views received): a window that
/// draws only on change decides after it, so a vote shows in the frame it arrives.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NetReceive;

pub struct HostPlugin;

impl Plugin for HostPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<ServerTransportPlugin>() {
            app.add_plugins(ServerTransportPlugin);
        }
        app.add_observer(on_server_event)
            .add_systems(
                PreUpdate,
                host_receive
                    .after(RenetReceive)
                    .in_set(NetReceive)
                    .run_if(resource_exists::<HostLink>),
            )
            .add_systems(
                Update,
                // Each checks for itself: a button may stop the host between two of them.
                (host_direct, host_info, host_archive)
                    .chain()
                    .distributive_run_if(resource_exists::<HostLink>),
            )
            .add_systems(
                PostUpdate,
                host_send
                    .before(RenetSend)
                    .run_if(resource_exists::<HostLink>),
            );
    }
}

fn on_server_event(ev: On<RenetServerEvent>, link: Option<ResMut<HostLink>>) {
    let Some(mut link) = link else {
        return;
    };
    let now = link.start.elapsed();
    match ev.event().0 {
        ServerEvent::ClientConnected { client_id } => {
            // An id a browser link already has: this connection may not stand in for it.
            if !link.workshop.connect_link(client_id, LinkKind::Udp, now) {
                link.kicks.push((client_id, Instant::now()));
            }
        }
        ServerEvent::ClientDisconnected { client_id, .. } => {
            if !link.workshop.is_web(client_id) {
                link.workshop.disconnect(client_id);
            }
        }
    }
}

fn host_receive(mut server: ResMut<RenetServer>, mut link: ResMut<HostLink>) {
    let now = link.start.elapsed();
    let link = &mut *link;
    if let Some(web) = link.web.as_mut() {
        for ev in web.drain() {
            match ev {
                WebEvent::Opened { client, hello } => {
                    if link.workshop.connect_link(client, LinkKind::Web, now) {
                        link.workshop.receive_hello(client, hello, now);
                    } else {
                        web.close(client);
                    }
                }
                WebEvent::Frame { client, text } => link.workshop.receive_web(client, &text, now),
                WebEvent::Resync { client } => link.workshop.resync(client),
                WebEvent::Closed { client } => {
                    if link.workshop.is_web(client) {
                        link.workshop.disconnect(client);
                    }
                }
            }
        }
    }
    for client in server.clients_id() {
        // Bounded per frame: a flooding client cannot starve the others.
        for _ in 0..protocol::MAX_CLIENT_MESSAGES_PER_SEC + 1 {
            let Some(bytes) = server.receive_message(client, Channel::Reliable) else {
                break;
            };
            link.workshop.receive(client, &bytes, now);
        }
    }
}

fn host_direct(mut link: ResMut<HostLink>) {
    let now = link.start.elapsed();
    if link.workshop.tick(now) {
        link.ended = true;
    }
}

/// A table that ended adds what it decided to the archive. The facilitator can still take the
/// last decision back after the end: the table's entry follows (replaced, or taken out while
/// the session runs again). A resumed session that had ended replaces its own entry.
fn host_archive(mut link: ResMut<HostLink>) {
    let Some(dir) = link.archive.clone() else {
        return;
    };
    let archive = crate::archive::Archive::at(&dir);
    let now = super::code::now().as_secs();
    let mut seen = Vec::new();
    for (t, table) in link.workshop.tables().iter().enumerate() {
        let session = table.core.session();
        let key = (session.decisions.len(), session.ending.is_some());
        if link.archived.get(t) == Some(&Some(key)) {
            continue;
        }
        seen.push((t, key));
        let written = match crate::archive::earlier_of(session, now) {
            Some(earlier) => archive.put(&earlier),
            // Not ended (any more): an entry of its own from before goes.
            None => match crate::archive::id_of(session) {
                Some((deck, id))
                    if link.archived.get(t).is_some_and(|k| k.is_some_and(|k| k.1)) =>
                {
                    archive.remove(&deck, &id)
                }
                _ => Ok(()),
            },
        };
        if let Err(e) = written {
            bevy::log::warn!("the archive could not be written: {e}");
        }
    }
    for (t, key) in seen {
        if link.archived.len() <= t {
            link.archived.resize(t + 1, None);
        }
        link.archived[t] = Some(key);
    }
}

fn host_info(mut link: ResMut<HostLink>) {
    let info = link.info();
    link.info.update(info.clone());
    let due = link.last_beacon.is_none_or(|t| t.elapsed() >= BEACON_EVERY);
    if due && let Some((socket, target)) = &link.announce {
        let _ = socket.send_to(&info::beacon_bytes(&info), *target);
        link.last_beacon = Some(Instant::now());
    }
}

fn host_send(mut server: ResMut<RenetServer>, mut link: ResMut<HostLink>) {
    let now = link.start.elapsed();
    let out = link.workshop.take_outgoing(now);
    for (client, bytes) in out.messages {
        if server.is_connected(client) {
            server.send_message(client, Channel::Reliable, bytes);
        }
    }
    let link = &mut *link;
    if let Some(web) = link.web.as_mut() {
        web.catch_up();
        for (client, text) in out.web {
            web.send(client, text);
        }
    }
    let now = Instant::now();
    for client in out.disconnect {
        match link.web.as_mut() {
            // A browser's link closes after the frames queued before it: no grace needed.
            Some(web) if web.knows(client) => web.close(client),
            _ => link.kicks.push((client, now + KICK_GRACE)),
        }
    }
    link.kicks.retain(|(client, at)| {
        if *at <= now {
            server.disconnect(*client);
            false
        } else {
            true
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LinkStatus {
    Connecting,
    Connected,
    /// The connection dropped; trying again.
    Reconnecting,
    /// Refused or unreachable; not trying again.
    Failed(String),
}

#[derive(Resource)]
pub struct ClientLink {
    pub core: ClientCore,
    pub addr: SocketAddr,
    pub code: JoinCode,
    pub status: LinkStatus,
    /// Whether this link has ever been connected (a first connection fails; a later one retries).
    ever_connected: bool,
    /// A link with no network behind it (screenshots, demos): never reconnects.
    offline: bool,
    attempt_started: Instant,
    next_retry: Option<Instant>,
    /// First-connection attempts so far.
    attempts: u32,
    /// The info port's answer on whether to try a first connection again.
    probe: Option<std::sync::Mutex<std::sync::mpsc::Receiver<Result<(), super::info::ProbeError>>>>,
}

pub fn client_resources(
    addr: SocketAddr,
    code: &JoinCode,
) -> Result<(RenetClient, ClientTransport), String> {
    let socket = UdpSocket::bind(info::local_bind_for(addr))
        .map_err(|e| format!("cannot open a network socket: {e}"))?;
    let token = code::connect_token(code, code::random_client_id(), addr)?;
    let transport = ClientTransport::new(
        code::now(),
        ClientAuthentication::Secure {
            connect_token: token,
        },
        socket,
    )
    .map_err(|e| format!("cannot connect: {e}"))?;
    Ok((RenetClient::new(protocol::connection_config()), transport))
}

/// Starts connecting to the host at `addr` as `core.name`.
pub fn connect_client(
    world: &mut World,
    addr: SocketAddr,
    code: JoinCode,
    core: ClientCore,
) -> Result<(), String> {
    let (client, transport) = client_resources(addr, &code)?;
    world.insert_resource(client);
    world.insert_resource(transport);
    world.insert_resource(ClientLink {
        core,
        addr,
        code,
        status: LinkStatus::Connecting,
        ever_connected: false,
        offline: false,
        attempt_started: Instant::now(),
        next_retry: None,
        attempts: 1,
        probe: None,
    });
    Ok(())
}

impl ClientLink {
    /// A link that shows `core` without any network: for demos and screenshots.
    pub fn offline(core: ClientCore) -> ClientLink {
        ClientLink {
            core,
            addr: SocketAddr::from(([127, 0, 0, 1], 9)),
            code: JoinCode::parse("DEMO00").expect("constant code"),
            status: LinkStatus::Connected,
            ever_connected: true,
            offline: true,
            attempt_started: Instant::now(),
            next_retry: None,
            attempts: 1,
            probe: None,
        }
    }
}

pub struct ClientPlugin;

impl Plugin for ClientPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<ClientTransportPlugin>() {
            app.add_plugins(ClientTransportPlugin);
        }
        app.add_systems(
            PreUpdate,
            client_receive
                .after(RenetReceive)
                .in_set(NetReceive)
                .run_if(resource_exists::<ClientLink>.and_then(resource_exists::<RenetClient>)),
        )
        .add_systems(Update, client_watch.run_if(resource_exists::<ClientLink>))
        .add_systems(
            PostUpdate,
            client_send
                .before(RenetSend)
                .run_if(resource_exists::<ClientLink>.and_then(resource_exists::<RenetClient>)),
        );
    }
}

fn client_receive(mut client: ResMut<RenetClient>, mut link: ResMut<ClientLink>) {
    if client.is_connected()
        && link.status != LinkStatus::Connected
        && !matches!(link.status, LinkStatus::Failed(_))
    {
        link.status = LinkStatus::Connected;
        link.ever_connected = true;
        link.core.on_connected();
    }
    while let Some(bytes) = client.receive_message(Channel::Reliable) {
        link.core.receive(&bytes);
    }
    if let Some(r) = link.core.fatal.clone()
        && !matches!(link.status, LinkStatus::Failed(_))
    {
        link.status = LinkStatus::Failed(r.to_string());
    }
}

fn client_watch(
    mut commands: Commands,
    mut link: ResMut<ClientLink>,
    client: Option<Res<RenetClient>>,
    transport: Option<Res<ClientTransport>>,
) {
    if link.offline {
        return;
    }
    let silence = transport.map(|t| t.silence()).unwrap_or_default();
    let connected = client.as_ref().is_some_and(|c| c.is_connected());
    let disconnected = client.as_ref().is_none_or(|c| c.is_disconnected());
    let mut retry = false;
    match link.status {
        LinkStatus::Failed(_) => {}
        LinkStatus::Connected if !connected || silence > SILENCE_LIMIT => {
            link.status = LinkStatus::Reconnecting;
            retry = true;
        }
        LinkStatus::Connecting if link.attempt_started.elapsed() > CONNECT_WAIT || disconnected => {
            // The handshake did not finish. On a busy network its datagrams may simply have
            // been lost: ask the info port whether the host is there and takes this code, and
            // if so try again; a wrong code or an absent host ends it.
            let answer = link
                .probe
                .as_ref()
                .and_then(|rx| rx.lock().ok().and_then(|rx| rx.try_recv().ok()));
            let again = |answer: &Result<(), super::info::ProbeError>, attempts: u32| match answer {
                Ok(()) => attempts < FIRST_ATTEMPTS,
                Err(super::info::ProbeError::NoAnswer(_) | super::info::ProbeError::Io(_)) => {
                    attempts < FIRST_ATTEMPTS_UNANSWERED
                }
                Err(_) => false,
            };
            match answer {
                Some(answer) if again(&answer, link.attempts) => {
                    link.probe = None;
                    link.attempts += 1;
                    retry = true;
                }
                Some(answer) => {
                    let addr = link.addr;
                    link.probe = None;
                    link.status = LinkStatus::Failed(match answer {
                        Err(why) => why.to_string(),
                        Ok(()) => format!(
                            "no connection to {addr} after {FIRST_ATTEMPTS} tries: the network loses too much"
                        ),
                    });
                }
                None if link.probe.is_none() => {
                    let (tx, rx) = std::sync::mpsc::channel();
                    let (addr, code) = (link.addr, link.code.clone());
                    std::thread::spawn(move || {
                        let answer = super::info::probe(addr, Some(&code), PROBE_WAIT).map(|_| ());
                        let _ = tx.send(answer);
                    });
                    link.probe = Some(std::sync::Mutex::new(rx));
                }
                None => {}
            }
        }
        LinkStatus::Reconnecting => {
            let due = link.next_retry.is_none_or(|t| Instant::now() >= t);
            let stuck = link.attempt_started.elapsed() > CONNECT_WAIT;
            retry = due && (disconnected || stuck);
        }
        _ => {}
    }
    if retry {
        // A fresh connection: the host sees a new client, and our hello takes the seat back.
        link.attempt_started = Instant::now();
        link.next_retry = Some(Instant::now() + RETRY_EVERY);
        if let Ok((c, t)) = client_resources(link.addr, &link.code) {
            commands.insert_resource(c);
            commands.insert_resource(t);
        }
    }
}

fn client_send(mut client: ResMut<RenetClient>, mut link: ResMut<ClientLink>) {
    if !client.is_connected() {
        return;
    }
    for bytes in link.core.take_outbox() {
        client.send_message(Channel::Reliable, bytes);
    }
}
