//! The game window: Bevy with egui, the same host and client plugins as `serve` and `bot`, and
//! one screen at a time.

pub mod deck_map;
mod demo;
mod drawing;
pub mod export;
pub mod i18n;
pub mod projector;
pub mod screens;
pub(crate) mod theme;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::window::WindowResolution;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{
    EguiContexts, EguiInput, EguiPlugin, EguiPreUpdateSet, EguiPrimaryContextPass, egui,
};

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
    /// Tables in the demo's workshop.
    pub demo_tables: usize,
    /// The demo closes its vote a moment after opening.
    pub demo_resolve: bool,
    pub lang: Lang,
    /// The facilitator's screen starts in projector view.
    pub projector: bool,
    /// Open the projector window too (and picture that window when taking a screenshot).
    pub projector_window: bool,
    /// The projector window's size when it opens.
    pub projector_size: Option<projector::ProjectorSize>,
    /// Open the debrief on a session read from its journal.
    pub replay: Option<screens::Replay>,
    /// Join this session at once, as if typed on the join screen.
    pub join: Option<JoinNow>,
    /// Show one card as a role sees it, with what each option does (`deck preview`).
    pub preview: Option<PreviewCard>,
    /// Show a deck's map over the start screen (`deck graph --window`).
    pub map: Option<deck_map::DeckMap>,
}

/// `deck preview`: a deck, one of its cards, the role that looks at it.
#[derive(Clone, Debug)]
pub struct PreviewCard {
    pub deck: std::sync::Arc<crate::rules::Deck>,
    pub card: String,
    pub role: Option<String>,
}

/// Opens the round screen on the previewed card: an offline session, no network.
fn setup_preview(world: &mut World, p: &PreviewCard) -> Result<(), String> {
    use crate::rules::view::{Viewer, view};
    let (session, role) = crate::rules::preview::session_on_card(
        std::sync::Arc::clone(&p.deck),
        &p.card,
        p.role.as_deref(),
    )?;
    let lang = world.resource::<i18n::Tr>().lang;
    let cur = session.current.as_ref().ok_or("the card did not open")?;
    let consequences = crate::rules::preview::consequences(&p.deck, cur.card, cur.step, lang);
    let mut core = crate::net::client::ClientCore::new("Jij", Some(p.deck.roles[role].id.clone()));
    core.seat = Some(1);
    core.view = Some(view(&session, Viewer::Role(Some(role))));
    core.connected = session.seats.keys().copied().collect();
    world.insert_resource(crate::net::plugin::ClientLink::offline(core));
    world.insert_resource(screens::round::CardPreview { consequences });
    world.resource_mut::<NextState<Screen>>().set(Screen::Round);
    Ok(())
}

/// A join from the command line: where, with which code, as whom.
#[derive(Clone, Debug)]
pub struct JoinNow {
    pub addr: std::net::SocketAddr,
    pub code: String,
    pub name: String,
    pub role: Option<String>,
    /// The table to sit at in a workshop of several.
    pub table: Option<u8>,
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
                // Closing the projector window leaves the laptop's; closing that one ends it all.
                exit_condition: bevy::window::ExitCondition::OnPrimaryClosed,
                ..default()
            })
            .set(bevy::log::LogPlugin {
                level: bevy::log::Level::WARN,
                ..default()
            })
            // An egui window renders little; handing each frame to a render thread cost more
            // in thread wake-ups than it saved (the idle window's CPU, `docs/performance.md`).
            .disable::<bevy::render::pipelined_rendering::PipelinedRenderingPlugin>(),
    );
    app.insert_resource(if opts.screenshot.is_some() {
        WinitSettings {
            focused_mode: UpdateMode::Continuous,
            unfocused_mode: UpdateMode::Continuous,
        }
    } else {
        pace(false)
    });
    app.add_plugins(EguiPlugin::default())
        .add_plugins((HostPlugin, ClientPlugin, ScreensPlugin, ScreensUiPlugin))
        .add_plugins((projector::plugin, drawing::plugin))
        .insert_resource(Tr::new(opts.lang))
        .insert_resource(ClearColor(theme::paper()))
        .add_systems(Startup, |mut commands: Commands| {
            // egui draws flat shapes: multisampling would only cost time, on software renderers a lot.
            // The laptop's window is the primary egui context, whichever camera comes first.
            commands.spawn((
                Camera2d,
                bevy::render::view::Msaa::Off,
                bevy_egui::PrimaryEguiContext,
            ));
        })
        .add_systems(EguiPrimaryContextPass, style.before(screens::start::draw))
        .add_systems(
            Update,
            repace.run_if(
                resource_added::<crate::net::plugin::HostLink>
                    .or_eager(resource_removed::<crate::net::plugin::HostLink>),
            ),
        )
        .add_systems(
            PreUpdate,
            quiet_modifiers
                .after(EguiPreUpdateSet::ProcessInput)
                .before(EguiPreUpdateSet::BeginPass)
                .before(drawing::decide),
        );
    if std::env::var_os("KANTELSPEL_TIMING").is_some() {
        app.add_systems(Last, (first_frame, frame_rate));
    }
    if opts.projector {
        app.add_systems(Startup, |mut form: ResMut<screens::HostForm>| {
            form.projector = true;
        });
    }
    let size = opts.projector_size.unwrap_or_default();
    app.insert_resource(size);
    if opts.projector_window {
        app.add_systems(Startup, move |mut commands: Commands, tr: Res<Tr>| {
            projector::spawn(&mut commands, &tr, size);
        });
    }
    if let Some(join) = opts.join.clone() {
        app.add_systems(
            Startup,
            move |mut form: ResMut<screens::JoinForm>,
                  mut actions: MessageWriter<screens::UiAction>| {
                form.addr = join.addr.to_string();
                form.code = join.code.clone();
                form.name = join.name.clone();
                form.role = join.role.clone();
                form.table = join.table.unwrap_or(0);
                actions.write(screens::UiAction::Join {
                    addr: join.addr,
                    code: join.code.clone(),
                    name: join.name.clone(),
                });
            },
        );
    }
    if let Some(replay) = opts.replay.clone() {
        app.insert_resource(replay);
    }
    if let Some(map) = opts.map.clone() {
        app.insert_resource(map);
    }
    if let Some(p) = opts.preview.clone() {
        app.add_systems(Startup, move |world: &mut World| {
            if let Err(e) = setup_preview(world, &p) {
                world.resource_mut::<screens::Status>().error = Some(e);
            }
        });
    }
    if opts.screenshot.is_none() {
        app.insert_resource(screens::SeatMemory(crate::net::seat_store::default_path()));
        // Retention runs when the program starts (the window; `serve` does its own), never in a
        // test's headless screens or a screenshot.
        app.add_systems(Startup, |mut status: ResMut<screens::Status>| {
            let places = crate::places::Places::here();
            let days = crate::places::Settings::load(&places.settings()).keep_days;
            let swept = crate::keeping::sweep(
                &places.journals,
                &places.seats(),
                days,
                std::time::SystemTime::now(),
                None,
            );
            if let Some(line) = swept.line(days) {
                bevy::log::warn!("{line}");
                status.info = Some(line);
            }
        });
    }
    // The first screen: what the command line asked for; a demo sets up its own.
    let first = if opts.replay.is_some() {
        Some(Screen::Debrief)
    } else if opts.join.is_some() {
        Some(Screen::Join)
    } else {
        opts.screen
    };
    match (opts.demo, first) {
        (true, screen) => {
            let screen = screen.unwrap_or_default();
            let tables = opts.demo_tables.clamp(1, crate::net::workshop::MAX_TABLES);
            app.add_systems(Startup, move |world: &mut World| {
                demo::setup(world, screen, tables)
            });
            if opts.demo_resolve {
                app.add_systems(Update, demo::resolve_soon);
            }
        }
        (false, Some(screen)) => {
            app.add_systems(Startup, move |mut next: ResMut<NextState<Screen>>| {
                next.set(screen)
            });
        }
        (false, None) => {}
    }
    if let Some(path) = opts.screenshot.clone() {
        app.insert_resource(ShotPlan {
            path,
            frame: 0,
            done: Arc::new(AtomicBool::new(false)),
            asked: false,
            taken_at: None,
        })
        .add_systems(Update, shoot);
    }
    drawing::render_only_drawn_frames(&mut app);
    single_threaded(&mut app);
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(c) => i32::from(c.get()),
    }
}

/// Every schedule of the window runs its systems on the main thread. The window's systems are
/// small; on the multi-threaded executor a wake-up that draws nothing still woke and parked the
/// task pool's threads for every schedule, and that was most of an idle window's CPU.
fn single_threaded(app: &mut App) {
    use bevy::ecs::schedule::{Schedules, SingleThreadedExecutor};
    let all = |world: &mut World| {
        if let Some(mut schedules) = world.get_resource_mut::<Schedules>() {
            for (_, schedule) in schedules.iter_mut() {
                schedule.set_executor(SingleThreadedExecutor::new());
            }
        }
    };
    all(app.world_mut());
    if let Some(render) = app.get_sub_app_mut(bevy::render::RenderApp) {
        all(render.world_mut());
    }
}

/// How often the window wakes while nothing happens. Input wakes it at once; the wake-ups are
/// for the network and the timer. A player's window sleeps long: the timer shows seconds and a
/// new view may wait a moment, and netcode only gives up after 15 s of silence, so a window in
/// the background or minimised stays connected. The facilitator's window is also the host, so
/// it wakes twenty times a second, focused or not (the facilitator may be looking at the
/// projector window): a vote reaches the host and its screen within 50 ms plus a frame. A wake-up
/// that changes nothing draws nothing (`drawing`).
fn pace(hosting: bool) -> WinitSettings {
    let (focused, unfocused) = if hosting {
        (PACE_HOST_FOCUSED, PACE_HOST_UNFOCUSED)
    } else {
        (PACE_PLAYER_FOCUSED, PACE_PLAYER_UNFOCUSED)
    };
    WinitSettings {
        focused_mode: UpdateMode::reactive(focused),
        unfocused_mode: UpdateMode::reactive_low_power(unfocused),
    }
}

const PACE_HOST_FOCUSED: Duration = Duration::from_millis(50);
const PACE_HOST_UNFOCUSED: Duration = Duration::from_millis(50);
const PACE_PLAYER_FOCUSED: Duration = Duration::from_millis(250);
const PACE_PLAYER_UNFOCUSED: Duration = Duration::from_secs(1);

/// Switches the window's pace when it starts or stops hosting (screenshots run flat out).
fn repace(host: Option<Res<crate::net::plugin::HostLink>>, mut settings: ResMut<WinitSettings>) {
    if settings.focused_mode != UpdateMode::Continuous {
        *settings = pace(host.is_some());
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

/// When a timing window began, and the process's CPU time then.
type Since = (std::time::Instant, Duration);

/// With `KANTELSPEL_TIMING` set: frames drawn, redraws asked for and the process's CPU, every five
/// seconds, to see that an idle window sleeps.
fn frame_rate(
    mut redraws: MessageReader<bevy::window::RequestRedraw>,
    mut tally: Local<(u32, u32, Option<Since>)>,
    mut contexts: EguiContexts,
    drawing: Res<drawing::Drawing>,
    host: Option<Res<crate::net::plugin::HostLink>>,
) {
    let (frames, asked, since) = &mut *tally;
    *frames += 1;
    *asked += redraws.read().count() as u32;
    let (start, cpu) =
        *since.get_or_insert_with(|| (std::time::Instant::now(), crate::cpu::process()));
    if start.elapsed() >= Duration::from_secs(5) {
        // The whole process: the window, the host's systems and its network threads.
        let used = crate::cpu::process().saturating_sub(cpu);
        eprintln!(
            "{frames} frames ({} drawn in all so far, {} rested), {asked} redraw requests in 5 s; CPU {:.1} % of a core",
            drawing.drawn,
            drawing.rested,
            100.0 * used.as_secs_f64() / start.elapsed().as_secs_f64()
        );
        if let Ok(ctx) = contexts.ctx_mut() {
            eprintln!("  egui repaints because: {:?}", ctx.repaint_causes());
        }
        if let Some(host) = host {
            eprintln!(
                "  hosting: {:?}, countdown {:?}, {} online",
                host.desk(0).view.phase,
                host.core().timer_left(),
                host.core().client_count()
            );
        }
        *tally = (
            0,
            0,
            Some((std::time::Instant::now(), crate::cpu::process())),
        );
    }
}

/// bevy_egui 0.42 reports the modifier keys to egui every frame, changed or not, and egui
/// repaints at once on any input event: the window would redraw non-stop and burn a core even
/// when nothing happens. Only a real change of the modifier keys goes through.
fn quiet_modifiers(mut inputs: Query<&mut EguiInput>, mut last: Local<Option<egui::Modifiers>>) {
    for mut input in &mut inputs {
        input.0.events.retain(|e| match e {
            egui::Event::ModifiersChanged(m) => {
                let changed = *last != Some(*m);
                *last = Some(*m);
                changed
            }
            _ => true,
        });
    }
}

/// Applies the theme, scaled to the window: larger on a projector.
/// The projector view is read from the back of the room: everything a third larger.
const PROJECTOR_ZOOM: f32 = 1.35;

fn style(
    mut contexts: EguiContexts,
    windows: Query<&Window>,
    screen: Res<State<Screen>>,
    form: Res<screens::HostForm>,
    mut last: Local<f32>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let height = windows.iter().next().map_or(768.0, |w| w.height());
    let scale = (height / 768.0).clamp(1.0, 1.8);
    if (scale - *last).abs() > 0.01 {
        theme::apply(ctx, scale);
        *last = scale;
    }
    let zoom = if form.projector && *screen.get() == Screen::Facilitator {
        PROJECTOR_ZOOM
    } else {
        1.0
    };
    if (ctx.zoom_factor() - zoom).abs() > 0.01 {
        ctx.set_zoom_factor(zoom);
    }
    Ok(())
}

#[derive(Resource)]
struct ShotPlan {
    path: PathBuf,
    frame: u32,
    done: Arc<AtomicBool>,
    asked: bool,
    taken_at: Option<u32>,
}

fn shoot(
    mut commands: Commands,
    mut plan: ResMut<ShotPlan>,
    form: Res<screens::JoinForm>,
    client: Option<Res<crate::net::plugin::ClientLink>>,
    projector: Query<Entity, With<projector::ProjectorWindow>>,
    mut exit: MessageWriter<AppExit>,
) {
    plan.frame += 1;
    // A join in progress settles first: the picture shows the answer, not "checking the code".
    let settling = form.probing.is_some() || client.is_some_and(|c| c.core.view.is_none());
    if plan.frame >= SCREENSHOT_AFTER_FRAMES && !plan.asked && !settling {
        plan.asked = true;
        let done = Arc::clone(&plan.done);
        let shot = match projector.iter().next() {
            Some(window) => Screenshot::window(window),
            None => Screenshot::primary_window(),
        };
        commands
            .spawn(shot)
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
