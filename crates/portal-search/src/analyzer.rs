//! The Vietnamese analyzer: words are runs of letters and digits (with any combining marks, so
//! decomposed text stays one word), and each word is indexed folded: lower case, without
//! diacritics, đ as d. "Đầu tư", "ĐẦU TƯ", "dau tu" and the decomposed "Đầu tư" all become the
//! tokens `dau` `tu`; "03/2019/QĐ-UBND" becomes `03` `2019` `qd` `ubnd`, consecutive, so a
//! phrase of those tokens finds the number.
//!
//! Offsets point into the original text, so snippets highlight the words as they were written.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

/// The name the analyzer is registered under in the index.
pub const ANALYZER: &str = "vi_folded";

/// Words longer than this (in bytes, folded) are not indexed: no reader searches for them and
/// they would only bloat the dictionary (tantivy refuses terms over 64 KiB anyway).
pub const MAX_WORD_BYTES: usize = 80;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// One word folded: lower case, no diacritics, đ/Đ as d.
pub fn fold_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// [`fold_word`] into a buffer (the tokenizer reuses its token's): each character decomposed
/// canonically (as `portal_core::text::fold_diacritics` does), marks dropped, lower-cased;
/// ASCII costs a comparison.
fn fold_into(word: &str, out: &mut String) {
    use unicode_normalization::char::decompose_canonical;
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        decompose_canonical(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            match d {
                'đ' | 'Đ' => out.push('d'),
                d => out.extend(d.to_lowercase().filter(|l| !is_combining_mark(*l))),
            }
        });
    }
}

/// The folded words of a text, in order (what a query is made of).
pub fn words(text: &str) -> Vec<String> {
    let mut t = VietnameseTokenizer::default();
    let mut s = t.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    out
}

/// The tokenizer, registered as [`ANALYZER`].
#[derive(Clone, Default)]
pub struct VietnameseTokenizer {
    token: Token,
}

pub struct VietnameseTokenStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for VietnameseTokenizer {
    type TokenStream<'a> = VietnameseTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.token.reset();
        VietnameseTokenStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for VietnameseTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let rest = &self.text[self.at..];
            // The next word's start: a letter or digit (a stray mark does not start a word).
            let Some(start) = rest.find(char::is_alphanumeric) else {
                self.at = self.text.len();
                return false;
            };
            let from = self.at + start;
            let len = self.text[from..]
                .find(|c: char| !is_word_char(c))
                .unwrap_or(self.text.len() - from);
            let to = from + len;
            self.at = to;
            self.token.text.clear();
            fold_into(&self.text[from..to], &mut self.token.text);
            if self.token.text.is_empty() || self.token.text.len() > MAX_WORD_BYTES {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.token.position.wrapping_add(1);
            self.token.position_length = 1;
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut t = VietnameseTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            let k = s.token();
            out.push((k.text.clone(), k.position, k.offset_from, k.offset_to));
        }
        out
    }

    #[test]
    fn folding_agrees_with_portal_core() {
        let all: String = ('\u{00C0}'..='\u{024F}')
            .chain('\u{1E00}'..='\u{1EFF}')
            .filter(|c| c.is_alphabetic())
            .collect();
        for c in all.chars() {
            let s = c.to_string();
            let core: String = portal_core::text::fold_diacritics(&s)
                .chars()
                .flat_map(char::to_lowercase)
                .filter(|c| !is_combining_mark(*c))
                .collect();
            assert_eq!(fold_word(&s), core, "{c:?}");
        }
    }

    #[test]
    fn vietnamese_folds_to_plain_lower_case() {
        assert_eq!(words("Đầu tư ở Bến Tre"), ["dau", "tu", "o", "ben", "tre"]);
        assert_eq!(words("ĐẦU TƯ"), ["dau", "tu"]);
        assert_eq!(words("Quyết định"), ["quyet", "dinh"]);
    }

    #[test]
    fn decomposed_text_gives_the_same_words() {
        let nfd = "D\u{0323}a\u{0306}\u{0301}c Ha\u{0300}  \u{0110}o\u{0302}\u{0300}ng";
        assert_eq!(words(nfd), words("Dặc Hà  Đồng"));
        assert_eq!(words(nfd), ["dac", "ha", "dong"]);
    }

    #[test]
    fn numbers_and_symbols_split_into_consecutive_words() {
        assert_eq!(words("03/2019/QĐ-UBND"), ["03", "2019", "qd", "ubnd"]);
        let o = offsets("Số 03/2019/QĐ-UBND");
        assert_eq!(o[1], ("03".into(), 1, 5, 7));
        assert_eq!(o[3].0, "qd");
        assert_eq!(&"Số 03/2019/QĐ-UBND"[o[3].2..o[3].3], "QĐ");
        assert_eq!(o.iter().map(|t| t.1).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn punctuation_controls_and_stray_marks_are_not_words() {
        assert!(words("\"(AND) || -- \u{0301}\u{0007}").contains(&"and".to_string()));
        assert!(words("( ) \" ' -- \u{0301} \u{0007} ...").is_empty());
        assert!(words("").is_empty());
        let long = "a".repeat(MAX_WORD_BYTES + 1);
        assert_eq!(words(&format!("x {long} y")), ["x", "y"]);
    }
}
