//! Detached PKCS#7 signatures, as Wallet expects for manifest.json and personalization tokens.

use openssl::error::ErrorStack;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};

use super::identity::SigningIdentity;

/// DER PKCS#7 SignedData over `data`, detached, carrying the signer certificate, the WWDR
/// intermediate and a signing-time attribute (OpenSSL adds it by default).
pub fn sign_detached(identity: &SigningIdentity, data: &[u8]) -> Result<Vec<u8>, ErrorStack> {
    let flags = Pkcs7Flags::DETACHED | Pkcs7Flags::BINARY | Pkcs7Flags::NOSMIMECAP;
    let pkcs7 = Pkcs7::sign(identity.certificate(), identity.key(), identity.chain(), data, flags)?;
    pkcs7.to_der()
}
