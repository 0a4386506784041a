//! The client side: a namespace binding, object ids and stubs.

use std::fmt;
use std::marker::PhantomData;

use js_sys::{Array, Object, Promise, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::value;
use crate::env::{EnvBinding, cast_if_methods};
use crate::sys::durable::{DurableObjectId, DurableObjectNamespace, DurableObjectStub};
use crate::{Error, ErrorKind, Request, Response, Result, js};

/// A Durable Object namespace binding: every object of one class.
///
/// ```no_run
/// # async fn run(env: worker::Env) -> worker::Result<()> {
/// let rooms = env.durable_object("ROOMS")?;
/// let stub = rooms.get_by_name("lobby")?;
/// let response = stub.fetch_with_str("https://room/members").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ObjectNamespace {
    inner: DurableObjectNamespace,
}

impl EnvBinding for ObjectNamespace {
    const TYPE_NAME: &'static str = "Durable Object namespace";

    fn from_binding(value: JsValue) -> std::result::Result<Self, JsValue> {
        let methods = ["idFromName", "idFromString", "newUniqueId", "get"];
        cast_if_methods(value, &methods).map(|inner| ObjectNamespace { inner })
    }
}

impl fmt::Debug for ObjectNamespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ObjectNamespace")
    }
}

impl ObjectNamespace {
    /// Returns the id of the object called `name`: the same name always gives the same id.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the name.
    pub fn id_from_name(&self, name: &str) -> Result<ObjectId<'_>> {
        let id = self.inner.id_from_name(name).map_err(|thrown| {
            Error::js(
                format!("Durable Object idFromName({name:?}) failed"),
                thrown,
            )
        })?;
        Ok(ObjectId::new(id, Some(self)))
    }

    /// Parses an id written with [`ObjectId`]'s `to_string`: 64 hexadecimal digits.
    ///
    /// # Errors
    ///
    /// Fails when `hex_id` is not a valid id, or is an id of another namespace.
    pub fn id_from_string(&self, hex_id: &str) -> Result<ObjectId<'_>> {
        let id = self.inner.id_from_string(hex_id).map_err(|thrown| {
            let message = format!("Durable Object id {hex_id:?} is not valid for this namespace");
            Error::new(ErrorKind::InvalidInput, message).with_js(thrown)
        })?;
        Ok(ObjectId::new(id, Some(self)))
    }

    /// Creates an id that no object has had before.
    ///
    /// # Errors
    ///
    /// Fails when the runtime cannot create one.
    pub fn unique_id(&self) -> Result<ObjectId<'_>> {
        self.new_unique_id(&JsValue::UNDEFINED, "newUniqueId()")
    }

    /// Creates a new id for an object that runs and stores data only inside `jurisdiction`
    /// (such as `eu` or `fedramp`).
    ///
    /// # Errors
    ///
    /// Fails when the jurisdiction is unknown. Local workerd (Miniflare) implements no
    /// jurisdictions and always fails.
    pub fn unique_id_with_jurisdiction(&self, jurisdiction: &str) -> Result<ObjectId<'_>> {
        let options = Object::new();
        js::set_property(&options, "jurisdiction", &JsValue::from_str(jurisdiction));
        let call = format!("newUniqueId({{ jurisdiction: {jurisdiction:?} }})");
        self.new_unique_id(&options, &call)
    }

    fn new_unique_id(&self, options: &JsValue, call: &str) -> Result<ObjectId<'_>> {
        let id = self
            .inner
            .new_unique_id(options)
            .map_err(|thrown| Error::js(format!("Durable Object {call} failed"), thrown))?;
        Ok(ObjectId::new(id, Some(self)))
    }

    /// Returns a namespace whose new ids are restricted to `jurisdiction`.
    ///
    /// # Errors
    ///
    /// Fails when the jurisdiction is unknown, and always in local workerd.
    pub fn jurisdiction(&self, jurisdiction: &str) -> Result<ObjectNamespace> {
        let inner = self.inner.jurisdiction(jurisdiction).map_err(|thrown| {
            Error::js(
                format!("Durable Object jurisdiction({jurisdiction:?}) failed"),
                thrown,
            )
        })?;
        Ok(ObjectNamespace { inner })
    }

    /// Returns a stub for the object called `name`, in one step.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the name.
    pub fn get_by_name(&self, name: &str) -> Result<Stub> {
        self.stub_by_name(name, &JsValue::UNDEFINED)
    }

    /// Returns a stub for the object called `name`, asking the runtime to create the object
    /// near `location_hint` (such as `weur` or `enam`) if it does not exist yet.
    ///
    /// # Errors
    ///
    /// Fails when the runtime rejects the name or the hint. Local workerd (Miniflare) ignores
    /// hints and accepts any string.
    pub fn get_by_name_with_location_hint(&self, name: &str, location_hint: &str) -> Result<Stub> {
        self.stub_by_name(name, &location_options(location_hint))
    }

    fn stub_by_name(&self, name: &str, options: &JsValue) -> Result<Stub> {
        let inner = self.inner.get_by_name(name, options).map_err(|thrown| {
            Error::js(format!("Durable Object getByName({name:?}) failed"), thrown)
        })?;
        Ok(Stub { inner })
    }
}

fn location_options(location_hint: &str) -> JsValue {
    let options = Object::new();
    js::set_property(&options, "locationHint", &JsValue::from_str(location_hint));
    options.into()
}

/// The id of one Durable Object.
///
/// `to_string()` gives its 64 hexadecimal digits, which [`ObjectNamespace::id_from_string`]
/// parses back. Two ids are equal when they name the same object.
pub struct ObjectId<'a> {
    inner: DurableObjectId,
    namespace: Option<ObjectNamespace>,
    lifetime: PhantomData<&'a ObjectNamespace>,
}

impl ObjectId<'_> {
    fn new(inner: DurableObjectId, namespace: Option<&ObjectNamespace>) -> Self {
        ObjectId {
            inner,
            namespace: namespace.cloned(),
            lifetime: PhantomData,
        }
    }

    pub(crate) fn from_state(inner: DurableObjectId) -> ObjectId<'static> {
        ObjectId {
            inner,
            namespace: None,
            lifetime: PhantomData,
        }
    }

    /// Returns a stub for this object.
    ///
    /// # Errors
    ///
    /// Fails for the id of [`State::id`](crate::State::id), which belongs to no namespace
    /// binding; look the namespace up in `env` and use [`ObjectNamespace::id_from_string`].
    pub fn get_stub(&self) -> Result<Stub> {
        self.stub(&JsValue::UNDEFINED)
    }

    /// Returns a stub for this object, asking the runtime to create it near `location_hint`
    /// if it does not exist yet.
    ///
    /// # Errors
    ///
    /// As [`ObjectId::get_stub`]; also fails when the runtime rejects the hint.
    pub fn get_stub_with_location_hint(&self, location_hint: &str) -> Result<Stub> {
        self.stub(&location_options(location_hint))
    }

    fn stub(&self, options: &JsValue) -> Result<Stub> {
        let Some(namespace) = &self.namespace else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "the Durable Object id {self} came from State::id or Stub::id and has no namespace; \
                     get the namespace from env and call id_from_string on it"
                ),
            ));
        };
        let inner = namespace
            .inner
            .get(&self.inner, options)
            .map_err(|thrown| Error::js(format!("Durable Object get({self}) failed"), thrown))?;
        Ok(Stub { inner })
    }

    /// Returns the name the id was made from with [`ObjectNamespace::id_from_name`] or
    /// [`ObjectNamespace::get_by_name`]; `None` for a unique id.
    pub fn name(&self) -> Option<String> {
        self.inner.name()
    }
}

impl PartialEq for ObjectId<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.inner.equals(&other.inner).unwrap_or(false)
    }
}

impl fmt::Display for ObjectId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.to_string() {
            Ok(hex) => f.write_str(&hex),
            Err(_) => f.write_str("<invalid Durable Object id>"),
        }
    }
}

impl fmt::Debug for ObjectId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectId")
            .field("id", &self.to_string())
            .field("name", &self.name())
            .finish()
    }
}

/// A client of one Durable Object: send it requests and call its RPC methods.
#[derive(Clone)]
pub struct Stub {
    inner: DurableObjectStub,
}

impl Stub {
    /// Sends `request` to the object's `fetch` handler.
    ///
    /// # Errors
    ///
    /// Fails when the object has no fetch handler, or its handler returned an error.
    pub async fn fetch_with_request(&self, request: Request) -> Result<Response> {
        let promise = self.inner.fetch_with_request(request.inner());
        let response = js::settle(promise)
            .await
            .map_err(|thrown| Error::js("Durable Object fetch failed", thrown))?;
        Ok(Response::from(
            response.unchecked_into::<web_sys::Response>(),
        ))
    }

    /// Sends a `GET` request for `url` to the object's `fetch` handler.
    ///
    /// # Errors
    ///
    /// Fails when `url` is not a valid URL, or as [`Stub::fetch_with_request`].
    pub async fn fetch_with_str(&self, url: &str) -> Result<Response> {
        let request = Request::new(url, crate::Method::Get)?;
        self.fetch_with_request(request).await
    }

    /// Calls the RPC method `method` of the object with `args`, a tuple whose elements become
    /// the arguments (`()` for none, `(x,)` for one), and deserializes the result into `R`.
    ///
    /// Integers keep every digit, also beyond 2^53.
    ///
    /// ```no_run
    /// # async fn run(env: worker::Env) -> worker::Result<()> {
    /// let counter = env.durable_object("COUNTER")?.get_by_name("visits")?;
    /// let total: i64 = counter.call("add", (5,)).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Fails when `args` does not serialize to a tuple, when the object has no such method,
    /// when the method throws or returns an `Err`, or when its result does not fit `R`. A
    /// thrown error keeps the `name` and `message` that the runtime passed on.
    pub async fn call<A, R>(&self, method: &str, args: A) -> Result<R>
    where
        A: Serialize,
        R: DeserializeOwned,
    {
        let what = format!("arguments of RPC method {method:?}");
        let args = match value::to_js(&args, &what)? {
            value if value.is_null() => Array::new(),
            value if Array::is_array(&value) => value.unchecked_into(),
            _ => {
                let message = format!("{what} must be a tuple, such as `(a, b)` or `(a,)`");
                return Err(Error::new(ErrorKind::InvalidInput, message));
            }
        };
        let result = self.call_raw(method, &args).await?;
        value::from_js(&result, &format!("result of RPC method {method:?}"))
    }

    /// Calls the RPC method `method` with JavaScript arguments and returns the raw result.
    ///
    /// # Errors
    ///
    /// Fails when the object has no such method or the method throws.
    pub async fn call_raw(&self, method: &str, args: &Array) -> Result<JsValue> {
        let failed = |thrown| Error::js(format!("RPC method {method:?} failed"), thrown);
        let function = Reflect::get(&self.inner, &JsValue::from_str(method)).map_err(failed)?;
        let function: js_sys::Function = function.dyn_into().map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("RPC method {method:?} is not a function on this stub"),
            )
        })?;
        let promise = Reflect::apply(&function, &self.inner, args)
            .map(|thenable| thenable.unchecked_into::<Promise>());
        js::settle(promise).await.map_err(failed)
    }

    /// Returns the id of the object this stub sends to.
    pub fn id(&self) -> ObjectId<'static> {
        ObjectId::from_state(self.inner.id())
    }

    /// Returns the name the stub was created with, if it was created from a name.
    pub fn name(&self) -> Option<String> {
        self.inner.name()
    }

    /// Casts the stub to a hand-written `#[wasm_bindgen]` interface, to call RPC methods
    /// directly with JavaScript values.
    pub fn into_rpc<T: JsCast>(self) -> T {
        self.inner.unchecked_into()
    }
}

impl fmt::Debug for Stub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stub").field("name", &self.name()).finish()
    }
}
