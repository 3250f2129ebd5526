//! The crates of a workspace and which depend on which, as `cargo metadata` reports them
//! (every kind of dependency: a dev-dependency can close a circle that cargo accepts).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// One package of the workspace.
pub struct Crate {
    pub name: String,
    /// The folder of its `Cargo.toml`.
    pub dir: PathBuf,
    /// Names of the packages of the workspace it depends on.
    pub uses: Vec<String>,
}

/// The packages of the workspace whose manifest is `manifest`.
pub fn workspace(manifest: &Path) -> Result<Vec<Crate>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    Ok(from_metadata(&metadata))
}

fn from_metadata(metadata: &Value) -> Vec<Crate> {
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    packages
        .iter()
        .map(|p| {
            let mut uses: Vec<String> = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["path"].is_string())
                .filter_map(|d| d["name"].as_str())
                .filter(|name| names.iter().any(|n| n == name))
                .map(str::to_string)
                .collect();
            uses.sort();
            uses.dedup();
            let manifest = PathBuf::from(p["manifest_path"].as_str().unwrap_or_default());
            Crate {
                name: p["name"].as_str().unwrap_or_default().to_string(),
                dir: manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
                uses,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_dependencies_of_the_workspace_only() {
        let metadata = serde_json::json!({ "packages": [
            { "name": "a", "manifest_path": "/w/a/Cargo.toml", "dependencies": [
                { "name": "b", "path": "/w/b", "kind": null },
                { "name": "b", "path": "/w/b", "kind": "dev" },
                { "name": "serde", "kind": null },
            ]},
            { "name": "b", "manifest_path": "/w/b/Cargo.toml", "dependencies": [] },
        ]});
        let crates = from_metadata(&metadata);
        assert_eq!(crates[0].uses, ["b"]);
        assert_eq!(crates[0].dir, PathBuf::from("/w/a"));
        assert!(crates[1].uses.is_empty());
    }
}
