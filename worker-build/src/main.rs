//! `worker-build`: turns a Rust `cdylib` crate into the files that wrangler deploys.
//!
//! The pipeline is `cargo build --target wasm32-unknown-unknown`, then wasm-bindgen in-process,
//! then a generated entry module (`index.js`), all written to `build/` through a staging folder.
//! `docs/architecture.md` in the repository describes the contract with the `worker` crate.
//!
//! Exit codes: 0 on success, 1 when the build failed, 2 on a usage error.

mod args;
mod bindgen;
mod cargo;
mod manifest;
mod output;
mod pipeline;
mod shim;

use std::process::ExitCode;

use args::Mode;

/// The prefix of every line that worker-build itself prints.
const PROGRAM: &str = "worker-build";

/// Prints a progress or error line to stderr, prefixed with the program name.
// The line is formatted first and written in one call: `eprintln!` with several arguments
// writes them piece by piece, and wrangler shows each piece of a build command's output on a
// line of its own.
macro_rules! say {
    ($($arg:tt)*) => {{
        let line = format!("{}: {}\n", $crate::PROGRAM, format_args!($($arg)*));
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
    }};
}
pub(crate) use say;

fn main() -> ExitCode {
    let mode = match args::parse(std::env::args_os().skip(1)) {
        Ok(mode) => mode,
        Err(error) => {
            say!("{error}");
            say!("run `worker-build --help` for usage");
            return ExitCode::from(2);
        }
    };
    match mode {
        Mode::Help => {
            print!("{}", args::help());
            ExitCode::SUCCESS
        }
        Mode::Version => {
            println!("{PROGRAM} {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Mode::Build(config) => match pipeline::run(&config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                // `{:#}` joins the context chain into one line: "what failed: why".
                say!("{error:#}");
                ExitCode::from(1)
            }
        },
    }
}
