//! Coaching-call booking: clinicians' weekly hours and exceptions, booked calls and their cancel links.
//!
//! A part of [`crate::Store`] kept in its own trait and file; implemented once for both
//! backends by the macro below, like the rest of the store.

use crate::{SqlStore, StoreResult};
use async_trait::async_trait;

/// Coaching-call booking: clinicians' weekly hours and exceptions, booked calls and their cancel links.
#[async_trait]
pub trait BookingStore: Send + Sync {
    /// Answers when this part of the store is reachable (a placeholder every part has).
    async fn booking_ready(&self) -> StoreResult<()>;
}

macro_rules! impl_booking {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl BookingStore for SqlStore<$db> {
            async fn booking_ready(&self) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query("SELECT 1").execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_booking!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_booking!(sqlx::Postgres, "BEGIN");
