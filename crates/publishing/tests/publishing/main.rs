//! One test binary for the publishing crate: article checks, rendering, XSS corpus, feed.

mod article;
mod feed;
mod render;
mod xss;

use backstride_publishing::{CallToAction, EmbedResolver};

/// Stands in for the web crate's resolver: knows one exercise and every call to action.
pub struct Library;

impl EmbedResolver for Library {
    fn exercise(&self, id: &str) -> Option<String> {
        (id == "couch-stretch").then(|| {
            "<figure class=\"exercise-card\"><figcaption>Couch Stretch</figcaption></figure>"
                .to_owned()
        })
    }

    fn call_to_action(&self, cta: CallToAction) -> Option<String> {
        Some(format!(
            "<aside class=\"cta cta-{}\"><a href=\"/{}\">Go</a></aside>",
            cta.as_str(),
            cta.as_str()
        ))
    }
}

/// A start or end tag as a browser would read it from our output.
#[derive(Debug)]
pub struct HtmlTag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

/// Reads every tag in `html`; refuses a `<` that does not open a plain tag (a comment, a
/// doctype, a processing instruction) and an unclosed tag: our output never has one.
pub fn scan_tags(html: &str) -> Result<Vec<HtmlTag>, String> {
    let chars: Vec<char> = html.chars().collect();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' {
            i += 1;
            continue;
        }
        i += 1;
        if chars.get(i) == Some(&'/') {
            i += 1;
        }
        let mut name = String::new();
        while let Some(c) = chars.get(i).filter(|c| c.is_ascii_alphanumeric()) {
            name.push(c.to_ascii_lowercase());
            i += 1;
        }
        if name.is_empty() {
            return Err(format!("a '<' that opens no plain tag at {i}"));
        }
        let mut attrs = Vec::new();
        loop {
            while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == '/') {
                i += 1;
            }
            match chars.get(i) {
                None => return Err("an unclosed tag".to_owned()),
                Some('>') => {
                    i += 1;
                    break;
                }
                Some(_) => {}
            }
            let mut attr = String::new();
            while let Some(c) = chars
                .get(i)
                .filter(|c| !c.is_whitespace() && !matches!(c, '=' | '>' | '/'))
            {
                attr.push(c.to_ascii_lowercase());
                i += 1;
            }
            let mut value = String::new();
            if chars.get(i) == Some(&'=') {
                i += 1;
                match chars.get(i) {
                    Some(q @ ('"' | '\'')) => {
                        let q = *q;
                        i += 1;
                        while let Some(c) = chars.get(i).filter(|c| **c != q) {
                            value.push(*c);
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while let Some(c) =
                            chars.get(i).filter(|c| !c.is_whitespace() && **c != '>')
                        {
                            value.push(*c);
                            i += 1;
                        }
                    }
                }
            }
            attrs.push((attr, decode_entities(&value)));
        }
        tags.push(HtmlTag { name, attrs });
    }
    Ok(tags)
}

/// Decodes character references as a browser does in an attribute (named ones we emit, and
/// every numeric one).
pub fn decode_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|e| *e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Tags our renderer (and the test resolver) may emit.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "a",
    "img",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "aside",
];
const ALLOWED_ATTRS: &[&str] = &["href", "src", "alt", "title", "class", "start", "style"];

/// Why `html` is unsafe, if it is: a script, an unknown tag or attribute, an event handler,
/// or a URL that is not http(s), mailto or relative — judged after entity decoding.
pub fn unsafe_reason(html: &str) -> Option<String> {
    if html.to_lowercase().contains("<script") {
        return Some("<script".to_owned());
    }
    let tags = match scan_tags(html) {
        Ok(tags) => tags,
        Err(reason) => return Some(reason),
    };
    for tag in tags {
        if !ALLOWED_TAGS.contains(&tag.name.as_str()) {
            return Some(format!("tag <{}>", tag.name));
        }
        for (attr, value) in &tag.attrs {
            if attr.starts_with("on") {
                return Some(format!("event handler {attr}"));
            }
            if !ALLOWED_ATTRS.contains(&attr.as_str()) {
                return Some(format!("attribute {attr}"));
            }
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_lowercase();
            for bad in ["javascript:", "vbscript:", "data:", "livescript:"] {
                if squashed.contains(bad) {
                    return Some(format!("{bad} in {attr}={value:?}"));
                }
            }
            if attr == "style"
                && ![
                    "text-align: left",
                    "text-align: center",
                    "text-align: right",
                ]
                .contains(&value.as_str())
            {
                return Some(format!("style {value:?}"));
            }
            if (attr == "href" || attr == "src") && !backstride_publishing::is_safe_url(value) {
                return Some(format!("unsafe URL {value:?}"));
            }
        }
    }
    None
}

/// Fails the test, naming the input, when [`unsafe_reason`] finds anything.
#[track_caller]
pub fn assert_safe(html: &str, context: &str) {
    if let Some(reason) = unsafe_reason(html) {
        panic!("{context:?} rendered unsafely ({reason}):\n{html}");
    }
}
