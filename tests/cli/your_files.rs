//! "Your files are yours", end to end through the binary: keys land in the section botocore reads
//! as the profile, with its indentation; login + logout gives back the original bytes; a profile
//! that runs someone else's credential_process is left alone. (The line-by-line agreement with
//! botocore is `ini_differential`.)

use predicates::prelude::*;

use crate::support::*;

/// The profile as botocore reads it from both files (the credentials file's keys merged in).
fn botocore_profile(sb: &Sandbox, profile: &str) -> serde_json::Value {
    let python = std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let out = sb
        .sandboxed(&python)
        .args([
            "-c",
            "import json, sys, botocore.session as s; \
             print(json.dumps(s.Session().full_config['profiles'].get(sys.argv[1])))",
            profile,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn keys_go_into_the_section_botocore_reads_with_its_indentation() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.credentials(),
        "[dev] # mine\n  aws_session_token = old\n  note = keep\n\n  [prod]\n    region = x\n",
    )
    .unwrap();
    std::fs::write(
        sb.aws_config(),
        "[profile dev]\noutput = text\n[profile  \"dev\"]\n\u{3000}output = json\n",
    )
    .unwrap();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();

    let creds = sb.read(".aws/credentials");
    assert!(
        creds.starts_with("[dev] # mine\n  aws_session_token = ")
            && creds.contains("\n  note = keep\n  aws_access_key_id = ")
            && creds.ends_with("\n\n  [prod]\n    region = x\n"),
        "{creds}"
    );
    // The last section botocore maps to `dev` is the one it reads: the region goes there.
    assert_eq!(
        sb.read(".aws/config"),
        "[profile dev]\noutput = text\n[profile  \"dev\"]\n\u{3000}output = json\n\u{3000}region = us-east-1\n"
    );
    let dev = botocore_profile(&sb, "dev");
    assert_eq!(dev["note"], "keep");
    assert_eq!(dev["output"], "json");
    assert_eq!(dev["region"], "us-east-1");
    let token = creds
        .lines()
        .find_map(|l| l.strip_prefix("  aws_session_token = "))
        .unwrap();
    assert_eq!(dev["aws_session_token"], token);
    assert_eq!(botocore_profile(&sb, "prod")["region"], "x");
}

#[test]
fn login_then_logout_gives_back_the_original_bytes() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    for original in [
        "[other]\nk = v\n\n",
        "[other]\r\nk = v\r\n",
        "[other]\rk = v\r",
        "[other]\nk = v",
        "# only a comment, no final newline",
        "[other]\n  k = v\n  [next]\n",
    ] {
        std::fs::write(sb.credentials(), original).unwrap();
        sb.login("dev", ALICE, ALICE_PASSWORD).success();
        assert_ne!(sb.read(".aws/credentials"), original);
        sb.cmd()
            .args(["logout", "--profile", "dev"])
            .assert()
            .success();
        assert_eq!(sb.read(".aws/credentials"), original);
    }
}

#[test]
fn a_profile_running_another_credential_process_is_left_alone() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.aws_config(),
        "[profile dev]\ncredential_process = aws-vault export --format=json dev\n",
    )
    .unwrap();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: profile [dev] in {} gets its credentials from another command: aws-vault export --format=json dev",
            sb.aws_config().display()
        )))
        .stderr(predicate::str::contains(
            "hint: the profile is yours, so nothing was written",
        ));
    assert_eq!(sb.snapshot(), before);
    assert!(
        recorded("InitiateAuth", &pool.public_client_id).is_empty(),
        "refused before any request"
    );
    // configure --credential-process refuses to replace it too, unless forced.
    sb.cmd()
        .args(["configure", "--profile", "dev", "--credential-process"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("aws-vault export"));
    assert_eq!(sb.snapshot(), before);
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "dev",
            "--credential-process",
            "--force",
        ])
        .assert()
        .success();
    assert!(
        sb.read(".aws/config")
            .contains("cognito-auth credential-process --profile dev")
    );
}

/// A credentials file of 3,000 profiles, mixed line endings and indentation, an indented `[dev]`
/// in the middle holding a key another tool wrote; returns the text and where `[dev]` starts and
/// ends.
fn thousands_of_profiles() -> (String, usize, usize) {
    let mut text = String::new();
    let (mut start, mut end) = (0, 0);
    for i in 0..3_000 {
        let eol = if i % 3 == 0 { "\r\n" } else { "\n" };
        if i == 1_500 {
            start = text.len();
            text.push_str(&format!("  [dev]{eol}  note = keep{eol}{eol}"));
            end = text.len();
        }
        // The keys before [dev] are indented as deep as its header, which makes that header
        // one (deeper, it would continue the last value).
        let (head, keys) = match i {
            1_499 => ("", "  "),
            _ if i % 5 == 0 => ("\t", "\t"),
            _ => ("", ""),
        };
        text.push_str(&format!(
            "{head}[team-{i:04}]{eol}{keys}aws_access_key_id = AKIA{i:016}{eol}\
             {keys}aws_secret_access_key = secret{i}{eol}{eol}"
        ));
    }
    (text, start, end)
}

/// The index entry the tool keeps for `[dev]` of the credentials file, if there is one.
fn index_entry_for_dev(sb: &Sandbox) -> Option<serde_json::Value> {
    let dir = std::fs::read_dir(sb.cache_dir().join("index")).ok()?;
    let path = sb.credentials().to_string_lossy().into_owned();
    dir.filter_map(|e| std::fs::read(e.ok()?.path()).ok())
        .filter_map(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .find(|entry| entry["path"] == path && entry["pick"] == "named:dev")
}

#[test]
fn a_file_of_thousands_of_profiles_is_edited_through_the_index_byte_for_byte() {
    use std::os::unix::fs::MetadataExt;
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    let (original, start, end) = thousands_of_profiles();
    std::fs::write(sb.credentials(), &original).unwrap();
    // Every byte outside [dev] stays; inside it, botocore reads our keys and the other tool's.
    let check = |sb: &Sandbox| {
        let now = sb.read(".aws/credentials");
        let grown = now.len() - original.len();
        assert!(
            now[..start] == original[..start],
            "the bytes before [dev] changed"
        );
        assert!(
            now[end + grown..] == original[end..],
            "the bytes after [dev] changed"
        );
        let dev = &now[start..end + grown];
        assert!(
            dev.starts_with("  [dev]\r\n  note = keep\r\n  aws_access_key_id = "),
            "{dev}"
        );
        let ours = |key: &str| {
            dev.lines()
                .find_map(|l| l.trim_start().strip_prefix(&format!("{key} = ")))
                .unwrap()
                .trim_end()
                .to_owned()
        };
        let botocore = botocore_profile(sb, "dev");
        assert_eq!(botocore["note"], "keep");
        assert_eq!(botocore["aws_session_token"], ours("aws_session_token"));
        assert_eq!(
            botocore_profile(sb, "team-2999")["aws_secret_access_key"],
            "secret2999"
        );
        ours("aws_access_key_id")
    };

    // The first login reads the whole file and records where [dev] is in what it wrote.
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let first_key = check(&sb);
    let entry_stamps = |sb: &Sandbox| {
        let entry = index_entry_for_dev(sb).expect("an index entry for [dev]");
        let text = entry.to_string();
        assert!(!text.contains("AKIA") && !text.contains("secret") && !text.contains(&first_key));
        let stamps = &entry["stamps"];
        (
            stamps["ino"].as_u64().unwrap(),
            stamps["size"].as_u64().unwrap(),
        )
    };
    let on_disk = |sb: &Sandbox| {
        let meta = std::fs::metadata(sb.credentials()).unwrap();
        (meta.ino(), meta.size())
    };
    assert_eq!(entry_stamps(&sb), on_disk(&sb));
    let first_file = on_disk(&sb);

    // The second edits [dev] alone, through that entry, with the same result, and records the
    // file it wrote.
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE, "--fresh"])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success();
    let second_key = check(&sb);
    assert_ne!(on_disk(&sb).0, first_file.0, "a new file took its place");
    assert_eq!(entry_stamps(&sb), on_disk(&sb));

    // Another tool rewrites the file in place: [dev] one byte earlier and its key changed, the
    // size the same, and it puts the mtime back. `status` shows the new key. (That the index
    // entry is then not used at all, the change time having moved, is the unit test
    // `a_file_changed_in_place_with_its_size_and_mtime_kept_is_read_again`.)
    let text = sb.read(".aws/credentials");
    let changed = text
        .replacen("secret1000\n", "secret100\n", 1)
        .replacen("secret2000\n", "secret20000\n", 1)
        .replacen(
            &second_key,
            &format!("{}WXYZ", &second_key[..second_key.len() - 4]),
            1,
        );
    assert_eq!(changed.len(), text.len());
    let mtime = std::fs::metadata(sb.credentials())
        .unwrap()
        .modified()
        .unwrap();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(sb.credentials())
        .unwrap();
    std::io::Write::write_all(&mut &file, changed.as_bytes()).unwrap();
    file.set_modified(mtime).unwrap();
    drop(file);
    let json = status_json(&sb, &["--profile", "dev"]);
    assert!(
        json["credentials"]["access_key_id"]
            .as_str()
            .unwrap()
            .ends_with("WXYZ"),
        "{json}"
    );
}
