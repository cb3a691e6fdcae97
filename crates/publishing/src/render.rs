//! Article Markdown to HTML that is safe to put on a page, and a plain-text excerpt.
//!
//! Safety rests on three rules, applied to the parser's events rather than to the HTML text:
//! raw HTML written in the Markdown is shown as text, never passed through; a link or image
//! whose address is not http(s), mailto or relative loses its address (the link text stays,
//! the image goes); and Markdown extensions that let an author set attributes (heading ids and
//! classes) are off. The only HTML not made by the Markdown writer is what the
//! [`EmbedResolver`] returns for a shortcode, which the application builds itself.
//!
//! Shortcodes stand on a line of their own: `{{exercise couch-stretch}}` for an exercise card,
//! `{{cta guide}}`, `{{cta consult}}` or `{{cta booking}}` for a call to action. Anything else in
//! double braces, or a shortcode the resolver does not know, is shown as the text it is.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Longest exercise id accepted in a shortcode (our choice).
const MAX_EMBED_ID_CHARS: usize = 60;
/// Excerpt length, in characters, before the ellipsis (our choice).
pub const EXCERPT_CHARS: usize = 200;

/// The three things the clinic asks a reader to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallToAction {
    /// Download the free guide.
    Guide,
    /// Ask for a free consult.
    Consult,
    /// Book a coaching call.
    Booking,
}

impl CallToAction {
    /// The word used in the shortcode: `guide`, `consult` or `booking`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallToAction::Guide => "guide",
            CallToAction::Consult => "consult",
            CallToAction::Booking => "booking",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        [
            CallToAction::Guide,
            CallToAction::Consult,
            CallToAction::Booking,
        ]
        .into_iter()
        .find(|c| c.as_str() == word)
    }
}

/// A shortcode found on a line of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shortcode {
    /// An exercise card, by the exercise's id in the library.
    Exercise(String),
    CallToAction(CallToAction),
}

impl Shortcode {
    /// Reads `{{exercise couch-stretch}}` or `{{cta guide}}` (spaces inside the braces allowed).
    pub fn parse(line: &str) -> Option<Shortcode> {
        let inner = line.trim().strip_prefix("{{")?.strip_suffix("}}")?;
        let mut words = inner.split_whitespace();
        let (kind, arg) = (words.next()?, words.next()?);
        if words.next().is_some() {
            return None;
        }
        match kind {
            "exercise" if is_embed_id(arg) => Some(Shortcode::Exercise(arg.to_owned())),
            "cta" => CallToAction::from_word(arg).map(Shortcode::CallToAction),
            _ => None,
        }
    }
}

fn is_embed_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_EMBED_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Turns shortcodes into HTML. The web application implements it with the exercise library
/// (illustration, cues, dosage) and its call-to-action blocks. What it returns goes into the
/// page as it is, so it must escape anything it did not write itself.
pub trait EmbedResolver {
    /// The card for an exercise, or `None` when there is no such exercise.
    fn exercise(&self, id: &str) -> Option<String>;
    /// The block for a call to action, or `None` to leave the shortcode as text.
    fn call_to_action(&self, cta: CallToAction) -> Option<String>;
}

/// Resolves nothing: shortcodes stay as text. For previews without the library.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEmbeds;

impl EmbedResolver for NoEmbeds {
    fn exercise(&self, _id: &str) -> Option<String> {
        None
    }
    fn call_to_action(&self, _cta: CallToAction) -> Option<String> {
        None
    }
}

/// Resolves every known shortcode to nothing: for the excerpt, which leaves embeds out.
struct Blank;

impl EmbedResolver for Blank {
    fn exercise(&self, _id: &str) -> Option<String> {
        Some(String::new())
    }
    fn call_to_action(&self, _cta: CallToAction) -> Option<String> {
        Some(String::new())
    }
}

fn resolve(line: &str, embeds: &dyn EmbedResolver) -> Option<String> {
    match Shortcode::parse(line)? {
        Shortcode::Exercise(id) => embeds.exercise(&id),
        Shortcode::CallToAction(cta) => embeds.call_to_action(cta),
    }
}

/// Whether a link or image address is one we let through: `http:`, `https:` or `mailto:`, or
/// no scheme at all (relative, `#fragment`, `//host`). Judged the way a browser reads it:
/// tabs, newlines and control characters anywhere are ignored (`java\tscript:` is
/// `javascript:`); the parser has already decoded entities (`&#106;avascript:`).
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Markdown extensions used. Left off on purpose: heading attributes (ids, classes and
/// attributes chosen by the author), metadata blocks, math, wiki links and footnotes.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RawHtml {
    /// Show it as text (the article page).
    Escape,
    /// Leave it out (the excerpt).
    Drop,
}

/// One event made safe, or `None` to leave it out. `links` remembers, for each open link or
/// image, whether it was kept, so its end is kept or dropped with it.
fn sanitise<'a>(event: Event<'a>, links: &mut Vec<bool>, raw_html: RawHtml) -> Option<Event<'a>> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            // Email autolinks are written out as `mailto:` + the address.
            let keep = link_type == LinkType::Email || is_safe_url(&dest_url);
            links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = is_safe_url(&dest_url);
            links.push(keep);
            keep.then_some(Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => links.pop().unwrap_or(false).then_some(event),
        Event::Start(Tag::Heading { level, .. }) => Some(Event::Start(Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        })),
        Event::Start(Tag::HtmlBlock) => {
            (raw_html == RawHtml::Escape).then_some(Event::Start(Tag::Paragraph))
        }
        Event::End(TagEnd::HtmlBlock) => {
            (raw_html == RawHtml::Escape).then_some(Event::End(TagEnd::Paragraph))
        }
        Event::Html(html) | Event::InlineHtml(html) => {
            (raw_html == RawHtml::Escape).then_some(Event::Text(html))
        }
        // Not produced with our options; shown as text if they ever are.
        Event::InlineMath(text) | Event::DisplayMath(text) => Some(Event::Text(text)),
        Event::Start(Tag::MetadataBlock(_)) | Event::End(TagEnd::MetadataBlock(_)) => None,
        other => Some(other),
    }
}

/// Writes out a paragraph, replacing each line that is a known shortcode by its HTML (outside
/// any paragraph); the other lines stay together as paragraphs.
fn emit_paragraph<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    source: &str,
    embeds: &dyn EmbedResolver,
    out: &mut Vec<Event<'a>>,
) {
    // Split at line breaks outside any inline element.
    let mut lines: Vec<Vec<(Event<'a>, Range<usize>)>> = vec![Vec::new()];
    let mut breaks: Vec<Event<'a>> = Vec::new();
    let mut depth = 0usize;
    for (event, range) in events {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak if depth == 0 => {
                breaks.push(event);
                lines.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(line) = lines.last_mut() {
            line.push((event, range));
        }
    }
    let resolved: Vec<Option<String>> = lines
        .iter()
        .map(|line| {
            let all_text =
                !line.is_empty() && line.iter().all(|(e, _)| matches!(e, Event::Text(_)));
            let (first, last) = (line.first()?, line.last()?);
            let text = source.get(first.1.start..last.1.end)?;
            // `\{{cta guide}}` is the way to write a shortcode as text; the parser leaves the
            // backslash out of the text's range.
            let escaped = source.get(..first.1.start)?.ends_with('\\');
            if all_text && !escaped {
                resolve(text, embeds)
            } else {
                None
            }
        })
        .collect();
    let mut group: Vec<Event<'a>> = Vec::new();
    let flush = |group: &mut Vec<Event<'a>>, out: &mut Vec<Event<'a>>| {
        if !group.is_empty() {
            out.push(Event::Start(Tag::Paragraph));
            out.append(group);
            out.push(Event::End(TagEnd::Paragraph));
        }
    };
    let mut breaks = breaks.into_iter();
    for (i, (line, html)) in lines.into_iter().zip(resolved).enumerate() {
        let before = if i > 0 { breaks.next() } else { None };
        match html {
            Some(html) => {
                flush(&mut group, out);
                out.push(Event::Html(CowStr::from(format!("{html}\n"))));
            }
            None => {
                if let Some(b) = before.filter(|_| !group.is_empty()) {
                    group.push(b);
                }
                group.extend(line.into_iter().map(|(e, _)| e));
            }
        }
    }
    flush(&mut group, out);
}

/// The article's events, made safe, with shortcodes resolved.
fn safe_events<'a>(
    markdown: &'a str,
    embeds: &dyn EmbedResolver,
    raw_html: RawHtml,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut links = Vec::new();
    let mut paragraph: Option<Vec<(Event<'a>, Range<usize>)>> = None;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let Some(event) = sanitise(event, &mut links, raw_html) else {
            continue;
        };
        match event {
            Event::Start(Tag::Paragraph) if paragraph.is_none() => paragraph = Some(Vec::new()),
            Event::End(TagEnd::Paragraph) if paragraph.is_some() => {
                if let Some(p) = paragraph.take() {
                    emit_paragraph(p, markdown, embeds, &mut out);
                }
            }
            event => match &mut paragraph {
                Some(p) => p.push((event, range)),
                None => out.push(event),
            },
        }
    }
    out
}

/// The article's Markdown as HTML that is safe to put in a page: see the module notes.
pub fn render(markdown: &str, embeds: &dyn EmbedResolver) -> String {
    let events = safe_events(markdown, embeds, RawHtml::Escape);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The start of the article as plain text (not HTML: escape it where it is shown): about
/// `max_chars` characters cut at a word, with "…" when cut. Headings and paragraphs run
/// together; images, raw HTML and embeds are left out.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let mut text = String::new();
    let mut in_image = 0usize;
    for event in safe_events(markdown, &Blank, RawHtml::Drop) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
        if text.len() > max_chars * 8 + 64 {
            break;
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars + 1).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > 0 => &cut[..i],
        _ => {
            &cut[..cut
                .char_indices()
                .nth(max_chars)
                .map_or(cut.len(), |(i, _)| i)]
        }
    };
    let trimmed = at_word.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '.')
    });
    format!("{trimmed}…")
}
