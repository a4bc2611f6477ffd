//! Where a place in the deck (`cards[3].steps[0].role`) stands in its text: a small reader of
//! RON's shape (brackets, fields, strings, comments) that keeps each value's line and column, so
//! a diagnostic found after parsing points at the faulty field itself, not at a search result.

/// A value in the text, with where it starts and, for a field, where its name starts.
#[derive(Debug)]
enum Node {
    /// `( ... )`, `Name( ... )`: named fields, or positional items.
    Struct {
        fields: Vec<(String, usize, Node)>,
        items: Vec<(usize, Node)>,
    },
    /// `[ ... ]`.
    Seq(Vec<(usize, Node)>),
    /// `{ "key": value, ... }`.
    Map(Vec<(String, usize, Node)>),
    /// A number, string, identifier, ...
    Scalar,
}

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

/// Deeper than any deck goes; beyond it the reader gives up instead of recursing on.
const MAX_DEPTH: usize = 128;

impl Reader<'_> {
    fn skip(&mut self) {
        loop {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            if self.s[self.i..].starts_with(b"//") {
                while self.i < self.s.len() && self.s[self.i] != b'\n' {
                    self.i += 1;
                }
            } else if self.s[self.i..].starts_with(b"/*") {
                self.i += 2;
                while self.i < self.s.len() && !self.s[self.i..].starts_with(b"*/") {
                    self.i += 1;
                }
                self.i = (self.i + 2).min(self.s.len());
            } else {
                return;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.s.get(self.i).copied()
    }

    /// A string's content, the reader past its closing quote.
    fn string(&mut self) -> String {
        let start = self.i + 1;
        self.i += 1;
        while self.i < self.s.len() && self.s[self.i] != b'"' {
            if self.s[self.i] == b'\\' {
                self.i += 1;
            }
            self.i += 1;
        }
        let end = self.i.min(self.s.len());
        self.i = (self.i + 1).min(self.s.len());
        String::from_utf8_lossy(&self.s[start..end]).into_owned()
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || matches!(self.s[self.i], b'_' | b'#'))
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn value(&mut self) -> Option<Node> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let node = self.value_inner();
        self.depth -= 1;
        node
    }

    fn value_inner(&mut self) -> Option<Node> {
        match self.peek()? {
            b'(' => self.parens(),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                while self.peek()? != b']' {
                    let at = self.i;
                    items.push((at, self.value()?));
                    if self.peek()? == b',' {
                        self.i += 1;
                    }
                }
                self.i += 1;
                Some(Node::Seq(items))
            }
            b'{' => {
                self.i += 1;
                let mut entries = Vec::new();
                while self.peek()? != b'}' {
                    let at = self.i;
                    let key = if self.peek()? == b'"' {
                        self.string()
                    } else {
                        self.ident()
                    };
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.i += 1;
                    entries.push((key, at, self.value()?));
                    if self.peek()? == b',' {
                        self.i += 1;
                    }
                }
                self.i += 1;
                Some(Node::Map(entries))
            }
            b'"' => {
                self.string();
                Some(Node::Scalar)
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident();
                // `Below(20)`, `Some(...)`, `Meter(meter: ..)`: a name before brackets.
                if self.peek() == Some(b'(') {
                    self.parens()
                } else {
                    Some(Node::Scalar)
                }
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && !matches!(self.s[self.i], b',' | b')' | b']' | b'}')
                    && !self.s[self.i].is_ascii_whitespace()
                {
                    self.i += 1;
                }
                (self.i > start).then_some(Node::Scalar)
            }
        }
    }

    /// `( field: value, ... )` or `( value, ... )`.
    fn parens(&mut self) -> Option<Node> {
        self.i += 1;
        let mut fields = Vec::new();
        let mut items = Vec::new();
        while self.peek()? != b')' {
            let at = self.i;
            let c = self.s[self.i];
            if c.is_ascii_alphabetic() || c == b'_' {
                let save = self.i;
                let name = self.ident();
                if self.peek() == Some(b':') {
                    self.i += 1;
                    fields.push((name, at, self.value()?));
                } else {
                    self.i = save;
                    items.push((at, self.value()?));
                }
            } else {
                items.push((at, self.value()?));
            }
            if self.peek()? == b',' {
                self.i += 1;
            }
        }
        self.i += 1;
        Some(Node::Struct { fields, items })
    }
}

/// The parts of the deck text, read once; `None` when the text is not shaped like RON.
pub(super) struct Layout<'a> {
    source: &'a str,
    root: Option<Node>,
}

impl<'a> Layout<'a> {
    pub(super) fn read(source: &'a str) -> Layout<'a> {
        let mut r = Reader {
            s: source.as_bytes(),
            i: 0,
            depth: 0,
        };
        let root = r.value();
        Layout { source, root }
    }

    /// Line and column (1-based) of the place `path` names: the field's name, the list item or
    /// the map key; as deep as the path can be followed.
    pub(super) fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let mut node = self.root.as_ref()?;
        let mut at = None;
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            let (name, index) = match segment.split_once('[') {
                Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
                None => (segment, None),
            };
            let next = match node {
                Node::Struct { fields, .. } => fields
                    .iter()
                    .find(|(n, _, _)| n == name)
                    .map(|(_, a, v)| (*a, v)),
                Node::Map(entries) => entries
                    .iter()
                    .find(|(k, _, _)| k == name)
                    .map(|(_, a, v)| (*a, v)),
                _ => None,
            };
            let Some((field_at, value)) = next else {
                break;
            };
            at = Some(field_at);
            node = value;
            if let Some(i) = index {
                let item = match node {
                    Node::Seq(items) => items.get(i),
                    Node::Struct { items, .. } => items.get(i),
                    _ => None,
                };
                let Some((item_at, item)) = item else {
                    break;
                };
                at = Some(*item_at);
                node = item;
            }
        }
        at.map(|byte| line_col(self.source, byte))
    }
}

/// Line and column (1-based, columns in characters) of byte `at`.
pub(super) fn line_col(source: &str, at: usize) -> (usize, usize) {
    let at = at.min(source.len());
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = r#"// a comment (with brackets]
(
    id: "x",
    meters: [
        (id: "budget", min: 0, thresholds: [(when: Below(10), then: EndSession)]),
    ],
    cards: [
        (id: "a", steps: [(role: "r", options: [])]),
        (
            id: "b",
            when: (meters: {"budget": (max: 5)}),
            /* a block
               comment */
            steps: [
                (role: "s", prompt: "say \"hi\"", options: []),
                (role: "t", options: []),
            ],
        ),
    ],
)"#;

    #[test]
    fn paths_point_at_the_field_itself() {
        let layout = Layout::read(DECK);
        assert_eq!(layout.locate("cards[1].steps[1].role"), Some((16, 18)));
        assert_eq!(layout.locate("cards[1].steps[0].role"), Some((15, 18)));
        assert_eq!(layout.locate("cards[1].id"), Some((10, 13)));
        assert_eq!(layout.locate("cards[1].when.meters.budget"), Some((11, 29)));
        assert_eq!(layout.locate("meters[0].thresholds[0].when"), Some((5, 46)));
        assert_eq!(layout.locate("cards[0]"), Some((8, 9)));
        // As deep as the path goes: an unknown field stops at its parent.
        assert_eq!(layout.locate("cards[1].steps[0].nope"), Some((15, 17)));
        assert_eq!(layout.locate("nothing"), None);
    }

    #[test]
    fn broken_text_gives_no_place_and_no_panic() {
        for text in [
            "",
            "(",
            "((((",
            "[1, 2",
            "(a: {\"k\" 1})",
            "\"open",
            "/* open",
        ] {
            assert_eq!(Layout::read(text).locate("a"), None, "{text}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(Layout::read(&deep).locate("a"), None);
    }
}
