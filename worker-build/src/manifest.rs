//! The `__worker_manifest` custom section: one line per handler, start function and Durable
//! Object class that the `worker` crate's macros declared. The format is specified in
//! `docs/architecture.md`.

use std::fmt;

use anyhow::{Result, bail};

use crate::shim::TOP_LEVEL_NAMES;

/// The name of the custom section that the `worker` crate's macros write.
pub(crate) const SECTION: &str = "__worker_manifest";

/// A default-export handler of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Handler {
    Fetch,
    Scheduled,
    Queue,
    Email,
    Tail,
}

impl Handler {
    /// Every handler, in the order the shim lists them.
    pub(crate) const ALL: [Handler; 5] = [
        Handler::Fetch,
        Handler::Scheduled,
        Handler::Queue,
        Handler::Email,
        Handler::Tail,
    ];

    /// The method name on the default export, which is also the manifest line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Handler::Fetch => "fetch",
            Handler::Scheduled => "scheduled",
            Handler::Queue => "queue",
            Handler::Email => "email",
            Handler::Tail => "tail",
        }
    }
}

/// A Durable Object class: the name the shim exports and the methods it forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DurableObject {
    pub(crate) class: String,
    pub(crate) methods: Vec<String>,
}

/// The parsed manifest, with repeated identical lines merged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// Handlers of the default export, in [`Handler::ALL`] order.
    pub(crate) handlers: Vec<Handler>,
    /// Names of the glue exports to call once after instantiation, in section order.
    pub(crate) start: Vec<String>,
    pub(crate) durable_objects: Vec<DurableObject>,
}

impl Manifest {
    /// Parses the concatenated section contents.
    ///
    /// # Errors
    ///
    /// Fails on text that is not UTF-8, a line without its final newline, an unknown or
    /// malformed line (named in the message), an invalid JavaScript name, or one Durable Object
    /// class declared with two different method lists.
    pub(crate) fn parse(section: &[u8]) -> Result<Manifest> {
        let Ok(text) = std::str::from_utf8(section) else {
            bail!("the {SECTION} section is not valid UTF-8");
        };
        let mut manifest = Manifest::default();
        if text.is_empty() {
            return Ok(manifest);
        }
        let Some(text) = text.strip_suffix('\n') else {
            bail!("the {SECTION} section does not end with a newline: {text:?}");
        };
        for line in text.split('\n') {
            manifest.add_line(line)?;
        }
        manifest.handlers.sort();
        Ok(manifest)
    }

    fn add_line(&mut self, line: &str) -> Result<()> {
        let words: Vec<&str> = line.split(' ').collect();
        if let [name] = words.as_slice()
            && let Some(handler) = handler_named(name)
        {
            if !self.handlers.contains(&handler) {
                self.handlers.push(handler);
            }
            return Ok(());
        }
        match words.as_slice() {
            ["start", name] => {
                check_identifier(name, line)?;
                if !self.start.iter().any(|start| start == name) {
                    self.start.push((*name).to_owned());
                }
            }
            ["durable-object", class, methods] => self.add_durable_object(class, methods, line)?,
            [first, ..] if first == &"start" || first == &"durable-object" => {
                bail!(
                    "malformed line {line:?} in the {SECTION} section; {}",
                    LINE_FORMATS
                );
            }
            _ => bail!(
                "unknown line {line:?} in the {SECTION} section; {}. Install the worker-build \
                 version that matches the `worker` crate",
                LINE_FORMATS
            ),
        }
        Ok(())
    }

    fn add_durable_object(&mut self, class: &str, methods: &str, line: &str) -> Result<()> {
        check_identifier(class, line)?;
        if RESERVED_WORDS.contains(&class) {
            bail!(
                "Durable Object class name `{class}` is a JavaScript reserved word; rename the type"
            );
        }
        if class.starts_with("__") || TOP_LEVEL_NAMES.contains(&class) {
            bail!(
                "Durable Object class name `{class}` is taken by the generated index.js; rename the type"
            );
        }
        let methods: Vec<String> = methods.split(',').map(str::to_owned).collect();
        for (index, method) in methods.iter().enumerate() {
            check_identifier(method, line)?;
            if method == "constructor" {
                bail!(
                    "Durable Object method `constructor` in line {line:?} is reserved by JavaScript classes"
                );
            }
            if methods[..index].contains(method) {
                bail!("Durable Object method `{method}` is listed twice in line {line:?}");
            }
        }
        match self
            .durable_objects
            .iter()
            .find(|object| object.class == class)
        {
            Some(existing) if existing.methods == methods => {}
            Some(existing) => bail!(
                "Durable Object class `{class}` is declared twice with different methods \
                 ({} and {}); give one of the types another name",
                existing.methods.join(","),
                methods.join(",")
            ),
            None => self.durable_objects.push(DurableObject {
                class: class.to_owned(),
                methods,
            }),
        }
        Ok(())
    }
}

const LINE_FORMATS: &str = "expected `fetch`, `scheduled`, `queue`, `email`, `tail`, \
                            `start NAME` or `durable-object CLASS METHOD,METHOD,...`";

fn handler_named(name: &str) -> Option<Handler> {
    Handler::ALL
        .into_iter()
        .find(|handler| handler.name() == name)
}

/// Words that JavaScript reserves as binding names. A class name cannot be one of them, but a
/// method name can, because the shim only uses method names as property names.
const RESERVED_WORDS: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Checks that `name` is an ASCII JavaScript identifier, so that it can be written into
/// `index.js` as it is.
fn check_identifier(name: &str, line: &str) -> Result<()> {
    let mut chars = name.chars();
    let valid_start = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$');
    let valid_rest = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !valid_start || !valid_rest {
        bail!("invalid JavaScript name {name:?} in line {line:?} of the {SECTION} section");
    }
    Ok(())
}

impl fmt::Display for Manifest {
    /// Lists the manifest in one line for progress output, such as
    /// `fetch, scheduled, Durable Object Counter`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self.handlers.iter().map(|h| h.name().to_owned()).collect();
        parts.extend(
            self.durable_objects
                .iter()
                .map(|object| format!("Durable Object {}", object.class)),
        );
        if parts.is_empty() {
            f.write_str("no handlers")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(section: &str) -> String {
        match Manifest::parse(section.as_bytes()) {
            Err(error) => error.to_string(),
            Ok(manifest) => panic!("expected an error for {section:?}, got {manifest:?}"),
        }
    }

    #[test]
    fn every_line_kind() {
        let manifest = Manifest::parse(
            b"tail\nfetch\nstart main_start\ndurable-object Room fetch,alarm,join\nqueue\n",
        )
        .unwrap();
        assert_eq!(
            manifest.handlers,
            [Handler::Fetch, Handler::Queue, Handler::Tail]
        );
        assert_eq!(manifest.start, ["main_start"]);
        assert_eq!(
            manifest.durable_objects,
            [DurableObject {
                class: "Room".to_owned(),
                methods: vec!["fetch".to_owned(), "alarm".to_owned(), "join".to_owned()],
            }]
        );
    }

    #[test]
    fn empty_section_has_no_handlers() {
        assert_eq!(Manifest::parse(b"").unwrap(), Manifest::default());
    }

    #[test]
    fn empty_line_is_an_error() {
        let message = parse_error("fetch\n\nqueue\n");
        assert!(message.contains("unknown line \"\""), "{message}");
    }

    #[test]
    fn reserved_word_as_method_is_allowed() {
        let manifest = Manifest::parse(b"durable-object Store fetch,delete\n").unwrap();
        assert_eq!(manifest.durable_objects[0].methods, ["fetch", "delete"]);
    }

    #[test]
    fn repeated_identical_lines_merge() {
        let manifest = Manifest::parse(
            b"fetch\nstart a\ndurable-object Room fetch\nfetch\nstart a\ndurable-object Room fetch\n",
        )
        .unwrap();
        assert_eq!(manifest.handlers, [Handler::Fetch]);
        assert_eq!(manifest.start, ["a"]);
        assert_eq!(manifest.durable_objects.len(), 1);
    }

    #[test]
    fn unknown_line_is_named() {
        let message = parse_error("fetch\nworkflow Flow run\n");
        assert!(
            message.contains("unknown line \"workflow Flow run\""),
            "{message}"
        );
        assert!(
            message.contains("worker-build version that matches"),
            "{message}"
        );
    }

    #[test]
    fn malformed_lines_are_named() {
        let message = parse_error("start\n");
        assert!(message.contains("malformed line \"start\""), "{message}");
        let message = parse_error("durable-object Room\n");
        assert!(
            message.contains("malformed line \"durable-object Room\""),
            "{message}"
        );
        let message = parse_error("fetch extra\n");
        assert!(
            message.contains("unknown line \"fetch extra\""),
            "{message}"
        );
    }

    #[test]
    fn missing_final_newline_is_an_error() {
        let message = parse_error("fetch\nqueue");
        assert!(message.contains("does not end with a newline"), "{message}");
    }

    #[test]
    fn invalid_names_are_errors() {
        for section in [
            "start 1abc\n",
            "start do-it\n",
            "durable-object Room fe-tch\n",
            "durable-object Room fetch,\n",
        ] {
            let message = parse_error(section);
            assert!(
                message.contains("invalid JavaScript name"),
                "{section:?}: {message}"
            );
        }
    }

    #[test]
    fn reserved_word_as_class_is_an_error() {
        let message = parse_error("durable-object class fetch\n");
        assert!(
            message.contains("`class` is a JavaScript reserved word"),
            "{message}"
        );
    }

    #[test]
    fn shim_identifier_as_class_is_an_error() {
        let message = parse_error("durable-object glue fetch\n");
        assert!(message.contains("`glue` is taken"), "{message}");
        let message = parse_error("durable-object __worker_fetch fetch\n");
        assert!(message.contains("`__worker_fetch` is taken"), "{message}");
    }

    #[test]
    fn durable_object_conflicts_are_errors() {
        let message = parse_error("durable-object Room fetch\ndurable-object Room alarm\n");
        assert!(
            message.contains("declared twice with different methods"),
            "{message}"
        );
        let message = parse_error("durable-object Room fetch,fetch\n");
        assert!(message.contains("listed twice"), "{message}");
        let message = parse_error("durable-object Room constructor\n");
        assert!(message.contains("`constructor`"), "{message}");
    }

    #[test]
    fn not_utf8_is_an_error() {
        let error = Manifest::parse(b"fetch\n\xff\n").unwrap_err();
        assert!(error.to_string().contains("not valid UTF-8"), "{error}");
    }

    #[test]
    fn display_lists_handlers_and_classes() {
        let manifest = Manifest::parse(b"fetch\nscheduled\ndurable-object Room fetch\n").unwrap();
        assert_eq!(
            manifest.to_string(),
            "fetch, scheduled, Durable Object Room"
        );
        assert_eq!(Manifest::default().to_string(), "no handlers");
    }
}
