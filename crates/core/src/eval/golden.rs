//! Golden sets: JSON Lines `{"query", "relevant": [document ids], "under"?: [category keys]}`,
//! read whole and checked (syntax, limits, that every relevant document exists) before anything
//! runs or is stored, each refusal naming its line.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::limits;

/// Queries in one golden set at most: a run searches each once per mode.
pub const MAX_QUERIES: usize = 10_000;

/// One question of a golden set and the documents (source ids) that answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GoldenQuery {
    pub query: String,
    pub relevant: Vec<String>,
    /// Only documents under these categories (at the run's version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub under: Vec<String>,
    /// Its line in the file it was read from (0: not read from a file), for messages.
    #[serde(skip)]
    pub line: usize,
}

impl GoldenQuery {
    /// A query with one or more relevant documents, not from a file.
    pub fn new(query: impl Into<String>, relevant: Vec<String>) -> Self {
        GoldenQuery {
            query: query.into(),
            relevant,
            under: Vec::new(),
            line: 0,
        }
    }

    /// The line a message names: the file's, else the 1-based position `i + 1` in the set.
    pub fn line_or(&self, i: usize) -> usize {
        if self.line > 0 {
            self.line
        } else {
            i + 1
        }
    }
}

/// Parses a golden file (blank lines skipped); `name` is what messages call it.
pub fn parse(reader: impl BufRead, name: &Path) -> Result<Vec<GoldenQuery>> {
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::io_path(name, e))?;
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.len() > limits::MAX_LINE_BYTES {
            return Err(Error::bad_input(name, n, "line too long"));
        }
        let mut q: GoldenQuery = serde_json::from_str(&line).map_err(|e| {
            Error::bad_input(
                name,
                n,
                format!(
                    "{e} (want {{\"query\", \"relevant\": [document ids], \"under\"?: [keys]}})"
                ),
            )
        })?;
        check_query(&q).map_err(|m| Error::bad_input(name, n, m))?;
        q.line = n;
        out.push(q);
        if out.len() > MAX_QUERIES {
            return Err(Error::bad_input(
                name,
                n,
                format!("more than {MAX_QUERIES} queries"),
            ));
        }
    }
    if out.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no queries (one JSON object per line)",
            name.display()
        )));
    }
    Ok(out)
}

/// Reads and parses a golden file.
pub fn read_file(path: &Path) -> Result<Vec<GoldenQuery>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io_path(path, e))?;
    parse(std::io::BufReader::new(f), path)
}

fn check_query(q: &GoldenQuery) -> std::result::Result<(), String> {
    if q.query.trim().is_empty() {
        return Err("the query is empty".into());
    }
    if q.query.len() > limits::QUERY_BYTES {
        return Err(format!(
            "the query is longer than {} bytes",
            limits::QUERY_BYTES
        ));
    }
    if q.relevant.is_empty() {
        return Err("no relevant documents".into());
    }
    if q.relevant.iter().any(|d| d.is_empty()) || q.under.iter().any(|k| k.is_empty()) {
        return Err("an empty document id or category key".into());
    }
    Ok(())
}

/// Refuses a set naming a document that does not exist, with the line (1-based position in the
/// set) of the first such query.
pub async fn check_documents(
    conn: &mut PgConnection,
    queries: &[GoldenQuery],
    name: &str,
) -> Result<()> {
    let ids: Vec<String> = queries
        .iter()
        .flat_map(|q| q.relevant.iter().cloned())
        .collect();
    let missing: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT x.id FROM unnest($1::text[]) AS x(id)
         WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.source_id = x.id)",
    )
    .bind(&ids)
    .fetch_all(conn)
    .await?;
    let Some(line) = queries
        .iter()
        .position(|q| q.relevant.iter().any(|d| missing.contains(d)))
    else {
        return Ok(());
    };
    let first = queries[line]
        .relevant
        .iter()
        .find(|d| missing.contains(d))
        .cloned()
        .unwrap_or_default();
    Err(Error::bad_input(
        Path::new(name),
        queries[line].line_or(line),
        format!(
            "no document {first:?}{}",
            if missing.len() > 1 {
                format!(" ({} unknown document ids in the set)", missing.len())
            } else {
                String::new()
            }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<GoldenQuery>> {
        parse(std::io::Cursor::new(text.as_bytes()), Path::new("g.jsonl"))
    }

    #[test]
    fn lines_parse_and_refusals_name_their_line() {
        let ok = parse_str(
            "{\"query\": \"dog\", \"relevant\": [\"a\"]}\n\n{\"query\": \"cat\", \"relevant\": [\"b\", \"c\"], \"under\": [\"pets\"]}\n",
        )
        .unwrap_or_default();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].under, ["pets"]);
        for (text, line) in [
            ("{\"query\": \"dog\", \"relevant\": [\"a\"]}\nnot json", 2),
            ("{\"query\": \"\", \"relevant\": [\"a\"]}", 1),
            ("{\"query\": \"x\", \"relevant\": []}", 1),
            ("{\"query\": \"x\", \"relevent\": [\"a\"]}", 1),
            (
                "{\"query\": \"x\", \"relevant\": [\"a\"]}\n{\"query\": \"y\"}",
                2,
            ),
        ] {
            match parse_str(text) {
                Err(Error::BadInput { line: l, .. }) => assert_eq!(l, line, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(parse_str("\n\n"), Err(Error::Invalid(_))));
    }
}
