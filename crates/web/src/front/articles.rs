//! Articles: the public list, tag pages, article pages and the Atom feed of a clinic; the
//! clinicians' editor (drafts stay with the clinic); exercise cards and calls to action
//! embedded with shortcodes.
//!
//! Checking, safe Markdown and the feed are `backstride-publishing`'s; this module stores,
//! resolves embeds with the exercise library and serves pages.

use super::{Brand, clinic_today, public_clinic};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::public_pages::{PublicPage, View, end_of_day};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::Role;
use backstride_core::dates::ARTICLE_DATE;
use backstride_core::library;
use backstride_publishing::{
    Article, ArticleStatus, CallToAction, EXCERPT_CHARS, EmbedResolver, FeedEntry, FeedMeta,
    RawArticle, atom_feed, excerpt, render as render_markdown,
};
use backstride_store::{ArticleRecord, Clinic, SaveArticle, StoreError};
use std::collections::HashMap;

/// A stored article read back into a checked one. Every stored article was checked before it
/// was saved; one that no longer checks (a rule got stricter) is logged and left out.
fn checked(record: &ArticleRecord) -> Option<Article> {
    match Article::try_from(&raw_of(record)) {
        Ok(a) => Some(a),
        Err(e) => {
            tracing::warn!(article = record.id, error = %e, "stored article no longer checks");
            None
        }
    }
}

fn raw_of(record: &ArticleRecord) -> RawArticle {
    RawArticle {
        title: record.title.clone(),
        slug: record.slug.clone(),
        body: record.body.clone(),
        tags: record.tags.clone(),
        author: record.author.clone(),
        date: record.date.clone(),
        published: record.published,
    }
}

pub struct TagLink {
    pub slug: String,
    pub name: String,
}

/// An article as a list shows it.
pub struct ArticleLine {
    pub title: String,
    pub slug: String,
    pub date: String,
    pub author: String,
    pub excerpt: String,
    pub tags: Vec<TagLink>,
}

fn tags_of(article: &Article) -> Vec<TagLink> {
    article
        .tags()
        .iter()
        .map(|t| TagLink {
            slug: t.slug.to_string(),
            name: t.name.clone(),
        })
        .collect()
}

fn line(article: &Article) -> ArticleLine {
    ArticleLine {
        title: article.title().to_owned(),
        slug: article.slug().to_string(),
        date: long_date(article.date()),
        author: article.author().to_owned(),
        excerpt: excerpt(article.body(), EXCERPT_CHARS),
        tags: tags_of(article),
    }
}

fn long_date(date: jiff::civil::Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// The clinic's public articles (published, date come), newest first, with their records.
async fn public_articles(ctx: &Ctx, clinic: &Clinic) -> AppResult<Vec<(ArticleRecord, Article)>> {
    let today = clinic_today(ctx, clinic);
    let mut list: Vec<(ArticleRecord, Article)> = ctx
        .state
        .store
        .published_articles(clinic.id)
        .await?
        .into_iter()
        .filter_map(|r| checked(&r).map(|a| (r, a)))
        .filter(|(_, a)| a.is_public(today))
        .collect();
    list.sort_by(|(_, a), (_, b)| {
        b.date()
            .cmp(&a.date())
            .then_with(|| a.title().cmp(b.title()))
    });
    Ok(list)
}

/// The public articles as list lines (for the landing page too).
pub async fn public_lines(ctx: &Ctx, clinic: &Clinic) -> AppResult<Vec<ArticleLine>> {
    Ok(public_articles(ctx, clinic)
        .await?
        .iter()
        .map(|(_, a)| line(a))
        .collect())
}

// ---- Embeds ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "front_exercise_card.html")]
struct ExerciseCard {
    name: &'static str,
    purpose: &'static str,
    area: &'static str,
    figure: String,
    cues: &'static [&'static str],
    dose: String,
}

#[derive(Template)]
#[template(path = "front_cta.html")]
struct CtaBlock {
    kind: &'static str,
    href: String,
    heading: &'static str,
    text: &'static str,
    button: &'static str,
}

/// Exercise cards from the library and the clinic's calls to action, as safe HTML (askama
/// escapes every text; the drawing is our own SVG).
pub struct ClinicEmbeds {
    pub clinic_id: i64,
    /// The article's slug, so a lead records where it came from.
    pub source: String,
}

impl EmbedResolver for ClinicEmbeds {
    fn exercise(&self, id: &str) -> Option<String> {
        let ex = library::exercise(&id.replace('-', "_"))?;
        let card = ExerciseCard {
            name: ex.name,
            purpose: ex.purpose,
            area: ex.area.name(),
            figure: backstride_figures::svg_static(
                ex.illustration,
                backstride_figures::Phase::Start,
            )
            .unwrap_or_default(),
            cues: ex.cues,
            dose: ex.dosage.describe(ex.sidedness),
        };
        card.render().ok()
    }

    fn call_to_action(&self, cta: CallToAction) -> Option<String> {
        let id = self.clinic_id;
        let from = &self.source;
        let block = match cta {
            CallToAction::Guide => CtaBlock {
                kind: "guide",
                href: format!("/clinics/{id}/guide?from={from}"),
                heading: "Free strength guide",
                text: "Five exercises that take the load off your low back, with how much to do.",
                button: "Get the free guide",
            },
            CallToAction::Consult => CtaBlock {
                kind: "consult",
                href: format!("/clinics/{id}/consult?from={from}"),
                heading: "Free consult",
                text: "Tell us what is going on and we will get back to you.",
                button: "Ask for a free consult",
            },
            CallToAction::Booking => CtaBlock {
                kind: "booking",
                href: format!("/clinics/{id}/book"),
                heading: "Coaching call",
                text: "Book a call with one of our clinicians at a time that suits you.",
                button: "Book a coaching call",
            },
        };
        block.render().ok()
    }
}

fn embeds(clinic_id: i64, slug: &str) -> ClinicEmbeds {
    ClinicEmbeds {
        clinic_id,
        source: super::abuse::source(&format!("article:{slug}")),
    }
}

// ---- Public pages ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "front_articles.html")]
struct ListPage {
    page: Page,
    brand: Brand,
    heading: String,
    tag: Option<String>,
    articles: Vec<ArticleLine>,
    tags: Vec<TagLink>,
}

#[derive(Template)]
#[template(path = "front_article.html")]
struct ArticlePage {
    page: Page,
    brand: Brand,
    article: ArticleLine,
    html: String,
    /// Shown to staff previewing: where to edit, and whether it is public yet.
    staff: Option<(i64, String)>,
}

/// `GET /clinics/{id}/articles`.
pub async fn list(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let all = public_articles(&ctx, &clinic).await?;
    let tags =
        backstride_publishing::tag_counts(all.iter().map(|(_, a)| a), clinic_today(&ctx, &clinic))
            .into_iter()
            .map(|c| TagLink {
                slug: c.tag.slug.to_string(),
                name: format!("{} ({})", c.tag.name, c.articles),
            })
            .collect();
    render(ListPage {
        page: ctx.page(&format!("Articles · {}", clinic.name)).await?,
        heading: "Articles".to_owned(),
        brand: Brand::of(&clinic),
        tag: None,
        articles: all.iter().map(|(_, a)| line(a)).collect(),
        tags,
    })
}

/// `GET /clinics/{id}/articles/tags/{tag}`.
pub async fn tag_page(ctx: Ctx, Path((id, tag)): Path<(i64, String)>) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let all = public_articles(&ctx, &clinic).await?;
    let tagged: Vec<&Article> = all
        .iter()
        .map(|(_, a)| a)
        .filter(|a| a.has_tag(&tag))
        .collect();
    let name = tagged
        .first()
        .and_then(|a| a.tags().iter().find(|t| t.slug.as_str() == tag))
        .map(|t| t.name.clone())
        .ok_or(AppError::NotFound)?;
    render(ListPage {
        page: ctx.page(&format!("Articles about {name}")).await?,
        heading: format!("Articles about {name}"),
        brand: Brand::of(&clinic),
        tag: Some(name),
        articles: tagged.into_iter().map(line).collect(),
        tags: Vec::new(),
    })
}

/// `GET /clinics/{id}/articles/{slug}`: a public article (drafts and future dates are 404).
/// Kept for every anonymous visitor (see `public_pages`).
pub async fn article_page(
    ctx: Ctx,
    Path((id, slug)): Path<(i64, String)>,
    request: HeaderMap,
) -> AppResult<Response> {
    let view = View::of(
        &ctx,
        PublicPage::Article {
            clinic: id,
            slug: slug.clone(),
        },
    );
    if let Some(kept) = view.kept(&ctx, &request).await? {
        return Ok(kept);
    }
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let record = ctx.state.store.published_article(clinic.id, &slug).await?;
    let article = checked(&record)
        .filter(|a| a.is_public(clinic_today(&ctx, &clinic)))
        .ok_or(AppError::NotFound)?;
    let html = render_markdown(article.body(), &embeds(clinic.id, article.slug().as_str()));
    let page = ArticlePage {
        page: view.frame(ctx.page(article.title()).await?),
        brand: Brand::of(&clinic),
        article: line(&article),
        html,
        staff: None,
    }
    .render()?;
    let until = end_of_day(&clinic.time_zone, ctx.state.clock.now());
    view.respond(&ctx, &request, page, until).await
}

/// `GET /clinics/{id}/articles/feed.atom`.
pub async fn feed(ctx: Ctx, Path(id): Path<i64>, request: HeaderMap) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let base = ctx.state.config.base_url().to_owned();
    let site = format!("{base}/clinics/{id}/articles");
    let entries: Vec<FeedEntry> = public_articles(&ctx, &clinic)
        .await?
        .iter()
        .take(50)
        .map(|(record, a)| {
            let url = format!("{site}/{}", a.slug());
            // Links in the feed must work outside the site: make the embeds' links absolute.
            let html = render_markdown(a.body(), &embeds(clinic.id, a.slug().as_str()))
                .replace("href=\"/", &format!("href=\"{base}/"));
            let updated = jiff::Timestamp::from_second(record.updated_at)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            FeedEntry::for_article(a, &url, html, updated)
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let meta = FeedMeta {
        id: site.clone(),
        title: format!("{}: articles", clinic.name),
        subtitle: Some("Running with low back pain: advice and exercises".to_owned()),
        site_url: site.clone(),
        feed_url: format!("{site}/feed.atom"),
        author: clinic.name.clone(),
        updated,
    };
    Ok(crate::caching::public(
        &request,
        "application/atom+xml; charset=utf-8",
        atom_feed(&meta, &entries),
    ))
}

// ---- The editor (staff) ---------------------------------------------------------------------

pub struct StaffLine {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub status: &'static str,
    pub public_url: Option<String>,
}

#[derive(Template)]
#[template(path = "front_staff_articles.html")]
struct StaffListPage {
    page: Page,
    clinic_id: i64,
    articles: Vec<StaffLine>,
}

#[derive(Template)]
#[template(path = "front_article_form.html")]
struct FormPage {
    page: Page,
    heading: String,
    action: String,
    form: FormState,
    exercises: Vec<(&'static str, &'static str)>,
    /// The calls to action a toolbar button can insert: shortcode word and label.
    calls: Vec<(&'static str, &'static str)>,
    /// Where the delete button posts, for an article that exists.
    delete_action: Option<String>,
    /// The body as readers will see it (the public page's renderer), beside the editor.
    preview: String,
}

/// The article body as the public page shows it, with the clinic's embeds: one renderer for
/// the page, the feed and the editor's preview. A body too long to be saved is not rendered.
fn preview_html(clinic_id: i64, slug: &str, body: &str) -> String {
    if body.chars().count() > backstride_publishing::article::MAX_BODY_CHARS {
        return "<p>This article is longer than an article may be: shorten it to see the preview.</p>"
            .to_owned();
    }
    let body = body.replace("\r\n", "\n");
    if body.trim().is_empty() {
        return "<p class=\"muted\">Start writing: the article will appear here as readers will see it.</p>"
            .to_owned();
    }
    render_markdown(&body, &embeds(clinic_id, slug))
}

/// The staff member's clinic: clinicians and admins only.
pub(super) fn staff(ctx: &Ctx) -> AppResult<i64> {
    ctx.user_with_role(&[Role::Clinician, Role::Admin])?
        .clinic_id
        .ok_or(AppError::Forbidden)
}

/// `GET /clinic/articles`.
pub async fn staff_list(ctx: Ctx) -> AppResult<Response> {
    let clinic_id = staff(&ctx)?;
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    let today = clinic_today(&ctx, &clinic);
    let articles = ctx
        .state
        .store
        .articles_for_staff(&ctx.actor()?)
        .await?
        .iter()
        .map(|r| {
            let public = checked(r).is_some_and(|a| a.is_public(today));
            StaffLine {
                id: r.id,
                title: r.title.clone(),
                date: r.date.clone(),
                status: match (r.published, public) {
                    (false, _) => "draft",
                    (true, true) => "published",
                    (true, false) => "scheduled",
                },
                public_url: public.then(|| format!("/clinics/{clinic_id}/articles/{}", r.slug)),
            }
        })
        .collect();
    render(StaffListPage {
        page: ctx.page("Articles").await?,
        clinic_id,
        articles,
    })
}

async fn form_page(
    ctx: &Ctx,
    heading: &str,
    action: String,
    form: FormState,
) -> AppResult<Response> {
    let clinic_id = staff(ctx)?;
    let status = form.status();
    render_status(
        status,
        FormPage {
            page: ctx.page(heading).await?,
            heading: heading.to_owned(),
            preview: preview_html(clinic_id, form.value("slug"), form.value("body")),
            form,
            exercises: library::all()
                .iter()
                .map(|e| (e.id.as_str(), e.name))
                .collect(),
            calls: vec![
                (CallToAction::Guide.as_str(), "Free strength guide"),
                (CallToAction::Consult.as_str(), "Free consult"),
                (CallToAction::Booking.as_str(), "Book a coaching call"),
            ],
            delete_action: action
                .strip_suffix("/edit")
                .map(|article| format!("{article}/delete")),
            action,
        },
    )
}

fn form_of(raw: &RawArticle) -> FormState {
    FormState::default()
        .with_value("title", &raw.title)
        .with_value("slug", &raw.slug)
        .with_value("body", &raw.body)
        .with_value("tags", &raw.tags)
        .with_value("author", &raw.author)
        .with_value("date", &raw.date)
        .with_value("published", if raw.published { "on" } else { "" })
}

/// `GET /clinic/articles/new`.
pub async fn new_page(ctx: Ctx) -> AppResult<Response> {
    let clinic_id = staff(&ctx)?;
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    let author = ctx.user()?.display_name.clone();
    let raw = RawArticle {
        author,
        date: clinic_today(&ctx, &clinic).to_string(),
        ..RawArticle::default()
    };
    form_page(
        &ctx,
        "New article",
        "/clinic/articles/new".into(),
        form_of(&raw),
    )
    .await
}

/// Checks the form and saves it; the form again, with each error by its field, when not.
async fn save(
    ctx: &Ctx,
    id: Option<i64>,
    show: Show,
    fields: HashMap<String, String>,
    heading: &str,
    action: String,
) -> AppResult<Response> {
    let clinic_id = staff(ctx)?;
    let mut form = FormState::from_values(fields);
    // "Show preview" without scripts: the form again with its preview, nothing saved.
    if show.show.as_deref() == Some("preview") {
        return form_page(ctx, heading, action, form).await;
    }
    let raw = RawArticle {
        title: form.value("title").to_owned(),
        slug: form.value("slug").to_owned(),
        body: form.value("body").replace("\r\n", "\n"),
        tags: form.value("tags").to_owned(),
        author: form.value("author").to_owned(),
        date: form.value("date").to_owned(),
        published: form.checked("published"),
    };
    // Read back from the store an article keeps its date; typed in, the date is checked.
    let today = clinic_today(ctx, &ctx.state.store.clinic(clinic_id).await?);
    let outside = raw
        .date
        .trim()
        .parse()
        .ok()
        .and_then(|d| ARTICLE_DATE.check(d, today).err());
    let article = match (Article::try_from(&raw), outside) {
        (Ok(a), None) => a,
        (checked, outside) => {
            for e in checked.err().map(|e| e.0).unwrap_or_default() {
                form.set_error(&e.field, e.message);
            }
            if let Some(message) = outside {
                form.set_error("date", message);
            }
            return form_page(ctx, heading, action, form).await;
        }
    };
    let tidy = article.to_raw();
    let saved = ctx
        .state
        .store
        .save_article(
            &ctx.actor()?,
            id,
            &SaveArticle {
                slug: tidy.slug,
                title: tidy.title,
                body: tidy.body,
                tags: tidy.tags,
                author: tidy.author,
                date: tidy.date,
                published: article.status() == ArticleStatus::Published,
            },
            ctx.state.clock.unix(),
        )
        .await;
    match saved {
        Ok(record) => {
            let what = if record.published {
                "Article published."
            } else {
                "Draft saved: only your clinic can see it."
            };
            ctx.flash("success", what).await?;
            Ok(Redirect::to(&format!("/clinic/articles/{}", record.id)).into_response())
        }
        Err(StoreError::Conflict { .. }) => {
            form = form.with_value("slug", article.slug().as_str());
            form.set_error(
                "slug",
                "Another article of your clinic already has this web address: choose another.",
            );
            form_page(ctx, heading, action, form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the editor's form asks beyond saving: `?show=preview` (the "Show preview" button,
/// without scripts) shows the preview and saves nothing.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Show {
    show: Option<String>,
}

/// `POST /clinic/articles/new`.
pub async fn create(
    ctx: Ctx,
    Query(show): Query<Show>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    save(
        &ctx,
        None,
        show,
        fields,
        "New article",
        "/clinic/articles/new".into(),
    )
    .await
}

/// `GET /clinic/articles/{id}/edit`.
pub async fn edit_page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    staff(&ctx)?;
    let record = ctx.state.store.article_for_staff(&ctx.actor()?, id).await?;
    form_page(
        &ctx,
        "Edit article",
        format!("/clinic/articles/{id}/edit"),
        form_of(&raw_of(&record)),
    )
    .await
}

/// `POST /clinic/articles/{id}/edit`.
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(show): Query<Show>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    staff(&ctx)?;
    // Another clinic's article is a 404 before anything is checked.
    ctx.state.store.article_for_staff(&ctx.actor()?, id).await?;
    save(
        &ctx,
        Some(id),
        show,
        fields,
        "Edit article",
        format!("/clinic/articles/{id}/edit"),
    )
    .await
}

/// The preview's form: the body and the address part (a lead from a call to action records
/// the article it came from).
#[derive(serde::Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    slug: String,
}

/// `POST /clinic/articles/preview`: the body rendered as the public page renders it, as an
/// HTML fragment for the editor's live preview. A POST (CSRF-checked) because it carries the
/// whole draft; it stores nothing.
pub async fn preview(ctx: Ctx, Form(form): Form<PreviewForm>) -> AppResult<Response> {
    let clinic_id = staff(&ctx)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        preview_html(clinic_id, &form.slug, &form.body),
    )
        .into_response())
}

/// The delete form: only its confirmation box matters.
#[derive(serde::Deserialize)]
pub struct ConfirmDelete {
    confirm: Option<String>,
}

/// `POST /clinic/articles/{id}/delete`: deletes an article of the clinic for good, once the
/// confirmation box is ticked.
pub async fn delete(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ConfirmDelete>,
) -> AppResult<Response> {
    staff(&ctx)?;
    let actor = ctx.actor()?;
    let record = ctx.state.store.article_for_staff(&actor, id).await?;
    if form.confirm.as_deref() != Some("on") {
        ctx.flash(
            "error",
            "The article was not deleted: tick “Yes, delete it for good” first.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/clinic/articles/{id}/edit")).into_response());
    }
    ctx.state.store.delete_article(&actor, id).await?;
    ctx.flash("success", format!("“{}” was deleted.", record.title))
        .await?;
    Ok(Redirect::to("/clinic/articles").into_response())
}

/// `GET /clinic/articles/{id}`: the article as readers will see it, draft or not.
pub async fn staff_preview(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let clinic_id = staff(&ctx)?;
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    let record = ctx.state.store.article_for_staff(&ctx.actor()?, id).await?;
    let article = checked(&record).ok_or(AppError::NotFound)?;
    let html = render_markdown(article.body(), &embeds(clinic.id, article.slug().as_str()));
    let state = if article.is_public(clinic_today(&ctx, &clinic)) {
        "Published: the public can read it."
    } else if article.status() == ArticleStatus::Published {
        "Scheduled: the public can read it from its date."
    } else {
        "Draft: only your clinic can see it."
    };
    render(ArticlePage {
        page: ctx.page(article.title()).await?,
        brand: Brand::of(&clinic),
        article: line(&article),
        html,
        staff: Some((id, state.to_owned())),
    })
}
