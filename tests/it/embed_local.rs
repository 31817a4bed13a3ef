//! The local all-MiniLM-L6-v2 embedder against vectors sentence-transformers computed for the same
//! sentences (tests/fixtures/minilm-reference.json, made by scripts/make-embedding-fixture.py).
//! Needs the model folder (`bash scripts/fetch-model.sh`), not the database.

use std::sync::OnceLock;

use dtrag_embed::local::{LocalMiniLm, MINILM};
use dtrag_embed::{EmbedError, Embedder};

use crate::common::models_dir;

#[derive(serde::Deserialize)]
struct Reference {
    model: String,
    sentences: Vec<String>,
    embeddings: Vec<Vec<f32>>,
}

fn reference() -> Reference {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/minilm-reference.json"
    );
    let text = std::fs::read_to_string(path).expect("read the reference fixture");
    serde_json::from_str(&text).expect("parse the reference fixture")
}

/// The model, loaded once for all tests of this file. A missing model fails the test (it is not
/// skipped): the message says to run scripts/fetch-model.sh.
fn model() -> &'static LocalMiniLm {
    static MODEL: OnceLock<LocalMiniLm> = OnceLock::new();
    MODEL.get_or_init(
        || match LocalMiniLm::load_from(&crate::common::models_dir()) {
            Ok(m) => m,
            Err(e) => panic!(
                "cannot load {MINILM} from {}: {e}\n(run `bash scripts/fetch-model.sh` first)",
                models_dir().join(MINILM).display()
            ),
        },
    )
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

fn check_shape(v: &[f32], what: &str) {
    assert_eq!(v.len(), 384, "{what}: dimensions");
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "{what}: norm {norm}, expected 1");
}

#[test]
fn matches_sentence_transformers_in_batch_and_one_by_one() {
    let reference = reference();
    assert_eq!(reference.model, MINILM);
    let model = model();
    assert_eq!(model.info().name, MINILM);
    assert_eq!(model.info().dims, 384);

    let texts: Vec<&str> = reference.sentences.iter().map(String::as_str).collect();
    let batch = model.embed(&texts).expect("embed the batch");
    assert_eq!(batch.len(), texts.len());

    let mut min_ref = f32::MAX;
    let mut min_single = f32::MAX;
    for (i, text) in texts.iter().enumerate() {
        let short: String = text.chars().take(40).collect();
        let what = format!("sentence {i} {short:?}");
        let single = model.embed(&[text]).expect("embed one sentence");
        assert_eq!(single.len(), 1);
        let single = &single[0];
        check_shape(&batch[i], &what);
        check_shape(single, &what);

        let expected = &reference.embeddings[i];
        let c_batch = cosine(&batch[i], expected);
        let c_single = cosine(single, expected);
        let c_agree = cosine(&batch[i], single);
        eprintln!("{what}: cos(batch, ref) {c_batch:.7} cos(single, ref) {c_single:.7} cos(batch, single) {c_agree:.7}");
        assert!(
            c_batch >= 0.999,
            "{what}: batch vs reference cosine {c_batch}"
        );
        assert!(
            c_single >= 0.999,
            "{what}: single vs reference cosine {c_single}"
        );
        assert!(
            c_agree >= 0.9999,
            "{what}: batch vs single cosine {c_agree} (padding leaks?)"
        );
        min_ref = min_ref.min(c_batch).min(c_single);
        min_single = min_single.min(c_agree);
    }
    eprintln!("min cosine vs reference {min_ref:.7}, min batch vs single {min_single:.7}");
}

#[test]
fn empty_input_gives_no_vectors() {
    assert!(model().embed(&[]).expect("embed nothing").is_empty());
}

#[test]
fn large_inputs_keep_their_order() {
    // More than one sort window (512 texts) and many batches: results must come back in input
    // order. Texts of up to ~60 tokens only, to keep this quick in a debug build.
    let reference = reference();
    let picks: Vec<usize> = (0..reference.sentences.len())
        .filter(|&i| reference.sentences[i].len() < 200)
        .collect();
    let texts: Vec<&str> = (0..530)
        .map(|i| reference.sentences[picks[(i * 7) % picks.len()]].as_str())
        .collect();
    let vectors = model().embed(&texts).expect("embed many");
    assert_eq!(vectors.len(), texts.len());
    for (i, v) in vectors.iter().enumerate() {
        let expected = &reference.embeddings[picks[(i * 7) % picks.len()]];
        let c = cosine(v, expected);
        assert!(c >= 0.999, "text {i}: cosine {c}");
    }
}

#[test]
fn load_from_an_empty_folder_says_the_model_is_missing() {
    let dir = std::env::temp_dir().join(format!("dtrag-empty-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = LocalMiniLm::load(&dir).expect_err("an empty folder holds no model");
    let message = err.to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        matches!(err, EmbedError::ModelMissing { .. }),
        "expected ModelMissing, got {err:?}"
    );
    assert!(
        message.contains(&dir.display().to_string()),
        "the message should name the folder: {message}"
    );
    assert!(message.contains("fetch-model.sh"), "{message}");
    assert!(message.contains("model.safetensors"), "{message}");
}

#[test]
fn embedder_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<LocalMiniLm>();
    let _: &dyn Embedder = model();
}
