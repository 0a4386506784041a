//! Entries of the `__worker_manifest` custom section, which tells `worker-build` what the
//! module exports.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// Emits a static that adds `line` (without its newline) to the manifest section.
pub(crate) fn entry(line: &str) -> TokenStream {
    let bytes = format!("{line}\n").into_bytes();
    let length = bytes.len();
    let literal = Literal::byte_string(&bytes);
    quote! {
        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "__worker_manifest")]
        #[used]
        static __WORKER_MANIFEST_ENTRY: [u8; #length] = *#literal;
    }
}
