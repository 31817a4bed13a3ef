//! Which language a concept's label, alternative labels and description are read in.
//!
//! The taxonomy's language is `--lang`, else the scheme's `dct:language`, else the most common
//! language of the file's `skos:prefLabel`s. Per concept, a label in exactly that language wins;
//! when there is none a regional variant stands in (`en-gb` for `en`, the first in order), or the
//! base language for a regional request (`en` for `en-gb`), then an untagged label, then any.

use std::collections::BTreeMap;

/// Language tags are compared in lower case (RDF says they are case-insensitive).
pub fn normalise(tag: &str) -> String {
    tag.to_ascii_lowercase()
}

/// The most common key of `counts`, the first in order on a tie; "" (untagged) when empty.
pub fn most_common(counts: &BTreeMap<String, usize>) -> String {
    let mut best: Option<(&String, usize)> = None;
    for (lang, &n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((lang, n));
        }
    }
    best.map(|(l, _)| l.clone()).unwrap_or_default()
}

/// The language to read a concept in, given the languages its (non-blank) prefLabels have.
/// `None`: it has no prefLabel at all.
pub fn pick<'a>(wanted: &str, available: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut langs: Vec<&str> = available.into_iter().collect();
    langs.sort_unstable();
    langs.dedup();
    if langs.contains(&wanted) {
        return Some(wanted.to_string());
    }
    if !wanted.is_empty() {
        let regional = format!("{wanted}-");
        if let Some(l) = langs.iter().find(|l| l.starts_with(&regional)) {
            return Some(l.to_string());
        }
        if let Some((primary, _)) = wanted.split_once('-') {
            if langs.contains(&primary) {
                return Some(primary.to_string());
            }
        }
    }
    if langs.contains(&"") {
        return Some(String::new());
    }
    langs.first().map(|l| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regional_tag_stands_in_for_its_language() {
        assert_eq!(pick("en", ["fr", "en-gb", "en-us"]), Some("en-gb".into()));
        assert_eq!(pick("en", ["fr", "en", "en-gb"]), Some("en".into()));
        assert_eq!(pick("en-gb", ["fr", "en"]), Some("en".into()));
        assert_eq!(pick("en", ["fr", ""]), Some("".into()));
        assert_eq!(pick("en", ["fr", "de"]), Some("de".into()));
        assert_eq!(pick("en", []), None);
    }

    #[test]
    fn the_most_common_language_first_in_order_on_ties() {
        let counts: BTreeMap<String, usize> = [
            ("fr".to_string(), 2),
            ("en".to_string(), 2),
            ("de".to_string(), 1),
        ]
        .into();
        assert_eq!(most_common(&counts), "en");
        assert_eq!(most_common(&BTreeMap::new()), "");
    }
}
