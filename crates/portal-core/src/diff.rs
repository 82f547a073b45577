//! Comparing two versions of an item: a line diff (longest common subsequence), enough for
//! editors and auditors to see what changed between any two stored versions (Art 12).

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// Largest input (in lines per side) compared exactly; beyond it the texts are shown as one
/// removal and one addition, so a huge document cannot make a page quadratic.
const MAX_LINES: usize = 5000;

/// Line diff from `old` to `new`.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let mut out: Vec<DiffLine> = a.iter().map(|l| DiffLine::Removed(l.to_string())).collect();
        out.extend(b.iter().map(|l| DiffLine::Added(l.to_string())));
        return out;
    }
    // Trim the common prefix and suffix first: most edits touch a few lines.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (n, m) = (ma.len(), mb.len());
    // lcs[i][j] = LCS length of ma[i..] and mb[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if ma[i] == mb[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<DiffLine> = a[..prefix]
        .iter()
        .map(|l| DiffLine::Same(l.to_string()))
        .collect();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ma[i] == mb[j] {
            out.push(DiffLine::Same(ma[i].to_string()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removals before additions, as readers expect.
            out.push(DiffLine::Removed(ma[i].to_string()));
            i += 1;
        } else {
            out.push(DiffLine::Added(mb[j].to_string()));
            j += 1;
        }
    }
    out.extend(
        a[a.len() - suffix..]
            .iter()
            .map(|l| DiffLine::Same(l.to_string())),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_a_removal_and_an_addition() {
        let d = diff_lines(
            "Tiêu đề\nDòng hai\nDòng ba",
            "Tiêu đề\nDòng 2\nDòng ba\nDòng bốn",
        );
        assert_eq!(
            d,
            vec![
                DiffLine::Same("Tiêu đề".into()),
                DiffLine::Removed("Dòng hai".into()),
                DiffLine::Added("Dòng 2".into()),
                DiffLine::Same("Dòng ba".into()),
                DiffLine::Added("Dòng bốn".into()),
            ]
        );
    }

    #[test]
    fn identical_and_empty() {
        assert!(
            diff_lines("a\nb", "a\nb")
                .iter()
                .all(|l| matches!(l, DiffLine::Same(_)))
        );
        assert_eq!(diff_lines("", "x"), vec![DiffLine::Added("x".into())]);
        assert_eq!(diff_lines("x", ""), vec![DiffLine::Removed("x".into())]);
    }
}
