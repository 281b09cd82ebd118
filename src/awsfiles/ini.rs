//! A line editor for INI files that keeps every byte it was not asked to change.
//!
//! rust-ini drops comments and blank lines, reorders keys and rewrites `k = v` as `k=v`, so it
//! cannot be trusted with a user's `~/.aws/credentials`. This editor keeps the file as lines,
//! classifies each one the way botocore's parser does (sections, `key = value`, indented
//! continuation lines, `#`/`;` comments), and edits only the lines of one section. A line it cannot
//! classify makes [`Ini::parse`] fail with its number, so a malformed file is refused untouched.

/// What one line of an INI file is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Blank,
    Comment,
    Section(String),
    /// A `key = value` line; the key is lower-cased, as botocore reads it.
    Key(String),
    /// An indented line that continues the value of the key above it.
    Continuation,
}

/// A parsed INI file: its lines (with their endings) and what each one is.
#[derive(Debug, Clone)]
pub struct Ini {
    lines: Vec<String>,
    kinds: Vec<Kind>,
    newline: &'static str,
}

/// A line that could not be classified: 1-based line number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

impl Ini {
    /// Splits and classifies `text`; fails on the first line that is not valid INI.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut kinds = Vec::with_capacity(lines.len());
        let mut in_section = false;
        // Indent of the last key line: like configparser, a line indented deeper continues its
        // value; one indented the same is a key of its own.
        let mut key_indent: Option<usize> = None;
        for (i, raw) in lines.iter().enumerate() {
            let line = raw.trim_end_matches(['\n', '\r']);
            let trimmed = line.trim();
            let err = |reason: &str| ParseError {
                line: i + 1,
                reason: reason.to_owned(),
            };
            let kind = if trimmed.is_empty() {
                Kind::Blank
            } else if trimmed.starts_with('#') || trimmed.starts_with(';') {
                Kind::Comment
            } else if key_indent.is_some_and(|k| line.len() - line.trim_start().len() > k) {
                Kind::Continuation
            } else if let Some(rest) = trimmed.strip_prefix('[') {
                let Some((name, tail)) = rest.split_once(']') else {
                    return Err(err("section header without a closing `]`"));
                };
                let tail = tail.trim();
                if !(tail.is_empty() || tail.starts_with('#') || tail.starts_with(';')) {
                    return Err(err("unexpected text after the section header"));
                }
                in_section = true;
                Kind::Section(name.trim().to_owned())
            } else if let Some(key) = key_of(trimmed) {
                if !in_section {
                    return Err(err("`key = value` line before any [section] header"));
                }
                Kind::Key(key)
            } else {
                return Err(err("expected a [section] header or a `key = value` line"));
            };
            match kind {
                Kind::Key(_) => key_indent = Some(line.len() - line.trim_start().len()),
                Kind::Section(_) => key_indent = None,
                _ => {}
            }
            kinds.push(kind);
        }
        Ok(Self {
            lines,
            kinds,
            newline,
        })
    }

    /// The file's text, every unedited line exactly as it was read.
    pub fn to_text(&self) -> String {
        self.lines.concat()
    }

    /// Whether a section with this exact name exists.
    pub fn has_section(&self, name: &str) -> bool {
        self.section_range(name).is_some()
    }

    /// The value of `key` in the first section named `section`.
    pub fn get(&self, section: &str, key: &str) -> Option<String> {
        let (start, end) = self.section_range(section)?;
        let key = key.to_ascii_lowercase();
        (start..end).find_map(|i| match &self.kinds[i] {
            Kind::Key(k) if *k == key => Some(value_of(&self.lines[i])),
            _ => None,
        })
    }

    /// All keys and values of the first section named `section`, in file order.
    pub fn entries(&self, section: &str) -> Vec<(String, String)> {
        let Some((start, end)) = self.section_range(section) else {
            return Vec::new();
        };
        (start..end)
            .filter_map(|i| match &self.kinds[i] {
                Kind::Key(k) => Some((k.clone(), value_of(&self.lines[i]))),
                _ => None,
            })
            .collect()
    }

    /// Sets `key = value` pairs in `section` (created at the end of the file if missing).
    ///
    /// A key that exists is rewritten in place (only if its value changes; its continuation lines
    /// go with it); a new key goes after the section's last key line, before any blank lines or
    /// comments that lead into the next section.
    pub fn set(&mut self, section: &str, pairs: &[(&str, &str)]) {
        if self.section_range(section).is_none() {
            self.append_section(section);
        }
        for (key, value) in pairs {
            let (start, end) = self.section_range(section).expect("section exists");
            let wanted = key.to_ascii_lowercase();
            let found =
                (start..end).find(|&i| matches!(&self.kinds[i], Kind::Key(k) if *k == wanted));
            let text = format!("{key} = {value}{}", self.newline);
            match found {
                Some(i) => {
                    if value_of(&self.lines[i]) != *value || self.continuation_len(i) > 0 {
                        let n = self.continuation_len(i);
                        self.lines.drain(i + 1..i + 1 + n);
                        self.kinds.drain(i + 1..i + 1 + n);
                        self.lines[i] = text;
                    }
                }
                None => {
                    let at = (start..end)
                        .rev()
                        .find(|&i| matches!(self.kinds[i], Kind::Key(_) | Kind::Continuation))
                        .unwrap_or(start - 1)
                        + 1;
                    self.ensure_newline_before(at);
                    self.lines.insert(at, text);
                    self.kinds.insert(at, Kind::Key(wanted));
                }
            }
        }
    }

    /// Removes `keys` (and their continuation lines) from `section`; returns how many went.
    pub fn remove(&mut self, section: &str, keys: &[&str]) -> usize {
        let Some((start, mut end)) = self.section_range(section) else {
            return 0;
        };
        let keys: Vec<String> = keys.iter().map(|k| k.to_ascii_lowercase()).collect();
        let mut removed = 0;
        let mut i = start;
        while i < end {
            if matches!(&self.kinds[i], Kind::Key(k) if keys.contains(k)) {
                let n = 1 + self.continuation_len(i);
                self.lines.drain(i..i + n);
                self.kinds.drain(i..i + n);
                end -= n;
                removed += 1;
            } else {
                i += 1;
            }
        }
        removed
    }

    /// Removes `section` if it holds no keys and nothing but blank lines, with the blank line
    /// that separated it from the section above when it was the last one; whether it went.
    pub fn remove_section_if_empty(&mut self, section: &str) -> bool {
        let Some((start, end)) = self.section_range(section) else {
            return false;
        };
        if self.kinds[start..end].iter().any(|k| *k != Kind::Blank) {
            return false;
        }
        let mut from = start - 1;
        if end == self.kinds.len() && from > 0 && self.kinds[from - 1] == Kind::Blank {
            from -= 1;
        }
        self.lines.drain(from..end);
        self.kinds.drain(from..end);
        true
    }

    /// The names of the file's sections, in file order.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().filter_map(|k| match k {
            Kind::Section(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Lines of the section body: from after its header to the next header.
    fn section_range(&self, name: &str) -> Option<(usize, usize)> {
        let header = self
            .kinds
            .iter()
            .position(|k| matches!(k, Kind::Section(s) if s == name))?;
        let end = (header + 1..self.kinds.len())
            .find(|&i| matches!(self.kinds[i], Kind::Section(_)))
            .unwrap_or(self.kinds.len());
        Some((header + 1, end))
    }

    fn continuation_len(&self, key_line: usize) -> usize {
        self.kinds[key_line + 1..]
            .iter()
            .take_while(|k| matches!(k, Kind::Continuation))
            .count()
    }

    /// Makes sure the line before `at` ends with a newline (the file's last line may not).
    fn ensure_newline_before(&mut self, at: usize) {
        if at > 0 && !self.lines[at - 1].ends_with('\n') {
            self.lines[at - 1].push_str(self.newline);
        }
    }

    fn append_section(&mut self, name: &str) {
        let at = self.lines.len();
        self.ensure_newline_before(at);
        if self.kinds.last().is_some_and(|k| *k != Kind::Blank) {
            self.lines.push(self.newline.to_owned());
            self.kinds.push(Kind::Blank);
        }
        self.lines.push(format!("[{name}]{}", self.newline));
        self.kinds.push(Kind::Section(name.to_owned()));
    }
}

/// The lower-cased key of a `key = value` (or `key: value`) line, if it is one.
fn key_of(trimmed: &str) -> Option<String> {
    let at = trimmed.find(['=', ':'])?;
    let key = trimmed[..at].trim();
    (!key.is_empty()).then(|| key.to_ascii_lowercase())
}

/// The trimmed value of a key line.
fn value_of(line: &str) -> String {
    let line = line.trim_end_matches(['\n', '\r']);
    let at = line.find(['=', ':']).expect("a key line has a delimiter");
    line[at + 1..].trim().to_owned()
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
        let expected = format!("{UGLY}\n\n[dev]\naws_access_key_id = ASIA1\nregion = us-east-1\n");
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
        assert_eq!(ini.to_text(), "[a]\nk = v\nx = y\n");
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
    fn adding_then_removing_a_section_restores_the_file() {
        // (A file that already ended with a blank line loses it: which blank line separated the
        // section cannot be told afterwards.)
        for original in [UGLY, "", "[a]\nk = v\n", "# only a comment"] {
            let mut ini = Ini::parse(original).unwrap();
            ini.set("ours", &[("k1", "v1"), ("k2", "v2")]);
            assert_eq!(ini.remove("ours", &["k1", "k2"]), 2);
            assert!(ini.remove_section_if_empty("ours"));
            let restored = ini.to_text();
            // A missing final newline had to be added to append after it.
            let expected = if original.is_empty() || original.ends_with('\n') {
                original.to_owned()
            } else {
                format!("{original}\n")
            };
            assert_eq!(restored, expected);
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
        assert_eq!(ini.get("prod", "aws_access_key_id").unwrap(), "AKIA");
        assert_eq!(ini.get("prod", "aws_secret_access_key").unwrap(), "S");
        let mut edited = ini.clone();
        edited.set("prod", &[("aws_access_key_id", "NEW")]);
        assert_eq!(
            edited.to_text(),
            "[prod]\n  region = x\naws_access_key_id = NEW\n  aws_secret_access_key = S\n"
        );
    }

    #[test]
    fn malformed_lines_are_refused_with_their_number() {
        let cases = [
            ("[a]\nk = v\nnot a pair\n", 3, "expected a [section]"),
            ("k = v\n[a]\n", 1, "before any [section]"),
            ("# c\n[a\n", 2, "closing"),
            ("[a] junk\n", 1, "after the section header"),
            ("[a]\n= v\n", 2, "expected a [section]"),
            (
                "\n  indented = but no key above\n",
                2,
                "before any [section]",
            ),
        ];
        for (text, line, reason) in cases {
            let err = Ini::parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.reason.contains(reason), "{text:?}: {}", err.reason);
        }
    }
}
