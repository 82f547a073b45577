//! Legacy Vietnamese encodings: recognising TCVN3 (ABC) and VNI text and converting it to
//! Unicode NFC.
//!
//! Regulation Art 6 and Decree 43/2011 Art 7(1) require all stored text to be Vietnamese Unicode
//! (TCVN 6909); the hub stores NFC. Component portals still hold documents typed with the
//! font encodings of the 1990s:
//! - **TCVN3/ABC** (TCVN 5712:1993 VN3, `.Vn*` fonts): one byte per letter;
//! - **VNI-Windows** (`VNI-*` fonts): a Latin letter followed by a diacritic byte.
//!
//! Such text reaches the hub as raw bytes that are not UTF-8 or, more often, already decoded as
//! Windows-1252 or Latin-1 by some tool on the way. "Việt Nam" then arrives as "ViÖt Nam"
//! (TCVN3) or "Vieät Nam" (VNI). [`decode_bytes`] and [`repair_text`] convert it and report which
//! [`Conversion`] happened, so the item version can record it. They reject bytes that are
//! neither UTF-8 nor recognisable legacy text.
//!
//! **Detection.** The string is mapped back to bytes: Windows-1252 if it holds one of its
//! 0x80–0x9F characters (€ “ – …), Latin-1 if it holds C1 controls, Windows-1252 when the two
//! give the same bytes (a leading byte-order mark is dropped). Text that holds anything else
//! outside Latin-1 is genuine Unicode and is left alone. The bytes are decoded as TCVN3 and
//! as VNI. Both leave ASCII as it is, so only the words that hold a non-ASCII character can
//! tell the readings apart: front-matter keys, ids, URLs, dates and English words read the same
//! either way and count neither for nor against (an item file is mostly ASCII around a short
//! Vietnamese title). A candidate is accepted only if all of these hold:
//! - no non-ASCII letter is left unexplained by the encoding;
//! - ≥ 90 % of the converted words are well-formed Vietnamese syllables (Vietnamese letters,
//!   onset + vowel nucleus + coda, at most one tone, only sắc/nặng before c/ch/p/t, sane case);
//! - among the words with a non-ASCII character, the share of valid syllables is strictly
//!   higher than in the text as received (so genuine Vietnamese written with Latin-1 letters,
//!   "Tôi có cá", stays as it is);
//! - there is evidence typical of the encoding, as a Western word can be a valid syllable once
//!   converted:
//!   - TCVN3: a letter byte that Western text uses as a symbol (¸ ¹ ¶ © ® ­…) next to a
//!     letter, « or » between two letters ("Th«ng"; as quotes, "»so«", they touch only one),
//!     or an accented capital inside a lower-case word ("ViÖt");
//!   - VNI: a vowel followed by a diacritic byte in a pair that Western languages do not use,
//!     e.g. "eä", "aø" (French "où", "oû", "aï"… do not count); or else every converted word
//!     valid, and ≥ 2 different words that are syllables only once converted, using ≥ 2
//!     different converted letters ("Ñi hoïc": đ, ọ), since one Western letter repeated
//!     ("Hö, bön", "può, può") proves nothing.
//!
//! When both encodings pass, the one with more valid words wins.
//!
//! **Capitals in TCVN3.** The standard byte table has only 7 capitals (Ă Â Ê Ô Ơ Ư Đ). Toned
//! capitals were typed with the same bytes in a separate all-caps font (`.VnTimeH`), and the
//! font name is lost in plain text. A toned vowel (or ă â ê ô ơ ư đ from the lower-case bytes) is
//! therefore made upper case:
//! - inside an all-caps word ("ñY" → "ỦY", "BÕN" → "BẾN");
//! - for a toned vowel only: at the start of a word that starts the text, a sentence or a
//!   paragraph ("ñy ban" → "Ủy ban").
//!
//! Elsewhere it stays lower case. So the one- and two-letter all-caps words "Ở", "SỞ", "KẾ" come
//! out as "ở", "Sở", "Kế".
//!
//! Call this before `text::normalize_*`: TCVN3 writes "ư" as byte 0xAD, which Windows-1252 shows
//! as a soft hyphen, and normalisation removes soft hyphens. PDF extraction often turns the same
//! byte into "−" (U+2212), which is therefore accepted as TCVN3 "ư".

use std::ops::Range;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A legacy 8-bit Vietnamese encoding the hub converts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyEncoding {
    /// TCVN3, also called ABC (TCVN 5712:1993 VN3): one byte per letter.
    Tcvn3,
    /// VNI-Windows: a Latin letter followed by one diacritic byte.
    Vni,
}

/// How the legacy bytes reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// As bytes that are not valid UTF-8 (a file saved by a legacy program).
    RawBytes,
    /// As text already decoded as Windows-1252.
    Windows1252,
    /// As text already decoded as ISO-8859-1 (bytes 0x80–0x9F became C1 controls).
    Latin1,
}

/// Which conversion turned legacy text into Unicode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    pub from: LegacyEncoding,
    pub via: Transport,
}

impl Conversion {
    /// Human note stored on the item version, e.g. "converted from TCVN3 (ABC) text that had been decoded as Windows-1252".
    pub fn describe(&self) -> String {
        let from = match self.from {
            LegacyEncoding::Tcvn3 => "TCVN3 (ABC)",
            LegacyEncoding::Vni => "VNI (VNI-Windows)",
        };
        match self.via {
            Transport::RawBytes => format!("converted from {from} bytes that were not valid UTF-8"),
            Transport::Windows1252 => {
                format!("converted from {from} text that had been decoded as Windows-1252")
            }
            Transport::Latin1 => {
                format!("converted from {from} text that had been decoded as Latin-1 (ISO-8859-1)")
            }
        }
    }
}

/// Decodes the bytes of a file or field. Valid UTF-8 is returned as is (after `repair_text`,
/// so mis-decoded legacy text inside valid UTF-8 is converted too); otherwise the bytes are
/// tried as raw TCVN3 and raw VNI; anything else is an error whose message says what to do
/// (e.g. "text is not valid UTF-8 and is not recognisable TCVN3 or VNI Vietnamese; save it as UTF-8 (Unicode)").
pub fn decode_bytes(bytes: &[u8]) -> Result<(String, Option<Conversion>), NotText> {
    let error = match std::str::from_utf8(bytes) {
        Ok(s) => {
            return Ok(match repair_text(s) {
                Some((text, conversion)) => (text, Some(conversion)),
                None => (s.to_owned(), None),
            });
        }
        Err(e) => e,
    };
    // Control bytes other than whitespace mean binary data, never text.
    let binary = bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F);
    if !binary {
        let source: Vec<char> = bytes.iter().map(|&b| latin_char(b)).collect();
        if let Some((text, from)) = best_candidate(bytes, &source, false) {
            let via = Transport::RawBytes;
            return Ok((text, Some(Conversion { from, via })));
        }
    }
    Err(NotText {
        first_invalid_byte: error.valid_up_to(),
    })
}

/// Bytes that are neither UTF-8 nor recognisable legacy Vietnamese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "text is not valid UTF-8 (first invalid byte at offset {first_invalid_byte}) and is not \
     recognisable TCVN3 or VNI Vietnamese; save it as UTF-8 (Unicode)"
)]
pub struct NotText {
    pub first_invalid_byte: usize,
}

/// Detects legacy Vietnamese text that was decoded as Windows-1252 or Latin-1 and converts it.
/// Returns None when the text is not such text (genuine Unicode Vietnamese, English, French,
/// German, plain ASCII, numbers...). Output is NFC.
pub fn repair_text(s: &str) -> Option<(String, Conversion)> {
    // Notepad writes a byte-order mark when it re-saves mis-decoded text as UTF-8.
    let s = s.strip_prefix('\u{FEFF}').unwrap_or(s);
    // Legacy letters all come from bytes 0xA1..=0xFF (or "−" for TCVN3 "ư").
    if !s
        .chars()
        .any(|c| ('\u{A1}'..='\u{FF}').contains(&c) || c == '\u{2212}')
    {
        return None;
    }
    let (bytes, via, minus) = to_bytes(s)?;
    let source: Vec<char> = s.chars().collect();
    let (text, from) = best_candidate(&bytes, &source, minus)?;
    Some((text, Conversion { from, via }))
}

// ---------------------------------------------------------------------------------------------
// Tables

const NO: char = '\0';

/// TCVN3 (VN3) bytes 0xA0..=0xFF: NBSP, 7 capitals, 7 lower-case letters, then the 60 toned
/// lower-case vowels (tone order huyền, hỏi, ngã, sắc, nặng). `NO` marks unassigned bytes.
#[rustfmt::skip]
const TCVN3: [char; 96] = [
    '\u{A0}', 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', NO, // A0
    NO,  NO,  NO,  NO,  NO,  'à', 'ả', 'ã', 'á', 'ạ', NO,  'ằ', 'ẳ', 'ẵ', 'ắ', NO,      // B0
    NO,  NO,  NO,  NO,  NO,  NO,  'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', NO,  'ẻ', 'ẽ',     // C0
    'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', NO,  NO,  NO,  'ĩ', 'í', 'ị', 'ò',     // D0
    NO,  'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù',     // E0
    NO,  'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', NO,      // F0
];

/// Windows-1252 for bytes 0x80..=0x9F; the five unassigned bytes keep their C1 code point,
/// as browsers do.
#[rustfmt::skip]
const CP1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// The 12 Vietnamese vowels, each followed by its toned forms: huyền (1), sắc (2), hỏi (3),
/// ngã (4), nặng (5).
const VOWELS: [&str; 12] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
];
#[rustfmt::skip]
use groups::{A, A_BREVE, A_CIRC, E, E_CIRC, I, O, O_CIRC, O_HORN, U, U_HORN, Y};
/// Indexes into [`VOWELS`].
#[rustfmt::skip]
mod groups {
    pub(super) const A: usize = 0; pub(super) const A_BREVE: usize = 1; pub(super) const A_CIRC: usize = 2;
    pub(super) const E: usize = 3; pub(super) const E_CIRC: usize = 4; pub(super) const I: usize = 5;
    pub(super) const O: usize = 6; pub(super) const O_CIRC: usize = 7; pub(super) const O_HORN: usize = 8;
    pub(super) const U: usize = 9; pub(super) const U_HORN: usize = 10; pub(super) const Y: usize = 11;
}

// VNI-Windows bytes, lower-case forms; each capital form is the byte minus 0x20. Tables of five
// are in tone order huyền, sắc, hỏi, ngã, nặng.

const CONSONANTS: &str = "bcdđghklmnpqrstvx";
const ONSETS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
];
/// Vowel nuclei (tones removed) that may take a final consonant.
const OPEN_NUCLEI: &str = "a ă â e ê i o ô ơ u ư y oa oă oe uâ uê uy iê yê uô ươ uyê oo";
/// Nuclei ending in a glide: never followed by a consonant.
const CLOSED_NUCLEI: &str = "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu ươi ươu iêu \
                             yêu uôi oai oao oay oeo uây uya uyu uơ";
const CODAS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

// ---------------------------------------------------------------------------------------------
// Characters

fn vowel(group: usize, tone: usize) -> char {
    VOWELS
        .get(group)
        .and_then(|v| v.chars().nth(tone))
        .unwrap_or(NO)
}

/// (group, tone) of a lower-case vowel.
fn vowel_info(c: char) -> Option<(usize, usize)> {
    VOWELS
        .iter()
        .enumerate()
        .find_map(|(g, v)| v.chars().position(|x| x == c).map(|t| (g, t)))
}

fn single(mut it: impl Iterator<Item = char>, c: char) -> char {
    match (it.next(), it.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

fn upper(c: char) -> char {
    single(c.to_uppercase(), c)
}

fn lower(c: char) -> char {
    single(c.to_lowercase(), c)
}

/// The character Windows-1252 gives a byte (Latin-1 above 0x9F).
fn latin_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Latin-1 capital letters (×, 0xD7, is not one).
fn is_upper_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || (matches!(b, 0xC0..=0xDE) && b != 0xD7)
}

/// Lower-cases ASCII and Latin-1 letter bytes.
fn fold(b: u8) -> u8 {
    if is_upper_byte(b) { b + 0x20 } else { b }
}

fn tcvn3_letter(b: u8) -> Option<char> {
    let i = usize::from(b.checked_sub(0xA0)?);
    TCVN3.get(i).copied().filter(|&c| c != NO && c != '\u{A0}')
}

/// Maps a string back to the bytes it was decoded from; `bool` is true when "−" stood for 0xAD.
fn to_bytes(s: &str) -> Option<(Vec<u8>, Transport, bool)> {
    let special = |c: char| CP1252.iter().position(|&x| x == c && u32::from(c) > 0xFF);
    let is_c1 = |c: char| ('\u{80}'..='\u{9F}').contains(&c);
    let has_special = s.chars().any(|c| special(c).is_some());
    let has_c1 = s.chars().any(is_c1);
    let mut minus = false;
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let b = if c == '\u{2212}' {
            minus = true;
            0xAD
        } else if let Some(p) = special(c) {
            0x80 + u8::try_from(p).ok()?
        } else if has_special && is_c1(c) && !CP1252.contains(&c) {
            return None; // Windows-1252 characters and Latin-1-only controls together
        } else {
            u8::try_from(u32::from(c)).ok()?
        };
        out.push(b);
    }
    let via = if has_c1 && !has_special {
        Transport::Latin1
    } else {
        Transport::Windows1252
    };
    Some((out, via, minus))
}

// ---------------------------------------------------------------------------------------------
// Decoders

/// How sure the case of a TCVN3 letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    /// As decoded (ASCII, the 7 TCVN3 capitals, VNI).
    Fixed,
    /// ă â ê ô ơ ư đ: lower case unless inside an all-caps word.
    Lower,
    /// Toned vowel: may also be a capital at the start of a sentence.
    Toned,
}

#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    /// Produced from non-ASCII bytes by the legacy table.
    conv: bool,
    hint: Hint,
}

#[derive(Debug, Default)]
struct Decoded {
    units: Vec<Unit>,
    /// Non-ASCII letters (or C1 controls) the encoding does not explain.
    unexplained: usize,
    /// Byte patterns typical of the encoding and rare elsewhere.
    evidence: usize,
}

impl Decoded {
    fn push(&mut self, c: char, conv: bool, hint: Hint) {
        self.units.push(Unit { c, conv, hint });
    }

    /// A byte that is not part of a legacy letter: kept as its Windows-1252 character.
    fn push_other(&mut self, b: u8) {
        let c = latin_char(b);
        if !b.is_ascii() && (c.is_alphabetic() || c.is_control()) {
            self.unexplained += 1;
        }
        self.push(c, false, Hint::Fixed);
    }
}

fn tcvn3_decode(bytes: &[u8]) -> Decoded {
    let mut d = Decoded::default();
    for (i, &b) in bytes.iter().enumerate() {
        let Some(c) = tcvn3_letter(b) else {
            d.push_other(b);
            continue;
        };
        d.evidence += usize::from(tcvn3_evidence(bytes, i));
        let hint = match b {
            0xA1..=0xA7 => Hint::Fixed,
            0xA8..=0xAE => Hint::Lower,
            _ => Hint::Toned,
        };
        d.push(c, true, hint);
    }
    resolve_tcvn3_case(&mut d.units);
    d
}

/// A TCVN3 letter byte that Western text uses as a symbol (¸ ¹ « © ­ ×…) next to a letter, or an
/// accented capital inside a lower-case word ("ViÖt", "BÕn"). µ (micro) and · are not counted,
/// and « » only between two letters ("Th«ng"): as quotes they touch one ("»so«", "«non»").
fn tcvn3_evidence(bytes: &[u8], i: usize) -> bool {
    let at = |j: Option<usize>| j.and_then(|j| bytes.get(j)).copied();
    let (prev, next) = (at(i.checked_sub(1)), at(i.checked_add(1)));
    let letter =
        |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphabetic() || tcvn3_letter(b).is_some());
    let lowerish = |b: Option<u8>| {
        b.is_some_and(|b| {
            b.is_ascii_lowercase()
                || (tcvn3_letter(b).is_some() && (b >= 0xA8 && !is_upper_byte(b)))
        })
    };
    match bytes.get(i).copied() {
        Some(0xAB | 0xBB) => letter(prev) && letter(next),
        Some(0xA1..=0xAE | 0xB6 | 0xB8 | 0xB9 | 0xBB..=0xBE | 0xD7) => letter(prev) || letter(next),
        Some(b) if is_upper_byte(b) => letter(prev) && (lowerish(prev) || lowerish(next)),
        _ => false,
    }
}

/// Restores capitals that TCVN3 cannot express (see the module documentation).
fn resolve_tcvn3_case(units: &mut [Unit]) {
    /// (upper, lower) case letters of sure case; linear, as words can be arbitrarily long.
    fn sure_case(u: &Unit) -> (usize, usize) {
        let sure = u.hint == Hint::Fixed;
        (
            usize::from(sure && u.c.is_uppercase()),
            usize::from(sure && u.c.is_lowercase()),
        )
    }
    let mut start = 0;
    while start < units.len() {
        if !units[start].c.is_alphabetic() {
            start += 1;
            continue;
        }
        let end = units[start..]
            .iter()
            .position(|u| !u.c.is_alphabetic())
            .map_or(units.len(), |n| start + n);
        let sentence = at_sentence_start(&units[..start]);
        let (up, lo) = units[start..end]
            .iter()
            .map(sure_case)
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        let mut before_up = 0;
        for (k, unit) in units[start..end].iter_mut().enumerate() {
            let (u, _) = sure_case(unit);
            // All sure letters upper case, and one after this one or two before it ("KÕ" is "Kế").
            let caps_word = lo == 0 && (up > before_up || before_up > 1);
            let initial = unit.hint == Hint::Toned && k == 0 && sentence;
            if unit.hint != Hint::Fixed && (caps_word || initial) {
                unit.c = upper(unit.c);
            }
            before_up += u;
        }
        start = end;
    }
}

/// Start of the text, after . ! ? … or after a blank line (opening quotes skipped).
fn at_sentence_start(before: &[Unit]) -> bool {
    let mut newlines = 0;
    for u in before.iter().rev() {
        match u.c {
            '\n' => newlines += 1,
            c if c.is_whitespace() => {}
            '"' | '\'' | '(' | '[' | '“' | '‘' => {}
            '.' | '!' | '?' | '…' => return true,
            _ => return newlines >= 2,
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Judging candidates

/// Words: runs split at whitespace and ASCII non-letters, without punctuation at the edges.
fn word_spans(chars: &[char]) -> Vec<Range<usize>> {
    let is_break = |c: char| c.is_whitespace() || (c.is_ascii() && !c.is_ascii_alphabetic());
    let is_edge = |c: char| matches!(c, '\u{2000}'..='\u{206F}' | '«' | '»' | '¡' | '¿');
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let len = chars[i..]
            .iter()
            .position(|&c| is_break(c))
            .unwrap_or(chars.len() - i);
        let (mut s, mut e) = (i, i + len);
        while s < e && is_edge(chars[s]) {
            s += 1;
        }
        while e > s && is_edge(chars[e - 1]) {
            e -= 1;
        }
        if s < e {
            spans.push(s..e);
        }
        i += len + 1;
    }
    spans
}

/// A well-formed Vietnamese syllable: Vietnamese letters, sane case, onset + nucleus + coda,
/// at most one tone, only sắc or nặng before a stop (c, ch, p, t).
fn is_syllable(word: &[char]) -> bool {
    let uppers = word.iter().filter(|c| c.is_uppercase()).count();
    let title = uppers == 1 && word.first().is_some_and(|c| c.is_uppercase());
    if word.is_empty() || (uppers != 0 && uppers != word.len() && !title) {
        return false;
    }
    let mut bases = String::with_capacity(word.len() * 2);
    let mut tone = 0;
    for &c in word {
        let l = lower(c);
        if let Some((g, t)) = vowel_info(l) {
            if t > 0 {
                if tone > 0 {
                    return false;
                }
                tone = t;
            }
            bases.push(vowel(g, 0));
        } else if CONSONANTS.contains(l) {
            bases.push(l);
        } else {
            return false;
        }
    }
    ONSETS.iter().any(|o| {
        bases
            .strip_prefix(o)
            .is_some_and(|rhyme| rhyme_ok(rhyme, tone))
    })
}

fn rhyme_ok(rhyme: &str, tone: usize) -> bool {
    let split = rhyme
        .find(|c: char| !"aăâeêioôơuưy".contains(c))
        .unwrap_or(rhyme.len());
    let (nucleus, coda) = rhyme.split_at(split);
    let open = OPEN_NUCLEI.split(' ').any(|n| n == nucleus);
    let closed = CLOSED_NUCLEI.split_whitespace().any(|n| n == nucleus);
    let coda_ok = coda.is_empty() || (open && CODAS.contains(&coda));
    let oo_ok = nucleus != "oo" || matches!(coda, "ng" | "c");
    let stop_ok = !matches!(coda, "c" | "ch" | "p" | "t") || matches!(tone, 2 | 5);
    (open || closed) && coda_ok && oo_ok && stop_ok
}

struct Verdict {
    text: String,
    from: LegacyEncoding,
    rank: (usize, usize, usize),
}

/// How many words were counted, and how many of them are valid syllables.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    words: usize,
    valid: usize,
}

impl Tally {
    fn add(&mut self, valid: bool) {
        self.words += 1;
        self.valid += usize::from(valid);
    }
}

/// The words that hold a non-ASCII character: the only ones an encoding can change.
fn non_ascii_words(chars: &[char]) -> impl Iterator<Item = Range<usize>> + '_ {
    word_spans(chars)
        .into_iter()
        .filter(|span| !chars[span.clone()].iter().all(char::is_ascii))
}

/// Accepts a decoded candidate if it reads as Vietnamese (see the module documentation).
fn judge(d: Decoded, from: LegacyEncoding, source: &[char]) -> Option<Verdict> {
    if d.unexplained > 0 {
        return None;
    }
    let chars: Vec<char> = d.units.iter().map(|u| u.c).collect();
    // Pure-ASCII words (keys, ids, URLs, English) read the same either way: not counted.
    let spans: Vec<Range<usize>> = non_ascii_words(&chars).collect();
    let spans_in: Vec<Range<usize>> = non_ascii_words(source).collect();
    let (mut after, mut conv, mut before) = (Tally::default(), Tally::default(), Tally::default());
    for span in &spans {
        let ok = is_syllable(&chars[span.clone()]);
        after.add(ok);
        if d.units[span.clone()].iter().any(|u| u.conv) {
            conv.add(ok);
        }
    }
    for span in &spans_in {
        before.add(is_syllable(&source[span.clone()]));
    }
    let better = after.valid * before.words.max(1) > before.valid * after.words;
    let evidence = match from {
        LegacyEncoding::Tcvn3 => d.evidence > 0,
        LegacyEncoding::Vni => {
            d.evidence > 0
                || (conv.valid == conv.words
                    && vni_words_evidence(&d.units, &spans, source, &spans_in))
        }
    };
    let accept = conv.valid > 0 && conv.valid * 10 >= conv.words * 9 && better && evidence;
    if !accept {
        return None;
    }
    let text: String = chars.iter().copied().nfc().collect();
    if text.chars().eq(source.iter().copied()) {
        return None;
    }
    Some(Verdict {
        text,
        from,
        rank: (after.valid, conv.valid, d.evidence),
    })
}

/// The accepted reading of `bytes` (TCVN3 only when "−" stood for its "ư").
fn best_candidate(
    bytes: &[u8],
    source: &[char],
    tcvn3_only: bool,
) -> Option<(String, LegacyEncoding)> {
    let tcvn3 = judge(tcvn3_decode(bytes), LegacyEncoding::Tcvn3, source);
    let vni = if tcvn3_only {
        None
    } else {
        judge(vni_decode(bytes), LegacyEncoding::Vni, source)
    };
    let best = match (tcvn3, vni) {
        (Some(t), Some(v)) => Some(if v.rank > t.rank { v } else { t }),
        (t, v) => t.or(v),
    };
    best.map(|v| (v.text, v.from))
}

mod vni;

use vni::{vni_decode, vni_words_evidence};

#[cfg(test)]
mod tests;
