//! Runs the worker-build binary on the fixture crates under `tests/fixtures` and loads the output
//! into workerd through Miniflare (from the repository's `node_modules`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_worker-build");

fn repository() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    path.canonicalize().expect("the repository folder exists")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The target folder that all fixtures share: `fixtures` inside `CARGO_TARGET_DIR` when that is
/// set, so that a shared target folder is used, or else inside the repository's `target`.
fn fixtures_target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => std::path::absolute(dir)
            .expect("CARGO_TARGET_DIR resolves")
            .join("fixtures"),
        None => repository().join("target/fixtures"),
    }
}

/// `worker-build ARGS` in `dir`, with the target folder that all fixtures share.
fn worker_build(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", fixtures_target());
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `tests/workerd/run.mjs` on `build_dir` with `plan`, or returns `None` (after saying
/// why) when Node.js or Miniflare is not installed.
fn run_in_workerd(build_dir: &Path, plan: &str) -> Option<Vec<String>> {
    if !repository().join("node_modules/miniflare").is_dir() {
        eprintln!("skipped the workerd check: node_modules/miniflare is missing; run `npm ci`");
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workerd/run.mjs");
    let output = match Command::new("node")
        .arg(script)
        .arg(build_dir)
        .arg(plan)
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            eprintln!("skipped the workerd check: node could not be run ({error})");
            return None;
        }
    };
    assert!(
        output.status.success(),
        "run.mjs failed: {}",
        stderr(&output)
    );
    let stdout = String::from_utf8(output.stdout).expect("run.mjs prints UTF-8");
    Some(stdout.lines().map(str::to_owned).collect())
}

fn response(status: u16, body: &str) -> String {
    format!("{{\"status\":{status},\"body\":\"{body}\"}}")
}

#[test]
fn concurrent_release_builds_load_in_workerd() {
    let dir = fixture("hello");
    let out_dir = dir.join("build");
    let _ = std::fs::remove_dir_all(&out_dir);

    let spawn = || {
        let mut command = worker_build(&dir, &["--release"]);
        command.stderr(Stdio::piped()).spawn().unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    for output in &outputs {
        assert!(
            output.status.success(),
            "worker-build failed: {}",
            stderr(output)
        );
    }
    let skipped = outputs
        .iter()
        .filter(|output| stderr(output).contains("is up to date"))
        .count();
    assert_eq!(skipped, 1, "exactly one build skips wasm-bindgen");

    for file in [
        "index.js",
        "index_bg.js",
        "index_bg.wasm",
        ".worker-build-stamp",
    ] {
        assert!(out_dir.join(file).is_file(), "build/{file} is missing");
    }
    let snippets = std::fs::read_dir(out_dir.join("snippets")).unwrap().count();
    assert_eq!(snippets, 1, "the inline JS snippet is missing");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("staging"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders remain: {leftovers:?}"
    );

    let plan = r#"{"durableObjects": {"COUNTER": "Counter"}, "steps": [
        {"path": "/"},
        {"path": "/state"},
        {"path": "/stack"},
        {"path": "/panic"},
        {"path": "/stack"},
        {"path": "/state"},
        {"durableObject": "COUNTER", "name": "a", "path": "/"},
        {"durableObject": "COUNTER", "name": "a", "rpc": "add", "args": [5]},
        {"path": "/poison"},
        {"path": "/state"},
        {"durableObject": "COUNTER", "name": "a", "rpc": "total"},
        {"path": "/hang"}
    ]}"#;
    let Some(lines) = run_in_workerd(&out_dir, plan) else {
        return;
    };
    assert_eq!(lines.len(), 12, "{lines:#?}");
    assert_eq!(lines[0], response(200, "hello from the fixture"));
    // `__worker_init`, the start function and one drain ran before the second request.
    assert_eq!(
        lines[1],
        response(200, "inits=1 starts=1 drains=1 recoveries=0 requests=2")
    );
    assert_eq!(
        lines[3],
        response(500, "Internal Server Error"),
        "a panic gets a 500 response"
    );
    assert_eq!(
        lines[4], lines[2],
        "the stack pointer is restored after the trap"
    );
    assert_eq!(
        lines[5],
        response(200, "inits=1 starts=1 drains=4 recoveries=1 requests=6"),
        "the same instance serves the request after the panic"
    );
    assert_eq!(lines[6], response(200, "total=1"));
    assert_eq!(lines[7], r#"{"value":6}"#);
    assert_eq!(lines[8], response(500, "Internal Server Error"));
    assert_eq!(
        lines[9],
        response(200, "inits=1 starts=1 drains=0 recoveries=0 requests=1"),
        "a failed recovery replaces the instance, which runs init and start again"
    );
    assert_eq!(
        lines[10], r#"{"value":0}"#,
        "the Durable Object is recreated after a reset"
    );
    // A promise that never settles, as after a reset, ends in an error response from workerd.
    assert!(lines[11].starts_with(r#"{"status":500,"#), "{}", lines[11]);
    assert!(lines[11].contains("hung"), "{}", lines[11]);
}

#[test]
fn dev_build_loads_in_workerd() {
    let dir = fixture("hello");
    let out_dir = fixtures_target().join("hello-dev-build");
    let out_arg = out_dir.to_str().unwrap();
    let output = worker_build(&dir, &["--dev", "--out-dir", out_arg])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "worker-build failed: {}",
        stderr(&output)
    );

    let plan = r#"{"steps": [{"path": "/"}, {"path": "/panic"}, {"path": "/"}]}"#;
    let Some(lines) = run_in_workerd(&out_dir, plan) else {
        return;
    };
    assert_eq!(lines[0], response(200, "hello from the fixture"));
    assert_eq!(lines[1], response(500, "Internal Server Error"));
    assert_eq!(lines[2], response(200, "hello from the fixture"));
}

#[test]
fn library_that_is_not_cdylib_fails() {
    let output = worker_build(&fixture("not-cdylib"), &[]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("worker-build: "), "{message}");
    assert!(message.contains("the library of package `fixture-not-cdylib` is not a cdylib"));
    assert!(message.contains("crate-type = [\"cdylib\"]"), "{message}");
}

#[test]
fn usage_error_exits_2() {
    let output = worker_build(&fixture("hello"), &["--release", "--dev"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(
        message,
        "worker-build: --release and --dev cannot be used together; pick one\n\
         worker-build: run `worker-build --help` for usage\n"
    );
}

#[test]
fn help_and_version_print_to_stdout() {
    let output = worker_build(&fixture("hello"), &["--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(
        help.contains("Usage: worker-build [OPTIONS] [-- CARGO_ARGS...]"),
        "{help}"
    );

    let output = worker_build(&fixture("hello"), &["--version"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let version = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        version,
        format!("worker-build {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Runs worker-build with a `rustc` that reports an empty sysroot and a `rustup` that records its
/// arguments and fails, to check the target installation path without changing the toolchain.
#[cfg(unix)]
#[test]
fn missing_target_runs_rustup() {
    use std::os::unix::fs::PermissionsExt;

    let scratch = tempfile::tempdir().unwrap();
    let bin = scratch.path().join("bin");
    let sysroot = scratch.path().join("sysroot");
    let log = scratch.path().join("rustup-arguments");
    std::fs::create_dir(&bin).unwrap();
    std::fs::create_dir(&sysroot).unwrap();
    let rustc = bin.join("fake-rustc");
    let rustup = bin.join("rustup");
    let rustc_script = format!(
        "#!/bin/sh\n\
         if [ \"$1\" = --print ] && [ \"$2\" = sysroot ]; then echo '{}'; exit 0; fi\n\
         exec rustc \"$@\"\n",
        sysroot.display()
    );
    let rustup_script = format!("#!/bin/sh\necho \"$@\" > '{}'\nexit 1\n", log.display());
    for (path, script) in [(&rustc, rustc_script), (&rustup, rustup_script)] {
        std::fs::write(path, script).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = std::env::join_paths(
        std::iter::once(bin.clone())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();

    let output = worker_build(
        &fixture("hello"),
        &["--out-dir", scratch.path().join("build").to_str().unwrap()],
    )
    .env("RUSTC", &rustc)
    .env("PATH", path)
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    let expected = format!(
        "worker-build: the wasm32-unknown-unknown target is not installed in {}; installing it \
         with `rustup target add wasm32-unknown-unknown`\n",
        sysroot.display()
    );
    assert!(message.contains(&expected), "{message}");
    assert!(
        message.contains("`rustup target add wasm32-unknown-unknown` failed"),
        "{message}"
    );
    let arguments = std::fs::read_to_string(&log).unwrap();
    assert_eq!(arguments, "target add wasm32-unknown-unknown\n");
}
