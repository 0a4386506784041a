//! wasm-bindgen, run in-process on the compiled module, plus the two changes worker-build makes
//! to its output: taking out the `__worker_manifest` section and exporting the stack pointer.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use walrus::{ExportItem, GlobalId, GlobalKind, Module, ValType};
use wasm_bindgen_cli_support::Bindgen;

use crate::manifest::{self, Manifest};

/// The export under which the shim finds the stack pointer global.
pub(crate) const STACK_POINTER_EXPORT: &str = "__worker_stack_pointer";

/// The output of wasm-bindgen, ready to be written out.
pub(crate) struct Generated {
    /// The JavaScript glue, written as `index_bg.js`.
    pub(crate) glue: String,
    /// The processed module, written as `index_bg.wasm`.
    pub(crate) wasm: Vec<u8>,
    /// JavaScript modules that the glue imports (inline snippets and `module = "..."` files),
    /// by path relative to the output folder.
    pub(crate) modules: Vec<(PathBuf, String)>,
    pub(crate) manifest: Manifest,
}

/// The version of wasm-bindgen linked into worker-build, such as `0.2.130`.
///
/// It comes from the `wasm-bindgen-shared` crate that `wasm-bindgen-cli-support` pins, so the
/// version is written in one place: the workspace's pin of `wasm-bindgen-cli-support`.
pub(crate) fn wasm_bindgen_version() -> String {
    // `version()` appends " (<git revision>)" when wasm-bindgen was built from a checkout.
    let version = wasm_bindgen_shared::version();
    match version.split_once(' ') {
        Some((number, _)) => number.to_owned(),
        None => version,
    }
}

/// Runs wasm-bindgen on the module that cargo built.
///
/// The target is `web` because its glue can replace a broken instance (`__wbg_reset_state`),
/// which wasm-bindgen 0.2.130 rejects for the `bundler` target. The shim passes the compiled
/// module to the glue's `initSync`.
///
/// # Errors
///
/// Fails when wasm-bindgen rejects the module, when the module has no `__worker_manifest`
/// section or an invalid one, or when no stack pointer global can be found.
pub(crate) fn generate(wasm: Vec<u8>, strip_names: bool) -> Result<Generated> {
    let mut bindgen = Bindgen::new();
    bindgen
        .input_bytes("index", wasm)
        .web(true)?
        .reset_state_function(true)
        .omit_default_module_path(true)
        .typescript(false);
    let mut output = bindgen.generate_output().context("wasm-bindgen failed")?;
    let module = output.wasm_mut();
    let manifest = take_manifest(module)?;
    export_stack_pointer(module)?;
    let mut wasm = module.emit_wasm();
    if strip_names {
        wasm = strip_custom_sections(&wasm, &["name", "producers"])?;
    }

    let mut modules = Vec::new();
    for (identifier, snippets) in output.snippets() {
        for (index, snippet) in snippets.iter().enumerate() {
            let path = PathBuf::from("snippets")
                .join(identifier)
                .join(format!("inline{index}.js"));
            modules.push((path, snippet.clone()));
        }
    }
    for (path, contents) in output.local_modules() {
        modules.push((PathBuf::from("snippets").join(path), contents.clone()));
    }
    // wasm-bindgen writes every snippet of every linked crate, also those whose functions the
    // module does not import after dead code is removed; only the ones the glue imports ship.
    let glue = output.js();
    modules.retain(|(path, _)| {
        let import = format!("./{}", path.to_string_lossy().replace('\\', "/"));
        glue.contains(&import)
    });
    modules.sort();
    Ok(Generated {
        glue: glue.to_owned(),
        wasm,
        modules,
        manifest,
    })
}

/// Returns `wasm` without the custom sections called one of `names`.
///
/// Release builds drop the `name` section, a third of a small worker's module, and the
/// `producers` section: neither is needed to run, and the upload and cold start grow with size.
/// The stack pointer is found by name before this runs.
fn strip_custom_sections(wasm: &[u8], names: &[&str]) -> Result<Vec<u8>> {
    const HEADER: usize = 8;
    anyhow::ensure!(wasm.len() >= HEADER, "the module is too short to be wasm");
    let mut stripped = wasm[..HEADER].to_vec();
    let mut offset = HEADER;
    while offset < wasm.len() {
        let id = wasm[offset];
        let (size, size_length) = read_leb(&wasm[offset + 1..])?;
        let start = offset + 1 + size_length;
        let end = start
            .checked_add(size)
            .filter(|end| *end <= wasm.len())
            .context("a wasm section runs past the end of the module")?;
        let keep = id != 0 || {
            let (name_length, name_start) = read_leb(&wasm[start..end])?;
            let name = wasm.get(start + name_start..start + name_start + name_length);
            !names.iter().any(|wanted| name == Some(wanted.as_bytes()))
        };
        if keep {
            stripped.extend_from_slice(&wasm[offset..end]);
        }
        offset = end;
    }
    Ok(stripped)
}

/// Reads an unsigned LEB128 number; returns it and the number of bytes it took.
fn read_leb(bytes: &[u8]) -> Result<(usize, usize)> {
    let mut value: usize = 0;
    for (index, byte) in bytes.iter().take(5).enumerate() {
        value |= usize::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return Ok((value, index + 1));
        }
    }
    anyhow::bail!("invalid LEB128 number in a wasm section header")
}

/// Removes the `__worker_manifest` section from the module and parses it.
///
/// The linker normally merges all pieces into one section, but any further sections of the
/// same name are read too, in order.
fn take_manifest(module: &mut Module) -> Result<Manifest> {
    let mut section = Vec::new();
    let mut found = false;
    while let Some(raw) = module.customs.remove_raw(manifest::SECTION) {
        section.extend_from_slice(&raw.data);
        found = true;
    }
    if !found {
        bail!(
            "the wasm module has no {} section, so it declares no handler; a worker depends on \
             the `worker` crate and has at least one `#[event(...)]` or `#[durable_object]`",
            manifest::SECTION
        );
    }
    Manifest::parse(&section)
}

/// Exports the stack pointer global as [`STACK_POINTER_EXPORT`].
///
/// The global is the one that the name section calls `__stack_pointer`. A module without names
/// (built with `strip = "symbols"`) falls back to the first mutable i32 global that the module
/// defines, because wasm-ld puts the stack pointer first.
///
/// # Errors
///
/// Fails when no such global exists, or when the export name is taken by something else.
pub(crate) fn export_stack_pointer(module: &mut Module) -> Result<GlobalId> {
    let is_candidate = |global: &&walrus::Global| {
        global.mutable && global.ty == ValType::I32 && matches!(global.kind, GlobalKind::Local(_))
    };
    let named = module
        .globals
        .iter()
        .find(|global| global.name.as_deref() == Some("__stack_pointer"));
    let global = match named {
        Some(global) if is_candidate(&global) => global.id(),
        Some(_) => bail!("the `__stack_pointer` global of the wasm module is not a mutable i32"),
        None => match module.globals.iter().find(is_candidate) {
            Some(global) => global.id(),
            None => bail!(
                "the wasm module has no stack pointer (no mutable i32 global); was it built by \
                 rustc for {}?",
                crate::cargo::WASM_TARGET
            ),
        },
    };
    let existing = module
        .exports
        .iter()
        .find(|export| export.name == STACK_POINTER_EXPORT)
        .map(|export| export.item);
    match existing {
        Some(ExportItem::Global(id)) if id == global => {}
        Some(_) => {
            bail!("the wasm module already exports something else as `{STACK_POINTER_EXPORT}`")
        }
        None => {
            module.exports.add(STACK_POINTER_EXPORT, global);
        }
    }
    Ok(global)
}

#[cfg(test)]
mod tests {
    use walrus::{ConstExpr, ModuleConfig, ir::Value};

    use super::*;

    fn add_global(module: &mut Module, ty: ValType, mutable: bool, name: Option<&str>) -> GlobalId {
        let init = match ty {
            ValType::I64 => ConstExpr::Value(Value::I64(0)),
            _ => ConstExpr::Value(Value::I32(1_048_576)),
        };
        let id = module.globals.add_local(ty, mutable, false, init);
        module.globals.get_mut(id).name = name.map(str::to_owned);
        id
    }

    /// Returns the global exported as the stack pointer, if any.
    fn exported(module: &Module) -> Option<GlobalId> {
        let export = module
            .exports
            .iter()
            .find(|export| export.name == STACK_POINTER_EXPORT)?;
        match export.item {
            ExportItem::Global(id) => Some(id),
            _ => None,
        }
    }

    /// Emits and parses the module again, so that the test reads the names back from the name
    /// section.
    fn round_trip(module: &mut Module) -> Module {
        ModuleConfig::new().parse(&module.emit_wasm()).unwrap()
    }

    #[test]
    fn stack_pointer_found_by_name() {
        let mut module = Module::default();
        add_global(&mut module, ValType::I32, true, Some("other"));
        add_global(&mut module, ValType::I32, true, Some("__stack_pointer"));
        let mut module = round_trip(&mut module);
        let global = export_stack_pointer(&mut module).unwrap();
        assert_eq!(
            module.globals.get(global).name.as_deref(),
            Some("__stack_pointer")
        );
        assert_eq!(exported(&module), Some(global));
    }

    #[test]
    fn stack_pointer_found_without_names() {
        let mut module = Module::default();
        add_global(&mut module, ValType::I64, true, None);
        add_global(&mut module, ValType::I32, false, None);
        let expected = add_global(&mut module, ValType::I32, true, None);
        add_global(&mut module, ValType::I32, true, None);
        let global = export_stack_pointer(&mut module).unwrap();
        assert_eq!(global, expected);
        assert_eq!(exported(&module), Some(expected));
    }

    #[test]
    fn no_stack_pointer_is_an_error() {
        let mut module = Module::default();
        add_global(&mut module, ValType::I32, false, None);
        let error = export_stack_pointer(&mut module).unwrap_err();
        assert!(
            error.to_string().contains("has no stack pointer"),
            "{error}"
        );
    }

    #[test]
    fn immutable_named_stack_pointer_is_an_error() {
        let mut module = Module::default();
        add_global(&mut module, ValType::I32, false, Some("__stack_pointer"));
        let error = export_stack_pointer(&mut module).unwrap_err();
        assert!(
            error.to_string().contains("is not a mutable i32"),
            "{error}"
        );
    }

    #[test]
    fn existing_export_of_another_item_is_an_error() {
        let mut module = Module::default();
        add_global(&mut module, ValType::I32, true, None);
        let other = add_global(&mut module, ValType::I32, false, None);
        module.exports.add(STACK_POINTER_EXPORT, other);
        let error = export_stack_pointer(&mut module).unwrap_err();
        assert!(
            error.to_string().contains("already exports something else"),
            "{error}"
        );
    }

    #[test]
    fn manifest_sections_are_taken_out() {
        let mut module = Module::default();
        for data in [b"fetch\n".to_vec(), b"queue\nfetch\n".to_vec()] {
            module.customs.add(walrus::RawCustomSection {
                name: manifest::SECTION.to_owned(),
                data,
            });
        }
        let manifest = take_manifest(&mut module).unwrap();
        assert_eq!(manifest.to_string(), "fetch, queue");
        assert!(module.customs.remove_raw(manifest::SECTION).is_none());
    }

    #[test]
    fn missing_manifest_is_an_error() {
        let error = take_manifest(&mut Module::default()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("has no __worker_manifest section"),
            "{error}"
        );
    }

    #[test]
    fn linked_version_matches_the_workspace_pin() {
        let manifest = include_str!("../../Cargo.toml");
        let pin = manifest
            .lines()
            .find_map(|line| line.strip_prefix("wasm-bindgen-cli-support = \"="))
            .and_then(|rest| rest.split('"').next())
            .expect("the workspace pins wasm-bindgen-cli-support with `= \"=VERSION\"`");
        assert_eq!(wasm_bindgen_version(), pin);
    }

    #[test]
    fn strip_removes_names_and_keeps_code() {
        let mut module = Module::with_config(ModuleConfig::new());
        let global = add_global(&mut module, ValType::I32, true, Some("__stack_pointer"));
        module.exports.add("kept", global);
        module.producers.add_language("Rust", "1");
        let wasm = module.emit_wasm();
        let stripped = strip_custom_sections(&wasm, &["name", "producers"]).unwrap();
        assert!(stripped.len() < wasm.len());
        let parsed = Module::from_buffer(&stripped).unwrap();
        assert!(parsed.exports.iter().any(|export| export.name == "kept"));
        assert_eq!(parsed.globals.iter().next().unwrap().name, None);
    }

    #[test]
    fn strip_rejects_truncated_module() {
        let mut module = Module::with_config(ModuleConfig::new());
        add_global(&mut module, ValType::I32, true, Some("__stack_pointer"));
        let wasm = module.emit_wasm();
        let error = strip_custom_sections(&wasm[..wasm.len() - 3], &["name"]).unwrap_err();
        assert!(error.to_string().contains("past the end"), "{error}");
    }
}
