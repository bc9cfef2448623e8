//! A stand-in for APNs on 127.0.0.1: HTTP/2 over TLS (ALPN h2) with a server certificate for
//! `localhost` from its own CA, demanding a client certificate as APNs does. It records every
//! push with the certificate the client proved it holds, and answers each device token as told
//! (200 unless told otherwise), the way APNs answers (`{"reason": ...}` on errors).

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tessera::aws::apns_connection::ApnsEndpoint;
use tessera::pkpass::der::pem_blocks;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::run;

/// One push as it reached the server.
#[derive(Debug, Clone)]
pub struct RecordedPush {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// The DER certificate the client authenticated with (its key signed the handshake).
    pub client_certificate: Vec<u8>,
    pub http_version: String,
}

#[derive(Clone)]
pub struct FakeApns {
    port: u16,
    ca_der: Vec<u8>,
    pushes: Arc<Mutex<Vec<RecordedPush>>>,
    answers: Arc<Mutex<HashMap<String, (u16, String)>>>,
    connections: Arc<AtomicUsize>,
}

impl FakeApns {
    /// Starts the server on the current runtime; its PKI is made with the openssl CLI in `dir`.
    pub async fn start(dir: &Path) -> FakeApns {
        let (ca_der, certificate, key) = server_pki(dir);
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = Arc::new(AnyClientCertificate(provider.signature_verification_algorithms));
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![CertificateDer::from(certificate)],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
            )
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = FakeApns {
            port: listener.local_addr().unwrap().port(),
            ca_der,
            pushes: Arc::default(),
            answers: Arc::default(),
            connections: Arc::default(),
        };
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let server = fake.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, server) = (acceptor.clone(), server.clone());
                tokio::spawn(async move { server.serve(acceptor, tcp).await });
            }
        });
        fake
    }

    /// Where the server is, trusting its CA.
    pub fn endpoint(&self) -> ApnsEndpoint {
        ApnsEndpoint { host: "localhost".into(), port: self.port, extra_roots: vec![self.ca_der.clone()] }
    }

    /// The same server without trusting its CA: a client that checks servers refuses it.
    pub fn untrusted_endpoint(&self) -> ApnsEndpoint {
        ApnsEndpoint { extra_roots: Vec::new(), ..self.endpoint() }
    }

    /// Answers pushes to `token` with `status` and `reason`.
    pub fn answer(&self, token: &str, status: u16, reason: &str) {
        self.answers.lock().unwrap().insert(token.to_string(), (status, reason.to_string()));
    }

    pub fn pushes(&self) -> Vec<RecordedPush> {
        self.pushes.lock().unwrap().clone()
    }

    /// TLS connections that completed their handshake.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    async fn serve(self, acceptor: TlsAcceptor, tcp: tokio::net::TcpStream) {
        let Ok(tls) = acceptor.accept(tcp).await else { return };
        self.connections.fetch_add(1, Ordering::SeqCst);
        let client_certificate =
            tls.get_ref().1.peer_certificates().and_then(|chain| chain.first()).map(|c| c.to_vec()).unwrap_or_default();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let (fake, certificate) = (self.clone(), client_certificate.clone());
            async move { Ok::<_, Infallible>(fake.respond(request, certificate).await) }
        });
        let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(tls), service)
            .await;
    }

    async fn respond(&self, request: Request<Incoming>, client_certificate: Vec<u8>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_string()))
            .collect();
        let path = parts.uri.path().to_string();
        self.pushes.lock().unwrap().push(RecordedPush {
            method: parts.method.to_string(),
            path: path.clone(),
            headers,
            body,
            client_certificate,
            http_version: format!("{:?}", parts.version),
        });
        let token = path.strip_prefix("/3/device/").unwrap_or_default();
        let answer = self.answers.lock().unwrap().get(token).cloned();
        let (status, body) = match answer {
            Some((status, reason)) => (status, serde_json::json!({ "reason": reason }).to_string()),
            None => (200, String::new()),
        };
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
        response.headers_mut().insert("apns-id", "00000000-0000-4000-8000-000000000000".parse().unwrap());
        response
    }
}

/// A CA and a `localhost` server certificate it issued: (CA DER, server DER, server PKCS#8).
fn server_pki(dir: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    std::fs::create_dir_all(dir).unwrap();
    let openssl = |args: &[&str]| run(Command::new("openssl").current_dir(dir).args(args));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Test APNs CA",
    ]);
    std::fs::write(dir.join("server.ext"), "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    let der = |file: &str, label: &str| {
        let text = std::fs::read(dir.join(file)).unwrap();
        pem_blocks(&text, label).into_iter().next().unwrap().unwrap()
    };
    (der("ca.pem", "CERTIFICATE"), der("server.pem", "CERTIFICATE"), der("server.key", "PRIVATE KEY"))
}

/// Takes any client certificate, once the client has signed the handshake with its key: the
/// test then compares the certificate with the identity's.
#[derive(Debug)]
struct AnyClientCertificate(WebPkiSupportedAlgorithms);

impl ClientCertVerifier for AnyClientCertificate {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, certificate, signature, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, certificate, signature, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
