//! Percent-decoding of URL paths and query strings.

/// Decodes `%XX` escapes into bytes; a `%` not followed by two hex digits is kept as it is.
/// With `plus_as_space`, as in a query string, `+` decodes to a space.
pub(crate) fn percent_decode(text: &str, plus_as_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        // Both characters must be hex digits: `from_str_radix` alone would accept `%+1`.
        let escaped = bytes
            .get(index + 1..index + 3)
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (bytes[index], escaped) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
                continue;
            }
            (b'+', _) if plus_as_space => decoded.push(b' '),
            (byte, _) => decoded.push(byte),
        }
        index += 1;
    }
    decoded
}

/// Returns the first name or value of a query string that is not UTF-8 once decoded.
pub(crate) fn invalid_query_part(query: &str) -> Option<&str> {
    query
        .split('&')
        .flat_map(|pair| pair.splitn(2, '='))
        .find(|part| std::str::from_utf8(&percent_decode(part, true)).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_escapes_and_plus() {
        assert_eq!(percent_decode("a%20b+c", true), b"a b c");
        assert_eq!(percent_decode("a%20b+c", false), b"a b+c");
    }

    #[test]
    fn decode_keeps_broken_escapes() {
        assert_eq!(percent_decode("100%", false), b"100%");
        assert_eq!(percent_decode("%zz%4", false), b"%zz%4");
        assert_eq!(percent_decode("%+1%-1", false), b"%+1%-1");
    }

    #[test]
    fn invalid_query_part_finds_bad_utf8() {
        assert_eq!(invalid_query_part("a=1&b=%FF"), Some("%FF"));
        assert_eq!(invalid_query_part("q=%C3%A9&page=2"), None);
    }
}
