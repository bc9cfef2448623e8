//! Reading ZIP archives made by any pass generator, for `tessera doctor`: the central
//! directory is the index (as Wallet's reader uses it), each entry's local header must agree,
//! data is stored or deflated and must match its CRC-32. Sizes are bounded before anything
//! is inflated, so a hostile archive costs at most `ZipLimits`.

use std::io::Read;

#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    pub max_entries: usize,
    /// The most bytes all entries may inflate to together.
    pub max_total_bytes: u64,
}

impl Default for ZipLimits {
    fn default() -> ZipLimits {
        ZipLimits { max_entries: 1000, max_total_bytes: 64 * 1024 * 1024 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    pub name: String,
    pub data: Vec<u8>,
}

const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;

/// The archive's files in central-directory order (folders left out), or why it cannot be
/// read the way Wallet reads it.
pub fn read_zip(bytes: &[u8], limits: ZipLimits) -> Result<Vec<ZipEntry>, String> {
    let end = find_end_record(bytes).ok_or("is not a ZIP archive (no end of central directory record)")?;
    let count = usize::from(u16_at(bytes, end + 10)?);
    let directory_size = u32_at(bytes, end + 12)? as usize;
    let directory_start = u32_at(bytes, end + 16)? as usize;
    if count == 0xFFFF || directory_start == 0xFFFF_FFFF {
        return Err("is a ZIP64 archive, which Wallet does not read".into());
    }
    if count > limits.max_entries {
        return Err(format!("holds {count} entries; at most {} are read", limits.max_entries));
    }
    let directory = bytes
        .get(directory_start..directory_start.saturating_add(directory_size))
        .ok_or("has a central directory outside the file (truncated?)")?;
    let mut entries = Vec::with_capacity(count);
    let mut at = 0;
    let mut total: u64 = 0;
    for _ in 0..count {
        let header = Header::central(directory, at)?;
        at = header.next;
        total = total.saturating_add(u64::from(header.size));
        if total > limits.max_total_bytes {
            return Err(format!("inflates to more than {} bytes", limits.max_total_bytes));
        }
        if header.name.ends_with('/') {
            continue;
        }
        let data = header.read_data(bytes)?;
        entries.push(ZipEntry { name: header.name, data });
    }
    Ok(entries)
}

struct Header {
    name: String,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    local_offset: usize,
    next: usize,
}

impl Header {
    fn central(directory: &[u8], at: usize) -> Result<Header, String> {
        if u32_at(directory, at)? != CENTRAL_HEADER {
            return Err("has a damaged central directory".into());
        }
        let name_len = usize::from(u16_at(directory, at + 28)?);
        let extra_len = usize::from(u16_at(directory, at + 30)?);
        let comment_len = usize::from(u16_at(directory, at + 32)?);
        let name_bytes = directory.get(at + 46..at + 46 + name_len).ok_or("has a damaged central directory")?;
        let name =
            String::from_utf8(name_bytes.to_vec()).map_err(|_| "has an entry whose name is not UTF-8".to_string())?;
        Ok(Header {
            flags: u16_at(directory, at + 8)?,
            method: u16_at(directory, at + 10)?,
            crc: u32_at(directory, at + 16)?,
            compressed: u32_at(directory, at + 20)?,
            size: u32_at(directory, at + 24)?,
            local_offset: u32_at(directory, at + 42)? as usize,
            next: at + 46 + name_len + extra_len + comment_len,
            name,
        })
    }

    fn read_data(&self, bytes: &[u8]) -> Result<Vec<u8>, String> {
        let name = &self.name;
        if self.flags & 1 != 0 {
            return Err(format!("{name}: is encrypted"));
        }
        let local = self.local_offset;
        if u32_at(bytes, local)? != LOCAL_HEADER {
            return Err(format!("{name}: its local header is missing where the central directory points"));
        }
        let name_len = usize::from(u16_at(bytes, local + 26)?);
        let extra_len = usize::from(u16_at(bytes, local + 28)?);
        if bytes.get(local + 30..local + 30 + name_len) != Some(name.as_bytes()) {
            return Err(format!("{name}: the local header names another file"));
        }
        let start = local + 30 + name_len + extra_len;
        let raw = bytes
            .get(start..start.saturating_add(self.compressed as usize))
            .ok_or_else(|| format!("{name}: its data runs past the end of the file (truncated?)"))?;
        let data = match self.method {
            0 => raw.to_vec(),
            8 => {
                let mut out = Vec::with_capacity(self.size as usize);
                let mut inflater = flate2::read::DeflateDecoder::new(raw).take(u64::from(self.size) + 1);
                inflater.read_to_end(&mut out).map_err(|e| format!("{name}: does not inflate: {e}"))?;
                out
            }
            other => return Err(format!("{name}: uses compression method {other}; Wallet reads stored or deflated")),
        };
        if data.len() != self.size as usize {
            return Err(format!("{name}: holds {} bytes where the directory says {}", data.len(), self.size));
        }
        if crc32fast::hash(&data) != self.crc {
            return Err(format!("{name}: its CRC-32 does not match its data (damaged)"));
        }
        Ok(data)
    }
}

fn find_end_record(bytes: &[u8]) -> Option<usize> {
    // The record is 22 bytes plus a comment of at most 65535.
    let earliest = bytes.len().saturating_sub(22 + 0xFFFF);
    (earliest..=bytes.len().checked_sub(22)?).rev().find(|&at| u32_at(bytes, at) == Ok(END_OF_CENTRAL_DIRECTORY))
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, String> {
    let b = bytes.get(at..at + 2).ok_or("is truncated")?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, String> {
    let b = bytes.get(at..at + 4).ok_or("is truncated")?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pkpass::zip::{DosTime, Storage, ZipWriter};

    fn archive(entries: &[(&str, &[u8], Storage)]) -> Vec<u8> {
        let mut zip = ZipWriter::new();
        for (name, data, storage) in entries {
            zip.add(name, data, *storage, DosTime::EPOCH).unwrap();
        }
        zip.finish().unwrap()
    }

    #[test]
    fn stored_and_deflated_entries_read_back() {
        let text = b"hello hello hello hello hello hello".repeat(10);
        let bytes = archive(&[("a.txt", &text, Storage::DeflateIfSmaller), ("b.png", b"png", Storage::Stored)]);
        let entries = read_zip(&bytes, ZipLimits::default()).unwrap();
        assert_eq!(
            entries,
            [ZipEntry { name: "a.txt".into(), data: text }, ZipEntry { name: "b.png".into(), data: b"png".to_vec() }]
        );
    }

    #[test]
    fn damaged_archives_say_how() {
        let bytes = archive(&[("a.txt", b"abc", Storage::Stored)]);
        assert!(read_zip(b"not a zip", ZipLimits::default()).unwrap_err().contains("not a ZIP"));
        let mut flipped = bytes.clone();
        let data_at = bytes.windows(3).position(|w| w == b"abc").unwrap();
        flipped[data_at] = b'x';
        assert!(read_zip(&flipped, ZipLimits::default()).unwrap_err().contains("CRC-32"));
        let limits = ZipLimits { max_entries: 1000, max_total_bytes: 2 };
        assert!(read_zip(&bytes, limits).unwrap_err().contains("inflates to more than 2 bytes"));
        assert!(read_zip(&bytes[..bytes.len() - 30], ZipLimits::default()).is_err());
    }
}
