//! Personal access tokens for the JSON API (`0025`): made and revoked by their owner on the
//! account page, looked up by the hash of the presented token on each API request.
//!
//! Access: a person lists and revokes only their own tokens (every call names the owner and
//! the statements filter on it). A token acts as its owner: what it may read or change is
//! decided by the owner's role and clinic, as for the web pages.
//!
//! Only the SHA-256 of a token is kept. That is enough for these tokens, unlike passwords:
//! they are 256 random bits, so there is nothing to guess from a leaked hash, and a slow hash
//! (argon2) would only make every API request slower.

use crate::{SqlStore, StoreError, StoreResult};
use async_trait::async_trait;

/// Most tokens a person may hold that are not revoked (expired ones count until revoked).
pub const MAX_TOKENS_PER_USER: i64 = 20;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// Read what its owner may read.
    Read,
    /// Read and change what its owner may.
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    fn parse(raw: &str) -> Self {
        if raw == "write" {
            TokenScope::Write
        } else {
            TokenScope::Read
        }
    }
}

/// A stored token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart in a list.
    pub prefix: String,
    pub scope: TokenScope,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl ApiToken {
    /// Whether the token may be used at `now`: not revoked and not expired.
    pub fn usable_at(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

/// A token to store, its hash made by the caller.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub scope: TokenScope,
    pub expires_at: Option<i64>,
}

#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    /// Stores a token for `user_id`; refused with a `Conflict` on `api_token_limit` when the
    /// person already holds [`MAX_TOKENS_PER_USER`] tokens that are not revoked.
    async fn create_api_token(
        &self,
        user_id: i64,
        token: &NewApiToken,
        now: i64,
    ) -> StoreResult<ApiToken>;
    /// The person's tokens, newest first (revoked ones included).
    async fn api_tokens_of(&self, user_id: i64) -> StoreResult<Vec<ApiToken>>;
    /// Revokes one of the person's tokens (`NotFound` for anyone else's or an unknown one; a
    /// token revoked before keeps its first revocation time).
    async fn revoke_api_token(&self, user_id: i64, token_id: i64, now: i64) -> StoreResult<()>;
    /// The token with this hash, usable or not.
    async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    /// Notes that the token was used at `now`, when it was last noted before `stale_before`
    /// (so reading through the API writes at most once per interval).
    async fn touch_api_token(&self, token_id: i64, now: i64, stale_before: i64) -> StoreResult<()>;
}

type TokenRow = (
    i64,
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

const COLUMNS: &str =
    "id, user_id, name, prefix, scope, created_at, expires_at, last_used_at, revoked_at";

fn token(row: TokenRow) -> ApiToken {
    ApiToken {
        id: row.0,
        user_id: row.1,
        name: row.2,
        prefix: row.3,
        scope: TokenScope::parse(&row.4),
        created_at: row.5,
        expires_at: row.6,
        last_used_at: row.7,
        revoked_at: row.8,
    }
}

macro_rules! impl_api_tokens {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl ApiTokenStore for SqlStore<$db> {
            async fn create_api_token(
                &self,
                user_id: i64,
                t: &NewApiToken,
                now: i64,
            ) -> StoreResult<ApiToken> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let (held,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM api_token WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
                if held >= MAX_TOKENS_PER_USER {
                    return Err(StoreError::Conflict {
                        constraint: "api_token_limit".to_owned(),
                    });
                }
                let sql = format!(
                    "INSERT INTO api_token (user_id, name, prefix, token_hash, scope, created_at, \
                     expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
                );
                let row: TokenRow = sqlx::query_as(&sql)
                    .bind(user_id)
                    .bind(&t.name)
                    .bind(&t.prefix)
                    .bind(&t.token_hash)
                    .bind(t.scope.as_str())
                    .bind(now)
                    .bind(t.expires_at)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(token(row))
            }

            async fn api_tokens_of(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
                let sql =
                    format!("SELECT {COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY id DESC");
                let rows: Vec<TokenRow> = sqlx::query_as(&sql)
                    .bind(user_id)
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(token).collect())
            }

            async fn revoke_api_token(
                &self,
                user_id: i64,
                token_id: i64,
                now: i64,
            ) -> StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE api_token SET revoked_at = COALESCE(revoked_at, $1) \
                     WHERE id = $2 AND user_id = $3",
                )
                .bind(now)
                .bind(token_id)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
                let sql = format!("SELECT {COLUMNS} FROM api_token WHERE token_hash = $1");
                let row: Option<TokenRow> = sqlx::query_as(&sql)
                    .bind(token_hash)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(row.map(token))
            }

            async fn touch_api_token(
                &self,
                token_id: i64,
                now: i64,
                stale_before: i64,
            ) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE api_token SET last_used_at = $1 WHERE id = $2 \
                     AND (last_used_at IS NULL OR last_used_at < $3)",
                )
                .bind(now)
                .bind(token_id)
                .bind(stale_before)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

impl_api_tokens!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_api_tokens!(sqlx::Postgres, "BEGIN");
