use tessera::ports::{Blob, BlobError};

use super::Backend;

pub async fn blobs_round_trip(b: &Backend) {
    assert_eq!(b.blobs.get("passes/1/v1.pkpass").await.unwrap(), None);
    let big: Vec<u8> = (0..1_048_576u32).map(|i| (i % 251) as u8).collect();
    b.blobs.put("passes/1/v1.pkpass", big.clone(), "application/vnd.apple.pkpass").await.unwrap();
    assert_eq!(
        b.blobs.get("passes/1/v1.pkpass").await.unwrap(),
        Some(Blob { bytes: big, content_type: "application/vnd.apple.pkpass".into() })
    );
    b.blobs.put("passes/1/v1.pkpass", b"second".to_vec(), "application/octet-stream").await.unwrap();
    let replaced = b.blobs.get("passes/1/v1.pkpass").await.unwrap().unwrap();
    assert_eq!(
        (replaced.bytes.as_slice(), replaced.content_type.as_str()),
        (&b"second"[..], "application/octet-stream")
    );
    b.blobs.put("templates/3/icon@2x.png", vec![0x89, b'P'], "image/png").await.unwrap();
    b.blobs.delete("passes/1/v1.pkpass").await.unwrap();
    assert_eq!(b.blobs.get("passes/1/v1.pkpass").await.unwrap(), None);
    b.blobs.delete("passes/1/v1.pkpass").await.expect("deleting a missing blob is fine");
    assert!(b.blobs.get("templates/3/icon@2x.png").await.unwrap().is_some(), "other keys untouched");
}

pub async fn blob_keys_are_checked(b: &Backend) {
    for bad in ["", "/abs", "a//b", "../escape", "a/../b", "a/./b", "sp ace", "a\\b", "trailing/"] {
        assert!(matches!(b.blobs.put(bad, vec![1], "x/y").await, Err(BlobError::InvalidKey(_))), "{bad:?}");
        assert!(matches!(b.blobs.get(bad).await, Err(BlobError::InvalidKey(_))), "{bad:?}");
        assert!(matches!(b.blobs.delete(bad).await, Err(BlobError::InvalidKey(_))), "{bad:?}");
    }
}
