//! The release archive and `scripts/install.sh`: a release made here from the test binary,
//! served on 127.0.0.1 like a GitHub releases page, installs with one command and is verified
//! against its SHA256SUMS first.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::start_emulator;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The target name install.sh picks on this machine (the tests run on Linux).
fn target() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    }
}

/// Packages the test binary as a release under `site/<folder>`, with SHA256SUMS.
fn release(site: &Path, folder: &str) -> PathBuf {
    let dir = site.join(folder);
    let out = Command::new(root().join("scripts/package-release.sh"))
        .arg(env!("CARGO_BIN_EXE_cognito-auth"))
        .arg(target())
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sums = Command::new("sh")
        .args(["-c", "sha256sum -- *.tar.gz > SHA256SUMS"])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(sums.success());
    dir
}

fn install(base: &str, prefix: &Path, version: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg(root().join("scripts/install.sh"))
        .arg("--prefix")
        .arg(prefix)
        .args(["--base-url", base]);
    if let Some(v) = version {
        cmd.args(["--version", v]);
    }
    cmd.output().unwrap()
}

#[test]
fn install_script_verifies_and_installs_a_release_served_locally() {
    let site = tempfile::tempdir().unwrap();
    release(site.path(), "download/v9.9.9");
    release(site.path(), "latest/download");
    // A release whose archive was swapped after its checksums were made.
    let bad = release(site.path(), "download/v6.6.6");
    let archive = bad.join(format!("cognito-auth-{}.tar.gz", target()));
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&archive, bytes).unwrap();

    let server = start_emulator(
        "static_server.py",
        &[site.path().as_os_str()],
        &[],
        tempfile::tempdir().unwrap(),
    );
    let home = tempfile::tempdir().unwrap();

    for version in [Some("v9.9.9"), None] {
        let prefix = home
            .path()
            .join(format!("prefix-{}", version.unwrap_or("latest")));
        let out = install(&server.endpoint, &prefix, version);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("checked against SHA256SUMS"), "{said}");
        let bin = prefix.join("bin/cognito-auth");
        let v = Command::new(&bin).arg("--version").output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&v.stdout),
            format!("cognito-auth {}\n", env!("CARGO_PKG_VERSION"))
        );
        let shipped_bash =
            std::fs::read_to_string(prefix.join("share/bash-completion/completions/cognito-auth"))
                .unwrap();
        let bash = Command::new(&bin)
            .args(["completions", "bash"])
            .output()
            .unwrap();
        assert_eq!(shipped_bash.as_bytes(), bash.stdout.as_slice());
        for file in [
            "share/zsh/site-functions/_cognito-auth",
            "share/fish/vendor_completions.d/cognito-auth.fish",
            "share/man/man1/cognito-auth.1",
            "share/man/man1/cognito-auth-login.1",
        ] {
            assert!(prefix.join(file).is_file(), "{file}");
        }
    }

    let prefix = home.path().join("prefix-bad");
    let out = install(&server.endpoint, &prefix, Some("v6.6.6"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("does not match SHA256SUMS") && stderr.contains("nothing was installed"),
        "{stderr}"
    );
    assert!(!prefix.exists(), "a failed check installs nothing");

    let out = install(&server.endpoint, &prefix, Some("v0.0.0"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not download"));
    assert!(!prefix.exists());
}

#[test]
fn release_archive_holds_binary_docs_licences_completions_and_man_pages() {
    let site = tempfile::tempdir().unwrap();
    let dir = release(site.path(), "r");
    let name = format!("cognito-auth-{}", target());
    let list = Command::new("tar")
        .arg("tzf")
        .arg(dir.join(format!("{name}.tar.gz")))
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    for file in [
        "cognito-auth",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "completions/cognito-auth.bash",
        "completions/_cognito-auth",
        "completions/cognito-auth.fish",
        "completions/_cognito-auth.ps1",
        "completions/cognito-auth.elv",
        "man/man1/cognito-auth.1",
        "man/man1/cognito-auth-credential-process.1",
    ] {
        assert!(
            list.lines().any(|l| l == format!("{name}/{file}")),
            "{file} in\n{list}"
        );
    }
    // The same inputs give the same archive bytes (sorted, fixed owner and times).
    let again = release(site.path(), "r2");
    assert_eq!(
        std::fs::read(dir.join(format!("{name}.tar.gz"))).unwrap(),
        std::fs::read(again.join(format!("{name}.tar.gz"))).unwrap()
    );
}
