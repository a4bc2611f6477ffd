//! The window draws when something on it changes, not every time it wakes. The hosting window
//! wakes twenty times a second to serve the room's network; drawing a frame costs ~40 ms of CPU on
//! a software renderer, so drawing on every wake-up kept a core busy while nobody did anything.
//! A frame is drawn for input and window changes (and a few frames after, so a click's action
//! shows), egui asking for a repaint (when it falls due), a change in the session or the
//! connection, a screen or status change, and every few seconds; otherwise the egui pass, the
//! cameras and the render world rest, and the window keeps its last picture.

use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{EguiFullOutput, EguiInput, EguiPostUpdateSet, EguiPreUpdateSet};

use super::i18n::Tr;
use super::screens::{Screen, Status};
use crate::net::plugin::{ClientLink, HostLink};

/// Frames drawn after the last reason to draw: a click's effect shows a frame later.
const SETTLE_FRAMES: u8 = 3;
/// Drawn at least this often anyway, in case something changed that no rule above saw.
const HEARTBEAT: Duration = Duration::from_secs(5);

/// Whether this frame is drawn, and what the decision is taken from.
#[derive(Resource, Default)]
pub(crate) struct Drawing {
    pub now: bool,
    /// What the screens show from outside the window, hashed: the session, the connection.
    stamp: u64,
    /// The host's change count last seen, for the timing line.
    news: Option<u64>,
    /// When egui asked to be drawn again.
    repaint_at: Option<Instant>,
    last_drawn: Option<Instant>,
    settle: u8,
    /// Frames drawn and frames rested, for the timing line.
    pub drawn: u64,
    pub rested: u64,
}

pub fn plugin(app: &mut App) {
    let drawing = |d: Res<Drawing>| d.now;
    app.init_resource::<Drawing>()
        .add_systems(
            PreUpdate,
            decide
                .after(EguiPreUpdateSet::ProcessInput)
                .after(crate::net::plugin::NetReceive)
                .before(EguiPreUpdateSet::BeginPass),
        )
        .add_systems(
            PostUpdate,
            note_repaint
                .after(EguiPostUpdateSet::EndPass)
                .before(EguiPostUpdateSet::ProcessOutput),
        )
        .configure_sets(PreUpdate, EguiPreUpdateSet::BeginPass.run_if(drawing))
        .configure_sets(
            PostUpdate,
            (
                EguiPostUpdateSet::EndPass,
                EguiPostUpdateSet::ProcessOutput,
                EguiPostUpdateSet::PostProcessOutput,
            )
                .run_if(drawing),
        );
}

/// What the screens show that comes from outside the window: the host's session and roster, its
/// timer, the player's view and countdown, the link's state.
fn stamp(host: Option<&HostLink>, client: Option<&ClientLink>) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    if let Some(host) = host {
        // Every table: the all-tables board shows them all. (Which table the window shows
        // changes only by a click, which redraws anyway.)
        (host.workshop.changes(), host.ended).hash(&mut h);
        for t in host.workshop.tables() {
            t.core.timer_left().hash(&mut h);
        }
        host.workshop.client_count().hash(&mut h);
    }
    if let Some(client) = client {
        (
            client.core.version,
            client.core.seconds_left(),
            &client.status,
        )
            .hash(&mut h);
    }
    h.finish()
}

#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    mut drawing: ResMut<Drawing>,
    inputs: Query<&EguiInput>,
    windows: Query<(), Changed<Window>>,
    host: Option<Res<HostLink>>,
    client: Option<Res<ClientLink>>,
    screen: Res<State<Screen>>,
    status: Res<Status>,
    tr: Res<Tr>,
    settings: Res<WinitSettings>,
    mut cameras: Query<&mut Camera>,
) {
    let now = Instant::now();
    let stamp = stamp(host.as_deref(), client.as_deref());
    // Input and window changes settle over a few frames (a click's action is carried out in
    // the next frame); news from outside is drawn once, and egui asks for more if it needs them.
    let input = settings.focused_mode == UpdateMode::Continuous
        || inputs.iter().any(|i| !i.0.events.is_empty())
        || !windows.is_empty();
    let reason = input
        || stamp != drawing.stamp
        || screen.is_changed()
        || status.is_changed()
        || tr.is_changed()
        || drawing.repaint_at.is_some_and(|at| now >= at)
        || drawing
            .last_drawn
            .is_none_or(|t| now.duration_since(t) >= HEARTBEAT);
    let news = host.as_deref().map(|h| h.workshop.changes());
    if news != drawing.news {
        drawing.news = news;
        if std::env::var_os("KANTELSPEL_TIMING").is_some() {
            // For docs/measure/host_window.sh: when the frame that shows a vote starts drawing.
            eprintln!("news drawn at {}", crate::cpu::unix_ms());
        }
    }
    drawing.stamp = stamp;
    if input {
        drawing.settle = SETTLE_FRAMES;
    }
    let draw = reason || drawing.settle > 0;
    if draw {
        drawing.settle = drawing.settle.saturating_sub(1);
        drawing.last_drawn = Some(now);
        drawing.repaint_at = None;
        drawing.drawn += 1;
    } else {
        drawing.rested += 1;
    }
    drawing.now = draw;
    for mut camera in &mut cameras {
        if camera.is_active != draw {
            camera.is_active = draw;
        }
    }
}

/// When egui wants the next frame: at once after an animation step, later for a blinking cursor
/// or a tooltip, never when nothing moves.
fn note_repaint(mut drawing: ResMut<Drawing>, outputs: Query<&EguiFullOutput>) {
    let now = Instant::now();
    for output in &outputs {
        let Some(full) = output.0.as_ref() else {
            continue;
        };
        for viewport in full.viewport_output.values() {
            let delay = viewport.repaint_delay;
            if delay < Duration::from_secs(3600) {
                let at = now + delay;
                drawing.repaint_at = Some(drawing.repaint_at.map_or(at, |t| t.min(at)));
            }
        }
    }
}

/// The render world runs only for frames that draw: on the others there is nothing to extract
/// and no camera to render, but extraction and the render schedule still cost a rested wake-up
/// about as much as the rest of it. Its clock is still sent, as Bevy's render world does on every
/// frame, so the main world's time runs on.
pub(crate) fn render_only_drawn_frames(app: &mut App) {
    use bevy::ecs::schedule::ScheduleLabel;
    let Some(render) = app.get_sub_app_mut(bevy::render::RenderApp) else {
        return;
    };
    let Some(inner) = render.update_schedule else {
        return;
    };
    let mut extract = render.take_extract();
    render.set_extract(move |main, world| {
        let draw = main.get_resource::<Drawing>().is_none_or(|d| d.now);
        world.insert_resource(DrawThisFrame(draw));
        if draw && let Some(f) = extract.as_mut() {
            f(main, world);
        }
    });
    render.insert_resource(RenderSchedule(inner));
    render.add_systems(RenderWhenDrawn, |world: &mut World| {
        if world.get_resource::<DrawThisFrame>().is_none_or(|d| d.0) {
            let inner = world.resource::<RenderSchedule>().0;
            world.run_schedule(inner);
        } else if let Some(time) = world.get_resource::<bevy::time::TimeSender>() {
            let _ = time.0.try_send(std::time::Instant::now());
        }
    });
    render.update_schedule = Some(RenderWhenDrawn.intern());
}

#[derive(bevy::ecs::schedule::ScheduleLabel, Debug, Hash, PartialEq, Eq, Clone)]
struct RenderWhenDrawn;

#[derive(Resource)]
struct DrawThisFrame(bool);

/// Bevy's own render schedule, run from `RenderWhenDrawn`.
#[derive(Resource)]
struct RenderSchedule(bevy::ecs::intern::Interned<dyn bevy::ecs::schedule::ScheduleLabel>);
