//! The README cannot rot: every ```sh block in it runs here, in order, as one bash script in a
//! scratch directory with the built binary first on PATH and an otherwise empty environment.
//! Commands that must fail say so in the README itself (`|| test $? -eq 1`), so a changed exit
//! code fails this test too.

use crate::support::{bin, text};
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// The `sh` code blocks of a Markdown document, in order.
fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_sh_block_in_the_readme_runs() {
    for tool in ["bash", "jq"] {
        if !available(tool) {
            let _ = writeln!(std::io::stderr(), "SKIPPED: README commands need {tool}");
            return;
        }
    }
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let blocks = sh_blocks(&readme);
    assert!(
        blocks.len() >= 8,
        "expected the README's sh blocks, found {}",
        blocks.len()
    );
    // `cargo run -q -- ARGS` is the built binary here; running the suite or installing from
    // inside the suite would recurse.
    let mut script = String::from(
        "set -euo pipefail\n\
         cargo() {\n\
           case \"$1\" in\n\
             run) shift; [ \"$1\" = -q ] && shift; [ \"$1\" = -- ] && shift; jwtctl \"$@\" ;;\n\
             test|install) echo \"(skipped inside the test suite: cargo $*)\" ;;\n\
             *) echo \"README uses an unexpected cargo command: $*\" >&2; return 1 ;;\n\
           esac\n\
         }\n",
    );
    for (i, block) in blocks.iter().enumerate() {
        script.push_str(&format!("echo '### README block {}' >&2\n{block}", i + 1));
    }
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = Path::new(bin()).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert!(
        output.status.success(),
        "a README command failed (the last '### README block N' on stderr says where)\n\
         --- stdout ---\n{out}\n--- stderr ---\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // Spot checks that the walkthrough did what the prose says.
    assert!(
        out.contains("5c2f9e7a-1b3d-4e6f-8a9b-0c1d2e3f4a5b"),
        "the re-minted id\n{out}"
    );
    assert!(out.contains("signed by another key: re-mint"), "{out}");
    assert!(out.contains("token ok"), "{out}");
    assert!(
        err.contains("no key option given: using the secret in $JWT_SECRET"),
        "{err}"
    );
}

#[test]
fn sh_blocks_are_found_in_order() {
    let md = "text\n```sh\na\nb\n```\n```text\nno\n```\n```sh\nc\n```\n";
    assert_eq!(sh_blocks(md), ["a\nb\n", "c\n"]);
}
