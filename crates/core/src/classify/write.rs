//! Writing a batch of classified documents: one transaction per batch, so an interrupted run
//! keeps what it wrote and the next `unreviewed` run goes on from there.

use sqlx::PgPool;

use crate::audit;
use crate::error::Result;

/// One suggested category of a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pick {
    pub node: i64,
    pub confidence: f32,
    pub vote: f32,
    pub text_similarity: f32,
}

impl Pick {
    fn evidence(&self) -> String {
        serde_json::json!({ "vote": self.vote, "text": self.text_similarity }).to_string()
    }
}

/// The outcome for one document.
#[derive(Debug, Clone, Default)]
pub struct DocOutcome {
    pub document: i64,
    /// Suggestions at or above the threshold: accepted without a person.
    pub auto: Vec<Pick>,
    /// The best suggestions when none reached the threshold: a queue item.
    pub pending: Vec<Pick>,
    pub top_confidence: f32,
    pub margin: f32,
    /// An auto-accepted document drawn for a person to check.
    pub audit_sample: bool,
}

/// What a batch wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    /// Classifications accepted without a person (a document may get several).
    pub auto_accepted: usize,
    /// Documents with at least one of them.
    pub auto_accepted_documents: usize,
    pub queued: usize,
    pub audit_samples: usize,
}

pub struct RunContext<'a> {
    pub run_id: i64,
    pub model_id: i32,
    pub version: i64,
    pub author: &'a str,
    /// Re-classify: earlier model rows and open model items of these documents give way.
    pub replace: bool,
}

pub async fn write_batch(
    pool: &PgPool,
    cx: &RunContext<'_>,
    batch: &[DocOutcome],
) -> Result<Written> {
    let mut tx = pool.begin().await?;
    let docs: Vec<i64> = batch.iter().map(|d| d.document).collect();
    if cx.replace {
        sqlx::query(
            "UPDATE review_item SET status = 'withdrawn'
             WHERE document_id = ANY($1::int8[]) AND status = 'open'
               AND reason IN ('low_confidence', 'audit_sample')",
        )
        .bind(&docs)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE classification SET status = 'superseded'
             WHERE document_id = ANY($1::int8[]) AND source = 'model'
               AND status IN ('auto_accepted', 'pending')",
        )
        .bind(&docs)
        .execute(&mut *tx)
        .await?;
    }

    let (mut a_doc, mut a_node, mut a_conf, mut a_ev) = (vec![], vec![], vec![], vec![]);
    for d in batch {
        for p in &d.auto {
            a_doc.push(d.document);
            a_node.push(p.node);
            a_conf.push(p.confidence);
            a_ev.push(p.evidence());
        }
    }
    let auto = sqlx::query(
        "INSERT INTO classification (document_id, node_id, confidence, source, method, model_id,
                                     taxonomy_version, status, evidence)
         SELECT x.d, x.n, x.c, 'model', 'classifier', $5, $6, 'auto_accepted', x.e::jsonb
         FROM unnest($1::int8[], $2::int8[], $3::real[], $4::text[]) AS x(d, n, c, e)
         ON CONFLICT (document_id, node_id) WHERE status <> 'superseded' DO NOTHING",
    )
    .bind(&a_doc)
    .bind(&a_node)
    .bind(&a_conf)
    .bind(&a_ev)
    .bind(cx.model_id)
    .bind(cx.version)
    .execute(&mut *tx)
    .await?
    .rows_affected() as usize;

    // Queue items: low-confidence documents, and the audit samples of auto-accepted ones.
    let (mut q_doc, mut q_reason, mut q_top, mut q_margin) = (vec![], vec![], vec![], vec![]);
    for d in batch {
        if !d.pending.is_empty() {
            q_doc.push(d.document);
            q_reason.push("low_confidence");
            q_top.push(d.top_confidence);
            q_margin.push(d.margin);
        } else if d.audit_sample && !d.auto.is_empty() {
            q_doc.push(d.document);
            q_reason.push("audit_sample");
            q_top.push(d.top_confidence);
            q_margin.push(d.margin);
        }
    }
    let items: Vec<(i64, i64, String)> = sqlx::query_as(
        "INSERT INTO review_item (document_id, reason, top_confidence, margin, taxonomy_version)
         SELECT x.d, x.r, x.t, x.m, $5
         FROM unnest($1::int8[], $2::text[], $3::real[], $4::real[]) AS x(d, r, t, m)
         ON CONFLICT (document_id, reason) WHERE status = 'open' DO NOTHING
         RETURNING id, document_id, reason",
    )
    .bind(&q_doc)
    .bind(&q_reason)
    .bind(&q_top)
    .bind(&q_margin)
    .bind(cx.version)
    .fetch_all(&mut *tx)
    .await?;
    let mut written = Written {
        auto_accepted: auto,
        auto_accepted_documents: batch.iter().filter(|d| !d.auto.is_empty()).count(),
        ..Written::default()
    };
    let (mut p_item, mut p_doc, mut p_node, mut p_conf, mut p_ev) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut s_item, mut s_doc) = (vec![], vec![]);
    for (item, doc, reason) in &items {
        let Some(d) = batch.iter().find(|d| d.document == *doc) else {
            continue;
        };
        if reason == "audit_sample" {
            s_item.push(*item);
            s_doc.push(*doc);
            written.audit_samples += 1;
            continue;
        }
        written.queued += 1;
        for p in &d.pending {
            p_item.push(*item);
            p_doc.push(*doc);
            p_node.push(p.node);
            p_conf.push(p.confidence);
            p_ev.push(p.evidence());
        }
    }
    sqlx::query(
        "INSERT INTO classification (document_id, node_id, confidence, source, method, model_id,
                                     taxonomy_version, status, review_item_id, evidence)
         SELECT x.d, x.n, x.c, 'model', 'classifier', $6, $7, 'pending', x.i, x.e::jsonb
         FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::real[], $5::text[]) AS x(i, d, n, c, e)
         ON CONFLICT (document_id, node_id) WHERE status <> 'superseded' DO NOTHING",
    )
    .bind(&p_item)
    .bind(&p_doc)
    .bind(&p_node)
    .bind(&p_conf)
    .bind(&p_ev)
    .bind(cx.model_id)
    .bind(cx.version)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE classification c SET review_item_id = x.i
         FROM unnest($1::int8[], $2::int8[]) AS x(i, d)
         WHERE c.document_id = x.d AND c.status = 'auto_accepted' AND c.review_item_id IS NULL",
    )
    .bind(&s_item)
    .bind(&s_doc)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE classifier_run SET documents = documents + $2, auto_accepted = auto_accepted + $3,
                queued = queued + $4
         WHERE id = $1",
    )
    .bind(cx.run_id)
    .bind(batch.len() as i32)
    .bind(written.auto_accepted as i32)
    .bind(written.queued as i32)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        cx.author,
        "classify.batch",
        None,
        serde_json::json!({
            "run": cx.run_id,
            "documents": batch.len(),
            "auto_accepted": written.auto_accepted,
            "queued": written.queued,
            "audit_samples": written.audit_samples,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

/// Sets each open item's impact: how many open items share its top suggestion (deciding one
/// teaches the classifier about the others), or its cause for items a publish made.
pub async fn refresh_impact(pool: &PgPool) -> Result<()> {
    sqlx::query(
        "WITH top AS (
             SELECT DISTINCT ON (c.review_item_id) c.review_item_id AS item, c.node_id
             FROM classification c JOIN review_item r ON r.id = c.review_item_id
             WHERE r.status = 'open' AND c.status IN ('pending', 'auto_accepted')
             ORDER BY c.review_item_id, c.confidence DESC, c.node_id
         ), n AS (SELECT node_id, count(*)::int AS k FROM top GROUP BY node_id)
         UPDATE review_item r SET impact = n.k
         FROM top JOIN n USING (node_id)
         WHERE r.id = top.item AND r.status = 'open' AND r.caused_by_version IS NULL
           AND r.impact <> n.k",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A split item re-scored among its category's new children.
#[derive(Debug, Clone)]
pub struct SplitOutcome {
    pub item: i64,
    /// With `auto`, the children at or above the threshold; otherwise every child, best first.
    pub picks: Vec<Pick>,
    /// A child reached the threshold: accepted without a person.
    pub auto: bool,
}

/// Writes re-scored split items: confident ones are decided by the classifier (the best child
/// auto-accepted, the other suggestions superseded), the rest keep their item with real
/// confidences. Returns how many were auto-accepted.
pub async fn rescore_splits(
    pool: &PgPool,
    cx: &RunContext<'_>,
    splits: &[SplitOutcome],
) -> Result<usize> {
    let mut tx = pool.begin().await?;
    let mut auto = 0;
    for s in splits {
        for p in &s.picks {
            let status = if s.auto { "auto_accepted" } else { "pending" };
            sqlx::query(
                "UPDATE classification SET confidence = $3, evidence = $4::jsonb, status = $5,
                        model_id = $6
                 WHERE review_item_id = $1 AND node_id = $2 AND status = 'pending'",
            )
            .bind(s.item)
            .bind(p.node)
            .bind(p.confidence)
            .bind(p.evidence())
            .bind(status)
            .bind(cx.model_id)
            .execute(&mut *tx)
            .await?;
        }
        let top = s.picks.first().map_or(0.0, |p| p.confidence);
        let second = s.picks.get(1).map_or(0.0, |p| p.confidence);
        if s.auto {
            auto += 1;
            // The children below the threshold are not suggestions any more.
            sqlx::query(
                "UPDATE classification SET status = 'superseded'
                 WHERE review_item_id = $1 AND status = 'pending'",
            )
            .bind(s.item)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE review_item SET status = 'decided', decision = 'accept',
                        decided_by = 'classifier', decided_at = now(), top_confidence = $2,
                        margin = $3, lease_owner = NULL, lease_until = NULL
                 WHERE id = $1 AND status = 'open'",
            )
        } else {
            sqlx::query(
                "UPDATE review_item SET top_confidence = $2, margin = $3 WHERE id = $1 AND status = 'open'",
            )
        }
        .bind(s.item)
        .bind(top.clamp(0.0, 1.0))
        .bind((top - second).clamp(0.0, 1.0))
        .execute(&mut *tx)
        .await?;
    }
    if !splits.is_empty() {
        audit::record(
            &mut tx,
            cx.author,
            "classify.splits",
            None,
            serde_json::json!({ "run": cx.run_id, "items": splits.len(), "auto_accepted": auto }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(auto)
}
