//! The embedded `Blobs`: one file per key under a folder, the content type in a sidecar file.

use std::path::{Path, PathBuf};

use async_trait::async_trait;

use crate::ports::blobs::check_key;
use crate::ports::{Blob, BlobError, Blobs};

#[derive(Debug, Clone)]
pub struct FileBlobs {
    root: PathBuf,
}

impl FileBlobs {
    pub fn new(root: &Path) -> FileBlobs {
        FileBlobs { root: root.to_path_buf() }
    }

    fn paths(&self, key: &str) -> Result<(PathBuf, PathBuf), BlobError> {
        check_key(key)?;
        let data = self.root.join(key);
        let mut meta = data.clone().into_os_string();
        meta.push(".content-type");
        Ok((data, PathBuf::from(meta)))
    }
}

fn io(e: std::io::Error) -> BlobError {
    BlobError::Backend(e.to_string())
}

#[async_trait]
impl Blobs for FileBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        let (data, meta) = self.paths(key)?;
        let content_type = content_type.to_string();
        tokio::task::spawn_blocking(move || {
            if let Some(dir) = data.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            // Write both through temporary names, data last, so a reader sees old or new.
            let unique = format!("{}.{}", std::process::id(), rand::random::<u64>());
            let (tmp_meta, tmp_data) =
                (meta.with_extension(format!("tmp{unique}")), data.with_extension(format!("tmp{unique}")));
            std::fs::write(&tmp_meta, content_type.as_bytes()).map_err(io)?;
            std::fs::rename(&tmp_meta, &meta).map_err(io)?;
            std::fs::write(&tmp_data, &bytes).map_err(io)?;
            std::fs::rename(&tmp_data, &data).map_err(io)
        })
        .await
        .map_err(|e| BlobError::Backend(e.to_string()))?
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        let (data, meta) = self.paths(key)?;
        tokio::task::spawn_blocking(move || {
            let bytes = match std::fs::read(&data) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io(e)),
            };
            let content_type = std::fs::read_to_string(&meta).unwrap_or_else(|_| "application/octet-stream".into());
            Ok(Some(Blob { bytes, content_type }))
        })
        .await
        .map_err(|e| BlobError::Backend(e.to_string()))?
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let (data, meta) = self.paths(key)?;
        tokio::task::spawn_blocking(move || {
            for path in [data, meta] {
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(e)),
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| BlobError::Backend(e.to_string()))?
    }
}
