//! A Rust source file reduced to its code: comments and the contents of string and character
//! literals blanked (line breaks kept, so that line numbers stay right), and items compiled only
//! for tests (`#[cfg(test)]`) left out.

/// The code of one file, and the modules it declares.
pub struct Code {
    /// The text with comments, literals and test-only items replaced by spaces.
    pub text: String,
    /// Modules declared with `mod name;` (files of their own), test-only ones excluded.
    pub modules: Vec<String>,
}

impl Code {
    pub fn parse(source: &str) -> Code {
        let text = without_test_items(&blank_comments_and_literals(source));
        let modules = declared_modules(&text);
        Code { text, modules }
    }
}

/// Replaces comments and the insides of string and char literals with spaces.
pub fn blank_comments_and_literals(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"…", r#"…"#, br"…": no escapes; ends at a quote followed by the same hashes.
            let open = chars[i..].iter().position(|&c| c == '"').unwrap_or(0) + 1;
            out.extend(std::iter::repeat_n(' ', open - 1));
            out.push('"');
            i += open;
            while i < chars.len() {
                let closes =
                    chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#'));
                if closes {
                    out.push('"');
                    out.extend(std::iter::repeat_n(' ', hashes));
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\''
            && let Some(len) = char_literal_len(&chars, i)
        {
            out.push('\'');
            out.extend(std::iter::repeat_n(' ', len - 2));
            out.push('\'');
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string literal starting at `i`, if one does.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// The length of a char literal at `i` (`'a'`, `'\n'`, `'\u{1F600}'`), or None for a lifetime.
fn char_literal_len(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i + 1)? {
        '\\' => {
            let end = chars[i + 2..].iter().take(10).position(|&c| c == '\'')?;
            Some(end + 3)
        }
        _ => (chars.get(i + 2) == Some(&'\'')).then_some(3),
    }
}

/// Blanks every item marked `#[cfg(test)]`: up to its `;`, or to the brace that closes it.
fn without_test_items(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= out.len() {
        if out[i..i + marker.len()] != marker[..] {
            i += 1;
            continue;
        }
        let end = item_end(&out, i + marker.len());
        for c in &mut out[i..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    out.into_iter().collect()
}

/// Where the item starting at `from` ends: after its first `;` outside brackets, or after the
/// brace that closes its first block.
fn item_end(chars: &[char], from: usize) -> usize {
    let mut depth = 0i32;
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            ';' if depth == 0 => return i + 1,
            '{' if depth == 0 => return closing_brace(chars, i) + 1,
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

/// The index of the brace that closes the one at `open`.
pub fn closing_brace(chars: &[char], open: usize) -> usize {
    let mut depth = 0;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    chars.len().saturating_sub(1)
}

/// `mod name;` declarations (any visibility).
fn declared_modules(code: &str) -> Vec<String> {
    let mut modules = Vec::new();
    let mut start = 0;
    for (i, c) in code.char_indices() {
        if !matches!(c, ';' | '{' | '}') {
            continue;
        }
        let words: Vec<&str> = code[start..i].split_whitespace().collect();
        if c == ';'
            && let [.., "mod", name] = words[..]
        {
            modules.push(name.to_string());
        }
        start = i + 1;
    }
    modules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_are_blanked_lines_kept() {
        let code = blank_comments_and_literals(
            "use a; // crate::x\nlet s = \"crate::y\"; /* crate::z\n */ let c = '\"'; 'a: loop {}\nlet r = r#\"crate::w\"#;",
        );
        assert!(!code.contains("crate::"), "{code}");
        assert_eq!(code.lines().count(), 4);
        assert!(code.contains("'a: loop"), "{code}");
        assert!(code.contains("let r = "), "{code}");
    }

    #[test]
    fn test_items_are_left_out() {
        let code = Code::parse(
            "mod a;\npub(crate) mod b;\n#[cfg(test)]\nmod testing;\nfn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::a::X;\n}\n",
        );
        assert_eq!(code.modules, ["a", "b"]);
        assert!(!code.text.contains("crate::a"));
        assert_eq!(code.text.lines().count(), 9);
    }
}
