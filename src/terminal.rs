//! Talking to a person at a terminal: visible and hidden prompts on stderr / the tty.
//! Only the command layer uses this; the core never reads the terminal.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Whether a person can answer prompts: stdin and stderr are both terminals.
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Whether the process has a controlling terminal to prompt on, even with stdin and stderr
/// redirected (as under `credential_process`).
pub fn has_tty() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

/// Asks for a visible value on stderr, showing `current` as the default kept on Enter.
pub fn ask(label: &str, current: Option<&str>) -> Result<Option<String>> {
    match current {
        Some(c) => eprint!("{label} [{c}]: "),
        None => eprint!("{label}: "),
    }
    io::stderr().flush().ok();
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("stdin", e))?;
    let value = line.trim();
    Ok(if value.is_empty() {
        current.map(str::to_owned)
    } else {
        Some(value.to_owned())
    })
}

/// Asks for a visible value on the controlling terminal (/dev/tty), whatever stdin is.
pub fn ask_tty(label: &str) -> Result<String> {
    use std::io::Read;
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|e| Error::io("/dev/tty", e))?;
    write!(tty, "{label}: ").map_err(|e| Error::io("/dev/tty", e))?;
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while tty.read(&mut byte).map_err(|e| Error::io("/dev/tty", e))? == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&line).trim().to_owned())
}

/// Writes a message on the controlling terminal when there is one, else on stderr.
pub fn tell(message: &str) {
    match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        Ok(mut tty) => {
            let _ = writeln!(tty, "{message}");
        }
        Err(_) => eprintln!("{message}"),
    }
}

/// Asks for a hidden value on the terminal.
pub fn ask_secret(label: &str) -> Result<Secret<String>> {
    rpassword::prompt_password(format!("{label}: "))
        .map(Secret::new)
        .map_err(|e| Error::io("/dev/tty", e))
}

/// Reads one line from stdin (for `--password-stdin` and friends), without its line ending.
pub fn read_stdin_line(what: &'static str) -> Result<Secret<String>> {
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("stdin", e))?;
    let value = line.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(Error::EmptyStdin { what });
    }
    Ok(Secret::new(value))
}
