//! Signing identities in every key form a secret store or an export may hold, parsed and
//! signed without OpenSSL, and every signature checked by OpenSSL's own PKCS#7 verifier.

use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509, X509NameBuilder};
use tessera::embedded::dev_pki::{Issued, generate_root_and_wwdr, issue_pass_certificate};
use tessera::pkpass::{IdentityError, SigningIdentity, der, sign_detached};

const SIGNED_AT: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn pki() -> &'static (Issued, Issued) {
    static PKI: std::sync::OnceLock<(Issued, Issued)> = std::sync::OnceLock::new();
    PKI.get_or_init(|| generate_root_and_wwdr().unwrap())
}

fn pem(certificate: &X509) -> Vec<u8> {
    certificate.to_pem().unwrap()
}

/// A Pass Type ID certificate for `key`, issued by `issuer` with `digest`.
fn certificate_for(key: &PKey<Private>, issuer: &Issued, digest: MessageDigest) -> X509 {
    let mut subject = X509NameBuilder::new().unwrap();
    subject.append_entry_by_text("UID", "pass.example.keys").unwrap();
    subject.append_entry_by_text("OU", "KEYS000001").unwrap();
    subject.append_entry_by_text("CN", "Pass Type ID: pass.example.keys").unwrap();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    builder.set_serial_number(&openssl::bn::BigNum::from_u32(0x8765_4321).unwrap().to_asn1_integer().unwrap()).unwrap();
    builder.set_subject_name(&subject.build()).unwrap();
    builder.set_issuer_name(issuer.certificate.subject_name()).unwrap();
    builder.set_pubkey(key).unwrap();
    builder.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap()).unwrap();
    builder.set_not_after(&openssl::asn1::Asn1Time::days_from_now(30).unwrap()).unwrap();
    builder.sign(&issuer.key, digest).unwrap();
    builder.build()
}

/// An intermediate named `CN=EC intermediate` for `key`, issued by `issuer`.
fn intermediate(key: &PKey<Private>, issuer: &Issued) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "EC intermediate").unwrap();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    builder.set_subject_name(&name.build()).unwrap();
    builder.set_issuer_name(issuer.certificate.subject_name()).unwrap();
    builder.set_pubkey(key).unwrap();
    builder.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap()).unwrap();
    builder.set_not_after(&openssl::asn1::Asn1Time::days_from_now(30).unwrap()).unwrap();
    builder.sign(&issuer.key, MessageDigest::sha256()).unwrap();
    builder.build()
}

fn p256_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

/// OpenSSL verifies `signature` over `content` with the signer certificate it carries,
/// chained to the test root through the WWDR it carries.
fn assert_verifies(signature: &[u8], content: &[u8]) {
    let pkcs7 = Pkcs7::from_der(signature).unwrap();
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(pki().0.certificate.clone()).unwrap();
    pkcs7
        .verify(&Stack::new().unwrap(), &store.build(), Some(content), None, Pkcs7Flags::BINARY)
        .expect("OpenSSL verifies the signature");
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(pki().0.certificate.clone()).unwrap();
    let other = pkcs7.verify(&Stack::new().unwrap(), &store.build(), Some(b"other"), None, Pkcs7Flags::BINARY);
    assert!(other.is_err(), "the signature covers exactly its content");
}

#[test]
fn a_p256_key_in_sec1_pem_signs_with_ecdsa() {
    let key = p256_key();
    let certificate = certificate_for(&key, &pki().1, MessageDigest::sha256());
    let sec1 = key.ec_key().unwrap().private_key_to_pem().unwrap();
    assert_eq!(der::pem_blocks(&sec1, "EC PRIVATE KEY").len(), 1, "SEC 1");
    let identity = SigningIdentity::from_pem(&pem(&certificate), &sec1, &pem(&pki().1.certificate)).unwrap();
    assert_eq!((identity.pass_type_id(), identity.team_id()), ("pass.example.keys", "KEYS000001"));
    let signature = sign_detached(&identity, b"manifest bytes", SIGNED_AT).unwrap();
    assert_verifies(&signature, b"manifest bytes");
}

#[test]
fn an_rsa_key_in_pkcs1_pem_signs_and_is_stored_as_pkcs8() {
    let signer = issue_pass_certificate(&pki().1, "pass.example.pkcs1", "PKCS100001").unwrap();
    let pkcs1 = signer.key.rsa().unwrap().private_key_to_pem().unwrap();
    assert_eq!(der::pem_blocks(&pkcs1, "RSA PRIVATE KEY").len(), 1, "PKCS#1");
    let identity = SigningIdentity::from_pem(&pem(&signer.certificate), &pkcs1, &pem(&pki().1.certificate)).unwrap();
    let [certificate, key, wwdr] = identity.to_pem();
    let blocks = der::pem_blocks(key.as_bytes(), "PRIVATE KEY");
    assert!(blocks.len() == 1 && blocks[0].is_ok() && key.starts_with("-----BEGIN "), "stored as one PKCS#8 block");
    let again = SigningIdentity::from_pem(certificate.as_bytes(), key.as_bytes(), wwdr.as_bytes()).unwrap();
    assert_eq!(again.certificate().der(), signer.certificate.to_der().unwrap().as_slice());
    assert_verifies(&sign_detached(&again, b"token", SIGNED_AT).unwrap(), b"token");
}

#[test]
fn an_encrypted_key_needs_its_password() {
    let signer = issue_pass_certificate(&pki().1, "pass.example.locked", "LOCKED0001").unwrap();
    let locked = signer.key.private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), b"s3cret").unwrap();
    let (certificate, wwdr) = (pem(&signer.certificate), pem(&pki().1.certificate));
    assert_eq!(SigningIdentity::from_pem(&certificate, &locked, &wwdr).unwrap_err(), IdentityError::BadPrivateKey);
    assert_eq!(
        SigningIdentity::from_encrypted_pem(&certificate, &locked, b"guess", &wwdr).unwrap_err(),
        IdentityError::BadPrivateKey
    );
    let identity = SigningIdentity::from_encrypted_pem(&certificate, &locked, b"s3cret", &wwdr).unwrap();
    assert_verifies(&sign_detached(&identity, b"m", SIGNED_AT).unwrap(), b"m");
}

#[test]
fn a_certificate_signed_with_sha384_or_by_an_ec_intermediate_is_recognised() {
    let key = p256_key();
    let sha384 = certificate_for(&key, &pki().1, MessageDigest::sha384());
    let sec1 = key.ec_key().unwrap().private_key_to_pem().unwrap();
    SigningIdentity::from_pem(&pem(&sha384), &sec1, &pem(&pki().1.certificate)).unwrap();

    // An intermediate with a P-256 key (ecdsa-with-SHA256 on the pass certificate).
    let ec_wwdr_key = p256_key();
    let ec_wwdr = Issued { certificate: intermediate(&ec_wwdr_key, &pki().1), key: ec_wwdr_key };
    let signer_key = p256_key();
    let signed_by_ec = certificate_for(&signer_key, &ec_wwdr, MessageDigest::sha256());
    let signer_sec1 = signer_key.ec_key().unwrap().private_key_to_pem().unwrap();
    SigningIdentity::from_pem(&pem(&signed_by_ec), &signer_sec1, &pem(&ec_wwdr.certificate)).unwrap();
    // The same names, another key: the signature does not verify.
    assert_eq!(
        SigningIdentity::from_pem(&pem(&signed_by_ec), &signer_sec1, &pem(&pki().1.certificate)).unwrap_err(),
        IdentityError::NotIssuedByWwdr
    );
}

#[test]
fn a_key_of_another_certificate_or_curve_is_refused() {
    let key = p256_key();
    let certificate = certificate_for(&key, &pki().1, MessageDigest::sha256());
    let other = p256_key().ec_key().unwrap().private_key_to_pem().unwrap();
    let wwdr = pem(&pki().1.certificate);
    assert_eq!(SigningIdentity::from_pem(&pem(&certificate), &other, &wwdr).unwrap_err(), IdentityError::KeyMismatch);
    let p384 = EcKey::generate(&EcGroup::from_curve_name(Nid::SECP384R1).unwrap()).unwrap();
    assert_eq!(
        SigningIdentity::from_pem(&pem(&certificate), &p384.private_key_to_pem().unwrap(), &wwdr).unwrap_err(),
        IdentityError::BadPrivateKey,
        "Wallet signs with RSA or P-256 only"
    );
}
