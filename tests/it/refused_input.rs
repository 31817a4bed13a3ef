//! Property (issue 11, part 3): any refused input — a malformed or inconsistent taxonomy import,
//! change set or document file — leaves the database exactly as it was (its fingerprint).
//! The files are valid sample files with one generated defect each, so every case must be
//! refused; each goes through the `dtrag_api` function the CLI and the app call.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use dtrag_api::documents::AddDocuments;
use dtrag_api::taxonomy::{EditRequest, ImportRequest};
use dtrag_api::{Config, Handle};

use crate::common::{fingerprint, fresh_db, meta, models_dir, parse_import, SAMPLE};

const DOCS: &str = include_str!("../../data/sample-documents.jsonl");

/// What `common::fingerprint` covers plus the documents and their chunks and postings (written
/// here because the refused document files must not leave any).
async fn full_fingerprint(pool: &sqlx::PgPool) -> String {
    let docs: String = sqlx::query_scalar(
        "SELECT md5(concat_ws('|',
            (SELECT string_agg(d::text, ',' ORDER BY id) FROM document d),
            (SELECT string_agg(c.id::text || c.text, ',' ORDER BY id) FROM chunk c),
            (SELECT count(*)::text FROM bm25_posting),
            (SELECT count(*)::text FROM taxonomy_version)))",
    )
    .fetch_one(pool)
    .await
    .expect("fingerprint the documents");
    format!("{}-{docs}", fingerprint(pool).await)
}

/// One defect in an otherwise valid file.
#[derive(Debug, Clone)]
enum Defect {
    /// A line that is not JSON (an unclosed object).
    Garbage(String),
    /// A valid line repeated (a duplicate key or document id).
    Duplicate(usize),
    /// A reference to a node that does not exist (a parent, a category, an edited key).
    Missing(String),
    /// A line cut short.
    Truncated(usize, usize),
    /// Two new nodes each the other's parent (taxonomy), an edge back to an ancestor (change set).
    Cycle,
}

fn defect() -> impl Strategy<Value = Defect> {
    prop_oneof![
        "[a-z \":,0-9\\[]{0,30}".prop_map(|s| Defect::Garbage(format!("{{{s}"))),
        (0usize..100).prop_map(Defect::Duplicate),
        "[a-z]{1,8}".prop_map(|s| Defect::Missing(format!("no-such-{s}"))),
        (0usize..100, 1usize..60).prop_map(|(l, c)| Defect::Truncated(l, c)),
        Just(Defect::Cycle),
    ]
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// Cuts `line` to fewer than its characters, always short of the closing brace.
fn truncate(line: &str, at: usize) -> String {
    let n = line.chars().count();
    line.chars().take(at.min(n.saturating_sub(1))).collect()
}

fn taxonomy_file(d: &Defect) -> String {
    let mut ls = lines(SAMPLE);
    match d {
        Defect::Garbage(g) => ls.insert(ls.len() / 2, g.clone()),
        Defect::Duplicate(i) => {
            let l = ls[i % ls.len()].clone();
            ls.push(l);
        }
        Defect::Missing(k) => ls.push(format!(
            r#"{{"key": "orphan", "label": "Orphan", "parents": ["{k}"]}}"#
        )),
        Defect::Truncated(i, at) => {
            let i = i % ls.len();
            ls[i] = truncate(&ls[i], *at);
        }
        Defect::Cycle => {
            ls.push(r#"{"key": "cyc-a", "label": "A", "parents": ["cyc-b"]}"#.into());
            ls.push(r#"{"key": "cyc-b", "label": "B", "parents": ["cyc-a"]}"#.into());
        }
    }
    ls.join("\n") + "\n"
}

/// A change set: a valid first operation (so a half-applied set would show), then the defect.
fn change_set(d: &Defect, root: &str, leaf: &str) -> String {
    let mut ls = vec![format!(
        r#"{{"op": "set_description", "key": "{leaf}", "description": "changed by a refused set"}}"#
    )];
    match d {
        Defect::Garbage(g) => ls.push(g.clone()),
        Defect::Duplicate(_) => {
            let add = r#"{"op": "add", "key": "dup-node", "label": "Dup"}"#.to_string();
            ls.push(add.clone());
            ls.push(add);
        }
        Defect::Missing(k) => ls.push(format!(r#"{{"op": "rename", "key": "{k}", "label": "X"}}"#)),
        Defect::Truncated(_, at) => {
            let l = format!(r#"{{"op": "rename", "key": "{leaf}", "label": "Renamed"}}"#);
            ls.push(truncate(&l, *at));
        }
        Defect::Cycle => ls.push(format!(
            r#"{{"op": "add_parent", "key": "{root}", "parent": "{leaf}"}}"#
        )),
    }
    ls.join("\n") + "\n"
}

fn documents_file(d: &Defect) -> String {
    let mut ls: Vec<String> = vec![
        r#"{"id": "refused/1", "title": "One", "text": "a document that must not stay"}"#.into(),
        r#"{"id": "refused/2", "title": "Two", "text": "another one", "categories": ["tech"]}"#
            .into(),
    ];
    match d {
        Defect::Garbage(g) => ls.push(g.clone()),
        Defect::Duplicate(i) => {
            let l = ls[i % ls.len()].clone();
            ls.push(l);
        }
        Defect::Missing(k) => ls.push(format!(
            r#"{{"id": "refused/3", "text": "filed under nothing", "categories": ["{k}"]}}"#
        )),
        Defect::Truncated(i, at) => {
            let i = i % ls.len();
            ls[i] = truncate(&ls[i], *at);
        }
        // Not a defect a document file can have: a text that is not a string instead. (An
        // empty text is accepted: the document is stored without chunks.)
        Defect::Cycle => ls.push(r#"{"id": "refused/4", "title": "Number", "text": 42}"#.into()),
    }
    ls.join("\n") + "\n"
}

async fn run_case(defects: &[Defect]) -> Result<(), TestCaseError> {
    let db = fresh_db().await;
    dtrag_core::taxonomy::import::import(
        &db.pool,
        parse_import(SAMPLE).expect("parse"),
        &meta("sample"),
        "sample",
    )
    .await
    .expect("import the sample");
    let docs: Vec<_> = DOCS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a sample document"))
        .collect();
    dtrag_core::documents::add(&db.pool, &docs, Default::default(), &mut |_, _| {})
        .await
        .expect("add the sample documents");
    let config = Config {
        data_dir: std::env::temp_dir(),
        models_dir: models_dir(),
        author: "refused-test".into(),
        embeddings_api_key: None,
        llm_api_key: None,
        pg_bindir: None,
    };
    let h = Handle::from_pool(db.pool.clone(), config, false);
    let (root, leaf): (String, String) = sqlx::query_as(
        "SELECT (SELECT key FROM node WHERE key = 'knowledge'), (SELECT key FROM node WHERE key = 'tech.ai')",
    )
    .fetch_one(&db.pool)
    .await
    .expect("two keys");
    let dir = std::env::temp_dir().join(format!("dtrag-refused-{}", db.name));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let before = full_fingerprint(&db.pool).await;
    for (i, d) in defects.iter().enumerate() {
        let path = dir.join(format!("{i}.jsonl"));
        // Taxonomy import.
        std::fs::write(&path, taxonomy_file(d)).expect("write");
        let r = dtrag_api::taxonomy::import(
            &h,
            ImportRequest {
                path: path.display().to_string(),
                ..ImportRequest::default()
            },
        )
        .await;
        prop_assert!(r.is_err(), "import accepted a file with {d:?}");
        prop_assert_eq!(
            &full_fingerprint(&db.pool).await,
            &before,
            "import with {:?}",
            d
        );
        // Change set: read, then publish (either step may refuse).
        std::fs::write(&path, change_set(d, &root, &leaf)).expect("write");
        let refused = match dtrag_api::taxonomy::read_ops(path.clone()).await {
            Err(_) => true,
            Ok(ops) => dtrag_api::taxonomy::publish_edits(
                &h,
                EditRequest {
                    base: None,
                    ops,
                    message: None,
                },
            )
            .await
            .is_err(),
        };
        prop_assert!(refused, "a change set with {d:?} was published");
        prop_assert_eq!(
            &full_fingerprint(&db.pool).await,
            &before,
            "change set with {:?}",
            d
        );
        // Document file.
        std::fs::write(&path, documents_file(d)).expect("write");
        let r = dtrag_api::documents::add(
            &h,
            AddDocuments {
                paths: vec![path.clone()],
                chunking: Default::default(),
                no_embed: true,
            },
            &mut |_| {},
        )
        .await;
        prop_assert!(r.is_err(), "a document file with {d:?} was added");
        prop_assert_eq!(
            &full_fingerprint(&db.pool).await,
            &before,
            "documents with {:?}",
            d
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

proptest! {
    // 16 cases of 4 defects by default; PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16),
        max_shrink_iters: 50,
        ..ProptestConfig::default()
    })]

    #[test]
    fn refused_input_leaves_the_database_unchanged(defects in prop::collection::vec(defect(), 4)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(run_case(&defects))?;
    }
}
