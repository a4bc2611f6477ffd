//! The intents a property test throws at the rules: senders, names, roles, cards, every
//! intent (programmes too). Shared by the rules' own property test and the shell's test of the
//! screens built from differences.
#![allow(dead_code)]

use kantelspel_rules::session::{Intent, Sender};
use proptest::prelude::*;

pub const MINI: &str = include_str!("../../../../tests/decks/good/mini.ron");

pub fn sender() -> impl Strategy<Value = Sender> {
    prop_oneof![
        Just(Sender::Facilitator),
        Just(Sender::Host),
        Just(Sender::Observer),
        (0u32..8).prop_map(Sender::Seat),
    ]
}

pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Anna".to_string()),
        Just("Bert".to_string()),
        "[a-zA-Z ]{0,6}",
        Just(String::new())
    ]
}

pub fn role() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".into()),
        Just("b".into()),
        Just("raadslid".into()),
        "[a-z]{0,3}"
    ]
}

pub fn card() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("eerste".into()),
        Just("vervolg".into()),
        Just("gewoon".into()),
        Just("hoog".into()),
        "[a-z]{0,4}"
    ]
}

pub fn intent() -> impl Strategy<Value = Intent> {
    prop_oneof![
        (name(), proptest::option::of(role()), any::<bool>())
            .prop_map(|(name, role, bot)| Intent::AddSeat { name, role, bot }),
        role().prop_map(|role| Intent::ChooseRole { role }),
        (0u32..8, 0usize..3, 0usize..5).prop_map(|(round, step, option)| Intent::Vote {
            round,
            step,
            option
        }),
        (0u32..8, role()).prop_map(|(seat, role)| Intent::MoveSeat { seat, role }),
        (0u32..8).prop_map(|seat| Intent::RemoveSeat { seat }),
        Just(Intent::Start),
        Just(Intent::Start),
        Just(Intent::Pause),
        Just(Intent::Resume),
        any::<u32>().prop_map(|secs| Intent::SetTimer { secs }),
        any::<u32>().prop_map(|secs| Intent::ExtendTimer { secs }),
        Just(Intent::Advance),
        Just(Intent::Advance),
        Just(Intent::Advance),
        Just(Intent::Skip),
        card().prop_map(|card| Intent::ChooseNext { card }),
        card().prop_map(|card| Intent::Inject { card }),
        (0usize..5).prop_map(|option| Intent::Decide { option }),
        (0usize..5).prop_map(|option| Intent::Decide { option }),
        (0usize..5).prop_map(|option| Intent::Override { option }),
        Just(Intent::Revoke),
        Just(Intent::End),
        (
            proptest::option::of("[a-z]{0,3}"),
            proptest::collection::vec(card(), 0..4),
            0u32..12
        )
            .prop_map(|(programme, cards, rounds)| Intent::SetProgramme {
                programme,
                cards,
                rounds
            }),
        (name(), "[a-z ]{0,8}").prop_map(|(name, text)| Intent::ObserverNote { name, text }),
    ]
}
