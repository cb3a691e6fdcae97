//! Navigation icons from Lucide (`lucide-static` on npm, ISC licence in
//! `static/vendor/lucide/LICENSE`), only the ones we use. Each is inlined into the page so it takes
//! the link's colour, and is decorative (`aria-hidden`): the link's own words name it.

use std::collections::HashMap;
use std::sync::LazyLock;

const FILES: &[(&str, &str)] = &[
    (
        "building-2",
        include_str!("../static/vendor/lucide/building-2.svg"),
    ),
    (
        "calendar-check",
        include_str!("../static/vendor/lucide/calendar-check.svg"),
    ),
    (
        "dumbbell",
        include_str!("../static/vendor/lucide/dumbbell.svg"),
    ),
    (
        "footprints",
        include_str!("../static/vendor/lucide/footprints.svg"),
    ),
    ("house", include_str!("../static/vendor/lucide/house.svg")),
    (
        "log-out",
        include_str!("../static/vendor/lucide/log-out.svg"),
    ),
    ("mail", include_str!("../static/vendor/lucide/mail.svg")),
    (
        "settings",
        include_str!("../static/vendor/lucide/settings.svg"),
    ),
    (
        "trending-up",
        include_str!("../static/vendor/lucide/trending-up.svg"),
    ),
    ("user", include_str!("../static/vendor/lucide/user.svg")),
];

/// Each icon as it goes into a page: licence comment dropped (the licence file ships beside the
/// files), Lucide's classes replaced by ours, hidden from screen readers, on one line.
static INLINE: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, text)| {
            let svg = text.find("<svg").map_or(text, |start| &text[start..]);
            let svg = svg
                .replacen(
                    &format!("class=\"lucide lucide-{name}\""),
                    "class=\"icon\" aria-hidden=\"true\" focusable=\"false\"",
                    1,
                )
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (name, svg)
        })
        .collect()
});

/// The inline SVG of icon `name` for a template (`{{ crate::icons::svg("house")|safe }}`); an
/// unknown name gives nothing, and the tests of the pages that use it would show the gap.
pub fn svg(name: &str) -> &'static str {
    INLINE.get(name).map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_icon_is_decorative_svg_without_the_licence_comment() {
        for (name, _) in super::FILES {
            let svg = super::svg(name);
            assert!(
                svg.starts_with("<svg class=\"icon\" aria-hidden=\"true\""),
                "{name}: {svg}"
            );
            assert!(!svg.contains("<!--"), "{name}");
        }
        assert_eq!(super::svg("no-such-icon"), "");
    }
}
