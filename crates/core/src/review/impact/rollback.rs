//! A rollback's effect on classifications: every row and review item the rolled-back versions
//! changed returns to its state before them, unless a person decided it since.

use sqlx::PgConnection;

use crate::error::Result;

/// Rows and items changed by versions in (to, head] go back to their state before the earliest
/// of those changes; rows a person decided since, and decided items, are kept.
pub(super) async fn restore(
    conn: &mut PgConnection,
    version: i64,
    to: i64,
    head: i64,
) -> Result<i64> {
    let rows = restore_with(conn, RESTORE_CLASSIFICATIONS, (version, to, head)).await?;
    let items = restore_with(conn, RESTORE_ITEMS, (version, to, head)).await?;
    Ok(rows + items)
}

/// Runs one of the restore statements ($1 version, $2 to, $3 head, $4 reviving): superseding or
/// withdrawing first, then reviving, so a (document, category) never has two live rows and a
/// (document, reason) never two open items.
async fn restore_with(
    conn: &mut PgConnection,
    sql: &str,
    (version, to, head): (i64, i64, i64),
) -> Result<i64> {
    let mut restored = 0;
    for reviving in [false, true] {
        restored += sqlx::query(sql)
            .bind(version)
            .bind(to)
            .bind(head)
            .bind(reviving)
            .execute(&mut *conn)
            .await?
            .rows_affected() as i64;
    }
    Ok(restored)
}

/// Rows: back to the status before the earliest change in (to, head], unless decided since.
const RESTORE_CLASSIFICATIONS: &str = "WITH first AS (
                 SELECT DISTINCT ON (cc.classification_id) cc.classification_id AS id,
                        coalesce(cc.before, 'superseded') AS target, cc.version
                 FROM classification_change cc WHERE cc.version > $2 AND cc.version <= $3
                 ORDER BY cc.classification_id, cc.version
             ), eligible AS (
                 SELECT f.id, f.target, c.status AS now
                 FROM first f JOIN classification c ON c.id = f.id
                 JOIN taxonomy_version tv ON tv.version = f.version
                 WHERE c.status <> f.target
                   AND (c.decided_at IS NULL OR c.decided_at < tv.created_at)
                   AND ((f.target = 'superseded') <> $4)
                   AND (NOT $4 OR NOT EXISTS (
                        SELECT 1 FROM classification l
                        WHERE l.document_id = c.document_id AND l.node_id = c.node_id
                          AND l.status <> 'superseded' AND l.id <> c.id))
             ), upd AS (
                 UPDATE classification c SET status = e.target FROM eligible e WHERE c.id = e.id
                 RETURNING c.id, e.now, e.target
             )
             INSERT INTO classification_change (version, classification_id, before, after)
             SELECT $1, id, now, target FROM upd";

/// Items: back to the status before the earliest change in (to, head], unless decided.
const RESTORE_ITEMS: &str = "WITH first AS (
                 SELECT DISTINCT ON (rc.review_item_id) rc.review_item_id AS id,
                        coalesce(rc.before, 'withdrawn') AS target
                 FROM review_item_change rc WHERE rc.version > $2 AND rc.version <= $3
                 ORDER BY rc.review_item_id, rc.version
             ), eligible AS (
                 SELECT f.id, f.target, r.status AS now
                 FROM first f JOIN review_item r ON r.id = f.id
                 WHERE r.status <> 'decided' AND r.status <> f.target
                   AND ((f.target = 'open') = $4)
                   AND (NOT $4 OR NOT EXISTS (
                        SELECT 1 FROM review_item o
                        WHERE o.document_id = r.document_id AND o.reason = r.reason
                          AND o.status = 'open' AND o.id <> r.id))
             ), upd AS (
                 UPDATE review_item r SET status = e.target, lease_owner = NULL, lease_until = NULL
                 FROM eligible e WHERE r.id = e.id
                 RETURNING r.id, e.now, e.target
             )
             INSERT INTO review_item_change (version, review_item_id, before, after)
             SELECT $1, id, now, target FROM upd";
