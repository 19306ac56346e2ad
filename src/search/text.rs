//! Tokenising, folding, stop words and stemming.
//!
//! The browser tokenises queries and snippets with the same rules
//! (`tokenize` and `fold` in `search.js`); `tests/search_browser.rs` checks
//! that both agree on the same tricky strings. Keep the two in step.
//!
//! - A word is a run of characters that are alphabetic, numeric or
//!   combining marks (`\p{Alphabetic}\p{N}\p{M}` in JavaScript). An
//!   apostrophe between two word characters joins them (`don't` → `dont`).
//! - Han, Hiragana and Katakana characters are words on their own: those
//!   scripts do not separate words with spaces.
//! - Folding: compatibility decomposition (NFKD), lower case, marks removed
//!   after Latin, Greek and Cyrillic letters (so `é` → `e` but Devanagari
//!   vowel signs stay), and a few letters with no decomposition mapped
//!   (`ß` → `ss`, `æ` → `ae`, `ø` → `o`, …).

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words longer than this (in UTF-16 units, after folding) are not indexed:
/// they are nearly always data (hashes, URLs without separators).
pub const MAX_WORD: usize = 40;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || is_combining_mark(c)
}

/// Characters that form a word by themselves.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x3134F) // CJK extensions B–G
}

/// Splits text into words; each comes with its byte range in `text`.
pub fn words(text: &str) -> Words<'_> {
    Words { text, i: 0 }
}

/// The iterator of [`words`]. Scans bytes, decoding only non-ASCII characters.
pub struct Words<'a> {
    text: &'a str,
    i: usize,
}

impl Words<'_> {
    /// The character at byte `i`, if any.
    fn at(&self, i: usize) -> Option<char> {
        let b = *self.text.as_bytes().get(i)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            self.text[i..].chars().next()
        }
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        // Skip to the first word character.
        let (start, c) = loop {
            let b = *bytes.get(self.i)?;
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break (self.i, b as char);
                }
                self.i += 1;
                continue;
            }
            let c = self.at(self.i)?;
            if is_word_char(c) {
                break (self.i, c);
            }
            self.i += c.len_utf8();
        };
        self.i = start + c.len_utf8();
        if is_ideograph(c) {
            return Some((start, self.i));
        }
        while let Some(&b) = bytes.get(self.i) {
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    self.i += 1;
                    continue;
                }
                if b != b'\'' {
                    break;
                }
            }
            let c = if b < 0x80 {
                b as char
            } else {
                self.at(self.i).unwrap_or(' ')
            };
            if is_ideograph(c) {
                break;
            }
            if is_word_char(c) {
                self.i += c.len_utf8();
            } else if is_apostrophe(c) {
                // Joins two word characters; otherwise ends the word.
                match self.at(self.i + c.len_utf8()) {
                    Some(n) if is_word_char(n) && !is_ideograph(n) => self.i += c.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        Some((start, self.i))
    }
}

/// One word as [`scan`] hands it over.
pub enum Scanned<'a> {
    /// Letters and digits only, up to 16 bytes: packed lower-case bytes
    /// (a unique key), and the word's bytes (as written, or lower-cased).
    Short(u128, &'a [u8]),
    /// Any other word, folded (in the scanner's buffer).
    Folded(&'a str),
    /// A word that folds to nothing or is too long: it only takes a position.
    Dropped,
}

const ALNUM: u8 = 1;
const OTHER: u8 = 2;
/// 1: ASCII letter or digit; 0: other ASCII (never part of a word, except
/// the apostrophe, which is 2 like every non-ASCII byte).
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if (b as u8).is_ascii_alphanumeric() {
            ALNUM
        } else if b == b'\'' as usize {
            OTHER
        } else {
            0
        };
        b += 1;
    }
    t
};

/// How many ASCII letters and digits `b` starts with, eight bytes at a time.
fn alnum_run(b: &[u8]) -> usize {
    let mut n = 0;
    while let Some(eight) = b.get(n..n + 8) {
        let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        let stop = !alnum_bytes(x) & HIGH;
        if stop != 0 {
            return n + (stop.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + b[n..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count()
}

/// The top bit of every byte of eight bytes read as one little-endian
/// number.
pub(super) const HIGH: u64 = 0x8080_8080_8080_8080;
/// The low bit of every byte: times `c`, the byte `c` in every place.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The top bit of each byte of `y` (seven-bit bytes) from `lo` to `hi`:
/// adding a constant below 0x80 to a seven-bit byte cannot carry into the
/// next one, so every byte is tested exactly.
fn within(y: u64, lo: u8, hi: u8) -> u64 {
    (y + ONES * u64::from(0x80 - lo)) & !(y + ONES * u64::from(0x7F - hi))
}

/// The top bit of each byte of `x` from `lo` to `hi` (both ASCII), exactly.
pub(super) fn ascii_in(x: u64, lo: u8, hi: u8) -> u64 {
    within(x & !HIGH, lo, hi) & !x & HIGH
}

/// The top bit of each byte of `x` (little-endian) that is an ASCII letter
/// or digit.
fn alnum_bytes(x: u64) -> u64 {
    ascii_in(x, b'0', b'9') | ascii_in(x | (ONES * 0x20), b'a', b'z')
}

/// The top bit of each byte of `x` that [`CLASS`] calls [`OTHER`]: an
/// apostrophe or a byte of a non-ASCII character.
fn other_bytes(x: u64) -> u64 {
    (x & HIGH) | ascii_in(x, b'\'', b'\'')
}

/// `N` bytes of `b` from `i`, little-endian; zeros (which are never part
/// of a word) past its end.
#[inline]
fn bytes_at<const N: usize>(b: &[u8], i: usize) -> [u8; N] {
    match b.get(i..i + N) {
        Some(e) => e.try_into().expect("N bytes"),
        None => {
            let mut e = [0u8; N];
            let rest = b.get(i..).unwrap_or_default();
            e[..rest.len()].copy_from_slice(rest);
            e
        }
    }
}

/// One bit per byte: bit `k` is the top bit of byte `k` of `x`.
fn top_bits(x: u64) -> u64 {
    (((x & HIGH) >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The words of `text` in order, as [`tokens`] finds and folds them, with
/// a fast path for plain ASCII words. `buf` is scratch space.
///
/// The text is read in blocks of 64 bytes, each classified at once into
/// two masks of a bit per byte (letters and digits; apostrophes and
/// non-ASCII bytes). Plain words are then found in the masks, with few
/// branches and no byte-by-byte loop; a word that runs past the block
/// starts the next one. Two ASCII runs joined by an apostrophe, and an
/// ASCII word beside general punctuation (curly quotes, dashes), are
/// taken as they are; any other word with an apostrophe or a non-ASCII
/// character takes the general path.
pub fn scan(text: &str, buf: &mut String, mut f: impl FnMut(Scanned<'_>)) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    'block: while i < n {
        let block: [u8; 64] = bytes_at(b, i);
        let (mut alnum, mut other) = (0u64, 0u64);
        for (k, eight) in block.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
            alnum |= top_bits(alnum_bytes(x)) << (8 * k);
            other |= top_bits(other_bytes(x)) << (8 * k);
        }
        let wordish = alnum | other;
        // Where in the block the next word is looked for.
        let mut p = 0u32;
        loop {
            let ahead = if p < 64 { wordish & (!0u64 << p) } else { 0 };
            if ahead == 0 {
                i += 64;
                continue 'block;
            }
            let q = ahead.trailing_zeros();
            if other & (1 << q) == 0 {
                // Letters and digits from `q` to `r`, and what follows.
                let rest = !alnum >> q;
                if rest == 0 {
                    // The word runs to the end of the block.
                    if q > 0 {
                        i += q as usize;
                        continue 'block;
                    }
                    break;
                }
                let r = q + rest.trailing_zeros();
                if other & (1 << r) == 0 {
                    let start = i + q as usize;
                    let len = (r - q) as usize;
                    let w = &b[start..start + len];
                    if len <= 16 {
                        let x = u128::from_le_bytes(bytes_at(b, start));
                        // Lower case is the 0x20 bit, for letters and digits.
                        let lower = u128::from(ONES * 0x20) * ((1 << 64) + 1);
                        let key = (x | lower) & (u128::MAX >> (128 - 8 * len));
                        f(Scanned::Short(key, w));
                    } else {
                        buf.clear();
                        buf.push_str(&text[start..start + len]);
                        buf.make_ascii_lowercase();
                        ascii_word(buf, &mut f);
                    }
                    p = r;
                    continue;
                }
            }
            i += q as usize;
            break;
        }
        // At `i`: a word of 64 letters and digits or more, or one with an
        // apostrophe or a non-ASCII character next to it.
        let start = i;
        i += alnum_run(&b[i..]);
        if i > start && plain_end(b, i) {
            debug_assert!(i - start > MAX_WORD);
            f(Scanned::Dropped);
            continue;
        }
        // Smart punctuation puts non-ASCII next to plain words: `it’s`,
        // “quotes”, dashes—like this. Those need none of the general
        // path's decoding and normalising.
        if i == start && general_punctuation(&b[i..]) {
            // Never part of a word; a leading apostrophe joins nothing.
            i += 3;
            continue;
        }
        if i > start {
            let end = match apostrophe_word(b, i) {
                Some((join, end)) => {
                    buf.clear();
                    buf.push_str(&text[start..i]);
                    buf.push_str(&text[join..end]);
                    Some(end)
                }
                None if ends_word(&b[i..]) => {
                    buf.clear();
                    buf.push_str(&text[start..i]);
                    Some(i)
                }
                None => None,
            };
            if let Some(end) = end {
                buf.make_ascii_lowercase();
                ascii_word(buf, &mut f);
                i = end;
                continue;
            }
        }
        i = start;
        // The general path.
        let Some((a, e)) = words(&text[i..]).next() else {
            return;
        };
        buf.clear();
        fold_into(&text[i + a..i + e], buf);
        if buf.is_empty() || (buf.len() > MAX_WORD && js_len(buf) > MAX_WORD) {
            f(Scanned::Dropped);
        } else if buf.bytes().all(|b| b.is_ascii_alphanumeric()) {
            ascii_word(buf, &mut f);
        } else {
            f(Scanned::Folded(buf));
        }
        i += e;
    }
}

/// Hands over a word of lower-case ASCII letters and digits.
fn ascii_word(w: &str, f: &mut impl FnMut(Scanned<'_>)) {
    if w.len() <= 16 {
        let mut k = [0u8; 16];
        k[..w.len()].copy_from_slice(w.as_bytes());
        f(Scanned::Short(u128::from_le_bytes(k), w.as_bytes()));
    } else if w.len() > MAX_WORD {
        f(Scanned::Dropped);
    } else {
        f(Scanned::Folded(w));
    }
}

/// Whether `b` starts with a character of U+2010–U+203F (dashes, quotes,
/// the ellipsis, primes…): none is a word character.
fn general_punctuation(b: &[u8]) -> bool {
    matches!(b, [0xE2, 0x80, 0x90..=0xBF, ..])
}

/// How many bytes the apostrophe `b` starts with takes (`'` or U+2019).
/// U+02BC is not one of them here: it is a letter, which the general path
/// folds away.
fn apostrophe_len(b: &[u8]) -> Option<usize> {
    match b {
        [b'\'', ..] => Some(1),
        [0xE2, 0x80, 0x99, ..] => Some(3),
        _ => None,
    }
}

/// Whether nothing that could continue a word is at `b[i]`: the end of
/// the text, or ASCII that is neither a letter, a digit nor an apostrophe.
fn plain_end(b: &[u8], i: usize) -> bool {
    b.get(i).is_none_or(|&c| CLASS[c as usize] == 0)
}

/// Whether a word of ASCII letters and digits followed by `b` ends there:
/// `b` starts with general punctuation that cannot join it to more
/// letters (an apostrophe can, unless [`plain_end`] follows it).
fn ends_word(b: &[u8]) -> bool {
    match apostrophe_len(b) {
        Some(n) => plain_end(b, n),
        None => general_punctuation(b),
    }
}

/// For a word of ASCII letters and digits that runs to `run_end`: if an
/// apostrophe follows, then another run of ASCII letters and digits, then
/// a [`plain_end`], where the second run starts and ends. Any other word
/// is `None`.
fn apostrophe_word(b: &[u8], run_end: usize) -> Option<(usize, usize)> {
    let join = run_end + apostrophe_len(&b[run_end..])?;
    let end = join + alnum_run(&b[join..]);
    (end > join && plain_end(b, end)).then_some((join, end))
}

/// Whether a mark after `base` is a diacritic to drop.
fn drops_marks(base: char) -> bool {
    let b = base as u32;
    b < 0x0530 || (0x1E00..=0x1FFF).contains(&b)
}

/// Case and diacritic folding of one word (as split by [`words`]).
/// The result holds only word characters; it may be empty.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold`], appending to `out`.
// A mark that is dropped must not reach the word-character arm below.
#[allow(clippy::collapsible_match)]
pub fn fold_into(word: &str, out: &mut String) {
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
        return;
    }
    if word.is_ascii() {
        // Letters, digits and apostrophes only, as split by `words`.
        out.extend(
            word.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase() as char),
        );
        return;
    }
    let mut base = 'a';
    for c in word.nfkd() {
        if is_apostrophe(c) {
            continue;
        }
        if is_combining_mark(c) {
            if !drops_marks(base) {
                out.push(c);
            }
            continue;
        }
        base = c;
        for l in c.to_lowercase() {
            match l {
                'ß' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ø' => out.push('o'),
                'đ' => out.push('d'),
                'ł' => out.push('l'),
                'þ' => out.push_str("th"),
                'ı' => out.push('i'),
                'ς' => out.push('σ'),
                // Lower-casing can yield a combining mark (İ → i̇).
                l if is_combining_mark(l) => {
                    if !drops_marks(base) {
                        out.push(l)
                    }
                }
                l if is_word_char(l) => out.push(l),
                _ => {}
            }
        }
    }
}

/// Length in UTF-16 code units, as JavaScript counts.
pub fn js_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Folded words of a text, in order; `None` for an empty or overlong word
/// (it still takes a position, so phrases do not join across it).
pub fn tokens(text: &str) -> impl Iterator<Item = Option<String>> + '_ {
    words(text).map(move |(a, b)| {
        let f = fold(&text[a..b]);
        (!f.is_empty() && js_len(&f) <= MAX_WORD).then_some(f)
    })
}

/// The Snowball stemmers: name, two-letter codes, algorithm. The one list
/// that names, codes, messages and the manifest are taken from.
const STEMMERS: &[(&str, &[&str], rust_stemmers::Algorithm)] = {
    use rust_stemmers::Algorithm::*;
    &[
        ("arabic", &["ar"], Arabic),
        ("danish", &["da"], Danish),
        ("dutch", &["nl"], Dutch),
        ("english", &["en"], English),
        ("finnish", &["fi"], Finnish),
        ("french", &["fr"], French),
        ("german", &["de"], German),
        ("greek", &["el"], Greek),
        ("hungarian", &["hu"], Hungarian),
        ("italian", &["it"], Italian),
        ("norwegian", &["no", "nb", "nn"], Norwegian),
        ("portuguese", &["pt"], Portuguese),
        ("romanian", &["ro"], Romanian),
        ("russian", &["ru"], Russian),
        ("spanish", &["es"], Spanish),
        ("swedish", &["sv"], Swedish),
        ("tamil", &["ta"], Tamil),
        ("turkish", &["tr"], Turkish),
    ]
};

/// The stemmer for a language tag or name (`en-GB`, `English`, `nb`): its
/// name and algorithm.
fn stemmer_for(name: &str) -> Option<(&'static str, rust_stemmers::Algorithm)> {
    let lower = name.trim().to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or("");
    STEMMERS
        .iter()
        .find(|(n, codes, _)| *n == primary || codes.contains(&primary))
        .map(|&(n, _, a)| (n, a))
}

/// The two-letter code of a language named in words (`English` → `en`),
/// among those with a stemmer.
pub fn code_of(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_ascii_lowercase();
    (STEMMERS.iter())
        .find(|(n, ..)| *n == lower)
        .map(|(_, codes, _)| codes[0])
}

/// Languages with a stemmer, for error messages.
pub fn stemmer_names() -> String {
    let names: Vec<&str> = STEMMERS.iter().map(|(n, ..)| *n).collect();
    format!(
        "{} (or their two-letter codes), or \"none\"",
        names.join(", ")
    )
}

/// How words become index terms for one handbook.
pub struct Analyzer {
    stemmer: Option<rust_stemmers::Stemmer>,
    stop: &'static [&'static str],
    /// The stemmer's name, for the manifest (`None`: no stemming).
    pub stemmer_name: Option<&'static str>,
}

impl Analyzer {
    /// `stemmer`: `None` follows `language`; `Some("none")` turns stemming off.
    /// Unknown names give `Err`.
    pub fn new(language: &str, stemmer: Option<&str>) -> Result<Analyzer, String> {
        let chosen = match stemmer.map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("off") => None,
            Some(s) => Some(stemmer_for(s).ok_or_else(|| s.to_string())?),
            None => stemmer_for(language),
        };
        // Stop words follow the language of the text, even without stemming.
        let stop = stop_words(language);
        Ok(Analyzer {
            stemmer_name: chosen.map(|(name, _)| name),
            stemmer: chosen.map(|(_, a)| rust_stemmers::Stemmer::create(a)),
            stop,
        })
    }

    pub fn is_stop(&self, folded: &str) -> bool {
        self.stop.binary_search(&folded).is_ok()
    }

    pub fn stop_words(&self) -> &'static [&'static str] {
        self.stop
    }

    /// The index term for a folded word.
    pub fn stem<'a>(&self, folded: &'a str) -> Cow<'a, str> {
        match &self.stemmer {
            // Numbers and very short words are kept as they are.
            Some(s)
                if folded.chars().count() > 2 && !folded.bytes().all(|b| b.is_ascii_digit()) =>
            {
                s.stem(folded)
            }
            _ => Cow::Borrowed(folded),
        }
    }
}

/// Stop words by language (folded, sorted). They are not scored alone,
/// but keep their positions, so phrases with them still match.
pub fn stop_words(language: &str) -> &'static [&'static str] {
    // The language is named as the stemmers' table names it (codes too).
    match stemmer_for(language).map(|(name, _)| name) {
        Some("english") => EN,
        Some("german") => DE,
        Some("french") => FR,
        Some("spanish") => ES,
        Some("dutch") => NL,
        _ => &[],
    }
}

// Negations are left out: "don't interrupt" and "interrupt" are opposite
// advice, and a reader searching for "not" or "don't" expects the text.
const EN: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

const DE: &[&str] = &[
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis", "da", "das", "dass",
    "dem", "den", "der", "des", "die", "doch", "du", "durch", "ein", "eine", "einem", "einen",
    "einer", "eines", "er", "es", "fur", "hat", "ich", "ihr", "im", "in", "ist", "ja", "kann",
    "man", "mit", "nach", "nicht", "noch", "nur", "ob", "oder", "sich", "sie", "sind", "so",
    "uber", "um", "und", "uns", "von", "vor", "war", "was", "wenn", "wie", "wir", "wird", "zu",
    "zum", "zur",
];

const FR: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "est", "et",
    "eux", "il", "ils", "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "moi",
    "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui",
    "sa", "se", "ses", "son", "sont", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une",
    "vos", "votre", "vous",
];

const ES: &[&str] = &[
    "a", "al", "como", "con", "de", "del", "el", "ella", "en", "es", "esta", "este", "la", "las",
    "le", "les", "lo", "los", "mas", "me", "mi", "no", "nos", "o", "para", "pero", "por", "que",
    "se", "si", "sin", "su", "sus", "te", "tu", "un", "una", "uno", "y", "ya",
];

const NL: &[&str] = &[
    "aan", "als", "bij", "dat", "de", "den", "der", "die", "dit", "door", "een", "en", "er", "het",
    "hij", "ik", "in", "is", "je", "maar", "met", "niet", "om", "ook", "op", "over", "te", "tot",
    "uit", "van", "voor", "was", "wat", "we", "wij", "zich", "zij", "zijn",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokens(s).flatten().collect()
    }

    #[test]
    fn alnum_runs_match_a_byte_loop() {
        let mut text: Vec<u8> = (0..=255u8).collect();
        text.extend_from_slice(b"abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        text.extend((0..=255u8).rev());
        for c in 0..=255u8 {
            text.extend_from_slice(b"Word9");
            text.push(c);
        }
        for i in 0..text.len() {
            let naive = text[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            assert_eq!(alnum_run(&text[i..]), naive, "at {i}");
        }
    }

    #[test]
    fn byte_classes_match_the_table_in_every_lane() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for c in 0..=255u8 {
            for lane in 0..8 {
                // The other lanes hold bytes of every kind.
                seed = seed.wrapping_mul(0x5851_f42d_4c95_7f2d).wrapping_add(1);
                let mut bytes = seed.to_le_bytes();
                bytes[lane] = c;
                let x = u64::from_le_bytes(bytes);
                let class = CLASS[c as usize];
                let (alnum, other) = (top_bits(alnum_bytes(x)), top_bits(other_bytes(x)));
                assert_eq!(
                    alnum & 1 << lane != 0,
                    class == ALNUM,
                    "{c:#x} in lane {lane}"
                );
                assert_eq!(
                    other & 1 << lane != 0,
                    class == OTHER,
                    "{c:#x} in lane {lane}"
                );
            }
        }
    }

    #[test]
    fn stop_lists_are_sorted_and_folded() {
        for list in [EN, DE, FR, ES, NL] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.iter().all(|w| fold(w) == *w));
        }
    }

    #[test]
    fn splits_words_unicode_aware() {
        assert_eq!(
            toks("Hello, world! It's a 75-percent test."),
            ["hello", "world", "its", "a", "75", "percent", "test"]
        );
        assert_eq!(toks("role-play"), ["role", "play"]);
        assert_eq!(toks("'quoted' words’"), ["quoted", "words"]);
        assert_eq!(toks("don’t"), ["dont"]);
        assert_eq!(toks("日本語です"), ["日", "本", "語", "て\u{3099}", "す"]);
        assert_eq!(toks("Москва и Петербург"), ["москва", "и", "петербург"]);
        assert_eq!(
            toks("a<img src=x onerror=alert(1)>"),
            ["a", "img", "src", "x", "onerror", "alert", "1"]
        );
        assert!(toks("\"*-+()<>/\\").is_empty());
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Café"), "cafe");
        assert_eq!(fold("NAÏVE"), "naive");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ærø"), "aero");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("ﬁnance"), "finance");
        assert_eq!(fold("Ελληνικός"), "ελληνικοσ");
        assert_eq!(fold("Łódź"), "lodz");
        // Marks that are part of the letter stay (Devanagari vowel signs).
        assert_eq!(fold("हिन्दी"), "हिन्दी".nfkd().collect::<String>());
        assert_eq!(fold("ABC123"), "abc123");
    }

    #[test]
    fn the_fast_scanner_agrees_with_tokens() {
        let samples = [
            "Hello, world! It's a 75-percent test.",
            "role-play don’t 'quoted' words’ ABC's",
            "it’s we\u{2BC}re ’twas rock’n’roll don’t’s o’-clock x’é ‘single’ “double”—dash… a‰ b″c",
            "abcdefghijklmnop’s abcdefghijklmnopqrstuvwxyz’abcdefghijklmnopqrstuvwxyz",
            "Café NAÏVE Straße Ærø İstanbul ﬁnance Łódź abc\u{301}def",
            "日本語ですカタカナ abc日本 한국어 हिन्दी",
            "x².5 ½ ① Ⓐ ǅ ﬀ “smart” quotes—dashes…",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq short ABCDEFGHIJKLMNOPQ",
            "<img src=x onerror=alert(1)>\u{2028}\"quotes\"\\back",
            "",
            "   ",
            "'",
            "a'",
            "'a",
            "a''b",
        ];
        for s in samples {
            let want: Vec<Option<String>> = tokens(s).collect();
            assert_eq!(scanned(s), want, "{s:?}");
        }
    }

    /// What [`scan`] hands over, as [`tokens`] gives it.
    fn scanned(s: &str) -> Vec<Option<String>> {
        let mut got = Vec::new();
        let mut buf = String::new();
        scan(s, &mut buf, |t| {
            got.push(match t {
                Scanned::Short(k, raw) => {
                    let bytes = k.to_le_bytes();
                    let n = bytes.iter().position(|&b| b == 0).unwrap_or(16);
                    let word = String::from_utf8(bytes[..n].to_vec()).unwrap();
                    // The key is the word's bytes and nothing else.
                    let mut want = [0u8; 16];
                    want[..n].copy_from_slice(word.as_bytes());
                    assert_eq!(k, u128::from_le_bytes(want), "{s:?}");
                    assert!(raw.eq_ignore_ascii_case(word.as_bytes()), "{s:?}");
                    Some(word)
                }
                Scanned::Folded(w) => Some(w.to_string()),
                Scanned::Dropped => None,
            })
        });
        got
    }

    #[test]
    fn the_fast_scanner_agrees_with_tokens_everywhere() {
        // Words of every length around the scanner's eight- and
        // sixteen-byte steps, run together with every kind of separator,
        // at every offset and up to the end of the text.
        let pieces = [
            "a",
            "Ab",
            "abc",
            "ABCDEFG",
            "abcdefgh",
            "abcdefghi",
            "Abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "x9",
            "2024",
            " ",
            "  ",
            ", ",
            ".",
            "-",
            "'",
            "''",
            "\u{2019}",
            "é",
            "É",
            "ß",
            "日",
            "—",
            "\u{301}",
            "\n",
            "\t",
            "\u{0}",
            "<",
            "\"",
            "don't",
            "it\u{2019}s",
            "we\u{2BC}re",
            "\u{2BC}",
            "“",
            "”",
            "—",
            "…",
            "a'b'c",
            "naïve",
            "1½",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || crate::search::xorshift(&mut seed);
        let long: Vec<String> = [39, 40, 41, 47, 63, 64, 65, 130]
            .iter()
            .map(|&n| "Qx7".repeat(n).chars().take(n).collect())
            .collect();
        for round in 0..6000 {
            let mut s = String::new();
            for _ in 0..next() % 24 {
                let k = next() as usize;
                if round % 4 == 0 && k % 5 == 0 {
                    s.push_str(&long[k / 5 % long.len()]);
                } else {
                    s.push_str(pieces[k % pieces.len()]);
                }
            }
            assert_eq!(scanned(&s), tokens(&s).collect::<Vec<_>>(), "{s:?}");
        }
    }

    #[test]
    fn long_words_are_dropped_but_keep_a_position() {
        let long = "x".repeat(MAX_WORD + 1);
        let t: Vec<Option<String>> = tokens(&format!("a {long} b")).collect();
        assert_eq!(t, [Some("a".into()), None, Some("b".into())]);
    }

    #[test]
    fn stems_english_by_default() {
        let a = Analyzer::new("en", None).unwrap();
        assert_eq!(a.stem("management"), "manag");
        assert_eq!(a.stem("managers"), "manag");
        assert_eq!(a.stem("delegating"), "deleg");
        assert_eq!(a.stem("motivation"), "motiv");
        assert_eq!(a.stem("2024"), "2024");
        assert!(a.is_stop("the"));
        assert!(!a.is_stop("mission"));
        assert_eq!(a.stemmer_name, Some("english"));
    }

    #[test]
    fn stemming_follows_language_and_can_be_off() {
        let de = Analyzer::new("de-CH", None).unwrap();
        assert_eq!(de.stemmer_name, Some("german"));
        assert_eq!(de.stem("mitarbeitern"), "mitarbeit");
        assert!(de.is_stop("und"));
        let off = Analyzer::new("en", Some("none")).unwrap();
        assert_eq!(off.stemmer_name, None);
        assert_eq!(off.stem("management"), "management");
        assert!(off.is_stop("the"));
        let fr = Analyzer::new("en", Some("french")).unwrap();
        assert_eq!(fr.stemmer_name, Some("french"));
        let unknown = Analyzer::new("ja", None).unwrap();
        assert_eq!(unknown.stemmer_name, None);
        assert!(Analyzer::new("en", Some("klingon")).is_err());
        // Stop words follow the language by code or name, like stemmers.
        assert!(Analyzer::new("Dutch", None).unwrap().is_stop("het"));
        assert!(stop_words("fr-CA").contains(&"les"));
        assert!(stop_words("ja").is_empty());
        for negation in ["not", "no", "nor", "dont"] {
            assert!(!stop_words("en").contains(&negation), "{negation}");
        }
    }
}
