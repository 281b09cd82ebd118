//! Opening the system browser: `BROWSER` first (as Python's `webbrowser` reads it: commands
//! separated by `:`, `%s` standing for the URL, else the URL appended), then the platform's
//! opener. The browser runs on its own; nothing waits for it.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use crate::env_vars;

/// Starts a browser on `url`; the error says what was tried.
pub fn open(url: &str) -> Result<(), String> {
    let commands: Vec<String> = match env_vars::get(env_vars::BROWSER) {
        Some(list) => list.split(':').map(str::to_owned).collect(),
        None if cfg!(target_os = "macos") => vec!["open".into()],
        None => vec!["xdg-open".into()],
    };
    let mut tried = Vec::new();
    for command in commands.iter().filter(|c| !c.trim().is_empty()) {
        let argv = argv(command, url);
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        // A process group of its own: Ctrl-C on the login, or its terminal closing, must not
        // take the user's browser down with it.
        let started = Command::new(program)
            .process_group(0)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match started {
            Ok(mut child) => {
                // Reaped in the background; its exit status says nothing about the sign-in.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => tried.push(format!("{program}: {e}")),
        }
    }
    Err(tried.join("; "))
}

/// The words of a `BROWSER` command with the URL in place of `%s` (or appended).
fn argv(command: &str, url: &str) -> Vec<String> {
    let mut words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_owned());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_commands_take_the_url_in_place_of_percent_s_or_last() {
        assert_eq!(
            argv("firefox", "https://x/?a=b"),
            ["firefox", "https://x/?a=b"]
        );
        assert_eq!(
            argv("chromium --new-window %s --incognito", "https://x"),
            ["chromium", "--new-window", "https://x", "--incognito"]
        );
    }
}
