//! The impact section of a diff between any two versions, read without publishing anything.

use sqlx::PgConnection;

use super::{ClassificationImpact, ImpactEntry};
use crate::error::Result;

/// An impact made of `entries`, with the totals they add up to (the diff's reading; a publish
/// counts its own).
pub fn totals(entries: Vec<ImpactEntry>) -> ClassificationImpact {
    let sum = |kind: &str| {
        entries
            .iter()
            .filter(|e| e.change == kind)
            .map(|e| e.documents)
            .sum()
    };
    ClassificationImpact {
        sent_to_review: sum("removed"),
        carried_by_merge: sum("merged"),
        split_items: 0,
        restored: 0,
        entries,
    }
}

/// The documents a diff between two versions touches: for a forward diff, what those versions'
/// publishes changed (from the change log); for a backward one (what a rollback would do), the
/// documents classified under the changed categories now.
pub async fn of_diff(
    conn: &mut PgConnection,
    from: i64,
    to: i64,
    removed: &[String],
    moved: &[String],
) -> Result<Vec<ImpactEntry>> {
    let mut out = Vec::new();
    for (keys, change) in [(removed, "removed"), (moved, "moved")] {
        if keys.is_empty() {
            continue;
        }
        // (key, documents, sample, whether they were carried by a merge)
        let rows: Vec<(String, i64, Vec<String>, bool)> = if from < to && change == "removed" {
            sqlx::query_as(
                "SELECT n.key, count(DISTINCT c.document_id),
                        (array_agg(DISTINCT d.source_id ORDER BY d.source_id))[1:5],
                        NOT EXISTS (SELECT 1 FROM review_item r
                                    WHERE r.context_node_id = n.id AND r.reason = 'category_removed'
                                      AND r.caused_by_version > $1 AND r.caused_by_version <= $2)
                 FROM classification_change cc JOIN classification c ON c.id = cc.classification_id
                 JOIN node n ON n.id = c.node_id JOIN document d ON d.id = c.document_id
                 WHERE cc.version > $1 AND cc.version <= $2 AND n.key = ANY($3::text[])
                   AND cc.after = 'superseded' AND cc.before IN ('accepted', 'auto_accepted')
                 GROUP BY n.id, n.key ORDER BY n.key",
            )
            .bind(from)
            .bind(to)
            .bind(keys)
            .fetch_all(&mut *conn)
            .await?
        } else {
            sqlx::query_as(
                "SELECT n.key, count(DISTINCT c.document_id),
                        (array_agg(DISTINCT d.source_id ORDER BY d.source_id))[1:5], false
                 FROM classification c JOIN node n ON n.id = c.node_id
                 JOIN document d ON d.id = c.document_id
                 WHERE n.key = ANY($1::text[]) AND c.status IN ('accepted', 'auto_accepted')
                 GROUP BY n.key ORDER BY n.key",
            )
            .bind(keys)
            .fetch_all(&mut *conn)
            .await?
        };
        out.extend(
            rows.into_iter()
                .map(|(key, documents, sample, merged)| ImpactEntry {
                    key,
                    change: if merged { "merged" } else { change }.to_string(),
                    documents,
                    sample,
                }),
        );
    }
    Ok(out)
}
