//! Rendering ordinary articles: Markdown features, shortcodes, safe URLs, excerpts.

use super::{Library, assert_safe};
use backstride_publishing::*;

#[test]
fn ordinary_markdown_renders() {
    let md = "## Hips\n\nKeep *tall* and **proud** -- eyes ~~down~~ ahead.\n\n\
              1. Couch stretch\n2. Hip CARs\n\n| side | reps |\n|:--|--:|\n| left | 8 |\n\n\
              ```\ncode <here>\n```\n\n[guide](/guide) [mail](mailto:a@b.example) \
              [site](https://clinic.example/a?b=1&c=2) <https://clinic.example> \
              ![figure](/static/fig.svg \"A figure\")";
    let html = render(md, &NoEmbeds);
    for expected in [
        "<h2>Hips</h2>",
        "<em>tall</em>",
        "<strong>proud</strong>",
        "–",
        "<del>down</del>",
        "<ol>",
        "<table>",
        "<td style=\"text-align: right\">8</td>",
        "<pre><code>code &lt;here&gt;\n</code></pre>",
        "<a href=\"/guide\">guide</a>",
        "<a href=\"mailto:a@b.example\">mail</a>",
        "<a href=\"https://clinic.example/a?b=1&amp;c=2\">site</a>",
        "<a href=\"https://clinic.example\">https://clinic.example</a>",
        "<img src=\"/static/fig.svg\" alt=\"figure\" title=\"A figure\" />",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert_safe(&html, md);
}

#[test]
fn shortcodes_on_their_own_line_become_embeds() {
    let md = "Try this:\n{{exercise couch-stretch}}\nthen *rest*.\n\n{{ cta  guide }}\n\n\
              {{cta consult}}\n\n{{cta booking}}\n\n> Quote\n> {{cta booking}}";
    let html = render(md, &Library);
    assert_eq!(
        html,
        "<p>Try this:</p>\n\
         <figure class=\"exercise-card\"><figcaption>Couch Stretch</figcaption></figure>\n\
         <p>then <em>rest</em>.</p>\n\
         <aside class=\"cta cta-guide\"><a href=\"/guide\">Go</a></aside>\n\
         <aside class=\"cta cta-consult\"><a href=\"/consult\">Go</a></aside>\n\
         <aside class=\"cta cta-booking\"><a href=\"/booking\">Go</a></aside>\n\
         <blockquote>\n<p>Quote</p>\n\
         <aside class=\"cta cta-booking\"><a href=\"/booking\">Go</a></aside>\n\
         </blockquote>\n"
    );
}

#[test]
fn other_double_braces_stay_text() {
    for (md, html) in [
        // Unknown exercise, unknown kind, unknown call to action.
        (
            "{{exercise no-such-thing}}",
            "<p>{{exercise no-such-thing}}</p>\n",
        ),
        ("{{video intro}}", "<p>{{video intro}}</p>\n"),
        ("{{cta newsletter}}", "<p>{{cta newsletter}}</p>\n"),
        // Not on a line of its own, in code, or escaped.
        ("See {{cta guide}} here", "<p>See {{cta guide}} here</p>\n"),
        ("`{{cta guide}}`", "<p><code>{{cta guide}}</code></p>\n"),
        (
            "    {{cta guide}}",
            "<pre><code>{{cta guide}}</code></pre>\n",
        ),
        ("\\{{cta guide}}", "<p>{{cta guide}}</p>\n"),
        ("*{{cta guide}}*", "<p><em>{{cta guide}}</em></p>\n"),
        ("{{cta guide extra}}", "<p>{{cta guide extra}}</p>\n"),
        ("{{exercise <b>}}", "<p>{{exercise &lt;b&gt;}}</p>\n"),
    ] {
        assert_eq!(render(md, &Library), html, "{md}");
    }
    // Without a resolver every shortcode is text.
    assert_eq!(
        render("{{exercise couch-stretch}}", &NoEmbeds),
        "<p>{{exercise couch-stretch}}</p>\n"
    );
}

#[test]
fn url_rules() {
    for (url, safe) in [
        ("https://a.example", true),
        ("HTTP://a.example", true),
        ("mailto:a@b.example", true),
        ("/relative/path", true),
        ("relative", true),
        ("#section", true),
        ("?q=1", true),
        ("//cdn.example/x", true),
        ("./javascript:x", true),
        ("javascript:alert(1)", false),
        (" JavaScript:alert(1)", false),
        ("java\tscript:alert(1)", false),
        ("java\nscript:alert(1)", false),
        ("\u{1}javascript:alert(1)", false),
        ("vbscript:x", false),
        ("data:text/html,x", false),
        ("file:///etc/passwd", false),
        ("ftp://a.example", false),
        (":nothing", false),
    ] {
        assert_eq!(is_safe_url(url), safe, "{url:?}");
    }
}

#[test]
fn excerpts_are_plain_text_cut_at_a_word() {
    assert_eq!(
        excerpt(
            "# Hips first\n\nSome *text* with <b>html</b>.\n\n{{exercise couch-stretch}}\n\n\
             ![alt words](x.png) More `code`.",
            200
        ),
        "Hips first Some text with html. More code."
    );
    let long = "word ".repeat(100);
    let cut = excerpt(&long, 200);
    assert!(cut.ends_with("word…"), "{cut}");
    assert!(cut.chars().count() <= 201);
    assert_eq!(excerpt("Short.", 200), "Short.");
    assert_eq!(excerpt("one two, three", 9), "one two…");
    let unbroken = "x".repeat(300);
    assert_eq!(excerpt(&unbroken, 200).chars().count(), 201);
    assert_eq!(excerpt("ééé ééé", 5), "ééé…");
}
