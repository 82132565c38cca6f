//! Keeping secrets out of core dumps: before the first secret is read, the process is made
//! non-dumpable (Linux: no core file, no ptrace or `/proc/PID/mem` by other processes of the
//! same user) and its core-size limit set to zero (every Unix). Both last for the rest of the
//! run; both go through rustix's safe wrappers.

/// Turn core dumps off for the rest of the run. Failures are ignored: a platform without the
/// call keeps its default, and the secrets are still wiped when dropped.
pub(crate) fn no_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        );
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn core_dumps_are_off_after_the_guard() {
        use rustix::process::{DumpableBehavior, Resource, dumpable_behavior, getrlimit};
        super::no_core_dumps();
        assert_eq!(getrlimit(Resource::Core).current, Some(0));
        assert_eq!(getrlimit(Resource::Core).maximum, Some(0));
        assert_eq!(dumpable_behavior().unwrap(), DumpableBehavior::NotDumpable);
    }
}
