//! The game as a lesson: programmes play what the facilitator chose, every role decides in
//! every programme, meters tip, crises come, consequences land, bots play like people in their
//! role, and the strict check refuses a deck where a role sits idle. Built and run without the
//! shell.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kantelspel_rules::bot::{self, Strategy};
use kantelspel_rules::deck::Deck;
use kantelspel_rules::journal::{self, JournalEntry, JournalHeader};
use kantelspel_rules::lint::{self, FindingKind};
use kantelspel_rules::session::{
    Intent, Phase, ProgrammeChoice, RULES_EDITION, RuleError, Sender, Session,
};
use kantelspel_rules::simulate;

/// A shipped deck, read as the shell reads it (the rules read no files).
fn load(path: &Path) -> Deck {
    let source = std::fs::read_to_string(path).unwrap();
    Deck::from_ron(&path.display().to_string(), &source).unwrap_or_else(|e| panic!("{e}"))
}

fn shipped() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    out.sort();
    out
}

/// Plays a session to its end with the facilitator deciding the first option; the cards played
/// in order, and the intents (for the journal).
fn play_out(s: &mut Session, log: &mut Vec<(Sender, Intent)>) -> Vec<String> {
    let mut cards = Vec::new();
    let mut apply = |s: &mut Session, sender: Sender, i: Intent| {
        s.apply(sender, &i).unwrap();
        log.push((sender, i));
    };
    apply(s, Sender::Facilitator, Intent::Start);
    for _ in 0..400 {
        if let Some(cur) = &s.current
            && cards.last() != Some(&s.deck().cards[cur.card].id)
        {
            cards.push(s.deck().cards[cur.card].id.clone());
        }
        match s.phase {
            Phase::Briefing | Phase::Deciding => {
                apply(s, Sender::Facilitator, Intent::Decide { option: 0 })
            }
            Phase::Resolved => apply(s, Sender::Facilitator, Intent::Advance),
            Phase::Lobby | Phase::Ended => break,
        }
    }
    cards
}

#[test]
fn an_own_pick_plays_exactly_those_cards_in_that_order_and_replays_from_its_journal() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    let pick = [
        "werkbezoek",
        "twee-petten",
        "minder-dan-ik-wil",
        "evaluatie",
    ];
    let mut s = Session::new(Arc::clone(&deck), 5, deck.rounds);
    let mut log = Vec::new();
    let set = ProgrammeChoice {
        programme: None,
        cards: pick.iter().map(|c| c.to_string()).collect(),
    }
    .intent(4);
    s.apply(Sender::Facilitator, &set).unwrap();
    log.push((Sender::Facilitator, set));
    assert_eq!(s.rounds, 4);
    let played = play_out(&mut s, &mut log);
    assert_eq!(played, pick, "the pick, nothing else, in its order");
    assert_eq!(s.phase, Phase::Ended);
    let text = s.programme_text().unwrap();
    assert!(text.nl.starts_with("eigen keuze:"), "{}", text.nl);
    // The journal holds the programme: a replay is the same session.
    let header = JournalHeader {
        version: journal::JOURNAL_VERSION,
        deck_name: "kanteling".into(),
        deck_source: kantelspel_rules::deck::DEFAULT_DECK.into(),
        seed: 5,
        rounds: deck.rounds,
        created_unix: 0,
        join_code: String::new(),
        seat_secret: 0,
        edition: RULES_EDITION,
    };
    let mut text = journal::header_line(&header);
    for (seq, (sender, intent)) in log.iter().enumerate() {
        text.push('\n');
        text.push_str(&journal::entry_line(&JournalEntry::new(
            seq as u64, *sender, intent, None,
        )));
    }
    let back = journal::recover(&text).unwrap();
    assert!(back.warning.is_none(), "{:?}", back.warning);
    assert_eq!(back.session, s);
}

#[test]
fn a_pick_with_rounds_to_spare_leaves_them_to_the_deck() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    let mut s = Session::new(Arc::clone(&deck), 8, deck.rounds);
    s.apply(
        Sender::Facilitator,
        &Intent::SetProgramme {
            programme: None,
            cards: vec!["werkbezoek".into(), "twee-petten".into()],
            rounds: 5,
        },
    )
    .unwrap();
    let played = play_out(&mut s, &mut Vec::new());
    assert_eq!(&played[..2], ["werkbezoek", "twee-petten"]);
    assert_eq!(played.len(), 5, "{played:?}");
    assert_eq!(
        played.last().unwrap(),
        "evaluatie",
        "the closing card has the last round"
    );
}

#[test]
fn the_programme_is_chosen_in_the_lobby_by_the_facilitator_only() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    let mut s = Session::new(Arc::clone(&deck), 1, deck.rounds);
    let some = |p: &str| Intent::SetProgramme {
        programme: Some(p.into()),
        cards: Vec::new(),
        rounds: 0,
    };
    s.apply(
        Sender::Host,
        &Intent::AddSeat {
            name: "Anouk".into(),
            role: Some("raadslid".into()),
            bot: false,
        },
    )
    .unwrap();
    let seat = *s.seats.keys().next().unwrap();
    assert_eq!(
        s.apply(Sender::Seat(seat), &some("budgetdruk")),
        Err(RuleError::NotFacilitator)
    );
    assert_eq!(
        s.apply(Sender::Facilitator, &some("bestaat-niet")),
        Err(RuleError::UnknownProgramme("bestaat-niet".into()))
    );
    let twice = Intent::SetProgramme {
        programme: None,
        cards: vec!["twee-buren".into(), "twee-buren".into()],
        rounds: 0,
    };
    assert_eq!(
        s.apply(Sender::Facilitator, &twice),
        Err(RuleError::BadProgramme)
    );
    s.apply(Sender::Facilitator, &some("budgetdruk")).unwrap();
    let spec = deck.programme("budgetdruk").unwrap();
    assert_eq!(s.rounds, spec.rounds);
    assert_eq!(s.programme_text().unwrap(), spec.name);
    // Back to the whole deck, with a number of rounds of one's own.
    s.apply(
        Sender::Facilitator,
        &Intent::SetProgramme {
            programme: None,
            cards: Vec::new(),
            rounds: 6,
        },
    )
    .unwrap();
    assert!(s.programme.is_none());
    assert_eq!(s.rounds, 6);
    s.apply(Sender::Facilitator, &Intent::Start).unwrap();
    assert!(matches!(
        s.apply(Sender::Facilitator, &some("budgetdruk")),
        Err(RuleError::WrongPhase { .. })
    ));
}

#[test]
fn a_programme_draws_its_own_cards_and_the_crises_and_follow_ups_they_raise() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    for spec in &deck.programmes {
        let choice = ProgrammeChoice {
            programme: Some(spec.id.clone()),
            cards: Vec::new(),
        };
        let done = std::sync::atomic::AtomicU64::new(0);
        let b =
            simulate::simulate_parallel(&deck, 2_000, 1, 0, Strategy::Random, &choice, 2, &done);
        assert_eq!(b.rounds, spec.rounds);
        let mut followed = std::collections::HashSet::new();
        for c in &deck.cards {
            for st in &c.steps {
                for o in &st.options {
                    collect_follow_ups(&o.effects, &mut followed);
                }
            }
        }
        for (i, card) in deck.cards.iter().enumerate() {
            if b.reach[i] > 0 {
                assert!(
                    spec.cards.contains(&i) || card.opened_by_flag() || followed.contains(&i),
                    "{}: `{}` is not in the programme",
                    spec.id,
                    card.id
                );
            }
        }
        for c in &spec.named {
            if deck.cards[*c].follow_up_only {
                assert!(
                    b.reach[*c] * 2 > b.runs,
                    "{}: `{}` is named, so it comes by itself",
                    spec.id,
                    deck.cards[*c].id
                );
            }
        }
        // A follow-up the programme holds only through a theme comes only when scheduled.
        for c in &spec.cards {
            let card = &deck.cards[*c];
            if !card.opened_by_flag() && (!card.follow_up_only || spec.named.contains(c)) {
                assert!(
                    b.reach[*c] > 0,
                    "{}: `{}` never comes",
                    spec.id,
                    deck.cards[*c].id
                );
            }
        }
    }
}

fn collect_follow_ups(
    effects: &[kantelspel_rules::deck::Effect],
    out: &mut std::collections::HashSet<usize>,
) {
    use kantelspel_rules::deck::Effect;
    for e in effects {
        match e {
            Effect::FollowUp { card, .. } => {
                out.insert(*card);
            }
            Effect::Chance { effects, .. } => collect_follow_ups(effects, out),
            _ => {}
        }
    }
}

/// Every programme of every shipped deck (and the whole deck): every role decides at least
/// twice per session on average and sits idle in at most a tenth of sessions; delayed effects
/// land; in the whole deck, crises come after their flag.
#[test]
fn every_role_decides_in_every_programme_and_consequences_land() {
    for path in shipped() {
        let deck = Arc::new(load(&path));
        let mut choices = vec![ProgrammeChoice::default()];
        choices.extend(deck.programmes.iter().map(|p| ProgrammeChoice {
            programme: Some(p.id.clone()),
            cards: Vec::new(),
        }));
        for choice in choices {
            let done = std::sync::atomic::AtomicU64::new(0);
            let b = simulate::simulate_parallel(
                &deck,
                4_000,
                1,
                0,
                Strategy::Random,
                &choice,
                2,
                &done,
            );
            let s = b.summary(&deck);
            let what = format!("{} / {}", path.display(), s.programme);
            for r in &s.roles {
                assert!(
                    r.decisions_per_session >= lint::MIN_ROLE_DECISIONS
                        && r.never_share <= lint::MAX_IDLE_SHARE,
                    "{what}: {} decides {:.2} times, never in {:.1}%",
                    r.id,
                    r.decisions_per_session,
                    100.0 * r.never_share
                );
            }
            for l in &s.late_effects {
                assert!(
                    l.plays < 40 || l.dropped_share <= lint::MAX_DROPPED_SHARE,
                    "{what}: {}/{} falls after the end in {:.0}%",
                    l.card,
                    l.option,
                    100.0 * l.dropped_share
                );
            }
            // The crises are judged on the whole deck, as `deck check --strict` does: a
            // programme about equal cases may raise the budget's flag only in its last rounds.
            for (f, flag) in s.flags.iter().enumerate() {
                if let Some(share) = flag.opened_card_share
                    && b.flag_raised[f].0 >= 40
                    && choice.is_whole_deck()
                {
                    assert!(
                        share >= lint::MIN_CRISIS_SHARE,
                        "{what}: after `{}` its card comes in {:.0}%",
                        flag.id,
                        100.0 * share
                    );
                }
            }
        }
    }
}

/// The whole deck in random play: every meter that can end a session does so sometimes but not
/// often (2-25 %), and comes near its tipping point in at least 15 % of sessions.
#[test]
fn every_meter_can_tip_and_sometimes_does() {
    for path in shipped() {
        let deck = Arc::new(load(&path));
        let b = simulate::simulate(&deck, 10_000, 1, deck.rounds, Strategy::Random);
        for m in b.summary(&deck).meters.iter().filter(|m| m.can_end) {
            assert!(
                (0.02..=0.25).contains(&m.ends_share) && m.danger_share >= 0.15,
                "{}: {} ends {:.1}% of sessions, near its tipping point in {:.1}%",
                path.display(),
                m.id,
                100.0 * m.ends_share,
                100.0 * m.danger_share
            );
        }
    }
}

/// The deck as it was before this lesson (the ambtenaar deciding 0.9 times a session) is
/// refused by the strict check, with the role named and what to change.
#[test]
fn the_strict_check_refuses_a_deck_where_a_role_sits_idle() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/decks/lessons/kanteling-2026-11.ron");
    let source = std::fs::read_to_string(&path).unwrap();
    let err = lint::check_strict("old", &source).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("the role `ambtenaar` decides"), "{text}");
    assert!(text.contains("give it a step of its own work"), "{text}");
    let (_, found) = lint::check("old", &source).unwrap();
    assert!(found.iter().any(|f| f.kind == FindingKind::IdleRole));
    assert!(found.iter().any(|f| f.kind == FindingKind::EffectAfterEnd));
}

/// A bot in a role leans, but no option of a step is its choice more than three times in four.
#[test]
fn a_role_bot_leans_but_spreads_its_votes() {
    for path in shipped() {
        let deck = Arc::new(load(&path));
        assert!(
            deck.roles.iter().all(|r| !r.leanings.is_empty()),
            "{}: every role says what it leans to",
            path.display()
        );
        for card in &deck.cards {
            for step in &card.steps {
                let odds = bot::leaning_odds(
                    deck.meters.len(),
                    &deck.roles[step.role].leanings,
                    &step.options,
                );
                let top = odds.iter().copied().fold(0.0, f64::max);
                assert!((odds.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                assert!(
                    top <= 0.75,
                    "{}: {} leans {top:.2}",
                    path.display(),
                    card.id
                );
            }
        }
        let b = simulate::simulate(&deck, 4_000, 2, deck.rounds, Strategy::Role);
        for (c, card) in deck.cards.iter().enumerate() {
            for (s, counts) in b.chosen[c].iter().enumerate() {
                let total: u64 = counts.iter().sum();
                if total >= 200 {
                    let top = *counts.iter().max().unwrap() as f64 / total as f64;
                    assert!(
                        top <= 0.75,
                        "{}: the role bot takes one option of {} step {s} in {:.0}%",
                        path.display(),
                        card.id,
                        100.0 * top
                    );
                }
            }
        }
    }
}

/// A crisis that a raised flag opens comes in the next round; under the first edition of the
/// rules (an old journal) the draw is as it was.
#[test]
fn a_raised_flag_brings_its_crisis_next_and_old_journals_keep_the_old_draw() {
    let deck = Arc::new(Deck::default_deck().unwrap());
    let crisis = deck.cards.iter().position(|c| c.opened_by_flag()).unwrap();
    let flag = deck.cards[crisis].when.flags[0];
    let mut came = 0;
    let mut legacy_same_as_before = 0;
    for seed in 0..60 {
        for edition in [1, RULES_EDITION] {
            let mut s = Session::with_edition(Arc::clone(&deck), seed, deck.rounds, edition);
            s.apply(Sender::Facilitator, &Intent::Start).unwrap();
            // The flag goes up, the card's meter conditions hold: the next round is the crisis.
            s.flags[flag] = true;
            for (m, lo, hi) in &deck.cards[crisis].when.meters {
                s.meters[*m] = (*lo + *hi) / 2;
            }
            s.apply(Sender::Facilitator, &Intent::Skip).unwrap();
            let got = s.current.as_ref().unwrap().card;
            if edition == RULES_EDITION {
                came += usize::from(deck.cards[got].opened_by_flag());
            } else if !deck.cards[got].opened_by_flag() {
                legacy_same_as_before += 1;
            }
        }
    }
    assert_eq!(came, 60, "the crisis comes first");
    assert!(
        legacy_same_as_before > 0,
        "edition 1 draws by weight as before"
    );
}

/// The trainer asks each card's key question aloud, in one breath: at most 30 words, about the
/// dilemma, and not one template for all of them.
#[test]
fn key_questions_are_askable_aloud_and_not_one_template() {
    for path in shipped() {
        let deck = load(&path);
        let mut openings = std::collections::HashMap::new();
        for card in &deck.cards {
            let q = card.key_question.as_ref().expect("every card has one");
            let words = q.nl.split_whitespace().count();
            assert!(
                words <= 30,
                "{}: {} has {words} words",
                path.display(),
                card.id
            );
            let about_the_vote = q.nl.split_whitespace().any(|w| {
                let w = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                w == "stem" || w.starts_with("stemm") || w.starts_with("stemverdeling")
            });
            assert!(!about_the_vote, "{}: about the vote", card.id);
            let first = q.nl.split_whitespace().next().unwrap().to_lowercase();
            *openings.entry(first).or_insert(0) += 1;
        }
        let (word, most) = openings.iter().max_by_key(|(_, n)| **n).unwrap();
        assert!(
            *most * 4 <= deck.cards.len(),
            "{}: {most} of {} key questions open with `{word}`",
            path.display(),
            deck.cards.len()
        );
    }
}
