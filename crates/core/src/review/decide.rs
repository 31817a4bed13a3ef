//! Decisions: accept, reject, reassign and skip of one item (a bulk accept over a filter is
//! `bulk`, on the same plan-and-apply steps). Every decision is one transaction that checks the item is still open and not
//! leased to someone else, changes the item's classification rows, and records exactly what it
//! changed (a `review_decision` row, for undo) and an audit entry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use crate::audit;
use crate::error::{Error, Result};
use crate::taxonomy::read;

/// What a reviewer decides about an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Decision {
    /// Accept the top suggestion, or the named suggestions.
    Accept {
        #[serde(default)]
        categories: Vec<String>,
    },
    /// None of the suggestions is right.
    Reject,
    /// The document belongs under these categories instead (any categories at the head).
    Reassign { to: Vec<String> },
}

impl Decision {
    fn action(&self) -> &'static str {
        match self {
            Decision::Accept { .. } => "accept",
            Decision::Reject => "reject",
            Decision::Reassign { .. } => "reassign",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecisionOutcome {
    pub item: i64,
    pub decision_id: i64,
    pub action: String,
    /// The categories the document is now classified under by this decision.
    pub accepted: Vec<String>,
    pub rejected: Vec<String>,
}

/// One classification row an item decides.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct Linked {
    pub(super) id: i64,
    pub(super) item: i64,
    node_id: i64,
    key: String,
    status: String,
    source: String,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

/// A row's state before a decision, as stored for undo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Change {
    pub id: i64,
    /// None: the decision created the row.
    pub before: Option<String>,
    pub before_source: Option<String>,
    pub before_decided_by: Option<String>,
    pub before_decided_at: Option<DateTime<Utc>>,
    pub after: String,
}

impl Change {
    fn of(row: &Linked, after: &str) -> Change {
        Change {
            id: row.id,
            before: Some(row.status.clone()),
            before_source: Some(row.source.clone()),
            before_decided_by: row.decided_by.clone(),
            before_decided_at: row.decided_at,
            after: after.to_string(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ItemState {
    pub(super) id: i64,
    document_id: i64,
    status: String,
    decided_by: Option<String>,
    lease_owner: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    leased_now: bool,
}

/// Locks the item and checks `reviewer` may decide it.
async fn lock_item(conn: &mut PgConnection, id: i64, reviewer: &str) -> Result<ItemState> {
    let item: ItemState = sqlx::query_as(
        "SELECT id, document_id, status, decided_by, lease_owner, lease_until,
                coalesce(lease_until > now(), false) AS leased_now
         FROM review_item WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("review item", id.to_string()))?;
    match item.status.as_str() {
        "open" => {}
        "decided" => {
            return Err(Error::ReviewConflict {
                item: id,
                reason: format!(
                    "was already decided by {}",
                    item.decided_by.as_deref().unwrap_or("someone")
                ),
            })
        }
        _ => {
            return Err(Error::ReviewConflict {
                item: id,
                reason: "was withdrawn (a later classification or taxonomy change replaced it)"
                    .into(),
            })
        }
    }
    if item.leased_now && item.lease_owner.as_deref() != Some(reviewer) {
        return Err(Error::ReviewConflict {
            item: id,
            reason: format!(
                "is leased to {} until {}",
                item.lease_owner.as_deref().unwrap_or("someone"),
                item.lease_until.map(|t| t.to_rfc3339()).unwrap_or_default()
            ),
        });
    }
    Ok(item)
}

pub(super) async fn linked_rows(conn: &mut PgConnection, items: &[i64]) -> Result<Vec<Linked>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.review_item_id AS item, c.node_id, n.key, c.status, c.source,
                c.decided_by, c.decided_at
         FROM classification c JOIN node n ON n.id = c.node_id
         WHERE c.review_item_id = ANY($1::int8[]) AND c.status IN ('pending', 'auto_accepted')
         ORDER BY c.review_item_id, c.confidence DESC, n.key
         FOR UPDATE OF c",
    )
    .bind(items)
    .fetch_all(conn)
    .await?)
}

/// What one decision does.
pub(super) struct Plan {
    pub(super) item: i64,
    document: i64,
    action: &'static str,
    /// (row, new status)
    set: Vec<(Linked, &'static str)>,
    /// Categories to classify the document under that no suggestion row holds.
    create: Vec<(i64, String)>,
}

pub(super) fn plan(item: &ItemState, rows: Vec<Linked>, d: &Decision) -> Result<Plan> {
    let mut p = Plan {
        item: item.id,
        document: item.document_id,
        action: d.action(),
        set: Vec::new(),
        create: Vec::new(),
    };
    match d {
        Decision::Accept { categories } => {
            if rows.is_empty() {
                return Err(Error::Invalid(format!(
                    "review item {} has no suggestions to accept: reassign it instead",
                    item.id
                )));
            }
            if let Some(k) = categories
                .iter()
                .find(|k| !rows.iter().any(|r| &r.key == *k))
            {
                return Err(Error::Invalid(format!(
                    "{k:?} is not a suggestion of review item {}: use reassign to choose any category",
                    item.id
                )));
            }
            let top = rows[0].id;
            for r in rows {
                let keep = if categories.is_empty() {
                    r.id == top
                } else {
                    categories.contains(&r.key)
                };
                p.set.push((r, if keep { "accepted" } else { "rejected" }));
            }
        }
        Decision::Reject => {
            p.set = rows.into_iter().map(|r| (r, "rejected")).collect();
        }
        Decision::Reassign { .. } => {
            p.set = rows.into_iter().map(|r| (r, "rejected")).collect();
        }
    }
    Ok(p)
}

/// Resolves reassign targets (keys at the head) into node ids.
async fn targets(conn: &mut PgConnection, keys: &[String]) -> Result<Vec<(i64, String)>> {
    if keys.is_empty() {
        return Err(Error::Invalid(
            "reassign needs at least one category (--to KEY)".into(),
        ));
    }
    let head = read::head_version(&mut *conn).await?;
    let ids = read::ids_of(&mut *conn, keys).await?;
    let alive: Vec<i64> = sqlx::query_scalar(
        "SELECT node_id FROM node_state WHERE node_id = ANY($1::int8[]) AND upper_inf(valid)",
    )
    .bind(ids.values().copied().collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    keys.iter()
        .map(|k| match ids.get(k) {
            Some(id) if alive.contains(id) => Ok((*id, k.clone())),
            _ => Err(Error::NoSuchNode {
                key: k.clone(),
                version: head,
            }),
        })
        .collect()
}

/// Applies the plans: row statuses, new rows, the items, the undo records. Returns the decision
/// ids in plan order.
pub(super) async fn apply(
    conn: &mut PgConnection,
    reviewer: &str,
    plans: &[Plan],
) -> Result<Vec<Vec<Change>>> {
    let (mut ids, mut statuses) = (Vec::new(), Vec::new());
    for p in plans {
        for (r, s) in &p.set {
            ids.push(r.id);
            statuses.push(*s);
        }
    }
    sqlx::query(
        "UPDATE classification c
         SET status = x.s,
             source = CASE WHEN x.s = 'accepted' THEN 'human' ELSE c.source END,
             decided_by = $3, decided_at = now()
         FROM unnest($1::int8[], $2::text[]) AS x(id, s) WHERE c.id = x.id",
    )
    .bind(&ids)
    .bind(&statuses)
    .bind(reviewer)
    .execute(&mut *conn)
    .await?;
    let mut all = Vec::with_capacity(plans.len());
    for p in plans {
        let mut changes: Vec<Change> = p.set.iter().map(|(r, s)| Change::of(r, s)).collect();
        for (node, _) in &p.create {
            // A live row on the same category (rejected earlier, or another item's) becomes the
            // accepted one; otherwise a new human row.
            let live: Option<Linked> = sqlx::query_as(
                "SELECT c.id, coalesce(c.review_item_id, 0) AS item, c.node_id, n.key, c.status,
                        c.source, c.decided_by, c.decided_at
                 FROM classification c JOIN node n ON n.id = c.node_id
                 WHERE c.document_id = $1 AND c.node_id = $2 AND c.status <> 'superseded'
                 FOR UPDATE OF c",
            )
            .bind(p.document)
            .bind(node)
            .fetch_optional(&mut *conn)
            .await?;
            match live {
                Some(row) if row.status == "accepted" => {}
                Some(row) => {
                    sqlx::query(
                        "UPDATE classification SET status = 'accepted', source = 'human',
                                decided_by = $2, decided_at = now() WHERE id = $1",
                    )
                    .bind(row.id)
                    .bind(reviewer)
                    .execute(&mut *conn)
                    .await?;
                    changes.push(Change::of(&row, "accepted"));
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO classification (document_id, node_id, confidence, source,
                                 method, taxonomy_version, status, review_item_id, decided_by,
                                 decided_at)
                         VALUES ($1, $2, 1, 'human', 'review',
                                 (SELECT max(version) FROM taxonomy_version), 'accepted', $3, $4,
                                 now())
                         RETURNING id",
                    )
                    .bind(p.document)
                    .bind(node)
                    .bind(p.item)
                    .bind(reviewer)
                    .fetch_one(&mut *conn)
                    .await?;
                    changes.push(Change {
                        id,
                        before: None,
                        before_source: None,
                        before_decided_by: None,
                        before_decided_at: None,
                        after: "accepted".into(),
                    });
                }
            }
        }
        all.push(changes);
    }
    let items: Vec<i64> = plans.iter().map(|p| p.item).collect();
    let actions: Vec<&str> = plans.iter().map(|p| p.action).collect();
    let changes: Vec<String> = all
        .iter()
        .map(|c| serde_json::to_string(c).unwrap_or_else(|_| "[]".into()))
        .collect();
    sqlx::query(
        "UPDATE review_item r SET status = 'decided', decision = x.a, decided_by = $3,
                decided_at = now(), lease_owner = NULL, lease_until = NULL
         FROM unnest($1::int8[], $2::text[]) AS x(id, a) WHERE r.id = x.id",
    )
    .bind(&items)
    .bind(&actions)
    .bind(reviewer)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO review_decision (review_item_id, reviewer, action, changes)
         SELECT x.i, $4, x.a, x.c::jsonb FROM unnest($1::int8[], $2::text[], $3::text[]) AS x(i, a, c)",
    )
    .bind(&items)
    .bind(&actions)
    .bind(&changes)
    .bind(reviewer)
    .execute(&mut *conn)
    .await?;
    Ok(all)
}

/// Decides one item.
pub async fn decide(
    pool: &PgPool,
    item_id: i64,
    decision: &Decision,
    reviewer: &str,
) -> Result<DecisionOutcome> {
    let mut tx = pool.begin().await?;
    let item = lock_item(&mut tx, item_id, reviewer).await?;
    let rows = linked_rows(&mut tx, &[item_id]).await?;
    let mut p = plan(&item, rows, decision)?;
    if let Decision::Reassign { to } = decision {
        for (node, key) in targets(&mut tx, to).await? {
            match p.set.iter_mut().find(|(r, _)| r.node_id == node) {
                Some(entry) => entry.1 = "accepted",
                None => p.create.push((node, key)),
            }
        }
    }
    let before: Vec<(String, String)> = p
        .set
        .iter()
        .map(|(r, _)| (r.key.clone(), r.status.clone()))
        .collect();
    let mut accepted: Vec<String> = p
        .set
        .iter()
        .filter(|(_, s)| *s == "accepted")
        .map(|(r, _)| r.key.clone())
        .collect();
    accepted.extend(p.create.iter().map(|(_, k)| k.clone()));
    let rejected: Vec<String> = p
        .set
        .iter()
        .filter(|(_, s)| *s == "rejected")
        .map(|(r, _)| r.key.clone())
        .collect();
    apply(&mut tx, reviewer, std::slice::from_ref(&p)).await?;
    let decision_id: i64 = sqlx::query_scalar(
        "SELECT id FROM review_decision WHERE review_item_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(item_id)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        reviewer,
        &format!("review.{}", p.action),
        None,
        serde_json::json!({
            "item": item_id,
            "decision": decision_id,
            "before": before.iter().map(|(k, s)| serde_json::json!({"category": k, "status": s})).collect::<Vec<_>>(),
            "accepted": accepted,
            "rejected": rejected,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(DecisionOutcome {
        item: item_id,
        decision_id,
        action: p.action.to_string(),
        accepted,
        rejected,
    })
}

/// Puts an item back at the end of the queue and releases its lease.
pub async fn skip(pool: &PgPool, item_id: i64, reviewer: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    lock_item(&mut tx, item_id, reviewer).await?;
    sqlx::query(
        "UPDATE review_item SET skips = skips + 1, lease_owner = NULL, lease_until = NULL
         WHERE id = $1",
    )
    .bind(item_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        reviewer,
        "review.skip",
        None,
        serde_json::json!({ "item": item_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
