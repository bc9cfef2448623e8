//! `tessera serve` killed with SIGKILL in the middle of concurrent writes, several times over
//! the same data folder. After each kill the databases pass SQLite's own integrity and foreign
//! key checks, the server starts again, and every pass it acknowledged is there, whole: its
//! record holds the last seat it acknowledged (or the one in flight when it died), and it
//! downloads through its public link with its image and that seat.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tessera_tests::api::{event_template, png_data_url};

use super::cli_serve::{Server, call};

const KEY: &str = "ops:ops-secret-0123456789abcdef";
const ROUNDS: usize = 4;
const WRITERS: usize = 6;

/// What the server said about one pass, as its writer saw it.
#[derive(Debug, Clone)]
struct Acknowledged {
    seat: String,
    /// An update sent but not answered when the server died: it may or may not have landed.
    in_flight: Option<String>,
    /// The public link's path (its host is the server of the moment).
    link: String,
}

type Ledger = Arc<Mutex<BTreeMap<u64, Acknowledged>>>;

/// Creates and updates passes until the server stops answering; each writer updates only the
/// passes it made, so what it last saw acknowledged is what the store must hold.
async fn write_until_killed(
    base: String,
    template_id: u64,
    writer: usize,
    round: usize,
    thumbnail: Arc<String>,
    ledger: Ledger,
) {
    let mut own: Vec<u64> = Vec::new();
    for n in 0.. {
        if own.len() < 3 || rand::random_bool(0.4) {
            let seat = format!("w{writer}-r{round}-{n}");
            let body = create_body(&seat, &thumbnail);
            let Some(made) = send(&base, Method::POST, &format!("/v1/pass/{template_id}"), body).await else { return };
            let id = made["id"].as_u64().expect("a pass id");
            let link = made["publicUrl"]["path"].as_str().expect("a public link");
            let link = link[link.find("/v1/").expect("a link path")..].to_string();
            ledger.lock().unwrap().insert(id, Acknowledged { seat, in_flight: None, link });
            own.push(id);
        } else {
            let id = own[rand::random_range(0..own.len())];
            let seat = format!("w{writer}-r{round}-{n}-update");
            ledger.lock().unwrap().get_mut(&id).expect("an own pass").in_flight = Some(seat.clone());
            let body = json!({"fields": {"Seat": {"value": seat}}});
            if send(&base, Method::PUT, &format!("/v1/pass/{id}"), body).await.is_none() {
                return;
            }
            let mut ledger = ledger.lock().unwrap();
            let pass = ledger.get_mut(&id).expect("an own pass");
            pass.seat = seat;
            pass.in_flight = None;
        }
    }
}

fn create_body(seat: &str, thumbnail: &str) -> Value {
    json!({
        "fields": {"Seat": {"value": seat}},
        "headers": {"thumbnail_image": {"value": thumbnail}},
        "publicUrl": {"type": "multiple"}
    })
}

/// The answer to a write, or `None` once the server is gone. Any other answer is a failure.
async fn send(base: &str, method: Method, path: &str, body: Value) -> Option<Value> {
    let (id, secret) = KEY.split_once(':').unwrap();
    let request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .basic_auth(id, Some(secret))
        .header("Api-Revision", "1.2")
        .json(&body);
    let response = request.send().await.ok()?;
    let status = response.status();
    // A connection cut while the answer was read counts as no answer.
    let bytes = response.bytes().await.ok()?;
    assert!(status.is_success(), "{path} answered {status}: {}", String::from_utf8_lossy(&bytes));
    Some(serde_json::from_slice(&bytes).expect("a JSON answer"))
}

/// SQLite's own checks of a database the killed server left behind.
fn assert_database_sound(path: &Path) {
    let db = rusqlite::Connection::open(path).unwrap();
    let integrity: Vec<String> = db
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(integrity, ["ok"], "{}", path.display());
    let dangling = db.prepare("PRAGMA foreign_key_check").unwrap().query_map([], |_| Ok(())).unwrap().count();
    assert_eq!(dangling, 0, "{}: rows pointing at nothing", path.display());
}

async fn assert_pass_kept(base: &str, id: u64, acknowledged: &Acknowledged) {
    let record = call(base, KEY, Method::GET, &format!("/v1/pass/{id}"), None).await;
    assert_eq!(record.status(), 200, "acknowledged pass {id} is kept");
    let record: Value = record.json().await.unwrap();
    let seat = record["fields"]["Seat"]["value"].as_str().unwrap();
    assert!(
        seat == acknowledged.seat || Some(seat) == acknowledged.in_flight.as_deref(),
        "pass {id} holds {seat}; acknowledged {acknowledged:?}"
    );
    let download = reqwest::get(format!("{base}{}?download=1", acknowledged.link)).await.unwrap();
    assert_eq!(download.status(), 200, "pass {id}'s public link");
    let files = tessera_tests::pkpass_files(&download.bytes().await.unwrap());
    assert!(files.contains_key("thumbnail.png"), "pass {id} has its image: {:?}", files.keys());
    let pass_json: Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(pass_json["eventTicket"]["auxiliaryFields"][0]["value"], seat, "pass {id}'s file shows its record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_keeps_every_pass_it_acknowledged_whole() {
    let data = tempfile::tempdir().unwrap();
    let png = std::fs::read(tessera_tests::pass_fixture("event-ticket").join("thumbnail.png")).unwrap();
    let thumbnail = Arc::new(png_data_url(&png));
    let ledger: Ledger = Arc::default();
    let mut server = Server::start_with(data.path(), Some(KEY), &[]);
    let template = call(&server.base, KEY, Method::POST, "/v1/template", Some(event_template())).await;
    assert_eq!(template.status(), 200);
    let template_id = template.json::<Value>().await.unwrap()["id"].as_u64().unwrap();
    // The first pass of a pass type issues its development identity: not part of any round.
    let create = format!("/v1/pass/{template_id}");
    send(&server.base, Method::POST, &create, create_body("warm-up", &thumbnail)).await.unwrap();

    for round in 0..ROUNDS {
        let before = ledger.lock().unwrap().len();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (base, thumbnail, ledger) = (server.base.clone(), thumbnail.clone(), ledger.clone());
                tokio::spawn(write_until_killed(base, template_id, w, round, thumbnail, ledger))
            })
            .collect();
        // Killed at a random moment once writes are flowing (a round that acknowledged nothing
        // would prove nothing).
        while ledger.lock().unwrap().len() < before + WRITERS {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(rand::random_range(0..1000))).await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for writer in writers {
            writer.await.unwrap();
        }
        let made = ledger.lock().unwrap().len() - before;

        assert_database_sound(&data.path().join("tessera.db"));
        assert_database_sound(&data.path().join("timers.db"));

        server = Server::start_with(data.path(), Some(KEY), &[]);
        let acknowledged = ledger.lock().unwrap().clone();
        for (id, pass) in &acknowledged {
            assert_pass_kept(&server.base, *id, pass).await;
        }
        // Nothing acknowledged is handed out again.
        let next = send(&server.base, Method::POST, &create, create_body("next", &thumbnail)).await.unwrap();
        let next = next["id"].as_u64().unwrap();
        assert!(next > *acknowledged.keys().max().unwrap(), "a new pass after round {round}: {next}");
        // Nor is any pass the store holds broken, acknowledged or not (an answer lost in the
        // kill): every one downloads with its image.
        let mut held = 0;
        for id in 1..next {
            let record = call(&server.base, KEY, Method::GET, &format!("/v1/pass/{id}"), None).await;
            if record.status() == 404 {
                continue;
            }
            let download = call(&server.base, KEY, Method::GET, &format!("/v1/pass/{id}/download"), None).await;
            assert_eq!(download.status(), 200, "pass {id} is held, so it downloads");
            let files = tessera_tests::pkpass_files(&download.bytes().await.unwrap());
            assert!(files.contains_key("thumbnail.png"), "pass {id} has its image: {:?}", files.keys());
            held += 1;
        }
        assert!(held > acknowledged.len(), "round {round}: {held} passes held");
        eprintln!("round {round}: {made} passes made, {} kept in all", acknowledged.len());
    }
    let (status, output) = server.stop();
    assert!(status.success(), "{output}");
}
