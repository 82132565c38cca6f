//! The one place a finding is put into words (see `crate::finding`).

use crate::finding::Finding;

#[allow(dead_code)] // until decode and verify produce findings
/// The plain-language sentence for a finding. May quote token text: escape before printing.
pub(crate) fn sentence(finding: &Finding) -> String {
    match *finding {
        // Warnings.

        // Diagnosis.
    }
}
