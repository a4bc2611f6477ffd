//! From the file to the deck the rules run on: every name resolved to an index, every mistake
//! collected with its place, so a trainer sees all problems of a deck in one run.

use std::collections::{HashMap, HashSet};

use super::diagnostics::{DeckError, Diagnostic, Places};
use super::format::*;
use super::places::{Layout, line_col};
use super::*;

struct Checker<'a> {
    source: &'a str,
    problems: Vec<Diagnostic>,
    flags: Vec<String>,
    /// The text's shape, read when the first problem needs a place.
    layout: std::cell::OnceCell<Layout<'a>>,
}

impl<'a> Checker<'a> {
    /// Finds where `needle` (usually an id in quotes) stands, searching from byte `from`.
    fn locate(&self, needle: &str, from: usize) -> (usize, usize, usize) {
        let quoted = format!("\"{needle}\"");
        let at = self.source[from.min(self.source.len())..]
            .find(&quoted)
            .map(|i| i + from)
            .unwrap_or(from.min(self.source.len()));
        let (line, col) = line_col(self.source, at);
        (line, col, at)
    }

    /// A problem at the place `path` names in the text (the faulty field itself); `at` only
    /// when the text cannot be followed that far.
    fn report(&mut self, at: (usize, usize), path: impl Into<String>, message: impl Into<String>) {
        let path = path.into();
        let source = self.source;
        let place = self
            .layout
            .get_or_init(|| Layout::read(source))
            .locate(&path)
            .unwrap_or(at);
        self.problems.push(Diagnostic {
            line: place.0,
            col: place.1,
            path,
            message: message.into(),
        });
    }

    fn flag(&mut self, name: &str) -> FlagIdx {
        if let Some(i) = self.flags.iter().position(|f| f == name) {
            return i;
        }
        self.flags.push(name.to_string());
        self.flags.len() - 1
    }

    fn require_dutch(&mut self, text: &Text, at: (usize, usize), path: String, what: &str) {
        if text.nl.trim().is_empty() {
            self.report(at, path, format!("{what} has no Dutch text (`nl`)"));
        }
    }

    fn check_id(&mut self, id: &str, at: (usize, usize), path: &str, what: &str) {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            self.report(
                at,
                path.to_string(),
                format!("the {what} id `{id}` must be letters, digits, `-` or `_`"),
            );
        }
    }
}

/// " (did you mean `budget`?)" when one of `known` is a typo away from `wrong`; nothing otherwise.
fn did_you_mean<'k>(wrong: &str, known: impl Iterator<Item = &'k &'k str>) -> String {
    let limit = (wrong.chars().count() / 3).clamp(1, 3);
    known
        .map(|k| (edit_distance(wrong, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map_or(String::new(), |(_, k)| format!(" (did you mean `{k}`?)"))
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

fn index_of(ids: &HashMap<&str, usize>, id: &str) -> Option<usize> {
    ids.get(id).copied()
}

pub(super) fn compile(
    name: &str,
    source: &str,
    file: &DeckFile,
) -> Result<(Deck, Places), DeckError> {
    let mut ck = Checker {
        source,
        problems: Vec::new(),
        flags: Vec::new(),
        layout: std::cell::OnceCell::new(),
    };
    let top = (1, 1);
    ck.check_id(&file.id, top, "id", "deck");
    ck.require_dutch(&file.title, top, "title".into(), "the deck title");
    if !file.languages.iter().any(|l| l == "nl") {
        ck.report(
            top,
            "languages",
            "the languages must include \"nl\" (Dutch)",
        );
    }
    for l in &file.languages {
        if l != "nl" && l != "en" {
            ck.report(
                top,
                "languages",
                format!("unknown language `{l}`; use \"nl\" and \"en\""),
            );
        }
    }
    if file.rounds == 0 || file.rounds > MAX_ROUNDS {
        ck.report(
            top,
            "rounds",
            format!("rounds must be between 1 and {}", MAX_ROUNDS),
        );
    }

    let (role_ids, mut roles) = compile_roles(&mut ck, file);
    let (meter_ids, meters) = compile_meters(&mut ck, file);
    compile_leanings(&mut ck, file, &meter_ids, &mut roles);

    // Card ids first: follow-ups may point forward.
    let mut card_ids: HashMap<&str, usize> = HashMap::new();
    let mut card_at = Vec::new();
    for (i, card) in file.cards.iter().enumerate() {
        let (l, c, byte) = ck.locate(&card.id, 0);
        card_at.push((l, c, byte));
        ck.check_id(&card.id, (l, c), &format!("cards[{i}].id"), "card");
        if card_ids.insert(&card.id, i).is_some() {
            ck.report(
                (l, c),
                format!("cards[{i}].id"),
                format!("the card id `{}` is used twice", card.id),
            );
        }
    }
    if file.cards.is_empty() {
        ck.report(top, "cards", "the deck has no cards");
    }

    let ids = Ids {
        roles: role_ids,
        meters: meter_ids,
        cards: card_ids,
    };
    let mut cards = Vec::new();
    let mut option_at: Vec<Vec<Vec<(usize, usize)>>> = Vec::new();
    for (i, card) in file.cards.iter().enumerate() {
        let (compiled, places) = compile_card(&mut ck, i, card, card_at[i], &ids, &roles, &meters);
        cards.push(compiled);
        option_at.push(places);
    }

    let programmes = compile_programmes(&mut ck, file, &cards);
    let deck = Deck {
        id: file.id.clone(),
        title: file.title.clone(),
        description: file.description.clone(),
        completed: (!file.completed.is_empty()).then(|| file.completed.clone()),
        languages: file.languages.clone(),
        rounds: file.rounds,
        roles,
        meters,
        cards,
        flags: ck.flags.clone(),
        programmes,
        card_versions: super::version::card_versions(
            source,
            file.cards.iter().map(|c| c.id.as_str()),
        ),
        version: super::version::deck_version(source),
    };
    check_reachability(&mut ck, &deck, &card_at);

    if ck.problems.is_empty() {
        let places = Places {
            cards: card_at.iter().map(|&(l, c, _)| (l, c)).collect(),
            options: option_at,
            flags: deck
                .flags
                .iter()
                .map(|f| {
                    let (l, c, _) = ck.locate(f, 0);
                    (l, c)
                })
                .collect(),
            roles: deck
                .roles
                .iter()
                .map(|r| {
                    let (l, c, _) = ck.locate(&r.id, 0);
                    (l, c)
                })
                .collect(),
        };
        Ok((deck, places))
    } else {
        Err(DeckError {
            file: name.to_string(),
            diagnostics: ck.problems,
        })
    }
}

/// The roles, and each role's index by id.
fn compile_roles<'f>(
    ck: &mut Checker<'_>,
    file: &'f DeckFile,
) -> (HashMap<&'f str, usize>, Vec<Role>) {
    let top = (1, 1);
    let mut role_ids: HashMap<&str, usize> = HashMap::new();
    let mut roles = Vec::new();
    if file.roles.is_empty() {
        ck.report(top, "roles", "the deck has no roles");
    }
    for (i, r) in file.roles.iter().enumerate() {
        let (l, c, _) = ck.locate(&r.id, 0);
        let path = format!("roles[{i}]");
        ck.check_id(&r.id, (l, c), &format!("{path}.id"), "role");
        if role_ids.insert(&r.id, i).is_some() {
            ck.report(
                (l, c),
                format!("{path}.id"),
                format!("the role id `{}` is used twice", r.id),
            );
        }
        ck.require_dutch(&r.name, (l, c), format!("{path}.name"), "the role name");
        roles.push(Role {
            id: r.id.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            max_players: r.max_players,
            leanings: Vec::new(),
        });
        if r.max_players == Some(0) {
            ck.report(
                (l, c),
                format!("{path}.max_players"),
                "max_players must be 1 or more",
            );
        }
    }

    (role_ids, roles)
}

/// Each role's leanings, by meter index.
fn compile_leanings(
    ck: &mut Checker<'_>,
    file: &DeckFile,
    meter_ids: &HashMap<&str, usize>,
    roles: &mut [Role],
) {
    for (i, (r, role)) in file.roles.iter().zip(roles.iter_mut()).enumerate() {
        let (l, c, _) = ck.locate(&r.id, 0);
        for (meter, w) in &r.leanings {
            let path = format!("roles[{i}].leanings.{meter}");
            match index_of(meter_ids, meter) {
                Some(m) if w.is_finite() => role.leanings.push((m, *w)),
                Some(_) => ck.report((l, c), path, "a leaning must be a number"),
                None => ck.report(
                    (l, c),
                    path,
                    format!(
                        "unknown meter `{meter}` in leanings{}",
                        did_you_mean(meter, meter_ids.keys())
                    ),
                ),
            }
        }
    }
}

/// The programmes, with their themes resolved to cards.
fn compile_programmes(ck: &mut Checker<'_>, file: &DeckFile, cards: &[Card]) -> Vec<ProgrammeSpec> {
    let mut out: Vec<ProgrammeSpec> = Vec::new();
    let themes: Vec<&str> = cards
        .iter()
        .flat_map(|c| c.themes.iter().map(String::as_str))
        .collect();
    for (i, p) in file.programmes.iter().enumerate() {
        let (l, c, _) = ck.locate(&p.id, 0);
        let path = format!("programmes[{i}]");
        ck.check_id(&p.id, (l, c), &format!("{path}.id"), "programme");
        if out.iter().any(|o| o.id == p.id) {
            ck.report(
                (l, c),
                format!("{path}.id"),
                format!("the programme id `{}` is used twice", p.id),
            );
        }
        ck.require_dutch(
            &p.name,
            (l, c),
            format!("{path}.name"),
            "the programme name",
        );
        for theme in &p.themes {
            if !themes.contains(&theme.as_str()) {
                ck.report(
                    (l, c),
                    format!("{path}.themes"),
                    format!(
                        "no card has the theme `{theme}`{}",
                        did_you_mean(theme, themes.iter())
                    ),
                );
            }
        }
        let card_ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        let mut chosen = vec![false; cards.len()];
        let mut named = Vec::new();
        for id in &p.cards {
            match cards.iter().position(|c| &c.id == id) {
                Some(k) => {
                    chosen[k] = true;
                    named.push(k);
                }
                None => ck.report(
                    (l, c),
                    format!("{path}.cards"),
                    format!("unknown card `{id}`{}", did_you_mean(id, card_ids.iter())),
                ),
            }
        }
        for (k, card) in cards.iter().enumerate() {
            if card.themes.iter().any(|t| p.themes.contains(t)) {
                chosen[k] = true;
            }
        }
        let picked: Vec<CardIdx> = (0..cards.len()).filter(|k| chosen[*k]).collect();
        if picked.is_empty() {
            ck.report(
                (l, c),
                path.clone(),
                "the programme has no cards: name `cards` or `themes`",
            );
        }
        let rounds = p.rounds.unwrap_or(file.rounds);
        if rounds == 0 || rounds > MAX_ROUNDS {
            ck.report(
                (l, c),
                format!("{path}.rounds"),
                format!("rounds must be between 1 and {}", MAX_ROUNDS),
            );
        }
        out.push(ProgrammeSpec {
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            cards: picked,
            named,
            rounds,
        });
    }
    out
}

/// The meters with their thresholds, and each meter's index by id.
fn compile_meters<'f>(
    ck: &mut Checker<'_>,
    file: &'f DeckFile,
) -> (HashMap<&'f str, usize>, Vec<Meter>) {
    let top = (1, 1);
    let mut meter_ids: HashMap<&str, usize> = HashMap::new();
    let mut meters = Vec::new();
    if file.meters.is_empty() {
        ck.report(top, "meters", "the deck has no meters");
    }
    for (i, m) in file.meters.iter().enumerate() {
        let (l, c, _) = ck.locate(&m.id, 0);
        let at = (l, c);
        let path = format!("meters[{i}]");
        ck.check_id(&m.id, at, &format!("{path}.id"), "meter");
        if meter_ids.insert(&m.id, i).is_some() {
            ck.report(
                at,
                format!("{path}.id"),
                format!("the meter id `{}` is used twice", m.id),
            );
        }
        ck.require_dutch(&m.label, at, format!("{path}.label"), "the meter label");
        if m.min >= m.max {
            ck.report(
                at,
                format!("{path}.min"),
                format!("min ({}) must be below max ({})", m.min, m.max),
            );
        }
        if m.start < m.min || m.start > m.max {
            ck.report(
                at,
                format!("{path}.start"),
                format!(
                    "start {} is outside the range {}..{}",
                    m.start, m.min, m.max
                ),
            );
        }
        let mut thresholds = Vec::new();
        for (t, th) in m.thresholds.iter().enumerate() {
            let tpath = format!("{path}.thresholds[{t}]");
            let v = match th.when {
                Bound::Below(v) | Bound::Above(v) => v,
            };
            let reachable = match th.when {
                Bound::Below(v) => v > m.min,
                Bound::Above(v) => v < m.max,
            };
            if v < m.min || v > m.max || !reachable {
                ck.report(
                    at,
                    format!("{tpath}.when"),
                    format!(
                        "the threshold {v} can never be crossed: the meter only goes from {} to {}",
                        m.min, m.max
                    ),
                );
            }
            if th.when.crossed_by(m.start) {
                ck.report(
                    at,
                    format!("{tpath}.when"),
                    format!(
                        "the threshold is already crossed by the start value {}",
                        m.start
                    ),
                );
            }
            ck.require_dutch(
                &th.message,
                at,
                format!("{tpath}.message"),
                "the threshold message",
            );
            let then = match &th.then {
                ThresholdDo::EndSession => Then::EndSession,
                ThresholdDo::SetFlag(f) => Then::SetFlag(ck.flag(f)),
            };
            thresholds.push(Threshold {
                when: th.when,
                then,
                message: th.message.clone(),
            });
        }
        meters.push(Meter {
            id: m.id.clone(),
            label: m.label.clone(),
            description: m.description.clone(),
            min: m.min,
            max: m.max,
            start: m.start,
            thresholds,
        });
    }

    (meter_ids, meters)
}

/// Ids resolved so far, for the cards that name them.
struct Ids<'f> {
    roles: HashMap<&'f str, usize>,
    meters: HashMap<&'f str, usize>,
    cards: HashMap<&'f str, usize>,
}

/// One card: its briefings, conditions and steps; also where each of its options stands.
fn compile_card(
    ck: &mut Checker<'_>,
    i: usize,
    card: &CardDef,
    (l, c, byte): (usize, usize, usize),
    ids: &Ids<'_>,
    roles: &[Role],
    meters: &[Meter],
) -> (Card, Vec<Vec<(usize, usize)>>) {
    let (role_ids, meter_ids) = (&ids.roles, &ids.meters);
    let at = (l, c);
    let path = format!("cards[{i}]");
    ck.require_dutch(&card.title, at, format!("{path}.title"), "the card title");
    if card.briefing.is_empty() && card.briefings.is_empty() {
        ck.report(
            at,
            path.clone(),
            "the card has no briefing (`briefing` or `briefings`)",
        );
    } else if !card.briefing.is_empty() {
        ck.require_dutch(
            &card.briefing,
            at,
            format!("{path}.briefing"),
            "the briefing",
        );
    }
    let mut briefings = vec![None; roles.len()];
    for (role, text) in &card.briefings {
        match index_of(role_ids, role) {
            Some(r) => briefings[r] = Some(text.clone()),
            None => ck.report(
                at,
                format!("{path}.briefings.{role}"),
                format!(
                    "unknown role `{role}` in briefings{}",
                    did_you_mean(role, role_ids.keys())
                ),
            ),
        }
        ck.require_dutch(text, at, format!("{path}.briefings.{role}"), "the briefing");
    }
    if !(card.weight.is_finite() && card.weight >= 0.0) {
        ck.report(
            at,
            format!("{path}.weight"),
            "the weight must be a number of 0 or more",
        );
    }
    let mut weight_per_point = Vec::new();
    for (meter, w) in &card.weight_per_point {
        match index_of(meter_ids, meter) {
            Some(m) if w.is_finite() => weight_per_point.push((m, *w)),
            Some(_) => ck.report(
                at,
                format!("{path}.weight_per_point.{meter}"),
                "not a number",
            ),
            None => ck.report(
                at,
                format!("{path}.weight_per_point.{meter}"),
                format!(
                    "unknown meter `{meter}`{}",
                    did_you_mean(meter, meter_ids.keys())
                ),
            ),
        }
    }

    // Conditions.
    let mut when = Cond {
        from_round: card.when.from_round.unwrap_or(1),
        until_round: card.when.until_round.unwrap_or(u32::MAX),
        last_round: card.when.last_round,
        ..Cond::default()
    };
    let wpath = format!("{path}.when");
    for (meter, range) in &card.when.meters {
        let Some(m) = index_of(meter_ids, meter) else {
            ck.report(
                at,
                format!("{wpath}.meters.{meter}"),
                format!(
                    "unknown meter `{meter}` in the conditions{}",
                    did_you_mean(meter, meter_ids.keys())
                ),
            );
            continue;
        };
        let def = &meters[m];
        let lo = range.min.unwrap_or(def.min);
        let hi = range.max.unwrap_or(def.max);
        if lo > hi || hi < def.min || lo > def.max {
            ck.report(
                at,
                format!("{wpath}.meters.{meter}"),
                format!(
                    "the condition {lo}..{hi} can never hold: `{meter}` only goes from {} to {}",
                    def.min, def.max
                ),
            );
        }
        when.meters.push((m, lo, hi));
    }
    if when.from_round > when.until_round {
        ck.report(
            at,
            format!("{wpath}.from_round"),
            format!(
                "from_round {} comes after until_round {}: the card can never be drawn",
                when.from_round, when.until_round
            ),
        );
    }
    for f in &card.when.flags {
        if card.when.not_flags.contains(f) {
            ck.report(
                at,
                format!("{wpath}.flags"),
                format!(
                    "the flag `{f}` is both required and forbidden: the card can never be drawn"
                ),
            );
        }
        when.flags.push(ck.flag(f));
    }
    for f in &card.when.not_flags {
        when.not_flags.push(ck.flag(f));
    }

    let (steps, card_options) = compile_steps(ck, card, &path, (at, byte), ids);
    if !card.key_question.is_empty() {
        ck.require_dutch(
            &card.key_question,
            at,
            format!("{path}.key_question"),
            "the key question",
        );
    }
    for (q, text) in card.debrief.iter().enumerate() {
        ck.require_dutch(
            text,
            at,
            format!("{path}.debrief[{q}]"),
            "the debrief question",
        );
    }
    let compiled = Card {
        id: card.id.clone(),
        title: card.title.clone(),
        briefing: card.briefing.clone(),
        briefings,
        when,
        weight: card.weight,
        weight_per_point,
        repeatable: card.repeatable,
        follow_up_only: card.follow_up_only,
        steps,
        debrief: card.debrief.clone(),
        key_question: (!card.key_question.is_empty()).then(|| card.key_question.clone()),
        themes: card.themes.clone(),
    };
    (compiled, card_options)
}

/// The steps of a card, and where each of their options stands.
fn compile_steps(
    ck: &mut Checker<'_>,
    card: &CardDef,
    path: &str,
    (at, byte): ((usize, usize), usize),
    ids: &Ids<'_>,
) -> (Vec<Step>, Vec<Vec<(usize, usize)>>) {
    let (role_ids, meter_ids, card_ids) = (&ids.roles, &ids.meters, &ids.cards);
    let mut card_options = Vec::new();
    if card.steps.is_empty() {
        ck.report(at, path, "the card has no steps");
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut seen_options: Vec<(String, usize, usize)> = Vec::new();
    let mut cursor = byte;
    for (s, step) in card.steps.iter().enumerate() {
        let spath = format!("{path}.steps[{s}]");
        let role = match index_of(role_ids, &step.role) {
            Some(r) => r,
            None => {
                ck.report(
                    at,
                    format!("{spath}.role"),
                    format!(
                        "unknown role `{}`{}",
                        step.role,
                        did_you_mean(&step.role, role_ids.keys())
                    ),
                );
                0
            }
        };
        ck.require_dutch(
            &step.prompt,
            at,
            format!("{spath}.prompt"),
            "the step prompt",
        );
        if step.options.len() < MIN_OPTIONS || step.options.len() > MAX_OPTIONS {
            ck.report(
                at,
                format!("{spath}.options"),
                format!(
                    "a step needs {MIN_OPTIONS} to {MAX_OPTIONS} options; this one has {}",
                    step.options.len()
                ),
            );
        }
        let mut only_if = Vec::new();
        for id in &step.only_if {
            match seen_options.iter().find(|(o, _, _)| o == id) {
                Some((_, st, op)) => only_if.push((*st, *op)),
                None => ck.report(
                    at,
                    format!("{spath}.only_if"),
                    format!("`{id}` is not an option of an earlier step of this card"),
                ),
            }
        }
        let mut options = Vec::new();
        let mut step_options = Vec::new();
        for (o, opt) in step.options.iter().enumerate() {
            let (ol, oc, ob) = ck.locate(&opt.id, cursor);
            cursor = ob;
            let oat = (ol, oc);
            step_options.push(oat);
            let opath = format!("{spath}.options[{o}]");
            ck.check_id(&opt.id, oat, &format!("{opath}.id"), "option");
            if seen_options.iter().any(|(x, _, _)| x == &opt.id) {
                ck.report(
                    oat,
                    format!("{opath}.id"),
                    format!("the option id `{}` is used twice in this card", opt.id),
                );
            }
            seen_options.push((opt.id.clone(), s, o));
            ck.require_dutch(
                &opt.label,
                oat,
                format!("{opath}.label"),
                "the option label",
            );
            ck.require_dutch(&opt.outcome, oat, format!("{opath}.outcome"), "the outcome");
            if opt.effects.is_empty() {
                ck.report(
                    oat,
                    opath.clone(),
                    "the option has no effect: every choice should change something",
                );
            }
            let effects = compile_effects(ck, &opt.effects, oat, &opath, meter_ids, card_ids);
            options.push(Choice {
                id: opt.id.clone(),
                label: opt.label.clone(),
                effects,
                outcome: opt.outcome.clone(),
            });
        }
        steps.push(Step {
            role,
            prompt: step.prompt.clone(),
            only_if,
            options,
        });
        card_options.push(step_options);
    }
    (steps, card_options)
}
fn compile_effects(
    ck: &mut Checker<'_>,
    defs: &[EffectDef],
    at: (usize, usize),
    path: &str,
    meter_ids: &HashMap<&str, usize>,
    card_ids: &HashMap<&str, usize>,
) -> Vec<Effect> {
    let mut out = Vec::new();
    for (e, def) in defs.iter().enumerate() {
        let epath = format!("{path}.effects[{e}]");
        let meter = |ck: &mut Checker<'_>, id: &str| {
            let m = index_of(meter_ids, id);
            if m.is_none() {
                ck.report(
                    at,
                    format!("{epath}.meter"),
                    format!("unknown meter `{id}`{}", did_you_mean(id, meter_ids.keys())),
                );
            }
            m
        };
        match def {
            EffectDef::Meter { meter: id, by } => {
                if let Some(m) = meter(ck, id) {
                    out.push(Effect::Meter { meter: m, by: *by });
                }
            }
            EffectDef::Later {
                meter: id,
                by,
                rounds,
            } => {
                if *rounds == 0 {
                    ck.report(
                        at,
                        format!("{epath}.rounds"),
                        "a later effect needs rounds of 1 or more (use Meter for now)",
                    );
                }
                if let Some(m) = meter(ck, id) {
                    out.push(Effect::Later {
                        meter: m,
                        by: *by,
                        rounds: *rounds,
                    });
                }
            }
            EffectDef::SetFlag(f) => out.push(Effect::SetFlag(ck.flag(f))),
            EffectDef::ClearFlag(f) => out.push(Effect::ClearFlag(ck.flag(f))),
            EffectDef::FollowUp { card, rounds } => match index_of(card_ids, card) {
                Some(c) => out.push(Effect::FollowUp {
                    card: c,
                    rounds: *rounds,
                }),
                None => ck.report(
                    at,
                    format!("{epath}.card"),
                    format!(
                        "unknown card `{card}` in FollowUp{}",
                        did_you_mean(card, card_ids.keys())
                    ),
                ),
            },
            EffectDef::Chance {
                percent,
                effects,
                outcome,
            } => {
                if *percent == 0 || *percent >= 100 {
                    ck.report(
                        at,
                        format!("{epath}.percent"),
                        format!("a chance must be between 1 and 99 percent, not {percent}"),
                    );
                }
                if effects.is_empty() {
                    ck.report(at, format!("{epath}.effects"), "the chance has no effects");
                }
                if !outcome.is_empty() {
                    ck.require_dutch(
                        outcome,
                        at,
                        format!("{epath}.outcome"),
                        "the chance outcome",
                    );
                }
                let inner = compile_effects(ck, effects, at, &epath, meter_ids, card_ids);
                out.push(Effect::Chance {
                    percent: *percent,
                    effects: inner,
                    outcome: outcome.clone(),
                });
            }
        }
    }
    out
}

fn for_each_effect(effects: &[Effect], f: &mut impl FnMut(&Effect)) {
    for e in effects {
        f(e);
        if let Effect::Chance { effects, .. } = e {
            for_each_effect(effects, f);
        }
    }
}

/// Cards that can never come into play: follow-up-only cards nothing points to, and cards that
/// need a flag nothing sets.
fn check_reachability(ck: &mut Checker<'_>, deck: &Deck, card_at: &[(usize, usize, usize)]) {
    let mut followed: HashSet<CardIdx> = HashSet::new();
    let mut set_flags: HashSet<FlagIdx> = HashSet::new();
    for m in &deck.meters {
        for t in &m.thresholds {
            if let Then::SetFlag(f) = t.then {
                set_flags.insert(f);
            }
        }
    }
    for card in &deck.cards {
        for step in &card.steps {
            for opt in &step.options {
                for_each_effect(&opt.effects, &mut |e| match e {
                    Effect::FollowUp { card, .. } => {
                        followed.insert(*card);
                    }
                    Effect::SetFlag(f) => {
                        set_flags.insert(*f);
                    }
                    _ => {}
                });
            }
        }
    }
    for (i, card) in deck.cards.iter().enumerate() {
        let Some(&(l, c, _)) = card_at.get(i) else {
            continue;
        };
        if card.follow_up_only && !followed.contains(&i) {
            ck.report(
                (l, c),
                format!("cards[{i}].follow_up_only"),
                format!(
                    "`{}` is follow_up_only but no option schedules it: it can never be played",
                    card.id
                ),
            );
        }
        for f in &card.when.flags {
            if !set_flags.contains(f) {
                ck.report(
                    (l, c),
                    format!("cards[{i}].when.flags"),
                    format!("the flag `{}` is never set by any option or threshold: the card can never be drawn", deck.flags[*f]),
                );
            }
        }
    }
}
