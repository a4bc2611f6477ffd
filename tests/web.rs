//! Browser players: the host core with web links (one gate, one view function, seat tokens),
//! and the real door over loopback TCP with a plain WebSocket client (wrong codes, hostile
//! frames, idle and slow connections, path tricks, native and browser players in one role,
//! deflated frames, the page's files gzipped, 40 players churning through a host that dies).

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use kantelspel::net::director::Director;
use kantelspel::net::host::{HostCore, LinkKind, Outgoing};
use kantelspel::net::page;
use kantelspel::net::patch::{self, Patch, Screen};
use kantelspel::net::plugin::HostLink;
use kantelspel::net::web::{CODE_TRIES_PER_MINUTE, HEADER_WAIT, HELLO_WAIT};
use kantelspel::rules::Session;
use kantelspel::rules::bot::Strategy;
use kantelspel::rules::deck::Deck;
use kantelspel::rules::session::{Intent, Phase, Sender};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

use common::{HostThread, add_bots, card_for, code, fast_pace};

const T: Duration = Duration::ZERO;
const ROLES: [&str; 4] = common::ROLES;

fn core() -> HostCore {
    let session = Session::new(Arc::new(Deck::default_deck().unwrap()), 11, 6);
    HostCore::new(session, None, "web".into())
}

fn hello(name: &str, role: Option<&str>, token: Option<&str>) -> String {
    json!({"t": "hello", "code": "TEST42", "name": name, "role": role, "token": token}).to_string()
}

/// The JSON frames sent to `client`.
fn frames(out: &Outgoing, client: u64) -> Vec<Value> {
    out.web
        .iter()
        .filter(|(c, _)| *c == client)
        .map(|(_, t)| serde_json::from_str(t).unwrap())
        .collect()
}

fn refused(out: &Outgoing, client: u64) -> Vec<String> {
    frames(out, client)
        .into_iter()
        .filter(|f| f["t"] == "refused")
        .map(|f| f["text"]["nl"].as_str().unwrap().to_string())
        .collect()
}

/// A core with a browser in every role (web links 1 to 4) and the first card on the table.
fn seated() -> HostCore {
    let mut h = core();
    for (i, role) in ROLES.iter().enumerate() {
        let c = i as u64 + 1;
        assert!(h.connect_link(c, LinkKind::Web, T));
        h.receive_web(c, &hello(&format!("p{c}"), Some(role), None), T);
    }
    h.facilitate(&Intent::ChooseNext {
        card: "twee-buren".into(),
    })
    .unwrap();
    h.facilitate(&Intent::Start).unwrap();
    h
}

#[test]
fn each_browser_gets_only_its_own_roles_briefing_on_the_bytes() {
    let mut h = seated();
    let out = h.take_outgoing(T);
    let deck = h.session().deck().clone();
    let card = &deck.cards[h.session().current.as_ref().unwrap().card];
    let mut checked = 0;
    for (mine, _) in ROLES.iter().enumerate() {
        let bytes: String = out
            .web
            .iter()
            .filter(|(c, _)| *c == mine as u64 + 1)
            .map(|(_, t)| t.to_string())
            .collect();
        assert!(bytes.contains("\"t\":\"state\""), "role {mine} got no view");
        for (other, briefing) in card.briefings.iter().enumerate() {
            let Some(b) = briefing else { continue };
            let theirs = b.nl.replace('"', "\\\"");
            if other == mine || card.briefing_for(mine) == b {
                assert!(bytes.contains(&theirs[..40.min(theirs.len())]));
            } else {
                assert!(
                    !bytes.contains(&theirs),
                    "role {mine} received the briefing of role {other}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "the card must hide briefings between roles");
}

#[test]
fn a_browser_cannot_express_a_facilitator_intent_and_bad_frames_change_nothing() {
    let mut h = seated();
    h.take_outgoing(T);
    let before = h.session().clone();
    for frame in [
        r#"{"t":"start"}"#.to_string(),
        r#"{"t":"end"}"#.to_string(),
        r#"{"Intent":"End"}"#.to_string(),
        r#"{"t":"vote","round":1,"step":0,"option":0,"as":"facilitator"}"#.to_string(),
        r#"{"t":"vote","round":1,"step":0,"option":99}"#.to_string(),
        r#"{"t":"vote","round":7,"step":0,"option":0}"#.to_string(),
        "not json at all".to_string(),
        "x".repeat(5000),
    ] {
        h.receive_web(3, &frame, T);
        let out = h.take_outgoing(T);
        assert!(
            !refused(&out, 3).is_empty(),
            "no refusal for {}",
            &frame[..frame.len().min(60)]
        );
        assert_eq!(h.session(), &before, "`{frame:.60}` changed the session");
    }
    // A vote out of role is refused by the rules, in Dutch.
    let deciding = h.session().deciding_role().unwrap();
    let other = (deciding + 1) % 4;
    h.receive_web(
        other as u64 + 1,
        &json!({"t":"vote","round":1,"step":0,"option":0}).to_string(),
        T,
    );
    let out = h.take_outgoing(T);
    let r = refused(&out, other as u64 + 1);
    assert!(
        r.iter().any(|t| t.contains("Deze stap is voor de rol")),
        "{r:?}"
    );
    // The deciding role's vote is the same intent as from a native client, and it counts.
    h.receive_web(
        deciding as u64 + 1,
        &json!({"t":"vote","round":1,"step":0,"option":1}).to_string(),
        T,
    );
    assert_eq!(h.session().phase, Phase::Resolved);
    assert_eq!(h.session().decisions[0].option, 1);
}

#[test]
fn a_seat_token_takes_the_seat_back_and_a_name_alone_does_not_take_a_live_seat() {
    let mut h = core();
    h.connect_link(1, LinkKind::Web, T);
    h.receive_web(1, &hello("Ans", Some("raadslid"), None), T);
    let out = h.take_outgoing(T);
    let welcome = frames(&out, 1)
        .into_iter()
        .find(|f| f["t"] == "welcome")
        .unwrap();
    let token = welcome["token"].as_str().unwrap().to_string();
    let seat = welcome["seat"].as_u64().unwrap() as u32;
    // Someone else typing Ans's name while Ans is online is refused.
    h.connect_link(2, LinkKind::Web, T);
    h.receive_web(2, &hello("ans", None, Some("0123456789abcdef")), T);
    let out = h.take_outgoing(T);
    assert!(
        refused(&out, 2)[0].contains("al verbonden"),
        "{:?}",
        refused(&out, 2)
    );
    // The page reloads: a new link with the token, even before the old one has timed out.
    h.connect_link(3, LinkKind::Web, T);
    h.receive_web(3, &hello("Ans", None, Some(&token)), T);
    let out = h.take_outgoing(T);
    let back = frames(&out, 3);
    assert!(
        back.iter()
            .any(|f| f["t"] == "welcome" && f["seat"] == seat)
    );
    assert!(out.disconnect.contains(&1), "the stale link is closed");
    let told = frames(&out, 1);
    assert!(
        told.iter()
            .any(|f| f["t"] == "refused" && f["replaced"] == true && f["fatal"] == true),
        "the stale link is told, so it does not take the seat back: {told:?}"
    );
    assert_eq!(h.connected_seats(), vec![seat]);
    assert_eq!(h.session().seats[&seat].role, Some(0));
    assert_eq!(h.session().seats.len(), 1);
    // The state it gets is its role's view.
    let state = back.iter().find(|f| f["t"] == "state").unwrap();
    assert_eq!(state["view"]["seats"][0]["role"], 0);
}

#[test]
fn a_watcher_sees_the_public_view_and_may_say_nothing() {
    let mut h = seated();
    h.connect_link(9, LinkKind::Web, T);
    h.receive_web(9, &json!({"t":"watch","code":"TEST42"}).to_string(), T);
    let out = h.take_outgoing(T);
    let state = frames(&out, 9)
        .into_iter()
        .find(|f| f["t"] == "state")
        .unwrap();
    let deck = h.session().deck().clone();
    let card = &deck.cards[h.session().current.as_ref().unwrap().card];
    assert_eq!(state["view"]["card"]["briefing"]["nl"], card.briefing.nl);
    assert_eq!(state["view"]["card"]["all_briefings"], json!([]));
    let before = h.session().clone();
    h.receive_web(
        9,
        &json!({"t":"vote","round":1,"step":0,"option":0}).to_string(),
        T,
    );
    let out = h.take_outgoing(T);
    assert!(!refused(&out, 9).is_empty());
    assert_eq!(h.session(), &before);
    assert!(h.connected_seats().len() == 4, "a watcher takes no seat");
}

#[test]
fn the_page_is_small_and_needs_nothing_from_outside() {
    assert!(
        page::page_weight() <= 150 * 1024,
        "{} bytes",
        page::page_weight()
    );
    let sent = kantelspel::net::web::page_weight_gzipped();
    assert!(sent * 2 < page::page_weight(), "gzipped {sent} bytes");
    eprintln!(
        "the page: {} bytes, {sent} bytes gzipped",
        page::page_weight()
    );
    for text in [page::index_html(), page::app_js(), page::style_css()] {
        for outside in ["http://", "https://", "//cdn", "@import"] {
            let hits: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(outside) && !l.contains("w3.org/2000/svg"))
                .collect();
            assert!(hits.is_empty(), "the page reaches outside: {hits:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real door over loopback
// ---------------------------------------------------------------------------------------------

type Raw =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket that keeps its screen as the page does: whole screens and differences.
struct Ws {
    raw: Raw,
    screen: Option<(u64, Screen)>,
    /// Deflated frames received, and their bytes against the JSON they carried.
    zipped: usize,
    zipped_bytes: usize,
    inflated_bytes: usize,
    inflater: kantelspel::net::zip::Inflater,
}

impl Ws {
    fn new(raw: Raw) -> Ws {
        Ws {
            raw,
            screen: None,
            zipped: 0,
            zipped_bytes: 0,
            inflated_bytes: 0,
            inflater: Default::default(),
        }
    }

    async fn send(&mut self, m: Message) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.raw.send(m).await
    }

    /// A frame as the page sees it: a difference comes out as the whole screen it makes.
    async fn read(&mut self, v: Value) -> Option<Value> {
        if v["t"] == "state" {
            let screen = Screen {
                view: serde_json::from_value(v["view"].clone()).unwrap(),
                connected: serde_json::from_value(v["connected"].clone()).unwrap(),
                timer_left: serde_json::from_value(v["timer_left"].clone()).unwrap(),
            };
            self.screen = Some((v["seq"].as_u64().unwrap(), screen));
            return Some(v);
        }
        if v["t"] != "patch" {
            return Some(v);
        }
        let p: Patch = serde_json::from_value(v).unwrap();
        match self.screen.as_mut() {
            Some((seq, screen)) if *seq == p.base => {
                patch::apply(screen, p.changes);
                *seq = p.seq;
                Some(json!({"t": "state", "seq": p.seq, "view": screen.view,
                    "connected": screen.connected, "timer_left": screen.timer_left}))
            }
            _ => {
                let _ = self.send(Message::text(r#"{"t":"resync"}"#)).await;
                None
            }
        }
    }
}

fn host(auto: bool) -> HostThread {
    let pace = kantelspel::net::director::Pace {
        briefing: Duration::from_millis(50),
        decide: Duration::from_secs(60),
        outcome: Duration::from_millis(50),
        ..fast_pace()
    };
    HostThread::start(core(), Director::new(auto, pace, Strategy::First))
}

async fn ws(web: SocketAddr) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{web}/ws"))
        .await
        .expect("the door opens");
    Ws::new(ws)
}

/// The next JSON frame, or `None` when the link closed or `wait` passed.
async fn next(ws: &mut Ws, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, ws.raw.next()).await {
            Ok(Some(Ok(m @ (Message::Text(_) | Message::Binary(_))))) => {
                let t = match m {
                    Message::Binary(z) => {
                        let t = ws.inflater.read(&z).expect("a deflated frame inflates");
                        ws.zipped += 1;
                        ws.zipped_bytes += z.len();
                        ws.inflated_bytes += t.len();
                        t
                    }
                    Message::Text(t) => t.to_string(),
                    _ => unreachable!(),
                };
                let Ok(v) = serde_json::from_str(&t) else {
                    return None;
                };
                match ws.read(v).await {
                    Some(v) => return Some(v),
                    None => continue,
                }
            }
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

/// Reads frames until one satisfies `want`.
async fn until(ws: &mut Ws, wait: Duration, want: impl Fn(&Value) -> bool) -> Option<Value> {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        match next(ws, deadline - Instant::now()).await {
            Some(v) if want(&v) => return Some(v),
            Some(_) => {}
            None => return None,
        }
    }
    None
}

/// Whether the server closed the link within `wait`.
async fn closed(ws: &mut Ws, wait: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, ws.raw.next()).await {
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
            Err(_) => return false,
        }
    }
}

type Listener = tokio::sync::mpsc::UnboundedReceiver<Value>;

/// Reads a link on a task of its own, as a browser does, and hands over its JSON frames.
fn listen(mut ws: Ws) -> Listener {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(v) = next(&mut ws, Duration::from_secs(600)).await {
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    rx
}

async fn join(web: SocketAddr, name: &str, role: &str) -> (Ws, Value) {
    let mut ws = ws(web).await;
    ws.send(Message::text(hello(name, Some(role), None)))
        .await
        .unwrap();
    let welcome = until(&mut ws, Duration::from_secs(5), |v| v["t"] == "welcome")
        .await
        .expect("welcome");
    (ws, welcome)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_wrong_code_is_refused_in_words_within_a_second_and_guessing_is_rate_limited() {
    let host = host(false);
    rt().block_on(async {
        for i in 0..CODE_TRIES_PER_MINUTE {
            let mut ws = ws(host.web).await;
            let t = Instant::now();
            ws.send(Message::text(
                json!({"t":"hello","code":format!("WRONG{i}"),"name":"x"}).to_string(),
            ))
            .await
            .unwrap();
            let r = next(&mut ws, Duration::from_secs(1))
                .await
                .expect("an answer");
            assert!(t.elapsed() < Duration::from_secs(1));
            assert_eq!(r["t"], "refused");
            assert!(
                r["text"]["nl"]
                    .as_str()
                    .unwrap()
                    .contains("code klopt niet")
            );
            assert!(
                r["text"]["en"]
                    .as_str()
                    .unwrap()
                    .contains("code is not right")
            );
            assert!(closed(&mut ws, Duration::from_secs(2)).await);
        }
        // From this address even the right code now waits.
        let mut ws = ws(host.web).await;
        ws.send(Message::text(hello("x", None, None)))
            .await
            .unwrap();
        let r = next(&mut ws, Duration::from_secs(1)).await.unwrap();
        assert!(
            r["text"]["nl"]
                .as_str()
                .unwrap()
                .contains("Te veel verkeerde codes")
        );
    });
    assert!(host.stop().seats.is_empty(), "nobody got in");
}

#[test]
fn browser_and_native_players_share_a_role_and_the_browser_keeps_its_seat_across_a_reload() {
    let host = host(false);
    let card = card_for("raadslid");
    // A native player in the same role as the browser.
    let mut native = common::idle_app(host.udp, code(), "Nadia", "raadslid");
    let ok = common::pump(&mut [&mut native], Duration::from_secs(20), |apps| {
        common::link(apps[0]).core.seat.is_some()
    });
    assert!(ok, "the native player joins");
    rt().block_on(async {
        let (mut ws, welcome) = join(host.web, "Bram", "raadslid").await;
        let token = welcome["token"].as_str().unwrap().to_string();
        add_bots(&host, &["wethouder", "ambtenaar", "wijkteamprofessional"]);
        let c = card.clone();
        host.with(move |link: &mut HostLink| {
            link.core_mut()
                .facilitate(&Intent::ChooseNext { card: c })
                .unwrap();
            link.core_mut().facilitate(&Intent::Start).unwrap();
        });
        let state = until(&mut ws, Duration::from_secs(5), |v| {
            v["t"] == "state" && v["view"]["phase"] == "Briefing"
        })
        .await
        .expect("the round opens");
        assert_eq!(state["view"]["card"]["id"], card);
        // The browser votes, then reloads: a new link with the token gets the seat and the vote.
        ws.send(Message::text(
            json!({"t":"vote","round":1,"step":0,"option":1}).to_string(),
        ))
        .await
        .unwrap();
        until(&mut ws, Duration::from_secs(5), |v| {
            v["t"] == "state"
                && v["view"]["seats"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["name"] == "Bram" && s["voted"] == true)
        })
        .await
        .expect("the vote shows");
        drop(ws);
        let mut again = self::ws(host.web).await;
        again
            .send(Message::text(hello("Bram", None, Some(&token))))
            .await
            .unwrap();
        let back = until(&mut again, Duration::from_secs(5), |v| v["t"] == "welcome")
            .await
            .unwrap();
        assert_eq!(back["seat"], welcome["seat"]);
        let state = until(&mut again, Duration::from_secs(5), |v| v["t"] == "state")
            .await
            .unwrap();
        let me = state["view"]["seats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "Bram")
            .unwrap()
            .clone();
        assert_eq!(me["role"], 0);
        assert_eq!(me["voted"], true, "the vote survived the reload");
        // The native player votes too: the role's two votes decide, split 1–1 recorded.
        let ok = common::pump(&mut [&mut native], Duration::from_secs(10), |apps| {
            common::link(apps[0]).core.my_turn().is_some()
        });
        assert!(ok, "the native player sees the open step");
        native
            .world_mut()
            .resource_mut::<kantelspel::net::plugin::ClientLink>()
            .core
            .vote(0);
        let resolved = async {
            loop {
                native.update();
                if let Some(v) = next(&mut again, Duration::from_millis(20)).await
                    && v["t"] == "state"
                    && v["view"]["phase"] == "Resolved"
                {
                    return v;
                }
            }
        };
        let v = tokio::time::timeout(Duration::from_secs(10), resolved)
            .await
            .expect("the step resolves");
        let split: Vec<u64> = v["view"]["last"]["split"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(split.iter().sum::<u64>(), 2, "{split:?}");
        assert_eq!(split[0], 1);
        assert_eq!(split[1], 1);
    });
    let session = host.stop();
    assert_eq!(session.decisions.len(), 1);
    assert_eq!(session.seats.len(), 5, "the reload made no new seat");
}

#[test]
fn hostile_frames_and_connections_are_closed_and_everyone_else_is_served() {
    let host = host(false);
    rt().block_on(async {
        let (good, _) = join(host.web, "Goed", "wethouder").await;
        // The good player reads all the time, as a browser does (and answers the door's pings),
        // however long the test spends on an attack.
        let mut good = listen(good);
        let mut n = 0u32;
        // After each attack the good player still sees the room change.
        let mut still_served = async |good: &mut Listener, host: &HostThread| {
            n += 1;
            let name = format!("bot-{n}");
            let who = name.clone();
            host.with(move |link: &mut HostLink| {
                link.core_mut()
                    .act(
                        Sender::Host,
                        &Intent::AddSeat {
                            name: who,
                            role: Some("ambtenaar".into()),
                            bot: true,
                        },
                    )
                    .unwrap();
            });
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            loop {
                let v = tokio::time::timeout_at(deadline, good.recv())
                    .await
                    .ok()
                    .flatten()
                    .expect("the good player is still served");
                if v["t"] == "state"
                    && v["view"]["seats"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|s| s["name"] == name.as_str())
                {
                    break;
                }
            }
        };

        // Binary frames, first or later.
        let mut bad = ws(host.web).await;
        bad.send(Message::binary(vec![0u8, 1, 2, 3])).await.unwrap();
        assert!(closed(&mut bad, Duration::from_secs(2)).await);
        let (mut bad, _) = join(host.web, "Bin", "ambtenaar").await;
        bad.send(Message::binary(vec![7u8; 100])).await.unwrap();
        assert!(closed(&mut bad, Duration::from_secs(2)).await);
        still_served(&mut good, &host).await;

        // An oversized frame.
        let (mut bad, _) = join(host.web, "Groot", "ambtenaar").await;
        let _ = bad.send(Message::text("x".repeat(64 * 1024))).await;
        assert!(closed(&mut bad, Duration::from_secs(2)).await);
        still_served(&mut good, &host).await;

        // Malformed frames are refused in words and the link stays.
        let (mut odd, _) = join(host.web, "Raar", "ambtenaar").await;
        odd.send(Message::text("{\"t\":")).await.unwrap();
        let r = until(&mut odd, Duration::from_secs(5), |v| v["t"] == "refused")
            .await
            .unwrap();
        assert_eq!(r["fatal"], false);
        let mut odd = listen(odd);
        still_served(&mut odd, &host).await;

        // A flood.
        let (mut flood, _) = join(host.web, "Vloed", "ambtenaar").await;
        // The good player's reader shares this thread and cannot read while the flood is sent:
        // it falls behind, and the host hands it the newest view instead of dropping it.
        for _ in 0..2000 {
            if flood
                .send(Message::text(r#"{"t":"role","role":"ambtenaar"}"#))
                .await
                .is_err()
            {
                break;
            }
        }
        assert!(closed(&mut flood, Duration::from_secs(5)).await);
        still_served(&mut good, &host).await;

        // A thousand idle connections, a WebSocket that never says hello, a request that
        // never finishes: all closed by the door's clocks, while the game goes on.
        let mut idle = Vec::new();
        for _ in 0..1000 {
            if let Ok(s) = tokio::net::TcpStream::connect(host.web).await {
                idle.push(s);
            }
        }
        let mut slow = tokio::net::TcpStream::connect(host.web).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut silent = ws(host.web).await;
        still_served(&mut good, &host).await;
        let opened = Instant::now();
        assert!(closed(&mut silent, HELLO_WAIT + Duration::from_secs(5)).await);
        let mut buf = [0u8; 64];
        let left = (HEADER_WAIT + Duration::from_secs(5)).saturating_sub(opened.elapsed());
        let n = tokio::time::timeout(left.max(Duration::from_secs(1)), slow.read(&mut buf))
            .await
            .expect("the slow request is closed");
        assert!(
            n.map(|n| n == 0 || buf.starts_with(b"HTTP/1.1 408"))
                .unwrap_or(true)
        );
        // Each idle connection's clock starts when the door accepts it: poll until all closed.
        let deadline = Instant::now() + HEADER_WAIT + Duration::from_secs(20);
        while !idle.is_empty() && Instant::now() < deadline {
            let mut still = Vec::new();
            for mut s in idle {
                let mut b = [0u8; 8];
                match tokio::time::timeout(Duration::from_millis(5), s.read(&mut b)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => {}
                    _ => still.push(s),
                }
            }
            idle = still;
        }
        assert_eq!(idle.len(), 0, "idle connections are closed");
        still_served(&mut good, &host).await;
    });
    let session = host.stop();
    assert!(session.seats.values().any(|s| s.name == "Goed"));
}

#[test]
fn path_tricks_find_nothing_but_the_page() {
    let host = host(false);
    rt().block_on(async {
        let get = async |path: &str| -> String {
            let mut s = tokio::net::TcpStream::connect(host.web).await.unwrap();
            s.write_all(
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .await
            .unwrap();
            let mut out = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
            String::from_utf8_lossy(&out).to_string()
        };
        let page = get("/").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page:.80}");
        assert!(
            page.contains("Content-Security-Policy") || page.contains("content-security-policy")
        );
        for path in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "//etc/passwd",
            "/app.js/../../src/main.rs",
            "/ws/../../etc/passwd",
            "/..%2f..%2fCargo.toml",
            "/\\..\\Cargo.toml",
        ] {
            let r = get(path).await;
            assert!(
                r.starts_with("HTTP/1.1 404") || r.starts_with("HTTP/1.1 400"),
                "{path}: {r:.80}"
            );
            assert!(
                !r.contains("[package]") && !r.contains("root:"),
                "{path} leaked a file"
            );
        }
        assert!(get("/app.js").await.contains("kantelspel"));
    });
    drop(host);
}

/// A journal's header for the default deck with the tests' join code.
fn journal_header(
    seed: u64,
    rounds: u32,
    seat_secret: u64,
) -> kantelspel::rules::journal::JournalHeader {
    kantelspel::rules::journal::JournalHeader {
        version: kantelspel::rules::journal::JOURNAL_VERSION,
        deck_name: kantelspel::rules::deck::DEFAULT_DECK_NAME.into(),
        deck_source: kantelspel::rules::deck::DEFAULT_DECK.into(),
        seed,
        rounds,
        created_unix: 2,
        join_code: "TEST42".into(),
        seat_secret,
        edition: kantelspel::rules::session::RULES_EDITION,
    }
}

#[test]
fn a_resumed_host_honours_the_seat_tokens_its_players_hold_and_names_alone_take_nothing() {
    use kantelspel::net::journal_file::JournalFile;
    let dir = common::temp_dir("web-resume");
    let header = journal_header(3, 4, 0x5eed);
    let file = JournalFile::create(&dir, &header).unwrap();
    let path = file.path().to_path_buf();
    let session = Session::new(Arc::new(Deck::default_deck().unwrap()), 3, 4);
    let mut h = HostCore::new(session, Some(file), "t".into());
    h.connect_link(1, LinkKind::Web, T);
    h.receive_web(1, &hello("Ans", Some("raadslid"), None), T);
    let out = h.take_outgoing(T);
    let welcome = frames(&out, 1)
        .into_iter()
        .find(|f| f["t"] == "welcome")
        .unwrap();
    let token = welcome["token"].as_str().unwrap().to_string();
    drop(h);

    // The host crashed; it comes back from its journal.
    let mut h = kantelspel::net::host::resume(&path, None, None)
        .unwrap()
        .core;
    h.connect_link(2, LinkKind::Web, T);
    h.receive_web(2, &hello("Ans", None, None), T);
    let out = h.take_outgoing(T);
    assert!(
        frames(&out, 2).iter().any(|f| f["t"] == "waiting"),
        "a name alone waits for the facilitator"
    );
    assert!(!frames(&out, 2).iter().any(|f| f["t"] == "welcome"));
    h.connect_link(3, LinkKind::Web, T);
    h.receive_web(3, &hello("wie dan ook", None, Some(&token)), T);
    let out = h.take_outgoing(T);
    let back = frames(&out, 3);
    assert!(
        back.iter()
            .any(|f| f["t"] == "welcome" && f["seat"] == welcome["seat"]),
        "{back:?}"
    );
    assert_eq!(h.session().seats.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn after_the_start_a_newcomer_waits_sees_nothing_and_comes_in_when_let_in() {
    let mut h = seated();
    h.take_outgoing(T);
    let deck = h.session().deck().clone();
    let card = &deck.cards[h.session().current.as_ref().unwrap().card];
    // A latecomer who read the code off the projector.
    h.connect_link(9, LinkKind::Web, T);
    h.receive_web(9, &hello("Laat", Some("wethouder"), None), T);
    let out = h.take_outgoing(T);
    let got = frames(&out, 9);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["t"], "waiting");
    assert_eq!(h.waiting().len(), 1);
    assert_eq!(h.waiting()[0].role.as_deref(), Some("wethouder"));
    assert_eq!(h.session().seats.len(), 4, "no seat yet");
    // The game moves on; the latecomer hears nothing of it.
    let deciding = h.session().deciding_role().unwrap();
    h.receive_web(
        deciding as u64 + 1,
        &json!({"t":"vote","round":1,"step":0,"option":0}).to_string(),
        T,
    );
    let out = h.take_outgoing(T);
    assert!(frames(&out, 9).is_empty());
    // A vote from the door is refused: no seat.
    h.receive_web(
        9,
        &json!({"t":"vote","round":1,"step":0,"option":0}).to_string(),
        T,
    );
    assert!(!refused(&h.take_outgoing(T), 9).is_empty());
    // The facilitator lets them in as ambtenaar: now they see that role's view.
    let seat = h.admit(9, Some("ambtenaar".into())).unwrap();
    let out = h.take_outgoing(T);
    let got = frames(&out, 9);
    assert!(got.iter().any(|f| f["t"] == "welcome" && f["seat"] == seat));
    let ambtenaar = deck.roles.iter().position(|r| r.id == "ambtenaar").unwrap();
    assert_eq!(h.session().seats[&seat].role, Some(ambtenaar));
    assert!(h.waiting().is_empty());
    let _ = card;

    // Another is turned away, in words.
    h.connect_link(10, LinkKind::Web, T);
    h.receive_web(10, &hello("Nee", None, None), T);
    h.take_outgoing(T);
    h.turn_away(10);
    let out = h.take_outgoing(T);
    assert!(refused(&out, 10)[0].contains("niet toegelaten"));
    assert!(out.disconnect.contains(&10));

    // One whose phone lost its token claims their own seat; the facilitator gives it back.
    h.disconnect(2);
    let p2 = *h
        .session()
        .seats
        .iter()
        .find(|(_, s)| s.name == "p2")
        .unwrap()
        .0;
    h.connect_link(11, LinkKind::Web, T);
    h.receive_web(11, &hello("P2", None, None), T);
    h.take_outgoing(T);
    assert_eq!(h.waiting()[0].claims, Some(p2));
    assert_eq!(h.admit(11, None).unwrap(), p2);
    assert!(h.connected_seats().contains(&p2));

    // With the room left open, a newcomer comes straight in.
    h.set_room_open(true);
    h.connect_link(12, LinkKind::Web, T);
    h.receive_web(12, &hello("Open", Some("raadslid"), None), T);
    let out = h.take_outgoing(T);
    assert!(frames(&out, 12).iter().any(|f| f["t"] == "welcome"));
    assert!(h.waiting().is_empty());
}

#[test]
fn an_observer_watches_and_notes_with_the_round_and_a_silent_watcher_may_not() {
    let mut h = seated();
    // An observer with a name, and a projector page without one.
    h.connect_link(9, LinkKind::Web, T);
    h.receive_web(
        9,
        &json!({"t":"watch","code":"TEST42","name":" Noor "}).to_string(),
        T,
    );
    h.connect_link(10, LinkKind::Web, T);
    h.receive_web(10, &json!({"t":"watch","code":"TEST42"}).to_string(), T);
    let _ = h.take_outgoing(T);
    let round = h.session().round;
    h.receive_web(
        9,
        &json!({"t":"note","text":"De wethouder kijkt mee over de schouder"}).to_string(),
        T,
    );
    let out = h.take_outgoing(T);
    assert!(refused(&out, 9).is_empty(), "{:?}", refused(&out, 9));
    let notes = &h.session().notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].round, round, "kept with the round it was made in");
    assert_eq!(
        notes[0].text,
        "Noor (observator): De wethouder kijkt mee over de schouder"
    );
    // Without a name, from a player, too soon after the last one, empty: refused, nothing kept.
    let note = |text: &str| json!({"t":"note","text":text}).to_string();
    h.receive_web(10, &note("anoniem"), T);
    h.receive_web(1, &note("ik ook"), T);
    h.receive_web(9, &note("nog een"), Duration::from_secs(1));
    let later = Duration::from_secs(5);
    h.receive_web(9, &note("   "), later);
    h.receive_web(9, &note("en toen"), later);
    let out = h.take_outgoing(later);
    assert_eq!(refused(&out, 10).len(), 1);
    assert_eq!(refused(&out, 1).len(), 1);
    assert_eq!(refused(&out, 9).len(), 2, "too soon, and empty");
    assert_eq!(
        h.session().notes.len(),
        2,
        "the one after the pause is kept"
    );
    // A name that would look like a formula in a spreadsheet stays text in the CSV.
    let mut h = seated();
    h.connect_link(11, LinkKind::Web, T);
    h.receive_web(
        11,
        &json!({"t":"watch","code":"TEST42","name":"=cmd"}).to_string(),
        T,
    );
    h.receive_web(11, &note("kijk"), T);
    let csv = kantelspel::report::csv(
        &kantelspel::report::view_of(h.session()),
        kantelspel::rules::Lang::Nl,
    );
    assert!(csv.contains(",'=cmd (observator): kijk"), "{csv}");
    // The observer sees what the projector sees: no role's briefing.
    assert!(h.connected_seats().len() == 4, "an observer takes no seat");
}

/// The page applies every difference the host can send: each variant of `Change` and of
/// `CardPart` (read from `crates/host/src/net/patch.rs`) has a handler in `app.js`; one it does not know
/// makes the page ask for the whole screen instead of drawing a wrong one.
#[test]
fn the_page_handles_every_kind_of_difference() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rust = std::fs::read_to_string(root.join("crates/host/src/net/patch.rs")).unwrap();
    let js = std::fs::read_to_string(root.join("assets/web/app.js")).unwrap();
    let variants = |enum_name: &str| -> Vec<String> {
        let start = rust
            .find(&format!("pub enum {enum_name} {{"))
            .unwrap_or_else(|| panic!("no enum {enum_name}"));
        let body = &rust[start..];
        let body = &body[..body.find("\n}\n").unwrap()];
        body.lines()
            .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
            .filter_map(|l| {
                let name: String = l
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                name.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
                    .then_some(name)
            })
            .collect()
    };
    let function = |name: &str| -> String {
        let start = js
            .find(&format!("function {name}("))
            .unwrap_or_else(|| panic!("app.js has no {name}"));
        let rest = &js[start..];
        rest[..rest[1..].find("\nfunction ").map_or(rest.len(), |e| e + 1)].to_string()
    };
    for (enum_name, handler) in [("Change", "applyPatch"), ("CardPart", "applyCard")] {
        let body = function(handler);
        let names = variants(enum_name);
        assert!(names.len() >= 10, "{enum_name}: {names:?}");
        for name in names {
            assert!(
                body.contains(&format!("'{name}'")) || body.contains(&format!(" {name}: ")),
                "app.js's {handler} has no handler for {enum_name}::{name}"
            );
        }
        assert!(
            body.contains("else return false;"),
            "{handler} says when it meets a difference it does not know"
        );
    }
    assert!(
        js.contains("applyPatch(msg.changes)) {"),
        "a difference the page cannot apply asks for the whole screen"
    );
}

/// "Near a tipping point" is one rule: the page computes it as the rules do (a tenth of the
/// range in whole points), not with an arithmetic of its own.
#[test]
fn the_page_says_near_a_tipping_point_as_the_rules_do() {
    use kantelspel::rules::view::near_tipping;
    let js = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/web/app.js"),
    )
    .unwrap();
    assert!(
        js.contains("const tenth = Math.trunc(span / 10);"),
        "the page's rule"
    );
    assert!(!js.contains("span * 0.1"), "no second rule");
    assert!(
        near_tipping(19, 0, 95, Some(10), None),
        "9 points above, a tenth is 9"
    );
    assert!(!near_tipping(20, 0, 95, Some(10), None));
    assert!(near_tipping(85, 0, 95, None, Some(94)));
    assert!(!near_tipping(84, 0, 95, None, Some(94)));
    assert!(near_tipping(5, 0, 100, Some(10), None), "past it counts");
}

/// Every screen colours a meter's move by the fact the view carries (`DecisionView::worse`),
/// never by its sign: the page reads `worse`, and no renderer of the window picks good or bad
/// news by `> 0`.
#[test]
fn every_screen_colours_a_move_by_what_it_means() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let js = std::fs::read_to_string(root.join("assets/web/app.js")).unwrap();
    assert!(
        js.contains("last.worse && last.worse[i]"),
        "the meters' moves"
    );
    assert!(js.contains("d.worse && d.worse[i]"), "the outcome's moves");
    assert!(!js.contains("function worse("), "no rule of the page's own");
    let mut files = vec![root.join("src/report.rs")];
    let mut dirs = vec![root.join("src/ui")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let by_sign = line.contains("> 0") || line.contains("< 0");
            let colours = line.contains("GOOD") || line.contains("BAD");
            assert!(
                !(by_sign && colours),
                "{}:{}: a move coloured by its sign: {line}",
                f.display(),
                n + 1
            );
        }
    }
}

/// A page that says it can inflate gets the longer screens and differences deflated, and ends
/// up with the same screen as a page that reads text; one that does not say so gets text only.
#[test]
fn a_page_that_can_inflate_gets_deflated_frames_and_the_same_screens() {
    let host = host(false);
    let card = card_for("raadslid");
    rt().block_on(async {
        let mut zip = ws(host.web).await;
        let z =
            json!({"t": "hello", "code": "TEST42", "name": "Zip", "role": "raadslid", "zip": true});
        zip.send(Message::text(z.to_string())).await.unwrap();
        until(&mut zip, Duration::from_secs(5), |v| v["t"] == "welcome")
            .await
            .expect("welcome");
        let (mut plain, _) = join(host.web, "Plain", "raadslid").await;
        add_bots(&host, &["wethouder", "ambtenaar", "wijkteamprofessional"]);
        host.with(move |link: &mut HostLink| {
            link.core_mut()
                .facilitate(&Intent::ChooseNext { card })
                .unwrap();
            link.core_mut().facilitate(&Intent::Start).unwrap();
        });
        let vote = json!({"t":"vote","round":1,"step":0,"option":1}).to_string();
        for ws in [&mut zip, &mut plain] {
            until(ws, Duration::from_secs(5), |v| {
                v["view"]["phase"] == "Briefing"
            })
            .await
            .expect("the round opens");
            ws.send(Message::text(vote.clone())).await.unwrap();
        }
        let resolved = |v: &Value| v["view"]["phase"] == "Resolved";
        let a = until(&mut zip, Duration::from_secs(10), resolved)
            .await
            .expect("zip sees the resolution");
        let b = until(&mut plain, Duration::from_secs(10), resolved)
            .await
            .expect("plain sees it");
        assert_eq!(a["view"], b["view"], "the same screen");
        let d = &a["view"]["decisions"][0];
        assert_eq!(
            d["card_title"], a["view"]["card"]["title"],
            "words from the card"
        );
        assert_eq!(d["option"], 1);
        assert!(zip.zipped > 0, "deflated frames came");
        assert_eq!(plain.zipped, 0, "a page that did not ask gets text");
        assert!(
            zip.zipped_bytes * 10 < zip.inflated_bytes * 8,
            "deflating saves at least a fifth: {} bytes for {}",
            zip.zipped_bytes,
            zip.inflated_bytes
        );
    });
    drop(host);
}

/// A link to the door from one of loopback's many addresses (127.0.0.N), as another device.
async fn ws_from(web: SocketAddr, from: std::net::Ipv4Addr) -> Ws {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    let stream = socket
        .connect(web)
        .await
        .expect("the door takes the connection");
    let (raw, _) = tokio_tungstenite::client_async(
        format!("ws://{web}/ws"),
        tokio_tungstenite::MaybeTlsStream::Plain(stream),
    )
    .await
    .expect("the door opens");
    Ws::new(raw)
}

/// A burst of wrong codes from many devices (45 addresses, 5 tries each: more than 200 in a
/// minute) makes those devices wait, and nobody else: a newcomer with the right code, a
/// projector page and a player coming back with her seat token all get in meanwhile.
#[test]
fn a_burst_of_wrong_codes_from_many_devices_locks_out_only_the_guessers() {
    let host = host(false);
    rt().block_on(async {
        let (first, welcome) = join(host.web, "Fenna", "raadslid").await;
        let token = welcome["token"].as_str().unwrap().to_string();
        drop(first);
        let mut refused = 0;
        for n in 0..45u8 {
            let from = std::net::Ipv4Addr::new(127, 0, 0, 10 + n);
            for i in 0..CODE_TRIES_PER_MINUTE {
                let mut ws = ws_from(host.web, from).await;
                let wrong = json!({"t":"hello","code":format!("WRONG{i}"),"name":"x"});
                ws.send(Message::text(wrong.to_string())).await.unwrap();
                let r = next(&mut ws, Duration::from_secs(2))
                    .await
                    .expect("an answer");
                assert_eq!(r["t"], "refused");
                refused += 1;
            }
        }
        assert_eq!(refused, 45 * CODE_TRIES_PER_MINUTE);
        // A guesser's next try waits, even with the right code.
        let mut guesser = ws_from(host.web, std::net::Ipv4Addr::new(127, 0, 0, 10)).await;
        guesser
            .send(Message::text(hello("y", None, None)))
            .await
            .unwrap();
        let r = next(&mut guesser, Duration::from_secs(2)).await.unwrap();
        assert_eq!(r["t"], "refused", "the guesser waits");
        // The people who belong are let in.
        let (_, newcomer) = join(host.web, "Gijs", "wethouder").await;
        assert_eq!(newcomer["t"], "welcome", "a newcomer with the right code");
        let mut back = ws(host.web).await;
        back.send(Message::text(hello("Fenna", None, Some(&token))))
            .await
            .unwrap();
        let w = until(&mut back, Duration::from_secs(5), |v| v["t"] == "welcome")
            .await
            .expect("back in her seat with the token");
        assert_eq!(w["seat"], welcome["seat"]);
        let mut projector = ws(host.web).await;
        let watch = json!({"t":"watch","code":"TEST42"});
        projector
            .send(Message::text(watch.to_string()))
            .await
            .unwrap();
        until(&mut projector, Duration::from_secs(5), |v| {
            v["t"] == "state"
        })
        .await
        .expect("the projector page sees the table");
    });
    let session = host.stop();
    assert_eq!(session.seats.len(), 2, "Fenna and Gijs, no guesser");
}

/// The page's files go gzipped to a browser that asks for it, with a tag of their contents. The
/// page asks for its script and style sheet by their tags, and those a browser may keep for good:
/// a reload asks only for the page ("still this one?") and costs a few hundred bytes.
#[test]
fn the_page_is_served_compressed_and_a_reload_costs_a_few_hundred_bytes() {
    let host = host(false);
    rt().block_on(async {
        let get = async |path: &str, extra: &str| -> (String, Vec<u8>) {
            let mut s = tokio::net::TcpStream::connect(host.web).await.unwrap();
            let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n");
            s.write_all(req.as_bytes()).await.unwrap();
            let mut out = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
            let end = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            let head = String::from_utf8_lossy(&out[..end]).to_lowercase();
            (head, out[end..].to_vec())
        };
        let mut total_first = 0;
        let mut total_again = 0;
        let (_, html) = get("/", "").await;
        let html = String::from_utf8(html).unwrap();
        let asked = |file: &str| -> String {
            let at = html.find(&format!("\"/{file}?v=")).expect(file) + 1;
            html[at..at + html[at..].find('"').unwrap()].to_string()
        };
        let (script, style) = (asked("app.js"), asked("style.css"));
        for path in ["/", script.as_str(), style.as_str()] {
            let (head, plain) = get(path, "").await;
            assert!(head.starts_with("http/1.1 200"), "{head}");
            assert!(!head.contains("content-encoding"), "no gzip unasked");
            let (head, zipped) = get(path, "Accept-Encoding: gzip, deflate, br\r\n").await;
            assert!(head.contains("content-encoding: gzip"), "{head}");
            assert!(
                zipped.len() * 2 < plain.len(),
                "{path}: {} of {}",
                zipped.len(),
                plain.len()
            );
            let mut unzipped = Vec::new();
            use std::io::Read;
            flate2::read::GzDecoder::new(&zipped[..])
                .read_to_end(&mut unzipped)
                .unwrap();
            assert_eq!(unzipped, plain, "{path}: the same file");
            let etag = head
                .lines()
                .find_map(|l| l.strip_prefix("etag: "))
                .expect("a tag")
                .trim()
                .to_string();
            total_first += head.len() + zipped.len();
            let (again, body) = get(
                path,
                &format!("Accept-Encoding: gzip\r\nIf-None-Match: {etag}\r\n"),
            )
            .await;
            assert!(again.starts_with("http/1.1 304"), "{again}");
            assert!(body.is_empty());
            assert!(again.contains(&format!("etag: {etag}")), "{again}");
            if path == "/" {
                // The page itself is asked again on every visit; its files by their tags are not.
                assert!(again.contains("cache-control: no-cache"), "{again}");
                total_again += again.len();
            } else {
                for h in [&head, &again] {
                    assert!(
                        h.contains("cache-control: max-age=31536000, immutable"),
                        "{path}: {h}"
                    );
                }
                let tag = etag.trim_matches('"');
                assert!(
                    path.ends_with(&format!("?v={tag}")),
                    "{path} is asked by its tag"
                );
                // Asked without the tag, with another, or with more, the file is asked for again
                // each time.
                let bare = &path[..path.find('?').unwrap()];
                for other in [
                    bare.to_string(),
                    format!("{bare}?"),
                    format!("{}x", &path[..path.len() - 1]),
                    format!("{path}&x=1"),
                ] {
                    let other = other.as_str();
                    let (head, _) = get(other, "").await;
                    assert!(head.contains("cache-control: no-cache"), "{other}: {head}");
                }
            }
        }
        assert!(total_again < 500, "a reload: {total_again} bytes");
        assert!(total_first < 20_000, "the first load: {total_first} bytes");
        eprintln!("page: first load {total_first} bytes gzipped, reload {total_again} bytes");
    });
}

/// A connection that asks for the page again and again and never reads the answers holds its
/// slot for seconds, not for good: the door gives up on a write that waits too long, and serves
/// everyone else meanwhile.
#[test]
fn a_request_that_never_reads_its_answer_is_let_go() {
    let host = host(false);
    rt().block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut s = socket.connect(host.web).await.unwrap();
        // Enough answers to fill every buffer between the door and this socket many times over.
        let ask = "GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n".repeat(400);
        s.write_all(ask.as_bytes()).await.unwrap();
        // Meanwhile the page loads for someone else.
        let (_, welcome) = join(host.web, "Iris", "raadslid").await;
        assert_eq!(welcome["t"], "welcome");
        tokio::time::sleep(kantelspel::net::web::WRITE_WAIT + Duration::from_secs(3)).await;
        // Now read: the door stopped writing long ago, so far less than 400 answers come.
        let mut got = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut got)).await;
        let answers = got.windows(15).filter(|w| w == b"HTTP/1.1 200 OK").count();
        assert!(answers < 400, "the door kept writing: {answers} answers");
        eprintln!("a reader that stalled got {answers} of 400 answers before the door let go");
    });
}

// ---------------------------------------------------------------------------------------------
// Churn: a compressed workshop of 40 browser players
// ---------------------------------------------------------------------------------------------

type Acks = Arc<std::sync::Mutex<Vec<(u64, u32, usize)>>>;

/// One browser player through a workshop with drops and a host that dies: it votes when its
/// role decides, notes a vote as acknowledged once its screen shows it, drops its link when
/// told and comes back with its seat token, and follows the host to wherever it comes back.
/// Returns the seats it was welcomed into, in order.
async fn churner(
    name: String,
    role: &'static str,
    door: Arc<std::sync::Mutex<SocketAddr>>,
    mut drops: tokio::sync::mpsc::UnboundedReceiver<()>,
    acks: Acks,
) -> Vec<u64> {
    let mut token: Option<String> = None;
    let mut seats = Vec::new();
    let mut voted_on: Option<(u32, usize)> = None;
    let deadline = Instant::now() + Duration::from_secs(240);
    'links: while Instant::now() < deadline {
        let at = *door.lock().unwrap();
        let Ok(Ok((raw, _))) = tokio::time::timeout(
            Duration::from_secs(2),
            tokio_tungstenite::connect_async(format!("ws://{at}/ws")),
        )
        .await
        else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let mut ws = Ws::new(raw);
        let z = json!({"t": "hello", "code": "TEST42", "name": name, "role": role, "token": token, "zip": true});
        if ws.send(Message::text(z.to_string())).await.is_err() {
            continue;
        }
        let mut seat = None;
        loop {
            let frame = tokio::select! {
                f = next(&mut ws, Duration::from_secs(600)) => f,
                _ = drops.recv() => {
                    // The phone drops off the Wi-Fi for a moment.
                    drop(ws);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    continue 'links;
                }
            };
            let Some(v) = frame else {
                // The host went away: find it again.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue 'links;
            };
            if v["t"] == "welcome" {
                token = v["token"].as_str().map(str::to_string);
                seat = v["seat"].as_u64();
                seats.push(seat.unwrap());
                continue;
            }
            if v["t"] != "state" {
                continue;
            }
            let view = &v["view"];
            if view["phase"] == "Ended" {
                return seats;
            }
            let Some(me) = view["seats"]
                .as_array()
                .and_then(|s| s.iter().find(|s| s["seat"].as_u64() == seat))
            else {
                continue;
            };
            let (round, step) = (
                view["round"].as_u64().unwrap_or(0) as u32,
                view["card"]["step"].as_u64().unwrap_or(0) as usize,
            );
            if me["voted"] == true && voted_on == Some((round, step)) {
                let mut a = acks.lock().unwrap();
                if !a.contains(&(seat.unwrap(), round, step)) {
                    a.push((seat.unwrap(), round, step));
                }
            }
            let open = view["phase"] == "Briefing" || view["phase"] == "Deciding";
            if open && me["role"] == view["card"]["deciding_role"] && me["voted"] == false {
                voted_on = Some((round, step));
                let vote = json!({"t": "vote", "round": round, "step": step, "option": 0});
                let _ = ws.send(Message::text(vote.to_string())).await;
            }
        }
    }
    seats
}

/// 40 browser players, a tenth of whom drop and come back every (compressed) minute, and a host
/// killed once mid-session and resumed from its journal: the session ends with every vote a
/// player saw acknowledged in the journal, and every player back in the seat they started in.
#[test]
fn a_workshop_with_drops_and_a_host_that_dies_loses_no_acknowledged_vote_and_no_seat() {
    use kantelspel::net::journal_file::{self, JournalFile};
    use kantelspel::rules::journal::{self, Record, Who};
    use rand::{RngExt, SeedableRng};
    let dir = common::temp_dir("web-churn");
    let header = journal_header(9, 6, 0xc4u64);
    let file = JournalFile::create(&dir, &header).unwrap();
    let path = file.path().to_path_buf();
    let session = Session::new(Arc::new(Deck::default_deck().unwrap()), 9, 6);
    let pace = kantelspel::net::director::Pace {
        briefing: Duration::from_millis(200),
        decide: Duration::from_secs(4),
        outcome: Duration::from_millis(300),
        bot_delay: Duration::ZERO,
    };
    let director = || Director::new(true, pace, Strategy::First);
    // As `serve --auto` does: the room stays open after the start.
    let open = |host: &HostThread| host.with(|l: &mut HostLink| l.core_mut().set_room_open(true));
    let mut host = HostThread::start(
        HostCore::new(session, Some(file), "churn".into()),
        director(),
    );
    open(&host);
    let door = Arc::new(std::sync::Mutex::new(host.web));
    let acks: Acks = Arc::default();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(40);
    let (seats, dropped, lost_host) = rt().block_on(async {
        let mut drops = Vec::new();
        let mut players = Vec::new();
        for i in 0..40 {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            drops.push(tx);
            // The deck takes three aldermen; the rest of the room spreads over the other roles.
            let role = if i < 3 {
                "wethouder"
            } else {
                ["raadslid", "ambtenaar", "wijkteamprofessional"][i % 3]
            };
            players.push(tokio::spawn(churner(
                format!("Speler {i}"),
                role,
                door.clone(),
                rx,
                acks.clone(),
            )));
        }
        let (mut dropped, mut killed) = (0, false);
        let start = Instant::now();
        while host.with(|l: &mut HostLink| l.core().session().seats.len()) < 40 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the room did not sit down"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        loop {
            // A compressed minute: a tenth of the room drops and comes back.
            tokio::time::sleep(Duration::from_millis(250)).await;
            for _ in 0..4 {
                let _ = drops[rng.random_range(0..drops.len())].send(());
                dropped += 1;
            }
            let (phase, round) =
                host.with(|l: &mut HostLink| (l.core().session().phase, l.core().session().round));
            if phase == Phase::Ended {
                break;
            }
            if !killed && round >= 3 {
                // The laptop's program dies: nothing more is written; it is started again
                // from its journal, on a new port.
                killed = true;
                drop(std::mem::replace(
                    &mut host,
                    HostThread::start(
                        kantelspel::net::host::resume(&path, Some("TEST42"), None)
                            .expect("the journal resumes")
                            .core,
                        director(),
                    ),
                ));
                open(&host);
                *door.lock().unwrap() = host.web;
            }
            assert!(
                start.elapsed() < Duration::from_secs(200),
                "the workshop did not end"
            );
        }
        let mut seats = Vec::new();
        for p in players {
            seats.push(
                tokio::time::timeout(Duration::from_secs(60), p)
                    .await
                    .expect("every player sees the end")
                    .unwrap(),
            );
        }
        (seats, dropped, killed)
    });
    assert!(lost_host, "the host died once");
    let session = host.stop();
    // Every player back in the seat they started in, and no seat more.
    for (i, s) in seats.iter().enumerate() {
        assert!(s.len() >= 2, "player {i} came back at least once: {s:?}");
        assert!(
            s.iter().all(|x| *x == s[0]),
            "player {i} changed seats: {s:?}"
        );
    }
    assert_eq!(session.seats.len(), 40, "no seat was added or lost");
    // Every acknowledged vote is in the journal.
    let text = journal_file::read_text(&path).unwrap();
    let parsed = journal::parse(&text).unwrap();
    let journaled: std::collections::HashSet<(u64, u32, usize)> = parsed
        .entries
        .iter()
        .filter_map(|e| match (e.sender, &e.intent) {
            (Who::Seat(s), Record::Vote { round, step, .. }) => Some((s as u64, *round, *step)),
            _ => None,
        })
        .collect();
    let acks = acks.lock().unwrap().clone();
    assert!(acks.len() >= 10, "votes were acknowledged: {}", acks.len());
    for a in &acks {
        assert!(
            journaled.contains(a),
            "an acknowledged vote is missing: {a:?}"
        );
    }
    // And the journal replays to the session the host ended with.
    let replayed = journal::replay(
        journal::deck_of(&parsed.header).unwrap(),
        &parsed.header,
        &parsed.entries,
    )
    .unwrap();
    assert_eq!(replayed.decisions, session.decisions);
    eprintln!(
        "churn: 40 players, {dropped} drops, the host killed and resumed once; {} votes acknowledged, all in the journal; every player back in their seat",
        acks.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// With the room open after the start (as `serve --auto` keeps it), links that say hello and
/// vanish leave no seats behind once they have been gone a while; a newcomer who comes back with
/// the seat token meanwhile, or who voted, keeps theirs.
#[test]
fn hellos_that_vanish_leave_no_ghosts_at_the_table() {
    use kantelspel::net::host::GHOST_WINDOW;
    let mut h = seated();
    h.set_room_open(true);
    let before = h.session().seats.len();
    for c in 100..120u64 {
        assert!(h.connect_link(c, LinkKind::Web, T));
        h.receive_web(c, &hello(&format!("spook {c}"), Some("raadslid"), None), T);
        h.take_outgoing(T);
        h.disconnect(c);
    }
    assert_eq!(
        h.session().seats.len(),
        before + 20,
        "they wait a while for a return"
    );
    // One whose Wi-Fi drops comes back with the seat token within the while, and keeps it.
    h.connect_link(200, LinkKind::Web, T);
    h.receive_web(200, &hello("Blijver", Some("raadslid"), None), T);
    let token = frames(&h.take_outgoing(T), 200)
        .into_iter()
        .find(|f| f["t"] == "welcome")
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    h.disconnect(200);
    let later = GHOST_WINDOW - Duration::from_secs(1);
    h.connect_link(202, LinkKind::Web, later);
    h.receive_web(202, &hello("Blijver", None, Some(&token)), later);
    h.take_outgoing(GHOST_WINDOW * 3);
    assert_eq!(
        h.session().seats.len(),
        before + 1,
        "the 20 that vanished are gone"
    );
    assert!(
        h.session().seat_named("Blijver").is_some(),
        "one who came back stays"
    );
    // One who read the screen a while and then lost the Wi-Fi for good keeps the seat too.
    use kantelspel::net::host::HELLO_AND_GONE;
    let at = GHOST_WINDOW * 3;
    h.connect_link(203, LinkKind::Web, at);
    h.receive_web(203, &hello("Lezer", Some("raadslid"), None), at);
    h.take_outgoing(at + HELLO_AND_GONE + Duration::from_secs(1));
    h.disconnect(203);
    h.take_outgoing(at + GHOST_WINDOW * 2);
    assert!(
        h.session().seat_named("Lezer").is_some(),
        "one who stayed is no ghost"
    );
    // One who voted at once keeps it too, gone or not.
    let s = h.session();
    let cur = s.current.as_ref().unwrap();
    let (round, step) = (s.round, cur.step);
    let decides = s.deck().roles[s.deck().cards[cur.card].steps[step].role]
        .id
        .clone();
    let now = GHOST_WINDOW * 3;
    h.connect_link(201, LinkKind::Web, now);
    h.receive_web(201, &hello("Snelle", Some(&decides), None), now);
    let vote = json!({"t": "vote", "round": round, "step": step, "option": 0}).to_string();
    h.receive_web(201, &vote, now);
    h.disconnect(201);
    h.take_outgoing(GHOST_WINDOW * 5);
    assert!(
        h.session().seat_named("Snelle").is_some(),
        "a voter is no ghost"
    );
}

/// Pings count in a link's budget like any frame: a flood of them closes the link.
#[test]
fn a_flood_of_pings_closes_the_link() {
    let host = host(false);
    rt().block_on(async {
        let (mut ws, _) = join(host.web, "Pim", "raadslid").await;
        for _ in 0..500 {
            if ws.send(Message::Ping(Default::default())).await.is_err() {
                break;
            }
        }
        assert!(
            closed(&mut ws, Duration::from_secs(5)).await,
            "the flood was let go on"
        );
        // The door still serves the others.
        let (_, welcome) = join(host.web, "Anna", "wethouder").await;
        assert_eq!(welcome["t"], "welcome");
    });
}
