//! The committed completions and man pages match what the clap definition generates today.
//!
//! This test is also the generator: after changing the command line, run
//!
//! ```sh
//! JWTCTL_REGENERATE=1 cargo test --test cli generated
//! ```
//!
//! and commit `completions/` and `man/`. Both directories are wholly generated: a file there
//! that the generator does not produce (say, the page of a removed command) is reported as
//! extra, and deleted when regenerating.

use crate::support::{jwtctl, text};
use jwtctl::generate::{self, COMPLETIONS_DIR, MAN_DIR};
use std::collections::BTreeMap;
use std::path::PathBuf;

const REGENERATE: &str = "JWTCTL_REGENERATE";
const HOW: &str = "JWTCTL_REGENERATE=1 cargo test --test cli generated";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed files of the generated directories, by path relative to the crate root.
fn committed() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in [COMPLETIONS_DIR, MAN_DIR] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue; // a missing directory: every file in it is reported missing
        };
        for entry in entries {
            let entry = entry.expect("listing a generated directory");
            let name = entry.file_name().into_string().expect("UTF-8 file name");
            let bytes = std::fs::read(entry.path()).expect("reading a generated file");
            files.insert(format!("{dir}/{name}"), bytes);
        }
    }
    files
}

/// What differs between the committed and the generated files.
#[derive(Debug, Default, PartialEq, Eq)]
struct Drift {
    stale: Vec<String>,
    missing: Vec<String>,
    extra: Vec<String>,
}

impl Drift {
    fn between(committed: &BTreeMap<String, Vec<u8>>, generated: &[(String, Vec<u8>)]) -> Drift {
        let mut drift = Drift::default();
        for (path, bytes) in generated {
            match committed.get(path) {
                None => drift.missing.push(path.clone()),
                Some(old) if old != bytes => drift.stale.push(path.clone()),
                Some(_) => {}
            }
        }
        drift.extra = committed
            .keys()
            .filter(|path| !generated.iter().any(|(p, _)| p == *path))
            .cloned()
            .collect();
        drift
    }

    fn is_empty(&self) -> bool {
        *self == Drift::default()
    }

    fn report(&self) -> String {
        let mut report = String::from(
            "completions/ or man/ do not match the clap definition (a flag, command or help \
             text changed without regenerating):\n",
        );
        for (what, paths) in [
            ("stale", &self.stale),
            ("missing", &self.missing),
            ("extra", &self.extra),
        ] {
            for path in paths {
                report.push_str(&format!("  {what:<8}{path}\n"));
            }
        }
        report.push_str(&format!(
            "regenerate with:\n  {HOW}\nthen review and commit the changes"
        ));
        report
    }
}

/// Write every generated file and delete the extra ones.
fn regenerate(generated: &[(String, Vec<u8>)], drift: &Drift) {
    for dir in [COMPLETIONS_DIR, MAN_DIR] {
        std::fs::create_dir_all(root().join(dir)).expect("creating a generated directory");
    }
    for (path, bytes) in generated {
        std::fs::write(root().join(path), bytes).expect("writing a generated file");
    }
    for path in &drift.extra {
        std::fs::remove_file(root().join(path)).expect("removing an extra file");
    }
}

#[test]
fn generated_files_are_committed_and_current() {
    let generated = generate::all();
    let drift = Drift::between(&committed(), &generated);
    if std::env::var_os(REGENERATE).is_some_and(|v| v == "1") {
        regenerate(&generated, &drift);
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "{REGENERATE}=1: wrote {} files under {COMPLETIONS_DIR}/ and {MAN_DIR}/ \
                 ({} stale, {} missing, {} extra removed)\n",
                generated.len(),
                drift.stale.len(),
                drift.missing.len(),
                drift.extra.len()
            )
            .as_bytes(),
        );
        assert!(Drift::between(&committed(), &generated).is_empty());
        return;
    }
    assert!(drift.is_empty(), "{}", drift.report());
}

#[test]
fn drift_report_names_every_kind_of_difference() {
    let committed = BTreeMap::from([
        ("man/a.1".to_owned(), b"old".to_vec()),
        ("man/b.1".to_owned(), b"same".to_vec()),
        ("man/gone.1".to_owned(), b"x".to_vec()),
    ]);
    let generated = [
        ("man/a.1".to_owned(), b"new".to_vec()),
        ("man/b.1".to_owned(), b"same".to_vec()),
        ("man/c.1".to_owned(), b"c".to_vec()),
    ];
    let drift = Drift::between(&committed, &generated);
    assert_eq!(
        drift,
        Drift {
            stale: vec!["man/a.1".into()],
            missing: vec!["man/c.1".into()],
            extra: vec!["man/gone.1".into()],
        }
    );
    let report = drift.report();
    for line in [
        "  stale   man/a.1\n",
        "  missing man/c.1\n",
        "  extra   man/gone.1\n",
        HOW,
    ] {
        assert!(report.contains(line), "{line:?}\n{report}");
    }
}

/// Byte for byte what the generator writes (and, by the test above, what is committed under
/// `completions/`). Compared in memory, not with the files, so this test does not race the
/// regeneration.
#[test]
fn completions_subcommand_prints_the_generated_scripts() {
    for shell in jwtctl::generate::shells() {
        let name = shell.to_string();
        let assert = jwtctl().args(["completions", &name]).assert().code(0);
        let output = assert.get_output();
        assert!(output.stderr.is_empty(), "{name}: {}", text(&output.stderr));
        assert!(
            output.stdout == generate::completion(*shell),
            "{name}: differs from the generated script"
        );
        assert!(
            text(&output.stdout).contains("decode"),
            "{name}: completes the subcommands"
        );
    }
}

#[test]
fn completions_subcommand_rejects_unknown_shells() {
    let assert = jwtctl().args(["completions", "tcsh"]).assert().code(2);
    let output = assert.get_output();
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("invalid value 'tcsh'") && stderr.contains("bash"),
        "{stderr}"
    );
}
