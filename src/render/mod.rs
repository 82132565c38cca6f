//! Renderers: turn core results into human text or JSON. No decisions are made here.

pub mod audit;
pub mod decode;
pub mod fingerprint;
pub mod mint;
pub mod sanitize;
pub mod style;
pub mod verify;

/// Indent every line of `text` by two spaces (for JSON shown inside a human report).
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
