//! Printing results: plain text for people, JSON (`--json`) for scripts.

pub mod health;
mod interchange;
mod progress;
mod records;
mod review;
mod taxonomy;

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use dtrag_api::{CommandError, ErrorKind};

pub use progress::Progress;

pub struct Out {
    pub json: bool,
}

/// Writes a line to stdout; a closed pipe (`dtrag ... | head`) is not an error worth a panic.
fn emit(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// An error that did not come from the library, as a report.
fn other_report(e: &anyhow::Error) -> CommandError {
    CommandError::new(
        ErrorKind::InvalidInput,
        dtrag_api::error_message(e.as_ref()),
    )
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => emit(&s),
        Err(e) => eprintln!("error: cannot encode the result as JSON: {e}"),
    }
}

impl Out {
    /// Prints `value` as JSON, or the text made by `text`.
    pub fn value(&self, value: &impl Serialize, text: impl FnOnce() -> String) {
        if self.json {
            print_json(value);
        } else {
            emit(&text());
        }
    }

    /// Prints an error on stderr (even with `--json`, so stdout stays a clean result stream):
    /// `error: message`, or `{"error": message, "kind": kind}`. A library error keeps its kind;
    /// anything else (a refused confirmation, an unreadable answer) is `invalid_input`.
    pub fn error(&self, e: &anyhow::Error) {
        let report = match e.downcast_ref::<dtrag_api::Error>() {
            Some(lib) => CommandError::new(lib.kind(), dtrag_api::error_message(e.as_ref())),
            None => other_report(e),
        };
        if self.json {
            let v = serde_json::json!({"error": report.message, "kind": report.kind});
            eprintln!("{v}");
        } else {
            eprintln!("error: {}", report.message);
        }
    }
}

/// Writes records as JSON Lines to `path`, or to standard output.
pub fn write_jsonl<T: Serialize>(records: &[T], path: Option<&Path>) -> anyhow::Result<()> {
    let mut w: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    for r in records {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

/// Bytes to a file, or to standard output.
pub fn write_bytes(bytes: &[u8], path: Option<&Path>) -> anyhow::Result<()> {
    match path {
        Some(p) => std::fs::write(p, bytes)?,
        None => {
            let mut w = std::io::stdout().lock();
            w.write_all(bytes)?;
            w.flush()?;
        }
    }
    Ok(())
}

/// `82115` as `82,115`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (82115, "82,115"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), s);
        }
    }
}
