//! Joining: sessions heard on the LAN, or an address and code typed in, and a name.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{Screen, ScreenStep, Status, UiAction, leave};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::net::client::ClientCore;
use crate::net::code::JoinCode;
use crate::net::info::{self, Found, ProbeError};
use crate::net::plugin::{ClientLink, connect_client};
use crate::net::protocol::DISCOVERY_PORT;
use crate::net::protocol::{DEFAULT_PORT, PROTOCOL_VERSION};
use crate::ui::i18n::Tr;
use crate::ui::theme;

pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<JoinForm>,
    mut actions: MessageWriter<UiAction>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = theme::root(ctx);
    egui::Panel::top("join-top").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            if ui.button(format!("⬅ {}", tr.t("common.back"))).clicked() {
                actions.write(UiAction::Leave);
            }
            ui.heading(tr.t("join.title"));
        });
    });
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.columns(2, |cols| {
            let ui = &mut cols[0];
            theme::card_frame().show(ui, |ui| {
                ui.label(egui::RichText::new(tr.t("join.found")).strong());
                if form.found.is_empty() {
                    ui.label(egui::RichText::new(tr.t("join.searching")).color(theme::MUTED));
                }
                let found = form.found.clone();
                for f in found {
                    let ok = f.version == PROTOCOL_VERSION;
                    let label = format!("{} — {}\n{}", f.session, f.deck, f.addr);
                    let b = ui.add_enabled(
                        ok,
                        egui::Button::new(label).min_size(egui::vec2(ui.available_width(), 56.0)),
                    );
                    if b.clicked() {
                        form.addr = f.addr.to_string();
                    }
                    if !ok {
                        ui.colored_label(theme::BAD, tr.t("join.other_version"));
                    }
                }
            });
            let ui = &mut cols[1];
            theme::card_frame().show(ui, |ui| {
                egui::Grid::new("join-form")
                    .num_columns(2)
                    .spacing([12.0, 12.0])
                    .show(ui, |ui| {
                        ui.label(tr.t("join.address"));
                        ui.add(
                            egui::TextEdit::singleline(&mut form.addr)
                                .hint_text(format!("192.168.1.20:{DEFAULT_PORT}")),
                        );
                        ui.end_row();
                        ui.label(tr.t("join.code"));
                        ui.add(
                            egui::TextEdit::singleline(&mut form.code)
                                .hint_text("KCM-4TX")
                                .font(egui::TextStyle::Heading),
                        );
                        ui.end_row();
                        ui.label(tr.t("join.name"));
                        ui.add(egui::TextEdit::singleline(&mut form.name).char_limit(40));
                        ui.end_row();
                        // In a workshop of several tables; the host seats those who leave it.
                        ui.label(tr.t("join.table"));
                        let name = |n: u8| {
                            if n == 0 {
                                tr.t("join.table_any").to_string()
                            } else {
                                format!("{} {n}", tr.t("common.table"))
                            }
                        };
                        egui::ComboBox::from_id_salt("join-table")
                            .selected_text(name(form.table))
                            .show_ui(ui, |ui| {
                                for n in 0..=crate::net::workshop::MAX_TABLES as u8 {
                                    ui.selectable_value(&mut form.table, n, name(n));
                                }
                            });
                        ui.end_row();
                    });
                ui.add_space(8.0);
                let busy = form.probing.is_some();
                let go = ui.add_enabled(
                    !busy,
                    egui::Button::new(egui::RichText::new(tr.t("join.go")).size(22.0).strong())
                        .min_size(egui::vec2(260.0, 52.0)),
                );
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (go.clicked() || enter) && !busy {
                    match parse_addr(&form.addr) {
                        Some(addr) => {
                            actions.write(UiAction::Join {
                                addr,
                                code: form.code.clone(),
                                name: form.name.clone(),
                            });
                        }
                        None => {
                            actions.write(UiAction::GoTo(super::Screen::Join));
                        }
                    }
                }
                if let Some(i) = &status.info {
                    ui.label(i);
                }
                if let Some(e) = &status.error {
                    ui.colored_label(theme::BAD, e);
                }
                if !form.addr.trim().is_empty() && parse_addr(&form.addr).is_none() {
                    ui.colored_label(theme::BAD, tr.t("join.bad_address"));
                }
            });
        });
    });
    Ok(())
}

/// An address as people type it: with or without the port.
fn parse_addr(text: &str) -> Option<std::net::SocketAddr> {
    let t = text.trim();
    t.parse().ok().or_else(|| {
        t.parse::<std::net::IpAddr>()
            .ok()
            .map(|ip| std::net::SocketAddr::new(ip, DEFAULT_PORT))
    })
}

/// The join screen: its form, hearing hosts announce themselves, checking the code, keeping
/// the seat token.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<JoinForm>()
        .init_resource::<SeatMemory>()
        .add_systems(Update, act.in_set(ScreenStep::Act))
        .add_systems(
            Update,
            (listen_for_sessions, finish_probe, remember_seat).in_set(ScreenStep::Follow),
        );
}

/// The join button: ask the host about the code first, off the frame.
pub(super) fn act(
    mut actions: MessageReader<UiAction>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
    mut form: ResMut<JoinForm>,
) {
    for action in actions.read() {
        let UiAction::Join { addr, code, name } = action.clone() else {
            continue;
        };
        let code = match JoinCode::parse(&code) {
            Ok(c) => c,
            Err(e) => {
                status.error = Some(e.to_string());
                continue;
            }
        };
        if name.trim().is_empty() {
            status.error = Some(tr.t("join.need_name").to_string());
            continue;
        }
        // Ask the host first, off the frame: a wrong code is refused in words.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let r =
                info::probe(addr, Some(&code), Duration::from_secs(3)).map(|_| (addr, code, name));
            let _ = tx.send(r);
        });
        form.probing = Some(Mutex::new(rx));
        status.info = Some(tr.t("join.checking").to_string());
    }
}

/// What the background check of a host says: where to connect, with which code and name.
type ProbeResult = Result<(SocketAddr, JoinCode, String), ProbeError>;

/// The join form and what the LAN has announced.
#[derive(Resource, Default)]
pub struct JoinForm {
    pub addr: String,
    pub code: String,
    pub name: String,
    pub found: Vec<Found>,
    /// A role asked for before joining (from the command line); chosen on arrival.
    pub role: Option<String>,
    /// The table asked for in a workshop, from 1; 0 lets the host choose.
    pub table: u8,
    pub probing: Option<Mutex<Receiver<ProbeResult>>>,
    listener: Option<std::net::UdpSocket>,
}

/// Where this laptop keeps its seat tokens; `None` (tests, screenshots) keeps nothing.
#[derive(Resource, Default)]
pub struct SeatMemory(pub Option<std::path::PathBuf>);

/// Keeps the seat token the host gave, so the window can be closed and opened again and still
/// take its seat back.
fn remember_seat(
    memory: Res<SeatMemory>,
    link: Option<Res<ClientLink>>,
    mut saved: Local<Option<u64>>,
) {
    let (Some(path), Some(link)) = (&memory.0, link) else {
        return;
    };
    if let Some(token) = link.core.token()
        && *saved != Some(token)
    {
        crate::net::seat_store::save(path, &link.code, &link.core.name, token);
        *saved = Some(token);
    }
}

/// On the join screen, hears the hosts announcing themselves.
fn listen_for_sessions(screen: Res<State<Screen>>, mut form: ResMut<JoinForm>) {
    if *screen.get() != Screen::Join {
        form.listener = None;
        return;
    }
    if form.listener.is_none() {
        form.listener = std::net::UdpSocket::bind(SocketAddr::from(([0, 0, 0, 0], DISCOVERY_PORT)))
            .ok()
            .filter(|s| s.set_nonblocking(true).is_ok());
    }
    let mut buf = [0u8; 1500];
    let mut heard = Vec::new();
    if let Some(socket) = form.listener.as_ref() {
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            heard.extend(info::read_beacon(&buf[..n], from));
        }
    }
    for f in heard {
        if !form.found.iter().any(|x| x.addr == f.addr) {
            form.found.push(f);
        }
    }
}

/// Connects once the host has confirmed the code.
fn finish_probe(
    mut commands: Commands,
    mut form: ResMut<JoinForm>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
) {
    let Some(result) = form
        .probing
        .as_ref()
        .and_then(|rx| rx.lock().ok().and_then(|rx| rx.try_recv().ok()))
    else {
        return;
    };
    form.probing = None;
    status.info = None;
    let role = form.role.take();
    let table = (form.table > 0).then_some(form.table);
    match result {
        Ok((addr, code, name)) => {
            commands.queue(move |world: &mut World| {
                leave(world);
                let token = world
                    .resource::<SeatMemory>()
                    .0
                    .as_deref()
                    .and_then(|p| crate::net::seat_store::load(p, &code, &name));
                let core = ClientCore::new(name, role)
                    .with_token(token)
                    .with_table(table);
                match connect_client(world, addr, code, core) {
                    Ok(()) => world.resource_mut::<NextState<Screen>>().set(Screen::Round),
                    Err(e) => world.resource_mut::<Status>().error = Some(e),
                }
            });
        }
        Err(e) => {
            status.error = Some(match e {
                ProbeError::WrongCode(_) => tr.t("join.wrong_code").to_string(),
                ProbeError::VersionMismatch { host, client } => {
                    tr.f("join.version", &[("host", &host), ("client", &client)])
                }
                ProbeError::NoAnswer(a) => tr.f("join.no_answer", &[("addr", &a)]),
                ProbeError::Io(e) => e,
            })
        }
    }
}
