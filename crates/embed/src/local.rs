//! The local embedding model, all-MiniLM-L6-v2, run in-process on the CPU with candle.
//!
//! It reproduces what sentence-transformers does for this model (its `modules.json` is
//! Transformer → Pooling(mean) → Normalize): WordPiece tokenisation truncated at
//! `max_seq_length` (256, from `sentence_bert_config.json`), the 6-layer BERT encoder, mean
//! pooling of the token states weighted by the attention mask, and L2 normalisation.
//!
//! The model folder is the one sentence-transformers saves (`config.json`, `tokenizer.json`,
//! `model.safetensors`, …); `scripts/fetch-model.sh` fills `target/dtrag-data/models/` with it.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Encoding, Tokenizer, TruncationParams};

use super::{normalize, EmbedError, Embedder, ModelInfo};

/// The model's name, also its folder name in the models folder.
pub const MINILM: &str = "all-MiniLM-L6-v2";
/// The width of its vectors.
pub const MINILM_DIMS: usize = 384;

/// Token limit (special tokens included) when `sentence_bert_config.json` does not say.
const DEFAULT_MAX_SEQ_LENGTH: usize = 256;
/// Texts per forward pass: bounds memory (activations grow with batch × longest text).
const BATCH_SIZE: usize = 32;
/// Texts tokenised together and sorted by length, so each batch pads to similar lengths.
const SORT_WINDOW: usize = BATCH_SIZE * 16;

/// The files a model folder must hold.
const REQUIRED_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// all-MiniLM-L6-v2 on the CPU, in f32. Loading reads the ~90 MB of weights into memory once;
/// [`Embedder::embed`] may then be called from several threads at once.
pub struct LocalMiniLm {
    info: ModelInfo,
    dir: PathBuf,
    tokenizer: Tokenizer,
    model: BertModel,
    device: Device,
}

impl std::fmt::Debug for LocalMiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalMiniLm")
            .field("info", &self.info)
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

impl LocalMiniLm {
    /// Loads the model from its folder (`config.json`, `tokenizer.json`, `model.safetensors`,
    /// optionally `sentence_bert_config.json`). Missing files give [`EmbedError::ModelMissing`]
    /// naming the folder; unreadable or inconsistent ones [`EmbedError::ModelLoad`].
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let missing: Vec<&str> = REQUIRED_FILES
            .iter()
            .copied()
            .filter(|f| !dir.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(EmbedError::ModelMissing {
                dir: dir.display().to_string(),
                detail: format!("missing {}", missing.join(", ")),
            });
        }
        let load_err = |what: &str, e: &dyn std::fmt::Display| {
            EmbedError::ModelLoad(format!("{}: {what}: {e}", dir.display()))
        };

        let config_text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| load_err("config.json", &e))?;
        let config: Config =
            serde_json::from_str(&config_text).map_err(|e| load_err("config.json", &e))?;
        if config.hidden_size != MINILM_DIMS {
            return Err(load_err(
                "config.json",
                &format!(
                    "hidden_size is {}, {MINILM} has {MINILM_DIMS}",
                    config.hidden_size
                ),
            ));
        }

        let max_seq_length = match std::fs::read_to_string(dir.join("sentence_bert_config.json")) {
            Ok(text) => serde_json::from_str::<SentenceBertConfig>(&text)
                .map_err(|e| load_err("sentence_bert_config.json", &e))?
                .max_seq_length
                .unwrap_or(DEFAULT_MAX_SEQ_LENGTH),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_MAX_SEQ_LENGTH,
            Err(e) => return Err(load_err("sentence_bert_config.json", &e)),
        }
        .min(config.max_position_embeddings);

        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| load_err("tokenizer.json", &*e))?;
        // The saved tokenizer.json pads and truncates to a fixed 128; sentence-transformers
        // truncates at max_seq_length and pads each batch to its longest text (done here, by hand).
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_seq_length,
                ..TruncationParams::default()
            }))
            .map_err(|e| load_err("tokenizer.json", &*e))?;
        tokenizer.with_padding(None);

        let device = Device::Cpu;
        let weights = std::fs::read(dir.join("model.safetensors"))
            .map_err(|e| load_err("model.safetensors", &e))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| load_err("model.safetensors", &e))?;
        let model = BertModel::load(vb, &config).map_err(|e| load_err("model.safetensors", &e))?;

        Ok(Self {
            info: ModelInfo {
                name: MINILM.to_string(),
                dims: MINILM_DIMS,
            },
            dir: dir.to_path_buf(),
            tokenizer,
            model,
            device,
        })
    }

    /// Loads the model from its folder in `models_dir` (`<models_dir>/all-MiniLM-L6-v2`).
    pub fn load_from(models_dir: &Path) -> Result<Self, EmbedError> {
        Self::load(&models_dir.join(MINILM))
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// One forward pass: the mean-pooled, L2-normalised vectors of `batch`, in order.
    fn embed_batch(&self, batch: &[&Encoding]) -> candle_core::Result<Vec<Vec<f32>>> {
        let n = batch.len();
        let width = batch.iter().map(|e| e.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0u32; n * width];
        let mut mask = vec![0u32; n * width];
        for (row, enc) in batch.iter().enumerate() {
            let start = row * width;
            let len = enc.len();
            ids[start..start + len].copy_from_slice(enc.get_ids());
            mask[start..start + len].copy_from_slice(enc.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (n, width), &self.device)?;
        let mask = Tensor::from_vec(mask, (n, width), &self.device)?;
        let type_ids = ids.zeros_like()?;

        let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?; // (n, width, dims)
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (n, width, 1)
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?; // (n, dims)
        let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (n, 1)
        let mut vectors = summed.broadcast_div(&counts)?.to_vec2::<f32>()?;
        vectors.iter_mut().for_each(|v| normalize(v));
        Ok(vectors)
    }
}

impl Embedder for LocalMiniLm {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for window in texts.chunks(SORT_WINDOW) {
            let encodings = self
                .tokenizer
                .encode_batch_fast(window.to_vec(), true)
                .map_err(|e| EmbedError::Inference(format!("tokenizing: {e}")))?;
            // Longest first, as sentence-transformers does: batches of similar lengths waste
            // little work on padding. Results go back to their input positions.
            let mut order: Vec<usize> = (0..encodings.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
            let mut vectors: Vec<Vec<f32>> = vec![Vec::new(); window.len()];
            for chunk in order.chunks(BATCH_SIZE) {
                let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
                let embedded = self
                    .embed_batch(&batch)
                    .map_err(|e| EmbedError::Inference(e.to_string()))?;
                for (&i, v) in chunk.iter().zip(embedded) {
                    vectors[i] = v;
                }
            }
            out.extend(vectors);
        }
        Ok(out)
    }
}
