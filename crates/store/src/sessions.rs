//! Web sessions kept in the same database as everything else, so several web instances behind a
//! load balancer share them. Delegates to tower-sessions' SQLx stores.

use async_trait::async_trait;
use sqlx::{PgPool, SqlitePool};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of whichever backend the app runs on.
#[derive(Debug, Clone)]
pub enum SessionBackend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A ready-to-use session store.
#[derive(Debug, Clone)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionBackend {
    pub fn store(&self) -> Sessions {
        match self {
            SessionBackend::Sqlite(pool) => Sessions::Sqlite(SqliteStore::new(pool.clone())),
            SessionBackend::Postgres(pool) => Sessions::Postgres(PostgresStore::new(pool.clone())),
        }
    }

    /// Deletes the sessions that expired before `at` (Unix seconds); returns how many.
    pub(crate) async fn delete_expired_before(&self, at: i64) -> crate::StoreResult<u64> {
        // The tables are tower-sessions' own: `expiry_date` is a timestamp on PostgreSQL and
        // an RFC 3339 text on SQLite (its `delete_expired` compares it with `datetime` too).
        let done = match self {
            SessionBackend::Sqlite(pool) => {
                sqlx::query(
                    "DELETE FROM tower_sessions WHERE datetime(expiry_date) < datetime($1, 'unixepoch')",
                )
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
            }
            SessionBackend::Postgres(pool) => {
                sqlx::query(
                    "DELETE FROM \"tower_sessions\".\"session\" \
                     WHERE expiry_date < to_timestamp(CAST($1 AS DOUBLE PRECISION))",
                )
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
            }
        };
        Ok(done)
    }

    pub(crate) async fn migrate(&self) -> crate::StoreResult<()> {
        match self.store() {
            Sessions::Sqlite(s) => s.migrate().await?,
            Sessions::Postgres(s) => s.migrate().await?,
        }
        Ok(())
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Sessions::Sqlite($s) => $call,
            Sessions::Postgres($s) => $call,
        }
    };
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        delegate!(self, s => s.create(record).await)
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        delegate!(self, s => s.save(record).await)
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        delegate!(self, s => s.load(id).await)
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        delegate!(self, s => s.delete(id).await)
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        delegate!(self, s => s.delete_expired().await)
    }
}
