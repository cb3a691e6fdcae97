//! The clinic's front door: public branding, free-guide leads (with consent and unsubscribe), and articles.
//!
//! A part of [`crate::Store`] kept in its own trait and file; implemented once for both
//! backends by the macro below, like the rest of the store.
//!
//! Access: everything a visitor does (a lead, a mail token, a rate-limit attempt, an
//! unsubscribe) is a public action without an actor; everything staff do (the guide's
//! exercises, articles, inbox invitations) takes the acting user and answers `NotFound` for
//! anyone outside the clinic, as the rest of the store does.

use crate::model::{InboxItem, InboxStage};
use crate::sql::{INBOX_COLUMNS, InboxRow};
use crate::{Actor, SqlStore, StoreError, StoreResult};
use async_trait::async_trait;
use backstride_core::Role;

/// Which single-use link an email carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTokenKind {
    /// Downloads the clinic's free guide again.
    Guide,
    /// Stops every further front-door email to the address.
    Unsubscribe,
}

impl MailTokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailTokenKind::Guide => "guide",
            MailTokenKind::Unsubscribe => "unsubscribe",
        }
    }
}

/// A link sent by email, as the store keeps it (the token itself only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailToken {
    pub clinic_id: i64,
    pub email: String,
    pub created_at: i64,
}

/// Someone who downloaded the free guide, with the consent they gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLead {
    pub clinic_id: i64,
    pub name: String,
    pub email: String,
    /// Where the form was, e.g. "landing page" or "article:couch-stretch-guide".
    pub source: String,
    /// The words of the consent box they ticked.
    pub consent_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub id: i64,
    pub clinic_id: i64,
    pub inbox_item_id: i64,
    pub name: String,
    pub email: String,
    pub source: String,
    pub consent_text: String,
    pub consent_at: i64,
    pub created_at: i64,
}

/// Submissions of one public form since a moment, by this IP address and by this email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FormAttempts {
    pub by_ip: i64,
    pub by_email: i64,
}

/// An article as stored: the fields of the checked form (see `backstride-publishing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRecord {
    pub id: i64,
    pub clinic_id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    /// The tags line as typed, tidied: "back pain, strength".
    pub tags: String,
    pub author: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub published: bool,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a clinician saves: a checked article's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveArticle {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub tags: String,
    pub author: String,
    pub date: String,
    pub published: bool,
}

/// The clinic's front door: public branding, free-guide leads (with consent and unsubscribe), and articles.
#[async_trait]
pub trait FrontStore: Send + Sync {
    /// Answers when this part of the store is reachable.
    async fn front_ready(&self) -> StoreResult<()>;

    // The free guide
    /// The exercise ids an admin chose for the clinic's guide (`None`: the default set).
    async fn guide_exercises(&self, clinic_id: i64) -> StoreResult<Option<Vec<String>>>;
    /// Saves the guide's exercises (admins of that clinic only; anyone else gets `NotFound`).
    async fn set_guide_exercises(
        &self,
        actor: &Actor,
        clinic_id: i64,
        exercises: &[String],
        now: i64,
    ) -> StoreResult<()>;

    // Leads and email links (public actions)
    /// Stores a lead with its consent time and its inbox item (kind guide), atomically.
    async fn add_lead(&self, lead: &NewLead, now: i64) -> StoreResult<(Lead, InboxItem)>;
    /// The lead behind an inbox item of the actor's clinic, if it came from the guide form.
    async fn lead_of_inbox_item(&self, actor: &Actor, item_id: i64) -> StoreResult<Option<Lead>>;
    async fn add_mail_token(
        &self,
        kind: MailTokenKind,
        token_hash: &str,
        clinic_id: i64,
        email: &str,
        now: i64,
    ) -> StoreResult<()>;
    async fn mail_token(
        &self,
        kind: MailTokenKind,
        token_hash: &str,
    ) -> StoreResult<Option<MailToken>>;
    /// Records that `email` wants no more front-door emails (idempotent).
    async fn unsubscribe(&self, email: &str, now: i64) -> StoreResult<()>;
    async fn is_unsubscribed(&self, email: &str) -> StoreResult<bool>;

    // Rate limits of the public forms
    async fn record_form_attempt(
        &self,
        form: &str,
        ip: &str,
        email: &str,
        at: i64,
    ) -> StoreResult<()>;
    async fn form_attempts_since(
        &self,
        form: &str,
        ip: &str,
        email: &str,
        since: i64,
    ) -> StoreResult<FormAttempts>;

    // Articles
    /// Creates (`id` `None`) or updates an article of the actor's clinic (staff only). A slug
    /// already used in the clinic is a `Conflict` on `article_slug_key`.
    async fn save_article(
        &self,
        actor: &Actor,
        id: Option<i64>,
        article: &SaveArticle,
        now: i64,
    ) -> StoreResult<ArticleRecord>;
    /// One article of the actor's clinic, draft or not (staff only; `NotFound` otherwise).
    async fn article_for_staff(&self, actor: &Actor, id: i64) -> StoreResult<ArticleRecord>;
    /// Every article of the actor's clinic, newest date first (staff only).
    async fn articles_for_staff(&self, actor: &Actor) -> StoreResult<Vec<ArticleRecord>>;
    /// A clinic's published articles, newest date first (the caller still checks each date).
    async fn published_articles(&self, clinic_id: i64) -> StoreResult<Vec<ArticleRecord>>;
    /// A published article of a clinic by its slug.
    async fn published_article(&self, clinic_id: i64, slug: &str) -> StoreResult<ArticleRecord>;

    // Inviting from the inbox
    /// Remembers that an invitation was sent for an inbox item of the actor's clinic, and
    /// moves a new item to "contacted".
    async fn link_inbox_invite(
        &self,
        actor: &Actor,
        item_id: i64,
        invite_token_hash: &str,
        now: i64,
    ) -> StoreResult<InboxItem>;
    /// Called when an invitation is accepted: the inbox item it was sent for (if any) moves
    /// to "enrolled".
    async fn enrol_from_invite(&self, invite_token_hash: &str, now: i64) -> StoreResult<()>;

    /// Deletes an article of the actor's clinic (staff only; `NotFound` otherwise).
    async fn delete_article(&self, actor: &Actor, id: i64) -> StoreResult<()>;

    // Housekeeping
    /// Forgets what the front door no longer needs, in one transaction: rate-limit counters
    /// from before `attempts_before`, guide download links made before `enquiries_before`,
    /// and every free-guide or consult enquiry (inbox item, lead with its consent, invitation
    /// links) last touched before `enquiries_before` that did not become a runner or a booked
    /// call. Unsubscribe records stay, so an address that asked to hear no more never does.
    async fn forget_old_front_door(
        &self,
        attempts_before: i64,
        enquiries_before: i64,
    ) -> StoreResult<Forgotten>;
}

/// What [`FrontStore::forget_old_front_door`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Rate-limit counter rows.
    pub attempts: u64,
    /// Guide download links.
    pub guide_links: u64,
    /// Enquiries (inbox items, with their leads and invitation links).
    pub enquiries: u64,
}

const LEAD_COLUMNS: &str =
    "id, clinic_id, inbox_item_id, name, email, source, consent_text, consent_at, created_at";
const ARTICLE_COLUMNS: &str = "id, clinic_id, slug, title, body, tags, author, article_date, published, created_by, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct LeadRow {
    id: i64,
    clinic_id: i64,
    inbox_item_id: i64,
    name: String,
    email: String,
    source: String,
    consent_text: String,
    consent_at: i64,
    created_at: i64,
}

impl From<LeadRow> for Lead {
    fn from(r: LeadRow) -> Self {
        Lead {
            id: r.id,
            clinic_id: r.clinic_id,
            inbox_item_id: r.inbox_item_id,
            name: r.name,
            email: r.email,
            source: r.source,
            consent_text: r.consent_text,
            consent_at: r.consent_at,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    clinic_id: i64,
    slug: String,
    title: String,
    body: String,
    tags: String,
    author: String,
    article_date: String,
    published: bool,
    created_by: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<ArticleRow> for ArticleRecord {
    fn from(r: ArticleRow) -> Self {
        ArticleRecord {
            id: r.id,
            clinic_id: r.clinic_id,
            slug: r.slug,
            title: r.title,
            body: r.body,
            tags: r.tags,
            author: r.author,
            date: r.article_date,
            published: r.published,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    clinic_id: i64,
    email: String,
    created_at: i64,
}

/// The clinic of a staff member, or `None` for anyone else.
fn staff_clinic(actor: &Actor) -> Option<i64> {
    actor.clinic_id.filter(|_| actor.role.is_staff())
}

macro_rules! impl_front {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl FrontStore for SqlStore<$db> {
            async fn front_ready(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }

            async fn guide_exercises(&self, clinic_id: i64) -> StoreResult<Option<Vec<String>>> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT exercises FROM front_guide WHERE clinic_id = $1")
                        .bind(clinic_id)
                        .fetch_optional(&self.read)
                        .await?;
                Ok(row.map(|(list,)| {
                    list.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                }))
            }

            async fn set_guide_exercises(
                &self,
                actor: &Actor,
                clinic_id: i64,
                exercises: &[String],
                now: i64,
            ) -> StoreResult<()> {
                if actor.role != Role::Admin || actor.clinic_id != Some(clinic_id) {
                    return Err(StoreError::NotFound);
                }
                let list = exercises.join(",");
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query("DELETE FROM front_guide WHERE clinic_id = $1")
                    .bind(clinic_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO front_guide (clinic_id, exercises, updated_by, updated_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(clinic_id)
                .bind(list)
                .bind(actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn add_lead(&self, lead: &NewLead, now: i64) -> StoreResult<(Lead, InboxItem)> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "INSERT INTO inbox_item (clinic_id, kind, name, email, phone, message, source, stage, created_at, updated_at) \
                     VALUES ($1, 'guide', $2, $3, '', '', $4, $5, $6, $6) RETURNING {INBOX_COLUMNS}"
                );
                let item: InboxRow = sqlx::query_as(&sql)
                    .bind(lead.clinic_id)
                    .bind(&lead.name)
                    .bind(&lead.email)
                    .bind(&lead.source)
                    .bind(InboxStage::New.as_str())
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                let sql = format!(
                    "INSERT INTO front_lead (clinic_id, inbox_item_id, name, email, source, consent_text, consent_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {LEAD_COLUMNS}"
                );
                let row: LeadRow = sqlx::query_as(&sql)
                    .bind(lead.clinic_id)
                    .bind(item.id)
                    .bind(&lead.name)
                    .bind(&lead.email)
                    .bind(&lead.source)
                    .bind(&lead.consent_text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok((row.into(), item.try_into()?))
            }

            async fn lead_of_inbox_item(&self, actor: &Actor, item_id: i64) -> StoreResult<Option<Lead>> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Err(StoreError::NotFound);
                };
                let sql = format!(
                    "SELECT {LEAD_COLUMNS} FROM front_lead WHERE inbox_item_id = $1 AND clinic_id = $2"
                );
                let row: Option<LeadRow> = sqlx::query_as(&sql)
                    .bind(item_id)
                    .bind(clinic_id)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(row.map(Lead::from))
            }

            async fn add_mail_token(
                &self,
                kind: MailTokenKind,
                token_hash: &str,
                clinic_id: i64,
                email: &str,
                now: i64,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO front_mail_token (token_hash, kind, clinic_id, email, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(token_hash)
                .bind(kind.as_str())
                .bind(clinic_id)
                .bind(email)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mail_token(&self, kind: MailTokenKind, token_hash: &str) -> StoreResult<Option<MailToken>> {
                let row: Option<TokenRow> = sqlx::query_as(
                    "SELECT clinic_id, email, created_at FROM front_mail_token WHERE token_hash = $1 AND kind = $2",
                )
                .bind(token_hash)
                .bind(kind.as_str())
                .fetch_optional(&self.read)
                .await?;
                Ok(row.map(|r| MailToken {
                    clinic_id: r.clinic_id,
                    email: r.email,
                    created_at: r.created_at,
                }))
            }

            async fn unsubscribe(&self, email: &str, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO front_unsubscribed (email, at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
                )
                .bind(email.to_lowercase())
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn is_unsubscribed(&self, email: &str) -> StoreResult<bool> {
                let row: Option<(i64,)> =
                    sqlx::query_as("SELECT at FROM front_unsubscribed WHERE email = $1")
                        .bind(email.to_lowercase())
                        .fetch_optional(&self.read)
                        .await?;
                Ok(row.is_some())
            }

            async fn record_form_attempt(&self, form: &str, ip: &str, email: &str, at: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO front_attempt (form, ip, email, at) VALUES ($1, $2, $3, $4)")
                    .bind(form)
                    .bind(ip)
                    .bind(email.to_lowercase())
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn form_attempts_since(
                &self,
                form: &str,
                ip: &str,
                email: &str,
                since: i64,
            ) -> StoreResult<FormAttempts> {
                let (by_ip, by_email): (i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM front_attempt WHERE form = $1 AND ip = $2 AND at >= $4), \
                            (SELECT COUNT(*) FROM front_attempt WHERE form = $1 AND email = $3 AND at >= $4)",
                )
                .bind(form)
                .bind(ip)
                .bind(email.to_lowercase())
                .bind(since)
                .fetch_one(&self.read)
                .await?;
                Ok(FormAttempts { by_ip, by_email })
            }

            async fn save_article(
                &self,
                actor: &Actor,
                id: Option<i64>,
                a: &SaveArticle,
                now: i64,
            ) -> StoreResult<ArticleRecord> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Err(StoreError::NotFound);
                };
                let row: Option<ArticleRow> = match id {
                    None => {
                        let sql = format!(
                            "INSERT INTO article (clinic_id, slug, title, body, tags, author, article_date, published, \
                             created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                             RETURNING {ARTICLE_COLUMNS}"
                        );
                        sqlx::query_as(&sql)
                            .bind(clinic_id)
                            .bind(&a.slug)
                            .bind(&a.title)
                            .bind(&a.body)
                            .bind(&a.tags)
                            .bind(&a.author)
                            .bind(&a.date)
                            .bind(a.published)
                            .bind(actor.user_id)
                            .bind(now)
                            .fetch_optional(&self.pool)
                            .await?
                    }
                    Some(id) => {
                        let sql = format!(
                            "UPDATE article SET slug = $1, title = $2, body = $3, tags = $4, author = $5, \
                             article_date = $6, published = $7, updated_at = $8 WHERE id = $9 AND clinic_id = $10 \
                             RETURNING {ARTICLE_COLUMNS}"
                        );
                        sqlx::query_as(&sql)
                            .bind(&a.slug)
                            .bind(&a.title)
                            .bind(&a.body)
                            .bind(&a.tags)
                            .bind(&a.author)
                            .bind(&a.date)
                            .bind(a.published)
                            .bind(now)
                            .bind(id)
                            .bind(clinic_id)
                            .fetch_optional(&self.pool)
                            .await?
                    }
                };
                row.map(ArticleRecord::from).ok_or(StoreError::NotFound)
            }

            async fn article_for_staff(&self, actor: &Actor, id: i64) -> StoreResult<ArticleRecord> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Err(StoreError::NotFound);
                };
                let sql = format!("SELECT {ARTICLE_COLUMNS} FROM article WHERE id = $1 AND clinic_id = $2");
                let row: Option<ArticleRow> = sqlx::query_as(&sql)
                    .bind(id)
                    .bind(clinic_id)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(ArticleRecord::from).ok_or(StoreError::NotFound)
            }

            async fn articles_for_staff(&self, actor: &Actor) -> StoreResult<Vec<ArticleRecord>> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Ok(Vec::new());
                };
                let sql = format!(
                    "SELECT {ARTICLE_COLUMNS} FROM article WHERE clinic_id = $1 ORDER BY article_date DESC, id DESC"
                );
                let rows: Vec<ArticleRow> = sqlx::query_as(&sql).bind(clinic_id).fetch_all(&self.read).await?;
                Ok(rows.into_iter().map(ArticleRecord::from).collect())
            }

            async fn published_articles(&self, clinic_id: i64) -> StoreResult<Vec<ArticleRecord>> {
                let sql = format!(
                    "SELECT {ARTICLE_COLUMNS} FROM article WHERE clinic_id = $1 AND published = $2 \
                     ORDER BY article_date DESC, id DESC"
                );
                let rows: Vec<ArticleRow> = sqlx::query_as(&sql)
                    .bind(clinic_id)
                    .bind(true)
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(ArticleRecord::from).collect())
            }

            async fn published_article(&self, clinic_id: i64, slug: &str) -> StoreResult<ArticleRecord> {
                let sql = format!(
                    "SELECT {ARTICLE_COLUMNS} FROM article WHERE clinic_id = $1 AND slug = $2 AND published = $3"
                );
                let row: Option<ArticleRow> = sqlx::query_as(&sql)
                    .bind(clinic_id)
                    .bind(slug)
                    .bind(true)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(ArticleRecord::from).ok_or(StoreError::NotFound)
            }

            async fn link_inbox_invite(
                &self,
                actor: &Actor,
                item_id: i64,
                invite_token_hash: &str,
                now: i64,
            ) -> StoreResult<InboxItem> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Err(StoreError::NotFound);
                };
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "UPDATE inbox_item SET stage = CASE WHEN stage = 'new' THEN 'contacted' ELSE stage END, \
                     updated_at = $1 WHERE id = $2 AND clinic_id = $3 RETURNING {INBOX_COLUMNS}"
                );
                let row: Option<InboxRow> = sqlx::query_as(&sql)
                    .bind(now)
                    .bind(item_id)
                    .bind(clinic_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    return Err(StoreError::NotFound);
                };
                sqlx::query(
                    "INSERT INTO front_inbox_invite (invite_token_hash, inbox_item_id, created_at) VALUES ($1, $2, $3)",
                )
                .bind(invite_token_hash)
                .bind(item_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                row.try_into()
            }

            async fn enrol_from_invite(&self, invite_token_hash: &str, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE inbox_item SET stage = 'enrolled', updated_at = $1 WHERE id IN \
                     (SELECT inbox_item_id FROM front_inbox_invite WHERE invite_token_hash = $2)",
                )
                .bind(now)
                .bind(invite_token_hash)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn delete_article(&self, actor: &Actor, id: i64) -> StoreResult<()> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Err(StoreError::NotFound);
                };
                let done = sqlx::query("DELETE FROM article WHERE id = $1 AND clinic_id = $2")
                    .bind(id)
                    .bind(clinic_id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn forget_old_front_door(
                &self,
                attempts_before: i64,
                enquiries_before: i64,
            ) -> StoreResult<Forgotten> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let attempts = sqlx::query("DELETE FROM front_attempt WHERE at < $1")
                    .bind(attempts_before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let guide_links =
                    sqlx::query("DELETE FROM front_mail_token WHERE kind = 'guide' AND created_at < $1")
                        .bind(enquiries_before)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                let stale: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM inbox_item WHERE kind IN ('guide', 'consult') \
                     AND stage IN ('new', 'contacted', 'closed') AND updated_at < $1 \
                     AND NOT EXISTS (SELECT 1 FROM booking WHERE booking.inbox_item_id = inbox_item.id)",
                )
                .bind(enquiries_before)
                .fetch_all(&mut *tx)
                .await?;
                for (id,) in &stale {
                    for sql in [
                        "DELETE FROM front_inbox_invite WHERE inbox_item_id = $1",
                        "DELETE FROM front_lead WHERE inbox_item_id = $1",
                        "DELETE FROM inbox_item WHERE id = $1",
                    ] {
                        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok(Forgotten {
                    attempts,
                    guide_links,
                    enquiries: u64::try_from(stale.len()).unwrap_or(u64::MAX),
                })
            }
        }
    };
}

impl_front!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_front!(sqlx::Postgres, "BEGIN");
