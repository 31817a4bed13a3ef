//! Agents as data: definitions and their refusals (which write nothing), the migration's
//! revert, the leak self-check; and the shared world of the agents' tests (a small taxonomy and
//! documents, the scope as materialised and as recomputed from scratch).

use dtrag_api::agents;
use dtrag_api::documents;
use dtrag_api::taxonomy::EditRequest;
use dtrag_api::types::{AgentChange, AgentSettings, ChunkSettings, EditOp, Mode, NewAgent};
use dtrag_api::{ErrorKind, Handle};

use crate::classify::handle;
use crate::common::{doc, fingerprint, fresh_db, meta, parse_import, TestDb};

/// topics > animals > {birds, fish}; seabirds under birds and fish; plants > trees; tools.
pub const TAXONOMY: &str = r#"{"key": "topics", "label": "Topics"}
{"key": "animals", "label": "Animals", "parents": ["topics"]}
{"key": "birds", "label": "Birds", "parents": ["animals"]}
{"key": "fish", "label": "Fish", "parents": ["animals"]}
{"key": "seabirds", "label": "Seabirds", "parents": ["birds", "fish"]}
{"key": "plants", "label": "Plants", "parents": ["topics"]}
{"key": "trees", "label": "Trees", "parents": ["plants"]}
{"key": "tools", "label": "Tools", "parents": ["topics"]}
"#;

/// (id, text, categories): five documents under animals, three outside, one unclassified.
pub const DOCS: [(&str, &str, &[&str]); 9] = [
    (
        "bird1",
        "the sparrow sings at dawn in the hedge",
        &["birds"],
    ),
    (
        "bird2",
        "eagles soar over the mountains at dawn",
        &["birds"],
    ),
    ("fish1", "salmon swim upstream to spawn", &["fish"]),
    ("sea1", "the albatross glides over the ocean", &["seabirds"]),
    (
        "both1",
        "a woodpecker drums on the oak tree",
        &["birds", "trees"],
    ),
    ("tree1", "oak trees grow slowly in the hedge", &["trees"]),
    ("tool1", "a hammer drives nails at dawn", &["tools"]),
    (
        "secret1",
        "the secret merger of acme and globex",
        &["tools"],
    ),
    ("loose1", "an unfiled note about a sparrow", &[]),
];

pub const ANIMALS: [&str; 5] = ["bird1", "bird2", "both1", "fish1", "sea1"];

/// A database with the taxonomy and documents above (no vectors).
pub async fn world() -> (TestDb, Handle) {
    let db = fresh_db().await;
    dtrag_core::taxonomy::import::import(
        &db.pool,
        parse_import(TAXONOMY).expect("taxonomy"),
        &meta("agents taxonomy"),
        "test",
    )
    .await
    .expect("import");
    let h = handle(&db, "ops");
    let inputs: Vec<_> = DOCS.iter().map(|(id, text, c)| doc(id, text, c)).collect();
    documents::add_inputs(&h, &inputs, ChunkSettings::default(), true, &mut |_| {})
        .await
        .expect("documents");
    (db, h)
}

pub fn new_agent(name: &str, categories: &[&str]) -> NewAgent {
    NewAgent {
        name: name.into(),
        description: format!("{name} test agent"),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        ..NewAgent::default()
    }
}

/// The agent's materialised documents.
pub async fn scope_of(db: &TestDb, agent: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT d.source_id FROM agent a JOIN agent_document ad ON ad.role_name = a.role_name
         JOIN document d ON d.id = ad.document_id WHERE a.name = $1 ORDER BY 1",
    )
    .bind(agent)
    .fetch_all(&db.pool)
    .await
    .expect("scope")
}

/// Every agent's scope recomputed from scratch (categories' subtrees at the agent's version by
/// a recursive walk, then the accepted and auto-accepted classifications under them) equals
/// the materialised one.
pub async fn assert_scopes_exact(db: &TestDb) {
    let wrong: Vec<(String, i64, i64)> = sqlx::query_as(
        "WITH RECURSIVE v AS (
             SELECT a.id, coalesce(a.pinned_version, (SELECT max(version) FROM taxonomy_version)) AS at
             FROM agent a),
         sub (agent, node, at) AS (
             SELECT ac.agent_id, ac.node_id, v.at FROM agent_category ac JOIN v ON v.id = ac.agent_id
             WHERE EXISTS (SELECT 1 FROM node_state s WHERE s.node_id = ac.node_id AND s.valid @> v.at)
             UNION
             SELECT sub.agent, e.child_id, sub.at FROM sub
             JOIN edge e ON e.parent_id = sub.node AND e.valid @> sub.at),
         want AS (SELECT DISTINCT a.role_name, c.document_id FROM sub JOIN agent a ON a.id = sub.agent
                  JOIN classification c ON c.node_id = sub.node
                  WHERE c.status IN ('accepted', 'auto_accepted')),
         have AS (SELECT role_name, document_id FROM agent_document)
         SELECT a.name, count(*) FILTER (WHERE h.document_id IS NULL),
                count(*) FILTER (WHERE w.document_id IS NULL)
         FROM (SELECT * FROM want UNION SELECT * FROM have) AS u
         JOIN agent a ON a.role_name = u.role_name
         LEFT JOIN want w ON (w.role_name, w.document_id) = (u.role_name, u.document_id)
         LEFT JOIN have h ON (h.role_name, h.document_id) = (u.role_name, u.document_id)
         GROUP BY a.name
         HAVING count(*) FILTER (WHERE h.document_id IS NULL OR w.document_id IS NULL) > 0",
    )
    .fetch_all(&db.pool)
    .await
    .expect("recompute scopes");
    assert!(wrong.is_empty(), "(agent, missing, extra): {wrong:?}");
    // The chunks and the corpus statistics the policies and an agent's BM25 read (migration 0011)
    // equal the ones recomputed from the documents.
    let chunks_off: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
             (SELECT ad.role_name, c.id, c.length FROM agent_document ad
              JOIN chunk c ON c.document_id = ad.document_id
              EXCEPT SELECT role_name, chunk_id, length FROM agent_chunk)
             UNION ALL
             (SELECT role_name, chunk_id, length FROM agent_chunk
              EXCEPT SELECT ad.role_name, c.id, c.length FROM agent_document ad
              JOIN chunk c ON c.document_id = ad.document_id)) d",
    )
    .fetch_one(&db.pool)
    .await
    .expect("agent chunks");
    assert_eq!(
        chunks_off, 0,
        "agent_chunk differs from its documents' chunks"
    );
    let corpus_off: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.name, coalesce(co.chunks, 0), count(ac.chunk_id),
                coalesce(co.tokens, 0), coalesce(sum(ac.length), 0)::int8
         FROM agent a LEFT JOIN agent_chunk ac ON ac.role_name = a.role_name
         LEFT JOIN agent_corpus co ON co.role_name = a.role_name
         GROUP BY a.name, co.chunks, co.tokens
         HAVING coalesce(co.chunks, 0) <> count(ac.chunk_id)
             OR coalesce(co.tokens, 0) <> coalesce(sum(ac.length), 0)",
    )
    .fetch_all(&db.pool)
    .await
    .expect("agent corpus");
    assert!(
        corpus_off.is_empty(),
        "(agent, chunks, want, tokens, want): {corpus_off:?}"
    );
    // The bitmap the row policies read (migration 0020) sets exactly the bits of agent_chunk.
    let bits_off: Vec<String> = sqlx::query_scalar(
        "SELECT a.name FROM agent a LEFT JOIN agent_corpus co ON co.role_name = a.role_name
         WHERE ARRAY(SELECT (i - 1)::int8 FROM generate_series(1, length(coalesce(co.chunk_bits, B''))) i
                     WHERE substring(co.chunk_bits FROM i FOR 1) = B'1' ORDER BY i)
            <> ARRAY(SELECT ac.chunk_id FROM agent_chunk ac
                     WHERE ac.role_name = a.role_name ORDER BY ac.chunk_id)",
    )
    .fetch_all(&db.pool)
    .await
    .expect("agent chunk bits");
    assert!(
        bits_off.is_empty(),
        "agents whose chunk bitmap differs from agent_chunk: {bits_off:?}"
    );
}

pub fn edit(ops: Vec<EditOp>) -> EditRequest {
    EditRequest {
        base: None,
        ops,
        message: None,
    }
}

/// The roles in this database's agent group (roles are cluster-wide; other tests make theirs).
async fn roles_like_ours(db: &TestDb) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
         WHERE g.rolname = (SELECT role_name FROM agent_group)",
    )
    .fetch_one(&db.pool)
    .await
    .expect("roles")
}

#[tokio::test]
async fn agents_are_data_with_roles_and_refusals_write_nothing() {
    let (db, h) = world().await;
    let zoo = agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    assert_eq!(zoo.categories, ["animals"]);
    assert_eq!((zoo.scope.documents, zoo.scope.nodes), (5, 4));
    assert!(zoo.role.starts_with("dtrag_agent_") && !zoo.can_login);
    assert_eq!(zoo.settings, AgentSettings::default());
    let login: bool = sqlx::query_scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1")
        .bind(&zoo.role)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!login, "a new agent's role cannot log in");

    let before = (fingerprint(&db.pool).await, roles_like_ours(&db).await);
    let refusals: Vec<(NewAgent, ErrorKind)> = vec![
        (new_agent("zoo", &["plants"]), ErrorKind::InvalidInput),
        (new_agent("empty", &[]), ErrorKind::InvalidInput),
        (new_agent("typo", &["animalz"]), ErrorKind::NotFound),
        (new_agent("bad name", &["animals"]), ErrorKind::InvalidInput),
        (
            new_agent("x'); DROP ROLE postgres; --", &["animals"]),
            ErrorKind::InvalidInput,
        ),
        (
            NewAgent {
                pinned_version: Some(99),
                ..new_agent("future", &["animals"])
            },
            ErrorKind::NotFound,
        ),
        (
            NewAgent {
                settings: AgentSettings {
                    k: 0,
                    ..AgentSettings::default()
                },
                ..new_agent("k0", &["animals"])
            },
            ErrorKind::InvalidInput,
        ),
    ];
    for (bad, kind) in refusals {
        let e = agents::create(&h, &bad).await.unwrap_err();
        assert_eq!(e.kind(), kind, "{}: {e}", bad.name);
    }
    let e = agents::update(
        &h,
        "zoo",
        &AgentChange {
            categories: Some(vec!["nope".into()]),
            ..AgentChange::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        agents::show(&h, "ghost").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        (fingerprint(&db.pool).await, roles_like_ours(&db).await),
        before,
        "a refused agent change wrote something"
    );

    let plants = agents::update(
        &h,
        "zoo",
        &AgentChange {
            description: Some("now plants".into()),
            categories: Some(vec!["plants".into(), "tools".into()]),
            settings: Some(AgentSettings {
                mode: Mode::Bm25,
                k: 3,
                ..AgentSettings::default()
            }),
            ..AgentChange::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(plants.categories, ["plants", "tools"]);
    assert_eq!(plants.scope.documents, 4);
    assert_eq!(plants.role, zoo.role, "an update keeps the role");
    assert_eq!(plants.settings.k, 3);
    assert_scopes_exact(&db).await;
    assert_eq!(agents::list(&h).await.unwrap().len(), 1);

    agents::remove(&h, "zoo").await.unwrap();
    assert!(agents::list(&h).await.unwrap().is_empty());
    let role_left: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(&zoo.role)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(!role_left, "the role goes with the agent");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'agent.%' ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(actions, ["agent.create", "agent.update", "agent.remove"]);
}

#[tokio::test]
async fn reverting_the_agents_migration_drops_their_roles_too() {
    let (db, h) = world().await;
    let zoo = agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let group: String = sqlx::query_scalar("SELECT role_name FROM agent_group")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    // Down to before the agents' migration (later ones first).
    loop {
        let step = dtrag_core::db::migrate::revert_one(&db.admin, false)
            .await
            .unwrap()
            .expect("a step");
        if step.version == 6 {
            break;
        }
    }
    for role in [&zoo.role, &group] {
        let left: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
                .bind(role)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert!(!left, "{role} outlived the migration");
    }
    let rls: bool =
        sqlx::query_scalar("SELECT relrowsecurity FROM pg_class WHERE relname = 'document'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(!rls);
    dtrag_core::db::migrate::migrate(&db.admin, false)
        .await
        .unwrap();
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    assert_eq!(scope_of(&db, "zoo").await, ANIMALS);
}

#[tokio::test]
async fn the_self_check_passes_and_catches_a_grant_too_many() {
    let (db, h) = world().await;
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let before = fingerprint(&db.pool).await;
    let c = agents::self_check(&h, "zoo").await.unwrap();
    assert!(c.passed, "{:?}", c.probes);
    assert!(c.probes.len() >= 10);
    assert_eq!(
        fingerprint(&db.pool).await,
        before,
        "the self-check wrote something"
    );

    // Someone grants the agents' group the audit log: the check names it.
    let group: String = sqlx::query_scalar("SELECT role_name FROM agent_group")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query(&format!("GRANT SELECT ON audit_log TO \"{group}\""))
        .execute(&db.admin)
        .await
        .unwrap();
    let c = agents::self_check(&h, "zoo").await.unwrap();
    assert!(!c.passed);
    let failed: Vec<&str> = c
        .probes
        .iter()
        .filter(|p| !p.passed)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(failed, ["refuses the audit log"]);
}
