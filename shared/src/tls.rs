//! Outbound HTTPS clients that verify servers against Mozilla's roots bundled in the binary
//! (webpki-root-certs). A host without a trust store (a bare Lambda image, a scratch container)
//! still verifies servers, and building a client never reads the system, so it cannot fail a
//! process at start: a client that could not be built fails only the requests that need it.

use reqwest::{Certificate, Client, ClientBuilder};

/// Builds `builder` with the bundled roots as the only trust anchors.
pub fn with_bundled_roots(builder: ClientBuilder) -> Result<Client, String> {
    let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().filter_map(|der| Certificate::from_der(der).ok());
    builder.tls_certs_only(roots).build().map_err(|e| format!("the HTTPS client could not be built: {e}"))
}
