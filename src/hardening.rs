//! Process-wide protection of the key, set up before anything else runs: no core dump, and (on Linux) no
//! other process of the same user may attach to leadbox or read its memory through /proc. A crash would
//! otherwise leave the key, which lives in memory for the whole session, in a core file.

/// Turns core dumps off for this process (and so for what it starts, which inherits the limit). Best
/// effort: a system that refuses is logged later, not a reason not to start.
pub fn no_core_dumps() -> Result<(), std::io::Error> {
    #[cfg(unix)]
    {
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit reads the struct it is given and nothing else.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(target_os = "linux")]
    {
        // Not dumpable also covers a core pattern that pipes to a handler (which ignores RLIMIT_CORE).
        // SAFETY: PR_SET_DUMPABLE takes a plain integer argument.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
