//! Players in a real browser: headless Chromium driven over WebDriver joins a real host with the
//! code, picks a role, reads its briefing, votes, sees the outcome, reloads and keeps its seat;
//! two browsers with two native bots play a whole session to the same end; axe-core checks
//! every state against WCAG 2.1 AA and the game is played by keyboard alone; a page that is
//! left goes offline and comes back from the back/forward cache; a phone slowed four times,
//! and one slowed to DevTools' mid-tier phone, time their updates.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! tests say so loudly and pass, unless `KANTELSPEL_REQUIRE_BROWSER` is set, as CI sets it.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kantelspel::net::director::{Director, Pace};
use kantelspel::net::host::HostCore;
use kantelspel::net::journal_file::JournalFile;
use kantelspel::net::plugin::{ClientLink, HostLink};
use kantelspel::rules::bot::Strategy;
use kantelspel::rules::journal::{self, JOURNAL_VERSION, JournalHeader};
use kantelspel::rules::session::{Intent, Phase};
use serde_json::{Value, json};

use common::{HostThread, add_bots, card_for, code, session, temp_dir};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser tests can run here; panics on CI when they cannot.
fn browser_available() -> bool {
    let have =
        std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !have {
        if std::env::var_os("KANTELSPEL_REQUIRE_BROWSER").is_some() {
            panic!("{CHROMIUM} or {CHROMEDRIVER} is missing: install chromium and chromium-driver");
        }
        eprintln!(
            "\n*** browser tests NOT RUN: {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver) ***\n"
        );
    }
    have
}

// ---------------------------------------------------------------------------------------------
// A WebDriver client in a few lines: JSON over HTTP/1.1 to chromedriver on loopback.
// ---------------------------------------------------------------------------------------------

struct Driver {
    port: u16,
    child: Child,
}

impl Driver {
    /// Starts chromedriver; tries again on another port if the one picked was taken meanwhile.
    fn start() -> Driver {
        for _ in 0..3 {
            if let Some(d) = Driver::try_start() {
                return d;
            }
        }
        panic!("chromedriver did not come up");
    }

    fn try_start() -> Option<Driver> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut d = Driver { port, child };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if let Ok(v) = http(port, "GET", "/status", None)
                && v["ready"] == true
            {
                return Some(d);
            }
            if d.child.try_wait().ok().flatten().is_some() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    fn browser(&self, width: u32, height: u32) -> Browser {
        let profile = temp_dir(&format!("chromium-{}", rand_suffix()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--disable-extensions",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let v = http(self.port, "POST", "/session", Some(caps)).expect("a browser session");
        let id = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            port: self.port,
            id,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rand_suffix() -> u64 {
    kantelspel::net::code::random_client_id() % 1_000_000
}

/// One WebDriver call; the `value` of its answer, or the error it reported.
fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then as much body as it says.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let complete = |raw: &[u8]| -> bool {
        let text = String::from_utf8_lossy(raw);
        let Some((head, rest)) = text.split_once("\r\n\r\n") else {
            return false;
        };
        let head = head.to_ascii_lowercase();
        if let Some(len) = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
        {
            return rest.len() >= len;
        }
        rest.ends_with("0\r\n\r\n")
    };
    while !complete(&raw) {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text.split_once("\r\n\r\n").ok_or("no answer")?;
    let payload = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    let v: Value = serde_json::from_str(&payload).map_err(|e| format!("{e}: {payload:.200}"))?;
    let value = v["value"].clone();
    if value.get("error").is_some() {
        return Err(value.to_string());
    }
    Ok(value)
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

struct Browser {
    port: u16,
    id: String,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        http(
            self.port,
            method,
            &format!("/session/{}{path}", self.id),
            body,
        )
    }

    fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })))
            .expect("the page opens");
    }

    fn find(&self, css: &str) -> Option<String> {
        let v = self
            .call(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .ok()?;
        v[ELEMENT].as_str().map(str::to_string)
    }

    /// Waits for an element to appear.
    fn wait(&self, css: &str, secs: u64) -> String {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) {
            if let Some(e) = self.find(css) {
                return e;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "`{css}` did not appear; the page shows: {}",
            self.js("return document.body.innerText")
                .as_str()
                .unwrap_or("")
        );
    }

    fn type_into(&self, el: &str, text: &str) {
        let _ = self.call("POST", &format!("/element/{el}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({ "text": text })),
        )
        .expect("typing");
    }

    fn click(&self, el: &str) -> Result<Value, String> {
        self.call("POST", &format!("/element/{el}/click"), Some(json!({})))
    }

    fn text(&self, css: &str) -> String {
        let el = self.wait(css, 10);
        self.call("GET", &format!("/element/{el}/text"), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .unwrap_or(Value::Null)
    }

    fn refresh(&self) {
        self.call("POST", "/refresh", Some(json!({})))
            .expect("reload");
    }

    fn join(&self, url: &str, name: &str, role: &str) {
        self.goto(url);
        let n = self.wait("#name", 20);
        self.type_into(&n, name);
        let c = self.wait("#code", 5);
        self.type_into(&c, "test-42");
        let go = self.wait("#join", 5);
        self.click(&go).unwrap();
        let pick = self.wait(&format!(".role-choice[data-role='{role}']"), 20);
        self.click(&pick).unwrap();
        self.wait("#my-role", 10);
    }
}

/// Lighthouse's BenchmarkIndex as a function `run(ms)`, each of its two halves run for `ms`.
const BENCHMARK: &str = r#"
          const run = (ms) => {
            let start = Date.now(), n = 0;
            while (Date.now() - start < ms) {
              let s = '';
              for (let j = 0; j < 10000; j++) s += 'a';
              if (s.length === 1) throw new Error('kept so the loop is not optimised away');
              n++;
            }
            const strings = n / 10 / ((Date.now() - start) / 1000);
            const a = [], b = [];
            for (let i = 0; i < 100000; i++) a[i] = b[i] = i;
            start = Date.now(); n = 0;
            // The clock read every tenth copy only: reading it costs as much as a copy.
            while (n % 10 !== 0 || Date.now() - start < ms) {
              const from = n % 2 ? b : a, to = n % 2 ? a : b;
              for (let j = 0; j < from.length; j++) to[j] = from[j];
              n++;
            }
            const copies = n / 10 / ((Date.now() - start) / 1000);
            return (strings + copies) / 2;
          };"#;

/// The script that says whether it is this page's turn to vote: the number of options, or null.
const MY_TURN: &str = "const S = window.kantelspel; const v = S.view; if (!v || !v.card) return null; \
    const me = v.seats.find(s => s.seat === S.seat); \
    if (!me || me.voted || me.role !== v.card.deciding_role) return null; \
    if (v.phase !== 'Briefing' && v.phase !== 'Deciding') return null; \
    return v.card.options.length;";

/// Waits up to `secs` for `done`, or fails saying `what`.
fn until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(secs), "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A host with one table whose phases the test (as facilitator) moves on.
fn paced_host(seed: u64, rounds: u32, name: &str) -> HostThread {
    HostThread::start(
        HostCore::new(session(seed, rounds), None, name.into()),
        Director::new(false, common::fast_pace(), Strategy::First),
    )
}

/// axe-core, the accessibility checker (the npm package `.ci/run` installs into `target/axe`).
fn axe_source() -> Option<String> {
    let path = std::env::var_os("KANTELSPEL_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => {
            if std::env::var_os("KANTELSPEL_REQUIRE_BROWSER").is_some() {
                panic!(
                    "axe-core is missing at {}: {e} (npm install axe-core)",
                    path.display()
                );
            }
            eprintln!(
                "\n*** accessibility checks NOT RUN: no axe-core at {} ***\n",
                path.display()
            );
            None
        }
    }
}

impl Browser {
    /// What axe-core finds against WCAG 2.1 A and AA (and its best practices) on the page as it
    /// is now: each violation with up to three of the elements it found it on.
    fn axe(&self, axe: &str) -> Vec<String> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": format!("{axe}\n;return typeof axe;"), "args": []})),
        )
        .expect("axe loads");
        let found = self
            .call(
                "POST",
                "/execute/async",
                Some(json!({"script": "const done = arguments[arguments.length - 1]; \
                    axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}) \
                    .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | ')))) \
                    .catch(e => done(['axe failed: ' + e]));", "args": []})),
            )
            .expect("axe runs");
        found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Presses keys as a keyboard does (`\u{E004}` Tab, `\u{E007}` Enter, `\u{E008}` Shift).
    fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )
        .expect("keys");
    }

    /// Tabs until the focused element matches `css` (at most `most` presses).
    fn tab_to(&self, css: &str, most: usize) {
        for _ in 0..most {
            let here = self.js(&format!(
                "return document.activeElement && document.activeElement.matches({css:?})"
            ));
            if here == json!(true) {
                return;
            }
            self.keys("\u{E004}");
        }
        panic!(
            "Tab never reached `{css}`; focus is on {}",
            self.js(
                "const a = document.activeElement; return a ? a.outerHTML.slice(0, 120) : null"
            )
        );
    }

    /// Whether the page scrolls sideways (WCAG 1.4.10, reflow).
    fn sideways(&self) -> i64 {
        self.js(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
        )
        .as_i64()
        .unwrap_or(0)
    }

    /// Waits until the page's status region (what a screen reader hears) says `words`.
    fn told(&self, words: &str, what: &str) {
        let start = Instant::now();
        while !self
            .js("return document.getElementById('say').textContent")
            .as_str()
            .is_some_and(|t| t.contains(words))
        {
            assert!(start.elapsed() < Duration::from_secs(10), "{what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How fast this browser runs script just now, as Lighthouse's BenchmarkIndex counts it (the
    /// mean of how many 10,000-character strings it builds and how many 100,000-number arrays it
    /// copies per second, each divided by ten), after a run to warm up. DevTools calibrates its
    /// phone presets with it: 1,000 is its mid-tier phone (a Pixel 5), 264 its low-tier one (a
    /// Moto G4 Power), a desktop well over 1,000. It says what "4x" was on this machine today.
    fn benchmark_index(&self) -> f64 {
        self.benchmark("run(250); return (run(250) + run(250)) / 2;")
    }

    /// One run of the same (half a second), no warm-up: a step of the calibration.
    fn benchmark_once(&self) -> f64 {
        self.benchmark("return run(250);")
    }

    fn benchmark(&self, then: &str) -> f64 {
        let script = format!("{BENCHMARK}\n{then}");
        let score = self.js(&script);
        // A script that failed is not a slow machine.
        match score.as_f64() {
            Some(x) if x.is_finite() && x > 0.0 => x,
            _ => panic!("the benchmark ran in the page: {score}"),
        }
    }

    /// The CPU slowdown at which this page runs script as fast as a phone whose BenchmarkIndex
    /// is `index`, found as DevTools finds its calibrated presets (its "Mid-tier mobile" is
    /// 1,000): halving the range of rates until the index is within 10 points, at most eight
    /// tries of half a second each. None when this machine (`unthrottled`) is no faster.
    fn calibrate(&self, index: f64, unthrottled: f64) -> Option<f64> {
        if unthrottled <= index {
            return None;
        }
        let (mut lower, mut upper) = (1.0_f64, unthrottled / index * 1.5);
        let mut rate = upper;
        for _ in 0..8 {
            // DevTools keeps a rate to the hundredth.
            rate = ((lower + upper) / 2.0 * 100.0).round() / 100.0;
            self.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": rate }));
            let score = self.benchmark_once();
            if (score - index).abs() < 10.0 {
                break;
            }
            if score < index {
                upper = rate;
            } else {
                lower = rate;
            }
        }
        Some(rate)
    }

    fn cdp(&self, cmd: &str, params: Value) {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
        .expect("a DevTools command");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.id), None);
    }
}

#[test]
fn a_player_joins_in_a_real_browser_votes_sees_the_outcome_and_keeps_the_seat_after_a_reload() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let host = paced_host(21, 5, "browser");
    let phone = driver.browser(390, 844);

    // A wrong code first: refused in words.
    phone.goto(&host.url());
    let n = phone.wait("#name", 20);
    phone.type_into(&n, "Fatima");
    let c = phone.wait("#code", 5);
    phone.type_into(&c, "NOPE99");
    phone.click(&phone.wait("#join", 5)).unwrap();
    let start = Instant::now();
    while !phone.text("#error").contains("code klopt niet") {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no refusal shown"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    phone.join(&host.url(), "Fatima", "raadslid");
    add_bots(&host, &["wethouder", "ambtenaar", "wijkteamprofessional"]);
    let card = card_for("raadslid");
    let c = card.clone();
    host.with(move |link: &mut HostLink| {
        link.core_mut()
            .facilitate(&Intent::ChooseNext { card: c })
            .unwrap();
        link.core_mut().facilitate(&Intent::Start).unwrap();
    });
    let deck = kantelspel::rules::Deck::default_deck().unwrap();
    let the_card = deck.cards.iter().find(|x| x.id == card).unwrap();
    let mine = the_card.briefing_for(0).nl.clone();
    phone.wait("#briefing", 10);
    let shown = phone.text("#briefing");
    let first_line = mine.lines().next().unwrap().trim();
    assert!(
        shown.contains(&first_line[..first_line.len().min(40)]),
        "the raadslid's briefing is shown: {shown:.200}"
    );
    // Another role's briefing is not on the page.
    for (r, b) in the_card.briefings.iter().enumerate() {
        if let Some(b) = b
            && r != 0
            && b.nl != mine
        {
            let page = phone.js("return document.body.innerText").to_string();
            assert!(!page.contains(b.nl.lines().next().unwrap().trim()));
        }
    }
    // Vote with a real click; the only raadslid's vote decides.
    let option = phone.wait(".option[data-option='1']", 10);
    phone.click(&option).unwrap();
    phone.wait("#outcome", 10);
    let outcome = phone.text("#outcome");
    let expected = &the_card.steps[0].options[1].outcome.nl;
    assert!(
        outcome.contains(expected.lines().next().unwrap().trim()),
        "{outcome:.200}"
    );
    let seat = phone.js("return window.kantelspel.seat");
    assert!(seat.is_u64());

    // English on the page, then a reload: still seated, same seat, same outcome.
    phone
        .click(&phone.wait(".lang[data-lang='en']", 5))
        .unwrap();
    // The host sends the screen again in English only, and the page draws it anew: poll, the
    // element may be replaced between finding it and reading it.
    let start = Instant::now();
    while !(phone.text("#phase").contains("Outcome")
        && phone.js("return window.kantelspel.view.deck_title.nl") == json!(""))
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no English-only screen with the outcome"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    phone.refresh();
    phone.wait("#outcome", 20);
    // The reload asked only for the page, and heard "still this one": the script and the style
    // sheet, asked for by their tags, came from the browser's own cache without a word.
    let (files, page) = {
        let r = phone.js(
            "const files = performance.getEntriesByType('resource') \
               .filter((e) => /\\/(app\\.js|style\\.css)(\\?|$)/.test(e.name)).map((e) => e.transferSize); \
             const page = performance.getEntriesByType('navigation')[0]; \
             return [files, page.transferSize, page.encodedBodySize];",
        );
        let size = |v: &Value| v.as_f64().unwrap_or_else(|| panic!("resource timing: {r}"));
        (r[0].clone(), (size(&r[1]), size(&r[2])))
    };
    assert_eq!(files, json!([0, 0]), "the page's files came from the cache");
    // Chromium reports 300 bytes for any answer "still this one", and the page's gzipped body is
    // larger than that: a page sent again would show its body's size or more.
    assert!(
        page.0 > 0.0 && page.0 < 1000.0 && page.0 < page.1,
        "the page was asked again and not sent: {page:?} (transferred, body)"
    );
    eprintln!(
        "a reload in Chromium: the page asked again and not sent, its script and style sheet from the cache without asking"
    );
    assert_eq!(phone.js("return window.kantelspel.seat"), seat);
    assert!(phone.text("#me").contains("Fatima"));
    assert!(
        phone.text("#phase").contains("Outcome"),
        "the language is kept"
    );
    // Back in the middle of a round, the page still rehearses a step and its outcome once, out
    // of sight (`rehearse` in app.js), and leaves nothing of it behind: one outcome, no sample.
    until(10, "the reloaded page rehearsed a round", || {
        phone.js("return window.kantelspel.rehearsal").is_number()
    });
    assert_eq!(
        phone.js("return [document.querySelectorAll('.rehearsal').length, document.querySelectorAll('#outcome, #card-title').length]"),
        json!([0, 2])
    );
    let (seats, online) = host.with(|link: &mut HostLink| {
        (
            link.core().session().seats.len(),
            link.core().connected_seats().len(),
        )
    });
    assert_eq!(seats, 4, "the reload made no new seat");
    assert_eq!(online, 1, "the reloaded page is online in its seat");
    let session = host.stop();
    assert_eq!(session.decisions.len(), 1);
    assert_eq!(session.decisions[0].option, 1);
}

#[test]
fn two_browsers_and_two_native_bots_play_a_session_to_the_same_end() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let dir = temp_dir("browser-journal");
    let header = JournalHeader {
        version: JOURNAL_VERSION,
        deck_name: kantelspel::rules::deck::DEFAULT_DECK_NAME.into(),
        deck_source: kantelspel::rules::deck::DEFAULT_DECK.into(),
        seed: 5,
        rounds: 3,
        created_unix: 1,
        join_code: code().to_string(),
        seat_secret: 7,
        edition: kantelspel::rules::session::RULES_EDITION,
    };
    let file = JournalFile::create(&dir, &header).unwrap();
    let journal_path: PathBuf = file.path().to_path_buf();
    let core = HostCore::new(session(5, 3), Some(file), "mixed".into());
    let pace = Pace {
        briefing: Duration::from_millis(300),
        decide: Duration::from_secs(30),
        outcome: Duration::from_millis(400),
        bot_delay: Duration::ZERO,
    };
    let host = HostThread::start(core, Director::new(true, pace, Strategy::First));
    let a = driver.browser(390, 844);
    let b = driver.browser(1366, 768);
    a.join(&host.url(), "Anouk", "raadslid");
    b.join(&host.url(), "Bas", "wethouder");
    // The laptop reads English: the host sends its texts in English only.
    b.click(&b.wait(".lang[data-lang='en']", 5)).unwrap();
    let mut bots = [
        common::player_app(host.udp, code(), "Cem", "ambtenaar"),
        common::player_app(host.udp, code(), "Dewi", "wijkteamprofessional"),
    ];
    // The browsers vote when their role decides, as a player would: a click on an option.
    let start = Instant::now();
    let mut clicks = 0;
    loop {
        for app in bots.iter_mut() {
            app.update();
        }
        for (i, browser) in [&a, &b].into_iter().enumerate() {
            if let Some(n) = browser.js(MY_TURN).as_u64()
                && let Some(el) =
                    browser.find(&format!(".option[data-option='{}']", (i + 1) % n as usize))
                && browser.click(&el).is_ok()
            {
                clicks += 1;
            }
        }
        let phase = host.with(|link: &mut HostLink| link.core().session().phase);
        if phase == Phase::Ended {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "the session did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let session = host.stop();
    // Let the last views arrive everywhere (the host has sent them; the clients read them).
    let ended_everywhere = |bots: &mut [bevy::prelude::App]| {
        bots.iter().all(|app| {
            app.world()
                .resource::<ClientLink>()
                .core
                .view
                .as_ref()
                .is_some_and(|v| v.phase == Phase::Ended)
        }) && [&a, &b]
            .iter()
            .all(|br| br.js("return window.kantelspel.view.phase") == json!("Ended"))
    };
    let settle = Instant::now();
    while !ended_everywhere(&mut bots) && settle.elapsed() < Duration::from_secs(30) {
        for app in bots.iter_mut() {
            app.update();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(clicks >= 1, "the browsers decided something");
    let meters: Vec<i64> = session.meters.iter().map(|m| *m as i64).collect();
    let mut languages = Vec::new();
    for browser in [&a, &b] {
        let shown = browser.js("return window.kantelspel.view.meters.map(m => m.value)");
        let shown: Vec<i64> = shown
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        assert_eq!(shown, meters, "a browser ends where the host ends");
        assert_eq!(
            browser.js("return window.kantelspel.view.decisions.length"),
            json!(session.decisions.len())
        );
        assert_eq!(
            browser.js("return window.kantelspel.view.phase"),
            json!("Ended")
        );
        browser.wait("#ending", 5);
        browser.wait("#questions li", 5);
        // The page built its screen from differences: it is the whole view, field for field.
        let seat = browser
            .js("return window.kantelspel.seat")
            .as_u64()
            .unwrap() as u32;
        let mut whole = kantelspel::rules::view::view(
            &session,
            kantelspel::rules::view::Viewer::Role(session.seats[&seat].role),
        );
        let lang = browser.js("return window.kantelspel.lang");
        let lang = kantelspel::net::protocol::page_lang(lang.as_str());
        kantelspel::rules::view::localize(&mut whole, lang);
        // One language on the page: the other is not sent.
        let title = &whole.deck_title;
        let (kept, dropped) = match lang {
            kantelspel::rules::Lang::Nl => (&title.nl, &title.en),
            kantelspel::rules::Lang::En => (&title.en, &title.nl),
        };
        assert!(!kept.is_empty() && dropped.is_empty());
        languages.push(lang);
        assert_eq!(
            browser.js("return window.kantelspel.view"),
            serde_json::to_value(&whole).unwrap(),
            "the page's screen is the whole view"
        );
        assert!(browser.js("return window.kantelspel.seq").as_u64().unwrap() > 1);
    }
    assert_eq!(
        languages,
        [kantelspel::rules::Lang::Nl, kantelspel::rules::Lang::En],
        "one page in Dutch, one in English"
    );
    for app in &bots {
        let view = app
            .world()
            .resource::<ClientLink>()
            .core
            .view
            .clone()
            .unwrap();
        let shown: Vec<i64> = view.meters.iter().map(|m| m.value as i64).collect();
        assert_eq!(shown, meters, "a native bot ends where the host ends");
        assert_eq!(view.decisions.len(), session.decisions.len());
    }
    // The journal replays to the very same session.
    let text = std::fs::read_to_string(&journal_path).unwrap();
    let parsed = journal::parse(&text).unwrap();
    let replayed = journal::replay(
        journal::deck_of(&parsed.header).unwrap(),
        &parsed.header,
        &parsed.entries,
    )
    .unwrap();
    assert_eq!(replayed.meters, session.meters);
    assert_eq!(replayed.decisions, session.decisions);
    assert!(
        session
            .decisions
            .iter()
            .any(|d| d.role <= 1 && d.split.iter().sum::<u32>() > 0),
        "a browser role decided by vote"
    );
}

#[test]
fn a_phone_chooses_its_table_and_an_observer_notes_what_they_see_there() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let host = HostThread::start_workshop(|| {
        let table = |seed| kantelspel::net::workshop::Table {
            core: HostCore::new(session(seed, 5), None, "workshop".into()),
            director: Director::new(false, common::fast_pace(), Strategy::First),
        };
        kantelspel::net::workshop::Workshop::new("workshop".into(), vec![table(3), table(4)])
    });
    let phone = driver.browser(390, 844);
    phone.goto(&host.url());
    // The page learns there are two tables and offers them.
    let select = phone.wait("#table", 20);
    phone.js("const s = document.getElementById('table'); s.value = '2'; return s.value;");
    let _ = select;
    phone.type_into(&phone.wait("#name", 5), "Fatima");
    phone.type_into(&phone.wait("#code", 5), "test-42");
    phone.click(&phone.wait("#join", 5)).unwrap();
    phone
        .click(&phone.wait(".role-choice[data-role='raadslid']", 20))
        .unwrap();
    phone.wait("#my-role", 10);
    let seats = host.with(|link: &mut HostLink| {
        link.workshop
            .tables()
            .iter()
            .map(|t| t.core.session().seats.len())
            .collect::<Vec<_>>()
    });
    assert_eq!(seats, vec![0, 1], "Fatima sits at table 2");
    assert_eq!(phone.text("#my-table"), "Tafel 2", "and her phone says so");

    // An observer opens the projector page for table 2 with a name, and notes something.
    let laptop = driver.browser(1366, 768);
    laptop.goto(&format!("{}/projector?table=2", host.url()));
    laptop.type_into(&laptop.wait("#observer", 20), "Noor");
    laptop.type_into(&laptop.wait("#code", 5), "test-42");
    laptop.click(&laptop.wait("#join", 5)).unwrap();
    let start = Instant::now();
    while laptop.js("return document.getElementById('notes').hidden") != json!(false) {
        assert!(start.elapsed() < Duration::from_secs(20), "no note box");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        laptop.text("#app").contains("Fatima"),
        "the observer sees table 2's room"
    );
    laptop.type_into(&laptop.wait("#note", 5), "Fatima twijfelt hardop");
    laptop.click(&laptop.wait("#note-save", 5)).unwrap();
    let start = Instant::now();
    loop {
        let notes = host.with(|link: &mut HostLink| {
            link.workshop.tables()[1]
                .core
                .session()
                .notes
                .iter()
                .map(|n| n.text.clone())
                .collect::<Vec<_>>()
        });
        if notes == vec!["Noor (observator): Fatima twijfelt hardop".to_string()] {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the note did not reach table 2: {notes:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let said = laptop.js("return document.getElementById('note-said').textContent");
    assert!(
        said.as_str().is_some_and(|s| s.contains("ronde")),
        "{said:?}"
    );
}

/// The players' page and the projector page for everyone (WCAG 2.1 AA): axe-core finds nothing
/// in any state; the whole game is played with the keyboard alone; a new card takes the focus
/// and a screen reader is told the turn and the outcome; nothing scrolls sideways at 320 or
/// 640 CSS pixels (a phone; a laptop at 200 % zoom).
#[test]
fn the_page_is_usable_by_everyone_in_every_state_and_by_keyboard_alone() {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let driver = Driver::start();
    let host = paced_host(21, 5, "a11y");
    let mut found: Vec<String> = Vec::new();
    let check = |b: &Browser, state: &str, found: &mut Vec<String>| {
        for v in b.axe(&axe) {
            found.push(format!("{state}: {v}"));
        }
        let w = b.sideways();
        if w > 0 {
            found.push(format!("{state}: scrolls sideways by {w} px"));
        }
    };
    let phone = driver.browser(390, 844);
    let narrow = driver.browser(320, 700);

    // The join form, and a wrong code refused in words.
    phone.goto(&host.url());
    phone.wait("#name", 20);
    check(&phone, "join", &mut found);
    narrow.goto(&host.url());
    narrow.wait("#name", 20);
    check(&narrow, "join at 320 px", &mut found);
    // An empty form says what is missing, on the field that misses it, and says it again when
    // it is sent again: a new alert each time, or a screen reader hears it once.
    narrow.click(&narrow.wait("#join", 5)).unwrap();
    narrow.wait("#name[aria-invalid='true']", 5);
    assert!(
        narrow.text("#error").contains("Vul je naam in"),
        "{}",
        narrow.text("#error")
    );
    assert_eq!(narrow.js("return document.activeElement.id"), json!("name"));
    narrow.js("document.getElementById('error').dataset.said = 'once'; return true;");
    narrow.click(&narrow.wait("#join", 5)).unwrap();
    until(10, "the same refusal again was not a new alert", || {
        narrow.js("return document.getElementById('error').dataset.said || null") == json!(null)
    });
    check(&narrow, "join with an empty name", &mut found);
    narrow.type_into(&narrow.wait("#name", 5), "Wim");
    narrow.type_into(&narrow.wait("#code", 5), "NOPE99");
    narrow.click(&narrow.wait("#join", 5)).unwrap();
    until(15, "no refusal", || {
        narrow.text("#error").contains("code klopt niet")
    });
    check(&narrow, "wrong code", &mut found);

    // Joined by keyboard alone: Tab to the name, type, Tab to the code, type, Enter; a role by
    // Tab and Enter.
    phone.tab_to("#name", 10);
    phone.keys("Karin");
    phone.tab_to("#code", 5);
    phone.keys("test-42\u{E007}");
    phone.wait(".role-choice", 20);
    phone.tab_to(".role-choice[data-role='raadslid']", 20);
    phone.keys("\u{E007}");
    phone.wait("#my-role", 10);
    check(&phone, "lobby", &mut found);
    narrow.join(&host.url(), "Wim", "raadslid");
    check(&narrow, "lobby at 320 px", &mut found);

    // The projector page, with an observer's note box.
    let laptop = driver.browser(1366, 768);
    laptop.goto(&format!("{}/projector", host.url()));
    laptop.type_into(&laptop.wait("#observer", 20), "Noor");
    laptop.type_into(&laptop.wait("#code", 5), "test-42");
    laptop.click(&laptop.wait("#join", 5)).unwrap();
    laptop.wait(".joinhere", 20);
    check(&laptop, "projector lobby", &mut found);
    let zoomed = driver.browser(640, 720);
    zoomed.goto(&format!("{}/projector", host.url()));
    zoomed.type_into(&zoomed.wait("#code", 20), "test-42");
    zoomed.click(&zoomed.wait("#join", 5)).unwrap();
    zoomed.wait(".joinhere", 20);
    check(&zoomed, "projector lobby at 640 px", &mut found);

    // The round.
    add_bots(&host, &["wethouder", "ambtenaar", "wijkteamprofessional"]);
    let card = card_for("raadslid");
    host.with(move |link: &mut HostLink| {
        link.core_mut()
            .facilitate(&Intent::ChooseNext { card })
            .unwrap();
        link.core_mut().facilitate(&Intent::Start).unwrap();
    });
    phone.wait("#card-title", 10);
    until(10, "the new card did not take the focus", || {
        phone.js("return document.activeElement && document.activeElement.id")
            == json!("card-title")
    });
    phone.told("aan zet", "the turn was not told");
    check(&phone, "own turn", &mut found);
    check(&laptop, "projector round with notes", &mut found);
    check(&zoomed, "projector round at 640 px", &mut found);

    // Paused while deciding: the pill says so, and the clock stays a clock beside it.
    host.with(|link: &mut HostLink| {
        if link.core().session().phase == Phase::Briefing {
            link.core_mut().facilitate(&Intent::Advance).unwrap();
        }
    });
    until(10, "no clock", || !phone.text("#timer").is_empty());
    host.with(|link: &mut HostLink| link.core_mut().facilitate(&Intent::Pause).unwrap());
    phone.wait(".pill.paused", 10);
    assert_eq!(
        phone.js("return document.querySelector('.pill.paused').textContent"),
        json!("Gepauzeerd")
    );
    assert!(!phone.text("#timer").contains("Gepauzeerd"));
    check(&phone, "paused", &mut found);
    host.with(|link: &mut HostLink| link.core_mut().facilitate(&Intent::Resume).unwrap());
    until(10, "still paused", || phone.find(".pill.paused").is_none());

    // A vote by keyboard: Tab from the card's title to the second option, Enter.
    phone.tab_to(".option[data-option='1']", 12);
    phone.keys("\u{E007}");
    until(10, "the keyboard vote did not land", || {
        phone.js("return document.querySelector('.option.chosen') !== null") == json!(true)
    });
    check(&phone, "voted, waiting for the others", &mut found);
    check(&narrow, "someone else's vote is in, at 320 px", &mut found);

    // A newcomer after the start waits at the door, and the page says so truthfully.
    let late = driver.browser(390, 844);
    late.goto(&host.url());
    late.type_into(&late.wait("#name", 20), "Laat");
    late.type_into(&late.wait("#code", 5), "test-42");
    late.click(&late.wait("#join", 5)).unwrap();
    late.wait("#waiting", 20);
    assert!(
        late.text("#status").contains("wacht op toelating"),
        "{}",
        late.text("#status")
    );
    check(&late, "waiting at the door", &mut found);

    // A browser's translation puts its own elements in the page (Chrome wraps texts in `font`):
    // the next update still shows what is true.
    phone.js(
        "const p = document.getElementById('phase'); const f = document.createElement('font'); \
         f.textContent = p.textContent; p.replaceChildren(f); return true;",
    );

    // The other raadslid votes: the outcome, told to the phone's screen reader.
    narrow
        .click(&narrow.wait(".option[data-option='1']", 10))
        .unwrap();
    phone.wait("#outcome", 10);
    assert_eq!(
        phone.text("#phase"),
        "Uitkomst",
        "a translated page went stale"
    );
    phone.told("gesloten", "the outcome was not told");
    check(&phone, "outcome", &mut found);
    check(&narrow, "outcome at 320 px", &mut found);
    check(&laptop, "projector outcome", &mut found);

    // The debrief.
    host.with(|link: &mut HostLink| link.core_mut().facilitate(&Intent::End).unwrap());
    phone.wait("#debrief-title", 10);
    narrow.wait("#debrief-title", 10);
    laptop.wait("#questions", 10);
    check(&phone, "debrief", &mut found);
    check(&narrow, "debrief at 320 px", &mut found);
    check(&laptop, "projector debrief", &mut found);
    check(&zoomed, "projector debrief at 640 px", &mut found);

    assert!(found.is_empty(), "accessibility:\n{}", found.join("\n"));
}

/// How much a phone's page is slowed: DevTools' fixed rate, or the rate at which this machine
/// runs script as fast as a phone of that BenchmarkIndex (DevTools' calibrated presets).
#[derive(Clone, Copy)]
enum Slowdown {
    Times(f64),
    LikeAPhone(f64),
}

/// DevTools' mid-tier phone (a Pixel 5), as Lighthouse's BenchmarkIndex counts it.
const MID_TIER: f64 = 1000.0;

/// What one slowed phone timed over a session: the page's row for every update (`render` in
/// app.js), its rehearsal, and the machine's script speed before and after the slowdown.
struct Timed {
    rows: Vec<Value>,
    rehearsal: Option<f64>,
    rate: f64,
    unthrottled: f64,
    throttled: f64,
}

/// What the page costs a slow phone: one browser, slowed by DevTools' CPU throttling, plays a
/// session against native bots and times every update from its arrival to the screen laid out
/// (applying the difference, drawing, layout), and the part after the frame was read (the rest
/// is inflating), also by kind (a new card, deciding opens, a vote closed, the debrief).
/// Reported, not asserted: these machines are shared.
///
/// Two sessions: slowed four times, as the issue asks, and slowed to DevTools' mid-tier phone
/// (a Pixel 5, BenchmarkIndex 1,000), calibrated here as DevTools calibrates its presets. Four
/// times this machine is a slower phone than four times a fast desktop (the test prints both
/// indices), so the second figure says what a named phone pays, whatever machine runs the test.
///
/// Played at a room's rhythm, shortened: every update comes at least `THINK` after the one before
/// (the card is read, the step opens, the players think and vote, the outcome is read). An update
/// that follows another within a few frames finds the page's code and data still in the
/// processor's caches and costs less than one after a pause (docs/performance.md, "What a pause
/// costs"); a test that played faster than a room would report less than a phone pays.
#[test]
fn a_slow_phone_times_applying_and_drawing_each_update() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let four = play_slowed(&driver, Slowdown::Times(4.0)).expect("4x can always be played");
    report("a phone at 4x CPU slowdown", &four);
    assert!(
        four.throttled > 0.0 && four.throttled < four.unthrottled,
        "4x slowdown slows the game's page: {:.0} then {:.0}",
        four.unthrottled,
        four.throttled
    );
    match play_slowed(&driver, Slowdown::LikeAPhone(MID_TIER)) {
        Some(like) => {
            let label = format!(
                "a phone slowed {:.2}x to DevTools' mid-tier phone (BenchmarkIndex {MID_TIER:.0})",
                like.rate
            );
            report(&label, &like);
            // Calibrated in half-second runs on a blank page and measured again after the
            // join (954–1,127 seen): wide enough for a shared machine's moments, narrow enough
            // to catch a calibration that came to nothing (unslowed, this machine is 2,300+).
            assert!(
                (MID_TIER * 0.5..MID_TIER * 1.5).contains(&like.throttled),
                "calibrated to the mid-tier phone: {:.0} at {:.2}x ({:.0} unslowed)",
                like.throttled,
                like.rate,
                like.unthrottled
            );
        }
        None => {
            eprintln!("this machine is no faster than DevTools' mid-tier phone: not slowed to it")
        }
    }
}

/// One session on a phone slowed by `slowdown`, with three native bots, at a room's rhythm; None
/// when this machine is no faster than the phone it is to be slowed to.
fn play_slowed(driver: &Driver, slowdown: Slowdown) -> Option<Timed> {
    const THINK: Duration = Duration::from_millis(900);
    let core = HostCore::new(session(8, 4), None, "slow".into());
    let pace = Pace {
        briefing: THINK,
        decide: Duration::from_secs(30),
        // Longer than the meters' slide (0.6 s), whose frames would keep the page warm.
        outcome: Duration::from_millis(1500),
        bot_delay: Duration::from_millis(150),
    };
    let host = HostThread::start(core, Director::new(true, pace, Strategy::First));
    let phone = driver.browser(390, 844);
    // Slowed from the start, so that the lobby (where the page rehearses a round) is a slow
    // phone's too; the slowdown is measured on the game's page, after the join.
    let unthrottled = phone.benchmark_index();
    let rate = match slowdown {
        Slowdown::Times(rate) => rate,
        Slowdown::LikeAPhone(index) => phone.calibrate(index, unthrottled)?,
    };
    phone.cdp("Emulation.setCPUThrottlingRate", json!({"rate": rate}));
    phone.join(&host.url(), "Sanne", "raadslid");
    until(10, "the page did not rehearse a round in the lobby", || {
        phone.js("return window.kantelspel.rehearsal").is_number()
    });
    let throttled = phone.benchmark_index();
    phone.js("window.kantelspelMeasure = []; return true;");
    let mut bots = [
        common::idle_app(host.udp, code(), "Bo", "wethouder"),
        common::idle_app(host.udp, code(), "Cem", "ambtenaar"),
        common::idle_app(host.udp, code(), "Dewi", "wijkteamprofessional"),
    ];
    // The step open for deciding, and since when; the steps each bot voted on.
    let mut deciding: Option<((u32, usize), Instant)> = None;
    let mut voted = std::collections::HashSet::new();
    let start = Instant::now();
    loop {
        for app in bots.iter_mut() {
            app.update();
        }
        // Whose turn it is is asked of the host, not of the page: a driver's script run in the
        // page thirty times a second would take the slowed phone's time from what is measured.
        let (phase, sannes_turn, open) = host.with(|link: &mut HostLink| {
            let s = link.core().session();
            let open = s.current.as_ref().map(|c| (s.round, c.step));
            let turn = s.seat_named("Sanne").is_some_and(|seat| {
                matches!(s.phase, Phase::Briefing | Phase::Deciding)
                    && s.deciding_role().is_some()
                    && s.seats.get(&seat).and_then(|x| x.role) == s.deciding_role()
                    && s.current
                        .as_ref()
                        .is_some_and(|c| c.votes.iter().all(|(v, _)| *v != seat))
            });
            (s.phase, turn, open)
        });
        if phase == Phase::Ended {
            break;
        }
        if phase == Phase::Deciding && deciding.map(|(step, _)| step) != open {
            deciding = open.map(|step| (step, Instant::now()));
        }
        let thought =
            phase == Phase::Deciding && deciding.is_some_and(|(_, t)| t.elapsed() >= THINK);
        if thought
            && sannes_turn
            && let Some(el) = phone.find(".option[data-option='0']:not([disabled])")
        {
            let _ = phone.click(&el);
        }
        for (i, app) in bots.iter_mut().enumerate() {
            let mut link = app.world_mut().resource_mut::<ClientLink>();
            if thought
                && let Some((round, step, _)) = link.core.my_turn()
                && voted.insert((i, round, step))
            {
                link.core.vote(0);
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "the session did not end"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    phone.wait("#debrief-title", 20);
    let m = phone.js("return window.kantelspelMeasure");
    Some(Timed {
        rows: m.as_array().cloned().unwrap_or_default(),
        rehearsal: phone.js("return window.kantelspel.rehearsal").as_f64(),
        rate,
        unthrottled,
        throttled,
    })
}

/// Prints what a slowed phone timed, as `label`, and checks that it timed every kind of update.
fn report(label: &str, timed: &Timed) {
    let rows = &timed.rows;
    let sorted = |times: &mut dyn Iterator<Item = f64>| {
        let mut v: Vec<f64> = times.collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let total = sorted(&mut rows.iter().filter_map(|r| r[0].as_f64()));
    let apply = sorted(&mut rows.iter().filter_map(|r| r[1].as_f64()));
    // With the frame that shows it: what the page did at once, and what the browser left for
    // the next frame (`render` in app.js).
    let framed = sorted(
        &mut rows
            .iter()
            .filter_map(|r| Some(r[1].as_f64()? + r[2].as_f64()?)),
    );
    assert!(
        apply.len() >= 10,
        "{label}: the phone timed its updates: {rows:?}"
    );
    assert!(
        framed.len() + 2 >= apply.len(),
        "{label}: the phone timed the frames of its updates: {rows:?}"
    );
    let at = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    eprintln!(
        "{label}, {} updates: applying and drawing median {:.1} ms, p90 {:.1} ms, slowest {:.1} ms; with the frame that shows it median {:.1} ms, p90 {:.1} ms; from arrival (inflating included) median {:.1} ms, p90 {:.1} ms",
        apply.len(),
        at(&apply, 0.5),
        at(&apply, 0.9),
        at(&apply, 1.0),
        at(&framed, 0.5),
        at(&framed, 0.9),
        at(&total, 0.5),
        at(&total, 0.9),
    );
    // By kind, from the phase each update brought: where a next gain would have to come from.
    let mut kinds = Vec::new();
    for (phase, name) in [
        ("Briefing", "a new card"),
        ("Deciding", "deciding opens"),
        ("Resolved", "a vote closed"),
        ("Ended", "the debrief"),
    ] {
        let v = sorted(
            &mut rows
                .iter()
                .filter(|r| r[3] == phase)
                .filter_map(|r| r[1].as_f64()),
        );
        if !v.is_empty() {
            kinds.push(format!("{name} {:.1} ms ({})", at(&v, 0.5), v.len()));
        }
    }
    assert!(
        rows.iter().all(|r| r[3].is_string()),
        "{label}: each update says its phase: {rows:?}"
    );
    assert!(
        kinds.len() == 4,
        "{label}: cards, steps, outcomes and the debrief were all timed: {kinds:?}"
    );
    eprintln!("  by kind (median, count): {}", kinds.join(", "));
    // The first of a kind is the dearest (code, fonts and styles met for the first time): the
    // page rehearses a step and its outcome in the lobby so that the room does not wait on it.
    let first = |phase: &str| {
        rows.iter()
            .find(|r| r[3] == phase)
            .and_then(|r| r[1].as_f64())
            .unwrap_or(f64::NAN)
    };
    eprintln!(
        "  the first card {:.1} ms, the first outcome {:.1} ms; rehearsing a round in the lobby took {:.1} ms",
        first("Briefing"),
        first("Resolved"),
        timed.rehearsal.unwrap_or_default()
    );
    eprintln!(
        "  this machine's script speed (Lighthouse's BenchmarkIndex; DevTools' mid-tier phone 1000, low-tier 264): {:.0} unthrottled, {:.0} at {:.2}x",
        timed.unthrottled, timed.throttled, timed.rate
    );
}

/// A case of several steps: when the next step opens, the outcome just read stays where it was
/// (the same element, patched, not one made and laid out anew) as the newest earlier decision,
/// and the next question comes below it.
#[test]
fn the_outcome_just_read_stays_in_place_when_the_next_step_opens() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let host = paced_host(6, 4, "steps");
    let phone = driver.browser(390, 844);
    phone.join(&host.url(), "Lot", "raadslid");
    add_bots(&host, &["wethouder", "ambtenaar", "wijkteamprofessional"]);
    let deck = kantelspel::rules::Deck::default_deck().unwrap();
    let raadslid = deck.roles.iter().position(|r| r.id == "raadslid").unwrap();
    let card = deck
        .cards
        .iter()
        .find(|c| {
            c.steps.len() > 1
                && c.steps[0].role == raadslid
                && (c.steps[1].only_if.is_empty() || c.steps[1].only_if.contains(&(0, 0)))
        })
        .expect("a case that the raadslid opens and whose second step follows option 1")
        .id
        .clone();
    host.with(move |link: &mut HostLink| {
        link.core_mut()
            .facilitate(&Intent::ChooseNext { card })
            .unwrap();
        link.core_mut().facilitate(&Intent::Start).unwrap();
        if link.core().session().phase == Phase::Briefing {
            link.core_mut().facilitate(&Intent::Advance).unwrap();
        }
    });
    phone
        .click(&phone.wait(".option[data-option='0']:not([disabled])", 10))
        .unwrap();
    phone.wait("#outcome", 10);
    phone.js("document.getElementById('outcome').dataset.read = 'yes'; return true;");
    host.with(|link: &mut HostLink| link.core_mut().facilitate(&Intent::Advance).unwrap());
    // The next step's question, or (a bot decides it at once) that step's outcome already.
    until(10, "the next step did not open", || {
        phone.js("return document.querySelectorAll('#prompt, #outcome:not([data-read])').length")
            == json!(1)
    });
    assert_eq!(
        phone.js(
            "const read = document.querySelector('[data-read]'); \
             const next = document.querySelector('#prompt, #outcome'); \
             return [!!read, read && read.id, read && read.classList.contains('outcome'), \
                     !!read && !!(read.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING)];"
        ),
        json!([true, "", false, true]),
        "the outcome became the newest earlier decision in place, above what came next"
    );
}

/// A page that is left (another site, the back button) lets go of its link at once, so the
/// host shows its seat offline within seconds and nobody else is told the name is in use; back
/// on the page (from Chromium's back/forward cache, or loaded again) it takes its seat again.
#[test]
fn a_page_that_is_left_goes_offline_and_comes_back_to_its_seat() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let host = paced_host(4, 4, "left");
    let phone = driver.browser(390, 844);
    phone.join(&host.url(), "Lotte", "raadslid");
    let seat = phone.js("return window.kantelspel.seat");
    let online =
        |host: &HostThread| host.with(|link: &mut HostLink| link.core().connected_seats().len());
    assert_eq!(online(&host), 1);
    // Away to another page of another site (nothing is fetched: it is a data URL).
    phone.goto("data:text/html,<h1>elders</h1>");
    let start = Instant::now();
    while online(&host) != 0 {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the page that was left still holds its link"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let offline_after = start.elapsed();
    // And back.
    phone.call("POST", "/back", Some(json!({}))).expect("back");
    let start = Instant::now();
    while online(&host) != 1 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the page did not come back"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    phone.wait("#my-role", 10);
    assert_eq!(
        phone.js("return window.kantelspel.seat"),
        seat,
        "the same seat"
    );
    let restored = phone.js("return window.kantelspel.restored || 0");
    eprintln!(
        "a page that was left showed offline after {} ms; back from the back/forward cache: {}",
        offline_after.as_millis(),
        restored != json!(0)
    );
    let session = host.stop();
    assert_eq!(session.seats.len(), 1, "no second seat");
}
