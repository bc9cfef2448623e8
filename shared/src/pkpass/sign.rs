//! Detached CMS (PKCS#7) signatures, as Wallet expects for manifest.json and personalization
//! tokens (RFC 5652 SignedData): SHA-256, signed attributes with the content type, the
//! signing time and the digest, and the signer certificate with the WWDR intermediate.

use aws_lc_rs::digest::{SHA256, digest};

use super::der::{self, CONTEXT_0, NULL, OCTET_STRING, SEQUENCE, constructed, oid, set_of, small_integer, tlv};
use super::identity::SigningIdentity;

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const DATA: &str = "1.2.840.113549.1.7.1";
const SHA256_OID: &str = "2.16.840.1.101.3.4.2.1";
const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signing key refused to sign")]
pub struct SignError;

/// DER SignedData over `data`, detached, signed at `signing_time` (Unix seconds).
pub fn sign_detached(identity: &SigningIdentity, data: &[u8], signing_time: i64) -> Result<Vec<u8>, SignError> {
    let sha256 = constructed(SEQUENCE, &[&oid(SHA256_OID), &tlv(NULL, &[])]);
    let attribute = |kind: &str, value: Vec<u8>| constructed(SEQUENCE, &[&oid(kind), &set_of(vec![value])]);
    let attributes = set_of(vec![
        attribute(CONTENT_TYPE, oid(DATA)),
        attribute(SIGNING_TIME, der::time(signing_time)),
        attribute(MESSAGE_DIGEST, tlv(OCTET_STRING, digest(&SHA256, data).as_ref())),
    ]);
    // The signature covers the attributes as a SET; the SignerInfo carries them as [0].
    let signature = identity.key().sign(&attributes).map_err(|_| SignError)?;
    let mut signed_attributes = attributes;
    signed_attributes[0] = CONTEXT_0;

    let certificate = identity.certificate();
    let signer_id = constructed(SEQUENCE, &[certificate.issuer(), certificate.serial()]);
    let signer_info = constructed(
        SEQUENCE,
        &[
            &small_integer(1),
            &signer_id,
            &sha256,
            &signed_attributes,
            &identity.key().signature_algorithm(),
            &tlv(OCTET_STRING, &signature),
        ],
    );
    let certificates = constructed(CONTEXT_0, &[certificate.der(), identity.wwdr().der()]);
    let signed_data = constructed(
        SEQUENCE,
        &[
            &small_integer(1),
            &set_of(vec![sha256.clone()]),
            &constructed(SEQUENCE, &[&oid(DATA)]),
            &certificates,
            &set_of(vec![signer_info]),
        ],
    );
    Ok(constructed(SEQUENCE, &[&oid(SIGNED_DATA), &constructed(CONTEXT_0, &[&signed_data])]))
}
