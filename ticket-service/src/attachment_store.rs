//! Attachment files on disk. A file is written under a random name before the row that names
//! it; until the row is committed the file is held by a [`StoredFile`], which deletes it when
//! dropped, so a refused quota, a failed database write or an early return never leaves a
//! file that no row names.

use std::path::{Path, PathBuf};

use crate::auth::token;

/// A file just written, deleted again unless [`StoredFile::keep`] is called.
#[derive(Debug)]
pub struct StoredFile {
    path: PathBuf,
    name: String,
    kept: bool,
}

impl StoredFile {
    /// Writes `bytes` under a new random name in `folder`, creating the folder if needed.
    pub async fn write(folder: &Path, bytes: Vec<u8>) -> std::io::Result<StoredFile> {
        let name = token::random_token::<16>();
        let path = folder.join(&name);
        let stored = StoredFile {
            path: path.clone(),
            name,
            kept: false,
        };
        let folder = folder.to_owned();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&folder)?;
            std::fs::write(&path, &bytes)
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(stored)
    }

    /// The random name the row stores.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The row naming the file is committed: the file stays.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for StoredFile {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        if let Err(error) = std::fs::remove_file(&self.path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, "attachment file not removed");
        }
    }
}

/// Deletes stored attachment files whose rows are gone; a file already gone is no problem.
pub async fn delete(folder: &Path, names: Vec<String>) {
    for name in names {
        if let Err(error) = tokio::fs::remove_file(folder.join(&name)).await
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, "attachment file not removed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_not_kept_is_removed_and_a_kept_one_stays() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("allegati");
        let dropped = StoredFile::write(&folder, b"%PDF-".to_vec()).await.unwrap();
        let dropped_path = folder.join(dropped.name());
        assert!(dropped_path.exists());
        drop(dropped);
        assert!(!dropped_path.exists());

        let kept = StoredFile::write(&folder, b"%PDF-".to_vec()).await.unwrap();
        let kept_path = folder.join(kept.name());
        kept.keep();
        assert!(kept_path.exists());
    }
}
