//! Splitting text into chunks for retrieval: about `size` characters each, cut at paragraph
//! boundaries where possible, with `overlap` characters of the previous chunk repeated at the start
//! of the next so a sentence cut in two is still found whole.

/// Chunking settings (characters, not bytes: labels and documents are often not ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSettings {
    pub size: usize,
    pub overlap: usize,
}

impl Default for ChunkSettings {
    fn default() -> Self {
        ChunkSettings {
            size: 1000,
            overlap: 150,
        }
    }
}

impl ChunkSettings {
    /// Checks the settings, with a reason when they make no sense.
    pub fn check(&self) -> Result<(), String> {
        if self.size < 50 {
            return Err(format!(
                "chunk size {} is too small (at least 50 characters)",
                self.size
            ));
        }
        if self.overlap >= self.size / 2 {
            return Err(format!(
                "overlap {} must be less than half the chunk size {}",
                self.overlap, self.size
            ));
        }
        Ok(())
    }
}

/// Pieces no longer than `size` characters: paragraphs as they are, longer ones cut at the last
/// sentence end or space before the limit.
fn pieces(text: &str, size: usize) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let chars: Vec<char> = para.chars().collect();
        let mut start = 0;
        while chars.len() - start > size {
            let window = &chars[start..start + size];
            let cut = window
                .iter()
                .rposition(|c| matches!(c, '.' | '!' | '?' | '。'))
                .filter(|&i| i > size / 2)
                .map(|i| i + 1)
                .or_else(|| {
                    window
                        .iter()
                        .rposition(|c| c.is_whitespace())
                        .filter(|&i| i > size / 4)
                })
                .unwrap_or(size);
            out.push(
                chars[start..start + cut]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string(),
            );
            start += cut;
        }
        let rest: String = chars[start..].iter().collect::<String>().trim().to_string();
        if !rest.is_empty() {
            out.push(rest);
        }
    }
    out
}

/// The chunks of `text`.
pub fn chunk_text(text: &str, settings: ChunkSettings) -> Vec<String> {
    let normalised = text.replace("\r\n", "\n");
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for piece in pieces(&normalised, settings.size - settings.overlap) {
        let len = current.chars().count();
        if len > 0 && len + 2 + piece.chars().count() > settings.size {
            let tail = overlap_tail(&current, settings.overlap);
            chunks.push(std::mem::take(&mut current));
            current = tail;
        }
        if !current.is_empty() {
            current.push_str("\n\n");
        }
        current.push_str(&piece);
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    chunks
}

/// The last `overlap` characters of `text`, starting at a word boundary.
fn overlap_tail(text: &str, overlap: usize) -> String {
    if overlap == 0 {
        return String::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let from = chars.len().saturating_sub(overlap);
    let tail: String = chars[from..].iter().collect();
    match tail.find(char::is_whitespace) {
        Some(i) if from > 0 => tail[i..].trim_start().to_string(),
        _ => tail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(size: usize, overlap: usize) -> ChunkSettings {
        ChunkSettings { size, overlap }
    }

    #[test]
    fn short_text_is_one_chunk_and_empty_text_none() {
        assert_eq!(
            chunk_text("Hello world.", settings(100, 10)),
            ["Hello world."]
        );
        assert!(chunk_text("  \n\n  ", settings(100, 10)).is_empty());
    }

    #[test]
    fn paragraphs_are_kept_whole_and_chunks_respect_the_size() {
        let text = (0..20)
            .map(|i| format!("Paragraph {i} says something short."))
            .collect::<Vec<_>>()
            .join("\n\n");
        let chunks = chunk_text(&text, settings(120, 20));
        assert!(chunks.len() > 3);
        for c in &chunks {
            assert!(c.chars().count() <= 120, "{c:?}");
        }
        // Every paragraph appears whole in some chunk.
        for i in 0..20 {
            let p = format!("Paragraph {i} says something short.");
            assert!(chunks.iter().any(|c| c.contains(&p)), "{p} lost");
        }
    }

    #[test]
    fn a_long_paragraph_is_cut_at_sentences_and_overlaps() {
        let text = "Alpha beta gamma. ".repeat(40);
        let chunks = chunk_text(&text, settings(100, 20));
        assert!(chunks.len() > 5);
        assert!(chunks.iter().all(|c| c.chars().count() <= 100));
        // Consecutive chunks share text (the overlap).
        let last_word = chunks[0].split_whitespace().last().unwrap();
        assert!(chunks[1].starts_with(last_word) || chunks[1].contains(last_word));
    }

    #[test]
    fn unicode_is_cut_on_characters() {
        let text = "日本語のテキスト。".repeat(50);
        let chunks = chunk_text(&text, settings(60, 10));
        assert!(chunks.iter().all(|c| c.chars().count() <= 60));
        assert!(chunks.len() > 3);
    }

    #[test]
    fn bad_settings_are_explained() {
        assert!(settings(10, 0).check().unwrap_err().contains("too small"));
        assert!(settings(100, 60)
            .check()
            .unwrap_err()
            .contains("less than half"));
        assert!(ChunkSettings::default().check().is_ok());
    }
}
