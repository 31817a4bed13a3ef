//! SKOS import, rule by rule, against a real database: the hand-made fixtures in
//! tests/fixtures/skos/ (the same small taxonomy in all four syntaxes, and one concept per rule
//! in mapping.ttl), through the API as the faces call it.

use std::path::PathBuf;

use dtrag_api::taxonomy::{self, ImportRequest};
use dtrag_api::types::{Extra, ExtraObject, NodeRecord};
use dtrag_api::{Config, Handle};

use crate::common::{models_dir, TestDb};

pub fn fixture(name: &str) -> PathBuf {
    crate::common::repo_root()
        .join("tests/fixtures/skos")
        .join(name)
}

pub fn handle(db: &TestDb) -> Handle {
    let config = Config {
        data_dir: std::env::temp_dir(),
        models_dir: models_dir(),
        author: "skos-test".into(),
        embeddings_api_key: None,
        llm_api_key: None,
        pg_bindir: None,
    };
    Handle::from_pool(db.pool.clone(), config, false)
}

pub fn request(name: &str, base: Option<&str>) -> ImportRequest {
    ImportRequest {
        path: fixture(name).display().to_string(),
        message: Some(format!("import {name}")),
        format: None,
        base: base.map(String::from),
        lang: None,
    }
}

pub async fn head_records(h: &Handle) -> Vec<NodeRecord> {
    taxonomy::export(h, Default::default()).await.unwrap()
}

pub fn lit(property: &str, value: &str, lang: Option<&str>) -> Extra {
    Extra {
        property: format!("http://www.w3.org/2004/02/skos/core#{property}"),
        object: ExtraObject::Literal {
            value: value.into(),
            lang: lang.map(String::from),
            datatype: None,
        },
    }
}

fn record(key: &str, label: &str, parents: &[&str]) -> NodeRecord {
    NodeRecord {
        key: key.into(),
        label: label.into(),
        alt_labels: vec![],
        description: String::new(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        extras: vec![],
    }
}

/// What small.{ttl,nt,rdf,jsonld} mean, with base http://example.org/small/.
fn small_expected() -> Vec<NodeRecord> {
    let mut chemistry = record("chemistry", "Chemistry", &["science"]);
    chemistry.alt_labels = vec!["Chem".into()];
    // Only en-GB: it stands in for en, and the literal keeps its own tag as an extra.
    let mut colour = record("colour", "Colour", &["physics"]);
    colour.extras = vec![lit("prefLabel", "Colour", Some("en-gb"))];
    let mut science = record("science", "Science", &[]);
    science.description = "Knowledge of the world.".into();
    science.extras = vec![
        lit("notation", "S", None),
        lit("prefLabel", "Sciences", Some("fr")),
    ];
    vec![
        chemistry,
        colour,
        record("physics", "Physics", &["science"]),
        science,
    ]
}

#[tokio::test]
async fn the_same_taxonomy_in_each_syntax_imports_to_the_same_nodes() {
    for name in ["small.ttl", "small.nt", "small.rdf", "small.jsonld"] {
        let db = crate::common::fresh_db().await;
        let h = handle(&db);
        let i = taxonomy::import(&h, request(name, Some("http://example.org/small/")))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(i.published.version, Some(1), "{name}");
        assert_eq!(head_records(&h).await, small_expected(), "{name}");
        let report = i.skos.expect("a SKOS report");
        assert_eq!(report.language, "en", "{name}");
        assert_eq!(report.concepts, 4);
        // The deprecated concept is no node; its replacement is remembered.
        assert_eq!(report.deprecated.len(), 1, "{name}");
        assert_eq!(report.deprecated[0].key, "ether");
        assert_eq!(
            report.deprecated[0].replaced_by,
            vec!["physics".to_string()]
        );
    }
}

#[tokio::test]
async fn every_mapping_rule_of_the_rule_file() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let i = taxonomy::import(&h, request("mapping.ttl", Some("http://example.org/tax/")))
        .await
        .unwrap();
    let report = i.skos.unwrap();
    let nodes: std::collections::BTreeMap<String, NodeRecord> = head_records(&h)
        .await
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    // broader and narrower reconciled: one parent from each side.
    assert_eq!(
        nodes["physical-chemistry"].parents,
        ["chemistry", "physics"]
    );
    assert_eq!(nodes["chemistry"].parents, ["science"]);
    let science = &nodes["science"];
    assert_eq!(science.label, "Science");
    assert_eq!(science.alt_labels, ["Natural science", "Sci"]);
    assert_eq!(science.description, "The systematic study of the world.");
    // Other languages, hidden labels, notations and notes are kept, in order.
    let props: Vec<&str> = science
        .extras
        .iter()
        .map(|e| e.property.rsplit('#').next().unwrap())
        .collect();
    assert_eq!(props, ["hiddenLabel", "notation", "prefLabel", "scopeNote"]);
    // related, mappings, dates (typed literals keep their datatype).
    let physics = &nodes["physics"];
    assert!(physics.extras.contains(&Extra {
        property: "http://www.w3.org/2004/02/skos/core#exactMatch".into(),
        object: ExtraObject::Iri("http://www.wikidata.org/entity/Q413".into()),
    }));
    assert!(physics.extras.contains(&Extra {
        property: "http://purl.org/dc/terms/created".into(),
        object: ExtraObject::Literal {
            value: "2024-01-02".into(),
            lang: None,
            datatype: Some("http://www.w3.org/2001/XMLSchema#date".into()),
        },
    }));
    // Unicode, untouched.
    assert_eq!(nodes["quantum"].label, "Quantenmechanik — ψ");
    assert_eq!(nodes["quantum"].alt_labels, ["量子力学"]);
    assert!(!nodes.contains_key("natural-philosophy"));
    // What had no place, with the reason.
    assert_eq!(report.unplaced_total, 2);
    assert!(report
        .unplaced
        .iter()
        .any(|u| u.triple.contains("dc/terms/title") && u.reason.contains("concept scheme")));
    assert!(report
        .unplaced
        .iter()
        .any(|u| u.triple.contains("someone") && u.reason.contains("not a skos:Concept")));
}

#[tokio::test]
async fn without_a_base_keys_are_iris_and_lang_picks_the_labels() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let mut req = request("small.ttl", None);
    req.lang = Some("fr".into());
    let i = taxonomy::import(&h, req).await.unwrap();
    assert_eq!(i.skos.unwrap().language, "fr");
    let nodes = head_records(&h).await;
    let science = nodes
        .iter()
        .find(|r| r.key == "http://example.org/small/science")
        .unwrap();
    assert_eq!(science.label, "Sciences");
    // Read in a stand-in language (no French label): the English literal is kept as it was.
    let physics = nodes
        .iter()
        .find(|r| r.key == "http://example.org/small/physics")
        .unwrap();
    assert_eq!(physics.label, "Physics");
    assert!(physics
        .extras
        .contains(&lit("prefLabel", "Physics", Some("en"))));
}

#[tokio::test]
async fn a_deprecated_concept_replaced_by_another_is_merged_into_it() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    // Version 1: ether is an active node with a document.
    let v1 = "{\"key\":\"science\",\"label\":\"Science\"}\n{\"key\":\"physics\",\"label\":\"Physics\",\"parents\":[\"science\"]}\n{\"key\":\"ether\",\"label\":\"Ether\",\"parents\":[\"physics\"]}\n";
    let path = std::env::temp_dir().join(format!("skos-deprecated-{}.jsonl", std::process::id()));
    std::fs::write(&path, v1).unwrap();
    taxonomy::import(
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
    let docs = [crate::common::doc("d1", "luminiferous ether", &["ether"])];
    dtrag_api::documents::add_inputs(&h, &docs, Default::default(), true, &mut |_| {})
        .await
        .unwrap();
    // Version 2: the SKOS file deprecates ether in favour of physics: a merge, not a removal.
    let i = taxonomy::import(&h, request("small.ttl", Some("http://example.org/small/")))
        .await
        .unwrap();
    assert_eq!(i.published.impact.carried_by_merge, 1);
    let under: Vec<String> = sqlx::query_scalar(
        "SELECT n.key FROM document_category dc JOIN node n ON n.id = dc.node_id ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(under, ["physics"]);
    let _ = std::fs::remove_file(path);
}
