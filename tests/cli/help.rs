//! Help text that operators and scripts rely on: examples and the exit-status table.

use crate::support::{jwtctl, text};

/// The exit codes as the README and scripts know them: pinned here independently of
/// `src/exit.rs`, so renumbering or dropping one fails a test.
const EXIT_TABLE: [(u8, &str); 9] = [
    (0, "success"),
    (1, "signature matches no given key, or fingerprint mismatch"),
    (2, "usage error"),
    (3, "claims rejected"),
    (4, "malformed token"),
    (5, "key or secret"),
    (6, "audit log failure"),
    (7, "other input/output error"),
    (130, "interrupted"),
];

#[test]
fn top_level_help_shows_the_exit_status_table() {
    let assert = jwtctl().arg("--help").assert().code(0);
    let stdout = text(&assert.get_output().stdout);
    let table = stdout
        .split_once("Exit status:\n")
        .unwrap_or_else(|| panic!("no exit-status section:\n{stdout}"))
        .1;
    for (code, meaning) in EXIT_TABLE {
        let row = format!("{code:>5}  {meaning}");
        assert!(table.contains(&row), "{row:?} missing:\n{table}");
    }
    assert!(
        table.contains("Batches"),
        "the batch folding rule:\n{table}"
    );
    for exit in jwtctl::exit::Exit::ALL {
        assert!(table.contains(exit.meaning()), "{exit} missing:\n{table}");
    }
}

#[test]
fn decode_help_shows_examples() {
    for args in [["decode", "--help"], ["help", "decode"]] {
        let assert = jwtctl().args(args).assert().code(0);
        let stdout = text(&assert.get_output().stdout);
        let examples = stdout
            .split_once("Examples:\n")
            .unwrap_or_else(|| panic!("{args:?}: no examples:\n{stdout}"))
            .1;
        for needle in [
            "jwtctl decode eyJ",
            "Bearer eyJ",
            "| jwtctl decode --json",
            "jwtctl decode --at ",
        ] {
            assert!(
                examples.contains(needle),
                "{args:?}: {needle:?}:\n{examples}"
            );
        }
        assert!(stdout.contains("--max-size"), "{stdout}");
        assert!(
            stdout.ends_with('\n'),
            "{args:?}: help must end with a newline"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["decode", "--no-such-flag"],
        vec!["decode", "--max-size", "0", "x"],
        vec!["decode", "--color", "sometimes", "x"],
        vec!["no-such-command"],
    ] {
        let assert = jwtctl().args(&args).assert().code(2);
        assert!(assert.get_output().stdout.is_empty(), "{args:?}");
        assert!(!assert.get_output().stderr.is_empty(), "{args:?}");
    }
}

/// Every command's `--help` (the root's, each subcommand's, nested ones') ends with examples
/// that run that very command, so a command merged without examples fails here.
#[test]
fn every_command_help_shows_examples() {
    use clap::CommandFactory;

    fn paths(cmd: &clap::Command, path: Vec<String>, all: &mut Vec<Vec<String>>) {
        all.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut sub_path = path.clone();
            sub_path.push(sub.get_name().to_owned());
            paths(sub, sub_path, all);
        }
    }
    let mut all = Vec::new();
    // clap's own `help` subcommand is built into the command tree only later.
    paths(&jwtctl::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() >= 3, "root, decode, completions: {all:?}");

    for path in all {
        let assert = jwtctl().args(&path).arg("--help").assert().code(0);
        let stdout = text(&assert.get_output().stdout);
        let examples = stdout
            .split_once("\nExamples:\n")
            .unwrap_or_else(|| {
                panic!(
                    "`jwtctl {} --help` has no Examples:\n{stdout}",
                    path.join(" ")
                )
            })
            .1;
        let invocation = ["jwtctl".to_owned()]
            .into_iter()
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            examples
                .lines()
                .take_while(|l| l.starts_with(' ') || l.is_empty())
                .any(|l| l.contains(&invocation)),
            "`{invocation} --help`: no example runs {invocation:?}:\n{examples}"
        );
    }
}
