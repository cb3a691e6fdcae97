//! The clinic's branding on a document: its name, how to reach it, and its colour, checked.

use std::fmt;
use std::str::FromStr;

use crate::ReportError;

/// Longest clinic name, contact line or runner name printed (our choice: it has to fit a line).
pub const MAX_LINE_CHARS: usize = 120;

/// A clinic's brand colour: `#rrggbb` (or `#rgb`), stored as its three channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BrandColour([u8; 3]);

impl BrandColour {
    /// Backstride's own teal, for a clinic that has not chosen a colour.
    pub const DEFAULT: BrandColour = BrandColour([0x0f, 0x6e, 0x6e]);

    /// The colour as `#rrggbb`.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG contrast ratio against white paper.
    fn contrast_on_white(self) -> f64 {
        1.05 / (self.luminance() + 0.05)
    }

    /// The colour for headings and rules on white paper: the brand colour itself when it is dark
    /// enough to read (contrast 4.5:1, WCAG AA), otherwise the brand colour darkened until it is.
    /// A pale yellow brand still prints readable headings.
    pub fn ink(self) -> BrandColour {
        let mut colour = self;
        for step in 1..=20u16 {
            if colour.contrast_on_white() >= 4.5 {
                break;
            }
            let keep = |c: u8| (u16::from(c) * (20 - step) / 20) as u8;
            let [r, g, b] = self.0;
            colour = BrandColour([keep(r), keep(g), keep(b)]);
        }
        colour
    }

    /// Text colour on a band filled with the brand colour: white on a dark brand, near-black on
    /// a light one, whichever contrasts more.
    pub fn on_brand(self) -> BrandColour {
        let on_white = 1.05 / (self.luminance() + 0.05);
        let on_black = (self.luminance() + 0.05) / 0.05;
        if on_white >= on_black {
            BrandColour([0xff, 0xff, 0xff])
        } else {
            BrandColour([0x1a, 0x1a, 0x1a])
        }
    }
}

impl Default for BrandColour {
    fn default() -> Self {
        BrandColour::DEFAULT
    }
}

impl FromStr for BrandColour {
    type Err = ReportError;

    /// Accepts `#rrggbb` or `#rgb`, upper or lower case, with or without the `#`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ReportError::BrandColour(s.to_owned());
        let digits = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let nibble = |i: usize| u8::from_str_radix(&digits[i..=i], 16).map_err(|_| bad());
        match digits.len() {
            3 => Ok(BrandColour([
                nibble(0)? * 17,
                nibble(1)? * 17,
                nibble(2)? * 17,
            ])),
            6 => {
                let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| bad());
                Ok(BrandColour([byte(0)?, byte(2)?, byte(4)?]))
            }
            _ => Err(bad()),
        }
    }
}

impl TryFrom<&str> for BrandColour {
    type Error = ReportError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for BrandColour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// The clinic a document is printed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinic {
    /// As printed in the header, e.g. “Riverside Physio”.
    pub name: String,
    /// How to reach the clinic, one line, e.g. “0161 496 0000 · hello@riverside.example”.
    pub contact: String,
    /// Fills the header band; headings use it too, darkened where it is too pale to read.
    pub brand_colour: BrandColour,
    /// A self-directed runner's document (no clinic): it never says "call the clinic".
    pub self_directed: bool,
}

/// Text for one printed line: whitespace (newlines, tabs) collapsed to single spaces; refused
/// when empty or longer than [`MAX_LINE_CHARS`].
pub(crate) fn one_line(field: &'static str, text: &str) -> Result<String, ReportError> {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return Err(ReportError::Missing(field));
    }
    let chars = line.chars().count();
    if chars > MAX_LINE_CHARS {
        return Err(ReportError::TooLong {
            field,
            chars,
            max: MAX_LINE_CHARS,
        });
    }
    Ok(line)
}

/// Backstride's small mark for the header band, drawn in `colour` (`#rrggbb`): a ring with a
/// curved spine of three vertebrae.
pub(crate) fn logo_svg(colour: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">
<circle cx="24" cy="24" r="21" fill="none" stroke="{colour}" stroke-width="3"/>
<path d="M20 11 C28 17 28 31 20 37" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linecap="round"/>
<rect x="21" y="14" width="9" height="5" rx="2" fill="{colour}"/>
<rect x="23" y="21.5" width="9" height="5" rx="2" fill="{colour}"/>
<rect x="21" y="29" width="9" height="5" rx="2" fill="{colour}"/>
</svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_in_both_lengths_and_any_case() {
        assert_eq!("#0F6E6E".parse::<BrandColour>().unwrap().hex(), "#0f6e6e");
        assert_eq!("0f6e6e".parse::<BrandColour>().unwrap().hex(), "#0f6e6e");
        assert_eq!(" #abc ".parse::<BrandColour>().unwrap().hex(), "#aabbcc");
    }

    #[test]
    fn bad_colours_are_refused_with_the_text_given() {
        for bad in [
            "", "#", "#12", "#12345", "#1234567", "red", "#ggg000", "#12 456", "#éé",
        ] {
            let err = bad.parse::<BrandColour>().unwrap_err();
            assert!(
                matches!(&err, ReportError::BrandColour(s) if s == bad),
                "{bad}: {err}"
            );
            assert!(err.to_string().contains("#"), "{err}");
        }
    }

    #[test]
    fn ink_is_readable_on_white() {
        for hex in ["#ffff00", "#ffffff", "#87ceeb", "#0f6e6e", "#000000"] {
            let c: BrandColour = hex.parse().unwrap();
            assert!(c.ink().contrast_on_white() >= 4.5, "{hex} → {}", c.ink());
        }
        let dark: BrandColour = "#0f6e6e".parse().unwrap();
        assert_eq!(dark.ink(), dark, "a dark brand colour is used as it is");
    }

    #[test]
    fn text_on_the_brand_band_contrasts() {
        assert_eq!(
            "#ffff00".parse::<BrandColour>().unwrap().on_brand().hex(),
            "#1a1a1a"
        );
        assert_eq!(
            "#0f6e6e".parse::<BrandColour>().unwrap().on_brand().hex(),
            "#ffffff"
        );
    }

    #[test]
    fn lines_are_collapsed_and_checked() {
        assert_eq!(one_line("name", "  Ann\n\tLee ").unwrap(), "Ann Lee");
        assert!(matches!(
            one_line("name", " \n "),
            Err(ReportError::Missing("name"))
        ));
        let long = "x".repeat(MAX_LINE_CHARS + 1);
        assert!(matches!(
            one_line("name", &long),
            Err(ReportError::TooLong { .. })
        ));
    }
}
