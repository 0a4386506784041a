//! HTTP types: requests, responses, headers, forms, CORS and outgoing fetches.

pub(crate) mod cf;
pub(crate) mod cors;
pub(crate) mod fetch;
pub(crate) mod form_data;
pub(crate) mod headers;
pub(crate) mod method;
pub(crate) mod percent;
pub(crate) mod request;
pub(crate) mod request_init;
pub(crate) mod response;
