//! SKOS export, and the round trips: export then parse gives the same graph in every syntax;
//! importing an export gives exactly the version; the same version exports the same bytes; old
//! versions export their own extras; --base moves the namespace; the CLI commands.

use std::collections::BTreeSet;

use dtrag_api::taxonomy::{self, ExportRequest, FileFormat, ImportRequest};
use dtrag_api::Handle;
use dtrag_skos::Format;

use crate::skos::{fixture, handle, head_records, request};

const FORMATS: [(FileFormat, Format, &str); 4] = [
    (FileFormat::Turtle, Format::Turtle, "ttl"),
    (FileFormat::NTriples, Format::NTriples, "nt"),
    (FileFormat::RdfXml, Format::RdfXml, "rdf"),
    (FileFormat::JsonLd, Format::JsonLd, "jsonld"),
];

async fn export(
    h: &Handle,
    version: Option<i64>,
    format: FileFormat,
    base: Option<&str>,
) -> Vec<u8> {
    taxonomy::export_file(
        h,
        ExportRequest {
            version,
            format: Some(format),
            base: base.map(String::from),
            lang: None,
        },
    )
    .await
    .unwrap()
}

fn triple_set(bytes: &[u8], format: Format) -> BTreeSet<String> {
    dtrag_skos::parse_triples(bytes, format)
        .unwrap()
        .iter()
        .map(|t| t.to_string())
        .collect()
}

fn write_temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("skos-rt-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn every_syntax_exports_the_same_graph_and_imports_back_to_the_version() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let base = "http://example.org/tax/";
    taxonomy::import(&h, request("mapping.ttl", Some(base)))
        .await
        .unwrap();
    let version = head_records(&h).await;
    let turtle = export(&h, None, FileFormat::Turtle, Some(base)).await;
    let graph = triple_set(&turtle, Format::Turtle);
    // No blank nodes are written, so isomorphic graphs are equal triple sets.
    assert!(!graph.iter().any(|t| t.contains("_:")));
    for (file_format, format, ext) in FORMATS {
        let bytes = export(&h, None, file_format, Some(base)).await;
        assert_eq!(triple_set(&bytes, format), graph, "{ext}: another graph");
        // Byte-identical for the same version.
        assert_eq!(
            export(&h, None, file_format, Some(base)).await,
            bytes,
            "{ext}: not deterministic"
        );
        // Importing the export into another database gives exactly the version.
        let other = crate::common::fresh_db().await;
        let h2 = handle(&other);
        let path = write_temp(&format!("all.{ext}"), &bytes);
        let req = ImportRequest {
            path: path.display().to_string(),
            message: None,
            format: None,
            base: Some(base.into()),
            lang: None,
        };
        taxonomy::import(&h2, req.clone()).await.unwrap();
        assert_eq!(
            head_records(&h2).await,
            version,
            "{ext}: content round trip"
        );
        // And into the same database it changes nothing.
        assert_eq!(
            taxonomy::import(&h, req).await.unwrap().published.version,
            None,
            "{ext}"
        );
        let _ = std::fs::remove_file(path);
    }
}

#[tokio::test]
async fn export_writes_each_rule_as_the_fixture_says() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let input = fixture("export-input.jsonl");
    taxonomy::import(
        &h,
        ImportRequest {
            path: input.display().to_string(),
            message: None,
            format: None,
            base: None,
            lang: None,
        },
    )
    .await
    .unwrap();
    let text = String::from_utf8(
        export(&h, None, FileFormat::Turtle, Some("http://example.org/e/")).await,
    )
    .unwrap();
    // The publication time is the only thing that differs from run to run.
    let (before, rest) = text.split_once("dct:modified \"").unwrap();
    let (_, after) = rest.split_once('"').unwrap();
    let text = format!("{before}dct:modified \"MODIFIED\"{after}");
    let expected = std::fs::read_to_string(fixture("expected-export.ttl")).unwrap();
    assert_eq!(text, expected);
    // A JSON Lines export carries the extras too, and reads back to the same version.
    let jsonl = export(&h, None, FileFormat::Jsonl, None).await;
    let again = crate::common::parse_import(std::str::from_utf8(&jsonl).unwrap())
        .unwrap()
        .into_records();
    assert_eq!(again, head_records(&h).await);
}

#[tokio::test]
async fn old_versions_export_their_own_extras_and_base_moves_the_namespace() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    taxonomy::import(&h, request("small.ttl", Some("http://example.org/small/")))
        .await
        .unwrap();
    // Version 2 drops the French label and the notation (a JSON Lines import of the same nodes).
    let jsonl = export(&h, None, FileFormat::Jsonl, None).await;
    let text = String::from_utf8(jsonl).unwrap().replace(",\"extras\":[{\"property\":\"http://www.w3.org/2004/02/skos/core#notation\",\"object\":{\"literal\":{\"value\":\"S\"}}},{\"property\":\"http://www.w3.org/2004/02/skos/core#prefLabel\",\"object\":{\"literal\":{\"value\":\"Sciences\",\"lang\":\"fr\"}}}]", "");
    let path = write_temp("v2.jsonl", text.as_bytes());
    let p = taxonomy::import(
        &h,
        ImportRequest {
            path: path.display().to_string(),
            message: None,
            format: None,
            base: None,
            lang: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(p.published.version, Some(2));
    let v1 = String::from_utf8(
        export(
            &h,
            Some(1),
            FileFormat::NTriples,
            Some("http://example.org/small/"),
        )
        .await,
    )
    .unwrap();
    let v2 = String::from_utf8(
        export(
            &h,
            Some(2),
            FileFormat::NTriples,
            Some("http://example.org/small/"),
        )
        .await,
    )
    .unwrap();
    assert!(v1.contains("\"Sciences\"@fr"));
    assert!(!v2.contains("\"Sciences\"@fr"));
    assert!(v1.contains("<http://www.w3.org/2002/07/owl#versionInfo> \"1\""));
    // Without --base the default namespace is used, and read back without one.
    let default = String::from_utf8(export(&h, Some(1), FileFormat::NTriples, None).await).unwrap();
    assert!(default.contains("<urn:x-dtrag:science>"));
    let path2 = write_temp("default.nt", default.as_bytes());
    let other = crate::common::fresh_db().await;
    let h2 = handle(&other);
    taxonomy::import(
        &h2,
        ImportRequest {
            path: path2.display().to_string(),
            message: None,
            format: None,
            base: None,
            lang: None,
        },
    )
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let then = dtrag_core::taxonomy::read::export(&mut conn, Some(1))
        .await
        .unwrap();
    assert_eq!(head_records(&h2).await, then);
    for p in [path, path2] {
        let _ = std::fs::remove_file(p);
    }
}

#[tokio::test]
async fn the_cli_imports_exports_and_checks() {
    let db = crate::common::fresh_db().await;
    let url = &db.url;
    let file = fixture("mapping.ttl").display().to_string();
    let preview = crate::common::json_as(
        url,
        "cli",
        &[
            "taxonomy",
            "import",
            &file,
            "--base",
            "http://example.org/tax/",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(preview["diff"]["summary"]["added"], 6);
    assert_eq!(
        crate::common::fingerprint(&db.pool).await,
        crate::common::fingerprint(&db.pool).await
    );
    let imported = crate::common::json_as(
        url,
        "cli",
        &[
            "taxonomy",
            "import",
            &file,
            "--base",
            "http://example.org/tax/",
            "--json",
        ],
    );
    assert_eq!(imported["version"], 1);
    assert_eq!(
        imported["skos"]["deprecated"][0]["key"],
        "natural-philosophy"
    );
    let out = crate::common::dtrag_as(
        url,
        "cli",
        &[
            "taxonomy",
            "export",
            "--format",
            "turtle",
            "--base",
            "http://example.org/tax/",
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("skos:ConceptScheme"));
    assert!(text.contains("<http://example.org/tax/science>"));
    // JSON Lines stays the default.
    let out = crate::common::dtrag_as(url, "cli", &["taxonomy", "export"]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("{\"key\":\"chemistry\""));
    let check = crate::common::json_as(url, "cli", &["taxonomy", "check", "--json"]);
    assert_eq!(check["version"], 1);
    let undocumented: Vec<&str> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "undocumented")
        .map(|f| f["nodes"][0].as_str().unwrap())
        .collect();
    assert!(undocumented.contains(&"physics"));
    assert!(!undocumented.contains(&"science"));
}
