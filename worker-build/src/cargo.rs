//! The calls to cargo and rustup: the crate's metadata, the wasm-bindgen version that its lock
//! file resolved, the wasm32 target and the `cargo build` itself.

use std::ffi::OsString;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use cargo_metadata::{Message, Metadata, MetadataCommand, Package, PackageId, semver::Version};

use crate::args::{Config, Profile};
use crate::say;

/// The only target that worker-build compiles for.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Cargo arguments that change how cargo resolves dependencies. `cargo metadata` gets them too,
/// so that it reads the lock file the same way as the `cargo build` that follows.
const RESOLVE_ARGS: &[&str] = &["--locked", "--frozen", "--offline"];

/// The crate that worker-build compiles, as `cargo metadata` describes it.
#[derive(Debug)]
pub(crate) struct Project {
    pub(crate) package_id: PackageId,
    pub(crate) package_name: String,
    pub(crate) manifest_path: PathBuf,
    /// The folder that contains `manifest_path`.
    pub(crate) crate_dir: PathBuf,
    pub(crate) target_dir: PathBuf,
    /// Every `wasm-bindgen` version in the resolved dependency graph for the wasm32 target.
    pub(crate) wasm_bindgen_versions: Vec<Version>,
}

impl Project {
    /// Runs `cargo metadata` and finds the crate to build: the one of `--manifest-path`, or else
    /// the one of the current folder.
    ///
    /// # Errors
    ///
    /// Fails when `cargo metadata` fails, when there is no package (a virtual workspace
    /// manifest), or when the package has no `cdylib` library.
    pub(crate) fn locate(config: &Config) -> Result<Project> {
        let mut command = MetadataCommand::new();
        command.cargo_path(cargo_program());
        match &config.manifest_path {
            Some(path) => {
                command.manifest_path(path);
            }
            None => check_manifest_above_current_dir()?,
        }
        // The filter keeps the resolve to the dependencies that the wasm32 build compiles.
        let mut options = vec!["--filter-platform".to_owned(), WASM_TARGET.to_owned()];
        options.extend(resolve_args(&config.cargo_args));
        command.other_options(options);
        let metadata = command
            .exec()
            .context("failed to read the crate's metadata")?;
        Project::from_metadata(&metadata)
    }

    fn from_metadata(metadata: &Metadata) -> Result<Project> {
        let Some(package) = metadata.root_package() else {
            bail!(
                "no package in {}: it is a virtual workspace manifest; run worker-build in the \
                 worker crate's folder or pass --manifest-path",
                metadata.workspace_root.join("Cargo.toml")
            );
        };
        check_cdylib(package)?;
        let manifest_path = PathBuf::from(&package.manifest_path);
        let crate_dir = manifest_path
            .parent()
            .context("the crate's manifest path has no parent folder")?
            .to_path_buf();
        let wasm_bindgen_versions = metadata
            .packages
            .iter()
            .filter(|package| package.name.as_str() == "wasm-bindgen")
            .map(|package| package.version.clone())
            .collect();
        Ok(Project {
            package_id: package.id.clone(),
            package_name: package.name.to_string(),
            manifest_path,
            crate_dir,
            target_dir: metadata.target_directory.clone().into(),
            wasm_bindgen_versions,
        })
    }
}

/// Checks that cargo will find a `Cargo.toml` in the current folder or a parent folder, so that
/// the error names the fix instead of quoting `cargo metadata`.
fn check_manifest_above_current_dir() -> Result<()> {
    let current = std::env::current_dir().context("failed to read the current folder")?;
    if current
        .ancestors()
        .any(|dir| dir.join("Cargo.toml").is_file())
    {
        return Ok(());
    }
    bail!(
        "no Cargo.toml in {} or any parent folder; run worker-build in the worker crate's folder \
         or pass --manifest-path",
        current.display()
    );
}

fn check_cdylib(package: &Package) -> Result<()> {
    let library = package.targets.iter().find(|target| {
        target.is_lib() || target.is_cdylib() || target.is_rlib() || target.is_dylib()
    });
    let Some(library) = library else {
        bail!(
            "package `{}` has no library target; worker-build compiles src/lib.rs, with \
             `crate-type = [\"cdylib\"]` under [lib] in {}",
            package.name,
            package.manifest_path
        );
    };
    if !library.is_cdylib() {
        bail!(
            "the library of package `{}` is not a cdylib; add `crate-type = [\"cdylib\"]` under \
             [lib] in {}",
            package.name,
            package.manifest_path
        );
    }
    Ok(())
}

fn resolve_args(cargo_args: &[OsString]) -> impl Iterator<Item = String> + '_ {
    cargo_args
        .iter()
        .filter_map(|arg| arg.to_str())
        .filter(|arg| RESOLVE_ARGS.contains(arg))
        .map(str::to_owned)
}

/// Checks that the crate resolved exactly the wasm-bindgen version that worker-build links.
///
/// The `wasm-bindgen` macro writes a schema into the wasm module that only the matching
/// `wasm-bindgen-cli-support` reads correctly, so any other version is rejected up front.
///
/// # Errors
///
/// Fails when `resolved` is empty or contains a version other than `linked`.
pub(crate) fn check_wasm_bindgen_version(resolved: &[Version], linked: &str) -> Result<()> {
    if resolved.is_empty() {
        bail!(
            "the crate does not depend on wasm-bindgen for {WASM_TARGET}; a worker depends on \
             the `worker` crate (or on wasm-bindgen {linked} directly)"
        );
    }
    for version in resolved {
        if version.to_string() != linked {
            bail!(
                "the crate's Cargo.lock resolves wasm-bindgen {version}, but this worker-build \
                 ({}) runs wasm-bindgen {linked}; install the worker-build of the same release \
                 as your `worker` dependency (`cargo install worker-build --version <that \
                 version> --locked --force`), or, if your crate pins wasm-bindgen itself, run \
                 `cargo update -p wasm-bindgen --precise {linked}`",
                env!("CARGO_PKG_VERSION")
            );
        }
    }
    Ok(())
}

/// Installs the wasm32 target with rustup unless the toolchain that builds the crate has it.
///
/// # Errors
///
/// Fails when `rustc --print sysroot` fails, or when the target is missing and
/// `rustup target add` fails or is not available.
pub(crate) fn ensure_wasm_target(crate_dir: &Path) -> Result<()> {
    let sysroot = rustc_sysroot(crate_dir)?;
    let target_lib = sysroot.join("lib/rustlib").join(WASM_TARGET).join("lib");
    if target_lib.is_dir() {
        return Ok(());
    }
    say!(
        "the {WASM_TARGET} target is not installed in {}; installing it with \
         `rustup target add {WASM_TARGET}`",
        sysroot.display()
    );
    // Run in the crate's folder, so that rustup picks the crate's toolchain file, if any.
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .current_dir(crate_dir)
        .status();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!(
            "`rustup target add {WASM_TARGET}` failed ({status}); install the target for the \
             toolchain in {} and run worker-build again",
            sysroot.display()
        ),
        Err(error) => bail!(
            "the {WASM_TARGET} target is missing and rustup could not be run ({error}); install \
             the target for the toolchain in {}",
            sysroot.display()
        ),
    }
}

fn rustc_sysroot(crate_dir: &Path) -> Result<PathBuf> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .current_dir(crate_dir)
        .output()
        .with_context(|| format!("failed to run `{} --print sysroot`", rustc.display()))?;
    if !output.status.success() {
        bail!(
            "`{} --print sysroot` failed ({}): {}",
            rustc.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let sysroot = String::from_utf8(output.stdout).context("rustc printed a non-UTF-8 sysroot")?;
    Ok(PathBuf::from(sysroot.trim()))
}

/// Runs `cargo build --lib --target wasm32-unknown-unknown` and returns the path of the wasm
/// module that it produced.
///
/// Cargo's progress and diagnostics go to stderr as usual. Its JSON messages on stdout name the
/// artifact, so custom target folders and profiles need no guessing.
///
/// # Errors
///
/// Fails when cargo cannot be run, when the build fails, or when cargo reports no `.wasm` file
/// for the crate's library.
pub(crate) fn build_wasm(project: &Project, config: &Config) -> Result<PathBuf> {
    let mut command = build_command(project, config);
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .context("failed to run `cargo build`")?;
    let stdout = child
        .stdout
        .take()
        .context("cargo's stdout was not captured")?;
    let mut wasm = None;
    for message in Message::parse_stream(BufReader::new(stdout)) {
        let message = message.context("failed to read cargo's JSON messages")?;
        if let Message::CompilerArtifact(artifact) = message
            && artifact.package_id == project.package_id
            && artifact.target.is_cdylib()
        {
            wasm = artifact
                .filenames
                .into_iter()
                .find(|file| file.extension() == Some("wasm"));
        }
    }
    let status = child.wait().context("failed to wait for `cargo build`")?;
    if !status.success() {
        bail!("`cargo build` failed ({status}); see cargo's messages above");
    }
    let wasm = wasm.with_context(|| {
        format!(
            "cargo built no .wasm file for the library of `{}`",
            project.package_name
        )
    })?;
    Ok(wasm.into())
}

fn build_command(project: &Project, config: &Config) -> Command {
    let mut command = Command::new(cargo_program());
    command.args(["build", "--lib", "--target", WASM_TARGET]);
    command.arg("--message-format=json-render-diagnostics");
    command.arg("--manifest-path").arg(&project.manifest_path);
    if config.profile == Profile::Release {
        command.arg("--release");
    }
    for features in &config.features {
        command.arg("--features").arg(features);
    }
    if config.no_default_features {
        command.arg("--no-default-features");
    }
    command.args(&config.cargo_args);
    command
}

/// Returns the cargo that runs worker-build as a subcommand (`$CARGO`), or else `cargo` from
/// `PATH`.
fn cargo_program() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(list: &[&str]) -> Vec<Version> {
        list.iter()
            .map(|version| version.parse().unwrap())
            .collect()
    }

    #[test]
    fn same_version_passes() {
        assert!(check_wasm_bindgen_version(&versions(&["0.2.130"]), "0.2.130").is_ok());
    }

    #[test]
    fn other_version_names_both_and_the_fix() {
        let error = check_wasm_bindgen_version(&versions(&["0.2.129"]), "0.2.130").unwrap_err();
        let message = error.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(
            message.contains("resolves wasm-bindgen 0.2.129"),
            "{message}"
        );
        assert!(message.contains("runs wasm-bindgen 0.2.130"), "{message}");
        assert!(
            message.contains("`cargo update -p wasm-bindgen --precise 0.2.130`"),
            "{message}"
        );
        assert!(
            message.contains("install the worker-build of the same release as your `worker`"),
            "{message}"
        );
    }

    #[test]
    fn missing_wasm_bindgen_is_an_error() {
        let error = check_wasm_bindgen_version(&[], "0.2.130").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("does not depend on wasm-bindgen"),
            "{error}"
        );
    }

    #[test]
    fn build_command_arguments() {
        let project = Project {
            package_id: PackageId {
                repr: "fixture".to_owned(),
            },
            package_name: "fixture".to_owned(),
            manifest_path: PathBuf::from("/crate/Cargo.toml"),
            crate_dir: PathBuf::from("/crate"),
            target_dir: PathBuf::from("/crate/target"),
            wasm_bindgen_versions: Vec::new(),
        };
        let config = Config {
            profile: Profile::Release,
            out_dir: None,
            features: vec!["a,b".to_owned()],
            no_default_features: true,
            keep_names: false,
            manifest_path: None,
            cargo_args: vec!["--locked".into()],
        };
        let command = build_command(&project, &config);
        let args: Vec<_> = command
            .get_args()
            .map(|arg| arg.to_string_lossy())
            .collect();
        assert_eq!(
            args,
            [
                "build",
                "--lib",
                "--target",
                "wasm32-unknown-unknown",
                "--message-format=json-render-diagnostics",
                "--manifest-path",
                "/crate/Cargo.toml",
                "--release",
                "--features",
                "a,b",
                "--no-default-features",
                "--locked",
            ]
        );
    }

    #[test]
    fn resolve_args_are_forwarded() {
        let args: Vec<OsString> = ["--locked", "-j", "2", "--offline"].map(Into::into).into();
        let forwarded: Vec<String> = resolve_args(&args).collect();
        assert_eq!(forwarded, ["--locked", "--offline"]);
    }
}
