//! Each check against a hand-made taxonomy that has exactly the issue, and a clean one.

use super::*;
use dtrag_core::taxonomy::model::Extra;

fn node(key: &str, label: &str, parents: &[&str]) -> NodeRecord {
    NodeRecord {
        key: key.into(),
        label: label.into(),
        alt_labels: vec![],
        description: format!("about {key}"),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        extras: vec![],
    }
}

fn lit(property: &str, value: &str, lang: Option<&str>) -> Extra {
    Extra {
        property: property.into(),
        object: ExtraObject::Literal {
            value: value.into(),
            lang: lang.map(String::from),
            datatype: None,
        },
    }
}

fn findings(records: &[NodeRecord], check: Check) -> Vec<Vec<String>> {
    super::check(1, records, "en")
        .findings
        .into_iter()
        .filter(|f| f.check == check)
        .map(|f| f.nodes)
        .collect()
}

fn keys(ks: &[&str]) -> Vec<String> {
    ks.iter().map(|k| k.to_string()).collect()
}

/// root -> a -> b, root -> c: nothing to report.
fn clean() -> Vec<NodeRecord> {
    vec![
        node("root", "Root", &[]),
        node("a", "A", &["root"]),
        node("b", "B", &["a"]),
        node("c", "C", &["root"]),
    ]
}

#[test]
fn a_clean_taxonomy_has_no_findings() {
    let report = super::check(4, &clean(), "en");
    assert_eq!(report.findings, vec![]);
    assert_eq!(report.nodes, 4);
    assert!(report.counts.is_empty());
}

#[test]
fn orphans_are_nodes_with_no_parent_and_no_child() {
    let mut t = clean();
    t.push(node("lonely", "Lonely", &[]));
    assert_eq!(findings(&t, Check::OrphanConcept), vec![keys(&["lonely"])]);
    // A single node is a taxonomy, not an orphan.
    assert_eq!(
        findings(&[node("only", "Only", &[])], Check::OrphanConcept),
        Vec::<Vec<String>>::new()
    );
}

#[test]
fn missing_and_empty_labels() {
    let mut t = clean();
    t.push(node("nolabel", "nolabel", &["root"]));
    let mut blank_alt = node("blank", "Blank", &["root"]);
    blank_alt.alt_labels = vec!["  ".into()];
    let mut blank_fr = node("blankfr", "Blank fr", &["root"]);
    blank_fr.extras = vec![lit(v::PREF_LABEL, "", Some("fr"))];
    t.extend([blank_alt, blank_fr]);
    assert_eq!(findings(&t, Check::MissingLabel), vec![keys(&["nolabel"])]);
    assert_eq!(
        findings(&t, Check::EmptyLabel),
        vec![keys(&["blank"]), keys(&["blankfr"])]
    );
}

#[test]
fn the_same_label_on_two_nodes_case_aside() {
    let mut t = clean();
    t.push(node("bank1", "Bank", &["root"]));
    t.push(node("bank2", " bank", &["c"]));
    assert_eq!(
        findings(&t, Check::DuplicateLabel),
        vec![keys(&["bank1", "bank2"])]
    );
}

#[test]
fn two_preflabels_in_one_language() {
    let mut t = clean();
    t[1].extras = vec![lit(v::PREF_LABEL, "A again", Some("en"))];
    t[2].extras = vec![
        lit(v::PREF_LABEL, "B fr", Some("fr")),
        lit(v::PREF_LABEL, "B fr 2", Some("fr")),
    ];
    // One in another language is no finding.
    t[3].extras = vec![lit(v::PREF_LABEL, "C fr", Some("fr"))];
    assert_eq!(
        findings(&t, Check::TwoPrefLabels),
        vec![keys(&["a"]), keys(&["b"])]
    );
}

#[test]
fn a_parent_that_is_also_a_further_ancestor_is_redundant() {
    let mut t = clean();
    // b's parents: a and root, but root is above a already.
    t[2].parents = vec!["a".into(), "root".into()];
    assert_eq!(
        findings(&t, Check::HierarchicalRedundancy),
        vec![keys(&["b", "root"])]
    );
}

#[test]
fn a_top_concept_with_a_parent() {
    let mut t = clean();
    t[1].extras = vec![Extra {
        property: v::TOP_CONCEPT_OF.into(),
        object: ExtraObject::Iri("http://ex.org/".into()),
    }];
    assert_eq!(
        findings(&t, Check::TopConceptWithParent),
        vec![keys(&["a"])]
    );
}

#[test]
fn clusters_apart_from_the_largest() {
    let mut t = clean();
    t.push(node("x", "X", &[]));
    t.push(node("y", "Y", &["x"]));
    assert_eq!(
        findings(&t, Check::DisconnectedCluster),
        vec![keys(&["x", "y"])]
    );
}

#[test]
fn undocumented_unless_a_description_or_a_note() {
    let mut t = clean();
    t[1].description = String::new();
    t[2].description = String::new();
    t[2].extras = vec![lit(
        "http://www.w3.org/2004/02/skos/core#scopeNote",
        "Used for B.",
        Some("en"),
    )];
    assert_eq!(findings(&t, Check::Undocumented), vec![keys(&["a"])]);
}
