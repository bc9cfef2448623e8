//! The parts of an X.509 certificate (RFC 5280) that signing needs: issuer and serial (the
//! CMS signer id), subject attributes (the pass type and team), validity, the public key, and
//! whether another certificate's key signed it. Verification is AWS-LC's.

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};

use super::der::{self, Malformed, Reader};

pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub const PRIME256V1: &str = "1.2.840.10045.3.1.7";
const SECP384R1: &str = "1.3.132.0.34";
/// Subject attributes of a Pass Type ID certificate.
pub const USER_ID: &str = "0.9.2342.19200300.100.1.1";
pub const ORGANIZATIONAL_UNIT: &str = "2.5.4.11";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    serial: std::ops::Range<usize>,
    issuer: std::ops::Range<usize>,
    subject: std::ops::Range<usize>,
    public_key: std::ops::Range<usize>,
    key_curve: Option<Vec<u8>>,
    signature_algorithm: Vec<u8>,
    signature: std::ops::Range<usize>,
    pub not_before: i64,
    pub not_after: i64,
}

impl Certificate {
    pub fn from_der(der: &[u8]) -> Result<Certificate, Malformed> {
        let at = |part: &[u8]| {
            let start = part.as_ptr() as usize - der.as_ptr() as usize;
            start..start + part.len()
        };
        let certificate = der::single(der, der::SEQUENCE)?;
        let mut outer = Reader::new(certificate.value);
        let tbs = outer.expect(der::SEQUENCE)?;
        let signature_algorithm = algorithm(outer.expect(der::SEQUENCE)?.value)?.0;
        let signature = bit_string(outer.expect(der::BIT_STRING)?.value)?;
        let mut fields = Reader::new(tbs.value);
        fields.optional(der::CONTEXT_0)?;
        let serial = fields.expect(der::INTEGER)?;
        fields.expect(der::SEQUENCE)?;
        let issuer = fields.expect(der::SEQUENCE)?;
        let mut validity = Reader::new(fields.expect(der::SEQUENCE)?.value);
        let not_before = der::read_time(&validity.any()?)?;
        let not_after = der::read_time(&validity.any()?)?;
        let subject = fields.expect(der::SEQUENCE)?;
        let spki = fields.expect(der::SEQUENCE)?;
        let mut key_info = Reader::new(spki.value);
        let (_, key_parameters) = algorithm(key_info.expect(der::SEQUENCE)?.value)?;
        let public_key = bit_string(key_info.expect(der::BIT_STRING)?.value)?;
        let key_curve = match key_parameters {
            Some(p) if p.tag == der::OID => Some(p.value.to_vec()),
            _ => None,
        };
        Ok(Certificate {
            tbs: at(tbs.raw),
            serial: at(serial.raw),
            issuer: at(issuer.raw),
            subject: at(subject.raw),
            public_key: at(public_key),
            key_curve,
            signature_algorithm: signature_algorithm.to_vec(),
            signature: at(signature),
            not_before,
            not_after,
            der: der.to_vec(),
        })
    }

    /// The first certificate of a PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<Certificate, Malformed> {
        let der = der::pem_blocks(pem, "CERTIFICATE").into_iter().next().ok_or(Malformed)??;
        Certificate::from_der(&der)
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn to_pem(&self) -> String {
        der::pem("CERTIFICATE", &self.der)
    }

    /// The serial number's whole INTEGER encoding.
    pub fn serial(&self) -> &[u8] {
        &self.der[self.serial.clone()]
    }

    /// The issuer Name's whole encoding.
    pub fn issuer(&self) -> &[u8] {
        &self.der[self.issuer.clone()]
    }

    pub fn subject(&self) -> &[u8] {
        &self.der[self.subject.clone()]
    }

    /// The subject public key: an RSAPublicKey (PKCS#1) or an EC point.
    pub fn public_key(&self) -> &[u8] {
        &self.der[self.public_key.clone()]
    }

    /// The first value of the subject attribute `oid` (dotted), as text.
    pub fn subject_attribute(&self, oid: &str) -> Option<String> {
        let wanted = oid_value(oid);
        let mut names = Reader::new(der::single(self.subject(), der::SEQUENCE).ok()?.value);
        while let Ok(set) = names.expect(der::SET) {
            let mut entries = Reader::new(set.value);
            while let Ok(entry) = entries.expect(der::SEQUENCE) {
                let mut parts = Reader::new(entry.value);
                let (Ok(kind), Ok(value)) = (parts.expect(der::OID), parts.any()) else { continue };
                let text = matches!(value.tag, der::UTF8_STRING | der::PRINTABLE_STRING | der::IA5_STRING);
                if kind.value == wanted.as_slice() && text {
                    return std::str::from_utf8(value.value).ok().map(str::to_owned).filter(|s| !s.is_empty());
                }
            }
        }
        None
    }

    /// Whether `issuer` issued this certificate: its subject is this one's issuer and its key
    /// verifies this one's signature.
    pub fn is_issued_by(&self, issuer: &Certificate) -> bool {
        if self.issuer() != issuer.subject() {
            return false;
        }
        let Some(algorithm) = verification_algorithm(&self.signature_algorithm, issuer) else { return false };
        UnparsedPublicKey::new(algorithm, issuer.public_key())
            .verify(&self.der[self.tbs.clone()], &self.der[self.signature.clone()])
            .is_ok()
    }

    pub fn key_curve_is(&self, curve: &str) -> bool {
        self.key_curve.as_deref() == Some(oid_value(curve).as_slice())
    }
}

/// The point of a SubjectPublicKeyInfo that holds a valid P-256 key.
pub fn p256_point(spki: &[u8]) -> Option<&[u8]> {
    let mut parts = Reader::new(der::single(spki, der::SEQUENCE).ok()?.value);
    let (algorithm_oid, parameters) = algorithm(parts.expect(der::SEQUENCE).ok()?.value).ok()?;
    let point = bit_string(parts.expect(der::BIT_STRING).ok()?.value).ok()?;
    let curve = parameters.filter(|p| p.tag == der::OID)?.value;
    let is_p256 = algorithm_oid == oid_value(EC_PUBLIC_KEY).as_slice() && curve == oid_value(PRIME256V1).as_slice();
    let valid = signature::ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point).is_ok();
    (is_p256 && valid && parts.is_empty()).then_some(point)
}

/// The contents of an OBJECT IDENTIFIER for a dotted constant.
pub fn oid_value(dotted: &str) -> Vec<u8> {
    let encoded = der::oid(dotted);
    encoded[2..].to_vec()
}

/// An AlgorithmIdentifier's OID contents and its parameters, if any.
fn algorithm(value: &[u8]) -> Result<(&[u8], Option<der::Tlv<'_>>), Malformed> {
    let mut parts = Reader::new(value);
    let oid = parts.expect(der::OID)?.value;
    let parameters = if parts.is_empty() { None } else { Some(parts.any()?) };
    Ok((oid, parameters))
}

/// A BIT STRING's bits (whole bytes only, as keys and signatures are).
fn bit_string(value: &[u8]) -> Result<&[u8], Malformed> {
    match value.split_first() {
        Some((0, bits)) => Ok(bits),
        _ => Err(Malformed),
    }
}

fn verification_algorithm(
    signature_algorithm: &[u8],
    issuer: &Certificate,
) -> Option<&'static dyn VerificationAlgorithm> {
    let is = |dotted: &str| signature_algorithm == oid_value(dotted).as_slice();
    let p384 = issuer.key_curve_is(SECP384R1);
    Some(if is("1.2.840.113549.1.1.11") {
        &signature::RSA_PKCS1_2048_8192_SHA256
    } else if is("1.2.840.113549.1.1.12") {
        &signature::RSA_PKCS1_2048_8192_SHA384
    } else if is("1.2.840.113549.1.1.13") {
        &signature::RSA_PKCS1_2048_8192_SHA512
    } else if is("1.2.840.113549.1.1.5") {
        &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
    } else if is("1.2.840.10045.4.3.2") {
        if p384 { &signature::ECDSA_P384_SHA256_ASN1 } else { &signature::ECDSA_P256_SHA256_ASN1 }
    } else if is("1.2.840.10045.4.3.3") {
        if p384 { &signature::ECDSA_P384_SHA384_ASN1 } else { &signature::ECDSA_P256_SHA384_ASN1 }
    } else {
        return None;
    })
}
