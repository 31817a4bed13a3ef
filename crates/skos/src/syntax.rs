//! Reading an RDF file into triples, one function per syntax, every syntax error mapped to
//! [`Error::Syntax`] with the line and column (from 1) where the parser stopped.
//!
//! The whole file is read into memory first: the mapping needs every triple before it can decide
//! anything (a `skos:narrower` may come after the concept it names), and a slice lets RDF/XML's
//! byte offset be turned into a line and column.

use std::path::Path;

use dtrag_core::{Error, Result};
use oxjsonld::JsonLdParser;
use oxrdf::Triple;
use oxrdfxml::RdfXmlParser;
use oxttl::{NTriplesParser, TurtleParser};

use crate::Format;

/// Every triple of `bytes` in `format` (`name` names the file in errors). A JSON-LD file's named
/// graphs are refused: a taxonomy is one graph.
pub fn parse(bytes: &[u8], format: Format, name: &Path) -> Result<Vec<Triple>> {
    match format {
        Format::Turtle => terse(TurtleParser::new().for_slice(bytes), name),
        Format::NTriples => terse(NTriplesParser::new().for_slice(bytes), name),
        Format::RdfXml => rdf_xml(bytes, name),
        Format::JsonLd => json_ld(bytes, name),
    }
}

fn terse(
    parser: impl Iterator<Item = std::result::Result<Triple, oxttl::TurtleSyntaxError>>,
    name: &Path,
) -> Result<Vec<Triple>> {
    let mut out = Vec::new();
    for t in parser {
        // Oxttl recovers after an error and goes on; a file with an error is refused whole.
        let t = t.map_err(|e| {
            let at = e.location().start;
            syntax(name, at.line + 1, at.column + 1, e.message())
        })?;
        out.push(t);
    }
    Ok(out)
}

fn rdf_xml(bytes: &[u8], name: &Path) -> Result<Vec<Triple>> {
    let mut parser = RdfXmlParser::new().for_slice(bytes);
    let mut out = Vec::new();
    while let Some(t) = parser.next() {
        match t {
            Ok(t) => out.push(t),
            Err(e) => {
                // The XML reader knows only its byte offset: count lines up to it.
                let (line, column) = line_column(bytes, parser.buffer_position());
                return Err(syntax(name, line, column, &e.to_string()));
            }
        }
    }
    Ok(out)
}

fn json_ld(bytes: &[u8], name: &Path) -> Result<Vec<Triple>> {
    let mut out = Vec::new();
    for q in JsonLdParser::new().for_slice(bytes) {
        let q = q.map_err(|e| match e.location() {
            Some(at) => syntax(name, at.start.line + 1, at.start.column + 1, &e.to_string()),
            // JSON-LD rule errors (a bad @context, a bad keyword) have no position.
            None => syntax(name, 1, 1, &e.to_string()),
        })?;
        if !q.graph_name.is_default_graph() {
            return Err(Error::Invalid(format!(
                "{}: the statement about {} is in the named graph {}; a taxonomy is one graph",
                name.display(),
                q.subject,
                q.graph_name
            )));
        }
        out.push(Triple::new(q.subject, q.predicate, q.object));
    }
    Ok(out)
}

fn syntax(name: &Path, line: u64, column: u64, message: &str) -> Error {
    Error::Syntax {
        file: name.display().to_string(),
        line,
        column,
        message: message.to_string(),
    }
}

/// The line and column (from 1, the column in characters) of byte `offset` of `bytes`.
pub fn line_column(bytes: &[u8], offset: u64) -> (u64, u64) {
    let end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let before = &bytes[..end];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\ncdé\nf".as_bytes();
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 2));
        // After the two-byte é: the column counts characters.
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(line_column(text, 99), (3, 2));
    }
}
