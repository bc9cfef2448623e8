//! Airship's Google Wallet field modules. On a Google template a field's `fieldType` may name
//! the module it belongs to (`textModulesData`, `linksModuleData`, …), and each module names
//! a field's label and value with keys of its own (`header`/`body`, `description`/`uri`, …).
//! Tessera keeps every field as `label`/`value` and shows the module's keys in responses.
//! `offerModule` is different: one entry holding the offer's properties.

use serde_json::{Map, Value};

use super::template::FieldSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    Title,
    Text,
    Links,
    Info,
    Images,
    Points,
    Account,
    Offer,
    Message,
}

impl Module {
    pub const ALL: [Module; 9] = [
        Module::Title,
        Module::Text,
        Module::Links,
        Module::Info,
        Module::Images,
        Module::Points,
        Module::Account,
        Module::Offer,
        Module::Message,
    ];

    /// The module a `fieldType` names (any case).
    pub fn parse(field_type: &str) -> Option<Module> {
        Module::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(field_type))
    }

    /// The module of a field, if its `fieldType` names one.
    pub fn of(spec: &FieldSpec) -> Option<Module> {
        spec.field_type.as_deref().and_then(Module::parse)
    }

    pub fn name(self) -> &'static str {
        match self {
            Module::Title => "titleModule",
            Module::Text => "textModulesData",
            Module::Links => "linksModuleData",
            Module::Info => "infoModuleData",
            Module::Images => "imageModulesData",
            Module::Points => "pointsModule",
            Module::Account => "acctModule",
            Module::Offer => "offerModule",
            Module::Message => "messageModule",
        }
    }

    /// The keys Airship writes a field's label and value with in this module; `offerModule`
    /// holds properties instead.
    pub fn keys(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Module::Title => ("title.string", "description.string"),
            Module::Text | Module::Message => ("header", "body"),
            Module::Links => ("description", "uri"),
            Module::Info | Module::Account => ("label", "value"),
            Module::Images => ("imageDescription", "image"),
            Module::Points => ("label", "balance"),
            Module::Offer => return None,
        })
    }

    /// Every module's name, for messages.
    pub fn names() -> String {
        Module::ALL.map(Module::name).join(", ")
    }
}

/// The properties of `offerModule`, as the schema names them.
pub const OFFER_PROPERTIES: [&str; 4] = ["endTime", "multiUseOffer", "provider", "redemptionChannel"];

/// Google's redemption channels, as Airship writes them.
pub const REDEMPTION_CHANNELS: [&str; 4] = ["online", "instore", "both", "temporaryPriceReduction"];

/// A field written with its module's keys, as Tessera keeps it: the module's label and value
/// keys become `label` and `value` (a `label`/`value` given as well wins). The seed's
/// `multiUserOffer` spelling becomes the schema's `multiUseOffer`.
pub fn absorb_module_keys(module: Module, spec: &mut FieldSpec) {
    let Some((label_key, value_key)) = module.keys() else {
        if let Some(multi) = spec.extra.remove("multiUserOffer") {
            spec.extra.entry("multiUseOffer").or_insert(multi);
        }
        return;
    };
    if let Some(label) = spec.extra.remove(label_key)
        && spec.label.is_none()
    {
        spec.label = Some(match label {
            Value::String(s) => s,
            other => other.to_string(),
        });
    }
    if let Some(value) = spec.extra.remove(value_key) {
        spec.value.get_or_insert(value);
    }
}

/// A kept field as Airship shows it: `label` and `value` under its module's keys.
pub fn with_module_keys(module: Module, shown: &mut Map<String, Value>) {
    let Some((label_key, value_key)) = module.keys() else {
        shown.remove("fieldType");
        return;
    };
    for (kept, airship) in [("label", label_key), ("value", value_key)] {
        if kept != airship
            && let Some(v) = shown.remove(kept)
        {
            shown.insert(airship.to_string(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{FieldSpec, Module, absorb_module_keys, with_module_keys};

    #[test]
    fn module_keys_become_label_and_value_and_back() {
        let given = json!({"header": "Coupon Details", "body": "25% off", "fieldType": "textModulesData", "row": 0});
        let mut spec: FieldSpec = serde_json::from_value(given.clone()).unwrap();
        absorb_module_keys(Module::Text, &mut spec);
        assert_eq!(spec.label.as_deref(), Some("Coupon Details"));
        assert_eq!(spec.value, Some(json!("25% off")));
        let mut shown = serde_json::to_value(&spec).unwrap().as_object().cloned().unwrap();
        with_module_keys(Module::Text, &mut shown);
        assert_eq!(serde_json::Value::Object(shown), given);
    }

    #[test]
    fn the_seeds_multi_user_offer_is_the_schemas_multi_use_offer() {
        let mut spec: FieldSpec = serde_json::from_value(json!({"multiUserOffer": true, "provider": "P"})).unwrap();
        absorb_module_keys(Module::Offer, &mut spec);
        assert_eq!(spec.extra.get("multiUseOffer"), Some(&json!(true)));
        assert!(!spec.extra.contains_key("multiUserOffer"));
    }

    #[test]
    fn field_types_name_modules_in_any_case() {
        assert_eq!(Module::parse("TextModulesData"), Some(Module::Text));
        assert_eq!(Module::parse("primary"), None);
    }
}
