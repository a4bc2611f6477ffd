//! Setup: a new session (deck, journal header, bots) and one continued from its journal.

use super::*;

/// What a new session is made of; left-out parts get their defaults.
#[derive(Default)]
pub struct NewSession<'a> {
    /// A deck file; the embedded default deck when `None`.
    pub deck: Option<&'a Path>,
    pub seed: Option<u64>,
    /// The deck's own number when `None`.
    pub rounds: Option<u32>,
    pub code: Option<JoinCode>,
    /// Where the journal goes; no journal when `None` (practice, tests).
    pub journal_dir: Option<&'a Path>,
    /// The session's name on the LAN; the deck's title when `None`.
    pub name: Option<String>,
    /// Roles to fill with bots.
    pub bots: &'a [String],
    /// What the session plays; the whole deck when empty.
    pub programme: crate::rules::session::ProgrammeChoice,
}

/// Starts a session: the deck read the one way decks are read, a journal with its header
/// (seed, code, seat secret), the seats for bots. `serve`, the window and practice all come here;
/// a session continued from its journal comes through `resume`.
pub fn new_session(spec: NewSession<'_>) -> Result<(HostCore, JoinCode), String> {
    use crate::rules::deck::{DEFAULT_DECK, DEFAULT_DECK_NAME, Deck};
    use crate::rules::journal::{JOURNAL_VERSION, JournalHeader};
    let (deck_name, source) = match spec.deck {
        Some(p) => crate::deck_file::read_source(p).map_err(|e| e.to_string())?,
        None => (DEFAULT_DECK_NAME.to_string(), DEFAULT_DECK.to_string()),
    };
    let deck = std::sync::Arc::new(Deck::from_ron(&deck_name, &source).map_err(|e| e.to_string())?);
    let code = spec.code.unwrap_or_else(JoinCode::generate);
    let random = crate::net::code::random_client_id;
    let header = JournalHeader {
        version: JOURNAL_VERSION,
        deck_name,
        deck_source: source,
        seed: spec.seed.unwrap_or_else(random),
        rounds: spec
            .rounds
            .unwrap_or(deck.rounds)
            .clamp(1, crate::rules::session::MAX_ROUNDS),
        created_unix: crate::net::code::now().as_secs(),
        join_code: code.to_string(),
        seat_secret: random(),
        edition: crate::rules::session::RULES_EDITION,
    };
    let journal = match spec.journal_dir {
        Some(dir) => Some(JournalFile::create(dir, &header).map_err(|e| e.to_string())?),
        None => None,
    };
    let session = Session::new(deck.clone(), header.seed, header.rounds);
    let name = spec.name.unwrap_or_else(|| deck.title.nl.clone());
    let mut core = HostCore::new(session, journal, name);
    if !spec.programme.is_whole_deck() {
        core.act(
            Sender::Facilitator,
            &spec.programme.intent(spec.rounds.unwrap_or(0)),
        )
        .map_err(|e| format!("the programme: {e}"))?;
    }
    for role in spec.bots {
        core.act(
            Sender::Host,
            &Intent::AddSeat {
                name: format!("bot-{role}"),
                role: Some(role.clone()),
                bot: true,
            },
        )
        .map_err(|e| format!("a bot for {role}: {e}"))?;
    }
    Ok((core, code))
}

/// A session rebuilt from its journal, ready to host again.
pub struct Resumed {
    pub core: HostCore,
    /// The session's own join code, so its players come back without a new one.
    pub code: JoinCode,
    /// Said to the facilitator: the journal's tail was damaged and cut off.
    pub note: Option<String>,
}

/// Continues a session from its journal (after a crash, or the next morning): the same state,
/// seats and join code; new lines follow the last intact one.
pub fn resume(path: &Path, code: Option<&str>, name: Option<String>) -> Result<Resumed, String> {
    let (file, parsed) = JournalFile::resume(path).map_err(|e| e.to_string())?;
    let note = parsed.damage.as_ref().map(|(line, why)| {
        format!(
            "the journal was damaged at line {line} ({why}); continuing from the last intact line"
        )
    });
    let deck = journal::deck_of(&parsed.header).map_err(|e| e.to_string())?;
    let session =
        journal::replay(deck, &parsed.header, &parsed.entries).map_err(|e| e.to_string())?;
    let code = match (code, parsed.header.join_code.as_str()) {
        (Some(c), _) => JoinCode::parse(c).map_err(|e| e.to_string())?,
        (None, c) if !c.is_empty() => JoinCode::parse(c).map_err(|e| e.to_string())?,
        _ => JoinCode::generate(),
    };
    // The name a new session gets (its deck's title), so players see the same one again.
    let name = name.unwrap_or_else(|| session.deck().title.nl.clone());
    let lobby = session.phase == Phase::Lobby;
    let mut core = HostCore::new(session, Some(file), name);
    if lobby {
        // Still in the lobby: a reloaded deck replays these.
        core.lobby_log = parsed
            .entries
            .iter()
            .map(|e| (e.sender.into(), Intent::from(&e.intent)))
            .collect();
    }
    Ok(Resumed { core, code, note })
}
