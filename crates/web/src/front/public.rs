//! The public pages of a clinic: landing page and stylesheet, the free guide (form, download,
//! email with an unsubscribe link) and consult requests. No account needed.

use super::abuse;
use super::articles::ArticleLine;
use super::{Brand, public_clinic};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::print::{printed_clinic, typeset};
use crate::public_pages::{PublicPage, View, end_of_day};
use crate::security::{random_token, token_hash};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::Email;
use backstride_store::{
    Clinic, InboxKind, InboxStage, MailTokenKind, NewEmail, NewInboxItem, NewLead,
};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "front_landing.html")]
struct LandingPage {
    page: Page,
    brand: Brand,
    articles: Vec<ArticleLine>,
    /// The clinic's outcomes sentence, when its admin shows it.
    outcomes: Option<String>,
}

#[derive(Template)]
#[template(path = "front_guide.html")]
struct GuidePage {
    page: Page,
    brand: Brand,
    form: FormState,
    consent_text: String,
    exercises: Vec<&'static str>,
    limited: bool,
}

#[derive(Template)]
#[template(path = "front_guide_ready.html")]
struct GuideReadyPage {
    page: Page,
    brand: Brand,
    /// `None` when there is nothing to download here (the guide was emailed).
    download: Option<String>,
    emailed: bool,
    /// The six core exercises behind the self-check's programme, by name.
    core_exercises: Vec<&'static str>,
}

/// The clinic's six core exercises the self-check's programme is built from (core's library:
/// the ladders marked `core_six`), by name, for the guide's closing page.
fn core_exercise_names() -> Vec<&'static str> {
    backstride_core::library::ladders()
        .iter()
        .filter(|l| l.core_six)
        .map(|l| l.name)
        .collect()
}

#[derive(Template)]
#[template(path = "front_consult.html")]
struct ConsultPage {
    page: Page,
    brand: Brand,
    form: FormState,
    limited: bool,
}

#[derive(Template)]
#[template(path = "front_message.html")]
struct MessagePage {
    page: Page,
    brand: Brand,
    heading: String,
    paragraphs: Vec<String>,
    /// A confirm button posting back here, for the unsubscribe page.
    confirm: Option<String>,
}

#[derive(Deserialize)]
pub struct FromQuery {
    #[serde(default)]
    from: String,
}

/// `GET /clinics/{id}`: the clinic's offer and its three calls to action (kept for every
/// anonymous visitor, see `public_pages`).
pub async fn landing(ctx: Ctx, Path(id): Path<i64>, request: HeaderMap) -> AppResult<Response> {
    let view = View::of(&ctx, PublicPage::Landing { clinic: id });
    if let Some(kept) = view.kept(&ctx, &request).await? {
        return Ok(kept);
    }
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let articles = super::articles::public_lines(&ctx, &clinic)
        .await?
        .into_iter()
        .take(3)
        .collect();
    let html = LandingPage {
        page: view.frame(ctx.page(&clinic.name).await?),
        brand: Brand::of(&clinic),
        articles,
        outcomes: crate::outcomes::public_block(ctx.state.store.as_ref(), clinic.id).await?,
    }
    .render()?;
    let until = end_of_day(&clinic.time_zone, ctx.state.clock.now());
    view.respond(&ctx, &request, html, until).await
}

/// `GET /clinics/{id}/brand.css`: the clinic's colour for its pages. A brand colour too pale to
/// carry white text is darkened until it does (WCAG AA), as on the printed guide.
pub async fn brand_css(ctx: Ctx, Path(id): Path<i64>, request: HeaderMap) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let brand = printed_clinic(Some(&clinic)).brand_colour.ink();
    let css = format!(
        "/* {} */\n:root {{ --brand: {}; --brand-ink: #fff; }}\n",
        clinic.id,
        brand.hex()
    );
    Ok(crate::caching::public(
        &request,
        "text/css; charset=utf-8",
        css,
    ))
}

fn consent_text(clinic: &Clinic) -> String {
    format!(
        "Email me the guide, and occasional advice about running with low back pain from {}. \
         I can unsubscribe at any time with the link in every email.",
        clinic.name
    )
}

/// What a lead without the box ticked agreed to: the download only (the consent record says so,
/// and nothing is emailed).
const NO_EMAIL_CONSENT: &str = "";

async fn guide_with(
    ctx: &Ctx,
    clinic: &Clinic,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    let exercises = super::guide_settings::guide_ids(ctx.state.store.as_ref(), clinic.id)
        .await?
        .into_iter()
        .map(|id| id.exercise().name)
        .collect();
    render_status(
        status,
        GuidePage {
            page: ctx
                .page(&format!("Free strength guide · {}", clinic.name))
                .await?,
            brand: Brand::of(clinic),
            consent_text: consent_text(clinic),
            exercises,
            limited: status == StatusCode::TOO_MANY_REQUESTS,
            form,
        },
    )
}

/// `GET /clinics/{id}/guide`.
pub async fn guide_page(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<FromQuery>,
) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let form = FormState::default().with_value("source", &abuse::source(&q.from));
    guide_with(&ctx, &clinic, form, StatusCode::OK).await
}

/// `POST /clinics/{id}/guide`: stores the lead with its consent, emails the link and sends the
/// visitor on to the download.
pub async fn guide_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let store = ctx.state.store.clone();
    let clinic = public_clinic(store.as_ref(), id).await?;
    let mut form = FormState::from_values(fields);
    if abuse::caught_bot(store.as_ref(), abuse::GUIDE, &form, &ctx.ip).await? {
        return Ok(Redirect::to(&format!("/clinics/{id}/guide/sent")).into_response());
    }
    let name = abuse::name(&mut form, "Tell us your name.");
    let email = abuse::email(&mut form);
    // The guide downloads either way; the box is consent to emails only.
    let consented = form.checked("consent");
    let (Some(name), Some(email), false) = (name, email, form.has_errors()) else {
        return guide_with(&ctx, &clinic, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if abuse::over_limit(store.as_ref(), abuse::GUIDE, &ctx.ip, email.as_str()).await? {
        return guide_with(&ctx, &clinic, form, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let now = ctx.state.clock.unix();
    let source = abuse::source(form.value("source"));
    store
        .add_lead(
            &NewLead {
                clinic_id: clinic.id,
                name: name.clone(),
                email: email.to_string(),
                source,
                consent_text: if consented {
                    consent_text(&clinic)
                } else {
                    NO_EMAIL_CONSENT.to_owned()
                },
            },
            now,
        )
        .await?;
    let download = random_token(24);
    store
        .add_mail_token(
            MailTokenKind::Guide,
            &token_hash(&download),
            clinic.id,
            email.as_str(),
            now,
        )
        .await?;
    let base = ctx.state.config.base_url();
    let body = format!(
        "Hello {name},\n\nThank you for asking for {clinic}'s free strength guide for runners with \
         low back pain. Download it here:\n\n{base}/guide/{download}.pdf\n\n\
         If anything in it hurts, stop and ask us: {base}/clinics/{id}/consult\n",
        clinic = clinic.name,
        id = clinic.id,
    );
    let emailed = consented
        && send_front_email(&ctx, &clinic, &email, "Your free strength guide", body).await?;
    let target = if emailed {
        format!("/clinics/{id}/guide/ready/{download}")
    } else {
        format!("/clinics/{id}/guide/ready/{download}?quiet=1")
    };
    Ok(Redirect::to(&target).into_response())
}

/// Queues a front-door email with the clinic's signature and an unsubscribe link, unless the
/// address asked for no more. Returns whether it was queued.
async fn send_front_email(
    ctx: &Ctx,
    clinic: &Clinic,
    to: &Email,
    subject: &str,
    body: String,
) -> AppResult<bool> {
    let store = &ctx.state.store;
    if store.is_unsubscribed(to.as_str()).await? {
        return Ok(false);
    }
    let now = ctx.state.clock.unix();
    let unsubscribe = random_token(24);
    store
        .add_mail_token(
            MailTokenKind::Unsubscribe,
            &token_hash(&unsubscribe),
            clinic.id,
            to.as_str(),
            now,
        )
        .await?;
    let signature = if clinic.settings.contact.trim().is_empty() {
        clinic.name.clone()
    } else {
        format!("{}\n{}", clinic.name, clinic.settings.contact)
    };
    let full = format!(
        "{body}\n{signature}\n\n--\nYou get this email because you used a form on {name}'s pages. \
         To get no more emails from us, open:\n{base}/unsubscribe/{unsubscribe}\n",
        name = clinic.name,
        base = ctx.state.config.base_url(),
    );
    store
        .enqueue_email(
            &NewEmail::text(to.clone(), format!("{subject} · {}", clinic.name), full)
                .from_clinic(Some(clinic.id)),
            now,
        )
        .await?;
    Ok(true)
}

#[derive(Deserialize)]
pub struct ReadyQuery {
    #[serde(default)]
    quiet: Option<String>,
}

/// `GET /clinics/{id}/guide/ready/{token}`: the download starts at once (with a link in case
/// it does not).
pub async fn guide_ready(
    ctx: Ctx,
    Path((id, token)): Path<(i64, String)>,
    Query(q): Query<ReadyQuery>,
) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    ctx.state
        .store
        .mail_token(MailTokenKind::Guide, &token_hash(&token))
        .await?
        .filter(|t| t.clinic_id == clinic.id)
        .ok_or(AppError::NotFound)?;
    render(GuideReadyPage {
        page: ctx.page("Your guide is ready").await?,
        brand: Brand::of(&clinic),
        download: Some(format!("/guide/{token}.pdf")),
        emailed: q.quiet.is_none(),
        core_exercises: core_exercise_names(),
    })
}

/// `GET /clinics/{id}/guide/sent`.
pub async fn guide_sent(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    render(GuideReadyPage {
        page: ctx.page("Your guide is on its way").await?,
        brand: Brand::of(&clinic),
        download: None,
        emailed: true,
        core_exercises: core_exercise_names(),
    })
}

/// `GET /guide/{token}.pdf`: the guide of the clinic the link was made for.
pub async fn guide_download(ctx: Ctx, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".pdf").ok_or(AppError::NotFound)?;
    let store = ctx.state.store.clone();
    let found = store
        .mail_token(MailTokenKind::Guide, &token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let clinic = store.clinic(found.clinic_id).await?;
    let ids = super::guide_settings::guide_ids(store.as_ref(), clinic.id).await?;
    let printed = printed_clinic(Some(&clinic));
    let bytes = typeset(move || backstride_report::guide_pdf(&printed, &ids))
        .await?
        .map_err(|e| AppError::Internal(format!("guide of clinic {}: {e}", clinic.id)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"strength-guide.pdf\"".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn consult_with(
    ctx: &Ctx,
    clinic: &Clinic,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    render_status(
        status,
        ConsultPage {
            page: ctx.page(&format!("Free consult · {}", clinic.name)).await?,
            brand: Brand::of(clinic),
            limited: status == StatusCode::TOO_MANY_REQUESTS,
            form,
        },
    )
}

/// `GET /clinics/{id}/consult`.
pub async fn consult_page(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<FromQuery>,
) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let form = FormState::default().with_value("source", &abuse::source(&q.from));
    consult_with(&ctx, &clinic, form, StatusCode::OK).await
}

/// `POST /clinics/{id}/consult`: the request lands in the clinic's inbox and the visitor gets a
/// confirmation email.
pub async fn consult_submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let store = ctx.state.store.clone();
    let clinic = public_clinic(store.as_ref(), id).await?;
    let mut form = FormState::from_values(fields);
    let thanks = format!("/clinics/{id}/consult/thanks");
    if abuse::caught_bot(store.as_ref(), abuse::CONSULT, &form, &ctx.ip).await? {
        return Ok(Redirect::to(&thanks).into_response());
    }
    let name = abuse::name(&mut form, "Tell us your name.");
    let email = abuse::email(&mut form);
    let phone = abuse::phone(&mut form);
    let message = abuse::message(&mut form, Some("Tell us a little about what is going on."));
    let times = abuse::text(&mut form, "times", abuse::MAX_TIMES_CHARS, None);
    let (Some(name), Some(email), Some(phone), Some(message), Some(times), false) =
        (name, email, phone, message, times, form.has_errors())
    else {
        return consult_with(&ctx, &clinic, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if abuse::over_limit(store.as_ref(), abuse::CONSULT, &ctx.ip, email.as_str()).await? {
        return consult_with(&ctx, &clinic, form, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let full_message = if times.is_empty() {
        message
    } else {
        format!("{message}\n\nPreferred times: {times}")
    };
    let item = store
        .add_inbox_item(
            &NewInboxItem {
                clinic_id: clinic.id,
                kind: InboxKind::Consult,
                name: name.clone(),
                email: email.to_string(),
                phone,
                message: full_message,
                source: abuse::source(form.value("source")),
                stage: InboxStage::New,
            },
            ctx.state.clock.unix(),
        )
        .await?;
    crate::webhooks::notify(
        store.as_ref(),
        clinic.id,
        crate::webhooks::Event::ConsultRequested {
            inbox_item_id: item.id,
        },
    )
    .await;
    let body = format!(
        "Hello {name},\n\nThank you for asking {clinic} for a free consult. We have your request \
         and will contact you, by email or phone, to find a time.\n\n\
         If you have new numbness in the groin or saddle area, trouble passing water or controlling \
         your bowels, weakness in the legs, fever, or pain after a fall or accident, do not wait \
         for us: call your doctor or emergency services now.\n",
        clinic = clinic.name,
    );
    send_front_email(&ctx, &clinic, &email, "Your consult request", body).await?;
    Ok(Redirect::to(&thanks).into_response())
}

/// A branded page with a heading and a few paragraphs (no form).
pub(super) async fn message_page(
    ctx: &Ctx,
    clinic: &Clinic,
    heading: &str,
    paragraphs: Vec<String>,
) -> AppResult<Response> {
    render(MessagePage {
        page: ctx.page(heading).await?,
        brand: Brand::of(clinic),
        heading: heading.to_owned(),
        paragraphs,
        confirm: None,
    })
}

/// `GET /clinics/{id}/consult/thanks`.
pub async fn consult_thanks(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    render(MessagePage {
        page: ctx.page("Thank you").await?,
        heading: "Thank you — we have your request".to_owned(),
        paragraphs: vec![
            format!(
                "{} will contact you to find a time for your free consult. We have emailed you a confirmation.",
                clinic.name
            ),
            "If your symptoms get suddenly worse, or you notice numbness in the groin or saddle area, \
             trouble passing water or weakness in your legs, call your doctor or emergency services now."
                .to_owned(),
        ],
        brand: Brand::of(&clinic),
        confirm: None,
    })
}

async fn unsubscribe_target(ctx: &Ctx, token: &str) -> AppResult<(Clinic, String)> {
    let found = ctx
        .state
        .store
        .mail_token(MailTokenKind::Unsubscribe, &token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let clinic = ctx.state.store.clinic(found.clinic_id).await?;
    Ok((clinic, found.email))
}

/// `GET /unsubscribe/{token}`: asks to confirm (so a mail scanner following links does not
/// unsubscribe anyone).
pub async fn unsubscribe_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let (clinic, email) = unsubscribe_target(&ctx, &token).await?;
    let already = ctx.state.store.is_unsubscribed(&email).await?;
    let (heading, paragraphs, confirm) = if already {
        (
            "You are unsubscribed".to_owned(),
            vec![format!("We send no more emails to {email}.")],
            None,
        )
    } else {
        (
            "Stop emails from us?".to_owned(),
            vec![format!(
                "{} will send no more emails to {email} once you confirm.",
                clinic.name
            )],
            Some(format!("/unsubscribe/{token}")),
        )
    };
    render(MessagePage {
        page: ctx.page("Unsubscribe").await?,
        brand: Brand::of(&clinic),
        heading,
        paragraphs,
        confirm,
    })
}

/// `POST /unsubscribe/{token}`.
pub async fn unsubscribe(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let (clinic, email) = unsubscribe_target(&ctx, &token).await?;
    ctx.state
        .store
        .unsubscribe(&email, ctx.state.clock.unix())
        .await?;
    render(MessagePage {
        page: ctx.page("Unsubscribed").await?,
        brand: Brand::of(&clinic),
        heading: "You are unsubscribed".to_owned(),
        paragraphs: vec![format!(
            "We send no more emails to {email}. If you change your mind, ask {} directly.",
            clinic.name
        )],
        confirm: None,
    })
}
