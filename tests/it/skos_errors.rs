//! A SKOS file that is wrong is refused before anything is written: syntax errors with their
//! line and column (each syntax), a cycle with its path; the database fingerprint is unchanged.

use dtrag_api::taxonomy;
use dtrag_api::{Error, ErrorKind};

use crate::common::fingerprint;
use crate::skos::{handle, request};

#[tokio::test]
async fn syntax_errors_name_the_line_and_column_and_write_nothing() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    taxonomy::import(&h, request("small.ttl", Some("http://example.org/small/")))
        .await
        .unwrap();
    let before = fingerprint(&db.pool).await;
    // (file, line, column): where each parser stops.
    for (name, line, column) in [
        ("bad.ttl", 3, 27),
        ("bad.nt", 3, 1),
        ("bad.rdf", 5, 52),
        ("bad.jsonld", 4, 56),
    ] {
        let e = taxonomy::import(&h, request(name, None)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{name}: {e}");
        match &e {
            Error::Syntax {
                file,
                line: l,
                column: c,
                ..
            } => {
                assert!(file.ends_with(name), "{file}");
                assert_eq!((*l, *c), (line, column), "{name}: {e}");
            }
            other => panic!("{name}: not a syntax error: {other}"),
        }
        // The preview refuses the same way.
        assert!(taxonomy::preview_import(&h, request(name, None))
            .await
            .is_err());
        assert_eq!(fingerprint(&db.pool).await, before, "{name}");
    }
}

#[tokio::test]
async fn a_cycle_through_broader_and_narrower_is_refused_with_its_path() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let before = fingerprint(&db.pool).await;
    let e = taxonomy::import(&h, request("cycle.ttl", Some("http://example.org/c/")))
        .await
        .unwrap_err();
    let Error::Cycle { path } = &e else {
        panic!("not a cycle: {e}");
    };
    assert_eq!(path.first(), path.last());
    let mut inside: Vec<&str> = path[1..].iter().map(String::as_str).collect();
    inside.sort_unstable();
    assert_eq!(inside, ["a", "b", "c"]);
    assert_eq!(fingerprint(&db.pool).await, before);
}

#[tokio::test]
async fn a_bad_base_or_format_is_refused() {
    let db = crate::common::fresh_db().await;
    let h = handle(&db);
    let e = taxonomy::import(&h, request("small.ttl", Some("not an iri")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    // A Turtle file read as RDF/XML fails as XML, with its position.
    let mut req = request("small.ttl", None);
    req.format = Some(taxonomy::FileFormat::RdfXml);
    assert!(matches!(
        taxonomy::import(&h, req).await.unwrap_err(),
        Error::Syntax { .. }
    ));
}
