use async_trait::async_trait;

/// Where images given as URLs come from (template and pass image headers), and the guards
/// every implementation keeps.
#[async_trait]
pub trait ImageSource: Send + Sync {
    /// The PNG at `url`, or why it cannot be used (phrased to follow the field name).
    async fn fetch_png(&self, url: &str) -> Result<Vec<u8>, String>;
    /// The bytes at `url`, whatever image they are (the caller decodes them), under the same
    /// guards.
    async fn fetch_image(&self, url: &str) -> Result<Vec<u8>, String>;
}

/// What an image source may do; the defaults are what production wants.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub max_bytes: usize,
    pub timeout: std::time::Duration,
    /// Local testing only (`tessera serve --allow-private-urls`): allow loopback and private
    /// addresses.
    pub allow_private: bool,
    /// Local testing only: allow plain http.
    pub allow_http: bool,
}

/// The largest image Tessera takes, inline or fetched.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            max_bytes: MAX_IMAGE_BYTES,
            timeout: std::time::Duration::from_secs(5),
            allow_private: false,
            allow_http: false,
        }
    }
}
