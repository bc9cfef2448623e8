//! Facts about signed bundles and the development PKI, checked with the openssl CLI.

use std::fs;
use std::path::Path;
use std::process::Command;

use tessera::embedded::{DevPki, read_pass_folder};
use tessera::pkpass::{PassAssets, build_pkpass};
use tessera_tests::{assert_manifest_matches, assert_signature_verifies, pass_fixture, print_cms, run, unzip};

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn sign_fixture(name: &str, pki: &DevPki, out: &Path) {
    let folder = read_pass_folder(&pass_fixture(name)).unwrap();
    let identity = pki.identity("pass.dev.tessera.example", "TESSERA001", now()).unwrap();
    let bytes = build_pkpass(&folder.pass, &PassAssets::new(folder.files).unwrap(), &identity, now()).unwrap();
    fs::write(out, bytes).unwrap();
}

#[test]
fn the_signature_carries_a_signing_time_and_the_manifest_digest() {
    let work = tempfile::tempdir().unwrap();
    let pki = DevPki::open_or_create(&work.path().join("pki")).unwrap();
    let out = work.path().join("ticket.pkpass");
    sign_fixture("event-ticket", &pki, &out);
    let extracted = unzip(&out, &work.path().join("x"));
    assert_manifest_matches(&extracted);
    assert_signature_verifies(&extracted, &pki.root_path());
    let cms = print_cms(&extracted.join("signature"));
    assert!(cms.contains("signingTime"), "{cms}");
    assert!(cms.contains("messageDigest"), "{cms}");
    assert!(cms.contains("eContent: <ABSENT>"), "the signature is detached: {cms}");
}

#[test]
fn the_dev_pki_is_created_once_and_keeps_its_keys_private() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("pki");
    let first = DevPki::open_or_create(&dir).unwrap();
    let root = fs::read(first.root_path()).unwrap();
    let identity = first.identity("pass.dev.tessera.example", "TESSERA001", now()).unwrap();
    let again = DevPki::open_or_create(&dir).unwrap();
    assert_eq!(fs::read(again.root_path()).unwrap(), root, "the root is reused");
    let reused = again.identity("pass.dev.tessera.example", "TESSERA001", now()).unwrap();
    assert_eq!(reused.certificate().der().to_vec(), identity.certificate().der().to_vec());

    let other_team = again.identity("pass.dev.tessera.example", "NEWTEAM001", now()).unwrap();
    assert_eq!(other_team.team_id(), "NEWTEAM001", "a different team gets a new certificate");
    let near_expiry = identity.expires_at() - 86_400;
    let renewed = again.identity("pass.dev.tessera.example", "NEWTEAM001", near_expiry).unwrap();
    assert_ne!(renewed.certificate().der().to_vec(), other_team.certificate().der().to_vec(), "renewed before expiry");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for key in ["root-key.pem", "wwdr-key.pem", "passes/pass.dev.tessera.example/private-key.pem"] {
            let mode = fs::metadata(dir.join(key)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{key}");
        }
    }
    let identity_dir = again.identity_dir("pass.dev.tessera.example");
    run(Command::new("openssl")
        .args(["verify", "-CAfile"])
        .arg(again.root_path())
        .arg("-untrusted")
        .arg(identity_dir.join("wwdr.pem"))
        .arg(identity_dir.join("certificate.pem")));
}

#[test]
fn concurrent_first_runs_agree_on_one_root() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("pki");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let pki = DevPki::open_or_create(&dir).unwrap();
                pki.identity("pass.dev.tessera.example", "TESSERA001", now()).unwrap().certificate().der().to_vec()
            })
        })
        .collect();
    let certificates: Vec<Vec<u8>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(certificates.windows(2).all(|w| w[0] == w[1]), "all runs share one signer");
    let pki = DevPki::open_or_create(&dir).unwrap();
    let out = work.path().join("g.pkpass");
    sign_fixture("generic", &pki, &out);
    assert_signature_verifies(&unzip(&out, &work.path().join("x")), &pki.root_path());
}
