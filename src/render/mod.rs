//! Renderers: turn core results into human text or JSON. No decisions are made here.

pub mod audit;
pub mod decode;
pub mod error_line;
pub mod finding;
pub mod fingerprint;
pub mod mint;
pub mod style;
pub mod verify;

/// Indent every line of `text` by two spaces (for JSON shown inside a human report).
pub fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::indent;

    #[test]
    fn indent_prefixes_every_line_and_adds_no_newline() {
        assert_eq!(indent("{\n  \"a\": 1\n}"), "  {\n    \"a\": 1\n  }");
        assert_eq!(indent("one"), "  one");
        assert_eq!(indent(""), "");
    }
}
