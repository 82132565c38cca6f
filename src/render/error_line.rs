//! The JSON object for an input line that produced no result (schema: `kind: "error"`), the
//! same for every command that reads tokens.

use crate::exit::Exit;
use crate::text::write_json_str;

/// What went wrong with one input line.
#[derive(Debug, Clone, Copy)]
pub struct ErrorLine<'a> {
    /// 1-based input line.
    pub line: u64,
    /// The exit class of the failure.
    pub exit: Exit,
    /// A stable machine code.
    pub code: &'a str,
    /// Which part of the token (`token`, `header`, `payload`, `signature`).
    pub segment: &'a str,
    /// The message, escaped here.
    pub message: &'a str,
}

impl ErrorLine<'_> {
    /// Append the object and its newline.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"kind\":\"error\",\"line\":");
        out.extend_from_slice(self.line.to_string().as_bytes());
        out.extend_from_slice(b",\"exit_code\":");
        out.extend_from_slice(self.exit.code().to_string().as_bytes());
        out.extend_from_slice(b",\"error\":{\"class\":");
        write_json_str(self.exit.name(), out);
        out.extend_from_slice(b",\"code\":");
        write_json_str(self.code, out);
        out.extend_from_slice(b",\"segment\":");
        write_json_str(self.segment, out);
        out.extend_from_slice(b",\"message\":");
        write_json_str(self.message, out);
        out.extend_from_slice(b"}}\n");
    }
}
