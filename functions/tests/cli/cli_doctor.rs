//! `tessera doctor` on passes made outside Tessera: manifests hashed here, signatures made by
//! the openssl CLI (as Apple's signpass does), archives zipped by Python's zipfile. Each
//! deliberately broken pass must be diagnosed with its precise reason.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tessera_tests::{copy_fixture, make_openssl_identity};

const PASS_TYPE: &str = "pass.dev.tessera.example";
const TEAM: &str = "TESSERA001";

fn doctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera")).arg("doctor").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// manifest.json for every file of `dir` (SHA-1, lower-case hex).
fn write_manifest(dir: &Path) {
    let mut manifest = serde_json::Map::new();
    for file in files_of(dir, "") {
        let hash = openssl::sha::sha1(&fs::read(dir.join(&file)).unwrap());
        manifest.insert(file, hash.iter().map(|b| format!("{b:02x}")).collect::<String>().into());
    }
    fs::write(dir.join("manifest.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
}

fn files_of(dir: &Path, prefix: &str) -> Vec<String> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            files.extend(files_of(&entry.path(), &format!("{name}/")));
        } else if !matches!(name.as_str(), "manifest.json" | "signature") {
            files.push(name);
        }
    }
    files
}

/// Signs manifest.json the way Apple's signpass does: openssl smime, detached, DER.
fn sign_manifest(dir: &Path, identity: &Path) {
    run(Command::new("openssl")
        .args(["smime", "-sign", "-binary", "-outform", "DER", "-md", "sha256"])
        .arg("-signer")
        .arg(identity.join("certificate.pem"))
        .arg("-inkey")
        .arg(identity.join("private-key.pem"))
        .arg("-certfile")
        .arg(identity.join("wwdr.pem"))
        .arg("-in")
        .arg(dir.join("manifest.json"))
        .arg("-out")
        .arg(dir.join("signature")));
}

fn zip_folder(dir: &Path, out: &Path) {
    let script = "import os,sys,zipfile\n\
        src,out=sys.argv[1],sys.argv[2]\n\
        with zipfile.ZipFile(out,'w',zipfile.ZIP_DEFLATED) as z:\n\
        \x20 for root,_,files in os.walk(src):\n\
        \x20   for f in sorted(files):\n\
        \x20     p=os.path.join(root,f); z.write(p,os.path.relpath(p,src))\n";
    run(Command::new("python3").args(["-c", script]).arg(dir).arg(out));
}

/// A coupon made outside Tessera: `before_manifest` edits the folder, then the manifest is
/// hashed and signed by `identity`, then `after_signing` edits it; zipped to a .pkpass.
fn hand_made(
    work: &Path,
    name: &str,
    identity: &Path,
    before_manifest: impl FnOnce(&Path),
    after_signing: impl FnOnce(&Path),
) -> PathBuf {
    let dir = copy_fixture("coupon", &work.join(format!("src-{name}")));
    before_manifest(&dir);
    write_manifest(&dir);
    sign_manifest(&dir, identity);
    after_signing(&dir);
    let out = work.join(format!("{name}.pkpass"));
    zip_folder(&dir, &out);
    out
}

fn edit_pass(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut pass: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("pass.json")).unwrap()).unwrap();
    edit(&mut pass);
    fs::write(dir.join("pass.json"), serde_json::to_vec(&pass).unwrap()).unwrap();
}

fn expect_error(pkpass: &Path, reason: &str) {
    let output = doctor(&[pkpass.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains(reason), "expected `{reason}` in:\n{}", stdout(&output));
}

#[test]
fn a_pass_signed_with_openssl_is_diagnosed_clean_and_broken_ones_precisely() {
    let work = tempfile::tempdir().unwrap();
    let identity = make_openssl_identity(&work.path().join("identity"), PASS_TYPE, TEAM);

    let good = hand_made(work.path(), "good", &identity, |_| {}, |_| {});
    let output = doctor(&[good.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("(serial CP-0001): ok, 0 errors, 0 warnings"), "{}", stdout(&output));
    let wwdr = identity.join("wwdr.pem");
    let output = doctor(&["--wwdr", wwdr.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "chains to the WWDR given: {}", stdout(&output));

    let changed = hand_made(work.path(), "hash", &identity, |_| {}, |d| fs::write(d.join("logo.png"), b"x").unwrap());
    expect_error(&changed, "logo.png: its SHA-1 is");

    let missing =
        hand_made(work.path(), "missing", &identity, |_| {}, |d| fs::remove_file(d.join("strip.png")).unwrap());
    expect_error(&missing, "strip.png: is listed in manifest.json but not in the archive");

    let unlisted = hand_made(
        work.path(),
        "unlisted",
        &identity,
        |_| {},
        |d| {
            fs::copy(d.join("logo.png"), d.join("thumbnail.png")).unwrap();
        },
    );
    expect_error(&unlisted, "thumbnail.png: is not listed in manifest.json");

    // The signature of another manifest: re-hashed after signing.
    let resigned = hand_made(
        work.path(),
        "digest",
        &identity,
        |_| {},
        |d| {
            edit_pass(d, |p| p["description"] = "changed".into());
            write_manifest(d);
        },
    );
    expect_error(&resigned, "signature: its message digest is not manifest.json's");

    let other = make_openssl_identity(&work.path().join("other"), "pass.com.example.other", "OTHERTEAM1");
    let mismatch = hand_made(work.path(), "uid", &other, |_| {}, |_| {});
    expect_error(&mismatch, "passTypeIdentifier: `pass.dev.tessera.example` is not the signing certificate's UID");
    expect_error(&mismatch, "teamIdentifier: `TESSERA001` is not the signing certificate's OU");
    let output = doctor(&["--wwdr", wwdr.to_str().unwrap(), good.to_str().unwrap(), mismatch.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("not issued by the WWDR certificate given"), "{}", stdout(&output));

    let nfc = hand_made(
        work.path(),
        "nfc",
        &identity,
        |d| {
            edit_pass(d, |p| p["nfc"] = serde_json::json!({"message": "member-1"}));
        },
        |_| {},
    );
    expect_error(&nfc, "nfc.encryptionPublicKey: is required");

    let truncated = hand_made(
        work.path(),
        "png",
        &identity,
        |d| {
            let logo = fs::read(d.join("logo.png")).unwrap();
            fs::write(d.join("logo.png"), &logo[..logo.len() - 20]).unwrap();
        },
        |_| {},
    );
    expect_error(&truncated, "logo.png: is truncated");

    // The openssl identity is valid for 30 days: checked as of next year, it has expired.
    let output = doctor(&["--at", "2099-01-01T00:00:00Z", good.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("the Pass Type ID certificate expired on"), "{}", stdout(&output));
}

#[test]
fn folders_bundles_json_and_usage() {
    let work = tempfile::tempdir().unwrap();
    let identity = make_openssl_identity(&work.path().join("identity"), PASS_TYPE, TEAM);
    let good = hand_made(work.path(), "good", &identity, |_| {}, |_| {});

    // A pass source folder (unsigned) is checked against the rules only.
    let source = copy_fixture("boarding-pass", &work.path().join("source"));
    let output = doctor(&[source.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    edit_pass(&source, |p| p["boardingPass"]["auxiliaryFields"][0]["row"] = 0.into());
    let output = doctor(&["--json", source.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["errors"], 1, "{report}");
    let finding = &report["passes"][0]["findings"][0];
    assert_eq!(finding["path"], "boardingPass.auxiliaryFields[0].row");
    assert_eq!(finding["severity"], "error");

    // A .pkpasses bundle: each pass diagnosed under its entry's name.
    let bundle_dir = work.path().join("bundle");
    fs::create_dir_all(&bundle_dir).unwrap();
    fs::copy(&good, bundle_dir.join("1.pkpass")).unwrap();
    fs::copy(&good, bundle_dir.join("2.pkpass")).unwrap();
    let bundle = work.path().join("tickets.pkpasses");
    zip_folder(&bundle_dir, &bundle);
    let output = doctor(&[bundle.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("tickets.pkpasses/2.pkpass (serial CP-0001): ok"), "{}", stdout(&output));

    let output = doctor(&[work.path().join("absent.pkpass").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "unreadable input is a usage error");
    let output = doctor(&["--at", "tomorrow", good.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    fs::write(work.path().join("junk.pkpass"), b"not a zip").unwrap();
    expect_error(&work.path().join("junk.pkpass"), "(zip): is not a ZIP archive");
}
