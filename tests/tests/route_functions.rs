//! One Lambda per route: every entry of the routes table has its binary in functions/src/bin,
//! declared behind the `lambda` feature and serving exactly that route, and no binary serves
//! a route that does not exist.

use std::collections::BTreeSet;
use std::path::Path;

use tessera::http::ROUTES;

const NOT_ROUTES: [&str; 2] = ["tessera", "push_dispatcher"];

#[test]
fn every_route_has_its_lambda_and_no_more() {
    let functions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions");
    let manifest = std::fs::read_to_string(functions.join("Cargo.toml")).unwrap();
    let binaries: BTreeSet<String> = std::fs::read_dir(functions.join("src/bin"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap().trim_end_matches(".rs").to_string())
        .filter(|name| !NOT_ROUTES.contains(&name.as_str()))
        .collect();
    let routes: BTreeSet<String> = ROUTES.iter().map(|r| r.name.to_string()).collect();
    assert_eq!(binaries, routes);
    for route in ROUTES {
        let source = std::fs::read_to_string(functions.join(format!("src/bin/{}.rs", route.name))).unwrap();
        assert!(source.contains(&format!("serve_route(\"{}\")", route.name)), "{} serves its own route", route.name);
        let declared =
            format!("[[bin]]\nname = \"{0}\"\npath = \"src/bin/{0}.rs\"\nrequired-features = [\"lambda\"]", route.name);
        assert!(manifest.contains(&declared), "{} is declared behind the lambda feature", route.name);
    }
    assert!(manifest.contains("name = \"push_dispatcher\""));
}
