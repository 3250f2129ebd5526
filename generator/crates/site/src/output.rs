//! Writing a build to disk: everything goes to a staging folder, then takes the place of the old output.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::{Indexing, run};
use crate::cache::BuildCache;
use crate::indexing::{Pages, index_for_search};
use crate::site::{Body, BuildOptions, Site};
use crate::timings::Timings;
use respi_sources::config::CONFIG_FILE;
use respi_sources::content::CONTENT_DIR;
use respi_sources::diagnostics::Diagnostics;

/// Why writing a build to disk failed.
#[derive(Debug)]
pub enum WriteError {
    /// The content, the theme or the search index has errors: nothing was written.
    Build(Diagnostics),
    /// The output folder could not be written: the previous output is untouched.
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// What [`build_to_dir`] wrote.
pub struct Written {
    pub page_count: usize,
    pub file_count: usize,
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
}

/// Builds the site and writes it to `out_dir` through a staging folder that replaces the old
/// output only when everything, search index included, is written. The search index is made
/// after the pages are on disk and the rest of the build is freed, so the indexer's memory does
/// not add up with the build's.
pub fn build_to_dir(
    root: &Path,
    options: &BuildOptions,
    out_dir: &Path,
) -> Result<Written, WriteError> {
    let started = Instant::now();
    let (site, search) = {
        let mut cache = BuildCache::one_shot();
        run(root, options, &mut cache, Indexing::Later).map_err(WriteError::Build)?
    };
    let mut timings = Timings::new();
    let staging = Staging::create(out_dir)?;
    staging.write(&site.files)?;
    let Site {
        files,
        mut diagnostics,
        page_count,
        ..
    } = site;
    let mut file_count = files.len();
    drop(files);
    timings.lap("write");
    if let Some(input) = search {
        return_freed_memory();
        let pages = input
            .pages
            .into_iter()
            .map(|(url, path, _)| (url, staging.path().join(path)))
            .collect();
        let mut index = BTreeMap::new();
        index_for_search(
            Pages::Written(pages),
            input.records,
            &mut index,
            &mut diagnostics,
            None,
        );
        if diagnostics.has_errors() {
            diagnostics.sort();
            return Err(WriteError::Build(diagnostics));
        }
        file_count += index.len();
        staging.write(&index)?;
        timings.lap("search");
    }
    staging.publish()?;
    Ok(Written {
        page_count,
        file_count,
        diagnostics,
        elapsed: started.elapsed(),
    })
}

/// Hands the memory the build has freed back to the system before the search index is made.
/// glibc's allocator keeps freed memory in the arena of the thread that used it, where the
/// indexer's threads would not find it: they would take new memory beside it.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the system;
        // it takes no pointer and leaves every allocation in place.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Writes `files` into `out_dir`, replacing it only once everything is written.
pub fn write_atomically(files: &BTreeMap<String, Body>, out_dir: &Path) -> io::Result<()> {
    let staging = Staging::create(out_dir)?;
    staging.write(files)?;
    staging.publish()
}

/// A folder beside the output that a build is written into, in one or more steps, and that takes
/// the output's place only when [`Staging::publish`] is called. Dropped before that, it is removed
/// and the previous output stays as it was.
pub struct Staging {
    dir: PathBuf,
    old: PathBuf,
    out_dir: PathBuf,
    published: bool,
}

impl Staging {
    /// Creates an empty staging folder for `out_dir`; refuses a folder holding the site's sources.
    pub fn create(out_dir: &Path) -> io::Result<Staging> {
        if out_dir.join(CONFIG_FILE).exists() || out_dir.join(CONTENT_DIR).is_dir() {
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
        let dir = parent.join(format!(".{name}.staging"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            old: parent.join(format!(".{name}.old")),
            out_dir: out_dir.to_path_buf(),
            published: false,
        })
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `files` (paths relative to the output folder) into the staging folder, in parallel.
    pub fn write(&self, files: &BTreeMap<String, Body>) -> io::Result<()> {
        // Each folder once, parents first (in order a parent sorts before its children), rather
        // than a `create_dir_all` for every file.
        let folders: BTreeSet<&str> = files
            .keys()
            .filter_map(|path| path.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        for folder in folders {
            match std::fs::create_dir(self.dir.join(folder)) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                    std::fs::create_dir_all(self.dir.join(folder))?
                }
                _ => {}
            }
        }
        files.par_iter().try_for_each(|(path, body)| {
            let target = self.dir.join(path);
            match body {
                Body::Bytes(b) => std::fs::write(&target, b.as_slice()),
                Body::File(src) => std::fs::copy(src, &target).map(|_| ()),
            }
        })
    }

    /// Puts the staging folder in the output's place; the previous output is removed after.
    pub fn publish(mut self) -> io::Result<()> {
        if self.old.exists() {
            std::fs::remove_dir_all(&self.old)?;
        }
        if self.out_dir.exists() {
            std::fs::rename(&self.out_dir, &self.old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out_dir) {
            // Put the previous output back: a failed build never leaves the site missing.
            if self.old.exists() {
                let _ = std::fs::rename(&self.old, &self.out_dir);
            }
            return Err(e);
        }
        self.published = true;
        if self.old.exists() {
            std::fs::remove_dir_all(&self.old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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
    fn an_unpublished_staging_folder_leaves_the_output_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "vecchio").unwrap();
        let staging = Staging::create(&out).unwrap();
        let mut files = BTreeMap::new();
        files.insert(
            "index.html".to_string(),
            Body::Bytes(std::sync::Arc::new(b"nuovo".to_vec())),
        );
        staging.write(&files).unwrap();
        assert!(dir.path().join(".public.staging/index.html").exists());
        drop(staging);
        assert!(!dir.path().join(".public.staging").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "vecchio"
        );
    }

    #[test]
    fn refuses_to_overwrite_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        let err = write_atomically(&BTreeMap::new(), dir.path()).unwrap_err();
        assert!(err.to_string().contains("sorgenti"));
    }
}
