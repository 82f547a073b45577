//! Markdown as the plain text that is indexed and shown in snippets: the words of paragraphs,
//! headings, lists, tables, code and link texts, without markup, raw HTML or URLs.

use pulldown_cmark::{Event, Options, Parser, TagEnd};

/// The plain text of a Markdown body, blocks separated by newlines.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, opts) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_words_stay() {
        let md = "# Tiêu đề\n\nĐoạn **đậm** và [liên kết](https://x.vn/a).\n\n\
                  - một\n- hai\n\n| A | B |\n|---|---|\n| c | d |\n\n<script>x()</script>\n";
        let t = plain_text(md);
        assert!(t.starts_with("Tiêu đề\nĐoạn đậm và liên kết.\n"), "{t:?}");
        assert!(t.contains("một\nhai"), "{t:?}");
        assert!(t.contains("c d"), "{t:?}");
        assert!(!t.contains("https") && !t.contains("script") && !t.contains('*'));
    }
}
