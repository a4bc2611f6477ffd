//! What a card says and does, as a short fingerprint of its text in the deck file: the archive
//! compares a decision only with earlier tables that played the same card. Taken from the
//! source, not from the compiled card, so a new version of the program does not make every
//! card "changed"; comments and layout do not count, a changed word or number does.

/// FNV-1a, 64 bits: stable across builds and platforms, unlike the standard library's hasher.
fn fnv(bytes: impl Iterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The text with comments and whitespace outside strings left out.
fn normalised(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for s in chars.by_ref() {
                    if last == '*' && s == '/' {
                        break;
                    }
                    last = s;
                }
            }
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Which bytes of `source` are code: not inside a string or a comment, so parentheses there do
/// not count.
fn code_mask(source: &str) -> Vec<bool> {
    let bytes = source.as_bytes();
    let mut code = vec![true; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                code[start..(i + 1).min(bytes.len())].fill(false);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                code[start..i].fill(false);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                code[start..(i + 2).min(bytes.len())].fill(false);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    code
}

/// The byte range of the parenthesised value around `at` (a card's id inside its `( … )`),
/// skipping strings and comments (`code`: [`code_mask`] of `source`).
fn enclosing(source: &str, code: &[bool], at: usize) -> Option<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut depth = 0i32;
    let mut open = None;
    for j in (0..at.min(bytes.len())).rev() {
        if !code[j] {
            continue;
        }
        match bytes[j] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth == 0 => {
                open = Some(j);
                break;
            }
            b'(' | b'[' | b'{' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0i32;
    for (j, &b) in bytes.iter().enumerate().skip(open) {
        if !code[j] {
            continue;
        }
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, j + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// The fingerprint of the card whose id stands at byte `at` of `source`, as 16 hex digits;
/// `None` when the text around it cannot be made out.
pub fn card_version(source: &str, at: usize) -> Option<String> {
    version_in(source, &code_mask(source), at)
}

/// Every card's fingerprint, by the cards' ids in order (empty where the text cannot be made
/// out): the file's strings and comments are found once for all of them.
pub(crate) fn card_versions<'a>(source: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let code = code_mask(source);
    ids.map(|id| {
        card_at(source, id)
            .and_then(|at| version_in(source, &code, at))
            .unwrap_or_default()
    })
    .collect()
}

fn version_in(source: &str, code: &[bool], at: usize) -> Option<String> {
    let (start, end) = enclosing(source, code, at)?;
    let text = normalised(source.get(start..end)?);
    Some(format!("{:016x}", fnv(text.bytes())))
}

/// Where the card with this id is defined: its `id: "…"`, not a mention of the id elsewhere
/// (a programme's list of cards, a follow-up).
pub(crate) fn card_at(source: &str, id: &str) -> Option<usize> {
    let quoted = format!("\"{id}\"");
    let mut from = 0;
    while let Some(i) = source.get(from..)?.find(&quoted) {
        let at = from + i;
        let before = source[..at].trim_end();
        if let Some(rest) = before.strip_suffix(':') {
            let rest = rest.trim_end();
            if let Some(head) = rest.strip_suffix("id") {
                let boundary = head
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                if boundary {
                    return Some(at);
                }
            }
        }
        from = at + quoted.len();
    }
    None
}

/// The fingerprint of the whole deck file, comments and layout left out.
pub fn deck_version(source: &str) -> String {
    format!("{:016x}", fnv(normalised(source).bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = r#"(
    programmes: [(id: "p", cards: ["twee", "een"])],
    cards: [
        // the first card
        (
            id: "een",
            title: (nl: "Een (kaart)", en: "One"),
            steps: [(options: [(label: "a \"b\" )", effects: [Shift("budget", 3)])])],
        ),
        (id: "twee", title: (nl: "Twee", en: "Two")),
    ],
)"#;

    fn at(source: &str, id: &str) -> usize {
        card_at(source, id).unwrap()
    }

    #[test]
    fn a_card_is_its_own_text_and_layout_or_comments_do_not_change_it() {
        let een = card_version(DECK, at(DECK, "een")).unwrap();
        let twee = card_version(DECK, at(DECK, "twee")).unwrap();
        assert_ne!(een, twee);
        // The programme's mention of the card is not the card.
        assert!(at(DECK, "een") > DECK.find("\"een\"").unwrap());
        assert_eq!(card_at(DECK, "drie"), None);
        let relaid = DECK
            .replace("        // the first card\n", "  /* eerst */ ")
            .replace("id: \"een\",\n", "id:\"een\",");
        assert_eq!(card_version(&relaid, at(&relaid, "een")).unwrap(), een);
        assert_eq!(deck_version(&relaid), deck_version(DECK));
        // Another card changing leaves this one's version alone; its own number does not.
        let other = DECK.replace("\"Twee\"", "\"Drie\"");
        assert_eq!(card_version(&other, at(&other, "een")).unwrap(), een);
        assert_ne!(deck_version(&other), deck_version(DECK));
        let priced = DECK.replace("3)", "4)");
        assert_ne!(card_version(&priced, at(&priced, "een")).unwrap(), een);
    }

    #[test]
    fn every_card_of_the_shipped_decks_has_a_version_of_its_own() {
        use crate::deck::{DEFAULT_DECK, DEFAULT_DECK_NAME, Deck};
        let deck = Deck::from_ron(DEFAULT_DECK_NAME, DEFAULT_DECK).unwrap();
        assert_eq!(deck.card_versions.len(), deck.cards.len());
        let mut seen = std::collections::HashSet::new();
        for (card, v) in deck.cards.iter().zip(&deck.card_versions) {
            assert_eq!(v.len(), 16, "{}", card.id);
            assert!(seen.insert(v.clone()), "{} shares its version", card.id);
        }
    }
}
