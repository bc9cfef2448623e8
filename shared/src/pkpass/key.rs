//! The private key of a signing identity: RSA (signs PKCS#1 v1.5 with SHA-256) or EC P-256
//! (ECDSA with SHA-256), as Apple's own signer accepts. Held as PKCS#8, parsed by AWS-LC.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256};

use super::der::{self, NULL, OCTET_STRING, SEQUENCE, constructed, oid, small_integer, tlv};
use super::x509::RSA_ENCRYPTION;

const ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";

pub enum SigningKey {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl SigningKey {
    /// A key from a PEM text: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC 1
    /// (`EC PRIVATE KEY`), unencrypted. Answers the key and its PKCS#8 encoding.
    pub fn from_pem(pem: &[u8]) -> Option<(SigningKey, Vec<u8>)> {
        let first = |label| der::pem_blocks(pem, label).into_iter().next().and_then(Result::ok);
        if let Some(pkcs8) = first("PRIVATE KEY") {
            return SigningKey::from_pkcs8(&pkcs8).map(|key| (key, pkcs8));
        }
        if let Some(pkcs1) = first("RSA PRIVATE KEY") {
            let pkcs8 = constructed(SEQUENCE, &[&small_integer(0), &rsa_encryption(), &tlv(OCTET_STRING, &pkcs1)]);
            return SigningKey::from_pkcs8(&pkcs8).map(|key| (key, pkcs8));
        }
        let sec1 = first("EC PRIVATE KEY")?;
        let key = EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_ASN1_SIGNING, &sec1).ok()?;
        let pkcs8 = key.to_pkcs8v1().ok()?.as_ref().to_vec();
        Some((SigningKey::Ec(key), pkcs8))
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Option<SigningKey> {
        if let Ok(rsa) = RsaKeyPair::from_pkcs8(pkcs8) {
            return Some(SigningKey::Rsa(rsa));
        }
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8).ok().map(SigningKey::Ec)
    }

    /// The public key as a certificate holds it: an RSAPublicKey, or the EC point.
    pub fn public_key(&self) -> &[u8] {
        match self {
            SigningKey::Rsa(key) => key.public_key().as_ref(),
            SigningKey::Ec(key) => key.public_key().as_ref(),
        }
    }

    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, aws_lc_rs::error::Unspecified> {
        match self {
            SigningKey::Rsa(key) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut signature)?;
                Ok(signature)
            }
            SigningKey::Ec(key) => Ok(key.sign(&SystemRandom::new(), message)?.as_ref().to_vec()),
        }
    }

    /// The AlgorithmIdentifier a CMS SignerInfo names for this key's signatures.
    pub fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            SigningKey::Rsa(_) => rsa_encryption(),
            SigningKey::Ec(_) => constructed(SEQUENCE, &[&oid(ECDSA_WITH_SHA256)]),
        }
    }
}

/// The rsaEncryption AlgorithmIdentifier, which PKCS#8 and CMS both name RSA keys by.
fn rsa_encryption() -> Vec<u8> {
    constructed(SEQUENCE, &[&oid(RSA_ENCRYPTION), &tlv(NULL, &[])])
}
