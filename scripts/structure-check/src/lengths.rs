//! Files and functions too long to read at once. A function may be longer than the limit when
//! a comment right above it (among its doc comments and attributes) starts with `Long:` and
//! says why.

use crate::source::closing_brace;

/// A function longer than the limit.
#[derive(Debug, PartialEq, Eq)]
pub struct LongFunction {
    pub name: String,
    /// 1-based line of `fn`.
    pub line: usize,
    pub lines: usize,
    /// A `pub async fn`: in a folder of HTTP handlers, a handler.
    pub public_async: bool,
}

/// Functions of `source` with more than `max` lines, from `fn` to the closing brace, that no
/// `Long:` comment explains. `code` is the file's code (`Code::text`): test items are left out.
pub fn long_functions(source: &str, code: &str, max: usize) -> Vec<LongFunction> {
    let chars: Vec<char> = code.chars().collect();
    let line_of = line_starts(code);
    let source_lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 3 < chars.len() {
        let is_fn = chars[i..i + 3] == ['f', 'n', ' ']
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
        if !is_fn {
            i += 1;
            continue;
        }
        let Some(body) = body_start(&chars, i + 3) else {
            i += 3;
            continue;
        };
        let end = closing_brace(&chars, body);
        let (first, last) = (line_of(i), line_of(end));
        let lines = last - first + 1;
        if lines > max && !explained(&source_lines, first) {
            let name: String = chars[i + 3..]
                .iter()
                .skip_while(|c| c.is_whitespace())
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            let line_start = code[..i].rfind('\n').map_or(0, |at| at + 1);
            let before = code[line_start..i].trim();
            found.push(LongFunction {
                name,
                line: first,
                lines,
                public_async: before.starts_with("pub") && before.ends_with("async"),
            });
        }
        i += 3;
    }
    found
}

/// The `{` that opens the body of the function whose signature starts at `from`, or None for a
/// declaration without a body (`fn f();` in a trait).
fn body_start(chars: &[char], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, &c) in chars.iter().enumerate().skip(from) {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' => depth -= 1,
            '>' if i > 0 && chars[i - 1] != '-' && chars[i - 1] != '=' => depth -= 1,
            ';' if depth <= 0 => return None,
            '{' if depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// A closure giving the 1-based line of a char index.
fn line_starts(code: &str) -> impl Fn(usize) -> usize {
    let breaks: Vec<usize> = code
        .chars()
        .enumerate()
        .filter(|(_, c)| *c == '\n')
        .map(|(i, _)| i)
        .collect();
    move |i| breaks.partition_point(|&b| b < i) + 1
}

/// Whether the comments and attributes right above line `first` hold a `Long:` comment.
fn explained(lines: &[&str], first: usize) -> bool {
    lines[..first.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("//") || l.starts_with("#["))
        .any(|l| {
            l.trim_start_matches('/')
                .trim_start_matches('!')
                .trim()
                .starts_with("Long:")
        })
}

/// Lines of a file, as an editor counts them.
pub fn line_count(source: &str) -> usize {
    source.lines().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::blank_comments_and_literals as code_of;

    fn function(name: &str, body_lines: usize, above: &str) -> String {
        let body: String = (0..body_lines)
            .map(|i| format!("    let x{i} = {i};\n"))
            .collect();
        format!("{above}fn {name}() -> Vec<u8> {{\n{body}}}\n")
    }

    #[test]
    fn reports_long_functions_unless_a_comment_says_why() {
        let source = format!(
            "trait T {{ fn declared(&self); }}\n{}{}{}",
            function("short", 10, ""),
            function("long", 90, "/// Does a thing.\n"),
            function(
                "explained",
                90,
                "// Long: one table, row by row.\n#[inline]\n"
            ),
        );
        let found = long_functions(&source, &code_of(&source), 80);
        assert_eq!(
            found,
            [LongFunction {
                name: "long".into(),
                line: 15,
                lines: 92,
                public_async: false,
            }]
        );
    }

    #[test]
    fn tells_public_async_functions_from_the_others() {
        let source = format!(
            "{}{}",
            function("helper", 50, ""),
            function("handler", 50, "").replace("fn handler", "pub async fn handler"),
        );
        let found = long_functions(&source, &code_of(&source), 40);
        let kinds: Vec<(&str, bool)> = found
            .iter()
            .map(|f| (f.name.as_str(), f.public_async))
            .collect();
        assert_eq!(kinds, [("helper", false), ("handler", true)]);
    }
}
