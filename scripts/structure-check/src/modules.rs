//! The modules of a crate and which use which: every file reached from the crate's root by
//! `mod name;`, and the paths its code names (`use crate::a::b`, `super::c`, `child::d`, and
//! names brought in by `use`), each resolved to the module it leads into.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::source::Code;

/// One file of a crate.
pub struct Module {
    /// Its path in the crate (`[]` for the root, `["render", "page"]`).
    pub path: Vec<String>,
    pub code: Code,
}

impl Module {
    pub fn name(&self) -> String {
        if self.path.is_empty() {
            "crate".into()
        } else {
            self.path.join("::")
        }
    }
}

/// Reads the modules of the crate whose root file is `root` (`src/lib.rs` or `src/main.rs`).
pub fn read_tree(root: &Path) -> std::io::Result<Vec<Module>> {
    let mut modules = Vec::new();
    let mut pending = vec![(Vec::new(), root.to_path_buf())];
    while let Some((path, file)) = pending.pop() {
        let code = Code::parse(&std::fs::read_to_string(&file)?);
        let owns_folder = path.is_empty()
            || file
                .file_name()
                .is_some_and(|n| n == "mod.rs" || n == "lib.rs" || n == "main.rs");
        let folder = if owns_folder {
            file.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            file.with_extension("")
        };
        for child in &code.modules {
            let flat = folder.join(format!("{child}.rs"));
            let nested = folder.join(child).join("mod.rs");
            let child_file = if flat.is_file() { flat } else { nested };
            let mut child_path = path.clone();
            child_path.push(child.clone());
            pending.push((child_path, child_file));
        }
        modules.push(Module { path, code });
    }
    modules.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(modules)
}

/// For each module (by index), the modules it uses, with the names that lead there.
pub type Edges = Vec<BTreeMap<usize, BTreeSet<String>>>;

pub fn edges(modules: &[Module]) -> Edges {
    let index: BTreeMap<&[String], usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.as_slice(), i))
        .collect();
    modules
        .iter()
        .enumerate()
        .map(|(from, m)| {
            let mut to: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
            for (absolute, shown) in referenced_paths(m) {
                let target = (0..=absolute.len())
                    .rev()
                    .find_map(|n| index.get(&absolute[..n]).copied());
                if let Some(target) = target
                    && target != from
                {
                    to.entry(target).or_default().insert(shown);
                }
            }
            to
        })
        .collect()
}

/// Every path the module's code names inside its crate, made absolute, with the text it was
/// written as.
fn referenced_paths(module: &Module) -> Vec<(Vec<String>, String)> {
    let text = &module.code.text;
    let mut bindings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut found = Vec::new();
    let (trees, rest) = use_trees(text);
    for tree in trees {
        for path in expand(&tree) {
            if let Some(absolute) = absolute(module, &path, &BTreeMap::new()) {
                let bound = match path.last().map(String::as_str) {
                    Some("*") | Some("self") | None => None,
                    Some(name) => Some(name.to_string()),
                };
                let absolute: Vec<String> = absolute
                    .into_iter()
                    .filter(|s| s != "self" && s != "*")
                    .collect();
                if let Some(name) = bound {
                    let alias = alias_of(&tree, &name).unwrap_or(name);
                    bindings.insert(alias, absolute.clone());
                }
                found.push((absolute, path.join("::")));
            }
        }
    }
    for path in paths_in_code(&rest) {
        if let Some(absolute) = absolute(module, &path, &bindings) {
            found.push((absolute, path.join("::")));
        }
    }
    found
}

/// The path made absolute when it names something of this crate.
fn absolute(
    module: &Module,
    path: &[String],
    bindings: &BTreeMap<String, Vec<String>>,
) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    let mut base: Vec<String> = match first {
        "crate" => Vec::new(),
        "self" => module.path.clone(),
        "super" => {
            let mut base = module.path.clone();
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            return Some(base);
        }
        name if module.code.modules.iter().any(|m| m == name) => {
            let mut base = module.path.clone();
            base.push(name.to_string());
            base.extend(path[1..].iter().cloned());
            return Some(base);
        }
        name => {
            let mut base = bindings.get(name)?.clone();
            base.extend(path[1..].iter().cloned());
            return Some(base);
        }
    };
    base.extend(path[1..].iter().cloned());
    Some(base)
}

/// The text of each `use` item, from after `use` to its `;`, and the code without them.
fn use_trees(text: &str) -> (Vec<String>, String) {
    let mut trees = Vec::new();
    let mut rest = String::with_capacity(text.len());
    let mut tail = text;
    while let Some(at) = find_word(tail, "use") {
        rest.push_str(&tail[..at]);
        let after = &tail[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        trees.push(
            after[..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        tail = &after[end..];
    }
    rest.push_str(tail);
    (trees, rest)
}

/// The offset of `word` standing alone (not part of a longer name).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let is_name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !is_name(before) && !is_name(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The paths of a use tree: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
pub fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim().trim_start_matches("::");
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        return vec![path.split("::").map(|s| s.trim().to_string()).collect()];
    };
    let prefix: Vec<String> = tree[..open]
        .trim_end_matches("::")
        .split("::")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let close = tree.rfind('}').unwrap_or(tree.len());
    let mut paths = Vec::new();
    for part in split_top_level(&tree[open + 1..close]) {
        for rest in expand(&part) {
            let mut path = prefix.clone();
            path.extend(rest.into_iter().filter(|s| !s.is_empty()));
            paths.push(path);
        }
    }
    paths
}

/// The alias given to `name` in a use tree (`name as alias`).
fn alias_of(tree: &str, name: &str) -> Option<String> {
    let at = tree.find(&format!("{name} as "))?;
    let rest = &tree[at + name.len() + 4..];
    let alias: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!alias.is_empty()).then_some(alias)
}

fn split_top_level(list: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Paths written in code outside `use` items: `a::b::c` with at least one `::`.
fn paths_in_code(text: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts =
            is_name(chars[i]) && (i == 0 || !(is_name(chars[i - 1]) || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut path = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < chars.len() && is_name(chars[j]) {
                j += 1;
            }
            path.push(chars[start..j].iter().collect::<String>());
            let more = chars.get(j) == Some(&':')
                && chars.get(j + 1) == Some(&':')
                && chars.get(j + 2).is_some_and(|&c| is_name(c));
            if !more {
                break;
            }
            j += 2;
        }
        if path.len() > 1 && path[0] != "use" {
            paths.push(path);
        }
        i = j.max(i + 1);
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_trees_expand_to_paths() {
        let paths = expand("crate::a::{b::C, d, e::{self, F}}");
        let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
        assert_eq!(
            joined,
            [
                "crate::a::b::C",
                "crate::a::d",
                "crate::a::e::self",
                "crate::a::e::F"
            ]
        );
    }

    fn module(path: &[&str], declares: &[&str], text: &str) -> Module {
        let mut code = Code::parse(text);
        code.modules = declares.iter().map(|s| s.to_string()).collect();
        Module {
            path: path.iter().map(|s| s.to_string()).collect(),
            code,
        }
    }

    #[test]
    fn paths_resolve_to_the_module_they_lead_into() {
        let modules = [
            module(&[], &["a", "b"], "pub use a::Thing;\n"),
            module(
                &["a"],
                &["inner"],
                "use crate::b;\nfn f() { b::g(); inner::h(); }\n",
            ),
            module(
                &["a", "inner"],
                &[],
                "use super::super::b::G as Other;\nfn h() { Other::new(); }\n",
            ),
            module(&["b"], &[], "fn g() { let x = std::mem::take(&mut 1); }\n"),
        ];
        let edges = edges(&modules);
        let targets = |i: usize| edges[i].keys().copied().collect::<Vec<_>>();
        assert_eq!(targets(0), [1]);
        assert_eq!(targets(1), [2, 3]);
        assert_eq!(targets(2), [3]);
        assert!(targets(3).is_empty());
    }
}
