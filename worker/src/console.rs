//! Logging to the runtime's console, and the `console_*!` macros.

use crate::sys::global;

/// Logs a message with `console.log`.
pub fn log(message: &str) {
    global::console_log(message);
}

/// Logs a message with `console.debug`.
pub fn debug(message: &str) {
    global::console_debug(message);
}

/// Logs a message with `console.warn`.
pub fn warn(message: &str) {
    global::console_warn(message);
}

/// Logs a message with `console.error`.
pub fn error(message: &str) {
    global::console_error(message);
}

/// Formats its arguments like `format!` and logs them with `console.log`.
///
/// ```no_run
/// # let name = "world";
/// worker::console_log!("hello {name}");
/// ```
#[macro_export]
macro_rules! console_log {
    ($($arg:tt)*) => { $crate::console::log(&::std::format!($($arg)*)) };
}

/// Formats its arguments like `format!` and logs them with `console.debug`.
#[macro_export]
macro_rules! console_debug {
    ($($arg:tt)*) => { $crate::console::debug(&::std::format!($($arg)*)) };
}

/// Formats its arguments like `format!` and logs them with `console.warn`.
#[macro_export]
macro_rules! console_warn {
    ($($arg:tt)*) => { $crate::console::warn(&::std::format!($($arg)*)) };
}

/// Formats its arguments like `format!` and logs them with `console.error`.
#[macro_export]
macro_rules! console_error {
    ($($arg:tt)*) => { $crate::console::error(&::std::format!($($arg)*)) };
}
