//! VNI-Windows: a Latin letter followed by one diacritic byte; decoding and the evidence that
//! text is VNI.

use super::*;

/// Tone after a, e, o, u, y, ơ, ư: ø ù û õ ï.
pub(super) const VNI_TONE: [u8; 5] = [0xF8, 0xF9, 0xFB, 0xF5, 0xEF];

/// Circumflex and tone after a, e, o: à á å ã ä (circumflex alone: â).
pub(super) const VNI_CIRC_TONE: [u8; 5] = [0xE0, 0xE1, 0xE5, 0xE3, 0xE4];

/// Breve and tone after a: è é ú ü ë (breve alone: ê).
pub(super) const VNI_BREVE_TONE: [u8; 5] = [0xE8, 0xE9, 0xFA, 0xFC, 0xEB];

/// Toned i, a letter on its own: ì í æ ó ò.
pub(super) const VNI_I: [u8; 5] = [0xEC, 0xED, 0xE6, 0xF3, 0xF2];

/// â, ê; then the letters on their own: ơ (ô), ư (ö), đ (ñ), ỵ (î).
pub(super) const VNI_CIRC: u8 = 0xE2;

pub(super) const VNI_BREVE: u8 = 0xEA;

pub(super) const VNI_O_HORN: u8 = 0xF4;

pub(super) const VNI_U_HORN: u8 = 0xF6;

pub(super) const VNI_D: u8 = 0xF1;

pub(super) const VNI_Y_DOT: u8 = 0xEE;

pub(super) fn vni_decode(bytes: &[u8]) -> Decoded {
    let mut d = Decoded::default();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        let l = fold(b);
        let Some((c, used_next, typical)) = vni_letter(l, bytes.get(i).map(|&n| fold(n))) else {
            d.push_other(b);
            continue;
        };
        let after_u_horn = i
            .checked_sub(2)
            .and_then(|j| bytes.get(j))
            .map(|&p| fold(p));
        let u_horn_o_horn = l == VNI_O_HORN && after_u_horn == Some(VNI_U_HORN); // "ươ"
        d.evidence += usize::from(typical) + usize::from(u_horn_o_horn);
        let c = if is_upper_byte(b) { upper(c) } else { c };
        d.push(c, used_next || !b.is_ascii(), Hint::Fixed);
        i += usize::from(used_next);
    }
    d
}

/// Reads the VNI letter starting with the lower-cased byte `l`, given the lower-cased byte after
/// it: (lower-case letter, whether `next` was used, whether the pair is typical of VNI).
pub(super) fn vni_letter(l: u8, next: Option<u8>) -> Option<(char, bool, bool)> {
    let tone_in = |table: &[u8; 5]| next.and_then(|n| table.iter().position(|&t| t == n));
    match l {
        VNI_D => return Some(('đ', false, false)),
        VNI_Y_DOT => return Some((vowel(Y, 5), false, false)),
        _ => {}
    }
    if let Some(t) = VNI_I.iter().position(|&x| x == l) {
        return Some((vowel(I, t + 1), false, false));
    }
    let (group, circ) = match l {
        b'a' => (A, Some(A_CIRC)),
        b'e' => (E, Some(E_CIRC)),
        b'o' => (O, Some(O_CIRC)),
        b'u' => (U, None),
        b'y' => (Y, None),
        VNI_O_HORN => (O_HORN, None),
        VNI_U_HORN => (U_HORN, None),
        _ => return None,
    };
    if let Some(circ) = circ {
        if next == Some(VNI_CIRC) {
            return Some((vowel(circ, 0), true, true));
        }
        if let Some(t) = tone_in(&VNI_CIRC_TONE) {
            return Some((vowel(circ, t + 1), true, true));
        }
    }
    if group == A {
        if next == Some(VNI_BREVE) {
            return Some((vowel(A_BREVE, 0), true, true));
        }
        if let Some(t) = tone_in(&VNI_BREVE_TONE) {
            return Some((vowel(A_BREVE, t + 1), true, true));
        }
    }
    if let Some(t) = tone_in(&VNI_TONE) {
        // où, goût, eût, maïs, Moïse, ouïe: Western pairs, not evidence of VNI.
        let western = matches!(
            (l, t),
            (b'o', 1 | 2) | (b'e', 2) | (b'a' | b'e' | b'o' | b'u', 4)
        );
        return Some((vowel(group, t + 1), true, !western));
    }
    Some((vowel(group, 0), false, false))
}

/// VNI read without a typical pair: at least two different words that are syllables only once
/// converted, using at least two different converted letters. VNI bytes never split or join
/// words, so the words of the decoded text and of the source correspond one to one.
pub(super) fn vni_words_evidence(
    units: &[Unit],
    spans: &[Range<usize>],
    source: &[char],
    spans_in: &[Range<usize>],
) -> bool {
    if spans.len() != spans_in.len() {
        return false;
    }
    let (mut words, mut letters): (Vec<String>, Vec<char>) = (Vec::new(), Vec::new());
    for (span, span_in) in spans.iter().zip(spans_in) {
        let word = &units[span.clone()];
        let chars: Vec<char> = word.iter().map(|u| u.c).collect();
        if !word.iter().any(|u| u.conv)
            || !is_syllable(&chars)
            || is_syllable(&source[span_in.clone()])
        {
            continue;
        }
        let lowered: String = chars.iter().map(|&c| lower(c)).collect();
        if !words.contains(&lowered) {
            words.push(lowered);
        }
        for u in word.iter().filter(|u| u.conv) {
            if !letters.contains(&lower(u.c)) {
                letters.push(lower(u.c));
            }
        }
        if words.len() >= 2 && letters.len() >= 2 {
            return true;
        }
    }
    false
}
