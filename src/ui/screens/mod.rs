//! The screens: one `Screen` state and the actions buttons produce. Each screen's module owns
//! its form, the systems that carry out its buttons' actions, its plugin and its drawing; this
//! file only wires them, and holds what every screen shares.

pub mod debrief;
pub mod facilitator;
pub mod host;
pub mod join;
pub mod round;
pub mod start;
pub(crate) mod widgets;

use std::net::SocketAddr;
use std::path::PathBuf;

use bevy::prelude::*;

use crate::net::plugin::{ClientLink, HostLink, LinkStatus};
use crate::net::transport::{ClientTransport, ServerTransport};
use crate::rules::session::{Intent, Phase};
use crate::rules::{Lang, Text};

use super::i18n::Tr;

pub use debrief::Replay;
pub use host::{HostForm, HostSetup, host_session, resume_session};
pub use join::{JoinForm, SeatMemory};

#[derive(States, Default, Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Screen {
    #[default]
    Start,
    Host,
    Join,
    Round,
    Facilitator,
    Debrief,
}

impl Screen {
    const ALL: [Screen; 6] = [
        Screen::Start,
        Screen::Host,
        Screen::Join,
        Screen::Round,
        Screen::Facilitator,
        Screen::Debrief,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Screen::Start => "start",
            Screen::Host => "host",
            Screen::Join => "join",
            Screen::Round => "round",
            Screen::Facilitator => "facilitator",
            Screen::Debrief => "debrief",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Screen> {
        Screen::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What a button asks for. Screens only send these; `carry_out` does the work.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum UiAction {
    GoTo(Screen),
    SetLang(Lang),
    Host(HostSetup),
    /// Host a session again from its journal (the facilitator's laptop crashed or restarted);
    /// `local_only` as in [`HostSetup`].
    Resume {
        path: PathBuf,
        local_only: bool,
    },
    Practise {
        name: String,
        role: String,
    },
    Join {
        addr: SocketAddr,
        code: String,
        name: String,
    },
    ChooseRole(String),
    Vote(usize),
    Facilitate(Intent),
    /// The same intent at every table of the workshop.
    FacilitateAll(Intent),
    /// An intent at one table (from the all-tables board).
    FacilitateAt(usize, Intent),
    /// Look at one table, or at all of them at once (`None`).
    ShowTable(Option<usize>),
    /// Move a seat of the table in front to another table (in the lobby).
    SeatAt {
        seat: u32,
        table: usize,
    },
    /// The door after the start: let a waiting player in (into `role`, or what they asked for,
    /// or the seat they claim), or send them away.
    Admit {
        client: u64,
        role: Option<String>,
    },
    TurnAway(u64),
    /// Let newcomers in without asking, or not.
    SetRoomOpen(bool),
    /// Leave the session (or stop hosting) and go back to the start.
    Leave,
    /// Save the report; `names`: with the players' names (else roles and seats).
    Export {
        names: bool,
    },
    /// In a replay: show the session as it stood after this round.
    ReplayRound(u32),
    /// Show the deck map of this deck file (the default deck when `None`).
    ShowDeckMap(Option<PathBuf>),
    /// Open the projector window, for the beamer.
    OpenProjector,
    /// The answer to the offer of the old journal folder: move its journals (true) or leave
    /// them where they are.
    OldJournals(bool),
    /// Save the facilitator's settings (retention, the archive).
    SaveSettings,
    /// Delete a journal (or workshop file) and what belongs to it.
    Forget(PathBuf),
    /// Replace the names in a journal (or a workshop's) by role and number.
    Pseudonymise(PathBuf),
}

/// The table this window shows and acts on, or all of them at once: the window's own choice
/// (the serve console keeps its own), so the host knows nothing of what a screen looks at.
#[derive(Resource, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    pub table: usize,
    /// The facilitator (and the projector) look at all tables at once.
    pub all: bool,
}

impl Shown {
    /// The shown table's core.
    pub fn core<'a>(&self, host: &'a HostLink) -> &'a crate::net::host::HostCore {
        host.core_at(self.table)
    }

    pub fn core_mut<'a>(&self, host: &'a mut HostLink) -> &'a mut crate::net::host::HostCore {
        host.core_at_mut(self.table)
    }

    /// The shown table as the window draws it.
    pub(crate) fn desk(&self, host: &HostLink) -> std::sync::Arc<crate::net::desk::TableDesk> {
        host.desk(self.table)
    }

    /// Moves the window to table `t`, if the workshop has it.
    pub fn show(&mut self, host: &HostLink, t: usize) {
        if t < host.workshop.len() {
            self.table = t;
        }
    }
}

/// A message for the person at the screen: what went wrong, or what just happened.
#[derive(Resource, Default, Debug)]
pub struct Status {
    pub error: Option<String>,
    pub info: Option<String>,
}

/// Tears down whatever session this window had.
fn leave(world: &mut World) {
    world.remove_resource::<HostLink>();
    world.insert_resource(Shown::default());
    world.remove_resource::<crate::net::deck_reload::DeckFileWatch>();
    world.remove_resource::<ServerTransport>();
    world.remove_resource::<bevy_renet::RenetServer>();
    if let Some(mut t) = world.get_resource_mut::<ClientTransport>() {
        t.disconnect();
    }
    world.remove_resource::<ClientLink>();
    world.remove_resource::<ClientTransport>();
    world.remove_resource::<bevy_renet::RenetClient>();
}

/// Screens follow the session: a player sees the debrief when it ends, the facilitator's
/// lobby turns into the facilitator screen when it starts.
fn follow_session(
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    client: Option<Res<ClientLink>>,
    host: Option<Res<HostLink>>,
    shown: Res<Shown>,
) {
    let player_ended = client
        .as_ref()
        .and_then(|c| c.core.view.as_ref())
        .is_some_and(|v| v.phase == Phase::Ended);
    let host_started = host
        .as_ref()
        .is_some_and(|h| shown.desk(h).view.phase != Phase::Lobby);
    match screen.get() {
        Screen::Round if player_ended => next.set(Screen::Debrief),
        Screen::Host if host_started => next.set(Screen::Facilitator),
        _ => {}
    }
}

/// A player's connection in words, for the top bar.
pub(crate) fn link_words(tr: &Tr, link: &ClientLink) -> (String, bool) {
    match &link.status {
        LinkStatus::Connected => (tr.t("link.connected").to_string(), true),
        LinkStatus::Connecting => (tr.t("link.connecting").to_string(), false),
        LinkStatus::Reconnecting => (tr.t("link.reconnecting").to_string(), false),
        // A refusal from the host in the window's language; other failures as they came.
        LinkStatus::Failed(why) => match &link.core.fatal {
            Some(r) => (
                format!("{} {}", tr.t("link.failed"), r.text().get(tr.lang)),
                false,
            ),
            None => (format!("{} {why}", tr.t("link.failed")), false),
        },
    }
}

/// A deck text in the current language.
pub fn tx<'a>(tr: &Tr, t: &'a Text) -> &'a str {
    t.get(tr.lang)
}

/// The order of the screens' systems in a frame: the actions of this frame, then following
/// the session.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ScreenStep {
    /// What every screen shares, first: a new action clears the last error.
    Common,
    Act,
    Follow,
}

/// Headless logic of the screens: states, actions, transitions; each screen adds its own.
/// Drawing is `ScreensUiPlugin`.
pub struct ScreensPlugin;

impl Plugin for ScreensPlugin {
    fn build(&self, app: &mut App) {
        app.init_state::<Screen>()
            .add_message::<UiAction>()
            .init_resource::<Status>()
            .init_resource::<Shown>()
            .init_resource::<Tr>()
            .configure_sets(
                Update,
                (ScreenStep::Common, ScreenStep::Act, ScreenStep::Follow).chain(),
            )
            .add_systems(
                Update,
                (
                    act.in_set(ScreenStep::Common),
                    tell_language
                        .after(act)
                        .in_set(ScreenStep::Common)
                        .run_if(resource_changed::<Tr>.or_eager(resource_added::<ClientLink>)),
                    follow_session.in_set(ScreenStep::Follow),
                ),
            )
            .add_plugins((
                host::plugin,
                join::plugin,
                round::plugin,
                facilitator::plugin,
                debrief::plugin,
            ));
    }
}

/// The host sends a player's texts in the language their screen shows: it hears of every switch
/// (and a connection's hello carries the language of the moment).
fn tell_language(tr: Res<Tr>, client: Option<ResMut<ClientLink>>) {
    if let Some(mut link) = client
        && link.core.lang() != tr.lang
    {
        link.core.set_lang(tr.lang);
    }
}

/// Draws every screen with egui (windowed runs only).
pub(crate) struct ScreensUiPlugin;

impl Plugin for ScreensUiPlugin {
    fn build(&self, app: &mut App) {
        use bevy_egui::EguiPrimaryContextPass;
        app.add_systems(
            EguiPrimaryContextPass,
            (
                start::draw.run_if(in_state(Screen::Start)),
                host::draw.run_if(in_state(Screen::Host)),
                join::draw.run_if(in_state(Screen::Join)),
                round::draw.run_if(in_state(Screen::Round)),
                facilitator::draw.run_if(in_state(Screen::Facilitator)),
                debrief::draw.run_if(in_state(Screen::Debrief)),
            ),
        )
        // Over whichever screen is open, drawn last.
        .add_systems(
            EguiPrimaryContextPass,
            crate::ui::deck_map::draw
                .after(start::draw)
                .after(host::draw)
                .after(join::draw)
                .after(round::draw)
                .after(facilitator::draw)
                .after(debrief::draw),
        );
    }
}

/// What every screen shares: a new action clears the last error; going to a screen, the
/// language, leaving.
fn act(
    mut commands: Commands,
    mut actions: MessageReader<UiAction>,
    mut next: ResMut<NextState<Screen>>,
    mut status: ResMut<Status>,
    mut tr: ResMut<Tr>,
) {
    for action in actions.read() {
        status.error = None;
        match action.clone() {
            UiAction::GoTo(s) => next.set(s),
            UiAction::SetLang(l) => tr.lang = l,
            UiAction::Leave => {
                commands.queue(leave);
                commands.remove_resource::<Replay>();
                next.set(Screen::Start);
            }
            _ => {}
        }
    }
}
