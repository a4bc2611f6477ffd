//! The info port and the LAN beacon: how a client finds sessions, and learns *why* it cannot
//! join (another version, a wrong code) instead of waiting for a connection that never comes.
//!
//! Netcode drops every packet it cannot authenticate without a word, which is right for the game
//! channel and useless for a person typing a code. So next to the game port (`port + 1`) the host
//! answers small, version-independent queries. These formats never change shape: a client of any
//! version can read a host of any other.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::code::{self, JoinCode};
use super::protocol::PROTOCOL_VERSION;

const REQUEST_MAGIC: [u8; 8] = *b"KANTINFO";
const REPLY_MAGIC: [u8; 8] = *b"KANTREPL";
const BEACON_MAGIC: [u8; 8] = *b"KANTBEAC";
/// Replies per second the info port sends at most, so it cannot be used to flood a third party.
const MAX_REPLIES_PER_SEC: u32 = 200;
const MAX_INFO_BYTES: usize = 512;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct InfoRequest {
    pub magic: [u8; 8],
    pub version: u16,
    pub nonce: [u8; 16],
    /// `code::verifier(key, nonce)` when the client wants its code checked.
    pub verifier: Option<[u8; 32]>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoReply {
    pub magic: [u8; 8],
    pub version: u16,
    pub nonce: [u8; 16],
    pub session: String,
    pub deck: String,
    pub game_port: u16,
    pub players: u32,
    /// Whether the client's verifier matched: `None` when it sent none.
    pub code_ok: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Beacon {
    pub magic: [u8; 8],
    pub version: u16,
    pub session: String,
    pub deck: String,
    pub game_port: u16,
}

/// What the host tells the room about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostInfo {
    pub session: String,
    pub deck: String,
    pub game_port: u16,
    pub players: u32,
}

/// The info port a host with this game port answers on.
pub fn info_addr(game: SocketAddr) -> SocketAddr {
    SocketAddr::new(game.ip(), game.port().wrapping_add(1))
}

/// The host's answer to one datagram, or `None` for anything that is not a well-formed query.
pub fn answer(datagram: &[u8], info: &HostInfo, key: &[u8; 32]) -> Option<Vec<u8>> {
    if datagram.len() > MAX_INFO_BYTES {
        return None;
    }
    let req: InfoRequest = postcard::from_bytes(datagram).ok()?;
    if req.magic != REQUEST_MAGIC {
        return None;
    }
    let reply = InfoReply {
        magic: REPLY_MAGIC,
        version: PROTOCOL_VERSION,
        nonce: req.nonce,
        session: info.session.clone(),
        deck: info.deck.clone(),
        game_port: info.game_port,
        players: info.players,
        code_ok: req.verifier.map(|v| v == code::verifier(key, &req.nonce)),
    };
    postcard::to_allocvec(&reply).ok()
}

/// The host's info port, answered on a thread of its own: a flood of junk at this port (or a
/// slow frame) must not drown a player's query in the socket's queue, as it did when the port
/// was read a bounded number of datagrams per frame.
pub(crate) struct InfoPort {
    addr: SocketAddr,
    info: Arc<Mutex<HostInfo>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How often the answering thread looks up to see whether it should stop.
const INFO_STOP_CHECK: Duration = Duration::from_millis(100);

impl InfoPort {
    /// Opens the port and starts answering with `info`, checking codes against `key`.
    pub fn bind(addr: SocketAddr, key: [u8; 32], info: HostInfo) -> std::io::Result<InfoPort> {
        let socket = UdpSocket::bind(addr)?;
        socket.set_read_timeout(Some(INFO_STOP_CHECK))?;
        let local = socket.local_addr()?;
        let info = Arc::new(Mutex::new(info));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (info, stop) = (Arc::clone(&info), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("kantelspel-info".into())
                .spawn(move || answer_until_stopped(&socket, &info, &key, &stop))?
        };
        Ok(InfoPort {
            addr: local,
            info,
            stop,
            thread: Some(thread),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }

    /// What the port says from now on (players online, the deck).
    pub fn update(&self, info: HostInfo) {
        if let Ok(mut held) = self.info.lock()
            && *held != info
        {
            *held = info;
        }
    }
}

impl Drop for InfoPort {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads every datagram as it comes and answers the well-formed queries, at most
/// `MAX_REPLIES_PER_SEC` a second so the port cannot be used to reflect a flood.
fn answer_until_stopped(
    socket: &UdpSocket,
    info: &Mutex<HostInfo>,
    key: &[u8; 32],
    stop: &AtomicBool,
) {
    let mut buf = [0u8; 1500];
    let mut window = Instant::now();
    let mut replies = 0u32;
    while !stop.load(Ordering::Relaxed) {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue; // the read timed out: look at `stop` again
        };
        if window.elapsed() >= Duration::from_secs(1) {
            window = Instant::now();
            replies = 0;
        }
        if replies >= MAX_REPLIES_PER_SEC {
            continue;
        }
        let reply = match info.lock() {
            Ok(held) => answer(&buf[..n], &held, key),
            Err(_) => return,
        };
        if let Some(reply) = reply {
            replies += 1;
            let _ = socket.send_to(&reply, from);
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("no Kantelspel host answers at {0}; check the address, and that the host is running")]
    NoAnswer(SocketAddr),
    #[error(
        "the host runs another version of Kantelspel (protocol {host}, this program {client}); install the same version as the host"
    )]
    VersionMismatch { host: u16, client: u16 },
    #[error(
        "wrong join code: the host at {0} did not accept it; check the code on the facilitator's screen"
    )]
    WrongCode(SocketAddr),
    #[error("network error: {0}")]
    Io(String),
}

/// The local address a socket that talks to `target` binds: loopback for a host on this machine
/// (tests, practice), so that traffic never leaves it; any interface otherwise.
pub(crate) fn local_bind_for(target: SocketAddr) -> SocketAddr {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let ip = match (target.ip().is_loopback(), target.is_ipv4()) {
        (true, true) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        (true, false) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        (false, true) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        (false, false) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    SocketAddr::new(ip, 0)
}

/// Asks the host at `game` about itself and, with a code, whether the code is right.
pub fn probe(
    game: SocketAddr,
    code: Option<&JoinCode>,
    wait: Duration,
) -> Result<InfoReply, ProbeError> {
    let io = |e: std::io::Error| ProbeError::Io(e.to_string());
    let target = info_addr(game);
    let socket = UdpSocket::bind(local_bind_for(target)).map_err(io)?;
    socket
        .set_read_timeout(Some(Duration::from_millis(250)))
        .map_err(io)?;
    let mut nonce = [0u8; 16];
    nonce[..8].copy_from_slice(&code::random_client_id().to_le_bytes());
    nonce[8..].copy_from_slice(&code::random_client_id().to_le_bytes());
    let request = InfoRequest {
        magic: REQUEST_MAGIC,
        version: PROTOCOL_VERSION,
        nonce,
        verifier: code.map(|c| code::verifier(&c.key(), &nonce)),
    };
    let bytes = postcard::to_allocvec(&request).map_err(|e| ProbeError::Io(e.to_string()))?;
    let start = Instant::now();
    let mut buf = [0u8; 1500];
    while start.elapsed() < wait {
        socket.send_to(&bytes, target).map_err(io)?;
        let deadline = Instant::now() + Duration::from_millis(250);
        while Instant::now() < deadline {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                break;
            };
            if from != target {
                continue;
            }
            let Ok(reply) = postcard::from_bytes::<InfoReply>(&buf[..n]) else {
                continue;
            };
            if reply.magic != REPLY_MAGIC || reply.nonce != nonce {
                continue;
            }
            if reply.version != PROTOCOL_VERSION {
                return Err(ProbeError::VersionMismatch {
                    host: reply.version,
                    client: PROTOCOL_VERSION,
                });
            }
            if reply.code_ok == Some(false) {
                return Err(ProbeError::WrongCode(game));
            }
            return Ok(reply);
        }
    }
    Err(ProbeError::NoAnswer(game))
}

pub(crate) fn beacon_bytes(info: &HostInfo) -> Vec<u8> {
    postcard::to_allocvec(&Beacon {
        magic: BEACON_MAGIC,
        version: PROTOCOL_VERSION,
        session: info.session.clone(),
        deck: info.deck.clone(),
        game_port: info.game_port,
    })
    .unwrap_or_default()
}

/// A session heard on the LAN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub addr: SocketAddr,
    pub session: String,
    pub deck: String,
    pub version: u16,
}

/// Reads one beacon datagram from `from`.
pub fn read_beacon(datagram: &[u8], from: SocketAddr) -> Option<Found> {
    if datagram.len() > MAX_INFO_BYTES {
        return None;
    }
    let b: Beacon = postcard::from_bytes(datagram).ok()?;
    (b.magic == BEACON_MAGIC).then(|| Found {
        addr: SocketAddr::new(from.ip(), b.game_port),
        session: b.session,
        deck: b.deck,
        version: b.version,
    })
}

/// Listens for beacons on `bind` for `wait`, and returns each session once.
pub fn listen(bind: SocketAddr, wait: Duration) -> std::io::Result<Vec<Found>> {
    let socket = UdpSocket::bind(bind)?;
    socket.set_read_timeout(Some(Duration::from_millis(100)))?;
    let mut found: Vec<Found> = Vec::new();
    let start = Instant::now();
    let mut buf = [0u8; 1500];
    while start.elapsed() < wait {
        if let Ok((n, from)) = socket.recv_from(&mut buf)
            && let Some(f) = read_beacon(&buf[..n], from)
            && !found.iter().any(|x| x.addr == f.addr)
        {
            found.push(f);
        }
    }
    Ok(found)
}
