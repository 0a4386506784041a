//! Values bound to the `?` parameters of a statement, and their conversion to what D1 binds.
//!
//! D1 in workerd (1.20260426, checked through Miniflare) binds `null`, JavaScript numbers,
//! strings, booleans (stored as `1` and `0`) and byte arrays (stored as BLOBs). It rejects
//! `undefined`, `BigInt` and objects with `D1_TYPE_ERROR`, and it silently stores `NaN` and the
//! infinities as `NULL`. Every conversion here keeps the value exact or fails: an integer
//! outside ±(2^53 − 1) has no exact JavaScript number, so binding one is an `Err`, as is binding
//! a float that is not finite.

use std::borrow::Cow;
use std::fmt;
use std::iter::{Once, once};
use std::ops::Deref;

use serde::Serialize;
use serde::ser::{self, Impossible, Serializer};
use wasm_bindgen::JsValue;

use super::statement::{D1PreparedStatement, argument_error};
use crate::{Error, ErrorKind, Result, js};

/// The largest integer that a JavaScript number represents exactly, 2^53 − 1
/// (`Number.MAX_SAFE_INTEGER`). D1 binds and returns numbers as JavaScript numbers, so integers
/// beyond ±this value cannot cross the boundary exactly.
pub const MAX_SAFE_INTEGER: i64 = crate::js::MAX_SAFE_INTEGER as i64;

/// A value to bind to a statement parameter, for [`D1PreparedStatement::bind_refs`].
///
/// [`D1PreparedStatement::bind_refs`]: crate::d1::D1PreparedStatement::bind_refs
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum D1Type<'a> {
    /// SQL `NULL`.
    Null,
    /// A float. `NaN` and the infinities are rejected, because D1 would store them as `NULL`.
    Real(f64),
    /// A 32-bit integer.
    Integer(i32),
    /// A 64-bit integer within ±(2^53 − 1) ([`MAX_SAFE_INTEGER`]); a value beyond that range is
    /// rejected when bound, because D1 takes only JavaScript numbers.
    Integer64(i64),
    /// Text, bound as it is (NUL characters included).
    Text(&'a str),
    /// A boolean; D1 stores it as `1` or `0`.
    Boolean(bool),
    /// Bytes, stored as a BLOB.
    Blob(&'a [u8]),
}

impl<'a> D1Type<'a> {
    fn to_argument(self) -> std::result::Result<Argument<'a>, ArgumentError> {
        Ok(match self {
            D1Type::Null => Argument::Null,
            D1Type::Real(value) => Argument::Number(finite_real(value)?),
            D1Type::Integer(value) => Argument::Number(f64::from(value)),
            D1Type::Integer64(value) => Argument::Number(exact_integer(value)?),
            D1Type::Text(text) => Argument::Text(Cow::Borrowed(text)),
            D1Type::Boolean(value) => Argument::Boolean(value),
            D1Type::Blob(bytes) => Argument::Blob(Cow::Borrowed(bytes)),
        })
    }
}

impl<'a> IntoIterator for &'a D1Type<'a> {
    type Item = &'a D1Type<'a>;
    type IntoIter = Once<&'a D1Type<'a>>;

    /// Lets a single value be passed to `bind_refs` without an array around it.
    fn into_iter(self) -> Self::IntoIter {
        once(self)
    }
}

/// A value that can be bound to a statement parameter.
pub trait D1Argument {
    /// Converts the value to the JavaScript value D1 binds.
    ///
    /// # Errors
    ///
    /// Fails when the value has no exact JavaScript form that D1 binds: an integer beyond
    /// ±(2^53 − 1), or a float that is `NaN` or infinite.
    fn js_value(&self) -> Result<JsValue>;
}

impl D1Argument for D1Type<'_> {
    fn js_value(&self) -> Result<JsValue> {
        self.to_argument()
            .map(Argument::into_js)
            .map_err(ArgumentError::into_error)
    }
}

/// Any JavaScript value is passed to D1 as it is; D1 rejects the types it cannot bind.
impl D1Argument for JsValue {
    fn js_value(&self) -> Result<JsValue> {
        Ok(self.clone())
    }
}

/// A [`D1Type`] converted to its JavaScript value once, for binding it to many statements.
#[derive(Debug, Clone)]
pub struct D1PreparedArgument<'a> {
    value: &'a D1Type<'a>,
    /// `None` when the conversion failed; [`D1Argument::js_value`] then returns the error.
    js_value: Option<JsValue>,
}

impl<'a> D1PreparedArgument<'a> {
    /// Converts `value` now. A value that cannot be bound fails when the argument is bound.
    pub fn new(value: &'a D1Type<'a>) -> Self {
        D1PreparedArgument {
            value,
            js_value: value.js_value().ok(),
        }
    }
}

impl<'a> Deref for D1PreparedArgument<'a> {
    type Target = D1Type<'a>;

    fn deref(&self) -> &Self::Target {
        self.value
    }
}

impl D1Argument for D1PreparedArgument<'_> {
    fn js_value(&self) -> Result<JsValue> {
        match &self.js_value {
            Some(value) => Ok(value.clone()),
            None => self.value.js_value(),
        }
    }
}

impl<'a> IntoIterator for &'a D1PreparedArgument<'a> {
    type Item = &'a D1PreparedArgument<'a>;
    type IntoIter = Once<&'a D1PreparedArgument<'a>>;

    /// Lets a single argument be passed to `bind_refs` without an array around it.
    fn into_iter(self) -> Self::IntoIter {
        once(self)
    }
}

/// Converts a serializable value to the JavaScript value D1 binds, as [`query!`] does for each
/// of its arguments.
///
/// `None` and `()` bind `NULL`. Integers, floats, booleans, strings and `char` bind as they
/// are. Bytes (`Vec<u8>`, `[u8; N]`, `&[u8]`) bind as a BLOB, and a unit enum variant binds its
/// name as text.
///
/// ```no_run
/// # fn run(db: worker::D1Database) -> worker::Result<()> {
/// use worker::d1::serialize_argument;
///
/// let id: u64 = 7;
/// let tags: Option<String> = None;
/// let statement = db
///     .prepare("UPDATE notes SET tags = ?2 WHERE id = ?1")
///     .bind(&[serialize_argument(&id)?, serialize_argument(&tags)?])?;
/// # Ok(())
/// # }
/// ```
///
/// [`query!`]: crate::query
///
/// # Errors
///
/// Fails for an integer beyond ±(2^53 − 1), a float that is `NaN` or infinite, a map, a
/// struct, an enum variant with data, and a sequence of anything but `u8`.
pub fn serialize_argument<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    to_argument(value)
        .map(Argument::into_js)
        .map_err(ArgumentError::into_error)
}

/// Converts argument `position` (counted from 1) of [`query!`](crate::query) for `statement`.
#[doc(hidden)]
pub fn __query_argument<T: Serialize + ?Sized>(
    statement: &D1PreparedStatement,
    position: usize,
    value: &T,
) -> Result<JsValue> {
    to_argument(value)
        .map(Argument::into_js)
        .map_err(|error| argument_error(statement.sql(), position, &error, ErrorKind::InvalidInput))
}

fn to_argument<T: Serialize + ?Sized>(
    value: &T,
) -> std::result::Result<Argument<'static>, ArgumentError> {
    value.serialize(ArgumentSerializer)
}

/// A value in one of the forms D1 binds, still in wasm memory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Argument<'a> {
    Null,
    Number(f64),
    /// A `u8`, bound as a number but kept apart so that a sequence of them binds as a BLOB.
    Byte(u8),
    Text(Cow<'a, str>),
    Boolean(bool),
    Blob(Cow<'a, [u8]>),
}

impl Argument<'_> {
    fn into_js(self) -> JsValue {
        match self {
            Argument::Null => JsValue::NULL,
            Argument::Number(value) => JsValue::from_f64(value),
            Argument::Byte(value) => JsValue::from_f64(f64::from(value)),
            Argument::Text(text) => JsValue::from_str(&text),
            Argument::Boolean(value) => JsValue::from_bool(value),
            // A copy, never a view of wasm memory: D1 reads the bytes after this call returns.
            Argument::Blob(bytes) => js::to_uint8_array(&bytes).into(),
        }
    }
}

impl Argument<'_> {
    /// Names the kind of value for an error message.
    fn kind(&self) -> &'static str {
        match self {
            Argument::Null => "null",
            Argument::Number(_) => "a number that is not a u8",
            Argument::Byte(_) => "a u8",
            Argument::Text(_) => "text",
            Argument::Boolean(_) => "a boolean",
            Argument::Blob(_) => "a sequence",
        }
    }
}

fn exact_integer<T>(value: T) -> std::result::Result<f64, ArgumentError>
where
    T: Copy + fmt::Display,
    i64: TryFrom<T>,
{
    match i64::try_from(value) {
        // Exact: every integer in this range is a JavaScript number.
        Ok(integer) if integer.unsigned_abs() <= MAX_SAFE_INTEGER.unsigned_abs() => {
            Ok(integer as f64)
        }
        _ => Err(ArgumentError::new(format!(
            "integer {value} is outside ±{MAX_SAFE_INTEGER}, the range D1 binds exactly (it takes \
             JavaScript numbers and rejects BigInt); bind it as text and convert it in SQL with \
             CAST(? AS INTEGER)"
        ))),
    }
}

fn finite_real(value: f64) -> std::result::Result<f64, ArgumentError> {
    if value.is_finite() {
        return Ok(value);
    }
    Err(ArgumentError::new(format!(
        "{value} cannot be bound: D1 would store it as NULL; bind None for NULL"
    )))
}

/// The reason a value cannot be bound.
#[derive(Debug)]
pub(crate) struct ArgumentError {
    message: String,
}

impl ArgumentError {
    fn new(message: String) -> Self {
        ArgumentError { message }
    }

    fn into_error(self) -> Error {
        Error::new(ErrorKind::InvalidInput, self.message)
    }
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArgumentError {}

impl ser::Error for ArgumentError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ArgumentError::new(message.to_string())
    }
}

fn not_bindable(kind: &str) -> ArgumentError {
    ArgumentError::new(format!(
        "{kind} cannot be bound: D1 binds only null, numbers, text, booleans and bytes; \
         serialize it to JSON text (serde_json::to_string) and bind the string"
    ))
}

/// Serializes one value into an [`Argument`].
struct ArgumentSerializer;

/// Writes the `Serializer` methods for integer types that every JavaScript number represents.
macro_rules! small_integer_methods {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method(self, value: $type) -> std::result::Result<Self::Ok, Self::Error> {
                Ok(Argument::Number(f64::from(value)))
            }
        )*
    };
}

/// Writes the `Serializer` methods for integer types whose values may be out of exact range.
macro_rules! large_integer_methods {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method(self, value: $type) -> std::result::Result<Self::Ok, Self::Error> {
                exact_integer(value).map(Argument::Number)
            }
        )*
    };
}

impl Serializer for ArgumentSerializer {
    type Ok = Argument<'static>;
    type Error = ArgumentError;
    type SerializeSeq = BytesSerializer;
    type SerializeTuple = BytesSerializer;
    type SerializeTupleStruct = Impossible<Self::Ok, Self::Error>;
    type SerializeTupleVariant = Impossible<Self::Ok, Self::Error>;
    type SerializeMap = Impossible<Self::Ok, Self::Error>;
    type SerializeStruct = Impossible<Self::Ok, Self::Error>;
    type SerializeStructVariant = Impossible<Self::Ok, Self::Error>;

    fn serialize_bool(self, value: bool) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Boolean(value))
    }

    small_integer_methods! {
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_u16(u16),
        serialize_u32(u32),
    }

    large_integer_methods! {
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u64(u64),
        serialize_u128(u128),
    }

    fn serialize_u8(self, value: u8) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Byte(value))
    }

    fn serialize_f32(self, value: f32) -> std::result::Result<Self::Ok, Self::Error> {
        finite_real(f64::from(value)).map(Argument::Number)
    }

    fn serialize_f64(self, value: f64) -> std::result::Result<Self::Ok, Self::Error> {
        finite_real(value).map(Argument::Number)
    }

    fn serialize_char(self, value: char) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Text(Cow::Owned(value.to_string())))
    }

    fn serialize_str(self, value: &str) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Text(Cow::Owned(value.to_owned())))
    }

    fn serialize_bytes(self, value: &[u8]) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Blob(Cow::Owned(value.to_vec())))
    }

    fn serialize_none(self) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> std::result::Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Null)
    }

    fn serialize_unit_struct(
        self,
        _name: &'static str,
    ) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Text(Cow::Borrowed(variant)))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> std::result::Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> std::result::Result<Self::Ok, Self::Error> {
        Err(not_bindable(&format!("enum variant {name}::{variant}")))
    }

    fn serialize_seq(
        self,
        len: Option<usize>,
    ) -> std::result::Result<Self::SerializeSeq, Self::Error> {
        Ok(BytesSerializer {
            bytes: Vec::with_capacity(len.unwrap_or(0)),
        })
    }

    fn serialize_tuple(self, len: usize) -> std::result::Result<Self::SerializeTuple, Self::Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, Self::Error> {
        Err(not_bindable(&format!("tuple struct {name}")))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, Self::Error> {
        Err(not_bindable(&format!("enum variant {name}::{variant}")))
    }

    fn serialize_map(
        self,
        _len: Option<usize>,
    ) -> std::result::Result<Self::SerializeMap, Self::Error> {
        Err(not_bindable("a map"))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeStruct, Self::Error> {
        Err(not_bindable(&format!("struct {name}")))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, Self::Error> {
        Err(not_bindable(&format!("enum variant {name}::{variant}")))
    }
}

/// Collects a sequence of `u8` (a `Vec<u8>` or `[u8; N]`, which serde serializes element by
/// element) into a BLOB, and rejects a sequence of anything else.
struct BytesSerializer {
    bytes: Vec<u8>,
}

impl ser::SerializeSeq for BytesSerializer {
    type Ok = Argument<'static>;
    type Error = ArgumentError;

    fn serialize_element<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> std::result::Result<(), Self::Error> {
        match value.serialize(ArgumentSerializer)? {
            Argument::Byte(byte) => {
                self.bytes.push(byte);
                Ok(())
            }
            other => Err(not_a_byte(other.kind())),
        }
    }

    fn end(self) -> std::result::Result<Self::Ok, Self::Error> {
        Ok(Argument::Blob(Cow::Owned(self.bytes)))
    }
}

impl ser::SerializeTuple for BytesSerializer {
    type Ok = Argument<'static>;
    type Error = ArgumentError;

    fn serialize_element<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> std::result::Result<(), Self::Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> std::result::Result<Self::Ok, Self::Error> {
        ser::SerializeSeq::end(self)
    }
}

fn not_a_byte(kind: &str) -> ArgumentError {
    ArgumentError::new(format!(
        "a sequence binds only as bytes (a sequence of u8), but it contains {kind}; \
         serialize it to JSON text (serde_json::to_string) and bind the string"
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn message(error: ArgumentError) -> String {
        error.to_string()
    }

    #[test]
    fn integers_within_safe_range_are_exact() {
        assert_eq!(
            to_argument(&MAX_SAFE_INTEGER).unwrap(),
            Argument::Number(9_007_199_254_740_991.0)
        );
        assert_eq!(
            to_argument(&-MAX_SAFE_INTEGER).unwrap(),
            Argument::Number(-9_007_199_254_740_991.0)
        );
        assert_eq!(
            to_argument(&(MAX_SAFE_INTEGER as u64)).unwrap(),
            Argument::Number(9_007_199_254_740_991.0)
        );
        assert_eq!(to_argument(&-7_i8).unwrap(), Argument::Number(-7.0));
        assert_eq!(to_argument(&7_u8).unwrap(), Argument::Byte(7));
        assert_eq!(
            to_argument(&40_000_u16).unwrap(),
            Argument::Number(40_000.0)
        );
        assert_eq!(
            to_argument(&u32::MAX).unwrap(),
            Argument::Number(4_294_967_295.0)
        );
    }

    #[test]
    fn integers_beyond_safe_range_are_rejected() {
        let error = message(to_argument(&(MAX_SAFE_INTEGER + 1)).unwrap_err());
        assert!(
            error.contains("integer 9007199254740992 is outside"),
            "{error}"
        );
        assert!(error.contains("CAST(? AS INTEGER)"), "{error}");
        assert!(to_argument(&i64::MIN).is_err());
        assert!(to_argument(&u64::MAX).is_err());
        let error = message(to_argument(&u128::MAX).unwrap_err());
        assert!(
            error.contains("integer 340282366920938463463374607431768211455 is outside"),
            "{error}"
        );
        assert!(to_argument(&(1_i128 << 60)).is_err());
    }

    #[test]
    fn d1_type_integer64_checks_range() {
        assert_eq!(
            D1Type::Integer64(-42).to_argument().unwrap(),
            Argument::Number(-42.0)
        );
        assert!(
            D1Type::Integer64(MAX_SAFE_INTEGER + 2)
                .to_argument()
                .is_err()
        );
        assert_eq!(
            D1Type::Integer(i32::MIN).to_argument().unwrap(),
            Argument::Number(-2_147_483_648.0)
        );
    }

    #[test]
    fn non_finite_floats_are_rejected() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let error = message(to_argument(&value).unwrap_err());
            assert!(error.contains("D1 would store it as NULL"), "{error}");
            assert!(D1Type::Real(value).to_argument().is_err());
        }
        assert!(to_argument(&f32::NAN).is_err());
        assert_eq!(to_argument(&0.1_f64).unwrap(), Argument::Number(0.1));
        assert_eq!(to_argument(&1.5_f32).unwrap(), Argument::Number(1.5));
    }

    #[test]
    fn none_and_unit_bind_null() {
        assert_eq!(to_argument(&None::<i64>).unwrap(), Argument::Null);
        assert_eq!(to_argument(&()).unwrap(), Argument::Null);
        assert_eq!(to_argument(&Some(3_i64)).unwrap(), Argument::Number(3.0));
    }

    #[test]
    fn text_keeps_nul_and_non_ascii() {
        let text = "a\0b ✓ 日本";
        assert_eq!(
            to_argument(text).unwrap(),
            Argument::Text(Cow::Borrowed(text))
        );
        assert_eq!(
            to_argument(&'é').unwrap(),
            Argument::Text(Cow::Borrowed("é"))
        );
    }

    #[test]
    fn byte_sequences_bind_as_blob() {
        let bytes: Vec<u8> = vec![0, 1, 255];
        assert_eq!(
            to_argument(&bytes).unwrap(),
            Argument::Blob(Cow::Borrowed(&[0, 1, 255]))
        );
        assert_eq!(
            to_argument(&[9_u8, 8]).unwrap(),
            Argument::Blob(Cow::Borrowed(&[9, 8]))
        );
        assert_eq!(
            to_argument(&Vec::<u8>::new()).unwrap(),
            Argument::Blob(Cow::Borrowed(&[]))
        );
    }

    #[test]
    fn serialize_bytes_binds_as_blob() {
        struct Raw;
        impl Serialize for Raw {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_bytes(&[7, 0, 7])
            }
        }
        assert_eq!(
            to_argument(&Raw).unwrap(),
            Argument::Blob(Cow::Borrowed(&[7, 0, 7]))
        );
    }

    #[test]
    fn sequence_of_other_numbers_is_rejected() {
        let error = message(to_argument(&vec![1_i32, 2]).unwrap_err());
        assert!(
            error.contains("contains a number that is not a u8"),
            "{error}"
        );
        let error = message(to_argument(&vec!["a"]).unwrap_err());
        assert!(error.contains("contains text"), "{error}");
        let error = message(to_argument(&vec![vec![1_u8]]).unwrap_err());
        assert!(error.contains("contains a sequence"), "{error}");
        assert!(to_argument(&vec![Some(1_u8)]).is_ok());
    }

    #[test]
    fn maps_and_structs_are_rejected() {
        #[derive(Serialize)]
        struct Note {
            title: String,
        }
        let error = message(
            to_argument(&Note {
                title: String::from("x"),
            })
            .unwrap_err(),
        );
        assert!(error.contains("struct Note cannot be bound"), "{error}");
        assert!(error.contains("serde_json::to_string"), "{error}");
        assert!(to_argument(&BTreeMap::from([("a", 1)])).is_err());
    }

    #[test]
    fn enum_variants_bind_by_name_or_fail() {
        #[derive(Serialize)]
        enum Status {
            Open,
            Moved(u32),
        }
        assert_eq!(
            to_argument(&Status::Open).unwrap(),
            Argument::Text(Cow::Borrowed("Open"))
        );
        let error = message(to_argument(&Status::Moved(3)).unwrap_err());
        assert!(error.contains("enum variant Status::Moved"), "{error}");
    }

    #[test]
    fn json_values_bind_scalars() {
        assert_eq!(
            to_argument(&serde_json::json!(12)).unwrap(),
            Argument::Number(12.0)
        );
        assert_eq!(
            to_argument(&serde_json::json!("x")).unwrap(),
            Argument::Text(Cow::Borrowed("x"))
        );
        assert_eq!(
            to_argument(&serde_json::json!(null)).unwrap(),
            Argument::Null
        );
        assert!(to_argument(&serde_json::json!({"a": 1})).is_err());
    }
}
