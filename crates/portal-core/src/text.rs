//! Text normalisation: Unicode NFC (TCVN 6909:2011) and removal of invisible characters that can
//! disguise a text (bidi overrides, zero-width characters, controls).

use unicode_normalization::UnicodeNormalization;

/// Bidirectional control characters: never legitimate in Vietnamese or English text and the
/// classic way to make a displayed name differ from its bytes.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Zero-width and other invisible format characters (ZWJ is kept: emoji sequences need it).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

/// Precomposed Latin letters (Latin-1 letters, Latin Extended-A and -B, Latin Extended
/// Additional, where Vietnamese letters such as ế and ữ live): each is a starter that NFC keeps
/// as it is (combining class 0, NFC quick check Yes), so a scan need not look them up. A test
/// checks this against the Unicode tables for every one of them.
fn is_plain_latin_letter(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// True when `s` is already NFC and holds nothing that normalisation would remove, so the
/// common case (clean UTF-8 from a modern CMS) costs one scan and no allocation churn. False
/// sends the text through full normalisation, which is always correct; so every shortcut here
/// only has to be right when it answers true.
fn is_clean(s: &str, keep_newlines: bool) -> bool {
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    // Combining class of the previous character: marks must come in canonical order.
    let mut last_class = 0u8;
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_control() && !(keep_newlines && (c == '\n' || c == '\t')) {
                return false;
            }
            last_class = 0;
            continue;
        }
        if is_plain_latin_letter(c) {
            last_class = 0;
            continue;
        }
        if c.is_control() || is_bidi_control(c) || is_invisible(c) {
            return false;
        }
        let class = canonical_combining_class(c);
        if class != 0 && last_class > class {
            return false;
        }
        // Quick check of the character on its own (the order of marks is checked above).
        if is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes {
            return false;
        }
        last_class = class;
    }
    true
}

/// Normalises a single-line field (names, titles): NFC, no controls or invisible characters,
/// runs of whitespace collapsed to one space, trimmed.
pub fn normalize_line(input: &str) -> String {
    if is_clean(input, false)
        && !input.contains("  ")
        && !input.starts_with(char::is_whitespace)
        && !input.ends_with(char::is_whitespace)
        && !input.contains(|c: char| c.is_whitespace() && c != ' ')
    {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfc() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_bidi_control(c) || is_invisible(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Normalises multi-line text (bodies, summaries): NFC, line endings as `\n`, tabs and newlines
/// kept, other controls and invisible characters removed, trailing whitespace trimmed.
pub fn normalize_block(input: &str) -> String {
    if !input.contains('\r') && is_clean(input, true) {
        return input.trim_end().to_string();
    }
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    for c in unified.nfc() {
        if (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) || is_invisible(c) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_vietnamese_becomes_nfc() {
        // "Bến Tre" with the e, circumflex and acute as separate code points.
        let decomposed = "B\u{0065}\u{0302}\u{0301}n Tre";
        assert_eq!(normalize_line(decomposed), "Bến Tre");
        assert_eq!(normalize_line(decomposed).chars().count(), 7);
    }

    #[test]
    fn bidi_and_zero_width_are_removed() {
        assert_eq!(
            normalize_line("Sở\u{202E} Tài\u{200B} chính\u{2066}"),
            "Sở Tài chính"
        );
    }

    #[test]
    fn fast_path_agrees_with_slow_path() {
        for s in [
            "Sở Tài chính",
            " a",
            "a  b",
            "a\u{00A0}b",
            "x\n",
            "Bến\tTre",
            "e\u{0301}",
        ] {
            let slow: String = normalize_line(&format!("{s}\u{200B}"));
            assert_eq!(normalize_line(s), slow, "{s:?}");
        }
    }

    #[test]
    fn plain_latin_letters_are_starters_that_nfc_keeps() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        let letters = ('\u{0}'..='\u{FFFF}').filter(|c| is_plain_latin_letter(*c));
        let mut n = 0;
        for c in letters {
            n += 1;
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert!(
                !c.is_control() && !is_bidi_control(c) && !is_invisible(c),
                "{c:?}"
            );
        }
        assert_eq!(n, 0x24F - 0xC0 + 1 + 0x100);
    }

    #[test]
    fn the_scan_agrees_with_the_unicode_tables() {
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        // Marks out of canonical order, a mark after a plain letter, singletons NFC replaces,
        // controls of both C0 and C1, and text that is clean.
        for (s, clean) in [
            ("Bến Tre", true),
            ("Sở Kế hoạch và Đầu tư", true),
            ("a\u{0323}\u{0302}", false),
            ("a\u{0302}\u{0323}", false),
            ("ế\u{0323}", false),
            ("\u{212B}", false),
            ("x\u{0085}y", false),
            ("x\u{0007}", false),
            ("tab\there", false),
            ("Ω ≥ 1 — “đúng”", true),
        ] {
            assert_eq!(is_clean(s, false), clean, "{s:?}");
            if clean {
                assert_eq!(is_nfc_quick(s.chars()), IsNormalized::Yes, "{s:?}");
            }
        }
        assert!(is_clean("tab\there\n", true));
    }

    #[test]
    fn whitespace_collapses_in_lines_but_not_blocks() {
        assert_eq!(normalize_line("  Ủy   ban\tnhân\ndân  "), "Ủy ban nhân dân");
        assert_eq!(normalize_block("a\r\n\r\nb\u{0007}  \n"), "a\n\nb");
    }
}

/// Vietnamese without its diacritics, as written where they cannot be ("Bến Tre" -> "Ben Tre",
/// "Đồng Khởi" -> "Dong Khoi"): canonical decomposition with the combining marks dropped, and
/// đ/Đ (letters of their own, not marked d) written d/D. Case is kept.
pub fn fold_diacritics(input: &str) -> String {
    input
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod fold_tests {
    use super::fold_diacritics;

    #[test]
    fn diacritics_fold_to_ascii_letters() {
        assert_eq!(fold_diacritics("Bến Tre"), "Ben Tre");
        assert_eq!(fold_diacritics("Đồng Khởi, đầu tư"), "Dong Khoi, dau tu");
        // Decomposed input folds the same.
        assert_eq!(fold_diacritics("Be\u{0302}\u{0301}n"), "Ben");
    }
}
