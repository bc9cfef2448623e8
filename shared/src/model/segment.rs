//! Segments: named boolean expressions over tags, written as Airship writes audience
//! selectors: `{"tag": "vip"}`, `{"and": [...]}`, `{"or": [...]}`, `{"not": {...}}`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::model::problem::FieldProblem;

/// How deep an expression may nest, and how many terms it may hold in all.
pub const MAX_DEPTH: usize = 8;
pub const MAX_TERMS: usize = 100;
const MAX_TAG_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Criteria {
    Tag(String),
    And(Vec<Criteria>),
    Or(Vec<Criteria>),
    Not(Box<Criteria>),
}

impl Criteria {
    /// Reads an expression; a problem names where it is (`criteria.and[1].tag`).
    pub fn parse(value: &Value, path: &str) -> Result<Criteria, FieldProblem> {
        let mut terms = 0;
        let criteria = parse_at(value, path, 1, &mut terms)?;
        if terms > MAX_TERMS {
            return Err(FieldProblem::new(path, format!("holds {terms} terms; at most {MAX_TERMS}")));
        }
        Ok(criteria)
    }

    pub fn to_json(&self) -> Value {
        match self {
            Criteria::Tag(tag) => json!({"tag": tag}),
            Criteria::And(all) => json!({"and": all.iter().map(Criteria::to_json).collect::<Vec<_>>()}),
            Criteria::Or(any) => json!({"or": any.iter().map(Criteria::to_json).collect::<Vec<_>>()}),
            Criteria::Not(inner) => json!({"not": inner.to_json()}),
        }
    }

    /// Whether a pass carrying `tags` is a member.
    pub fn matches(&self, tags: &[String]) -> bool {
        match self {
            Criteria::Tag(tag) => tags.iter().any(|t| t == tag),
            Criteria::And(all) => all.iter().all(|c| c.matches(tags)),
            Criteria::Or(any) => any.iter().any(|c| c.matches(tags)),
            Criteria::Not(inner) => !inner.matches(tags),
        }
    }

    /// Tags one of which every member carries, so members can be found from those tags'
    /// passes alone; `None` when no such set exists (a `not` at the top, or an `or` with such
    /// a branch), and every pass must be looked at.
    pub fn anchors(&self) -> Option<BTreeSet<String>> {
        match self {
            Criteria::Tag(tag) => Some(BTreeSet::from([tag.clone()])),
            // Any one branch's anchors will do: the smallest set means the fewest lists read.
            Criteria::And(all) => all.iter().filter_map(Criteria::anchors).min_by_key(BTreeSet::len),
            Criteria::Or(any) => any.iter().map(Criteria::anchors).try_fold(BTreeSet::new(), |mut union, one| {
                union.extend(one?);
                Some(union)
            }),
            Criteria::Not(_) => None,
        }
    }
}

fn parse_at(value: &Value, path: &str, depth: usize, terms: &mut usize) -> Result<Criteria, FieldProblem> {
    if depth > MAX_DEPTH {
        return Err(FieldProblem::new(path, format!("nests deeper than {MAX_DEPTH} levels")));
    }
    *terms += 1;
    let Some(object) = value.as_object().filter(|o| o.len() == 1) else {
        return Err(FieldProblem::new(path, "must be an object with one of tag, and, or, not"));
    };
    let Some((operator, operand)) = object.iter().next() else {
        return Err(FieldProblem::new(path, "must be an object with one of tag, and, or, not"));
    };
    let here = format!("{path}.{operator}");
    match operator.as_str() {
        "tag" => match operand.as_str() {
            Some(tag) if !tag.trim().is_empty() && tag.len() <= MAX_TAG_LEN && !tag.contains('\0') => {
                Ok(Criteria::Tag(tag.to_string()))
            }
            _ => Err(FieldProblem::new(here, format!("must be a tag name of 1 to {MAX_TAG_LEN} characters"))),
        },
        "and" | "or" => {
            let Some(items) = operand.as_array().filter(|a| !a.is_empty()) else {
                return Err(FieldProblem::new(here, "must be a non-empty array of expressions"));
            };
            let parts = items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_at(item, &format!("{here}[{i}]"), depth + 1, terms))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if operator == "and" { Criteria::And(parts) } else { Criteria::Or(parts) })
        }
        "not" => Ok(Criteria::Not(Box::new(parse_at(operand, &here, depth + 1, terms)?))),
        other => Err(FieldProblem::new(path, format!("`{other}` is not one of tag, and, or, not"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: Value) -> Criteria {
        Criteria::parse(&value, "criteria").unwrap()
    }

    fn tags(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nested_expressions_match_by_tags() {
        let vip_not_banned = parse(json!({"and": [
            {"or": [{"tag": "gold"}, {"tag": "platinum"}]},
            {"not": {"tag": "banned"}}
        ]}));
        assert!(vip_not_banned.matches(&tags(&["gold"])));
        assert!(vip_not_banned.matches(&tags(&["platinum", "x"])));
        assert!(!vip_not_banned.matches(&tags(&["gold", "banned"])));
        assert!(!vip_not_banned.matches(&tags(&["silver"])));
        assert!(!vip_not_banned.matches(&[]));
        assert_eq!(vip_not_banned.anchors(), Some(BTreeSet::from(["gold".into(), "platinum".into()])));
    }

    #[test]
    fn anchors_need_every_member_to_carry_one() {
        assert_eq!(parse(json!({"not": {"tag": "a"}})).anchors(), None);
        assert_eq!(parse(json!({"or": [{"tag": "a"}, {"not": {"tag": "b"}}]})).anchors(), None);
        let and = parse(json!({"and": [{"or": [{"tag": "a"}, {"tag": "b"}]}, {"tag": "c"}, {"not": {"tag": "d"}}]}));
        assert_eq!(and.anchors(), Some(BTreeSet::from(["c".into()])), "the smallest branch");
    }

    #[test]
    fn json_round_trips() {
        let value = json!({"or": [{"tag": "a"}, {"and": [{"tag": "b"}, {"not": {"tag": "c"}}]}]});
        assert_eq!(parse(value.clone()).to_json(), value);
    }

    #[test]
    fn problems_name_where_they_are() {
        let problem = |value: Value| Criteria::parse(&value, "criteria").unwrap_err().field;
        assert_eq!(problem(json!({"and": [{"tag": "a"}, {"tag": ""}]})), "criteria.and[1].tag");
        assert_eq!(problem(json!({"or": []})), "criteria.or");
        assert_eq!(problem(json!({"xor": [{"tag": "a"}]})), "criteria");
        assert_eq!(problem(json!({"tag": "a", "not": {"tag": "b"}})), "criteria");
        assert_eq!(problem(json!("vip")), "criteria");
        let mut deep = json!({"tag": "a"});
        for _ in 0..MAX_DEPTH {
            deep = json!({"not": deep});
        }
        assert!(problem(deep).starts_with("criteria.not.not"));
        let wide = json!({"or": (0..MAX_TERMS).map(|i| json!({"tag": format!("t{i}")})).collect::<Vec<_>>()});
        assert_eq!(problem(wide), "criteria");
    }
}
