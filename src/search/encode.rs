//! Compact encodings for the shards, decoded by `search.js`.
//!
//! Numbers are written as base-32 variable-length digits inside plain JS
//! strings: each character carries five bits; the last character of a
//! number comes from the first half of [`ALPHABET`], the others from the
//! second half. Small fixed-width values (0–63) take one character.
//! The alphabet needs no escaping in JSON or HTML.

use serde::Serialize;

pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyz-_WXYZ";

/// Emits `v` as a variable-length number, one alphabet byte at a time:
/// 5 bits per character, most significant group first; every character
/// but the last comes from the alphabet's upper half.
fn varint_with(v: u64, mut push: impl FnMut(u8)) {
    let mut groups = [0u8; 13];
    let mut n = 0;
    let mut x = v;
    loop {
        groups[n] = (x & 31) as u8;
        n += 1;
        x >>= 5;
        if x == 0 {
            break;
        }
    }
    for i in (1..n).rev() {
        push(ALPHABET[32 + groups[i] as usize]);
    }
    push(ALPHABET[groups[0] as usize]);
}

/// Appends `v` as a variable-length number.
pub fn varint(out: &mut String, v: u64) {
    varint_with(v, |b| out.push(b as char));
}

/// [`varint`] into bytes.
pub fn varint_bytes(out: &mut Vec<u8>, v: u64) {
    varint_with(v, |b| out.push(b));
}

/// Appends a value in 0..64 as one character.
pub fn fixed(out: &mut String, v: u32) {
    out.push(ALPHABET[v.min(63) as usize] as char);
}

fn index_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// Reads encoded values back (used by the tests, and as the reference for
/// the decoder in `search.js`).
pub struct Reader<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(s: &'a str) -> Reader<'a> {
        Reader {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }
    pub fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }
    pub fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        loop {
            let d = index_of(*self.bytes.get(self.pos)?)?;
            self.pos += 1;
            if d >= 32 {
                v = (v << 5) | u64::from(d - 32);
            } else {
                return Some((v << 5) | u64::from(d));
            }
        }
    }
    pub fn fixed(&mut self) -> Option<u32> {
        let d = index_of(*self.bytes.get(self.pos)?)?;
        self.pos += 1;
        Some(d)
    }
}

/// JSON that is also safe inside a classic script: no `</`, and the line
/// separators that older engines reject in string literals are escaped.
pub fn js_json<T: Serialize + ?Sized>(v: &T) -> String {
    let s = serde_json::to_string(v).expect("search data serialises");
    if !s.contains("</") && !s.contains('\u{2028}') && !s.contains('\u{2029}') {
        return s;
    }
    s.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        .replace("</", "<\\/")
}

/// A shard: a classic script that hands its data to the page.
pub fn shard<T: Serialize + ?Sized>(key: &str, data: &T) -> Vec<u8> {
    let mut s = String::with_capacity(64);
    s.push_str("(window.__hbSearch=window.__hbSearch||[]).push([");
    s.push_str(&js_json(key));
    s.push(',');
    s.push_str(&js_json(data));
    s.push_str("]);\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_is_unique_and_safe() {
        let mut seen = std::collections::HashSet::new();
        for &c in ALPHABET {
            assert!(seen.insert(c));
            assert!(c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
        }
    }

    #[test]
    fn varints_round_trip() {
        let values = [
            0u64,
            1,
            31,
            32,
            33,
            1023,
            1024,
            65_535,
            1 << 40,
            u64::from(u32::MAX),
        ];
        let mut s = String::new();
        for &v in &values {
            varint(&mut s, v);
            fixed(&mut s, (v % 64) as u32);
        }
        let mut r = Reader::new(&s);
        for &v in &values {
            assert_eq!(r.varint(), Some(v));
            assert_eq!(r.fixed(), Some((v % 64) as u32));
        }
        assert!(r.done());
        let mut one = String::new();
        varint(&mut one, 31);
        assert_eq!(one.len(), 1);
        one.clear();
        varint(&mut one, 32);
        assert_eq!(one.len(), 2);
    }

    #[test]
    fn script_json_is_escaped() {
        let s = js_json("a</script><!-- \u{2028}\u{2029} \"q\" \\");
        assert!(!s.contains("</"));
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, "a</script><!-- \u{2028}\u{2029} \"q\" \\");
        let sh = String::from_utf8(shard("m", &vec!["x"])).unwrap();
        assert_eq!(
            sh,
            "(window.__hbSearch=window.__hbSearch||[]).push([\"m\",[\"x\"]]);\n"
        );
    }
}
