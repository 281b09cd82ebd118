//! Locked read-modify-write of small files: an exclusive lock on a sibling `.lock` file, a temp
//! file in the same folder, `rename` over the original, mode 0600, folders we create 0700.
//!
//! [`Locked::write`] is the only way to write, and it needs the guard, so nothing can write a
//! shared file without holding its lock (as uv's auth store does).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// An exclusive lock on one file, held until dropped.
#[derive(Debug)]
pub struct Locked {
    path: PathBuf,
    _lock: File,
}

impl Locked {
    /// Locks `path` (waiting for other holders), creating its folder (0700) if needed.
    ///
    /// A symlinked file is followed, so the link survives and its target is what gets replaced.
    pub fn acquire(path: &Path) -> Result<Self> {
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = parent_of(&path);
        create_private_dir(dir)?;
        let mut lock_name = path.file_name().unwrap_or_default().to_os_string();
        lock_name.push(".lock");
        let lock_path = dir.join(lock_name);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        Ok(Self { path, _lock: lock })
    }

    /// The file's current text ("" if it does not exist yet).
    pub fn read(&self) -> Result<String> {
        read_or_empty(&self.path)
    }

    /// Replaces the file with `text` atomically, mode 0600.
    pub fn write(&self, text: &str) -> Result<()> {
        let dir = parent_of(&self.path);
        let err = |e| Error::io(&self.path, e);
        let mut tmp = tempfile::Builder::new()
            .prefix(".cognito-auth-")
            .tempfile_in(dir)
            .map_err(err)?;
        tmp.write_all(text.as_bytes()).map_err(err)?;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(&self.path).map_err(|e| err(e.error))?;
        Ok(())
    }
}

/// Reads a file's text, treating a missing file as empty.
pub fn read_or_empty(path: &Path) -> Result<String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Creates `dir` and any missing parents with mode 0700; an existing folder is left as it is.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(dir, e))
}

fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_creates_private_folder_and_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("new/dir/credentials");
        let locked = Locked::acquire(&path).unwrap();
        assert_eq!(locked.read().unwrap(), "");
        locked.write("[a]\n").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(fs::read_to_string(&path).unwrap(), "[a]\n");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&tmp.path().join("new/dir")), 0o700);
        assert_eq!(mode(&tmp.path().join("new")), 0o700);
    }

    #[test]
    fn write_follows_a_symlink_and_keeps_it() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("dotfiles-credentials");
        fs::write(&real, "old").unwrap();
        let link = tmp.path().join("credentials");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        Locked::acquire(&link).unwrap().write("new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }
}
