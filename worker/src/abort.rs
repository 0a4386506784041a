//! Cancelling outgoing requests: `AbortController` and `AbortSignal`.

use wasm_bindgen::JsValue;

/// Creates [`AbortSignal`]s and aborts them.
#[derive(Debug, Clone)]
pub struct AbortController {
    inner: web_sys::AbortController,
}

impl AbortController {
    /// Creates a controller whose signal is not aborted yet.
    pub fn new() -> Self {
        AbortController {
            // The constructor takes no arguments and does not throw.
            inner: web_sys::AbortController::new()
                .unwrap_or_else(|_| wasm_bindgen::JsCast::unchecked_into(JsValue::UNDEFINED)),
        }
    }

    /// Returns the signal to pass to requests.
    pub fn signal(&self) -> AbortSignal {
        AbortSignal {
            inner: self.inner.signal(),
        }
    }

    /// Aborts the signal; requests that carry it fail with an `AbortError`.
    pub fn abort(self) {
        self.inner.abort();
    }

    /// Aborts the signal with a reason that requests fail with.
    pub fn abort_with_reason(self, reason: &JsValue) {
        self.inner.abort_with_reason(reason);
    }
}

impl Default for AbortController {
    fn default() -> Self {
        AbortController::new()
    }
}

/// A signal that tells a request to stop.
#[derive(Debug, Clone)]
pub struct AbortSignal {
    inner: web_sys::AbortSignal,
}

impl AbortSignal {
    /// Tells whether the signal was aborted.
    pub fn aborted(&self) -> bool {
        self.inner.aborted()
    }

    /// Returns the abort reason, `undefined` while not aborted.
    pub fn reason(&self) -> JsValue {
        self.inner.reason()
    }

    /// Returns a signal that is already aborted.
    pub fn abort() -> Self {
        AbortSignal {
            inner: web_sys::AbortSignal::abort(),
        }
    }

    /// Returns the underlying JavaScript `AbortSignal`.
    pub fn as_js(&self) -> &web_sys::AbortSignal {
        &self.inner
    }
}

impl From<web_sys::AbortSignal> for AbortSignal {
    fn from(inner: web_sys::AbortSignal) -> Self {
        AbortSignal { inner }
    }
}
