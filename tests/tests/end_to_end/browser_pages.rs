//! The holder's pages in a real browser: headless Chromium (Debian's `chromium`, driven by
//! playwright-core from `tests/browser`; `infra/test.sh` installs both) opens the pages
//! `tessera serve` answers as an iPhone, an Android phone and a computer: what each is shown,
//! where each button leads, axe-core's accessibility findings, keyboard focus order, and
//! screenshots held to the committed references.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use tessera_tests::api::{event_template, expect_json};
use tessera_tests::google_flows::{SAVE_PREFIX, google_small_template, setup};
use tessera_tests::screenshots;

fn browser_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("TESSERA_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "the browser tests need Chromium at {}: run infra/test.sh (installs Debian's chromium)",
        path.display()
    );
    path
}

fn run_pages(plan: &Value) -> Value {
    let dir = browser_dir();
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "the browser tests need playwright-core: run infra/test.sh (npm ci in tests/browser)"
    );
    let plan_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(plan_file.path(), plan.to_string()).unwrap();
    let output =
        Command::new("node").arg(dir.join("pages.mjs")).arg(plan_file.path()).current_dir(&dir).output().unwrap();
    assert!(output.status.success(), "pages.mjs: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holders_pages_work_in_chromium() {
    let chromium = chromium();
    let setup = setup(false).await;
    let server = &setup.server;
    let mut template = event_template();
    let logo = std::fs::read(tessera_tests::pass_fixture("event-ticket").join("logo@2x.png")).unwrap();
    template["headers"]["logo_image_2x"] = json!({"value": tessera_tests::api::png_data_url(&logo)});
    let apple = server.create_template(&template).await["id"].as_u64().unwrap();
    let google = server.create_template(&google_small_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(apple, &json!({"publicUrl": {"type": "single"}})).await;
    let public_link = pass["publicUrl"]["path"].as_str().unwrap().to_string();
    let body =
        json!({"iosTemplateId": apple, "androidTemplateId": google, "payload": {"fields": {"Seat": {"value": "9"}}}});
    let created = server.api(reqwest::Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap();
    let adaptive_link = expect_json(created, 200).await["url"].as_str().unwrap().to_string();
    let shots = tempfile::tempdir().unwrap();
    let plan = json!({"chromium": chromium, "publicLink": public_link, "adaptiveLink": adaptive_link,
        "screenshots": shots.path()});
    let report = tokio::task::spawn_blocking(move || run_pages(&plan)).await.unwrap();

    let iphone = &report["iphone"];
    assert_eq!(iphone["status"], 200, "{report}");
    assert_eq!(iphone["lang"], "en");
    assert_eq!(iphone["buttons"], json!(["Add to Apple Wallet"]), "an Apple pass offers Apple Wallet");
    assert_eq!(iphone["violations"], json!([]), "no serious accessibility finding");
    assert_eq!(iphone["download"]["contentType"], "application/vnd.apple.pkpass");
    assert!(iphone["download"]["filename"].as_str().unwrap().ends_with(".pkpass"), "{report}");
    assert_eq!(iphone["afterDownload"]["status"], 410, "the single-use link was used by the download");
    assert_eq!(iphone["afterDownload"]["heading"], "This link has already been used");

    assert!(report["android"]["landedOn"].as_str().unwrap().starts_with(SAVE_PREFIX), "{report}");

    let desktop = &report["desktop"];
    assert_eq!(desktop["status"], 200);
    assert_eq!(desktop["buttons"], json!(["Add to Apple Wallet", "Add to Google Wallet"]));
    assert_eq!(desktop["qrCodes"], 1, "a QR code of the link for the phone");
    assert_eq!(desktop["focus"], json!(["Add to Apple Wallet", "Add to Google Wallet"]), "focus follows the buttons");
    assert_eq!(desktop["violations"], json!([]), "no serious accessibility finding");
    assert!(desktop["googleButtonLedTo"].as_str().unwrap().starts_with(SAVE_PREFIX), "{report}");

    let references = browser_dir().join("screenshots");
    for name in ["iphone-public-link.png", "desktop-adaptive-link.png"] {
        let shot = shots.path().join(name);
        if let Err(difference) = screenshots::compare(&shot, &references) {
            let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target").join(name);
            std::fs::copy(&shot, &kept).ok();
            panic!("{difference} (this run's screenshot: {})", kept.display());
        }
    }
}
