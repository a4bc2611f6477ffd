//! Host setup and lobby: choose the deck and timing, then show the join code large, with the
//! players as they come in.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{Screen, ScreenStep, Shown, Status, UiAction, leave};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::keeping::{Unfinished, unfinished_sessions};
use crate::net::client::ClientCore;
use crate::net::code::JoinCode;
use crate::net::deck_reload::DeckFileWatch;
use crate::net::director::{Director, Pace};
use crate::net::plugin::HostLink;
use crate::net::plugin::{HostConfig, connect_client, start_host};
use crate::net::protocol::{DEFAULT_PORT, DISCOVERY_PORT};
use crate::net::venue::Venue;
use crate::net::workshop::{self, MAX_TABLES, NewWorkshop, Workshop};
use crate::places::{OldJournals, Places, Settings};
use crate::rules::bot::Strategy;
use crate::rules::deck::Deck;
use crate::rules::session::{Intent, ProgrammeChoice};
use crate::rules::session::{MAX_TIMER_SECS, Phase};
use crate::ui::i18n::Tr;
use crate::ui::theme;

// A Bevy system: each argument is a resource or a query it reads.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    mut contexts: EguiContexts,
    tr: Res<Tr>,
    status: Res<Status>,
    mut form: ResMut<HostForm>,
    host: Option<Res<HostLink>>,
    mut actions: MessageWriter<UiAction>,
    mut venue: Local<(Option<std::time::Instant>, Venue)>,
    shown: Res<Shown>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // Adapters come and go (the Wi-Fi joins, a hotspot starts): look again every few seconds.
    if host.is_some() && venue.0.is_none_or(|at| at.elapsed().as_secs() >= 3) {
        *venue = (
            Some(std::time::Instant::now()),
            crate::net::venue::this_laptop(),
        );
    }
    let mut root = theme::root(ctx);
    egui::Panel::top("host-top").show(&mut root, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.horizontal(|ui| {
            if ui.button(format!("⬅ {}", tr.t("common.back"))).clicked() {
                actions.write(UiAction::Leave);
            }
            ui.heading(tr.t("host.title"));
        });
    });
    egui::CentralPanel::default().show(&mut root, |ui| {
        match host {
            // The setup grows with the programme's card list: it scrolls on a small screen.
            None => {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| setup(ui, &tr, &mut form, &mut actions));
            }
            Some(h) => lobby(ui, &tr, &h, *shown, &venue.1, &mut actions),
        }
        if let Some(e) = &status.error {
            ui.colored_label(theme::BAD, e);
        }
        // What was just done (a session forgotten, names replaced, old files swept away).
        if let Some(i) = &status.info {
            ui.colored_label(theme::MUTED, i);
        }
    });
    Ok(())
}

fn setup(ui: &mut egui::Ui, tr: &Tr, form: &mut HostForm, actions: &mut MessageWriter<UiAction>) {
    theme::card_frame().show(ui, |ui| {
        ui.set_max_width(760.0);
        ui.label(egui::RichText::new(tr.t("host.deck")).strong());
        ui.radio_value(&mut form.use_file, false, tr.t("host.deck_default"));
        for path in form.found_decks.clone() {
            let chosen = form.use_file && form.deck_path == path.display().to_string();
            if ui.radio(chosen, path.display().to_string()).clicked() {
                form.use_file = true;
                form.deck_path = path.display().to_string();
            }
        }
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.use_file, true, tr.t("host.deck_file"));
            ui.add_enabled(
                form.use_file,
                egui::TextEdit::singleline(&mut form.deck_path).hint_text("scenarios/…ron"),
            );
        });
        if ui.button(format!("🗺 {}", tr.t("map.open"))).clicked() {
            actions.write(UiAction::ShowDeckMap(
                form.use_file.then(|| PathBuf::from(form.deck_path.trim())),
            ));
        }
        programme_choice(ui, tr, form);
        if form.settings.archive {
            let n = earlier_sessions(form);
            ui.label(egui::RichText::new(tr.f("keep.earlier", &[("n", &n)])).color(theme::MUTED));
        }
        ui.add_space(8.0);
        egui::Grid::new("host-setup")
            .num_columns(2)
            .spacing([16.0, 12.0])
            .show(ui, |ui| {
                ui.label(tr.t("host.rounds"));
                ui.add(egui::Slider::new(&mut form.rounds, 3..=30));
                ui.end_row();
                ui.label(tr.t("host.timer"));
                ui.add(egui::Slider::new(&mut form.timer_secs, 30..=600).suffix(" s"));
                ui.end_row();
                ui.label(tr.t("host.tables"));
                ui.horizontal(|ui| {
                    ui.add(egui::Slider::new(&mut form.tables, 1..=MAX_TABLES));
                    ui.label(egui::RichText::new(tr.t("host.tables_hint")).color(theme::MUTED));
                });
                ui.end_row();
            });
        ui.add_space(12.0);
        if theme::big_button(ui, tr.t("host.open"), 360.0).clicked() {
            actions.write(UiAction::Host(HostSetup {
                deck: form.use_file.then(|| form.deck_path.trim().into()),
                rounds: form.rounds,
                timer_secs: form.timer_secs,
                tables: form.tables,
                local_only: false,
                programme: form.programme_choice(),
            }));
        }
    });
    if let Some(old) = form.old_journals.clone() {
        ui.add_space(12.0);
        theme::card_frame().show(ui, |ui| {
            ui.set_max_width(760.0);
            ui.label(
                egui::RichText::new(tr.f(
                    "places.old_found",
                    &[
                        ("from", &old.display()),
                        ("to", &form.places.journals.display()),
                    ],
                ))
                .strong(),
            );
            ui.horizontal(|ui| {
                if ui.button(tr.t("places.move")).clicked() {
                    actions.write(UiAction::OldJournals(true));
                }
                if ui.button(tr.t("places.leave")).clicked() {
                    actions.write(UiAction::OldJournals(false));
                }
            });
        });
    }
    keeping(ui, tr, form, actions);
    ui.add_space(8.0);
    ui.label(
        egui::RichText::new(tr.f(
            "venue.folders",
            &[
                ("journals", &form.places.journals.display()),
                ("data", &form.places.data.display()),
            ],
        ))
        .small()
        .color(theme::MUTED),
    );
    if form.unfinished.is_empty() {
        return;
    }
    ui.add_space(12.0);
    theme::card_frame().show(ui, |ui| {
        ui.set_max_width(760.0);
        ui.label(egui::RichText::new(tr.t("host.resume")).strong());
        ui.label(tr.t("host.resume_hint"));
        for u in &form.unfinished {
            let mut line = tr.f(
                "host.resume_item",
                &[
                    ("deck", &u.deck),
                    ("date", &crate::archive::date(u.created_unix)),
                    ("round", &u.round.min(u.rounds)),
                    ("rounds", &u.rounds),
                    ("players", &u.players),
                ],
            );
            if u.tables > 1 {
                line = format!(
                    "{line} · {}",
                    tr.f("host.resume_tables", &[("n", &u.tables)])
                );
            }
            if ui.button(line).clicked() {
                actions.write(UiAction::Resume {
                    path: u.path.clone(),
                    local_only: false,
                });
            }
        }
    });
}

/// How many sessions of the form's deck the archive holds; the file is read once per deck.
fn earlier_sessions(form: &mut HostForm) -> usize {
    if !form.settings.archive {
        return 0;
    }
    let deck = match form.shown_deck.as_ref() {
        Some((_, Some(d))) => d.id.clone(),
        _ => Deck::default_deck().map_or(String::new(), |d| d.id),
    };
    match &form.earlier {
        Some((id, n)) if *id == deck => *n,
        _ => {
            let n = crate::archive::Archive::at(form.places.archive())
                .of_deck(&deck)
                .len();
            form.earlier = Some((deck, n));
            n
        }
    }
}

/// Sessions the keeping card lists, newest first (each is replayed to say how far it got);
/// `kantelspel journals list` shows them all.
const KEPT_SHOWN: usize = 30;

/// What the workshop keeps: for how long, the archive, and the sessions kept, each to strip of
/// names or to forget.
fn keeping(ui: &mut egui::Ui, tr: &Tr, form: &mut HostForm, actions: &mut MessageWriter<UiAction>) {
    ui.add_space(12.0);
    theme::card_frame().show(ui, |ui| {
        ui.set_max_width(760.0);
        egui::CollapsingHeader::new(egui::RichText::new(tr.t("keep.title")).strong())
            .id_salt("keeping")
            .show(ui, |ui| {
                let mut changed = false;
                ui.horizontal(|ui| {
                    ui.label(tr.t("keep.days"));
                    changed |= ui
                        .add(egui::DragValue::new(&mut form.settings.keep_days).range(0..=3650))
                        .changed();
                    ui.label(egui::RichText::new(tr.t("keep.days_hint")).color(theme::MUTED));
                });
                changed |= ui
                    .checkbox(&mut form.settings.archive, tr.t("keep.archive"))
                    .changed();

                if changed {
                    actions.write(UiAction::SaveSettings);
                }
                ui.add_space(6.0);
                if form.kept.is_empty() {
                    ui.label(egui::RichText::new(tr.t("keep.none")).color(theme::MUTED));
                }
                egui::Grid::new("kept")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for k in &form.kept {
                            let file = k
                                .path
                                .file_name()
                                .map_or(String::new(), |n| n.to_string_lossy().to_string());
                            if k.unreadable {
                                // What went wrong is for `kantelspel journals list`; here, which file.
                                ui.label(tr.f("keep.unreadable", &[("name", &file)]))
                                    .on_hover_text(&k.deck);
                                ui.label("");
                            } else {
                                let state = tr.t(if k.ended { "keep.ended" } else { "keep.open" });
                                let item = tr.f(
                                    "keep.item",
                                    &[
                                        ("date", &crate::archive::date(k.created_unix)),
                                        ("deck", &k.deck),
                                        ("players", &k.players),
                                        ("n", &k.tables),
                                    ],
                                );
                                ui.label(format!("{item} · {state}")).on_hover_text(&file);
                                if ui.small_button(tr.t("keep.pseudonymise")).clicked() {
                                    actions.write(UiAction::Pseudonymise(k.path.clone()));
                                }
                            }
                            // Deleting asks once more: nothing brings a journal back.
                            if form.forgetting.as_ref() == Some(&k.path) {
                                let sure =
                                    egui::RichText::new(tr.t("keep.forget_sure")).color(theme::BAD);
                                if ui.small_button(sure).clicked() {
                                    form.forgetting = None;
                                    actions.write(UiAction::Forget(k.path.clone()));
                                }
                            } else if ui.small_button(tr.t("keep.forget")).clicked() {
                                form.forgetting = Some(k.path.clone());
                            }
                            ui.end_row();
                        }
                    });
            });
    });
}

/// "8 rondes: een workshop van ongeveer 91 minuten".
fn workshop_length(ui: &mut egui::Ui, tr: &Tr, rounds: u32) {
    let minutes = crate::rules::session::workshop_minutes(rounds);
    ui.label(
        egui::RichText::new(tr.f(
            "host.programme_minutes",
            &[("rounds", &rounds), ("minutes", &minutes)],
        ))
        .color(theme::MUTED),
    );
}

/// What this table plays, changeable until the start: the whole deck or a programme of the
/// deck (an own pick is made on the setup screen and shown here).
fn lobby_programme(
    ui: &mut egui::Ui,
    tr: &Tr,
    desk: &crate::net::desk::TableDesk,
    actions: &mut MessageWriter<UiAction>,
) {
    let cards = desk.cards.len();
    let now = desk.programme_text.as_ref().map_or_else(
        || tr.f("host.programme_deck", &[("cards", &cards)]),
        |p| tr.text(p).to_string(),
    );
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(tr.t("host.programme")).strong());
        let set = |programme: Option<String>| {
            UiAction::Facilitate(Intent::SetProgramme {
                programme,
                cards: Vec::new(),
                rounds: 0,
            })
        };
        egui::ComboBox::from_id_salt("lobby-programme")
            .selected_text(now)
            .width(360.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(
                        desk.programme.is_none(),
                        tr.f("host.programme_deck", &[("cards", &cards)]),
                    )
                    .clicked()
                {
                    actions.write(set(None));
                }
                for p in &desk.programmes {
                    let chosen = desk
                        .programme
                        .as_ref()
                        .is_some_and(|c| *c == Some(p.id.clone()));
                    if ui.selectable_label(chosen, tr.text(&p.name)).clicked() {
                        actions.write(set(Some(p.id.clone())));
                    }
                }
            });
    });
    workshop_length(ui, tr, desk.view.rounds);
}

fn lobby(
    ui: &mut egui::Ui,
    tr: &Tr,
    host: &HostLink,
    shown: Shown,
    venue: &Venue,
    actions: &mut MessageWriter<UiAction>,
) {
    super::widgets::table_tabs(ui, tr, host, shown, false, actions);
    let desk = shown.desk(host);
    let view = &desk.view;
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        theme::card_frame().show(ui, |ui| {
            ui.label(egui::RichText::new(tr.t("host.code")).size(24.0));
            ui.label(
                egui::RichText::new(host.code.to_string())
                    .size(96.0)
                    .strong()
                    .monospace()
                    .color(theme::ACCENT),
            );
            if let Some(url) = &host.web_url {
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    theme::qr(ui, url, 180.0);
                    ui.vertical(|ui| {
                        ui.label(egui::RichText::new(tr.t("fac.join_browser")).strong());
                        ui.label(egui::RichText::new(url).size(26.0).monospace().strong());
                    });
                });
                ui.add_space(8.0);
            }
            network(ui, tr, host, venue);
            ui.label(egui::RichText::new(tr.t("host.address")).strong());
            for a in lan_addresses(host.addr, venue) {
                ui.label(egui::RichText::new(a).size(18.0).monospace());
            }
            ui.label(egui::RichText::new(tr.t("host.how_to_join")).color(theme::MUTED));
        });
        let ui = &mut cols[1];
        theme::card_frame().show(ui, |ui| {
            ui.label(
                egui::RichText::new(tr.f("host.players", &[("n", &view.seats.len())]))
                    .size(24.0)
                    .strong(),
            );
            egui::Grid::new("lobby-players")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for s in &view.seats {
                        let online = desk.is_online(s.seat);
                        ui.label(if online { "✔ " } else { "○ " }.to_string() + &s.name);
                        ui.label(s.role.map_or(tr.t("host.no_role").to_string(), |r| {
                            view.roles[r].name.get(tr.lang).to_string()
                        }));
                        ui.label(if s.bot {
                            tr.t("host.bot")
                        } else if online {
                            tr.t("host.online")
                        } else {
                            tr.t("host.offline")
                        });
                        ui.end_row();
                    }
                });
            super::widgets::door(ui, tr, host, shown, actions);
            ui.separator();
            lobby_programme(ui, tr, &desk, actions);
            ui.separator();
            ui.label(tr.t("host.fill_with_bots"));
            ui.horizontal_wrapped(|ui| {
                for (r, role) in view.roles.iter().enumerate() {
                    if desk.role_empty(r)
                        && ui.button(format!("+ {}", role.name.get(tr.lang))).clicked()
                    {
                        actions.write(UiAction::Facilitate(Intent::AddSeat {
                            name: format!("bot-{}", role.id),
                            role: Some(role.id.clone()),
                            bot: true,
                        }));
                    }
                }
            });
            ui.add_space(12.0);
            if host.workshop.len() > 1 {
                super::widgets::seat_elsewhere(ui, tr, host, shown, actions);
                if theme::big_button(ui, tr.t("fac.start_all"), 320.0).clicked() {
                    actions.write(UiAction::FacilitateAll(Intent::Start));
                }
            }
            let start = if host.workshop.len() > 1 {
                tr.f("host.start_table", &[("n", &(shown.table + 1))])
            } else {
                tr.t("host.start").to_string()
            };
            if theme::big_button(ui, &start, 320.0).clicked() {
                actions.write(UiAction::Facilitate(Intent::Start));
            }
            if ui.button(tr.t("host.to_facilitator")).clicked() {
                actions.write(UiAction::GoTo(Screen::Facilitator));
            }
        });
    });
}

/// How players reach this host: each reachable LAN address with the port.
fn lan_addresses(addr: std::net::SocketAddr, venue: &Venue) -> Vec<String> {
    if !addr.ip().is_unspecified() {
        return vec![addr.to_string()];
    }
    let mut out: Vec<String> = venue
        .addresses
        .iter()
        .filter(|a| a.kind.reachable())
        .map(|a| format!("{}:{}", a.ip, addr.port()))
        .collect();
    if out.is_empty() {
        out.push(format!("127.0.0.1:{}", addr.port()));
    }
    out
}

/// The laptop's networks, which one the QR code holds, what to do without one, and whether a
/// phone has reached the page yet: what a facilitator checks before the room arrives.
fn network(ui: &mut egui::Ui, tr: &Tr, host: &HostLink, venue: &Venue) {
    if !host.addr.ip().is_unspecified() {
        return;
    }
    // The address the QR code holds (chosen when hosting began), not what is best now.
    let in_code: Option<std::net::Ipv4Addr> = host
        .web_url
        .as_deref()
        .and_then(|u| u.trim_start_matches("http://").split(':').next())
        .and_then(|ip| ip.parse().ok());
    let chosen = in_code.or(venue.chosen().map(|c| c.ip));
    egui::Grid::new("lobby-networks")
        .num_columns(3)
        .show(ui, |ui| {
            for a in &venue.addresses {
                let colour = if a.kind.reachable() {
                    theme::INK
                } else {
                    theme::MUTED
                };
                ui.label(
                    egui::RichText::new(a.ip.to_string())
                        .monospace()
                        .color(colour),
                );
                ui.label(egui::RichText::new(&a.name).color(colour));
                let mut what = tr.t(a.kind.word()).to_string();
                if Some(a.ip) == chosen {
                    what = format!("{what} · {}", tr.t("venue.in_code"));
                }
                ui.label(egui::RichText::new(what).color(colour));
                ui.end_row();
            }
        });
    if venue.chosen().is_none() {
        ui.colored_label(theme::BAD, tr.t("venue.none"));
    } else if in_code.is_some_and(|ip| {
        !venue
            .addresses
            .iter()
            .any(|a| a.ip == ip && a.kind.reachable())
    }) {
        // The laptop joined another network since hosting began: the code leads nowhere.
        ui.colored_label(theme::BAD, tr.t("venue.stale"));
    }
    match host.web.as_ref().and_then(|w| w.first_visit()) {
        Some((at, ip)) => ui.colored_label(
            theme::GOOD,
            tr.f(
                "venue.first_visit",
                &[("secs", &at.elapsed().as_secs()), ("ip", &ip)],
            ),
        ),
        None if host.web.is_some() => ui.colored_label(theme::MUTED, tr.t("venue.no_visit")),
        None => ui.label(""),
    };
    ui.add_space(6.0);
}

/// The host screen: its form, finding decks and unfinished sessions, and hosting.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HostForm>()
        .add_systems(Update, act.in_set(ScreenStep::Act))
        .add_systems(Update, reload_deck_in_lobby.in_set(ScreenStep::Follow))
        .add_systems(OnEnter(Screen::Host), refresh_host_form);
}

/// The host screen's buttons: host a session, take one up again, or practise alone.
pub(super) fn act(mut commands: Commands, mut actions: MessageReader<UiAction>) {
    for action in actions.read() {
        match action.clone() {
            UiAction::ShowDeckMap(path) => {
                commands.queue(move |world: &mut World| {
                    let deck = match &path {
                        Some(p) => crate::deck_file::load(p),
                        None => Deck::default_deck(),
                    };
                    match deck {
                        Ok(d) => world.insert_resource(crate::ui::deck_map::DeckMap::of(
                            &std::sync::Arc::new(d),
                        )),
                        Err(e) => world.resource_mut::<Status>().error = Some(e.to_string()),
                    }
                });
            }
            UiAction::SaveSettings => {
                commands.queue(|world: &mut World| {
                    let mut form = world.resource_mut::<HostForm>();
                    let saved = form.settings.save(&form.places.settings());
                    form.earlier = None;
                    if let Err(e) = saved {
                        world.resource_mut::<Status>().error = Some(e);
                    }
                });
            }
            UiAction::Forget(path) | UiAction::Pseudonymise(path) => {
                let forget = matches!(action, UiAction::Forget(_));
                commands.queue(move |world: &mut World| {
                    let done = if forget {
                        crate::keeping::forget(&path).map(|gone| gone.len())
                    } else {
                        crate::keeping::pseudonymise(&path)
                            .map(|d| d.iter().map(|(_, names)| names.len()).sum())
                    };
                    let mut form = world.resource_mut::<HostForm>();
                    form.kept = crate::keeping::list_newest(&form.places.journals, KEPT_SHOWN);
                    form.unfinished = unfinished_sessions(&form.places.journals);
                    let tr = world.resource::<Tr>();
                    let said = done.map(|n| {
                        let key = if forget {
                            "keep.forgotten"
                        } else {
                            "keep.pseudonymised"
                        };
                        tr.f(key, &[("n", &n)])
                    });
                    let mut status = world.resource_mut::<Status>();
                    match said {
                        Ok(line) => status.info = Some(line),
                        Err(e) => status.error = Some(e),
                    }
                });
            }
            UiAction::OldJournals(move_them) => {
                commands.queue(move |world: &mut World| {
                    let mut form = world.resource_mut::<HostForm>();
                    let Some(old) = form.old_journals.take() else {
                        return;
                    };
                    let mut result = Ok(());
                    if move_them {
                        result = crate::places::move_old_journals(&old, &form.places.journals)
                            .map(|_| ());
                    }
                    form.settings.old_journals = Some(if move_them {
                        OldJournals::Moved
                    } else {
                        OldJournals::Left
                    });
                    let saved = form.settings.save(&form.places.settings());
                    form.unfinished = unfinished_sessions(&form.places.journals);
                    form.kept = crate::keeping::list_newest(&form.places.journals, KEPT_SHOWN);
                    if let Err(e) = result.and(saved) {
                        world.resource_mut::<Status>().error = Some(e);
                    }
                });
            }
            UiAction::Host(setup) => {
                commands.queue(move |world: &mut World| {
                    leave(world);
                    match host_session(world, &setup, false, &[]) {
                        Ok(_) => world.resource_mut::<NextState<Screen>>().set(Screen::Host),
                        Err(e) => world.resource_mut::<Status>().error = Some(e),
                    }
                });
            }
            UiAction::Resume { path, local_only } => {
                commands.queue(move |world: &mut World| {
                    leave(world);
                    match resume_session(world, &path, local_only) {
                        Ok(screen) => world.resource_mut::<NextState<Screen>>().set(screen),
                        Err(e) => world.resource_mut::<Status>().error = Some(e),
                    }
                });
            }
            UiAction::Practise { name, role } => {
                commands.queue(move |world: &mut World| {
                    leave(world);
                    let setup = HostSetup {
                        deck: None,
                        rounds: 8,
                        timer_secs: 90,
                        tables: 1,
                        local_only: true,
                        programme: ProgrammeChoice::default(),
                    };
                    let roles: Vec<String> = Deck::default_deck()
                        .map(|d| {
                            d.roles
                                .iter()
                                .map(|r| r.id.clone())
                                .filter(|r| *r != role)
                                .collect()
                        })
                        .unwrap_or_default();
                    let result = host_session(world, &setup, true, &roles).and_then(|addr| {
                        let code = world.resource::<HostLink>().code.clone();
                        let name = if name.trim().is_empty() {
                            "Ik".to_string()
                        } else {
                            name.clone()
                        };
                        connect_client(world, addr, code, ClientCore::new(name, Some(role.clone())))
                    });
                    match result {
                        Ok(()) => world.resource_mut::<NextState<Screen>>().set(Screen::Round),
                        Err(e) => world.resource_mut::<Status>().error = Some(e),
                    }
                });
            }
            _ => {}
        }
    }
}

/// How the facilitator wants the session run.
#[derive(Clone, Debug, PartialEq)]
pub struct HostSetup {
    pub deck: Option<PathBuf>,
    pub rounds: u32,
    pub timer_secs: u32,
    /// Tables playing side by side (1 to `MAX_TABLES`).
    pub tables: usize,
    /// Host on loopback only, without announcing (tests, demos).
    pub local_only: bool,
    /// What the session plays; the whole deck when empty.
    pub programme: ProgrammeChoice,
}

/// The host setup form.
#[derive(Resource)]
pub struct HostForm {
    pub deck_path: String,
    pub use_file: bool,
    pub rounds: u32,
    pub timer_secs: u32,
    pub tables: usize,
    pub practise_role: String,
    pub practise_name: String,
    pub projector: bool,
    /// Deck files found in `scenarios/` next to where the game was started.
    pub found_decks: Vec<PathBuf>,
    /// Sessions in the journal folder that did not end: the facilitator can take them up again.
    pub unfinished: Vec<Unfinished>,
    /// The chosen programme of the deck, if any.
    pub programme: Option<String>,
    /// The facilitator picks the cards themselves.
    pub own_pick: bool,
    /// The picked cards, by id, in the deck's order.
    pub picked: Vec<String>,
    /// The deck the form shows programmes and cards of, by the path it was read from ("" for
    /// the default deck); `None` inside when it does not load.
    pub shown_deck: Option<(String, Option<std::sync::Arc<Deck>>)>,
    /// The folders the program writes to.
    pub places: Places,
    /// The facilitator's settings.
    pub settings: Settings,
    /// The old journal folder, while it holds journals and was not answered.
    pub old_journals: Option<PathBuf>,
    /// The sessions in the journal folder, for the list that forgets or strips names.
    pub kept: Vec<crate::keeping::Kept>,
    /// Earlier sessions in the archive for the chosen deck (by its id), read again when the
    /// choice of deck changes.
    pub earlier: Option<(String, usize)>,
    /// The journal whose Forget button was pressed once: the second press deletes it.
    pub forgetting: Option<PathBuf>,
}

impl HostForm {
    /// What the form's programme choice says.
    fn programme_choice(&self) -> ProgrammeChoice {
        if self.own_pick {
            ProgrammeChoice {
                programme: None,
                cards: self.picked.clone(),
            }
        } else {
            ProgrammeChoice {
                programme: self.programme.clone(),
                cards: Vec::new(),
            }
        }
    }

    /// The deck the form is about, read again when the choice of deck changed.
    fn deck(&mut self) -> Option<std::sync::Arc<Deck>> {
        let key = if self.use_file {
            self.deck_path.trim().to_string()
        } else {
            String::new()
        };
        if self.shown_deck.as_ref().map(|(k, _)| k) != Some(&key) {
            let deck = if key.is_empty() {
                Deck::default_deck().ok()
            } else {
                crate::deck_file::load(std::path::Path::new(&key)).ok()
            };
            if let Some(d) = &deck {
                self.rounds = d.rounds;
            }
            self.shown_deck = Some((key, deck.map(std::sync::Arc::new)));
            self.programme = None;
            self.own_pick = false;
            self.picked.clear();
        }
        self.shown_deck.as_ref().and_then(|(_, d)| d.clone())
    }
}

/// The programme part of the setup: the whole deck, a programme the deck offers, or an own
/// pick of cards, with the workshop's expected length.
fn programme_choice(ui: &mut egui::Ui, tr: &Tr, form: &mut HostForm) {
    let Some(deck) = form.deck() else {
        return;
    };
    ui.add_space(8.0);
    ui.label(egui::RichText::new(tr.t("host.programme")).strong());
    let whole = form.programme.is_none() && !form.own_pick;
    if ui
        .radio(
            whole,
            tr.f("host.programme_deck", &[("cards", &deck.cards.len())]),
        )
        .clicked()
    {
        form.programme = None;
        form.own_pick = false;
        form.rounds = deck.rounds;
    }
    for p in &deck.programmes {
        let chosen = form.programme.as_deref() == Some(p.id.as_str()) && !form.own_pick;
        let line = format!(
            "{} — {} ({})",
            tr.text(&p.name),
            tr.text(&p.description),
            tr.f("host.programme_rounds", &[("rounds", &p.rounds)])
        );
        if ui.radio(chosen, line).clicked() {
            form.programme = Some(p.id.clone());
            form.own_pick = false;
            form.rounds = p.rounds;
        }
    }
    if ui
        .radio(form.own_pick, tr.t("host.programme_pick"))
        .clicked()
    {
        form.own_pick = true;
        form.programme = None;
    }
    if form.own_pick {
        egui::ScrollArea::vertical()
            .max_height(200.0)
            .id_salt("host-cards")
            .show(ui, |ui| {
                for card in &deck.cards {
                    let mut on = form.picked.contains(&card.id);
                    let mut label = tr.text(&card.title).to_string();
                    if card.follow_up_only || card.opened_by_flag() {
                        label.push_str(&format!(" ({})", tr.t("host.programme_follow_up")));
                    }
                    if ui.checkbox(&mut on, label).changed() {
                        // Kept in the deck's order: the order the cards are played in.
                        form.picked = deck
                            .cards
                            .iter()
                            .filter(|c| {
                                if c.id == card.id {
                                    on
                                } else {
                                    form.picked.contains(&c.id)
                                }
                            })
                            .map(|c| c.id.clone())
                            .collect();
                        form.rounds = (form.picked.len() as u32).max(1);
                    }
                }
            });
    }
    workshop_length(ui, tr, form.rounds);
}

/// Looks for decks and unfinished sessions each time the host screen opens.
fn refresh_host_form(mut form: ResMut<HostForm>, host: Option<Res<HostLink>>) {
    if host.is_none() {
        form.found_decks = scenario_files();
        form.places = Places::here();
        form.settings = Settings::load(&form.places.settings());
        form.kept = crate::keeping::list_newest(&form.places.journals, KEPT_SHOWN);
        form.earlier = None;
        let answered = form.settings.old_journals.is_some();
        form.old_journals = form.places.old_journals().filter(|_| !answered);
        form.unfinished = unfinished_sessions(&form.places.journals);
        // Until the facilitator answers, the old folder's sessions can still be taken up.
        if let Some(old) = form.old_journals.clone() {
            form.unfinished.extend(unfinished_sessions(&old));
        }
    }
}

/// Hosts the session in `path` again, with its own join code; returns the screen to show.
pub fn resume_session(
    world: &mut World,
    path: &std::path::Path,
    local_only: bool,
) -> Result<Screen, String> {
    let (workshop, code, notes) = if workshop::is_manifest(path) {
        let r = workshop::resume_workshop(path, None, &|| director(Pace::default(), false))?;
        (r.workshop, r.code, r.notes)
    } else {
        let r = crate::net::host::resume(path, None, None)?;
        let w = Workshop::single(r.core, director(Pace::default(), false));
        (w, r.code, r.note.into_iter().collect())
    };
    if !notes.is_empty() {
        world.resource_mut::<Status>().info = Some(notes.join("; "));
    }
    let first = crate::net::desk::TableDesk::of(&workshop.tables()[0].core);
    let lobby = first.view.phase == Phase::Lobby;
    let timer = first.view.timer_secs;
    open_host(world, workshop, code, timer, local_only, false)?;
    Ok(if lobby {
        Screen::Host
    } else {
        Screen::Facilitator
    })
}

/// The `.ron` files in `scenarios/`, so a trainer picks a deck instead of typing its path.
/// Decks in `scenarios/` where the program was started, and beside the program itself (a
/// downloaded archive opened by a double click starts in the home folder).
fn scenario_files() -> Vec<PathBuf> {
    let mut found = crate::keeping::files_ending_in(std::path::Path::new("scenarios"), "ron");
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("scenarios")));
    if let Some(dir) = beside
        .filter(|d| d.canonicalize().ok() != std::path::Path::new("scenarios").canonicalize().ok())
    {
        found.extend(crate::keeping::files_ending_in(&dir, "ron"));
    }
    found
}

impl Default for HostForm {
    fn default() -> Self {
        HostForm {
            deck_path: String::new(),
            use_file: false,
            // The default deck says how long a workshop of it runs (8 rounds: 90 minutes).
            rounds: Deck::default_deck().map_or(8, |d| d.rounds),
            timer_secs: 120,
            tables: 1,
            practise_role: "wethouder".into(),
            practise_name: String::new(),
            projector: false,
            found_decks: Vec::new(),
            unfinished: Vec::new(),
            programme: None,
            own_pick: false,
            picked: Vec::new(),
            shown_deck: None,
            places: Places::here(),
            settings: Settings::default(),
            old_journals: None,
            kept: Vec::new(),
            earlier: None,
            forgetting: None,
        }
    }
}

/// Builds a host for `setup` in `world`; returns its address.
pub fn host_session(
    world: &mut World,
    setup: &HostSetup,
    auto: bool,
    bots: &[String],
) -> Result<SocketAddr, String> {
    let dir = crate::net::journal_file::default_dir();
    let (mut workshop, code) = workshop::new_workshop(NewWorkshop {
        session: crate::net::host::NewSession {
            deck: setup.deck.as_deref(),
            rounds: Some(setup.rounds),
            journal_dir: (!setup.local_only).then_some(dir.as_path()),
            bots,
            programme: setup.programme.clone(),
            ..Default::default()
        },
        tables: setup.tables.clamp(1, MAX_TABLES),
        decks: &[],
        director: &|| director(pace(setup.timer_secs), auto),
    })?;
    for core in workshop.cores_mut() {
        let _ = core.facilitate(&Intent::SetTimer {
            secs: setup.timer_secs.clamp(10, MAX_TIMER_SECS),
        });
    }
    let addr = open_host(
        world,
        workshop,
        code,
        setup.timer_secs,
        setup.local_only,
        auto,
    )?;
    if let Some(path) = &setup.deck {
        world.insert_resource(DeckFileWatch::new(path));
    }
    Ok(addr)
}

/// While the session waits in the lobby, a saved deck file is loaded again: the facilitator
/// sees "deck reloaded", or the checker's words and the old deck staying. Once the session has
/// started its deck is fixed by its journal.
fn reload_deck_in_lobby(
    watch: Option<ResMut<DeckFileWatch>>,
    host: Option<ResMut<HostLink>>,
    mut status: ResMut<Status>,
    tr: Res<Tr>,
) {
    let (Some(mut watch), Some(mut host)) = (watch, host) else {
        return;
    };
    let Some(result) = watch.look(host.workshop.cores_mut()) else {
        return;
    };
    match result {
        Ok(()) => {
            status.error = None;
            status.info = Some(tr.f(
                "host.deck_reloaded",
                &[("cards", &host.desk(0).cards.len())],
            ));
        }
        Err(e) => {
            let first: Vec<&str> = e.lines().take(3).collect();
            status.error = Some(format!(
                "{} {}",
                tr.t("host.deck_reload_failed"),
                first.join(" · ")
            ));
        }
    }
}

/// What paces a table hosted from this window.
fn director(pace: Pace, auto: bool) -> Director {
    Director::new(auto, pace, Strategy::Role)
}

/// The window's pace for a decision timer.
fn pace(timer_secs: u32) -> Pace {
    Pace {
        decide: Duration::from_secs(u64::from(timer_secs.clamp(10, MAX_TIMER_SECS))),
        ..Pace::default()
    }
}

/// Puts a workshop on the network from this window: its pace, its port, its announcement.
fn open_host(
    world: &mut World,
    mut workshop: Workshop,
    code: JoinCode,
    timer_secs: u32,
    local_only: bool,
    auto: bool,
) -> Result<SocketAddr, String> {
    for t in workshop.tables_mut() {
        t.director = director(pace(timer_secs), auto);
    }
    // The usual port, unless another session on this laptop has it: then any free one.
    let port = if local_only || !port_pair_free(DEFAULT_PORT) {
        0
    } else {
        DEFAULT_PORT
    };
    let ip = if local_only {
        [127, 0, 0, 1]
    } else {
        [0, 0, 0, 0]
    };
    let cfg = HostConfig {
        bind: SocketAddr::from((ip, port)),
        code,
        announce: (!local_only).then(|| SocketAddr::from(([255, 255, 255, 255], DISCOVERY_PORT))),
        extra_public: Vec::new(),
        web: Some(web_bind(SocketAddr::from((ip, port)))),
    };
    let shown = cfg.code.to_string();
    let addr = start_host(world, workshop, cfg)?;
    // A real session adds its decisions (never names) to the archive, unless switched off.
    if !local_only {
        let places = Places::here();
        if Settings::load(&places.settings()).archive {
            world.resource_mut::<HostLink>().archive = Some(places.archive());
        }
    }
    // For the measuring scripts: where bots can join this window's session.
    if std::env::var_os("KANTELSPEL_TIMING").is_some() {
        eprintln!("hosting at {addr} with code {shown}");
    }
    Ok(addr)
}

/// The page's port next to the game's, or any free one when another program has it.
fn web_bind(game: SocketAddr) -> SocketAddr {
    let next = HostConfig::web_next_to(game);
    if next.port() != 0 && std::net::TcpListener::bind(next).is_err() {
        SocketAddr::new(next.ip(), 0)
    } else {
        next
    }
}

fn port_pair_free(port: u16) -> bool {
    let free = |p: u16| std::net::UdpSocket::bind(SocketAddr::from(([0, 0, 0, 0], p))).is_ok();
    free(port) && free(port + 1)
}
