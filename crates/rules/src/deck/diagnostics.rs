//! Reading a deck's text, and saying what is wrong with it in sentences a trainer understands.

use serde::Deserialize;

use super::format::DeckFile;
use super::{MAX_DECK_BYTES, MAX_NESTING};

/// One problem in a deck: where it is and what is wrong, in a sentence a trainer understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub col: usize,
    /// Where in the deck, e.g. `cards[3].steps[0].options[1]`.
    pub path: String,
    pub message: String,
}

/// Where the parts of a checked deck stand in its file (line, column), for later findings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Places {
    pub cards: Vec<(usize, usize)>,
    /// [card][step][option].
    pub options: Vec<Vec<Vec<(usize, usize)>>>,
    /// Where each flag is first named.
    pub flags: Vec<(usize, usize)>,
    /// Where each role is defined.
    pub roles: Vec<(usize, usize)>,
}

/// Everything wrong with one deck file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct DeckError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl DeckError {
    pub fn single(file: &str, message: String) -> Self {
        DeckError {
            file: file.to_string(),
            diagnostics: vec![Diagnostic {
                line: 0,
                col: 0,
                path: String::new(),
                message,
            }],
        }
    }
}

impl std::fmt::Display for DeckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if d.line > 0 {
                write!(f, ":{}:{}", d.line, d.col)?;
            }
            if d.path.is_empty() {
                write!(f, ": {}", d.message)?;
            } else {
                write!(f, ": {}: {}", d.path, d.message)?;
            }
        }
        Ok(())
    }
}

fn ron_options() -> ron::Options {
    // Trainers write `min: 40`, not `min: Some(40)`.
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

pub(super) fn parse(name: &str, source: &str) -> Result<DeckFile, DeckError> {
    if source.trim().is_empty() {
        return Err(DeckError::single(
            name,
            "the file is empty; a deck starts with `(` and an `id:`".into(),
        ));
    }
    if source.len() > MAX_DECK_BYTES {
        return Err(DeckError::single(
            name,
            format!("a deck may be at most {MAX_DECK_BYTES} bytes"),
        ));
    }
    let options = ron_options();
    let mut de = ron::Deserializer::from_str_with_options(source, &options)
        .map_err(|e| spanned_error(name, source, &e, String::new()))?;
    let mut track = serde_path_to_error::Track::new();
    let result = DeckFile::deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    match result {
        Ok(file) => match de.end() {
            Ok(()) => Ok(file),
            Err(e) => Err(spanned_error(
                name,
                source,
                &de.span_error(e),
                "after the deck".into(),
            )),
        },
        Err(e) => {
            // serde_path_to_error writes `?` for a position it could not name.
            let path = track.path().to_string();
            let path = path.trim_end_matches(".?").trim_end_matches('?');
            let path = if path == "." {
                String::new()
            } else {
                path.to_string()
            };
            Err(spanned_error(name, source, &de.span_error(e), path))
        }
    }
}

fn spanned_error(
    name: &str,
    source: &str,
    e: &ron::error::SpannedError,
    path: String,
) -> DeckError {
    DeckError {
        file: name.to_string(),
        diagnostics: vec![Diagnostic {
            line: e.span.start.line,
            col: e.span.start.col,
            path,
            message: likely_cause(source, e).unwrap_or_else(|| explain_ron(&e.code)),
        }],
    }
}

/// The usual mistakes behind a RON error, read from the text around it: a quote inside a text,
/// a decimal where a whole number belongs, a number in quotes.
fn likely_cause(source: &str, e: &ron::error::SpannedError) -> Option<String> {
    // Whatever RON expected, nothing comes after this place: the file was cut off (a half-saved
    // file, a bracket never closed).
    let rest: String = source
        .lines()
        .skip(e.span.end.line.saturating_sub(1))
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.chars().skip(e.span.end.col.saturating_sub(1)).collect()
            } else {
                l.to_string()
            }
        })
        .collect();
    if rest.trim().is_empty() && !source.trim().is_empty() {
        return Some(explain_ron(&ron::Error::Eof));
    }
    let line = source.lines().nth(e.span.start.line.checked_sub(1)?)?;
    let chars: Vec<char> = line.chars().collect();
    let at = e.span.start.col.saturating_sub(1).min(chars.len());
    let before: String = chars[..at].iter().collect();
    let after: String = chars[at..].iter().collect();
    let before = before.trim_end();
    let after = after.trim_start();
    match e.code {
        ron::Error::ExpectedComma | ron::Error::ExpectedStructLikeEnd
            if after.starts_with('.') && before.ends_with(|c: char| c.is_ascii_digit()) =>
        {
            let whole: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            Some(format!(
                "a decimal number where a whole number belongs: write {whole}, not {whole}{}",
                after.split([',', ')', ' ']).next().unwrap_or("")
            ))
        }
        ron::Error::ExpectedComma | ron::Error::ExpectedStructLikeEnd
            if before.ends_with('"') && after.starts_with(|c: char| c.is_alphanumeric()) =>
        {
            Some(
                "a quote inside a text ends the text early: write \\\" for a quote inside a \
                 text, or use ‘ and ’"
                    .into(),
            )
        }
        ron::Error::ExpectedInteger | ron::Error::ExpectedFloat if after.starts_with('"') => {
            let inner = after[1..].split('"').next().unwrap_or("");
            Some(format!(
                "a number belongs here, not a text in quotes: write {inner}, not \"{inner}\""
            ))
        }
        ron::Error::ExpectedInteger | ron::Error::ExpectedFloat if before.ends_with('"') => {
            let inner = before[..before.len() - 1].rsplit('"').next().unwrap_or("");
            Some(format!(
                "a number belongs here, not a text in quotes: write {inner}, not \"{inner}\""
            ))
        }
        ron::Error::ExpectedInteger => Some("a whole number belongs here".into()),
        _ => None,
    }
}

/// Turns a RON error into a sentence for someone who does not read Rust.
fn explain_ron(e: &ron::Error) -> String {
    use ron::Error as E;
    match e {
        E::ExceededRecursionLimit => {
            format!("the brackets are nested deeper than {MAX_NESTING} levels")
        }
        E::Eof => "the file ends too early: a bracket or quote is not closed".into(),
        E::ExpectedStructLikeEnd | E::ExpectedArrayEnd | E::ExpectedMapEnd => {
            format!("{e}: check for a missing comma or closing bracket")
        }
        E::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field `{found}`; allowed here: {}",
            expected.join(", ")
        ),
        E::MissingStructField { field, .. } => format!("the required field `{field}` is missing"),
        E::DuplicateStructField { field, .. } => format!("the field `{field}` is given twice"),
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "unknown kind `{found}`; use one of: {}",
            expected.join(", ")
        ),
        E::ExpectedComma => "a comma is missing before this".into(),
        E::IntegerOutOfBounds => "this number is too large or too small".into(),
        other => other.to_string(),
    }
}

/// The problems with the offending line of `source` under each and a caret at the place, as
/// compilers show them. Long lines are cut around the place.
pub fn with_context(err: &DeckError, source: &str) -> String {
    use std::fmt::Write as _;
    let lines: Vec<&str> = source.lines().collect();
    let mut out = String::new();
    for d in &err.diagnostics {
        let one = DeckError {
            file: err.file.clone(),
            diagnostics: vec![d.clone()],
        };
        let _ = writeln!(out, "{one}");
        let Some(line) = d.line.checked_sub(1).and_then(|i| lines.get(i)) else {
            continue;
        };
        let chars: Vec<char> = line.chars().collect();
        let col = d.col.saturating_sub(1).min(chars.len());
        // A window of the line around the place, so the caret stays on screen.
        let from = col.saturating_sub(60);
        let to = (from + 100).min(chars.len());
        let shown: String = chars[from..to].iter().collect();
        let cut = if from > 0 { "…" } else { "" };
        let number = d.line.to_string();
        let pad = " ".repeat(number.len());
        let _ = writeln!(out, " {number} | {cut}{shown}");
        let _ = writeln!(
            out,
            " {pad} | {}{}^",
            if from > 0 { " " } else { "" },
            " ".repeat(col - from)
        );
    }
    out
}
