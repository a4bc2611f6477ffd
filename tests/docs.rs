//! The documentation's example deck is valid, so trainers can copy it as it stands.

use kantelspel::rules::deck::Deck;

#[test]
fn the_example_deck_in_the_format_guide_checks() {
    let doc = include_str!("../docs/deck-format.md");
    let section = doc
        .split("## A complete small deck")
        .nth(1)
        .expect("the guide has its example section");
    let example = section
        .split("```")
        .nth(1)
        .expect("the example is a code block");
    let deck = Deck::from_ron("docs/deck-format.md", example).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deck.cards.len(), 2);
    // And it is a game: `deck check --strict` has nothing to say about it.
    let (_, found) = kantelspel::rules::lint::check("docs/deck-format.md", example).unwrap();
    assert!(found.is_empty(), "{found:#?}");
    assert!(deck.cards[1].follow_up_only);
}

/// Every message the checker gives (each has a broken deck in `tests/decks/broken/`) is listed
/// in the trainer's guide, in English and in the Dutch one, with what to do about it.
#[test]
fn every_checker_message_is_in_both_trainers_guides() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let guides = [
        std::fs::read_to_string(root.join("docs/writing-decks.md")).unwrap(),
        std::fs::read_to_string(root.join("docs/decks-schrijven.md")).unwrap(),
    ];
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("tests/decks/broken")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "expected") {
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        // FILE:LINE:COL: PATH: MESSAGE; the message without its ids and numbers.
        let message = expected
            .trim()
            .split_once(": ")
            .map(|(_, rest)| rest.split_once(": ").map_or(rest, |(_, m)| m))
            .unwrap_or_default();
        // The message's first words of its own (ids, quotes and numbers left out).
        let fragments: Vec<String> = message
            .split(['`', '"', '(', ')'])
            .step_by(2)
            .flat_map(|part| part.split(|c: char| c.is_ascii_digit() || ":;,".contains(c)))
            .map(|f| f.split_whitespace().collect::<Vec<_>>())
            .filter(|words| words.len() >= 2)
            .map(|words| words.into_iter().take(3).collect::<Vec<_>>().join(" "))
            .collect();
        let stem = fragments.first().map(String::as_str).unwrap_or_default();
        assert!(
            stem.len() >= 6,
            "{}: no words to look for in {message}",
            path.display()
        );
        for guide in &guides {
            assert!(
                guide.contains(stem),
                "{}: the guide does not explain `{stem}`",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} messages checked");
}

/// The draaiboeken and the spiekbrieven say what their deck is: the number of cards, rounds and
/// minutes, how often each role decides, each programme's rounds, minutes and cards, and every
/// key question as the deck asks it.
#[test]
fn the_draaiboeken_and_spiekbrieven_agree_with_their_decks() {
    use kantelspel::rules::session::workshop_minutes;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (deck_file, name) in [
        ("scenarios/kanteling.ron", "kanteling"),
        (
            "scenarios/jeugd-en-participatie.ron",
            "jeugd-en-participatie",
        ),
    ] {
        let deck = kantelspel::deck_file::load(&root.join(deck_file)).unwrap();
        let boek = std::fs::read_to_string(root.join(format!("docs/draaiboek-{name}.md"))).unwrap();
        let spiek =
            std::fs::read_to_string(root.join(format!("docs/spiekbrief-{name}.md"))).unwrap();
        let cards = deck.cards.len();
        let minutes = workshop_minutes(deck.rounds);
        // Sentences wrap: compare with every run of white space as one space.
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (boek_flat, spiek_flat) = (flat(&boek), flat(&spiek));
        let said = |text: &str, what: &str| {
            assert!(
                boek_flat.contains(text),
                "draaiboek-{name} should say `{text}` ({what})"
            );
        };
        said(&format!("Het deck heeft {cards} kaarten."), "cards");
        said(&format!("({minutes} minuten)"), "the title's length");
        said(
            &format!("Met {} rondes is dat {minutes} minuten", deck.rounds),
            "the plan",
        );
        said(
            &format!("| {} rondes van ongeveer 7 minuten", deck.rounds),
            "the rounds",
        );
        let steps: usize = deck.cards.iter().map(|c| c.steps.len()).sum();
        said(
            &format!("tellen de aantallen op tot {steps}, meer dan {cards}"),
            "steps",
        );
        for (r, role) in deck.roles.iter().enumerate() {
            let n = deck
                .cards
                .iter()
                .filter(|c| c.steps.iter().any(|s| s.role == r))
                .count();
            let row = boek
                .lines()
                .find(|l| l.starts_with(&format!("| **{}** |", role.name.nl)))
                .unwrap_or_else(|| panic!("draaiboek-{name}: no row for {}", role.id));
            assert!(
                row.contains(&format!("op {n} van de {cards} kaarten")),
                "draaiboek-{name}: {} decides on {n} cards: {row}",
                role.id
            );
        }
        for p in &deck.programmes {
            let row = boek
                .lines()
                .find(|l| l.contains(&format!("| `{}` |", p.id)))
                .unwrap_or_else(|| panic!("draaiboek-{name}: no row for programme {}", p.id));
            let expect = format!(
                "| {} rondes | {} minuten |",
                p.rounds,
                workshop_minutes(p.rounds)
            );
            assert!(row.contains(&expect), "draaiboek-{name}: {row}");
        }
        assert!(
            spiek_flat.contains(&format!(
                "Het deck heeft {cards} kaarten. · {} rondes · {minutes} minuten",
                deck.rounds
            )),
            "spiekbrief-{name}: cards, rounds and minutes"
        );
        for card in &deck.cards {
            let q = &card.key_question.as_ref().unwrap().nl;
            let q = flat(q);
            assert!(
                spiek_flat.contains(&q),
                "spiekbrief-{name}: key question of {}",
                card.id
            );
            assert!(
                boek_flat.contains(&q),
                "draaiboek-{name}: key question of {}",
                card.id
            );
            assert!(
                spiek.contains(card.title.nl.as_str()),
                "spiekbrief-{name}: {}",
                card.id
            );
        }
        for p in &deck.programmes {
            assert!(
                spiek.contains(p.name.nl.as_str()),
                "spiekbrief-{name}: {}",
                p.id
            );
        }
    }
}
