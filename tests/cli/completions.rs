//! `completions` and `man`: the scripts work in the shells that read them, and every page
//! renders without a warning.

use std::path::Path;
use std::process::Command;

use crate::support::Sandbox;

/// Whether the test script installed the shells and man tools (then a missing one is a failure).
fn required() -> bool {
    std::env::var_os("COGNITO_AUTH_TEST_SHELLS").is_some()
}

fn have(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || !required(),
        "{program} is missing, though scripts/test.sh installs it"
    );
    found
}

fn script(sb: &Sandbox, shell: &str) -> std::path::PathBuf {
    let out = sb.cmd().args(["completions", shell]).output().unwrap();
    assert!(out.status.success(), "{shell}");
    let path = sb.path(&format!("completion.{shell}"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// Runs bash's completion function for `words` (the last one being completed).
fn bash_complete(sb: &Sandbox, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let words: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let words = words.join(" ");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cognito-auth"))
        .parent()
        .unwrap();
    let script = script(sb, "bash");
    let program = format!(
        r#"source {script}
spec=$(complete -p cognito-auth) || exit 3
fn=$(printf '%s' "$spec" | sed -E 's/.*-F ([^ ]+).*/\1/')
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
"$fn" cognito-auth "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script.display()
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = sb
        .sandboxed("bash")
        .args(["--norc", "-c", &program])
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_profile_names() {
    let sb = Sandbox::new();
    assert_eq!(
        bash_complete(&sb, &["cognito-auth", "lo"]),
        ["login", "logout"]
    );
    let top = bash_complete(&sb, &["cognito-auth", ""]);
    assert!(top.contains(&"login".to_owned()) && top.contains(&"completions".to_owned()));
    assert!(!top.contains(&"__profiles".to_owned()), "{top:?}");
    assert_eq!(
        bash_complete(&sb, &["cognito-auth", "login", "--bro"]),
        ["--browser", "--browser-timeout"]
    );
    for profile in ["dev", "prod", "default"] {
        sb.cmd()
            .args(["configure", "--profile", profile, "--client-id", "c1"])
            .assert()
            .success();
    }
    assert_eq!(
        bash_complete(&sb, &["cognito-auth", "login", "--profile", "d"]),
        ["dev", "default"]
    );
    assert_eq!(
        bash_complete(&sb, &["cognito-auth", "status", "--profile", ""]),
        ["dev", "prod", "default"]
    );
}

#[test]
fn zsh_and_fish_scripts_parse() {
    let sb = Sandbox::new();
    // Each shell checks the syntax of its own script without running it.
    for (shell, check) in [("zsh", "-n"), ("fish", "--no-execute")] {
        if have(shell) {
            let out = Command::new(shell)
                .arg(check)
                .arg(script(&sb, shell))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{shell}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    for shell in ["powershell", "elvish"] {
        let text = std::fs::read_to_string(script(&sb, shell)).unwrap();
        assert!(
            text.contains("cognito-auth") && text.contains("logout"),
            "{shell}"
        );
    }
}

#[test]
fn every_man_page_renders_without_warnings_and_documents_examples_environment_and_files() {
    let sb = Sandbox::new();
    let out = sb.cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let root = String::from_utf8(out.stdout).unwrap();
    assert!(
        root.starts_with(".ie \\n(.g .ds Aq") || root.contains(".TH cognito-auth 1"),
        "{root}"
    );

    let dir = sb.path("man1");
    sb.cmd().args(["man", "--dir"]).arg(&dir).assert().success();
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for expected in [
        "cognito-auth.1",
        "cognito-auth-login.1",
        "cognito-auth-credential-process.1",
        "cognito-auth-admin-bootstrap.1",
        "cognito-auth-completions.1",
    ] {
        assert!(
            pages.iter().any(|p| p == expected),
            "{expected} in {pages:?}"
        );
    }
    assert!(
        !pages
            .iter()
            .any(|p| p.contains("help") || p.contains("__profiles"))
    );
    let groff = have("groff");
    for page in &pages {
        let path = dir.join(page);
        let text = std::fs::read_to_string(&path).unwrap();
        for section in [".SH ENVIRONMENT", ".SH FILES", ".SH \"EXIT STATUS\""] {
            assert!(text.contains(section), "{page}: {section}");
        }
        if !matches!(
            page.as_str(),
            "cognito-auth-admin-policy.1" | "cognito-auth-admin-role.1"
        ) {
            assert!(text.contains(".SH EXAMPLES"), "{page}");
        }
        if groff {
            let out = Command::new("groff")
                .args(["-ww", "-man", "-z"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "{page}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    if have("man") {
        let out = Command::new("man")
            .arg("-l")
            .arg(dir.join("cognito-auth-login.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            shown.contains("EXAMPLES") && shown.contains("cognito-auth login -u alice"),
            "{shown}"
        );
    }
}
