//! Faults during a sign-in or a refresh: a full disk or a missing folder at each write, a
//! process killed at each write (a real SIGKILL, delivered by strace at the rename), callers
//! queued behind a refresh against a server that never answers, and a refresh that fails while
//! the cached credentials are still good.
//!
//! The tmpfs and strace cases need root (mount) and strace; scripts/test.sh installs strace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::support::*;

const PREMIUM: &str = "arn:aws:iam::123456789012:role/CognitoPremiumUserRole";

/// What the user had in the AWS files before we came: neighbours that must survive untouched.
const USER_CREDENTIALS: &str =
    "# mine\n[work]\naws_access_key_id = AKIAWORK\naws_secret_access_key = keep\n";
const USER_CONFIG: &str = "[profile dev]\noutput = json\n\n[profile work]\nregion = eu-west-1\n";

/// A small tmpfs mounted on a folder, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs"])
            .arg(dir)
            .status()
            .expect("mount");
        assert!(
            status.success(),
            "these tests mount a tmpfs to fill a disk: run them as root"
        );
        Tmpfs {
            dir: dir.to_owned(),
        }
    }

    /// Writes zeros until the file system is full.
    fn fill(&self) {
        let mut filler = std::fs::File::create(self.dir.join("filler")).unwrap();
        let block = [0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        let _ = filler.write_all(&[0]);
    }

    fn unfill(&self) {
        std::fs::remove_file(self.dir.join("filler")).unwrap();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

/// Every `.cognito-auth-*` temp file under `dir`.
fn temps(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(temps(&p));
        } else if e
            .file_name()
            .to_string_lossy()
            .starts_with(".cognito-auth-")
        {
            out.push(p);
        }
    }
    out
}

/// The value of `key` in `[section]` of an INI text.
fn ini_get(text: &str, section: &str, key: &str) -> Option<String> {
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == format!("[{section}]");
        } else if inside
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == key
        {
            return Some(v.trim().to_owned());
        }
    }
    None
}

fn error_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_owned)
        .collect()
}

/// A sandbox whose credentials file, config file and cache each live on a tmpfs of their own,
/// with `dev` signed in and the user's own profiles beside it.
struct FullDisk {
    // Fields drop in order: the mounts go before the sandbox's HOME is removed.
    cache: Tmpfs,
    config: Tmpfs,
    credentials: Tmpfs,
    sb: Sandbox,
}

impl FullDisk {
    fn new(pool: &Pool) -> FullDisk {
        let mut sb = Sandbox::new();
        let home = sb.home.path().to_owned();
        let (cache, config, credentials) = (
            Tmpfs::mount(&home.join("mnt-cache")),
            Tmpfs::mount(&home.join("mnt-config")),
            Tmpfs::mount(&home.join("mnt-credentials")),
        );
        sb.env(
            "COGNITO_AUTH_CACHE_DIR",
            home.join("mnt-cache").to_str().unwrap(),
        )
        .env(
            "AWS_CONFIG_FILE",
            home.join("mnt-config/config").to_str().unwrap(),
        )
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("mnt-credentials/credentials").to_str().unwrap(),
        );
        std::fs::write(home.join("mnt-credentials/credentials"), USER_CREDENTIALS).unwrap();
        std::fs::write(home.join("mnt-config/config"), USER_CONFIG).unwrap();
        sb.configure("dev", pool, false);
        sb.login("dev", ALICE, ALICE_PASSWORD).success();
        FullDisk {
            cache,
            config,
            credentials,
            sb,
        }
    }

    fn aws_bytes(&self) -> (Vec<u8>, Vec<u8>) {
        (
            std::fs::read(self.credentials.dir.join("credentials")).unwrap(),
            std::fs::read(self.config.dir.join("config")).unwrap(),
        )
    }
}

#[test]
fn a_full_disk_at_any_write_of_a_login_leaves_the_aws_files_as_they_were() {
    let pool = Pool::new();
    let disk = FullDisk::new(&pool);
    // The second login changes the config too (region), so every file has a write to fail.
    std::fs::write(disk.config.dir.join("config"), USER_CONFIG).unwrap();
    let session_file = disk.cache.dir.join("profiles/dev.json");
    for (name, full) in [
        ("the cache folder", &disk.cache),
        ("the config file's folder", &disk.config),
        ("the credentials file's folder", &disk.credentials),
    ] {
        let before = disk.aws_bytes();
        let session_before = std::fs::read(&session_file).unwrap();
        full.fill();
        let out = disk
            .sb
            .std_cmd()
            .args(["login", "--profile", "dev", "-u", ALICE])
            .env("COGNITO_PASSWORD", ALICE_PASSWORD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} full: {stderr}");
        let errors = error_lines(&out.stderr);
        assert_eq!(errors.len(), 1, "{name} full: {stderr}");
        assert!(
            errors[0].contains("No space left on device"),
            "{name} full: {stderr}"
        );
        assert_eq!(
            disk.aws_bytes(),
            before,
            "{name} full: the AWS files changed"
        );
        assert_eq!(
            std::fs::read(&session_file).unwrap(),
            session_before,
            "{name} full: the session changed"
        );
        assert_eq!(temps(disk.sb.home.path()), Vec::<PathBuf>::new(), "{name}");
        full.unfill();
    }
    // With room again, the same login lands every write.
    disk.sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let (credentials, config) = disk.aws_bytes();
    let credentials = String::from_utf8(credentials).unwrap();
    assert!(credentials.starts_with(USER_CREDENTIALS), "{credentials}");
    let session: Value = serde_json::from_slice(&std::fs::read(&session_file).unwrap()).unwrap();
    assert_eq!(
        ini_get(&credentials, "dev", "aws_access_key_id").as_deref(),
        session["credentials"]["access_key_id"].as_str()
    );
    assert!(
        String::from_utf8(config)
            .unwrap()
            .contains("region = us-east-1")
    );
}

#[test]
fn a_file_where_the_cache_folder_should_be_fails_the_login_before_the_aws_files_change() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    std::fs::write(sb.credentials(), {
        let mut t = std::fs::read_to_string(sb.credentials()).unwrap();
        t.push_str(USER_CREDENTIALS);
        t
    })
    .unwrap();
    let before = (
        std::fs::read(sb.credentials()).unwrap(),
        std::fs::read(sb.aws_config()).unwrap(),
    );
    let blocker = sb.path("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    sb.env("COGNITO_AUTH_CACHE_DIR", blocker.to_str().unwrap());
    let out = sb
        .std_cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_eq!(error_lines(&out.stderr).len(), 1, "{stderr}");
    assert!(stderr.contains("not-a-folder"), "{stderr}");
    let after = (
        std::fs::read(sb.credentials()).unwrap(),
        std::fs::read(sb.aws_config()).unwrap(),
    );
    assert_eq!(after, before, "the AWS files changed");
}

/// The login whose writes the kill tests interrupt: the basic flow, whose STS keys differ on
/// every call (moto's enhanced-flow keys are always the same, which would hide whose they are).
fn login_args() -> [&'static str; 9] {
    [
        "login",
        "--profile",
        "dev",
        "-u",
        ALICE,
        "--duration",
        "1h",
        "--role-arn",
        PREMIUM,
    ]
}

#[test]
fn a_login_killed_at_any_write_is_repaired_by_the_next_run_and_leaves_no_temp_file() {
    let pool = Pool::new();
    let bin = assert_cmd::cargo::cargo_bin("cognito-auth");
    // The renames of a login, in order: refresh token, session, config, credentials.
    for (n, target) in [
        (1, "dev.refresh"),
        (2, "dev.json"),
        (3, "config"),
        (4, "credentials"),
    ] {
        let sb = Sandbox::new();
        sb.configure("dev", &pool, false);
        sb.cmd()
            .args(login_args())
            .env("COGNITO_PASSWORD", ALICE_PASSWORD)
            .assert()
            .success();
        let first_key = sb.session("dev")["credentials"]["access_key_id"]
            .as_str()
            .unwrap()
            .to_owned();
        // The user's own lines, so the killed login has a config change to make.
        std::fs::write(sb.aws_config(), USER_CONFIG).unwrap();
        let credentials_before = std::fs::read(sb.credentials()).unwrap();

        let status = sb
            .sandboxed("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "-e"])
            .arg(format!("inject=renameat:signal=KILL:when={n}"))
            .arg(&bin)
            .args(login_args())
            .env("COGNITO_PASSWORD", ALICE_PASSWORD)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "rename {n} ({target}): the login was not killed: {status:?}"
        );
        let left = temps(sb.home.path());
        assert!(
            left.iter().any(|p| p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!(".cognito-auth-{target}."))),
            "rename {n}: no temp of {target} was left by the kill: {left:?}"
        );
        assert_eq!(
            std::fs::read(sb.credentials()).unwrap(),
            credentials_before,
            "rename {n}: the credentials changed before the last write"
        );
        let session = sb.session("dev");
        let session_key = session["credentials"]["access_key_id"].as_str().unwrap();
        if n >= 3 {
            assert_ne!(
                session_key, first_key,
                "rename {n}: the session was not new"
            );
        }

        // The next refresh recognises what is in [dev] as ours and rewrites it.
        sb.age_credentials("dev");
        let out = sb
            .cmd()
            .args(["credential-process", "--profile", "dev"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "rename {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let credentials = sb.read(".aws/credentials");
        assert_eq!(
            ini_get(&credentials, "dev", "aws_access_key_id").as_deref(),
            json["AccessKeyId"].as_str(),
            "rename {n}: [dev] was not repaired:\n{credentials}"
        );
        assert_eq!(
            ini_get(&credentials, "dev", "aws_session_token").as_deref(),
            json["SessionToken"].as_str(),
            "rename {n}"
        );
        // And the next login sweeps every leftover under the locks it takes.
        sb.cmd()
            .args(["login", "--profile", "dev"])
            .assert()
            .success();
        assert_eq!(
            temps(sb.home.path()),
            Vec::<PathBuf>::new(),
            "rename {n}: temp files left"
        );
        assert_eq!(
            sb.read(".aws/config"),
            "[profile dev]\noutput = json\nregion = us-east-1\n\n[profile work]\nregion = eu-west-1\n"
        );
    }
}

#[test]
fn a_refresh_killed_at_any_write_is_repaired_by_the_next_refresh() {
    let pool = Pool::new();
    let bin = assert_cmd::cargo::cargo_bin("cognito-auth");
    // The renames of a refresh, in order: the session, then the credentials file.
    for (n, target) in [(1, "dev.json"), (2, "credentials")] {
        let sb = Sandbox::new();
        sb.configure("dev", &pool, false);
        sb.cmd()
            .args(login_args())
            .env("COGNITO_PASSWORD", ALICE_PASSWORD)
            .assert()
            .success();
        let first_key = sb.session("dev")["credentials"]["access_key_id"]
            .as_str()
            .unwrap()
            .to_owned();
        sb.age_credentials("dev");
        let status = sb
            .sandboxed("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "-e"])
            .arg(format!("inject=renameat:signal=KILL:when={n}"))
            .arg(&bin)
            .args(["credential-process", "--profile", "dev"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "rename {n} ({target}): {status:?}"
        );
        let left = temps(sb.home.path());
        assert!(
            left.iter().any(|p| p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!(".cognito-auth-{target}."))),
            "rename {n}: no temp of {target} was left by the kill: {left:?}"
        );
        let credentials = sb.read(".aws/credentials");
        assert_eq!(
            ini_get(&credentials, "dev", "aws_access_key_id").as_deref(),
            Some(first_key.as_str()),
            "rename {n}"
        );
        if n == 2 {
            // The session moved on while [dev] kept the old keys: the case that used to stay
            // stale for good.
            assert_ne!(
                sb.session("dev")["credentials"]["access_key_id"].as_str(),
                Some(first_key.as_str())
            );
        }
        sb.age_credentials("dev");
        let out = sb
            .cmd()
            .args(["credential-process", "--profile", "dev"])
            .output()
            .unwrap();
        assert!(out.status.success(), "rename {n}");
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let credentials = sb.read(".aws/credentials");
        assert_eq!(
            ini_get(&credentials, "dev", "aws_access_key_id").as_deref(),
            json["AccessKeyId"].as_str(),
            "rename {n}: [dev] was not repaired:\n{credentials}"
        );
        assert_ne!(json["AccessKeyId"].as_str(), Some(first_key.as_str()));
        assert_eq!(
            temps(sb.home.path()),
            Vec::<PathBuf>::new(),
            "rename {n}: temp files left"
        );
    }
}

/// A TCP server that accepts connections, counts them, and never answers.
struct BlackHole {
    endpoint: String,
    connections: Arc<AtomicUsize>,
    first: std::sync::mpsc::Receiver<()>,
}

impl BlackHole {
    fn start() -> BlackHole {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let (tx, first) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                counter.fetch_add(1, Ordering::SeqCst);
                held.push(stream); // open and silent
                let _ = tx.send(());
            }
        });
        BlackHole {
            endpoint,
            connections,
            first,
        }
    }
}

#[test]
fn callers_queued_behind_a_failed_refresh_reuse_its_failure_without_a_request() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    // The session's tokens come from a "Hosted UI" that never answers: refreshing them sends one
    // request, with no retry, and waits for its timeout.
    let hole = BlackHole::start();
    sb.age_tokens("dev");
    sb.edit_session("dev", |s| s["hosted_ui"] = hole.endpoint.clone().into());
    // The default bound (10 s): the first caller's request gives up a little before it, the
    // queued callers get the lock within their own bound and reuse the failure.
    let spawn = || {
        sb.std_cmd()
            .args(["credential-process", "--profile", "dev"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let started = std::time::Instant::now();
    let first = spawn();
    // It holds the lock once it has connected; the next two queue behind it.
    hole.first.recv().unwrap();
    let queued = [spawn(), spawn()];
    let first = first.wait_with_output().unwrap();
    let first_done = started.elapsed();
    let queued = queued.map(|c| c.wait_with_output().unwrap());
    // For the record only (no timed assertion): the queued callers end with the first.
    eprintln!(
        "first caller: {first_done:?}; all three: {:?}",
        started.elapsed()
    );
    let first_err = String::from_utf8_lossy(&first.stderr).into_owned();
    assert!(!first.status.success(), "{first_err}");
    assert_eq!(error_lines(&first.stderr).len(), 1, "{first_err}");
    for out in &queued {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert_eq!(error_lines(&out.stderr).len(), 1, "{stderr}");
        assert!(
            stderr.contains("a refresh by another cognito-auth process failed just now"),
            "a queued caller did not reuse the failure: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    assert_eq!(
        hole.connections.load(Ordering::SeqCst),
        1,
        "only the first caller reached the server"
    );
    // A caller that comes later, not queued behind that failure, tries again.
    let later = spawn().wait_with_output().unwrap();
    assert!(!later.status.success());
    assert!(
        !String::from_utf8_lossy(&later.stderr).contains("failed just now"),
        "{}",
        String::from_utf8_lossy(&later.stderr)
    );
    assert_eq!(hole.connections.load(Ordering::SeqCst), 2);
}

#[test]
fn a_caller_waits_for_a_held_lock_no_longer_than_the_timeout() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb.age_credentials("dev");
    // Another process (this test) holds the profile's lock and never lets go.
    let lock_path = sb.cache_dir().join("profiles/dev.json.lock");
    let held = std::fs::File::options()
        .write(true)
        .open(&lock_path)
        .unwrap();
    held.lock().unwrap();
    sb.env("COGNITO_AUTH_TIMEOUT", "1");
    let out = sb
        .cmd()
        .args(["credential-process", "--profile", "dev"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    let errors = error_lines(&out.stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("dev.json.lock") && errors[0].contains("more than 1 s"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: "), "{stderr}");
}

/// Makes the cached credentials due for a refresh (past 80% of their life) with `left` seconds
/// still to go.
fn due_for_refresh(sb: &Sandbox, left: i64) {
    sb.edit_session("dev", |s| {
        s["credentials"]["issued_at"] = (now() + left - 3600).into();
        s["credentials"]["expiration"] = (now() + left).into();
    });
}

#[test]
fn a_failed_refresh_hands_out_still_valid_credentials_with_a_warning() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let cached = sb.session("dev")["credentials"]["access_key_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Nothing listens there: the exchange fails at once.
    sb.endpoint = format!("http://127.0.0.1:{}", free_port());
    due_for_refresh(&sb, 600);
    let out = sb
        .cmd()
        .args(["credential-process", "--profile", "dev"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["AccessKeyId"], cached.as_str());
    let warnings: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("using the cached credentials"),
        "{stderr}"
    );
    assert!(!stderr.contains("error:"), "{stderr}");

    // With two minutes or less left, they are not handed out: the failure is the answer.
    due_for_refresh(&sb, 110);
    let out = sb
        .cmd()
        .args(["credential-process", "--profile", "dev"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(error_lines(&out.stderr).len(), 1, "{stderr}");
}
