//! Semantic styles. Renderers ask for a role ("bad", "good"), never a raw colour, and the
//! decision whether to colour at all is made once per stream in the context.

use colored::Colorize;

/// What a piece of text means, which decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Section headings.
    Heading,
    /// A passed check, a match.
    Good,
    /// A failure, a mismatch.
    Bad,
    /// A warning.
    Warn,
    /// Secondary detail (raw values, hints).
    Dim,
    /// Names: claims, keys, labels.
    Name,
}

/// Colour on or off for one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    /// A style that colours only when `color` is true.
    pub fn new(color: bool) -> Self {
        if color {
            // `colored` has its own env checks; the decision was already made by the context.
            colored::control::set_override(true);
        }
        Style { color }
    }

    /// No colour at all.
    pub fn plain() -> Self {
        Style { color: false }
    }

    /// `text` styled for `role`.
    pub fn paint(&self, role: Role, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        match role {
            Role::Heading => text.bold().to_string(),
            Role::Good => text.green().bold().to_string(),
            Role::Bad => text.red().bold().to_string(),
            Role::Warn => text.yellow().bold().to_string(),
            Role::Dim => text.dimmed().to_string(),
            Role::Name => text.cyan().to_string(),
        }
    }
}
