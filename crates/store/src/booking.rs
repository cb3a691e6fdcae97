//! Coaching-call booking: clinicians' weekly hours and exceptions, booked calls and their cancel links.
//!
//! A part of [`crate::Store`] kept in its own trait and file; implemented once for both
//! backends by the macro below, like the rest of the store.
//!
//! A slot is held by the unique index `booking_slot_taken` on (clinician, start) over live
//! bookings, so two visitors racing for one slot are decided by the database: the loser gets
//! [`StoreError::Conflict`] with [`SLOT_TAKEN`] as its constraint. Booking, its emails and its
//! inbox item are written in one transaction, so nothing is half-done.
//!
//! Also here: how each clinician's calls happen (`call_mode`, `video_link`) and the clinic's
//! closed days (`clinic_holidays`, core's `ClinicHolidays` as JSON; migration 0015).

use crate::sql::begin;
use crate::sql::insert_email;
use crate::{Actor, NewEmail, NewInboxItem, SqlStore, StoreError, StoreResult, User};
use async_trait::async_trait;
use backstride_core::booking::{Availability, BookingWindow, CallMode, ClinicHolidays, Exception};
use backstride_core::{Email, Role, TimeZoneName};

/// The constraint named in the `Conflict` returned when a slot is already booked.
pub const SLOT_TAKEN: &str = "booking_slot_taken";

/// A clinician's call hours: weekly hours, exceptions and the booking window.
#[derive(Debug, Clone, PartialEq)]
pub struct CallHours {
    pub clinician_id: i64,
    pub clinic_id: i64,
    pub availability: Availability,
    pub exceptions: Vec<Exception>,
    pub window: BookingWindow,
    /// How the calls happen (phone, or video at a link).
    pub call: CallMode,
    pub updated_at: i64,
}

/// What a clinician (or their clinic's admin) saves as call hours.
#[derive(Debug, Clone)]
pub struct SaveCallHours {
    pub availability: Availability,
    pub exceptions: Vec<Exception>,
    pub window: BookingWindow,
    pub call: CallMode,
}

/// A booked (or cancelled) call.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub id: i64,
    pub clinic_id: i64,
    pub clinician_id: i64,
    /// Unix seconds.
    pub starts_at: i64,
    pub ends_at: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    /// The visitor's zone when they booked, for their emails.
    pub time_zone: TimeZoneName,
    /// SHA-256 of the private link's token.
    pub token_hash: String,
    pub reminder_email_id: Option<i64>,
    pub inbox_item_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub cancelled_at: Option<i64>,
}

/// A visitor's booking with everything written alongside it.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub clinic_id: i64,
    pub clinician_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub name: String,
    pub email: Email,
    pub phone: String,
    pub message: String,
    pub time_zone: TimeZoneName,
    pub token_hash: String,
    /// Sent at once.
    pub confirmation: NewEmail,
    /// Held back until a day before the call (none when booked less than a day ahead).
    pub reminder: Option<NewEmail>,
    /// The clinic's inbox item for this call.
    pub inbox: NewInboxItem,
}

/// Moving a live booking to another slot of the same clinician.
#[derive(Debug, Clone)]
pub struct Reschedule {
    pub starts_at: i64,
    pub ends_at: i64,
    pub confirmation: NewEmail,
    /// Replaces the old reminder, which is dropped.
    pub reminder: Option<NewEmail>,
}

/// Coaching-call booking: clinicians' weekly hours and exceptions, booked calls and their cancel links.
#[async_trait]
pub trait BookingStore: Send + Sync {
    /// Opens a clinician's call hours for `actor`: the clinician themself, or an admin of the
    /// same clinic. Anyone else gets `NotFound`, as for someone who is not a clinician; every
    /// access by someone other than the clinician (allowed or denied) is audited.
    async fn open_call_hours(
        &self,
        actor: &Actor,
        clinician_id: i64,
    ) -> StoreResult<(User, Option<CallHours>)>;
    /// Saves a clinician's call hours, with the same rules and audit as [`Self::open_call_hours`].
    async fn save_call_hours(
        &self,
        actor: &Actor,
        clinician_id: i64,
        hours: &SaveCallHours,
        now: i64,
    ) -> StoreResult<CallHours>;
    /// The call hours of every staff member of a clinic who has set them (public), by name.
    async fn clinic_call_hours(&self, clinic_id: i64) -> StoreResult<Vec<(User, CallHours)>>;
    /// Starts of a clinician's live bookings at or after `from`.
    async fn booked_starts(&self, clinician_id: i64, from: i64) -> StoreResult<Vec<i64>>;
    /// Books a call atomically with its emails and inbox item; `Conflict` on [`SLOT_TAKEN`] when
    /// someone else holds the slot.
    async fn book_call(&self, booking: &NewBooking, now: i64) -> StoreResult<Booking>;
    /// The booking a private link names.
    async fn booking_by_token(&self, token_hash: &str) -> StoreResult<Booking>;
    /// Cancels a live booking (freeing its slot), drops its pending reminder, closes its inbox
    /// item and queues `notice`. `NotFound` for an unknown link; a booking already cancelled is
    /// returned as it is.
    async fn cancel_booking(
        &self,
        token_hash: &str,
        notice: &NewEmail,
        now: i64,
    ) -> StoreResult<Booking>;
    /// Moves a live booking to another slot; `Conflict` on [`SLOT_TAKEN`] when it is held.
    async fn reschedule_booking(
        &self,
        token_hash: &str,
        change: &Reschedule,
        now: i64,
    ) -> StoreResult<Booking>;
    /// Live bookings of the actor's clinic ending after `from`, soonest first (staff only;
    /// anyone else gets nothing).
    async fn clinic_bookings(&self, actor: &Actor, from: i64) -> StoreResult<Vec<Booking>>;
    /// The clinic's closed days as its admin saved them (public); `None` before they did.
    async fn clinic_holidays(&self, clinic_id: i64) -> StoreResult<Option<ClinicHolidays>>;
    /// Saves the clinic's closed days: only an admin of that clinic may (anyone else gets
    /// `NotFound`).
    async fn save_clinic_holidays(
        &self,
        actor: &Actor,
        clinic_id: i64,
        holidays: &ClinicHolidays,
        now: i64,
    ) -> StoreResult<()>;
}

pub(crate) const BOOKING_COLUMNS: &str = "id, clinic_id, clinician_id, starts_at, ends_at, name, email, phone, message, time_zone, \
     token_hash, reminder_email_id, inbox_item_id, created_at, updated_at, cancelled_at";
const HOURS_COLUMNS: &str = "clinician_id, clinic_id, availability_json, exceptions_json, minimum_notice_hours, horizon_days, updated_at, call_mode, video_link";

#[derive(sqlx::FromRow)]
pub(crate) struct BookingRow {
    id: i64,
    clinic_id: i64,
    clinician_id: i64,
    starts_at: i64,
    ends_at: i64,
    name: String,
    email: String,
    phone: String,
    message: String,
    time_zone: String,
    token_hash: String,
    reminder_email_id: Option<i64>,
    inbox_item_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    cancelled_at: Option<i64>,
}

impl From<BookingRow> for Booking {
    fn from(r: BookingRow) -> Booking {
        Booking {
            id: r.id,
            clinic_id: r.clinic_id,
            clinician_id: r.clinician_id,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            name: r.name,
            email: r.email,
            phone: r.phone,
            message: r.message,
            time_zone: r.time_zone.parse().unwrap_or_else(|_| TimeZoneName::utc()),
            token_hash: r.token_hash,
            reminder_email_id: r.reminder_email_id,
            inbox_item_id: r.inbox_item_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            cancelled_at: r.cancelled_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct HoursRow {
    clinician_id: i64,
    clinic_id: i64,
    availability_json: String,
    exceptions_json: String,
    minimum_notice_hours: i64,
    horizon_days: i64,
    updated_at: i64,
    call_mode: String,
    video_link: String,
}

impl TryFrom<HoursRow> for CallHours {
    type Error = StoreError;
    fn try_from(r: HoursRow) -> StoreResult<CallHours> {
        let corrupt = |e: serde_json::Error| StoreError::Other(format!("stored call hours: {e}"));
        Ok(CallHours {
            clinician_id: r.clinician_id,
            clinic_id: r.clinic_id,
            availability: serde_json::from_str(&r.availability_json).map_err(corrupt)?,
            exceptions: serde_json::from_str(&r.exceptions_json).map_err(corrupt)?,
            window: BookingWindow {
                minimum_notice_hours: u16::try_from(r.minimum_notice_hours).unwrap_or(u16::MAX),
                horizon_days: u16::try_from(r.horizon_days).unwrap_or(0),
            },
            call: match r.call_mode.as_str() {
                "video" => CallMode::Video(r.video_link),
                _ => CallMode::Phone,
            },
            updated_at: r.updated_at,
        })
    }
}

/// Whether `actor` may see and change `clinician`'s call hours.
fn may_manage_hours(actor: &Actor, clinician: &User) -> bool {
    clinician.role.is_staff()
        && clinician.clinic_id.is_some()
        && (actor.user_id == clinician.id
            || (actor.role == Role::Admin && actor.clinic_id == clinician.clinic_id))
}

/// Looks the clinician up, decides, and audits the access in the same transaction; returns
/// from the calling method with `NotFound` (after committing the audit) when denied.
macro_rules! require_hours_access {
    ($self:ident, $tx:ident, $actor:expr, $clinician_id:expr, $action:expr, $now:expr) => {{
        let actor: &Actor = $actor;
        let clinician_id: i64 = $clinician_id;
        let clinician = match crate::Store::user($self, clinician_id).await {
            Ok(user) => Some(user),
            Err(StoreError::NotFound) => None,
            Err(err) => return Err(err),
        };
        let allowed = clinician.filter(|c| may_manage_hours(actor, c));
        if actor.user_id != clinician_id {
            sqlx::query(
                "INSERT INTO audit_event (at, actor_user_id, subject_user_id, action, outcome, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind($now)
            .bind(actor.user_id)
            .bind(clinician_id)
            .bind($action)
            .bind(if allowed.is_some() { "allowed" } else { "denied" })
            .bind(format!("actor role {}", actor.role))
            .execute(&mut *$tx)
            .await?;
        }
        match allowed {
            Some(clinician) => clinician,
            None => {
                $tx.commit().await?;
                return Err(StoreError::NotFound);
            }
        }
    }};
}

/// Deletes a reminder that has not gone out yet (one already sent, or being sent, is kept).
macro_rules! drop_reminder {
    ($tx:ident, $reminder:expr) => {
        if let Some(id) = $reminder {
            sqlx::query("DELETE FROM outbox_email WHERE id = $1 AND status = 'pending'")
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(e.to_string()))
}

macro_rules! impl_booking {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl BookingStore for SqlStore<$db> {
            async fn open_call_hours(
                &self,
                actor: &Actor,
                clinician_id: i64,
            ) -> StoreResult<(User, Option<CallHours>)> {
                let mut tx = begin!(self, $begin_write, actor.user_id != clinician_id);
                let clinician =
                    require_hours_access!(self, tx, actor, clinician_id, "open call hours", crate::sql::now());
                let sql = format!("SELECT {HOURS_COLUMNS} FROM call_hours WHERE clinician_id = $1");
                let row: Option<HoursRow> = sqlx::query_as(&sql)
                    .bind(clinician_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok((clinician, row.map(CallHours::try_from).transpose()?))
            }

            async fn save_call_hours(
                &self,
                actor: &Actor,
                clinician_id: i64,
                hours: &SaveCallHours,
                now: i64,
            ) -> StoreResult<CallHours> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let clinician =
                    require_hours_access!(self, tx, actor, clinician_id, "save call hours", now);
                let clinic_id = clinician.clinic_id.ok_or(StoreError::NotFound)?;
                let sql = format!(
                    "INSERT INTO call_hours ({HOURS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (clinician_id) DO UPDATE SET clinic_id = excluded.clinic_id, \
                     availability_json = excluded.availability_json, exceptions_json = excluded.exceptions_json, \
                     minimum_notice_hours = excluded.minimum_notice_hours, horizon_days = excluded.horizon_days, \
                     updated_at = excluded.updated_at, call_mode = excluded.call_mode, video_link = excluded.video_link \
                     RETURNING {HOURS_COLUMNS}"
                );
                let row: HoursRow = sqlx::query_as(&sql)
                    .bind(clinician_id)
                    .bind(clinic_id)
                    .bind(to_json(&hours.availability)?)
                    .bind(to_json(&hours.exceptions)?)
                    .bind(i64::from(hours.window.minimum_notice_hours))
                    .bind(i64::from(hours.window.horizon_days))
                    .bind(now)
                    .bind(hours.call.key())
                    .bind(hours.call.link().unwrap_or(""))
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                row.try_into()
            }

            async fn clinic_call_hours(&self, clinic_id: i64) -> StoreResult<Vec<(User, CallHours)>> {
                let rows: Vec<HoursRow> = sqlx::query_as(
                    "SELECT h.clinician_id, h.clinic_id, h.availability_json, h.exceptions_json, \
                     h.minimum_notice_hours, h.horizon_days, h.updated_at, h.call_mode, h.video_link \
                     FROM call_hours h JOIN app_user u ON u.id = h.clinician_id \
                     WHERE h.clinic_id = $1 AND u.clinic_id = $1 AND u.role IN ('clinician', 'admin') \
                     ORDER BY u.display_name, u.id",
                )
                    .bind(clinic_id)
                    .fetch_all(&self.read)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let clinician = crate::Store::user(self, row.clinician_id).await?;
                    out.push((clinician, CallHours::try_from(row)?));
                }
                Ok(out)
            }

            async fn booked_starts(&self, clinician_id: i64, from: i64) -> StoreResult<Vec<i64>> {
                let rows: Vec<(i64,)> = sqlx::query_as(
                    "SELECT starts_at FROM booking WHERE clinician_id = $1 AND starts_at >= $2 \
                     AND cancelled_at IS NULL ORDER BY starts_at",
                )
                .bind(clinician_id)
                .bind(from)
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().map(|(s,)| s).collect())
            }

            async fn book_call(&self, b: &NewBooking, now: i64) -> StoreResult<Booking> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "INSERT INTO booking (clinic_id, clinician_id, starts_at, ends_at, name, email, phone, message, \
                     time_zone, token_hash, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {BOOKING_COLUMNS}"
                );
                // On PostgreSQL a failed statement spoils the transaction; returning drops it,
                // which rolls back.
                let row: BookingRow = sqlx::query_as(&sql)
                    .bind(b.clinic_id)
                    .bind(b.clinician_id)
                    .bind(b.starts_at)
                    .bind(b.ends_at)
                    .bind(&b.name)
                    .bind(b.email.as_str())
                    .bind(&b.phone)
                    .bind(&b.message)
                    .bind(b.time_zone.as_str())
                    .bind(&b.token_hash)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(slot_conflict)?;
                insert_email!(&mut *tx, &b.confirmation, now)?;
                let reminder = match &b.reminder {
                    Some(email) => Some(insert_email!(&mut *tx, email, now)?),
                    None => None,
                };
                let i = &b.inbox;
                let (inbox_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO inbox_item (clinic_id, kind, name, email, phone, message, source, stage, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                )
                .bind(i.clinic_id)
                .bind(i.kind.as_str())
                .bind(&i.name)
                .bind(&i.email)
                .bind(&i.phone)
                .bind(&i.message)
                .bind(&i.source)
                .bind(i.stage.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let sql = format!(
                    "UPDATE booking SET reminder_email_id = $1, inbox_item_id = $2 WHERE id = $3 RETURNING {BOOKING_COLUMNS}"
                );
                let row: BookingRow = sqlx::query_as(&sql)
                    .bind(reminder)
                    .bind(inbox_id)
                    .bind(row.id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(row.into())
            }

            async fn booking_by_token(&self, token_hash: &str) -> StoreResult<Booking> {
                let sql = format!("SELECT {BOOKING_COLUMNS} FROM booking WHERE token_hash = $1");
                let row: Option<BookingRow> = sqlx::query_as(&sql)
                    .bind(token_hash)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(row.ok_or(StoreError::NotFound)?.into())
            }

            async fn cancel_booking(&self, token_hash: &str, notice: &NewEmail, now: i64) -> StoreResult<Booking> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "UPDATE booking SET cancelled_at = $1, updated_at = $1 WHERE token_hash = $2 \
                     AND cancelled_at IS NULL RETURNING {BOOKING_COLUMNS}"
                );
                let row: Option<BookingRow> = sqlx::query_as(&sql)
                    .bind(now)
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    tx.commit().await?;
                    return self.booking_by_token(token_hash).await;
                };
                drop_reminder!(tx, row.reminder_email_id);
                if let Some(item) = row.inbox_item_id {
                    sqlx::query("UPDATE inbox_item SET stage = 'closed', updated_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(item)
                        .execute(&mut *tx)
                        .await?;
                }
                insert_email!(&mut *tx, notice, now)?;
                tx.commit().await?;
                Ok(row.into())
            }

            async fn reschedule_booking(&self, token_hash: &str, change: &Reschedule, now: i64) -> StoreResult<Booking> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "SELECT {BOOKING_COLUMNS} FROM booking WHERE token_hash = $1 AND cancelled_at IS NULL"
                );
                let old: Option<BookingRow> = sqlx::query_as(&sql)
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                let old = old.ok_or(StoreError::NotFound)?;
                let sql = format!(
                    "UPDATE booking SET starts_at = $1, ends_at = $2, updated_at = $3, reminder_email_id = NULL \
                     WHERE id = $4 RETURNING {BOOKING_COLUMNS}"
                );
                let row: BookingRow = sqlx::query_as(&sql)
                    .bind(change.starts_at)
                    .bind(change.ends_at)
                    .bind(now)
                    .bind(old.id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(slot_conflict)?;
                drop_reminder!(tx, old.reminder_email_id);
                insert_email!(&mut *tx, &change.confirmation, now)?;
                let reminder = match &change.reminder {
                    Some(email) => Some(insert_email!(&mut *tx, email, now)?),
                    None => None,
                };
                let sql = format!("UPDATE booking SET reminder_email_id = $1 WHERE id = $2 RETURNING {BOOKING_COLUMNS}");
                let row: BookingRow = sqlx::query_as(&sql)
                    .bind(reminder)
                    .bind(row.id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(row.into())
            }

            async fn clinic_bookings(&self, actor: &Actor, from: i64) -> StoreResult<Vec<Booking>> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else {
                    return Ok(Vec::new());
                };
                let sql = format!(
                    "SELECT {BOOKING_COLUMNS} FROM booking WHERE clinic_id = $1 AND ends_at > $2 \
                     AND cancelled_at IS NULL ORDER BY starts_at, id"
                );
                let rows: Vec<BookingRow> = sqlx::query_as(&sql)
                    .bind(clinic_id)
                    .bind(from)
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(Booking::from).collect())
            }

            async fn clinic_holidays(&self, clinic_id: i64) -> StoreResult<Option<ClinicHolidays>> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT holidays_json FROM clinic_holidays WHERE clinic_id = $1")
                        .bind(clinic_id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(json,)| {
                    serde_json::from_str(&json)
                        .map_err(|e| StoreError::Other(format!("stored holidays: {e}")))
                })
                .transpose()
            }

            async fn save_clinic_holidays(
                &self,
                actor: &Actor,
                clinic_id: i64,
                holidays: &ClinicHolidays,
                now: i64,
            ) -> StoreResult<()> {
                if actor.role != Role::Admin || actor.clinic_id != Some(clinic_id) {
                    return Err(StoreError::NotFound);
                }
                sqlx::query(
                    "INSERT INTO clinic_holidays (clinic_id, holidays_json, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (clinic_id) DO UPDATE SET \
                     holidays_json = excluded.holidays_json, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at",
                )
                .bind(clinic_id)
                .bind(to_json(holidays)?)
                .bind(actor.user_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

/// A unique violation on the slot index means someone else holds the slot.
fn slot_conflict(err: sqlx::Error) -> StoreError {
    match StoreError::from(err) {
        StoreError::Conflict { constraint } if constraint != "booking_token_hash_key" => {
            StoreError::Conflict {
                constraint: SLOT_TAKEN.to_owned(),
            }
        }
        other => other,
    }
}

impl_booking!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_booking!(sqlx::Postgres, "BEGIN");
