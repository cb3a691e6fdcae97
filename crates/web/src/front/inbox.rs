//! `/clinic/inbox`: everyone who came through the front door — guide leads, consult requests,
//! booked calls, runners who signed up from the clinic's page — moved along the pipeline with
//! notes, and invited as a runner in one click. One visitor (one email address) is one entry,
//! with each of their enquiries under it.

use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::{Email, Role};
use backstride_store::{InboxItem, InboxStage, StoreError, User};
use std::collections::HashMap;

/// Longest note a clinician keeps on an item (our choice).
const MAX_NOTES_CHARS: usize = 5000;

const STAGES: [(InboxStage, &str); 5] = [
    (InboxStage::New, "New"),
    (InboxStage::Contacted, "Contacted"),
    (InboxStage::CallBooked, "Call booked"),
    (InboxStage::Enrolled, "Enrolled"),
    (InboxStage::Closed, "Closed"),
];

fn stage_label(stage: InboxStage) -> &'static str {
    STAGES
        .iter()
        .find(|(s, _)| *s == stage)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// What came in, in words (the inbox and the staff worklist).
pub(crate) fn kind_label(item: &InboxItem) -> &'static str {
    match item.kind.as_str() {
        "guide" => "Guide download",
        "consult" => "Consult request",
        "signup" => "Signed up: check your back",
        _ => "Booked call",
    }
}

/// One enquiry of a visitor: a guide download, a consult request or a booked call.
pub struct Enquiry {
    pub id: i64,
    pub kind: &'static str,
    pub when: String,
    pub notes: String,
}

/// One visitor (everything sent with one email address), their newest enquiry first.
pub struct ItemLine {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub enquiries: Vec<Enquiry>,
}

/// Where a stage stands in the pipeline, for "the furthest along".
fn stage_rank(stage: InboxStage) -> usize {
    STAGES.iter().position(|(s, _)| *s == stage).unwrap_or(0)
}

/// The clinic's items grouped by visitor (email, ignoring case), in the order of each visitor's
/// newest item. A visitor stands at the furthest stage of their open enquiries (closed only
/// when every one is closed).
fn visitors(items: &[InboxItem]) -> Vec<(InboxStage, Vec<&InboxItem>)> {
    let mut groups: Vec<(String, Vec<&InboxItem>)> = Vec::new();
    for item in items {
        let key = item.email.trim().to_lowercase();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(item),
            None => groups.push((key, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(_, mut g)| {
            g.sort_by_key(|i| std::cmp::Reverse((i.created_at, i.id)));
            let open = g.iter().filter(|i| i.stage != InboxStage::Closed);
            let stage = open
                .map(|i| i.stage)
                .max_by_key(|s| stage_rank(*s))
                .unwrap_or(InboxStage::Closed);
            (stage, g)
        })
        .collect()
}

pub struct StageColumn {
    pub key: &'static str,
    pub label: &'static str,
    pub items: Vec<ItemLine>,
}

#[derive(Template)]
#[template(path = "front_inbox.html")]
struct InboxPage {
    page: Page,
    clinic_id: i64,
    stages: Vec<StageColumn>,
}

pub struct StageOption {
    pub key: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "front_inbox_item.html")]
struct ItemPage {
    page: Page,
    id: i64,
    kind: &'static str,
    stage: &'static str,
    name: String,
    email: String,
    phone: String,
    message: String,
    source: String,
    when: String,
    consent: Option<String>,
    stages: Vec<StageOption>,
    form: FormState,
    /// Why the person can't be invited, if they can't.
    invite_blocked: Option<String>,
}

fn staff(ctx: &Ctx) -> AppResult<&User> {
    let user = ctx.user_with_role(&[Role::Clinician, Role::Admin])?;
    user.clinic_id.ok_or(AppError::Forbidden)?;
    Ok(user)
}

/// `GET /clinic/inbox`.
pub async fn list(ctx: Ctx) -> AppResult<Response> {
    let user = staff(&ctx)?.clone();
    let items = ctx.state.store.inbox(&ctx.actor()?).await?;
    let grouped = visitors(&items);
    let stages = STAGES
        .iter()
        .map(|(stage, label)| StageColumn {
            key: stage.as_str(),
            label,
            items: grouped
                .iter()
                .filter(|(s, _)| s == stage)
                .map(|(_, g)| ItemLine {
                    id: g[0].id,
                    name: g[0].name.clone(),
                    email: g[0].email.clone(),
                    enquiries: g
                        .iter()
                        .map(|i| Enquiry {
                            id: i.id,
                            kind: kind_label(i),
                            when: local_time(i.created_at, &user.time_zone),
                            notes: i.notes.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    render(InboxPage {
        page: ctx.page("Inbox").await?,
        clinic_id: user.clinic_id.unwrap_or_default(),
        stages,
    })
}

async fn invite_blocked(ctx: &Ctx, item: &InboxItem) -> AppResult<Option<String>> {
    let Ok(email) = item.email.parse::<Email>() else {
        return Ok(Some("The email address can't be used.".to_owned()));
    };
    match ctx.state.store.user_by_email(&email).await {
        Ok(_) => return Ok(Some("This person already has an account.".to_owned())),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    if ctx.state.store.is_unsubscribed(email.as_str()).await? {
        return Ok(Some(
            "This person asked for no more emails, so an invitation can't be sent. Ask them to sign up instead."
                .to_owned(),
        ));
    }
    Ok(None)
}

async fn item_with(ctx: &Ctx, id: i64, form: Option<FormState>) -> AppResult<Response> {
    let user = staff(ctx)?.clone();
    let actor = ctx.actor()?;
    let item = ctx.state.store.inbox_item(&actor, id).await?;
    let lead = ctx.state.store.lead_of_inbox_item(&actor, id).await?;
    let status = form.as_ref().map_or(StatusCode::OK, FormState::status);
    let form = form.unwrap_or_else(|| {
        FormState::default()
            .with_value("stage", item.stage.as_str())
            .with_value("notes", &item.notes)
    });
    let chosen = form.value("stage").to_owned();
    render_status(
        status,
        ItemPage {
            page: ctx.page(&format!("Inbox: {}", item.name)).await?,
            id: item.id,
            kind: kind_label(&item),
            stage: stage_label(item.stage),
            invite_blocked: invite_blocked(ctx, &item).await?,
            name: item.name,
            email: item.email,
            phone: item.phone,
            message: item.message,
            source: item.source,
            when: local_time(item.created_at, &user.time_zone),
            consent: lead.map(|l| {
                format!(
                    "Consent given {}: “{}”",
                    local_time(l.consent_at, &user.time_zone),
                    l.consent_text
                )
            }),
            stages: STAGES
                .iter()
                .map(|(s, label)| StageOption {
                    key: s.as_str(),
                    label,
                    selected: s.as_str() == chosen,
                })
                .collect(),
            form,
        },
    )
}

/// `GET /clinic/inbox/{id}`.
pub async fn item(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    item_with(&ctx, id, None).await
}

/// `POST /clinic/inbox/{id}`: a new stage and the notes.
pub async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    staff(&ctx)?;
    let actor = ctx.actor()?;
    // Another clinic's item is a 404 before the form is looked at.
    ctx.state.store.inbox_item(&actor, id).await?;
    let mut form = FormState::from_values(fields);
    let stage = form.parse("stage", |raw| {
        raw.parse::<InboxStage>()
            .map_err(|_| "Choose a stage from the list.")
    });
    let notes = super::abuse::text(&mut form, "notes", MAX_NOTES_CHARS, None);
    let (Some(stage), Some(notes)) = (stage, notes) else {
        return item_with(&ctx, id, Some(form)).await;
    };
    ctx.state
        .store
        .update_inbox_item(&actor, id, stage, &notes, ctx.state.clock.unix())
        .await?;
    ctx.flash("success", "Saved.").await?;
    Ok(Redirect::to(&format!("/clinic/inbox/{id}")).into_response())
}

/// `POST /clinic/inbox/{id}/invite`: emails the person an invitation to join the clinic as a
/// runner; the item moves to "contacted" now and to "enrolled" when they sign up.
pub async fn invite(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = staff(&ctx)?.clone();
    let actor = ctx.actor()?;
    let item = ctx.state.store.inbox_item(&actor, id).await?;
    if let Some(why) = invite_blocked(&ctx, &item).await? {
        ctx.flash("error", why).await?;
        return Ok(Redirect::to(&format!("/clinic/inbox/{id}")).into_response());
    }
    let email: Email = item
        .email
        .parse()
        .map_err(|_| AppError::Internal(format!("inbox item {id}: stored email")))?;
    let clinic = ctx.state.store.clinic(item.clinic_id).await?;
    let hash =
        crate::admin::send_invite_email(&ctx.state, &user, &clinic, &email, Role::Runner).await?;
    ctx.state
        .store
        .link_inbox_invite(&actor, id, &hash, ctx.state.clock.unix())
        .await?;
    ctx.flash(
        "success",
        format!("Invitation sent to {email}. The item moves to Enrolled when they sign up."),
    )
    .await?;
    Ok(Redirect::to(&format!("/clinic/inbox/{id}")).into_response())
}
