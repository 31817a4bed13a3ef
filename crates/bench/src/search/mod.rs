//! `dtrag bench search`: BM25, vector and hybrid search over WordNet 3.0 glosses (one document per
//! synset of every part of speech, 117,659 chunks; noun synsets classified under their own
//! taxonomy node) with the local all-MiniLM-L6-v2 model, in a scratch database.
//!
//! Embedding the whole corpus on two cores takes minutes, so the vectors are kept in a cache file
//! next to the corpus (keyed by a hash of every chunk text). With a valid cache the embedding
//! throughput is measured on a sample and the rest of the vectors are loaded from the file; the
//! report says which happened.

mod agents;
pub(crate) mod corpus_vectors;
pub mod golden;
pub mod held_out;
mod measure;
pub mod quality;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sqlx::PgPool;

use super::Latency;
use dtrag_core::models::HnswSettings;
use dtrag_core::{Error, Result};
use dtrag_embed::local::{LocalMiniLm, MINILM};
use dtrag_embed::Embedder;
use measure::run_in;

const QUERIES: usize = 200;
const K: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct Recall {
    pub ef_search: i32,
    pub recall_at_10: f64,
    pub latency: Latency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub documents: usize,
    pub chunks: usize,
    pub ingest_ms: f64,
    pub ingest_chunks_per_s: f64,
    pub embed_chunks: usize,
    pub embed_chunks_per_s: f64,
    pub embed_from_cache: bool,
    /// Where the corpus vectors came from when not embedded in Rust here.
    pub vectors_source: String,
    /// sentence-transformers' throughput on the whole corpus, when it made the vectors.
    pub st_chunks_per_s: Option<f64>,
    pub index_ms: f64,
    pub index_bytes: i64,
    pub hnsw: HnswSettings,
    pub recall: Vec<Recall>,
    pub recall_scoped: f64,
    pub scope_chunks: f64,
    pub bm25: Latency,
    pub vector: Latency,
    pub hybrid: Latency,
    pub bm25_scoped: Latency,
    pub vector_scoped: Latency,
    pub hybrid_scoped: Latency,
    pub exact: Latency,
    pub query_embed: Latency,
    /// Agents and the query embedding side by side (issue 10).
    pub agents: agents::AgentRows,
}

impl Report {
    pub fn markdown(&self) -> String {
        let lat = |l: &Latency| l.describe(1);
        let mut recall = String::new();
        for r in &self.recall {
            recall += &format!(
                "| recall@10, HNSW vs exact, ef_search = {} | {:.3} ({}) |\n",
                r.ef_search,
                r.recall_at_10,
                lat(&r.latency)
            );
        }
        format!(
            "## Search (WordNet 3.0 glosses, all-MiniLM-L6-v2)\n\n\
             `dtrag bench search`: one document per WordNet 3.0 synset of every part of speech \
             ({} documents, {} chunks); noun synsets are classified under their own taxonomy node. \
             {} queries of 3 words drawn from random glosses, k = 10; latencies are end to end \
             through `search::run` (scope resolution, query embedding, SQL, hit details). Scoped \
             queries are limited to one of 5 category subtrees (animal, artifact, person, plant, \
             food; avg {:.0} chunks in scope, about 5 % of the corpus), which the vector side \
             scans exactly, by key, up to {} chunks (larger scopes walk HNSW with iterative scans). HNSW m = {}, ef_construction = {}.\n\n\
             | measure | figure |\n|---|---|\n\
             | ingest (chunking, tsvector, BM25 postings and statistics, one transaction) | {:.1} s, {:.0} chunks/s |\n\
             | embed, all-MiniLM-L6-v2 in Rust (candle, 2 cores, batches of 64) | {:.0} chunks/s ({}) |\n\
             | embed, sentence-transformers (PyTorch, CPU, 2 threads, batches of 64) | {} |\n\
             | HNSW build | {:.1} s, {:.1} MB |\n\
             {}\
             | recall@10 scoped (the HNSW plan's SQL under the scope vs exact within it) | {:.3} |\n\
             | query embedding alone | {} |\n\
             | exact vector scan (brute force, unscoped) | {} |\n\
             | BM25 | {} |\n\
             | vector (HNSW) | {} |\n\
             | hybrid (BM25 + vector, RRF) | {} |\n\
             | BM25 scoped | {} |\n\
             | vector scoped | {} |\n\
             | hybrid scoped | {} |\n",
            self.documents,
            self.chunks,
            QUERIES,
            self.scope_chunks,
            dtrag_core::limits::EXACT_SCOPE_CHUNKS,
            self.hnsw.m,
            self.hnsw.ef_construction,
            self.ingest_ms / 1e3,
            self.ingest_chunks_per_s,
            self.embed_chunks_per_s,
            if self.embed_from_cache {
                format!(
                    "measured on {} chunks; the corpus vectors: {}",
                    self.embed_chunks, self.vectors_source
                )
            } else {
                format!("all {} chunks", self.embed_chunks)
            },
            self.st_chunks_per_s
                .map(|r| format!("{r:.0} chunks/s (whole corpus)"))
                .unwrap_or_else(|| "not measured in this run (see below)".into()),
            self.index_ms / 1e3,
            self.index_bytes as f64 / 1e6,
            recall,
            self.recall_scoped,
            lat(&self.query_embed),
            lat(&self.exact),
            lat(&self.bm25),
            lat(&self.vector),
            lat(&self.hybrid),
            lat(&self.bm25_scoped),
            lat(&self.vector_scoped),
            lat(&self.hybrid_scoped),
        ) + &self.agents.markdown()
    }
}

/// The WordNet 3.0 noun hierarchy and the gloss corpus in `wordnet_dir`, refused when missing.
pub(crate) fn corpus_files(wordnet_dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let nouns = wordnet_dir.join("wordnet-3.0-nouns.jsonl");
    let corpus = wordnet_dir.join("wordnet-3.0-glosses.jsonl");
    for f in [&nouns, &corpus] {
        if !f.exists() {
            return Err(Error::Invalid(format!(
                "{} is missing: run scripts/fetch-wordnet.sh first",
                f.display()
            )));
        }
    }
    Ok((nouns, corpus))
}

pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    models_dir: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let (nouns, corpus) = corpus_files(wordnet_dir)?;
    let embedder: Arc<dyn Embedder> = Arc::new(LocalMiniLm::load_from(models_dir)?);
    let cache = wordnet_dir.join(format!("wordnet-3.0-glosses.{MINILM}.vectors"));
    super::with_scratch_database(pool, |scratch| {
        run_in(scratch, nouns, corpus, cache, embedder, progress)
    })
    .await
}
