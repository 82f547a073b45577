//! What a visitor typed, read by our own small grammar (tantivy's query language is never
//! exposed): words, and phrases in double quotes. A word that the analyzer splits into several
//! ("03/2019/QĐ-UBND", "kinh-tế") is a phrase of its parts. Every word must match (in the title
//! or the text); results are ranked by BM25, a match in the title counting more.
//!
//! The text is bounded, normalised (NFC, controls dropped) and never an error that a page
//! cannot explain: too long, nothing to search for, too many words. An unclosed quote is read
//! as a phrase to the end and noted; `AND`, `OR`, `NOT` and brackets are not operators here,
//! they are dropped with a note.

use unicode_normalization::UnicodeNormalization;

use crate::analyzer;

/// The longest query, in characters after trimming.
pub const MAX_QUERY_CHARS: usize = 256;
/// The most words a query may have (all phrases together).
pub const MAX_WORDS: usize = 32;

/// Why a query cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing was typed (or only spaces).
    #[error("the query is empty")]
    Empty,
    /// Longer than [`MAX_QUERY_CHARS`].
    #[error("the query has {chars} characters, more than the {max} allowed")]
    TooLong { chars: usize, max: usize },
    /// Only punctuation, operators or symbols: no word to look for.
    #[error("the query has no word to search for")]
    NoWords,
    /// More than [`MAX_WORDS`] words.
    #[error("the query has {words} words, more than the {max} allowed")]
    TooManyWords { words: usize, max: usize },
}

/// Something about the query that the results page should say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryNote {
    /// A quote was not closed: the rest was searched as a phrase.
    UnclosedQuote,
    /// `AND`, `OR`, `NOT`, `&&`, `||` were ignored: every word must match anyway.
    OperatorsIgnored,
    /// Control characters were removed.
    ControlsRemoved,
}

/// A query ready to run: groups of folded words (one word, or a phrase of several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The query as it will be shown back (NFC, controls removed, trimmed).
    pub display: String,
    pub groups: Vec<Vec<String>>,
    pub notes: Vec<QueryNote>,
}

fn is_operator(chunk: &str) -> bool {
    matches!(chunk, "AND" | "OR" | "NOT" | "&&" | "||" | "!")
}

/// Reads a visitor's query.
pub fn parse(input: &str) -> Result<ParsedQuery, QueryError> {
    let trimmed = input.trim();
    // Counting stops past the limit, so a megabyte costs no more than the limit.
    let chars = trimmed.chars().take(MAX_QUERY_CHARS + 1).count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong {
            chars: trimmed.chars().count(),
            max: MAX_QUERY_CHARS,
        });
    }
    let mut notes = Vec::new();
    let mut cleaned = String::with_capacity(trimmed.len());
    for c in trimmed.nfc() {
        if c.is_control() {
            if !notes.contains(&QueryNote::ControlsRemoved) {
                notes.push(QueryNote::ControlsRemoved);
            }
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    let display = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if display.is_empty() {
        return Err(QueryError::Empty);
    }
    let mut groups: Vec<Vec<String>> = Vec::new();
    let push = |g: Vec<String>, groups: &mut Vec<Vec<String>>| {
        if !g.is_empty() && !groups.contains(&g) {
            groups.push(g);
        }
    };
    // Outside quotes, then inside, alternately.
    let mut inside = false;
    let quotes = display.matches('"').count();
    for part in display.split('"') {
        if inside {
            push(analyzer::words(part), &mut groups);
        } else {
            for chunk in part.split_whitespace() {
                if is_operator(chunk) {
                    if !notes.contains(&QueryNote::OperatorsIgnored) {
                        notes.push(QueryNote::OperatorsIgnored);
                    }
                    continue;
                }
                push(analyzer::words(chunk), &mut groups);
            }
        }
        inside = !inside;
    }
    if quotes % 2 == 1 {
        notes.push(QueryNote::UnclosedQuote);
    }
    let words: usize = groups.iter().map(Vec::len).sum();
    if words == 0 {
        return Err(QueryError::NoWords);
    }
    if words > MAX_WORDS {
        return Err(QueryError::TooManyWords {
            words,
            max: MAX_WORDS,
        });
    }
    Ok(ParsedQuery {
        display,
        groups,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(q: &str) -> Vec<Vec<String>> {
        parse(q).unwrap().groups
    }

    #[test]
    fn words_and_phrases() {
        assert_eq!(groups("đầu tư"), [["dau"], ["tu"]]);
        assert_eq!(groups("\"Bến Tre\" cầu"), [vec!["ben", "tre"], vec!["cau"]]);
        assert_eq!(groups("03/2019/QĐ-UBND"), [["03", "2019", "qd", "ubnd"]]);
        // Repeated words count once.
        assert_eq!(groups("tre tre TRE"), [["tre"]]);
    }

    #[test]
    fn decomposed_queries_read_like_composed_ones() {
        assert_eq!(groups("Be\u{0302}\u{0301}n Tre"), groups("Bến Tre"));
        assert_eq!(parse("Be\u{0302}\u{0301}n").unwrap().display, "Bến");
    }

    #[test]
    fn bad_queries_have_clear_errors() {
        assert_eq!(parse(""), Err(QueryError::Empty));
        assert_eq!(parse("   \t "), Err(QueryError::Empty));
        assert_eq!(parse("\u{0007}\u{0000}"), Err(QueryError::Empty));
        assert_eq!(
            parse(&"a".repeat(10 * 1024)),
            Err(QueryError::TooLong {
                chars: 10 * 1024,
                max: MAX_QUERY_CHARS
            })
        );
        // At the limit it runs; a word longer than any indexed one is no word.
        assert!(parse(&format!("{} x", "a".repeat(MAX_QUERY_CHARS - 2))).is_ok());
        assert_eq!(
            parse(&"a".repeat(MAX_QUERY_CHARS)),
            Err(QueryError::NoWords)
        );
        assert_eq!(parse("AND OR ("), Err(QueryError::NoWords));
        assert_eq!(parse("\"\" ((( ))) --"), Err(QueryError::NoWords));
        let many = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(matches!(
            parse(&many),
            Err(QueryError::TooManyWords { words: 40, .. })
        ));
    }

    #[test]
    fn lenient_readings_are_noted() {
        let q = parse("\"unbalanced quote").unwrap();
        assert_eq!(q.groups, [["unbalanced", "quote"]]);
        assert_eq!(q.notes, [QueryNote::UnclosedQuote]);
        let q = parse("cầu AND đường").unwrap();
        assert_eq!(q.groups, [["cau"], ["duong"]]);
        assert_eq!(q.notes, [QueryNote::OperatorsIgnored]);
        let q = parse("cầu\u{0000}đường\u{001b}[31m").unwrap();
        assert_eq!(q.groups, [["cau"], ["duong"], ["31m"]]);
        assert_eq!(q.display, "cầu đường [31m");
        assert_eq!(q.notes, [QueryNote::ControlsRemoved]);
    }
}
