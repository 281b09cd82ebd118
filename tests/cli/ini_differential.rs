//! Differential test of the `~/.aws` editor against botocore itself.
//!
//! A seeded generator writes thousands of odd but plausible `~/.aws` files (comments, indented
//! keys, continuation lines, nested blocks, Python-only whitespace, CRLF/CR/LF, odd headers,
//! duplicate-ish sections, a missing final newline...). For each, the library makes the edits a
//! login and a logout make; then one Python process runs botocore on every file before and after,
//! and each result must agree: botocore refuses the file before iff we do (on the same line),
//! every other profile reads the same, ours reads exactly as before plus our keys, every byte
//! outside our keys is unchanged, and logout gives back the original bytes.
//!
//! `COGNITO_AUTH_DIFF_CASES` sets the number of files (default 3000), `COGNITO_AUTH_DIFF_SEED`
//! the seed (default fixed, so CI checks the same files each run).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use cognito_auth::awsfiles::{config_section, ini::Ini};
use serde_json::{Map, Value};

const OUR_KEYS: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "x_security_token_expires",
];
/// Values no generated file contains, so the lines we wrote can be told apart.
const OURS: [&str; 4] = [
    "ASIAMARKERKEY",
    "marker/secret+key",
    "MARKERTOKEN==",
    "2099-01-01T00:00:00Z",
];
const REGION: &str = "xx-marker-1";

/// Files that once disagreed with botocore, checked on every run.
const REGRESSIONS: &[(&str, &str)] = &[
    ("dev", "[dev]\n  aws_session_token = old\n  note = keep\n"),
    ("dev", "[dev]\n\n  [prod]\n  region = x\n"),
    ("dev", "[ dev ]\nregion = a\n[dev] # mine\nnote = 1\n"),
    (
        "dev",
        "[profile \"dev\"]\nregion = a\n[profile  dev]\nregion = b\n",
    ),
    (
        "dev",
        "[dev]\n\u{3000}aws_access_key_id = AKIA\n\u{a0}\u{a0}x = 1\n",
    ),
    ("dev", "[a]\nk = 1\n\n"),
    ("dev", "[a]\r\nk = 1"),
    ("dev", "[a]\rk = 1\r[dev]\rx=1\rjunk\r"),
    // seed 1, file 146: a new section after a last line ending in a lone CR
    ("default", "\t\n; note\r"),
    // seed 2, file 303: removing [dev] would make the indented [b] part of `k`
    (
        "dev",
        "[a]\nk = 1\n[dev]\n  aws_access_key_id = A\n  aws_session_token = t\n  [b]\nx = 1\n",
    ),
    // seed 826413615733, file 551: a new section makes botocore check [DEFAULT]'s nested blocks
    ("prod", "[DEFAULT]\raws_access_key_id=\t\n\u{a0}more\r"),
];

/// splitmix64: small, seedable, and all the randomness a generator needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pct(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const INDENTS: &[&str] = &[
    "",
    "",
    "",
    " ",
    "  ",
    "    ",
    "\t",
    "\u{a0}",
    "\u{3000}",
    "\u{1f}",
    " \u{2003}",
    "\u{a0}\u{a0}",
    "\u{b}",
    "\u{85}",
    "\u{2028}",
    "\u{1c}",
];
const BLANKS: &[&str] = &[
    "", "", "  ", "\t", "\u{a0}", "\u{3000}", "\u{c}", "\u{85}", "\u{2028}", "\u{1e}",
];
const COMMENTS: &[&str] = &[
    "# note",
    "; note",
    "#",
    "  # indented",
    "\t;x = y",
    "# [dev]",
];
const KEYS: &[&str] = &[
    "region",
    "output",
    "note",
    "Region",
    "AWS_ACCESS_KEY_ID",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "x_security_token_expires",
    "role_arn",
    "credential_process",
    "key with space",
    "ü_key",
    "Ü_KEY",
    "KEY_İ",
    "key_i̇",
    "k\u{a0}k",
    "sso_start_url",
];
const SEPS: &[&str] = &[
    "=",
    " = ",
    ":",
    " : ",
    "  =",
    "=\t",
    "\u{a0}=\u{a0}",
    " :\u{3000}",
];
const VALUES: &[&str] = &[
    "",
    "v",
    "us-east-1",
    "a=b",
    "x # not a comment",
    "  spaced  ",
    "ü",
    "C:\\tools\\x.exe",
    "[dev]",
    "json",
    "a:b",
    "\u{a0}nbsp\u{a0}",
];

/// One generated file: the profile we edit and the file's text.
fn generate(rng: &mut Rng) -> (String, String) {
    let profile = rng
        .pick(&["dev", "dev", "default", "prod", "a.b-c_1"])
        .to_owned();
    let eol_style = rng.below(10);
    let mut lines: Vec<String> = Vec::new();
    for _ in 0..rng.below(3) {
        lines.push(
            if rng.pct(50) {
                rng.pick(COMMENTS)
            } else {
                rng.pick(BLANKS)
            }
            .to_owned(),
        );
    }
    if rng.pct(2) {
        lines.push("orphan = 1".into()); // before any header: refused
    }
    let names = [profile.as_str(), "dev", "prod", "default", "other"];
    let mut used_sections: Vec<String> = Vec::new();
    for _ in 0..rng.below(6) {
        let name = names[rng.below(names.len())];
        let header = match rng.below(22) {
            0 => format!("[ {name} ]"),
            1 => format!("[{name}] # comment"),
            2 => format!("[{name}]junk"),
            3 | 4 => format!("[profile {name}]"),
            5 => format!("[profile  {name}]"),
            6 => format!("[profile \"{name}\"]"),
            7 => format!("[profile '{name}']"),
            8 => format!("[profile\t{name}]"),
            9 => format!("[profilex {name}]"),
            10 => format!("[profile {name} extra]"),
            11 => format!("[profile \"{name}]"),
            12 => format!("[sso-session {name}]"),
            13 => "[DEFAULT]".to_owned(),
            14 => "[profile default]".to_owned(),
            15 => format!("[{name}]]"),
            16 => format!("[{name}] x]"),
            17 => format!("[{}]", name.to_uppercase()),
            _ => format!("[{name}]"),
        };
        let header = format!(
            "{}{header}",
            if rng.pct(15) { rng.pick(INDENTS) } else { "" }
        );
        let raw = header
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{1f}')
            .to_owned();
        if used_sections.contains(&raw) && raw != "[DEFAULT]" && !rng.pct(5) {
            continue; // a duplicate section is refused: keep them rare
        }
        used_sections.push(raw);
        lines.push(header);
        let base = rng.pick(INDENTS);
        let mut used_keys: Vec<String> = Vec::new();
        for _ in 0..rng.below(7) {
            match rng.below(12) {
                0 => lines.push(rng.pick(BLANKS).to_owned()),
                1 => lines.push(format!("{}{}", rng.pick(INDENTS), rng.pick(COMMENTS))),
                2 => {
                    // a nested block, now and then with a line botocore refuses
                    if used_keys.iter().any(|k| k == "s3") && !rng.pct(5) {
                        continue;
                    }
                    used_keys.push("s3".into());
                    lines.push(format!("{base}s3 ="));
                    for _ in 0..1 + rng.below(3) {
                        let inner = if rng.pct(3) {
                            "max = 1\u{2028}no_equals_after_a_python_line_break"
                        } else if rng.pct(4) {
                            "no_equals_sign"
                        } else {
                            "max = 10"
                        };
                        lines.push(format!("{base}  {inner}"));
                    }
                }
                3 if rng.pct(10) => lines.push(format!("{base}not a key line")),
                _ => {
                    let key = rng.pick(KEYS);
                    let lower = key.to_lowercase();
                    if used_keys.contains(&lower) && !rng.pct(5) {
                        continue;
                    }
                    used_keys.push(lower);
                    let indent = if rng.pct(80) { base } else { rng.pick(INDENTS) };
                    let mut line = format!("{indent}{key}{}{}", rng.pick(SEPS), rng.pick(VALUES));
                    if rng.pct(3) {
                        line.push_str("\rlone = cr"); // a lone CR ends the line for Python
                    }
                    lines.push(line);
                    while rng.pct(20) {
                        lines.push(format!(
                            "{indent}{}more",
                            rng.pick(&["  ", "\t", "\u{a0}", " \u{3000}"])
                        ));
                    }
                }
            }
        }
    }
    for _ in 0..rng.below(3) {
        if rng.pct(30) {
            lines.push(rng.pick(BLANKS).to_owned());
        }
    }
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        text.push_str(line);
        if i + 1 == lines.len() && rng.pct(30) {
            break; // no final newline
        }
        text.push_str(match eol_style {
            0..=4 => "\n",
            5..=6 => "\r\n",
            7 => "\r",
            _ => rng.pick(&["\n", "\r\n", "\r"]),
        });
    }
    (profile, text)
}

/// What the library makes of one file: the edits a login and a logout make.
struct Edited {
    creds_set: String,
    /// Whether we would write it: we refuse to write a file botocore would refuse.
    creds_set_ok: bool,
    config_set_ok: bool,
    creds_removed: String,
    config_set: String,
}

fn edit(text: &str, profile: &str) -> Result<Edited, usize> {
    let ini = Ini::parse(text).map_err(|e| e.line)?;
    let mut creds = ini.clone();
    let pairs: Vec<(&str, &str)> = OUR_KEYS.iter().copied().zip(OURS).collect();
    creds.set(profile, &pairs);
    let creds_set = creds.to_text();
    let creds_set_ok = creds.check().is_ok();
    creds.remove(profile, &OUR_KEYS);
    creds.remove_section_if_empty(profile);
    let mut config = ini.clone();
    config.set(&config_section(&ini, profile), &[("region", REGION)]);
    Ok(Edited {
        creds_set,
        creds_set_ok,
        creds_removed: creds.to_text(),
        config_set_ok: config.check().is_ok(),
        config_set: config.to_text(),
    })
}

/// Python's universal-newline lines, each with its ending.
fn lines_of(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            let end = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            out.push(&text[start..end]);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < b.len() {
        out.push(&text[start..]);
    }
    out
}

fn body(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// Whether a line sets one of `keys` (its text before the first `=` or `:`).
fn sets_one_of(line: &str, keys: &[&str]) -> bool {
    let line = py_strip(body(line));
    line.find(['=', ':']).is_some_and(|at| {
        let key = py_strip(&line[..at]).to_lowercase();
        keys.contains(&key.as_str())
    })
}

/// Every byte outside the lines of `keys` is unchanged: `after` without the lines carrying our
/// markers is `before` less whole runs that start with a line setting one of `keys` (the old
/// value and its continuation), plus at most a blank line and a header at the end; the last line
/// of `before` may have gained a line ending.
fn outside_ours_unchanged(
    before: &str,
    after: &str,
    markers: &[&str],
    keys: &[&str],
) -> Result<(), String> {
    let old = lines_of(before);
    let new: Vec<&str> = lines_of(after)
        .into_iter()
        .filter(|l| !markers.iter().any(|m| l.contains(m)))
        .collect();
    let same = |i: usize, j: usize| {
        old[i] == new[j]
            || (i + 1 == old.len() && body(old[i]) == body(new[j]) && old[i] == body(old[i]))
    };
    // Longest common subsequence, then walk it.
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if same(i, j) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut in_removed_run = false;
    while i < n || j < m {
        if i < n && j < m && same(i, j) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            i += 1;
            j += 1;
            in_removed_run = false;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            if !(sets_one_of(old[i], keys) || in_removed_run) {
                return Err(format!("line {} ({:?}) went missing", i + 1, old[i]));
            }
            in_removed_run = true;
            i += 1;
        } else {
            let tail = &new[j..];
            let ok = i == n
                && tail.len() <= 2
                && tail.last().is_some_and(|l| body(l).starts_with('['))
                && tail.iter().rev().skip(1).all(|l| body(l).is_empty());
            if !ok {
                return Err(format!("line {:?} appeared at {}", new[j], j + 1));
            }
            j = m;
        }
    }
    Ok(())
}

/// What botocore reads for `profile` in a parsed result (sections for `cred`, profiles for
/// `config`), or, if it has no such profile, what a new section is read as: the [DEFAULT] keys.
fn profile_of(result: &Value, kind: &str, profile: &str) -> (bool, Map<String, Value>) {
    let ok = &result["ok"];
    let table = if kind == "cred" { ok } else { &ok["profiles"] };
    match table.get(profile) {
        Some(Value::Object(m)) => (true, m.clone()),
        _ => (
            false,
            if kind == "cred" {
                result["defaults"].as_object().cloned().unwrap_or_default()
            } else {
                Map::new()
            },
        ),
    }
}

/// Everything botocore reads except `profile`.
fn others(result: &Value, kind: &str, profile: &str) -> Value {
    let mut ok = result["ok"].clone();
    let table = if kind == "cred" {
        &mut ok
    } else {
        &mut ok["profiles"]
    };
    if let Some(t) = table.as_object_mut() {
        t.remove(profile);
    }
    ok
}

struct Case {
    profile: String,
    text: String,
}

fn python() -> PathBuf {
    std::env::var("MOTO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"))
}

/// Runs the oracle once over every (name, kind, text) and returns its results by name.
fn botocore_reads(files: &[(String, &'static str, String)]) -> Map<String, Value> {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = String::new();
    for (name, kind, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
        writeln!(manifest, "{name} {kind}").unwrap();
    }
    std::fs::write(dir.path().join("manifest.txt"), manifest).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/ini_oracle.py");
    let status = Command::new(python())
        .arg(script)
        .arg(dir.path())
        .env("PYTHONUTF8", "1")
        .status()
        .expect("run the botocore oracle");
    assert!(status.success(), "the botocore oracle failed");
    let results = std::fs::read_to_string(dir.path().join("results.json")).unwrap();
    serde_json::from_str::<Value>(&results)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

#[derive(Default)]
struct Tally {
    files: usize,
    writes: usize,
    refused: usize,
    /// Refusals by botocore's error type.
    refusals: std::collections::BTreeMap<String, usize>,
    writes_refused: usize,
    disagreements: Vec<String>,
}

fn check_all(cases: &[Case], tally: &mut Tally) {
    let edited: Vec<Result<Edited, usize>> =
        cases.iter().map(|c| edit(&c.text, &c.profile)).collect();
    let mut files = Vec::new();
    for (i, (case, edit)) in cases.iter().zip(&edited).enumerate() {
        files.push((format!("{i}.cred"), "cred", case.text.clone()));
        files.push((format!("{i}.config"), "config", case.text.clone()));
        if let Ok(e) = edit {
            files.push((format!("{i}.cred.set"), "cred", e.creds_set.clone()));
            files.push((format!("{i}.cred.removed"), "cred", e.creds_removed.clone()));
            files.push((format!("{i}.config.set"), "config", e.config_set.clone()));
        }
    }
    let results = botocore_reads(&files);
    for (i, (case, edit)) in cases.iter().zip(&edited).enumerate() {
        tally.files += 1;
        let mut problems: Vec<String> = Vec::new();
        let before = &results[&format!("{i}.cred")];
        match (edit, before.get("error")) {
            (Err(line), Some(err)) => {
                tally.refused += 1;
                let kind = err.as_str().unwrap_or("").split(':').next().unwrap_or("");
                *tally.refusals.entry(kind.to_owned()).or_default() += 1;
                if let Some(theirs) = before["line"].as_u64()
                    && theirs as usize != *line
                {
                    problems.push(format!(
                        "we refuse on line {line}, botocore on line {theirs}: {err}"
                    ));
                }
            }
            (Err(line), None) => {
                problems.push(format!("we refuse (line {line}), botocore reads it"));
            }
            (Ok(_), Some(err)) => {
                problems.push(format!("botocore refuses it ({err}), we do not"));
            }
            (Ok(e), None) => {
                tally.writes += 3;
                let p = case.profile.as_str();
                if !(e.creds_set_ok && e.config_set_ok) {
                    // We refuse the write: botocore must refuse what it would have been.
                    tally.writes_refused += 1;
                    for (name, ok) in [
                        ("cred.set", e.creds_set_ok),
                        ("config.set", e.config_set_ok),
                    ] {
                        let theirs = results[&format!("{i}.{name}")].get("error").is_some();
                        if ok == theirs {
                            problems.push(format!(
                                "after {name}: we check {ok}, botocore refuses: {theirs}"
                            ));
                        }
                    }
                    if !problems.is_empty() {
                        tally.disagreements.push(describe(i, case, edit, &problems));
                    }
                    continue;
                }
                for (name, kind, text) in [
                    ("cred.set", "cred", &e.creds_set),
                    ("cred.removed", "cred", &e.creds_removed),
                    ("config.set", "config", &e.config_set),
                ] {
                    if let Some(err) = results[&format!("{i}.{name}")].get("error") {
                        problems.push(format!(
                            "botocore refuses the file we wrote ({kind}, {name}): {err}: {text:?}"
                        ));
                    }
                }
                if !problems.is_empty() {
                    tally.disagreements.push(describe(i, case, edit, &problems));
                    continue;
                }
                // Login, credentials file: others the same, ours = before + our keys.
                let after = &results[&format!("{i}.cred.set")];
                if others(before, "cred", p) != others(after, "cred", p) {
                    problems
                        .push("another credentials section reads differently after login".into());
                }
                let (_, mut expected) = profile_of(before, "cred", p);
                for (k, v) in OUR_KEYS.iter().zip(OURS) {
                    expected.insert((*k).to_owned(), Value::String(v.to_owned()));
                }
                if profile_of(after, "cred", p).1 != expected {
                    problems.push(format!(
                        "[{p}] reads {:?} after login, not before + our keys",
                        profile_of(after, "cred", p).1
                    ));
                }
                if let Err(why) = outside_ours_unchanged(&case.text, &e.creds_set, &OURS, &OUR_KEYS)
                {
                    problems.push(format!("credentials file: {why}"));
                }
                // Logout: the original bytes when the profile held none of our keys.
                let removed = &results[&format!("{i}.cred.removed")];
                if others(before, "cred", p) != others(removed, "cred", p) {
                    problems
                        .push("another credentials section reads differently after logout".into());
                }
                let (existed, had) = profile_of(before, "cred", p);
                let mut empty_section = Ini::parse(&case.text).unwrap();
                let was_empty = empty_section.remove_section_if_empty(p);
                if (!existed || !was_empty)
                    && !OUR_KEYS.iter().any(|k| had.contains_key(*k))
                    && e.creds_removed != case.text
                {
                    problems.push(format!(
                        "logout does not give back the original bytes: {:?}",
                        e.creds_removed
                    ));
                }
                // Login, config file: others the same, ours = before + region.
                let before = &results[&format!("{i}.config")];
                let after = &results[&format!("{i}.config.set")];
                if others(before, "config", p) != others(after, "config", p) {
                    problems.push(
                        "another config profile or section reads differently after login".into(),
                    );
                }
                let (_, mut expected) = profile_of(before, "config", p);
                if !profile_of(before, "config", p).0 {
                    // A new config section inherits [DEFAULT] too.
                    expected = before["defaults"].as_object().cloned().unwrap_or_default();
                }
                expected.insert("region".into(), Value::String(REGION.into()));
                if profile_of(after, "config", p).1 != expected {
                    problems.push(format!(
                        "profile {p} reads {:?} after login, not before + region",
                        profile_of(after, "config", p).1
                    ));
                }
                if let Err(why) =
                    outside_ours_unchanged(&case.text, &e.config_set, &[REGION], &["region"])
                {
                    problems.push(format!("config file: {why}"));
                }
            }
        }
        if !problems.is_empty() {
            tally.disagreements.push(describe(i, case, edit, &problems));
        }
    }
}

fn describe(i: usize, case: &Case, edit: &Result<Edited, usize>, problems: &[String]) -> String {
    let mut s = format!(
        "file {i} (profile {}): {}\n  text: {:?}",
        case.profile,
        problems.join("; "),
        case.text
    );
    if let Ok(e) = edit {
        write!(
            s,
            "\n  credentials after login: {:?}\n  config after login: {:?}",
            e.creds_set, e.config_set
        )
        .unwrap();
    }
    s
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn botocore_reads_every_file_we_write_as_we_mean_it() {
    let count = env_number("COGNITO_AUTH_DIFF_CASES", 3000) as usize;
    let seed = env_number("COGNITO_AUTH_DIFF_SEED", 0x00C0_6A17_0A75);
    let mut cases: Vec<Case> = REGRESSIONS
        .iter()
        .map(|(p, t)| Case {
            profile: (*p).to_owned(),
            text: (*t).to_owned(),
        })
        .collect();
    let mut rng = Rng(seed);
    cases.extend((0..count).map(|_| {
        let (profile, text) = generate(&mut rng);
        Case { profile, text }
    }));
    let mut tally = Tally::default();
    check_all(&cases, &mut tally);
    eprintln!(
        "botocore differential (seed {seed}): {} files, {} refused by both, {} writes, {} edits refused \
         because botocore would refuse the result, {} disagreements",
        tally.files,
        tally.refused,
        tally.writes,
        tally.writes_refused,
        tally.disagreements.len()
    );
    eprintln!(
        "refused by both, by botocore's reason: {:?}",
        tally.refusals
    );
    assert!(
        tally.disagreements.is_empty(),
        "seed {seed} (COGNITO_AUTH_DIFF_SEED={seed} COGNITO_AUTH_DIFF_CASES={count}): {} disagreements, first ones:\n{}",
        tally.disagreements.len(),
        tally
            .disagreements
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
