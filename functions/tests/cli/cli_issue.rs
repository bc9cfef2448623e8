//! `tessera issue`, run as a user runs it against `tessera serve`: a refused CSV makes
//! nothing; good and bad rows give a results file and a summary naming the bad rows; a rerun
//! finds what it made; a run interrupted with Ctrl-C (SIGINT) stops cleanly and its rerun
//! makes only the rest, never a pass twice.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tessera_tests::api::event_template;

use super::cli_serve::{Server, call};

const KEY: &str = "ops:ops-secret-0123456789abcdef";

fn issue(base: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
    command.arg("issue").args(args).env("TESSERA_URL", base).env("TESSERA_KEY", KEY);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The results file as (row, externalId, status, passId, url, error) records.
fn results(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["row", "externalId", "status", "passId", "url", "error"]);
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

async fn pass_count(base: &str) -> u64 {
    let listed: Value = call(base, KEY, Method::GET, "/v1/pass", None).await.json().await.unwrap();
    listed["count"].as_u64().unwrap()
}

fn rows(prefix: &str, count: usize) -> String {
    let mut csv = String::from("externalId,Seat,tags\n");
    for n in 1..=count {
        csv.push_str(&format!("{prefix}-{n},{n},vip\n"));
    }
    csv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_becomes_passes_resumably() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_with(data.path(), Some(KEY), &[]);
    let project = json!({"name": "Concerts", "projectType": "eventTicket", "description": "Concerts"});
    let project: Value =
        call(&server.base, KEY, Method::POST, "/v1/project", Some(project)).await.json().await.unwrap();
    let path = format!("/v1/template/{}/id/concert-2027", project["id"]);
    let made = call(&server.base, KEY, Method::POST, &path, Some(event_template())).await;
    assert_eq!(made.status(), 200);
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("tickets.csv");

    // Refused whole: an unknown column and no externalId; nothing is made.
    std::fs::write(&csv, "Seat,Gate\n1,A\n").unwrap();
    let refused = issue(&server.base, &["--template", "concert-2027", "--csv"]).arg(&csv).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("column \"Gate\"") && stderr.contains("no externalId column"), "{stderr}");
    assert_eq!(pass_count(&server.base).await, 0);
    assert!(!work.path().join("tickets.csv.results.csv").exists(), "nothing ran, so no results");

    // Good rows and two the server refuses: a tag too long, an image on a private address.
    let mut body = rows("t", 12);
    body.push_str(&format!("bad-tag,13,{}\n", "x".repeat(200)));
    std::fs::write(&csv, body).unwrap();
    std::fs::write(work.path().join("images.csv"), "externalId,thumbnail_image\nbad-image,http://127.0.0.1:9/t.png\n")
        .unwrap();
    let out = work.path().join("out.csv");
    let first = issue(&server.base, &["--template", "concert-2027", "--csv"]).arg(&csv).arg("--out").arg(&out).output();
    let first = first.unwrap();
    assert_eq!(first.status.code(), Some(1), "a failed row fails the run: {}", text(&first.stderr));
    let stderr = text(&first.stderr);
    assert!(stderr.contains("12 passes made") && stderr.contains("1 failed"), "{stderr}");
    assert!(stderr.contains("row 14 (bad-tag): ") && stderr.contains("tags[0]"), "{stderr}");
    let written = results(&out);
    assert_eq!(written.len(), 13);
    for (n, record) in written.iter().take(12).enumerate() {
        assert_eq!(record[..3], [(n + 2).to_string(), format!("t-{}", n + 1), "created".to_string()], "{record:?}");
        assert!(record[4].starts_with(&server.base) && record[5].is_empty(), "{record:?}");
        let pass: Value =
            call(&server.base, KEY, Method::GET, &format!("/v1/pass/{}", record[3]), None).await.json().await.unwrap();
        assert_eq!(pass["fields"]["Seat"]["value"], (n + 1).to_string());
        assert_eq!(pass["tags"], json!(["vip"]), "{pass}");
    }
    assert_eq!(written[12][2], "failed");
    assert!(written[12][5].contains("tags[0]"), "{:?}", written[12]);
    // One pass per request (--batch 1) takes the single-pass route; the same refusal.
    let images = issue(&server.base, &["--template", "concert-2027", "--batch", "1", "--csv"])
        .arg(work.path().join("images.csv"))
        .output()
        .unwrap();
    assert_eq!(images.status.code(), Some(1));
    assert!(text(&images.stderr).contains("row 2 (bad-image): "), "{}", text(&images.stderr));
    assert_eq!(pass_count(&server.base).await, 12);

    // The same command again: everything it made is found, nothing is made twice.
    let again = issue(&server.base, &["--template", "concert-2027", "--csv"]).arg(&csv).arg("--out").arg(&out).output();
    let again = again.unwrap();
    assert!(text(&again.stderr).contains("0 passes made, 12 found from an earlier run"), "{}", text(&again.stderr));
    assert_eq!(results(&out)[0][2], "existing");
    assert_eq!(pass_count(&server.base).await, 12);

    // Interrupted with Ctrl-C partway, then run again.
    let many = work.path().join("many.csv");
    std::fs::write(&many, rows("m", 400)).unwrap();
    let template_id = made_id(&server.base).await;
    let args = ["--template", &template_id, "--concurrency", "2", "--link", "none", "--csv"];
    let child = issue(&server.base, &args).arg(&many).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    while pass_count(&server.base).await < 12 + 10 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let stopped: Output = child.wait_with_output().unwrap();
    assert_eq!(stopped.status.code(), Some(130), "{}", text(&stopped.stderr));
    assert!(text(&stopped.stderr).contains("interrupted: run the same command again"), "{}", text(&stopped.stderr));
    let partial = results(&work.path().join("many.csv.results.csv"));
    let not_run = partial.iter().filter(|r| r[2] == "not run").count();
    assert!(not_run > 0 && partial.len() == 400, "{not_run} of {} rows not run", partial.len());
    let made_before = pass_count(&server.base).await - 12;

    let resumed = issue(&server.base, &args).arg(&many).output().unwrap();
    assert!(resumed.status.success(), "{}", text(&resumed.stderr));
    let finished = results(&work.path().join("many.csv.results.csv"));
    let created = finished.iter().filter(|r| r[2] == "created").count() as u64;
    let existing = finished.iter().filter(|r| r[2] == "existing").count() as u64;
    assert_eq!((created + existing, existing), (400, made_before), "only the rest is made");
    assert_eq!(pass_count(&server.base).await, 12 + 400, "no pass twice");
    let (status, output) = server.stop();
    assert!(status.success(), "{output}");
    assert!(!output.contains("ops-secret"), "{output}");
}

async fn made_id(base: &str) -> String {
    let template: Value =
        call(base, KEY, Method::GET, "/v1/template/id/concert-2027", None).await.json().await.unwrap();
    template["id"].to_string()
}
