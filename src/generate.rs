//! Shell completions and man pages, generated from the one clap definition ([`Cli::command`]).
//!
//! Everything here is a pure function of the command line and the crate version: no clock, no
//! environment, no files. The copies committed under `completions/` and `man/` are checked by
//! the integration test `generated`, which is also what writes them:
//!
//! ```sh
//! JWTCTL_REGENERATE=1 cargo test --test cli generated
//! ```
//!
//! Nothing is listed by hand: every (non-hidden) subcommand, nested ones included, gets a man
//! page, and the examples, the exit codes and the option lists are read from the same places
//! `--help` reads them from.

use crate::cli::Cli;
use crate::exit::{BATCH_RULE, Exit};
use clap::{Command, CommandFactory, ValueEnum};
use clap_complete::{Generator, Shell};
use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

/// The binary name completions are written for.
pub const BIN: &str = "jwtctl";
/// Where the completion scripts are committed, relative to the crate root.
pub const COMPLETIONS_DIR: &str = "completions";
/// Where the man pages are committed, relative to the crate root.
pub const MAN_DIR: &str = "man";

/// A generated file: a path relative to its directory (or to the crate root, from [`all`])
/// and the file's bytes.
pub type Artifact = (String, Vec<u8>);

/// Every generated file, with paths relative to the crate root (`completions/jwtctl.bash`,
/// `man/jwtctl.1`, ...), in a stable order.
pub fn all() -> Vec<Artifact> {
    let completions = completions()
        .into_iter()
        .map(|(name, bytes)| (format!("{COMPLETIONS_DIR}/{name}"), bytes));
    let man = man_pages()
        .into_iter()
        .map(|(name, bytes)| (format!("{MAN_DIR}/{name}"), bytes));
    completions.chain(man).collect()
}

/// The shells completions are generated for: every one clap_complete supports.
pub fn shells() -> &'static [Shell] {
    Shell::value_variants()
}

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    script
}

/// One completion script per shell clap_complete supports, named as each shell expects
/// (`jwtctl.bash`, `_jwtctl`, `jwtctl.fish`, `jwtctl.elv`, `_jwtctl.ps1`).
pub fn completions() -> Vec<Artifact> {
    shells()
        .iter()
        .map(|&shell| (shell.file_name(BIN), completion(shell)))
        .collect()
}

/// `jwtctl.1` and one page per subcommand (`jwtctl-decode.1`, `jwtctl-audit-verify.1`, ...).
pub fn man_pages() -> Vec<Artifact> {
    man_pages_for(Cli::command())
}

/// The man pages of any command tree: the root's page first, then each subcommand's page
/// before its own subcommands', in help order.
pub fn man_pages_for(cmd: Command) -> Vec<Artifact> {
    // The `help` subcommand is clap's, not ours: it gets no page and no SEE ALSO entry.
    let mut root = cmd.disable_help_subcommand(true);
    root.build();
    let footer = Footer {
        source: root.get_name().to_owned(),
        version: root.get_version().unwrap_or("unversioned").to_owned(),
    };
    let mut tree = Vec::new();
    walk(&root, None, &mut tree);
    tree.iter()
        .map(|node| {
            let see_also = see_also(node, &tree);
            (
                format!("{}.1", node.name),
                page(node.cmd, &footer, &see_also),
            )
        })
        .collect()
}

/// What `.TH` says besides the page's name: the program and its version. The version stands
/// where a date usually does: a date read from the clock would change every page on every run
/// (and an empty `.TH` argument would shift the ones after it), while the version says which
/// release a page describes and changes exactly when the pages may.
struct Footer {
    source: String,
    version: String,
}

/// One command in the tree, with the page names of its parent and children.
struct Node<'a> {
    cmd: &'a Command,
    /// The page name: the display name clap gives subcommands (`jwtctl-audit-verify`).
    name: String,
    parent: Option<String>,
    children: Vec<String>,
}

fn page_name(cmd: &Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_owned()
}

fn visible_subcommands(cmd: &Command) -> Vec<&Command> {
    let mut subs: Vec<&Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    // The order `--help` and clap_mangen's SUBCOMMANDS list use.
    subs.sort_by_key(|s| (s.get_display_order(), s.get_name()));
    subs
}

fn walk<'a>(cmd: &'a Command, parent: Option<String>, tree: &mut Vec<Node<'a>>) {
    let name = page_name(cmd);
    let subs = visible_subcommands(cmd);
    tree.push(Node {
        cmd,
        name: name.clone(),
        parent,
        children: subs.iter().map(|s| page_name(s)).collect(),
    });
    for sub in subs {
        walk(sub, Some(name.clone()), tree);
    }
}

/// The root's page lists every other page; a subcommand's page its parent, the root (when
/// that is not the parent) and its own subcommands.
fn see_also(node: &Node<'_>, tree: &[Node<'_>]) -> Vec<String> {
    let root = &tree[0].name;
    match &node.parent {
        None => tree[1..].iter().map(|n| n.name.clone()).collect(),
        Some(parent) => {
            let mut pages = vec![root.clone()];
            if parent != root {
                pages.push(parent.clone());
            }
            pages.extend(node.children.iter().cloned());
            pages
        }
    }
}

/// One man page: clap_mangen's standard sections, then ours.
fn page(cmd: &Command, footer: &Footer, see_also: &[String]) -> Vec<u8> {
    let after_help = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    let sections = HelpSection::parse(&after_help);
    // `--help` may show the examples only in the short after-help.
    let short_sections = cmd
        .get_after_help()
        .map(|text| HelpSection::parse(&text.to_string()))
        .unwrap_or_default();
    let examples = sections
        .iter()
        .chain(&short_sections)
        .find(|s| s.is_examples())
        .map(|s| s.lines.clone());

    let man = Man::new(cmd.clone())
        .title(page_name(cmd).to_uppercase())
        .section("1")
        .date(&footer.version)
        .source(&footer.source)
        .manual("User Commands");

    let mut page = Page::default();
    page.clap(|w| man.render_title(w));
    // No hyphenation: a wrapped `--se-cret-env` cannot be searched for or copied.
    page.roff(Roff::new().control("nh", []));
    page.clap(|w| man.render_name_section(w));
    page.clap(|w| man.render_synopsis_section(w));
    page.clap(|w| man.render_description_section(w));
    page.roff(&details(&sections));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        page.clap(|w| man.render_options_section(w));
    }
    if !visible_subcommands(cmd).is_empty() {
        page.clap(|w| man.render_subcommands_section(w));
    }
    page.roff(&exit_status());
    page.roff(&environment());
    page.roff(&files());
    if let Some(lines) = examples {
        page.roff(&examples_section(&lines));
    }
    page.roff(&see_also_section(see_also));
    page.bytes
}

/// A man page assembled from pieces that each start with roff's apostrophe preamble (every
/// `Roff::to_writer` writes it): the first piece keeps it, the rest drop it.
#[derive(Default)]
struct Page {
    bytes: Vec<u8>,
}

impl Page {
    fn clap(&mut self, render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) {
        let mut piece = Vec::new();
        render(&mut piece).expect("writing to a Vec cannot fail");
        self.append(piece);
    }

    fn roff(&mut self, roff: &Roff) {
        self.append(roff.render().into_bytes());
    }

    fn append(&mut self, piece: Vec<u8>) {
        let preamble = Roff::new().render();
        match piece.strip_prefix(preamble.as_bytes()) {
            Some(rest) if !self.bytes.is_empty() => self.bytes.extend_from_slice(rest),
            _ => self.bytes.extend_from_slice(&piece),
        }
    }
}

/// A block of after-help text: `Heading:` on a line of its own at column 0, then indented
/// lines. Text before the first heading has no title.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct HelpSection {
    title: Option<String>,
    lines: Vec<String>,
}

impl HelpSection {
    fn parse(text: &str) -> Vec<HelpSection> {
        let mut sections: Vec<HelpSection> = Vec::new();
        for line in text.lines() {
            let heading = (!line.starts_with(char::is_whitespace))
                .then(|| line.strip_suffix(':'))
                .flatten()
                .filter(|h| !h.is_empty() && !h.contains(':'));
            match (heading, sections.last_mut()) {
                (Some(title), _) => sections.push(HelpSection {
                    title: Some(title.to_owned()),
                    lines: Vec::new(),
                }),
                (None, Some(section)) => section.lines.push(line.to_owned()),
                (None, None) if line.trim().is_empty() => {}
                (None, None) => sections.push(HelpSection {
                    title: None,
                    lines: vec![line.to_owned()],
                }),
            }
        }
        for section in &mut sections {
            while section.lines.last().is_some_and(|l| l.trim().is_empty()) {
                section.lines.pop();
            }
        }
        sections
    }

    fn is_examples(&self) -> bool {
        self.title
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("examples"))
    }

    /// Rendered by this module from its source of truth instead.
    fn is_exit_status(&self) -> bool {
        self.title
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("exit status"))
    }
}

/// After-help sections other than examples and the exit-code table (`mint`'s "Expiry:",
/// "Source trust:", ...), as subsections of DESCRIPTION: filled paragraphs.
fn details(sections: &[HelpSection]) -> Roff {
    let mut roff = Roff::new();
    for section in sections
        .iter()
        .filter(|s| !s.is_examples() && !s.is_exit_status())
    {
        match &section.title {
            Some(title) => roff.control("SS", [title.as_str()]),
            None => roff.control("PP", []),
        };
        for line in &section.lines {
            if line.trim().is_empty() {
                roff.control("PP", []);
            } else {
                roff.text([roman(line.trim())]);
            }
        }
    }
    roff
}

/// EXIT STATUS, from the one table that owns the codes.
fn exit_status() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for exit in Exit::ALL {
        roff.control("TP", [])
            .text([bold(exit.code().to_string())])
            .text([roman(exit.meaning())]);
    }
    roff.control("PP", []).text([roman(BATCH_RULE.trim())]);
    roff
}

/// What `ENVIRONMENT` documents: a variable (or a family of them) and its effect.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "JWT_SECRET",
        "The HMAC secret used by commands that take keys (verify, mint, fingerprint) when no key \
         option is given; stderr then says that it was used. Any variable can be named \
         explicitly with --secret-env NAME.",
    ),
    (
        "JWTCTL_AUDIT_LOG",
        "The mint audit log, when --audit-log is not given.",
    ),
    (
        "JWTCTL_OPERATOR",
        "The operator recorded in audit records, when --operator is not given.",
    ),
    (
        "USER, LOGNAME",
        "The operator recorded in audit records when neither --operator nor JWTCTL_OPERATOR \
         is set.",
    ),
    (
        "XDG_STATE_HOME",
        "Base directory of the default audit log (see FILES); ignored when empty or relative.",
    ),
    (
        "HOME",
        "Used for the default audit log when XDG_STATE_HOME is unset, empty or relative.",
    ),
    (
        "NO_COLOR",
        "When set and not empty, --color auto does not colour output.",
    ),
    ("TERM", "When dumb, --color auto does not colour output."),
    (
        "CI, GITHUB_*, GITLAB_CI, CI_*, JENKINS_URL, BUILD_*, BUILDKITE_*, CIRCLE_*, TRAVIS_*, \
         SYSTEM_TEAMPROJECT",
        "CI context: when set, the well-known job variables of GitHub Actions, GitLab CI, \
         Jenkins, Buildkite, CircleCI, Travis and Azure Pipelines (run id, job id, \
         repository, commit) are copied into each mint audit record. jwtctl never prompts \
         without a terminal, so CI runs need no special flag.",
    ),
];

fn environment() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, effect) in ENVIRONMENT {
        roff.control("TP", [])
            .text([bold(*name)])
            .text([roman(*effect)]);
    }
    roff
}

fn files() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["FILES"])
        .control("TP", [])
        .text([italic("$XDG_STATE_HOME/jwtctl/audit.jsonl")])
        .text([roman(
            "The mint audit log: one JSON object per minted token (JSON Lines), hash-chained, \
             appended under an exclusive lock and never truncated; created 0600 in a 0700 \
             directory, symlinks refused. --audit-log PATH or JWTCTL_AUDIT_LOG choose another \
             file; jwtctl audit verify checks the chain.",
        )])
        .control("TP", [])
        .text([italic("~/.local/state/jwtctl/audit.jsonl")])
        .text([roman(
            "The audit log when XDG_STATE_HOME is unset, empty or relative.",
        )]);
    roff
}

/// EXAMPLES, laid out as in `--help` (comments, aligned notes and continuation lines keep
/// their places), without the help text's common indent.
fn examples_section(lines: &[String]) -> Roff {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"])
        .control("PP", [])
        .control("RS", ["4"])
        .control("nf", []);
    for line in lines {
        // Whitespace-only lines have fewer bytes than `indent`.
        roff.text([roman(line.get(indent..).unwrap_or_default())]);
    }
    roff.control("fi", []).control("RE", []);
    roff
}

fn see_also_section(pages: &[String]) -> Roff {
    let mut roff = Roff::new();
    if pages.is_empty() {
        return roff;
    }
    let mut refs: Vec<Inline> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if i > 0 {
            refs.push(roman(", "));
        }
        refs.push(bold(page.as_str()));
        refs.push(roman("(1)"));
    }
    roff.control("SH", ["SEE ALSO"]).text(refs);
    roff
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).expect("UTF-8")
    }

    /// A tree shaped like jwtctl's with `audit show|verify`, and text that needs escaping.
    fn nested() -> Command {
        Command::new("tool")
            .version("9.9.9")
            .about("A tool")
            .after_long_help(
                "Examples:\n  tool a b --x 'it' \\\n      .dot\n\nExit status:\n  0  ok",
            )
            .arg(Arg::new("x").long("x").action(ArgAction::SetTrue))
            .subcommand(
                Command::new("a")
                    .about("The a command")
                    .after_help(
                        "Details:\n  .starts with a dot\n  'starts with a quote\n\n  \
                         second paragraph\n\nExamples:\n  tool a b",
                    )
                    .subcommand(Command::new("b").about("Nested b"))
                    .subcommand(Command::new("hidden").hide(true)),
            )
    }

    #[test]
    fn every_command_gets_a_page_nested_ones_included() {
        let names: Vec<String> = man_pages_for(nested()).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["tool.1", "tool-a.1", "tool-a-b.1"]);
    }

    #[test]
    fn pages_have_the_standard_sections_and_ours() {
        for (name, bytes) in man_pages_for(nested()) {
            let page = text(&bytes);
            for heading in [
                ".SH NAME",
                ".SH SYNOPSIS",
                ".SH DESCRIPTION",
                ".SH \"EXIT STATUS\"",
                ".SH ENVIRONMENT",
                ".SH FILES",
                ".SH \"SEE ALSO\"",
            ] {
                assert!(page.contains(heading), "{name}: {heading}\n{page}");
            }
            assert!(page.starts_with(&Roff::new().render()), "{name}");
            assert_eq!(
                page.matches(&Roff::new().render()).count(),
                1,
                "{name}: one apostrophe preamble"
            );
            let title = format!(
                ".TH {} 1 9.9.9 tool \"User Commands\"\n",
                name.trim_end_matches(".1").to_uppercase()
            );
            assert!(page.contains(&title), "{name}: {title:?}\n{page}");
            assert!(!page.contains(".SH EXTRA"), "{name}: {page}");
        }
    }

    #[test]
    fn exit_status_is_rendered_from_the_table_not_copied_from_help() {
        let pages = man_pages_for(nested());
        let root = text(&pages[0].1);
        for exit in Exit::ALL {
            let row = format!(".TP\n\\fB{}\\fR\n", exit.code());
            assert!(root.contains(&row), "{row:?}\n{root}");
        }
        // The help text's own "Exit status:" block is not repeated as a subsection.
        assert!(!root.contains(".SS \"Exit status\""), "{root}");
        assert!(!root.contains("0  ok"), "{root}");
    }

    #[test]
    fn examples_and_details_are_escaped_roff() {
        let pages = man_pages_for(nested());
        let root = text(&pages[0].1);
        let examples = root.split_once(".SH EXAMPLES\n").expect("examples").1;
        // Dashes and backslashes escaped, a leading dot neutralised, the indent kept
        // relative to the block, apostrophes typed as apostrophes.
        assert!(
            examples.starts_with(
                ".PP\n.RS 4\n.nf\ntool a b \\-\\-x \\*(Aqit\\*(Aq \\\\\n    .dot\n.fi\n.RE\n"
            ),
            "{examples}"
        );
        let a = text(&pages[1].1);
        assert!(a.contains(".SS Details\n\\&.starts with a dot\n"), "{a}");
        assert!(
            a.contains("\n\\*(Aqstarts with a quote\n.PP\nsecond paragraph\n"),
            "{a}"
        );
        assert!(
            a.contains(".SH EXAMPLES\n.PP\n.RS 4\n.nf\ntool a b\n"),
            "{a}"
        );
    }

    #[test]
    fn see_also_links_the_tree() {
        let pages = man_pages_for(nested());
        let see = |i: usize| {
            text(&pages[i].1)
                .split_once(".SH \"SEE ALSO\"\n")
                .unwrap()
                .1
                .to_owned()
        };
        assert_eq!(see(0), "\\fBtool\\-a\\fR(1), \\fBtool\\-a\\-b\\fR(1)\n");
        assert_eq!(see(1), "\\fBtool\\fR(1), \\fBtool\\-a\\-b\\fR(1)\n");
        assert_eq!(see(2), "\\fBtool\\fR(1), \\fBtool\\-a\\fR(1)\n");
    }

    #[test]
    fn help_sections_parse() {
        let parsed =
            HelpSection::parse("intro\n\nExamples:\n  a\n\n  b\n\n\nExit status:\n  0  ok\n");
        assert_eq!(
            parsed,
            [
                HelpSection {
                    title: None,
                    lines: vec!["intro".into()]
                },
                HelpSection {
                    title: Some("Examples".into()),
                    lines: vec!["  a".into(), "".into(), "  b".into()]
                },
                HelpSection {
                    title: Some("Exit status".into()),
                    lines: vec!["  0  ok".into()]
                },
            ]
        );
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(all(), all());
    }

    #[test]
    fn jwtctl_pages_and_scripts() {
        let files: Vec<String> = all().into_iter().map(|f| f.0).collect();
        for expected in [
            "completions/jwtctl.bash",
            "completions/_jwtctl",
            "completions/jwtctl.fish",
            "completions/jwtctl.elv",
            "completions/_jwtctl.ps1",
            "man/jwtctl.1",
            "man/jwtctl-decode.1",
            "man/jwtctl-completions.1",
        ] {
            assert!(files.iter().any(|f| f == expected), "{expected}: {files:?}");
        }
        assert!(!files.iter().any(|f| f.contains("help")), "{files:?}");
        for (name, bytes) in man_pages() {
            assert!(
                text(&bytes).contains(".SH EXAMPLES"),
                "{name}: every command brings examples"
            );
        }
    }
}
