//! A diagnosis of any pass, whoever made it (`tessera doctor`, `POST /v1/doctor`): the ZIP,
//! the manifest against every file, the CMS signature and its certificates against pass.json,
//! then every validation rule on pass.json and its files. Each finding names its file or
//! pass.json path, its severity, why, and the fix when there is an obvious one.

use std::collections::BTreeMap;

use serde::Serialize;

use super::assets::PassAssets;
use super::build::MAX_PASSES_PER_BUNDLE;
use super::cms_verify::{Verified, verify_detached};
use super::issue::{Issue, Severity};
use super::validate::validate_pass;
use super::x509::{Certificate, ORGANIZATIONAL_UNIT, USER_ID};
use super::zip_read::{ZipLimits, read_zip};
use crate::model::PassJson;
use crate::model::date::format_millis;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: String,
    pub severity: Severity,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    fn error(path: impl Into<String>, reason: impl Into<String>) -> Finding {
        Finding { path: path.into(), severity: Severity::Error, reason: reason.into(), fix: None }
    }

    fn warning(path: impl Into<String>, reason: impl Into<String>) -> Finding {
        Finding { path: path.into(), severity: Severity::Warning, reason: reason.into(), fix: None }
    }

    fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }
}

impl From<Issue> for Finding {
    fn from(issue: Issue) -> Finding {
        Finding { path: issue.path, severity: issue.severity, reason: issue.reason, fix: None }
    }
}

/// One pass's diagnosis; `name` is the pass's place in what was examined (a file, or an
/// entry of a .pkpasses bundle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// How many errors and how many warnings it found.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.findings.iter().filter(|f| f.severity == Severity::Error).count();
        (errors, self.findings.len() - errors)
    }
}

/// Every diagnosis of one examination with the totals: what `tessera doctor --json` prints
/// and `POST /v1/doctor` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub passes: Vec<Diagnosis>,
    pub errors: usize,
    pub warnings: usize,
}

impl Report {
    pub fn new(passes: Vec<Diagnosis>) -> Report {
        let (errors, warnings) = passes.iter().map(Diagnosis::counts).fold((0, 0), |(e, w), (de, dw)| (e + de, w + dw));
        Report { passes, errors, warnings }
    }
}

/// What the diagnosis measures against.
#[derive(Debug, Clone, Default)]
pub struct DoctorOptions {
    /// Unix seconds: certificates are checked at this instant and at the signing time.
    pub now: i64,
    /// The WWDR intermediate the signer must chain to; otherwise the one the signature
    /// carries.
    pub wwdr: Option<Certificate>,
}

/// Diagnoses a .pkpass or a .pkpasses bundle (told apart by their contents).
pub fn diagnose_archive(name: &str, bytes: &[u8], options: &DoctorOptions) -> Vec<Diagnosis> {
    diagnose_zip(name, bytes, options, true)
}

/// `bundle_allowed`: only the top level may be a bundle, so an archive of archives (a ZIP
/// quine, say) is read once, not followed down.
fn diagnose_zip(name: &str, bytes: &[u8], options: &DoctorOptions, bundle_allowed: bool) -> Vec<Diagnosis> {
    let entries = match read_zip(bytes, ZipLimits::default()) {
        Ok(entries) => entries,
        Err(reason) => {
            return vec![Diagnosis {
                name: name.into(),
                serial_number: None,
                findings: vec![Finding::error("(zip)", reason)],
            }];
        }
    };
    let is_bundle = !entries.is_empty() && entries.iter().all(|e| e.name.ends_with(".pkpass"));
    if is_bundle && bundle_allowed {
        if entries.len() > MAX_PASSES_PER_BUNDLE {
            let reason =
                format!("is a .pkpasses of {} passes; Wallet takes at most {MAX_PASSES_PER_BUNDLE}", entries.len());
            return vec![Diagnosis {
                name: name.into(),
                serial_number: None,
                findings: vec![Finding::error("(zip)", reason)],
            }];
        }
        return entries
            .iter()
            .flat_map(|e| diagnose_zip(&format!("{name}/{}", e.name), &e.data, options, false))
            .collect();
    }
    let files: Vec<(String, Vec<u8>)> = entries.into_iter().map(|e| (e.name, e.data)).collect();
    vec![diagnose_files(name, files, options)]
}

/// Diagnoses the files of one signed pass (bundle path → bytes).
pub fn diagnose_files(name: &str, files: Vec<(String, Vec<u8>)>, options: &DoctorOptions) -> Diagnosis {
    let mut findings = Vec::new();
    let mut files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    let pass_bytes = files.remove("pass.json");
    let manifest = files.remove("manifest.json");
    let signature = files.remove("signature");
    let pass = decode(pass_bytes.as_deref(), &mut findings);
    check_manifest(manifest.as_deref(), pass_bytes.as_deref(), &files, &mut findings);
    match (&signature, &manifest) {
        (None, _) => findings.push(
            Finding::error("signature", "is missing: Wallet opens only signed passes")
                .fix("sign the manifest with the Pass Type ID certificate (tessera sign)"),
        ),
        (Some(signature), Some(manifest)) => {
            check_signature(signature, manifest, pass.as_ref(), options, &mut findings)
        }
        (Some(_), None) => {}
    }
    check_contents(pass.as_ref(), files, &mut findings);
    Diagnosis { name: name.into(), serial_number: pass.and_then(|p| p.serial_number), findings }
}

/// Diagnoses an unsigned pass source folder (what `tessera sign` takes): pass.json and its
/// files against every rule; there is no manifest or signature yet.
pub fn diagnose_unsigned(name: &str, files: Vec<(String, Vec<u8>)>) -> Diagnosis {
    let mut findings = Vec::new();
    let mut files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    let pass = decode(files.remove("pass.json").as_deref(), &mut findings);
    files.remove("manifest.json");
    files.remove("signature");
    check_contents(pass.as_ref(), files, &mut findings);
    Diagnosis { name: name.into(), serial_number: pass.and_then(|p| p.serial_number), findings }
}

fn decode(bytes: Option<&[u8]>, findings: &mut Vec<Finding>) -> Option<PassJson> {
    let Some(bytes) = bytes else {
        findings.push(Finding::error("pass.json", "is missing"));
        return None;
    };
    PassJson::from_slice(bytes)
        .map_err(|e| findings.push(Finding::error(format!("pass.json: {}", e.path), e.message)))
        .ok()
}

fn check_contents(pass: Option<&PassJson>, files: BTreeMap<String, Vec<u8>>, findings: &mut Vec<Finding>) {
    let Some(pass) = pass else { return };
    findings.extend(validate_pass(pass).into_iter().map(Finding::from));
    match PassAssets::new(files) {
        Ok(assets) => findings.extend(assets.check_for(pass).into_iter().map(Finding::from)),
        Err(issues) => findings.extend(issues.into_iter().map(Finding::from)),
    }
}

fn check_manifest(
    manifest: Option<&[u8]>,
    pass_json: Option<&[u8]>,
    files: &BTreeMap<String, Vec<u8>>,
    findings: &mut Vec<Finding>,
) {
    let regenerate = "rebuild manifest.json from the files as zipped, then sign it again";
    let Some(manifest) = manifest else {
        findings.push(Finding::error("manifest.json", "is missing").fix(regenerate));
        return;
    };
    let listed: BTreeMap<String, String> = match serde_json::from_slice(manifest) {
        Ok(listed) => listed,
        Err(e) => {
            findings.push(Finding::error("manifest.json", format!("is not a JSON object of file → SHA-1 hex: {e}")));
            return;
        }
    };
    let mut present: BTreeMap<&str, &[u8]> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    if let Some(pass_json) = pass_json {
        present.insert("pass.json", pass_json);
    }
    for (file, bytes) in &present {
        let Some(hash) = listed.get(*file) else {
            findings
                .push(Finding::error(*file, "is not listed in manifest.json: Wallet refuses the pass").fix(regenerate));
            continue;
        };
        let actual = super::assets::sha1_hex(bytes);
        if !hash.eq_ignore_ascii_case(&actual) {
            findings.push(
                Finding::error(*file, format!("its SHA-1 is {actual}; manifest.json says {hash}")).fix(regenerate),
            );
        } else if *hash != actual {
            findings.push(Finding::warning(*file, "its hash in manifest.json is in upper case; write lower-case hex"));
        }
    }
    for file in listed.keys().filter(|f| !present.contains_key(f.as_str())) {
        findings
            .push(Finding::error(file.as_str(), "is listed in manifest.json but not in the archive").fix(regenerate));
    }
}

fn check_signature(
    signature: &[u8],
    manifest: &[u8],
    pass: Option<&PassJson>,
    options: &DoctorOptions,
    findings: &mut Vec<Finding>,
) {
    let verified = match verify_detached(signature, manifest) {
        Ok(verified) => verified,
        Err(reason) => {
            findings.push(Finding::error("signature", reason));
            return;
        }
    };
    let signed_at = verified.signing_time;
    if signed_at.is_none() {
        findings.push(Finding::warning("signature", "has no signing time: Wallet then checks the certificates now"));
    }
    let when = signed_at.unwrap_or(options.now);
    check_chain(&verified, options, when, findings);
    let signer = &verified.signer;
    if !(signer.not_before..=signer.not_after).contains(&when) {
        findings.push(
            Finding::error(
                "signature",
                format!("the Pass Type ID certificate was not valid when the pass was signed ({})", date(when)),
            )
            .fix("sign again with a valid certificate"),
        );
    } else if options.now > signer.not_after {
        findings.push(
            Finding::error(
                "signature",
                format!("the Pass Type ID certificate expired on {}: Wallet refuses the pass", date(signer.not_after)),
            )
            .fix("renew the certificate in Apple's developer portal and sign again"),
        );
    }
    if verified.digest == "SHA-1" {
        findings.push(Finding::warning("signature", "uses a SHA-1 digest; sign with SHA-256"));
    }
    let Some(pass) = pass else { return };
    let subject = [
        ("passTypeIdentifier", USER_ID, "UID", pass.pass_type_identifier.as_deref()),
        ("teamIdentifier", ORGANIZATIONAL_UNIT, "OU", pass.team_identifier.as_deref()),
    ];
    for (key, oid, short, in_pass) in subject {
        let in_certificate = signer.subject_attribute(oid);
        if let Some(in_pass) = in_pass
            && in_certificate.as_deref() != Some(in_pass)
        {
            let found = in_certificate.map_or("none".to_string(), |c| format!("`{c}`"));
            findings.push(
                Finding::error(key, format!("`{in_pass}` is not the signing certificate's {short} ({found})"))
                    .fix("sign with the certificate of this pass type, or correct pass.json"),
            );
        }
    }
}

fn check_chain(verified: &Verified, options: &DoctorOptions, when: i64, findings: &mut Vec<Finding>) {
    let signer = &verified.signer;
    let issuer = match &options.wwdr {
        Some(wwdr) => Some(wwdr).filter(|wwdr| signer.is_issued_by(wwdr)),
        None => verified.certificates.iter().find(|c| *c != signer && signer.is_issued_by(c)),
    };
    let Some(wwdr) = issuer else {
        let reason = if options.wwdr.is_some() {
            "the signer certificate was not issued by the WWDR certificate given"
        } else {
            "does not carry the certificate that issued the signer (Apple's WWDR intermediate)"
        };
        findings.push(Finding::error("signature", reason).fix("include Apple's WWDR G4 intermediate in the signature"));
        return;
    };
    if options.wwdr.is_some() && !verified.certificates.contains(wwdr) {
        findings.push(
            Finding::error("signature", "does not carry the WWDR intermediate: Wallet cannot build the chain")
                .fix("include the WWDR certificate in the signature"),
        );
    }
    if !(wwdr.not_before..=wwdr.not_after).contains(&when) {
        findings.push(
            Finding::error(
                "signature",
                format!(
                    "the WWDR intermediate was not valid when the pass was signed (it expired {})",
                    date(wwdr.not_after)
                ),
            )
            .fix("sign with Apple's current WWDR intermediate (G4)"),
        );
    }
}

fn date(unix_seconds: i64) -> String {
    format_millis(unix_seconds * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pkpass::zip::{DosTime, Storage, ZipWriter};

    fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut zip = ZipWriter::new();
        for (name, data) in entries {
            zip.add(name, data, Storage::Stored, DosTime::EPOCH).unwrap();
        }
        zip.finish().unwrap()
    }

    #[test]
    fn a_bundle_holds_at_most_ten_passes() {
        let passes: Vec<_> = (0..11).map(|i| (format!("{i}.pkpass"), zip_of(&[]))).collect();
        let found = diagnose_archive("big.pkpasses", &zip_of(&passes), &DoctorOptions::default());
        assert_eq!(found.len(), 1);
        assert!(found[0].findings[0].reason.contains("at most 10"), "{found:?}");
    }

    #[test]
    fn archives_inside_a_bundle_are_not_followed_further() {
        let innermost = zip_of(&[("x.pkpass".into(), b"anything".to_vec())]);
        let inner = zip_of(&[("nested.pkpass".into(), innermost)]);
        let outer = zip_of(&[("a.pkpass".into(), inner)]);
        let found = diagnose_archive("outer.pkpasses", &outer, &DoctorOptions::default());
        assert_eq!(found.len(), 1, "one pass, read as a pass: {found:?}");
        assert_eq!(found[0].name, "outer.pkpasses/a.pkpass");
        assert!(found[0].findings.iter().any(|f| f.path == "pass.json" && f.reason == "is missing"), "{found:?}");
    }
}
