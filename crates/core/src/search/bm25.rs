//! Okapi BM25 computed in PostgreSQL from the postings and statistics the write path keeps
//! (`bm25_posting`, `bm25_term`, `bm25_corpus`): a query reads only its own terms' postings.

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::fuse::Ranked;
use crate::error::Result;

/// BM25 parameters: term-frequency saturation `k1` and length normalisation `b`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bm25Params {
    pub k1: f64,
    pub b: f64,
}

impl Default for Bm25Params {
    fn default() -> Self {
        Bm25Params { k1: 1.2, b: 0.75 }
    }
}

/// Which corpus statistics (chunk count, average length, document frequencies) BM25 uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bm25Stats {
    /// The whole corpus, kept by the write path (`bm25_term`, `bm25_corpus`).
    Corpus,
    /// What the current role can see, counted at query time: an agent's BM25 scores its own
    /// corpus, so its ranking reveals nothing about documents outside its scope (global
    /// document frequencies would: a term's idf moves with every hidden document holding it).
    Visible,
}

/// A BM25 list with what fusion reads as its evidence: per hit, the summed idf of the query
/// terms it contains (same order as `ranked`), and the idf mass of all the query's terms (a term
/// absent from the corpus counts with df = 0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bm25List {
    pub ranked: Vec<Ranked>,
    pub matched: Vec<f64>,
    pub query_idf: f64,
}

/// The best `k` chunks for `query`, best first (see [`ranked_with_evidence`]).
pub async fn ranked(
    conn: &mut PgConnection,
    query: &str,
    k: i64,
    scope: Option<&[i64]>,
    params: Bm25Params,
    stats: Bm25Stats,
) -> Result<Vec<Ranked>> {
    Ok(ranked_with_evidence(conn, query, k, scope, params, stats)
        .await?
        .ranked)
}

/// The best `k` chunks for `query`, best first: score(D, Q) = Σ_{t ∈ Q} idf(t) · tf(t, D) ·
/// (k1 + 1) / (tf(t, D) + k1 · (1 − b + b · |D| / avgdl)), idf(t) = ln(1 + (N − df + 0.5) /
/// (df + 0.5)), with terms and tf from the English text-search configuration. `scope`: only these
/// chunks.
pub async fn ranked_with_evidence(
    conn: &mut PgConnection,
    query: &str,
    k: i64,
    scope: Option<&[i64]>,
    params: Bm25Params,
    stats: Bm25Stats,
) -> Result<Bm25List> {
    // The OR keeps PostgreSQL from turning the IN into a semi-join: with the array's size
    // unknown to the planner (10 rows) and the hits underestimated, that semi-join was a nested
    // loop of every scope id against every hit (190 ms for a 5,859-chunk scope and 340 hits);
    // a hashed subplan, built once and probed per hit, takes 3 ms.
    let filter = if scope.is_some() {
        "WHERE ($5::int8[] IS NULL OR p.chunk_id IN (SELECT unnest($5::int8[])))"
    } else {
        "WHERE $5::int8[] IS NULL"
    };
    let statistics = match stats {
        Bm25Stats::Corpus => {
            "corpus AS (SELECT chunks::float8 AS n, greatest(tokens::float8 / greatest(chunks, 1), 1) AS avgdl
                        FROM bm25_corpus),
             idf AS (SELECT t.term, ln(1 + (c.n - t.df + 0.5) / (t.df + 0.5)) AS idf
                     FROM q JOIN bm25_term t ON t.term = q.term CROSS JOIN corpus c)"
        }
        // Row-level security limits `agent_corpus` to the role's one row (its chunk count and
        // token total, kept by triggers: counting its chunks here scanned every chunk) and
        // `bm25_posting` to the role's chunks.
        Bm25Stats::Visible => {
            "corpus AS (SELECT coalesce(max(chunks), 0)::float8 AS n,
                               greatest(coalesce(max(tokens), 0)::float8
                                        / greatest(coalesce(max(chunks), 0), 1), 1) AS avgdl
                        FROM agent_corpus),
             idf AS (SELECT h.term, ln(1 + (c.n - count(*) + 0.5) / (count(*) + 0.5)) AS idf
                     FROM hits h CROSS JOIN corpus c
                     GROUP BY h.term, c.n)"
        }
    };
    // Terms the corpus lacks count at df = 0: a query word BM25 cannot match lowers its evidence.
    let total = "total AS (SELECT coalesce((SELECT sum(idf) FROM idf), 0)
                            + (SELECT count(*) FROM q WHERE q.term NOT IN (SELECT term FROM idf))
                              * ln(1 + (co.n + 0.5) / 0.5) AS idf
                     FROM corpus co)";
    // The query terms' postings are read once (`hits`), driven by the few query terms: the
    // statistics CTE's row estimate is no guide (an agent's GROUP BY over its postings was
    // estimated at hundreds of terms, and the planner then hashed every posting of the corpus
    // through the row-level policy: 300+ ms), and an agent's document frequencies and its
    // scores then share one pass through the policy.
    let sql = format!(
        "WITH q AS (SELECT DISTINCT u.lexeme AS term FROM unnest(to_tsvector('english', $1)) AS u),
         hits AS MATERIALIZED (SELECT p.term, p.chunk_id, p.tf, p.len
                               FROM q JOIN bm25_posting p ON p.term = q.term),
         {statistics},
         {total}
         SELECT p.chunk_id,
                sum(i.idf * p.tf::float8 * ($3 + 1)
                    / (p.tf::float8 + $3 * (1 - $4 + $4 * p.len / co.avgdl))) AS score,
                sum(i.idf) AS matched,
                (SELECT idf FROM total) AS total
         FROM idf i
         JOIN hits p ON p.term = i.term
         CROSS JOIN corpus co
         {filter}
         GROUP BY p.chunk_id
         ORDER BY score DESC, p.chunk_id
         LIMIT $2"
    );
    let rows: Vec<(i64, f64, f64, f64)> = sqlx::query_as(&sql)
        .bind(query)
        .bind(k)
        .bind(params.k1)
        .bind(params.b)
        .bind(scope)
        .fetch_all(conn)
        .await?;
    let query_idf = rows.first().map(|r| r.3).unwrap_or(0.0);
    let (ranked, matched) = rows
        .into_iter()
        .map(|(chunk_id, value, matched, _)| (Ranked { chunk_id, value }, matched))
        .unzip();
    Ok(Bm25List {
        ranked,
        matched,
        query_idf,
    })
}
