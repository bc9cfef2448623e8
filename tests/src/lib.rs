//! Test kit shared by Tessera's test crates: fixture paths and independent oracles (the
//! `openssl` and `unzip` command-line tools), so bundles are checked by software other than
//! the code that wrote them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The pass source folders under `tests/fixtures/passes`, one per style and feature.
pub const STYLE_FIXTURES: [&str; 5] = ["boarding-pass", "coupon", "event-ticket", "generic", "store-card"];

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn pass_fixture(name: &str) -> PathBuf {
    fixtures_dir().join("passes").join(name)
}

/// Copies a fixture folder so a test can change it.
pub fn copy_fixture(name: &str, to: &Path) -> PathBuf {
    let target = to.join(name);
    copy_dir(&pass_fixture(name), &target);
    target
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

pub fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(output.status.success(), "{command:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// Extracts a ZIP with the `unzip` tool (which also checks every entry's CRC) into `dir`.
pub fn unzip(archive: &Path, dir: &Path) -> PathBuf {
    run(Command::new("unzip").arg("-tq").arg(archive));
    run(Command::new("unzip").arg("-q").arg("-o").arg(archive).arg("-d").arg(dir));
    dir.to_path_buf()
}

/// Every file under `dir` by its bundle path (forward slashes).
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.insert(name, fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// The files of a .pkpass (or any ZIP) given as bytes, extracted with `unzip`.
pub fn pkpass_files(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("bundle.zip");
    fs::write(&archive, bytes).unwrap();
    files_under(&unzip(&archive, &work.path().join("x")))
}

/// SHA-1 of a file computed by `openssl dgst`, lowercase hex.
pub fn openssl_sha1(path: &Path) -> String {
    let out = run(Command::new("openssl").args(["dgst", "-sha1", "-r"]).arg(path));
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

/// Checks an extracted bundle: manifest.json lists every other file with its SHA-1
/// (recomputed by openssl) and nothing else.
pub fn assert_manifest_matches(extracted: &Path) {
    let manifest: BTreeMap<String, String> =
        serde_json::from_slice(&fs::read(extracted.join("manifest.json")).unwrap()).unwrap();
    let files: Vec<String> =
        files_under(extracted).into_keys().filter(|p| p != "manifest.json" && p != "signature").collect();
    assert_eq!(manifest.keys().cloned().collect::<Vec<_>>(), files, "manifest must list exactly the bundle's files");
    for (path, hash) in &manifest {
        assert_eq!(hash, &openssl_sha1(&extracted.join(path)), "hash of {path}");
        assert!(hash.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "lowercase hex: {hash}");
    }
}

/// Verifies `signature` over `manifest.json` with `openssl smime`, trusting only `root`. No
/// intermediate is supplied, so this passes only if the signature carries the WWDR itself.
pub fn assert_signature_verifies(extracted: &Path, root: &Path) {
    let out = Command::new("openssl")
        .args(["smime", "-verify", "-binary", "-inform", "DER", "-purpose", "any", "-out", "/dev/null"])
        .arg("-in")
        .arg(extracted.join("signature"))
        .arg("-content")
        .arg(extracted.join("manifest.json"))
        .arg("-CAfile")
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl smime -verify failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The subjects of the certificates carried in a DER PKCS#7 file, as openssl prints them.
pub fn signature_certificate_subjects(signature: &Path) -> Vec<String> {
    let out = run(Command::new("openssl")
        .args(["pkcs7", "-inform", "DER", "-print_certs", "-noout"])
        .arg("-in")
        .arg(signature));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("subject="))
        .map(|s| s.replace(" = ", "="))
        .collect()
}

/// The CMS structure of a DER signature as `openssl cms -cmsout -print` shows it.
pub fn print_cms(signature: &Path) -> String {
    let out =
        run(Command::new("openssl").args(["cms", "-cmsout", "-print", "-inform", "DER"]).arg("-in").arg(signature));
    String::from_utf8(out.stdout).unwrap()
}
/// A signing identity made with the openssl CLI alone (its own root, WWDR and signer) in
/// `dir`, laid out as an identity folder; `root.pem` is beside it.
pub fn make_openssl_identity(dir: &Path, pass_type_id: &str, team: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    // Arguments split on whitespace, then the subject (which has spaces) if any.
    let openssl = |args: &str, subject: Option<&str>| {
        let mut command = Command::new("openssl");
        command.current_dir(dir).args(args.split_whitespace());
        if let Some(subject) = subject {
            command.args(["-subj", subject]);
        }
        run(&mut command);
    };
    fs::write(dir.join("ca.ext"), "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n")
        .unwrap();
    openssl("req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 30", Some("/CN=Test Root"));
    openssl("req -newkey rsa:2048 -nodes -keyout wwdr.key -out wwdr.csr", Some("/CN=Test WWDR/OU=G4"));
    openssl(
        "x509 -req -in wwdr.csr -CA root.pem -CAkey root.key -CAcreateserial -out wwdr.pem -days 30 -extfile ca.ext",
        None,
    );
    let subject = format!("/UID={pass_type_id}/CN=Pass Type ID: {pass_type_id}/OU={team}/O=Test");
    openssl("req -newkey rsa:2048 -nodes -keyout private-key.pem -out pass.csr", Some(&subject));
    // Version 3 with Apple's usages, as Pass Type ID certificates are (TLS stacks refuse v1).
    fs::write(
        dir.join("pass.ext"),
        "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    openssl(
        "x509 -req -in pass.csr -CA wwdr.pem -CAkey wwdr.key -CAcreateserial -out certificate.pem -days 30 -extfile pass.ext",
        None,
    );
    dir.to_path_buf()
}

/// Exports an identity folder as `pass.p12` with the WWDR in its chain; `legacy` uses the
/// RC2/3DES encryption Keychain Access writes.
pub fn export_p12(identity_dir: &Path, password: &str, legacy: bool) -> PathBuf {
    let mut command = Command::new("openssl");
    command.current_dir(identity_dir).args(["pkcs12", "-export"]);
    if legacy {
        command.arg("-legacy");
    }
    command.args(["-inkey", "private-key.pem", "-in", "certificate.pem", "-certfile", "wwdr.pem", "-out", "pass.p12"]);
    run(command.arg("-passout").arg(format!("pass:{password}")));
    identity_dir.join("pass.p12")
}

pub mod airship_flows;
pub mod api;
pub mod api_flows;
pub mod apns_fake;
pub mod aws_operations;
pub mod barcode_reader;
pub mod callback_flows;
pub mod callback_receiver;
pub mod certificate_flows;
pub mod conformance;
pub mod counting;
pub mod device_flows;
pub mod doctor_flows;
pub mod expiration_flows;
pub mod fault_proxy;
pub mod google_airship_flows;
pub mod google_callback_signer;
pub mod google_fake;
pub mod google_flows;
pub mod google_schema;
pub mod image_host;
pub mod moto;
pub mod pass_batch_flows;
pub mod passentry_flows;
pub mod schedule_flows;
pub mod screenshots;
pub mod segment_flows;
pub mod token_flows;
pub mod trail_flows;
