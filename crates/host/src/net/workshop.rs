//! A workshop: one host, one join code, 1 to 8 tables that each play a whole session of their
//! own. Links arrive at the workshop, say which table (or let it choose), and from then on talk
//! to that table's `HostCore` alone; the facilitator acts on one table or on all of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::rules::session::{Intent, Phase, RuleError, SeatId, Sender};

use super::code::JoinCode;
use super::director::Director;
use super::host::{self, ClientId, HostCore, Inbound, LinkKind, NewSession, Outgoing};
use super::protocol::{self, BrowserMsg, HostMsg, Refusal};

/// The most tables one host runs: eight tables of five fill a large training room.
pub const MAX_TABLES: usize = 8;

/// Messages a link may send before its hello (each refused) until it is closed.
const ARRIVING_PATIENCE: u32 = 8;

/// One table: its session and what paces it.
pub struct Table {
    pub core: HostCore,
    pub director: Director,
}

pub struct Workshop {
    name: String,
    tables: Vec<Table>,
    /// Which table each link talks to, once its first message chose one.
    routes: HashMap<ClientId, usize>,
    /// Links that have not said hello yet: their kind and how many other things they said.
    arriving: HashMap<ClientId, (LinkKind, u32)>,
    /// Refusals to links that never reached a table.
    out: Outgoing,
    /// The workshop file that lists the tables' journals (several tables with journals only).
    manifest: Option<PathBuf>,
}

impl Workshop {
    /// A workshop of the given tables; a single table is a plain session. With several, each
    /// table's players are told its number.
    pub fn new(name: String, mut tables: Vec<Table>) -> Workshop {
        if tables.len() > 1 {
            for (i, t) in tables.iter_mut().enumerate() {
                t.core.set_table(i as u8 + 1);
            }
        }
        Workshop {
            name,
            tables,
            routes: HashMap::new(),
            arriving: HashMap::new(),
            out: Outgoing::default(),
            manifest: None,
        }
    }

    /// One session at one table.
    pub fn single(core: HostCore, director: Director) -> Workshop {
        let name = core.name().to_string();
        Workshop::new(name, vec![Table { core, director }])
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    pub fn tables_mut(&mut self) -> &mut [Table] {
        &mut self.tables
    }

    /// Every table's session core.
    pub fn cores_mut(&mut self) -> impl Iterator<Item = &mut HostCore> {
        self.tables.iter_mut().map(|t| &mut t.core)
    }

    pub fn table(&self, i: usize) -> Option<&Table> {
        self.tables.get(i)
    }

    pub fn table_mut(&mut self, i: usize) -> Option<&mut Table> {
        self.tables.get_mut(i)
    }

    pub fn len(&self) -> usize {
        self.tables.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub fn manifest(&self) -> Option<&Path> {
        self.manifest.as_deref()
    }

    /// Whether every table's session has ended.
    pub fn all_ended(&self) -> bool {
        self.tables
            .iter()
            .all(|t| t.core.session().phase == crate::rules::Phase::Ended)
    }

    /// Grows whenever anything at any table may have changed.
    pub fn changes(&self) -> u64 {
        self.tables.iter().map(|t| t.core.changes()).sum()
    }

    /// Online players over all tables.
    pub fn players(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.core.connected_seats().len())
            .sum()
    }

    pub fn client_count(&self) -> usize {
        self.routes.len() + self.arriving.len()
    }

    /// The table a link sits at.
    pub fn table_of(&self, client: ClientId) -> Option<usize> {
        self.routes.get(&client).copied()
    }

    pub fn connect_link(&mut self, client: ClientId, kind: LinkKind, _now: Duration) -> bool {
        if self.routes.contains_key(&client) || self.arriving.contains_key(&client) {
            return false;
        }
        self.arriving.insert(client, (kind, 0));
        true
    }

    pub(crate) fn is_web(&self, client: ClientId) -> bool {
        match self.routes.get(&client) {
            Some(t) => self.tables[*t].core.is_web(client),
            None => self
                .arriving
                .get(&client)
                .is_some_and(|(kind, _)| *kind == LinkKind::Web),
        }
    }

    pub fn disconnect(&mut self, client: ClientId) {
        self.arriving.remove(&client);
        if let Some(t) = self.routes.remove(&client) {
            self.tables[t].core.disconnect(client);
        }
    }

    pub fn resync(&mut self, client: ClientId) {
        if let Some(t) = self.routes.get(&client) {
            self.tables[*t].core.resync(client);
        }
    }

    /// One message from a native client.
    pub fn receive(&mut self, client: ClientId, bytes: &[u8], now: Duration) {
        self.take_in(client, Inbound::native(bytes), now);
    }

    /// One text frame from a browser that passed the door.
    pub fn receive_web(&mut self, client: ClientId, text: &str, now: Duration) {
        self.take_in(client, Inbound::web(text), now);
    }

    /// A browser's first message, as the web door read it to check the code.
    pub(crate) fn receive_hello(&mut self, client: ClientId, hello: BrowserMsg, now: Duration) {
        let zip = hello.zip();
        self.take_in(client, Inbound::browser(hello), now);
        if let Some(t) = self.routes.get(&client) {
            self.tables[*t].core.set_zip(client, zip);
        }
    }

    /// Hands a message, decoded once, to the link's table; a link without one yet is routed by
    /// its hello (or watch), or told why not.
    fn take_in(&mut self, client: ClientId, msg: Result<Inbound, Refusal>, now: Duration) {
        let table = match self.routes.get(&client) {
            Some(t) => Some(*t),
            None => match self.arriving.get(&client).copied() {
                Some((kind, _)) => {
                    let choice = match &msg {
                        Ok(m) => match m.table_choice() {
                            Some((table, rejoin)) => self.choose(table, rejoin),
                            // Nothing else before the hello: no table has heard of this link.
                            None => Err(Refusal::NotJoined),
                        },
                        Err(r) => Err(r.clone()),
                    };
                    self.seat_at(client, kind, choice, now)
                }
                None => None,
            },
        };
        if let Some(t) = table {
            self.tables[t].core.take(client, msg, now);
        }
    }

    /// Which table a newcomer goes to: the one holding their seat token, the one they chose, or
    /// the one with the fewest people.
    fn choose(&self, table: Option<u8>, rejoin: Option<u64>) -> Result<usize, Refusal> {
        if let Some(token) = rejoin
            && let Some(t) = self
                .tables
                .iter()
                .position(|t| t.core.seat_of_token(token).is_some())
        {
            return Ok(t);
        }
        match table {
            Some(n) if n == 0 || usize::from(n) > self.tables.len() => Err(Refusal::NoSuchTable(n)),
            Some(n) => Ok(usize::from(n) - 1),
            None => Ok(self.emptiest()),
        }
    }

    /// The table with the fewest people (the first of equals) among those still playing:
    /// tables fill evenly.
    fn emptiest(&self) -> usize {
        (0..self.tables.len())
            .min_by_key(|t| {
                let core = &self.tables[*t].core;
                (core.session().phase == Phase::Ended, core.people(), *t)
            })
            .unwrap_or(0)
    }

    fn seat_at(
        &mut self,
        client: ClientId,
        kind: LinkKind,
        choice: Result<usize, Refusal>,
        now: Duration,
    ) -> Option<usize> {
        match choice {
            Ok(t) => {
                self.arriving.remove(&client);
                self.tables[t].core.connect_link(client, kind, now);
                self.routes.insert(client, t);
                Some(t)
            }
            Err(refusal) => {
                // Told why; a link that keeps talking without a hello is closed.
                let said = self.arriving.get_mut(&client).map_or(u32::MAX, |(_, n)| {
                    *n += 1;
                    *n
                });
                let refusal = if said > ARRIVING_PATIENCE {
                    Refusal::Flooding
                } else {
                    refusal
                };
                let fatal = refusal.is_fatal();
                let msg = HostMsg::Refused(refusal);
                match kind {
                    LinkKind::Udp => self.out.messages.push((client, protocol::encode(&msg))),
                    LinkKind::Web => self.out.web.push((client, host::WebFrame::of(&msg))),
                }
                if fatal {
                    self.arriving.remove(&client);
                    self.out.disconnect.push(client);
                }
                None
            }
        }
    }

    /// The facilitator moves a seat to another table while both wait in the lobby: the player's
    /// device is welcomed at the new table with a seat (and token) of its own, without a
    /// reconnect. The role comes along when the other table's deck has it.
    pub fn move_seat(
        &mut self,
        from: usize,
        seat: SeatId,
        to: usize,
        now: Duration,
    ) -> Result<(), String> {
        if from == to {
            return Ok(());
        }
        let (Some(a), Some(b)) = (self.tables.get(from), self.tables.get(to)) else {
            return Err(format!("there is no table {}", from.max(to) + 1));
        };
        if a.core.session().phase != Phase::Lobby || b.core.session().phase != Phase::Lobby {
            return Err("players move between tables in the lobby only".into());
        }
        let s = a.core.session();
        let Some(moving) = s.seats.get(&seat).cloned() else {
            return Err(format!("table {} has no seat #{seat}", from + 1));
        };
        let mut role = moving
            .role
            .map(|r| s.deck().roles[r].id.clone())
            .filter(|id| b.core.session().deck().roles.iter().any(|r| &r.id == id));
        // Tried on a copy first: nothing is taken from the first table before the second has
        // room. A full role there: the player comes without it and chooses one.
        let fits = |role: &Option<String>| {
            b.core.session().clone().apply(
                Sender::Facilitator,
                &Intent::AddSeat {
                    name: moving.name.clone(),
                    role: role.clone(),
                    bot: moving.bot,
                },
            )
        };
        if let Err(RuleError::RoleFull(_)) = fits(&role) {
            role = None;
        }
        if let Err(e) = fits(&role) {
            return Err(format!("table {}: {e}", to + 1));
        }
        if b.core.session().seat_named(&moving.name).is_some() {
            return Err(format!(
                "table {} already has someone called {}",
                to + 1,
                moving.name
            ));
        }
        let holders = a.core.holders(seat);
        let mut links = Vec::new();
        for client in holders {
            if let Some(link) = self.tables[from].core.release(client) {
                links.push((client, link));
            }
        }
        if let Err(e) = self.tables[from]
            .core
            .facilitate(&Intent::RemoveSeat { seat })
        {
            // The seat stays (the journal refused, say): its devices reconnect into it.
            for (client, _) in links {
                self.routes.remove(&client);
                self.out.disconnect.push(client);
            }
            return Err(e.to_string());
        }
        let b = &mut self.tables[to].core;
        match links.split_first() {
            Some(((client, link), rest)) => {
                b.arrive(*client, *link, moving.name.clone(), role, now);
                self.routes.insert(*client, to);
                // A second device in the same seat has nothing left to hold.
                for (client, _) in rest {
                    self.routes.remove(client);
                    self.out.disconnect.push(*client);
                }
            }
            None => {
                b.facilitate(&Intent::AddSeat {
                    name: moving.name,
                    role,
                    bot: moving.bot,
                })
                .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    /// The facilitator's intent at every table; each table's answer.
    pub fn facilitate_all(&mut self, intent: &Intent) -> Vec<Result<(), Refusal>> {
        self.tables
            .iter_mut()
            .map(|t| t.core.facilitate(intent).map(|_| ()))
            .collect()
    }

    /// Paces every table; true once every table has ended.
    pub fn tick(&mut self, now: Duration) -> bool {
        let mut ended = true;
        for t in &mut self.tables {
            ended &= t.director.tick(&mut t.core, now);
        }
        ended
    }

    /// Everything to send now, from every table and from the door.
    pub fn take_outgoing(&mut self, now: Duration) -> Outgoing {
        let mut out = std::mem::take(&mut self.out);
        for t in &mut self.tables {
            let o = t.core.take_outgoing(now);
            out.messages.extend(o.messages);
            out.web.extend(o.web);
            out.disconnect.extend(o.disconnect);
        }
        for client in &out.disconnect {
            self.routes.remove(client);
        }
        out
    }
}

/// The file that makes several journals one workshop: resumed whole, reported side by side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub name: String,
    pub join_code: String,
    pub created_unix: u64,
    /// The tables' journals, in table order, beside this file.
    pub tables: Vec<String>,
}

const MANIFEST_VERSION: u32 = 1;
pub(crate) const MANIFEST_EXTENSION: &str = "workshop";

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let m: Manifest = ron::from_str(&text)
            .map_err(|e| format!("{} is no workshop file: {e}", path.display()))?;
        if m.version != MANIFEST_VERSION {
            return Err(format!(
                "{} is a workshop file of version {}; this program reads version {MANIFEST_VERSION}",
                path.display(),
                m.version
            ));
        }
        if m.tables.is_empty() || m.tables.len() > MAX_TABLES {
            return Err(format!(
                "{} lists {} tables; a workshop has 1 to {MAX_TABLES}",
                path.display(),
                m.tables.len()
            ));
        }
        // The program writes the plain names of journals beside the file: a doctored one
        // cannot send a resume, a report or a forget anywhere else.
        if let Some(t) = m
            .tables
            .iter()
            .find(|t| Path::new(t.as_str()).file_name() != Some(std::ffi::OsStr::new(t.as_str())))
        {
            return Err(format!(
                "{} names a table's journal \"{t}\" elsewhere than beside it",
                path.display()
            ));
        }
        Ok(m)
    }

    /// The tables' journal paths.
    pub fn journals(&self, path: &Path) -> Vec<PathBuf> {
        let dir = path.parent().unwrap_or(Path::new("."));
        self.tables.iter().map(|t| dir.join(t)).collect()
    }

    fn write(&self, dir: &Path) -> Result<PathBuf, String> {
        let path = dir.join(format!(
            "kantelspel-{}-{}.{MANIFEST_EXTENSION}",
            self.created_unix, self.join_code
        ));
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| e.to_string())?;
        // Written whole and then renamed: a crash leaves no half a workshop file.
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }
}

/// Whether a path names a workshop file rather than one table's journal.
pub fn is_manifest(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == MANIFEST_EXTENSION)
}

/// What a new workshop is made of.
pub struct NewWorkshop<'a> {
    /// What every table shares (deck, rounds, code, journal folder, bots); each table gets its own
    /// seed (the given one plus the table's index).
    pub session: NewSession<'a>,
    /// 1 to `MAX_TABLES`.
    pub tables: usize,
    /// Decks for the tables in turn (table 1 the first, ...); `session.deck` for all when empty.
    pub decks: &'a [PathBuf],
    /// A director per table.
    pub director: &'a dyn Fn() -> Director,
}

/// Starts a workshop: one table is a plain session; several share the code, each with its own
/// seed and journal, listed in a workshop file beside the journals.
pub fn new_workshop(spec: NewWorkshop<'_>) -> Result<(Workshop, JoinCode), String> {
    if spec.tables == 0 || spec.tables > MAX_TABLES {
        return Err(format!(
            "{} tables: a workshop has 1 to {MAX_TABLES}",
            spec.tables
        ));
    }
    let mut code = spec.session.code.clone();
    let first_seed = spec
        .session
        .seed
        .unwrap_or_else(super::code::random_client_id);
    let several = spec.tables > 1;
    let mut tables = Vec::new();
    let mut name = String::new();
    for i in 0..spec.tables {
        let deck = match spec.decks {
            [] => spec.session.deck,
            decks => Some(decks[i % decks.len()].as_path()),
        };
        let (core, c) = host::new_session(NewSession {
            deck,
            seed: Some(first_seed.wrapping_add(i as u64)),
            rounds: spec.session.rounds,
            code: code.clone(),
            journal_dir: spec.session.journal_dir,
            name: spec.session.name.clone(),
            bots: spec.session.bots,
            programme: spec.session.programme.clone(),
        })?;
        if i == 0 {
            name = core.name().to_string();
        }
        code = Some(c);
        tables.push(Table {
            core,
            director: (spec.director)(),
        });
    }
    let code = code.ok_or("no table")?;
    let mut workshop = Workshop::new(name, tables);
    if several && let Some(dir) = spec.session.journal_dir {
        let manifest = Manifest {
            version: MANIFEST_VERSION,
            name: workshop.name.clone(),
            join_code: code.to_string(),
            created_unix: super::code::now().as_secs(),
            tables: workshop
                .tables
                .iter()
                .filter_map(|t| t.core.journal_path())
                .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                .collect(),
        };
        workshop.manifest = Some(manifest.write(dir)?);
    }
    Ok((workshop, code))
}

/// A workshop rebuilt from its file: every table from its journal, with the workshop's code.
pub struct ResumedWorkshop {
    pub workshop: Workshop,
    pub code: JoinCode,
    /// Damage found in the journals, for the facilitator.
    pub notes: Vec<String>,
}

pub fn resume_workshop(
    path: &Path,
    code: Option<&str>,
    director: &dyn Fn() -> Director,
) -> Result<ResumedWorkshop, String> {
    let manifest = Manifest::read(path)?;
    let code = code.unwrap_or(&manifest.join_code);
    let mut tables = Vec::new();
    let mut notes = Vec::new();
    for (i, journal) in manifest.journals(path).iter().enumerate() {
        let resumed = host::resume(journal, Some(code), Some(manifest.name.clone()))
            .map_err(|e| format!("table {}: {e}", i + 1))?;
        if let Some(note) = resumed.note {
            notes.push(format!("table {}: {note}", i + 1));
        }
        tables.push(Table {
            core: resumed.core,
            director: director(),
        });
    }
    let code = JoinCode::parse(code).map_err(|e| e.to_string())?;
    let mut workshop = Workshop::new(manifest.name, tables);
    workshop.manifest = Some(path.to_path_buf());
    Ok(ResumedWorkshop {
        workshop,
        code,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workshop_file_that_names_a_journal_elsewhere_is_refused() {
        let dir = std::env::temp_dir().join(format!("kantelspel-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut m = Manifest {
            version: MANIFEST_VERSION,
            name: "Raadzaal".into(),
            join_code: "ABC-DEF".into(),
            created_unix: 1,
            tables: vec!["t1.journal".into(), "t2.journal".into()],
        };
        let path = m.write(&dir).unwrap();
        let read = Manifest::read(&path).unwrap();
        assert_eq!(
            read.journals(&path),
            vec![dir.join("t1.journal"), dir.join("t2.journal")]
        );
        for elsewhere in ["../t1.journal", "/etc/t2.journal", "sub/t3.journal"] {
            m.tables[1] = elsewhere.into();
            let path = m.write(&dir).unwrap();
            let refused = Manifest::read(&path).unwrap_err();
            assert!(refused.contains(elsewhere), "{refused}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
