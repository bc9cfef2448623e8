//! `Blobs` on S3: one object per key under an optional prefix, the content type as the
//! object's Content-Type.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;

use crate::ports::blobs::check_key;
use crate::ports::{Blob, BlobError, Blobs};

#[derive(Clone)]
pub struct S3Blobs {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Blobs {
    pub fn new(client: Client, bucket: impl Into<String>, prefix: impl Into<String>) -> S3Blobs {
        S3Blobs { client, bucket: bucket.into(), prefix: prefix.into() }
    }

    fn object_key(&self, key: &str) -> Result<String, BlobError> {
        check_key(key)?;
        Ok(format!("{}{key}", self.prefix))
    }
}

fn backend<E>(e: SdkError<E, aws_smithy_runtime_api::http::Response>) -> BlobError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let message = DisplayErrorContext(&e).to_string();
    if super::transient::is_transient(&e) { BlobError::Unavailable(message) } else { BlobError::Backend(message) }
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        let key = self.object_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        let key = self.object_key(key)?;
        let out = match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(backend(e)),
        };
        let content_type = out.content_type.clone().unwrap_or_else(|| "application/octet-stream".into());
        let bytes = out.body.collect().await.map_err(|e| BlobError::Unavailable(e.to_string()))?.into_bytes().to_vec();
        Ok(Some(Blob { bytes, content_type }))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let key = self.object_key(key)?;
        self.client.delete_object().bucket(&self.bucket).key(key).send().await.map_err(backend)?;
        Ok(())
    }
}
