//! The environment a handler receives: bindings, variables and secrets.

use std::fmt;

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::js;
use crate::{Bucket, Error, ErrorKind, Fetcher, KvStore, ObjectNamespace, Result};

/// The bindings, variables and secrets configured for the worker in `wrangler.toml`.
///
/// Every accessor looks the name up when called and checks that the value is the expected kind
/// of binding; a missing name or a binding of another kind is an `Err` that names both.
///
/// ```no_run
/// # async fn run(env: worker::Env) -> worker::Result<()> {
/// let cache = env.kv("CACHE")?;
/// let greeting = env.var("GREETING")?;
/// cache.put("greeting", greeting.as_str())?.execute().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Env {
    inner: JsValue,
}

impl Env {
    #[doc(hidden)]
    pub fn from_js(inner: JsValue) -> Self {
        Env { inner }
    }

    /// Returns the underlying JavaScript `env` object.
    pub fn as_js(&self) -> &JsValue {
        &self.inner
    }

    /// Looks up a binding and checks that it is a `T`.
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it is not a `T`.
    pub fn get_binding<T: EnvBinding>(&self, name: &str) -> Result<T> {
        let value = self.raw_binding(name, T::TYPE_NAME)?;
        T::from_binding(value).map_err(|found| wrong_type(name, T::TYPE_NAME, &found))
    }

    /// Returns the string variable `name` (a `[vars]` entry that is a string).
    ///
    /// # Errors
    ///
    /// Fails when no variable has this name or when it is not a string.
    pub fn var(&self, name: &str) -> Result<Var> {
        self.string_binding(name, "string variable").map(Var)
    }

    /// Returns the secret `name`. Its value is read with [`Secret::expose`] and never printed.
    ///
    /// # Errors
    ///
    /// Fails when no secret has this name or when it is not a string.
    pub fn secret(&self, name: &str) -> Result<Secret> {
        self.string_binding(name, "secret").map(Secret)
    }

    /// Deserializes the JSON variable `name` (an object, array, number, boolean or string in
    /// `[vars]`) into `T`.
    ///
    /// # Errors
    ///
    /// Fails when no variable has this name or when its value does not fit `T`.
    pub fn object_var<T: DeserializeOwned>(&self, name: &str) -> Result<T> {
        let value = self.raw_binding(name, "JSON variable")?;
        let text = js::json_text(&value, &format!("variable \"{name}\""))?;
        // serde's messages quote the offending value, and a variable may hold a secret, so only
        // the kind and the position of the mismatch are reported.
        serde_json::from_str(&text).map_err(|error| {
            Error::new(
                ErrorKind::Serialization,
                format!(
                    "variable \"{name}\" does not fit the requested type ({} error at line {}, \
                     column {} of its JSON); its value is left out because it may be a secret",
                    category(&error),
                    error.line(),
                    error.column()
                ),
            )
        })
    }

    /// Returns the KV namespace bound as `name`.
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it is not a KV namespace.
    pub fn kv(&self, name: &str) -> Result<KvStore> {
        self.get_binding(name)
    }

    /// Returns the service binding `name`, to send requests to another worker.
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it cannot serve requests.
    pub fn service(&self, name: &str) -> Result<Fetcher> {
        self.get_binding(name)
    }

    /// Returns the static assets binding `name` (`[assets] binding` in wrangler.toml).
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it cannot serve requests.
    pub fn assets(&self, name: &str) -> Result<Fetcher> {
        self.get_binding(name)
    }

    /// Returns the R2 bucket bound as `name`.
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it is not an R2 bucket.
    pub fn bucket(&self, name: &str) -> Result<Bucket> {
        self.get_binding(name)
    }

    /// Returns the Durable Object namespace bound as `name`.
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it is not a Durable Object namespace.
    pub fn durable_object(&self, name: &str) -> Result<ObjectNamespace> {
        self.get_binding(name)
    }

    /// Returns the D1 database bound as `name`.
    ///
    /// # Errors
    ///
    /// Fails when no binding has this name or when it is not a D1 database.
    #[cfg(feature = "d1")]
    #[cfg_attr(docsrs, doc(cfg(feature = "d1")))]
    pub fn d1(&self, name: &str) -> Result<crate::D1Database> {
        self.get_binding(name)
    }

    fn raw_binding(&self, name: &str, expected: &str) -> Result<JsValue> {
        let value = js::property(&self.inner, name);
        // A name such as `constructor` or `toString` reads a function from the prototype of the
        // env object; only its own properties are bindings.
        let inherited = value.is_function()
            && !js_sys::Object::has_own(
                self.inner.unchecked_ref::<js_sys::Object>(),
                &JsValue::from_str(name),
            );
        if value.is_undefined() || inherited {
            return Err(Error::new(
                ErrorKind::Binding,
                format!(
                    "binding \"{name}\" not found: expected {} {expected}; \
                     add it to wrangler.toml or check the spelling",
                    article(expected)
                ),
            ));
        }
        Ok(value)
    }

    fn string_binding(&self, name: &str, expected: &str) -> Result<String> {
        let value = self.raw_binding(name, expected)?;
        value
            .as_string()
            .ok_or_else(|| wrong_type(name, expected, &value))
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values are left out: some of them are secrets.
        f.write_str("Env")
    }
}

fn category(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "I/O",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "type",
        serde_json::error::Category::Eof => "end-of-input",
    }
}

fn wrong_type(name: &str, expected: &str, found: &JsValue) -> Error {
    Error::new(
        ErrorKind::Binding,
        format!(
            "binding \"{name}\" is not {} {expected} (found {}); check its type in wrangler.toml",
            article(expected),
            js::describe(found)
        ),
    )
}

/// Returns the indefinite article for `noun`: "an" before a vowel sound, which includes
/// abbreviations read letter by letter such as "R2" or "SQL".
fn article(noun: &str) -> &'static str {
    let mut letters = noun.chars();
    let first = letters.next().unwrap_or('x');
    let abbreviation = letters
        .next()
        .is_some_and(|second| second.is_ascii_digit() || second.is_ascii_uppercase());
    let vowel_sound = if abbreviation {
        "AEFHILMNORSX".contains(first)
    } else {
        "aeiouAEIOU".contains(first)
    };
    if vowel_sound { "an" } else { "a" }
}

/// A kind of binding that [`Env::get_binding`] can look up.
///
/// The check is structural: a value is accepted when it has the methods the SDK calls, so a local
/// stand-in that implements the same JavaScript interface is accepted too.
pub trait EnvBinding: Sized {
    /// The kind of binding, as error messages name it: `KV namespace`, `R2 bucket`.
    const TYPE_NAME: &'static str;

    /// Wraps `value` if it is this kind of binding, or gives it back.
    ///
    /// # Errors
    ///
    /// Returns the value unchanged when it is not this kind of binding.
    fn from_binding(value: JsValue) -> std::result::Result<Self, JsValue>;
}

/// Returns `value` cast to `T` when it has every method in `methods`.
pub(crate) fn cast_if_methods<T: JsCast>(
    value: JsValue,
    methods: &[&str],
) -> std::result::Result<T, JsValue> {
    let complete = value.is_object()
        && methods
            .iter()
            .all(|method| js::property(&value, method).is_function());
    if complete {
        Ok(value.unchecked_into())
    } else {
        Err(value)
    }
}

/// A string variable from `[vars]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Var(String);

impl Var {
    /// Returns the value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl From<Var> for String {
    fn from(var: Var) -> Self {
        var.0
    }
}

impl AsRef<str> for Var {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A secret. `Debug` prints `Secret([redacted])`, and there is deliberately no `Display`: the
/// value is only reachable through [`Secret::expose`], so it cannot end up in a log line or an
/// error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Returns the secret's value. Keep it out of logs, errors and responses.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_follows_sound() {
        assert_eq!(article("R2 bucket"), "an");
        assert_eq!(article("KV namespace"), "a");
        assert_eq!(article("D1 database"), "a");
        assert_eq!(article("string variable"), "a");
        assert_eq!(article("object"), "an");
    }

    #[test]
    fn secret_debug_hides_value() {
        let secret = Secret(String::from("hunter2"));
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(secret.expose(), "hunter2");
    }
}
