//! Verifying a detached CMS signature (RFC 5652 SignedData) as Wallet does for manifest.json,
//! whoever made it: the signer certificate found by issuer and serial among the signature's
//! certificates, the message digest attribute against the content, and the signature over the
//! signed attributes (or over the content when there are none) with the signer's key.

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};

use super::der::{self, Reader, Tlv};
use super::x509::{Certificate, oid_value};

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

/// A signature that verifies: who signed, with which certificates alongside, and when.
#[derive(Debug, Clone)]
pub struct Verified {
    pub signer: Certificate,
    /// Every certificate the signature carries (the signer's included).
    pub certificates: Vec<Certificate>,
    /// The signingTime attribute (Unix seconds), when there is one.
    pub signing_time: Option<i64>,
    /// The digest algorithm's name (`SHA-256`, `SHA-1`, …).
    pub digest: &'static str,
}

/// Verifies `signature` (DER ContentInfo) over `content`; says why it does not verify.
pub fn verify_detached(signature: &[u8], content: &[u8]) -> Result<Verified, String> {
    let malformed = |_| "is not a DER CMS SignedData structure".to_string();
    let info = der::single(signature, der::SEQUENCE).map_err(malformed)?;
    let mut info = Reader::new(info.value);
    let kind = info.expect(der::OID).map_err(malformed)?;
    if kind.value != oid_value(SIGNED_DATA).as_slice() {
        return Err("is a CMS structure but not SignedData".into());
    }
    let explicit = info.expect(der::CONTEXT_0).map_err(malformed)?;
    let signed_data = der::single(explicit.value, der::SEQUENCE).map_err(malformed)?;
    let mut parts = Reader::new(signed_data.value);
    parts.expect(der::INTEGER).map_err(malformed)?;
    parts.expect(der::SET).map_err(malformed)?;
    let encapsulated = parts.expect(der::SEQUENCE).map_err(malformed)?;
    let mut encapsulated = Reader::new(encapsulated.value);
    encapsulated.expect(der::OID).map_err(malformed)?;
    if !encapsulated.is_empty() {
        return Err("carries the content inside: Wallet needs a detached signature".into());
    }
    let certificates = match parts.optional(der::CONTEXT_0).map_err(malformed)? {
        Some(set) => read_certificates(set.value)?,
        None => Vec::new(),
    };
    parts.optional(0xa1).map_err(malformed)?;
    let signer_infos = parts.expect(der::SET).map_err(malformed)?;
    let mut signer_infos = Reader::new(signer_infos.value);
    let signer_info = signer_infos.expect(der::SEQUENCE).map_err(|_| "has no signer".to_string())?;
    if !signer_infos.is_empty() {
        return Err("has more than one signer".into());
    }
    verify_signer(signer_info.value, &certificates, content).map(|(signer, signing_time, digest)| Verified {
        signer,
        certificates,
        signing_time,
        digest,
    })
}

fn read_certificates(set: &[u8]) -> Result<Vec<Certificate>, String> {
    let mut reader = Reader::new(set);
    let mut certificates = Vec::new();
    while !reader.is_empty() {
        let tlv = reader.any().map_err(|_| "has a damaged certificate list".to_string())?;
        let certificate =
            Certificate::from_der(tlv.raw).map_err(|_| "carries a certificate that does not parse".to_string())?;
        certificates.push(certificate);
    }
    Ok(certificates)
}

fn verify_signer(
    signer_info: &[u8],
    certificates: &[Certificate],
    content: &[u8],
) -> Result<(Certificate, Option<i64>, &'static str), String> {
    let malformed = |_| "has a damaged SignerInfo".to_string();
    let mut parts = Reader::new(signer_info);
    parts.expect(der::INTEGER).map_err(malformed)?;
    let sid =
        parts.expect(der::SEQUENCE).map_err(|_| "names its signer by key id, which Wallet does not".to_string())?;
    let mut sid = Reader::new(sid.value);
    let issuer = sid.expect(der::SEQUENCE).map_err(malformed)?;
    let serial = sid.expect(der::INTEGER).map_err(malformed)?;
    let signer = certificates
        .iter()
        .find(|c| c.issuer() == issuer.raw && c.serial() == serial.raw)
        .cloned()
        .ok_or("does not carry the signer's certificate")?;
    let digest_algorithm = algorithm_oid(&parts.expect(der::SEQUENCE).map_err(malformed)?)?;
    let (digest, digest_name) = digest_for(&digest_algorithm)?;
    let attributes = parts.optional(der::CONTEXT_0).map_err(malformed)?;
    let signature_algorithm = algorithm_oid(&parts.expect(der::SEQUENCE).map_err(malformed)?)?;
    let signature = parts.expect(der::OCTET_STRING).map_err(malformed)?.value;

    let content_digest = digest::digest(digest, content);
    let (signed_bytes, signing_time) = match attributes {
        None => (content.to_vec(), None),
        Some(attributes) => {
            let (message_digest, signing_time) = read_attributes(attributes.value)?;
            if message_digest.as_deref() != Some(content_digest.as_ref()) {
                return Err("its message digest is not manifest.json's: the manifest changed after signing".into());
            }
            // The signature covers the attributes encoded as a SET, not with their [0] tag.
            let mut bytes = attributes.raw.to_vec();
            bytes[0] = der::SET;
            (bytes, signing_time)
        }
    };
    let algorithm = verification_algorithm(&signature_algorithm, digest_name, &signer)?;
    UnparsedPublicKey::new(algorithm, signer.public_key())
        .verify(&signed_bytes, signature)
        .map_err(|_| "does not verify with the signer certificate's key".to_string())?;
    Ok((signer, signing_time, digest_name))
}

fn read_attributes(attributes: &[u8]) -> Result<(Option<Vec<u8>>, Option<i64>), String> {
    let malformed = |_| "has damaged signed attributes".to_string();
    let mut reader = Reader::new(attributes);
    let (mut message_digest, mut signing_time) = (None, None);
    while !reader.is_empty() {
        let attribute = reader.expect(der::SEQUENCE).map_err(malformed)?;
        let mut attribute = Reader::new(attribute.value);
        let kind = attribute.expect(der::OID).map_err(malformed)?;
        let values = attribute.expect(der::SET).map_err(malformed)?;
        let value = Reader::new(values.value).any().map_err(malformed)?;
        if kind.value == oid_value(MESSAGE_DIGEST).as_slice() {
            message_digest = Some(value.value.to_vec());
        } else if kind.value == oid_value(SIGNING_TIME).as_slice() {
            signing_time = Some(der::read_time(&value).map_err(malformed)?);
        }
    }
    Ok((message_digest, signing_time))
}

fn algorithm_oid(algorithm: &Tlv<'_>) -> Result<Vec<u8>, String> {
    let mut parts = Reader::new(algorithm.value);
    Ok(parts.expect(der::OID).map_err(|_| "has a damaged algorithm identifier".to_string())?.value.to_vec())
}

fn digest_for(oid: &[u8]) -> Result<(&'static digest::Algorithm, &'static str), String> {
    let is = |dotted: &str| oid == oid_value(dotted).as_slice();
    if is("2.16.840.1.101.3.4.2.1") {
        Ok((&digest::SHA256, "SHA-256"))
    } else if is("1.3.14.3.2.26") {
        Ok((&digest::SHA1_FOR_LEGACY_USE_ONLY, "SHA-1"))
    } else if is("2.16.840.1.101.3.4.2.2") {
        Ok((&digest::SHA384, "SHA-384"))
    } else if is("2.16.840.1.101.3.4.2.3") {
        Ok((&digest::SHA512, "SHA-512"))
    } else {
        Err("uses a digest algorithm Wallet does not read".into())
    }
}

fn verification_algorithm(
    signature_oid: &[u8],
    digest: &str,
    signer: &Certificate,
) -> Result<&'static dyn VerificationAlgorithm, String> {
    let is = |dotted: &str| signature_oid == oid_value(dotted).as_slice();
    let rsa = is("1.2.840.113549.1.1.1")
        || is("1.2.840.113549.1.1.5")
        || is("1.2.840.113549.1.1.11")
        || is("1.2.840.113549.1.1.12")
        || is("1.2.840.113549.1.1.13");
    let ecdsa = is("1.2.840.10045.4.3.2") || is("1.2.840.10045.4.3.3") || is("1.2.840.10045.4.3.4");
    let p384 = signer.key_curve_is(P384);
    let algorithm: &'static dyn VerificationAlgorithm = match (rsa, ecdsa, digest) {
        (true, _, "SHA-256") => &signature::RSA_PKCS1_2048_8192_SHA256,
        (true, _, "SHA-1") => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (true, _, "SHA-384") => &signature::RSA_PKCS1_2048_8192_SHA384,
        (true, _, "SHA-512") => &signature::RSA_PKCS1_2048_8192_SHA512,
        (_, true, "SHA-256") if signer.key_curve_is(P256) => &signature::ECDSA_P256_SHA256_ASN1,
        (_, true, "SHA-256") if p384 => &signature::ECDSA_P384_SHA256_ASN1,
        (_, true, "SHA-384") if p384 => &signature::ECDSA_P384_SHA384_ASN1,
        (_, true, "SHA-384") => &signature::ECDSA_P256_SHA384_ASN1,
        _ => return Err(format!("uses a signature algorithm Tessera cannot check with a {digest} digest")),
    };
    Ok(algorithm)
}
