//! An edit of only the kept SKOS properties (a notation, a label in another language, a note) is
//! an edit in the diff — through the API, `dtrag taxonomy diff --json` and its text — with the
//! statements removed and added.

use dtrag_api::taxonomy::{self, DiffRequest, ImportRequest};

use crate::skos::{fixture, handle, lit, request};

#[tokio::test]
async fn an_extras_only_edit_shows_in_the_diff_with_its_statements() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let base = "http://example.org/small/";
    taxonomy::import(&h, request("small.ttl", Some(base)))
        .await
        .unwrap();
    // v2: the notation changes, a German label and a note appear; nothing else.
    let ttl = std::fs::read_to_string(fixture("small.ttl")).unwrap().replace(
        "skos:notation \"S\" .",
        "skos:notation \"S1\" ; skos:prefLabel \"Wissenschaft\"@de ; skos:scopeNote \"Broad.\"@en .",
    );
    let path = std::env::temp_dir().join(format!("skos-diff-{}.ttl", std::process::id()));
    std::fs::write(&path, ttl).unwrap();
    let p = taxonomy::import(
        &h,
        ImportRequest {
            path: path.display().to_string(),
            message: None,
            format: None,
            base: Some(base.into()),
            lang: Some("en".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(p.published.version, Some(2));
    assert_eq!(p.published.stats.nodes_changed, 1);

    let d = taxonomy::diff(&h, DiffRequest { from: 1, to: 2 })
        .await
        .unwrap();
    assert_eq!(d.summary.edited, 1, "{d:?}");
    assert_eq!(d.summary.renamed + d.summary.moved, 0);
    let e = &d.edited[0];
    assert_eq!(e.key, "science");
    assert!(e.description_diff.is_empty());
    assert_eq!(e.extras_removed, vec![lit("notation", "S", None)]);
    assert_eq!(
        e.extras_added,
        vec![
            lit("notation", "S1", None),
            lit("prefLabel", "Wissenschaft", Some("de")),
            lit("scopeNote", "Broad.", Some("en")),
        ]
    );
    // Backwards, the other way round.
    let back = taxonomy::diff(&h, DiffRequest { from: 2, to: 1 })
        .await
        .unwrap();
    assert_eq!(back.edited[0].extras_removed, e.extras_added);

    // The CLI: --json carries the statements, the text lists them.
    let json = crate::common::json_as(&db.url, "cli", &["taxonomy", "diff", "1", "2", "--json"]);
    assert_eq!(json["summary"]["edited"], 1);
    let added = &json["edited"][0]["extras_added"];
    assert_eq!(added.as_array().map(Vec::len), Some(3), "{json}");
    assert_eq!(added[0]["object"]["literal"]["value"], "S1");
    assert_eq!(
        json["edited"][0]["extras_removed"][0]["object"]["literal"]["value"],
        "S"
    );
    let out = crate::common::dtrag_as(&db.url, "cli", &["taxonomy", "diff", "1", "2"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1 edited"), "{text}");
    assert!(
        text.contains("- <http://www.w3.org/2004/02/skos/core#notation> \"S\""),
        "{text}"
    );
    assert!(
        text.contains("+ <http://www.w3.org/2004/02/skos/core#prefLabel> \"Wissenschaft\"@de"),
        "{text}"
    );
    let _ = std::fs::remove_file(path);
}
