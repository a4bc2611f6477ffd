//! Demo states for each screen, for `--screenshot … --demo`: real sessions on loopback (or no
//! network at all), moved to a moment worth looking at.

use std::sync::Arc;

use bevy::prelude::*;

use super::screens::{HostSetup, JoinForm, Screen, host_session};
use crate::net::client::ClientCore;
use crate::net::info::Found;
use crate::net::plugin::{ClientLink, HostLink};
use crate::rules::bot::{self, Strategy};
use crate::rules::deck::Deck;
use crate::rules::session::{Intent, Phase, Sender, Session};
use crate::rules::view::{Viewer, view};

const NAMES: [(&str, &str); 7] = [
    ("Anouk", "raadslid"),
    ("Bram", "raadslid"),
    ("Fatima", "raadslid"),
    ("Gert-Jan", "wethouder"),
    ("Ingrid", "ambtenaar"),
    ("Sylvia", "wijkteamprofessional"),
    ("Youssef", "wijkteamprofessional"),
];

fn seat_everyone(act: &mut dyn FnMut(Sender, Intent)) {
    for (name, role) in NAMES {
        act(
            Sender::Host,
            Intent::AddSeat {
                name: name.into(),
                role: Some(role.into()),
                bot: false,
            },
        );
    }
}

pub(crate) fn setup(world: &mut World, screen: Screen, tables: usize) {
    world.resource_mut::<NextState<Screen>>().set(screen);
    match screen {
        Screen::Start => {}
        Screen::Join => {
            let mut form = world.resource_mut::<JoinForm>();
            form.found = vec![
                Found {
                    addr: "192.168.1.20:47470".parse().expect("constant"),
                    session: "Raadszaal Noord".into(),
                    deck: "De Kanteling".into(),
                    version: crate::net::protocol::PROTOCOL_VERSION,
                },
                Found {
                    addr: "192.168.1.31:47470".parse().expect("constant"),
                    session: "Werksessie wijkteams".into(),
                    deck: "Jeugd en participatie".into(),
                    version: crate::net::protocol::PROTOCOL_VERSION,
                },
            ];
            form.addr = "192.168.1.20:47470".into();
            form.code = "KCM-4TX".into();
            form.name = "Sylvia".into();
        }
        Screen::Round => {
            let deck = Arc::new(Deck::default_deck().expect("the default deck is valid"));
            let mut s = Session::new(deck, 11, 10);
            seat_everyone(&mut |who, i| {
                let _ = s.apply(who, &i);
            });
            let _ = s.apply(
                Sender::Facilitator,
                &Intent::ChooseNext {
                    card: "twee-buren".into(),
                },
            );
            let _ = s.apply(Sender::Facilitator, &Intent::Start);
            let _ = s.apply(Sender::Facilitator, &Intent::SetTimer { secs: 120 });
            for seat in 1..=3 {
                let _ = s.apply(
                    Sender::Seat(seat),
                    &Intent::Vote {
                        round: 1,
                        step: 0,
                        option: if seat == 2 { 2 } else { 1 },
                    },
                );
            }
            let _ = s.apply(Sender::Facilitator, &Intent::Advance);
            let mut core = ClientCore::new("Gert-Jan", Some("wethouder".into()));
            core.seat = Some(4);
            core.view = Some(view(&s, Viewer::Role(Some(1))));
            core.timer_left = Some(95);
            core.timer_at = Some(std::time::Instant::now());
            core.connected = (1..=7).collect();
            world.insert_resource(ClientLink::offline(core));
        }
        Screen::Host | Screen::Facilitator | Screen::Debrief => {
            let shot = world.contains_resource::<super::ShotPlan>();
            let setup = HostSetup {
                deck: None,
                rounds: 8,
                timer_secs: 120,
                tables,
                local_only: true,
                programme: Default::default(),
            };
            if host_session(world, &setup, false, &[]).is_err() {
                return;
            }
            let mut link = world.resource_mut::<HostLink>();
            for t in 0..tables {
                play_table(&mut link, screen, shot, t);
            }
            world.insert_resource(crate::ui::screens::Shown {
                table: 0,
                all: tables > 1 && screen != Screen::Host,
            });
        }
    }
}

/// One table of the demo, played its own way (its own votes) to the moment worth showing.
fn play_table(link: &mut HostLink, screen: Screen, shot: bool, table: usize) {
    seat_everyone(&mut |who, i| {
        let _ = link.core_at_mut(table).act(who, &i);
    });
    if screen == Screen::Host {
        let _ = link
            .core_at_mut(table)
            .facilitate(&Intent::RemoveSeat { seat: 5 });
        return;
    }
    let _ = link.core_at_mut(table).facilitate(&Intent::ChooseNext {
        card: "de-krant".into(),
    });
    let _ = link.core_at_mut(table).facilitate(&Intent::Start);
    let target = screen;
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(3 + table as u64);
    for _ in 0..400 {
        let s = link.core_at(table).session();
        let done = match target {
            Screen::Facilitator => s.round >= 4 && s.phase == Phase::Briefing,
            _ => s.phase == Phase::Ended,
        };
        if done {
            break;
        }
        match s.phase {
            Phase::Briefing | Phase::Deciding => {
                let (round, step) = (s.round, s.current.as_ref().map_or(0, |c| c.step));
                let seats: Vec<u32> = s.deciding_role().map_or(Vec::new(), |r| {
                    s.seats_in_role(r).map(|(id, _)| *id).collect()
                });
                for seat in seats {
                    let option =
                        bot::choose(link.core_at(table).session(), Strategy::Random, &mut rng)
                            .unwrap_or(0);
                    let _ = link.core_at_mut(table).act(
                        Sender::Seat(seat),
                        &Intent::Vote {
                            round,
                            step,
                            option,
                        },
                    );
                }
            }
            Phase::Resolved => {
                let _ = link.core_at_mut(table).facilitate(&Intent::Advance);
            }
            _ => break,
        }
    }
    // What a facilitator jots down along the way.
    for text in [
        "Tafel bij het raam: de wethouder wacht op de ambtenaar voor ze kiest.",
        "Sylvia's briefing kwam pas ter sprake na de stemming.",
    ] {
        let _ = link
            .core_at_mut(table)
            .facilitate(&Intent::Note { text: text.into() });
    }
    if screen == Screen::Facilitator {
        // Live (not a picture): players who join now take a seat at once.
        if !shot {
            link.core_at_mut(table).set_room_open(true);
        }
        let _ = link.core_at_mut(table).facilitate(&Intent::Advance);
        let s = link.core_at(table).session();
        let (round, step) = (s.round, s.current.as_ref().map_or(0, |c| c.step));
        let seat = s
            .deciding_role()
            .and_then(|r| s.seats_in_role(r).map(|(id, _)| *id).next());
        if let Some(seat) = seat {
            let _ = link.core_at_mut(table).act(
                Sender::Seat(seat),
                &Intent::Vote {
                    round,
                    step,
                    option: 0,
                },
            );
        }
        // A latecomer at the door of the first table, from a browser.
        if table == 0 {
            let now = std::time::Duration::ZERO;
            let latecomer = 1 << 63;
            link.workshop
                .connect_link(latecomer, crate::net::host::LinkKind::Web, now);
            link.workshop.receive_web(
                latecomer,
                r#"{"t":"hello","code":"","name":"Noor","role":"raadslid","table":1}"#,
                now,
            );
        }
    }
}

/// Closes the demo's vote on the fourth frame: the window has seen the open vote, so it shows
/// the resolution as it happens (the facilitator decides; an outcome on screen first moves on).
pub(crate) fn resolve_soon(host: Option<ResMut<HostLink>>, mut frames: Local<u32>) {
    *frames += 1;
    if *frames == 4
        && let Some(mut host) = host
    {
        let core = host.core_mut();
        if core.facilitate(&Intent::Decide { option: 0 }).is_err() {
            let _ = core.facilitate(&Intent::Advance);
            let _ = core.facilitate(&Intent::Decide { option: 0 });
        }
    }
}
