//! Deprecated SKOS concepts (migration 0012): not nodes, but their statements are kept per
//! version, exported (`owl:deprecated true`, `inScheme`, the rest as read) and read back by an
//! import of the export; other publishes carry them, a node of the same key ends them, a rollback
//! restores them, and the diff names them.

use std::collections::BTreeSet;

use dtrag_api::taxonomy::{self, DiffRequest, ExportRequest, FileFormat, ImportRequest};
use dtrag_api::types::{DeprecatedConcept, Extra, ExtraObject};
use dtrag_api::Handle;
use dtrag_core::taxonomy::deprecated;
use dtrag_core::taxonomy::read::At;
use dtrag_skos::Format;

use crate::skos::{fixture, handle, head_records, lit, request};

const BASE: &str = "http://example.org/tax/";

async fn deprecated_at(h: &Handle, version: Option<i64>) -> Vec<DeprecatedConcept> {
    let mut conn = h.pool().acquire().await.unwrap();
    let at = At::resolve(&mut conn, version).await.unwrap();
    deprecated::at(&mut conn, at).await.unwrap()
}

async fn export(h: &Handle, version: Option<i64>, format: FileFormat) -> Vec<u8> {
    taxonomy::export_file(
        h,
        ExportRequest {
            version,
            format: Some(format),
            base: Some(BASE.into()),
            lang: None,
        },
    )
    .await
    .unwrap()
}

fn write_temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("skos-dep-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn import_req(path: &std::path::Path, base: Option<&str>) -> ImportRequest {
    ImportRequest {
        path: path.display().to_string(),
        message: None,
        format: None,
        base: base.map(String::from),
        lang: None,
    }
}

/// What mapping.ttl says about its deprecated concept, but its type, owl:deprecated, inScheme.
fn natural_philosophy() -> DeprecatedConcept {
    DeprecatedConcept {
        key: "natural-philosophy".into(),
        statements: vec![
            Extra {
                property: "http://purl.org/dc/terms/isReplacedBy".into(),
                object: ExtraObject::Iri(format!("{BASE}physics")),
            },
            lit("prefLabel", "Natural philosophy", Some("en")),
        ],
    }
}

#[tokio::test]
async fn deprecated_concepts_are_kept_exported_and_read_back_in_every_syntax() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    taxonomy::import(&h, request("mapping.ttl", Some(BASE)))
        .await
        .unwrap();
    assert_eq!(deprecated_at(&h, None).await, vec![natural_philosophy()]);
    let nodes = head_records(&h).await;
    assert!(!nodes.iter().any(|n| n.key == "natural-philosophy"));

    let turtle = String::from_utf8(export(&h, None, FileFormat::Turtle).await).unwrap();
    let graph: BTreeSet<String> = dtrag_skos::parse_triples(turtle.as_bytes(), Format::Turtle)
        .unwrap()
        .iter()
        .map(|t| t.to_string())
        .collect();
    let s = format!("<{BASE}natural-philosophy>");
    for expected in [
        format!("{s} <http://www.w3.org/2002/07/owl#deprecated> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>"),
        format!("{s} <http://www.w3.org/2004/02/skos/core#inScheme> <{BASE}>"),
        format!("{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2004/02/skos/core#Concept>"),
        format!("{s} <http://www.w3.org/2004/02/skos/core#prefLabel> \"Natural philosophy\"@en"),
        format!("{s} <http://purl.org/dc/terms/isReplacedBy> <{BASE}physics>"),
    ] {
        assert!(graph.contains(&expected), "missing {expected}");
    }
    // Not a node: no hasTopConcept, no broader/narrower.
    assert!(!graph
        .iter()
        .any(|t| t.contains("hasTopConcept") && t.contains("natural-philosophy")));

    for (file_format, format, ext) in [
        (FileFormat::Turtle, Format::Turtle, "ttl"),
        (FileFormat::NTriples, Format::NTriples, "nt"),
        (FileFormat::RdfXml, Format::RdfXml, "rdf"),
        (FileFormat::JsonLd, Format::JsonLd, "jsonld"),
    ] {
        let bytes = export(&h, None, file_format).await;
        let back: BTreeSet<String> = dtrag_skos::parse_triples(&bytes, format)
            .unwrap()
            .iter()
            .map(|t| t.to_string())
            .collect();
        assert_eq!(back, graph, "{ext}: another graph");
        // The content round trip: nodes and deprecated concepts.
        let other = crate::common::fresh_db().await;
        let h2 = handle(&other);
        let path = write_temp(&format!("all.{ext}"), &bytes);
        taxonomy::import(&h2, import_req(&path, Some(BASE)))
            .await
            .unwrap();
        assert_eq!(head_records(&h2).await, nodes, "{ext}: nodes");
        assert_eq!(
            deprecated_at(&h2, None).await,
            vec![natural_philosophy()],
            "{ext}: deprecated concepts"
        );
        // An export of the import is the same graph again, and the same file changes nothing.
        let again = taxonomy::export_file(
            &h2,
            ExportRequest {
                version: None,
                format: Some(file_format),
                base: Some(BASE.into()),
                lang: None,
            },
        )
        .await
        .unwrap();
        let again: BTreeSet<String> = dtrag_skos::parse_triples(&again, format)
            .unwrap()
            .iter()
            .map(|t| t.to_string())
            .filter(|t| !t.contains("dc/terms/modified"))
            .collect();
        let graph_sans_modified: BTreeSet<String> = graph
            .iter()
            .filter(|t| !t.contains("dc/terms/modified"))
            .cloned()
            .collect();
        assert_eq!(again, graph_sans_modified, "{ext}: export of the import");
        assert_eq!(
            taxonomy::import(&h, import_req(&path, Some(BASE)))
                .await
                .unwrap()
                .published
                .version,
            None,
            "{ext}"
        );
        let _ = std::fs::remove_file(path);
    }
}

#[tokio::test]
async fn deprecations_are_versioned_diffed_rolled_back_and_ended_by_a_node() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    taxonomy::import(&h, request("mapping.ttl", Some(BASE)))
        .await
        .unwrap();
    // v2: a JSON Lines import of the same nodes keeps the deprecated concepts (it has none to say).
    let jsonl = export(&h, None, FileFormat::Jsonl).await;
    let mut text = String::from_utf8(jsonl).unwrap();
    text.push_str("{\"key\":\"extra\",\"label\":\"Extra\"}\n");
    let path = write_temp("v2.jsonl", text.as_bytes());
    let p = taxonomy::import(&h, import_req(&path, None)).await.unwrap();
    assert_eq!(p.published.version, Some(2));
    assert_eq!(deprecated_at(&h, Some(2)).await, vec![natural_philosophy()]);

    // v3: the SKOS file without the deprecated concept (and with the same nodes as v1): the
    // file says which concepts are deprecated, so it goes — and only that changes in the nodes' diff.
    let ttl = std::fs::read_to_string(fixture("mapping.ttl")).unwrap();
    let (head_part, rest) = ttl.split_once("# Deprecated, replaced by physics").unwrap();
    let (_, tail) = rest.split_once("# Not a concept").unwrap();
    let path3 = write_temp(
        "v3.ttl",
        format!("{head_part}# Not a concept{tail}").as_bytes(),
    );
    let p = taxonomy::import(&h, import_req(&path3, Some(BASE)))
        .await
        .unwrap();
    assert_eq!(p.published.version, Some(3));
    assert_eq!(p.published.stats.deprecated_changed, 1);
    assert!(deprecated_at(&h, Some(3)).await.is_empty());
    // Old versions keep (and export) what they had.
    assert_eq!(deprecated_at(&h, Some(1)).await, vec![natural_philosophy()]);
    let v1 = String::from_utf8(export(&h, Some(1), FileFormat::NTriples).await).unwrap();
    assert!(v1.contains("\"Natural philosophy\"@en"));
    let v3 = String::from_utf8(export(&h, Some(3), FileFormat::NTriples).await).unwrap();
    assert!(!v3.contains("natural-philosophy"));

    // The diff names it; a file changing only deprecated concepts still publishes.
    let d = taxonomy::diff(&h, DiffRequest { from: 2, to: 3 })
        .await
        .unwrap();
    assert_eq!(d.summary.deprecated, 1);
    assert_eq!(d.deprecated.len(), 1);
    assert_eq!(d.deprecated[0].key, "natural-philosophy");
    assert_eq!(
        d.deprecated[0].before.as_deref(),
        Some(&natural_philosophy().statements[..])
    );
    assert_eq!(d.deprecated[0].after, None);
    let p = taxonomy::import(&h, request("mapping.ttl", Some(BASE)))
        .await
        .unwrap();
    assert_eq!(p.published.version, Some(4));
    assert_eq!(p.published.stats.nodes_changed, 0);
    assert_eq!(deprecated_at(&h, Some(4)).await, vec![natural_philosophy()]);

    // A rollback to v3 restores v3's (none), to v2 v2's.
    let r = taxonomy::rollback(
        &h,
        taxonomy::RollbackRequest {
            to: 3,
            message: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(r.version, Some(5));
    assert!(deprecated_at(&h, Some(5)).await.is_empty());
    taxonomy::rollback(
        &h,
        taxonomy::RollbackRequest {
            to: 2,
            message: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(deprecated_at(&h, None).await, vec![natural_philosophy()]);

    // A node with the key ends the deprecation: a key is a node or deprecated, never both.
    text.push_str(
        "{\"key\":\"natural-philosophy\",\"label\":\"Natural philosophy\",\"parents\":[\"science\"]}\n",
    );
    let path7 = write_temp("v7.jsonl", text.as_bytes());
    let p = taxonomy::import(&h, import_req(&path7, None))
        .await
        .unwrap();
    assert_eq!(p.published.stats.deprecated_changed, 1);
    assert!(deprecated_at(&h, None).await.is_empty());
    for p in [path, path3, path7] {
        let _ = std::fs::remove_file(p);
    }
}
