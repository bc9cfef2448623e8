//! `tessera issue`'s input: a CSV with a header row, read and checked whole before any pass
//! is made. Columns name template fields (or are mapped to them), except the reserved ones:
//! `externalId` (required: a rerun finds what it made by it), `tags` (`;`-separated),
//! `expirationDate` (ISO 8601 with a time zone) and image headers (`logo_image`,
//! `thumbnail_image`, ...: an https URL, or a PNG file's path).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use base64::Engine;
use serde_json::{Map, Value, json};

pub const EXTERNAL_ID: &str = "externalId";
pub const TAGS: &str = "tags";
pub const EXPIRATION: &str = "expirationDate";

/// One pass to make: its CSV row number (the header is row 1) and its request body.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPass {
    pub row: usize,
    pub external_id: String,
    pub body: Value,
}

/// `--map` file lines: `column=field` (blank lines and `#` comments skipped).
pub fn parse_map(text: &str) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut map = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((column, field)) if !column.trim().is_empty() && !field.trim().is_empty() => {
                map.insert(column.trim().to_string(), field.trim().to_string());
            }
            _ => problems.push(format!("map line {}: expected column=field, found {line:?}", n + 1)),
        }
    }
    if problems.is_empty() { Ok(map) } else { Err(problems) }
}

/// Image headers a column may set.
fn is_image_header(name: &str) -> bool {
    let base = name.trim_end_matches("_2x").trim_end_matches("_3x");
    matches!(
        base,
        "icon_image" | "logo_image" | "strip_image" | "thumbnail_image" | "background_image" | "footer_image"
    )
}

/// What each column is.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    ExternalId,
    Tags,
    Expiration,
    Image(String),
    Field(String),
}

/// Reads the whole CSV and answers every pass to make, or every problem found (row numbers
/// as a spreadsheet shows them). `fields` are the template's field names; `base_dir` is
/// where relative image paths start.
pub fn plan(
    csv_bytes: &[u8],
    fields: &BTreeSet<String>,
    map: &BTreeMap<String, String>,
    link: Option<&str>,
    base_dir: &Path,
) -> Result<Vec<PlannedPass>, Vec<String>> {
    let text = std::str::from_utf8(csv_bytes).map_err(|e| {
        vec![format!("the CSV is not UTF-8 (byte {}): save it as UTF-8 and try again", e.valid_up_to())]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| vec![format!("the header row: {e}")])?.clone();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for name in headers.iter().map(str::trim) {
        let target = map.get(name).map(String::as_str).unwrap_or(name);
        let column = match target {
            EXTERNAL_ID => Column::ExternalId,
            TAGS => Column::Tags,
            EXPIRATION => Column::Expiration,
            image if is_image_header(image) => Column::Image(image.to_string()),
            field if fields.contains(field) => Column::Field(field.to_string()),
            other => {
                problems.push(format!(
                    "column {name:?}: the template has no field {other:?} (its fields: {})",
                    fields.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
                continue;
            }
        };
        if columns.contains(&column) {
            problems.push(format!("column {name:?}: {target:?} is set by another column too"));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::ExternalId) {
        problems.push(format!("no {EXTERNAL_ID} column: rows are keyed by it, so a rerun never makes a pass twice"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut planned = Vec::new();
    let mut seen = BTreeMap::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(format!("row {row}: {e}"));
                continue;
            }
        };
        match plan_row(row, &columns, &record, link, base_dir) {
            Ok(pass) => {
                if let Some(first) = seen.insert(pass.external_id.clone(), row) {
                    problems.push(format!("row {row}: {EXTERNAL_ID} {:?} is row {first}'s too", pass.external_id));
                }
                planned.push(pass);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if planned.is_empty() && problems.is_empty() {
        problems.push("the CSV has no rows under its header".into());
    }
    if problems.is_empty() { Ok(planned) } else { Err(problems) }
}

fn plan_row(
    row: usize,
    columns: &[Column],
    record: &csv::StringRecord,
    link: Option<&str>,
    base_dir: &Path,
) -> Result<PlannedPass, String> {
    let mut external_id = String::new();
    let mut fields = Map::new();
    let mut headers = Map::new();
    let mut body = Map::new();
    for (column, value) in columns.iter().zip(record.iter()) {
        let value = value.trim();
        match column {
            Column::ExternalId => external_id = value.to_string(),
            Column::Tags if !value.is_empty() => {
                let tags: Vec<&str> = value.split(';').map(str::trim).filter(|t| !t.is_empty()).collect();
                body.insert(TAGS.into(), json!(tags));
            }
            Column::Expiration if !value.is_empty() => {
                if let Err(e) = tessera::model::date::parse_wallet_date(value) {
                    return Err(format!("row {row}: {EXPIRATION} {value:?} must be an ISO 8601 date-time: {e}"));
                }
                body.insert(EXPIRATION.into(), json!(value));
            }
            Column::Image(header) if !value.is_empty() => {
                let image = image_value(value, base_dir).map_err(|e| format!("row {row}: {header}: {e}"))?;
                headers.insert(header.clone(), json!({"value": image}));
            }
            Column::Field(name) => {
                fields.insert(name.clone(), json!({"value": value}));
            }
            _ => {}
        }
    }
    if external_id.is_empty() {
        return Err(format!("row {row}: no {EXTERNAL_ID}"));
    }
    if external_id.contains('/') || external_id.chars().any(char::is_control) {
        return Err(format!("row {row}: {EXTERNAL_ID} {external_id:?} may not hold '/' or control characters"));
    }
    if !fields.is_empty() {
        body.insert("fields".into(), Value::Object(fields));
    }
    if !headers.is_empty() {
        body.insert("headers".into(), Value::Object(headers));
    }
    if let Some(kind) = link {
        body.insert("publicUrl".into(), json!({"type": kind}));
    }
    Ok(PlannedPass { row, external_id, body: Value::Object(body) })
}

/// An image cell: an https URL as it is, or a PNG file (relative to the CSV) as a data URL.
fn image_value(value: &str, base_dir: &Path) -> Result<String, String> {
    if value.starts_with("https://") || value.starts_with("http://") {
        return Ok(value.to_string());
    }
    let path = base_dir.join(value);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(format!("{} is not a PNG", path.display()));
    }
    Ok(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> BTreeSet<String> {
        ["Seat", "Event"].map(String::from).into()
    }

    fn planned(csv: &str) -> Result<Vec<PlannedPass>, Vec<String>> {
        plan(csv.as_bytes(), &fields(), &BTreeMap::new(), Some("multiple"), Path::new("."))
    }

    #[test]
    fn rows_become_pass_requests_keyed_by_external_id() {
        let passes =
            planned("externalId,Seat,tags,expirationDate\nt-1, 12A ,vip; front,2027-06-30T23:00:00Z\nt-2,12B,,\n")
                .unwrap();
        assert_eq!(passes.len(), 2);
        assert_eq!((passes[0].row, passes[0].external_id.as_str()), (2, "t-1"));
        assert_eq!(
            passes[0].body,
            json!({"fields": {"Seat": {"value": "12A"}}, "tags": ["vip", "front"],
                "expirationDate": "2027-06-30T23:00:00Z", "publicUrl": {"type": "multiple"}})
        );
        assert_eq!(passes[1].body, json!({"fields": {"Seat": {"value": "12B"}}, "publicUrl": {"type": "multiple"}}));
    }

    #[test]
    fn a_map_renames_columns() {
        let map = parse_map("# seats\nSitz = Seat\n").unwrap();
        let passes = plan(b"externalId,Sitz\nx,3\n", &fields(), &map, None, Path::new(".")).unwrap();
        assert_eq!(passes[0].body, json!({"fields": {"Seat": {"value": "3"}}}));
        assert!(parse_map("Seat").unwrap_err()[0].contains("column=field"));
    }

    #[test]
    fn a_bad_csv_is_refused_whole_with_every_problem_named() {
        let problems = planned("Seat,Gate\n1,2\n").unwrap_err();
        assert!(problems[0].contains("\"Gate\""), "{problems:?}");
        assert!(problems[1].contains("no externalId column"), "{problems:?}");
        let csv = "externalId,Seat,expirationDate\na,1,\na,2,\n,3,\nb/c,4,\nd,5,2027-02-30T10:00:00Z\ne,6,2027-01-01\n";
        let problems = planned(csv).unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].starts_with("row 3: externalId \"a\" is row 2's too"), "{problems:?}");
        assert!(problems[1].starts_with("row 4: no externalId"), "{problems:?}");
        assert!(problems[2].starts_with("row 5: externalId \"b/c\" may not"), "{problems:?}");
        assert!(problems[3].starts_with("row 6: expirationDate") && problems[3].contains("calendar"), "{problems:?}");
        assert!(problems[4].starts_with("row 7: expirationDate"), "{problems:?}");
        assert!(planned("externalId,Seat\n").unwrap_err()[0].contains("no rows"));
        assert!(planned("externalId,Seat\na,1,extra\n").unwrap_err()[0].starts_with("row 2"));
        let latin1 = b"externalId,Seat\nm\xfcller,1\n";
        let problems = plan(latin1, &fields(), &BTreeMap::new(), None, Path::new(".")).unwrap_err();
        assert!(problems[0].contains("not UTF-8"), "{problems:?}");
    }

    #[test]
    fn images_are_urls_or_png_files() {
        let dir = std::env::temp_dir().join(format!("tessera-issue-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.png"), b"\x89PNG\r\n\x1a\nrest").unwrap();
        std::fs::write(dir.join("b.png"), b"GIF89a").unwrap();
        let csv = "externalId,thumbnail_image\n1,a.png\n2,https://example.com/t.png\n3,b.png\n4,missing.png\n";
        let problems = plan(csv.as_bytes(), &fields(), &BTreeMap::new(), None, &dir).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("row 4: thumbnail_image") && problems[0].contains("not a PNG"));
        assert!(problems[1].starts_with("row 5: thumbnail_image"));
        let passes = plan(&csv.as_bytes()[..csv.find("3,").unwrap()], &fields(), &BTreeMap::new(), None, &dir).unwrap();
        assert!(
            passes[0].body["headers"]["thumbnail_image"]["value"]
                .as_str()
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        assert_eq!(passes[1].body["headers"]["thumbnail_image"]["value"], "https://example.com/t.png");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
