//! A template's localizations (`{"fr": {"The Tour": "La Tournée"}}`, Wallet's pass.strings
//! by language) as Google's translated values: every LocalizedString whose default text is a
//! key gains `translatedValues`, and every text module row whose header or body is one gains
//! `localizedHeader`/`localizedBody`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// language → key → text.
pub type Localizations = BTreeMap<String, BTreeMap<String, String>>;

/// Adds the translations of `localizations` throughout a class or object.
pub fn translate(value: &mut Value, localizations: &Localizations) {
    if localizations.is_empty() {
        return;
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| translate(item, localizations)),
        Value::Object(object) => {
            let default_text = object.get("defaultValue").and_then(|d| d.get("value")).and_then(Value::as_str);
            if let Some(text) = default_text.map(str::to_owned) {
                let translated = translations_of(&text, localizations);
                if !translated.is_empty() {
                    object.insert("translatedValues".into(), Value::Array(translated));
                }
                return;
            }
            if let Some(Value::Array(rows)) = object.get_mut("textModulesData") {
                rows.iter_mut().filter_map(Value::as_object_mut).for_each(|row| localize_row(row, localizations));
            }
            object.values_mut().for_each(|child| translate(child, localizations));
        }
        _ => {}
    }
}

fn localize_row(row: &mut Map<String, Value>, localizations: &Localizations) {
    for (plain, localized) in [("header", "localizedHeader"), ("body", "localizedBody")] {
        let Some(text) = row.get(plain).and_then(Value::as_str).map(str::to_owned) else { continue };
        let translated = translations_of(&text, localizations);
        if !translated.is_empty() {
            let default = json!({"language": super::mapping::LANGUAGE, "value": text});
            row.insert(localized.into(), json!({"defaultValue": default, "translatedValues": translated}));
        }
    }
}

fn translations_of(key: &str, localizations: &Localizations) -> Vec<Value> {
    localizations
        .iter()
        .filter_map(|(language, strings)| strings.get(key).map(|text| json!({"language": language, "value": text})))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_strings_and_text_rows_gain_their_translations() {
        let localizations: Localizations = serde_json::from_value(json!({
            "fr": {"The Tour": "La Tournée", "Terms": "Conditions"},
            "de": {"The Tour": "Die Tournee"}
        }))
        .unwrap();
        let mut class = json!({
            "eventName": {"defaultValue": {"language": "en-US", "value": "The Tour"}},
            "venue": {"name": {"defaultValue": {"language": "en-US", "value": "Arena"}}},
            "textModulesData": [{"header": "Terms", "body": "No re-entry", "id": "terms"}]
        });
        translate(&mut class, &localizations);
        assert_eq!(
            class["eventName"]["translatedValues"],
            json!([{"language": "de", "value": "Die Tournee"}, {"language": "fr", "value": "La Tournée"}])
        );
        assert_eq!(class["venue"]["name"].get("translatedValues"), None, "no key, no translation");
        let row = &class["textModulesData"][0];
        assert_eq!(row["localizedHeader"]["translatedValues"], json!([{"language": "fr", "value": "Conditions"}]));
        assert_eq!(row.get("localizedBody"), None);
    }
}
