use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    #[error("invalid blob key `{0}`: use segments of A-Z a-z 0-9 . _ - @ separated by /")]
    InvalidKey(String),
    #[error("blob store error: {0}")]
    Backend(String),
    /// No answer in time, or busy: the same call may work in a moment.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
}

/// Files by key: generated .pkpass files, template images.
#[async_trait]
pub trait Blobs: Send + Sync {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError>;
    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError>;
    /// Deleting a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
}

/// Keys are relative paths of plain segments, so no backend can be walked out of.
pub fn check_key(key: &str) -> Result<(), BlobError> {
    let ok = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
        });
    if ok { Ok(()) } else { Err(BlobError::InvalidKey(key.chars().take(80).collect())) }
}
