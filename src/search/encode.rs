//! Compact encodings for the shards, decoded by `search.js`.
//!
//! Numbers are written as base-32 variable-length digits inside plain JS
//! strings: each character carries five bits; the last character of a
//! number comes from the first half of [`ALPHABET`], the others from the
//! second half. Small fixed-width values (0–63) take one character.
//! The alphabet needs no escaping in JSON or HTML.

use std::sync::Arc;

use serde::Serialize;

pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyz-_WXYZ";

/// Emits `v` as a variable-length number, one alphabet byte at a time:
/// 5 bits per character, most significant group first; every character
/// but the last comes from the alphabet's upper half.
#[inline]
pub fn varint_with(v: u64, mut push: impl FnMut(u8)) {
    if v < 32 {
        push(ALPHABET[v as usize]);
        return;
    }
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
#[inline]
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
pub fn shard<T: Serialize + ?Sized>(key: &str, data: &T) -> Arc<[u8]> {
    let json = js_json(data);
    shard_with(key, json.len(), |o| o.extend_from_slice(json.as_bytes()))
}

/// Bytes [`push_js_str`] must look at: `"`, `\\`, control characters, `/`
/// (after `<`) and the first byte of U+2028 and U+2029.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'/' as usize] = true;
    t[0xE2] = true;
    t
};

/// The top bit of the first byte of `x` (little-endian) that is
/// [`SPECIAL`], with perhaps some after it set too; 0 when there is none.
/// `below(v, n)` is the classic test for a byte under `n` (at most 0x80):
/// without one nothing borrows, and a top bit left by a byte of 0x80 or
/// more is cleared by `!v`; with one, the lowest such byte shows (a
/// borrow from it may mark the bytes above).
fn specials(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH;
    let equal = |c: u8| below(x ^ (ONES * u64::from(c)), 1);
    below(x, 0x20) | equal(b'"') | equal(b'\\') | equal(b'/') | equal(0xE2)
}

/// Appends `s` as [`js_json`] writes a string: JSON's escapes (short ones
/// where JSON has them, `\u00XX` for other control characters), then
/// U+2028, U+2029 and the `/` of `</` escaped.
pub fn push_js_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut done = 0;
    let mut u = *b"\\u0000";
    let mut i = 0;
    while i < b.len() {
        // Plain text, eight bytes at a time, then straight to the first
        // byte that may need escaping.
        if let Some(eight) = b.get(i..i + 8) {
            let found = specials(u64::from_le_bytes(eight.try_into().expect("8 bytes")));
            if found == 0 {
                i += 8;
                continue;
            }
            i += (found.trailing_zeros() / 8) as usize;
        }
        let c = b[i];
        if !SPECIAL[c as usize] {
            i += 1;
            continue;
        }
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'/' if i > 0 && b[i - 1] == b'<' => b"\\/",
            0xE2 if b[i + 1] == 0x80 && b[i + 2] == 0xA8 => b"\\u2028",
            0xE2 if b[i + 1] == 0x80 && b[i + 2] == 0xA9 => b"\\u2029",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0A => b"\\n",
            0x0C => b"\\f",
            0x0D => b"\\r",
            0x00..=0x1F => {
                u[4] = HEX[(c >> 4) as usize];
                u[5] = HEX[(c & 15) as usize];
                &u
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[done..i]);
        out.extend_from_slice(esc);
        // U+2028 and U+2029 take three bytes.
        done = if c == 0xE2 { i + 3 } else { i + 1 };
        i += 1;
    }
    out.extend_from_slice(&b[done.min(b.len())..]);
    out.push(b'"');
}

/// A shard whose data `write` appends as JSON (see [`shard`]); `size` is
/// a guess of its length.
///
/// The script is written into the thread's kept buffer ([`crate::scratch`])
/// and copied once into the file's `Arc<[u8]>`: writing straight into a
/// fresh, estimated `Vec` faulted in new memory for it as well as for the
/// copy that `Arc` needs anyway.
pub fn shard_with(key: &str, size: usize, write: impl FnOnce(&mut Vec<u8>)) -> Arc<[u8]> {
    const OPEN: &[u8] = b"(window.__hbSearch=window.__hbSearch||[]).push([";
    crate::scratch::with_buffer(|out| {
        out.reserve(OPEN.len() + key.len() + size + 16);
        out.extend_from_slice(OPEN);
        push_js_str(out, key);
        out.push(b',');
        write(out);
        out.extend_from_slice(b"]);\n");
        Arc::from(&out[..])
    })
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
        let tricky = [
            "",
            "plain",
            "a</b </ <</ / < <\"/",
            "\u{2028}\u{2029}\u{2027}\u{202A}\u{2028}x\u{2029}",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f} é ∑ 𝄞",
            "\\\"\\",
            "ends with <",
            "\u{2028}",
        ];
        for t in tricky {
            let mut mine = Vec::new();
            push_js_str(&mut mine, t);
            assert_eq!(String::from_utf8(mine).unwrap(), js_json(t), "{t:?}");
        }
        // Each special character at each place of a longer text, so that
        // the eight-byte steps meet it everywhere.
        let specials = [
            "\"", "\\", "</", "/", "\u{2028}", "\u{2029}", "\u{1}", "\n", "\u{1f}", "\u{2027}",
            "é", "\u{7f}", " ",
        ];
        for sp in specials {
            for at in 0..20 {
                let t = format!(
                    "{}{sp}{}",
                    "abcdefghijklmnopqrst".get(..at).unwrap(),
                    "x<y".repeat(5)
                );
                let mut mine = Vec::new();
                push_js_str(&mut mine, &t);
                assert_eq!(String::from_utf8(mine).unwrap(), js_json(&t), "{t:?}");
            }
        }
        let sh = String::from_utf8(shard("m", &vec!["x"]).to_vec()).unwrap();
        let by_hand = shard_with("m", 0, |o| {
            o.push(b'[');
            push_js_str(o, "x");
            o.push(b']');
        });
        assert_eq!(String::from_utf8(by_hand.to_vec()).unwrap(), sh);
        assert_eq!(
            sh,
            "(window.__hbSearch=window.__hbSearch||[]).push([\"m\",[\"x\"]]);\n"
        );
    }
}
