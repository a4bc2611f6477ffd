//! Every rule of the session engine, exercised on the small test deck `tests/decks/good/mini.ron`,
//! without the shell: these tests build and run without Bevy.

use std::sync::Arc;

use kantelspel_rules::deck::Deck;
use kantelspel_rules::journal::{self, JournalEntry, JournalHeader};
use kantelspel_rules::session::{DecidedBy, Ending, Event, Intent, Phase, RuleError, Sender};
use kantelspel_rules::view::{Viewer, view};
use kantelspel_rules::{Session, Text};

const MINI: &str = include_str!("../../../tests/decks/good/mini.ron");
const A1: Sender = Sender::Seat(1);
const B1: Sender = Sender::Seat(2);
const B2: Sender = Sender::Seat(3);
const F: Sender = Sender::Facilitator;

fn deck() -> Arc<Deck> {
    Arc::new(Deck::from_ron("mini.ron", MINI).expect("the test deck is valid"))
}

fn ok(s: &mut Session, who: Sender, intent: Intent) -> Vec<Event> {
    match s.apply(who, &intent) {
        Ok(ev) => ev,
        Err(e) => panic!("{intent:?} from {who:?} was refused: {e}"),
    }
}

fn refused(s: &mut Session, who: Sender, intent: Intent) -> RuleError {
    let before = s.clone();
    let e = s
        .apply(who, &intent)
        .expect_err("the intent should have been refused");
    assert_eq!(*s, before, "a refused intent must change nothing");
    e
}

fn seat(name: &str, role: &str) -> Intent {
    Intent::AddSeat {
        name: name.into(),
        role: Some(role.into()),
        bot: false,
    }
}

fn vote(s: &Session, option: usize) -> Intent {
    Intent::Vote {
        round: s.round,
        step: s.current.as_ref().map_or(0, |c| c.step),
        option,
    }
}

fn cast(s: &mut Session, who: Sender, option: usize) -> Vec<Event> {
    let v = vote(s, option);
    ok(s, who, v)
}

fn refused_vote(s: &mut Session, who: Sender, option: usize) -> RuleError {
    let v = vote(s, option);
    refused(s, who, v)
}

/// A started session with A1 in role a and B1, B2 in role b, on the card `eerste`.
fn started() -> Session {
    let mut s = Session::new(deck(), 7, 5);
    ok(&mut s, F, seat("Anna", "a"));
    ok(&mut s, F, seat("Bert", "b"));
    ok(&mut s, F, seat("Bea", "b"));
    ok(&mut s, F, Intent::Start);
    assert_eq!(s.phase, Phase::Briefing);
    assert_eq!(
        s.current.as_ref().unwrap().card,
        0,
        "round 1 can only draw `eerste`"
    );
    s
}

fn meter(s: &Session, id: &str) -> i32 {
    s.meters[s.deck().meter_index(id).unwrap()]
}

#[test]
fn a_single_vote_decides_a_role_of_one_and_moves_meters() {
    let mut s = started();
    let ev = cast(&mut s, A1, 0);
    assert!(ev.contains(&Event::MeterChanged {
        meter: 0,
        from: 50,
        to: 60
    }));
    assert_eq!(s.phase, Phase::Resolved);
    assert_eq!(s.decisions.len(), 1);
    assert_eq!(s.decisions[0].split, vec![1, 0, 0]);
    assert_eq!(s.decisions[0].by, DecidedBy::Vote);
}

#[test]
fn multi_step_card_passes_to_the_next_role_only_if_its_condition_holds() {
    let mut s = started();
    cast(&mut s, A1, 0); // x
    ok(&mut s, F, Intent::Advance);
    assert_eq!(s.phase, Phase::Deciding);
    assert_eq!(s.deciding_role(), Some(1), "step 2 is for role b");
    let v = view(&s, Viewer::Role(Some(1)));
    let card = v.card.unwrap();
    assert_eq!(
        card.earlier.len(),
        1,
        "the later step sees the earlier choice"
    );
    assert_eq!(card.earlier[0].option_label.nl, "X");

    let mut t = started();
    cast(&mut t, A1, 2); // z: step 2 only follows x
    ok(&mut t, F, Intent::Advance);
    assert_eq!(t.round, 2, "the card ended after step 1");
}

#[test]
fn shared_role_votes_by_majority_and_records_the_split() {
    let mut s = Session::new(deck(), 1, 5);
    for name in ["A1", "A2", "A3"] {
        ok(&mut s, F, seat(name, "a"));
    }
    ok(&mut s, F, Intent::Start);
    cast(&mut s, Sender::Seat(1), 2);
    cast(&mut s, Sender::Seat(2), 0);
    assert_eq!(
        s.phase,
        Phase::Deciding,
        "not everyone in the role has voted"
    );
    cast(&mut s, Sender::Seat(3), 2);
    assert_eq!(s.phase, Phase::Resolved);
    let d = &s.decisions[0];
    assert_eq!(d.option, 2);
    assert_eq!(d.split, vec![1, 0, 2]);
    assert_eq!(d.abstained, 0);
}

#[test]
fn a_tie_goes_to_the_option_the_room_settled_on_first() {
    let mut s = started();
    cast(&mut s, A1, 0);
    ok(&mut s, F, Intent::Advance);
    cast(&mut s, B1, 1); // q first
    cast(&mut s, B2, 0); // then p: 1–1
    let d = s.decisions.last().unwrap();
    assert_eq!(d.split, vec![1, 1]);
    assert_eq!(d.option, 1, "q's vote came first");
    // Every screen learns of the tie from the view; a clear vote is no tie.
    let record = kantelspel_rules::view::view(&s, kantelspel_rules::view::Viewer::Record);
    assert!(record.decisions.last().unwrap().tied);
    assert!(!record.decisions[0].tied, "one vote for one option");

    // A changed vote moves to the back: now p's vote is the earlier one.
    let mut t = started();
    cast(&mut t, A1, 0);
    ok(&mut t, F, Intent::Advance);
    cast(&mut t, B1, 1);
    cast(&mut t, B1, 0);
    assert_eq!(t.phase, Phase::Deciding);
    assert_eq!(t.majority(), Some(0));
}

#[test]
fn advance_closes_a_vote_with_absentees_and_refuses_without_votes() {
    let mut s = started();
    cast(&mut s, A1, 0);
    ok(&mut s, F, Intent::Advance);
    assert_eq!(refused(&mut s, F, Intent::Advance), RuleError::NoVotes);
    cast(&mut s, B1, 1);
    ok(&mut s, F, Intent::Advance);
    let d = s.decisions.last().unwrap();
    assert_eq!((d.option, d.abstained), (1, 1));
}

#[test]
fn meters_are_clamped_to_their_range() {
    let mut s = started();
    cast(&mut s, A1, 0);
    ok(&mut s, F, Intent::Advance);
    ok(&mut s, F, Intent::Decide { option: 1 }); // n += 100
    assert_eq!(meter(&s, "n"), 10);
}

#[test]
fn delayed_effects_land_in_their_round() {
    let mut s = started();
    cast(&mut s, A1, 0); // m 60, and -5 in round 3
    ok(&mut s, F, Intent::Advance);
    ok(&mut s, F, Intent::Decide { option: 1 });
    ok(&mut s, F, Intent::Advance); // round 2
    assert_eq!(s.round, 2);
    assert_eq!(meter(&s, "m"), 60);
    ok(&mut s, F, Intent::Decide { option: 0 }); // gewoon: +1 → 61
    ok(&mut s, F, Intent::Advance); // round 3: -5
    assert_eq!(s.round, 3);
    assert_eq!(meter(&s, "m"), 56);
}

#[test]
fn a_follow_up_card_comes_back_in_its_round() {
    let mut s = started();
    cast(&mut s, A1, 0);
    ok(&mut s, F, Intent::Advance);
    let ev = ok(&mut s, F, Intent::Decide { option: 0 }); // p: follow-up next round
    assert!(ev.contains(&Event::FollowUpScheduled {
        card: 1,
        due_round: 2
    }));
    ok(&mut s, F, Intent::Advance);
    assert_eq!(
        s.current.as_ref().unwrap().card,
        1,
        "vervolg is played in round 2"
    );
}

#[test]
fn a_threshold_ends_the_session_and_another_sets_a_flag() {
    let mut s = started();
    let ev = cast(&mut s, A1, 1); // m -45 → 5 < 10
    assert_eq!(s.phase, Phase::Ended);
    assert_eq!(
        s.ending,
        Some(Ending::Threshold {
            meter: 0,
            threshold: 0
        })
    );
    assert!(ev.iter().any(|e| matches!(e, Event::Ended { .. })));
    assert_eq!(refused(&mut s, F, Intent::Advance), RuleError::SessionOver);
    let v = view(&s, Viewer::Role(Some(0)));
    assert_eq!(v.ending.unwrap().message.nl, "M is op");
    assert_eq!(v.decisions.len(), 1, "the debrief gets every decision");
}

#[test]
fn chances_follow_the_seed_and_both_outcomes_occur() {
    let mut hits = 0;
    for seed in 0..40 {
        let mut s = Session::new(deck(), seed, 5);
        ok(&mut s, F, seat("Anna", "a"));
        ok(&mut s, F, Intent::Start);
        ok(&mut s, F, Intent::Decide { option: 0 });
        ok(&mut s, F, Intent::Advance);
        ok(&mut s, F, Intent::Decide { option: 0 });
        ok(&mut s, F, Intent::Advance);
        ok(&mut s, F, Intent::Decide { option: 1 });
        let d = s.decisions.last().unwrap();
        assert_eq!(d.chances.len(), 1);
        if d.chances[0] {
            hits += 1;
            assert_eq!(meter(&s, "m"), 100);
            let v = view(&s, Viewer::Role(Some(0)));
            assert_eq!(v.last.unwrap().chance_outcomes[0].nl, "raak");
        } else {
            assert_eq!(meter(&s, "m"), 60);
        }
        // Same seed, same outcome.
        let mut again = Session::new(deck(), seed, 5);
        ok(&mut again, F, seat("Anna", "a"));
        ok(&mut again, F, Intent::Start);
        ok(&mut again, F, Intent::Decide { option: 0 });
        ok(&mut again, F, Intent::Advance);
        ok(&mut again, F, Intent::Decide { option: 0 });
        ok(&mut again, F, Intent::Advance);
        ok(&mut again, F, Intent::Decide { option: 1 });
        assert_eq!(again, s);
    }
    assert!(hits > 5 && hits < 35, "a 50% chance hit {hits} of 40 times");
}

#[test]
fn the_flagged_card_is_drawn_once_its_flag_is_set() {
    // Find a seed whose gamble hits, then check the next draw.
    for seed in 0..40 {
        let mut s = Session::new(deck(), seed, 5);
        ok(&mut s, F, seat("Anna", "a"));
        ok(&mut s, F, Intent::Start);
        ok(&mut s, F, Intent::Decide { option: 0 });
        ok(&mut s, F, Intent::Advance);
        ok(&mut s, F, Intent::Decide { option: 0 });
        ok(&mut s, F, Intent::Advance);
        ok(&mut s, F, Intent::Decide { option: 1 });
        if s.decisions.last().unwrap().chances[0] {
            ok(&mut s, F, Intent::Advance);
            assert_eq!(s.deck().cards[s.current.as_ref().unwrap().card].id, "hoog");
            return;
        }
    }
    panic!("no seed in 0..40 hit a 50% chance");
}

#[test]
fn intents_are_refused_in_the_wrong_phase_role_or_from_the_wrong_sender() {
    let mut s = Session::new(deck(), 1, 5);
    ok(&mut s, F, seat("Anna", "a"));
    ok(&mut s, F, seat("Bert", "b"));
    assert!(matches!(
        refused(
            &mut s,
            A1,
            Intent::Vote {
                round: 0,
                step: 0,
                option: 0
            }
        ),
        RuleError::WrongPhase {
            phase: Phase::Lobby,
            ..
        }
    ));
    assert_eq!(
        refused(&mut s, A1, Intent::Start),
        RuleError::NotFacilitator
    );
    assert_eq!(refused(&mut s, B1, Intent::End), RuleError::NotFacilitator);
    ok(&mut s, F, Intent::Start);
    assert!(matches!(
        refused(&mut s, F, Intent::Start),
        RuleError::WrongPhase { .. }
    ));
    let e = refused_vote(&mut s, B1, 0);
    assert_eq!(
        e,
        RuleError::NotYourRole {
            expected: "a".into(),
            actual: "b".into()
        }
    );
    assert_eq!(e.to_string(), "this step is for the role a, and you play b");
    assert_eq!(refused_vote(&mut s, A1, 7), RuleError::UnknownOption(7));
    assert_eq!(
        refused(
            &mut s,
            A1,
            Intent::Vote {
                round: 9,
                step: 0,
                option: 0
            }
        ),
        RuleError::StaleVote { round: 9, step: 0 }
    );
    assert_eq!(
        refused_vote(&mut s, Sender::Seat(99), 0),
        RuleError::UnknownSeat(99)
    );
    assert!(matches!(
        refused(&mut s, A1, Intent::ChooseRole { role: "b".into() }),
        RuleError::WrongPhase { .. }
    ));
    ok(&mut s, F, Intent::Pause);
    assert_eq!(refused_vote(&mut s, A1, 0), RuleError::Paused);
    ok(&mut s, F, Intent::Resume);
    cast(&mut s, A1, 0);
    // The step closed: a late vote on it is stale, not a vote on the next step.
    ok(&mut s, F, Intent::Advance);
    assert_eq!(
        refused(
            &mut s,
            B1,
            Intent::Vote {
                round: 1,
                step: 0,
                option: 0
            }
        ),
        RuleError::StaleVote { round: 1, step: 0 }
    );
}

#[test]
fn roster_rules_names_roles_capacity_and_bots() {
    let mut s = Session::new(deck(), 1, 5);
    ok(&mut s, F, seat("Anna", "a"));
    assert_eq!(
        refused(&mut s, F, seat("anna", "b")),
        RuleError::NameTaken("anna".into())
    );
    assert_eq!(refused(&mut s, F, seat("", "b")), RuleError::BadName);
    assert_eq!(
        refused(&mut s, F, seat("X", "nope")),
        RuleError::UnknownRole("nope".into())
    );
    ok(
        &mut s,
        F,
        Intent::AddSeat {
            name: "bot-b".into(),
            role: Some("b".into()),
            bot: true,
        },
    );
    ok(&mut s, F, seat("Bert", "b"));
    assert!(
        s.seats.values().all(|seat| !seat.bot),
        "a human taking the role sends its bot home"
    );
    ok(&mut s, F, seat("Bea", "b"));
    assert_eq!(
        refused(&mut s, F, seat("Bob", "b")),
        RuleError::RoleFull("b".into())
    );
    assert_eq!(s.seats.len(), 3, "a refused join leaves no empty seat");
    ok(
        &mut s,
        F,
        Intent::AddSeat {
            name: "Cor".into(),
            role: None,
            bot: false,
        },
    );
    let cor = *s.seats.keys().max().unwrap();
    ok(
        &mut s,
        Sender::Seat(cor),
        Intent::ChooseRole { role: "a".into() },
    );
    assert_eq!(s.seats[&cor].role, Some(0));
}

#[test]
fn asking_again_for_ones_own_role_changes_nothing() {
    let mut s = Session::new(deck(), 1, 5);
    ok(&mut s, F, seat("Anna", "a"));
    let anna = *s.seats.keys().max().unwrap();
    // The facilitator adds a bot beside a human: a repeated choice must not send it home.
    ok(
        &mut s,
        F,
        Intent::AddSeat {
            name: "bot-a".into(),
            role: Some("a".into()),
            bot: true,
        },
    );
    let before = s.clone();
    for _ in 0..3 {
        let events = ok(
            &mut s,
            Sender::Seat(anna),
            Intent::ChooseRole { role: "a".into() },
        );
        assert!(events.is_empty(), "{events:?}");
    }
    assert_eq!(s, before);
    // The facilitator moving a seat to the role it has keeps its vote.
    let mut s = started();
    cast(&mut s, A1, 0);
    ok(&mut s, F, Intent::Advance);
    cast(&mut s, B1, 0);
    let voted = s.current.as_ref().map(|c| c.votes.clone());
    assert_eq!(voted.as_ref().map(Vec::len), Some(1));
    let Sender::Seat(b1) = B1 else { unreachable!() };
    ok(
        &mut s,
        F,
        Intent::MoveSeat {
            seat: b1,
            role: "b".into(),
        },
    );
    assert_eq!(s.current.as_ref().map(|c| c.votes.clone()), voted);
}

#[test]
fn removing_or_moving_the_last_non_voter_resolves_the_step() {
    let mut s = started();
    cast(&mut s, A1, 0);
    ok(&mut s, F, Intent::Advance);
    cast(&mut s, B1, 0);
    ok(&mut s, F, Intent::RemoveSeat { seat: 3 });
    assert_eq!(s.phase, Phase::Resolved);
}

#[test]
fn override_and_revoke_replace_a_resolution_exactly() {
    let mut s = started();
    let before = s.clone();
    cast(&mut s, A1, 2); // z: n+1
    assert!(s.can_undo());
    ok(&mut s, F, Intent::Override { option: 0 }); // x instead
    assert_eq!(meter(&s, "n"), 5);
    assert_eq!(meter(&s, "m"), 60);
    assert_eq!(s.decisions.len(), 1);
    assert_eq!(s.decisions[0].by, DecidedBy::Override);
    ok(&mut s, F, Intent::Revoke);
    assert_eq!(s.phase, Phase::Deciding);
    assert_eq!(s.meters, before.meters);
    assert!(s.decisions.is_empty());
    assert_eq!(refused(&mut s, F, Intent::Revoke), RuleError::NothingToUndo);

    // A resolution that ended the session can be overridden, and the session goes on.
    let mut t = started();
    cast(&mut t, A1, 1);
    assert_eq!(t.phase, Phase::Ended);
    ok(&mut t, F, Intent::Override { option: 2 });
    assert_eq!(t.phase, Phase::Resolved);
    assert_eq!(t.ending, None);
    assert_eq!(t.meter_history.len(), 1);
}

#[test]
fn skip_inject_and_choose_next_steer_the_cards() {
    let mut s = started();
    ok(
        &mut s,
        F,
        Intent::Inject {
            card: "gewoon".into(),
        },
    );
    assert_eq!(
        s.deck().cards[s.current.as_ref().unwrap().card].id,
        "gewoon"
    );
    assert_eq!(s.played[0], 0, "the set-aside card was not played");
    ok(
        &mut s,
        F,
        Intent::ChooseNext {
            card: "eerste".into(),
        },
    );
    ok(&mut s, F, Intent::Decide { option: 0 });
    assert_eq!(
        refused(&mut s, F, Intent::Skip).to_string(),
        "not possible during the outcome: this needs a card being read or decided"
    );
    ok(&mut s, F, Intent::Advance);
    assert_eq!(
        s.deck().cards[s.current.as_ref().unwrap().card].id,
        "eerste"
    );
    ok(&mut s, F, Intent::Skip);
    assert_ne!(
        s.deck().cards[s.current.as_ref().unwrap().card].id,
        "eerste"
    );
    assert_eq!(
        refused(
            &mut s,
            F,
            Intent::Inject {
                card: "nope".into()
            }
        ),
        RuleError::UnknownCard("nope".into())
    );
}

#[test]
fn timers_are_bounded_and_extend() {
    let mut s = started();
    ok(&mut s, F, Intent::SetTimer { secs: 120 });
    ok(&mut s, F, Intent::ExtendTimer { secs: 60 });
    ok(&mut s, F, Intent::ExtendTimer { secs: 30 });
    assert_eq!(s.decision_secs(), 210, "this decision gets +90 s");
    assert_eq!(s.timer_secs, 120, "the timer itself stays");
    assert_eq!(
        refused(&mut s, F, Intent::ExtendTimer { secs: u32::MAX }),
        RuleError::BadTimer
    );
    // Once decided, the next decision has the timer as set, not the extension.
    let role = s.deck().cards[s.current.as_ref().unwrap().card].steps[0].role;
    let who = *s
        .seats
        .iter()
        .find(|(_, seat)| seat.role == Some(role))
        .unwrap()
        .0;
    ok(&mut s, F, Intent::Advance);
    cast(&mut s, Sender::Seat(who), 0);
    assert_eq!(s.decisions.len(), 1, "Anna alone decides for role a");
    assert_eq!(
        s.decision_secs(),
        120,
        "the extension ends with its decision"
    );
    assert_eq!(
        refused(&mut s, F, Intent::SetTimer { secs: 0 }),
        RuleError::BadTimer
    );
}

#[test]
fn all_rounds_played_completes_the_session() {
    let mut s = Session::new(deck(), 3, 3);
    ok(&mut s, F, seat("Anna", "a"));
    ok(&mut s, F, Intent::Start);
    for _ in 0..50 {
        match s.phase {
            Phase::Briefing | Phase::Deciding => {
                ok(&mut s, F, Intent::Decide { option: 0 });
            }
            Phase::Resolved => {
                ok(&mut s, F, Intent::Advance);
            }
            _ => break,
        }
    }
    assert_eq!(s.ending, Some(Ending::Completed));
    assert_eq!(s.meter_history.len(), 4, "start + 3 rounds");
}

#[test]
fn each_role_sees_only_its_own_briefing() {
    let s = started();
    let a = view(&s, Viewer::Role(Some(0))).card.unwrap();
    let b = view(&s, Viewer::Role(Some(1))).card.unwrap();
    let f = view(&s, Viewer::Facilitator).card.unwrap();
    assert_eq!(a.briefing.nl, "Algemeen");
    assert_eq!(b.briefing.nl, "Geheim voor B");
    assert!(a.all_briefings.is_empty() && b.all_briefings.is_empty());
    assert!(
        a.debrief.is_empty(),
        "debrief questions are for the facilitator until the end"
    );
    assert_eq!(
        f.all_briefings,
        vec![(1, Text::new("Geheim voor B", "Secret for B"))]
    );
    let a_view = format!("{:?}", view(&s, Viewer::Role(Some(0))));
    assert!(
        !a_view.contains("Geheim"),
        "role a's view must not carry b's briefing"
    );
}

#[test]
fn replaying_the_journal_rebuilds_the_session_exactly() {
    let deck = deck();
    let header = JournalHeader {
        version: journal::JOURNAL_VERSION,
        deck_name: "mini.ron".into(),
        deck_source: MINI.into(),
        seed: 11,
        rounds: 5,
        created_unix: 0,
        join_code: String::new(),
        seat_secret: 7,
        edition: kantelspel_rules::session::RULES_EDITION,
    };
    let mut s = Session::new(Arc::clone(&deck), header.seed, header.rounds);
    let mut entries = Vec::new();
    let mut play = |s: &mut Session, sender: Sender, intent: Intent| {
        if s.apply(sender, &intent).is_ok() {
            entries.push(JournalEntry::new(
                entries.len() as u64,
                sender,
                &intent,
                None,
            ));
        }
    };
    play(&mut s, F, seat("Anna", "a"));
    play(&mut s, F, seat("Bert", "b"));
    play(&mut s, F, Intent::Start);
    play(
        &mut s,
        A1,
        Intent::Vote {
            round: 1,
            step: 0,
            option: 0,
        },
    );
    play(&mut s, F, Intent::Advance);
    play(
        &mut s,
        B1,
        Intent::Vote {
            round: 1,
            step: 1,
            option: 0,
        },
    );
    play(&mut s, F, Intent::Advance);
    play(&mut s, F, Intent::Decide { option: 1 });

    let text: String = std::iter::once(journal::header_line(&header))
        .chain(entries.iter().map(journal::entry_line))
        .map(|l| l + "\n")
        .collect();
    let parsed = journal::parse(&text).unwrap();
    assert!(parsed.damage.is_none());
    let rebuilt = journal::replay(
        journal::deck_of(&parsed.header).unwrap(),
        &parsed.header,
        &parsed.entries,
    )
    .unwrap();
    assert_eq!(rebuilt, s);

    // A journal cut off mid-line keeps everything before the cut.
    let cut = &text[..text.len() - 10];
    let partial = journal::parse(cut).unwrap();
    assert_eq!(partial.entries.len(), entries.len() - 1);
    assert!(partial.damage.is_some());
}

/// The journal's lines are a file format of their own: a line written by version 1 reads back as
/// the same intent, and is written again byte for byte. Adding an intent to the rules must not
/// change any of these.
#[test]
fn journal_lines_of_version_1_still_read_and_write_the_same() {
    let lines = [
        r#"(seq:0,sender:Host,intent:AddSeat(name:"Anna",role:Some("a"),bot:false))"#,
        r#"(seq:1,sender:Seat(1),intent:ChooseRole(role:"b"))"#,
        r#"(seq:2,sender:Seat(2),intent:Vote(round:1,step:0,option:2))"#,
        r#"(seq:3,sender:Facilitator,intent:MoveSeat(seat:2,role:"a"))"#,
        r#"(seq:4,sender:Facilitator,intent:RemoveSeat(seat:3))"#,
        r#"(seq:5,sender:Facilitator,intent:Start)"#,
        r#"(seq:6,sender:Facilitator,intent:Pause)"#,
        r#"(seq:7,sender:Facilitator,intent:Resume)"#,
        r#"(seq:8,sender:Facilitator,intent:SetTimer(secs:90))"#,
        r#"(seq:9,sender:Facilitator,intent:ExtendTimer(secs:60))"#,
        r#"(seq:10,sender:Host,intent:Advance,resolved:Some("round 1: eerste step 1 (a) -> x [votes 1-0-0]"))"#,
        r#"(seq:11,sender:Facilitator,intent:Skip)"#,
        r#"(seq:12,sender:Facilitator,intent:ChooseNext(card:"vervolg"))"#,
        r#"(seq:13,sender:Facilitator,intent:Inject(card:"gewoon"))"#,
        r#"(seq:14,sender:Facilitator,intent:Decide(option:1))"#,
        r#"(seq:15,sender:Facilitator,intent:Override(option:0))"#,
        r#"(seq:16,sender:Facilitator,intent:Revoke)"#,
        r#"(seq:17,sender:Facilitator,intent:End)"#,
        r#"(seq:18,sender:Facilitator,intent:Note(text:"Tafel 2 twijfelt"))"#,
    ];
    for line in lines {
        let entry: JournalEntry = ron::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(journal::entry_line(&entry), line);
        let intent = Intent::from(&entry.intent);
        let again = JournalEntry::new(entry.seq, entry.sender.into(), &intent, entry.resolved);
        assert_eq!(journal::entry_line(&again), line);
    }
    assert_eq!(journal::JOURNAL_VERSION, 1);
}

/// A warning threshold (one that raises a flag) is news for the room: the decision that crossed
/// it carries its message into every view, once; the session goes on.
#[test]
fn a_crossed_warning_threshold_is_told_with_the_decision() {
    let src = r#"(
        id: "w", title: (nl: "W", en: "W"), rounds: 3,
        roles: [(id: "a", name: (nl: "A", en: "A"))],
        meters: [(id: "m", label: (nl: "M", en: "M"), min: 0, max: 100, start: 50, thresholds: [
            (when: Above(60), then: SetFlag("hoog"), message: (nl: "M loopt op", en: "M is rising")),
            (when: Above(90), then: EndSession, message: (nl: "M is te hoog", en: "M is too high")),
        ])],
        cards: [(id: "k", title: (nl: "K", en: "K"), briefing: (nl: "B", en: "B"), repeatable: true,
            steps: [(role: "a", prompt: (nl: "P", en: "P"), options: [
                (id: "op", label: (nl: "Op", en: "Up"), effects: [Meter(meter: "m", by: 15)], outcome: (nl: "o", en: "o")),
                (id: "neer", label: (nl: "Neer", en: "Down"), effects: [Meter(meter: "m", by: -1)], outcome: (nl: "n", en: "n")),
            ])])],
    )"#;
    let deck = Arc::new(kantelspel_rules::Deck::from_ron("w.ron", src).unwrap());
    let mut s = Session::new(deck, 1, 3);
    ok(&mut s, F, seat("Anna", "a"));
    ok(&mut s, F, Intent::Start);
    ok(&mut s, F, Intent::Decide { option: 0 });
    assert_eq!(s.meters[0], 65);
    assert_eq!(s.decisions[0].warnings, vec![(0, 0)]);
    let v = kantelspel_rules::view::view(&s, kantelspel_rules::view::Viewer::Role(Some(0)));
    let told: Vec<&str> = v
        .last
        .as_ref()
        .unwrap()
        .chance_outcomes
        .iter()
        .map(|t| t.nl.as_str())
        .collect();
    assert_eq!(told, ["⚠ M loopt op"]);
    assert_eq!(
        s.phase,
        Phase::Resolved,
        "a warning does not end the session"
    );
    // The flag stays up: rising further says nothing new.
    ok(&mut s, F, Intent::Advance);
    ok(&mut s, F, Intent::Decide { option: 0 });
    assert_eq!(s.meters[0], 80);
    assert!(s.decisions[1].warnings.is_empty());
}

/// The facilitator's notes: kept with their round, refused from a player, empty or too long;
/// still possible in the debrief; shown to the facilitator and the report, not to players.
#[test]
fn observer_notes_are_kept_with_their_round() {
    let mut s = started();
    assert_eq!(
        refused(
            &mut s,
            A1,
            Intent::Note {
                text: "ik ook".into()
            }
        ),
        RuleError::NotFacilitator
    );
    assert_eq!(
        refused(&mut s, F, Intent::Note { text: "   ".into() }),
        RuleError::BadNote
    );
    assert_eq!(
        refused(
            &mut s,
            F,
            Intent::Note {
                text: "x".repeat(501)
            }
        ),
        RuleError::BadNote
    );
    ok(
        &mut s,
        F,
        Intent::Note {
            text: "  Bert aarzelt bij de stemming ".into(),
        },
    );
    ok(&mut s, F, Intent::End);
    ok(
        &mut s,
        F,
        Intent::Note {
            text: "Nabespreking: tafel 1 wil meer tijd".into(),
        },
    );
    let notes: Vec<(u32, &str)> = s.notes.iter().map(|n| (n.round, n.text.as_str())).collect();
    assert_eq!(
        notes,
        [
            (1, "Bert aarzelt bij de stemming"),
            (1, "Nabespreking: tafel 1 wil meer tijd")
        ]
    );
    assert_eq!(view(&s, Viewer::Facilitator).notes.len(), 2);
    assert!(
        view(&s, Viewer::Role(Some(0))).notes.is_empty(),
        "players do not see notes"
    );
    // The report shows them too: `tests/report.rs`.
}

/// A later effect that crosses a warning threshold at the start of a round is news in that
/// round's view, for everyone, until the next round begins.
#[test]
fn a_warning_crossed_by_a_later_effect_is_news_at_the_start_of_the_round() {
    let src = r#"(
        id: "w", title: (nl: "W", en: "W"), rounds: 4,
        roles: [(id: "a", name: (nl: "A", en: "A"))],
        meters: [(id: "m", label: (nl: "M", en: "M"), min: 0, max: 100, start: 50, thresholds: [
            (when: Above(60), then: SetFlag("hoog"), message: (nl: "M loopt op", en: "M is rising")),
        ])],
        cards: [(id: "k", title: (nl: "K", en: "K"), briefing: (nl: "B", en: "B"), repeatable: true,
            steps: [(role: "a", prompt: (nl: "P", en: "P"), options: [
                (id: "later", label: (nl: "Later", en: "Later"), effects: [Later(meter: "m", by: 15, rounds: 1)], outcome: (nl: "o", en: "o")),
                (id: "niets", label: (nl: "Niets", en: "Nothing"), effects: [Meter(meter: "m", by: -1)], outcome: (nl: "n", en: "n")),
            ])])],
    )"#;
    let deck = Arc::new(kantelspel_rules::Deck::from_ron("w.ron", src).unwrap());
    let mut s = Session::new(deck, 1, 4);
    ok(&mut s, F, seat("Anna", "a"));
    ok(&mut s, F, Intent::Start);
    ok(&mut s, F, Intent::Decide { option: 0 });
    assert!(view(&s, Viewer::Role(Some(0))).news.is_empty());
    ok(&mut s, F, Intent::Advance);
    assert_eq!(s.round, 2);
    assert_eq!(s.meters[0], 65, "the later effect came due");
    let news: Vec<String> = view(&s, Viewer::Role(Some(0)))
        .news
        .iter()
        .map(|t| t.nl.clone())
        .collect();
    assert_eq!(news, ["⚠ M loopt op"]);
    ok(&mut s, F, Intent::Decide { option: 1 });
    ok(&mut s, F, Intent::Advance);
    assert!(
        view(&s, Viewer::Role(Some(0))).news.is_empty(),
        "news lasts one round"
    );
}

/// "+60 s" only while a card is read or decided; a new timer does not cut the decision under way
/// short; a note made in the debrief belongs to the last round.
#[test]
fn timers_change_the_future_and_notes_after_the_end_keep_to_the_last_round() {
    let mut s = Session::new(deck(), 7, 2);
    assert!(matches!(
        refused(&mut s, F, Intent::ExtendTimer { secs: 60 }),
        RuleError::WrongPhase { .. }
    ));
    ok(&mut s, F, seat("Anna", "a"));
    ok(&mut s, F, Intent::SetTimer { secs: 120 });
    ok(&mut s, F, Intent::Start);
    ok(&mut s, F, Intent::SetTimer { secs: 60 });
    assert_eq!(
        s.decision_secs(),
        120,
        "the decision under way keeps its two minutes"
    );
    assert_eq!(s.timer_secs, 60);
    ok(&mut s, F, Intent::End);
    ok(
        &mut s,
        F,
        Intent::Note {
            text: "Nabespreking".into(),
        },
    );
    assert!(s.notes[0].round <= s.rounds);
}

/// An observer's note is the observer's own intent with its own rule: only from an observer,
/// under a name the name rule takes, a note the note rule takes, kept with the round and the
/// name, and a table keeps a bounded number of them.
#[test]
fn an_observer_notes_under_their_name_and_no_one_else_writes_as_one() {
    use kantelspel_rules::session::{MAX_OBSERVER_NOTES, checked_name};
    let mut s = started();
    let note = |name: &str, text: &str| Intent::ObserverNote {
        name: name.into(),
        text: text.into(),
    };
    assert_eq!(
        refused(&mut s, F, note("Noor", "kijk")),
        RuleError::NotObserver
    );
    assert_eq!(
        refused(&mut s, A1, note("Noor", "kijk")),
        RuleError::NotObserver
    );
    let o = Sender::Observer;
    assert_eq!(refused(&mut s, o, note("  ", "kijk")), RuleError::BadName);
    assert_eq!(refused(&mut s, o, note("Noor", " ")), RuleError::BadNote);
    assert_eq!(
        refused(&mut s, o, note("Noor", &"x".repeat(495))),
        RuleError::BadNote,
        "the name and the note together stay within a note's length"
    );
    assert_eq!(
        refused(&mut s, o, Intent::Start),
        RuleError::NotFacilitator,
        "an observer may do nothing else"
    );
    ok(&mut s, o, note(" Noor ", " Bert aarzelt "));
    assert_eq!(
        s.notes.last().unwrap().text,
        "Noor (observator): Bert aarzelt"
    );
    assert_eq!(s.notes.last().unwrap().round, s.round);
    while s.notes.len() < MAX_OBSERVER_NOTES {
        ok(&mut s, F, Intent::Note { text: "vol".into() });
    }
    assert_eq!(
        refused(&mut s, o, note("Noor", "nog een")),
        RuleError::NotesFull
    );
    assert_eq!(checked_name(" Anna "), Ok("Anna"));
    assert_eq!(checked_name("a\u{7}b"), Err(RuleError::BadName));
}

/// A meter's move is good or bad news by where it goes, not by its sign: the view says so once
/// for every screen (willekeur up is bad, budget up is good, a two-sided meter by the nearer end).
#[test]
fn every_decision_says_which_moves_go_towards_a_tipping_point() {
    use kantelspel_rules::bot::Strategy;
    use kantelspel_rules::simulate::play_one;
    use kantelspel_rules::view::towards_danger;
    assert!(
        towards_danger(30, 36, None, Some(90)),
        "up towards an upper end"
    );
    assert!(!towards_danger(36, 30, None, Some(90)));
    assert!(
        towards_danger(40, 37, Some(10), None),
        "down towards a lower end"
    );
    assert!(!towards_danger(37, 40, Some(10), None));
    assert!(
        towards_danger(80, 85, Some(10), Some(90)),
        "nearer the nearer end"
    );
    assert!(
        !towards_danger(20, 25, Some(10), Some(90)),
        "away from the nearer end"
    );
    assert!(
        !towards_danger(40, 60, None, None),
        "a meter that cannot tip"
    );
    assert!(
        !towards_danger(40, 40, Some(10), Some(90)),
        "no move, no news"
    );

    let deck = Arc::new(Deck::default_deck().expect("the default deck"));
    let willekeur = deck
        .meters
        .iter()
        .position(|m| m.id == "willekeur")
        .unwrap();
    assert_eq!(deck.meters[willekeur].tipping_points().0, None);
    assert!(deck.meters[willekeur].tipping_points().1.is_some());
    let (mut up, mut down) = (0, 0);
    for seed in 0..20 {
        let s = play_one(&deck, seed, deck.rounds, Strategy::Random);
        for d in view(&s, Viewer::Record).decisions {
            let moves = d.moves();
            assert_eq!(moves.len(), deck.meters.len());
            let w = moves[willekeur];
            if w.by > 0 {
                assert!(w.worse, "willekeur {:+} is bad news", w.by);
                up += 1;
            } else if w.by < 0 {
                assert!(!w.worse, "willekeur {:+} is good news", w.by);
                down += 1;
            }
            for (m, mv) in deck.meters.iter().zip(&moves) {
                let (below, above) = m.tipping_points();
                let (before, after) = (mv_before(&d, m, &deck), mv_before(&d, m, &deck) + mv.by);
                assert_eq!(
                    mv.worse,
                    towards_danger(before, after, below, above),
                    "{}",
                    m.id
                );
            }
        }
    }
    assert!(
        up > 0 && down > 0,
        "both kinds of move were seen ({up} up, {down} down)"
    );
}

fn mv_before(
    d: &kantelspel_rules::view::DecisionView,
    m: &kantelspel_rules::deck::Meter,
    deck: &Deck,
) -> i32 {
    let i = deck.meters.iter().position(|x| x.id == m.id).unwrap();
    d.meters_before[i]
}

/// Two names that look the same on the facilitator's screen are one name: a zero-width space or
/// a right-to-left override is refused, and "Brаm" with a Cyrillic "а" is Bram's.
#[test]
fn a_name_that_looks_like_another_is_that_name() {
    use kantelspel_rules::session::{checked_name, name_look};
    let mut s = Session::new(deck(), 1, 3);
    ok(&mut s, F, seat("Bram", "b"));
    for sneaky in [
        "Br\u{200B}am",
        "\u{202E}marB",
        "Bram\u{FEFF}",
        "B\u{2060}ram",
    ] {
        assert_eq!(checked_name(sneaky), Err(RuleError::BadName), "{sneaky:?}");
        assert_eq!(refused(&mut s, F, seat(sneaky, "b")), RuleError::BadName);
    }
    for alike in ["Brаm", "BRAM", "Вrаm", "Ｂｒａｍ"] {
        assert_eq!(name_look(alike), "bram", "{alike:?}");
        assert!(matches!(
            refused(&mut s, F, seat(alike, "b")),
            RuleError::NameTaken(_)
        ));
        assert!(s.seat_named(alike).is_some());
    }
    // The door shows the facilitator where a look-alike is written otherwise.
    use kantelspel_rules::session::written_otherwise;
    assert_eq!(written_otherwise("Brаm", "Bram"), vec![(3, 'а')]);
    assert_eq!(written_otherwise("BRAM", "Bram"), vec![]);
    assert_eq!(written_otherwise("Ｂram", "Bram"), vec![(1, 'Ｂ')]);
    // Names in other scripts are names like any other.
    for other in ["Ирина", "Zoë", "محمد", "Jo 👩\u{200D}💻", "Sam ❤\u{FE0F}"] {
        ok(
            &mut s,
            F,
            Intent::AddSeat {
                name: other.into(),
                role: None,
                bot: false,
            },
        );
    }
    // A journal of edition 2 replays its names as they were taken then.
    let mut old = Session::with_edition(deck(), 1, 3, 2);
    ok(&mut old, F, seat("Bram", "b"));
    ok(&mut old, F, seat("Brаm", "b"));
}

/// A table takes at most MAX_SEATS seats: a stream of hellos cannot grow it without end.
#[test]
fn a_table_has_a_last_seat() {
    use kantelspel_rules::session::MAX_SEATS;
    let mut s = Session::new(deck(), 1, 3);
    for i in 0..MAX_SEATS {
        ok(
            &mut s,
            F,
            Intent::AddSeat {
                name: format!("speler {i}"),
                role: None,
                bot: false,
            },
        );
    }
    let last = Intent::AddSeat {
        name: "een te veel".into(),
        role: None,
        bot: false,
    };
    assert_eq!(refused(&mut s, F, last), RuleError::TableFull);
}
