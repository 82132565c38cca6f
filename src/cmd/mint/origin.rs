//! Who, where and why a run mints: the operator, the host, the CI context and the reason that
//! every audit record of the run carries.

use crate::audit::MintFacts;
use crate::cli::MintArgs;
use crate::context::Context;
use crate::error::Failure;
use crate::keys::Key;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// CI context variables copied into the audit record when set (GitHub Actions, GitLab CI,
/// Jenkins, Buildkite, CircleCI, Travis, Azure Pipelines, and the generic `CI`).
const CI_VARS: &[&str] = &[
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_REPOSITORY",
    "GITHUB_WORKFLOW",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_ACTOR",
    "GITHUB_SHA",
    "GITHUB_REF",
    "GITLAB_CI",
    "CI_PROJECT_PATH",
    "CI_PIPELINE_ID",
    "CI_JOB_ID",
    "CI_COMMIT_SHA",
    "GITLAB_USER_LOGIN",
    "JENKINS_URL",
    "JOB_NAME",
    "BUILD_ID",
    "BUILD_NUMBER",
    "BUILD_URL",
    "BUILDKITE_BUILD_ID",
    "BUILDKITE_JOB_ID",
    "BUILDKITE_PIPELINE_SLUG",
    "CIRCLE_BUILD_NUM",
    "CIRCLE_PROJECT_REPONAME",
    "TRAVIS_JOB_ID",
    "TRAVIS_REPO_SLUG",
    "BUILD_BUILDID",
    "SYSTEM_TEAMPROJECT",
];

/// Longest CI variable value (and host name), `--operator` and `--reason` kept in a record.
const MAX_CI_VALUE: usize = 256;
const MAX_OPERATOR: usize = 256;
const MAX_REASON: usize = 2048;

/// What every audit record of this run shares.
pub(super) fn facts_template(
    args: &MintArgs,
    ctx: &Context,
    key: &Key,
    alg: jsonwebtoken::Algorithm,
) -> Result<MintFacts, Failure> {
    let operator = crate::cmd::audit::operator(args.operator.as_deref(), ctx);
    if operator.chars().count() > MAX_OPERATOR {
        return Err(Failure::usage(format!(
            "the operator name is longer than {MAX_OPERATOR} characters"
        )));
    }
    if let Some(reason) = &args.reason
        && reason.chars().count() > MAX_REASON
    {
        return Err(Failure::usage(format!(
            "--reason is longer than {MAX_REASON} characters"
        )));
    }
    Ok(MintFacts {
        time: DateTime::<Utc>::from_timestamp(ctx.now, 0).unwrap_or_default(),
        operator,
        host: ctx.host_name().map_or_else(
            || "unknown".into(),
            |h| h.chars().take(MAX_CI_VALUE).collect(),
        ),
        os: crate::cmd::audit::os_identity(ctx),
        ci: ci_context(ctx),
        reason: args.reason.clone().filter(|r| !r.is_empty()),
        alg: format!("{alg:?}"),
        key_fingerprint: key.fingerprint.clone(),
        ..MintFacts::default()
    })
}

/// The CI variables that are set, each cut to [`MAX_CI_VALUE`] characters.
fn ci_context(ctx: &Context) -> BTreeMap<String, String> {
    CI_VARS
        .iter()
        .filter_map(|name| {
            let value = ctx.var_str(name)?;
            Some((
                (*name).to_owned(),
                value.chars().take(MAX_CI_VALUE).collect(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_set_ci_variables_are_kept_and_cut_short() {
        let long = "x".repeat(MAX_CI_VALUE + 10);
        let ctx = Context::fixed(0)
            .with_var("CI_JOB_ID", "42")
            .with_var("GITHUB_SHA", long.as_str())
            .with_var("NOT_CI", "1");
        let ci = ci_context(&ctx);
        assert_eq!(ci.len(), 2);
        assert_eq!(ci["CI_JOB_ID"], "42");
        assert_eq!(ci["GITHUB_SHA"].chars().count(), MAX_CI_VALUE);
    }
}
