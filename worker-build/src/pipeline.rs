//! The build: cargo, then wasm-bindgen and the shim, then the output folder.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::args::Config;
use crate::cargo::{self, Project, WASM_TARGET};
use crate::output::{self, GLUE_FILE, SHIM_FILE, WASM_FILE};
use crate::{bindgen, say, shim};

/// Builds the crate that `config` names into its output folder.
///
/// # Errors
///
/// Fails when any step fails; the output folder then keeps its previous contents.
pub(crate) fn run(config: &Config) -> Result<()> {
    let project = Project::locate(config)?;
    let linked_version = bindgen::wasm_bindgen_version();
    cargo::check_wasm_bindgen_version(&project.wasm_bindgen_versions, &linked_version)?;
    let out_dir = output_dir(config, &project)?;
    // Checked again when the output is installed, but a mistyped --out-dir should fail before
    // the compile rather than after it.
    output::check_replaceable(&out_dir)?;

    // Held until the output is in place, so that concurrent builds of the crate take turns.
    let _lock = output::lock(&project.target_dir, &project.package_name)?;
    cargo::ensure_wasm_target(&project.crate_dir)?;
    say!(
        "compiling `{}` for {WASM_TARGET} with the {} profile",
        project.package_name,
        config.profile.name()
    );
    let wasm_path = cargo::build_wasm(&project, config)?;
    let wasm =
        fs::read(&wasm_path).with_context(|| format!("failed to read {}", wasm_path.display()))?;

    let stamp = output::stamp(&wasm);
    let shown_dir = shown_path(&out_dir);
    if output::is_up_to_date(&out_dir, &stamp) {
        say!("{shown_dir} is up to date: the wasm module and worker-build are unchanged");
        return Ok(());
    }
    say!("running wasm-bindgen {linked_version}");
    let strip_names = config.profile == crate::args::Profile::Release && !config.keep_names;
    let generated = bindgen::generate(wasm, strip_names)?;
    let wasm_size = generated.wasm.len();
    let summary = generated.manifest.to_string();
    let files = output_files(generated, strip_names);
    output::install(&out_dir, &files, &stamp)?;
    say!(
        "wrote {shown_dir} ({summary}; {WASM_FILE} is {} KiB)",
        wasm_size.div_ceil(1024)
    );
    Ok(())
}

/// Resolves the output folder: `--out-dir` relative to the current folder, or else `build` in
/// the crate's folder.
fn output_dir(config: &Config, project: &Project) -> Result<PathBuf> {
    match &config.out_dir {
        Some(dir) => std::path::absolute(dir)
            .with_context(|| format!("failed to resolve --out-dir {}", dir.display())),
        None => Ok(project.crate_dir.join("build")),
    }
}

/// `path` relative to the current folder when it is inside it, for shorter messages.
fn shown_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|current| path.strip_prefix(current).ok().map(Path::to_path_buf));
    match relative {
        Some(relative) if !relative.as_os_str().is_empty() => format!("{}/", relative.display()),
        _ => format!("{}/", path.display()),
    }
}

fn output_files(generated: bindgen::Generated, strip_comments: bool) -> Vec<(PathBuf, Vec<u8>)> {
    let shim = shim::generate(&generated.manifest);
    let shim = if strip_comments {
        shim::without_comments(&shim)
    } else {
        shim
    };
    let mut files = vec![
        (PathBuf::from(SHIM_FILE), shim.into_bytes()),
        (PathBuf::from(GLUE_FILE), generated.glue.into_bytes()),
        (PathBuf::from(WASM_FILE), generated.wasm),
    ];
    files.extend(
        generated
            .modules
            .into_iter()
            .map(|(path, contents)| (path, contents.into_bytes())),
    );
    files
}
