//! Crashes: the postmaster SIGKILLed while an import, a publish, a review decision or an
//! embedding job is inside its transaction. After `db start` the database equals what it was
//! before that transaction (the fingerprint), the faces reconnect and say what happened, and the
//! embedding job continues where it stopped. Each mutation is paused deterministically: the test
//! holds a SHARE lock on the table the mutation writes last, waits until the writer queues for
//! it, and then kills.

use std::time::{Duration, Instant};

use dtrag_api::backup::fingerprint;
use dtrag_api::review::{self, DecideRequest, QueueRequest};
use dtrag_api::taxonomy::{self, EditRequest, ImportRequest, VersionRequest};
use dtrag_api::types::{Decision, EditOp};
use dtrag_api::{database, ErrorKind, Handle};
use dtrag_core::db::fingerprint::Fingerprint;

use crate::scratch::{hold_writes, until_waiting_on, Scratch};

/// Runs `work` until it waits to write the audit log, kills the postmaster, checks the work
/// failed as "unavailable", restarts with `db start`, and returns the fingerprints before and
/// after.
async fn crash_during<F>(s: &Scratch, h: &Handle, work: F) -> (Fingerprint, Fingerprint)
where
    F: std::future::Future<Output = dtrag_api::Result<()>> + Send + 'static,
{
    let before = fingerprint(h).await.unwrap();
    let mut blocker = s.admin().await;
    hold_writes(&mut blocker, "audit_log").await;
    let task = tokio::spawn(work);
    let mut watcher = s.admin().await;
    until_waiting_on(&mut watcher, "audit_log").await;
    s.kill_postmaster();
    let outcome = tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .expect("the interrupted work returns")
        .expect("no panic");
    let err = outcome.expect_err("work whose server died fails");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    drop((blocker, watcher));

    let started = Instant::now();
    let st = database::start(&s.config)
        .await
        .expect("db start right after the crash");
    assert!(st.recovered && st.launched, "{st:?}");
    assert!(started.elapsed() < Duration::from_secs(60));
    // The handle opened before the crash works again: the pool replaces its dead connections.
    let after = fingerprint(h).await.expect("the old handle reconnects");
    (before, after)
}

fn assert_same(before: &Fingerprint, after: &Fingerprint, what: &str) {
    assert_eq!(
        before.digest,
        after.digest,
        "{what}: tables changed by the interrupted transaction: {:?}",
        before.differing_tables(after)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_import_or_mid_publish_leaves_the_database_as_it_was() {
    let s = Scratch::new("crash-publish");
    let h = s.open().await;

    // Mid-publish: a rename of a root category.
    let roots = taxonomy::roots(&h, VersionRequest { version: None })
        .await
        .unwrap();
    let key = roots[0].key.clone();
    let hh = h.clone();
    let (before, after) = crash_during(&s, &h, async move {
        taxonomy::publish_edits(
            &hh,
            EditRequest {
                base: None,
                ops: vec![EditOp::Rename {
                    key,
                    label: "Renamed during a crash".into(),
                }],
                message: None,
            },
        )
        .await
        .map(|_| ())
    })
    .await;
    assert_same(&before, &after, "publish");

    // Mid-import: a whole new taxonomy version from a file.
    let file = s.dir.join("import.jsonl");
    let mut text = crate::common::SAMPLE.to_string();
    text.push_str("{\"key\":\"crash-test\",\"label\":\"Crash test\",\"parents\":[]}\n");
    std::fs::write(&file, text).unwrap();
    let hh = h.clone();
    let path = file.display().to_string();
    let (before, after) = crash_during(&s, &h, async move {
        taxonomy::import(
            &hh,
            ImportRequest {
                path,
                message: Some("import during a crash".into()),
                format: None,
                base: None,
                lang: None,
            },
        )
        .await
        .map(|_| ())
    })
    .await;
    assert_same(&before, &after, "import");

    // The CLI, started after another crash, recovers the server and says so.
    s.kill_postmaster();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dtrag"))
        .arg("--data-dir")
        .arg(&s.dir)
        .args(["taxonomy", "versions"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("it was restarted and recovered"),
        "{stderr}"
    );
    // Nothing of the two interrupted changes is there; the import works now.
    assert_eq!(fingerprint(&h).await.unwrap().digest, after.digest);
    h.close(true).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_review_decision_leaves_the_item_open() {
    let s = Scratch::new("crash-review");
    let h = s.open().await;
    let page = review::list(
        &h,
        QueueRequest {
            filter: Default::default(),
            order: Default::default(),
            limit: Some(1),
            offset: None,
        },
    )
    .await
    .unwrap();
    let item = page.items.first().expect("the samples queue items").id;
    let hh = h.clone();
    let (before, after) = crash_during(&s, &h, async move {
        review::decide(
            &hh,
            DecideRequest {
                item,
                decision: Decision::Reject,
            },
        )
        .await
        .map(|_| ())
    })
    .await;
    assert_same(&before, &after, "review decision");
    // And the decision can be made now.
    review::decide(
        &h,
        DecideRequest {
            item,
            decision: Decision::Reject,
        },
    )
    .await
    .expect("the item is still open after the crash");
    h.close(true).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_start_recovers_at_once_right_after_a_kill() {
    let s = Scratch::new("crash-start");
    s.cluster().start().await.unwrap();
    for round in 0..3 {
        s.kill_postmaster();
        // At once: no pause for the zombie to be reaped or the old backends to exit.
        let started = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dtrag"))
            .arg("--data-dir")
            .arg(&s.dir)
            .args(["--json", "db", "start"])
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["recovered"], true, "round {round}: {v}");
        assert!(started.elapsed() < Duration::from_secs(60));
        // Really up: a connection works.
        drop(s.admin().await);
    }
    // A clean stop leaves nothing to recover.
    assert!(s.cluster().stop().await.unwrap());
    let st = s.cluster().start_detailed().await.unwrap();
    assert!(st.launched && !st.recovered, "{st:?}");
}
