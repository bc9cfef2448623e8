//! Google templates' and passes' fields in Airship's module shapes. A template gives them
//! collapsed (name → field whose `fieldType` is its module) or nested as Airship's
//! `fieldsModel` shows them (module → name → field; `offerModule` → the offer's properties);
//! both are kept collapsed, with `label`/`value` for the module's own keys. Passes give them
//! collapsed, with `label`/`value` or the module's keys.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use serde_json::Value;

use super::error::FieldProblem;
use super::render::is_field_group;
use crate::model::date::parse_wallet_date;
use crate::model::google_modules::{Module, OFFER_PROPERTIES, REDEMPTION_CHANNELS, absorb_module_keys};
use crate::model::template::{FieldSpec, TemplateContent};

/// A Google template's fields as Tessera keeps them; problems name the request's paths.
pub(super) fn collapse_modules(
    fields: BTreeMap<String, FieldSpec>,
    problems: &mut Vec<FieldProblem>,
) -> BTreeMap<String, FieldSpec> {
    let mut out = BTreeMap::new();
    let mut place =
        |name: String, spec: FieldSpec, path: String, problems: &mut Vec<FieldProblem>| match out.entry(name) {
            Entry::Occupied(_) => problems.push(FieldProblem::new(path, "names a field given twice")),
            Entry::Vacant(slot) => {
                slot.insert(spec);
            }
        };
    for (key, mut spec) in fields {
        let grouping = spec.field_type.is_none().then(|| Module::parse(&key)).flatten();
        match grouping {
            Some(Module::Offer) => {
                spec.field_type = Some(Module::Offer.name().into());
                absorb_module_keys(Module::Offer, &mut spec);
                check_field(&format!("fields.{key}"), Module::Offer, &spec, problems);
                place(key.clone(), spec, format!("fields.{key}"), problems);
            }
            Some(module) if holds_fields(&spec) => {
                for (name, inner) in spec.extra {
                    let path = format!("fields.{key}.{name}");
                    let mut field: FieldSpec = match serde_json::from_value(inner) {
                        Ok(field) => field,
                        Err(e) => {
                            problems.push(FieldProblem::new(path, e.to_string()));
                            continue;
                        }
                    };
                    if field.field_type.as_deref().is_some_and(|t| Module::parse(t) != Some(module)) {
                        problems.push(FieldProblem::new(
                            format!("{path}.fieldType"),
                            format!("must be {} (the module it is in)", module.name()),
                        ));
                        continue;
                    }
                    field.field_type = Some(module.name().into());
                    absorb_module_keys(module, &mut field);
                    check_field(&path, module, &field, problems);
                    place(name, field, path, problems);
                }
            }
            _ => {
                let path = format!("fields.{key}");
                if let Some(module) = Module::of(&spec) {
                    spec.field_type = Some(module.name().into());
                    absorb_module_keys(module, &mut spec);
                    check_field(&path, module, &spec, problems);
                } else if !spec.field_type.as_deref().is_some_and(is_field_group) {
                    problems.push(FieldProblem::new(
                        format!("{path}.fieldType"),
                        format!("must be one of header, primary, secondary, auxiliary, back, {}", Module::names()),
                    ));
                }
                place(key, spec, path, problems);
            }
        }
    }
    out
}

/// A module key holding fields (`"textModulesData": {"Details": {…}}`), not a field itself.
fn holds_fields(spec: &FieldSpec) -> bool {
    spec.value.is_none() && spec.label.is_none() && spec.extra.values().all(Value::is_object)
}

/// A pass's fields given with their modules' keys (`body`, `uri`, …) become `label`/`value`,
/// by the module each has on the template; problems name the request's paths.
pub fn absorb_pass_fields<'a>(
    template: &TemplateContent,
    fields: impl Iterator<Item = (&'a String, &'a mut FieldSpec)>,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (name, spec) in fields {
        let Some(module) = template.fields.get(name).and_then(Module::of) else { continue };
        absorb_module_keys(module, spec);
        check_field(&format!("fields.{name}"), module, spec, &mut problems);
    }
    problems
}

fn check_field(path: &str, module: Module, spec: &FieldSpec, problems: &mut Vec<FieldProblem>) {
    let text = spec.value.as_ref().and_then(Value::as_str);
    match module {
        Module::Images if spec.value.is_some() && !text.is_some_and(is_https) => problems.push(FieldProblem::new(
            format!("{path}.image"),
            "must be a public https URL (Google fetches the image itself)",
        )),
        Module::Links if spec.value.is_some() && !text.is_some_and(|u| u.contains(':')) => {
            problems.push(FieldProblem::new(format!("{path}.uri"), "must be a URI (https:, tel:, mailto:, geo:)"))
        }
        Module::Offer => check_offer(path, spec, problems),
        _ => {}
    }
}

fn check_offer(path: &str, spec: &FieldSpec, problems: &mut Vec<FieldProblem>) {
    for key in spec.extra.keys().filter(|k| !OFFER_PROPERTIES.contains(&k.as_str())) {
        problems.push(FieldProblem::new(
            format!("{path}.{key}"),
            format!("is not a property of offerModule ({})", OFFER_PROPERTIES.join(", ")),
        ));
    }
    let property = |key: &str| spec.extra.get(key).filter(|v| !v.is_null());
    if let Some(channel) = property("redemptionChannel")
        && !channel.as_str().is_some_and(|c| REDEMPTION_CHANNELS.iter().any(|known| known.eq_ignore_ascii_case(c)))
    {
        problems.push(FieldProblem::new(
            format!("{path}.redemptionChannel"),
            format!("must be one of {}", REDEMPTION_CHANNELS.join(", ")),
        ));
    }
    if let Some(end) = property("endTime")
        && end.as_str().is_none_or(|e| parse_wallet_date(e).is_err())
    {
        problems.push(FieldProblem::new(format!("{path}.endTime"), "must be an ISO 8601 date and time with a zone"));
    }
    if property("multiUseOffer").is_some_and(|m| !m.is_boolean()) {
        problems.push(FieldProblem::new(format!("{path}.multiUseOffer"), "must be true or false"));
    }
    if property("provider").is_some_and(|p| !p.is_string()) {
        problems.push(FieldProblem::new(format!("{path}.provider"), "must be a string"));
    }
}

pub fn is_https(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty())
}
