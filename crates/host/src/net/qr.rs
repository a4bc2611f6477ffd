//! The join address as a QR code: the modules for egui to draw, and text for a terminal.

use qrcode::{Color, EcLevel, QrCode};

/// A square of dark (true) and light modules, row by row, without the quiet zone.
pub struct Modules {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl Modules {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

/// `None` only for text too long for a QR code, which an address never is.
pub fn modules(text: &str) -> Option<Modules> {
    // Medium error correction: a projector's glare or a phone held askew still reads it.
    let code = QrCode::with_error_correction_level(text, EcLevel::M).ok()?;
    Some(Modules {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

/// The code in half-block characters, two modules a line, light on dark so it reads in any
/// terminal theme.
pub fn terminal(text: &str) -> Option<String> {
    let m = modules(text)?;
    let quiet = 2isize;
    let w = m.width as isize;
    let dark = |x: isize, y: isize| {
        (0..w).contains(&x) && (0..w).contains(&y) && m.is_dark(x as usize, y as usize)
    };
    let mut out = String::new();
    let mut y = -quiet;
    while y < w + quiet {
        for x in -quiet..w + quiet {
            // Printed inverted: a space is the code's dark module on a light quiet zone.
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (true, true) => ' ',
                (true, false) => '▄',
                (false, true) => '▀',
                (false, false) => '█',
            });
        }
        out.push('\n');
        y += 2;
    }
    Some(out)
}

/// The code as a small SVG image with its quiet zone, for the projector page.
pub fn svg(text: &str) -> Option<String> {
    let m = modules(text)?;
    let side = m.width + 8;
    let mut path = String::new();
    for y in 0..m.width {
        for x in 0..m.width {
            if m.is_dark(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_makes_a_square_code_with_finder_patterns() {
        let m = modules("http://192.168.1.20:47472").unwrap();
        assert_eq!(m.dark.len(), m.width * m.width);
        // The top-left finder pattern: a dark 7×7 ring around a light ring.
        assert!(m.is_dark(0, 0) && m.is_dark(6, 0) && m.is_dark(0, 6));
        assert!(!m.is_dark(1, 1) && m.is_dark(2, 2));
        let text = terminal("http://192.168.1.20:47472").unwrap();
        assert_eq!(text.lines().count(), (m.width + 4).div_ceil(2));
    }
}
