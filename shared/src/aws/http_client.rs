//! The AWS SDK's HTTP client: reqwest, the client the image fetcher and Google's adapter use,
//! with the bundled roots. The SDK's own client would link a second connector stack with
//! HTTP/2, which AWS's APIs do not need here (about 0.5 MiB in every function).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;

/// The SDK's connect timeout when its settings name none (what it uses by default too).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// An HTTP client for SDK configs: `SdkConfig::builder().http_client(sdk_http_client())`.
pub fn sdk_http_client() -> SharedHttpClient {
    SharedHttpClient::new(ReqwestHttpClient::default())
}

/// One reqwest client per connect timeout the SDK asks for (in practice one).
#[derive(Debug, Default)]
struct ReqwestHttpClient {
    clients: Mutex<HashMap<Duration, Result<reqwest::Client, String>>>,
}

impl HttpClient for ReqwestHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, _components: &RuntimeComponents) -> SharedHttpConnector {
        let connect_timeout = settings.connect_timeout().unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let mut clients = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let client = clients.entry(connect_timeout).or_insert_with(|| {
            let builder = reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                // The SDK reads redirects as answers (S3's 301 names the bucket's region).
                .redirect(reqwest::redirect::Policy::none());
            crate::tls::with_bundled_roots(builder)
        });
        SharedHttpConnector::new(ReqwestConnector {
            client: Arc::new(client.clone()),
            read_timeout: settings.read_timeout(),
        })
    }
}

#[derive(Debug)]
struct ReqwestConnector {
    /// A client that could not be built fails each call that needs it, never the process.
    client: Arc<Result<reqwest::Client, String>>,
    read_timeout: Option<Duration>,
}

impl HttpConnector for ReqwestConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (client, read_timeout) = (self.client.clone(), self.read_timeout);
        HttpConnectorFuture::new(async move {
            let client = client.as_ref().as_ref().map_err(|e| ConnectorError::other(e.clone().into(), None))?;
            let request = request.try_into_http1x().map_err(|e| ConnectorError::user(e.into()))?;
            let request = reqwest::Request::try_from(request.map(reqwest::Body::wrap))
                .map_err(|e| ConnectorError::user(e.into()))?;
            let sent = client.execute(request);
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, sent)
                    .await
                    .map_err(|_| ConnectorError::timeout("no response within the read timeout".into()))?,
                None => sent.await,
            }
            .map_err(connector_error)?;
            let response = http::Response::from(response).map(SdkBody::from_body_1_x);
            HttpResponse::try_from(response).map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

/// Timeouts and broken connections are transient (the SDK retries them); the rest is not.
fn connector_error(error: reqwest::Error) -> ConnectorError {
    if error.is_timeout() {
        ConnectorError::timeout(error.into())
    } else if error.is_connect() || error.is_request() || error.is_body() {
        ConnectorError::io(error.into())
    } else {
        ConnectorError::other(error.into(), None)
    }
}
