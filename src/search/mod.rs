//! Search over document chunks. BM25 is Okapi BM25 computed in PostgreSQL from the statistics the
//! write path keeps (`bm25_term`, `bm25_corpus`), with candidates from the GIN index; results can be
//! limited to documents classified under chosen categories (and their descendants) at a version.

use serde::Serialize;
use sqlx::{PgConnection, Row};

use crate::error::{Error, Result};
use crate::taxonomy::read;

/// BM25 parameters: term-frequency saturation `k1` and length normalisation `b`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bm25Params {
    pub k1: f64,
    pub b: f64,
}

impl Default for Bm25Params {
    fn default() -> Self {
        Bm25Params { k1: 1.2, b: 0.75 }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub chunk_id: i64,
    pub document: String,
    pub title: String,
    pub score: f64,
    pub text: String,
}

/// The documents classified under any of `keys` or their descendants at `version` (default: head).
/// Unknown keys are an error: a typo must not silently widen or empty the scope.
pub async fn scope_documents(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
) -> Result<Vec<i64>> {
    let (v, head) = read::resolve_version(&mut *conn, version).await?;
    let at_head = v == head;
    let ids = read::ids_of(&mut *conn, keys).await?;
    let present = read::snapshot(
        &mut *conn,
        v,
        at_head,
        &ids.values().copied().collect::<Vec<_>>(),
    )
    .await?;
    if let Some(k) = keys
        .iter()
        .find(|k| ids.get(*k).is_none_or(|id| !present.contains_key(id)))
    {
        return Err(Error::NoSuchNode {
            key: k.clone(),
            version: v,
        });
    }
    let sql = format!(
        "WITH RECURSIVE sub(id) AS (
             SELECT unnest($2::int8[])
             UNION
             SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND {}
         )
         SELECT DISTINCT dc.document_id FROM document_category dc JOIN sub ON sub.id = dc.node_id",
        read::at("e", 1, at_head)
    );
    let node_ids: Vec<i64> = ids.values().copied().collect();
    Ok(sqlx::query_scalar(&sql)
        .bind(v)
        .bind(&node_ids)
        .fetch_all(conn)
        .await?)
}

/// Okapi BM25 over chunks: score(D, Q) = Σ_{t ∈ Q} idf(t) · tf(t, D) · (k1 + 1) /
/// (tf(t, D) + k1 · (1 − b + b · |D| / avgdl)), with idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)),
/// terms and tf from the English text-search configuration. `scope`: only chunks of these documents.
pub async fn bm25(
    conn: &mut PgConnection,
    query: &str,
    k: i64,
    scope: Option<&[i64]>,
    params: Bm25Params,
) -> Result<Vec<Hit>> {
    let rows = sqlx::query(
        "WITH q AS (SELECT DISTINCT u.lexeme AS term FROM unnest(to_tsvector('english', $1)) AS u),
         corpus AS (SELECT chunks::float8 AS n, greatest(tokens::float8 / greatest(chunks, 1), 1) AS avgdl
                    FROM bm25_corpus),
         idf AS (SELECT t.term, ln(1 + (c.n - t.df + 0.5) / (t.df + 0.5)) AS idf
                 FROM q JOIN bm25_term t ON t.term = q.term CROSS JOIN corpus c),
         tsq AS (SELECT string_agg(quote_literal(term), ' | ')::tsquery AS query FROM idf),
         cand AS (SELECT c.id, c.document_id, c.tsv, c.length, c.text FROM chunk c, tsq
                  WHERE c.tsv @@ tsq.query AND ($3::int8[] IS NULL OR c.document_id = ANY($3)))
         SELECT c.id, d.source_id, d.title, c.text,
                sum(i.idf * u.tf * ($4 + 1) / (u.tf + $4 * (1 - $5 + $5 * c.length / co.avgdl))) AS score
         FROM cand c
         CROSS JOIN LATERAL (SELECT x.lexeme, coalesce(array_length(x.positions, 1), 1)::float8 AS tf
                             FROM unnest(c.tsv) AS x) u
         JOIN idf i ON i.term = u.lexeme
         JOIN document d ON d.id = c.document_id
         CROSS JOIN corpus co
         GROUP BY c.id, d.source_id, d.title, c.text
         ORDER BY score DESC, c.id
         LIMIT $2",
    )
    .bind(query)
    .bind(k)
    .bind(scope)
    .bind(params.k1)
    .bind(params.b)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(Hit {
                rank: i + 1,
                chunk_id: r.try_get("id")?,
                document: r.try_get("source_id")?,
                title: r.try_get("title")?,
                score: r.try_get("score")?,
                text: r.try_get("text")?,
            })
        })
        .collect()
}
