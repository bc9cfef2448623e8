//! A minimal ZIP writer for pass bundles. Entries can be written once into a prefix
//! (`ZipPrefix`) and reused for every pass of a template: the local entries and the central
//! directory records of static assets do not change, so per pass only the new entries, the
//! rest of the central directory and the end record are written.

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

use crate::model::date::civil_from_unix;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const VERSION_NEEDED: u16 = 20;
/// Made by Unix, spec 2.0: lets unzip apply the permission bits below.
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
const REGULAR_FILE_0644: u32 = 0o100_644 << 16;
const FLAG_UTF8_NAME: u16 = 1 << 11;
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATED: u16 = 8;

#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("`{0}` is too large for a pass bundle (4 GiB ZIP limit)")]
    TooLarge(String),
    #[error("too many files for one bundle")]
    TooManyEntries,
}

/// MS-DOS date and time, as ZIP stores them (two-second resolution, no time zone; UTC here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DosTime {
    time: u16,
    date: u16,
}

impl DosTime {
    /// The earliest time ZIP can hold; used for static assets so bundles are reproducible.
    pub const EPOCH: DosTime = DosTime { time: 0, date: (1 << 5) | 1 };

    pub fn from_unix(unix_seconds: i64) -> DosTime {
        let (year, month, day, hour, minute, second) = civil_from_unix(unix_seconds);
        if !(1980..=2107).contains(&year) {
            return DosTime::EPOCH;
        }
        DosTime {
            time: ((hour << 11) | (minute << 5) | (second / 2)) as u16,
            date: ((((year - 1980) as u32) << 9) | (month << 5) | day) as u16,
        }
    }
}

/// Entries already written: their local records and their central-directory records.
#[derive(Debug, Clone, Default)]
pub struct ZipPrefix {
    local: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

impl ZipPrefix {
    pub fn len(&self) -> usize {
        self.local.len() + self.central.len()
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// How an entry's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Stored,
    /// Deflate, but fall back to storing when compression does not pay.
    DeflateIfSmaller,
}

pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

impl ZipWriter {
    pub fn new() -> ZipWriter {
        ZipWriter::continue_from(&ZipPrefix::default(), 0)
    }

    /// Starts a bundle with `prefix` already in it; `extra` is the expected size of the rest.
    pub fn continue_from(prefix: &ZipPrefix, extra: usize) -> ZipWriter {
        let mut out = Vec::with_capacity(prefix.len() + extra + 22);
        out.extend_from_slice(&prefix.local);
        let mut central = Vec::with_capacity(prefix.central.len() + 256);
        central.extend_from_slice(&prefix.central);
        ZipWriter { out, central, count: prefix.count }
    }

    pub fn add(&mut self, name: &str, data: &[u8], storage: Storage, modified: DosTime) -> Result<(), ZipError> {
        let too_large = || ZipError::TooLarge(name.to_string());
        let size = u32::try_from(data.len()).map_err(|_| too_large())?;
        let crc = crc32fast::hash(data);
        let deflated = match storage {
            Storage::DeflateIfSmaller => deflate(data).filter(|d| d.len() < data.len()),
            Storage::Stored => None,
        };
        let (method, body) = match &deflated {
            Some(d) => (METHOD_DEFLATED, d.as_slice()),
            None => (METHOD_STORED, data),
        };
        let compressed = u32::try_from(body.len()).map_err(|_| too_large())?;
        let offset = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        self.count = self.count.checked_add(1).filter(|c| *c < u16::MAX).ok_or(ZipError::TooManyEntries)?;
        let flags = if name.is_ascii() { 0 } else { FLAG_UTF8_NAME };

        let out = &mut self.out;
        put32(out, LOCAL_HEADER);
        for v in [VERSION_NEEDED, flags, method, modified.time, modified.date] {
            put16(out, v);
        }
        for v in [crc, compressed, size] {
            put32(out, v);
        }
        put16(out, name_len);
        put16(out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);

        let c = &mut self.central;
        put32(c, CENTRAL_HEADER);
        for v in [VERSION_MADE_BY, VERSION_NEEDED, flags, method, modified.time, modified.date] {
            put16(c, v);
        }
        for v in [crc, compressed, size] {
            put32(c, v);
        }
        for v in [name_len, 0, 0, 0, 0] {
            put16(c, v);
        }
        put32(c, REGULAR_FILE_0644);
        put32(c, offset);
        c.extend_from_slice(name.as_bytes());
        Ok(())
    }

    /// The entries written so far, to reuse as the start of other bundles.
    pub fn into_prefix(self) -> ZipPrefix {
        ZipPrefix { local: self.out, central: self.central, count: self.count }
    }

    pub fn finish(mut self) -> Result<Vec<u8>, ZipError> {
        let too_large = || ZipError::TooLarge("the bundle".into());
        let directory_offset = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let directory_size = u32::try_from(self.central.len()).map_err(|_| too_large())?;
        self.out.extend_from_slice(&self.central);
        let out = &mut self.out;
        put32(out, END_OF_CENTRAL_DIRECTORY);
        for v in [0, 0, self.count, self.count] {
            put16(out, v);
        }
        put32(out, directory_size);
        put32(out, directory_offset);
        put16(out, 0);
        Ok(self.out)
    }
}

impl Default for ZipWriter {
    fn default() -> Self {
        ZipWriter::new()
    }
}

fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = DeflateEncoder::new(Vec::with_capacity(data.len() / 2), Compression::default());
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
