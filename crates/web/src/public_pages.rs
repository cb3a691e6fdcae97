//! The clinic's public pages (landing page, articles, booking page) rendered once and kept in
//! memory for every anonymous visitor, so a busy front door costs no database trip and no
//! template work per view.
//!
//! - **Who gets the kept copy:** a visitor who is not signed in and brings no flash message (the
//!   page is then the same for everyone). Anyone else gets the page rendered for them, as before.
//! - **Same for everyone** (landing page, articles): kept with its strong `ETag` and, once asked
//!   for, its gzip and brotli bytes; it answers `If-None-Match` with 304 and carries the public
//!   cache lifetime of [`crate::caching`]. No cookie, no nonce in the body (the scripts are our
//!   own files, which the CSP's `'self'` allows; the nonce stays in the header for other pages).
//! - **With a form** (the booking page): kept in two halves around the form's CSRF token, and
//!   each response puts this visitor's own fresh token between them (a signed, per-visitor token
//!   as before: nothing about CSRF changes, and no two responses carry the same token bytes, so
//!   BREACH has nothing to find). Such a page is `no-store` for browsers and shared caches alike:
//!   a time already taken must not be shown from a cache we cannot reach.
//! - **Freshness.** Any write through this process (every request that is not a GET, HEAD or
//!   OPTIONS: a booking, a cancellation, hours, holidays, settings, an article …) makes every kept
//!   page stale at once, so a booked time is gone from the very next view. A page also stops
//!   being used after a short lifetime ([`SAME_FOR_EVERYONE_SECONDS`], [`WITH_FORM_SECONDS`]) and
//!   never outlives the day it was made for (in the clinic's time zone), nor, for the booking
//!   page, the moment its first time stops being offered (minimum notice): so writes made by
//!   another instance or by the command line show within those few seconds. Our choice.
//! - **Bounded:** at most [`MAX_PAGES`] kept pages (stale ones go first, then the one ending
//!   soonest); a key's parts from the address are bounded in length, or the page is not kept.

use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::{CsrfToken, Page};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use backstride_core::TimeZoneName;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// How long a page the same for everyone is used before it is rendered again (our choice: the
/// clinic's outcomes sentence and a clinician's new name may take this long to show; writes
/// through this process show at once).
pub const SAME_FOR_EVERYONE_SECONDS: i64 = 30;
/// How long a booking page is used (our choice: short, since its times depend on the minute;
/// a booking through this process removes its time at once).
pub const WITH_FORM_SECONDS: i64 = 2;
/// Most pages kept at once (our choice: a clinic's landing page, its articles and a few booking
/// views each, for a few dozen clinics; a page is 10–60 KB, with its compressed copies).
pub const MAX_PAGES: usize = 256;
/// Longest address part (an article's slug, a query value) a kept page's key may hold.
const MAX_KEY_PART: usize = 100;
/// What stands in for the form's CSRF token in a kept page with a form.
const FORM_TOKEN_SLOT: &str = "\u{2063}form-token\u{2063}";

/// Which public page, of which clinic (and, for the booking page, which of its views).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PublicPage {
    Landing {
        clinic: i64,
    },
    Article {
        clinic: i64,
        slug: String,
    },
    /// The booking page with the query it was asked with (clinician, time zone, day), in order.
    Booking {
        clinic: i64,
        query: Vec<String>,
    },
}

impl PublicPage {
    /// The booking page's key: the parts of the query the page reads.
    pub fn booking(clinic: i64, query: &HashMap<String, String>) -> Self {
        PublicPage::Booking {
            clinic,
            query: ["clinician", "tz", "day"]
                .iter()
                .map(|k| query.get(*k).cloned().unwrap_or_default())
                .collect(),
        }
    }

    fn bounded(&self) -> bool {
        match self {
            PublicPage::Landing { .. } => true,
            PublicPage::Article { slug, .. } => slug.len() <= MAX_KEY_PART,
            PublicPage::Booking { query, .. } => query.iter().all(|q| q.len() <= MAX_KEY_PART),
        }
    }

    fn has_form(&self) -> bool {
        matches!(self, PublicPage::Booking { .. })
    }
}

/// The kept pages, and a count of the writes this process has made (a page made before the
/// latest write is stale).
#[derive(Default)]
pub struct PublicPages {
    pages: Mutex<HashMap<PublicPage, Arc<Kept>>>,
    writes: AtomicU64,
}

struct Kept {
    /// The write count when the page began to be rendered.
    writes: u64,
    /// Used until then (by the app's clock).
    until: Timestamp,
    body: Body,
}

enum Body {
    Same {
        html: Bytes,
        /// A strong tag per encoding (each is its own representation): identity, gzip, brotli.
        etags: [HeaderValue; 3],
        gzip: OnceLock<Bytes>,
        br: OnceLock<Bytes>,
    },
    WithForm {
        before: String,
        after: String,
    },
}

impl PublicPages {
    /// Every kept page is stale from now on (a write went through).
    pub fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PublicPage, Arc<Kept>>> {
        self.pages.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self, kept: &Kept, now: Timestamp) -> bool {
        kept.writes == self.writes() && now < kept.until
    }

    fn get(&self, key: &PublicPage, now: Timestamp) -> Option<Arc<Kept>> {
        self.lock()
            .get(key)
            .filter(|kept| self.fresh(kept, now))
            .cloned()
    }

    fn keep(&self, key: PublicPage, kept: Kept, now: Timestamp) -> Arc<Kept> {
        let kept = Arc::new(kept);
        if kept.writes != self.writes() || !key.bounded() {
            return kept;
        }
        let mut pages = self.lock();
        if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
            pages.retain(|_, k| self.fresh(k, now));
            if pages.len() >= MAX_PAGES
                && let Some(soonest) = pages
                    .iter()
                    .min_by_key(|(_, k)| k.until)
                    .map(|(key, _)| key.clone())
            {
                pages.remove(&soonest);
            }
        }
        pages.insert(key, kept.clone());
        kept
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Around every request: a request that may write (not GET, HEAD or OPTIONS) makes the kept
/// public pages stale once it has finished.
pub async fn stale_after_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.run(req).await;
    if writes {
        state.public_pages.wrote();
    }
    res
}

/// One view of a public page: served from the kept copy when there is a fresh one and the
/// visitor may have it, else rendered (and kept when it is the same for everyone).
pub struct View {
    key: PublicPage,
    /// The visitor sees the page everyone sees.
    shared: bool,
    /// The write count before anything was read.
    writes: u64,
}

impl View {
    pub fn of(ctx: &Ctx, key: PublicPage) -> Self {
        View {
            shared: ctx.user.is_none() && !ctx.visitor.brings_flashes(),
            writes: ctx.state.public_pages.writes(),
            key,
        }
    }

    /// The kept page's response, when there is a fresh one for this visitor.
    pub async fn kept(&self, ctx: &Ctx, request: &HeaderMap) -> AppResult<Option<Response>> {
        if !self.shared {
            return Ok(None);
        }
        match ctx.state.public_pages.get(&self.key, ctx.state.clock.now()) {
            Some(kept) => Ok(Some(respond(&kept, ctx, request).await?)),
            None => Ok(None),
        }
    }

    /// The page's frame as this view shows it: for everyone, no user, flash, nonce or token (a
    /// page with a form gets the slot its visitor's token goes in).
    pub fn frame(&self, page: Page) -> Page {
        if !self.shared {
            return page;
        }
        Page {
            user: None,
            csrf: if self.key.has_form() {
                CsrfToken::Fixed(FORM_TOKEN_SLOT.to_owned())
            } else {
                CsrfToken::None
            },
            nonce: String::new(),
            flashes: Vec::new(),
            ..page
        }
    }

    /// The response for a page just rendered (with [`View::frame`]), kept for the next visitor
    /// until `until` at the latest when it is the same for everyone.
    pub async fn respond(
        self,
        ctx: &Ctx,
        request: &HeaderMap,
        html: String,
        until: Timestamp,
    ) -> AppResult<Response> {
        if !self.shared {
            return Ok(Html(html).into_response());
        }
        let body = if self.key.has_form() {
            let mut halves = html.split(FORM_TOKEN_SLOT);
            match (halves.next(), halves.next(), halves.next()) {
                (Some(before), Some(after), None) => Body::WithForm {
                    before: before.to_owned(),
                    after: after.to_owned(),
                },
                // A page whose text holds the slot itself (a clinician named so): not kept.
                _ => {
                    return Ok(
                        Html(html.replace(FORM_TOKEN_SLOT, &ctx.csrf_token().await?))
                            .into_response(),
                    );
                }
            }
        } else {
            same_for_everyone(html)
        };
        let now = ctx.state.clock.now();
        let ttl = if self.key.has_form() {
            WITH_FORM_SECONDS
        } else {
            SAME_FOR_EVERYONE_SECONDS
        };
        let until = until.min(
            now.saturating_add(SignedDuration::from_secs(ttl))
                .unwrap_or(now),
        );
        let kept = Kept {
            writes: self.writes,
            until,
            body,
        };
        let kept = ctx.state.public_pages.keep(self.key, kept, now);
        respond(&kept, ctx, request).await
    }
}

/// The start of the day after `now` in `zone`: a page that depends on the date is used until
/// then at the latest.
pub fn end_of_day(zone: &TimeZoneName, now: Timestamp) -> Timestamp {
    let tz = zone.zone();
    now.to_zoned(tz.clone())
        .date()
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(tz).ok())
        .map_or(now, |z| z.timestamp())
}

fn same_for_everyone(html: String) -> Body {
    let hash = crate::security::hex(&<sha2::Sha256 as sha2::Digest>::digest(html.as_bytes())[..16]);
    let etag = |suffix: &str| {
        HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
            .unwrap_or(HeaderValue::from_static("\"\""))
    };
    Body::Same {
        html: Bytes::from(html),
        etags: [etag(""), etag("-gzip"), etag("-br")],
        gzip: OnceLock::new(),
        br: OnceLock::new(),
    }
}

async fn respond(kept: &Kept, ctx: &Ctx, request: &HeaderMap) -> AppResult<Response> {
    Ok(match &kept.body {
        Body::WithForm { before, after } => {
            let token = ctx.csrf_token().await?;
            let mut html = String::with_capacity(before.len() + token.len() + after.len());
            html.push_str(before);
            html.push_str(&token);
            html.push_str(after);
            Html(html).into_response()
        }
        Body::Same {
            html,
            etags,
            gzip,
            br,
        } => {
            let encoding = preferred_encoding(request);
            let etag = &etags[encoding as usize];
            let mut res = if crate::caching::holds(request, etag.to_str().unwrap_or_default()) {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                let (encoding, bytes) = match encoding {
                    Encoding::Brotli => (Some("br"), br.get_or_init(|| brotli(html)).clone()),
                    Encoding::Gzip => (Some("gzip"), gzip.get_or_init(|| gzip_of(html)).clone()),
                    Encoding::Identity => (None, html.clone()),
                };
                let mut res = bytes.into_response();
                let h = res.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                if let Some(encoding) = encoding {
                    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
                }
                res
            };
            let h = res.headers_mut();
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(crate::caching::PUBLIC_CACHE),
            );
            h.insert(header::ETAG, etag.clone());
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            res
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity = 0,
    Gzip = 1,
    Brotli = 2,
}

/// What the request's `Accept-Encoding` allows, brotli first (it is the smaller), then gzip.
fn preferred_encoding(request: &HeaderMap) -> Encoding {
    let accepted: Vec<String> = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next()?.trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!refused).then_some(name)
        })
        .collect();
    if accepted.iter().any(|e| e == "br") {
        Encoding::Brotli
    } else if accepted.iter().any(|e| e == "gzip" || e == "x-gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn gzip_of(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::new();
    {
        // Quality 9 of 11: nearly the smallest, in milliseconds for a page; once per page.
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        let _ = writer.write_all(bytes);
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn the_encoding_is_the_best_one_the_browser_accepts() {
        assert_eq!(preferred_encoding(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(
            preferred_encoding(&asking("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(preferred_encoding(&asking("gzip")), Encoding::Gzip);
        assert_eq!(preferred_encoding(&asking("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(
            preferred_encoding(&asking("identity, compress")),
            Encoding::Identity
        );
    }

    #[test]
    fn kept_pages_are_bounded_and_stale_after_a_write() {
        let pages = PublicPages::default();
        let now = Timestamp::from_second(1_000_000).unwrap();
        let later = Timestamp::from_second(1_000_060).unwrap();
        let kept = |writes| Kept {
            writes,
            until: later,
            body: same_for_everyone("<p>hello</p>".to_owned()),
        };
        for clinic in 0..(MAX_PAGES as i64 + 20) {
            pages.keep(PublicPage::Landing { clinic }, kept(0), now);
        }
        assert_eq!(pages.len(), MAX_PAGES);
        let key = PublicPage::Landing { clinic: 7_000 };
        pages.keep(key.clone(), kept(0), now);
        assert!(pages.get(&key, now).is_some());
        assert!(pages.get(&key, later).is_none(), "past its time");
        assert!(
            pages
                .get(&PublicPage::Landing { clinic: -1 }, now)
                .is_none(),
            "another clinic's page is not this one"
        );
        pages.wrote();
        assert!(pages.get(&key, now).is_none(), "stale after a write");
        pages.keep(key.clone(), kept(0), now);
        assert!(pages.get(&key, now).is_none(), "rendered before the write");
        let long = PublicPage::Article {
            clinic: 1,
            slug: "x".repeat(MAX_KEY_PART + 1),
        };
        pages.keep(long.clone(), kept(1), now);
        assert!(
            pages.get(&long, now).is_none(),
            "an unbounded key is not kept"
        );
    }
}
