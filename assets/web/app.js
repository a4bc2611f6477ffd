// Kantelspel in the browser: joins the host's session over a WebSocket and shows this player's
// own view. The host decides everything; this page only shows what it is sent and says what the
// player chose. No build step, no libraries: the host embeds this file as it is.
'use strict';

// WORDS (the page's texts in Dutch and English) is put in front of this file by the host, from
// the same translation files as the window's: `page` in assets/i18n/*.ftl (crates/host/src/net/page.rs).
const SERIES = ['#1f5f8b', '#c2571a', '#2e7d32', '#7b3fa0', '#b71c1c', '#00838f'];
const STORE = 'kantelspel.seat';

const S = {
  lang: localStorage.getItem('kantelspel.lang') || 'nl',
  projector: location.pathname === '/projector',
  screen: 'join',
  ws: null, open: false, fatal: false, retries: 0, retryTimer: null,
  view: null, seat: null, session: null, connected: [], inbox: Promise.resolve(),
  timerLeft: null, timerAt: 0,
  error: null, notice: null,
  saved: load(),
  votes: {},
  // Tables in the workshop (from the host); a choice on the join form when more than one.
  tables: 1,
};
// A link or QR code for one table: /?table=2.
const asked = Number(new URLSearchParams(location.search).get('table'));
if (asked >= 1) S.saved.table = asked;
window.kantelspel = S;

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
}
function save() {
  localStorage.setItem(STORE, JSON.stringify(S.saved));
}
function w(key, args) {
  let s = (WORDS[S.lang] || WORDS.nl)[key] || WORDS.nl[key] || key;
  for (const k in args || {}) s = s.split('{' + k + '}').join(String(args[k]));
  return s;
}
function tx(t) {
  if (!t) return '';
  return S.lang === 'en' && t.en && t.en.trim() ? t.en : t.nl;
}
// A piece of the screen as plain data: what `el` and `sv` return. The page's elements are made
// from it only where it differs from what the screen shows (`patch`), so an update builds little
// more than objects, and the browser lays out only what changed.
class V {
  constructor(tag, ns, attrs, kids) {
    this.tag = tag;
    this.ns = ns;
    this.attrs = attrs || {};
    this.kids = [];
    this.dom = null;
    addKids(this.kids, kids);
  }
  append(...kids) { addKids(this.kids, kids); }
}
function addKids(into, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) addKids(into, k);
    else into.push(k instanceof V || k instanceof T ? k : new T(String(k)));
  }
}
class T {
  constructor(data) { this.tag = null; this.data = data; this.dom = null; }
}
function el(tag, attrs, ...kids) { return new V(tag, null, attrs, kids); }
const svgNS = 'http://www.w3.org/2000/svg';
function sv(tag, attrs, ...kids) { return new V(tag, svgNS, attrs, kids); }

// The element a piece stands for, made the first time it is shown.
function make(v) {
  if (v.tag === null) return (v.dom = document.createTextNode(v.data));
  const e = (v.dom = v.ns ? document.createElementNS(v.ns, v.tag) : document.createElement(v.tag));
  for (const k in v.attrs) setAttr(e, k, v.attrs[k], undefined);
  for (const kid of v.kids) e.appendChild(make(kid));
  return e;
}
function setAttr(e, k, v, was) {
  if (k === 'key') return;
  // As a property, so a redraw that keeps this element can hand it the new handler.
  if (k.startsWith('on')) { e[k] = v || null; return; }
  if (v === was) return;
  if (v === null || v === undefined || v === false) {
    if (was === null || was === undefined || was === false) return;
    if (k === 'style') e.style.cssText = '';
    else e.removeAttribute(k);
  } else if (k === 'style') e.style.cssText = v; // through the CSSOM: the page's policy forbids style attributes in markup
  else e.setAttribute(k, v === true ? '' : v);
}
// Brings what `shown` made to look like `now`, touching only what differs; `now` takes over its
// elements. An unchanged part of the screen keeps its elements (and the browser its layout of
// them), so a tick of who has voted rewrites the list of voters and nothing else.
function patch(parent, shown, now) {
  // Something else changed the page (a browser's translation, an extension): start afresh.
  if (shown.dom.parentNode !== parent) throw new Error('the page was changed from outside');
  if (now.tag === null) {
    if (shown.tag !== null) { parent.replaceChild(make(now), shown.dom); return; }
    now.dom = shown.dom;
    if (shown.data !== now.data) now.dom.data = now.data;
    return;
  }
  // A part with a `key` is only ever patched from a part with the same key.
  if (shown.tag !== now.tag || shown.ns !== now.ns || shown.attrs.key !== now.attrs.key) { parent.replaceChild(make(now), shown.dom); return; }
  const e = (now.dom = shown.dom);
  for (const k in now.attrs) setAttr(e, k, now.attrs[k], shown.attrs[k]);
  for (const k in shown.attrs) if (!(k in now.attrs)) setAttr(e, k, null, shown.attrs[k]);
  patchKids(e, shown.kids, now.kids);
}
// Parts are matched in order, but a part with a key only with the part of that key: what comes
// new before it is put in before it, and it stays where it is (moved, the browser would lay it
// out and shape its text afresh).
function patchKids(parent, shown, now) {
  const keyOf = (x) => (x.tag === null ? undefined : x.attrs.key);
  let wanted = null;
  for (const s of shown) if (keyOf(s) !== undefined) { wanted = new Set(now.map(keyOf).filter((k) => k !== undefined)); break; }
  let j = 0;
  for (const n of now) {
    const k = keyOf(n);
    const at = k !== undefined && wanted ? shown.findIndex((s, i) => i >= j && keyOf(s) === k) : -1;
    if (at >= 0) {
      for (; j < at; j++) shown[j].dom.remove();
      patch(parent, shown[j++], n);
    } else if (j < shown.length && !(wanted && wanted.has(keyOf(shown[j])))) {
      patch(parent, shown[j++], n);
    } else if (j < shown.length) {
      parent.insertBefore(make(n), shown[j].dom);
    } else {
      parent.appendChild(make(n));
    }
  }
  for (; j < shown.length; j++) shown[j].dom.remove();
}

// ------------------------------------------------------------------ connection

// The host deflates frames for a page that can inflate them (crates/host/src/net/zip.rs): a screen alone
// (kind 0), or a role's differences as one stream (kind 2 starts one, kind 1 continues it, with
// an index to notice a missed frame), a fraction of the bytes over the room's Wi-Fi. An older
// browser gets them as text.
// (Chrome 80–102 have the class but not the raw format: they read text.)
const ZIP = (() => { try { new DecompressionStream('deflate-raw'); return true; } catch (e) { return false; } })();
function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}
function unzipFrame(buffer) {
  const b = new Uint8Array(buffer);
  if (b[0] === 0) return inflate(b.subarray(1));
  if (b[0] === 2) S.z = inflater(b[1]);
  if (b[0] > 2 || !S.z || S.z.next !== b[1]) { S.z = null; return Promise.reject(new Error('a missed frame')); }
  S.z.next = (S.z.next + 1) & 255;
  return S.z.push(b.subarray(2));
}
// One stream's inflater: frames end with a newline, and each comes out whole as it arrives.
function inflater(first) {
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.pipeThrough(new TextDecoderStream()).getReader();
  const z = { next: first, text: '' };
  const line = async () => {
    for (;;) {
      const i = z.text.indexOf('\n');
      if (i >= 0) { const l = z.text.slice(0, i); z.text = z.text.slice(i + 1); return l; }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      z.text += value;
    }
  };
  // A frame that never comes out whole must not hold up the frames behind it.
  z.push = (bytes) => {
    writer.write(bytes).catch(() => {});
    return Promise.race([line(), new Promise((_, no) => setTimeout(() => no(new Error('stuck')), 5000))]);
  };
  return z;
}

function connect() {
  clearTimeout(S.retryTimer);
  if (S.ws) { S.ws.onclose = null; S.ws.close(); }
  S.fatal = false;
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
  ws.binaryType = 'arraybuffer';
  S.ws = ws;
  S.z = null;
  S.inbox = Promise.resolve();
  S.askedWhole = false;
  ws.onopen = () => {
    S.open = true;
    const table = S.saved.table || null;
    const hello = S.projector
      ? { t: 'watch', code: S.saved.code, lang: S.lang, table, name: S.saved.observer || null, zip: ZIP }
      : { t: 'hello', code: S.saved.code, name: S.saved.name, token: S.saved.token || null, lang: S.lang, table, zip: ZIP };
    ws.send(JSON.stringify(hello));
    status();
  };
  // Frames are handled in the order they came, though a deflated one takes a moment to inflate.
  ws.onmessage = (m) => {
    if (window.kantelspelMeasure && !S.arrived) S.arrived = performance.now();
    S.inbox = S.inbox.then(() => (typeof m.data === 'string' ? m.data : unzipFrame(m.data))).then((text) => {
      if (S.ws !== ws) return;
      let msg;
      try { msg = JSON.parse(text); } catch (e) { return; }
      receive(msg);
    }, () => {
      // A frame that would not inflate: start over from the whole screen, asked for once.
      S.z = null;
      if (S.ws === ws) askWhole();
    }).catch(() => {});
  };
  ws.onclose = () => {
    S.open = false;
    S.ws = null;
    if (S.fatal || S.screen === 'join') { S.screen = 'join'; render(); status(); return; }
    // A reload, a sleeping phone, a Wi-Fi drop: come back with the seat token.
    const wait = Math.min(5000, 500 * Math.pow(2, S.retries++));
    S.retryTimer = setTimeout(connect, wait);
    status();
    render();
  };
}

function receive(msg) {
  if (msg.t === 'welcome') {
    S.waiting = false;
    S.seat = msg.seat;
    S.session = msg.session;
    if (msg.table) S.table = msg.table;
    S.saved.token = msg.token;
    S.retries = 0;
    save();
  } else if (msg.t === 'waiting') {
    S.session = msg.session;
    S.waiting = true;
    S.retries = 0;
  } else if (msg.t === 'refused') {
    if (msg.fatal) {
      S.fatal = true;
      S.error = tx(msg.text);
      S.missing = null;
      // A seat the host no longer honours: forget it, so the next try starts afresh. A seat
      // opened on another device is still ours: keep the token for a click on Meedoen.
      if (!msg.replaced) delete S.saved.token;
      save();
      S.screen = 'join';
      S.view = null;
      render();
      return;
    }
    S.notice = tx(msg.text);
  } else if (msg.t === 'state' || msg.t === 'patch') {
    S.applying = performance.now();
    const before = S.view ? moment(S.view) : null;
    if (msg.t === 'state') {
      S.askedWhole = false;
      S.view = msg.view;
      S.connected = msg.connected;
      S.seq = msg.seq;
      newTimer(msg.timer_left);
    } else if (S.view && S.seq === msg.base && applyPatch(msg.changes)) {
      S.seq = msg.seq;
    } else {
      // A difference to a screen this page does not have, or one it does not know how to
      // apply (a newer host): ask for the whole screen, once.
      askWhole();
      return;
    }
    S.retries = 0;
    if (S.screen !== 'play') S.screen = 'play';
    if (S.projector) S.retries = 0;
    render();
    status();
    tell(before, moment(S.view));
    return;
  }
  render();
  status();
}

function newTimer(left) {
  // The countdown restarts only when the host says something new about the timer.
  if (left !== S.timerLeft || !S.timerAt) S.timerAt = Date.now();
  S.timerLeft = left;
}

// The host's differences (crates/host/src/net/patch.rs, `Change` and `CardPart`), applied as it applies them;
// false for a difference this page does not know (`tests/web.rs` checks that it knows them all).
function keepAndAdd(list, d) {
  return list.slice(0, d.keep).concat(d.add);
}

function applyCard(card, parts, decisions) {
  const fields = { Title: 'title', Briefing: 'briefing', AllBriefings: 'all_briefings', Step: 'step', Steps: 'steps', DecidingRole: 'deciding_role', Prompt: 'prompt', Options: 'options', Debrief: 'debrief', KeyQuestion: 'key_question' };
  for (const p of parts) {
    const k = Object.keys(p)[0];
    if (k === 'Earlier') card.earlier = keepAndAdd(card.earlier, p[k]);
    // The card's new earlier decisions, as their places in the screen's decisions.
    else if (k === 'EarlierDecisions') card.earlier = card.earlier.slice(0, p[k].keep).concat(p[k].from.map((i) => decisions[i]).filter((d) => d));
    else if (fields[k]) card[fields[k]] = p[k];
    else return false;
  }
  return true;
}

function applyPatch(changes) {
  const v = S.view;
  const fields = { DeckTitle: 'deck_title', Round: 'round', Rounds: 'rounds', Phase: 'phase', Paused: 'paused', TimerSecs: 'timer_secs', Roles: 'roles', Meters: 'meters', Card: 'card', Last: 'last', Debrief: 'debrief', KeyQuestions: 'key_questions', News: 'news', Ending: 'ending', CanUndo: 'can_undo' };
  for (const c of changes) {
    const k = Object.keys(c)[0];
    const x = c[k];
    if (k === 'Paused' && v.paused !== x) S.timerAt = Date.now();
    if (fields[k]) v[fields[k]] = x;
    else if (k === 'MeterValues') x.forEach((value, i) => { if (v.meters[i]) v.meters[i].value = value; });
    else if (k === 'Seats') {
      const gone = new Set(x.gone);
      v.seats = v.seats.filter((s) => !gone.has(s.seat));
      for (const seat of x.set) {
        const i = v.seats.findIndex((s) => s.seat >= seat.seat);
        if (i < 0) v.seats.push(seat);
        else if (v.seats[i].seat === seat.seat) v.seats[i] = seat;
        else v.seats.splice(i, 0, seat);
      }
    } else if (k === 'Votes') {
      const voted = new Set(x.voted);
      const unvoted = new Set(x.unvoted);
      for (const s of v.seats) {
        if (voted.has(s.seat)) s.voted = true;
        else if (unvoted.has(s.seat)) s.voted = false;
      }
    } else if (k === 'CardParts') { if (v.card && !applyCard(v.card, x, v.decisions)) return false; }
    else if (k === 'LastDecision') v.last = v.decisions[x] || null;
    else if (k === 'History') v.meter_history = keepAndAdd(v.meter_history, x);
    else if (k === 'Decisions') v.decisions = keepAndAdd(v.decisions, x);
    // Decisions on the card on the screen come without its words: they are taken from it.
    else if (k === 'Decided') {
      const none = { nl: '', en: '' };
      const card = v.card || { title: none, prompt: none, options: [] };
      v.decisions = keepAndAdd(v.decisions, { keep: x.keep, add: x.add.map((d) => Object.assign({ card_title: card.title, prompt: card.prompt, option_label: card.options[d.option] || none }, d)) });
    }
    else if (k === 'Notes') v.notes = keepAndAdd(v.notes || [], x);
    else if (k === 'Connected') {
      const gone = new Set(x.gone);
      S.connected = S.connected.filter((s) => !gone.has(s)).concat(x.came);
      S.connected = [...new Set(S.connected)].sort((a, b) => a - b);
    } else if (k === 'TimerLeft') newTimer(x);
    else return false;
  }
  return true;
}

// ------------------------------------------------------------------ what a screen reader hears

// The moment a screen shows: the phase, the round and the step. A screen reader is told when it
// changes, in one short sentence, not the whole page again.
function moment(v) {
  return { phase: v.phase, round: v.round, card: v.card ? v.card.id : null, step: v.card ? v.card.step : null, paused: v.paused };
}
function say(text) {
  const box = document.getElementById('say');
  if (!box || !text) return;
  // Emptied first, so the same sentence twice is read twice; what is said meanwhile joins it.
  S.saying = S.saying ? S.saying + ' ' + text : text;
  box.textContent = '';
  clearTimeout(S.sayTimer);
  S.sayTimer = setTimeout(() => { box.textContent = S.saying; S.saying = ''; }, 50);
}
function tell(was, now) {
  const v = S.view;
  if (!v || (was && was.phase === now.phase && was.round === now.round && was.card === now.card && was.step === now.step)) return;
  const newCard = v.card && (!was || was.card !== now.card || was.round !== now.round);
  const parts = [];
  if (now.phase === 'Lobby') parts.push(w('wait_start'));
  else if (now.phase === 'Ended') parts.push(w('phase_Ended'), v.ending ? tx(v.ending.message) : '');
  else if (now.phase === 'Resolved' && v.last) parts.push(w('vote_closed'), w('decided', { role: tx(v.roles[v.last.role].name), option: tx(v.last.option_label) }));
  else if (v.card) {
    if (newCard) parts.push(w('say_round', { n: w('round_of', { n: Math.min(v.round, v.rounds), of: v.rounds }), name: tx(v.card.title) }));
    const mine = myRole(v);
    if (!S.projector && (newCard || !was || was.step !== now.step || was.phase !== now.phase)) {
      parts.push(mine === v.card.deciding_role ? w('your_turn') : w('others_decide', { role: tx(v.roles[v.card.deciding_role].name) }));
    }
  }
  say(parts.filter((p) => p).join(' '));
  // A new card: the reader starts at its title.
  if (newCard && !S.projector) {
    const h = document.getElementById('card-title');
    if (h) h.focus({ preventScroll: false });
  }
}

// Asks the host for the whole screen, once until it comes.
function askWhole() {
  if (!S.askedWhole) send({ t: 'resync' });
  S.askedWhole = true;
  S.seq = null;
}

function send(msg) {
  if (S.ws && S.open) S.ws.send(JSON.stringify(msg));
}

function status() {
  const s = document.getElementById('status');
  if (S.screen === 'join') { if (!s.hidden) s.hidden = true; return; }
  if (s.hidden) s.hidden = false;
  // What is true: playing, let in but waiting at the door, on the way in, or cut off.
  const state = S.open ? (S.view ? 'ok' : S.waiting ? 'door' : 'busy') : (S.view ? 'lost' : 'busy');
  const text = { ok: w('online'), door: w('at_door'), busy: w('connecting'), lost: w('offline') }[state];
  // Written only when it differs: the bar is laid out again on every write.
  if (s.textContent !== text) s.textContent = text;
  if (s.className !== 'status ' + state) s.className = 'status ' + state;
}

// ------------------------------------------------------------------ screens

// Where the keyboard was before a redraw: the same control gets it back after, so a difference
// arriving while someone tabs through the options does not throw them back to the top.
function focusKey() {
  const a = document.activeElement;
  if (!a || a === document.body || !document.getElementById('app').contains(a)) return null;
  if (a.dataset.option !== undefined) return `[data-option="${a.dataset.option}"]`;
  if (a.dataset.role !== undefined) return `[data-role="${a.dataset.role}"]`;
  return a.id ? '#' + a.id : null;
}

function render() {
  const key = focusKey();
  draw();
  if (key) {
    const again = document.querySelector(key);
    if (again && again !== document.activeElement) again.focus({ preventScroll: true });
  }
  if (window.kantelspelMeasure && S.arrived) {
    // For the browser test's timing: what applying and drawing cost, layout included; then what
    // the next frame's own work costs (style, layout, paint), from its start to the first task
    // after it: what the browser put off until then is counted too. The phase the update brought
    // says what kind it was (a new card or step, a vote closed, the debrief).
    void document.body.offsetHeight;
    const row = [performance.now() - S.arrived, performance.now() - S.applying, null, S.view ? S.view.phase : null];
    window.kantelspelMeasure.push(row);
    requestAnimationFrame(() => {
      const frame = performance.now();
      setTimeout(() => { row[2] = performance.now() - frame; }, 0);
    });
    S.arrived = 0;
  }
}

function draw() {
  const app = document.getElementById('app');
  // Only what differs is written: even the same value written again makes the browser look at
  // the whole page's style once more.
  const root = document.documentElement;
  if (root.lang !== S.lang) root.lang = S.lang;
  if (root.classList.contains('projector') !== S.projector) root.classList.toggle('projector', S.projector);
  for (const b of document.querySelectorAll('.lang')) {
    const pressed = String(b.dataset.lang === S.lang);
    if (b.getAttribute('aria-pressed') !== pressed) b.setAttribute('aria-pressed', pressed);
  }
  const v = S.view;
  const parts = [];
  if (S.screen === 'join') parts.push(joinForm());
  else if (!v && S.waiting) parts.push(el('div', { class: 'card mine', id: 'waiting' }, el('h1', {}, w('waiting_title')), el('p', {}, w('waiting_text'))));
  else if (!v) parts.push(el('h1', {}, 'Kantelspel'), el('p', { class: 'muted' }, w('connecting')), S.notice ? el('p', { class: 'notice error', id: 'notice' }, S.notice) : null);
  else {
    if (!S.open) parts.push(el('p', { class: 'notice' }, w('lost')));
    if (S.notice) parts.push(el('p', { class: 'notice error', id: 'notice' }, S.notice));
    if (S.projector) parts.push(...projector(v));
    else if (v.phase === 'Lobby') parts.push(...lobby(v));
    else if (v.phase === 'Ended') parts.push(...header(v), ...debrief(v));
    else parts.push(...header(v), ...round(v));
  }
  const now = [];
  addKids(now, parts);
  // The first screen replaces what the page came with (the note for a browser without script).
  if (!S.shown) app.replaceChildren();
  try {
    patchKids(app, S.shown || [], now);
  } catch (e) {
    console.warn('drawn afresh:', e.message);
    app.replaceChildren(...now.map(make));
  }
  S.shown = now;
  notes();
  tick();
  if (v && v.phase !== 'Ended' && !S.rehearsed && !S.projector) {
    S.rehearsed = true;
    // At an idle moment; a browser without requestIdleCallback (Safari) a second later.
    if (window.requestIdleCallback) requestIdleCallback(rehearse, { timeout: 2000 });
    else setTimeout(rehearse, 1000);
  }
}

// A slow phone spends two to three times as long on its first card and its first outcome as on
// a later one: the drawing code runs for the first time, the fonts are searched for ⚠ ✓ ★ −,
// the outcome's parts are styled for the first time. At its first idle moment (in the lobby,
// or after a reload in the middle of a round) the page draws a sample step and its outcome once,
// out of sight and out of the reading order, and drops it, so the first real ones cost what a
// later one does.
function rehearse() {
  const v = S.view;
  // Nothing to rehearse with yet: the next screen asks again.
  if (!v || v.phase === 'Ended' || !v.meters.length || !v.roles.length) { S.rehearsed = false; return; }
  const start = performance.now();
  // One text for both languages (`tx` falls back to the Dutch).
  const words = { nl: '⚠ ✓ ★ − — · Kantelspel' };
  const before = v.meters.map((m) => m.value);
  const d = {
    role: 0, by: 'Vote', round: 1, step: 0, option: 1, option_label: words, card_title: words, prompt: words,
    outcome: words, chance_outcomes: [words], split: [1, 2, 0], abstained: 1, tied: true,
    meters_before: before, meters_after: before.map((x, i) => x + (i % 2 ? 3 : -3)), worse: before.map((x, i) => i % 2 === 0),
  };
  const card = { id: '', title: words, briefing: words, prompt: words, options: [words, words, words], deciding_role: 0, step: 0, earlier: [d] };
  // This page's seat decides in the sample, with another who has not voted yet, so that the
  // parts of one's own turn (the turn, the voters) are rehearsed too.
  const seats = [{ seat: S.seat, name: 'Kantelspel', role: 0, voted: true, bot: false }, { seat: -1, name: 'Kantelspel', role: 0, voted: false, bot: true }];
  const deciding = Object.assign({}, v, { phase: 'Deciding', round: 1, card, last: null, paused: false, news: [words], seats });
  const resolved = Object.assign({}, deciding, { phase: 'Resolved', last: d });
  const box = document.createElement('div');
  box.className = 'rehearsal';
  box.setAttribute('aria-hidden', 'true');
  box.inert = true;
  try {
    const first = [];
    addKids(first, [...header(deciding), ...round(deciding)]);
    for (const part of first) box.appendChild(make(part));
    document.body.appendChild(box);
    void box.offsetHeight;
    const then = [];
    addKids(then, [...header(resolved), ...round(resolved)]);
    patchKids(box, first, then);
    void box.offsetHeight;
  } catch (e) {
    // Only a rehearsal: the real screens are drawn as they always are.
  } finally {
    box.remove();
  }
  // What it cost, for the slow-phone test.
  S.rehearsal = performance.now() - start;
}

// An observer's note box: outside the page's redrawn part, so what is being typed stays.
function notes() {
  const box = document.getElementById('notes');
  const hidden = !(S.projector && S.saved.observer && S.view && S.screen !== 'join');
  if (box.hidden !== hidden) box.hidden = hidden;
  for (const [id, key] of [['notes-label', 'note_label'], ['note-save', 'note_save']]) {
    const e = document.getElementById(id);
    if (e.textContent !== w(key)) e.textContent = w(key);
  }
}
document.getElementById('notes').addEventListener('submit', (e) => {
  e.preventDefault();
  const note = document.getElementById('note');
  const text = note.value.trim();
  if (!text || !S.open) return;
  send({ t: 'note', text });
  note.value = '';
  document.getElementById('note-said').textContent = w('note_kept', { n: S.view ? Math.min(S.view.round, S.view.rounds) : '' });
});

function joinForm() {
  // The field the form found empty says so, and where the words are.
  const faulty = (id) => (S.missing && { need_name: 'name', need_code: 'code' }[S.missing] === id ? { 'aria-invalid': 'true', 'aria-describedby': 'error' } : {});
  const name = el('input', { type: 'text', id: 'name', autocomplete: 'nickname', maxlength: '40', value: S.saved.name || '', ...faulty('name') });
  const code = el('input', { type: 'text', id: 'code', class: 'code', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '16', value: S.saved.code || '', inputmode: 'text', ...faulty('code') });
  const observer = el('input', { type: 'text', id: 'observer', autocomplete: 'nickname', maxlength: '40', value: S.saved.observer || '' });
  // What the form itself found is kept as a key, so it is said again in the other language.
  // A new element for each refusal, so the same words said twice are announced twice.
  const err = el('p', { class: 'error', id: 'error', role: 'alert', key: 'error' + (S.refusals || 0) }, S.error || (S.missing ? w(S.missing) : ''));
  const chosen = S.saved.table && S.saved.table <= S.tables ? S.saved.table : 0;
  const table = el('select', { id: 'table' },
    el('option', { value: '', selected: !chosen }, w('table_any')),
    ...Array.from({ length: S.tables }, (_, i) => el('option', { value: String(i + 1), selected: chosen === i + 1 }, w('table_n', { n: i + 1 }))));
  const submit = (e) => {
    e.preventDefault();
    const value = (id) => (document.getElementById(id) || {}).value || '';
    const n = value('name').trim();
    const c = value('code').trim();
    const refuse = (why, id) => { S.error = null; S.missing = why; S.refusals = (S.refusals || 0) + 1; render(); document.getElementById(id).focus(); };
    if (!S.projector && !n) { refuse('need_name', 'name'); return; }
    if (!c) { refuse('need_code', 'code'); return; }
    // Another name or code is another seat: the old token does not come along.
    if (n !== S.saved.name || c.toUpperCase() !== (S.saved.code || '').toUpperCase()) delete S.saved.token;
    if (!S.projector) S.saved.name = n;
    else S.saved.observer = value('observer').trim() || null;
    S.saved.code = c;
    // Another table is another seat too.
    const t = S.tables > 1 && value('table') ? Number(value('table')) : null;
    if (t !== (S.saved.table || null)) delete S.saved.token;
    S.saved.table = t;
    save();
    S.error = null;
    S.missing = null;
    S.notice = null;
    S.screen = 'connecting';
    render();
    status();
    connect();
  };
  return el('form', { class: 'join card', novalidate: true, onsubmit: submit },
    el('h1', {}, S.projector ? w('watch_title') : w('join_title')),
    el('p', { class: 'muted' }, S.projector ? w('watch_intro') : w('join_intro')),
    S.projector
      ? el('label', { class: 'field' }, w('observer_name'), observer)
      : el('label', { class: 'field' }, w('name'), name),
    el('label', { class: 'field' }, w('code'), code),
    S.tables > 1 ? el('label', { class: 'field' }, w('table'), table) : null,
    err,
    el('button', { class: 'big primary', id: 'join', type: 'submit' }, S.projector ? w('watch') : w('join')),
    S.projector ? null : el('p', { class: 'small' }, el('a', { href: '/projector', id: 'observe' }, w('observe'))));
}

function myRole(v) {
  const s = v.seats.find((x) => x.seat === S.seat);
  return s ? s.role : null;
}
function roleName(v, r) {
  return r === null || r === undefined ? w('no_role') : tx(v.roles[r].name);
}

function header(v) {
  // The clock's text is `tick`'s alone: keyed, so no other part is ever patched from it.
  const timer = el('span', { class: 'timer', id: 'timer', key: 'timer' });
  const top = el('div', { class: 'top' },
    S.table ? el('span', { class: 'pill', id: 'my-table' }, w('table_n', { n: S.table })) : null,
    el('span', { class: 'round' }, w('round_of', { n: Math.min(v.round, v.rounds), of: v.rounds })),
    el('span', { class: 'pill', id: 'phase' }, w('phase_' + v.phase)),
    v.paused ? el('span', { class: 'pill paused' }, w('paused')) : null,
    timer);
  const out = [top];
  if (!S.projector) {
    const me = v.seats.find((x) => x.seat === S.seat);
    out.push(el('p', { class: 'muted small', id: 'me' }, w('you', { name: me ? me.name : (S.saved.name || ''), role: roleName(v, myRole(v)) })));
  }
  out.push(meters(v, v.last));
  return out;
}

function meters(v, last) {
  const box = el('div', { class: 'meters', 'aria-label': w('meters') });
  v.meters.forEach((m, i) => {
    const span = Math.max(1, m.max - m.min);
    const pct = (x) => ((x - m.min) / span) * 100;
    const track = el('div', { class: 'track' });
    track.append(el('div', { class: 'fill', style: `width:${Math.max(2, pct(m.value))}%` }));
    if (m.end_below !== null && m.end_below !== undefined) track.append(el('div', { class: 'zone', style: `left:0;width:${pct(m.end_below)}%` }));
    if (m.end_above !== null && m.end_above !== undefined) track.append(el('div', { class: 'zone', style: `left:${pct(m.end_above)}%;right:0` }));
    // The rules' `near_tipping` (crates/rules/src/view.rs): a tenth of the range in whole points.
    const tenth = Math.trunc(span / 10);
    const near = (m.end_below != null && m.value - m.end_below <= tenth) || (m.end_above != null && m.end_above - m.value <= tenth);
    // The move of the last decision, if any: its parts are always there (empty when nothing
    // moved), so a vote closing and the next step change their text and make no elements.
    let d = 0;
    if (last && v.phase === 'Resolved') d = last.meters_after[i] - last.meters_before[i];
    const delta = el('span', { class: d ? 'delta ' + (last.worse && last.worse[i] ? 'down' : 'up') : 'delta' }, d ? (d > 0 ? '+' : '−') + Math.abs(d) : '');
    box.append(el('div', { class: 'meter' + (near ? ' near' : ''), title: near ? w('near') : null, 'data-meter': m.id },
      el('div', { class: 'head' }, el('span', {}, (near ? '⚠ ' : '') + tx(m.label)), el('span', {}, el('b', {}, m.value), d ? ' (' : '', delta, d ? ')' : '')),
      track));
  });
  return el('div', {}, box, el('p', { class: 'muted small zones-note' }, w('zones')));
}


function lobby(v) {
  const mine = myRole(v);
  const out = [el('h1', {}, tx(v.deck_title))];
  // In a workshop of several tables: which one is yours.
  if (S.table) out.push(el('p', { class: 'pill', id: 'my-table' }, w('table_n', { n: S.table })));
  if (mine !== null && mine !== undefined) {
    out.push(el('div', { class: 'card mine', id: 'my-role' },
      el('div', { class: 'label' }, w('your_role')),
      el('h2', {}, tx(v.roles[mine].name)),
      el('p', { class: 'pre' }, tx(v.roles[mine].description))));
    out.push(el('p', { class: 'muted' }, w('change_role')));
  }
  out.push(el('h2', {}, mine !== null && mine !== undefined ? w('other_role') : w('choose_role')));
  const roles = el('div', { class: 'roles' });
  v.roles.forEach((r, i) => {
    const n = v.seats.filter((s) => s.role === i).length;
    roles.append(el('button', {
      class: 'big role-choice' + (i === mine ? ' chosen' : ''), 'aria-pressed': String(i === mine), 'data-role': r.id, type: 'button',
      onclick: () => { S.notice = null; send({ t: 'role', role: r.id }); },
    }, el('strong', {}, tx(r.name), n ? ` · ${n} ${n === 1 ? w('player1') : w('playerN')}` : ''), i === mine ? null : el('small', {}, tx(r.description))));
  });
  out.push(roles);
  out.push(el('p', { class: 'notice' }, w('wait_start')));
  out.push(table(v));
  return out;
}

function table(v) {
  const box = el('div', {}, el('h2', {}, w('players')));
  v.roles.forEach((r, i) => {
    const seats = v.seats.filter((s) => s.role === i);
    box.append(el('p', {}, el('strong', {}, tx(r.name) + ': '),
      seats.length ? seats.map((s) => s.name + (s.bot ? ` (${w('bot')})` : '')).join(', ') : el('span', { class: 'muted' }, w('nobody'))));
  });
  return box;
}

function round(v) {
  const out = [];
  const card = v.card;
  if (!card) return out;
  const mine = myRole(v);
  for (const n of v.news || []) out.push(el('p', { class: 'news' }, tx(n)));
  out.push(el('h1', { id: 'card-title', tabindex: '-1' }, tx(card.title)));
  const own = mine !== null && mine !== undefined;
  out.push(el('div', { class: 'card' + (own ? ' mine' : ''), id: 'briefing' },
    el('div', { class: 'label' }, own ? w('your_briefing', { role: roleName(v, mine) }) : w('general')),
    el('p', { class: 'pre' }, tx(card.briefing))));
  if (card.earlier.length) out.push(el('h2', {}, w('earlier')));
  // The case's decisions as one keyed part: the outcome just shown stays where it is and becomes
  // the newest earlier one when the next step opens, patched rather than made and shaped again.
  const decided = card.earlier.map((d) => decision(v, d, false));
  if (v.phase === 'Resolved' && v.last) decided.push(decision(v, v.last, true));
  if (decided.length) out.push(el('div', { key: 'decided' }, decided));
  if (v.phase === 'Briefing' || v.phase === 'Deciding') out.push(step(v, card, mine));
  return out;
}

function step(v, card, mine) {
  const out = [];
  const deciding = card.deciding_role;
  const ours = mine === deciding;
  out.push(el('h2', {}, w('decides', { role: tx(v.roles[deciding].name) })));
  out.push(el('p', { class: 'pre', id: 'prompt' }, el('strong', {}, tx(card.prompt))));
  const key = `${v.round}:${card.step}`;
  const myVote = S.votes[key];
  const voters = v.seats.filter((s) => s.role === deciding);
  const me = v.seats.find((s) => s.seat === S.seat);
  const iVoted = me && me.voted;
  if (ours) out.push(el('p', { class: 'turn' + (iVoted ? ' done' : ''), id: 'turn' }, iVoted ? w('can_change') : w('your_turn')));
  const list = el('div', { id: 'options' });
  card.options.forEach((o, i) => {
    const chosen = ours && iVoted && myVote === i;
    const b = el('button', {
      type: 'button', class: 'option' + (chosen ? ' chosen' : '') + (ours && !v.paused && S.open ? '' : ' readonly'),
      'data-option': i, 'data-step': key, 'aria-pressed': ours ? String(chosen) : null, disabled: !ours || v.paused || !S.open,
      onclick: () => {
        if (!S.open) return;
        S.votes[key] = i;
        sessionStorage.setItem('kantelspel.votes', JSON.stringify(S.votes));
        S.notice = null;
        send({ t: 'vote', round: v.round, step: card.step, option: i });
        render();
      },
    }, el('span', { class: 'n' }, i + 1), el('span', {}, tx(o)));
    list.append(b);
  });
  out.push(list);
  const done = voters.filter((s) => s.voted).length;
  out.push(el('p', { id: 'voted' }, w('voted', { n: done, of: voters.length })));
  if (ours) {
    out.push(el('div', { class: 'label' }, w('in_role')));
    out.push(el('ul', { class: 'voters' }, voters.map((s) => el('li', { class: s.voted ? 'done' : '' }, (s.voted ? '✓ ' : '') + s.name + (s.seat === S.seat ? ' ★' : '')))));
  } else {
    out.push(el('p', { class: 'muted' }, w('others_decide', { role: tx(v.roles[deciding].name) })));
  }
  // One part, so that the outcome takes its place in one step and not element by element.
  return el('div', { key: 'step' }, out);
}

function decision(v, d, big) {
  const role = tx(v.roles[d.role].name);
  const box = el('div', { class: 'card' + (big ? ' outcome' : ''), id: big ? 'outcome' : null },
    el('div', { class: 'label' }, w('by_' + d.by)),
    el(big ? 'h2' : 'p', {}, el('strong', {}, w('decided', { role, option: tx(d.option_label) }))),
    el('p', { class: 'pre' }, tx(d.outcome)),
    d.chance_outcomes.map((t) => el('p', { class: 'pre' }, tx(t))));
  const total = d.split.reduce((a, b) => a + b, 0);
  if (total > 0) {
    box.append(el('div', { class: 'label' }, w('split')));
    const labels = v.card && tx(v.card.title) === tx(d.card_title) && v.card.step === d.step ? v.card.options : null;
    box.append(el('ul', { class: 'split' }, d.split.map((n, i) => el('li', { class: i === d.option ? 'key' : '' },
      `${i + 1}. ${labels ? tx(labels[i]) + ' — ' : ''}${n} ${n === 1 ? w('votes1') : w('votesN')}`))));
    if (d.abstained) box.append(el('p', { class: 'muted small' }, w('abstained', { n: d.abstained })));
    if (d.tied) box.append(el('p', { class: 'muted small' }, w('tie')));
  }
  if (big) {
    const moved = v.meters.map((m, i) => [m, d.meters_after[i] - d.meters_before[i], d.worse && d.worse[i]]).filter(([, x]) => x);
    if (moved.length) box.append(el('ul', { class: 'moved' }, moved.map(([m, x, bad]) => el('li', {}, tx(m.label) + ' ', el('span', { class: 'delta ' + (bad ? 'down' : 'up') }, `${x > 0 ? '+' : '−'}${Math.abs(x)}`)))));
  }
  return box;
}

function debrief(v) {
  const out = [];
  // The projector page has its heading in the bar above; a player's debrief gets its own.
  if (!S.projector) out.push(el('h1', { id: 'debrief-title' }, w('debrief_title')));
  if (v.ending) out.push(el('div', { class: 'card ending', id: 'ending' }, el('div', { class: 'label' }, w('ending')), el('h2', {}, tx(v.ending.message))));
  out.push(el('h2', {}, w('chart')), chart(v));
  out.push(el('h2', {}, w('decisions')));
  out.push(el('ul', { class: 'decisions', id: 'decisions' }, v.decisions.map((d) => {
    const total = d.split.reduce((a, b) => a + b, 0);
    return el('li', {}, el('strong', {}, `${w('round')} ${d.round} · ${tx(d.card_title)}: `),
      w('decided', { role: tx(v.roles[d.role].name), option: tx(d.option_label) }),
      total ? el('span', { class: 'muted' }, ` (${w('votes_word')} ${d.split.join('–')})`) : null);
  })));
  if ((v.key_questions || []).length) {
    out.push(el('h2', {}, w('key_questions')));
    out.push(el('ol', { class: 'questions key', id: 'key-questions' }, v.key_questions.map(([title, q]) =>
      el('li', {}, el('strong', {}, `${tx(title)}: `), tx(q)))));
  }
  out.push(el('h2', {}, w('questions')));
  const qs = el('div', { id: 'questions' });
  for (const [title, questions] of v.debrief) {
    if (!questions.length) continue;
    qs.append(el('p', {}, el('strong', {}, tx(title))), el('ol', { class: 'questions' }, questions.map((q) => el('li', {}, tx(q)))));
  }
  out.push(qs);
  return out;
}

function chart(v) {
  const W = 420, H = 240, L = 48, R = 10, T = 12, B = 26;
  const hist = v.meter_history;
  const n = Math.max(1, hist.length - 1);
  const x = (i) => L + (i / n) * (W - L - R);
  const svg = sv('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': w('chart') });
  for (let p = 0; p <= 100; p += 25) {
    const y = T + (1 - p / 100) * (H - T - B);
    svg.append(sv('line', { x1: L, x2: W - R, y1: y, y2: y, stroke: '#e7e2d7' }));
    svg.append(sv('text', { x: L - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 13, fill: '#5f6670' }, p + '%'));
  }
  for (let i = 0; i <= n; i++) {
    svg.append(sv('text', { x: x(i), y: H - 10, 'text-anchor': 'middle', 'font-size': 13, fill: '#5f6670' }, i));
  }
  const legend = el('div', { class: 'legend' });
  v.meters.forEach((m, k) => {
    const span = Math.max(1, m.max - m.min);
    const y = (val) => T + (1 - (val - m.min) / span) * (H - T - B);
    const color0 = SERIES[k % SERIES.length];
    for (const t of [m.end_below, m.end_above]) {
      if (t !== null && t !== undefined) svg.append(sv('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), stroke: color0, 'stroke-dasharray': '4 4', 'stroke-width': 1, opacity: 0.6 }));
    }
    const pts = hist.map((row, i) => `${x(i).toFixed(1)},${y(row[k]).toFixed(1)}`).join(' ');
    const color = SERIES[k % SERIES.length];
    svg.append(sv('polyline', { points: pts, fill: 'none', stroke: color, 'stroke-width': 3, 'stroke-linejoin': 'round' }));
    legend.append(el('span', {}, el('i', { style: `background:${color}` }), `${tx(m.label)} ${m.value}`));
  });
  return el('div', {}, svg, legend);
}

function projector(v) {
  const out = [];
  if (v.phase === 'Lobby') {
    out.push(el('h1', {}, tx(v.deck_title)));
    out.push(el('div', { class: 'card joinhere' }, el('img', { src: '/qr.svg', alt: '', class: 'qr', width: '240', height: '240' }),
      el('div', {}, w('join_here'), el('span', { class: 'addr', id: 'join-url' }, S.joinUrl || location.host),
        w('join_with_code'), el('span', { class: 'code' }, (S.saved.code || '').replace(/[^A-Za-z0-9]/g, '').toUpperCase().replace(/(.{3})(?=.)/g, '$1-')))));
    // The host knows its address on the room's network; this page may be open on localhost.
    if (!S.joinUrl) fetch('/join').then((r) => r.json()).then((j) => { S.joinUrl = j.url.replace(/^http:\/\//, ''); render(); }).catch(() => {});
    out.push(table(v));
    return out;
  }
  out.push(...header(v));
  if (v.phase === 'Ended') return out.concat(el('h1', {}, tx(v.deck_title) + ' · ' + w('debrief_title')), debrief(v));
  const card = v.card;
  if (!card) return out;
  for (const n of v.news || []) out.push(el('p', { class: 'news' }, tx(n)));
  out.push(el('h1', {}, tx(card.title)));
  out.push(el('div', { class: 'card', id: 'briefing' }, el('p', { class: 'pre' }, tx(card.briefing))));
  for (const d of card.earlier) out.push(decision(v, d, false));
  if (v.phase === 'Briefing' || v.phase === 'Deciding') out.push(step(v, card, null));
  if (v.phase === 'Resolved' && v.last) out.push(decision(v, v.last, true));
  return out;
}

// ------------------------------------------------------------------ the clock

function tick() {
  const t = document.getElementById('timer');
  if (!t) return;
  let text = '';
  let left = null;
  if (S.view && S.view.phase === 'Deciding' && S.timerLeft !== null && S.timerLeft !== undefined) {
    left = S.view.paused ? S.timerLeft : Math.max(0, S.timerLeft - Math.floor((Date.now() - S.timerAt) / 1000));
    const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    text = S.lang === 'en' ? `${clock} ${w('time_left')}` : `${w('time_left')} ${clock}`;
  }
  // Written only when it differs: a redraw calls this too, and the clock sits in the sticky bar.
  if (t.textContent !== text) t.textContent = text;
  t.classList.toggle('low', left !== null && left <= 15);
  if (left === null) return;
  // Read out at a minute and at ten seconds, not every second.
  for (const mark of [60, 10]) {
    if (left <= mark && S.lastLeft > mark && !S.view.paused) say(w('time_says', { n: mark }));
  }
  S.lastLeft = left;
}
setInterval(tick, 1000);

for (const b of document.querySelectorAll('.lang')) {
  b.addEventListener('click', () => {
    S.lang = b.dataset.lang;
    localStorage.setItem('kantelspel.lang', S.lang);
    // The host sends texts in one language: it sends the screen again in this one.
    send({ t: 'lang', lang: S.lang });
    // Keep what was typed on the join form.
    const n = document.getElementById('name'), c = document.getElementById('code');
    if (n) S.saved.name = n.value;
    if (c) S.saved.code = c.value;
    render();
    status();
  });
}

// Remember the votes of this page across a reload: the host knows that we voted, not what.
try { S.votes = JSON.parse(sessionStorage.getItem('kantelspel.votes')) || {}; } catch (e) { S.votes = {}; }
window.addEventListener('pagehide', () => {
  sessionStorage.setItem('kantelspel.votes', JSON.stringify(S.votes));
  // A page that is left (another site, the back button) lets go of its seat's link at once, so
  // the host shows it offline; the back/forward cache may keep the page itself.
  if (S.ws) { S.ws.onclose = null; S.ws.close(1000); S.ws = null; S.open = false; }
  clearTimeout(S.retryTimer);
});
// Back on the page from that cache: take the seat again with the token.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) S.restored = (S.restored || 0) + 1;
  if (e.persisted && !S.ws && S.saved.code && S.screen !== 'join') {
    S.screen = S.view ? 'play' : 'connecting';
    connect();
    status();
  }
});

// How many tables the workshop has: the join form offers them.
fetch('/join').then((r) => r.json()).then((j) => {
  S.joinUrl = j.url.replace(/^http:\/\//, '');
  if (j.tables > 1) { S.tables = j.tables; if (S.screen === 'join') render(); }
}).catch(() => {});

// Back in the seat after a reload: the page kept the code, the name and the seat token.
if (S.saved.code && (S.projector || S.saved.token)) {
  S.screen = 'connecting';
  connect();
}
render();
status();
