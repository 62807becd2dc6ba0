//! Image attachments as the window shows them (issue 13: a patient sends a pharmacy the photo of
//! a prescription taken with a phone). Decoded here, within limits, and turned upright as the
//! camera's EXIF orientation says, so the window only draws pixels it is given.
//!
//! A photo is hostile input like any attachment: a few kilobytes can announce a picture of
//! billions of pixels. The decoder is told the largest sides and the most memory it may take
//! before it allocates anything, and refuses past them.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbaImage};

/// The longest side shown: a 200-megapixel phone sensor is 16,320 pixels wide.
pub const MAX_SIDE: u32 = 16_384;
/// The memory the decoder may take for one picture, output included (a 48-megapixel photo is
/// 192 MiB as RGBA).
pub const MAX_BYTES: u64 = 256 << 20;

/// Why a picture is not shown. The file itself is untouched: it can still be saved or opened
/// with another program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    #[error("not a picture Pli shows (JPEG, PNG, GIF, WebP, BMP or TIFF)")]
    Unsupported,
    #[error("the picture is damaged and cannot be read")]
    Damaged,
    #[error("the picture is too large to show ({width} × {height} pixels)")]
    TooLarge { width: u32, height: u32 },
}

/// A picture ready to draw: upright, RGBA, 8 bits per channel.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pixels are a patient's document: never in a log.
        f.debug_struct("Picture")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// Whether an attachment is one the window shows as a picture, by its type or its name.
pub fn is_picture(content_type: &str, file_name: Option<&str>) -> bool {
    const EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff"];
    let content_type = content_type.to_ascii_lowercase();
    if content_type.starts_with("image/") && !content_type.contains("svg") {
        return true;
    }
    file_name
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(_, extension)| {
            EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// Decodes a picture within [`MAX_SIDE`] and [`MAX_BYTES`], turned as its EXIF orientation says.
pub fn decode(bytes: &[u8]) -> Result<Picture, PictureError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PictureError::Damaged)?;
    if reader.format().is_none() {
        return Err(PictureError::Unsupported);
    }
    let mut decoder = reader.into_decoder().map_err(|error| refusal(&error))?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE || decoder.total_bytes() > MAX_BYTES {
        return Err(PictureError::TooLarge { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_BYTES);
    decoder
        .set_limits(limits)
        .map_err(|_| PictureError::TooLarge { width, height })?;
    // A photo whose EXIF cannot be read is shown as stored rather than refused.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|error| refusal(&error))?;
    picture.apply_orientation(orientation);
    let rgba = picture.into_rgba8();
    Ok(Picture {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

fn refusal(error: &image::ImageError) -> PictureError {
    match error {
        image::ImageError::Limits(_) => PictureError::TooLarge {
            width: 0,
            height: 0,
        },
        image::ImageError::Unsupported(_) => PictureError::Unsupported,
        _ => PictureError::Damaged,
    }
}

impl Picture {
    /// The picture turned a quarter clockwise, as the viewer's "pivoter" does.
    pub fn turned(&self) -> Picture {
        match RgbaImage::from_raw(self.width, self.height, self.rgba.clone()) {
            Some(pixels) => {
                let turned = image::imageops::rotate90(&pixels);
                Picture {
                    width: turned.width(),
                    height: turned.height(),
                    rgba: turned.into_raw(),
                }
            }
            // Only a picture built by hand with the wrong number of bytes: left as it is.
            None => self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageEncoder;

    /// A 4 × 2 JPEG, its left half red, with an EXIF orientation inserted after SOI.
    fn jpeg(orientation: Option<u16>) -> Vec<u8> {
        let mut pixels = RgbaImage::new(4, 2);
        for (x, _, pixel) in pixels.enumerate_pixels_mut() {
            *pixel = if x < 2 {
                image::Rgba([255, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 255, 255])
            };
        }
        let rgb = DynamicImage::ImageRgba8(pixels).into_rgb8();
        let mut encoded = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 95)
            .write_image(&rgb, 4, 2, image::ExtendedColorType::Rgb8)
            .expect("encoded");
        let Some(orientation) = orientation else {
            return encoded;
        };
        // Exif\0\0, then a little-endian TIFF with one IFD entry: Orientation (0x0112), SHORT.
        let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
        exif.extend_from_slice(&orientation.to_le_bytes());
        exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(&exif);
        let mut with_exif = encoded[..2].to_vec();
        with_exif.extend_from_slice(&segment);
        with_exif.extend_from_slice(&encoded[2..]);
        with_exif
    }

    fn red_at(picture: &Picture, x: u32, y: u32) -> bool {
        let at = ((y * picture.width + x) * 4) as usize;
        picture.rgba[at] > 200 && picture.rgba[at + 2] < 80
    }

    #[test]
    fn a_photo_is_turned_upright_as_its_exif_says() {
        let plain = decode(&jpeg(None)).expect("a JPEG");
        assert_eq!((plain.width, plain.height), (4, 2));
        assert!(red_at(&plain, 0, 0) && !red_at(&plain, 3, 0));
        // 6: the camera was turned a quarter; the picture must turn a quarter clockwise.
        let turned = decode(&jpeg(Some(6))).expect("a JPEG with EXIF");
        assert_eq!((turned.width, turned.height), (2, 4), "upright: portrait");
        assert!(red_at(&turned, 0, 0) && red_at(&turned, 1, 0));
        assert!(!red_at(&turned, 0, 3), "the red half is now on top");
        assert_eq!(plain.turned().width, 2, "pivoter turns it too");
    }

    #[test]
    fn a_picture_announcing_billions_of_pixels_is_refused_before_anything_is_allocated() {
        // A GIF's screen and image may each say 65,535 × 65,535 in ten bytes.
        let mut gif = b"GIF89a\xff\xff\xff\xff\x00\x00\x00".to_vec();
        gif.extend_from_slice(b",\0\0\0\0\xff\xff\xff\xff\x00\x02\x02\x44\x01\x00;");
        let started = std::time::Instant::now();
        assert_eq!(
            decode(&gif),
            Err(PictureError::TooLarge {
                width: 65_535,
                height: 65_535
            })
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn a_broken_or_unknown_file_is_refused_with_its_reason() {
        let whole = jpeg(None);
        assert_eq!(
            decode(&whole[..whole.len() / 3]),
            Err(PictureError::Damaged)
        );
        assert_eq!(
            decode(b"%PDF-1.4 not a picture"),
            Err(PictureError::Unsupported)
        );
        assert_eq!(decode(b""), Err(PictureError::Unsupported));
    }

    #[test]
    fn pictures_are_known_by_type_or_name() {
        assert!(is_picture("image/jpeg", None));
        assert!(is_picture(
            "application/octet-stream",
            Some("ordonnance.JPG")
        ));
        assert!(!is_picture("image/svg+xml", Some("logo.svg")));
        assert!(!is_picture("application/pdf", Some("ordonnance.pdf")));
    }
}
