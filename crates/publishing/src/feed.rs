//! The articles as an Atom 1.0 feed (RFC 4287): well-formed XML whatever the titles, tags and
//! bodies hold, with RFC 3339 dates.

use crate::article::{Article, Tag};
use crate::render::{EXCERPT_CHARS, excerpt};
use jiff::Timestamp;

/// The feed as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedMeta {
    /// A permanent id for the feed; its URL will do (`https://clinic.example/articles`).
    pub id: String,
    /// "Riverside Physio: articles".
    pub title: String,
    pub subtitle: Option<String>,
    /// The article list page.
    pub site_url: String,
    /// Where this feed is served (`…/articles/feed.xml`).
    pub feed_url: String,
    /// The clinic, as the feed's author.
    pub author: String,
    /// When anything in the feed last changed (usually the newest entry's `updated`).
    pub updated: Timestamp,
}

/// One article in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// A permanent id; the article's URL will do.
    pub id: String,
    /// The article's page.
    pub url: String,
    pub title: String,
    pub author: String,
    pub published: Timestamp,
    pub updated: Timestamp,
    /// Plain text (see [`excerpt`]).
    pub summary: String,
    /// The article as HTML, from [`crate::render()`].
    pub content_html: String,
    pub tags: Vec<Tag>,
}

impl FeedEntry {
    /// The entry for a published article at `url`, with `content_html` rendered by the caller
    /// (with its embeds) and `updated` when it was last edited.
    pub fn for_article(
        article: &Article,
        url: &str,
        content_html: String,
        updated: Timestamp,
    ) -> FeedEntry {
        FeedEntry {
            id: url.to_owned(),
            url: url.to_owned(),
            title: article.title().to_owned(),
            author: article.author().to_owned(),
            published: article.published_at(),
            updated: updated.max(article.published_at()),
            summary: excerpt(article.body(), EXCERPT_CHARS),
            content_html,
            tags: article.tags().to_vec(),
        }
    }
}

/// Escapes text for XML content or a quoted attribute, leaving out the characters XML 1.0 does
/// not allow at all (most control characters, U+FFFE and U+FFFF), which would make the whole
/// feed unreadable. Carriage returns are written as references, which XML keeps as they are.
pub fn xml_escape(text: &str) -> String {
    escape(text, false)
}

/// Like [`xml_escape`], for an attribute value: tabs and newlines are written as references too,
/// since a parser turns literal ones into spaces there.
fn xml_attr(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' | '\n' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 3339 in UTC, to the second: `2025-03-14T00:00:00Z`.
fn rfc3339(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn element(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(&format!("{indent}<{name}>{}</{name}>\n", xml_escape(text)));
}

/// The Atom feed document for `entries`, in the order given (newest first is usual).
pub fn atom_feed(meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(&mut out, "  ", "id", &meta.id);
    out.push_str(&format!(
        "  <title type=\"text\">{}</title>\n",
        xml_escape(&meta.title)
    ));
    if let Some(subtitle) = &meta.subtitle {
        out.push_str(&format!(
            "  <subtitle type=\"text\">{}</subtitle>\n",
            xml_escape(subtitle)
        ));
    }
    element(&mut out, "  ", "updated", &rfc3339(meta.updated));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_attr(&meta.site_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_attr(&meta.feed_url)
    ));
    out.push_str("  <author>\n");
    element(&mut out, "    ", "name", &meta.author);
    out.push_str("  </author>\n");
    out.push_str("  <generator>Backstride</generator>\n");
    for entry in entries {
        out.push_str("  <entry>\n");
        element(&mut out, "    ", "id", &entry.id);
        out.push_str(&format!(
            "    <title type=\"text\">{}</title>\n",
            xml_escape(&entry.title)
        ));
        element(&mut out, "    ", "published", &rfc3339(entry.published));
        element(&mut out, "    ", "updated", &rfc3339(entry.updated));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_attr(&entry.url)
        ));
        out.push_str("    <author>\n");
        element(&mut out, "      ", "name", &entry.author);
        out.push_str("    </author>\n");
        for tag in &entry.tags {
            out.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                xml_attr(tag.slug.as_str()),
                xml_attr(&tag.name)
            ));
        }
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_escape(&entry.summary)
        ));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&entry.content_html)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
