//! `deck preview`: one card as a role will see it, and what each of its options does, so a
//! trainer reads their text as the players will before a workshop.

use std::sync::Arc;

use super::deck::{Deck, Effect, RoleIdx};
use super::session::{Intent, Phase, Sender, Session};
use super::text::{Lang, Text};
use crate::words::say;

/// A session on the card, seated so that `role` decides (or watches) it: the card's first step
/// open for votes. The seat of the previewing player is 1.
pub fn session_on_card(
    deck: Arc<Deck>,
    card: &str,
    role: Option<&str>,
) -> Result<(Session, RoleIdx), String> {
    let Some(c) = deck.card_index(card) else {
        let known: Vec<&str> = deck.cards.iter().map(|c| c.id.as_str()).collect();
        return Err(format!(
            "the deck has no card `{card}`; its cards: {}",
            known.join(", ")
        ));
    };
    let role = match role {
        Some(r) => deck.role_index(r).ok_or_else(|| {
            let known: Vec<&str> = deck.roles.iter().map(|r| r.id.as_str()).collect();
            format!(
                "the deck has no role `{r}`; its roles: {}",
                known.join(", ")
            )
        })?,
        None => deck.cards[c].steps.first().map_or(0, |s| s.role),
    };
    let mut s = Session::new(Arc::clone(&deck), 1, deck.rounds);
    let add = |s: &mut Session, name: &str, r: RoleIdx| {
        s.apply(
            Sender::Host,
            &Intent::AddSeat {
                name: name.into(),
                role: Some(deck.roles[r].id.clone()),
                bot: name != "Jij",
            },
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    add(&mut s, "Jij", role)?;
    for (r, other) in deck.roles.iter().enumerate() {
        if r != role {
            add(&mut s, &format!("bot-{}", other.id), r)?;
        }
    }
    let facilitate = |s: &mut Session, i: Intent| {
        s.apply(Sender::Facilitator, &i)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    facilitate(&mut s, Intent::ChooseNext { card: card.into() })?;
    facilitate(&mut s, Intent::Start)?;
    if s.phase == Phase::Briefing {
        facilitate(&mut s, Intent::Advance)?;
    }
    Ok((s, role))
}

/// What one option of a step does, in words a trainer checks against their outcome text.
#[derive(Clone, Debug, PartialEq)]
pub struct Consequence {
    pub label: Text,
    pub outcome: Text,
    /// "Budget −5", "later (2 rondes) Rugdekking +4", "30%: …": one line each.
    pub effects: Vec<String>,
}

/// Every option of `card`'s step `step` with its outcome and effects.
pub fn consequences(deck: &Deck, card: usize, step: usize, lang: Lang) -> Vec<Consequence> {
    let Some(step) = deck.cards.get(card).and_then(|c| c.steps.get(step)) else {
        return Vec::new();
    };
    step.options
        .iter()
        .map(|o| {
            let mut effects = Vec::new();
            describe(deck, &o.effects, lang, &mut effects);
            Consequence {
                label: o.label.clone(),
                outcome: o.outcome.clone(),
                effects,
            }
        })
        .collect()
}

fn describe(deck: &Deck, effects: &[Effect], lang: Lang, out: &mut Vec<String>) {
    let meter = |m: usize| deck.meters[m].label.get(lang).to_string();
    for e in effects {
        let line = match e {
            Effect::Meter { meter: m, by } => format!("{} {by:+}", meter(*m)),
            Effect::Later {
                meter: m,
                by,
                rounds,
            } => say(
                lang,
                "preview.later",
                &[
                    ("n", rounds),
                    ("meter", &meter(*m)),
                    ("by", &format!("{by:+}")),
                ],
            ),
            Effect::SetFlag(f) => say(lang, "preview.flag_set", &[("flag", &deck.flags[*f])]),
            Effect::ClearFlag(f) => say(lang, "preview.flag_clear", &[("flag", &deck.flags[*f])]),
            Effect::FollowUp { card, rounds } => say(
                lang,
                "preview.follow_up",
                &[("card", &deck.cards[*card].id), ("n", rounds)],
            ),
            Effect::Chance {
                percent,
                effects,
                outcome,
            } => {
                let mut inner = Vec::new();
                describe(deck, effects, lang, &mut inner);
                let said = if outcome.get(lang).is_empty() {
                    String::new()
                } else {
                    format!(" “{}”", outcome.get(lang))
                };
                say(
                    lang,
                    "preview.chance",
                    &[
                        ("percent", percent),
                        ("what", &format!("{said} {}", inner.join(", "))),
                    ],
                )
            }
        };
        out.push(line);
    }
}
