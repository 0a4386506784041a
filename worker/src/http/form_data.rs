//! Form bodies: `FormData` with text fields and files.

use wasm_bindgen::{JsCast, JsValue};

use crate::error::Quoted;
use crate::{Error, ErrorKind, Result, js};

/// A form: text fields and files, in the order they were added.
#[derive(Debug, Clone)]
pub struct FormData {
    inner: web_sys::FormData,
}

/// One value of a form field.
#[derive(Debug, Clone)]
pub enum FormEntry {
    /// A text field.
    Field(String),
    /// An uploaded file.
    File(File),
}

impl FormData {
    /// Creates an empty form.
    pub fn new() -> Self {
        FormData {
            // `new FormData()` without a form element does not throw.
            inner: web_sys::FormData::new().unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into()),
        }
    }

    /// Returns the first value of `name`.
    pub fn get(&self, name: &str) -> Option<FormEntry> {
        entry_from(self.inner.get(name))
    }

    /// Returns the first value of `name` if it is a text field.
    pub fn get_field(&self, name: &str) -> Option<String> {
        self.inner.get(name).as_string()
    }

    /// Returns every value of `name`, or `None` when there is none.
    pub fn get_all(&self, name: &str) -> Option<Vec<FormEntry>> {
        let values = self.inner.get_all(name);
        let entries: Vec<FormEntry> = values.iter().filter_map(entry_from).collect();
        (!entries.is_empty()).then_some(entries)
    }

    /// Tells whether the form has a field called `name`.
    pub fn has(&self, name: &str) -> bool {
        self.inner.has(name)
    }

    /// Adds a text value to `name`.
    ///
    /// # Errors
    ///
    /// Never fails in the Workers runtime; kept fallible as the JavaScript method may throw.
    pub fn append(&mut self, name: &str, value: &str) -> Result<()> {
        self.inner
            .append_with_str(name, value)
            .map_err(|thrown| form_error("append", name, thrown))
    }

    /// Adds a file to `name`.
    ///
    /// # Errors
    ///
    /// Never fails in the Workers runtime; kept fallible as the JavaScript method may throw.
    pub fn append_with_file(&mut self, name: &str, file: &File) -> Result<()> {
        self.inner
            .append_with_blob_and_filename(name, &file.inner, &file.inner.name())
            .map_err(|thrown| form_error("append", name, thrown))
    }

    /// Sets `name` to a single text value.
    ///
    /// # Errors
    ///
    /// Never fails in the Workers runtime; kept fallible as the JavaScript method may throw.
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        self.inner
            .set_with_str(name, value)
            .map_err(|thrown| form_error("set", name, thrown))
    }

    /// Removes every value of `name`.
    pub fn delete(&mut self, name: &str) {
        self.inner.delete(name);
    }

    /// Returns the underlying JavaScript `FormData`, to use as a request body.
    pub fn as_js(&self) -> &web_sys::FormData {
        &self.inner
    }
}

impl Default for FormData {
    fn default() -> Self {
        FormData::new()
    }
}

impl From<web_sys::FormData> for FormData {
    fn from(inner: web_sys::FormData) -> Self {
        FormData { inner }
    }
}

impl From<FormData> for JsValue {
    fn from(form: FormData) -> Self {
        form.inner.into()
    }
}

fn entry_from(value: JsValue) -> Option<FormEntry> {
    if let Some(text) = value.as_string() {
        return Some(FormEntry::Field(text));
    }
    value
        .dyn_into::<web_sys::File>()
        .ok()
        .map(|inner| FormEntry::File(File { inner }))
}

fn form_error(operation: &str, name: &str, thrown: JsValue) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("form {operation} of field {} failed", Quoted(name)),
    )
    .with_js(thrown)
}

/// A file: bytes with a name and a media type.
#[derive(Debug, Clone)]
pub struct File {
    inner: web_sys::File,
}

impl File {
    /// Creates a file from bytes, with no media type.
    pub fn new(data: impl AsRef<[u8]>, name: &str) -> Self {
        File::with_type(data, name, "")
    }

    /// Creates a file from bytes with a media type such as `image/png`.
    pub fn with_type(data: impl AsRef<[u8]>, name: &str, media_type: &str) -> Self {
        let parts = js_sys::Array::of1(&js::to_uint8_array(data.as_ref()));
        let options = web_sys::FilePropertyBag::new();
        options.set_type(media_type);
        let inner = web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options)
            .unwrap_or_else(|_| JsValue::UNDEFINED.unchecked_into());
        File { inner }
    }

    /// The file name the client sent.
    pub fn name(&self) -> String {
        self.inner.name()
    }

    /// The size in bytes.
    pub fn size(&self) -> usize {
        self.inner.size() as usize
    }

    /// The media type, such as `image/png`; empty when the client sent none.
    pub fn type_(&self) -> String {
        self.inner.type_()
    }

    /// The last-modified time, in milliseconds since the Unix epoch.
    pub fn last_modified(&self) -> u64 {
        self.inner.last_modified() as u64
    }

    /// Reads the contents, byte for byte.
    ///
    /// # Errors
    ///
    /// Fails when the runtime cannot read the file.
    pub async fn bytes(&self) -> Result<Vec<u8>> {
        let buffer = js::settle(Ok(self.inner.array_buffer()))
            .await
            .map_err(|thrown| {
                Error::js(
                    format!("reading file {} failed", Quoted(&self.name())),
                    thrown,
                )
            })?;
        Ok(js::to_bytes(&buffer))
    }

    /// Returns the underlying JavaScript `File`.
    pub fn as_js(&self) -> &web_sys::File {
        &self.inner
    }
}
