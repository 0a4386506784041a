//! `#[durable_object]`: on a struct, on its `impl DurableObject` block (handlers), and on an
//! inherent `impl` block (RPC methods). Parse, validate, then expand, as `event.rs` does.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ImplItem, ImplItemFn, Item, ItemImpl, ItemStruct, Pat, Type, Visibility};

use crate::manifest;

/// A handler of the `DurableObject` trait: the Rust method, the JavaScript method the runtime
/// calls, and the number of arguments after `&self`.
struct Handler {
    rust: &'static str,
    js: &'static str,
    arguments: usize,
    signature: &'static str,
}

const HANDLERS: &[Handler] = &[
    Handler {
        rust: "fetch",
        js: "fetch",
        arguments: 1,
        signature: "async fn fetch(&self, request: Request) -> Result<Response>",
    },
    Handler {
        rust: "alarm",
        js: "alarm",
        arguments: 1,
        signature: "async fn alarm(&self, info: AlarmInfo) -> Result<()>",
    },
    Handler {
        rust: "websocket_message",
        js: "webSocketMessage",
        arguments: 2,
        signature: "async fn websocket_message(&self, ws: WebSocket, message: \
                    WebSocketIncomingMessage) -> Result<()>",
    },
    Handler {
        rust: "websocket_close",
        js: "webSocketClose",
        arguments: 4,
        signature: "async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, \
                    was_clean: bool) -> Result<()>",
    },
    Handler {
        rust: "websocket_error",
        js: "webSocketError",
        arguments: 2,
        signature: "async fn websocket_error(&self, ws: WebSocket, error: Error) -> Result<()>",
    },
];

/// Names an RPC method cannot have: the runtime's handler names, the names the generated
/// JavaScript class uses itself, the properties of a stub (`id`, `name`, `connect`), and
/// `then`, which would make every stub look like a promise.
const RESERVED_RPC_NAMES: &[&str] = &[
    "fetch",
    "alarm",
    "webSocketMessage",
    "webSocketClose",
    "webSocketError",
    "websocket_message",
    "websocket_close",
    "websocket_error",
    "new",
    "constructor",
    "ctx",
    "env",
    "then",
    "id",
    "name",
    "connect",
];

const PLACEMENT: &str = "#[durable_object] goes on a struct, on its `impl DurableObject for ...` \
                         block, or on an `impl` block of RPC methods";

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<Item>(item.clone()) {
        Ok(parsed) => parsed,
        Err(error) => return with_error(syn::Error::new(error.span(), PLACEMENT), item),
    };
    if !attr.is_empty() {
        let message = "#[durable_object] takes no arguments: the handlers it exports are the \
                       ones the `impl DurableObject` block defines";
        return with_error(syn::Error::new(attr.span(), message), item);
    }
    let expanded = match &parsed {
        Item::Struct(item) => expand_struct(item),
        Item::Impl(block) if block.trait_.is_some() => expand_handlers(block),
        Item::Impl(block) => expand_rpc(block),
        other => Err(syn::Error::new(item_span(other), PLACEMENT)),
    };
    match expanded {
        Ok(tokens) => tokens,
        Err(error) => match fallback(&parsed) {
            Some(fallback) => {
                let error = error.to_compile_error();
                quote! { #error #fallback }
            }
            None => with_error(error, item),
        },
    }
}

/// Emits an `impl DurableObject` block that had an error without the rejected handlers, and
/// marks the type as having the attribute. The compiler then neither repeats the error in its
/// own words nor adds "missing the attribute".
fn fallback(item: &Item) -> Option<TokenStream> {
    let Item::Impl(block) = item else {
        return None;
    };
    let is_durable_object = block.trait_.as_ref().is_some_and(|(_, path, _)| {
        path.segments
            .last()
            .is_some_and(|segment| segment.ident == "DurableObject")
    });
    if !is_durable_object || !block.generics.params.is_empty() {
        return None;
    }
    let mut block = block.clone();
    let mut rejected = Vec::new();
    block.items.retain(|item| {
        let ImplItem::Fn(function) = item else {
            return true;
        };
        let name = function.sig.ident.to_string();
        let valid = HANDLERS
            .iter()
            .find(|handler| handler.rust == name)
            .is_none_or(|handler| validate_handler(handler, function).is_ok());
        if !valid {
            rejected.push(function.clone());
        }
        valid
    });
    let self_ty = &block.self_ty;
    // The rejected handlers stay as plain methods, so that their imports are still used.
    Some(quote! {
        #block
        #[allow(dead_code)]
        impl #self_ty {
            #(#rejected)*
        }
        impl ::worker::__private::durable::DurableObjectImpl for #self_ty {}
    })
}

/// Emits `error` followed by the item unchanged, so that the compiler reports nothing else.
fn with_error(error: syn::Error, item: TokenStream) -> TokenStream {
    let error = error.to_compile_error();
    quote! { #error #item }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Fn(function) => function.sig.ident.span(),
        Item::Enum(item) => item.ident.span(),
        Item::Trait(item) => item.ident.span(),
        other => other.span(),
    }
}

fn expand_struct(item: &ItemStruct) -> syn::Result<TokenStream> {
    if !item.generics.params.is_empty() {
        let message = "a Durable Object class cannot be generic: the runtime creates it by name";
        return Err(syn::Error::new(item.generics.span(), message));
    }
    let name = &item.ident;
    Ok(quote! {
        #item
        impl ::worker::__private::durable::DurableObjectStruct for #name {}
    })
}

/// The class name: the last segment of the implementing type, which must be a plain path.
fn class_of(block: &ItemImpl) -> syn::Result<Ident> {
    if !block.generics.params.is_empty() {
        let message = "a Durable Object class cannot be generic: the runtime creates it by name";
        return Err(syn::Error::new(block.generics.span(), message));
    }
    let Type::Path(path) = &*block.self_ty else {
        let message = "expected the name of the Durable Object struct";
        return Err(syn::Error::new(block.self_ty.span(), message));
    };
    let Some(last) = path.path.segments.last() else {
        return Err(syn::Error::new(path.span(), "expected a type name"));
    };
    if !last.arguments.is_empty() {
        let message = "a Durable Object class cannot be generic: the runtime creates it by name";
        return Err(syn::Error::new(last.arguments.span(), message));
    }
    Ok(last.ident.clone())
}

fn expand_handlers(block: &ItemImpl) -> syn::Result<TokenStream> {
    let Some((_, trait_path, _)) = &block.trait_ else {
        return Err(syn::Error::new(block.span(), PLACEMENT));
    };
    let is_durable_object = trait_path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "DurableObject");
    if !is_durable_object {
        let message = "#[durable_object] goes on `impl DurableObject for ...`, not on an \
                       implementation of another trait";
        return Err(syn::Error::new(trait_path.span(), message));
    }
    let class = class_of(block)?;
    let mut handlers = Vec::new();
    for function in functions(block) {
        let name = function.sig.ident.to_string();
        if let Some(handler) = HANDLERS.iter().find(|handler| handler.rust == name) {
            validate_handler(handler, function)?;
            handlers.push(handler);
        }
    }
    Ok(handler_exports(block, &class, &handlers))
}

fn functions(block: &ItemImpl) -> impl Iterator<Item = &ImplItemFn> {
    block.items.iter().filter_map(|item| match item {
        ImplItem::Fn(function) => Some(function),
        _ => None,
    })
}

fn validate_handler(handler: &Handler, function: &ImplItemFn) -> syn::Result<()> {
    let signature = &function.sig;
    let expected = handler.signature;
    if signature.asyncness.is_none() {
        let message = format!("this handler must be `async`; expected `{expected}`");
        return Err(syn::Error::new(signature.fn_token.span(), message));
    }
    let arguments = signature.inputs.len().saturating_sub(1);
    if handler.rust == "alarm" && arguments == 0 {
        let message = "the alarm handler takes the invocation info and returns `Result<()>`: \
                       `async fn alarm(&self, info: AlarmInfo) -> Result<()>` (worker 0.8's \
                       `alarm(&self) -> Result<Response>` changed)";
        return Err(syn::Error::new(signature.inputs.span(), message));
    }
    if arguments != handler.arguments {
        let message = format!(
            "this handler takes {} arguments after `&self`, found {arguments}; expected \
             `{expected}`",
            handler.arguments
        );
        return Err(syn::Error::new(signature.inputs.span(), message));
    }
    Ok(())
}

fn handler_exports(block: &ItemImpl, class: &Ident, handlers: &[&Handler]) -> TokenStream {
    let self_ty = &block.self_ty;
    let attributes = export_attributes(&export_name(class, None));
    let constructor = quote! {
        #attributes
        pub fn __worker_do_new(
            __worker_a: ::worker::__private::wasm_bindgen::JsValue,
            __worker_b: ::worker::__private::wasm_bindgen::JsValue,
        ) -> ::worker::__private::durable::DurableObjectHandle {
            ::worker::__private::durable::construct::<#self_ty>(__worker_a, __worker_b)
        }
    };
    let exports = handlers
        .iter()
        .map(|handler| handler_export(class, self_ty, handler));
    let names: Vec<&str> = handlers.iter().map(|handler| handler.js).collect();
    let line = match names.is_empty() {
        true => format!("durable-object {class}"),
        false => format!("durable-object {class} {}", names.join(",")),
    };
    let entry = manifest::entry(&line);
    quote! {
        #block
        impl ::worker::__private::durable::DurableObjectImpl for #self_ty {}
        const _: () = {
            #constructor
            #(#exports)*
            #entry
        };
    }
}

/// Returns the export name of `member` of `class`: `__worker_do_CLASS_MEMBER`, or
/// `__worker_do_CLASS` for the constructor, as `docs/architecture.md` specifies.
fn export_name(class: &Ident, member: Option<&str>) -> String {
    match member {
        None => format!("__worker_do_{class}"),
        Some(member) => format!("__worker_do_{class}_{member}"),
    }
}

/// The attributes that export a function to JavaScript as `js_name`, through the
/// `wasm_bindgen` that `worker` re-exports, so the user's crate needs no direct dependency.
fn export_attributes(js_name: &str) -> TokenStream {
    quote! {
        #[::worker::__private::wasm_bindgen::prelude::wasm_bindgen(
            wasm_bindgen = ::worker::__private::wasm_bindgen,
            js_name = #js_name,
            skip_jsdoc
        )]
        #[doc(hidden)]
    }
}

fn handler_export(class: &Ident, self_ty: &Type, handler: &Handler) -> TokenStream {
    let export_name = export_name(class, Some(handler.js));
    let function = format_ident!("__worker_do_{}", handler.rust);
    let runner = format_ident!("{}", handler.rust);
    let parameters: Vec<Ident> = (0..handler.arguments)
        .map(|index| format_ident!("__worker_{}", index))
        .collect();
    let attributes = export_attributes(&export_name);
    quote! {
        #attributes
        pub fn #function(
            __worker_handle: &::worker::__private::durable::DurableObjectHandle,
            #(#parameters: ::worker::__private::wasm_bindgen::JsValue,)*
        ) -> ::worker::__private::wasm_bindgen::JsValue {
            ::worker::__private::durable::#runner::<#self_ty>(__worker_handle, #(#parameters),*)
        }
    }
}

/// One validated RPC method: its name and the types of its arguments.
struct RpcMethod<'a> {
    name: &'a Ident,
    js_name: String,
    arguments: Vec<&'a Type>,
    is_async: bool,
}

fn expand_rpc(block: &ItemImpl) -> syn::Result<TokenStream> {
    let class = class_of(block)?;
    let mut methods = Vec::new();
    for function in functions(block) {
        if matches!(function.vis, Visibility::Public(_)) {
            methods.push(validate_rpc(function)?);
        }
    }
    if methods.is_empty() {
        let message = "#[durable_object] on an inherent `impl` block exports its `pub` methods \
                       as RPC methods, and this block has none; make a method `pub` or remove \
                       the attribute";
        return Err(syn::Error::new(block.self_ty.span(), message));
    }
    let self_ty = &block.self_ty;
    let exports = methods
        .iter()
        .map(|method| rpc_export(&class, self_ty, method));
    let names: Vec<&str> = methods
        .iter()
        .map(|method| method.js_name.as_str())
        .collect();
    let entry = manifest::entry(&format!("durable-object-rpc {class} {}", names.join(",")));
    Ok(quote! {
        #block
        const _: () = {
            #(#exports)*
            #entry
        };
    })
}

fn validate_rpc(function: &ImplItemFn) -> syn::Result<RpcMethod<'_>> {
    let signature = &function.sig;
    let name = &signature.ident;
    let js_name = name.to_string().trim_start_matches("r#").to_owned();
    if RESERVED_RPC_NAMES.contains(&js_name.as_str()) {
        let message = format!(
            "`{js_name}` cannot be an RPC method name: the runtime or the generated class uses \
             it; rename the method, or make it private"
        );
        return Err(syn::Error::new(name.span(), message));
    }
    if !signature.generics.params.is_empty() {
        let message = "an RPC method cannot be generic: its arguments are deserialized into \
                       concrete types";
        return Err(syn::Error::new(signature.generics.span(), message));
    }
    let receiver_ok = signature
        .receiver()
        .is_some_and(|receiver| receiver.reference.is_some() && receiver.mutability.is_none());
    if !receiver_ok {
        let span = match signature.receiver() {
            Some(receiver) => receiver.span(),
            None => signature.paren_token.span.join(),
        };
        let message = "an RPC method takes `&self`: the object is shared by concurrent calls, so \
                       keep mutable state in a `Cell` or `RefCell`";
        return Err(syn::Error::new(span, message));
    }
    let mut arguments = Vec::new();
    for input in signature.inputs.iter().skip(1) {
        arguments.push(rpc_argument(input)?);
    }
    if !returns_result(&signature.output) {
        let message = "an RPC method returns `Result<T>` where `T: Serialize`; an `Err` reaches \
                       the caller as a thrown error";
        let span = match &signature.output {
            syn::ReturnType::Default => name.span(),
            syn::ReturnType::Type(_, returned) => returned.span(),
        };
        return Err(syn::Error::new(span, message));
    }
    Ok(RpcMethod {
        name,
        js_name,
        arguments,
        is_async: signature.asyncness.is_some(),
    })
}

fn rpc_argument(input: &FnArg) -> syn::Result<&Type> {
    let FnArg::Typed(typed) = input else {
        return Err(syn::Error::new(input.span(), "expected an argument"));
    };
    if let Type::Reference(reference) = &*typed.ty {
        let message = "an RPC argument is deserialized into a value the method owns; take an \
                       owned type such as `String` or `Vec<T>` instead of a reference";
        return Err(syn::Error::new(reference.span(), message));
    }
    if let Type::ImplTrait(implementation) = &*typed.ty {
        let message = "an RPC argument needs a concrete type to deserialize into";
        return Err(syn::Error::new(implementation.span(), message));
    }
    if !matches!(&*typed.pat, Pat::Ident(_) | Pat::Wild(_)) {
        let message = "write RPC arguments as `name: Type`";
        return Err(syn::Error::new(typed.pat.span(), message));
    }
    Ok(&typed.ty)
}

/// Whether the return type is spelled `Result<...>` (any path ending in `Result`).
fn returns_result(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, returned) = output else {
        return false;
    };
    let Type::Path(path) = &**returned else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "Result")
}

fn rpc_export(class: &Ident, self_ty: &Type, method: &RpcMethod<'_>) -> TokenStream {
    let export_name = export_name(class, Some(&method.js_name));
    let function = format_ident!("__worker_rpc_{}", method.js_name);
    let name = method.name;
    let js_name = &method.js_name;
    let arity = method.arguments.len() as u32;
    let indices = 0..arity;
    let values: Vec<Ident> = (0..method.arguments.len())
        .map(|index| format_ident!("__worker_{}", index))
        .collect();
    let types = &method.arguments;
    let call = quote! { <#self_ty>::#name(&__worker_object, #(#values),*) };
    let call = match method.is_async {
        true => quote! { #call.await },
        false => call,
    };
    let attributes = export_attributes(&export_name);
    quote! {
        #attributes
        pub fn #function(
            __worker_handle: &::worker::__private::durable::DurableObjectHandle,
            __worker_arguments: ::worker::__private::js_sys::Array,
        ) -> ::worker::__private::wasm_bindgen::JsValue {
            ::worker::__private::durable::rpc::<#self_ty, _, _, _>(
                __worker_handle,
                #js_name,
                #arity,
                __worker_arguments,
                |__worker_object, __worker_arguments| async move {
                    #(let #values: #types = __worker_arguments.get(#indices)?;)*
                    #call.map_err(::core::convert::Into::<::worker::Error>::into)
                },
            )
        }
    }
}
