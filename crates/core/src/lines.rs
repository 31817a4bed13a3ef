//! Reading the lines of an outside file (JSON Lines: taxonomy imports, change sets, document
//! files) one bounded line at a time. `BufRead::lines` reads a whole line before anyone can look
//! at its length, so a file that is one huge line (or binary data with no newline) would be held
//! in memory whole; here a line longer than the limit is refused after `max + 1` bytes.

use std::io::{BufRead, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// Reads the next line of `reader` into `buf` (cleared first; the line end is kept) and returns
/// `Ok(false)` at the end of the input. A line over `max` bytes is a bad-input error naming
/// `name` and `lineno`; so is one that is not UTF-8 ([`as_text`]).
pub fn read_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
    name: &Path,
    lineno: usize,
) -> Result<bool> {
    buf.clear();
    let n = reader
        .take(max as u64 + 1)
        .read_until(b'\n', buf)
        .map_err(|e| Error::io_path(name, e))?;
    if n == 0 {
        return Ok(false);
    }
    if buf.len() > max && !buf.ends_with(b"\n") {
        return Err(Error::bad_input(
            name,
            lineno,
            format!("line is longer than {max} bytes"),
        ));
    }
    Ok(true)
}

/// The line read by [`read_bounded`] as text, or a bad-input error if it is not UTF-8.
pub fn as_text<'a>(buf: &'a [u8], name: &Path, lineno: usize) -> Result<&'a str> {
    std::str::from_utf8(buf).map_err(|e| Error::bad_input(name, lineno, format!("not UTF-8: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], max: usize) -> Result<Vec<String>> {
        let mut reader = input;
        let mut buf = Vec::new();
        let mut out = Vec::new();
        let name = Path::new("t.jsonl");
        let mut lineno = 0;
        loop {
            lineno += 1;
            if !read_bounded(&mut reader, &mut buf, max, name, lineno)? {
                return Ok(out);
            }
            out.push(as_text(&buf, name, lineno)?.to_string());
        }
    }

    #[test]
    fn lines_up_to_the_limit_are_read_with_their_ends() {
        assert_eq!(
            all(b"abcd\nef\n\ng", 4).unwrap(),
            ["abcd\n", "ef\n", "\n", "g"]
        );
        assert!(all(b"", 4).unwrap().is_empty());
    }

    #[test]
    fn a_longer_line_is_refused_with_its_number_without_reading_it_whole() {
        let err = all(b"ok\nabcdef\n", 4).unwrap_err().to_string();
        assert!(
            err.contains("t.jsonl:2") && err.contains("longer than 4"),
            "{err}"
        );
        // A reader of endless bytes: refused after max + 1 of them.
        let mut endless = std::io::BufReader::new(std::io::repeat(b'x'));
        let mut buf = Vec::new();
        let err = read_bounded(&mut endless, &mut buf, 1024, Path::new("t"), 1).unwrap_err();
        assert!(err.to_string().contains("longer than 1024"), "{err}");
        assert_eq!(buf.len(), 1025);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_bad_input() {
        let err = all(b"ok\n\xff\xfe\n", 16).unwrap_err().to_string();
        assert!(
            err.contains("t.jsonl:2") && err.contains("not UTF-8"),
            "{err}"
        );
    }
}
