//! Command-line arguments. Each flag is defined once in [`FLAGS`], which drives both parsing and
//! `--help`, and the parsed flags are then validated into a [`Config`].

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

/// The action that `main` takes after parsing the arguments.
#[derive(Debug)]
pub(crate) enum Mode {
    Build(Config),
    Help,
    Version,
}

/// A validated build request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Config {
    pub(crate) profile: Profile,
    /// The output folder; `None` means `build` inside the crate's folder.
    pub(crate) out_dir: Option<PathBuf>,
    /// Features to enable, each as given to `--features`.
    pub(crate) features: Vec<String>,
    pub(crate) no_default_features: bool,
    /// Keep the wasm `name` section in a release build, for size profilers such as twiggy.
    pub(crate) keep_names: bool,
    pub(crate) manifest_path: Option<PathBuf>,
    /// Arguments after `--`, passed to `cargo build` unchanged.
    pub(crate) cargo_args: Vec<OsString>,
}

/// The cargo profile that compiles the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Dev,
    Release,
}

impl Profile {
    /// Returns the profile name as cargo prints it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Profile::Dev => "dev",
            Profile::Release => "release",
        }
    }
}

/// A usage error: the arguments cannot be turned into a [`Config`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

impl From<lexopt::Error> for UsageError {
    fn from(error: lexopt::Error) -> Self {
        UsageError(error.to_string())
    }
}

macro_rules! usage_error {
    ($($arg:tt)*) => {
        UsageError(format!($($arg)*))
    };
}

/// The flags as given, before validation.
#[derive(Debug, Default)]
struct RawArgs {
    help: bool,
    version: bool,
    release: bool,
    dev: bool,
    out_dir: Option<PathBuf>,
    features: Vec<String>,
    no_default_features: bool,
    keep_names: bool,
    manifest_path: Option<PathBuf>,
    cargo_args: Vec<OsString>,
}

/// One command-line flag: its names, its help text and how it updates [`RawArgs`].
struct Flag {
    long: &'static str,
    short: Option<char>,
    /// The placeholder shown in `--help` for a flag that takes a value.
    value_name: Option<&'static str>,
    help: &'static str,
    apply: fn(&mut RawArgs, Option<OsString>) -> Result<(), UsageError>,
}

const FLAGS: &[Flag] = &[
    Flag {
        long: "release",
        short: Some('r'),
        value_name: None,
        help: "Build with the release profile.",
        apply: |args, _| {
            args.release = true;
            Ok(())
        },
    },
    Flag {
        long: "dev",
        short: None,
        value_name: None,
        help: "Build with the dev profile. This is the default.",
        apply: |args, _| {
            args.dev = true;
            Ok(())
        },
    },
    Flag {
        long: "out-dir",
        short: Some('o'),
        value_name: Some("DIR"),
        help: "Write the output to DIR, relative to the current folder. \
               Default: `build` in the crate's folder.",
        apply: |args, value| {
            let dir = PathBuf::from(non_empty(value, "--out-dir")?);
            if args.out_dir.replace(dir).is_some() {
                return Err(usage_error!("--out-dir is given twice; keep one"));
            }
            Ok(())
        },
    },
    Flag {
        long: "features",
        short: Some('F'),
        value_name: Some("FEATURES"),
        help: "Enable these features of the crate (comma- or space-separated; repeatable).",
        apply: |args, value| {
            let list = non_empty(value, "--features")?;
            let list = list
                .into_string()
                .map_err(|list| usage_error!("--features {list:?} is not valid UTF-8"))?;
            args.features.push(list);
            Ok(())
        },
    },
    Flag {
        long: "no-default-features",
        short: None,
        value_name: None,
        help: "Do not enable the crate's default features.",
        apply: |args, _| {
            args.no_default_features = true;
            Ok(())
        },
    },
    Flag {
        long: "keep-names",
        short: None,
        value_name: None,
        help: "Keep function names in the wasm of a release build, for size profilers. \
               Release builds drop them by default; dev builds always keep them.",
        apply: |args, _| {
            args.keep_names = true;
            Ok(())
        },
    },
    Flag {
        long: "manifest-path",
        short: None,
        value_name: Some("PATH"),
        help: "Build the crate of this Cargo.toml instead of the one in the current folder.",
        apply: |args, value| {
            let path = PathBuf::from(non_empty(value, "--manifest-path")?);
            if args.manifest_path.replace(path).is_some() {
                return Err(usage_error!("--manifest-path is given twice; keep one"));
            }
            Ok(())
        },
    },
    Flag {
        long: "help",
        short: Some('h'),
        value_name: None,
        help: "Print this help and exit.",
        apply: |args, _| {
            args.help = true;
            Ok(())
        },
    },
    Flag {
        long: "version",
        short: Some('V'),
        value_name: None,
        help: "Print the version of worker-build and exit.",
        apply: |args, _| {
            args.version = true;
            Ok(())
        },
    },
];

/// Arguments of `cargo build` that worker-build sets itself, with the way to set each one.
const RESERVED_CARGO_ARGS: &[(&str, &str)] = &[
    (
        "--target",
        "worker-build always builds for wasm32-unknown-unknown",
    ),
    (
        "--message-format",
        "worker-build reads cargo's JSON messages itself",
    ),
    ("--release", "pass --release before `--`"),
    ("-r", "pass --release before `--`"),
    ("--profile", "use --release or --dev"),
    ("--features", "pass --features before `--`"),
    ("-F", "pass --features before `--`"),
    (
        "--no-default-features",
        "pass --no-default-features before `--`",
    ),
    ("--manifest-path", "pass --manifest-path before `--`"),
    ("--lib", "worker-build always builds the library"),
    ("--bin", "worker-build builds the library only"),
    ("--example", "worker-build builds the library only"),
    (
        "-p",
        "run worker-build in the crate's folder or pass --manifest-path",
    ),
    (
        "--package",
        "run worker-build in the crate's folder or pass --manifest-path",
    ),
    ("--workspace", "worker-build builds one crate"),
];

/// Parses the command-line arguments (without the program name).
pub(crate) fn parse<I>(args: I) -> Result<Mode, UsageError>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // Everything after the first `--` belongs to cargo, so it is split off before lexopt parses.
    let cargo_args = match args.iter().position(|arg| arg == "--") {
        Some(separator) => {
            let rest = args.split_off(separator + 1);
            args.pop();
            rest
        }
        None => Vec::new(),
    };
    let mut raw = parse_flags(args)?;
    raw.cargo_args = cargo_args;
    validate(raw)
}

/// Returns the known flag closest to a mistyped one: at most two edits away.
fn closest_flag(name: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .map(|flag| (edit_distance(name, flag.long), flag.long))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, long)| long)
}

/// Counts the single-character insertions, deletions and substitutions that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (row, left) in a.chars().enumerate() {
        let mut current = vec![row + 1];
        for (column, right) in b.iter().enumerate() {
            let substitution = previous[column] + usize::from(left != *right);
            let insertion = current[column] + 1;
            let deletion = previous[column + 1] + 1;
            current.push(substitution.min(insertion).min(deletion));
        }
        previous = current;
    }
    previous[b.len()]
}

fn parse_flags(args: Vec<OsString>) -> Result<RawArgs, UsageError> {
    let mut raw = RawArgs::default();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        let flag = match &arg {
            lexopt::Arg::Long(name) => FLAGS.iter().find(|flag| flag.long == *name),
            lexopt::Arg::Short(letter) => FLAGS.iter().find(|flag| flag.short == Some(*letter)),
            lexopt::Arg::Value(value) => {
                return Err(usage_error!(
                    "unexpected argument {value:?}; arguments for cargo go after `--`"
                ));
            }
        };
        let Some(flag) = flag else {
            let suggestion = match &arg {
                lexopt::Arg::Long(name) => closest_flag(name),
                _ => None,
            };
            let error = UsageError::from(arg.unexpected());
            return Err(match suggestion {
                Some(known) => usage_error!("{error}; did you mean `--{known}`?"),
                None => error,
            });
        };
        let value = match flag.value_name {
            Some(_) => Some(parser.value()?),
            None => None,
        };
        (flag.apply)(&mut raw, value)?;
    }
    Ok(raw)
}

fn non_empty(value: Option<OsString>, flag: &str) -> Result<OsString, UsageError> {
    match value {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(usage_error!("{flag} needs a non-empty value")),
    }
}

fn validate(raw: RawArgs) -> Result<Mode, UsageError> {
    if raw.help {
        return Ok(Mode::Help);
    }
    if raw.version {
        return Ok(Mode::Version);
    }
    if raw.release && raw.dev {
        return Err(usage_error!(
            "--release and --dev cannot be used together; pick one"
        ));
    }
    if let Some(path) = &raw.manifest_path
        && !path.is_file()
    {
        return Err(usage_error!(
            "--manifest-path {} is not a file; pass the path of the crate's Cargo.toml",
            path.display()
        ));
    }
    check_cargo_args(&raw.cargo_args)?;
    Ok(Mode::Build(Config {
        profile: if raw.release {
            Profile::Release
        } else {
            Profile::Dev
        },
        out_dir: raw.out_dir,
        features: raw.features,
        no_default_features: raw.no_default_features,
        keep_names: raw.keep_names,
        manifest_path: raw.manifest_path,
        cargo_args: raw.cargo_args,
    }))
}

/// Rejects cargo arguments that would contradict what worker-build passes to `cargo build`.
fn check_cargo_args(cargo_args: &[OsString]) -> Result<(), UsageError> {
    for arg in cargo_args {
        let Some(arg) = arg.to_str() else { continue };
        let name = arg.split_once('=').map_or(arg, |(name, _)| name);
        // Short flags may carry their value attached, as in `-Ffoo` or `-pname`.
        let reserved = RESERVED_CARGO_ARGS.iter().find(|(reserved, _)| {
            name == *reserved
                || (reserved.len() == 2 && !arg.starts_with("--") && { arg.starts_with(reserved) })
        });
        if let Some((_, fix)) = reserved {
            return Err(usage_error!(
                "cargo argument {arg:?} is not allowed after `--`: {fix}"
            ));
        }
    }
    Ok(())
}

/// Generates the text of `--help` from [`FLAGS`].
pub(crate) fn help() -> String {
    let mut text = format!(
        "worker-build {}\n\
         Build a Rust Cloudflare Worker (a cdylib crate) into the files that wrangler deploys:\n\
         index.js, index_bg.js and index_bg.wasm.\n\n\
         Usage: worker-build [OPTIONS] [-- CARGO_ARGS...]\n\n\
         Options:\n",
        env!("CARGO_PKG_VERSION")
    );
    let rows: Vec<(String, &str)> = FLAGS
        .iter()
        .map(|flag| (flag_label(flag), flag.help))
        .collect();
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    for (label, help) in rows {
        let lines = wrap(help, HELP_WIDTH.saturating_sub(width + 4));
        let indent = " ".repeat(width + 4);
        text.push_str(&format!(
            "  {label:width$}  {}\n",
            lines.join(&format!("\n{indent}"))
        ));
    }
    text.push_str(
        "\nArguments after `--` go to `cargo build` unchanged (for example --locked or --offline).\n\
         \nExit status: 0 on success, 1 when the build failed, 2 on a usage error.\n",
    );
    text
}

/// The column at which `--help` wraps its lines.
const HELP_WIDTH: usize = 100;

/// Splits `text` into lines of at most `width` characters at spaces (a longer word gets a line
/// of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn flag_label(flag: &Flag) -> String {
    let short = match flag.short {
        Some(letter) => format!("-{letter}, "),
        None => "    ".to_owned(),
    };
    match flag.value_name {
        Some(value_name) => format!("{short}--{} {value_name}", flag.long),
        None => format!("{short}--{}", flag.long),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        match parse(args.iter().copied()) {
            Ok(Mode::Build(config)) => config,
            other => panic!("expected a build config for {args:?}, got {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        match parse(args.iter().copied()) {
            Err(error) => error.to_string(),
            Ok(mode) => panic!("expected a usage error for {args:?}, got {mode:?}"),
        }
    }

    #[test]
    fn no_arguments_build_dev() {
        let config = config(&[]);
        assert_eq!(config.profile, Profile::Dev);
        assert_eq!(config.out_dir, None);
        assert!(config.features.is_empty());
        assert!(!config.no_default_features);
        assert!(config.cargo_args.is_empty());
    }

    #[test]
    fn release_and_out_dir() {
        for args in [
            ["--release", "--out-dir", "dist"],
            ["-r", "--out-dir=dist", "--"],
        ] {
            let parsed = config(&args);
            assert_eq!(parsed.profile, Profile::Release, "{args:?}");
            assert_eq!(parsed.out_dir, Some(PathBuf::from("dist")), "{args:?}");
        }
    }

    #[test]
    fn features_repeat_and_cargo_args() {
        let config = config(&[
            "--features",
            "a,b",
            "-F",
            "c",
            "--no-default-features",
            "--",
            "--locked",
            "--offline",
        ]);
        assert_eq!(config.features, ["a,b", "c"]);
        assert!(config.no_default_features);
        assert_eq!(
            config.cargo_args,
            [OsString::from("--locked"), OsString::from("--offline")]
        );
    }

    #[test]
    fn separator_alone_gives_no_cargo_args() {
        assert!(config(&["--"]).cargo_args.is_empty());
    }

    #[test]
    fn help_and_version_modes() {
        assert!(matches!(parse(["--help"]), Ok(Mode::Help)));
        assert!(matches!(parse(["-h"]), Ok(Mode::Help)));
        assert!(matches!(parse(["--version"]), Ok(Mode::Version)));
        assert!(matches!(parse(["-V"]), Ok(Mode::Version)));
    }

    #[test]
    fn help_lists_every_flag() {
        // Joined back into one line, because `help()` wraps long descriptions.
        let help = help().split_whitespace().collect::<Vec<_>>().join(" ");
        for flag in FLAGS {
            assert!(
                help.contains(&format!("--{}", flag.long)),
                "--{} missing",
                flag.long
            );
            assert!(help.contains(flag.help), "help of --{} missing", flag.long);
        }
    }

    #[test]
    fn help_fits_in_100_columns() {
        for line in help().lines() {
            assert!(
                line.len() <= HELP_WIDTH,
                "{line:?} is longer than {HELP_WIDTH}"
            );
        }
    }

    #[test]
    fn wrap_splits_at_spaces() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("averylongword x", 4), ["averylongword", "x"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn unknown_flag_is_usage_error() {
        let message = usage_error(&["--relase"]);
        assert!(message.contains("--relase"), "{message}");
        assert!(message.contains("did you mean `--release`?"), "{message}");
    }

    #[test]
    fn distant_flag_gets_no_suggestion() {
        let message = usage_error(&["--frobnicate"]);
        assert!(!message.contains("did you mean"), "{message}");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("relase", "release"), 1);
        assert_eq!(edit_distance("", "dev"), 3);
        assert_eq!(edit_distance("dev", "dev"), 0);
    }

    #[test]
    fn positional_argument_is_usage_error() {
        let message = usage_error(&["build"]);
        assert!(message.contains("\"build\""), "{message}");
        assert!(message.contains("after `--`"), "{message}");
    }

    #[test]
    fn missing_value_is_usage_error() {
        let message = usage_error(&["--out-dir"]);
        assert!(message.contains("--out-dir"), "{message}");
    }

    #[test]
    fn empty_value_is_usage_error() {
        assert_eq!(
            usage_error(&["--out-dir", ""]),
            "--out-dir needs a non-empty value"
        );
        assert_eq!(
            usage_error(&["--features="]),
            "--features needs a non-empty value"
        );
    }

    #[test]
    fn release_with_dev_is_usage_error() {
        let message = usage_error(&["--release", "--dev"]);
        assert_eq!(
            message,
            "--release and --dev cannot be used together; pick one"
        );
    }

    #[test]
    fn repeated_out_dir_is_usage_error() {
        let message = usage_error(&["--out-dir", "a", "--out-dir", "b"]);
        assert_eq!(message, "--out-dir is given twice; keep one");
    }

    #[test]
    fn missing_manifest_is_usage_error() {
        let message = usage_error(&["--manifest-path", "/nonexistent/Cargo.toml"]);
        assert!(message.contains("/nonexistent/Cargo.toml"), "{message}");
        assert!(message.contains("is not a file"), "{message}");
    }

    #[test]
    fn reserved_cargo_args_are_usage_errors() {
        let cases = [
            ["--", "--target", "x86_64-unknown-linux-gnu"],
            ["--", "--target=wasm32-wasip1", ""],
            ["--", "--release", ""],
            ["--", "--profile", "custom"],
            ["--", "-Ffoo", ""],
            ["--", "-pother", ""],
        ];
        for args in cases {
            let args: Vec<&str> = args.into_iter().filter(|arg| !arg.is_empty()).collect();
            let message = usage_error(&args);
            assert!(
                message.contains("is not allowed after `--`"),
                "{args:?}: {message}"
            );
        }
    }

    #[test]
    fn other_cargo_args_pass() {
        let config = config(&["--", "--locked", "-j", "1", "--config", "net.offline=true"]);
        assert_eq!(config.cargo_args.len(), 5);
    }
}
