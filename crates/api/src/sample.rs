//! What a new embedded database starts with: the sample taxonomy, a few dozen sample documents
//! classified under it, and a dozen more not classified yet, with vectors when the local model is
//! installed; the classifier then runs once, so a newcomer's first start has a tree to browse, a
//! search that answers and a review queue to work through, in both faces.

use std::path::Path;

use serde::Serialize;

use dtrag_core::documents::{self, ChunkSettings};
use dtrag_core::taxonomy::{import, read};
use dtrag_core::Result;

use crate::Handle;

const SAMPLE_TAXONOMY: &str = include_str!("../../../data/sample-taxonomy.jsonl");
const SAMPLE_DOCUMENTS: &str = include_str!("../../../data/sample-documents.jsonl");

#[derive(Debug, Clone, Serialize)]
pub struct SampleReport {
    pub taxonomy_version: Option<i64>,
    pub documents: usize,
    /// Chunks embedded (0 when the local model is not installed: search then runs as BM25).
    pub embedded: usize,
    /// Documents the classifier sent to the review queue (0 without vectors).
    pub queued: usize,
    pub notice: Option<String>,
}

/// Loads the samples when the taxonomy has never had a version; `None` when there was history.
pub async fn load_if_new(h: &Handle) -> Result<Option<SampleReport>> {
    let mut conn = h.pool().acquire().await?;
    if read::head_version(&mut conn).await? != 0 {
        return Ok(None);
    }
    drop(conn);
    let taxonomy = import::parse(
        std::io::Cursor::new(SAMPLE_TAXONOMY),
        Path::new("sample-taxonomy.jsonl"),
    )?;
    let meta = h.meta(None, || "sample taxonomy".into());
    let published = import::import(h.pool(), taxonomy, &meta, "sample taxonomy").await?;
    let docs = documents::parse_jsonl(
        std::io::Cursor::new(SAMPLE_DOCUMENTS),
        Path::new("sample-documents.jsonl"),
    )?;
    let added =
        crate::documents::add_inputs(h, &docs, ChunkSettings::default(), false, &mut |_| {})
            .await?;
    let embedded = added.embedding.as_ref().map_or(0, |r| r.report.embedded);
    let queued = if embedded > 0 {
        let req = crate::review::ClassifyRequest::default();
        crate::review::classify(h, req, &mut |_| {}).await?.queued
    } else {
        0
    };
    tracing::info!(documents = docs.len(), queued, notice = ?added.notice, "loaded the samples");
    Ok(Some(SampleReport {
        taxonomy_version: published.version,
        documents: docs.len(),
        embedded,
        queued,
        notice: added.notice,
    }))
}
