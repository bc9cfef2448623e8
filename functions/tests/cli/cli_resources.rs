//! The resource commands (`tessera templates|passes|projects|tags|certificates|links …`) run
//! as a user runs them: on `tessera serve` through --url/--key and through a profile file, and
//! with --local on the embedded store without a server, whose data a server then serves.

use std::path::Path;
use std::process::{Command, Output};

use reqwest::Method;
use serde_json::{Value, json};
use tessera_tests::api::event_template;

use super::cli_serve::{Server, call};

const KEY: &str = "ops:ops-secret-0123456789abcdef";

/// `tessera` with no connection settings of the environment's (and no profile file).
fn tessera(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
    command
        .args(args)
        .env("TESSERA_DATA_DIR", data_dir)
        .env("TESSERA_PROFILES", data_dir.join("no-profiles"))
        .env_remove("TESSERA_URL")
        .env_remove("TESSERA_KEY")
        .env_remove("TESSERA_PROFILE")
        .env_remove("TESSERA_PUBLIC_URL");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeded(output: std::io::Result<Output>) -> String {
    let output = output.unwrap();
    assert!(output.status.success(), "stderr: {}\nstdout: {}", text(&output.stderr), text(&output.stdout));
    text(&output.stdout)
}

fn failed(output: std::io::Result<Output>) -> String {
    let output = output.unwrap();
    assert_eq!(output.status.code(), Some(1), "stdout: {}", text(&output.stdout));
    text(&output.stderr)
}

fn json_of(output: std::io::Result<Output>) -> Value {
    let stdout = succeeded(output);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn write_json(dir: &Path, name: &str, body: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body.to_string()).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_resource_from_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_with(data.path(), Some(KEY), &[]);
    let work = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut command = tessera(work.path(), args);
        command.args(["--url", &server.base, "--key", KEY]);
        command
    };

    let project = write_json(
        work.path(),
        "project.json",
        &json!({"name": "Concerts", "projectType": "eventTicket", "description": "Concerts"}),
    );
    let made = json_of(cli(&["projects", "create", "--file", &project, "--external-id", "tour-2027"]).output());
    assert_eq!(made["externalId"], "tour-2027");
    let template = write_json(work.path(), "template.json", &event_template());
    let args = ["templates", "create", "--project", "tour-2027", "--external-id", "concert", "--file", &template];
    let template_id = json_of(cli(&args).output())["templateId"].as_u64().unwrap();
    let shown = json_of(cli(&["templates", "get", "concert", "--json"]).output());
    assert_eq!((shown["id"].as_u64(), shown["projectId"].as_u64()), (Some(template_id), made["id"].as_u64()));

    // Passes from the template by its external id; read back through the pages.
    for seat in 1..=5 {
        let body = json!({"fields": {"Seat": {"value": seat.to_string()}}, "tags": ["vip"]});
        let file = write_json(work.path(), "pass.json", &body);
        let external_id = format!("seat-{seat}");
        let args = ["passes", "create", "--template", "concert", "--external-id", &external_id, "--file", &file];
        assert_eq!(json_of(cli(&args).output())["externalId"], external_id);
    }
    let all = json_of(cli(&["passes", "list", "--template", "concert", "--all", "--page-size", "2"]).output());
    let seats: Vec<&str> = all.as_array().unwrap().iter().map(|p| p["externalId"].as_str().unwrap()).collect();
    assert_eq!(seats.len(), 5, "every page followed: {seats:?}");
    let page = json_of(cli(&["passes", "list", "--page", "2", "--page-size", "2"]).output());
    assert_eq!((page["count"].as_u64(), page["passes"].as_array().map(Vec::len)), (Some(5), Some(2)));
    assert_eq!(page["pagination"]["page"], 2);

    let change = write_json(work.path(), "change.json", &json!({"fields": {"Seat": {"value": "99"}}}));
    json_of(cli(&["passes", "update", "seat-1", "--file", &change]).output());
    assert_eq!(json_of(cli(&["passes", "get", "seat-1"]).output())["fields"]["Seat"]["value"], "99");
    let table = succeeded(cli(&["passes", "list", "--table", "--page-size", "3"]).output());
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("EXTERNAL ID") && lines[0].contains("TAGS"), "{table}");
    assert_eq!(lines.len(), 4, "a header and one row per pass: {table}");
    assert!(lines[1].contains("seat-") && lines[1].contains("vip"), "{table}");
    let fields = succeeded(cli(&["passes", "get", "seat-2", "--table"]).output());
    assert!(fields.lines().any(|l| l.starts_with("externalId") && l.ends_with("seat-2")), "{fields}");

    json_of(cli(&["passes", "delete", "seat-5"]).output());
    let gone = failed(cli(&["passes", "get", "seat-5"]).output());
    assert!(gone.contains("not found (404)"), "the API's message: {gone}");
    assert_eq!(json_of(cli(&["tags", "list"]).output())["tags"][0]["name"], "vip");
    let refused = failed(cli(&["tags", "update", "vip", "--file", &change]).output());
    assert!(refused.contains("tags has no update (it has: list, delete)"), "{refused}");

    let link = write_json(work.path(), "link.json", &json!({"iosTemplateId": template_id, "payload": {}}));
    let link_id =
        json_of(cli(&["links", "create", "--file", &link]).output())["adaptiveLinkId"].as_str().unwrap().to_string();
    assert_eq!(json_of(cli(&["links", "list"]).output())["adaptiveLinks"][0]["adaptiveLinkId"], link_id.as_str());
    assert_eq!(json_of(cli(&["links", "get", &link_id]).output())["iosTemplateId"], template_id);
    json_of(cli(&["links", "delete", &link_id]).output());
    assert!(json_of(cli(&["certificates", "list"]).output())["certificates"].is_array());
    let not_json = write_json(work.path(), "broken.json", &json!(1));
    std::fs::write(&not_json, "{").unwrap();
    assert!(failed(cli(&["projects", "update", "tour-2027", "--file", &not_json]).output()).contains("not JSON"));

    // A wrong key: the API's refusal, and the key appears nowhere.
    let wrong = tessera(work.path(), &["templates", "list", "--url", &server.base, "--key", "ops:wrong-secret-42"]);
    let stderr = failed({ wrong }.output());
    assert!(stderr.contains("(401)") && !stderr.contains("wrong-secret-42"), "{stderr}");

    // A profile file: refused while others may read it, used once private.
    let profiles = work.path().join("profiles");
    std::fs::write(
        &profiles,
        format!("[default]\nurl = http://127.0.0.1:9\nkey = x:y\n\n[staging]\nurl = {}\nkey = {KEY}\n", server.base),
    )
    .unwrap();
    let with_profile = |args: &[&str]| {
        let mut command = tessera(work.path(), args);
        command.env("TESSERA_PROFILES", &profiles);
        command
    };
    set_mode(&profiles, 0o644);
    let open = failed(with_profile(&["templates", "--profile", "staging", "list"]).output());
    assert!(open.contains("chmod 600") && !open.contains("ops-secret"), "{open}");
    set_mode(&profiles, 0o600);
    let listed = json_of(with_profile(&["templates", "list", "--profile", "staging"]).output());
    assert_eq!(listed["templates"][0]["externalId"], "concert");
    let unknown = failed(with_profile(&["templates", "list", "--profile", "prod"]).output());
    assert!(unknown.contains("no profile \"prod\"") && unknown.contains("default, staging"), "{unknown}");
    let by_default = failed(with_profile(&["templates", "list"]).output());
    assert!(by_default.contains("127.0.0.1:9"), "the default profile is used: {by_default}");

    let (status, output) = server.stop();
    assert!(status.success(), "{output}");
    assert!(!output.contains("ops-secret"), "{output}");
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_commands_work_on_the_store_a_server_then_serves() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let local = |args: &[&str]| {
        let mut command = tessera(data.path(), args);
        command.arg("--local");
        command
    };
    let project = write_json(
        work.path(),
        "project.json",
        &json!({"name": "Members", "projectType": "eventTicket", "description": "Members"}),
    );
    let project_id = json_of(local(&["projects", "create", "--file", &project]).output())["id"].as_u64().unwrap();
    let template = write_json(work.path(), "template.json", &event_template());
    let project_arg = project_id.to_string();
    let args = ["templates", "create", "--project", &project_arg, "--external-id", "members", "--file", &template];
    json_of(local(&args).output());
    let pass = write_json(work.path(), "pass.json", &json!({"fields": {"Seat": {"value": "7"}}}));
    json_of(local(&["passes", "create", "--template", "members", "--external-id", "m-0", "--file", &pass]).output());
    let csv = work.path().join("members.csv");
    std::fs::write(&csv, "externalId,Seat\nm-1,1\nm-2,2\nm-3,3\n").unwrap();
    let issued = succeeded(local(&["issue", "--template", "members", "--csv", csv.to_str().unwrap()]).output());
    assert!(issued.contains("3 passes made"), "{issued}");
    assert_eq!(json_of(local(&["passes", "list", "--all"]).output()).as_array().unwrap().len(), 4);

    let server = Server::start_with(data.path(), Some(KEY), &[]);
    let listed: Value = call(&server.base, KEY, Method::GET, "/v1/pass", None).await.json().await.unwrap();
    assert_eq!(listed["count"], 4);
    let found: Value = call(&server.base, KEY, Method::GET, "/v1/pass/id/m-2", None).await.json().await.unwrap();
    assert_eq!(found["fields"]["Seat"]["value"], "2");
    let (status, output) = server.stop();
    assert!(status.success(), "{output}");
}
