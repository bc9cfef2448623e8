//! Airship's Google field modules (see `model::google_modules`) as what Google Wallet shows:
//! text, link, info and image modules, messages, the title, points, account and offer.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::model::google_modules::Module;
use crate::model::template::FieldSpec;

/// The module fields of a template and pass, gathered for a class and an object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModuleData {
    /// `textModulesData` rows (`{id, header, body}`).
    pub text: Vec<Value>,
    /// `linksModuleData.uris` (`{id, uri, description}`).
    pub links: Vec<Value>,
    /// `infoModuleData` cells by row, then column.
    pub info: BTreeMap<i64, BTreeMap<i64, Value>>,
    /// `imageModulesData` (`{id, mainImage}`).
    pub images: Vec<Value>,
    /// Messages every holder sees (`{id, header, body}`).
    pub messages: Vec<Value>,
    /// The title module's text (`description.string`) and label (`title.string`).
    pub title: Option<String>,
    pub title_label: Option<String>,
    /// A title module whose `title.string` is an image URL: the card's logo.
    pub title_image: Option<String>,
    /// The points module: label and balance.
    pub points: Option<(String, Value)>,
    /// The account module's fields in order: (label, value); the first is the account's name,
    /// the second its id.
    pub account: Vec<(String, String)>,
    /// The offer module's properties.
    pub offer: Map<String, Value>,
}

/// A field's value as text (`""` when it has none).
pub(super) fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Google's ids may not contain `.`; keep them readable and stable.
pub fn module_id(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect()
}

fn cell(row: &FieldSpec, key: &str) -> i64 {
    row.extra.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Gathers the module fields among `fields` (template and pass merged), in `order`, then name.
pub fn gather(fields: &BTreeMap<String, FieldSpec>) -> ModuleData {
    let mut ordered: Vec<(&String, &FieldSpec, Module)> =
        fields.iter().filter_map(|(name, spec)| Module::of(spec).map(|m| (name, spec, m))).collect();
    ordered.sort_by_key(|(name, spec, _)| (spec.order.unwrap_or(i64::MAX), (*name).clone()));
    let mut data = ModuleData::default();
    for (name, spec, module) in ordered {
        let empty = spec.value.as_ref().is_none_or(|v| v.is_null() || v.as_str() == Some(""));
        if empty && spec.hide_empty == Some(true) && module != Module::Offer {
            continue;
        }
        let id = module_id(name);
        let label = spec.label.clone().unwrap_or_default();
        let value = text_of(spec.value.as_ref());
        match module {
            Module::Text => data.text.push(json!({"id": id, "header": label, "body": value})),
            Module::Message => data.messages.push(json!({"id": id, "header": label, "body": value})),
            Module::Links => data.links.push(json!({"id": id, "uri": value, "description": label})),
            Module::Info => {
                let entry = json!({"label": label, "value": value});
                data.info.entry(cell(spec, "row")).or_default().insert(cell(spec, "col"), entry);
            }
            Module::Images if !value.is_empty() => {
                let mut image = json!({"sourceUri": {"uri": value}});
                if !label.is_empty() {
                    image["contentDescription"] = localized(&label);
                }
                data.images.push(json!({"id": id, "mainImage": image}));
            }
            Module::Images => {}
            Module::Title if label.starts_with("https://") => data.title_image = Some(label),
            Module::Title => {
                data.title = Some(value).filter(|v| !v.is_empty());
                data.title_label = Some(label).filter(|l| !l.is_empty());
            }
            Module::Points => data.points = Some((label, spec.value.clone().unwrap_or(Value::Null))),
            Module::Account => data.account.push((label, value)),
            Module::Offer => data.offer.extend(spec.extra.clone()),
        }
    }
    data
}

pub fn localized(text: &str) -> Value {
    json!({"defaultValue": {"language": super::mapping::LANGUAGE, "value": text}})
}

impl ModuleData {
    /// `infoModuleData` in Google's shape, if any cell is set.
    pub fn info_module(&self) -> Option<Value> {
        if self.info.is_empty() {
            return None;
        }
        let rows: Vec<Value> =
            self.info.values().map(|columns| json!({"columns": columns.values().collect::<Vec<_>>()})).collect();
        Some(json!({"labelValueRows": rows}))
    }

    /// The info cells as text rows, for kinds that have no info module (generic passes).
    pub fn info_as_text(&self) -> Vec<Value> {
        let cells = self.info.iter().flat_map(|(row, columns)| columns.iter().map(move |(col, c)| (row, col, c)));
        cells
            .map(|(row, col, c)| json!({"id": format!("info_{row}_{col}"), "header": c["label"], "body": c["value"]}))
            .collect()
    }

    /// The loyalty balance: whole numbers as `int`, other numbers as `double`, the rest as text.
    pub fn loyalty_points(&self) -> Option<Value> {
        let (label, balance) = self.points.as_ref()?;
        let parsed = match balance {
            Value::String(s) => s.trim().parse::<f64>().ok().map(|n| json!(n)).unwrap_or_else(|| balance.clone()),
            other => other.clone(),
        };
        let balance = match &parsed {
            Value::Number(n) if n.as_i64().is_some() => json!({"int": n}),
            Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 2e9) => {
                json!({"int": n.as_f64().map(|f| f as i64)})
            }
            Value::Number(n) => json!({"double": n}),
            other => json!({"string": text_of(Some(other))}),
        };
        Some(json!({"label": label, "balance": balance}))
    }

    pub fn offer_text(&self, key: &str) -> Option<&str> {
        self.offer.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
    }

    /// Google's redemption channel for the offer (`temporaryPriceReduction` →
    /// `TEMPORARY_PRICE_REDUCTION`).
    pub fn redemption_channel(&self) -> Option<String> {
        let channel = self.offer_text("redemptionChannel")?;
        let mut out = String::new();
        for c in channel.chars() {
            if c.is_ascii_uppercase() && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::gather;

    #[test]
    fn the_seeds_offer_fields_gather_into_modules() {
        let fields = serde_json::from_value(json!({
            "Details": {"fieldType": "textModulesData", "label": "Coupon Details", "value": "25% off", "order": 2},
            "FinePrint": {"fieldType": "textModulesData", "label": "Terms", "value": "See site", "order": 3},
            "Site": {"fieldType": "linksModuleData", "label": "Visit Us", "value": "https://example.com/"},
            "offerModule": {"fieldType": "offerModule", "redemptionChannel": "temporaryPriceReduction"},
            "Points": {"fieldType": "pointsModule", "label": "Points", "value": "12.0"},
            "Cell": {"fieldType": "infoModuleData", "label": "L", "value": "V", "row": 1, "col": 0},
            "Hidden": {"fieldType": "textModulesData", "hideEmpty": true},
        }))
        .unwrap();
        let data = gather(&fields);
        let headers: Vec<_> = data.text.iter().map(|t| t["header"].clone()).collect();
        assert_eq!(headers, [json!("Coupon Details"), json!("Terms")]);
        assert_eq!(data.links, [json!({"id": "Site", "uri": "https://example.com/", "description": "Visit Us"})]);
        assert_eq!(data.redemption_channel().as_deref(), Some("TEMPORARY_PRICE_REDUCTION"));
        assert_eq!(data.loyalty_points(), Some(json!({"label": "Points", "balance": {"int": 12}})));
        assert_eq!(data.info_module(), Some(json!({"labelValueRows": [{"columns": [{"label": "L", "value": "V"}]}]})));
    }
}
