//! Display helpers: numbers rounded the way a person reads them, and shared plain-language sentences.

use super::protocol::Unit;

/// Rounds to `decimals` places, half away from zero; `-0` becomes `0`.
pub fn round_to(value: f64, decimals: u32) -> f64 {
    let factor = 10f64.powi(i32::try_from(decimals).unwrap_or(6));
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A number rounded to at most `decimals` places with trailing zeros dropped: `18`, `2.5`, `1.05`.
pub fn format_number(value: f64, decimals: u32) -> String {
    let text = format!(
        "{:.*}",
        usize::try_from(decimals).unwrap_or(6),
        round_to(value, decimals)
    );
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A value with its unit, rounded for that unit: `18 s`, `1.21 Nm/kg`, `4/10`, `+2`.
pub fn format_value(value: f64, unit: Unit) -> String {
    let number = format_number(value, unit.decimals());
    match unit {
        Unit::Change if value > 0.0 => format!("+{number}"),
        _ => format!("{number}{}", unit.suffix()),
    }
}

/// `value` rounded to `decimals` places, or more (up to 6) where rounding would put it on the
/// other side of one of `cut_offs` than the exact value is: what a value judged against those
/// cut-offs may be rounded to without changing the judgement.
pub fn round_judged(value: f64, decimals: u32, cut_offs: &[f64]) -> f64 {
    let agrees = |shown: f64| {
        cut_offs
            .iter()
            .all(|c| value.total_cmp(c) == shown.total_cmp(c))
    };
    (decimals..=6)
        .map(|places| round_to(value, places))
        .find(|&shown| agrees(shown))
        .unwrap_or(value)
}

/// A number shown with `decimals` places, or more where fewer would show it on the other side
/// of a cut-off it was judged against: 89.67% judged against 90 shows as `89.7`, never `90`.
pub fn format_judged(value: f64, decimals: u32, cut_offs: &[f64]) -> String {
    let rounded = round_judged(value, decimals, cut_offs);
    let places = (decimals..=6)
        .find(|&places| round_to(rounded, places) == rounded)
        .unwrap_or(6);
    format_number(rounded, places)
}

/// Capitalises the first letter of a sentence fragment.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_and_trimmed() {
        assert_eq!(format_number(18.0, 1), "18");
        assert_eq!(format_number(2.54, 1), "2.5");
        assert_eq!(format_number(1.0460000000000003, 2), "1.05");
        assert_eq!(format_number(-0.01, 1), "0");
        assert_eq!(format_number(160.0, 0), "160");
        assert_eq!(format_value(31.25, Unit::Seconds), "31.3 s");
        assert_eq!(format_value(1.2149, Unit::NewtonMetresPerKg), "1.21 Nm/kg");
        assert_eq!(format_value(2.0, Unit::Change), "+2");
        assert_eq!(format_value(-3.0, Unit::Change), "-3");
        assert_eq!(format_value(58.06, Unit::Percent), "58%");
        assert_eq!(capitalise("left side"), "Left side");
        assert_eq!(format_judged(89.67, 0, &[90.0, 80.0]), "89.7");
        assert_eq!(format_judged(79.53, 0, &[90.0, 80.0]), "79.5");
        assert_eq!(format_judged(85.4, 0, &[90.0, 80.0]), "85");
        assert_eq!(format_judged(1.004, 2, &[1.0]), "1.004");
        assert_eq!(format_judged(0.754, 2, &[0.75]), "0.754");
        assert_eq!(format_judged(90.0, 0, &[90.0]), "90");
    }
}
