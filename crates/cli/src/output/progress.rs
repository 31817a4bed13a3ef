//! Progress of long jobs on stderr: a line rewritten in place, or a line every tenth of the way.

use std::io::{IsTerminal, Write};

use dtrag_api::progress::Progress as Report;

use super::thousands;

/// Progress of long work on stderr (`ingested 12,000 / 82,115 documents`, `embedded 640 / 3,000
/// chunks`): one line rewritten in place on a terminal, a plain line every tenth of the way
/// otherwise. Small jobs and `--json` print nothing.
pub struct Progress {
    enabled: bool,
    terminal: bool,
    /// Something is on the terminal line (it needs a newline at the end).
    drawn: bool,
    /// The stage and last tenth reported on a non-terminal.
    tenth: (&'static str, usize),
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
            tenth: ("", 0),
        }
    }

    /// Jobs smaller than this are quick: no progress. Embedding is slow per item (tens of
    /// chunks a second), ingesting fast (thousands of documents a second).
    fn worth_showing(r: &Report) -> bool {
        match r.stage {
            "embed" | dtrag_api::review::STAGE_CATEGORIES => r.total >= 200,
            // Tables, each possibly large.
            "backup" | "restore" => r.total >= 10,
            _ => r.total >= 1000,
        }
    }

    pub fn update(&mut self, r: &Report) {
        if !self.enabled || !Self::worth_showing(r) {
            return;
        }
        let (verb, unit) = match r.stage {
            "embed" => ("embedded", "chunks"),
            "backup" => ("backed up", "tables"),
            "restore" => ("restored", "tables"),
            dtrag_api::review::STAGE_CATEGORIES => ("embedded", "category texts"),
            dtrag_api::review::STAGE_CALIBRATION => ("calibrating on", "labelled documents"),
            dtrag_api::review::STAGE_CLASSIFY => ("classified", "documents"),
            _ => ("ingested", "documents"),
        };
        let line = format!(
            "{verb} {} / {} {unit}",
            thousands(r.done),
            thousands(r.total)
        );
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
            self.drawn = true;
        } else {
            let tenth = r.done * 10 / r.total.max(1);
            if self.tenth.0 != r.stage || tenth > self.tenth.1 {
                self.tenth = (r.stage, tenth);
                let _ = writeln!(err, "{line}");
            }
        }
    }

    /// Ends the terminal line (also after an error, so the message starts on a line of its own).
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr().lock());
            self.drawn = false;
        }
    }
}
