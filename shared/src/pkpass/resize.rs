//! Images given as PNG or JPEG (PassEntry's template overrides), decoded, made Wallet's size
//! at @1x, @2x and @3x, and written as PNG: strips filled and cropped to their exact size,
//! logos and thumbnails fitted inside theirs.

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat};

use crate::model::PassStyle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletImage {
    /// The banner across the pass: Wallet's strip image.
    Strip,
    Logo,
    Thumbnail,
}

impl WalletImage {
    /// The header its files are kept under (`strip_image`, `strip_image_2x`, …).
    pub fn header(self) -> &'static str {
        match self {
            WalletImage::Strip => "strip_image",
            WalletImage::Logo => "logo_image",
            WalletImage::Thumbnail => "thumbnail_image",
        }
    }

    /// Its size in points on a pass of this style, and whether it must fill that size
    /// exactly; `None` where the style shows no such image.
    pub fn size(self, style: PassStyle) -> Option<(u32, u32, bool)> {
        match (self, style) {
            (WalletImage::Logo, _) => Some((160, 50, false)),
            (WalletImage::Strip, PassStyle::EventTicket) => Some((375, 98, true)),
            (WalletImage::Strip, PassStyle::Coupon | PassStyle::StoreCard) => Some((375, 144, true)),
            (WalletImage::Thumbnail, PassStyle::Generic | PassStyle::EventTicket) => Some((90, 90, false)),
            _ => None,
        }
    }
}

/// Decodes a PNG or JPEG (by its bytes, whatever its name says).
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let format = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg)) => format,
        Ok(other) => return Err(format!("is a {other:?} image; PNG, JPEG or JPG only")),
        Err(_) => return Err("is not a PNG or JPEG image".into()),
    };
    image::load_from_memory_with_format(bytes, format).map_err(|e| format!("could not be decoded: {e}"))
}

fn png(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).map_err(|e| format!("could not be written as PNG: {e}"))?;
    Ok(out.into_inner())
}

/// The image as Wallet's files for a pass of `style`: header → PNG, at @1x, @2x and @3x.
pub fn wallet_files(bytes: &[u8], kind: WalletImage, style: PassStyle) -> Result<Vec<(String, Vec<u8>)>, String> {
    let (width, height, fill) = kind.size(style).ok_or_else(|| format!("is not shown on {} passes", style.key()))?;
    let source = decode(bytes)?;
    let mut files = Vec::with_capacity(3);
    for (scale, suffix) in [(1, ""), (2, "_2x"), (3, "_3x")] {
        let (w, h) = (width * scale, height * scale);
        let sized = if fill {
            source.resize_to_fill(w, h, FilterType::CatmullRom)
        } else {
            source.resize(w, h, FilterType::CatmullRom)
        };
        files.push((format!("{}{suffix}", kind.header()), png(&sized)?));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use image::{DynamicImage, ImageFormat, RgbImage};

    use super::{WalletImage, wallet_files};
    use crate::model::PassStyle;

    fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30])));
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn dimensions(png: &[u8]) -> (u32, u32) {
        let image = image::load_from_memory_with_format(png, ImageFormat::Png).unwrap();
        (image.width(), image.height())
    }

    #[test]
    fn jpeg_banners_become_png_strips_of_the_exact_size() {
        let files =
            wallet_files(&encoded(ImageFormat::Jpeg, 1000, 600), WalletImage::Strip, PassStyle::EventTicket).unwrap();
        let sizes: Vec<(String, (u32, u32))> = files.iter().map(|(h, png)| (h.clone(), dimensions(png))).collect();
        assert_eq!(
            sizes,
            [
                ("strip_image".to_string(), (375, 98)),
                ("strip_image_2x".to_string(), (750, 196)),
                ("strip_image_3x".to_string(), (1125, 294))
            ]
        );
    }

    #[test]
    fn logos_fit_inside_their_box_and_other_formats_are_refused() {
        let files = wallet_files(&encoded(ImageFormat::Png, 400, 400), WalletImage::Logo, PassStyle::Generic).unwrap();
        assert_eq!(dimensions(&files[0].1), (50, 50), "square logos keep their shape");
        let tiff = [b"II*\0".as_slice(), &[0; 60]].concat();
        assert!(wallet_files(&tiff, WalletImage::Logo, PassStyle::Generic).unwrap_err().contains("Tiff"));
        let banner = wallet_files(&encoded(ImageFormat::Png, 10, 10), WalletImage::Strip, PassStyle::Generic);
        assert!(banner.unwrap_err().contains("generic"));
    }
}
