//! Writing a build to disk: everything goes to a staging folder, then takes the place of the old output.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build::Body;

/// Writes `files` into `out_dir`, replacing it only once everything is written.
pub fn write_atomically(files: &BTreeMap<String, Body>, out_dir: &Path) -> io::Result<()> {
    if out_dir.join(crate::config::CONFIG_FILE).exists()
        || out_dir.join(crate::content::CONTENT_DIR).is_dir()
    {
        return Err(io::Error::other(format!(
            "{} contiene i sorgenti del sito: scegliere un'altra cartella di destinazione",
            out_dir.display()
        )));
    }
    let name = out_dir
        .file_name()
        .ok_or_else(|| io::Error::other("cartella di destinazione non valida"))?
        .to_string_lossy()
        .into_owned();
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let staging = parent.join(format!(".{name}.staging"));
    let old = parent.join(format!(".{name}.old"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging)?;
    let written: io::Result<()> = files.par_iter().try_for_each(|(path, body)| {
        let target = staging.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match body {
            Body::Bytes(b) => std::fs::write(&target, b.as_slice()),
            Body::File(src) => std::fs::copy(src, &target).map(|_| ()),
        }
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    if out_dir.exists() {
        std::fs::rename(out_dir, &old)?;
    }
    if let Err(e) = std::fs::rename(&staging, out_dir) {
        // Put the previous output back: a failed build never leaves the site missing.
        if old.exists() {
            let _ = std::fs::rename(&old, out_dir);
        }
        return Err(e);
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_previous_output_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("vecchio")).unwrap();
        std::fs::write(out.join("vecchio/index.html"), "x").unwrap();
        let mut files = BTreeMap::new();
        files.insert(
            "nuovo/index.html".to_string(),
            Body::Bytes(std::sync::Arc::new(b"y".to_vec())),
        );
        write_atomically(&files, &out).unwrap();
        assert!(!out.join("vecchio").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("nuovo/index.html")).unwrap(),
            "y"
        );
        assert!(!dir.path().join(".public.staging").exists());
        assert!(!dir.path().join(".public.old").exists());
    }

    #[test]
    fn refuses_to_overwrite_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        let err = write_atomically(&BTreeMap::new(), dir.path()).unwrap_err();
        assert!(err.to_string().contains("sorgenti"));
    }
}
