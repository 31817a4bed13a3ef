//! Bulk accept: the top suggestion of every open item a filter matches (all of them, not a
//! page), in one transaction, through the same plan-and-apply steps as a single decision, and
//! guarded by a confidence floor.

use serde::Serialize;
use sqlx::{PgPool, QueryBuilder};

use super::decide::{apply, linked_rows, plan, Decision, ItemState};
use super::queue::{bind_filter, ReviewFilter};
use crate::audit;
use crate::error::{Error, Result};

/// What a bulk accept matched and did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BulkOutcome {
    pub matched: i64,
    /// Matched items whose top suggestion is below the confidence floor.
    pub below_floor: i64,
    pub floor: f32,
    pub accepted: i64,
    pub dry_run: bool,
}

/// Accepts the top suggestion of every open item the filter matches (all of them, not a page),
/// in one transaction. Refused, with nothing written, when some are below `floor` and not
/// `force`d.
pub async fn bulk_accept(
    pool: &PgPool,
    reviewer: &str,
    filter: &ReviewFilter,
    floor: f32,
    force: bool,
    dry_run: bool,
) -> Result<BulkOutcome> {
    if !(0.0..=1.0).contains(&floor) {
        return Err(Error::Invalid(format!(
            "the floor must be in [0, 1], not {floor}"
        )));
    }
    let mut tx = pool.begin().await?;
    let b = bind_filter(&mut tx, filter).await?;
    let mut count =
        QueryBuilder::new("SELECT count(*), count(*) FILTER (WHERE r.top_confidence < ");
    count.push_bind(floor).push(") FROM review_item r WHERE");
    b.push_where(&mut count, reviewer);
    count.push(
        " AND EXISTS (SELECT 1 FROM classification c
                      WHERE c.review_item_id = r.id AND c.status IN ('pending', 'auto_accepted'))",
    );
    let (matched, below_floor): (i64, i64) = count.build_query_as().fetch_one(&mut *tx).await?;
    let mut out = BulkOutcome {
        matched,
        below_floor,
        floor,
        accepted: 0,
        dry_run,
    };
    if below_floor > 0 && !force {
        return Err(Error::Invalid(format!(
            "{below_floor} of the {matched} matching items have a top confidence below {floor:.2}: \
             narrow the filter (--min-confidence) or pass --force"
        )));
    }
    if dry_run || matched == 0 {
        return Ok(out);
    }
    let mut select = QueryBuilder::new(
        "SELECT r.id, r.document_id, r.status, r.decided_by, r.lease_owner, r.lease_until,
                coalesce(r.lease_until > now(), false) AS leased_now
         FROM review_item r WHERE",
    );
    b.push_where(&mut select, reviewer);
    select.push(" ORDER BY r.id FOR UPDATE");
    let items: Vec<ItemState> = select.build_query_as().fetch_all(&mut *tx).await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut rows = linked_rows(&mut tx, &ids).await?;
    let mut plans = Vec::with_capacity(items.len());
    for item in &items {
        let split = rows.partition_point(|r| r.item <= item.id);
        let rest = rows.split_off(split);
        let mine = std::mem::replace(&mut rows, rest);
        if mine.is_empty() {
            continue;
        }
        plans.push(plan(item, mine, &Decision::Accept { categories: vec![] })?);
    }
    apply(&mut tx, reviewer, &plans).await?;
    out.accepted = plans.len() as i64;
    audit::record(
        &mut tx,
        reviewer,
        "review.bulk_accept",
        None,
        serde_json::json!({
            "filter": filter,
            "accepted": out.accepted,
            "forced": force && below_floor > 0,
            "items": plans.iter().map(|p| p.item).collect::<Vec<_>>(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}
