//! A signing identity: the Pass Type ID certificate and its key, the Apple WWDR intermediate
//! that issued it, and the pass type and team the certificate names. Loaded from PEM (what
//! a secret store keeps) or a .p12, both without OpenSSL, so functions link none; checked once
//! at load so signing itself cannot fail on a mismatched pair.

use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use super::der;
use super::issue::Issue;
use super::key::SigningKey;
use super::x509::{Certificate, ORGANIZATIONAL_UNIT, USER_ID};
use crate::model::PassJson;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("{0} is not a readable PEM certificate")]
    BadCertificate(&'static str),
    #[error("the private key could not be read (wrong password, or not an RSA or P-256 PEM private key)")]
    BadPrivateKey,
    #[error("the .p12 could not be opened: wrong password")]
    BadP12,
    #[error("the .p12 could not be read: {0}")]
    UnreadableP12(String),
    #[error("the .p12 holds no certificate and private key pair")]
    IncompleteP12,
    #[error("no WWDR intermediate: the .p12 does not include it, so pass it as a PEM file")]
    MissingWwdr,
    #[error("the private key does not belong to the pass certificate")]
    KeyMismatch,
    #[error("the pass certificate was not issued by the given WWDR intermediate")]
    NotIssuedByWwdr,
    #[error("the pass certificate has no {0} in its subject; is it a Pass Type ID certificate?")]
    MissingSubjectPart(&'static str),
}

pub struct SigningIdentity {
    certificate: Certificate,
    key: SigningKey,
    /// The key's PKCS#8 encoding, to store the identity again.
    key_pkcs8: Vec<u8>,
    wwdr: Certificate,
    pass_type_id: String,
    team_id: String,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("pass_type_id", &self.pass_type_id)
            .field("team_id", &self.team_id)
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// From PEM texts, the key unencrypted (PKCS#8, PKCS#1 or SEC 1).
    pub fn from_pem(certificate_pem: &[u8], key_pem: &[u8], wwdr_pem: &[u8]) -> Result<Self, IdentityError> {
        let certificate = Certificate::from_pem(certificate_pem)
            .map_err(|_| IdentityError::BadCertificate("the pass certificate"))?;
        let (key, key_pkcs8) = SigningKey::from_pem(key_pem).ok_or(IdentityError::BadPrivateKey)?;
        let wwdr =
            Certificate::from_pem(wwdr_pem).map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?;
        Self::assemble(certificate, key, key_pkcs8, wwdr)
    }

    /// From PEM texts with the key encrypted under `password` (OpenSSL decrypts it).
    pub fn from_encrypted_pem(
        certificate_pem: &[u8],
        key_pem: &[u8],
        password: &[u8],
        wwdr_pem: &[u8],
    ) -> Result<Self, IdentityError> {
        let key = PKey::private_key_from_pem_passphrase(key_pem, password).map_err(|_| IdentityError::BadPrivateKey)?;
        let pkcs8 = key.private_key_to_pkcs8().map_err(|_| IdentityError::BadPrivateKey)?;
        Self::from_pem(certificate_pem, der::pem("PRIVATE KEY", &pkcs8).as_bytes(), wwdr_pem)
    }

    /// Loads a .p12 as exported by Keychain Access (legacy RC2/3DES encryption) or by OpenSSL 3
    /// (PBES2, AES), without OpenSSL. The WWDR intermediate comes from `wwdr_pem` or, failing
    /// that, from the .p12's chain.
    pub fn from_p12(file: &[u8], password: &str, wwdr_pem: Option<&[u8]>) -> Result<Self, IdentityError> {
        let contents = super::pkcs12::read(file, password).map_err(|e| match e {
            super::pkcs12::Pkcs12Error::WrongPassword => IdentityError::BadP12,
            other => IdentityError::UnreadableP12(other.to_string()),
        })?;
        let certificates: Vec<Certificate> =
            contents.certificates.iter().filter_map(|der| Certificate::from_der(der).ok()).collect();
        let key_pkcs8 = contents.keys.first().ok_or(IdentityError::IncompleteP12)?.clone();
        let key = SigningKey::from_pkcs8(&key_pkcs8).ok_or(IdentityError::BadPrivateKey)?;
        let certificate = certificates
            .iter()
            .find(|c| c.public_key() == key.public_key())
            .cloned()
            .ok_or(IdentityError::IncompleteP12)?;
        let wwdr = match wwdr_pem {
            Some(pem) => {
                Certificate::from_pem(pem).map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?
            }
            None => certificates
                .iter()
                .find(|ca| certificate.is_issued_by(ca))
                .cloned()
                .ok_or(IdentityError::MissingWwdr)?,
        };
        Self::assemble(certificate, key, key_pkcs8, wwdr)
    }

    /// From OpenSSL's types (the development PKI, .p12 files).
    pub fn new(certificate: X509, key: PKey<Private>, wwdr: X509) -> Result<Self, IdentityError> {
        let der_of = |c: &X509, what| c.to_der().map_err(|_| IdentityError::BadCertificate(what));
        let certificate = Certificate::from_der(&der_of(&certificate, "the pass certificate")?)
            .map_err(|_| IdentityError::BadCertificate("the pass certificate"))?;
        let wwdr = Certificate::from_der(&der_of(&wwdr, "the WWDR intermediate")?)
            .map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?;
        let key_pkcs8 = key.private_key_to_pkcs8().map_err(|_| IdentityError::BadPrivateKey)?;
        let key = SigningKey::from_pkcs8(&key_pkcs8).ok_or(IdentityError::BadPrivateKey)?;
        Self::assemble(certificate, key, key_pkcs8, wwdr)
    }

    fn assemble(
        certificate: Certificate,
        key: SigningKey,
        key_pkcs8: Vec<u8>,
        wwdr: Certificate,
    ) -> Result<Self, IdentityError> {
        if certificate.public_key() != key.public_key() {
            return Err(IdentityError::KeyMismatch);
        }
        if !certificate.is_issued_by(&wwdr) {
            return Err(IdentityError::NotIssuedByWwdr);
        }
        let pass_type_id = certificate
            .subject_attribute(USER_ID)
            .ok_or(IdentityError::MissingSubjectPart("UID (pass type identifier)"))?;
        let team_id = certificate
            .subject_attribute(ORGANIZATIONAL_UNIT)
            .ok_or(IdentityError::MissingSubjectPart("OU (team identifier)"))?;
        Ok(SigningIdentity { certificate, key, key_pkcs8, wwdr, pass_type_id, team_id })
    }

    pub fn pass_type_id(&self) -> &str {
        &self.pass_type_id
    }

    pub fn team_id(&self) -> &str {
        &self.team_id
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub fn wwdr(&self) -> &Certificate {
        &self.wwdr
    }

    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The identity as three PEM documents (certificate, private key, WWDR), for a secret store.
    pub fn to_pem(&self) -> [String; 3] {
        [self.certificate.to_pem(), der::pem("PRIVATE KEY", &self.key_pkcs8), self.wwdr.to_pem()]
    }

    /// When the pass certificate stops being valid (Unix seconds).
    pub fn expires_at(&self) -> i64 {
        self.certificate.not_after
    }

    /// Why this identity cannot sign `pass` at `now`: Wallet rejects a pass whose
    /// passTypeIdentifier or teamIdentifier differ from the certificate's UID and OU.
    pub fn check_for(&self, pass: &PassJson, now: i64) -> Vec<Issue> {
        let mut issues = Vec::new();
        if let Some(id) = pass.pass_type_identifier.as_deref().filter(|id| *id != self.pass_type_id) {
            issues.push(Issue::new(
                "passTypeIdentifier",
                format!("`{id}` does not match the signing certificate's pass type identifier `{}`", self.pass_type_id),
            ));
        }
        if let Some(team) = pass.team_identifier.as_deref().filter(|team| *team != self.team_id) {
            issues.push(Issue::new(
                "teamIdentifier",
                format!("`{team}` does not match the signing certificate's team identifier `{}`", self.team_id),
            ));
        }
        if now < self.certificate.not_before || now > self.certificate.not_after {
            issues.push(Issue::new("signature", "the pass certificate is expired or not yet valid; renew it"));
        }
        if now > self.wwdr.not_after {
            issues.push(Issue::new(
                "signature",
                "the WWDR intermediate has expired (G1 expired in 2023); use Apple's WWDR G4",
            ));
        }
        issues
    }
}
