//! Doc comments: the text of a `/** … */` comment, cleaned up as Apache Thrift does it.

/// The text of a raw `/** … */` comment without its delimiters, the ` * ` at the start of each
/// line (when every line has it at the same indentation), the indentation common to all lines,
/// trailing spaces, and blank lines around it. `None` when nothing is left.
pub(super) fn clean(raw: &str) -> Option<String> {
    let body = raw.strip_prefix("/**")?.strip_suffix("*/")?;
    let mut lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    if let Some(first) = lines.first_mut() {
        *first = first.trim_start_matches([' ', '\t']);
    }
    let rest = &mut lines[1..];
    if let Some(star_column) = common_star_column(rest) {
        for line in rest.iter_mut() {
            *line = line.get(star_column + 1..).unwrap_or("");
        }
    }
    let indent = rest
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    for line in rest.iter_mut() {
        *line = line.get(indent..).unwrap_or("");
    }
    let lines: Vec<&str> = lines
        .iter()
        .map(|line| line.trim_end_matches([' ', '\t']))
        .collect();
    let first = lines.iter().position(|line| !line.is_empty())?;
    let last = lines.iter().rposition(|line| !line.is_empty())?;
    Some(lines[first..=last].join("\n"))
}

/// The column of the `*` that starts every non-blank line, when all have one there.
fn common_star_column(lines: &[&str]) -> Option<usize> {
    let mut column = None;
    for line in lines {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        match line[indent..].chars().next() {
            None => continue,
            Some('*') if column.unwrap_or(indent) == indent => column = Some(indent),
            Some(_) => return None,
        }
    }
    column
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn strips_stars_indentation_and_blank_lines() {
        let raw = "/**\n   * Returns a user.\n   *\n   *   indented\n   */";
        assert_eq!(clean(raw).as_deref(), Some("Returns a user.\n\n  indented"));
    }

    #[test]
    fn keeps_lines_without_a_common_star() {
        let raw = "/** First line\n    second line\n      third */";
        assert_eq!(
            clean(raw).as_deref(),
            Some("First line\nsecond line\n  third")
        );
    }

    #[test]
    fn single_line_and_empty() {
        assert_eq!(clean("/** Just this. */").as_deref(), Some("Just this."));
        assert_eq!(clean("/**   \n  */"), None);
        assert_eq!(clean("/** a\r\n * b\r\n */").as_deref(), Some("a\nb"));
    }
}
