//! Documents from files: JSON Lines records, HTML pages, text and Markdown files.

use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;

use super::html;
use crate::error::{Error, Result};
use crate::limits::MAX_DOCUMENT_LINE_BYTES;
use crate::lines;

/// A document to ingest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocInput {
    /// Stable identity (the file path, or the record's `id`).
    #[serde(rename = "id")]
    pub source_id: String,
    #[serde(default)]
    pub title: String,
    pub text: String,
    /// Category keys (taxonomy nodes at the head).
    #[serde(default)]
    pub categories: Vec<String>,
}

/// Reads documents from paths: `.jsonl` files hold records `{"id","title","text","categories"}`;
/// `.html`/`.htm` files are one document of their visible text (title: `<title>`, else the first
/// `<h1>`, else the file name); any other file is one document of plain text or Markdown (title:
/// its first heading, else the file name). Every file must be UTF-8.
pub fn read_inputs(paths: &[impl AsRef<Path>]) -> Result<Vec<DocInput>> {
    let mut out = Vec::new();
    for p in paths {
        let path = p.as_ref();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let f = std::fs::File::open(path).map_err(|e| Error::io_path(path, e))?;
            out.extend(parse_jsonl(std::io::BufReader::new(f), path)?);
        } else {
            let bytes = std::fs::read(path).map_err(|e| Error::io_path(path, e))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::bad_input(path, 0, "not UTF-8 text"))?;
            let is_html = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
            let (title, text) = if is_html {
                let page = html::extract(&text);
                (page.title, page.text)
            } else {
                let title = text
                    .lines()
                    .map(str::trim)
                    .find(|l| l.starts_with('#'))
                    .map(|l| l.trim_start_matches('#').trim().to_string())
                    .filter(|t| !t.is_empty());
                (title, text)
            };
            let title = title
                .or_else(|| path.file_stem().map(|s| s.to_string_lossy().to_string()))
                .unwrap_or_else(|| path.display().to_string());
            out.push(DocInput {
                source_id: path.display().to_string(),
                title,
                text,
                categories: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// Document records from JSON Lines `{"id","title","text","categories"}` (`name` for messages).
pub fn parse_jsonl(reader: impl BufRead, name: &Path) -> Result<Vec<DocInput>> {
    let mut out = Vec::new();
    let (mut reader, mut buf, mut lineno) = (reader, Vec::new(), 0);
    loop {
        lineno += 1;
        if !lines::read_bounded(&mut reader, &mut buf, MAX_DOCUMENT_LINE_BYTES, name, lineno)? {
            break;
        }
        let line = lines::as_text(&buf, name, lineno)?;
        if line.trim().is_empty() {
            continue;
        }
        let mut doc: DocInput = serde_json::from_str(line)
            .map_err(|e| Error::bad_input(name, lineno, format!("malformed document: {e}")))?;
        if doc.source_id.trim().is_empty() {
            return Err(Error::bad_input(name, lineno, "the document id is empty"));
        }
        if doc.title.trim().is_empty() {
            doc.title = doc.source_id.clone();
        }
        out.push(doc);
    }
    Ok(out)
}
