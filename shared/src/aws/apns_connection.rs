//! One HTTP/2 connection to APNs, authenticated by a Pass Type ID certificate as the TLS
//! client certificate. It rides the TLS stack the AWS SDK already links (rustls on AWS-LC), so
//! a pushing function carries one TLS implementation, and it can be pointed at any host with
//! extra trust roots, so tests run the real adapter against a local HTTP/2 server.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::pkpass::der;
use crate::pkpass::key::SigningKey;
use crate::ports::StoredIdentity;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// APNs answers at most a small JSON reason; anything longer is cut off.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// Where APNs is, and whom to trust there besides the bundled Mozilla roots.
#[derive(Debug, Clone)]
pub struct ApnsEndpoint {
    pub host: String,
    pub port: u16,
    /// DER certificates trusted in addition to the bundled roots (a test server's CA).
    pub extra_roots: Vec<Vec<u8>>,
}

impl Default for ApnsEndpoint {
    /// Apple's production host: Wallet receives pass updates only from production.
    fn default() -> ApnsEndpoint {
        ApnsEndpoint { host: "api.push.apple.com".into(), port: 443, extra_roots: Vec::new() }
    }
}

impl ApnsEndpoint {
    /// `https://host[:port]`, the form `TESSERA_APNS_ENDPOINT` takes.
    pub fn parse(url: &str) -> Result<ApnsEndpoint, String> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| format!("TESSERA_APNS_ENDPOINT is not a URL: {e}"))?;
        let host = parsed.host_str().filter(|_| parsed.scheme() == "https");
        let host = host.ok_or("TESSERA_APNS_ENDPOINT must be an https:// URL with a host")?;
        Ok(ApnsEndpoint {
            host: host.trim_matches(['[', ']']).to_string(),
            port: parsed.port().unwrap_or(443),
            extra_roots: Vec::new(),
        })
    }
}

/// The headers and body of one push.
pub struct PushRequest<'a> {
    pub device_token: &'a str,
    pub topic: &'a str,
    pub push_type: Option<&'a str>,
    pub priority: Option<&'a str>,
}

/// What APNs answered: the status and, for errors, its `reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushAnswer {
    pub status: u16,
    pub reason: Option<String>,
}

/// Why a push got no answer: the connection could not be made or broke.
#[derive(Debug)]
pub struct ConnectionError(pub String);

/// An open connection; clones share it (HTTP/2 multiplexes the pushes).
#[derive(Clone)]
pub struct ApnsConnection {
    authority: String,
    sender: SendRequest<Full<Bytes>>,
}

/// The TLS settings for a pass type: its certificate as the client certificate, ALPN h2.
pub fn client_tls(identity: &StoredIdentity, endpoint: &ApnsEndpoint) -> Result<Arc<rustls::ClientConfig>, String> {
    let certificate = der::pem_blocks(identity.certificate_pem.as_bytes(), "CERTIFICATE")
        .into_iter()
        .next()
        .and_then(Result::ok)
        .ok_or("the identity's certificate is not PEM")?;
    let (_, pkcs8) =
        SigningKey::from_pem(identity.private_key_pem.as_bytes()).ok_or("the identity's key cannot be read")?;
    let mut roots = rustls::RootCertStore::empty();
    let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned();
    let extra = endpoint.extra_roots.iter().map(|der| CertificateDer::from(der.clone()));
    roots.add_parsable_certificates(bundled.chain(extra));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS settings: {e}"))?
        .with_root_certificates(roots)
        .with_client_auth_cert(
            vec![CertificateDer::from(certificate)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8)),
        )
        .map_err(|e| format!("the identity cannot authenticate to APNs: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

impl ApnsConnection {
    pub async fn open(
        endpoint: &ApnsEndpoint,
        tls: Arc<rustls::ClientConfig>,
    ) -> Result<ApnsConnection, ConnectionError> {
        let failed = |what: &str, e: &dyn std::fmt::Display| ConnectionError(format!("{what} {}: {e}", endpoint.host));
        let server_name = ServerName::try_from(endpoint.host.clone()).map_err(|e| failed("no TLS name for", &e))?;
        let connect = async {
            let tcp = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
                .await
                .map_err(|e| failed("connecting to", &e))?;
            let _ = tcp.set_nodelay(true);
            TlsConnector::from(tls).connect(server_name, tcp).await.map_err(|e| failed("TLS with", &e))
        };
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| failed("timed out connecting to", &"no answer"))??;
        if stream.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err(failed("HTTP/2 refused by", &"no h2 in ALPN"));
        }
        let (sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
            .handshake(TokioIo::new(stream))
            .await
            .map_err(|e| failed("HTTP/2 with", &e))?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "APNs connection closed");
            }
        });
        let authority = match endpoint.port {
            443 => endpoint.host.clone(),
            port => format!("{}:{port}", endpoint.host),
        };
        Ok(ApnsConnection { authority, sender })
    }

    /// False once the peer has gone away (GOAWAY, a reset connection): open a new one.
    pub fn is_open(&self) -> bool {
        !self.sender.is_closed()
    }

    pub async fn send(&self, push: &PushRequest<'_>) -> Result<PushAnswer, ConnectionError> {
        let uri = format!("https://{}/3/device/{}", self.authority, push.device_token);
        let mut request = hyper::Request::post(uri).header("apns-topic", push.topic);
        if let Some(push_type) = push.push_type {
            request = request.header("apns-push-type", push_type);
        }
        if let Some(priority) = push.priority {
            request = request.header("apns-priority", priority);
        }
        let request = request
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(b"{}")))
            .map_err(|e| ConnectionError(format!("the push request cannot be made: {e}")))?;
        let mut sender = self.sender.clone();
        let exchange = async {
            sender.ready().await.map_err(|e| ConnectionError(format!("APNs connection: {e}")))?;
            let response =
                sender.send_request(request).await.map_err(|e| ConnectionError(format!("APNs push: {e}")))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES).collect().await;
            let reason = body.ok().and_then(|body| reason_of(&body.to_bytes()));
            Ok(PushAnswer { status, reason })
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| ConnectionError("APNs did not answer in time".into()))?
    }
}

/// The `reason` of an APNs error body (`{"reason": "BadDeviceToken"}`).
fn reason_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("reason")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_hosts_with_an_optional_port() {
        let apple = ApnsEndpoint::parse("https://api.push.apple.com").unwrap();
        assert_eq!((apple.host.as_str(), apple.port), ("api.push.apple.com", 443));
        let local = ApnsEndpoint::parse("https://localhost:8443/").unwrap();
        assert_eq!((local.host.as_str(), local.port), ("localhost", 8443));
        assert!(ApnsEndpoint::parse("http://api.push.apple.com").is_err());
        assert!(ApnsEndpoint::parse("api.push.apple.com").is_err());
    }

    #[test]
    fn error_reasons_are_read_from_the_body() {
        assert_eq!(reason_of(br#"{"reason":"BadDeviceToken"}"#).as_deref(), Some("BadDeviceToken"));
        assert_eq!(
            reason_of(br#"{"reason":"Unregistered","timestamp":1700000000000}"#).as_deref(),
            Some("Unregistered")
        );
        assert_eq!(reason_of(b""), None);
        assert_eq!(reason_of(b"<html>"), None);
    }
}
