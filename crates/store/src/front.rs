//! The clinic's front door: public branding, free-guide leads (with consent and unsubscribe), and articles.
//!
//! A part of [`crate::Store`] kept in its own trait and file; implemented once for both
//! backends by the macro below, like the rest of the store.

use crate::{SqlStore, StoreResult};
use async_trait::async_trait;

/// The clinic's front door: public branding, free-guide leads (with consent and unsubscribe), and articles.
#[async_trait]
pub trait FrontStore: Send + Sync {
    /// Answers when this part of the store is reachable (a placeholder every part has).
    async fn front_ready(&self) -> StoreResult<()>;
}

macro_rules! impl_front {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl FrontStore for SqlStore<$db> {
            async fn front_ready(&self) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query("SELECT 1").execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_front!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_front!(sqlx::Postgres, "BEGIN");
