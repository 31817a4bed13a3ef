//! A cache of recent query vectors in front of any embedder.
//!
//! A search embeds one short text, and people repeat them: the app's search box re-runs a query
//! when a filter changes, an evaluation runs the same golden queries at several versions, an
//! endpoint model charges per call. The local model needs about 10 ms per query on two cores and
//! an endpoint a round trip; a hit here needs a hash lookup. Only single-text calls are cached:
//! batches are corpus embedding, seen once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{EmbedError, Embedder, ModelInfo};

/// Query vectors kept per embedder (384 floats each for MiniLM: about 0.8 MB at this size).
pub const QUERY_CACHE_ENTRIES: usize = 512;

/// An [`Embedder`] that remembers the vectors of the last [`QUERY_CACHE_ENTRIES`] single texts.
pub struct QueryCache {
    inner: Arc<dyn Embedder>,
    capacity: usize,
    recent: Mutex<Recent>,
}

/// Least-recently-used bookkeeping: each entry carries the tick of its last use; eviction scans
/// for the oldest, which at a few hundred entries costs less than a linked list's upkeep.
#[derive(Default)]
struct Recent {
    tick: u64,
    entries: HashMap<String, (u64, Arc<[f32]>)>,
    hits: u64,
    misses: u64,
}

impl QueryCache {
    pub fn new(inner: Arc<dyn Embedder>) -> Self {
        Self::with_capacity(inner, QUERY_CACHE_ENTRIES)
    }

    pub fn with_capacity(inner: Arc<dyn Embedder>, capacity: usize) -> Self {
        QueryCache {
            inner,
            capacity: capacity.max(1),
            recent: Mutex::default(),
        }
    }

    /// (hits, misses) so far.
    pub fn counts(&self) -> (u64, u64) {
        self.recent
            .lock()
            .map(|r| (r.hits, r.misses))
            .unwrap_or_default()
    }

    fn lookup(&self, text: &str) -> Option<Vec<f32>> {
        let mut r = self.recent.lock().ok()?;
        r.tick += 1;
        let tick = r.tick;
        let found = r.entries.get_mut(text).map(|e| {
            e.0 = tick;
            e.1.to_vec()
        });
        match found {
            Some(_) => r.hits += 1,
            None => r.misses += 1,
        }
        found
    }

    fn store(&self, text: &str, vector: &[f32]) {
        // A poisoned lock only loses the cache, never the answer.
        let Ok(mut r) = self.recent.lock() else {
            return;
        };
        if r.entries.len() >= self.capacity && !r.entries.contains_key(text) {
            if let Some(oldest) = r
                .entries
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| k.clone())
            {
                r.entries.remove(&oldest);
            }
        }
        let tick = r.tick;
        r.entries.insert(text.to_string(), (tick, vector.into()));
    }
}

impl Embedder for QueryCache {
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let [text] = texts else {
            return self.inner.embed(texts);
        };
        if let Some(v) = self.lookup(text) {
            return Ok(vec![v]);
        }
        let vectors = self.inner.embed(texts)?;
        if let [v] = vectors.as_slice() {
            self.store(text, v);
        }
        Ok(vectors)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Counts calls; the vector is the text's length, so answers can be told apart.
    struct Counting {
        info: ModelInfo,
        calls: AtomicUsize,
    }

    impl Embedder for Counting {
        fn info(&self) -> &ModelInfo {
            &self.info
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(texts.iter().map(|t| vec![t.len() as f32]).collect())
        }
    }

    fn counting() -> Arc<Counting> {
        Arc::new(Counting {
            info: ModelInfo {
                name: "c".into(),
                dims: 1,
            },
            calls: AtomicUsize::new(0),
        })
    }

    #[test]
    fn a_repeated_query_is_answered_from_the_cache() {
        let inner = counting();
        let cache = QueryCache::new(inner.clone());
        assert_eq!(cache.embed(&["cat"]).unwrap(), vec![vec![3.0]]);
        assert_eq!(cache.embed(&["cat"]).unwrap(), vec![vec![3.0]]);
        assert_eq!(cache.embed(&["horse"]).unwrap(), vec![vec![5.0]]);
        assert_eq!(inner.calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.counts(), (1, 2));
    }

    #[test]
    fn batches_pass_through_and_are_not_kept() {
        let inner = counting();
        let cache = QueryCache::new(inner.clone());
        let got = cache.embed(&["a", "bb"]).unwrap();
        assert_eq!(got, vec![vec![1.0], vec![2.0]]);
        cache.embed(&["a"]).unwrap();
        assert_eq!(inner.calls.load(Ordering::SeqCst), 2);
        assert!(cache.embed(&[]).unwrap().is_empty());
    }

    #[test]
    fn the_least_recently_used_query_is_dropped_first() {
        let inner = counting();
        let cache = QueryCache::with_capacity(inner.clone(), 2);
        cache.embed(&["a"]).unwrap();
        cache.embed(&["bb"]).unwrap();
        cache.embed(&["a"]).unwrap(); // "a" is now more recent than "bb"
        cache.embed(&["ccc"]).unwrap(); // evicts "bb"
        let before = inner.calls.load(Ordering::SeqCst);
        cache.embed(&["a"]).unwrap();
        assert_eq!(inner.calls.load(Ordering::SeqCst), before, "a was kept");
        cache.embed(&["bb"]).unwrap();
        assert_eq!(
            inner.calls.load(Ordering::SeqCst),
            before + 1,
            "bb was dropped"
        );
    }
}
