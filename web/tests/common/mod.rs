//! What the tests that run the `riff` binary share: the command, a
//! working directory of its own, and a stop as a service manager makes it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// `riff` in `dir`, with none of the settings this shell may have.
pub(crate) fn riff(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_riff"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("RIFF_API_TOKEN")
        .env_remove("RIFF_BIND");
    command
}

/// A fresh working directory, removed afterwards.
pub(crate) struct WorkDir(pub(crate) PathBuf);

impl WorkDir {
    /// A new directory whose name starts with `prefix`.
    pub(crate) fn new(prefix: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("create a working directory");
        Self(path)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sends SIGTERM, as a service manager would, and waits (bounded) for the
/// process to exit.
pub(crate) fn stop_with_sigterm(child: &mut Child) -> ExitStatus {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait on riff") {
            return status;
        }
        assert!(Instant::now() < deadline, "riff did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Standard output's lines, read on a thread to its end, as a terminal would.
pub(crate) fn lines_of(child: &mut Child) -> Receiver<String> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    lines
}

/// Runs `command` to its end, which must be a failure.
#[track_caller]
pub(crate) fn fails(command: &mut Command) -> Output {
    let out = command.output().expect("riff runs");
    assert!(!out.status.success());
    out
}
