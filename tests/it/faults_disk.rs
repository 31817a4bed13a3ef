//! The data directory's disk full (a small tmpfs mounted for the test; needs root, skipped
//! otherwise): a write fails with a clear error and leaves nothing behind, reads go on, and the
//! same write works once space is freed.

use std::io::Write;
use std::path::{Path, PathBuf};

use dtrag_api::backup::fingerprint;
use dtrag_api::documents::{self, AddDocuments};
use dtrag_api::search::search;
use dtrag_api::taxonomy;
use dtrag_api::types::{ChunkSettings, Mode, SearchRequest};
use dtrag_api::ErrorKind;

use crate::scratch::Scratch;

/// A tmpfs of `mb` MB, unmounted (and removed) when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(name: &str, mb: u32) -> Option<Mount> {
        let dir = std::env::temp_dir().join(format!("dtrag-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mb}m,mode=0755"),
                "tmpfs",
            ])
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            let _ = std::fs::remove_dir(&dir);
            return None;
        }
        Some(Mount(dir))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Fills the file system of `dir` up to the last few blocks with one file, which is returned
/// for freeing the space again.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0x5a_u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.flush();
    // Leave a little room (much less than the write below needs), so the server itself can
    // still write its small files and the failure is the write's.
    let len = std::fs::metadata(&path).expect("filler size").len();
    f.set_len(len.saturating_sub(256 * 1024)).expect("truncate");
    path
}

fn docs_file(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("docs.jsonl");
    let text: String = (0..n)
        .map(|i| {
            let body = format!("Disk full document {i}: checkpoints, segments and free space. ").repeat(30);
            format!("{{\"id\":\"full-{i}\",\"title\":\"Full {i}\",\"text\":\"{body}\",\"categories\":[]}}\n")
        })
        .collect();
    std::fs::write(&path, text).expect("docs file");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_writes_cleanly_keeps_reads_and_recovers_when_freed() {
    let Some(mount) = Mount::tmpfs("diskfull", 256) else {
        eprintln!("skipped: cannot mount a tmpfs (needs root)");
        return;
    };
    let s = Scratch::at(mount.0.join("data"));
    let h = s.open().await;
    // The write's input lives outside the full file system.
    let input = docs_file(&std::env::temp_dir(), 400);
    let add = || AddDocuments {
        paths: vec![input.clone()],
        chunking: ChunkSettings::default(),
        no_embed: true,
    };
    // A fresh WAL segment (16 MB, written out when created): the write's WAL fits in it, so what
    // runs out is the space for the tables, as on a disk that fills up over time.
    let mut admin = s.admin().await;
    sqlx::query("SELECT pg_switch_wal()")
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query("CHECKPOINT").execute(&mut admin).await.unwrap();
    drop(admin);
    let before = fingerprint(&h).await.unwrap();
    let filler = fill(&mount.0);

    let err = documents::add(&h, add(), &mut |_| {})
        .await
        .expect_err("no space for 400 documents");
    let message = dtrag_api::error_message(&err);
    assert_eq!(err.kind(), ErrorKind::Io, "{message}");
    assert!(message.contains("No space left on device"), "{message}");

    // Nothing half-written, and reads go on.
    assert_eq!(fingerprint(&h).await.unwrap().digest, before.digest);
    assert!(!taxonomy::versions(&h).await.unwrap().is_empty());
    let found = search(
        &h,
        &SearchRequest {
            query: "embedding".into(),
            mode: Mode::Bm25,
            ..SearchRequest::default()
        },
    )
    .await
    .expect("a search while the disk is full");
    assert!(!found.hits.is_empty());

    // Space freed: the same write works.
    std::fs::remove_file(&filler).unwrap();
    let added = documents::add(&h, add(), &mut |_| {})
        .await
        .expect("the write works once there is space");
    assert_eq!(added.ingest.added, 400, "{added:?}");
    h.close(true).await.unwrap();
    drop(s);
    let _ = std::fs::remove_file(&input);
}
