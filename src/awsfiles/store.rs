//! Locked read-modify-write of small files: an exclusive lock on a sibling `.lock` file, a temp
//! file in the same folder, `rename` over the original, mode 0600, folders we create 0700.
//!
//! [`Locked::write`] is the only way to write, and it needs the guard, so nothing can write a
//! shared file without holding its lock (as uv's auth store does). A write can also be split in
//! two, [`Locked::prepare`] (temp file written and fsynced) and [`Prepared::commit`] (the
//! rename), so a transaction can get every write ready before the first one lands.
//!
//! Temp files are named after their target (`.cognito-auth-<name>.XXXXXX`), so whoever holds a
//! target's lock knows that every temp of that name is a leftover of a writer that is gone (a
//! killed process) and removes it; another file's in-flight temp is never touched.
//!
//! Waiting for a lock is bounded by `COGNITO_AUTH_TIMEOUT` (10 s by default): a process stuck
//! while holding it must not hold every caller queued behind it.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::ini::Piece;
use crate::error::{Error, Result};

/// The prefix of every temp file we create.
pub const TEMP_PREFIX: &str = ".cognito-auth-";
/// Random characters after a temp file's `<prefix><name>.`.
const TEMP_RANDOM: usize = 6;

/// An exclusive lock on one file, held until dropped.
#[derive(Debug)]
pub struct Locked {
    path: PathBuf,
    _lock: File,
}

impl Locked {
    /// Locks `path` (waiting for other holders up to [`timeout`]), creating its folder (0700)
    /// if needed, and removes the temp files that killed writers of `path` left behind.
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
        // A command bounded as a whole waits until its deadline; any other waits one bound.
        let wait = crate::sdk::bound()?;
        let until = crate::sdk::command_deadline().unwrap_or_else(|| Instant::now() + wait);
        wait_for_lock(&lock, &lock_path, until, wait)?;
        let locked = Self { path, _lock: lock };
        locked.sweep();
        Ok(locked)
    }

    /// The locked file's path (a symlink resolved).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's current text ("" if it does not exist yet).
    pub fn read(&self) -> Result<String> {
        read_or_empty(&self.path)
    }

    /// Replaces the file with `text` atomically, mode 0600.
    pub fn write(&self, text: &str) -> Result<()> {
        self.prepare(text)?.commit()
    }

    /// Writes `text` to a temp file beside the target and fsyncs it; nothing visible changes
    /// until [`Prepared::commit`]. Dropping the result removes the temp file.
    pub fn prepare(&self, text: &str) -> Result<Prepared> {
        self.prepare_pieces([Piece::Text(text)], None)
    }

    /// [`Locked::prepare`] for a text given in pieces (an [`super::ini::Ini`]'s lines), written
    /// as they come: a file of 10,000 profiles is not copied into one string first. A piece
    /// that stayed in the file it was read from is copied from `source` by the kernel
    /// (`copy_file_range`), never through memory.
    pub fn prepare_pieces<'a>(
        &self,
        pieces: impl IntoIterator<Item = Piece<'a>>,
        source: Option<&File>,
    ) -> Result<Prepared> {
        let dir = parent_of(&self.path);
        let err = |e| Error::io(&self.path, e);
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .rand_bytes(TEMP_RANDOM)
            .permissions(fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map_err(err)?;
        let out = tmp.as_file_mut();
        let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
        for piece in pieces {
            match piece {
                Piece::Text(text) => {
                    if buffer.len() + text.len() > buffer.capacity() {
                        out.write_all(&buffer).map_err(err)?;
                        buffer.clear();
                    }
                    if text.len() > buffer.capacity() {
                        out.write_all(text.as_bytes()).map_err(err)?;
                    } else {
                        buffer.extend_from_slice(text.as_bytes());
                    }
                }
                Piece::Elsewhere(from, to) => {
                    out.write_all(&buffer).map_err(err)?;
                    buffer.clear();
                    copy_range(source, from, to, out).map_err(err)?;
                }
            }
        }
        out.write_all(&buffer).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        Ok(Prepared {
            path: self.path.clone(),
            tmp,
        })
    }

    /// Removes the file (under the lock); whether there was one.
    pub fn remove(&self) -> Result<bool> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    fn temp_prefix(&self) -> String {
        temp_prefix(&self.path)
    }

    fn sweep(&self) {
        sweep_temps(&self.path);
    }
}

fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    format!("{TEMP_PREFIX}{name}.")
}

/// Removes the temp files of writes to `path` that never landed. Call it only while holding
/// the lock every writer of `path` holds: then no live writer has one open. Best effort: a
/// leftover that cannot be removed harms nothing but space.
pub fn sweep_temps(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(parent_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        // Exactly the random part: `credentials.bak`'s temps (`bak.XXXXXX`) are not ours.
        if rest.len() == TEMP_RANDOM && rest.chars().all(|c| c.is_ascii_alphanumeric()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A temp file written and fsynced, waiting to replace its target. Only [`Locked::prepare`]
/// makes one, so its target was locked; keep the [`Locked`] alive until it is committed.
#[derive(Debug)]
pub struct Prepared {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl Prepared {
    /// The file this replaces.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the temp file over the target and fsyncs the folder.
    pub fn commit(self) -> Result<()> {
        let path = &self.path;
        self.tmp
            .persist(path)
            .map_err(|e| Error::io(path, e.error))?;
        // The rename itself is durable only once the folder is synced.
        if let Ok(dir) = File::open(parent_of(path)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Takes the lock, polling until `wait` has passed: std's `File::lock` cannot time out.
fn wait_for_lock(lock: &File, lock_path: &Path, deadline: Instant, wait: Duration) -> Result<()> {
    let mut pause = Duration::from_millis(5);
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(lock_path, e)),
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Error::LockTimeout {
                path: lock_path.to_owned(),
                secs: wait.as_secs(),
            });
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Appends bytes `from..to` of `source` to `out` (std's `io::copy` between files is the
/// kernel's `copy_file_range`); a source shorter than that is an error.
fn copy_range(source: Option<&File>, from: u64, to: u64, out: &mut File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut source = source.ok_or_else(|| std::io::Error::other("no file to copy from"))?;
    source.seek(SeekFrom::Start(from))?;
    let copied = std::io::copy(&mut source.take(to - from), out)?;
    if copied != to - from {
        return Err(std::io::Error::other(
            "the file changed while it was being rewritten",
        ));
    }
    Ok(())
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
    fn a_prepared_write_changes_nothing_until_committed_and_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        fs::write(&path, "old").unwrap();
        let locked = Locked::acquire(&path).unwrap();
        let prepared = locked.prepare("new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        drop(prepared);
        locked.prepare("newer").unwrap().commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "newer");
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn the_lock_sweeps_its_own_leftover_temps_and_no_other_file_s() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for name in [
            ".cognito-auth-credentials.a1B2c3", // a killed writer of credentials
            ".cognito-auth-credentials.bak.a1B2c3", // credentials.bak's
            ".cognito-auth-config.a1B2c3",      // config's, maybe in flight
            ".cognito-auth-credentials.toolong7", // not a name we make
        ] {
            fs::write(dir.join(name), "secret").unwrap();
        }
        let _locked = Locked::acquire(&dir.join("credentials")).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".cognito-auth-config.a1B2c3",
                ".cognito-auth-credentials.bak.a1B2c3",
                ".cognito-auth-credentials.toolong7",
            ]
        );
    }

    #[test]
    fn a_held_lock_is_waited_for_only_up_to_the_bound() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("credentials");
        let _held = Locked::acquire(&path).unwrap();
        let lock_path = tmp.path().join("credentials.lock");
        let other = File::options().write(true).open(&lock_path).unwrap();
        let err = wait_for_lock(&other, &lock_path, Instant::now(), Duration::ZERO).unwrap_err();
        assert!(
            matches!(&err, Error::LockTimeout { path, secs: 0 } if *path == lock_path),
            "{err}"
        );
        assert_eq!(err.exit_code(), crate::error::EXIT_FAILURE);
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
