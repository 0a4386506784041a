//! Rows read from D1, parsed from the JSON text of a whole result, and deserialized into the
//! caller's types with the column named in every error.
//!
//! A value in a D1 result is `null`, a JavaScript number, a string, or an array of byte values
//! (a BLOB), because SQLite has no other storage class. JavaScript numbers hold integers exactly
//! only within ±(2^53 − 1), so a larger INTEGER comes back rounded. Such a value is kept as
//! [`Cell::UnsafeInteger`], and reading it into an integer type is an error, never a rounded
//! number. Reading it into a float is allowed, because it is a float.

use std::fmt;

use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;

use super::argument::MAX_SAFE_INTEGER;
use crate::error::Quoted;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    /// An integer within ±(2^53 − 1), so exact.
    Integer(i64),
    Real(f64),
    /// An integral number beyond ±(2^53 − 1): a REAL, or an INTEGER that D1 rounded.
    UnsafeInteger(f64),
    Text(String),
    Blob(Vec<u8>),
    /// A BLOB of this many bytes whose bytes crossed apart from the JSON text; replaced by
    /// [`Cell::Blob`] before anything reads the row.
    BlobPlaceholder(usize),
}

impl Cell {
    /// Names the kind of value for an error message.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "null",
            Cell::Integer(_) | Cell::UnsafeInteger(_) => "an integer",
            Cell::Real(_) => "a real",
            Cell::Text(_) => "text",
            Cell::Blob(_) | Cell::BlobPlaceholder(_) => "a BLOB",
        }
    }

    fn from_integer(value: i128) -> Cell {
        if value.unsigned_abs() <= MAX_SAFE_INTEGER as u128 {
            Cell::Integer(value as i64)
        } else {
            Cell::UnsafeInteger(value as f64)
        }
    }
}

impl<'de> de::Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a D1 value: null, a number, a string or an array of bytes")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Cell, E> {
        Ok(Cell::Integer(i64::from(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Cell, E> {
        Ok(Cell::from_integer(i128::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Cell, E> {
        Ok(Cell::from_integer(i128::from(value)))
    }

    // serde_json calls this for numbers written with a fraction or an exponent, and for integers
    // beyond u64. JSON.stringify writes every integral number below 1e21 without either, so an
    // integral float here is at least 2^64: beyond any INTEGER, so a REAL.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Cell, E> {
        Ok(Cell::Real(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Cell, E> {
        Ok(Cell::Text(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Cell, E> {
        Ok(Cell::Text(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell, A::Error> {
        let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(byte) = seq.next_element::<u8>()? {
            bytes.push(byte);
        }
        Ok(Cell::Blob(bytes))
    }

    /// Reads the `{"blob": length}` that stands for a BLOB moved out of the JSON text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
        let length = match map.next_entry::<String, usize>()? {
            Some((key, length)) if key == "blob" => length,
            _ => return Err(de::Error::custom("expected a D1 value, found an object")),
        };
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("expected a D1 value, found an object"));
        }
        Ok(Cell::BlobPlaceholder(length))
    }
}

/// A row: its columns in the order of the query, with their names.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Row(pub(crate) Vec<(String, Cell)>);

impl Row {
    pub(crate) fn get(&self, column: &str) -> Option<&Cell> {
        self.0
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, cell)| cell)
    }

    pub(crate) fn column_names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }
}

impl<'de> de::Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RowVisitor)
    }
}

struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = Row;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a D1 row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
        let mut columns = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(entry) = map.next_entry::<String, Cell>()? {
            columns.push(entry);
        }
        Ok(Row(columns))
    }
}

/// A value that does not fit the requested type, and the column it is in.
#[derive(Debug)]
pub(crate) struct RowError {
    message: String,
    column: Option<String>,
}

impl RowError {
    /// Names the column, unless a deeper step named one already.
    fn in_column(mut self, column: &str) -> Self {
        if self.column.is_none() {
            self.column = Some(column.to_owned());
        }
        self
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "column {}: {}", Quoted(column), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RowError {}

impl de::Error for RowError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        RowError {
            message: message.to_string(),
            column: None,
        }
    }
}

fn unsafe_integer(value: f64) -> RowError {
    de::Error::custom(format!(
        "the number {value} is an integer beyond ±{MAX_SAFE_INTEGER}, and D1 returns numbers as \
         JavaScript numbers, so the stored value may have been rounded; select the column as \
         text (CAST(column AS TEXT)) and parse it, or read a REAL into f64"
    ))
}

/// Deserializes a whole row: as a map of column names to values (a struct, a `HashMap`,
/// `serde_json::Value`), or as a sequence in column order (a tuple).
pub(crate) struct RowDeserializer<'a> {
    row: &'a Row,
}

impl<'a> RowDeserializer<'a> {
    pub(crate) fn new(row: &'a Row) -> Self {
        RowDeserializer { row }
    }
}

impl<'de> Deserializer<'de> for RowDeserializer<'_> {
    type Error = RowError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        visitor.visit_map(RowAccess {
            columns: self.row.0.iter(),
            pending: None,
        })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        visitor.visit_seq(CellsAccess {
            columns: self.row.0.iter(),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        self.deserialize_seq(visitor)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct map struct enum identifier ignored_any
    }
}

struct RowAccess<'a> {
    columns: std::slice::Iter<'a, (String, Cell)>,
    pending: Option<&'a (String, Cell)>,
}

impl<'de> MapAccess<'de> for RowAccess<'_> {
    type Error = RowError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, RowError> {
        let Some(column) = self.columns.next() else {
            return Ok(None);
        };
        self.pending = Some(column);
        seed.deserialize(StrDeserializer::<RowError>::new(&column.0))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, RowError> {
        let Some((name, cell)) = self.pending.take() else {
            return Err(de::Error::custom(
                "a row value was requested before its column",
            ));
        };
        seed.deserialize(CellDeserializer::new(cell))
            .map_err(|error| error.in_column(name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.columns.len())
    }
}

struct CellsAccess<'a> {
    columns: std::slice::Iter<'a, (String, Cell)>,
}

impl<'de> SeqAccess<'de> for CellsAccess<'_> {
    type Error = RowError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, RowError> {
        let Some((name, cell)) = self.columns.next() else {
            return Ok(None);
        };
        seed.deserialize(CellDeserializer::new(cell))
            .map(Some)
            .map_err(|error| error.in_column(name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.columns.len())
    }
}

/// Deserializes one value. The integers 0 and 1 also read as booleans, because D1 stores a bound
/// boolean as a number. Text also reads as a unit enum variant.
pub(crate) struct CellDeserializer<'a> {
    cell: &'a Cell,
}

impl<'a> CellDeserializer<'a> {
    pub(crate) fn new(cell: &'a Cell) -> Self {
        CellDeserializer { cell }
    }

    /// Deserializes the value into `T`, naming `column` in the error.
    pub(crate) fn read<T: de::DeserializeOwned>(self, column: &str) -> Result<T, RowError> {
        T::deserialize(self).map_err(|error| error.in_column(column))
    }
}

/// Writes the integer `deserialize_*` methods: an unsafe integer is an error, everything else
/// goes to the visitor, which rejects what does not fit.
macro_rules! integer_methods {
    ($($method:ident),*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
                match self.cell {
                    Cell::UnsafeInteger(value) => Err(unsafe_integer(*value)),
                    _ => self.deserialize_any(visitor),
                }
            }
        )*
    };
}

/// Writes the float `deserialize_*` methods: an unsafe integer reads as the float it is.
macro_rules! float_methods {
    ($($method:ident),*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
                match self.cell {
                    Cell::UnsafeInteger(value) => visitor.visit_f64(*value),
                    _ => self.deserialize_any(visitor),
                }
            }
        )*
    };
}

impl<'de> Deserializer<'de> for CellDeserializer<'_> {
    type Error = RowError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.cell {
            Cell::Null => visitor.visit_unit(),
            Cell::Integer(value) => visitor.visit_i64(*value),
            Cell::Real(value) => visitor.visit_f64(*value),
            Cell::UnsafeInteger(value) => Err(unsafe_integer(*value)),
            Cell::Text(text) => visitor.visit_str(text),
            Cell::Blob(bytes) => visitor.visit_seq(SeqDeserializer::new(bytes.iter().copied())),
            Cell::BlobPlaceholder(_) => Err(de::Error::custom("a BLOB was read before its bytes")),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.cell {
            Cell::Integer(0) => visitor.visit_bool(false),
            Cell::Integer(1) => visitor.visit_bool(true),
            _ => self.deserialize_any(visitor),
        }
    }

    integer_methods!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128
    );

    float_methods!(deserialize_f32, deserialize_f64);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.cell {
            Cell::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.cell {
            Cell::Blob(bytes) => visitor.visit_bytes(bytes),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, RowError> {
        match self.cell {
            Cell::Text(text) => visitor.visit_enum(text.as_str().into_deserializer()),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        char str string unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::*;

    fn row(json: &str) -> Row {
        serde_json::from_str(json).unwrap()
    }

    fn read<T: de::DeserializeOwned>(json: &str) -> Result<T, RowError> {
        T::deserialize(RowDeserializer::new(&row(json)))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Note {
        id: i64,
        title: String,
        body: Option<String>,
        pinned: bool,
        score: f64,
        data: Vec<u8>,
    }

    #[test]
    fn row_reads_into_struct() {
        let note: Note = read(
            r#"{"id": 7, "title": "a\u0000b ✓", "body": null, "pinned": 1,
                "score": 0.5, "data": [0, 255, 7]}"#,
        )
        .unwrap();
        assert_eq!(
            note,
            Note {
                id: 7,
                title: String::from("a\0b ✓"),
                body: None,
                pinned: true,
                score: 0.5,
                data: vec![0, 255, 7],
            }
        );
    }

    #[test]
    fn mismatch_names_column() {
        let error = read::<Note>(
            r#"{"id": "seven", "title": "t", "body": null, "pinned": 0, "score": 1,
                "data": []}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "column \"id\": invalid type: string \"seven\", expected i64"
        );
    }

    #[test]
    fn float_into_integer_names_column() {
        let error = read::<HashMap<String, i64>>(r#"{"ratio": 1.5}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("column \"ratio\": invalid type: floating point `1.5`")
        );
    }

    #[test]
    fn unsafe_integer_is_rejected_for_integers() {
        let cells = row(r#"{"big": 9007199254740992, "small": -9007199254740991}"#);
        assert_eq!(cells.0[0].1, Cell::UnsafeInteger(9_007_199_254_740_992.0));
        assert_eq!(cells.0[1].1, Cell::Integer(-9_007_199_254_740_991));
        let error = read::<HashMap<String, i64>>(r#"{"big": 9007199254740992}"#).unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("column \"big\": the number 9007199254740992"),
            "{text}"
        );
        assert!(text.contains("CAST(column AS TEXT)"), "{text}");
        assert!(read::<HashMap<String, u64>>(r#"{"big": 18446744073709551615}"#).is_err());
        assert!(read::<serde_json::Value>(r#"{"big": -9007199254740993}"#).is_err());
    }

    #[test]
    fn unsafe_integer_reads_as_float() {
        let value: HashMap<String, f64> = read(r#"{"big": 1152921504606847000}"#).unwrap();
        assert_eq!(value["big"], 1_152_921_504_606_846_976.0);
    }

    #[test]
    fn huge_real_is_a_float() {
        let cells = row(r#"{"r": 1e+300, "s": 18446744073709552000}"#);
        assert_eq!(cells.0[0].1, Cell::Real(1e300));
        assert_eq!(cells.0[1].1, Cell::Real(18_446_744_073_709_552_000.0));
        let value: serde_json::Value = read(r#"{"r": 1e+300}"#).unwrap();
        assert_eq!(value["r"], 1e300);
    }

    #[test]
    fn row_reads_into_json_value() {
        let value: serde_json::Value =
            read(r#"{"n": null, "i": 3, "t": "x", "b": [1, 2]}"#).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"n": null, "i": 3, "t": "x", "b": [1, 2]})
        );
    }

    #[test]
    fn row_reads_into_tuple_in_column_order() {
        let value: (String, i64, Option<f64>) = read(r#"{"b": "x", "a": 2, "c": null}"#).unwrap();
        assert_eq!(value, (String::from("x"), 2, None));
        let error = read::<(String, String)>(r#"{"b": "x", "a": 2}"#).unwrap_err();
        assert!(error.to_string().starts_with("column \"a\":"), "{error}");
    }

    #[test]
    fn missing_field_is_reported() {
        let error = read::<Note>(r#"{"id": 1}"#).unwrap_err();
        assert_eq!(error.to_string(), "missing field `title`");
    }

    #[test]
    fn boolean_accepts_only_zero_and_one() {
        let value: HashMap<String, bool> = read(r#"{"t": 1, "f": 0}"#).unwrap();
        assert!(value["t"]);
        assert!(!value["f"]);
        assert!(read::<HashMap<String, bool>>(r#"{"x": 2}"#).is_err());
    }

    #[test]
    fn text_reads_as_unit_enum() {
        #[derive(Debug, Deserialize, PartialEq)]
        enum Status {
            Open,
            Closed,
        }
        let value: HashMap<String, Status> = read(r#"{"s": "Closed"}"#).unwrap();
        assert_eq!(value["s"], Status::Closed);
        let error = read::<HashMap<String, Status>>(r#"{"s": "Lost"}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("column \"s\": unknown variant `Lost`")
        );
    }

    #[test]
    fn blob_is_rejected_as_text() {
        let error = read::<HashMap<String, String>>(r#"{"data": [1]}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("column \"data\": invalid type: sequence")
        );
    }

    #[test]
    fn array_of_non_bytes_is_not_a_cell() {
        assert!(serde_json::from_str::<Row>(r#"{"x": [256]}"#).is_err());
        assert!(serde_json::from_str::<Row>(r#"{"x": {"a": 1}}"#).is_err());
        assert!(serde_json::from_str::<Row>(r#"{"x": {"blob": 1, "a": 1}}"#).is_err());
    }

    #[test]
    fn blob_marker_is_a_placeholder() {
        let cells = row(r#"{"x": {"blob": 3}}"#);
        assert_eq!(cells.0[0].1, Cell::BlobPlaceholder(3));
        assert!(read::<HashMap<String, Vec<u8>>>(r#"{"x": {"blob": 3}}"#).is_err());
    }

    #[test]
    fn single_cell_reads_with_column() {
        let cells = row(r#"{"n": null, "v": "x"}"#);
        let none: Option<i64> = CellDeserializer::new(&cells.0[0].1).read("n").unwrap();
        assert_eq!(none, None);
        let error = CellDeserializer::new(&cells.0[1].1)
            .read::<i64>("v")
            .unwrap_err();
        assert!(error.to_string().starts_with("column \"v\":"));
    }
}
