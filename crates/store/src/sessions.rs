//! Web sessions kept in the same database as everything else, so several web instances behind a
//! load balancer share them. Delegates to tower-sessions' SQLx stores: loading a session reads
//! on the store's reader pool, saving and deleting write on its writer.

use async_trait::async_trait;
use sqlx::{PgPool, SqlitePool};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of whichever backend the app runs on: its writer pool, then its reader
/// pool (the same pool on PostgreSQL).
#[derive(Debug, Clone)]
pub enum SessionBackend {
    Sqlite(SqlitePool, SqlitePool),
    Postgres(PgPool, PgPool),
}

/// A ready-to-use session store: the store that writes, and the one that loads.
#[derive(Debug, Clone)]
pub enum Sessions {
    Sqlite {
        write: SqliteStore,
        read: SqliteStore,
    },
    Postgres {
        write: PostgresStore,
        read: PostgresStore,
    },
}

impl SessionBackend {
    pub fn store(&self) -> Sessions {
        match self {
            SessionBackend::Sqlite(write, read) => Sessions::Sqlite {
                write: SqliteStore::new(write.clone()),
                read: SqliteStore::new(read.clone()),
            },
            SessionBackend::Postgres(write, read) => Sessions::Postgres {
                write: PostgresStore::new(write.clone()),
                read: PostgresStore::new(read.clone()),
            },
        }
    }

    /// Deletes the sessions that expired before `at` (Unix seconds); returns how many.
    pub(crate) async fn delete_expired_before(&self, at: i64) -> crate::StoreResult<u64> {
        // The tables are tower-sessions' own: `expiry_date` is a timestamp on PostgreSQL and
        // an RFC 3339 text on SQLite (its `delete_expired` compares it with `datetime` too).
        let done = match self {
            SessionBackend::Sqlite(pool, _) => {
                sqlx::query(
                    "DELETE FROM tower_sessions WHERE datetime(expiry_date) < datetime($1, 'unixepoch')",
                )
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
            }
            SessionBackend::Postgres(pool, _) => {
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
            Sessions::Sqlite { write, .. } => write.migrate().await?,
            Sessions::Postgres { write, .. } => write.migrate().await?,
        }
        Ok(())
    }
}

macro_rules! delegate {
    ($self:ident, $which:ident, $s:ident => $call:expr) => {
        match $self {
            Sessions::Sqlite { $which: $s, .. } => $call,
            Sessions::Postgres { $which: $s, .. } => $call,
        }
    };
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        delegate!(self, write, s => s.create(record).await)
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        delegate!(self, write, s => s.save(record).await)
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        delegate!(self, read, s => s.load(id).await)
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        delegate!(self, write, s => s.delete(id).await)
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        delegate!(self, write, s => s.delete_expired().await)
    }
}
