//! Documents: add (and embed what was added), list, show, remove.

use std::path::PathBuf;

use serde::Serialize;

use dtrag_core::documents::{self, ChunkSettings, DocInput};
use dtrag_core::{Error, Result};

use crate::models::{self, EmbedRequest, EmbedRun};
use crate::progress::{Progress, Reporter};
use crate::types::{DocSummary, DocumentDetails, IngestReport};
use crate::Handle;

#[derive(Debug, Clone)]
pub struct AddDocuments {
    /// Text/Markdown/HTML files, or JSON Lines of `{"id","title","text","categories"}`.
    pub paths: Vec<PathBuf>,
    pub chunking: ChunkSettings,
    /// Leave the new chunks without vectors (embed later with `dtrag embed`).
    pub no_embed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AddedDocuments {
    pub ingest: IngestReport,
    /// The embedding of the new chunks with the default model (absent with `no_embed` or when
    /// nothing new was written).
    pub embedding: Option<EmbedRun>,
    /// Why the documents were added but not embedded, when they were not.
    pub notice: Option<String>,
}

/// Adds documents in one transaction, then embeds the new chunks with the default model (the
/// local one, registered on first use). The documents stay added when embedding fails (the
/// model files are missing, an endpoint is down): the report says why, and `dtrag embed`
/// finishes the job later.
pub async fn add(h: &Handle, req: AddDocuments, progress: Reporter<'_>) -> Result<AddedDocuments> {
    let paths = req.paths.clone();
    let inputs = tokio::task::spawn_blocking(move || documents::read_inputs(&paths))
        .await
        .map_err(|e| Error::Internal(format!("reading the documents failed: {e}")))??;
    add_inputs(h, &inputs, req.chunking, req.no_embed, progress).await
}

/// [`add`] for documents already read (the sample documents, tools).
pub async fn add_inputs(
    h: &Handle,
    inputs: &[DocInput],
    chunking: ChunkSettings,
    no_embed: bool,
    progress: Reporter<'_>,
) -> Result<AddedDocuments> {
    let ingest = documents::add(h.pool(), inputs, chunking, &mut |done, total| {
        progress(Progress {
            stage: "ingest",
            done,
            total,
        })
    })
    .await?;
    if no_embed || ingest.chunks_written == 0 {
        return Ok(AddedDocuments {
            ingest,
            embedding: None,
            notice: None,
        });
    }
    match models::embed(h, &EmbedRequest::default(), progress).await {
        Ok(run) => Ok(AddedDocuments {
            ingest,
            embedding: Some(run),
            notice: None,
        }),
        Err(e) => Ok(AddedDocuments {
            ingest,
            embedding: None,
            notice: Some(format!(
                "the documents were added but not embedded ({}): run `dtrag embed` once that is fixed",
                crate::error::message(&e)
            )),
        }),
    }
}

pub async fn list(h: &Handle) -> Result<Vec<DocSummary>> {
    let mut conn = h.pool().acquire().await?;
    documents::list(&mut conn).await
}

/// A document and its chunks, by source id (or, when no source id matches, by id).
pub async fn show(h: &Handle, which: &str) -> Result<DocumentDetails> {
    let mut conn = h.pool().acquire().await?;
    documents::show(&mut conn, which).await
}

/// Removes one document, named as for [`show`]; returns what was removed.
pub async fn remove(h: &Handle, which: &str) -> Result<DocSummary> {
    documents::remove(h.pool(), which).await
}
