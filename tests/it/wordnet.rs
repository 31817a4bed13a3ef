//! Real data: the WordNet noun hierarchy, releases 3.0 and 3.1 (about 82k nodes each), imported one
//! over the other, diffed, exported at both versions and rolled back, each checked against a
//! recomputation from the two files.
//!
//! The files are made by `scripts/fetch-wordnet.sh`; without them this test fails (it does not
//! skip), saying so.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use dtrag_core::taxonomy::{diff, import, read, rollback, NodeRecord, VersionKind};

const DOG: &str = "dog%1:05:00::";
const ENTITY: &str = "entity%1:03:00::";

fn data_file(name: &str) -> PathBuf {
    let path = crate::common::repo_root()
        .join("target/dtrag-data")
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/fetch-wordnet.sh first (it writes \
         target/dtrag-data/wordnet-3.0-nouns.jsonl and wordnet-3.1-nouns.jsonl)",
        path.display()
    );
    path
}

/// Our own reading of a file, independent of `import::parse`: records by key, parents sorted.
fn load(path: &Path) -> BTreeMap<String, NodeRecord> {
    let f = std::fs::File::open(path).unwrap();
    let mut out = BTreeMap::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        let mut r: NodeRecord = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
        let n = r.parents.len();
        r.parents.sort();
        r.parents.dedup();
        assert_eq!(n, r.parents.len(), "duplicate parent on line {}", i + 1);
        let key = r.key.clone();
        assert!(
            out.insert(key.clone(), r).is_none(),
            "duplicate key {key:?}"
        );
    }
    out
}

fn values(m: &BTreeMap<String, NodeRecord>) -> Vec<NodeRecord> {
    m.values().cloned().collect()
}

/// The diff from `a` to `b`, recomputed by hand: the keys of each category.
struct Expected {
    added: Vec<String>,
    removed: Vec<String>,
    renamed: Vec<String>,
    moved: Vec<String>,
    edited: Vec<String>,
}

fn expected_diff(a: &BTreeMap<String, NodeRecord>, b: &BTreeMap<String, NodeRecord>) -> Expected {
    let mut e = Expected {
        added: vec![],
        removed: vec![],
        renamed: vec![],
        moved: vec![],
        edited: vec![],
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        match (a.get(k), b.get(k)) {
            (None, Some(_)) => e.added.push(k.clone()),
            (Some(_), None) => e.removed.push(k.clone()),
            (Some(x), Some(y)) => {
                if x.label != y.label {
                    e.renamed.push(k.clone());
                }
                let px: BTreeSet<&String> = x.parents.iter().collect();
                let py: BTreeSet<&String> = y.parents.iter().collect();
                if px != py {
                    e.moved.push(k.clone());
                }
                if x.description != y.description || x.alt_labels != y.alt_labels {
                    e.edited.push(k.clone());
                }
            }
            (None, None) => unreachable!(),
        }
    }
    e
}

fn check_diff(d: &diff::Diff, a: &BTreeMap<String, NodeRecord>, b: &BTreeMap<String, NodeRecord>) {
    let e = expected_diff(a, b);
    let keys = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(keys(d.added.iter().map(|x| &x.key).collect()), e.added);
    assert_eq!(keys(d.removed.iter().map(|x| &x.key).collect()), e.removed);
    assert_eq!(keys(d.renamed.iter().map(|x| &x.key).collect()), e.renamed);
    assert_eq!(keys(d.moved.iter().map(|x| &x.key).collect()), e.moved);
    assert_eq!(keys(d.edited.iter().map(|x| &x.key).collect()), e.edited);
    let s = &d.summary;
    assert_eq!(
        (s.added, s.removed, s.renamed, s.moved, s.edited),
        (
            e.added.len(),
            e.removed.len(),
            e.renamed.len(),
            e.moved.len(),
            e.edited.len()
        )
    );
    // And the entries carry the files' values.
    for x in &d.added {
        let r = &b[&x.key];
        assert_eq!(
            (&x.label, &x.alt_labels, &x.description, &x.parents),
            (&r.label, &r.alt_labels, &r.description, &r.parents)
        );
    }
    for x in &d.removed {
        let r = &a[&x.key];
        assert_eq!(
            (&x.label, &x.alt_labels, &x.description, &x.parents),
            (&r.label, &r.alt_labels, &r.description, &r.parents)
        );
    }
    for x in &d.renamed {
        assert_eq!((&x.before, &x.after), (&a[&x.key].label, &b[&x.key].label));
    }
    for x in &d.moved {
        assert_eq!(
            (&x.before, &x.after),
            (&a[&x.key].parents, &b[&x.key].parents)
        );
    }
    for x in &d.edited {
        assert_eq!(
            (&x.before.description, &x.before.alt_labels),
            (&a[&x.key].description, &a[&x.key].alt_labels)
        );
        assert_eq!(
            (&x.after.description, &x.after.alt_labels),
            (&b[&x.key].description, &b[&x.key].alt_labels)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wordnet_30_to_31_import_diff_export_rollback() {
    let started = Instant::now();
    let path30 = data_file("wordnet-3.0-nouns.jsonl");
    let path31 = data_file("wordnet-3.1-nouns.jsonl");
    let wn30 = load(&path30);
    let wn31 = load(&path31);
    assert!(wn30.len() > 80_000 && wn31.len() > 80_000);
    let db = crate::common::fresh_db().await;
    // A pool of its own whose statements time out: a statement that runs away (a bad plan over
    // 82k rows) fails the test with a database error instead of hanging it.
    let options: PgConnectOptions = db.url.parse().unwrap();
    let pool = &PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options.options([("statement_timeout", "60s")]))
        .await
        .unwrap();
    let meta = crate::common::meta("wordnet");
    let lap = |what: &str| eprintln!("{what}: {:.1} s", started.elapsed().as_secs_f64());
    lap("read both files, fresh database");

    // Import 3.0 (version 1), then 3.1 over it (version 2).
    let f30 = import::read_file(&path30).unwrap();
    assert_eq!(f30.len(), wn30.len());
    let p1 = import::import(pool, f30, &meta, "wordnet-3.0")
        .await
        .unwrap();
    assert_eq!(p1.version, Some(1));
    assert_eq!(p1.stats.nodes_added, wn30.len());
    assert_eq!(
        p1.stats.edges_added,
        wn30.values().map(|r| r.parents.len()).sum::<usize>()
    );
    lap("import 3.0");
    let f31 = import::read_file(&path31).unwrap();
    assert_eq!(f31.len(), wn31.len());
    let p2 = import::import(pool, f31, &meta, "wordnet-3.1")
        .await
        .unwrap();
    assert_eq!(p2.version, Some(2));
    lap("import 3.1");

    let mut conn = pool.acquire().await.unwrap();
    let d = diff::diff(&mut conn, 1, 2).await.unwrap();
    assert_eq!((d.from, d.to), (1, 2));
    check_diff(&d, &wn30, &wn31);
    let e = expected_diff(&wn30, &wn31);
    assert_eq!(
        p2.stats.nodes_added + p2.stats.nodes_removed,
        e.added.len() + e.removed.len()
    );
    // Real releases differ in every category.
    let s = &d.summary;
    assert!(s.added > 0 && s.removed > 0 && s.renamed > 0 && s.moved > 0 && s.edited > 0);
    eprintln!("diff 3.0 -> 3.1: {s:?}");
    lap("diff");

    assert!(read::export(&mut conn, Some(1)).await.unwrap() == values(&wn30));
    assert!(read::export(&mut conn, Some(2)).await.unwrap() == values(&wn31));
    lap("exports");

    // Roll back to 3.0: a new version whose content is version 1's.
    let out = rollback::rollback(pool, 1, false, &crate::common::meta("back to 3.0"))
        .await
        .unwrap();
    assert_eq!(out.version, Some(3));
    assert_eq!((out.restored, out.head_before, out.dry_run), (1, 2, false));
    check_diff(&out.diff, &wn31, &wn30);
    let row = read::version(&mut conn, 3).await.unwrap();
    assert_eq!(row.kind, VersionKind::Rollback);
    assert_eq!(row.restored_from, Some(1));
    assert_eq!(row.parent_version, Some(2));
    assert!(read::export(&mut conn, None).await.unwrap() == values(&wn30));
    // History is kept: version 2 still reads as 3.1, and 2 -> 3 undoes 1 -> 2.
    assert!(read::export(&mut conn, Some(2)).await.unwrap() == values(&wn31));
    check_diff(&diff::diff(&mut conn, 2, 3).await.unwrap(), &wn31, &wn30);
    assert!(diff::diff(&mut conn, 1, 3).await.unwrap().is_empty());
    lap("rollback");

    // A dog is a canine and a domestic animal: at least two paths up to the single root.
    let dog = read::show(&mut conn, None, DOG).await.unwrap();
    assert_eq!(dog.version, 3);
    assert_eq!(dog.label, "dog");
    assert!(dog.paths.len() >= 2, "paths of {DOG}: {:?}", dog.paths);
    let distinct: BTreeSet<&Vec<String>> = dog.paths.iter().collect();
    assert_eq!(distinct.len(), dog.paths.len(), "a path is listed twice");
    for p in &dog.paths {
        assert_eq!(p.first().map(String::as_str), Some(ENTITY), "path {p:?}");
        assert_eq!(p.last().map(String::as_str), Some(DOG), "path {p:?}");
        for w in p.windows(2) {
            assert!(
                wn30[&w[1]].parents.contains(&w[0]),
                "{} is not a parent of {} in 3.0 (path {p:?})",
                w[0],
                w[1]
            );
        }
    }
    let parents: BTreeSet<&String> = dog.parents.iter().map(|n| &n.key).collect();
    assert_eq!(parents, wn30[DOG].parents.iter().collect());
    lap("show");
}
