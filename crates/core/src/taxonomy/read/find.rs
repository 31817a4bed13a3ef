//! Label search: labels and alternative labels, ranked by trigram similarity.

use serde::Serialize;
use sqlx::PgConnection;

use super::{at_sql, At};
use crate::error::Result;

/// A label search hit.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FindHit {
    pub key: String,
    pub label: String,
    /// The label or alternative label that matched best.
    pub matched: String,
    pub score: f32,
    /// Labels of the node's parents, to tell apart nodes with the same label.
    pub parent_labels: Vec<String>,
}

/// Label and alternative-label search at version `v`, ranked by trigram similarity (substring
/// matches always qualify, so short queries find something).
pub async fn find(
    conn: &mut PgConnection,
    requested: Option<i64>,
    text: &str,
    limit: i64,
) -> Result<Vec<FindHit>> {
    let at = At::resolve(&mut *conn, requested).await?;
    let sql = format!(
        "WITH cand AS (
             SELECT s.node_id, s.label, m.name,
                    greatest(similarity(m.name, $2), word_similarity($2, m.name),
                             CASE WHEN m.name ILIKE '%' || $3 || '%' ESCAPE '\\' THEN 0.5 ELSE 0 END
                             + CASE WHEN lower(m.name) = lower($2) THEN 1 ELSE 0 END) AS score
             FROM node_state s
             CROSS JOIN LATERAL unnest(array_prepend(s.label, s.alt_labels)) AS m(name)
             WHERE {} AND (m.name % $2 OR $2 <% m.name OR m.name ILIKE '%' || $3 || '%' ESCAPE '\\')
         )
         SELECT DISTINCT ON (c.node_id) n.key, c.label, c.name AS matched, c.score::float4 AS score,
                ARRAY(SELECT ps.label FROM edge e JOIN node_state ps ON ps.node_id = e.parent_id AND {}
                      WHERE e.child_id = c.node_id AND {} ORDER BY ps.label) AS parent_labels
         FROM cand c JOIN node n ON n.id = c.node_id
         ORDER BY c.node_id, c.score DESC",
        at_sql("s", 1, at),
        at_sql("ps", 1, at),
        at_sql("e", 1, at)
    );
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let mut hits: Vec<FindHit> = sqlx::query_as(&sql)
        .bind(at.version)
        .bind(text)
        .bind(&escaped)
        .fetch_all(conn)
        .await?;
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.label.len().cmp(&b.label.len()))
            .then_with(|| a.key.cmp(&b.key))
    });
    hits.truncate(limit.max(0) as usize);
    Ok(hits)
}
