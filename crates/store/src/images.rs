//! Images staff upload for their clinic's articles: stored per clinic, already checked and
//! re-encoded by the web tier (which strips their metadata), served from the app's own path.
//!
//! A part of [`crate::Store`] kept in its own trait and file, implemented once for both
//! backends by the macro below. Uploading and listing take the acting user (staff of the
//! clinic only; anyone else gets `NotFound`); reading one image by its unguessable key is a
//! public action, as the article pages that show it are.

use crate::{Actor, SqlStore, StoreError, StoreResult};
use async_trait::async_trait;

/// The most images one clinic keeps (our choice: a few years of articles; a bound on storage).
pub const MAX_IMAGES_PER_CLINIC: i64 = 500;

/// An image to store: checked, re-encoded bytes with their type and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticleImage {
    /// The last part of the public address, e.g. `3f9c…e1.jpg` (random, so unguessable).
    pub key: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    /// The description for people who can't see the image.
    pub alt: String,
    pub bytes: Vec<u8>,
}

/// An image of the clinic as a list shows it (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleImage {
    pub id: i64,
    pub clinic_id: i64,
    pub key: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub size_bytes: i64,
    pub created_by: i64,
    pub created_at: i64,
}

/// The bytes of an image to serve, with their type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait ArticleImageStore: Send + Sync {
    /// Stores an image for the actor's clinic (staff only). A clinic already holding
    /// [`MAX_IMAGES_PER_CLINIC`] images gets a `Conflict` on `article_image_limit`.
    async fn add_article_image(
        &self,
        actor: &Actor,
        image: &NewArticleImage,
        now: i64,
    ) -> StoreResult<ArticleImage>;
    /// The actor's clinic's images, newest first, at most `limit` (staff only; empty otherwise).
    async fn article_images(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<ArticleImage>>;
    /// One image of a clinic by its key, to serve (`NotFound` when it is not that clinic's).
    async fn article_image_file(&self, clinic_id: i64, key: &str) -> StoreResult<ImageFile>;
}

fn staff_clinic(actor: &Actor) -> Option<i64> {
    actor.clinic_id.filter(|_| actor.role.is_staff())
}

/// The columns of [`ImageRow`]; `{size}` stands for the backend's byte length of `bytes`.
const IMAGE_COLUMNS: &str = "id, clinic_id, image_key, content_type, width, height, alt, \
     {size} AS size_bytes, created_by, created_at";

#[derive(sqlx::FromRow)]
struct ImageRow {
    id: i64,
    clinic_id: i64,
    image_key: String,
    content_type: String,
    width: i64,
    height: i64,
    alt: String,
    size_bytes: i64,
    created_by: i64,
    created_at: i64,
}

impl From<ImageRow> for ArticleImage {
    fn from(r: ImageRow) -> Self {
        ArticleImage {
            id: r.id,
            clinic_id: r.clinic_id,
            key: r.image_key,
            content_type: r.content_type,
            width: u32::try_from(r.width).unwrap_or(0),
            height: u32::try_from(r.height).unwrap_or(0),
            alt: r.alt,
            size_bytes: r.size_bytes,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

macro_rules! impl_images {
    ($db:ty, $begin_write:literal, $size:literal) => {
        #[async_trait]
        impl ArticleImageStore for SqlStore<$db> {
            async fn add_article_image(
                &self,
                actor: &Actor,
                image: &NewArticleImage,
                now: i64,
            ) -> StoreResult<ArticleImage> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Err(StoreError::NotFound);
                };
                let mut tx = self.pool.begin_with($begin_write).await?;
                let (held,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM article_image WHERE clinic_id = $1")
                        .bind(clinic_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if held >= MAX_IMAGES_PER_CLINIC {
                    return Err(StoreError::Conflict {
                        constraint: "article_image_limit".to_owned(),
                    });
                }
                let sql = format!(
                    "INSERT INTO article_image (clinic_id, image_key, content_type, width, height, alt, \
                     bytes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     RETURNING {}",
                    IMAGE_COLUMNS.replace("{size}", $size)
                );
                let row: ImageRow = sqlx::query_as(&sql)
                    .bind(clinic_id)
                    .bind(&image.key)
                    .bind(&image.content_type)
                    .bind(i64::from(image.width))
                    .bind(i64::from(image.height))
                    .bind(&image.alt)
                    .bind(&image.bytes)
                    .bind(actor.user_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(row.into())
            }

            async fn article_images(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<ArticleImage>> {
                let Some(clinic_id) = staff_clinic(actor) else {
                    return Ok(Vec::new());
                };
                let sql = format!(
                    "SELECT {} FROM article_image WHERE clinic_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                    IMAGE_COLUMNS.replace("{size}", $size)
                );
                let rows: Vec<ImageRow> = sqlx::query_as(&sql)
                    .bind(clinic_id)
                    .bind(limit.clamp(0, MAX_IMAGES_PER_CLINIC))
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(ArticleImage::from).collect())
            }

            async fn article_image_file(&self, clinic_id: i64, key: &str) -> StoreResult<ImageFile> {
                let row: Option<(String, Vec<u8>)> = sqlx::query_as(
                    "SELECT content_type, bytes FROM article_image WHERE clinic_id = $1 AND image_key = $2",
                )
                .bind(clinic_id)
                .bind(key)
                .fetch_optional(&self.read)
                .await?;
                row.map(|(content_type, bytes)| ImageFile { content_type, bytes })
                    .ok_or(StoreError::NotFound)
            }
        }
    };
}

// PostgreSQL's OCTET_LENGTH is an INTEGER: cast to BIGINT, as SQLite's LENGTH of a BLOB is.
impl_images!(sqlx::Sqlite, "BEGIN IMMEDIATE", "LENGTH(bytes)");
impl_images!(
    sqlx::Postgres,
    "BEGIN",
    "CAST(OCTET_LENGTH(bytes) AS BIGINT)"
);
