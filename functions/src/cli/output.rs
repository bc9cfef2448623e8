//! How the resource commands print: the API's JSON as it is, or for a person, a table of a
//! list (one row per item, chosen columns) and one item's top-level fields.

use serde_json::Value;

/// A table column: its header, and where its value is in an item (a JSON pointer).
pub struct Column {
    header: &'static str,
    pointer: &'static str,
}

impl Column {
    pub const fn new(header: &'static str, pointer: &'static str) -> Column {
        Column { header, pointer }
    }
}

/// The widest a cell gets before it is cut (with `…`), so one long value keeps rows on a line.
const MAX_CELL: usize = 60;

pub fn json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Columns padded to their widest cell, a header row first; `(none)` for no items.
pub fn table(columns: &[Column], items: &[Value]) -> String {
    if items.is_empty() {
        return "(none)".into();
    }
    let mut rows = vec![columns.iter().map(|c| c.header.to_string()).collect::<Vec<_>>()];
    rows.extend(items.iter().map(|item| columns.iter().map(|c| cell(item.pointer(c.pointer))).collect()));
    aligned(&rows)
}

/// One item as `field  value` lines: its scalar fields as they are, lists of scalars joined,
/// anything deeper summarized (`--json` shows it whole).
pub fn fields(item: &Value) -> String {
    let Some(map) = item.as_object() else { return json(item) };
    let rows: Vec<Vec<String>> = map
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(name, value)| {
            let shown = match value {
                Value::Object(inner) if inner.is_empty() => "{}".to_string(),
                Value::Array(list) if list.is_empty() => "[]".to_string(),
                Value::Object(inner) => format!("({} fields; --json shows them)", inner.len()),
                Value::Array(list) if list.iter().any(|v| v.is_object() || v.is_array()) => {
                    format!("({} items; --json shows them)", list.len())
                }
                other => cell(Some(other)),
            };
            vec![name.clone(), shown]
        })
        .collect();
    aligned(&rows)
}

fn cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(list)) => list.iter().map(|v| cell(Some(v))).collect::<Vec<_>>().join(";"),
        Some(other) => other.to_string(),
    };
    let text = text.replace(['\n', '\r', '\t'], " ");
    if text.chars().count() > MAX_CELL {
        format!("{}…", text.chars().take(MAX_CELL - 1).collect::<String>())
    } else {
        text
    }
}

fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0))
        .collect();
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let padded: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            padded.join("  ").trim_end().to_string()
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_becomes_aligned_rows() {
        let columns = [Column::new("ID", "/id"), Column::new("NAME", "/name"), Column::new("TAGS", "/tags")];
        let items = [json!({"id": 7, "name": "Concerts", "tags": ["a", "b"]}), json!({"id": 12, "name": null})];
        assert_eq!(table(&columns, &items), "ID  NAME      TAGS\n7   Concerts  a;b\n12");
        assert_eq!(table(&columns, &[]), "(none)");
    }

    #[test]
    fn long_cells_are_cut_and_kept_on_one_line() {
        let columns = [Column::new("V", "/v")];
        let shown = table(&columns, &[json!({"v": format!("a\nb{}", "x".repeat(100))})]);
        let row = shown.lines().nth(1).unwrap();
        assert_eq!(row.chars().count(), MAX_CELL);
        assert!(row.starts_with("a b") && row.ends_with('…'));
    }

    #[test]
    fn one_item_shows_its_fields() {
        let item =
            json!({"id": 3, "fields": {"a": 1}, "tags": ["x"], "gone": null, "locations": [{"lat": 1}], "none": []});
        assert_eq!(
            fields(&item),
            "id         3\nfields     (1 fields; --json shows them)\ntags       x\nlocations  (1 items; --json shows them)\nnone       []"
        );
    }
}
