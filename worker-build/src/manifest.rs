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

/// A Durable Object class: the name the shim exports, the runtime handlers it forwards and its
/// RPC methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DurableObject {
    pub(crate) class: String,
    /// Handlers from [`DURABLE_OBJECT_HANDLERS`], in manifest order.
    pub(crate) handlers: Vec<String>,
    /// RPC methods, in manifest order over all `durable-object-rpc` lines of the class.
    pub(crate) rpc_methods: Vec<String>,
}

impl DurableObject {
    /// Returns the glue export that creates the Rust object.
    pub(crate) fn constructor_export(&self) -> String {
        format!("__worker_do_{}", self.class)
    }

    /// Returns the glue export behind handler or RPC method `member`.
    pub(crate) fn member_export(&self, member: &str) -> String {
        format!("__worker_do_{}_{member}", self.class)
    }
}

/// The methods the Workers runtime calls on a Durable Object class by name.
pub(crate) const DURABLE_OBJECT_HANDLERS: &[&str] = &[
    "fetch",
    "alarm",
    "webSocketMessage",
    "webSocketClose",
    "webSocketError",
];

/// Names an RPC method cannot have besides the handlers: names the generated class uses
/// itself, the properties of a stub, and `then`, which would make every stub look like a
/// promise.
const RESERVED_RPC_NAMES: &[&str] = &["constructor", "ctx", "env", "then", "id", "name", "connect"];

/// The parsed manifest, with repeated identical lines merged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// Handlers of the default export, in [`Handler::ALL`] order.
    pub(crate) handlers: Vec<Handler>,
    /// Names of the glue exports to call once after instantiation, in section order.
    pub(crate) start: Vec<String>,
    pub(crate) durable_objects: Vec<DurableObject>,
    /// Durable Object lines collected during parsing.
    pending: Vec<PendingObject>,
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
        manifest.finish_durable_objects()?;
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
            ["durable-object", class] => self.add_durable_object(class, "", line)?,
            ["durable-object", class, handlers] => {
                self.add_durable_object(class, handlers, line)?
            }
            ["durable-object-rpc", class, methods] => self.add_rpc_methods(class, methods, line)?,
            [first, ..] if matches!(*first, "start" | "durable-object" | "durable-object-rpc") => {
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

    fn add_durable_object(&mut self, class: &str, handlers: &str, line: &str) -> Result<()> {
        check_class(class, line)?;
        let handlers = split_names(handlers, line)?;
        if let Some(unknown) = handlers
            .iter()
            .find(|handler| !DURABLE_OBJECT_HANDLERS.contains(&handler.as_str()))
        {
            bail!(
                "unknown Durable Object handler `{unknown}` in line {line:?}; expected one of {}",
                DURABLE_OBJECT_HANDLERS.join(", ")
            );
        }
        let object = self.durable_object_mut(class);
        match &object.handlers {
            Some(existing) if *existing == handlers => {}
            Some(existing) => bail!(
                "Durable Object class `{class}` is declared twice with different handlers \
                 ({} and {}); give one of the types another name",
                existing.join(","),
                handlers.join(",")
            ),
            None => object.handlers = Some(handlers),
        }
        Ok(())
    }

    fn add_rpc_methods(&mut self, class: &str, methods: &str, line: &str) -> Result<()> {
        check_class(class, line)?;
        let methods = split_names(methods, line)?;
        if methods.is_empty() {
            bail!("malformed line {line:?} in the {SECTION} section; {LINE_FORMATS}");
        }
        for method in &methods {
            if DURABLE_OBJECT_HANDLERS.contains(&method.as_str())
                || RESERVED_RPC_NAMES.contains(&method.as_str())
            {
                bail!(
                    "`{method}` in line {line:?} cannot be an RPC method name; rename the method"
                );
            }
        }
        let object = self.durable_object_mut(class);
        // A repeated identical line comes from the same crate linked twice.
        if object.rpc_lines.contains(&methods) {
            return Ok(());
        }
        for method in &methods {
            if object
                .rpc_lines
                .iter()
                .flatten()
                .any(|known| known == method)
            {
                bail!(
                    "RPC method `{method}` of Durable Object class `{class}` is declared in two \
                     `impl` blocks; rename one of them"
                );
            }
        }
        object.rpc_lines.push(methods);
        Ok(())
    }

    fn durable_object_mut(&mut self, class: &str) -> &mut PendingObject {
        let index = match self.pending.iter().position(|object| object.class == class) {
            Some(index) => index,
            None => {
                self.pending.push(PendingObject {
                    class: class.to_owned(),
                    handlers: None,
                    rpc_lines: Vec::new(),
                });
                self.pending.len() - 1
            }
        };
        &mut self.pending[index]
    }

    /// Turns the collected lines into [`DurableObject`]s and checks them as a whole.
    fn finish_durable_objects(&mut self) -> Result<()> {
        for object in std::mem::take(&mut self.pending) {
            let Some(handlers) = object.handlers else {
                bail!(
                    "Durable Object class `{}` has RPC methods but no `durable-object` line; \
                     put #[durable_object] on its `impl DurableObject` block",
                    object.class
                );
            };
            self.durable_objects.push(DurableObject {
                class: object.class,
                handlers,
                rpc_methods: object.rpc_lines.into_iter().flatten().collect(),
            });
        }
        self.check_export_names()
    }

    /// Two classes whose names contain `_` can map to the same glue export, such as class `A`
    /// with method `b_c` and class `A_b` with method `c`.
    fn check_export_names(&self) -> Result<()> {
        let mut seen = std::collections::HashMap::new();
        for object in &self.durable_objects {
            let members = object.handlers.iter().chain(&object.rpc_methods);
            let exports = std::iter::once(object.constructor_export())
                .chain(members.map(|member| object.member_export(member)));
            for export in exports {
                if let Some(other) = seen.insert(export.clone(), object.class.clone()) {
                    bail!(
                        "Durable Object classes `{other}` and `{}` both need the export \
                         `{export}`; rename one of the types or the method",
                        object.class
                    );
                }
            }
        }
        Ok(())
    }
}

/// A Durable Object class while its lines are being collected.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct PendingObject {
    class: String,
    handlers: Option<Vec<String>>,
    rpc_lines: Vec<Vec<String>>,
}

fn check_class(class: &str, line: &str) -> Result<()> {
    check_identifier(class, line)?;
    if RESERVED_WORDS.contains(&class) {
        bail!("Durable Object class name `{class}` is a JavaScript reserved word; rename the type");
    }
    if class.starts_with("__") || TOP_LEVEL_NAMES.contains(&class) {
        bail!(
            "Durable Object class name `{class}` is taken by the generated index.js; rename the type"
        );
    }
    Ok(())
}

/// Splits a comma-separated list of JavaScript names; the empty string is the empty list.
fn split_names(list: &str, line: &str) -> Result<Vec<String>> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = list.split(',').map(str::to_owned).collect();
    for (index, name) in names.iter().enumerate() {
        check_identifier(name, line)?;
        if names[..index].contains(name) {
            bail!("Durable Object method `{name}` is listed twice in line {line:?}");
        }
    }
    Ok(names)
}

const LINE_FORMATS: &str = "expected `fetch`, `scheduled`, `queue`, `email`, `tail`, \
                            `start NAME`, `durable-object CLASS [HANDLER,...]` or \
                            `durable-object-rpc CLASS METHOD,...`";

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
            b"tail\nfetch\nstart main_start\ndurable-object Room fetch,alarm\nqueue\n\
              durable-object-rpc Room join\n",
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
                handlers: vec!["fetch".to_owned(), "alarm".to_owned()],
                rpc_methods: vec!["join".to_owned()],
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
        let manifest =
            Manifest::parse(b"durable-object Store fetch\ndurable-object-rpc Store delete\n")
                .unwrap();
        assert_eq!(manifest.durable_objects[0].rpc_methods, ["delete"]);
    }

    #[test]
    fn rpc_lines_of_one_class_merge() {
        let manifest = Manifest::parse(
            b"durable-object-rpc Room join\ndurable-object Room\ndurable-object-rpc Room a,b\n\
              durable-object-rpc Room join\n",
        )
        .unwrap();
        let room = &manifest.durable_objects[0];
        assert!(room.handlers.is_empty());
        assert_eq!(room.rpc_methods, ["join", "a", "b"]);
    }

    #[test]
    fn rpc_errors() {
        let message = parse_error("durable-object-rpc Room join\n");
        assert!(
            message.contains("has RPC methods but no `durable-object` line"),
            "{message}"
        );
        let message = parse_error("durable-object Room\ndurable-object-rpc Room fetch\n");
        assert!(message.contains("`fetch` in line"), "{message}");
        let message = parse_error("durable-object Room\ndurable-object-rpc Room then\n");
        assert!(
            message.contains("cannot be an RPC method name"),
            "{message}"
        );
        let message = parse_error(
            "durable-object Room\ndurable-object-rpc Room a,b\ndurable-object-rpc Room b\n",
        );
        assert!(
            message.contains("declared in two `impl` blocks"),
            "{message}"
        );
        let message = parse_error("durable-object Room\ndurable-object-rpc Room\n");
        assert!(message.contains("malformed line"), "{message}");
    }

    #[test]
    fn unknown_handler_is_an_error() {
        let message = parse_error("durable-object Room fetch,join\n");
        assert!(
            message.contains("unknown Durable Object handler `join`"),
            "{message}"
        );
    }

    #[test]
    fn colliding_exports_are_an_error() {
        let message = parse_error(
            "durable-object A\ndurable-object-rpc A b_c\ndurable-object A_b\ndurable-object-rpc A_b c\n",
        );
        assert!(
            message.contains("both need the export `__worker_do_A_b_c`"),
            "{message}"
        );
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
        let message = parse_error("durable-object\n");
        assert!(
            message.contains("malformed line \"durable-object\""),
            "{message}"
        );
        let message = parse_error("durable-object Room fetch extra\n");
        assert!(message.contains("malformed line"), "{message}");
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
            "durable-object Room\ndurable-object-rpc Room a-b\n",
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
            message.contains("declared twice with different handlers"),
            "{message}"
        );
        let message = parse_error("durable-object Room fetch,fetch\n");
        assert!(message.contains("listed twice"), "{message}");
        let message = parse_error("durable-object Room\ndurable-object-rpc Room constructor\n");
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
