//! Stable UUIDs for passes and templates (PassEntry's ids), derived from their integer ids.
//! Each is an RFC 9562 version-8 UUID: the id in its last 62 bits, and in 60 of the others a
//! SHA-256 tag of the kind and the id. So every pass and template has one from the start
//! (older ones too), none is stored, and a made-up UUID, or one of the other kind, names
//! nothing.

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Pass,
    Template,
}

impl IdKind {
    fn label(self) -> &'static [u8] {
        match self {
            IdKind::Pass => b"tessera:pass:",
            IdKind::Template => b"tessera:template:",
        }
    }
}

/// The largest id a UUID can hold (62 bits).
const MAX_ID: u64 = (1 << 62) - 1;

fn tag(kind: IdKind, id: u64) -> [u8; 8] {
    let mut input = kind.label().to_vec();
    input.extend_from_slice(&id.to_be_bytes());
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &input);
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest.as_ref()[..8]);
    out
}

fn build(kind: IdKind, id: u64) -> [u8; 16] {
    let tag = tag(kind, id);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&tag[..6]);
    // Version 8 in the high nibble of byte 6; 12 more tag bits after it.
    bytes[6] = 0x80 | (tag[6] & 0x0f);
    bytes[7] = tag[7];
    // Variant 0b10, then the id's 62 bits.
    let low = (id & MAX_ID) | (0b10 << 62);
    bytes[8..].copy_from_slice(&low.to_be_bytes());
    bytes
}

/// The UUID of a pass or template.
pub fn uuid_of(kind: IdKind, id: u64) -> String {
    Uuid::from_bytes(build(kind, id)).hyphenated().to_string()
}

/// The id a UUID of this kind stands for; `None` for anything else.
pub fn id_of(kind: IdKind, text: &str) -> Option<u64> {
    let bytes = *Uuid::parse_str(text.trim()).ok()?.as_bytes();
    let mut low = [0u8; 8];
    low.copy_from_slice(&bytes[8..]);
    let id = u64::from_be_bytes(low) & MAX_ID;
    (id > 0 && build(kind, id) == bytes).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::{IdKind, id_of, uuid_of};

    #[test]
    fn uuids_are_stable_version_8_and_name_one_kind() {
        let pass = uuid_of(IdKind::Pass, 42);
        assert_eq!(pass, uuid_of(IdKind::Pass, 42), "stable");
        assert_eq!(&pass[14..15], "8", "version 8: {pass}");
        assert!(matches!(&pass[19..20], "8" | "9" | "a" | "b"), "RFC 9562 variant: {pass}");
        assert_eq!(id_of(IdKind::Pass, &pass), Some(42));
        assert_eq!(id_of(IdKind::Pass, &pass.to_uppercase()), Some(42), "any case");
        assert_eq!(id_of(IdKind::Template, &pass), None, "a pass's UUID names no template");
        assert_ne!(uuid_of(IdKind::Template, 42), pass);
        assert_eq!(id_of(IdKind::Pass, "d2ac8d95-6914-4cac-957c-2a5ccf534390"), None, "made up");
        assert_eq!(id_of(IdKind::Pass, "member-1001"), None);
        let big = (1u64 << 62) - 1;
        assert_eq!(id_of(IdKind::Template, &uuid_of(IdKind::Template, big)), Some(big));
    }
}
