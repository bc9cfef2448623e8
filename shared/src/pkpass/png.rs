//! Minimal PNG writing, for the icon a template gets when it brings none (and tests).

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// A solid-color RGB PNG.
pub fn solid_png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let row: Vec<u8> = std::iter::once(0).chain((0..width).flat_map(|_| rgb)).collect();
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    for _ in 0..height {
        // Writing to a Vec cannot fail.
        let _ = z.write_all(&row);
    }
    let idat = z.finish().unwrap_or_default();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_from_chunks(&[(b"IHDR", &ihdr), (b"IDAT", &idat), (b"IEND", &[])])
}

/// A PNG file of these chunks (type and data), each with its length and CRC.
pub fn png_from_chunks(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut png = super::files::PNG_SIGNATURE.to_vec();
    for (kind, data) in chunks {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(&kind[..]);
        png.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(&kind[..]);
        crc.update(data);
        png.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    png
}
