//! Where one profile's sections are in a large INI file, remembered between runs: reading one
//! profile out of a file of 10,000 then reads a few hundred bytes instead of parsing megabytes.
//!
//! An entry names the file by its stamps (device, inode, size, modification and change times
//! in nanoseconds) and lists the byte ranges of the sections one lookup reads: the profile's
//! and every `[DEFAULT]`. Any write to a file moves its change time, which no program can set
//! back, so an entry whose stamps match the file describes the text in it, with one exception
//! git knows as "racily clean": a second write in the same clock tick as the one the stamps
//! recorded. So an entry is made only
//! - for a file read and checked whole whose times were already 2 s old (any later write gets
//!   a later time), or
//! - by us, for a file we have just written, under its lock.
//!
//! Entries hold offsets, never values: nothing of the file (keys, secrets) is copied into the
//! cache. A file under [`MIN_SIZE`] is read whole, which costs no more than an entry. Anything
//! wrong with an entry (missing, unreadable, stamps that differ, ranges that do not parse)
//! means reading the whole file, as without the index; a failure to save one is ignored.

use std::fs::{self, File};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::ini::{self, Ini};
use crate::error::Result;

/// Files smaller than this are read whole.
pub const MIN_SIZE: u64 = 64 * 1024;

/// How old a file's times must be for an entry to be made from reading it (see the module).
const SETTLED: Duration = Duration::from_secs(2);

/// The sections a lookup reads, besides `[DEFAULT]`.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a> {
    /// The section with this exact name (the credentials file, our config file).
    Named(&'a str),
    /// The sections botocore reads as this profile in the config file (`[profile NAME]`,
    /// `[default]`, `[profile "NAME"]`...).
    Profile(&'a str),
}

impl Pick<'_> {
    fn matches(self, section: &str) -> bool {
        match self {
            Pick::Named(name) => section == name,
            Pick::Profile(profile) => {
                ini::botocore_profile_name(section).as_deref() == Some(profile)
            }
        }
    }

    fn key(self) -> String {
        match self {
            Pick::Named(name) => format!("named:{name}"),
            Pick::Profile(profile) => format!("profile:{profile}"),
        }
    }
}

/// A file's identity and change stamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamps {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl Stamps {
    fn of(meta: &fs::Metadata) -> Self {
        let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Whether no write can still land with these times (see the module).
    fn settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let limit = now.saturating_sub(SETTLED).as_nanos() as i128;
        self.mtime_ns < limit && self.ctime_ns < limit
    }
}

/// One entry as stored.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: String,
    pick: String,
    stamps: Stamps,
    spans: Vec<(u64, u64)>,
}

/// The sections of `path` that `pick` names, and every `[DEFAULT]`, as an [`Ini`] that holds only
/// them: from the index when it has an entry for the file as it is now, else by reading the
/// whole file with `read_whole` and parsing it (its errors are the caller's), indexing it when
/// it is large and settled. A missing file reads as empty.
pub fn read(
    path: &Path,
    pick: Pick<'_>,
    read_whole: impl FnOnce() -> Result<String>,
) -> Result<Ini> {
    let before = match fs::metadata(path) {
        Ok(meta) if meta.size() >= MIN_SIZE => Some(Stamps::of(&meta)),
        _ => None,
    };
    let Some(before) = before else {
        return super::parse(path, &read_whole()?);
    };
    if let Some(ini) = from_entry(path, pick, before) {
        return Ok(ini);
    }
    let ini = super::parse(path, read_whole()?)?;
    // Saved only if the file did not change while it was read, and cannot change unseen.
    let after = fs::metadata(path).map(|m| Stamps::of(&m));
    if after.is_ok_and(|after| after == before) && before.settled(SystemTime::now()) {
        save(path, pick, before, &ini);
    }
    Ok(ini)
}

/// For an edit under the file's lock: the text `read_whole` reads, as an [`Ini`] in which only
/// `pick`'s sections and `[DEFAULT]` are parsed ([`Ini::parse_spans`]) when the index has an
/// entry for the file as it is (same stamps before and after the read); else parsed whole.
pub fn read_for_edit(
    path: &Path,
    pick: Pick<'_>,
    read_whole: impl Fn() -> Result<String>,
) -> Result<Ini> {
    let stamps = || fs::metadata(path).ok().map(|m| Stamps::of(&m));
    let before = stamps();
    let text = read_whole()?;
    if let Some(before) = before.filter(|b| b.size >= MIN_SIZE)
        && stamps() == Some(before)
        && let Some(spans) = load(path, pick, before)
    {
        match Ini::parse_spans(text, &spans) {
            Ok(ini) => return Ok(ini),
            // Not the file the entry was made for after all: read as if there were none.
            Err(_) => return super::parse(path, read_whole()?),
        }
    }
    super::parse(path, text)
}

/// Records where `pick`'s sections are in `ini`, which was just written to `path` (under its
/// lock, so the stamps now on the file are those of this text).
pub fn record_written(path: &Path, pick: Pick<'_>, ini: &Ini) {
    if let Ok(meta) = fs::metadata(path)
        && meta.size() >= MIN_SIZE
    {
        save(path, pick, Stamps::of(&meta), ini);
    }
}

/// The sections from the index entry, if it matches the file as it is now.
fn from_entry(path: &Path, pick: Pick<'_>, stamps: Stamps) -> Option<Ini> {
    let spans = load(path, pick, stamps)?;
    let file = File::open(path).ok()?;
    // The file opened must be the one stat'ed: a rename in between shows as other stamps.
    if Stamps::of(&file.metadata().ok()?) != stamps {
        return None;
    }
    let mut sections = Vec::with_capacity(spans.len());
    for &(start, end) in &spans {
        let mut bytes = vec![0; end - start];
        file.read_exact_at(&mut bytes, start as u64).ok()?;
        sections.push(String::from_utf8(bytes).ok()?);
    }
    let ini = Ini::parse_sections(sections.iter().map(String::as_str)).ok()?;
    // The entry must hold what it claims: the sections it names, and no others.
    let names = ini.section_names();
    names.iter().all(|name| pick.matches(name)).then_some(ini)
}

/// The spans of the entry for `path` and `pick`, if it was made for a file with these stamps;
/// in order, within the file and not empty.
fn load(path: &Path, pick: Pick<'_>, stamps: Stamps) -> Option<Vec<(usize, usize)>> {
    let entry: Entry = serde_json::from_slice(&fs::read(entry_path(path, pick)?).ok()?).ok()?;
    if entry.path != path.to_string_lossy() || entry.pick != pick.key() || entry.stamps != stamps {
        return None;
    }
    let mut end_before = 0;
    let mut spans = Vec::with_capacity(entry.spans.len());
    for (start, end) in entry.spans {
        if start < end_before || end <= start || end > stamps.size {
            return None;
        }
        end_before = end;
        spans.push((usize::try_from(start).ok()?, usize::try_from(end).ok()?));
    }
    Some(spans)
}

fn save(path: &Path, pick: Pick<'_>, stamps: Stamps, ini: &Ini) {
    let Some(entry_path) = entry_path(path, pick) else {
        return;
    };
    let entry = Entry {
        path: path.to_string_lossy().into_owned(),
        pick: pick.key(),
        stamps,
        spans: ini
            .section_spans(|s| pick.matches(s))
            .into_iter()
            .map(|(a, b)| (a as u64, b as u64))
            .collect(),
    };
    let Ok(json) = serde_json::to_vec(&entry) else {
        return;
    };
    let Some(dir) = entry_path.parent() else {
        return;
    };
    if super::store::create_private_dir(dir).is_err() {
        return;
    }
    // Temp file and rename, so a reader never sees half an entry; no fsync, as a lost entry
    // only means reading the whole file once more.
    if let Ok(mut tmp) = tempfile::Builder::new().prefix(".index-").tempfile_in(dir) {
        use std::io::Write;
        if tmp.write_all(&json).is_ok() {
            let _ = tmp.persist(&entry_path);
        }
    }
}

/// `<cache>/index/<hash of the path and the pick>.json`.
fn entry_path(path: &Path, pick: Pick<'_>) -> Option<PathBuf> {
    use std::hash::Hasher;
    let mut hash = ini::Fnv::default();
    hash.write(path.as_os_str().as_encoded_bytes());
    hash.write(&[0]);
    hash.write(pick.key().as_bytes());
    let dir = crate::cache::cache_dir().ok()?;
    Some(
        dir.join("index")
            .join(format!("{:016x}.json", hash.finish())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_means_both_times_are_two_seconds_old() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let at = |m: i128, c: i128| Stamps {
            dev: 1,
            ino: 2,
            size: 3,
            mtime_ns: m * 1_000_000_000,
            ctime_ns: c * 1_000_000_000,
        };
        assert!(at(997, 997).settled(now));
        assert!(!at(999, 997).settled(now));
        assert!(!at(997, 999).settled(now));
        assert!(!at(1_001, 1_001).settled(now));
    }

    #[test]
    fn sections_read_alone_read_as_in_the_whole_file() {
        // An indented header after an open option at a deeper indentation is a header in the
        // file; read alone after a section whose last key is at column 0 it would be a
        // continuation, unless its indentation is dropped.
        let text = "[DEFAULT]\nregion = x\n[a]\nk = 1\n[c]\n  k = 1\n  [d]\nkey = 2\n";
        let whole = Ini::parse(text).unwrap();
        let picked = |s: &str| s == "a" || s == "d";
        let spans = whole.section_spans(picked);
        let part = Ini::parse_sections(spans.iter().map(|&(a, b)| &text[a..b])).unwrap();
        for (section, key) in [("a", "k"), ("a", "region"), ("d", "key"), ("d", "region")] {
            assert_eq!(
                part.get(section, key),
                whole.get(section, key),
                "{section}.{key}"
            );
        }
        assert_eq!(part.section_names(), ["a", "d"]);
    }
}
