//! The game window: Bevy with egui, the same host and client plugins as `serve` and `bot`, and
//! one screen at a time.

mod demo;
pub mod export;
pub mod i18n;
pub mod screens;
pub mod theme;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::window::WindowResolution;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass};

use crate::net::plugin::{ClientPlugin, HostPlugin};
use crate::rules::Lang;
use i18n::Tr;
use screens::{Screen, ScreensPlugin, ScreensUiPlugin};

/// Frames to wait before a screenshot, so layout and fonts have settled.
const SCREENSHOT_AFTER_FRAMES: u32 = 12;
/// Give up on a screenshot that never arrives.
const SCREENSHOT_GIVE_UP_FRAMES: u32 = 900;

#[derive(Clone, Debug, Default)]
pub struct WindowOptions {
    pub screenshot: Option<PathBuf>,
    pub screen: Option<Screen>,
    pub demo: bool,
    pub lang: Lang,
    /// Open the debrief on a session read from its journal.
    pub replay: Option<screens::Replay>,
}

pub fn run(opts: WindowOptions) -> i32 {
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Kantelspel".into(),
                    resolution: WindowResolution::new(1366, 768),
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                level: bevy::log::Level::WARN,
                ..default()
            }),
    );
    // Sleep while nothing happens, but wake often enough to keep the connection alive while
    // the window is in the background or minimised (netcode gives up after 15 s of silence).
    app.insert_resource(if opts.screenshot.is_some() {
        WinitSettings {
            focused_mode: UpdateMode::Continuous,
            unfocused_mode: UpdateMode::Continuous,
        }
    } else {
        WinitSettings {
            focused_mode: UpdateMode::reactive(Duration::from_millis(100)),
            unfocused_mode: UpdateMode::reactive_low_power(Duration::from_millis(250)),
        }
    });
    app.add_plugins(EguiPlugin::default())
        .add_plugins((HostPlugin, ClientPlugin, ScreensPlugin, ScreensUiPlugin))
        .insert_resource(Tr::new(opts.lang))
        .add_systems(Startup, |mut commands: Commands| {
            commands.spawn(Camera2d);
        })
        .add_systems(EguiPrimaryContextPass, style.before(screens::start::draw));
    if std::env::var_os("KANTELSPEL_TIMING").is_some() {
        app.add_systems(Last, first_frame);
    }
    if let Some(replay) = opts.replay.clone() {
        app.insert_resource(replay)
            .add_systems(Startup, |mut next: ResMut<NextState<Screen>>| {
                next.set(Screen::Debrief)
            });
    }
    if let Some(path) = opts.screenshot.clone() {
        let screen = opts.screen.unwrap_or_default();
        if opts.demo {
            app.add_systems(Startup, move |world: &mut World| demo::setup(world, screen));
        } else {
            app.add_systems(Startup, move |mut next: ResMut<NextState<Screen>>| {
                next.set(screen)
            });
        }
        app.insert_resource(ShotPlan {
            path,
            frame: 0,
            done: Arc::new(AtomicBool::new(false)),
            taken_at: None,
        })
        .add_systems(Update, shoot);
    }
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(c) => i32::from(c.get()),
    }
}

/// With `KANTELSPEL_TIMING` set: how long the process took to its first rendered frame.
fn first_frame(frames: Res<bevy::diagnostic::FrameCount>, mut told: Local<bool>) {
    if !*told && frames.0 >= 1 {
        *told = true;
        let t = crate::started().elapsed();
        eprintln!("first frame after {} ms", t.as_millis());
    }
}

/// Applies the theme, scaled to the window: larger on a projector.
fn style(mut contexts: EguiContexts, windows: Query<&Window>, mut last: Local<f32>) -> Result {
    let height = windows.iter().next().map_or(768.0, |w| w.height());
    let scale = (height / 768.0).clamp(1.0, 1.8);
    if (scale - *last).abs() > 0.01 {
        theme::apply(contexts.ctx_mut()?, scale);
        *last = scale;
    }
    Ok(())
}

#[derive(Resource)]
struct ShotPlan {
    path: PathBuf,
    frame: u32,
    done: Arc<AtomicBool>,
    taken_at: Option<u32>,
}

fn shoot(mut commands: Commands, mut plan: ResMut<ShotPlan>, mut exit: MessageWriter<AppExit>) {
    plan.frame += 1;
    if plan.frame == SCREENSHOT_AFTER_FRAMES {
        let done = Arc::clone(&plan.done);
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(plan.path.clone()))
            .observe(move |_: On<ScreenshotCaptured>| done.store(true, Ordering::SeqCst));
    }
    if plan.done.load(Ordering::SeqCst) && plan.taken_at.is_none() {
        plan.taken_at = Some(plan.frame);
    }
    // A few frames more for the file to be written.
    if plan.taken_at.is_some_and(|t| plan.frame >= t + 3) {
        exit.write(AppExit::Success);
    }
    if plan.frame > SCREENSHOT_GIVE_UP_FRAMES {
        eprintln!("error: no screenshot after {SCREENSHOT_GIVE_UP_FRAMES} frames");
        exit.write(AppExit::from_code(4));
    }
}
