//! A bounded in-memory copy of recently used blobs whose keys start with a given prefix
//! (signed .pkpass files: their keys name the pass and template versions, so a cached copy
//! is never stale). Everything else passes straight through.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::ports::{Blob, BlobError, Blobs};

struct Entries {
    by_key: HashMap<String, Arc<Blob>>,
    /// Keys from the oldest insertion to the newest; the oldest go first when over the cap.
    order: VecDeque<String>,
    bytes: usize,
}

pub struct HotBlobs {
    inner: Arc<dyn Blobs>,
    prefix: &'static str,
    max_bytes: usize,
    entries: Mutex<Entries>,
}

impl HotBlobs {
    /// Keeps up to `max_bytes` of blobs under `prefix`; a blob larger than a quarter of that
    /// is never kept.
    pub fn new(inner: Arc<dyn Blobs>, prefix: &'static str, max_bytes: usize) -> HotBlobs {
        let entries = Entries { by_key: HashMap::new(), order: VecDeque::new(), bytes: 0 };
        HotBlobs { inner, prefix, max_bytes, entries: Mutex::new(entries) }
    }

    fn cached(&self, key: &str) -> Option<Arc<Blob>> {
        self.entries.lock().ok()?.by_key.get(key).cloned()
    }

    fn keep(&self, key: &str, blob: Blob) {
        let size = blob.bytes.len();
        if !key.starts_with(self.prefix) || size > self.max_bytes / 4 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else { return };
        if let Some(old) = entries.by_key.insert(key.to_string(), Arc::new(blob)) {
            entries.bytes -= old.bytes.len();
        } else {
            entries.order.push_back(key.to_string());
        }
        entries.bytes += size;
        while entries.bytes > self.max_bytes {
            let Some(oldest) = entries.order.pop_front() else { break };
            if let Some(gone) = entries.by_key.remove(&oldest) {
                entries.bytes -= gone.bytes.len();
            }
        }
    }

    fn forget(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock()
            && let Some(gone) = entries.by_key.remove(key)
        {
            entries.bytes -= gone.bytes.len();
            entries.order.retain(|k| k != key);
        }
    }
}

#[async_trait]
impl Blobs for HotBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        let copy = key.starts_with(self.prefix).then(|| bytes.clone());
        self.inner.put(key, bytes, content_type).await?;
        match copy {
            Some(bytes) => self.keep(key, Blob { bytes, content_type: content_type.to_string() }),
            None => self.forget(key),
        }
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        if let Some(blob) = self.cached(key) {
            return Ok(Some(Blob::clone(&blob)));
        }
        let blob = self.inner.get(key).await?;
        if let Some(blob) = &blob {
            self.keep(key, blob.clone());
        }
        Ok(blob)
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.forget(key);
        self.inner.delete(key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blobs underneath: a map, so the test sees what only the cache still holds.
    #[derive(Default)]
    struct MapBlobs(Mutex<HashMap<String, Blob>>);

    #[async_trait]
    impl Blobs for MapBlobs {
        async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
            let blob = Blob { bytes, content_type: content_type.into() };
            self.0.lock().unwrap().insert(key.into(), blob);
            Ok(())
        }
        async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
            Ok(self.0.lock().unwrap().get(key).cloned())
        }
        async fn delete(&self, key: &str) -> Result<(), BlobError> {
            self.0.lock().unwrap().remove(key);
            Ok(())
        }
    }

    fn blob(n: usize) -> Vec<u8> {
        vec![7; n]
    }

    #[tokio::test]
    async fn keeps_recent_blobs_under_the_prefix_within_the_cap() {
        let files: Arc<dyn Blobs> = Arc::new(MapBlobs::default());
        let hot = HotBlobs::new(files.clone(), "passes/", 1000);
        hot.put("passes/1/a.pkpass", blob(200), "x").await.unwrap();
        hot.put("images/i.png", blob(10), "image/png").await.unwrap();
        // Removed underneath: only a cached copy can still answer.
        files.delete("passes/1/a.pkpass").await.unwrap();
        files.delete("images/i.png").await.unwrap();
        assert_eq!(hot.get("passes/1/a.pkpass").await.unwrap().map(|b| b.bytes.len()), Some(200));
        assert_eq!(hot.get("images/i.png").await.unwrap(), None, "other keys are not kept");

        for i in 2..=6 {
            hot.put(&format!("passes/{i}/a.pkpass"), blob(200), "x").await.unwrap();
            files.delete(&format!("passes/{i}/a.pkpass")).await.unwrap();
        }
        assert_eq!(hot.get("passes/1/a.pkpass").await.unwrap(), None, "the oldest went over the cap");
        assert!(hot.get("passes/6/a.pkpass").await.unwrap().is_some());
        assert!(hot.entries.lock().unwrap().bytes <= 1000);

        hot.put("passes/7/big.pkpass", blob(400), "x").await.unwrap();
        files.delete("passes/7/big.pkpass").await.unwrap();
        assert_eq!(hot.get("passes/7/big.pkpass").await.unwrap(), None, "larger than a quarter of the cap");

        hot.delete("passes/6/a.pkpass").await.unwrap();
        assert_eq!(hot.get("passes/6/a.pkpass").await.unwrap(), None);
    }
}
