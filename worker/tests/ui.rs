//! Compile-time diagnostics of the attribute macros: one failing case per message, and
//! handlers that must compile.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    #[cfg(feature = "d1")]
    cases.pass("tests/ui/d1/*.rs");
}
