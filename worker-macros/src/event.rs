//! `#[event(...)]`: parse the attribute, validate the function, expand the export.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, Token};

use crate::manifest;

/// The kinds of event a function can handle.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fetch,
    Scheduled,
    Start,
}

impl Kind {
    const NAMES: &'static str = "fetch, scheduled, start";

    fn from_ident(ident: &Ident) -> Option<Self> {
        match ident.to_string().as_str() {
            "fetch" => Some(Kind::Fetch),
            "scheduled" => Some(Kind::Scheduled),
            "start" => Some(Kind::Start),
            _ => None,
        }
    }

    fn signature(self) -> &'static str {
        match self {
            Kind::Fetch => "async fn(Request, Env, Context) -> Result<Response>",
            Kind::Scheduled => "async fn(ScheduledEvent, Env, ScheduleContext)",
            Kind::Start => "fn()",
        }
    }
}

/// The validated attribute arguments.
struct Options {
    kind: Kind,
    respond_with_errors: bool,
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => function,
        Err(error) => {
            let message = "#[event] goes on a function";
            let error = syn::Error::new(error.span(), message).to_compile_error();
            return quote! { #error #item };
        }
    };
    let checked = parse_options(attr).and_then(|options| {
        validate(&options, &function)?;
        Ok(options)
    });
    match checked {
        Ok(options) => expand_valid(&options, &function),
        Err(error) => {
            let error = error.to_compile_error();
            quote! { #error #function }
        }
    }
}

fn parse_options(attr: TokenStream) -> syn::Result<Options> {
    let idents = Punctuated::<Ident, Token![,]>::parse_terminated.parse2(attr.clone())?;
    let mut idents = idents.into_iter();
    let Some(kind_ident) = idents.next() else {
        let message = format!("#[event] needs the kind of event: one of {}", Kind::NAMES);
        return Err(syn::Error::new(Span::call_site(), message));
    };
    let Some(kind) = Kind::from_ident(&kind_ident) else {
        let message = format!(
            "unknown event `{kind_ident}`; expected one of {}",
            Kind::NAMES
        );
        return Err(syn::Error::new(kind_ident.span(), message));
    };
    let mut respond_with_errors = false;
    for option in idents {
        if option == "respond_with_errors" && kind == Kind::Fetch {
            respond_with_errors = true;
            continue;
        }
        let message = if option == "respond_with_errors" {
            String::from("`respond_with_errors` applies only to #[event(fetch)]")
        } else {
            format!("unknown option `{option}`; the only option is `respond_with_errors`")
        };
        return Err(syn::Error::new(option.span(), message));
    }
    Ok(Options {
        kind,
        respond_with_errors,
    })
}

fn validate(options: &Options, function: &ItemFn) -> syn::Result<()> {
    let signature = &function.sig;
    let kind = options.kind;
    let expected = kind.signature();
    if !signature.generics.params.is_empty() {
        let message = format!("an event handler cannot be generic; expected `{expected}`");
        return Err(syn::Error::new(signature.generics.span(), message));
    }
    let wants_async = kind != Kind::Start;
    if wants_async && signature.asyncness.is_none() {
        let message = format!("this event handler must be `async`; expected `{expected}`");
        return Err(syn::Error::new(signature.fn_token.span(), message));
    }
    if let (false, Some(asyncness)) = (wants_async, signature.asyncness) {
        let message = format!("a start function cannot be `async`; expected `{expected}`");
        return Err(syn::Error::new(asyncness.span(), message));
    }
    let wanted_arguments = if kind == Kind::Start { 0 } else { 3 };
    if signature.inputs.len() != wanted_arguments {
        let message = format!(
            "this event handler takes {wanted_arguments} arguments, found {}; expected `{expected}`",
            signature.inputs.len()
        );
        let span = match signature.inputs.is_empty() {
            true => signature.paren_token.span.join(),
            false => signature.inputs.span(),
        };
        return Err(syn::Error::new(span, message));
    }
    if let Some(receiver) = signature.receiver() {
        let message = "an event handler is a free function, not a method";
        return Err(syn::Error::new(receiver.span(), message));
    }
    if let (Kind::Start, syn::ReturnType::Type(_, returned)) = (kind, &signature.output) {
        let message = "a start function returns nothing";
        return Err(syn::Error::new(returned.span(), message));
    }
    Ok(())
}

fn expand_valid(options: &Options, function: &ItemFn) -> TokenStream {
    let name = &function.sig.ident;
    let export = match options.kind {
        Kind::Fetch => {
            let respond = options.respond_with_errors;
            let call = quote! { fetch(__worker_a, __worker_b, __worker_c, #respond, #name) };
            handler_export("fetch", call)
        }
        Kind::Scheduled => {
            let call = quote! { scheduled(__worker_a, __worker_b, __worker_c, #name) };
            handler_export("scheduled", call)
        }
        Kind::Start => start_export(name),
    };
    quote! {
        #function
        const _: () = { #export };
    }
}

/// Emits `__worker_<kind>(event, env, ctx)` calling `::worker::__private::<call>`, and its
/// manifest entry. The parameter names are unusual so they cannot shadow the user's function.
fn handler_export(kind: &str, call: TokenStream) -> TokenStream {
    let export_name = format!("__worker_{kind}");
    let export = format_ident!("__worker_{}", kind);
    let entry = manifest::entry(kind);
    quote! {
        #[::worker::__private::wasm_bindgen::prelude::wasm_bindgen(
            wasm_bindgen = ::worker::__private::wasm_bindgen,
            js_name = #export_name,
            skip_jsdoc
        )]
        #[doc(hidden)]
        pub fn #export(
            __worker_a: ::worker::__private::wasm_bindgen::JsValue,
            __worker_b: ::worker::__private::wasm_bindgen::JsValue,
            __worker_c: ::worker::__private::wasm_bindgen::JsValue,
        ) -> ::worker::__private::wasm_bindgen::JsValue {
            ::worker::__private::#call
        }
        #entry
    }
}

/// Emits `__worker_start_<name>()` calling the user's function, and its manifest entry.
fn start_export(name: &Ident) -> TokenStream {
    let export_name = format!("__worker_start_{name}");
    let export = format_ident!("__worker_start_{}", name);
    let entry = manifest::entry(&format!("start {export_name}"));
    quote! {
        #[::worker::__private::wasm_bindgen::prelude::wasm_bindgen(
            wasm_bindgen = ::worker::__private::wasm_bindgen,
            js_name = #export_name,
            skip_jsdoc
        )]
        #[doc(hidden)]
        pub fn #export() {
            #name()
        }
        #entry
    }
}
