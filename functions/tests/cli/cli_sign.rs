//! `tessera sign` as a user runs it: pass folders in, files out, checked with openssl and unzip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tessera_tests::{
    STYLE_FIXTURES, assert_manifest_matches, assert_signature_verifies, copy_fixture, export_p12,
    make_openssl_identity, pass_fixture, signature_certificate_subjects, unzip,
};

fn tessera(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
    command.env("TESSERA_DATA_DIR", data_dir).env_remove("TESSERA_IDENTITY_PASSWORD");
    command
}

fn sign(data_dir: &Path, dirs: &[PathBuf], output: &Path, extra: &[&str]) -> Output {
    tessera(data_dir).arg("sign").args(dirs).arg("-o").arg(output).args(extra).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_style_round_trips_through_openssl_with_the_dev_pki() {
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    for style in STYLE_FIXTURES.into_iter().chain(["store-card-personalizable"]) {
        let out = work.path().join(format!("{style}.pkpass"));
        let result = sign(&data_dir, &[pass_fixture(style)], &out, &[]);
        assert!(result.status.success(), "{style}: {}", stderr(&result));
        assert!(!stderr(&result).contains("warning"), "the fixtures are clean: {}", stderr(&result));

        let extracted = unzip(&out, &work.path().join(style));
        assert_manifest_matches(&extracted);
        assert_signature_verifies(&extracted, &data_dir.join("pki/root.pem"));
        let subjects = signature_certificate_subjects(&extracted.join("signature"));
        assert_eq!(subjects.len(), 2, "{style}: signer and WWDR intermediate: {subjects:?}");
        assert!(subjects.iter().any(|s| s.contains("UID=pass.dev.tessera.example") && s.contains("OU=TESSERA001")));
        assert!(subjects.iter().any(|s| s.contains("WWDR")));

        let source: serde_json::Value =
            serde_json::from_slice(&fs::read(pass_fixture(style).join("pass.json")).unwrap()).unwrap();
        let signed: serde_json::Value =
            serde_json::from_slice(&fs::read(extracted.join("pass.json")).unwrap()).unwrap();
        assert_eq!(signed["serialNumber"], source["serialNumber"]);
        assert_eq!(signed["description"], source["description"]);
    }
    assert!(data_dir.join("pki/wwdr.pem").exists(), "the intermediate is kept at pki/wwdr.pem");
}

#[test]
fn colors_are_written_as_rgb_and_unknown_keys_are_kept() {
    let work = tempfile::tempdir().unwrap();
    let source = copy_fixture("boarding-pass", work.path());
    let mut pass: serde_json::Value = serde_json::from_slice(&fs::read(source.join("pass.json")).unwrap()).unwrap();
    pass["futureAppleKey"] = serde_json::json!({"enabled": true});
    pass["boardingPass"]["primaryFields"][0]["futureFieldKey"] = serde_json::json!("kept");
    fs::write(source.join("pass.json"), serde_json::to_vec(&pass).unwrap()).unwrap();

    let out = work.path().join("bp.pkpass");
    let result = sign(&work.path().join("data"), &[source], &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    let extracted = unzip(&out, &work.path().join("x"));
    let signed: serde_json::Value = serde_json::from_slice(&fs::read(extracted.join("pass.json")).unwrap()).unwrap();
    assert_eq!(signed["backgroundColor"], "rgb(11, 61, 145)");
    assert_eq!(signed["labelColor"], "rgb(200, 215, 255)");
    assert_eq!(signed["futureAppleKey"], serde_json::json!({"enabled": true}));
    assert_eq!(signed["boardingPass"]["primaryFields"][0]["futureFieldKey"], "kept");
}

#[test]
fn warnings_are_printed_and_the_pass_is_still_signed() {
    let work = tempfile::tempdir().unwrap();
    let source = copy_fixture("coupon", work.path());
    fs::remove_file(source.join("icon@3x.png")).unwrap();
    let out = work.path().join("coupon.pkpass");
    let result = sign(&work.path().join("data"), std::slice::from_ref(&source), &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    let expected = format!("{}: warning: icon@3x.png: is recommended", source.display());
    assert!(stderr(&result).contains(&expected), "{}", stderr(&result));
    assert!(out.exists(), "a warning never stops the signing");
}

#[test]
fn invalid_pass_exits_nonzero_prints_every_problem_and_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let source = copy_fixture("event-ticket", work.path());
    let mut pass: serde_json::Value = serde_json::from_slice(&fs::read(source.join("pass.json")).unwrap()).unwrap();
    pass["backgroundColor"] = "blue-ish".into();
    pass["eventTicket"]["secondaryFields"][0]["key"] = "event".into();
    fs::write(source.join("pass.json"), serde_json::to_vec(&pass).unwrap()).unwrap();
    fs::write(source.join("strip.png"), b"GIF89a not a png").unwrap();
    let logo = fs::read(source.join("logo.png")).unwrap();
    fs::write(source.join("logo.png"), &logo[..logo.len() - 20]).unwrap();

    let out = work.path().join("bad.pkpass");
    let result = sign(&work.path().join("data"), &[source], &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(err.contains("strip.png: is not a PNG image"), "{err}");
    assert!(err.contains("logo.png: is truncated"), "{err}");
    assert!(!out.exists(), "no output file on failure");
    fs::write(work.path().join("event-ticket/logo.png"), logo).unwrap();

    fs::write(work.path().join("event-ticket/strip.png"), fs::read(pass_fixture("coupon").join("strip.png")).unwrap())
        .unwrap();
    let result = sign(&work.path().join("data"), &[work.path().join("event-ticket")], &out, &[]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1));
    assert!(err.contains("backgroundColor: must be a color"), "{err}");
    assert!(err.contains("eventTicket.secondaryFields[0].key: duplicate field key `event`"), "{err}");
    assert!(err.contains("strip.png: an event ticket has either a strip image or background/thumbnail"), "{err}");
    assert!(!out.exists());
}

#[test]
fn unreadable_input_and_wrong_output_names_are_refused() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let result = sign(&data, &[work.path().join("missing")], &work.path().join("a.pkpass"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr(&result).contains("no pass.json"), "{}", stderr(&result));

    let broken = copy_fixture("coupon", work.path());
    fs::write(broken.join("pass.json"), br#"{"formatVersion": "one"}"#).unwrap();
    let result = sign(&data, &[broken], &work.path().join("b.pkpass"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr(&result).contains("pass.json: formatVersion: invalid type"), "{}", stderr(&result));

    let result = sign(&data, &[pass_fixture("coupon")], &work.path().join("c.zip"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr(&result).contains("must end in .pkpass"));
    let result = sign(&data, &[pass_fixture("coupon"), pass_fixture("generic")], &work.path().join("d.pkpass"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr(&result).contains(".pkpasses"));
    assert!(!work.path().join("d.pkpass").exists() && !work.path().join("c.zip").exists());
}

#[test]
fn several_folders_make_a_pkpasses_bundle_of_verifiable_passes() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let out = work.path().join("trip.pkpasses");
    let result = sign(&data, &[pass_fixture("boarding-pass"), pass_fixture("coupon")], &out, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    let outer = unzip(&out, &work.path().join("outer"));
    let mut names: Vec<_> =
        fs::read_dir(&outer).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["01-BP-0001.pkpass", "02-CP-0001.pkpass"]);
    for name in names {
        let inner = unzip(&outer.join(&name), &work.path().join(format!("inner-{name}")));
        assert_manifest_matches(&inner);
        assert_signature_verifies(&inner, &data.join("pki/root.pem"));
    }
}

#[test]
fn a_pem_identity_folder_signs_and_a_mismatched_one_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let identity = make_openssl_identity(&work.path().join("id"), "pass.dev.tessera.example", "TESSERA001");
    let out = work.path().join("g.pkpass");
    let result =
        sign(&work.path().join("data"), &[pass_fixture("generic")], &out, &["--identity", identity.to_str().unwrap()]);
    assert!(result.status.success(), "{}", stderr(&result));
    let extracted = unzip(&out, &work.path().join("x"));
    assert_signature_verifies(&extracted, &identity.join("root.pem"));
    assert!(!work.path().join("data/pki").exists(), "an explicit identity leaves the dev PKI alone");

    let other = make_openssl_identity(&work.path().join("other"), "pass.com.example.other", "OTHERTEAM1");
    let out = work.path().join("mismatch.pkpass");
    let result =
        sign(&work.path().join("data"), &[pass_fixture("generic")], &out, &["--identity", other.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(err.contains("passTypeIdentifier: `pass.dev.tessera.example` does not match the signing certificate's pass type identifier `pass.com.example.other`"), "{err}");
    assert!(err.contains("teamIdentifier: `TESSERA001` does not match"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_legacy_encrypted_p12_signs_with_its_password_only() {
    let work = tempfile::tempdir().unwrap();
    let id = make_openssl_identity(&work.path().join("id"), "pass.dev.tessera.example", "TESSERA001");
    // Keychain Access style: legacy RC2/3DES encryption, with the WWDR in the chain.
    let p12 = export_p12(&id, "s3cret-Pw", true);
    let out = work.path().join("c.pkpass");
    let result = tessera(&work.path().join("data"))
        .args(["sign"])
        .arg(pass_fixture("coupon"))
        .arg("-o")
        .arg(&out)
        .arg("--identity")
        .arg(&p12)
        .env("TESSERA_IDENTITY_PASSWORD", "s3cret-Pw")
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", stderr(&result));
    assert_signature_verifies(&unzip(&out, &work.path().join("x")), &id.join("root.pem"));

    let wrong = work.path().join("wrong.pkpass");
    let result = sign(
        &work.path().join("data"),
        &[pass_fixture("coupon")],
        &wrong,
        &["--identity", p12.to_str().unwrap(), "--password", "guess"],
    );
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(err.contains("could not be opened: wrong password"), "{err}");
    assert!(!err.contains("guess") && !err.contains("s3cret"), "passwords never appear in errors: {err}");
    assert!(!wrong.exists());
}
