//! Keys <-> IRIs. A concept's key is its IRI, or with a base namespace what follows it
//! (percent-decoded); export puts the namespace back. Keys that are absolute IRIs are written as
//! they are, so a file imported without a base exports its own IRIs.

use dtrag_core::{Error, Result};
use oxrdf::NamedNode;

/// The key of the concept `iri` under `base`.
pub fn key_of(iri: &str, base: &str) -> String {
    match iri.strip_prefix(base) {
        Some(rest) if !rest.is_empty() => decode(rest),
        _ => iri.to_string(),
    }
}

/// The IRI of the node `key` under `base`.
pub fn iri_of(key: &str, base: &str) -> Result<NamedNode> {
    if has_scheme(key) {
        if let Ok(n) = NamedNode::new(key) {
            return Ok(n);
        }
    }
    NamedNode::new(format!("{base}{}", encode(key)))
        .map_err(|e| Error::Invalid(format!("node {key:?} has no valid IRI under {base:?}: {e}")))
}

/// A checked base namespace.
pub fn check_base(base: &str) -> Result<()> {
    NamedNode::new(base)
        .map(|_| ())
        .map_err(|e| Error::Invalid(format!("the base {base:?} is not an absolute IRI: {e}")))
}

/// `scheme ":"` at the start, as RFC 3986 spells a scheme: `tech.ai` has none, `urn:x` has one.
fn has_scheme(key: &str) -> bool {
    let Some((scheme, _)) = key.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-encodes what an IRI path may not hold (and `%` itself, so decoding is the inverse).
/// Letters beyond ASCII stay as they are: IRIs allow them.
fn encode(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | ':'
                    | '@'
                    | '/'
            )
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace());
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Undoes [`encode`]; text that does not decode to UTF-8 is kept as it is.
fn decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_iris() {
        for key in ["tech.ai", "a b", "100%", "café", "x#y?z", "entity.n.01"] {
            let iri = iri_of(key, "urn:x-dtrag:").expect("iri");
            assert_eq!(key_of(iri.as_str(), "urn:x-dtrag:"), key, "{iri}");
        }
    }

    #[test]
    fn absolute_keys_are_their_own_iri() {
        let iri = iri_of("http://ex.org/a", "urn:x-dtrag:").expect("iri");
        assert_eq!(iri.as_str(), "http://ex.org/a");
        assert_eq!(key_of("http://ex.org/a", "urn:x-dtrag:"), "http://ex.org/a");
        assert_eq!(key_of("http://ex.org/a", "http://ex.org/"), "a");
    }
}
