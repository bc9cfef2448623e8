//! Request bodies read strictly, before any handler sees them: a key given twice in one object
//! (which JSON parsers settle differently, and serde by keeping the last), a control character
//! (NUL included) in a key or a string, and text longer than anything Tessera stores are
//! refused, naming the field.

use std::cell::RefCell;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The longest string a body may carry (a certificate's base64, a long back field), images
/// given as `data:` URLs aside (the body's size caps those).
pub const MAX_TEXT_CHARS: usize = 65_536;
/// The longest name (`name` anywhere in a body).
pub const MAX_NAME_CHARS: usize = 255;
/// The longest description (`description` anywhere in a body; Apple's is read by VoiceOver).
pub const MAX_DESCRIPTION_CHARS: usize = 4_096;
/// The longest key.
pub const MAX_KEY_CHARS: usize = 1_024;

/// Why a body was refused: the field (a JSON path) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub reason: String,
}

/// The body as a JSON value, or why it is refused (`Err(None)`: not JSON at all, which the
/// caller's parser words better).
pub fn parse(bytes: &[u8]) -> Result<Value, Option<Refusal>> {
    let refusal = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { path: String::new(), key: None, refusal: &refusal }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match (value, refusal.into_inner()) {
        (_, Some(refusal)) => Err(Some(refusal)),
        (Ok(value), None) => Ok(value),
        (Err(_), None) => Err(None),
    }
}

struct Strict<'a> {
    path: String,
    /// The key this value sits under, for the per-name limits.
    key: Option<String>,
    refusal: &'a RefCell<Option<Refusal>>,
}

impl Strict<'_> {
    fn refuse<E: de::Error>(&self, field: &str, reason: String) -> E {
        let field = if field.is_empty() { "body".to_string() } else { field.to_string() };
        self.refusal.borrow_mut().get_or_insert(Refusal { field, reason });
        E::custom("refused")
    }

    fn child(&self, segment: &str, key: Option<String>) -> Strict<'_> {
        let path = if self.path.is_empty() { segment.to_string() } else { format!("{}.{segment}", self.path) };
        Strict { path, key, refusal: self.refusal }
    }

    fn check_text<E: de::Error>(&self, field: &str, text: &str, max_chars: usize) -> Result<(), E> {
        if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(self.refuse(field, "must not contain control characters".into()));
        }
        if text.chars().nth(max_chars).is_some() {
            return Err(self.refuse(field, format!("must be at most {max_chars} characters")));
        }
        Ok(())
    }

    fn max_chars(&self, text: &str) -> usize {
        match self.key.as_deref() {
            Some("name") => MAX_NAME_CHARS,
            Some("description") => MAX_DESCRIPTION_CHARS,
            _ if text.starts_with("data:") => usize::MAX,
            _ => MAX_TEXT_CHARS,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.check_text(&self.path, v, self.max_chars(v))?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.check_text(&self.path, &v, self.max_chars(&v))?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict {
            path: format!("{}[{}]", self.path, items.len()),
            key: None,
            refusal: self.refusal,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let field = self.child(&key, None).path;
            self.check_text::<A::Error>(&field, &key, MAX_KEY_CHARS)?;
            if object.contains_key(&key) {
                return Err(self.refuse(&field, "is given twice".into()));
            }
            let value = map.next_value_seed(self.child(&key, Some(key.clone())))?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &str) -> Option<Refusal> {
        parse(body.as_bytes()).err().flatten()
    }

    #[test]
    fn well_formed_bodies_read_as_json_does() {
        let body = r#"{"name": "Gold", "fields": {"Seat": {"value": 12, "label": "SEAT\nROW"}}, "tags": ["a", "b"],
            "headers": {"logo_image": {"value": "data:image/png;base64,iVBORw0KGgo="}}, "n": -1.5, "z": null}"#;
        assert_eq!(parse(body.as_bytes()).unwrap(), serde_json::from_str::<Value>(body).unwrap());
        assert_eq!(parse(b"{oops"), Err(None), "syntax is the caller's to word");
    }

    #[test]
    fn twice_given_keys_control_characters_and_overlong_text_are_refused_by_path() {
        let twice = refused(r#"{"fields": {"Seat": {"value": 1}, "Seat": {"value": 2}}}"#).unwrap();
        assert_eq!((twice.field.as_str(), twice.reason.as_str()), ("fields.Seat", "is given twice"));
        let nul = refused(r#"{"tags": ["ok", "bad\u0000tag"]}"#).unwrap();
        assert_eq!((nul.field.as_str(), nul.reason.as_str()), ("tags[1]", "must not contain control characters"));
        assert_eq!(refused(r#"{"ext\u0000": 1}"#).unwrap().field, "ext\u{0}");
        let long_name = format!(r#"{{"name": "{}"}}"#, "n".repeat(MAX_NAME_CHARS + 1));
        assert_eq!(refused(&long_name).unwrap().reason, "must be at most 255 characters");
        assert!(refused(&format!(r#"{{"name": "{}"}}"#, "n".repeat(MAX_NAME_CHARS))).is_none());
        let long_description = format!(r#"{{"description": "{}"}}"#, "d".repeat(MAX_DESCRIPTION_CHARS + 1));
        assert_eq!(refused(&long_description).unwrap().field, "description");
        let long_value = format!(r#"{{"fields": {{"Terms": {{"value": "{}"}}}}}}"#, "t".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(refused(&long_value).unwrap().field, "fields.Terms.value");
        let image = format!(
            r#"{{"headers": {{"strip_image": {{"value": "data:image/png;base64,{}"}}}}}}"#,
            "A".repeat(MAX_TEXT_CHARS * 2)
        );
        assert!(refused(&image).is_none(), "images are bounded by the body's size");
    }
}
