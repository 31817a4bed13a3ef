//! What a hit shows: its document, text cut into highlighted fragments (PostgreSQL's own
//! `ts_headline`, so a query word matches its inflections as BM25 does), and categories.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::PgConnection;

use crate::error::Result;

/// A piece of a hit's text; `hit` pieces match a query term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

pub struct Details {
    pub document: String,
    pub title: String,
    pub text: String,
    pub fragments: Vec<Fragment>,
    pub categories: Vec<String>,
}

// Control characters cannot occur in the marked-up output otherwise: ts_headline copies the
// text, and the markers are chosen so they never collide with it.
const START: char = '\u{2}';
const STOP: char = '\u{3}';

/// Cuts ts_headline output marked with START/STOP into fragments.
fn split_marked(marked: &str) -> Vec<Fragment> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_hit = false;
    for ch in marked.chars() {
        if ch == START || ch == STOP {
            if !cur.is_empty() {
                out.push(Fragment {
                    text: std::mem::take(&mut cur),
                    hit: in_hit,
                });
            }
            in_hit = ch == START;
        } else {
            cur.push(ch);
        }
    }
    if !cur.is_empty() {
        out.push(Fragment {
            text: cur,
            hit: in_hit,
        });
    }
    out
}

/// A row of the details query.
#[derive(sqlx::FromRow)]
struct DetailsRow {
    id: i64,
    source_id: String,
    title: String,
    text: String,
    marked: Option<String>,
    categories: Vec<String>,
}

pub async fn details(
    conn: &mut PgConnection,
    chunk_ids: &[i64],
    query: &str,
) -> Result<HashMap<i64, Details>> {
    if chunk_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<DetailsRow> = sqlx::query_as(
        "WITH q AS (SELECT (SELECT string_agg(quote_literal(u.lexeme), ' | ')
                            FROM unnest(to_tsvector('english', $2)) AS u)::tsquery AS tsq)
         SELECT c.id, d.source_id, d.title, c.text,
                CASE WHEN q.tsq IS NULL THEN NULL
                     ELSE ts_headline('english', replace(replace(c.text, chr(2), ' '), chr(3), ' '), q.tsq,
                                      'HighlightAll=true, StartSel=' || chr(2) || ', StopSel=' || chr(3))
                END AS marked,
                ARRAY(SELECT n.key FROM document_category dc JOIN node n ON n.id = dc.node_id
                      WHERE dc.document_id = d.id ORDER BY n.key) AS categories
         FROM chunk c JOIN document d ON d.id = c.document_id CROSS JOIN q
         WHERE c.id = ANY($1::int8[])",
    )
    .bind(chunk_ids)
    .bind(query)
    .fetch_all(conn)
    .await?;
    let mut out = HashMap::new();
    for r in rows {
        let fragments = match r.marked {
            Some(m) => split_marked(&m),
            None => vec![Fragment {
                text: r.text.clone(),
                hit: false,
            }],
        };
        out.insert(
            r.id,
            Details {
                document: r.source_id,
                title: r.title,
                text: r.text,
                fragments,
                categories: r.categories,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_text_splits_into_fragments() {
        let f = split_marked("a \u{2}dog\u{3} and \u{2}dogs\u{3}");
        let hits: Vec<&str> = f
            .iter()
            .filter(|x| x.hit)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(hits, ["dog", "dogs"]);
        assert_eq!(
            f.iter().map(|x| x.text.as_str()).collect::<String>(),
            "a dog and dogs"
        );
        assert_eq!(split_marked(""), Vec::<Fragment>::new());
    }
}
