//! What a command noticed about a token, as data: decode's warnings and verify's diagnosis are
//! one type. The sentences are written in `render::finding`, so human and JSON output say the
//! same thing, and adding a finding is one variant here, one sentence there, one test.

#[allow(dead_code)] // until decode and verify produce findings
/// One thing a person should notice about a token, with the facts that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Finding {
    // Warnings about a token read without verifying it (decode, and verify's report).

    // Evidence about why verification failed (verify's diagnosis).
}

#[allow(dead_code)]
impl Finding {
    /// The stable machine code, as JSON output carries it.
    pub(crate) fn code(&self) -> &'static str {
        match *self {
            // Warnings.

            // Diagnosis.
        }
    }
}
