//! Percent-encoding, in one place: the OAuth forms and queries of the Hosted UI and the policy
//! documents IAM returns encoded. The escaping itself is the `percent-encoding` crate's (already
//! built for the SDK); this module only fixes which characters are escaped and how strict a
//! decode is.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986's unreserved characters: right for a form field, a
/// query component and HTTP Basic's client id and secret alike.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// Decodes a form or query component (`+` is a space); `None` for a broken escape or bytes
/// that are not UTF-8, so a mangled callback is refused rather than guessed at.
pub fn decode_form(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// Decodes a document IAM returns URL-encoded (RFC 3986: `+` stays `+`); a `%` that starts no
/// escape is kept as it is, and bytes that are not UTF-8 become U+FFFD.
pub fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_unreserved() {
        assert_eq!(encode("a b&c"), "a%20b%26c");
        assert_eq!(encode("s3cr/t+="), "s3cr%2Ft%2B%3D");
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn form_decoding_is_strict() {
        assert_eq!(decode_form("a+b%20c%2Fd").as_deref(), Some("a b c/d"));
        assert_eq!(decode_form("1%2B2").as_deref(), Some("1+2"));
        assert_eq!(decode_form("%zz"), None);
        assert_eq!(decode_form("%4"), None);
        assert_eq!(decode_form("%"), None);
        assert_eq!(decode_form("%C3"), None, "not UTF-8");
        let all: String = (1u8..128).map(char::from).chain("é✓".chars()).collect();
        assert_eq!(decode_form(&encode(&all)), Some(all));
    }

    #[test]
    fn decodes_iam_documents() {
        assert_eq!(decode("%7B%22a%22%3A%201%7D"), "{\"a\": 1}");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%7D"), "%zz}");
        assert_eq!(decode("a+b"), "a+b");
    }
}
