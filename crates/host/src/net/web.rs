//! The browser players' door: an HTTP and WebSocket server on a runtime of its own that hands
//! frames to the one host core and carries its answers back. It holds no game state.
//!
//! The door checks the join code (rate-limited per address) before a link exists; after that
//! every frame goes to `HostCore::receive_web`, the same gate as the native client's. What the
//! door itself guards against is what a socket can do: oversized, binary or endless frames,
//! links that never say hello, requests that never finish, more connections than the host has
//! room for.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::code::{JoinCode, random_client_id};
use super::host::{ClientId, FrameKind, WebFrame};
use super::page;
use super::protocol::{self, BrowserMsg, MAX_BROWSER_MESSAGE, MAX_CLIENT_MESSAGES_PER_SEC};
use crate::rules::Text;

/// The name of the web server's thread (the benches count its CPU as the host's).
pub const WEB_THREAD: &str = "kantelspel-web";

/// The web port sits two above the game port (the info port is one above).
pub(crate) const WEB_PORT_OFFSET: u16 = 2;
/// Open TCP connections the door holds at once; more are closed on arrival.
const MAX_CONNECTIONS: usize = 4096;
/// Connections the system queues before the door accepts them: a room arriving at once (the
/// default of 128 drops the rest, and a phone waits a second to try again).
const LISTEN_BACKLOG: u32 = 1024;
/// A connection that takes nothing of what is written to it for this long is closed: a request
/// that never reads its answer holds no slot for long.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);
/// A link that has not said hello with a code by then is closed.
pub const HELLO_WAIT: Duration = Duration::from_secs(10);
/// An HTTP request whose headers have not arrived by then is closed.
pub const HEADER_WAIT: Duration = Duration::from_secs(5);
/// The door pings every link this often; one silent for `SILENCE_LIMIT` is gone (a phone that
/// slept, Wi-Fi that dropped) and shows offline on the facilitator's roster.
const PING_EVERY: Duration = Duration::from_secs(5);
const SILENCE_LIMIT: Duration = Duration::from_secs(20);
/// A browser that cannot take a frame within this long is too slow to keep.
const SEND_WAIT: Duration = Duration::from_secs(10);
/// Frames queued for one browser; a fuller queue means it does not read, and it is closed.
const OUTBOX_DEPTH: usize = 64;
/// Wrong codes an address may try per minute before it has to wait.
pub const CODE_TRIES_PER_MINUTE: u32 = 5;
/// Addresses whose wrong codes are counted at once; past this, counts older than a minute go,
/// and if that is not enough the table starts afresh (a spray of addresses cannot fill memory).
const TRIES_KEPT: usize = 50_000;
/// Open connections one device may hold (a phone needs one or two). Loopback is exempt: the
/// benchmark's players and the facilitator's own projector page live there.
const CONNECTIONS_PER_ADDRESS: usize = 32;
/// Frames waiting for the host at once, all links together; a link whose frame does not fit
/// is closed.
const FRAMES_QUEUED: usize = 65_536;
/// Differences queued for a browser that has fallen behind, before it is sent the whole screen
/// instead.
const PATCHES_QUEUED: usize = 8;
/// Frames per second the door passes on before it closes a link itself (the host core's own
/// budget is half of this): a flood never piles up between the two threads.
const DOOR_FLOOD: u32 = MAX_CLIENT_MESSAGES_PER_SEC * 2;
/// Web links get ids with the top bit set, so they are easy to tell apart in a log.
const WEB_ID_BIT: u64 = 1 << 63;

/// What the door tells the host. Openings and closings come on a channel of their own (at most
/// one each per link); frames on a bounded one.
#[derive(Debug)]
pub(crate) enum WebEvent {
    /// A browser came in with the right code; `hello` is its first message (hello or watch),
    /// read once here at the door.
    Opened { client: ClientId, hello: BrowserMsg },
    /// A later text frame.
    Frame { client: ClientId, text: String },
    /// The link is gone.
    Closed { client: ClientId },
    /// The link skipped differences while it was behind: it needs the whole screen.
    Resync { client: ClientId },
}

enum Outbound {
    /// A frame as text, and deflated when the host made it so: the link sends the one its page
    /// takes.
    Frame(Utf8Bytes, Option<Bytes>),
    Close,
}

#[derive(Default)]
struct Tries {
    since: Option<Instant>,
    wrong: u32,
}

/// Whom the code counter and the connection cap count as one: an IPv4 address, or an IPv6
/// /64 (a device can take any address in its network's /64).
fn device(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut o = v6.octets();
                o[8..].fill(0);
                IpAddr::V6(std::net::Ipv6Addr::from(o))
            }
        },
        v4 => v4,
    }
}

/// What the server tasks share with the host's side.
struct Door {
    code: JoinCode,
    frames: std::sync::mpsc::SyncSender<WebEvent>,
    /// Open TCP connections per device.
    open: Mutex<HashMap<IpAddr, usize>>,
    /// What a person types or scans, and its QR code, for the projector page.
    join_url: String,
    qr_svg: String,
    /// The workshop's tables, for the page to offer a choice.
    tables: usize,
    events: Mutex<Sender<WebEvent>>,
    links: Mutex<HashMap<ClientId, mpsc::Sender<Outbound>>>,
    tries: Mutex<HashMap<IpAddr, Tries>>,
    /// When and from where another device first opened the page: the sign, before the room
    /// arrives, that the venue's network lets phones through to this laptop.
    first_visit: Mutex<Option<(Instant, IpAddr)>>,
    /// This laptop's own addresses: its own browser proves nothing about the venue's network.
    own: Vec<IpAddr>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere never leaves these maps half-written: keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Door {
    fn tell(&self, ev: WebEvent) {
        let _ = lock(&self.events).send(ev);
    }

    /// Passes a frame to the host; false when the queue is full (the link is then closed).
    fn pass(&self, ev: WebEvent) -> bool {
        self.frames.try_send(ev).is_ok()
    }

    /// Counts a new connection from `ip`; false when that device already holds its share.
    fn arrive(&self, ip: IpAddr) -> bool {
        if ip.is_loopback() {
            return true;
        }
        let mut open = lock(&self.open);
        let n = open.entry(device(ip)).or_default();
        if *n >= CONNECTIONS_PER_ADDRESS {
            return false;
        }
        *n += 1;
        true
    }

    fn leave(&self, ip: IpAddr) {
        if ip.is_loopback() {
            return;
        }
        let mut open = lock(&self.open);
        let key = device(ip);
        if let Some(n) = open.get_mut(&key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&key);
            }
        }
    }

    /// Whether `typed` is this session's code, counting wrong tries per device. Only the
    /// device that guesses waits: however many addresses guess at once, the right code gets in
    /// (checking it is a comparison, so there is no costly work to ration for the whole door).
    fn check_code(&self, ip: IpAddr, typed: &str) -> Result<(), Text> {
        let mut tries = lock(&self.tries);
        let now = Instant::now();
        let t = tries.entry(device(ip)).or_default();
        if t.since
            .is_none_or(|s| now.duration_since(s) >= Duration::from_secs(60))
        {
            *t = Tries {
                since: Some(now),
                wrong: 0,
            };
        }
        if t.wrong >= CODE_TRIES_PER_MINUTE {
            let wait = 60 - now.duration_since(t.since.unwrap_or(now)).as_secs();
            return Err(crate::words::text("web.wait", &[("secs", &wait)]));
        }
        if JoinCode::parse(typed).is_ok_and(|c| c == self.code) {
            return Ok(());
        }
        t.wrong += 1;
        // Keep the table small under a spray of addresses.
        if tries.len() > TRIES_KEPT {
            tries.retain(|_, t| {
                t.since
                    .is_some_and(|s| now.duration_since(s) < Duration::from_secs(60))
            });
            if tries.len() > TRIES_KEPT {
                tries.clear();
            }
        }
        Err(crate::words::text("web.wrong_code", &[]))
    }
}

/// The host's handle on the door: events in, frames out. Dropping it stops the server.
pub struct WebEdge {
    door: Arc<Door>,
    /// In a mutex only so the handle can live in a Bevy resource (which must be `Sync`).
    events: Mutex<Receiver<WebEvent>>,
    frames: Mutex<Receiver<WebEvent>>,
    addr: SocketAddr,
    /// Links the host closed itself (too slow to read), to report as closed.
    dropped: Vec<ClientId>,
    /// Frames for browsers whose queue was full, newest view only.
    behind: HashMap<ClientId, Behind>,
    /// Browsers that skipped differences, for the host to send the whole screen.
    resyncs: Vec<ClientId>,
    stop: Option<oneshot::Sender<()>>,
}

impl WebEdge {
    /// Opens the door on `bind` for a workshop of `tables` tables with `code`.
    pub fn start(bind: SocketAddr, code: JoinCode, tables: usize) -> Result<WebEdge, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the web server: {e}"))?;
        let listener = runtime
            .block_on(async { listen(bind) })
            .map_err(|e| format!("cannot listen on {bind} (the web page): {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, events) = std::sync::mpsc::channel();
        let (frames, frames_rx) = std::sync::mpsc::sync_channel(FRAMES_QUEUED);
        let join_url = join_url(addr);
        let door = Arc::new(Door {
            code,
            frames,
            open: Mutex::new(HashMap::new()),
            qr_svg: super::qr::svg(&join_url).unwrap_or_default(),
            join_url,
            tables,
            events: Mutex::new(tx),
            links: Mutex::new(HashMap::new()),
            tries: Mutex::new(HashMap::new()),
            first_visit: Mutex::new(None),
            own: super::venue::this_laptop()
                .addresses
                .iter()
                .map(|a| IpAddr::V4(a.ip))
                .collect(),
        });
        let (stop, stopped) = oneshot::channel();
        let shared = door.clone();
        std::thread::Builder::new()
            .name(WEB_THREAD.into())
            .spawn(move || runtime.block_on(serve(listener, shared, stopped)))
            .map_err(|e| format!("cannot start the web server: {e}"))?;
        Ok(WebEdge {
            door,
            events: Mutex::new(events),
            frames: Mutex::new(frames_rx),
            addr,
            dropped: Vec::new(),
            behind: HashMap::new(),
            resyncs: Vec::new(),
            stop: Some(stop),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address players open: this laptop's LAN address and the page's port.
    pub(crate) fn join_url(&self) -> &str {
        &self.door.join_url
    }

    /// When and from which address another device first opened the page, if one has.
    pub fn first_visit(&self) -> Option<(Instant, IpAddr)> {
        *lock(&self.door.first_visit)
    }

    /// What happened at the door since the last call.
    pub(crate) fn drain(&mut self) -> Vec<WebEvent> {
        let mut out: Vec<WebEvent> = self
            .dropped
            .drain(..)
            .map(|client| WebEvent::Closed { client })
            .collect();
        out.extend(
            self.resyncs
                .drain(..)
                .map(|client| WebEvent::Resync { client }),
        );
        // Openings first, so a link's frames find it; a closing makes later frames moot.
        let mut closed = Vec::new();
        for ev in lock(&self.events).try_iter() {
            match ev {
                WebEvent::Closed { .. } => closed.push(ev),
                _ => out.push(ev),
            }
        }
        out.extend(lock(&self.frames).try_iter());
        out.extend(closed);
        out
    }

    /// Whether the door has a live link by this id.
    pub fn knows(&self, client: ClientId) -> bool {
        lock(&self.door.links).contains_key(&client)
    }

    /// Queues one frame for a browser. One that does not keep up is closed.
    /// A browser that has fallen behind (a slow phone, a tab in the background) gets a few
    /// differences queued; past that it skips them and gets the whole screen (the host is asked
    /// for it), so it catches up with the latest state at once. One that stays behind for
    /// `SEND_WAIT` is closed.
    pub fn send(&mut self, client: ClientId, out: WebFrame) {
        let is_view = |f: &WebFrame| f.kind == FrameKind::Screen;
        let is_patch = |f: &WebFrame| f.kind == FrameKind::Difference;
        if let Some(b) = self.behind.get_mut(&client) {
            let waiting = b.frames.iter().filter(|f| is_patch(f)).count();
            if is_view(&out) {
                // A whole screen makes every screen and difference before it moot.
                b.frames.retain(|f| !is_view(f) && !is_patch(f));
                b.resync = false;
                b.frames.push(out);
            } else if is_patch(&out) && !b.resync {
                // Differences follow the screen they build on, in order, up to a few; past
                // that, the whole screen is cheaper than the trail.
                if waiting < PATCHES_QUEUED {
                    b.frames.push(out);
                } else {
                    b.frames.retain(|f| !is_view(f) && !is_patch(f));
                    b.resync = true;
                    self.resyncs.push(client);
                }
            } else if !is_patch(&out) {
                b.frames.push(out);
            }
            return;
        }
        let links = lock(&self.door.links);
        let Some(tx) = links.get(&client) else {
            return;
        };
        if tx.try_send(outbound(&out)).is_err() {
            drop(links);
            self.behind.insert(
                client,
                Behind {
                    since: Instant::now(),
                    frames: vec![out],
                    resync: false,
                },
            );
        }
    }

    /// Hands what waited to the browsers that have caught up; closes those too far behind.
    pub(crate) fn catch_up(&mut self) {
        let mut links = lock(&self.door.links);
        let mut done = Vec::new();
        for (client, b) in self.behind.iter_mut() {
            let Some(tx) = links.get(client) else {
                done.push(*client);
                continue;
            };
            while let Some(f) = b.frames.first() {
                if tx.try_send(outbound(f)).is_err() {
                    break;
                }
                b.frames.remove(0);
            }
            if b.frames.is_empty() {
                // Until the whole screen it asked for arrives, differences are not for it.
                if !b.resync {
                    done.push(*client);
                }
            } else if b.since.elapsed() > SEND_WAIT {
                links.remove(client);
                self.dropped.push(*client);
                done.push(*client);
            }
        }
        for client in done {
            self.behind.remove(&client);
        }
    }

    /// Closes a link after the frames already queued for it.
    pub fn close(&mut self, client: ClientId) {
        if let Some(tx) = lock(&self.door.links).remove(&client) {
            let _ = tx.try_send(Outbound::Close);
        }
    }
}

impl Drop for WebEdge {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

struct Behind {
    since: Instant,
    frames: Vec<WebFrame>,
    /// Differences were skipped: the host was asked for the whole screen.
    resync: bool,
}

/// One frame as the socket takes it, sharing the text (and its deflated bytes) instead of
/// copying them.
fn outbound(f: &WebFrame) -> Outbound {
    let text = Utf8Bytes::try_from(Bytes::from_owner(ArcText(f.text.clone())))
        .unwrap_or_else(|_| Utf8Bytes::from_static(""));
    Outbound::Frame(
        text,
        f.zipped.clone().map(|z| Bytes::from_owner(ArcBytes(z))),
    )
}

/// Shares one encoded view between every browser that gets it, without copying.
struct ArcText(Arc<str>);

impl AsRef<[u8]> for ArcText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

struct ArcBytes(Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// A connection that gives up on a peer that stops taking what is written to it: a write (or
/// flush) that waits longer than [`WRITE_WAIT`] fails, and hyper closes the connection.
struct Stalls<T> {
    inner: T,
    since: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<T> Stalls<T> {
    fn new(inner: T) -> Stalls<T> {
        Stalls { inner, since: None }
    }

    /// `Pending` from the socket starts the clock (or checks it); anything else stops it.
    fn waited<R>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        r: std::task::Poll<std::io::Result<R>>,
    ) -> std::task::Poll<std::io::Result<R>> {
        use std::future::Future;
        if r.is_ready() {
            self.since = None;
            return r;
        }
        let clock = self
            .since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_WAIT)));
        if clock.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Err(std::io::ErrorKind::TimedOut.into()));
        }
        std::task::Poll::Pending
    }
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Stalls<T> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Stalls<T> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        self.waited(cx, r)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_flush(cx);
        self.waited(cx, r)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Counts a connection out when its task ends, however it ends.
struct Left(Arc<Door>, IpAddr);

impl Drop for Left {
    fn drop(&mut self) {
        self.0.leave(self.1);
    }
}

/// The door's listening socket, with room for a whole room arriving at once.
fn listen(bind: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if bind.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As the standard library does on Unix (a restarted host gets its port back at once); on
    // Windows the same flag would let another program take the port too.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(bind)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn serve(
    listener: tokio::net::TcpListener,
    door: Arc<Door>,
    mut stopped: oneshot::Receiver<()>,
) {
    let room = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let app = router(door.clone());
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => {
                    // Out of file descriptors, most likely: let some close first.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = room.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        if !door.arrive(peer.ip()) {
            drop(stream);
            continue;
        }
        let leaving = door.clone();
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _left = Left(leaving, peer.ip());
            let service =
                hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    let mut app = app.clone();
                    async move {
                        use tower_service::Service;
                        app.call(req.map(Body::new)).await
                    }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_WAIT)
                .max_buf_size(16 * 1024)
                .serve_connection(TokioIo::new(Stalls::new(stream)), service)
                .with_upgrades()
                .await;
        });
    }
}

fn router(door: Arc<Door>) -> Router {
    Router::new()
        .route("/", get(front_page))
        .route(
            "/projector",
            get(|h: HeaderMap| async move { page_file(0, &h, None) }),
        )
        .route(
            "/app.js",
            get(|h: HeaderMap, RawQuery(q): RawQuery| async move { page_file(1, &h, q) }),
        )
        .route(
            "/style.css",
            get(|h: HeaderMap, RawQuery(q): RawQuery| async move { page_file(2, &h, q) }),
        )
        .route(
            "/join",
            get(|State(door): State<Arc<Door>>| async move {
                let body =
                    serde_json::json!({ "url": door.join_url, "tables": door.tables }).to_string();
                asset_owned(body, "application/json")
            }),
        )
        .route(
            "/qr.svg",
            get(|State(door): State<Arc<Door>>| async move {
                asset_owned(door.qr_svg.clone(), "image/svg+xml")
            }),
        )
        .route("/ws", get(upgrade))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .with_state(door)
}

/// Whether a visit from `ip` shows that another device reaches this laptop (not its own browser
/// on loopback or on one of its own addresses).
fn from_elsewhere(ip: IpAddr, own: &[IpAddr]) -> bool {
    !ip.is_loopback() && !own.contains(&ip)
}

/// The players' page; the first visit from another device is noted for the host screen.
async fn front_page(
    State(door): State<Arc<Door>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    h: HeaderMap,
) -> Response {
    let ip = device(peer.ip());
    if from_elsewhere(ip, &door.own) {
        let mut first = lock(&door.first_visit);
        if first.is_none() {
            *first = Some((Instant::now(), ip));
        }
    }
    page_file(0, &h, None)
}

/// One of the page's files as served: its bytes, gzipped once, and a tag of its contents. The page
/// asks for the script and the style sheet by their tags, which a browser may keep without asking
/// (Chromium does; Firefox honours `immutable` only over https and may ask); the page itself it
/// asks "still this one?" on a reload and hears "yes" in a few hundred bytes.
struct PageFile {
    kind: &'static str,
    plain: Bytes,
    gzipped: Bytes,
    tag: String,
    etag: HeaderValue,
}

fn page_files() -> &'static [PageFile; 3] {
    static FILES: std::sync::OnceLock<[PageFile; 3]> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let file = |text: &'static str, kind: &'static str| {
            use std::io::Write;
            let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let gzipped = z.write_all(text.as_bytes()).and_then(|_| z.finish());
            let tag = page::tag(text);
            PageFile {
                kind,
                plain: Bytes::from_static(text.as_bytes()),
                gzipped: gzipped.map(Bytes::from).unwrap_or_default(),
                etag: HeaderValue::from_str(&format!("\"{tag}\""))
                    .unwrap_or(HeaderValue::from_static("\"0\"")),
                tag,
            }
        };
        [
            file(page::index_html(), "text/html; charset=utf-8"),
            file(page::app_js(), "text/javascript; charset=utf-8"),
            file(page::style_css(), "text/css; charset=utf-8"),
        ]
    })
}

/// The page's bytes as sent with gzip, file by file: what a phone downloads the first time.
pub fn page_weight_gzipped() -> usize {
    page_files().iter().map(|f| f.gzipped.len()).sum()
}

/// `query` is what followed the `?`: exactly `v=` and the file's tag, as the page asks, lets the
/// browser keep the file for a year (a host with another file has another tag, so another
/// address); anything else, and it asks each time.
fn page_file(which: usize, asked: &HeaderMap, query: Option<String>) -> Response {
    let f = &page_files()[which];
    let for_good = query.is_some_and(|q| q.strip_prefix("v=") == Some(f.tag.as_str()));
    let same = asked
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == f.etag));
    let gzip = !f.gzipped.is_empty()
        && asked
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|e| {
                e.split(',')
                    .any(|x| x.split(';').next().is_some_and(|n| n.trim() == "gzip"))
            });
    let mut r = if same {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gzip {
        f.gzipped.clone().into_response()
    } else {
        f.plain.clone().into_response()
    };
    headers(&mut r, f.kind);
    let h = r.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if for_good {
            "max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    h.insert(header::ETAG, f.etag.clone());
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if gzip && !same {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    r
}

fn asset_owned(body: String, kind: &'static str) -> Response {
    let mut r = body.into_response();
    headers(&mut r, kind);
    r
}

fn headers(r: &mut Response, kind: &'static str) {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Nothing from outside the room: the page loads only what this host serves.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

async fn upgrade(
    State(door): State<Arc<Door>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // A page from elsewhere (another site the phone has open) may not open a link here.
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(|o| {
            o.trim_start_matches("http://")
                .trim_start_matches("https://")
        });
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let (Some(origin), Some(host)) = (origin, host)
        && origin != host
    {
        return (StatusCode::FORBIDDEN, "another site's page may not join").into_response();
    }
    ws.max_message_size(MAX_BROWSER_MESSAGE)
        .max_frame_size(MAX_BROWSER_MESSAGE)
        .on_upgrade(move |socket| link(door, peer.ip(), socket))
}

async fn say_and_close(
    socket: &mut WebSocket,
    text: Option<String>,
    code: u16,
    reason: &'static str,
) {
    if let Some(t) = text {
        let _ = tokio::time::timeout(SEND_WAIT, socket.send(Message::Text(t.into()))).await;
    }
    let _ = tokio::time::timeout(
        SEND_WAIT,
        socket.send(Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        }))),
    )
    .await;
}

/// WebSocket close codes the page tells apart.
const CLOSE_POLICY: u16 = 1008;
const CLOSE_UNSUPPORTED: u16 = 1003;

async fn link(door: Arc<Door>, ip: IpAddr, mut socket: WebSocket) {
    // The door: a first text frame with the code, within HELLO_WAIT.
    let first = match tokio::time::timeout(HELLO_WAIT, socket.recv()).await {
        Ok(Some(Ok(Message::Text(t)))) => t,
        Ok(Some(Ok(Message::Binary(_)))) => {
            say_and_close(&mut socket, None, CLOSE_UNSUPPORTED, "text frames only").await;
            return;
        }
        _ => {
            say_and_close(&mut socket, None, CLOSE_POLICY, "say hello first").await;
            return;
        }
    };
    let hello = protocol::decode_browser(&first).ok();
    let Some((hello, code)) = hello.and_then(|h| {
        let code = h.code()?.to_string();
        Some((h, code))
    }) else {
        let text = protocol::browser_refusal(crate::words::text("web.hello_first", &[]));
        say_and_close(&mut socket, Some(text), CLOSE_POLICY, "say hello first").await;
        return;
    };
    if let Err(why) = door.check_code(ip, &code) {
        let text = protocol::browser_refusal(why);
        say_and_close(&mut socket, Some(text), CLOSE_POLICY, "wrong code").await;
        return;
    }
    let (tx, mut rx) = mpsc::channel(OUTBOX_DEPTH);
    let client = {
        let mut links = lock(&door.links);
        let mut id = random_client_id() | WEB_ID_BIT;
        while links.contains_key(&id) {
            id = random_client_id() | WEB_ID_BIT;
        }
        links.insert(id, tx);
        id
    };
    let zip = hello.zip();
    door.tell(WebEvent::Opened { client, hello });
    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut heard = Instant::now();
    let (mut window, mut frames) = (Instant::now(), 0u32);
    let mut close: Option<(u16, &'static str)> = None;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outbound::Frame(text, zipped)) => {
                    let msg = match zipped {
                        Some(z) if zip => Message::Binary(z),
                        _ => Message::Text(text),
                    };
                    let sent = tokio::time::timeout(SEND_WAIT, sink.send(msg)).await;
                    if !matches!(sent, Ok(Ok(()))) {
                        break;
                    }
                }
                Some(Outbound::Close) | None => {
                    close = Some((CLOSE_POLICY, "closed by the host"));
                    break;
                }
            },
            incoming = stream.next() => {
                heard = Instant::now();
                // Every frame counts, pings and pongs too: a flood of them is a flood.
                if window.elapsed() >= Duration::from_secs(1) {
                    window = Instant::now();
                    frames = 0;
                }
                frames += 1;
                if frames > DOOR_FLOOD {
                    close = Some((CLOSE_POLICY, "too many messages"));
                    break;
                }
                match incoming {
                    Some(Ok(Message::Text(text))) => {
                        if !door.pass(WebEvent::Frame { client, text: text.to_string() }) {
                            close = Some((CLOSE_POLICY, "the host is busy"));
                            break;
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        close = Some((CLOSE_UNSUPPORTED, "text frames only"));
                        break;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    // A close, an oversized frame, a broken stream.
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                }
            },
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    break;
                }
                let sent = tokio::time::timeout(SEND_WAIT, sink.send(Message::Ping(Bytes::new()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            },
        }
    }
    lock(&door.links).remove(&client);
    door.tell(WebEvent::Closed { client });
    if let Some((code, reason)) = close {
        let frame = Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        }));
        let _ = tokio::time::timeout(SEND_WAIT, sink.send(frame)).await;
    }
}

/// The address a person types or scans: this laptop's LAN address, not the bind address.
pub(crate) fn join_url(web: SocketAddr) -> String {
    let ip = if web.ip().is_unspecified() {
        lan_ip().unwrap_or(web.ip())
    } else {
        web.ip()
    };
    format!("http://{}:{}", ip, web.port())
}

/// This laptop's address on the room's network: its Wi-Fi's or cable's, never a VPN's or a
/// virtual machine's (see [`super::venue`]).
fn lan_ip() -> Option<IpAddr> {
    super::venue::this_laptop()
        .chosen()
        .map(|a| IpAddr::V4(a.ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_another_device_counts_as_the_first_visit() {
        let own: Vec<IpAddr> = vec!["192.168.1.23".parse().unwrap()];
        let mapped_loopback: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert!(!from_elsewhere(device(mapped_loopback), &own));
        assert!(!from_elsewhere("127.0.0.1".parse().unwrap(), &own));
        assert!(!from_elsewhere("192.168.1.23".parse().unwrap(), &own));
        let phone: IpAddr = "::ffff:192.168.1.40".parse().unwrap();
        assert!(from_elsewhere(device(phone), &own));
    }
}
