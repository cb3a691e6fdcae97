//! Backstride's articles (issue 7): clinicians write educational articles in Markdown that can
//! embed exercise cards and the clinic's calls to action; the public sees a list, tag pages and
//! an Atom feed; drafts stay with the clinic.
//!
//! Pure, like `core`: no IO and no clock (callers pass `today`). The web crate stores articles,
//! implements [`EmbedResolver`] with the exercise library and serves the pages.
//!
//! - [`article`]: the article form, checked field by field; slugs, tags and who may see what.
//! - [`mod@render`]: Markdown to safe HTML, shortcodes, excerpts.
//! - [`feed`]: the Atom 1.0 feed.
#![forbid(unsafe_code)]

pub mod article;
pub mod feed;
pub mod render;

pub use article::{
    Article, ArticleErrors, ArticleStatus, FieldError, RawArticle, Slug, Tag, TagCount, parse_tags,
    public_articles, tag_counts,
};
pub use feed::{FeedEntry, FeedMeta, atom_feed, xml_escape};
pub use render::{
    CallToAction, EXCERPT_CHARS, EmbedResolver, NoEmbeds, Shortcode, excerpt, is_safe_url, render,
};
