//! The facilitator's screen, which doubles as the projector view: large meters, the card, who
//! is connected and who has voted, and the controls. Projector mode hides the controls and the
//! role briefings the room should not see.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use std::time::{Duration, Instant};

use super::round::{decided, deltas, phase_words, split_words};
use super::{HostForm, Screen, ScreenStep, Shown, Status, UiAction, tx};
use crate::net::plugin::HostLink;
use crate::net::protocol::Refusal;
use crate::rules::session::{Intent, Phase, RuleError};
use crate::rules::view::MeterMove;
use crate::ui::i18n::Tr;
use crate::ui::theme;

mod board;
mod controls;
mod event;
mod tables;

use super::widgets::*;
pub use board::board;
use controls::{controls, notes};
use event::resolution_event;
use tables::all_tables;

#[allow(clippy::too_many_arguments)]
pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<HostForm>,
    host: Option<Res<HostLink>>,
    mut actions: MessageWriter<UiAction>,
    resolution: Res<Resolution>,
    // The card picked in the controls, and the note being written.
    mut picked: Local<(String, String)>,
    shown: Res<Shown>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    let Some(host) = host else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            ui.label(tr.t("round.no_session"));
            if ui.button(tr.t("common.back")).clicked() {
                actions.write(UiAction::Leave);
            }
        });
        return Ok(());
    };
    let width = ctx.content_rect().width();
    let controls = Controls {
        projector: &mut form.projector,
        actions: &mut actions,
        picked: &mut picked,
        status: &status,
    };
    board(
        &mut root,
        width,
        &tr,
        &host,
        *shown,
        Some(controls),
        &resolution,
    );
    Ok(())
}

/// How long a resolution stays the projector's event: the outcome, who decided, the split and
/// each meter's change, large, before the board comes back.
const RESOLUTION_EVENT: Duration = Duration::from_secs(8);

/// When the table on the board last resolved a step.
#[derive(Resource, Default, Debug)]
pub struct Resolution {
    /// The table shown and its number of decisions.
    key: Option<(usize, usize)>,
    at: Option<Instant>,
}

impl Resolution {
    /// The time left of the current resolution's event, if one is on.
    pub(crate) fn event_left(&self) -> Option<Duration> {
        let at = self.at?;
        RESOLUTION_EVENT
            .checked_sub(at.elapsed())
            .filter(|d| !d.is_zero())
    }
}

/// Notes the moment the table on the board decides (not a switch to another table).
fn note_resolution(
    host: Option<Res<HostLink>>,
    shown: Res<Shown>,
    mut resolution: ResMut<Resolution>,
) {
    let Some(host) = host else {
        *resolution = Resolution::default();
        return;
    };
    let key = (shown.table, shown.desk(&host).view.decisions.len());
    if resolution.key == Some(key) {
        return;
    }
    if resolution
        .key
        .is_some_and(|(table, decided)| table == key.0 && decided < key.1)
    {
        resolution.at = Some(Instant::now());
    } else {
        resolution.at = None;
    }
    resolution.key = Some(key);
}

/// What the facilitator's own window adds to the board: the controls.
pub struct Controls<'a, 'w> {
    pub projector: &'a mut bool,
    pub actions: &'a mut MessageWriter<'w, UiAction>,
    pub picked: &'a mut (String, String),
    pub status: &'a Status,
}

/// The facilitator's screen.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Resolution>().add_systems(
        Update,
        (
            act.in_set(ScreenStep::Act),
            note_resolution.in_set(ScreenStep::Follow),
        ),
    );
}

/// The facilitator's buttons: the session's course, and the door after the start.
pub(super) fn act(
    mut actions: MessageReader<UiAction>,
    mut next: ResMut<NextState<Screen>>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
    mut host: Option<ResMut<HostLink>>,
    mut shown: ResMut<Shown>,
) {
    for action in actions.read() {
        match action.clone() {
            UiAction::Facilitate(intent) => {
                if let Some(h) = host.as_mut()
                    && let Err(e) = shown.core_mut(h).facilitate(&intent)
                {
                    status.error = Some(e.text().get(tr.lang).to_string());
                }
                if matches!(intent, Intent::Start) && status.error.is_none() {
                    next.set(Screen::Facilitator);
                }
            }
            UiAction::Admit { client, role } => {
                if let Some(h) = host.as_mut()
                    && let Err(e) = shown.core_mut(h).admit(client, role)
                {
                    status.error = Some(e.text().get(tr.lang).to_string());
                }
            }
            UiAction::TurnAway(client) => {
                if let Some(h) = host.as_mut() {
                    shown.core_mut(h).turn_away(client);
                }
            }
            UiAction::SetRoomOpen(open) => {
                if let Some(h) = host.as_mut() {
                    shown.core_mut(h).set_room_open(open);
                }
            }
            UiAction::FacilitateAll(intent) => {
                if matches!(intent, Intent::Start) {
                    next.set(Screen::Facilitator);
                }
                if let Some(h) = host.as_mut() {
                    // Each table where it applies: a table already past its start stays as it is.
                    let refused: Vec<String> = h
                        .workshop
                        .facilitate_all(&intent)
                        .into_iter()
                        .enumerate()
                        .filter_map(|(t, r)| r.err().map(|e| (t, e)))
                        .filter(|(_, e)| !matches!(e, Refusal::Rule(RuleError::WrongPhase { .. })))
                        .map(|(t, e)| {
                            format!(
                                "{} {}: {}",
                                tr.t("common.table"),
                                t + 1,
                                e.text().get(tr.lang)
                            )
                        })
                        .collect();
                    status.error = (!refused.is_empty()).then(|| refused.join(" · "));
                }
            }
            UiAction::FacilitateAt(t, intent) => {
                if let Some(h) = host.as_mut()
                    && let Some(table) = h.workshop.table_mut(t)
                    && let Err(e) = table.core.facilitate(&intent)
                {
                    status.error = Some(format!(
                        "{} {}: {}",
                        tr.t("common.table"),
                        t + 1,
                        e.text().get(tr.lang)
                    ));
                }
            }
            UiAction::ShowTable(t) => {
                if let Some(h) = host.as_mut() {
                    match t {
                        Some(t) => {
                            shown.show(h, t);
                            shown.all = false;
                        }
                        None => shown.all = true,
                    }
                    status.error = None;
                }
            }
            UiAction::SeatAt { seat, table } => {
                if let Some(h) = host.as_mut() {
                    let (from, now) = (shown.table, h.now());
                    status.error = h.workshop.move_seat(from, seat, table, now).err();
                }
            }
            _ => {}
        }
    }
}
