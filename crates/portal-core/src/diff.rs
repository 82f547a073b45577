//! Comparing two versions of an item: a line diff (longest common subsequence), enough for
//! editors and auditors to see what changed between any two stored versions (Art 12).

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// Largest comparison done exactly, in cells of the table (changed lines of one side times
/// changed lines of the other; 4 bytes each, so 16 MiB); beyond it the changed lines are shown
/// as one removal and one addition, so a huge document cannot make a page quadratic in time or
/// memory.
const MAX_CELLS: usize = 4_000_000;

/// Line diff from `old` to `new`.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
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
    if n.saturating_mul(m) > MAX_CELLS {
        let mut out: Vec<DiffLine> = a[..prefix]
            .iter()
            .map(|l| DiffLine::Same(l.to_string()))
            .collect();
        out.extend(ma.iter().map(|l| DiffLine::Removed(l.to_string())));
        out.extend(mb.iter().map(|l| DiffLine::Added(l.to_string())));
        out.extend(
            a[a.len() - suffix..]
                .iter()
                .map(|l| DiffLine::Same(l.to_string())),
        );
        return out;
    }
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

#[cfg(test)]
mod limits {
    use super::*;

    /// Two documents of 20,000 different lines each would need 400 million cells (1.6 GB):
    /// they are compared as a block instead, in linear time and memory, keeping what the two
    /// share at both ends.
    #[test]
    fn huge_changes_are_shown_as_a_block() {
        let old: String = (0..20_000).map(|i| format!("cũ {i}\n")).collect();
        let new: String = (0..20_000).map(|i| format!("mới {i}\n")).collect();
        let start = std::time::Instant::now();
        let d = diff_lines(&format!("đầu\n{old}cuối"), &format!("đầu\n{new}cuối"));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(d.len(), 40_002);
        assert_eq!(d[0], DiffLine::Same("đầu".into()));
        assert_eq!(d[1], DiffLine::Removed("cũ 0".into()));
        assert_eq!(d[20_001], DiffLine::Added("mới 0".into()));
        assert_eq!(d[40_001], DiffLine::Same("cuối".into()));
    }
}
