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
