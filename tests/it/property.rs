//! Model-based property test: random edit sequences (and whole-file imports) run against both the
//! store and a plain in-memory model. For every version the export, the diffs and a rollback must
//! agree with the model; every change the store refuses must be one the model calls invalid, and
//! must leave the database untouched.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use dtrag_core::taxonomy::diff::{self, Diff};
use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::{import, read, rollback};
use dtrag_core::taxonomy::{NodeContent, NodeFull, NodeRecord, VersionKind};
use dtrag_core::Error;

type State = BTreeMap<String, NodeFull>;

const KEYS: usize = 8;
const LABELS: &[&str] = &[
    "Alpha",
    "beta",
    "Größe",
    "日本",
    "Größe 日本",
    " padded ",
    "Maße",
];
/// A label the store must refuse (blank after trimming).
const BLANK: &str = "   ";
const DESCRIPTIONS: &[&str] = &[
    "",
    "a small dog",
    "a big dog",
    "the big red dog barks",
    "Größe und Maß",
    "日本語の説明",
    "two\nlines",
];
const ALT_POOL: &[&str] = &[
    "A",
    "Alpha",
    "Größe",
    "日本",
    "beta",
    "{a,b}",
    "q\"uote",
    "back\\slash",
    "",
];

fn key(i: usize) -> String {
    format!("k{i}")
}

// ---------------------------------------------------------------- generated actions

/// Which keys a [`KeySel`] chooses from when the action is applied (an empty choice falls back to
/// the whole key space).
#[derive(Debug, Clone, Copy)]
enum Pick {
    /// A node that exists.
    Existing,
    /// A key that is not a node.
    Missing,
    /// Any key of the key space.
    Any,
}

/// A key chosen when the action is applied, against the model's state at that moment.
#[derive(Debug, Clone)]
struct KeySel {
    pick: Pick,
    idx: Index,
}

impl KeySel {
    fn resolve(&self, s: &State) -> String {
        let all: Vec<String> = (0..KEYS).map(key).collect();
        let choice: Vec<String> = match self.pick {
            Pick::Existing => s.keys().cloned().collect(),
            Pick::Missing => all
                .iter()
                .filter(|k| !s.contains_key(*k))
                .cloned()
                .collect(),
            Pick::Any => all.clone(),
        };
        let choice = if choice.is_empty() { all } else { choice };
        choice[self.idx.index(choice.len())].clone()
    }
}

/// A key chosen relative to another node: any key, or one of that node's descendants (the way
/// to make cycles).
#[derive(Debug, Clone)]
enum Rel {
    Key(KeySel),
    Descendant(Index),
}

impl Rel {
    fn resolve(&self, s: &State, of: &str) -> String {
        match self {
            Rel::Key(k) => k.resolve(s),
            Rel::Descendant(i) => {
                let below = descendants(s, of);
                if below.is_empty() {
                    of.to_string()
                } else {
                    below[i.index(below.len())].clone()
                }
            }
        }
    }
}

/// Every node below `key` (sorted).
fn descendants(s: &State, key: &str) -> Vec<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut todo = vec![key.to_string()];
    while let Some(k) = todo.pop() {
        for (c, n) in s {
            if n.parents.contains(&k) && found.insert(c.clone()) {
                todo.push(c.clone());
            }
        }
    }
    found.into_iter().collect()
}

#[derive(Debug, Clone)]
struct FileNode {
    label: String,
    alt_labels: Vec<String>,
    description: String,
    parents: Vec<usize>,
}

#[derive(Debug, Clone)]
enum Action {
    Add {
        key: KeySel,
        label: String,
        alt_labels: Vec<String>,
        description: String,
        parents: Vec<KeySel>,
    },
    Rename {
        key: KeySel,
        label: String,
    },
    SetDescription {
        key: KeySel,
        description: String,
    },
    SetAltLabels {
        key: KeySel,
        alt_labels: Vec<String>,
    },
    AddParent {
        key: KeySel,
        parent: Rel,
    },
    RemoveParent {
        key: KeySel,
        /// Pick one of the node's own parents (when it has any), else any key.
        own: bool,
        parent: Index,
    },
    Move {
        key: KeySel,
        parents: Vec<Rel>,
    },
    Delete {
        key: KeySel,
        cascade: bool,
    },
    Merge {
        from: KeySel,
        into: Rel,
    },
    /// Several edits published as one change set.
    Batch(Vec<Action>),
    /// A whole file: node bodies by key index, made acyclic by `rank` when `acyclic`.
    Import {
        nodes: BTreeMap<usize, FileNode>,
        rank: Vec<usize>,
        acyclic: bool,
    },
}

/// What the action became against the model's state when it was applied.
#[derive(Debug, Clone)]
enum Resolved {
    Edit(Vec<EditOp>),
    Import(Vec<NodeRecord>),
}

fn resolve(a: &Action, s: &State) -> Resolved {
    match a {
        Action::Import {
            nodes,
            rank,
            acyclic,
        } => Resolved::Import(
            nodes
                .iter()
                .map(|(k, n)| NodeRecord {
                    key: key(*k),
                    label: n.label.clone(),
                    alt_labels: n.alt_labels.clone(),
                    description: n.description.clone(),
                    parents: n
                        .parents
                        .iter()
                        .filter(|p| !*acyclic || (nodes.contains_key(p) && rank[**p] < rank[*k]))
                        .map(|p| key(*p))
                        .collect(),
                    extras: Vec::new(),
                })
                .collect(),
        ),
        Action::Batch(actions) => {
            // Each operation is resolved against the working state the ones before it left.
            let mut working = s.clone();
            let mut ops = Vec::new();
            for a in actions {
                let op = resolve_op(a, &working);
                if let Ok(next) = model_apply(&working, &op) {
                    working = next;
                }
                ops.push(op);
            }
            Resolved::Edit(ops)
        }
        _ => Resolved::Edit(vec![resolve_op(a, s)]),
    }
}

fn resolve_op(a: &Action, s: &State) -> EditOp {
    // In a list of parents, "an existing node" when there is none means no parent at all.
    let many = |sel: &[KeySel]| {
        sel.iter()
            .filter(|k| !(matches!(k.pick, Pick::Existing) && s.is_empty()))
            .map(|k| k.resolve(s))
            .collect::<Vec<_>>()
    };
    match a {
        Action::Add {
            key,
            label,
            alt_labels,
            description,
            parents,
        } => EditOp::Add {
            key: key.resolve(s),
            label: label.clone(),
            alt_labels: alt_labels.clone(),
            description: description.clone(),
            parents: many(parents),
        },
        Action::Rename { key, label } => EditOp::Rename {
            key: key.resolve(s),
            label: label.clone(),
        },
        Action::SetDescription { key, description } => EditOp::SetDescription {
            key: key.resolve(s),
            description: description.clone(),
        },
        Action::SetAltLabels { key, alt_labels } => EditOp::SetAltLabels {
            key: key.resolve(s),
            alt_labels: alt_labels.clone(),
        },
        Action::AddParent { key, parent } => {
            let key = key.resolve(s);
            EditOp::AddParent {
                parent: parent.resolve(s, &key),
                key,
            }
        }
        Action::RemoveParent {
            key: k,
            own,
            parent,
        } => {
            let k = k.resolve(s);
            let own_parents: Vec<&String> = s
                .get(&k)
                .map(|n| n.parents.iter().collect())
                .unwrap_or_default();
            let parent = if *own && !own_parents.is_empty() {
                own_parents[parent.index(own_parents.len())].clone()
            } else {
                key(parent.index(KEYS))
            };
            EditOp::RemoveParent { key: k, parent }
        }
        Action::Move { key, parents } => {
            let key = key.resolve(s);
            EditOp::Move {
                parents: parents
                    .iter()
                    .filter(|p| {
                        !(matches!(p, Rel::Key(k) if matches!(k.pick, Pick::Existing))
                            && s.is_empty())
                    })
                    .map(|p| p.resolve(s, &key))
                    .collect(),
                key,
            }
        }
        Action::Delete { key, cascade } => EditOp::Delete {
            key: key.resolve(s),
            cascade: *cascade,
        },
        Action::Merge { from, into } => {
            let from = from.resolve(s);
            EditOp::Merge {
                into: into.resolve(s, &from),
                from,
            }
        }
        Action::Import { .. } | Action::Batch(_) => unreachable!("not a single operation"),
    }
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        24 => prop::sample::select(LABELS).prop_map(str::to_string),
        1 => Just(BLANK.to_string()),
    ]
}

fn description() -> impl Strategy<Value = String> {
    prop::sample::select(DESCRIPTIONS).prop_map(str::to_string)
}

fn alt_labels() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(ALT_POOL).prop_map(str::to_string),
        0..=3,
    )
}

fn pick(w_existing: u32, w_missing: u32, w_any: u32) -> impl Strategy<Value = KeySel> {
    (
        prop_oneof![
            w_existing => Just(Pick::Existing),
            w_missing => Just(Pick::Missing),
            w_any => Just(Pick::Any),
        ],
        any::<Index>(),
    )
        .prop_map(|(pick, idx)| KeySel { pick, idx })
}

/// Mostly a node that exists.
fn key_sel() -> impl Strategy<Value = KeySel> {
    pick(16, 1, 1)
}

/// Mostly a node that exists, sometimes a descendant of the node acted on.
fn rel() -> impl Strategy<Value = Rel> {
    prop_oneof![
        3 => key_sel().prop_map(Rel::Key),
        1 => any::<Index>().prop_map(Rel::Descendant),
    ]
}

fn file_node() -> impl Strategy<Value = FileNode> {
    (
        label(),
        alt_labels(),
        description(),
        prop::collection::vec(0..KEYS, 0..=3),
    )
        .prop_map(|(label, alt_labels, description, parents)| FileNode {
            label,
            alt_labels,
            description,
            parents,
        })
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        20 => edit_action(),
        2 => import_action(0, prop::bool::weighted(0.75)),
        2 => prop::collection::vec(edit_action(), 2..=3).prop_map(Action::Batch),
    ]
}

fn edit_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        5 => (pick(1, 12, 1), label(), alt_labels(), description(), prop::collection::vec(key_sel(), 0..=2))
            .prop_map(|(key, label, alt_labels, description, parents)| Action::Add {
                key,
                label,
                alt_labels,
                description,
                parents,
            }),
        2 => (key_sel(), label()).prop_map(|(key, label)| Action::Rename { key, label }),
        2 => (key_sel(), description())
            .prop_map(|(key, description)| Action::SetDescription { key, description }),
        2 => (key_sel(), alt_labels())
            .prop_map(|(key, alt_labels)| Action::SetAltLabels { key, alt_labels }),
        4 => (key_sel(), rel()).prop_map(|(key, parent)| Action::AddParent { key, parent }),
        2 => (key_sel(), prop::bool::weighted(0.8), any::<Index>())
            .prop_map(|(key, own, parent)| Action::RemoveParent { key, own, parent }),
        2 => (key_sel(), prop::collection::vec(rel(), 0..=2))
            .prop_map(|(key, parents)| Action::Move { key, parents }),
        2 => (key_sel(), any::<bool>()).prop_map(|(key, cascade)| Action::Delete { key, cascade }),
        3 => (key_sel(), rel()).prop_map(|(from, into)| Action::Merge { from, into }),
    ]
}

fn import_action(
    min_nodes: usize,
    acyclic: impl Strategy<Value = bool>,
) -> impl Strategy<Value = Action> {
    (
        prop::collection::btree_map(0..KEYS, file_node(), min_nodes..=KEYS),
        Just((0..KEYS).collect::<Vec<_>>()).prop_shuffle(),
        acyclic,
    )
        .prop_map(|(nodes, rank, acyclic)| Action::Import {
            nodes,
            rank,
            acyclic,
        })
}

/// Mostly a valid import of a few nodes to start from, then random actions.
fn actions() -> impl Strategy<Value = Vec<Action>> {
    (
        prop::option::weighted(0.8, import_action(4, Just(true))),
        prop::collection::vec(action(), 1..=24),
    )
        .prop_map(|(first, rest)| first.into_iter().chain(rest).collect())
}

// ---------------------------------------------------------------- the model

fn need(s: &State, k: &str) -> Result<(), String> {
    if s.contains_key(k) {
        Ok(())
    } else {
        Err(format!("no node {k:?}"))
    }
}

/// The model's semantics of a change set: the operations in order on a working state, then the
/// rules checked on the result. The new state, or why the change set is invalid.
fn model_edit(state: &State, ops: &[EditOp]) -> Result<State, String> {
    let mut s = state.clone();
    for op in ops {
        s = model_apply(&s, op)?;
    }
    check_state(&s)?;
    Ok(s)
}

/// One operation on a working state (its own preconditions only).
fn model_apply(state: &State, op: &EditOp) -> Result<State, String> {
    let mut s = state.clone();
    match op {
        EditOp::Add {
            key,
            label,
            alt_labels,
            description,
            parents,
        } => {
            if s.contains_key(key) {
                return Err(format!("{key:?} already exists"));
            }
            for p in parents {
                need(&s, p)?;
            }
            s.insert(
                key.clone(),
                NodeFull {
                    content: NodeContent {
                        label: label.clone(),
                        alt_labels: alt_labels.clone(),
                        description: description.clone(),
                        extras: Vec::new(),
                    },
                    parents: parents.iter().cloned().collect(),
                },
            );
        }
        EditOp::Rename { key, label } => {
            need(&s, key)?;
            s.get_mut(key).unwrap().content.label = label.clone();
        }
        EditOp::SetDescription { key, description } => {
            need(&s, key)?;
            s.get_mut(key).unwrap().content.description = description.clone();
        }
        EditOp::SetAltLabels { key, alt_labels } => {
            need(&s, key)?;
            s.get_mut(key).unwrap().content.alt_labels = alt_labels.clone();
        }
        EditOp::AddParent { key, parent } => {
            need(&s, key)?;
            need(&s, parent)?;
            if !s.get_mut(key).unwrap().parents.insert(parent.clone()) {
                return Err(format!("{parent:?} is already a parent of {key:?}"));
            }
        }
        EditOp::RemoveParent { key, parent } => {
            need(&s, key)?;
            if !s.get_mut(key).unwrap().parents.remove(parent) {
                return Err(format!("{parent:?} is not a parent of {key:?}"));
            }
        }
        EditOp::Move { key, parents } => {
            need(&s, key)?;
            for p in parents {
                need(&s, p)?;
            }
            s.get_mut(key).unwrap().parents = parents.iter().cloned().collect();
        }
        EditOp::Delete { key, cascade } => {
            need(&s, key)?;
            if !cascade && s.values().any(|n| n.parents.contains(key)) {
                return Err(format!("{key:?} has children"));
            }
            // Fixpoint: a node goes when it had parents and every one of them goes.
            let mut doomed = BTreeSet::from([key.clone()]);
            loop {
                let more: Vec<String> = s
                    .iter()
                    .filter(|(k, n)| {
                        !doomed.contains(*k)
                            && !n.parents.is_empty()
                            && n.parents.iter().all(|p| doomed.contains(p))
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                if more.is_empty() {
                    break;
                }
                doomed.extend(more);
            }
            s.retain(|k, _| !doomed.contains(k));
            for n in s.values_mut() {
                n.parents.retain(|p| !doomed.contains(p));
            }
        }
        EditOp::Merge { from, into } => {
            if from == into {
                return Err("merge into itself".into());
            }
            need(&s, from)?;
            need(&s, into)?;
            let source = s.remove(from).unwrap();
            for (k, n) in s.iter_mut() {
                if n.parents.remove(from) && k != into {
                    n.parents.insert(into.clone());
                }
            }
            let target = s.get_mut(into).unwrap();
            for a in std::iter::once(&source.content.label).chain(&source.content.alt_labels) {
                if *a != target.content.label && !target.content.alt_labels.contains(a) {
                    target.content.alt_labels.push(a.clone());
                }
            }
        }
    }
    Ok(s)
}

/// The model's semantics of importing a file: the file's content, or why it is invalid.
fn model_import(records: &[NodeRecord]) -> Result<State, String> {
    let mut s = State::new();
    for r in records {
        if s.contains_key(&r.key) {
            return Err(format!("duplicate key {:?}", r.key));
        }
        s.insert(
            r.key.clone(),
            NodeFull {
                content: NodeContent {
                    label: r.label.clone(),
                    alt_labels: r.alt_labels.clone(),
                    description: r.description.clone(),
                    extras: r.extras.clone(),
                },
                parents: r.parents.iter().cloned().collect(),
            },
        );
    }
    check_state(&s)?;
    Ok(s)
}

/// The rules every state obeys: labels not blank, parents exist, no cycle (a self-parent is one).
fn check_state(s: &State) -> Result<(), String> {
    for (k, n) in s {
        if n.content.label.trim().is_empty() {
            return Err(format!("{k:?} has a blank label"));
        }
        for p in &n.parents {
            need(s, p)?;
        }
    }
    // Kahn: peel nodes whose parents are all peeled; whatever is left sits on a cycle.
    let mut left: BTreeMap<&String, usize> = s.iter().map(|(k, n)| (k, n.parents.len())).collect();
    let mut ready: Vec<&String> = left
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(k, _)| *k)
        .collect();
    let mut peeled = 0;
    while let Some(k) = ready.pop() {
        peeled += 1;
        for (c, n) in s {
            if n.parents.contains(k) {
                let d = left.get_mut(c).unwrap();
                *d -= 1;
                if *d == 0 {
                    ready.push(c);
                }
            }
        }
    }
    if peeled < s.len() {
        return Err("cycle".into());
    }
    Ok(())
}

fn records(s: &State) -> Vec<NodeRecord> {
    s.iter()
        .map(|(k, n)| n.clone().into_record(k.clone()))
        .collect()
}

fn hashed(s: &State) -> HashMap<String, NodeFull> {
    s.iter().map(|(k, n)| (k.clone(), n.clone())).collect()
}

fn jsonl(records: &[NodeRecord]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

// ---------------------------------------------------------------- checks

/// `got` must equal the model's diff, by `compare()` and by a recomputation of our own.
fn check_diff(
    got: &Diff,
    a: i64,
    b: i64,
    before: &State,
    after: &State,
) -> Result<(), TestCaseError> {
    let expected = diff::compare(a, b, &hashed(before), &hashed(after));
    prop_assert_eq!(got, &expected, "diff {} -> {}", a, b);

    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let (mut added, mut removed, mut renamed, mut moved, mut edited) =
        (vec![], vec![], vec![], vec![], vec![]);
    for k in keys {
        match (before.get(k), after.get(k)) {
            (None, Some(_)) => added.push(k.clone()),
            (Some(_), None) => removed.push(k.clone()),
            (Some(x), Some(y)) => {
                if x.content.label != y.content.label {
                    renamed.push(k.clone());
                }
                if x.parents != y.parents {
                    moved.push(k.clone());
                }
                if x.content.description != y.content.description
                    || x.content.alt_labels != y.content.alt_labels
                {
                    edited.push(k.clone());
                }
            }
            (None, None) => unreachable!(),
        }
    }
    let s = &got.summary;
    prop_assert_eq!(
        (s.added, s.removed, s.renamed, s.moved, s.edited),
        (
            added.len(),
            removed.len(),
            renamed.len(),
            moved.len(),
            edited.len()
        ),
        "summary of diff {} -> {}",
        a,
        b
    );
    prop_assert_eq!(
        got.added.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
        added
    );
    prop_assert_eq!(
        got.removed
            .iter()
            .map(|e| e.key.clone())
            .collect::<Vec<_>>(),
        removed
    );
    prop_assert_eq!(
        got.renamed
            .iter()
            .map(|e| e.key.clone())
            .collect::<Vec<_>>(),
        renamed
    );
    prop_assert_eq!(
        got.moved.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
        moved
    );
    prop_assert_eq!(
        got.edited.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
        edited
    );
    for e in &got.added {
        prop_assert_eq!(&e.label, &after[&e.key].content.label);
    }
    for e in &got.removed {
        prop_assert_eq!(&e.label, &before[&e.key].content.label);
    }
    for r in &got.renamed {
        prop_assert_eq!(&r.before, &before[&r.key].content.label);
        prop_assert_eq!(&r.after, &after[&r.key].content.label);
    }
    for m in &got.moved {
        let b: Vec<String> = before[&m.key].parents.iter().cloned().collect();
        let a: Vec<String> = after[&m.key].parents.iter().cloned().collect();
        prop_assert_eq!(&m.before, &b);
        prop_assert_eq!(&m.after, &a);
    }
    for e in &got.edited {
        prop_assert_eq!(
            e.description_diff.is_empty(),
            before[&e.key].content.description == after[&e.key].content.description
        );
    }
    prop_assert_eq!(got.is_empty(), before == after);
    Ok(())
}

fn is_db_error(e: &Error) -> bool {
    matches!(e, Error::Db(_) | Error::Migrate(_))
}

async fn drop_db(db: crate::common::TestDb) {
    db.pool.close().await;
    let Ok(options) = db.url.parse::<PgConnectOptions>() else {
        return;
    };
    if let Ok(mut conn) = PgConnection::connect_with(&options.database("postgres")).await {
        let _ = sqlx::query(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            db.name
        ))
        .execute(&mut conn)
        .await;
    }
}

// ---------------------------------------------------------------- the property

async fn run_case(
    actions: &[Action],
    order: &[usize],
    pairs: &[(Index, Index)],
) -> Result<(), TestCaseError> {
    let db = crate::common::fresh_db().await;
    let result = run_on(&db, actions, order, pairs).await;
    if result.is_ok() {
        drop_db(db).await;
    }
    result
}

async fn run_on(
    db: &crate::common::TestDb,
    actions: &[Action],
    order: &[usize],
    pairs: &[(Index, Index)],
) -> Result<(), TestCaseError> {
    let pool = &db.pool;
    let meta = crate::common::meta("property");
    // versions[v] = the model's state at version v; kinds[v] = its kind.
    let mut versions: Vec<State> = vec![State::new()];
    let mut kinds: Vec<VersionKind> = vec![VersionKind::Init];
    let mut trace: Vec<String> = Vec::new();
    let mut conn = pool.acquire().await.unwrap();

    // Phase 1: the actions.
    for action in actions {
        let head = (versions.len() - 1) as i64;
        let cur = versions.last().unwrap().clone();
        let resolved = resolve(action, &cur);
        let before_fp = crate::common::fingerprint(pool).await;
        let (expected, outcome, kind) = match &resolved {
            Resolved::Edit(ops) => {
                let expected = model_edit(&cur, ops);
                // The preview says what apply will do, and writes nothing.
                let preview = edit::preview(pool, head, ops, &meta).await;
                match (&expected, &preview) {
                    (Ok(next), Ok(d)) => {
                        let to = if *next == cur { head } else { head + 1 };
                        check_diff(d, head, to, &cur, next).map_err(|e| {
                            TestCaseError::fail(format!(
                                "preview of {ops:?}: {e}\n{}",
                                trace.join("\n")
                            ))
                        })?;
                    }
                    (Err(_), Err(e)) => prop_assert!(!is_db_error(e), "preview: {}", e),
                    (want, got) => {
                        return Err(TestCaseError::fail(format!(
                            "preview of {ops:?}: model {:?}, preview {:?}\n{}",
                            want.as_ref().map(|_| "valid"),
                            got.as_ref().map(|_| "ok").map_err(|e| e.to_string()),
                            trace.join("\n")
                        )))
                    }
                }
                prop_assert_eq!(
                    crate::common::fingerprint(pool).await,
                    before_fp.clone(),
                    "a preview wrote something"
                );
                let got = edit::apply(pool, head, ops, &meta).await;
                (expected, got.map(|p| p.version), VersionKind::Edit)
            }
            Resolved::Import(recs) => {
                let got = match crate::common::parse_import(&jsonl(recs)) {
                    Ok(file) => import::import(pool, file, &meta, "property")
                        .await
                        .map(|p| p.version),
                    Err(e) => Err(e),
                };
                (model_import(recs), got, VersionKind::Import)
            }
        };
        trace.push(format!(
            "v{head}: {resolved:?}\n    store: {:?}\n    model: {:?}",
            outcome.as_ref().map_err(|e| e.to_string()),
            expected.as_ref().map(|_| "valid")
        ));
        let log = || trace.join("\n");
        match (expected, outcome) {
            (Ok(next), Ok(version)) => {
                if next == cur {
                    prop_assert_eq!(
                        version,
                        None,
                        "a change that changes nothing publishes no version\n{}",
                        log()
                    );
                    prop_assert_eq!(
                        crate::common::fingerprint(pool).await,
                        before_fp,
                        "\n{}",
                        log()
                    );
                } else {
                    prop_assert_eq!(version, Some(head + 1), "\n{}", log());
                    versions.push(next);
                    kinds.push(kind);
                }
                let exported = read::export(&mut conn, None).await.unwrap();
                prop_assert_eq!(
                    &exported,
                    &records(versions.last().unwrap()),
                    "head after the action\n{}",
                    log()
                );
            }
            (Err(why), Err(e)) => {
                prop_assert!(
                    !is_db_error(&e),
                    "refused by the database instead of a check ({}); model: {}\n{}",
                    e,
                    why,
                    log()
                );
                prop_assert_eq!(
                    crate::common::fingerprint(pool).await,
                    before_fp,
                    "a refused change wrote something\n{}",
                    log()
                );
            }
            (Ok(_), Err(e)) => {
                return Err(TestCaseError::fail(format!(
                    "the store refused a valid change: {e}\n{}",
                    log()
                )))
            }
            (Err(why), Ok(v)) => {
                return Err(TestCaseError::fail(format!(
                    "the store accepted an invalid change ({why}), version {v:?}\n{}",
                    log()
                )))
            }
        }
    }
    let log = trace.join("\n");

    // Phase 2: roll back to every version of phase 1 (in a random order); a dry run first.
    let last = (versions.len() - 1) as i64;
    let dry_to = order
        .iter()
        .map(|&v| v as i64)
        .find(|&v| v <= last)
        .unwrap();
    let fp = crate::common::fingerprint(pool).await;
    let dry = rollback::rollback(pool, dry_to, true, &crate::common::meta("dry run"))
        .await
        .unwrap();
    prop_assert_eq!(dry.version, None);
    prop_assert_eq!(dry.head_before, last);
    check_diff(
        &dry.diff,
        last,
        dry_to,
        &versions[last as usize],
        &versions[dry_to as usize],
    )?;
    prop_assert_eq!(
        crate::common::fingerprint(pool).await,
        fp,
        "a dry run wrote something"
    );

    for to in order.iter().map(|&v| v as i64).filter(|&v| v <= last) {
        let head = (versions.len() - 1) as i64;
        let fp = crate::common::fingerprint(pool).await;
        let out = rollback::rollback(pool, to, false, &crate::common::meta("rollback"))
            .await
            .map_err(|e| TestCaseError::fail(format!("rollback to {to}: {e}\n{log}")))?;
        prop_assert_eq!(out.head_before, head);
        check_diff(
            &out.diff,
            head,
            to,
            &versions[head as usize],
            &versions[to as usize],
        )?;
        if versions[head as usize] == versions[to as usize] {
            prop_assert_eq!(out.version, None, "rollback to an equal version");
            prop_assert_eq!(crate::common::fingerprint(pool).await, fp);
        } else {
            prop_assert_eq!(out.version, Some(head + 1), "rollback to {}\n{}", to, log);
            let row = read::version(&mut conn, head + 1).await.unwrap();
            prop_assert_eq!(row.kind, VersionKind::Rollback);
            prop_assert_eq!(row.restored_from, Some(to));
            prop_assert_eq!(row.parent_version, Some(head));
            versions.push(versions[to as usize].clone());
            kinds.push(VersionKind::Rollback);
        }
        let now = read::export(&mut conn, None).await.unwrap();
        let then = read::export(&mut conn, Some(to)).await.unwrap();
        prop_assert_eq!(&now, &then, "export after rollback to {}\n{}", to, log);
        prop_assert_eq!(&now, &records(&versions[to as usize]));
    }

    // Phase 3: every version's export and version row, and diffs between many pairs.
    let head = (versions.len() - 1) as i64;
    prop_assert_eq!(read::head_version(&mut conn).await.unwrap(), head);
    let rows = read::versions(&mut conn).await.unwrap();
    prop_assert_eq!(
        rows.iter().map(|r| r.kind).collect::<Vec<_>>(),
        kinds.clone()
    );
    for (v, state) in versions.iter().enumerate() {
        let exported = read::export(&mut conn, Some(v as i64)).await.unwrap();
        prop_assert_eq!(&exported, &records(state), "export at {}\n{}", v, log);
    }
    let n = versions.len();
    let mut checked: BTreeSet<(usize, usize)> = BTreeSet::new();
    for v in 0..n {
        checked.insert((v.saturating_sub(1), v));
        checked.insert((v, v.saturating_sub(1)));
        checked.insert((0, v));
        checked.insert((v, n - 1));
    }
    for (a, b) in pairs {
        checked.insert((a.index(n), b.index(n)));
    }
    for (a, b) in checked {
        let got = diff::diff(&mut conn, a as i64, b as i64).await.unwrap();
        check_diff(&got, a as i64, b as i64, &versions[a], &versions[b])
            .map_err(|e| TestCaseError::fail(format!("{e}\n{log}")))?;
    }
    prop_assert!(matches!(
        diff::diff(&mut conn, 0, head + 1).await,
        Err(Error::NoSuchVersion(_))
    ));
    Ok(())
}

proptest! {
    // 24 cases by default (well under a minute); PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(24),
        max_shrink_iters: 150,
        ..ProptestConfig::default()
    })]

    #[test]
    fn store_agrees_with_the_model(
        actions in actions(),
        order in Just((0..=26usize).collect::<Vec<_>>()).prop_shuffle(),
        pairs in prop::collection::vec((any::<Index>(), any::<Index>()), 16),
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(run_case(&actions, &order, &pairs))?;
    }
}
