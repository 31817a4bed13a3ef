//! `dtrag bench search`: BM25 search over the WordNet noun glosses (one document per synset,
//! classified under its own synset) in a scratch database. Vector and hybrid figures join when the
//! embedders land (issue 4).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use super::{Latency, Picker};
use crate::docs::{self, ChunkSettings, DocInput};
use crate::error::{Error, Result};
use crate::search::{self, Bm25Params};
use crate::taxonomy::import;
use crate::taxonomy::model::PublishMeta;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub documents: usize,
    pub chunks: usize,
    pub ingest_ms: f64,
    pub chunks_per_s: f64,
    pub bm25: Latency,
    pub bm25_scoped: Latency,
    pub scope_documents: f64,
}

impl Report {
    pub fn markdown(&self) -> String {
        let lat = |l: &Latency| l.describe(1);
        format!(
            "## Search (WordNet 3.0 noun glosses)\n\n\
             `dtrag bench search`: one document per noun synset ({} documents, {} chunks), each classified \
             under its own synset. Queries are 3 words drawn from random glosses. Vector and hybrid \
             search are not built yet.\n\n\
             | measure | figure |\n|---|---|\n\
             | ingest (chunking, tsvector, BM25 statistics, one transaction) | {:.1} s, {:.0} chunks/s |\n\
             | BM25, whole corpus, k = 10 | {} |\n\
             | BM25 scoped to a category subtree (avg {:.0} documents in scope) | {} |\n",
            self.documents,
            self.chunks,
            self.ingest_ms / 1e3,
            self.chunks_per_s,
            lat(&self.bm25),
            self.scope_documents,
            lat(&self.bm25_scoped),
        )
    }
}

pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let f30 = wordnet_dir.join("wordnet-3.0-nouns.jsonl");
    if !f30.exists() {
        return Err(Error::Invalid(format!(
            "{} is missing: run scripts/fetch-wordnet.sh first",
            f30.display()
        )));
    }
    super::with_scratch_database(pool, |scratch| run_in(scratch, f30, progress)).await
}

async fn run_in(
    pool: PgPool,
    f30: std::path::PathBuf,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let meta = PublishMeta {
        author: "bench".into(),
        message: "WordNet 3.0".into(),
    };
    let wn = import::read_file(&f30)?;
    let inputs: Vec<DocInput> = wn
        .nodes
        .iter()
        .map(|(key, n)| DocInput {
            source_id: key.clone(),
            title: n.content.label.clone(),
            text: format!("{}. {}", n.content.label, n.content.description),
            categories: vec![key.clone()],
        })
        .collect();
    import::import(&pool, wn, &meta, "wordnet-3.0").await?;
    progress(format!(
        "imported the taxonomy; ingesting {} documents",
        inputs.len()
    ));
    let t = Instant::now();
    let report = docs::add(&pool, &inputs, ChunkSettings::default(), &mut |_, _| {}).await?;
    let ingest_ms = t.elapsed().as_secs_f64() * 1e3;
    sqlx::query("ANALYZE").execute(&pool).await?;
    progress(format!("ingest: {ingest_ms:.0} ms"));

    let mut pick = Picker::new(7);
    let words: Vec<Vec<&str>> = inputs
        .iter()
        .map(|d| d.text.split_whitespace().filter(|w| w.len() > 3).collect())
        .collect();
    let mut queries = Vec::new();
    while queries.len() < 200 {
        let ws = &words[pick.below(words.len())];
        if ws.len() >= 3 {
            queries.push(format!(
                "{} {} {}",
                ws[pick.below(ws.len())],
                ws[pick.below(ws.len())],
                ws[pick.below(ws.len())]
            ));
        }
    }
    // Scopes: subtrees of mid-level categories (a few hundred to a few thousand documents).
    let scope_roots = [
        "animal%1:03:00::",
        "artifact%1:03:00::",
        "person%1:03:00::",
        "plant%1:03:00::",
        "food%1:03:00::",
    ];
    let mut conn = pool.acquire().await?;
    let mut whole = Vec::new();
    let mut scoped = Vec::new();
    let mut in_scope = 0usize;
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        search::bm25(&mut conn, q, 10, None, Bm25Params::default()).await?;
        whole.push(t.elapsed());
        let root = scope_roots[i % scope_roots.len()].to_string();
        let t = Instant::now();
        let scope = search::scope_documents(&mut conn, None, &[root]).await?;
        search::bm25(&mut conn, q, 10, Some(&scope), Bm25Params::default()).await?;
        scoped.push(t.elapsed());
        in_scope += scope.len();
    }
    Ok(Report {
        documents: inputs.len(),
        chunks: report.chunks_written,
        ingest_ms,
        chunks_per_s: report.chunks_written as f64 / (ingest_ms / 1e3),
        bm25: Latency::of(whole),
        bm25_scoped: Latency::of(scoped),
        scope_documents: in_scope as f64 / queries.len() as f64,
    })
}
