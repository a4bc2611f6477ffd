//! The projector window: a second window the facilitator drags to the beamer, showing the board
//! for the room (no controls, no role briefings) while the laptop's window keeps the controls.

use bevy::camera::RenderTarget;
use bevy::ecs::schedule::ScheduleLabel;
use bevy::prelude::*;
use bevy::window::{WindowClosed, WindowRef, WindowResolution};
use bevy_egui::{EguiContext, EguiSchedule, egui};

use super::i18n::Tr;
use super::screens::UiAction;
use super::screens::facilitator::board;
use super::theme;
use crate::net::plugin::HostLink;

/// The egui pass that draws the projector window.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct ProjectorPass;

/// The projector's window.
#[derive(Component)]
pub struct ProjectorWindow;

/// The camera that draws into it.
#[derive(Component)]
struct ProjectorCamera;

/// The projector view is read from the back of the room: everything a third larger than on the
/// laptop, and larger still on a large beamer.
const ZOOM: f32 = 1.35;

pub fn plugin(app: &mut App) {
    app.add_systems(Update, (open, close))
        .add_systems(ProjectorPass, draw);
}

/// The size the projector window opens at (the facilitator drags it to the beamer and makes it
/// full screen there; `--projector-size` opens it at the beamer's size at once).
#[derive(Resource, Clone, Copy, Debug)]
pub struct ProjectorSize(pub u32, pub u32);

impl Default for ProjectorSize {
    fn default() -> Self {
        ProjectorSize(1280, 720)
    }
}

/// Opens the window once (a second click brings nothing new).
fn open(
    mut commands: Commands,
    mut actions: MessageReader<UiAction>,
    tr: Res<Tr>,
    size: Option<Res<ProjectorSize>>,
    open: Query<(), With<ProjectorWindow>>,
) {
    let asked = actions.read().any(|a| matches!(a, UiAction::OpenProjector));
    if asked && open.is_empty() {
        spawn(&mut commands, &tr, size.map(|s| *s).unwrap_or_default());
    }
}

/// Spawns the projector window and its camera.
pub fn spawn(commands: &mut Commands, tr: &Tr, size: ProjectorSize) -> Entity {
    let window = commands
        .spawn((
            Window {
                title: format!("Kantelspel — {}", tr.t("fac.projector")),
                resolution: WindowResolution::new(size.0, size.1),
                ..default()
            },
            ProjectorWindow,
        ))
        .id();
    commands.spawn((
        Camera2d,
        bevy::render::view::Msaa::Off,
        RenderTarget::Window(WindowRef::Entity(window)),
        EguiSchedule::new(ProjectorPass),
        ProjectorCamera,
    ));
    window
}

/// A closed projector window takes its camera with it (the laptop's window stays).
fn close(
    mut commands: Commands,
    mut closed: MessageReader<WindowClosed>,
    windows: Query<(), With<ProjectorWindow>>,
    cameras: Query<Entity, With<ProjectorCamera>>,
) {
    if closed.read().next().is_some() && windows.is_empty() {
        for camera in &cameras {
            commands.entity(camera).despawn();
        }
    }
}

fn draw(
    context: Single<(Entity, &mut EguiContext), With<ProjectorCamera>>,
    windows: Query<&Window, With<ProjectorWindow>>,
    tr: Res<Tr>,
    host: Option<Res<HostLink>>,
    resolution: Res<super::screens::facilitator::Resolution>,
    shown: Res<super::screens::Shown>,
    // Which window's context was styled, at which scale: a reopened window has a fresh one.
    mut styled: Local<Option<(Entity, f32)>>,
) {
    let (camera, mut context) = context.into_inner();
    let ctx = context.get_mut();
    let height = windows.iter().next().map_or(720.0, |w| w.height());
    let scale = (height / 768.0).clamp(1.0, 2.0);
    if styled.is_none_or(|(c, s)| c != camera || (s - scale).abs() > 0.01) {
        theme::apply(ctx, scale);
        ctx.set_zoom_factor(ZOOM);
        *styled = Some((camera, scale));
    }
    let mut root = theme::root(ctx);
    let Some(host) = host else {
        egui::CentralPanel::default().show(&mut root, |ui| {
            ui.heading(tr.t("round.no_session"));
        });
        return;
    };
    let width = ctx.content_rect().width();
    board(&mut root, width, &tr, &host, *shown, None, &resolution);
}
