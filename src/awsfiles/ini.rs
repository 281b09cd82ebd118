//! A line editor for `~/.aws/credentials` and `~/.aws/config` that reads every line exactly as
//! botocore does and keeps every byte it was not asked to change.
//!
//! botocore reads both files with Python's `configparser.RawConfigParser()` in its default
//! settings (`botocore.configloader.raw_config_parse`), then maps `[profile NAME]` sections of the
//! config file to profiles with `shlex.split` (`build_profile_map`) and reads values that start on
//! the next line as nested blocks (`_parse_nested`). This module reproduces that reading rule for
//! rule (each rule names the Python it follows), so the section we edit is the one the AWS CLI and
//! SDKs read, the keys we write are never read as part of a neighbour's value (nor a neighbour's
//! lines as part of ours), and a file is refused exactly when botocore refuses it, with its line
//! number. No crate does this: rust-ini and ini-roundtrip follow other INI dialects, and the `shlex`
//! crate follows POSIX `sh` (comments, `$` escapes), not Python's `shlex.split`.

use std::collections::{HashMap, HashSet};

/// configparser's `default_section`: its keys are read into every other section.
const DEFAULT_SECTION: &str = "DEFAULT";

/// What one line of an INI file is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Nothing but whitespace (as `str.isspace` sees it).
    Blank,
    /// A full-line `#` or `;` comment (after any indentation).
    Comment,
    /// A `[header]` line: the name is everything between the first `[` and the last `]`.
    Section(String),
    /// A `key = value` (or `key: value`) line; the key is lower-cased, as configparser reads it.
    Key(Name),
    /// A line indented deeper than the key line above it: more of that key's value.
    Continuation,
    /// Text between the sections an [`Ini::parse_spans`] read, kept as one line that edits
    /// never touch; it ends a section as a header does (it starts with the next header).
    Opaque,
}

/// A key's name, lower-cased. Shared: in a file of 10,000 profiles the same few key names
/// repeat on every profile, and reading one allocates each name once.
type Name = std::sync::Arc<str>;

/// The value of an option whose text starts on the line after its key (an empty value on the
/// key line), as configparser gathers it: the only values that can start botocore's nested
/// blocks. Section, key, the key's line number and the value's pieces with their line numbers.
struct Block {
    section: String,
    key: String,
    key_line: usize,
    pieces: Vec<(usize, String)>,
}

/// A parsed INI file: its lines (each with its own line ending) and what each one is.
#[derive(Debug, Clone)]
pub struct Ini {
    /// The text as read: unedited lines are spans of it, so reading a file of 10,000 profiles
    /// allocates nothing per line.
    text: String,
    lines: Vec<Line>,
    kinds: Vec<Kind>,
    /// The line numbers of the section headers, in order: a lookup by name walks the headers,
    /// not every line.
    headers: Vec<usize>,
}

/// One line of the file: a span of the text as read, or a line an edit wrote.
#[derive(Debug, Clone)]
enum Line {
    Read(usize, usize),
    Written(String),
    /// Bytes `from..to` of the file that are not in memory: the middle of an opaque run of an
    /// [`Ini::parse_spans_with_gaps`], copied from the file when it is written. Its text reads
    /// as "": the editor never looks at it (only at the first and last lines of a run).
    Elsewhere(u64, u64),
}

/// A piece of the text to write: text, or bytes `from..to` of the file it was read from.
pub enum Piece<'a> {
    Text(&'a str),
    Elsewhere(u64, u64),
}

/// FNV-1a, for the set of section names a parse keeps: std's SipHash (which resists inputs
/// chosen to collide, needless for a user's own file) was a tenth of reading 10,000 profiles.
/// Ten lines, so no crate.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type BuildFnv = std::hash::BuildHasherDefault<Fnv>;

/// Why botocore would refuse a file: 1-based line number (as Python counts lines) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

impl Ini {
    /// Splits and classifies `text` as configparser does; fails where botocore would.
    /// Takes an owned `String` without copying it (a file of 10,000 profiles is a megabyte).
    pub fn parse(text: impl Into<String>) -> Result<Self, ParseError> {
        let text: String = text.into();
        let raws: Vec<&str> = split_lines(&text).collect();
        let mut kinds = Vec::with_capacity(raws.len());
        // configparser.RawConfigParser._read, with strict=True, empty_lines_in_values=True,
        // comment_prefixes ('#', ';') and no inline comment prefixes.
        let mut section: Option<&str> = None;
        // Whether an option is open (`optname` set and truthy): it takes continuation lines.
        let mut option_open = false;
        let mut indent_level = 0usize;
        // Sized for a file of profiles (a header and a few keys each): no rehash while reading.
        let mut seen_sections: HashMap<&str, usize, BuildFnv> =
            HashMap::with_capacity_and_hasher(raws.len() / 3, BuildFnv::default());
        // The keys of the current section are its `Key` kinds from `section_start` on, looked
        // through while they are few, then kept in a set; `[DEFAULT]`'s across all its headers.
        let mut section_start = 0;
        let mut section_keys: HashSet<Name> = HashSet::new();
        let mut default_keys: HashSet<Name> = HashSet::new();
        let mut names: HashMap<&str, Name, BuildFnv> = HashMap::default();
        // Values that start on the next line, for botocore's nested-block check; the open
        // option's, if it is one of them.
        let mut blocks: Vec<Block> = Vec::new();
        let mut open_block: Option<usize> = None;
        let mut first_bad: Option<(usize, &'static str)> = None;
        for (i, raw) in raws.iter().enumerate() {
            let lineno = i + 1;
            let line = strip_eol(raw).0;
            let value = py_strip(line);
            if matches!(value.as_bytes().first(), Some(b'#' | b';')) {
                kinds.push(Kind::Comment);
                continue;
            }
            if value.is_empty() {
                if option_open && let Some(b) = open_block {
                    blocks[b].pieces.push((lineno, String::new()));
                }
                kinds.push(Kind::Blank);
                continue;
            }
            let cur_indent = indent_chars(line);
            if option_open && cur_indent > indent_level {
                if let Some(b) = open_block {
                    blocks[b].pieces.push((lineno, value.to_owned()));
                }
                kinds.push(Kind::Continuation);
                continue;
            }
            indent_level = cur_indent;
            if let Some(name) = section_header(value) {
                if name != DEFAULT_SECTION {
                    if let Some(first) = seen_sections.insert(name, lineno) {
                        return Err(ParseError {
                            line: lineno,
                            reason: format!(
                                "section [{name}] appears twice (first on line {first})"
                            ),
                        });
                    }
                    section_keys.clear();
                    section_start = kinds.len() + 1;
                }
                section = Some(name);
                option_open = false;
                open_block = None;
                kinds.push(Kind::Section(name.to_owned()));
            } else if section.is_none() {
                return Err(ParseError {
                    line: lineno,
                    reason: if value.starts_with('[') {
                        "section header without a closing `]`".into()
                    } else {
                        "text before the first [section] header".into()
                    },
                });
            } else if let Some((raw_key, val)) = option_line(value) {
                let key: Name = if raw_key
                    .bytes()
                    .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
                {
                    names
                        .entry(raw_key)
                        .or_insert_with(|| raw_key.into())
                        .clone()
                } else {
                    py_lower(raw_key).into()
                };
                if key.is_empty() {
                    first_bad
                        .get_or_insert((lineno, "a `= value` line with no key before the `=`"));
                }
                let sect = section.unwrap_or_default();
                let seen_before = if sect == DEFAULT_SECTION {
                    !default_keys.insert(key.clone())
                } else if kinds.len() - section_start <= 32 {
                    kinds[section_start..]
                        .iter()
                        .any(|k| matches!(k, Kind::Key(k) if *k == key))
                } else {
                    if section_keys.is_empty() {
                        section_keys.extend(kinds[section_start..].iter().filter_map(
                            |k| match k {
                                Kind::Key(k) => Some(k.clone()),
                                _ => None,
                            },
                        ));
                    }
                    !section_keys.insert(key.clone())
                };
                if seen_before {
                    return Err(ParseError {
                        line: lineno,
                        reason: format!("key `{key}` appears twice in [{sect}]"),
                    });
                }
                option_open = !key.is_empty();
                open_block = (option_open && val.is_empty()).then(|| {
                    blocks.push(Block {
                        section: sect.to_owned(),
                        key: key.to_string(),
                        key_line: lineno,
                        pieces: vec![(lineno, String::new())],
                    });
                    blocks.len() - 1
                });
                kinds.push(Kind::Key(key));
            } else {
                // configparser collects these and raises a ParsingError at the end of the file;
                // a fatal error further down is raised first.
                first_bad.get_or_insert((
                    lineno,
                    if value.starts_with('[') {
                        "section header without a closing `]`"
                    } else {
                        "expected a [section] header or a `key = value` line (or an indented \
                         continuation, or a comment)"
                    },
                ));
                kinds.push(Kind::Comment);
            }
        }
        if let Some((line, reason)) = first_bad {
            return Err(ParseError {
                line,
                reason: reason.into(),
            });
        }
        let base = text.as_ptr() as usize;
        let lines = raws
            .iter()
            .map(|r| {
                let start = r.as_ptr() as usize - base;
                Line::Read(start, start + r.len())
            })
            .collect();
        let headers = kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| matches!(k, Kind::Section(_)))
            .map(|(i, _)| i)
            .collect();
        let ini = Self {
            text,
            lines,
            kinds,
            headers,
        };
        ini.check_nested(&blocks)?;
        Ok(ini)
    }

    /// Sections cut out of a file (each from its header to the next header), read as one file.
    /// A header read on its own is one at any indentation (the file around it made it one),
    /// and its indentation does not change how its section reads: it is dropped, so that the
    /// section before cannot make it a continuation line.
    pub fn parse_sections<'a>(
        sections: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, ParseError> {
        let alone: String = sections
            .into_iter()
            .map(|s| s.trim_start_matches(py_isspace))
            .collect();
        Self::parse(&alone)
    }

    /// `text` as [`Ini::parse`] reads it, where only `spans` (byte ranges from line starts to
    /// line starts, sorted, as [`Ini::section_spans`] gives for the whole of `text`) are
    /// parsed; the text between them is kept as [`Kind::Opaque`] lines. Edits to the sections
    /// read give the same text as on the whole file: each opaque run starts with the header that
    /// ended the section before it, which is all the editor looks at (its indentation and line
    /// ending). Checks only the spans: `text` must be a file [`Ini::parse`] accepts.
    pub fn parse_spans(text: String, spans: &[(usize, usize)]) -> Result<Self, ParseError> {
        Self::parse_spans_with_gaps(text, spans, &[])
    }

    /// [`Ini::parse_spans`] of a text that lacks the middles of some opaque runs: each gap
    /// `(at, from, to)` is bytes `from..to` of the file, missing from `text` at offset `at`,
    /// between the first and the last line of a run. They stay in the file
    /// ([`Line::Elsewhere`]), to be copied from it when the edit is written.
    pub fn parse_spans_with_gaps(
        text: String,
        spans: &[(usize, usize)],
        gaps: &[(usize, u64, u64)],
    ) -> Result<Self, ParseError> {
        // Where a line starts: either end of the text, or after a line ending (not inside one).
        let line_start = |i: usize| {
            let b = text.as_bytes();
            i == 0
                || i == b.len()
                || (i < b.len()
                    && matches!(b[i - 1], b'\n' | b'\r')
                    && !(b[i - 1] == b'\r' && b.get(i) == Some(&b'\n')))
        };
        let mut end_before = 0;
        for &(start, end) in spans {
            let bad = start < end_before || end <= start || end > text.len();
            if bad || !line_start(start) || !line_start(end) {
                return Err(ParseError {
                    line: 0,
                    reason: "section spans that do not fit the text".into(),
                });
            }
            end_before = end;
        }
        let parsed = Self::parse_sections(spans.iter().map(|&(a, b)| &text[a..b]))?;
        let mut kinds = parsed.kinds.into_iter();
        let (mut lines, mut out_kinds) = (Vec::new(), Vec::new());
        let mut at = 0;
        // An opaque run is its first line, the lines between and its last line: what the editor
        // reads of lines it does not edit is the indentation and ending of the lines beside its
        // edits, and "the first line with an ending".
        let opaque = |from: usize, to: usize, lines: &mut Vec<Line>, kinds: &mut Vec<Kind>| {
            let run = &text[from..to];
            let first = from + split_lines(run).next().map_or(0, str::len);
            let last = (from + last_line_start(run.as_bytes()).unwrap_or(0)).max(first);
            for (a, b) in [(from, first), (first, last), (last, to)] {
                if b > a {
                    lines.push(Line::Read(a, b));
                    kinds.push(Kind::Opaque);
                }
                if a == from && b == first && first == last {
                    for &(at, gap_from, gap_to) in gaps {
                        if at == first {
                            lines.push(Line::Elsewhere(gap_from, gap_to));
                            kinds.push(Kind::Opaque);
                        }
                    }
                }
            }
        };
        for &(start, end) in spans {
            if start > at {
                opaque(at, start, &mut lines, &mut out_kinds);
            }
            for raw in split_lines(&text[start..end]) {
                let from = raw.as_ptr() as usize - text.as_ptr() as usize;
                lines.push(Line::Read(from, from + raw.len()));
                out_kinds.push(kinds.next().ok_or_else(|| ParseError {
                    line: 0,
                    reason: "section spans split differently".into(),
                })?);
            }
            at = end;
        }
        if at < text.len() {
            opaque(at, text.len(), &mut lines, &mut out_kinds);
        }
        let placed = lines
            .iter()
            .filter(|l| matches!(l, Line::Elsewhere(..)))
            .count();
        if placed != gaps.len() {
            return Err(ParseError {
                line: 0,
                reason: "gaps that do not fall between the first and last lines of a run".into(),
            });
        }
        let headers = out_kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| matches!(k, Kind::Section(_) | Kind::Opaque))
            .map(|(i, _)| i)
            .collect();
        Ok(Self {
            text,
            lines,
            kinds: out_kinds,
            headers,
        })
    }

    /// botocore's `_parse_nested`: a value that starts on the line after its key is a block of
    /// `key = value` lines, and one without `=` makes botocore refuse the whole file. Only the
    /// sections botocore lists are read, each with the `[DEFAULT]` keys it inherits.
    fn check_nested(&self, blocks: &[Block]) -> Result<(), ParseError> {
        if blocks.is_empty() {
            return Ok(());
        }
        // A section's own key hides `[DEFAULT]`'s: a `[DEFAULT]` block is read (and checked)
        // only if some listed section lacks a key of that name.
        let names = self.section_names();
        let mut own: HashMap<&str, HashSet<&str>> = HashMap::new();
        let mut current: Option<&str> = None;
        for kind in &self.kinds {
            match kind {
                Kind::Section(s) => current = Some(s),
                Kind::Key(k) => {
                    if let Some(s) = current {
                        own.entry(s).or_default().insert(k.as_ref());
                    }
                }
                _ => {}
            }
        }
        let mut bad: Option<ParseError> = None;
        for block in blocks {
            let read = if block.section == DEFAULT_SECTION {
                names.iter().any(|n| {
                    !own.get(n.as_str())
                        .is_some_and(|keys| keys.contains(block.key.as_str()))
                })
            } else {
                // Listed sections only: [DEFAULT] is not one.
                true
            };
            if !read {
                continue;
            }
            let joined: Vec<&str> = block.pieces.iter().map(|(_, p)| p.as_str()).collect();
            let joined = joined.join("\n");
            if !py_rstrip(&joined).starts_with('\n') {
                continue;
            }
            for (lineno, piece) in &block.pieces {
                if py_splitlines(piece).any(|l| !py_strip(l).is_empty() && !l.contains('=')) {
                    let err = ParseError {
                        line: *lineno,
                        reason: format!(
                            "`{}` (line {}) starts a nested block of `key = value` lines, and \
                             this line has no `=`",
                            block.key, block.key_line
                        ),
                    };
                    if bad.as_ref().is_none_or(|b| b.line > err.line) {
                        bad = Some(err);
                    }
                }
            }
        }
        bad.map_or(Ok(()), Err)
    }

    /// Parses the text again: whether botocore reads what an edit made. An edit can make a file
    /// botocore refuses only through `[DEFAULT]`, whose nested blocks it checks once another
    /// section exists.
    pub fn check(&self) -> Result<(), ParseError> {
        // So without a `[DEFAULT]` there is nothing to read again (a file of 10,000 profiles
        // takes milliseconds to parse).
        if self.header(DEFAULT_SECTION).is_none() {
            return Ok(());
        }
        Self::parse(self.to_text()).map(drop)
    }

    /// The file's text in pieces (its lines, every unedited one exactly as it was read; what
    /// stayed in the file, as where it is there).
    pub fn pieces(&self) -> impl Iterator<Item = Piece<'_>> {
        self.lines.iter().enumerate().map(|(i, line)| match line {
            Line::Elsewhere(from, to) => Piece::Elsewhere(*from, *to),
            _ => Piece::Text(self.line(i)),
        })
    }

    /// The length of line `i` in the file.
    fn line_len(&self, i: usize) -> usize {
        match self.lines[i] {
            Line::Elsewhere(from, to) => (to - from) as usize,
            _ => self.line(i).len(),
        }
    }

    /// The file's text, every unedited line exactly as it was read. Not for an `Ini` that left
    /// part of the file where it is ([`Ini::parse_spans_with_gaps`]): write its [`Ini::pieces`].
    pub fn to_text(&self) -> String {
        debug_assert!(!self.lines.iter().any(|l| matches!(l, Line::Elsewhere(..))));
        let mut out = String::with_capacity(self.text.len() + 256);
        for i in 0..self.lines.len() {
            out.push_str(self.line(i));
        }
        out
    }

    /// Line `i` with its line ending.
    fn line(&self, i: usize) -> &str {
        match &self.lines[i] {
            Line::Read(from, to) => &self.text[*from..*to],
            Line::Written(line) => line,
            Line::Elsewhere(..) => "",
        }
    }

    /// The byte ranges, in [`Ini::to_text`], of every section `wanted` picks and of every
    /// `[DEFAULT]` (which the others inherit from), each from its header to the next header,
    /// in file order.
    pub fn section_spans(&self, wanted: impl Fn(&str) -> bool) -> Vec<(usize, usize)> {
        let picked: Vec<usize> = self
            .headers
            .iter()
            .copied()
            .filter(|&h| matches!(&self.kinds[h], Kind::Section(s) if s == DEFAULT_SECTION || wanted(s)))
            .collect();
        let mut spans = Vec::with_capacity(picked.len());
        let (mut offset, mut line) = (0, 0);
        let mut offset_of = |target: usize| {
            while line < target {
                offset += self.line_len(line);
                line += 1;
            }
            offset
        };
        for h in picked {
            let start = offset_of(h);
            spans.push((start, offset_of(self.section_end(h))));
        }
        spans
    }

    /// Whether a section with this exact name exists.
    pub fn has_section(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    /// The names of the sections botocore lists (all but `[DEFAULT]`), in file order.
    pub fn section_names(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter_map(|&i| match &self.kinds[i] {
                Kind::Section(s) if s != DEFAULT_SECTION => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// The config-file section botocore reads as `profile`: `[default]`, `[profile NAME]` or any
    /// other header `build_profile_map` maps to it (`[profile "NAME"]`, `[profile  NAME]`...);
    /// when several do, the last one, whose keys botocore keeps.
    pub fn profile_section(&self, profile: &str) -> Option<String> {
        // shlex only ever drops characters, so a header that maps to `profile` holds its
        // characters in order: that cheap test spares a split of every other header.
        let may_be = |s: &str| {
            let mut rest = s.chars();
            profile.chars().all(|c| rest.any(|r| r == c))
        };
        self.headers
            .iter()
            .rev()
            .filter_map(|&i| match &self.kinds[i] {
                Kind::Section(s) if s != DEFAULT_SECTION && may_be(s) => Some(s),
                _ => None,
            })
            .find(|s| botocore_profile_name(s).as_deref() == Some(profile))
            .cloned()
    }

    /// The value botocore reads for `key` in `section` (which inherits `[DEFAULT]`'s keys).
    pub fn get(&self, section: &str, key: &str) -> Option<String> {
        let key = py_lower(key);
        self.own_key_line(section, &key)
            .or_else(|| {
                (section != DEFAULT_SECTION && self.has_section(section))
                    .then(|| self.own_key_line(DEFAULT_SECTION, &key))
                    .flatten()
            })
            .map(|i| self.value_at(i))
    }

    /// All keys and values botocore reads in `section` (its own, then inherited ones).
    pub fn entries(&self, section: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .key_lines(section)
            .map(|(k, i)| (k.to_owned(), self.value_at(i)))
            .collect();
        if section != DEFAULT_SECTION && self.has_section(section) {
            for (k, i) in self.key_lines(DEFAULT_SECTION) {
                if !out.iter().any(|(o, _)| o == k) {
                    out.push((k.to_owned(), self.value_at(i)));
                }
            }
        }
        out
    }

    /// Sets `key = value` pairs in `section` (created at the end of the file if missing).
    ///
    /// A key that exists is rewritten in place (only if its value changes; its continuation lines
    /// go with it), keeping its indentation; a new key goes after the section's last key, with
    /// that key's indentation and line ending, so no neighbour's lines become part of its value.
    pub fn set(&mut self, section: &str, pairs: &[(&str, &str)]) {
        if self.header(section).is_none() {
            self.append_section(section);
        }
        for (key, value) in pairs {
            let header = self.header(section).expect("section exists");
            let wanted = py_lower(key);
            match self.own_key_line(section, &wanted) {
                Some(i) => {
                    let n = self.continuation_len(i);
                    if self.value_at(i) != *value || n > 0 {
                        let indent = leading_ws(strip_eol(self.line(i)).0).to_owned();
                        let eol = strip_eol(self.line(i + n)).1.to_owned();
                        if n > 0 {
                            self.remove_lines(i + 1..i + 1 + n);
                        }
                        self.lines[i] = Line::Written(format!("{indent}{key} = {value}{eol}"));
                    }
                }
                None => {
                    let end = self.section_end(header);
                    let last_key = (header + 1..end)
                        .rev()
                        .find(|&i| matches!(self.kinds[i], Kind::Key(_)));
                    let (at, indent) = match last_key {
                        Some(k) => (
                            k + 1 + self.continuation_len(k),
                            leading_ws(strip_eol(self.line(k)).0).to_owned(),
                        ),
                        None => (header + 1, self.indent_for_empty_section(header)),
                    };
                    let eol = self.eol_near(at - 1, header);
                    self.insert_line(
                        at,
                        format!("{indent}{key} = {value}"),
                        &eol,
                        Kind::Key(wanted.into()),
                    );
                }
            }
        }
    }

    /// Removes `keys` (and their continuation lines) from `section`; returns how many went.
    pub fn remove(&mut self, section: &str, keys: &[&str]) -> usize {
        let keys: Vec<String> = keys.iter().map(|k| py_lower(k)).collect();
        let mut removed = 0;
        for key in keys {
            if let Some(i) = self.own_key_line(section, &key) {
                let n = 1 + self.continuation_len(i);
                self.remove_lines(i..i + n);
                removed += 1;
            }
        }
        removed
    }

    /// Removes `section` if it holds no keys and nothing but blank lines, with the blank line
    /// that separated it from the section above when it was the last one; whether it went.
    pub fn remove_section_if_empty(&mut self, section: &str) -> bool {
        let Some(header) = self.header(section) else {
            return false;
        };
        let end = self.section_end(header);
        if self.kinds[header + 1..end]
            .iter()
            .any(|k| *k != Kind::Blank)
        {
            return false;
        }
        let mut from = header;
        if end == self.kinds.len() && from > 0 && self.kinds[from - 1] == Kind::Blank {
            from -= 1;
        }
        let mut without = self.clone();
        without.remove_lines(from..end);
        // Without its header, the next section's header could be read as more of the last value
        // above it (it may be indented deeper): then the empty section stays.
        let mut kept = self.kinds.clone();
        kept.drain(from..end);
        match Ini::parse(without.to_text()) {
            Ok(reread) if reread.kinds == kept => {
                *self = without;
                true
            }
            _ => false,
        }
    }

    /// The line of the first header named `name`.
    fn header(&self, name: &str) -> Option<usize> {
        self.headers_named(name).next()
    }

    /// The lines of the headers named `name` (only `[DEFAULT]` may repeat).
    fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.headers
            .iter()
            .copied()
            .filter(move |&i| matches!(&self.kinds[i], Kind::Section(s) if s == name))
    }

    /// The line after the last line of the section whose header is at `header`.
    fn section_end(&self, header: usize) -> usize {
        let next = self.headers.partition_point(|&i| i <= header);
        self.headers.get(next).copied().unwrap_or(self.kinds.len())
    }

    /// Key lines of every section named `section` (only `[DEFAULT]` may repeat).
    fn key_lines<'a>(&'a self, section: &'a str) -> impl Iterator<Item = (&'a str, usize)> + 'a {
        self.headers_named(section).flat_map(move |h| {
            (h + 1..self.section_end(h)).filter_map(move |i| match &self.kinds[i] {
                Kind::Key(key) => Some((key.as_ref(), i)),
                _ => None,
            })
        })
    }

    fn own_key_line(&self, section: &str, key: &str) -> Option<usize> {
        self.key_lines(section)
            .find(|(k, _)| *k == key)
            .map(|(_, i)| i)
    }

    /// How many lines after a key line belong to its value: continuation lines and the blank
    /// lines and comments between them (not those after the last one).
    fn continuation_len(&self, key_line: usize) -> usize {
        let mut n = 0;
        for (j, kind) in self.kinds[key_line + 1..].iter().enumerate() {
            match kind {
                Kind::Continuation => n = j + 1,
                Kind::Blank | Kind::Comment => {}
                _ => break,
            }
        }
        n
    }

    /// The value configparser reads for the key on line `i`: the text after the delimiter and
    /// every continuation line, joined with `\n` (blank lines included), trailing space removed.
    fn value_at(&self, i: usize) -> String {
        let line = py_strip(strip_eol(self.line(i)).0);
        let mut parts = vec![
            option_line(line)
                .map(|(_, v)| v.to_owned())
                .unwrap_or_default(),
        ];
        for j in i + 1..self.lines.len() {
            match self.kinds[j] {
                Kind::Continuation => parts.push(py_strip(strip_eol(self.line(j)).0).to_owned()),
                Kind::Blank => parts.push(String::new()),
                Kind::Comment => {}
                _ => break,
            }
        }
        py_rstrip(&parts.join("\n")).to_owned()
    }

    /// The indentation for a key put into a section with no keys: at least as deep as the next
    /// header's, which would otherwise be read as a continuation of the new key.
    fn indent_for_empty_section(&self, header: usize) -> String {
        let own = leading_ws(strip_eol(self.line(header)).0);
        let next = self.section_end(header);
        match (next < self.lines.len()).then(|| leading_ws(strip_eol(self.line(next)).0)) {
            Some(theirs) if theirs.chars().count() > own.chars().count() => theirs.to_owned(),
            _ => own.to_owned(),
        }
    }

    /// The line ending for a line inserted after line `before`: that line's own, or the
    /// header's, or the file's first, or `\n`.
    fn eol_near(&self, before: usize, header: usize) -> String {
        [before, header]
            .into_iter()
            .chain(0..self.lines.len())
            .map(|i| strip_eol(self.line(i)).1)
            .find(|e| !e.is_empty())
            .unwrap_or("\n")
            .to_owned()
    }

    /// Inserts `body` as a line at `at`. A file without a final line ending keeps that shape:
    /// a line added at its end takes the ending onto the line before it instead.
    fn insert_line(&mut self, at: usize, body: String, eol: &str, kind: Kind) {
        let line = if at == self.lines.len() && at > 0 && strip_eol(self.line(at - 1)).1.is_empty()
        {
            let mut before = self.line(at - 1).to_owned();
            before.push_str(eol);
            self.lines[at - 1] = Line::Written(before);
            body
        } else {
            body + eol
        };
        self.lines.insert(at, Line::Written(line));
        let split = self.headers.partition_point(|&i| i < at);
        for i in &mut self.headers[split..] {
            *i += 1;
        }
        if matches!(kind, Kind::Section(_)) {
            self.headers.insert(split, at);
        }
        self.kinds.insert(at, kind);
    }

    /// Removes lines; when that takes the file's unterminated last line, the new last line
    /// loses its ending, undoing [`Ini::insert_line`].
    fn remove_lines(&mut self, range: std::ops::Range<usize>) {
        let unterminated_end =
            range.end == self.lines.len() && strip_eol(self.line(range.end - 1)).1.is_empty();
        self.lines.drain(range.clone());
        self.kinds.drain(range.clone());
        self.headers.retain(|i| !range.contains(i));
        let split = self.headers.partition_point(|&i| i < range.start);
        for i in &mut self.headers[split..] {
            *i -= range.len();
        }
        if unterminated_end && let Some(last) = self.lines.len().checked_sub(1) {
            let body = strip_eol(self.line(last)).0.to_owned();
            self.lines[last] = Line::Written(body);
        }
    }

    /// Appends `[name]`, after one blank line unless the file is empty. The new lines end as the
    /// last line does (a `\n` after its lone `\r` would make one `\r\n` of the two), or as the
    /// first line that has an ending.
    fn append_section(&mut self, name: &str) {
        let eol = (0..self.lines.len())
            .rev()
            .take(1)
            .chain(0..self.lines.len())
            .map(|i| strip_eol(self.line(i)).1)
            .find(|e| !e.is_empty())
            .unwrap_or("\n")
            .to_owned();
        if !self.lines.is_empty() {
            self.insert_line(self.lines.len(), String::new(), &eol, Kind::Blank);
        }
        self.insert_line(
            self.lines.len(),
            format!("[{name}]"),
            &eol,
            Kind::Section(name.to_owned()),
        );
    }
}

/// The header to write for a new config-file section of `profile`, quoted so that
/// `build_profile_map` reads it back as exactly that name.
pub fn new_profile_header(profile: &str) -> String {
    if profile == "default" {
        return "default".to_owned();
    }
    // Python's shlex.quote: safe characters as they are, anything else in single quotes.
    let safe = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !profile.is_empty() && profile.chars().all(safe) {
        format!("profile {profile}")
    } else {
        format!("profile '{}'", profile.replace('\'', "'\"'\"'"))
    }
}

/// The profile botocore's `build_profile_map` makes of a config-file section, if any.
pub fn botocore_profile_name(section: &str) -> Option<String> {
    if section.starts_with("profile") {
        match shlex_split(section)?.as_slice() {
            [_, name] => Some(name.clone()),
            _ => None,
        }
    } else if section.starts_with("sso-session") || section.starts_with("services") {
        None
    } else {
        (section == "default").then(|| section.to_owned())
    }
}

/// Python's `shlex.split(s)` (POSIX mode, no comments), `None` where it raises `ValueError`.
/// A port of `shlex.shlex.read_token` for that mode; whitespace is only ` \t\r\n`.
pub fn shlex_split(s: &str) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Space,
        Word,
        Quote(char),
        Escape(Option<char>), // the quote the escape happened in, if any
    }
    let is_ws = |c: char| " \t\r\n".contains(c);
    let mut out = Vec::new();
    let mut token = String::new();
    let mut quoted = false;
    let mut state = State::Space;
    for c in s.chars() {
        match state {
            State::Space | State::Word if is_ws(c) => {
                if !token.is_empty() || quoted {
                    out.push(std::mem::take(&mut token));
                }
                quoted = false;
                state = State::Space;
            }
            State::Space | State::Word => match c {
                '\\' => state = State::Escape(None),
                '\'' | '"' => state = State::Quote(c),
                _ => {
                    token.push(c);
                    state = State::Word;
                }
            },
            State::Quote(q) => {
                quoted = true;
                if c == q {
                    state = State::Word;
                } else if c == '\\' && q == '"' {
                    state = State::Escape(Some(q));
                } else {
                    token.push(c);
                }
            }
            State::Escape(in_quote) => {
                if let Some(q) = in_quote
                    && c != '\\'
                    && c != q
                {
                    token.push('\\');
                }
                token.push(c);
                state = in_quote.map_or(State::Word, State::Quote);
            }
        }
    }
    match state {
        State::Quote(_) | State::Escape(_) => None,
        _ => {
            if !token.is_empty() || quoted {
                out.push(token);
            }
            Some(out)
        }
    }
}

/// Python's `str.isspace` for one character: Rust's `char::is_whitespace` plus the four
/// information separators U+001C..U+001F, which Python counts as whitespace.
pub fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

// The trims below look at bytes while they are ASCII (nearly every line of these files) and
// at characters only from the first byte that is not: a plain loop, which stays fast in a
// binary optimised for size, where the `char` pattern searchers are not inlined.

/// Whether an ASCII byte is whitespace to Python (`\t\n\v\f\r`, U+001C..U+001F, space).
fn py_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r' | 0x1c..=0x1f)
}

fn py_strip(s: &str) -> &str {
    py_rstrip(&s[s.len() - py_lstrip(s).len()..])
}

fn py_lstrip(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && py_space_byte(bytes[i]) {
        i += 1;
    }
    if i < bytes.len() && !bytes[i].is_ascii() {
        return s[i..].trim_start_matches(py_isspace);
    }
    &s[i..]
}

fn py_rstrip(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 && py_space_byte(bytes[end - 1]) {
        end -= 1;
    }
    if end > 0 && !bytes[end - 1].is_ascii() {
        return s[..end].trim_end_matches(py_isspace);
    }
    &s[..end]
}

/// configparser's `optionxform`: `str.lower()`.
fn py_lower(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// The leading whitespace of a line.
fn leading_ws(line: &str) -> &str {
    &line[..line.len() - py_lstrip(line).len()]
}

/// configparser's indent level: the index, in characters, of the first non-space character.
fn indent_chars(line: &str) -> usize {
    let ws = leading_ws(line);
    if ws.is_ascii() {
        ws.len()
    } else {
        ws.chars().count()
    }
}

/// The lines of `text` as Python's text mode reads them (universal newlines: `\n`, `\r\n` and
/// a lone `\r` end a line, nothing else does), each with its ending.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let mut i = from;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let end = match bytes.get(i) {
            None => i,
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(_) => i + 1,
        };
        start = end;
        Some(&text[from..end])
    })
}

/// Where the last line of `bytes` starts (they end at a line start: after a line ending, or at
/// the end of the text), if a line ending comes before it in them; the byte after one.
pub(crate) fn last_line_start(bytes: &[u8]) -> Option<usize> {
    let ending = if bytes.ends_with(b"\r\n") {
        2
    } else {
        usize::from(bytes.ends_with(b"\n") || bytes.ends_with(b"\r"))
    };
    let body = &bytes[..bytes.len() - ending];
    let i = body.iter().rposition(|&b| b == b'\n' || b == b'\r')?;
    Some(i + 1)
}

/// A line's text and its ending (`\n`, `\r\n`, `\r` or none).
fn strip_eol(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    line.split_at(end)
}

/// Python's `str.splitlines()`, which botocore's `_parse_nested` uses: it also breaks at
/// `\v`, `\f`, U+001C..U+001E, U+0085, U+2028 and U+2029.
fn py_splitlines(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c| {
        matches!(
            c,
            '\n' | '\r'
                | '\u{b}'
                | '\u{c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    })
}

/// configparser's `SECTCRE` (`\[(?P<header>.+)\]`, matched at the start of the stripped line):
/// the greedy `.+` runs to the *last* `]`, and anything after it is ignored.
fn section_header(value: &str) -> Option<&str> {
    if value.as_bytes().first() != Some(&b'[') {
        return None;
    }
    let rest = &value[1..];
    let close = rest.bytes().rposition(|b| b == b']')?;
    (close > 0).then(|| &rest[..close])
}

/// configparser's `OPTCRE` (`(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`): the key is the
/// text before the first `=` or `:`, right-stripped (the caller lower-cases it); the value is
/// stripped.
fn option_line(value: &str) -> Option<(&str, &str)> {
    // `=` and `:` are ASCII: no byte of a multi-byte character matches them.
    let bytes = value.as_bytes();
    let mut at = 0;
    while at < bytes.len() && bytes[at] != b'=' && bytes[at] != b':' {
        at += 1;
    }
    if at == bytes.len() {
        return None;
    }
    Some((py_rstrip(&value[..at]), py_strip(&value[at + 1..])))
}

/// Generated INI files for property tests (here and in `index`).
#[cfg(test)]
pub(crate) mod generated {
    use super::py_strip;
    use proptest::prelude::*;
    use std::collections::HashSet;

    /// Files of up to `most` whole lines picked from `lines`, each ending in `\n`, `\r\n` or `\r`
    /// (the last maybe in none). A section appears once (or botocore refuses the file): a
    /// repeated header gets a name of its own, at the same indentation; `[DEFAULT]` may repeat.
    pub(crate) fn files_of(
        lines: &'static [&'static str],
        most: usize,
    ) -> impl Strategy<Value = String> {
        let line = (
            prop::sample::select(lines),
            prop::sample::select(&["\n", "\r\n", "\r", "\n"][..]),
        );
        (prop::collection::vec(line, 0..most), any::<bool>()).prop_map(|(lines, final_eol)| {
            let n = lines.len();
            let mut seen = HashSet::new();
            lines
                .into_iter()
                .enumerate()
                .map(|(i, (l, e))| {
                    let name = py_strip(l);
                    let l = if name.starts_with('[') && name != "[DEFAULT]" && !seen.insert(name) {
                        l.replace(name, &format!("[s{i}]"))
                    } else {
                        l.to_owned()
                    };
                    if i + 1 == n && !final_eol {
                        l
                    } else {
                        format!("{l}{e}")
                    }
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UGLY: &str = concat!(
        "# my credentials, keep this comment\n",
        "\n",
        "[default]\n",
        "aws_access_key_id=AKIAOLD\n",
        "aws_secret_access_key =   secret with spaces  \n",
        "; a semicolon comment\n",
        "\n",
        "[work]   # trailing comment\n",
        "Region: eu-west-1\n",
        "s3 =\n",
        "    max_concurrent_requests = 10\n",
        "\tmax_queue_size = 1000\n",
        "unknown_key = \"C:\\tools\\new\\x.exe\"\n",
        "\n",
        "\n",
        "# comment before next section\n",
        "[other]\n",
        "key=value",
    );

    #[test]
    fn parse_and_print_is_byte_for_byte() {
        for text in [UGLY, "", "\n\n", "[a]\r\nk = v\r\n", "[a]\nk = v"] {
            assert_eq!(Ini::parse(text).unwrap().to_text(), text);
        }
    }

    #[test]
    fn reads_values_like_botocore() {
        let ini = Ini::parse(UGLY).unwrap();
        assert_eq!(ini.get("default", "aws_access_key_id").unwrap(), "AKIAOLD");
        assert_eq!(
            ini.get("default", "aws_secret_access_key").unwrap(),
            "secret with spaces"
        );
        assert_eq!(ini.get("work", "region").unwrap(), "eu-west-1");
        assert_eq!(
            ini.get("work", "unknown_key").unwrap(),
            "\"C:\\tools\\new\\x.exe\""
        );
        assert_eq!(ini.get("other", "key").unwrap(), "value");
        assert_eq!(ini.get("nope", "key"), None);
        assert!(ini.has_section("work"));
    }

    #[test]
    fn adding_a_section_keeps_every_other_byte() {
        let mut ini = Ini::parse(UGLY).unwrap();
        ini.set(
            "dev",
            &[("aws_access_key_id", "ASIA1"), ("region", "us-east-1")],
        );
        // UGLY has no final newline, and keeps having none.
        let expected = format!("{UGLY}\n\n[dev]\naws_access_key_id = ASIA1\nregion = us-east-1");
        assert_eq!(ini.to_text(), expected);
    }

    #[test]
    fn editing_a_section_touches_only_its_lines() {
        let mut ini = Ini::parse(UGLY).unwrap();
        ini.set(
            "work",
            &[("region", "us-west-2"), ("s3", "x"), ("new_key", "1")],
        );
        let expected = UGLY
            .replace("Region: eu-west-1\n", "region = us-west-2\n")
            .replace(
                "s3 =\n    max_concurrent_requests = 10\n\tmax_queue_size = 1000\n",
                "s3 = x\n",
            )
            .replace(
                "unknown_key = \"C:\\tools\\new\\x.exe\"\n",
                "unknown_key = \"C:\\tools\\new\\x.exe\"\nnew_key = 1\n",
            );
        assert_eq!(ini.to_text(), expected);
    }

    #[test]
    fn setting_an_unchanged_value_changes_nothing() {
        let mut ini = Ini::parse(UGLY).unwrap();
        ini.set("default", &[("aws_access_key_id", "AKIAOLD")]);
        assert_eq!(ini.to_text(), UGLY);
    }

    #[test]
    fn new_key_in_last_section_without_final_newline() {
        let mut ini = Ini::parse("[a]\nk = v").unwrap();
        ini.set("a", &[("x", "y")]);
        assert_eq!(ini.to_text(), "[a]\nk = v\nx = y");
    }

    #[test]
    fn new_key_in_empty_section() {
        let mut ini = Ini::parse("[a]\n\n[b]\nk = v\n").unwrap();
        ini.set("a", &[("x", "y")]);
        assert_eq!(ini.to_text(), "[a]\nx = y\n\n[b]\nk = v\n");
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let mut ini = Ini::parse("[a]\r\nk = v\r\n").unwrap();
        ini.set("a", &[("x", "y")]);
        ini.set("b", &[("z", "1")]);
        assert_eq!(
            ini.to_text(),
            "[a]\r\nk = v\r\nx = y\r\n\r\n[b]\r\nz = 1\r\n"
        );
    }

    #[test]
    fn remove_takes_keys_and_their_continuations() {
        let mut ini = Ini::parse(UGLY).unwrap();
        assert_eq!(ini.remove("work", &["s3", "REGION", "absent"]), 2);
        let expected = UGLY.replace(
            "Region: eu-west-1\ns3 =\n    max_concurrent_requests = 10\n\tmax_queue_size = 1000\n",
            "",
        );
        assert_eq!(ini.to_text(), expected);
        assert_eq!(ini.remove("missing", &["k"]), 0);
    }

    #[test]
    fn adding_then_removing_keys_restores_the_file_exactly() {
        let originals = [
            UGLY,
            "",
            "[a]\nk = v\n",
            "# only a comment",
            "[a]\nk = v\n\n",
            "[a]\nk = v\n\n\n",
            "[a]\r\nk = v\r\n\r\n",
            "[a]\rk = v\r",
            "[a]\rk = v",
            "\n",
            "[ours]\nmine = 1",
            "[ours]\n  mine = 1\n  [next]\n",
        ];
        for original in originals {
            let mut ini = Ini::parse(original).unwrap();
            ini.set("ours", &[("k1", "v1"), ("k2", "v2")]);
            assert!(Ini::parse(ini.to_text()).is_ok(), "{original:?}");
            assert_eq!(ini.remove("ours", &["k1", "k2"]), 2);
            ini.remove_section_if_empty("ours");
            assert_eq!(ini.to_text(), original, "{original:?}");
        }
    }

    #[test]
    fn a_section_with_anything_left_is_kept() {
        let mut ini = Ini::parse("[a]\n# note\n[b]\nk = v\n").unwrap();
        assert!(!ini.remove_section_if_empty("a"));
        assert!(!ini.remove_section_if_empty("b"));
        assert!(!ini.remove_section_if_empty("missing"));
        let mut ini = Ini::parse("[a]\n\n[b]\nk = v\n").unwrap();
        assert!(ini.remove_section_if_empty("a"));
        assert_eq!(ini.to_text(), "[b]\nk = v\n");
    }

    #[test]
    fn equally_indented_lines_are_keys_not_continuations() {
        let text = "[prod]\n  region = x\n  aws_access_key_id = AKIA\n    continued\n  aws_secret_access_key = S\n";
        let ini = Ini::parse(text).unwrap();
        assert_eq!(
            ini.get("prod", "aws_access_key_id").unwrap(),
            "AKIA\ncontinued"
        );
        assert_eq!(ini.get("prod", "aws_secret_access_key").unwrap(), "S");
        let mut edited = ini.clone();
        edited.set("prod", &[("aws_access_key_id", "NEW")]);
        assert_eq!(
            edited.to_text(),
            "[prod]\n  region = x\n  aws_access_key_id = NEW\n  aws_secret_access_key = S\n"
        );
    }

    #[test]
    fn malformed_lines_are_refused_with_their_number() {
        let cases = [
            ("[a]\nk = v\nnot a pair\n", 3, "expected a [section]"),
            ("k = v\n[a]\n", 1, "before the first [section]"),
            ("# c\n[a\n", 2, "without a closing `]`"),
            ("[a]\n[b\n", 2, "without a closing `]`"),
            ("[a]\n= v\n", 2, "no key before the `=`"),
            ("\n  indented = but no key above\n", 2, "before the first"),
            (
                "[a]\nk = 1\n[b]\n[a]\n",
                4,
                "appears twice (first on line 1)",
            ),
            ("[a]\nk = 1\nK: 2\n", 3, "`k` appears twice"),
            // configparser raises duplicates at once, bad lines only at the end of the file.
            ("[a]\nbad\n[a]\n", 3, "appears twice"),
            ("[a]\ns3 =\n  x = 1\n  nope\n", 4, "nested block"),
            ("[DEFAULT]\ns3 =\n  nope\n[a]\n", 3, "nested block"),
            ("[a]\rbad\n", 2, "expected a [section]"),
        ];
        for (text, line, reason) in cases {
            let err = Ini::parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.reason.contains(reason), "{text:?}: {}", err.reason);
        }
    }

    #[test]
    fn our_keys_take_the_indentation_of_the_section() {
        // Written at column 0, `note` would be read as part of our token's value.
        let mut ini = Ini::parse("[dev]\n  aws_session_token = old\n  note = keep\n").unwrap();
        ini.set("dev", &[("aws_session_token", "NEW"), ("region", "r")]);
        assert_eq!(
            ini.to_text(),
            "[dev]\n  aws_session_token = NEW\n  note = keep\n  region = r\n"
        );
        assert_eq!(ini.get("dev", "note").unwrap(), "keep");
        // A key put into an empty section before an indented header must not swallow it.
        let mut ini = Ini::parse("[dev]\n\n    [prod]\n    region = x\n").unwrap();
        ini.set("dev", &[("k", "v")]);
        assert_eq!(
            ini.to_text(),
            "[dev]\n    k = v\n\n    [prod]\n    region = x\n"
        );
        assert_eq!(ini.get("prod", "region").unwrap(), "x");
        // Each section's own line ending.
        let mut ini = Ini::parse("[a]\nk = 1\n[dev]\r\nx = 1\r\n").unwrap();
        ini.set("dev", &[("y", "2")]);
        assert_eq!(ini.to_text(), "[a]\nk = 1\n[dev]\r\nx = 1\r\ny = 2\r\n");
    }

    #[test]
    fn indentation_is_counted_in_characters_as_python_does() {
        // U+3000 is one character (three bytes): two spaces are deeper, so a continuation.
        let ini = Ini::parse("[a]\n\u{3000}k = 1\n  x = 2\n").unwrap();
        assert_eq!(ini.get("a", "k").unwrap(), "1\nx = 2");
        assert_eq!(ini.get("a", "x"), None);
        // Two non-breaking spaces are as deep as two spaces: a key of its own.
        let ini = Ini::parse("[a]\n  k = 1\n\u{a0}\u{a0}x = 2\n").unwrap();
        assert_eq!(ini.get("a", "k").unwrap(), "1");
        assert_eq!(ini.get("a", "x").unwrap(), "2");
        // Python's str.isspace counts U+001C..U+001F; Rust's is_whitespace does not.
        let ini = Ini::parse("[a]\nk = 1\n\u{1f}more\n").unwrap();
        assert_eq!(ini.get("a", "k").unwrap(), "1\nmore");
    }

    #[test]
    fn section_names_are_read_as_botocore_reads_them() {
        let ini = Ini::parse("[ dev ]\na = 1\n[dev] # note\nb = 2\n[x]y]z\nc = 3\n").unwrap();
        assert_eq!(ini.get(" dev ", "a").unwrap(), "1");
        assert_eq!(ini.get("dev", "b").unwrap(), "2");
        assert_eq!(ini.get("x]y", "c").unwrap(), "3");
        let config = Ini::parse(concat!(
            "[profile dev]\nregion = a\n",
            "[profile  \"dev\"]\nregion = b\n",
            "[profile dev extra]\nregion = c\n",
            "[profile \"dev]\nregion = d\n",
            "[sso-session dev]\nregion = e\n",
        ))
        .unwrap();
        // Several sections are read as `dev`: botocore keeps the last one.
        assert_eq!(config.profile_section("dev").unwrap(), "profile  \"dev\"");
        assert_eq!(config.profile_section("default"), None);
        let both = Ini::parse("[profile default]\na = 1\n[default]\nb = 2\n").unwrap();
        assert_eq!(both.profile_section("default").unwrap(), "default");
        assert_eq!(new_profile_header("dev"), "profile dev");
        assert_eq!(new_profile_header("it's"), "profile 'it'\"'\"'s'");
        assert_eq!(
            botocore_profile_name("profile 'it'\"'\"'s'").unwrap(),
            "it's"
        );
    }

    #[test]
    fn shlex_split_matches_python() {
        // Expected values printed by Python 3.11's shlex.split.
        let cases: [(&str, Option<&[&str]>); 9] = [
            ("profile dev", Some(&["profile", "dev"])),
            ("profile  \"a b\"", Some(&["profile", "a b"])),
            ("profile ''", Some(&["profile", ""])),
            ("profile a\\ b", Some(&["profile", "a b"])),
            ("p \"x\\$y\\\"\"", Some(&["p", "x\\$y\""])),
            ("p 'unclosed", None),
            ("p trailing\\", None),
            ("p #not-a-comment", Some(&["p", "#not-a-comment"])),
            ("p\u{a0}x", Some(&["p\u{a0}x"])),
        ];
        for (input, expected) in cases {
            let expected = expected.map(|e| e.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(shlex_split(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_key_repeated_far_down_a_long_section_is_refused() {
        let keys: String = (0..100).map(|i| format!("k{i} = v\n# note\n")).collect();
        for (repeat, line) in [("k0", 204), ("K99", 204), ("k50", 204)] {
            let text = format!("[other]\nk0 = x\n[big]\n{keys}{repeat} = again\n");
            let err = Ini::parse(&text).unwrap_err();
            assert_eq!(err.line, line, "{repeat}");
            assert!(
                err.reason.contains("appears twice in [big]"),
                "{}",
                err.reason
            );
        }
        let text = format!("[big]\n{keys}[next]\nk0 = fine\n");
        assert!(Ini::parse(&text).is_ok());
    }

    #[test]
    fn default_section_keys_are_inherited() {
        let ini = Ini::parse("[DEFAULT]\nregion = x\n[a]\nk = 1\n[DEFAULT]\nout = j\n").unwrap();
        assert_eq!(ini.get("a", "region").unwrap(), "x");
        assert_eq!(ini.get("a", "out").unwrap(), "j");
        assert_eq!(ini.get("missing", "region"), None);
        assert_eq!(ini.section_names(), ["a"]);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let mut ini = Ini::parse("[a]\rk = 1\r[dev]\rx = 1").unwrap();
        assert_eq!(ini.get("a", "k").unwrap(), "1");
        ini.set("dev", &[("y", "2")]);
        assert_eq!(ini.to_text(), "[a]\rk = 1\r[dev]\rx = 1\ry = 2");
    }

    #[test]
    fn an_empty_section_stays_when_its_removal_would_join_the_next_to_a_value() {
        let text = "[a]\nk = 1\n[dev]\n  aws_access_key_id = A\n  [b]\nx = 1\n";
        let mut ini = Ini::parse(text).unwrap();
        assert_eq!(ini.remove("dev", &["aws_access_key_id"]), 1);
        assert!(!ini.remove_section_if_empty("dev"));
        assert_eq!(ini.to_text(), "[a]\nk = 1\n[dev]\n  [b]\nx = 1\n");
        assert_eq!(ini.get("a", "k").unwrap(), "1");
    }

    #[test]
    fn an_edit_botocore_would_refuse_is_caught_by_check() {
        // With no other section botocore never reads [DEFAULT]'s nested block; with one it does.
        let mut ini = Ini::parse("[DEFAULT]\ns3 =\n  no_equals\n").unwrap();
        ini.set("dev", &[("k", "v")]);
        assert_eq!(ini.check().unwrap_err().line, 3);
    }

    mod fuzz {
        //! The editor never panics and login + logout restores the bytes, on arbitrary text.
        //! `PROPTEST_CASES` raises the number of cases (256 by default).
        use super::super::*;
        use proptest::prelude::*;

        const PIECES: &[&str] = &[
            "[",
            "]",
            "=",
            ":",
            "#",
            ";",
            " ",
            "  ",
            "\t",
            "\u{a0}",
            "\u{3000}",
            "\u{1f}",
            "\u{c}",
            "\u{85}",
            "\u{2028}",
            "\r",
            "\n",
            "\r\n",
            "\n",
            "\n",
            "a",
            "dev",
            "profile ",
            "[dev]",
            "[profile dev]",
            "[DEFAULT]",
            "\"",
            "'",
            "\\",
            "ü",
            "k = v",
            "s3 =",
            "aws_access_key_id",
            "aws_session_token = t",
        ];

        fn ini_like() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat()),
                prop::collection::vec(any::<char>(), 0..80).prop_map(String::from_iter),
            ]
        }

        const KEYS: [&str; 4] = [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "x_security_token_expires",
        ];

        /// A login's edit made on the profile's sections alone ([`Ini::parse_spans`], as with
        /// an index entry) against the same edit on the whole file: same text, same verdict.
        fn edit_from_spans_matches_whole(text: &str, profile: &str) -> Result<(), TestCaseError> {
            let Ok(whole) = Ini::parse(text) else {
                return Ok(());
            };
            let spans = whole.section_spans(|s| s == profile);
            let part =
                Ini::parse_spans(text.to_owned(), &spans).expect("the spans of a file it parsed");
            prop_assert_eq!(part.to_text(), text);
            for key in KEYS.iter().chain(&["region", "k"]) {
                prop_assert_eq!(part.get(profile, key), whole.get(profile, key), "{}", key);
            }
            let pairs: Vec<(&str, &str)> = KEYS.iter().map(|k| (*k, "VALUE")).collect();
            let (mut a, mut b) = (whole.clone(), part);
            a.set(profile, &pairs);
            b.set(profile, &pairs);
            prop_assert_eq!(a.to_text(), b.to_text());
            prop_assert_eq!(a.check().is_ok(), b.check().is_ok());
            Ok(())
        }

        #[test]
        fn an_edit_from_spans_matches_the_whole_file_on_hand_made_cases() {
            let cases = [
                "[a]\nk = 1\n[dev]\nx = 2\n[b]\ny = 3",
                "[a]\n  k = 1\n  [dev]\n  [b]\n  y = 3\n",
                "[DEFAULT]\nregion = r\n[dev]\n[b]\n",
                "[a]\r\nk = 1\r\n[b]\ny = 2",
                "[a]\rk =\r  v\r\r[dev]\rk = 1\r",
                "[dev]\n",
                "",
                "[x]\n\tk = 1\n\t[dev]\n\t\t[y]\n",
            ];
            for text in cases {
                edit_from_spans_matches_whole(text, "dev").unwrap();
            }
        }

        /// Files of whole lines: sections (`dev` among others) at several indentations, keys,
        /// continuations, blanks and comments, with mixed line endings.
        fn files_of_lines() -> impl Strategy<Value = String> {
            const LINES: &[&str] = &[
                "[dev]",
                "  [dev]",
                "[a]",
                "  [b]",
                "\t[c]",
                "[DEFAULT]",
                "  [DEFAULT]",
                "[profile dev]",
                "k = 1",
                "  k2 = 2",
                "\tk3: 3",
                "aws_access_key_id = A",
                "  region = r",
                "s3 =",
                "    max = 1",
                "  v",
                "",
                "  ",
                "# c",
                "  ; c",
            ];
            super::super::generated::files_of(LINES, 30)
        }

        proptest! {
            #[test]
            fn an_edit_from_spans_matches_the_whole_file(text in ini_like(), profile in "(dev|default|profile dev)") {
                edit_from_spans_matches_whole(&text, &profile)?;
            }

            #[test]
            fn an_edit_from_spans_matches_the_whole_file_of_many_sections(text in files_of_lines(), profile in "(dev|a|profile dev)") {
                edit_from_spans_matches_whole(&text, &profile)?;
            }

            #[test]
            fn edits_never_panic_and_logout_restores(text in ini_like(), profile in "(dev|default|profile dev)") {
                let Ok(original) = Ini::parse(&text) else { return Ok(()) };
                prop_assert_eq!(original.to_text(), text.as_str());
                let _ = original.profile_section(&profile);
                let _ = original.entries(&profile);
                let mut ini = original.clone();
                let pairs: Vec<(&str, &str)> = KEYS.iter().map(|k| (*k, "VALUE")).collect();
                ini.set(&profile, &pairs);
                if ini.check().is_err() {
                    return Ok(()); // refused, never written
                }
                for key in KEYS {
                    prop_assert_eq!(ini.get(&profile, key), Some("VALUE".to_owned()));
                }
                prop_assert_eq!(ini.remove(&profile, &KEYS), 4);
                ini.remove_section_if_empty(&profile);
                if !original.has_section(&profile) {
                    prop_assert_eq!(ini.to_text(), text);
                }
            }
        }
    }
}
