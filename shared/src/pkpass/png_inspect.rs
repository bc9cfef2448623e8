//! Reads a PNG the way a decoder would before Wallet gets it: every chunk whole and its CRC
//! right, a header Wallet can draw (sane size, a valid bit depth and colour type), and image
//! data that inflates to exactly the rows the header promises, each row with a known filter.
//! A file that passes the signature check but is cut short, damaged or absurdly large is
//! refused here instead of showing up as a blank image on a phone.

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::files::PNG_SIGNATURE;

/// Larger than any image Wallet draws (its largest are about 1,200 pixels on a side at @3x).
pub const MAX_SIDE: u32 = 4096;

/// What the header says, once the whole file checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PngInfo {
    pub width: u32,
    pub height: u32,
}

struct Header {
    width: u32,
    height: u32,
    bits_per_pixel: u64,
    interlaced: bool,
    indexed: bool,
}

/// The image's size, or why a decoder would refuse it (a reason to show after its path).
pub fn inspect_png(bytes: &[u8]) -> Result<PngInfo, String> {
    let rest = bytes.strip_prefix(&PNG_SIGNATURE[..]).ok_or("is not a PNG image (wrong file signature)")?;
    let chunks = chunks(rest)?;
    let (first, data) = chunks.first().ok_or("is truncated (no chunks after the signature)")?;
    if first != b"IHDR" {
        return Err("is damaged: its first chunk is not IHDR".into());
    }
    let header = header(data)?;
    if !chunks.iter().any(|(kind, _)| kind == b"IEND") {
        return Err("is truncated (no IEND chunk)".into());
    }
    if header.indexed && !chunks.iter().any(|(kind, _)| kind == b"PLTE") {
        return Err("is damaged: an indexed-colour image without a palette (PLTE)".into());
    }
    let mut image_data = Vec::new();
    let mut idat_runs = 0;
    let mut previous_was_idat = false;
    for (kind, data) in &chunks {
        let is_idat = kind == b"IDAT";
        if is_idat {
            idat_runs += usize::from(!previous_was_idat);
            image_data.extend_from_slice(data);
        }
        previous_was_idat = is_idat;
    }
    match idat_runs {
        0 => return Err("is damaged: it has no image data (IDAT)".into()),
        1 => {}
        _ => return Err("is damaged: its image data chunks (IDAT) are not consecutive".into()),
    }
    check_image_data(&image_data, &header)?;
    Ok(PngInfo { width: header.width, height: header.height })
}

/// A chunk's type and data.
type Chunk<'a> = ([u8; 4], &'a [u8]);

/// The chunks up to IEND, each with its CRC checked.
fn chunks(mut rest: &[u8]) -> Result<Vec<Chunk<'_>>, String> {
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        let Some((length, after)) = rest.split_first_chunk::<4>() else {
            return Err("is truncated (a chunk's length is cut off)".into());
        };
        let length = u32::from_be_bytes(*length) as usize;
        let Some((kind, after)) = after.split_first_chunk::<4>() else {
            return Err("is truncated (a chunk's type is cut off)".into());
        };
        let name = String::from_utf8_lossy(kind).into_owned();
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(format!("is damaged: {name:?} is not a chunk type"));
        }
        if after.len() < length.saturating_add(4) {
            return Err(format!("is truncated (its {name} chunk ends past the end of the file)"));
        }
        let (data, after) = after.split_at(length);
        let (crc, after) = after.split_at(4);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(kind);
        hasher.update(data);
        if hasher.finalize().to_be_bytes() != crc {
            return Err(format!("is damaged: its {name} chunk's checksum does not match"));
        }
        chunks.push((*kind, data));
        if kind == b"IEND" {
            break;
        }
        rest = after;
    }
    Ok(chunks)
}

fn header(data: &[u8]) -> Result<Header, String> {
    let [w0, w1, w2, w3, h0, h1, h2, h3, depth, colour, compression, filter, interlace] = *data else {
        return Err("is damaged: its IHDR chunk is not 13 bytes".into());
    };
    let (width, height) = (u32::from_be_bytes([w0, w1, w2, w3]), u32::from_be_bytes([h0, h1, h2, h3]));
    if width == 0 || height == 0 {
        return Err(format!("is {width}×{height} pixels: an image needs at least one pixel"));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("is {width}×{height} pixels: Wallet images are at most {MAX_SIDE} on a side"));
    }
    let channels = match (colour, depth) {
        (0, 1 | 2 | 4 | 8 | 16) => 1,
        (3, 1 | 2 | 4 | 8) => 1,
        (4, 8 | 16) => 2,
        (2, 8 | 16) => 3,
        (6, 8 | 16) => 4,
        _ => return Err(format!("is damaged: bit depth {depth} with colour type {colour} is not a PNG format")),
    };
    if compression != 0 || filter != 0 || interlace > 1 {
        return Err("is damaged: its IHDR names an unknown compression, filter or interlace method".into());
    }
    Ok(Header {
        width,
        height,
        bits_per_pixel: u64::from(depth) * channels,
        interlaced: interlace == 1,
        indexed: colour == 3,
    })
}

/// The (columns, rows) of each pass: one for a plain image, Adam7's seven when interlaced.
fn passes(header: &Header) -> Vec<(u64, u64)> {
    let (width, height) = (u64::from(header.width), u64::from(header.height));
    if !header.interlaced {
        return vec![(width, height)];
    }
    const ADAM7: [(u64, u64, u64, u64); 7] =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
    ADAM7
        .iter()
        .map(|&(x0, y0, dx, dy)| (width.saturating_sub(x0).div_ceil(dx), height.saturating_sub(y0).div_ceil(dy)))
        .filter(|&(columns, rows)| columns > 0 && rows > 0)
        .collect()
}

/// Inflates the image data as it streams, never holding it, and checks each row's filter
/// byte and that the rows end exactly where the header says.
fn check_image_data(compressed: &[u8], header: &Header) -> Result<(), String> {
    let row_bytes = |columns: u64| 1 + (columns * header.bits_per_pixel).div_ceil(8);
    let passes = passes(header);
    let expected: u64 = passes.iter().map(|&(columns, rows)| rows * row_bytes(columns)).sum();
    let mut rows = passes.iter().flat_map(|&(columns, rows)| std::iter::repeat_n(row_bytes(columns), rows as usize));
    let mut inflater = ZlibDecoder::new(compressed).take(expected + 1);
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut position, mut next_row_start) = (0u64, 0u64);
    loop {
        let read = match inflater.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(_) => return Err("is damaged: its image data does not inflate".into()),
        };
        let end = position + read as u64;
        while next_row_start < end.min(expected) {
            let filter = buffer[(next_row_start - position) as usize];
            if filter > 4 {
                return Err(format!("is damaged: a row has filter type {filter}, PNG knows 0 to 4"));
            }
            match rows.next() {
                Some(row_bytes) => next_row_start += row_bytes,
                None => break,
            }
        }
        position = end;
    }
    match position.cmp(&expected) {
        std::cmp::Ordering::Less => Err("is truncated: its image data ends early".into()),
        std::cmp::Ordering::Greater => Err("is damaged: it has more image data than its size holds".into()),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::ZlibEncoder;

    use super::*;
    use crate::pkpass::png::{png_from_chunks, solid_png};

    /// A PNG from its IHDR fields and raw (filtered) image data, every CRC right.
    fn png(width: u32, height: u32, depth: u8, colour: u8, interlace: u8, raw: &[u8]) -> Vec<u8> {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[depth, colour, 0, 0, interlace]);
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(raw).unwrap();
        png_from_chunks(&[(b"IHDR", &ihdr), (b"IDAT", &z.finish().unwrap()), (b"IEND", &[])])
    }

    #[test]
    fn whole_pngs_give_their_size() {
        assert_eq!(inspect_png(&solid_png(58, 29, [1, 2, 3])), Ok(PngInfo { width: 58, height: 29 }));
        // 3×3 grey, Adam7: passes 2 and 3 start past the image, the others are (columns, rows):
        let interlaced_rows = [(1, 1), (1, 1), (2, 1), (1, 2), (3, 1)];
        let raw: Vec<u8> =
            interlaced_rows.iter().flat_map(|&(columns, rows)| vec![0u8; rows * (1 + columns)]).collect();
        assert_eq!(inspect_png(&png(3, 3, 8, 0, 1, &raw)), Ok(PngInfo { width: 3, height: 3 }));
    }

    #[test]
    fn png_signature() {
        assert!(inspect_png(b"GIF89a....").unwrap_err().contains("wrong file signature"));
    }

    #[test]
    fn png_truncated() {
        let whole = solid_png(40, 40, [9, 9, 9]);
        for cut in [whole.len() - 1, whole.len() - 12, 40, 9] {
            let reason = inspect_png(&whole[..cut]).unwrap_err();
            assert!(reason.contains("truncated"), "{cut}: {reason}");
        }
        // Chunks intact, image data short: a quarter of the rows.
        let short = png(40, 40, 8, 2, 0, &vec![0; 10 * (1 + 40 * 3)]);
        assert_eq!(inspect_png(&short).unwrap_err(), "is truncated: its image data ends early");
    }

    #[test]
    fn png_chunk_checksum() {
        let mut damaged = solid_png(20, 20, [9, 9, 9]);
        let last_idat_byte = damaged.len() - 12 - 5;
        damaged[last_idat_byte] ^= 0xff;
        assert_eq!(inspect_png(&damaged).unwrap_err(), "is damaged: its IDAT chunk's checksum does not match");
    }

    #[test]
    fn png_size_bounds() {
        assert!(inspect_png(&png(0, 0, 8, 2, 0, &[])).unwrap_err().contains("at least one pixel"));
        let huge = png(100_000, 100_000, 8, 2, 0, &[0]);
        assert!(inspect_png(&huge).unwrap_err().contains("at most 4096 on a side"));
    }

    #[test]
    fn png_header_format() {
        assert!(inspect_png(&png(2, 2, 3, 2, 0, &[0; 8])).unwrap_err().contains("bit depth 3 with colour type 2"));
        assert!(inspect_png(&png(2, 2, 8, 2, 2, &[0; 14])).unwrap_err().contains("interlace"));
        let without_palette = png(2, 2, 8, 3, 0, &[0; 6]);
        assert!(inspect_png(&without_palette).unwrap_err().contains("without a palette"));
    }

    #[test]
    fn png_image_data() {
        assert!(inspect_png(&png(2, 2, 8, 0, 0, &[0, 1, 1, 7, 1, 1])).unwrap_err().contains("filter type 7"));
        assert!(inspect_png(&png(2, 2, 8, 0, 0, &[0; 7])).unwrap_err().contains("more image data"));
        let mut ihdr = 1u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let no_data = png_from_chunks(&[(b"IHDR", &ihdr), (b"IEND", &[])]);
        assert!(inspect_png(&no_data).unwrap_err().contains("no image data"));
        let not_zlib = png_from_chunks(&[(b"IHDR", &ihdr), (b"IDAT", b"not zlib"), (b"IEND", &[])]);
        assert!(inspect_png(&not_zlib).unwrap_err().contains("does not inflate"));
        let split =
            png_from_chunks(&[(b"IHDR", &ihdr), (b"IDAT", &[]), (b"tEXt", b"a\0b"), (b"IDAT", &[]), (b"IEND", &[])]);
        assert!(inspect_png(&split).unwrap_err().contains("not consecutive"));
    }
}
