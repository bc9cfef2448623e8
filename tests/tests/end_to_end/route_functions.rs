//! One Lambda per route: every entry of the routes table has its binary in functions/src/bin,
//! declared behind the `lambda` feature and serving exactly that route by its item (so a
//! wrong name does not compile), and no binary serves a route that does not exist.
//!
//! The binaries are generated from the table: `TESSERA_WRITE_BINS=1 cargo test -p
//! tessera-tests --test end_to_end route_functions` writes them (a new route's file must
//! exist first, even empty: functions/Cargo.toml declares it); without it, this test fails on
//! any difference.

use std::collections::BTreeSet;
use std::path::Path;

use tessera::http::{ROUTES, Route};

const NOT_ROUTES: [&str; 5] = ["tessera", "push_dispatcher", "job_worker", "timer_worker", "callback_worker"];

/// The whole source of a route's Lambda binary.
fn binary_source(route: &Route) -> String {
    let methods = if route.answers_head { format!("{}/HEAD", route.method) } else { route.method.to_string() };
    // Chosen at compile time, so a function that never pushes does not link APNs's client.
    let serve = if route.sends_pushes() { "serve_pushing_route" } else { "serve_route" };
    format!(
        "//! Lambda for `{methods} {path}`: [`tessera::http::routes::{item}`].\n\n\
         #[tokio::main]\n\
         async fn main() -> Result<(), lambda_http::Error> {{\n    \
         tessera_functions::lambda::{serve}(&tessera::http::routes::{item}).await\n}}\n",
        path = route.path,
        item = route.item,
    )
}

#[test]
fn every_route_has_its_lambda_and_no_more() {
    let functions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions");
    let write = std::env::var_os("TESSERA_WRITE_BINS").is_some();
    let manifest = std::fs::read_to_string(functions.join("Cargo.toml")).unwrap();
    for route in ROUTES {
        let path = functions.join(format!("src/bin/{}.rs", route.name));
        if write {
            std::fs::write(&path, binary_source(route)).unwrap();
        }
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(source, binary_source(route), "{} (TESSERA_WRITE_BINS=1 regenerates it)", route.name);
        let declared =
            format!("[[bin]]\nname = \"{0}\"\npath = \"src/bin/{0}.rs\"\nrequired-features = [\"lambda\"]", route.name);
        assert!(manifest.contains(&declared), "{} is declared behind the lambda feature", route.name);
    }
    let binaries: BTreeSet<String> = std::fs::read_dir(functions.join("src/bin"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap().trim_end_matches(".rs").to_string())
        .filter(|name| !NOT_ROUTES.contains(&name.as_str()))
        .collect();
    let routes: BTreeSet<String> = ROUTES.iter().map(|r| r.name.to_string()).collect();
    assert_eq!(binaries, routes);
    assert!(manifest.contains("name = \"push_dispatcher\""));
}
