//! `structure-check`: the shape of a set of crates, checked. Fails when crates or the modules of
//! one crate use each other in a circle, when a file is longer than `--max-file-lines`, or when
//! a function is longer than `--max-fn-lines` without a `// Long: why` comment above it. Prints
//! the crates floor by floor, each above the crates it uses.
//!
//! HTTP handlers (`pub async fn` in a `src/routes/` folder) have a limit of their own,
//! `--max-handler-lines`: a handler extracts, calls a use case and renders.
//!
//! ```text
//! structure-check [--max-file-lines 600] [--max-fn-lines 80] [--max-handler-lines 40] CRATE_DIR...
//! ```

mod crates;
mod graph;
mod lengths;
mod modules;
mod source;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Limits {
    file_lines: usize,
    fn_lines: usize,
    handler_lines: usize,
}

fn main() -> ExitCode {
    let mut limits = Limits {
        file_lines: 600,
        fn_lines: 80,
        handler_lines: 40,
    };
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |what: &str| match args.next().and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => {
                eprintln!("{what} vuole un numero");
                std::process::exit(2);
            }
        };
        match arg.as_str() {
            "--max-file-lines" => limits.file_lines = number("--max-file-lines"),
            "--max-fn-lines" => limits.fn_lines = number("--max-fn-lines"),
            "--max-handler-lines" => limits.handler_lines = number("--max-handler-lines"),
            _ => dirs.push(PathBuf::from(arg)),
        }
    }
    if dirs.is_empty() {
        eprintln!(
            "uso: structure-check [--max-file-lines N] [--max-fn-lines N] [--max-handler-lines N] CARTELLA_CRATE..."
        );
        return ExitCode::from(2);
    }
    let mut problems = Vec::new();
    check_crates(&dirs, &mut problems);
    for dir in &dirs {
        check_modules(dir, &mut problems);
        check_lengths(dir, &limits, &mut problems);
    }
    for p in &problems {
        eprintln!("errore: {p}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("{} problemi di struttura", problems.len());
        ExitCode::FAILURE
    }
}

/// No circle among the workspace's crates; the given crates printed floor by floor.
fn check_crates(dirs: &[PathBuf], problems: &mut Vec<String>) {
    let crates = match crates::workspace(&dirs[0].join("Cargo.toml")) {
        Ok(c) => c,
        Err(e) => return problems.push(e),
    };
    let index = |name: &str| crates.iter().position(|c| c.name == name);
    let next: Vec<Vec<usize>> = crates
        .iter()
        .map(|c| c.uses.iter().filter_map(|n| index(n)).collect())
        .collect();
    for circle in graph::circles(&next) {
        let names: Vec<&str> = circle.iter().map(|&i| crates[i].name.as_str()).collect();
        problems.push(format!("ciclo tra crate: {}", names.join(", ")));
    }
    let wanted: Vec<PathBuf> = dirs.iter().filter_map(|d| d.canonicalize().ok()).collect();
    let floors = graph::floors(&next);
    let mut shown: Vec<usize> = (0..crates.len())
        .filter(|&i| {
            wanted
                .iter()
                .any(|w| crates[i].dir.canonicalize().ok().as_ref() == Some(w))
        })
        .collect();
    shown.sort_by_key(|&i| (std::cmp::Reverse(floors[i]), crates[i].name.clone()));
    println!("Crate, ognuno sopra quelli che usa:");
    for i in shown {
        let uses = if crates[i].uses.is_empty() {
            String::new()
        } else {
            format!(" → {}", crates[i].uses.join(", "))
        };
        println!("  {:>2}  {}{uses}", floors[i], crates[i].name);
    }
}

/// No circle among the modules of the crate's library and of its binary.
fn check_modules(dir: &Path, problems: &mut Vec<String>) {
    for root in ["src/lib.rs", "src/main.rs"] {
        let root = dir.join(root);
        if !root.is_file() {
            continue;
        }
        let tree = match modules::read_tree(&root) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: {e}", root.display()));
                continue;
            }
        };
        let edges = modules::edges(&tree);
        let next: Vec<Vec<usize>> = edges.iter().map(|e| e.keys().copied().collect()).collect();
        let circles = graph::circles(&next);
        println!(
            "Moduli di {}: {} file, {} cicli",
            root.display(),
            tree.len(),
            circles.len()
        );
        for circle in circles {
            let mut text = format!("ciclo tra i moduli di {}:", root.display());
            for &from in &circle {
                for (&to, names) in &edges[from] {
                    if circle.contains(&to) {
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        text.push_str(&format!(
                            "\n     {} → {}: {}",
                            tree[from].name(),
                            tree[to].name(),
                            names.join(", ")
                        ));
                    }
                }
            }
            problems.push(text);
        }
    }
}

/// Files and functions within the limits, in every `.rs` file of the crate's folder.
fn check_lengths(dir: &Path, limits: &Limits, problems: &mut Vec<String>) {
    for file in rust_files(dir) {
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        let lines = lengths::line_count(&source);
        if lines > limits.file_lines {
            problems.push(format!(
                "{}: {lines} righe (al massimo {})",
                file.display(),
                limits.file_lines
            ));
        }
        let code = source::Code::parse(&source);
        for f in lengths::long_functions(&source, &code.text, limits.fn_lines) {
            problems.push(format!(
                "{}:{}: fn {}: {} righe (al massimo {}, o un commento `// Long: perché` sopra)",
                file.display(),
                f.line,
                f.name,
                f.lines,
                limits.fn_lines
            ));
        }
        if !file.components().any(|c| c.as_os_str() == "routes") {
            continue;
        }
        let handlers = lengths::long_functions(&source, &code.text, limits.handler_lines);
        for f in handlers
            .iter()
            .filter(|f| f.public_async && f.lines <= limits.fn_lines)
        {
            problems.push(format!(
                "{}:{}: gestore {}: {} righe (al massimo {}: estrai, chiama un caso d'uso, mostra)",
                file.display(),
                f.line,
                f.name,
                f.lines,
                limits.handler_lines
            ));
        }
    }
}

/// The `.rs` files under `dir`, other crates' folders and `target/` left out.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let nested_crate = path.join("Cargo.toml").is_file();
            if path.is_dir() && !nested_crate && entry.file_name() != "target" {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
