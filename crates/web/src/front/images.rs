//! Images for articles: the clinic's staff upload them, each is checked by what it contains
//! (not by its name or declared type), bounded in size, decoded and re-encoded — so whatever
//! metadata it carried (camera, place, time) is gone — and kept with the clinic. The public gets
//! them from `/clinics/{id}/images/{key}` with their type and a year's cache lifetime (a key
//! never changes its image).
//!
//! The editor's toolbar uploads with `fetch` and puts `![description](address)` where the
//! cursor was, so the article's unsaved text stays on the page; without scripts, the clinic's
//! image page (`/clinic/articles/images`) takes the upload and shows the line to copy.

use super::articles::staff;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, problem};
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, Path};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backstride_store::{ArticleImage, NewArticleImage, StoreError};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The largest image accepted (our choice: a phone photo fits; the page stays light).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// The upload route's body limit: room for a far larger file, so one that is too big reaches
/// the handler and gets a message beside its field instead of the 413 page.
pub const UPLOAD_BODY_LIMIT_BYTES: usize = 32 * 1024 * 1024;
/// Images wider or taller than this are scaled down to it (our choice: sharp on a wide
/// screen, quick on a phone).
const MAX_EDGE_PX: u32 = 2000;
/// Decoding limits, against images whose header promises a huge canvas (our choice).
const MAX_DECODED_EDGE_PX: u32 = 12_000;
const MAX_DECODE_ALLOC_BYTES: u64 = 256 * 1024 * 1024;
/// JPEG quality when re-encoding a photo (our choice: no visible loss, about a third the size).
const JPEG_QUALITY: u8 = 85;
/// The longest image description.
pub const MAX_ALT_CHARS: usize = 300;
/// Images listed on the clinic's image page.
const LISTED: i64 = 60;

/// Why an upload was refused, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageProblem {
    #[error(
        "That file is {0}: images can be up to {max}. Make it smaller (or export it at a lower size) and try again.",
        max = size_words(MAX_IMAGE_BYTES)
    )]
    TooLarge(String),
    #[error(
        "That file is not an image we can use. Upload a photo or picture as JPEG, PNG, WebP or GIF."
    )]
    NotAnImage,
    #[error("That image could not be read: it may be damaged or cut short. Try saving it again.")]
    Damaged,
    #[error("Choose an image to upload.")]
    Missing,
    #[error("The upload was cut short. Try again.")]
    CutShort,
}

/// What a multipart error means for the person uploading.
fn upload_problem(e: &axum::extract::multipart::MultipartError) -> ImageProblem {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ImageProblem::TooLarge(format!(
            "larger than {}",
            size_words(UPLOAD_BODY_LIMIT_BYTES)
        ))
    } else {
        ImageProblem::CutShort
    }
}

/// A checked image, re-encoded without its metadata.
#[derive(Debug, Clone)]
pub struct PreparedImage {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// "5.2 MB", "640 KB": a size as people read it.
pub fn size_words(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 1.0 {
        // "5 MB" rather than "5.0 MB".
        format!("{mb:.1} MB").replace(".0 MB", " MB")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Checks an upload by its content and re-encodes it: a photo (JPEG) stays a JPEG, anything
/// else (PNG, WebP, GIF — its first frame) becomes a PNG. The image is turned the way its
/// camera meant (EXIF orientation) before the metadata goes, and scaled down past
/// [`MAX_EDGE_PX`]. CPU-bound: call it off the async threads.
pub fn prepare(bytes: &[u8]) -> Result<PreparedImage, ImageProblem> {
    if bytes.is_empty() {
        return Err(ImageProblem::Missing);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageProblem::TooLarge(size_words(bytes.len())));
    }
    // The magic bytes decide, not the file's name or the type the browser declared.
    let format = image::guess_format(bytes).map_err(|_| ImageProblem::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(ImageProblem::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_EDGE_PX);
    limits.max_image_height = Some(MAX_DECODED_EDGE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| ImageProblem::Damaged)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| ImageProblem::Damaged)?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_EDGE_PX || picture.height() > MAX_EDGE_PX {
        picture = picture.resize(
            MAX_EDGE_PX,
            MAX_EDGE_PX,
            image::imageops::FilterType::Triangle,
        );
    }
    let mut out = Vec::new();
    let (content_type, extension) = if format == ImageFormat::Jpeg {
        DynamicImage::ImageRgb8(picture.to_rgb8())
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out,
                JPEG_QUALITY,
            ))
            .map_err(|_| ImageProblem::Damaged)?;
        ("image/jpeg", "jpg")
    } else {
        DynamicImage::ImageRgba8(picture.to_rgba8())
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
            .map_err(|_| ImageProblem::Damaged)?;
        ("image/png", "png")
    };
    Ok(PreparedImage {
        bytes: out,
        content_type,
        extension,
        width: picture.width(),
        height: picture.height(),
    })
}

/// An image as the clinic's image page lists it.
pub struct ImageLine {
    pub url: String,
    pub alt: String,
    pub markdown: String,
    pub size: String,
}

fn image_url(clinic_id: i64, key: &str) -> String {
    format!("/clinics/{clinic_id}/images/{key}")
}

/// The Markdown line that shows an image in an article. Brackets in the description would end
/// its text early, so they become parentheses.
pub fn markdown_line(alt: &str, url: &str) -> String {
    let alt: String = alt
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c => c,
        })
        .collect();
    format!("![{alt}]({url})")
}

fn line(image: &ArticleImage) -> ImageLine {
    let url = image_url(image.clinic_id, &image.key);
    ImageLine {
        markdown: markdown_line(&image.alt, &url),
        alt: image.alt.clone(),
        size: format!(
            "{} × {} px, {}",
            image.width,
            image.height,
            size_words(usize::try_from(image.size_bytes).unwrap_or(0))
        ),
        url,
    }
}

#[derive(Template)]
#[template(path = "front_images.html")]
struct ImagesPage {
    page: Page,
    form: FormState,
    images: Vec<ImageLine>,
}

async fn images_page(ctx: &Ctx, form: FormState) -> AppResult<Response> {
    let images = ctx
        .state
        .store
        .article_images(&ctx.actor()?, LISTED)
        .await?
        .iter()
        .map(line)
        .collect();
    render_status(
        form.status(),
        ImagesPage {
            page: ctx.page("Images for articles").await?,
            form,
            images,
        },
    )
}

/// `GET /clinic/articles/images`: the clinic's images, each with its line to copy into an
/// article, and the upload form.
pub async fn library(ctx: Ctx) -> AppResult<Response> {
    staff(&ctx)?;
    images_page(&ctx, FormState::default()).await
}

/// What an upload form sent: the file's bytes (up to one byte past the limit) and its size,
/// and the description.
#[derive(Default)]
struct Sent {
    bytes: Vec<u8>,
    size: usize,
    alt: String,
}

/// Reads a file field in chunks, keeping no more than one byte past [`MAX_IMAGE_BYTES`] (the
/// rest is read and counted, so the size can be told, but not kept).
async fn read_file(field: &mut Field<'_>, sent: &mut Sent) -> Result<(), ImageProblem> {
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                sent.size += chunk.len();
                let room = (MAX_IMAGE_BYTES + 1).saturating_sub(sent.bytes.len());
                sent.bytes
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) => return Ok(()),
            Err(e) => return Err(upload_problem(&e)),
        }
    }
}

async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> Result<Sent, ImageProblem> {
    let mut multipart = multipart.map_err(|_| ImageProblem::Missing)?;
    let mut sent = Sent::default();
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => match field.name().map(str::to_owned).as_deref() {
                Some("image") => read_file(&mut field, &mut sent).await?,
                Some("alt") => {
                    sent.alt = field.text().await.unwrap_or_default();
                }
                _ => {}
            },
            Ok(None) => return Ok(sent),
            Err(e) => return Err(upload_problem(&e)),
        }
    }
}

/// Whether the request came from the editor's script, which wants JSON back.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

/// Refuses an upload: a problem body for the editor's script, else the image page with the
/// message beside `field`.
async fn refuse(
    ctx: &Ctx,
    json: bool,
    mut form: FormState,
    field: &str,
    message: String,
) -> AppResult<Response> {
    if json {
        return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, &message));
    }
    form.set_error(field, message);
    images_page(ctx, form).await
}

/// `POST /clinic/articles/images` (multipart: `image`, `alt`): checks, re-encodes and stores
/// the image for the clinic. The editor's script gets `{url, markdown}` or a problem body; a
/// form gets the image page, with a message beside the field and the description kept.
pub async fn upload(
    ctx: Ctx,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    staff(&ctx)?;
    let json = wants_json(&headers);
    let sent = read_form(multipart).await;
    let alt = sent
        .as_ref()
        .map(|s| s.alt.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let form = FormState::default().with_value("alt", &alt);
    let sent = match sent {
        Ok(s) if s.size > MAX_IMAGE_BYTES => {
            let message = ImageProblem::TooLarge(size_words(s.size)).to_string();
            return refuse(&ctx, json, form, "image", message).await;
        }
        Ok(s) => s,
        Err(e) => return refuse(&ctx, json, form, "image", e.to_string()).await,
    };
    if alt.is_empty() {
        let message = "Describe the image in a few words, for people who can't see it (e.g. “Runner doing a couch stretch against a sofa”).";
        return refuse(&ctx, json, form, "alt", message.to_owned()).await;
    }
    if alt.chars().count() > MAX_ALT_CHARS {
        let message = format!("Keep the description to {MAX_ALT_CHARS} characters or fewer.");
        return refuse(&ctx, json, form, "alt", message).await;
    }
    let bytes = sent.bytes;
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|e| AppError::Internal(format!("preparing an image: {e}")))?;
    let prepared = match prepared {
        Ok(p) => p,
        Err(e) => return refuse(&ctx, json, form, "image", e.to_string()).await,
    };
    let actor = ctx.actor()?;
    let key = format!(
        "{}.{}",
        crate::security::random_token(18),
        prepared.extension
    );
    let stored = ctx
        .state
        .store
        .add_article_image(
            &actor,
            &NewArticleImage {
                key,
                content_type: prepared.content_type.to_owned(),
                width: prepared.width,
                height: prepared.height,
                alt: alt.clone(),
                bytes: prepared.bytes,
            },
            ctx.state.clock.unix(),
        )
        .await;
    let image = match stored {
        Ok(image) => image,
        Err(StoreError::Conflict { .. }) => {
            let message = format!(
                "Your clinic already keeps {} images, the most it may. Ask us to remove old ones first.",
                backstride_store::MAX_IMAGES_PER_CLINIC
            );
            return refuse(&ctx, json, form, "image", message).await;
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(image = image.id, "article image uploaded");
    let shown = line(&image);
    if json {
        let body = serde_json::json!({ "url": shown.url, "markdown": shown.markdown });
        return Ok((
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response());
    }
    ctx.flash(
        "success",
        format!(
            "Image uploaded. To show it in an article, copy this line into it: {}",
            shown.markdown
        ),
    )
    .await?;
    Ok(Redirect::to("/clinic/articles/images").into_response())
}

/// A key as we make them: base64url letters and one extension.
fn is_key(key: &str) -> bool {
    key.len() <= 64
        && key.split_once('.').is_some_and(|(name, ext)| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && matches!(ext, "jpg" | "png")
        })
}

/// `GET /clinics/{id}/images/{key}`: an image of the clinic, with its type, kept by browsers
/// and caches for a year (a key never changes its image).
pub async fn serve(ctx: Ctx, Path((clinic_id, key)): Path<(i64, String)>) -> AppResult<Response> {
    if !is_key(&key) {
        return Err(AppError::NotFound);
    }
    let file = match ctx.state.store.article_image_file(clinic_id, &key).await {
        Ok(f) => f,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let content_type =
        HeaderValue::from_str(&file.content_type).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with_text() -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, 4, 3);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder
                .add_text_chunk("Author".to_owned(), "secret-author-name".to_owned())
                .unwrap();
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&[200u8; 4 * 3 * 3]).unwrap();
        }
        out
    }

    #[test]
    fn a_png_is_re_encoded_without_its_text_chunks() {
        let original = png_with_text();
        assert!(contains(&original, b"secret-author-name"));
        let prepared = prepare(&original).unwrap();
        assert_eq!(prepared.content_type, "image/png");
        assert_eq!((prepared.width, prepared.height), (4, 3));
        assert!(!contains(&prepared.bytes, b"secret-author-name"));
    }

    #[test]
    fn a_jpeg_loses_its_exif_block() {
        let mut jpeg = Vec::new();
        DynamicImage::new_rgb8(8, 8)
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg))
            .unwrap();
        // An APP1 Exif segment right after the start-of-image marker, as cameras write it.
        let payload = b"Exif\0\0II*\0GPS-secret-place";
        let len = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
        let mut with_exif = jpeg[..2].to_vec();
        with_exif.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&jpeg[2..]);
        let prepared = prepare(&with_exif).unwrap();
        assert_eq!(prepared.content_type, "image/jpeg");
        assert!(!contains(&prepared.bytes, b"GPS-secret-place"));
        assert!(!contains(&prepared.bytes, b"Exif"));
    }

    #[test]
    fn text_and_oversized_files_are_refused_with_a_reason() {
        assert_eq!(
            prepare(b"GIF? no: plain text pretending").unwrap_err(),
            ImageProblem::NotAnImage
        );
        assert_eq!(
            prepare(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err(),
            ImageProblem::NotAnImage
        );
        // The right magic bytes, then nothing an image decoder can read.
        let mut cut = png_with_text();
        cut.truncate(40);
        assert_eq!(prepare(&cut).unwrap_err(), ImageProblem::Damaged);
        let big = vec![0u8; 20 * 1024 * 1024];
        let refused = prepare(&big).unwrap_err();
        assert_eq!(refused, ImageProblem::TooLarge("20 MB".to_owned()));
        assert!(refused.to_string().contains("up to 5 MB"));
    }

    #[test]
    fn large_pictures_are_scaled_down() {
        let mut png = Vec::new();
        DynamicImage::new_rgb8(4000, 1000)
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut png))
            .unwrap();
        let prepared = prepare(&png).unwrap();
        assert_eq!((prepared.width, prepared.height), (2000, 500));
    }

    #[test]
    fn keys_and_markdown_lines() {
        assert!(is_key("abcDEF-_12.jpg"));
        assert!(!is_key("../x.jpg"));
        assert!(!is_key("abc.svg"));
        assert_eq!(
            markdown_line("A [bad] alt", "/clinics/1/images/k.png"),
            "![A (bad) alt](/clinics/1/images/k.png)"
        );
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
}
