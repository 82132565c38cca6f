//! Everything jwtctl reads from its surroundings, read once: the clock and which streams are
//! terminals at start-up, the environment and the host name at their first look-up. The core
//! never reads these itself.

use std::ffi::{OsStr, OsString};
use std::io::IsTerminal;
use std::sync::OnceLock;

/// `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The process's surroundings, captured once (the environment on its first look-up: a run
/// that needs none of it, such as `decode <token>` into a pipe, never copies it).
#[derive(Debug, Clone)]
pub struct Context {
    /// Current time, Unix seconds.
    pub(crate) now: i64,
    /// Standard input is a terminal.
    pub(crate) stdin_tty: bool,
    /// Standard output is a terminal.
    pub(crate) stdout_tty: bool,
    /// Standard error is a terminal.
    pub(crate) stderr_tty: bool,
    /// The environment, in the order the process got it. A run looks up a handful of names,
    /// so a list serves as well as a map and costs no hashing.
    env: OnceLock<Vec<(OsString, OsString)>>,
    /// The host's name, for audit records: read when first asked for.
    host: OnceLock<Option<String>>,
    /// Where the host's name is read from (none for a test context).
    host_file: Option<&'static str>,
    /// The process's real uid and its name in the password database: read when first asked
    /// for (never, for a test context).
    os_user: OnceLock<Option<OsUser>>,
    /// Whether to ask the operating system for [`Context::os_user`].
    real_os: bool,
}

/// Who the operating system says runs jwtctl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OsUser {
    /// The real user id.
    pub(crate) uid: u32,
    /// Its name in the password database, when it has one.
    pub(crate) name: Option<String>,
}

/// The captured environment holds secrets (`--secret-env`, `JWT_SECRET`): the copy is wiped
/// when the context goes, so only the process's own environment keeps them.
impl Drop for Context {
    fn drop(&mut self) {
        use std::os::unix::ffi::OsStringExt;
        use zeroize::Zeroize;
        if let Some(env) = self.env.get_mut() {
            for (_, value) in env.iter_mut() {
                std::mem::take(value).into_vec().zeroize();
            }
        }
    }
}

impl Context {
    /// Read the real clock, terminals and environment.
    pub fn from_process() -> Self {
        Context {
            now: chrono::Utc::now().timestamp(),
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            env: OnceLock::new(),
            host: OnceLock::new(),
            host_file: Some("/etc/hostname"),
            os_user: OnceLock::new(),
            real_os: true,
        }
    }

    /// A context for tests: no terminals, empty environment, no host name file.
    #[cfg(test)]
    pub(crate) fn fixed(now: i64) -> Self {
        Context {
            now,
            stdin_tty: false,
            stdout_tty: false,
            stderr_tty: false,
            env: OnceLock::from(Vec::new()),
            host: OnceLock::new(),
            host_file: None,
            os_user: OnceLock::new(),
            real_os: false,
        }
    }

    /// Builder for tests: set an environment variable.
    #[cfg(test)]
    pub(crate) fn with_var(mut self, name: &str, value: impl Into<OsString>) -> Self {
        let name = OsString::from(name);
        self.vars();
        if let Some(env) = self.env.get_mut() {
            env.retain(|(old, _)| *old != name);
            env.push((name, value.into()));
        }
        self
    }

    /// The environment: read from the process on the first call (nothing changes it while
    /// jwtctl runs), or the one a test context was given.
    fn vars(&self) -> &[(OsString, OsString)] {
        self.env.get_or_init(|| std::env::vars_os().collect())
    }

    /// An environment variable, as captured.
    pub(crate) fn var(&self, name: &str) -> Option<&OsStr> {
        let name = OsStr::new(name);
        self.vars()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_os_str())
    }

    /// An environment variable that is set and not empty, as UTF-8 (lossy).
    pub(crate) fn var_str(&self, name: &str) -> Option<String> {
        self.var(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.to_string_lossy().into_owned())
    }

    /// The host's name: `/etc/hostname`, else `$HOSTNAME`; `None` when neither says.
    pub(crate) fn host_name(&self) -> Option<&str> {
        self.host
            .get_or_init(|| {
                self.host_file
                    .and_then(|path| std::fs::read_to_string(path).ok())
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
                    .or_else(|| self.var_str("HOSTNAME"))
            })
            .as_deref()
    }

    /// The real uid and its user name from the password database (which may be NSS-backed:
    /// LDAP, SSSD), looked up once; `None` in a test context or off Unix.
    pub(crate) fn os_user(&self) -> Option<&OsUser> {
        self.os_user
            .get_or_init(|| self.real_os.then(read_os_user).flatten())
            .as_ref()
    }

    /// A test context that reports this OS user.
    #[cfg(test)]
    pub(crate) fn with_os_user(self, uid: u32, name: Option<&str>) -> Self {
        let _ = self.os_user.set(Some(OsUser {
            uid,
            name: name.map(str::to_owned),
        }));
        self
    }

    /// Whether to colour a stream that is (or is not) a terminal.
    pub(crate) fn color(&self, choice: ColorChoice, stream_is_tty: bool) -> bool {
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stream_is_tty
                    && self.var("NO_COLOR").is_none_or(OsStr::is_empty)
                    && self.var("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

#[cfg(unix)]
fn read_os_user() -> Option<OsUser> {
    let uid = nix::unistd::getuid();
    let name = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|user| user.name);
    Some(OsUser {
        uid: uid.as_raw(),
        name,
    })
}

#[cfg(not(unix))]
fn read_os_user() -> Option<OsUser> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_looked_up_by_exact_name_and_replaced_by_with_var() {
        let ctx = Context::fixed(0)
            .with_var("JWT_SECRET", "first")
            .with_var("JWT_SECRET_FILE", "other")
            .with_var("JWT_SECRET", "second");
        assert_eq!(ctx.var("JWT_SECRET"), Some(OsStr::new("second")));
        assert_eq!(ctx.var_str("JWT_SECRET_FILE").as_deref(), Some("other"));
        assert_eq!(ctx.var("JWT"), None);
        assert_eq!(ctx.with_var("EMPTY", "").var_str("EMPTY"), None);
    }

    #[test]
    fn the_process_environment_is_read_on_first_look_up() {
        let ctx = Context::from_process();
        assert!(ctx.env.get().is_none(), "read before anyone asked");
        assert_eq!(ctx.var("PATH"), std::env::var_os("PATH").as_deref());
        let ctx = ctx.with_var("JWTCTL_TEST_ONLY", "1");
        assert_eq!(ctx.var_str("JWTCTL_TEST_ONLY").as_deref(), Some("1"));
        assert_eq!(ctx.var("PATH"), std::env::var_os("PATH").as_deref());
    }

    #[test]
    fn a_test_context_names_its_host_only_from_the_environment() {
        assert_eq!(Context::fixed(0).host_name(), None);
        let ctx = Context::fixed(0).with_var("HOSTNAME", "build-7");
        assert_eq!(ctx.host_name(), Some("build-7"));
    }

    #[test]
    fn the_os_user_comes_from_the_process_not_the_environment() {
        assert_eq!(Context::fixed(0).os_user(), None);
        let ctx = Context::from_process();
        let user = ctx.os_user().expect("a uid");
        assert_eq!(user.uid, rustix::process::getuid().as_raw());
        let ctx = Context::fixed(0).with_os_user(7, Some("svc"));
        assert_eq!(ctx.os_user().map(|u| u.uid), Some(7));
    }

    #[test]
    fn colour_rules() {
        let ctx = Context::fixed(0);
        assert!(ctx.color(ColorChoice::Auto, true));
        assert!(!ctx.color(ColorChoice::Auto, false));
        assert!(ctx.color(ColorChoice::Always, false));
        assert!(!ctx.color(ColorChoice::Never, true));
        assert!(
            !ctx.clone()
                .with_var("NO_COLOR", "1")
                .color(ColorChoice::Auto, true)
        );
        assert!(
            ctx.clone()
                .with_var("NO_COLOR", "")
                .color(ColorChoice::Auto, true)
        );
        assert!(
            ctx.clone()
                .with_var("NO_COLOR", "1")
                .color(ColorChoice::Always, false)
        );
        assert!(
            !ctx.clone()
                .with_var("TERM", "dumb")
                .color(ColorChoice::Auto, true)
        );
    }
}
