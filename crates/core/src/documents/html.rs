//! Text out of HTML documents for ingestion: the visible text, one paragraph per block element
//! (separated by blank lines, so the chunker keeps paragraphs whole), whitespace collapsed inside
//! paragraphs but `<pre>` lines kept, and the title from `<title>` (else the first `<h1>`).
//!
//! Parsing is html5ever's (through `dom_query`): the HTML standard's tree construction, so malformed
//! markup (unclosed or misnested tags, stray end tags) is read the way browsers read it, and
//! character references are decoded by the parser.

use dom_query::{Document, NodeRef};

/// What ingestion keeps of an HTML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlText {
    /// `<title>`, else the first `<h1>`, whitespace collapsed; `None` when neither has text.
    pub title: Option<String>,
    /// Paragraphs separated by blank lines.
    pub text: String,
}

/// Elements whose content is never shown as text (or is form controls, not content).
const HIDDEN: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "canvas", "select", "datalist", "button", "input", "textarea",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "br",
];

/// Extracts the title and the visible text of an HTML document.
pub fn extract(html: &str) -> HtmlText {
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let doc = Document::from(html);
    let root = doc.root();
    let title = first_text(&root, "title").or_else(|| first_text(&root, "h1"));
    let mut out = Builder::default();
    // An explicit stack (not recursion): a deeply nested page must not overflow the stack.
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(kind) => out.leave(kind),
            Step::Enter(node) => {
                if node.is_text() {
                    out.text(&node.text());
                    continue;
                }
                if !(node.is_element() || node.is_document()) {
                    continue; // comments, doctype, processing instructions
                }
                let kind = match node.node_name() {
                    None => Kind::Inline,
                    Some(name) => {
                        let name = name.to_ascii_lowercase();
                        if HIDDEN.contains(&name.as_str()) || node.has_attr("hidden") {
                            continue;
                        }
                        kind_of(&name)
                    }
                };
                out.enter(kind);
                stack.push(Step::Leave(kind));
                // Children in reverse so they pop in document order.
                stack.extend(node.children_it(true).map(Step::Enter));
            }
        }
    }
    HtmlText {
        title,
        text: out.finish(),
    }
}

enum Step<'a> {
    Enter(NodeRef<'a>),
    Leave(Kind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Inline,
    Block,
    Pre,
    /// A table cell: cells of a row stay on one line, separated by " | ".
    Cell,
}

fn kind_of(name: &str) -> Kind {
    match name {
        "pre" | "listing" | "plaintext" | "xmp" => Kind::Pre,
        "td" | "th" => Kind::Cell,
        n if BLOCKS.contains(&n) => Kind::Block,
        _ => Kind::Inline,
    }
}

/// The collapsed text of the first `name` element with any text.
fn first_text(root: &NodeRef, name: &str) -> Option<String> {
    root.descendants_it()
        .filter(|n| n.node_name().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|n| collapse(&n.text()))
        .find(|t| !t.is_empty())
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Accumulates paragraphs.
#[derive(Default)]
struct Builder {
    paragraphs: Vec<String>,
    /// The paragraph being written (whitespace already collapsed).
    current: String,
    /// Whitespace seen since the last word of `current`.
    space: bool,
    /// Depth of `<pre>` elements around the current node.
    pre: usize,
    /// The text of the outermost `<pre>`, verbatim.
    pre_text: String,
    /// A cell ended in this paragraph: the next text starts a new cell.
    cell_ended: bool,
}

impl Builder {
    fn text(&mut self, t: &str) {
        if self.pre > 0 {
            self.pre_text.push_str(t);
            return;
        }
        for word in t.split_inclusive(char::is_whitespace) {
            let w = word.trim_end_matches(char::is_whitespace);
            if !w.is_empty() {
                if self.cell_ended {
                    self.current.push_str(" | ");
                    self.cell_ended = false;
                    self.space = false;
                }
                if self.space && !self.current.is_empty() {
                    self.current.push(' ');
                }
                self.current.push_str(w);
                self.space = false;
            }
            if w.len() < word.len() {
                self.space = true;
            }
        }
    }

    fn enter(&mut self, kind: Kind) {
        match kind {
            Kind::Inline => {}
            Kind::Block | Kind::Cell if self.pre > 0 => self.pre_text.push('\n'),
            Kind::Block => self.end_paragraph(),
            Kind::Cell => {
                if !self.current.is_empty() {
                    self.cell_ended = true;
                }
            }
            Kind::Pre => {
                if self.pre == 0 {
                    self.end_paragraph();
                }
                self.pre += 1;
            }
        }
    }

    fn leave(&mut self, kind: Kind) {
        match kind {
            Kind::Inline => {}
            Kind::Block | Kind::Cell if self.pre > 0 => self.pre_text.push('\n'),
            Kind::Block => self.end_paragraph(),
            Kind::Cell => {
                if !self.current.is_empty() {
                    self.cell_ended = true;
                }
            }
            Kind::Pre => {
                self.pre = self.pre.saturating_sub(1);
                if self.pre == 0 {
                    let text = std::mem::take(&mut self.pre_text);
                    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
                    let first = lines.iter().position(|l| !l.is_empty());
                    let last = lines.iter().rposition(|l| !l.is_empty());
                    if let (Some(first), Some(last)) = (first, last) {
                        self.paragraphs.push(lines[first..=last].join("\n"));
                    }
                }
            }
        }
    }

    fn end_paragraph(&mut self) {
        if !self.current.is_empty() {
            self.paragraphs.push(std::mem::take(&mut self.current));
        }
        self.space = false;
        self.cell_ended = false;
    }

    fn finish(mut self) -> String {
        self.end_paragraph();
        self.paragraphs.join("\n\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(html: &str) -> Vec<String> {
        extract(html)
            .text
            .split("\n\n")
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn title_from_title_else_h1() {
        let t = extract(
            "<html><head><title>  The\n  Title </title></head><body><h1>Head</h1></body></html>",
        );
        assert_eq!(t.title.as_deref(), Some("The Title"));
        let t = extract("<body><h1>First <em>heading</em></h1><h1>Second</h1></body>");
        assert_eq!(t.title.as_deref(), Some("First heading"));
        assert_eq!(extract("<p>no title</p>").title, None);
        assert_eq!(extract("<title>  </title><p>x</p>").title, None);
    }

    #[test]
    fn blocks_are_paragraphs_and_whitespace_is_collapsed() {
        let html = "<body><h2>Intro</h2><p>One   line\n  wrapped\tby the editor.</p>\
                    <div>A <b>bold</b> <i>move</i>.<p>Nested</p>After</div>\
                    <ul><li>first</li><li>second</li></ul>Line<br>break</body>";
        assert_eq!(
            paragraphs(html),
            [
                "Intro",
                "One line wrapped by the editor.",
                "A bold move.",
                "Nested",
                "After",
                "first",
                "second",
                "Line",
                "break"
            ]
        );
    }

    #[test]
    fn hidden_content_is_dropped() {
        let html = "<html><head><title>T</title><style>p { color: red }</style>\
                    <script>var secret = 1;</script></head><body>\
                    <script>if (a < b) { alert('x') }</script><noscript>enable js</noscript>\
                    <template><p>template text</p></template><p hidden>hidden text</p>\
                    <p>shown</p><!-- a comment --></body></html>";
        assert_eq!(extract(html).text, "shown");
    }

    #[test]
    fn entities_and_unicode_are_decoded() {
        let t = extract(
            "<p>caf&eacute; &amp; cr&#232;me &lt;tag&gt; &#x1F600; na&iuml;ve&nbsp;text 日本語</p>",
        );
        assert_eq!(t.text, "café & crème <tag> 😀 naïve text 日本語");
    }

    #[test]
    fn pre_keeps_its_lines() {
        let html = "<p>Code:</p><pre>\nfn main() {\n    println!(\"&lt;hi&gt;\");   \n}\n</pre><p>after</p>";
        assert_eq!(
            paragraphs(html),
            ["Code:", "fn main() {\n    println!(\"<hi>\");\n}", "after"]
        );
    }

    #[test]
    fn table_rows_are_paragraphs_and_cells_are_separated() {
        let html =
            "<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ada</td><td>36</td></tr></table>";
        assert_eq!(paragraphs(html), ["Name | Age", "Ada | 36"]);
    }

    #[test]
    fn malformed_html_is_read_leniently() {
        let t = extract("<title>Broken<p>one<p>two <b>bold <i>both</b> italic</i><div>three");
        // An unclosed <title> runs to the end of the input, as in a browser.
        assert!(t.title.is_some());
        let t =
            extract("<body><p>one<p>two <b>bold <i>both</b> italic</i><div>three</span></body>");
        assert_eq!(t.text, "one\n\ntwo bold both italic\n\nthree");
        assert_eq!(extract("").text, "");
        assert_eq!(extract("plain text, no tags").text, "plain text, no tags");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // html5ever's tree construction is quadratic in the nesting depth: deep, not huge.
        let html = format!("{}deep{}", "<div>".repeat(3_000), "</div>".repeat(3_000));
        assert_eq!(extract(&html).text, "deep");
    }
}
