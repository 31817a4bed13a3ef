//! Import: the version equals the file; bad files are refused with the line, and nothing is written.

use dtrag_core::taxonomy::{import, read};
use dtrag_core::Error;

async fn import_text(db: &crate::common::TestDb, text: &str) -> dtrag_core::Result<Option<i64>> {
    let file = crate::common::parse_import(text)?;
    Ok(
        import::import(&db.pool, file, &crate::common::meta("import"), "test")
            .await?
            .version,
    )
}

#[tokio::test]
async fn import_then_export_round_trips_the_file() {
    let db = crate::common::fresh_db().await;
    let v = import_text(&db, crate::common::SAMPLE).await.unwrap();
    assert_eq!(v, Some(1));
    let mut conn = db.pool.acquire().await.unwrap();
    let exported = read::export(&mut conn, None).await.unwrap();
    let expected = crate::common::parse_import(crate::common::SAMPLE)
        .unwrap()
        .into_records();
    assert_eq!(exported, expected);
    // Version 0 stays the empty taxonomy.
    assert!(read::export(&mut conn, Some(0)).await.unwrap().is_empty());
    let versions = read::versions(&mut conn).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].kind, dtrag_core::taxonomy::VersionKind::Import);
    assert_eq!(versions[1].author, "test");
}

#[tokio::test]
async fn reimporting_the_same_file_publishes_nothing() {
    let db = crate::common::fresh_db().await;
    import_text(&db, crate::common::SAMPLE).await.unwrap();
    let before = crate::common::fingerprint(&db.pool).await;
    assert_eq!(import_text(&db, crate::common::SAMPLE).await.unwrap(), None);
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
}

#[tokio::test]
async fn import_removes_nodes_missing_from_the_file_and_changes_the_rest() {
    let db = crate::common::fresh_db().await;
    import_text(&db, "{\"key\":\"a\",\"label\":\"A\"}\n{\"key\":\"b\",\"label\":\"B\",\"parents\":[\"a\"]}\n{\"key\":\"c\",\"label\":\"C\",\"parents\":[\"a\"]}\n")
        .await
        .unwrap();
    let v2 = import_text(&db, "{\"key\":\"a\",\"label\":\"A2\"}\n{\"key\":\"c\",\"label\":\"C\",\"parents\":[]}\n{\"key\":\"d\",\"label\":\"D\",\"parents\":[\"c\",\"a\"]}\n")
        .await
        .unwrap()
        .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let keys: Vec<String> = read::export(&mut conn, Some(v2))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(keys, ["a", "c", "d"]);
    let d = read::show(&mut conn, None, "d").await.unwrap();
    assert_eq!(
        d.parents.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
        ["a", "c"]
    );
    // The old version is still readable as it was.
    let old = read::show(&mut conn, Some(1), "b").await.unwrap();
    assert_eq!(old.parents[0].key, "a");
    assert!(matches!(
        read::show(&mut conn, Some(2), "b").await,
        Err(Error::NoSuchNode { .. })
    ));
}

#[tokio::test]
async fn empty_file_and_unicode_labels() {
    let db = crate::common::fresh_db().await;
    // An empty file on an empty taxonomy changes nothing.
    assert_eq!(import_text(&db, "\n\n").await.unwrap(), None);
    let text = "{\"key\":\"größe\",\"label\":\"Größe 📏\",\"alt_labels\":[\"大きさ\",\"размер\"],\"description\":\"\\\"quoted\\\" — ünïcödé\"}\n";
    import_text(&db, text).await.unwrap().unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let r = &read::export(&mut conn, None).await.unwrap()[0];
    assert_eq!(r.label, "Größe 📏");
    assert_eq!(r.alt_labels, ["大きさ", "размер"]);
    let hits = read::find(&mut conn, None, "размер", 5).await.unwrap();
    assert_eq!(hits[0].key, "größe");
    // An empty file over a non-empty taxonomy removes everything, as a new version (recoverable).
    let v = import_text(&db, "").await.unwrap().unwrap();
    assert!(read::export(&mut conn, Some(v)).await.unwrap().is_empty());
    assert_eq!(read::export(&mut conn, Some(v - 1)).await.unwrap().len(), 1);
}

/// Each bad file: the error it must give (substring), and the line it must name (0: any).
const BAD_FILES: &[(&str, &str, &str)] = &[
    ("malformed JSON", "{\"key\":\"a\",\"label\":\"A\"}\n{\"key\": \"b\", \"label\": \n", "test.jsonl:2:"),
    ("unknown field", "{\"key\":\"a\",\"label\":\"A\",\"parent\":[\"x\"]}\n", "unknown field"),
    ("missing label", "{\"key\":\"a\"}\n", "missing field `label`"),
    ("empty label", "{\"key\":\"a\",\"label\":\"A\"}\n{\"key\":\"b\",\"label\":\"   \"}\n", "test.jsonl:2: node \"b\": the label is empty"),
    ("empty key", "{\"key\":\"\",\"label\":\"A\"}\n", "the key is empty"),
    ("duplicate key", "{\"key\":\"a\",\"label\":\"A\"}\n{\"key\":\"a\",\"label\":\"A again\"}\n", "test.jsonl:2: duplicate key \"a\" (first on line 1)"),
    ("unknown parent", "{\"key\":\"a\",\"label\":\"A\",\"parents\":[\"nope\"]}\n", "names parent \"nope\", which is not in the file"),
    ("self parent", "{\"key\":\"a\",\"label\":\"A\",\"parents\":[\"a\"]}\n", "names itself as a parent"),
    ("cycle", "{\"key\":\"a\",\"label\":\"A\",\"parents\":[\"c\"]}\n{\"key\":\"b\",\"label\":\"B\",\"parents\":[\"a\"]}\n{\"key\":\"c\",\"label\":\"C\",\"parents\":[\"b\"]}\n{\"key\":\"r\",\"label\":\"R\"}\n", "cycle refused: a -> c -> b -> a"),
    ("not an object", "[1, 2, 3]\n", "test.jsonl:1: malformed node"),
];

#[tokio::test]
async fn bad_files_are_refused_with_a_clear_error_and_nothing_written() {
    let db = crate::common::fresh_db().await;
    import_text(&db, crate::common::SAMPLE).await.unwrap();
    let before = crate::common::fingerprint(&db.pool).await;
    for (what, text, expected) in BAD_FILES {
        let err = import_text(&db, text).await.expect_err(what).to_string();
        assert!(
            err.contains(expected),
            "{what}: got {err:?}, expected {expected:?}"
        );
        assert_eq!(
            crate::common::fingerprint(&db.pool).await,
            before,
            "{what} wrote something"
        );
    }
}

#[test]
fn a_huge_line_is_refused_without_reading_it_all() {
    let huge = format!(
        "{{\"key\":\"a\",\"label\":\"{}\"}}\n",
        "x".repeat(dtrag_core::limits::MAX_LINE_BYTES + 10)
    );
    let err = crate::common::parse_import(&huge).unwrap_err().to_string();
    assert!(err.contains("test.jsonl:1: line is longer than"), "{err}");
}

#[test]
fn invalid_utf8_is_refused_with_the_line() {
    let mut bytes = b"{\"key\":\"a\",\"label\":\"A\"}\n".to_vec();
    bytes.extend_from_slice(b"{\"key\":\"b\",\"label\":\"\xff\"}\n");
    let err = import::parse(std::io::Cursor::new(bytes), std::path::Path::new("x.jsonl"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.jsonl:2: not UTF-8"), "{err}");
}

#[tokio::test]
async fn find_ranks_labels_and_alt_labels() {
    let db = crate::common::fresh_db().await;
    import_text(&db, crate::common::SAMPLE).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let hits = read::find(&mut conn, None, "postgres", 5).await.unwrap();
    assert_eq!(hits[0].key, "tech.db.postgres", "{hits:?}");
    let typo = read::find(&mut conn, None, "vectr", 5).await.unwrap();
    assert_eq!(typo[0].key, "tech.search.vector", "{typo:?}");
    let alt = read::find(&mut conn, None, "RAG", 5).await.unwrap();
    assert_eq!(alt[0].key, "tech.ai.rag");
    assert_eq!(alt[0].matched, "RAG");
    assert!(read::find(&mut conn, None, "zzzzqqq", 5)
        .await
        .unwrap()
        .is_empty());
    // Wildcard characters are literal.
    assert!(read::find(&mut conn, None, "%", 5)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        read::find(&mut conn, Some(99), "x", 5).await,
        Err(Error::NoSuchVersion(99))
    ));
}

#[tokio::test]
async fn tree_show_and_paths_on_a_dag() {
    let db = crate::common::fresh_db().await;
    import_text(&db, crate::common::SAMPLE).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let (v, lines) = read::tree(&mut conn, None, None, None).await.unwrap();
    assert_eq!(v, 1);
    // pgvector has two parents, one of which (vector search) has two: it appears on 3 paths.
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.node.key == "tech.db.pgvector")
            .count(),
        3
    );
    let (_, shallow) = read::tree(&mut conn, None, Some("tech"), Some(1))
        .await
        .unwrap();
    assert!(shallow.iter().all(|l| l.depth <= 1));
    assert_eq!(shallow[0].node.key, "tech");
    let d = read::show(&mut conn, None, "tech.db.pgvector")
        .await
        .unwrap();
    assert_eq!(d.paths.len(), 3);
    assert!(d
        .paths
        .iter()
        .all(|p| p.first().map(String::as_str) == Some("knowledge")
            && p.last().map(String::as_str) == Some("tech.db.pgvector")));
    assert!(matches!(
        read::show(&mut conn, None, "nope").await,
        Err(Error::NoSuchNode { .. })
    ));
    // Empty taxonomy: an empty tree, not an error.
    let (_, empty) = read::tree(&mut conn, Some(0), None, None).await.unwrap();
    assert!(empty.is_empty());
}
