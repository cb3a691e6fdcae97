//! An article as a clinician writes it: a form (`RawArticle`) checked into an `Article` that is
//! valid by construction, with one plain message per field that is wrong and nothing typed lost.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest web address (slug), in characters (our choice: short enough to read aloud).
pub const MAX_SLUG_CHARS: usize = 80;
/// Longest article body, in characters of Markdown.
pub const MAX_BODY_CHARS: usize = 100_000;
/// Most tags on one article.
pub const MAX_TAGS: usize = 8;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// Longest author name, in characters (our choice).
pub const MAX_AUTHOR_CHARS: usize = 100;

pub use backstride_core::fields::FieldError;
/// Every field of an article form that was refused.
pub type ArticleErrors = backstride_core::fields::FieldErrors;

/// The last part of an article's web address: lower-case letters, digits and single hyphens,
/// e.g. `why-your-back-aches-on-long-runs`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a slug was refused.
pub const SLUG_RULE: &str = "Use only lower-case letters, digits and single hyphens between \
                             words, for example couch-stretch-guide.";

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A slug made from a title: accents dropped, everything but letters and digits turned into
    /// single hyphens, cut at a word to [`MAX_SLUG_CHARS`]. `None` when no letter or digit is
    /// left (a title in a non-Latin script, say).
    pub fn from_title(title: &str) -> Option<Slug> {
        let mut slug = String::new();
        for ch in title.chars().flat_map(fold_accent) {
            if ch.is_ascii_alphanumeric() {
                slug.push(ch.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        if slug.len() > MAX_SLUG_CHARS {
            let cut = slug[..=MAX_SLUG_CHARS]
                .rfind('-')
                .filter(|i| *i > 0)
                .unwrap_or(MAX_SLUG_CHARS);
            slug.truncate(cut);
        }
        let slug = slug.trim_end_matches('-').to_owned();
        slug.parse().ok()
    }
}

impl FromStr for Slug {
    type Err = &'static str;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_SLUG_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if ok {
            Ok(Slug(raw.to_owned()))
        } else {
            Err(SLUG_RULE)
        }
    }
}

impl TryFrom<String> for Slug {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Latin letters with accents written as their plain letters (é → e, ß → ss, æ → ae), so a
/// title like "Café running" makes `cafe-running`.
fn fold_accent(ch: char) -> impl Iterator<Item = char> {
    let plain: &str = match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ą' => "a",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "i",
        'ł' | 'Ł' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "o",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ť' | 'Ť' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'þ' | 'Þ' => "th",
        '&' => " and ",
        _ => "",
    };
    let own = plain.is_empty().then_some(ch);
    plain.chars().chain(own)
}

/// A topic an article is filed under: the words as written ("Back pain") and the slug its tag
/// page lives at (`back-pain`). Two tags with the same slug are the same tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub slug: Slug,
    /// What readers see, spaces tidied.
    pub name: String,
}

impl Tag {
    /// Reads one tag as typed.
    pub fn parse(raw: &str) -> Result<Tag, String> {
        let name = tidy_spaces(raw);
        if name.chars().count() > MAX_TAG_CHARS {
            return Err(format!(
                "The tag \u{201c}{}\u{2026}\u{201d} is too long: keep each tag to {MAX_TAG_CHARS} characters.",
                name.chars().take(20).collect::<String>()
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("Tags cannot contain special control characters.".to_owned());
        }
        let slug = Slug::from_title(&name).ok_or_else(|| {
            format!("The tag \u{201c}{name}\u{201d} needs at least one letter or digit.")
        })?;
        Ok(Tag { slug, name })
    }
}

/// Whether readers can see an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    /// Seen only by the clinic.
    Draft,
    /// Public from its date on.
    Published,
}

/// An article form as typed. `tags` is one comma-separated line ("back pain, strength
/// training"); a blank `slug` is made from the title; `date` is `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawArticle {
    pub title: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub tags: String,
    pub author: String,
    pub date: String,
    #[serde(default)]
    pub published: bool,
}

/// A checked article. The body stays Markdown; [`crate::render()`] makes safe HTML of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    title: String,
    slug: Slug,
    body: String,
    tags: Vec<Tag>,
    author: String,
    date: Date,
    status: ArticleStatus,
}

/// Trims and turns every run of whitespace into one space.
fn tidy_spaces(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A one-line text field: trimmed, 1 to `max` characters, no control characters.
fn one_line(
    errors: &mut ArticleErrors,
    field: &str,
    raw: &str,
    max: usize,
    missing: &str,
) -> String {
    let text = raw.trim();
    if text.is_empty() {
        errors.add(field, missing);
    } else if text.chars().count() > max {
        errors.add(
            field,
            format!(
                "That is {} characters: keep it to {max}.",
                text.chars().count()
            ),
        );
    } else if text.chars().any(char::is_control) {
        errors.add(
            field,
            "Keep it on one line, without special control characters.",
        );
    }
    text.to_owned()
}

/// Reads the comma-separated tags line: blanks skipped, repeats (same slug) kept once.
pub fn parse_tags(raw: &str) -> Result<Vec<Tag>, String> {
    let mut tags: Vec<Tag> = Vec::new();
    for part in raw.split(',').filter(|p| !p.trim().is_empty()) {
        let tag = Tag::parse(part)?;
        if !tags.iter().any(|t| t.slug == tag.slug) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!(
            "That is {} tags: use at most {MAX_TAGS}.",
            tags.len()
        ));
    }
    Ok(tags)
}

impl TryFrom<&RawArticle> for Article {
    type Error = ArticleErrors;

    fn try_from(raw: &RawArticle) -> Result<Self, ArticleErrors> {
        let mut errors = ArticleErrors::default();
        let title = one_line(
            &mut errors,
            "title",
            &raw.title,
            MAX_TITLE_CHARS,
            "Give the article a title.",
        );
        let slug = if raw.slug.trim().is_empty() {
            let slug = Slug::from_title(&title);
            if slug.is_none() && !title.is_empty() {
                errors.add(
                    "slug",
                    "The title has no letters or digits to make a web address from: type one, \
                     for example back-pain-and-running.",
                );
            }
            slug
        } else {
            let slug = raw.slug.trim().parse::<Slug>();
            if let Err(message) = &slug {
                errors.add("slug", *message);
            }
            slug.ok()
        };
        let body_chars = raw.body.chars().count();
        if body_chars > MAX_BODY_CHARS {
            errors.add(
                "body",
                format!(
                    "The article is {body_chars} characters long: keep it to {MAX_BODY_CHARS}, \
                     or split it into two articles."
                ),
            );
        } else if raw
            .body
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            errors.add("body", "Remove the special control characters.");
        } else if raw.published && raw.body.trim().is_empty() {
            errors.add(
                "body",
                "Write the article before publishing it, or save it as a draft.",
            );
        }
        let tags = parse_tags(&raw.tags).unwrap_or_else(|message| {
            errors.add("tags", message);
            Vec::new()
        });
        let author = one_line(
            &mut errors,
            "author",
            &raw.author,
            MAX_AUTHOR_CHARS,
            "Say who wrote the article.",
        );
        let date = raw.date.trim().parse::<Date>().ok();
        if date.is_none() {
            errors.add(
                "date",
                "Enter the date as YYYY-MM-DD, for example 2025-03-14.",
            );
        }
        match (slug, date) {
            (Some(slug), Some(date)) if errors.0.is_empty() => Ok(Article {
                title,
                slug,
                body: raw.body.clone(),
                tags,
                author,
                date,
                status: if raw.published {
                    ArticleStatus::Published
                } else {
                    ArticleStatus::Draft
                },
            }),
            _ => Err(errors),
        }
    }
}

impl Article {
    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn slug(&self) -> &Slug {
        &self.slug
    }

    /// The Markdown as written.
    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// The date the article carries (and is public from, once published).
    pub fn date(&self) -> Date {
        self.date
    }

    pub fn status(&self) -> ArticleStatus {
        self.status
    }

    /// The article's date as an instant for the feed: midnight UTC.
    pub fn published_at(&self) -> Timestamp {
        self.date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// Whether the public can read it on `today`: published, and its date has come. Everyone
    /// else (drafts, future-dated articles) is for the clinic's eyes only.
    pub fn is_public(&self, today: Date) -> bool {
        self.status == ArticleStatus::Published && self.date <= today
    }

    /// Whether it is filed under the tag with this slug.
    pub fn has_tag(&self, slug: &str) -> bool {
        self.tags.iter().any(|t| t.slug.as_str() == slug)
    }

    /// The form filled in with this article, for editing.
    pub fn to_raw(&self) -> RawArticle {
        RawArticle {
            title: self.title.clone(),
            slug: self.slug.to_string(),
            body: self.body.clone(),
            tags: self
                .tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            author: self.author.clone(),
            date: self.date.to_string(),
            published: self.status == ArticleStatus::Published,
        }
    }
}

/// A tag and how many public articles carry it, for the tag list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: Tag,
    pub articles: usize,
}

/// The public articles, newest first (then by title): what the article list shows.
pub fn public_articles<'a>(
    articles: impl IntoIterator<Item = &'a Article>,
    today: Date,
) -> Vec<&'a Article> {
    let mut list: Vec<&Article> = articles
        .into_iter()
        .filter(|a| a.is_public(today))
        .collect();
    list.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    list
}

/// Every tag on a public article with its count, most used first (then by name).
pub fn tag_counts<'a>(
    articles: impl IntoIterator<Item = &'a Article>,
    today: Date,
) -> Vec<TagCount> {
    let mut counts: Vec<TagCount> = Vec::new();
    for article in articles.into_iter().filter(|a| a.is_public(today)) {
        for tag in &article.tags {
            match counts.iter_mut().find(|c| c.tag.slug == tag.slug) {
                Some(c) => c.articles += 1,
                None => counts.push(TagCount {
                    tag: tag.clone(),
                    articles: 1,
                }),
            }
        }
    }
    counts.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| a.tag.slug.cmp(&b.tag.slug))
    });
    counts
}
