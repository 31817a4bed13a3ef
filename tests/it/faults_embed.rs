//! Faults that end one job or one connection: the postmaster SIGKILLed mid-embedding (the job
//! keeps its committed batches and a second run finishes the rest), and a server by URL whose
//! backend is terminated mid-transaction (a clean "unavailable" error, nothing written, and a
//! retry that works).

use std::time::Duration;

use dtrag_api::backup::fingerprint;
use dtrag_api::documents::{self, AddDocuments};
use dtrag_api::models::{self, EmbedRequest};
use dtrag_api::taxonomy::{self, EditRequest, ImportRequest, VersionRequest};
use dtrag_api::types::{ChunkSettings, EditOp};
use dtrag_api::{database, Config, ErrorKind, Handle};

use crate::common::{fresh_db, models_dir};
use crate::scratch::{hold_writes, until_waiting_on, Scratch};

const DOCS: usize = 40;
const BATCH: usize = 8;

async fn chunks_without_vectors(h: &Handle) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM chunk c WHERE NOT EXISTS
           (SELECT 1 FROM chunk_embedding e WHERE e.chunk_id = c.id)",
    )
    .fetch_one(h.pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_embedding_keeps_the_finished_batches_and_the_job_resumes() {
    let s = Scratch::new("crash-embed");
    let h = s.open().await;
    let file = s.dir.join("docs.jsonl");
    let lines: String = (0..DOCS)
        .map(|i| {
            format!(
                "{{\"id\":\"crash-{i}\",\"title\":\"Crash {i}\",\"text\":\"Document {i} about \
                 write-ahead logging, checkpoints and recovery after a crash.\",\"categories\":[]}}\n"
            )
        })
        .collect();
    std::fs::write(&file, lines).unwrap();
    documents::add(
        &h,
        AddDocuments {
            paths: vec![file],
            chunking: ChunkSettings::default(),
            no_embed: true,
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    let pending = chunks_without_vectors(&h).await;
    assert!(pending >= DOCS as i64, "{pending}");

    // The job reports after each committed batch: after the first it waits for the test,
    // which then blocks the table, so the second batch is computed and queues to be written.
    let (reached, mut first_batch) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let (go, wait_for_go) = std::sync::mpsc::channel::<()>();
    let hh = h.clone();
    let job = tokio::spawn(async move {
        let mut paused = false;
        let mut pause = move |p: dtrag_api::progress::Progress| {
            if p.stage == "embed" && p.done > 0 && !paused {
                paused = true;
                let _ = reached.send(p.done);
                // The callback is synchronous, so the pause blocks its thread: in place, so
                // the runtime hands this worker's tasks and the I/O driver to another thread.
                // A plain blocking wait starved the test's own connections of I/O until the
                // wait timed out; by then the server had dropped them (authentication_timeout,
                // 60 s): "Broken pipe" / "Connection reset by peer" in 2 of 3 runs.
                tokio::task::block_in_place(|| {
                    let _ = wait_for_go.recv_timeout(Duration::from_secs(60));
                });
            }
        };
        models::embed(
            &hh,
            &EmbedRequest {
                model: None,
                batch: Some(BATCH),
                no_index: true,
            },
            &mut pause,
        )
        .await
        .map(|_| ())
    });
    let done = first_batch.recv().await.expect("a first batch");
    let mut blocker = s.admin().await;
    hold_writes(&mut blocker, "chunk_embedding").await;
    let before = fingerprint(&h).await.unwrap();
    go.send(()).unwrap();
    let mut watcher = s.admin().await;
    until_waiting_on(&mut watcher, "chunk_embedding").await;
    s.kill_postmaster();
    let err = tokio::time::timeout(Duration::from_secs(60), job)
        .await
        .expect("the job returns")
        .expect("no panic")
        .expect_err("the job fails with its server");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    drop((blocker, watcher));

    let st = database::start(&s.config).await.unwrap();
    assert!(st.recovered);
    let after = fingerprint(&h).await.unwrap();
    assert_eq!(
        before.digest,
        after.digest,
        "changed: {:?}",
        before.differing_tables(&after)
    );
    // The first batch survived the crash; the rest is still to do.
    assert_eq!(chunks_without_vectors(&h).await, pending - done as i64);

    let run = models::embed(
        &h,
        &EmbedRequest {
            model: None,
            batch: Some(BATCH),
            no_index: false,
        },
        &mut |_| {},
    )
    .await
    .expect("the job resumes");
    assert_eq!(run.report.embedded as i64, pending - done as i64);
    assert_eq!(chunks_without_vectors(&h).await, 0);
    h.close(true).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminated_connection_mid_transaction_is_a_clean_error_and_a_retry_works() {
    let db = fresh_db().await;
    let config = Config {
        data_dir: std::env::temp_dir(),
        models_dir: models_dir(),
        author: "fault-test".into(),
        embeddings_api_key: None,
        llm_api_key: None,
        pg_bindir: None,
    };
    let h = Handle::from_pool(db.pool.clone(), config, false);
    let file = std::env::temp_dir().join(format!("dtrag-terminate-{}.jsonl", std::process::id()));
    std::fs::write(&file, crate::common::SAMPLE).unwrap();
    taxonomy::import(
        &h,
        ImportRequest {
            path: file.display().to_string(),
            message: None,
            format: None,
            base: None,
            lang: None,
        },
    )
    .await
    .unwrap();
    let _ = std::fs::remove_file(&file);
    let key = taxonomy::roots(&h, VersionRequest { version: None })
        .await
        .unwrap()[0]
        .key
        .clone();
    let edit = EditRequest {
        base: None,
        ops: vec![EditOp::Rename {
            key,
            label: "Renamed after a dropped connection".into(),
        }],
        message: None,
    };

    let before = fingerprint(&h).await.unwrap();
    // The admin login: LOCK ... IN SHARE MODE and ending another backend are beyond dtrag_app.
    let mut blocker = db.admin.acquire().await.unwrap().detach();
    hold_writes(&mut blocker, "audit_log").await;
    let (hh, e) = (h.clone(), edit.clone());
    let task = tokio::spawn(async move { taxonomy::publish_edits(&hh, e).await });
    until_waiting_on(&mut blocker, "audit_log").await;
    let killed: bool = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE relation = 'audit_log'::regclass AND NOT granted LIMIT 1",
    )
    .fetch_one(&mut blocker)
    .await
    .unwrap();
    assert!(killed);
    let err = task
        .await
        .unwrap()
        .expect_err("the publish lost its connection");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    let message = dtrag_api::error_message(&err);
    assert!(
        message.contains("terminat") || message.contains("connection"),
        "says the connection ended: {message}"
    );
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    assert_eq!(fingerprint(&h).await.unwrap().digest, before.digest);

    // The same handle, the same request: the pool replaced the dead connection.
    let published = taxonomy::publish_edits(&h, edit)
        .await
        .expect("the retry works");
    assert_eq!(published.version, Some(2));
    assert_ne!(fingerprint(&h).await.unwrap().digest, before.digest);
}
