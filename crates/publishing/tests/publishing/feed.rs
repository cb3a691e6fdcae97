//! The Atom feed: structure, dates and escaping.

use super::Library;
use backstride_publishing::*;

pub fn meta() -> FeedMeta {
    FeedMeta {
        id: "https://clinic.example/articles".into(),
        title: "Riverside Physio: articles".into(),
        subtitle: Some("Running with a happier back".into()),
        site_url: "https://clinic.example/articles".into(),
        feed_url: "https://clinic.example/articles/feed.xml".into(),
        author: "Riverside Physio".into(),
        updated: "2025-03-15T10:00:00Z".parse().unwrap(),
    }
}

fn article(title: &str, tags: &str, body: &str) -> Article {
    Article::try_from(&RawArticle {
        title: title.into(),
        body: body.into(),
        tags: tags.into(),
        author: "Dr Ann Lee & co".into(),
        date: "2025-03-14".into(),
        published: true,
        ..RawArticle::default()
    })
    .unwrap()
}

#[test]
fn feed_is_atom_with_rfc3339_dates_and_escaped_content() {
    let a = article(
        "Hips, <backs> & \"running\"",
        "Back pain, strength training",
        "Why the **hip** matters.\n\n{{exercise couch-stretch}}\n\n{{cta booking}}",
    );
    let url = format!("https://clinic.example/articles/{}", a.slug());
    let entry = FeedEntry::for_article(
        &a,
        &url,
        render(a.body(), &Library),
        "2025-03-14T09:30:00Z".parse().unwrap(),
    );
    assert_eq!(entry.published.to_string(), "2025-03-14T00:00:00Z");
    assert_eq!(entry.summary, "Why the hip matters.");
    let xml = atom_feed(&meta(), &[entry]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    assert!(root.has_tag_name((atom, "feed")));
    let text = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|n| n.has_tag_name((atom, name)))
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    assert_eq!(
        text(root, "title").as_deref(),
        Some("Riverside Physio: articles")
    );
    assert_eq!(
        text(root, "updated").as_deref(),
        Some("2025-03-15T10:00:00Z")
    );
    let links: Vec<(Option<&str>, Option<&str>)> = root
        .children()
        .filter(|n| n.has_tag_name((atom, "link")))
        .map(|n| (n.attribute("rel"), n.attribute("href")))
        .collect();
    assert!(links.contains(&(
        Some("self"),
        Some("https://clinic.example/articles/feed.xml")
    )));
    let entry = root
        .children()
        .find(|n| n.has_tag_name((atom, "entry")))
        .unwrap();
    assert_eq!(
        text(entry, "title").as_deref(),
        Some("Hips, <backs> & \"running\"")
    );
    assert_eq!(
        text(entry, "id").as_deref(),
        Some("https://clinic.example/articles/hips-backs-and-running")
    );
    for name in ["published", "updated"] {
        let value = text(entry, name).unwrap();
        assert!(value.parse::<jiff::Timestamp>().is_ok(), "{name}: {value}");
        assert!(value.ends_with('Z') && value.len() == 20, "{value}");
    }
    let content = entry
        .children()
        .find(|n| n.has_tag_name((atom, "content")))
        .unwrap();
    assert_eq!(content.attribute("type"), Some("html"));
    let html = content.text().unwrap();
    assert!(html.contains("<strong>hip</strong>"), "{html}");
    assert!(html.contains("exercise-card"), "{html}");
    assert!(html.contains("cta-booking"), "{html}");
    let categories: Vec<(Option<&str>, Option<&str>)> = entry
        .children()
        .filter(|n| n.has_tag_name((atom, "category")))
        .map(|n| (n.attribute("term"), n.attribute("label")))
        .collect();
    assert_eq!(
        categories,
        vec![
            (Some("back-pain"), Some("Back pain")),
            (Some("strength-training"), Some("strength training")),
        ]
    );
    assert!(
        xml.contains("&lt;backs&gt; &amp; &quot;running&quot;"),
        "{xml}"
    );
}

#[test]
fn an_empty_feed_is_still_valid() {
    let xml = atom_feed(&meta(), &[]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(
        doc.root_element()
            .children()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        0
    );
}

#[test]
fn xml_escape_drops_what_xml_cannot_carry() {
    assert_eq!(
        xml_escape("a<b>&\"c'\u{0}\u{1}\u{b}\u{FFFE}\t\nd"),
        "a&lt;b&gt;&amp;&quot;c&apos;\t\nd"
    );
}
