//! Reading the queue: filtered, ordered pages, and `next` (which leases what it hands out).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::{Reason, ReviewItem, ReviewSuggestion};
use crate::error::{Error, Result};
use crate::limits;
use crate::search::scope::subtree_node_ids;
use crate::taxonomy::read::{self, At};

/// The queue's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReviewOrder {
    /// Smallest margin between the top two suggestions first: the ties a person breaks best.
    #[default]
    Uncertainty,
    Oldest,
    /// Items whose top category has the most open items first.
    Impact,
}

impl ReviewOrder {
    fn sql(self) -> &'static str {
        match self {
            ReviewOrder::Uncertainty => "r.skips, r.margin, r.id",
            ReviewOrder::Oldest => "r.skips, r.created_at, r.id",
            ReviewOrder::Impact => "r.skips, r.impact DESC, r.id",
        }
    }
}

/// Which open items; every field narrows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewFilter {
    /// Items with a suggestion (or about a category) in these subtrees at the head.
    #[serde(default)]
    pub under: Vec<String>,
    #[serde(default)]
    pub reason: Option<Reason>,
    #[serde(default)]
    pub min_confidence: Option<f32>,
    #[serde(default)]
    pub max_confidence: Option<f32>,
}

/// A page of the queue and how many items match in all.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewPage {
    /// How many items match, counted up to [`COUNT_AHEAD`] past the end of this page: beyond,
    /// `total_exact` is false and `total` is that cap, which grows as later pages are read (a
    /// bulk accept's dry run counts exactly).
    pub total: i64,
    pub total_exact: bool,
    pub items: Vec<ReviewItem>,
}

/// Matching items are counted up to this many past the page being read: counting 100,000 open
/// items on every page costs ~45 ms, counting a thousand ahead 1-2 ms. A table that scrolls
/// reads later pages, so its count keeps ahead of where the reader is.
pub const COUNT_AHEAD: i64 = 1_000;

/// Where the count of a page at `offset` of `limit` items stops.
fn count_cap(limit: i64, offset: i64) -> i64 {
    offset.max(0) + limit + COUNT_AHEAD
}

/// The filter, resolved (subtree node ids looked up), ready to be pushed into a query.
pub(super) struct Bound {
    reason: Option<&'static str>,
    min: Option<f32>,
    max: Option<f32>,
    nodes: Option<Vec<i64>>,
}

impl Bound {
    /// Pushes the filter over `review_item r` (open, matching, not leased to someone else than
    /// `reviewer`) into `q`. Only the predicates in use are written, so each combination has
    /// its own statement and plan: a cached generic plan of `$n IS NULL OR r.nodes && $n`
    /// could not use the GIN index on `nodes`.
    pub(super) fn push_where<'a>(&'a self, q: &mut QueryBuilder<'a, Postgres>, reviewer: &'a str) {
        q.push(" r.status = 'open' AND (r.lease_until IS NULL OR r.lease_until < now() OR r.lease_owner = ");
        q.push_bind(reviewer);
        q.push(")");
        if let Some(reason) = self.reason {
            q.push(" AND r.reason = ").push_bind(reason);
        }
        if let Some(min) = self.min {
            q.push(" AND r.top_confidence >= ").push_bind(min);
        }
        if let Some(max) = self.max {
            q.push(" AND r.top_confidence <= ").push_bind(max);
        }
        if let Some(nodes) = &self.nodes {
            // `nodes`: the item's suggested categories and its context (kept by triggers).
            q.push(" AND r.nodes && ").push_bind(nodes);
        }
    }
}

pub(super) async fn bind_filter(conn: &mut PgConnection, f: &ReviewFilter) -> Result<Bound> {
    for c in [f.min_confidence, f.max_confidence].into_iter().flatten() {
        if !(0.0..=1.0).contains(&c) {
            return Err(Error::Invalid(format!(
                "a confidence must be in [0, 1], not {c}"
            )));
        }
    }
    let nodes = if f.under.is_empty() {
        None
    } else {
        Some(subtree_node_ids(conn, None, &f.under).await?)
    };
    Ok(Bound {
        reason: f.reason.map(Reason::as_str),
        min: f.min_confidence,
        max: f.max_confidence,
        nodes,
    })
}

fn check_limit(limit: i64) -> Result<()> {
    if !limits::REVIEW_PAGE.contains(&limit) {
        return Err(Error::Invalid(format!(
            "the page size must be between {} and {}",
            limits::REVIEW_PAGE.start(),
            limits::REVIEW_PAGE.end()
        )));
    }
    Ok(())
}

/// How many open items match, and the ids of one page of them in `order` (locked, skipping
/// rows others hold, when `lock`).
async fn matching(
    conn: &mut PgConnection,
    b: &Bound,
    reviewer: &str,
    order: ReviewOrder,
    (limit, offset): (i64, i64),
    lock: bool,
) -> Result<(Counted, Vec<i64>)> {
    let cap = count_cap(limit, offset);
    let mut count = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM review_item r WHERE");
    b.push_where(&mut count, reviewer);
    // In the default order: it walks the covering index of open items (migration 0019), an
    // index-only scan that stops at the cap, where the planner's own choice was a sequential
    // scan through every decided item first. A narrow filter still takes the GIN index.
    count
        .push(format_args!(" ORDER BY {}", ReviewOrder::Uncertainty.sql()))
        .push(" LIMIT ")
        .push_bind(cap + 1)
        .push(") AS capped");
    let counted: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut page = QueryBuilder::new("SELECT r.id FROM review_item r WHERE");
    b.push_where(&mut page, reviewer);
    page.push(format_args!(" ORDER BY {} LIMIT ", order.sql()));
    page.push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset.max(0));
    if lock {
        // SKIP LOCKED: two reviewers asking at the same moment get different items.
        page.push(" FOR UPDATE SKIP LOCKED");
    }
    let ids: Vec<i64> = page.build_query_scalar().fetch_all(&mut *conn).await?;
    Ok((Counted { counted, cap }, ids))
}

/// A page of open items `reviewer` may work on (not leased to someone else), without leasing.
pub async fn list(
    pool: &PgPool,
    reviewer: &str,
    filter: &ReviewFilter,
    order: ReviewOrder,
    limit: i64,
    offset: i64,
) -> Result<ReviewPage> {
    check_limit(limit)?;
    let mut conn = pool.acquire().await?;
    let b = bind_filter(&mut conn, filter).await?;
    let (count, ids) = matching(&mut conn, &b, reviewer, order, (limit, offset), false).await?;
    let items = load(&mut conn, &ids, false).await?;
    Ok(page(count, items))
}

/// The next `limit` items for `reviewer`, leased to them (others will not be given these until
/// the lease ends or the reviewer decides or skips them). With paths for the focus view.
pub async fn next(
    pool: &PgPool,
    reviewer: &str,
    filter: &ReviewFilter,
    order: ReviewOrder,
    limit: i64,
) -> Result<ReviewPage> {
    check_limit(limit)?;
    let mut tx = pool.begin().await?;
    let b = bind_filter(&mut tx, filter).await?;
    let (count, ids) = matching(&mut tx, &b, reviewer, order, (limit, 0), true).await?;
    sqlx::query(
        "UPDATE review_item SET lease_owner = $2,
                lease_until = now() + make_interval(secs => $3)
         WHERE id = ANY($1::int8[])",
    )
    .bind(&ids)
    .bind(reviewer)
    .bind(limits::REVIEW_LEASE_SECS)
    .execute(&mut *tx)
    .await?;
    let items = load(&mut tx, &ids, true).await?;
    tx.commit().await?;
    Ok(page(count, items))
}

/// How many items matched, read up to one past `cap`.
struct Counted {
    counted: i64,
    cap: i64,
}

fn page(Counted { counted, cap }: Counted, items: Vec<ReviewItem>) -> ReviewPage {
    ReviewPage {
        total: counted.min(cap),
        total_exact: counted <= cap,
        items,
    }
}

/// One item by id, in whatever status.
pub async fn get(pool: &PgPool, id: i64) -> Result<ReviewItem> {
    let mut conn = pool.acquire().await?;
    load(&mut conn, &[id], true)
        .await?
        .pop()
        .ok_or_else(|| Error::not_found("review item", id.to_string()))
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    source_id: String,
    title: String,
    excerpt: Option<String>,
    reason: String,
    status: String,
    top_confidence: f32,
    margin: f32,
    impact: i32,
    created_at: DateTime<Utc>,
    lease_owner: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    context: Option<String>,
    current: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct SuggestionRow {
    item: i64,
    key: String,
    label: String,
    confidence: f32,
    method: String,
    evidence: Option<serde_json::Value>,
}

fn reason_of(s: &str) -> Result<Reason> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| Error::Internal(format!("unknown review reason {s:?}")))
}

/// The items with these ids, in this order.
pub(super) async fn load(
    conn: &mut PgConnection,
    ids: &[i64],
    with_paths: bool,
) -> Result<Vec<ReviewItem>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT r.id, d.source_id, d.title,
                (SELECT left(ch.text, 1200) FROM chunk ch WHERE ch.document_id = d.id
                 ORDER BY ch.ordinal LIMIT 1) AS excerpt,
                r.reason, r.status, r.top_confidence, r.margin, r.impact, r.created_at,
                r.lease_owner, r.lease_until, cn.key AS context,
                ARRAY(SELECT n.key FROM classification c JOIN node n ON n.id = c.node_id
                      WHERE c.document_id = d.id AND c.status IN ('accepted', 'auto_accepted')
                      ORDER BY n.key) AS current
         FROM review_item r JOIN document d ON d.id = r.document_id
         LEFT JOIN node cn ON cn.id = r.context_node_id
         WHERE r.id = ANY($1::int8[])",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    let suggestions: Vec<SuggestionRow> = sqlx::query_as(
        "SELECT c.review_item_id AS item, n.key, coalesce(s.label, n.key) AS label, c.confidence,
                c.method, c.evidence
         FROM classification c JOIN node n ON n.id = c.node_id
         LEFT JOIN node_state s ON s.node_id = c.node_id AND upper_inf(s.valid)
         WHERE c.review_item_id = ANY($1::int8[]) AND c.status <> 'superseded'
         ORDER BY c.review_item_id, c.confidence DESC, n.key",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    let head = read::head_version(&mut *conn).await?;
    let mut by_item: HashMap<i64, Vec<ReviewSuggestion>> = HashMap::new();
    for s in suggestions {
        let ev = |k: &str| {
            s.evidence
                .as_ref()
                .and_then(|e| e.get(k))
                .and_then(serde_json::Value::as_f64)
                .map(|x| x as f32)
        };
        let paths = if with_paths {
            read::paths_to_root(&mut *conn, At::head(head), &s.key, 8).await?
        } else {
            Vec::new()
        };
        by_item.entry(s.item).or_default().push(ReviewSuggestion {
            vote: ev("vote"),
            text_similarity: ev("text"),
            category: s.key,
            label: s.label,
            confidence: s.confidence,
            method: s.method,
            paths,
        });
    }
    let mut by_id: HashMap<i64, ReviewItem> = HashMap::new();
    for r in rows {
        by_id.insert(
            r.id,
            ReviewItem {
                id: r.id,
                document: r.source_id,
                title: r.title,
                excerpt: r.excerpt.unwrap_or_default(),
                reason: reason_of(&r.reason)?,
                status: r.status,
                top_confidence: r.top_confidence,
                margin: r.margin,
                impact: r.impact,
                created_at: r.created_at,
                lease_owner: r.lease_owner,
                lease_until: r.lease_until,
                context: r.context,
                current: r.current,
                suggestions: by_item.remove(&r.id).unwrap_or_default(),
            },
        );
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Releases every open item leased to `reviewer` (a filter changed, the app closes), so others
/// can have them at once instead of when the lease ends. Returns how many were released.
pub async fn release(pool: &PgPool, reviewer: &str) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE review_item SET lease_owner = NULL, lease_until = NULL
         WHERE lease_owner = $1 AND status = 'open'",
    )
    .bind(reviewer)
    .execute(pool)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_stop_at_the_cap_and_say_so() {
        let at = |counted, cap| page(Counted { counted, cap }, Vec::new());
        let exact = at(1_050, 1_050);
        assert_eq!((exact.total, exact.total_exact), (1_050, true));
        // The count query reads one row past the cap to know there are more.
        let capped = at(1_051, 1_050);
        assert_eq!((capped.total, capped.total_exact), (1_050, false));
        assert!(at(0, 1_050).total_exact);
    }

    #[test]
    fn the_cap_keeps_ahead_of_the_page_read() {
        assert_eq!(count_cap(50, 0), 50 + COUNT_AHEAD);
        assert_eq!(count_cap(100, 5_000), 5_100 + COUNT_AHEAD);
        // A negative offset is read as 0 (the page query does the same).
        assert_eq!(count_cap(50, -3), 50 + COUNT_AHEAD);
    }
}
