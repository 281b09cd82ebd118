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
    Index::here().read(path, pick, read_whole)
}

/// For an edit under the file's lock: the text `read_whole` reads, as an [`Ini`] in which only
/// `pick`'s sections and `[DEFAULT]` are parsed ([`Ini::parse_spans`]) when the index has an
/// entry for the file as it is (same stamps before and after the read); else parsed whole.
pub fn read_for_edit(
    path: &Path,
    pick: Pick<'_>,
    read_whole: impl Fn() -> Result<String>,
) -> Result<ForEdit> {
    Index::here().read_for_edit(path, pick, read_whole, WINDOW)
}

/// How far around a run of lines outside the picked sections is read to find its first and
/// last lines: a run whose first or last line is longer is read whole.
const WINDOW: usize = 4096;

/// What an edit starts from: the file as an [`Ini`], and, when only the picked sections (and
/// the lines beside them) were read, the open file that holds the rest, to copy it from.
#[derive(Debug)]
pub struct ForEdit {
    pub ini: Ini,
    source: Option<(File, Stamps)>,
}

impl ForEdit {
    fn whole(ini: Ini) -> Self {
        Self { ini, source: None }
    }

    /// The file the rest of the text is copied from, if it was not read.
    pub fn source(&self) -> Option<&File> {
        self.source.as_ref().map(|(file, _)| file)
    }

    /// Whether the file the rest was copied from is still as it was read (asked after the
    /// copy: a tool that ignores our lock may have written it in place meanwhile).
    pub fn unchanged(&self) -> bool {
        self.source
            .as_ref()
            .is_none_or(|(file, stamps)| file.metadata().is_ok_and(|m| Stamps::of(&m) == *stamps))
    }
}

/// Records where `pick`'s sections are in `ini`, which was just written to `path` (under its
/// lock, so the stamps now on the file are those of this text).
pub fn record_written(path: &Path, pick: Pick<'_>, ini: &Ini) {
    Index::here().record_written(path, pick, ini);
}

/// The folder of the entries and the time: the cache's and the clock's, or a test's.
struct Index {
    dir: Option<PathBuf>,
    now: SystemTime,
}

impl Index {
    fn here() -> Self {
        Self {
            dir: crate::cache::cache_dir().ok().map(|d| d.join("index")),
            now: SystemTime::now(),
        }
    }

    fn read(
        &self,
        path: &Path,
        pick: Pick<'_>,
        read_whole: impl FnOnce() -> Result<String>,
    ) -> Result<Ini> {
        let before = match fs::metadata(path) {
            Ok(meta) if meta.size() >= MIN_SIZE => Stamps::of(&meta),
            _ => return super::parse(path, read_whole()?),
        };
        if let Some(ini) = self.sections_from_entry(path, pick, before) {
            return Ok(ini);
        }
        let ini = super::parse(path, read_whole()?)?;
        // Saved only if the file did not change while it was read, and cannot change unseen.
        let after = fs::metadata(path).map(|m| Stamps::of(&m));
        if after.is_ok_and(|after| after == before) && before.settled(self.now) {
            self.save(path, pick, before, &ini);
        }
        Ok(ini)
    }

    fn read_for_edit(
        &self,
        path: &Path,
        pick: Pick<'_>,
        read_whole: impl Fn() -> Result<String>,
        window: usize,
    ) -> Result<ForEdit> {
        let stamps = || fs::metadata(path).ok().map(|m| Stamps::of(&m));
        let before = stamps();
        if let Some(before) = before.filter(|b| b.size >= MIN_SIZE)
            && let Some(spans) = self.load(path, pick, before)
        {
            if let Some(edit) = sparse(path, pick, before, &spans, window) {
                return Ok(edit);
            }
            // A `[DEFAULT]` among the sections (an edit is then checked against the whole
            // text), or lines too long to find in a window: the whole text, sections parsed.
            let text = read_whole()?;
            if stamps() == Some(before) {
                match Ini::parse_spans(text, &spans) {
                    Ok(ini) if holds_only(&ini, pick) => return Ok(ForEdit::whole(ini)),
                    // Not the file the entry was made for after all: as if there were none.
                    _ => return Ok(ForEdit::whole(super::parse(path, read_whole()?)?)),
                }
            }
            return Ok(ForEdit::whole(super::parse(path, text)?));
        }
        Ok(ForEdit::whole(super::parse(path, read_whole()?)?))
    }

    fn record_written(&self, path: &Path, pick: Pick<'_>, ini: &Ini) {
        if let Ok(meta) = fs::metadata(path)
            && meta.size() >= MIN_SIZE
        {
            self.save(path, pick, Stamps::of(&meta), ini);
        }
    }

    /// The sections from the index entry, if it matches the file as it is now.
    fn sections_from_entry(&self, path: &Path, pick: Pick<'_>, stamps: Stamps) -> Option<Ini> {
        let spans = self.load(path, pick, stamps)?;
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
        holds_only(&ini, pick).then_some(ini)
    }

    /// The spans of the entry for `path` and `pick`, if it was made for a file with these
    /// stamps; in order, within the file and not empty.
    fn load(&self, path: &Path, pick: Pick<'_>, stamps: Stamps) -> Option<Vec<(usize, usize)>> {
        let bytes = fs::read(self.entry_path(path, pick)?).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        if entry.path != path.to_string_lossy()
            || entry.pick != pick.key()
            || entry.stamps != stamps
        {
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

    fn save(&self, path: &Path, pick: Pick<'_>, stamps: Stamps, ini: &Ini) {
        let Some(entry_path) = self.entry_path(path, pick) else {
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

    /// `<index>/<hash of the path and the pick>.json`.
    fn entry_path(&self, path: &Path, pick: Pick<'_>) -> Option<PathBuf> {
        use std::hash::Hasher;
        let mut hash = ini::Fnv::default();
        hash.write(path.as_os_str().as_encoded_bytes());
        hash.write(&[0]);
        hash.write(pick.key().as_bytes());
        Some(
            self.dir
                .as_ref()?
                .join(format!("{:016x}.json", hash.finish())),
        )
    }
}

/// The file of `stamps` read for an edit without its bulk: the sections at `spans`, and of each
/// run of lines between them its first and last lines (what the editor looks at); the lines
/// between those stay in the file, to be copied from it. `None` where that cannot be done
/// (the file changed, a line longer than `window`, a `[DEFAULT]` among the sections, an entry
/// that does not hold what it claims): the caller reads the whole file instead.
fn sparse(
    path: &Path,
    pick: Pick<'_>,
    stamps: Stamps,
    spans: &[(usize, usize)],
    window: usize,
) -> Option<ForEdit> {
    let file = File::open(path).ok()?;
    if Stamps::of(&file.metadata().ok()?) != stamps {
        return None;
    }
    let read_at = |from: usize, to: usize| -> Option<Vec<u8>> {
        let mut bytes = vec![0; to - from];
        file.read_exact_at(&mut bytes, from as u64).ok()?;
        Some(bytes)
    };
    let mut text: Vec<u8> = Vec::new();
    let mut compact_spans = Vec::with_capacity(spans.len());
    let mut gaps = Vec::new();
    let mut run = |from: usize, to: usize, text: &mut Vec<u8>| -> Option<()> {
        if to - from <= 2 * window {
            text.extend(read_at(from, to)?);
            return Some(());
        }
        let head = read_at(from, from + window)?;
        let first_end = first_line_end(&head)?;
        let tail = read_at(to - window, to)?;
        // Not at the tail's first byte: the byte before it might belong to the line.
        let last_start = to - window + ini::last_line_start(&tail)?;
        if from + first_end > last_start {
            return None;
        }
        text.extend(&head[..first_end]);
        if from + first_end < last_start {
            gaps.push((text.len(), (from + first_end) as u64, last_start as u64));
        }
        text.extend(&tail[last_start - (to - window)..]);
        Some(())
    };
    let mut at = 0;
    for &(start, end) in spans {
        if start > at {
            run(at, start, &mut text)?;
        }
        let compact_start = text.len();
        text.extend(read_at(start, end)?);
        compact_spans.push((compact_start, text.len()));
        at = end;
    }
    let size = usize::try_from(stamps.size).ok()?;
    if at < size {
        run(at, size, &mut text)?;
    }
    // Read as it was when its entry was checked, or not at all.
    if Stamps::of(&file.metadata().ok()?) != stamps {
        return None;
    }
    let text = String::from_utf8(text).ok()?;
    let ini = Ini::parse_spans_with_gaps(text, &compact_spans, &gaps).ok()?;
    if !holds_only(&ini, pick) || ini.has_section("DEFAULT") {
        return None;
    }
    Some(ForEdit {
        ini,
        source: Some((file, stamps)),
    })
}

/// Where the first line of `bytes` ends (after its ending), if that is inside them: a `\r` as
/// their last byte might be the start of a `\r\n`, so it does not count.
fn first_line_end(bytes: &[u8]) -> Option<usize> {
    let i = bytes.iter().position(|&b| b == b'\n' || b == b'\r')?;
    match (bytes[i], bytes.get(i + 1)) {
        (b'\r', Some(b'\n')) => Some(i + 2),
        (b'\r', None) => None,
        _ => Some(i + 1),
    }
}

/// Whether the sections read are the ones `pick` names (and `[DEFAULT]`), as an entry claims.
fn holds_only(ini: &Ini, pick: Pick<'_>) -> bool {
    ini.section_names().iter().all(|name| pick.matches(name))
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

    use std::cell::Cell;
    use std::io::{Seek, SeekFrom, Write};

    /// A file of 2,000 profiles (over [`MIN_SIZE`]) with `dev` in the middle.
    fn large_file(dir: &Path) -> PathBuf {
        let mut text = String::from("[DEFAULT]\nregion = eu-west-1\n");
        for i in 0..2_000 {
            let name = if i == 1_000 {
                "dev".to_owned()
            } else {
                format!("p{i:04}")
            };
            text.push_str(&format!("[{name}]\naws_access_key_id = AKIA{i:016}\n\n"));
        }
        let path = dir.join("credentials");
        fs::write(&path, text).unwrap();
        assert!(fs::metadata(&path).unwrap().size() >= MIN_SIZE);
        path
    }

    /// An index in `dir`, at a time when every file there is settled.
    fn settled_index(dir: &Path) -> Index {
        Index {
            dir: Some(dir.join("index")),
            now: SystemTime::now() + Duration::from_secs(60),
        }
    }

    /// Reads `dev` through `index`, counting whole reads.
    fn read_dev(index: &Index, path: &Path, whole_reads: &Cell<u32>) -> Ini {
        index
            .read(path, Pick::Named("dev"), || {
                whole_reads.set(whole_reads.get() + 1);
                Ok(fs::read_to_string(path).unwrap())
            })
            .unwrap()
    }

    #[test]
    fn a_settled_large_file_is_read_whole_once_then_from_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_file(dir.path());
        let index = settled_index(dir.path());
        let reads = Cell::new(0);
        for _ in 0..3 {
            let ini = read_dev(&index, &path, &reads);
            assert_eq!(
                ini.get("dev", "aws_access_key_id").unwrap(),
                format!("AKIA{:016}", 1_000)
            );
            assert_eq!(ini.get("dev", "region").as_deref(), Some("eu-west-1"));
        }
        assert_eq!(reads.get(), 1);
        // The entry holds offsets, not the file's values.
        let entries: Vec<_> = fs::read_dir(dir.path().join("index")).unwrap().collect();
        assert_eq!(entries.len(), 1);
        let entry = fs::read_to_string(entries[0].as_ref().unwrap().path()).unwrap();
        assert!(
            !entry.contains("AKIA") && !entry.contains("eu-west-1"),
            "{entry}"
        );
    }

    #[test]
    fn a_file_changed_in_place_with_its_size_and_mtime_kept_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_file(dir.path());
        let index = settled_index(dir.path());
        let reads = Cell::new(0);
        read_dev(&index, &path, &reads);
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();
        // Another tool rewrites dev's key in place: same size, and it puts the mtime back.
        let text = fs::read_to_string(&path).unwrap();
        let at = text.find(&format!("AKIA{:016}", 1_000)).unwrap();
        let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.seek(SeekFrom::Start(at as u64)).unwrap();
        file.write_all(b"ASIA").unwrap();
        file.set_modified(mtime).unwrap();
        drop(file);
        let ini = read_dev(&index, &path, &reads);
        assert_eq!(
            ini.get("dev", "aws_access_key_id").unwrap(),
            format!("ASIA{:016}", 1_000)
        );
        assert_eq!(reads.get(), 2);
    }

    #[test]
    fn no_entry_is_made_for_a_file_that_may_still_change_unseen() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_file(dir.path());
        let reads = Cell::new(0);
        // Written just now: a write in the same clock tick would leave the stamps as they are.
        let fresh = Index {
            dir: Some(dir.path().join("index")),
            now: SystemTime::now(),
        };
        read_dev(&fresh, &path, &reads);
        read_dev(&fresh, &path, &reads);
        assert_eq!(reads.get(), 2);
        assert!(!dir.path().join("index").exists());
        // A small file is always read whole.
        fs::write(&path, "[dev]\nk = v\n").unwrap();
        let index = settled_index(dir.path());
        read_dev(&index, &path, &reads);
        read_dev(&index, &path, &reads);
        assert_eq!(reads.get(), 4);
    }

    #[test]
    fn an_entry_that_names_other_sections_is_not_believed() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_file(dir.path());
        let index = settled_index(dir.path());
        let reads = Cell::new(0);
        read_dev(&index, &path, &reads);
        // The entry rewritten to point at another profile's section, stamps left right.
        let entry_path = index.entry_path(&path, Pick::Named("dev")).unwrap();
        let mut entry: Entry = serde_json::from_slice(&fs::read(&entry_path).unwrap()).unwrap();
        let whole = Ini::parse(fs::read_to_string(&path).unwrap()).unwrap();
        entry.spans = whole
            .section_spans(|s| s == "p0001")
            .into_iter()
            .map(|(a, b)| (a as u64, b as u64))
            .collect();
        let forge = || fs::write(&entry_path, serde_json::to_vec(&entry).unwrap()).unwrap();
        forge();
        let ini = read_dev(&index, &path, &reads);
        assert_eq!(
            ini.get("dev", "aws_access_key_id").unwrap(),
            format!("AKIA{:016}", 1_000)
        );
        assert_eq!(reads.get(), 2);
        forge();
        let edit = index
            .read_for_edit(
                &path,
                Pick::Named("dev"),
                || Ok(fs::read_to_string(&path).unwrap()),
                WINDOW,
            )
            .unwrap();
        assert!(
            edit.ini.has_section("p0001") && edit.ini.has_section("dev") && edit.source().is_none(),
            "parsed whole"
        );
        // Garbage is no entry either.
        fs::write(&entry_path, b"{not json").unwrap();
        read_dev(&index, &path, &reads);
        assert_eq!(reads.get(), 3);
    }

    /// The text an edit writes, the pieces left in the file copied from `file`.
    fn render(ini: &Ini, file: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in ini.pieces() {
            match piece {
                ini::Piece::Text(text) => out.extend(text.as_bytes()),
                ini::Piece::Elsewhere(from, to) => out.extend(&file[from as usize..to as usize]),
            }
        }
        out
    }

    #[test]
    fn an_edit_from_an_entry_writes_what_an_edit_of_the_whole_file_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_file(dir.path());
        // Without its [DEFAULT] (an edit is checked against the whole of a file with one).
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.strip_prefix("[DEFAULT]\nregion = eu-west-1\n")
                .unwrap(),
        )
        .unwrap();
        let index = settled_index(dir.path());
        let mut whole = Ini::parse(fs::read_to_string(&path).unwrap()).unwrap();
        index.record_written(&path, Pick::Named("dev"), &whole);
        let read_whole = || -> Result<String> { panic!("the file was read whole") };
        let mut edit = index
            .read_for_edit(&path, Pick::Named("dev"), read_whole, WINDOW)
            .unwrap();
        assert!(edit.source().is_some() && !edit.ini.has_section("p0001"));
        for ini in [&mut whole, &mut edit.ini] {
            ini.set(
                "dev",
                &[("aws_access_key_id", "NEW"), ("aws_session_token", "T")],
            );
        }
        let file = fs::read(&path).unwrap();
        assert!(render(&edit.ini, &file) == whole.to_text().as_bytes());
        assert!(edit.unchanged());
        // Held in memory: dev's section and the lines beside it, not the file.
        assert!(
            edit.ini
                .pieces()
                .any(|p| matches!(p, ini::Piece::Elsewhere(..)))
        );
    }

    mod fuzz {
        //! An edit from the profile's sections and the lines beside them (the rest left in the
        //! file) writes exactly what the same edit of the whole file writes, whatever the
        //! window. `PROPTEST_CASES` raises the number of cases (256 by default).
        use super::*;
        use proptest::prelude::*;

        fn files() -> impl Strategy<Value = String> {
            const LINES: &[&str] = &[
                "[dev]",
                "  [dev]",
                "[a]",
                "  [b]",
                "\t[c]",
                "k = 1",
                "  k2 = 2",
                "\tk3: 3",
                "aws_access_key_id = A",
                "s3 =",
                "    max = 1",
                "  v",
                "",
                "  ",
                "# c",
                "  ; c",
                "a much longer line than any window = x",
            ];
            // A file starts with a section ([DEFAULT] would have it read whole).
            ini::generated::files_of(LINES, 40).prop_map(|text| format!("[top]\n{text}"))
        }

        proptest! {
            #[test]
            fn a_sparse_edit_writes_what_a_whole_edit_writes(text in files(), window in 4usize..24) {
                let Ok(whole) = Ini::parse(text.as_str()) else { return Ok(()) };
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("credentials");
                fs::write(&path, &text).unwrap();
                let stamps = Stamps::of(&fs::metadata(&path).unwrap());
                let spans = whole.section_spans(|s| s == "dev");
                let Some(mut edit) = sparse(&path, Pick::Named("dev"), stamps, &spans, window) else {
                    return Ok(()); // read whole instead
                };
                let mut expected = whole.clone();
                let pairs = [("aws_access_key_id", "NEW"), ("aws_session_token", "T")];
                expected.set("dev", &pairs);
                edit.ini.set("dev", &pairs);
                prop_assert_eq!(
                    String::from_utf8(render(&edit.ini, text.as_bytes())).unwrap(),
                    expected.to_text()
                );
                prop_assert_eq!(edit.ini.get("dev", "note"), expected.get("dev", "note"));
            }
        }
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
