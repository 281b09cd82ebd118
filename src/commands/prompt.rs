//! The terminal side of a sign-in: challenge answers from flags, the environment,
//! `mfa_process` or, when a person is there, the terminal. The core asks through the
//! `auth::Prompt` and `signin::Prompt` traits; this is the one implementation the commands use.

use crate::auth::{Factor, MfaKind, NewPassword, Prompt};
use crate::env_vars;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Settings;
use crate::signin;
use crate::terminal;

/// Answers challenges from flags, the environment, `mfa_process` or, when `tty` says a person
/// is there, the terminal.
pub struct TerminalPrompt {
    /// Whether prompts may go to the terminal.
    pub tty: bool,
    /// `--mfa-code`, used for the first code asked for.
    pub mfa_code: Option<Secret<String>>,
    /// The profile's `mfa_process` command.
    pub mfa_process: Option<String>,
    /// Read the password from stdin when a step needs it (`--password-stdin`).
    pub password_stdin: bool,
}

impl TerminalPrompt {
    /// A prompt for `settings`, with `--mfa-code` if given.
    pub fn new(settings: &Settings, tty: bool, mfa_code: Option<String>) -> Self {
        Self {
            tty,
            mfa_code: mfa_code.map(Secret::new),
            mfa_process: settings.mfa_process.as_ref().map(|s| s.value.clone()),
            password_stdin: false,
        }
    }
}

impl signin::Prompt for TerminalPrompt {
    fn choose_role(&mut self, roles: &[String]) -> Result<Option<String>> {
        if !self.tty {
            return Ok(None);
        }
        let list: Vec<String> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| format!("  {}) {r}", i + 1))
            .collect();
        terminal::tell(&format!(
            "Your groups offer several roles:\n{}",
            list.join("\n")
        ));
        let answer = terminal::ask_tty("Role (number, Enter for the preferred one)")?;
        if answer.is_empty() {
            return Ok(None);
        }
        let pick = answer
            .parse::<usize>()
            .ok()
            .and_then(|i| roles.get(i.wrapping_sub(1)));
        pick.cloned().map(Some).ok_or(Error::NotAnOption {
            answer,
            what: "roles",
        })
    }
}

impl Prompt for TerminalPrompt {
    fn new_password(&mut self, username: &str, required: &[String]) -> Result<NewPassword> {
        let from_env = env_vars::get(env_vars::COGNITO_NEW_PASSWORD).map(Secret::new);
        if !self.tty && (from_env.is_none() || !required.is_empty()) {
            return Err(Error::NeedsInput {
                what: "a new password (the user has a temporary one)",
                hint: "set COGNITO_NEW_PASSWORD, or sign in once at a terminal (which also asks for any attributes the pool requires)",
            });
        }
        let password = match from_env {
            Some(p) => p,
            None => {
                terminal::tell(&format!("{username} must choose a new password."));
                let first = terminal::ask_secret("New password")?;
                let second = terminal::ask_secret("New password again")?;
                if first != second {
                    return Err(Error::PasswordMismatch);
                }
                first
            }
        };
        let mut attributes = Vec::new();
        for name in required {
            attributes.push((
                name.clone(),
                terminal::ask_tty(&format!("Value for the required attribute `{name}`"))?,
            ));
        }
        Ok(NewPassword {
            password,
            attributes,
        })
    }

    fn mfa_code(&mut self, kind: MfaKind, destination: Option<&str>) -> Result<Secret<String>> {
        if let Some(code) = self.mfa_code.take() {
            return Ok(code);
        }
        if let Some(code) = env_vars::get(env_vars::COGNITO_MFA_CODE) {
            return Ok(Secret::new(code));
        }
        if let Some(command) = &self.mfa_process {
            return run_mfa_process(command);
        }
        if !self.tty {
            return Err(Error::NeedsInput {
                what: "an MFA code",
                hint: "pass --mfa-code, set COGNITO_MFA_CODE, or set mfa_process in the profile (`cognito-auth configure --mfa-process CMD`)",
            });
        }
        let label = match destination {
            Some(to) => format!("{} sent to {to}", kind.describe()),
            None => kind.describe().to_owned(),
        };
        Ok(Secret::new(terminal::ask_tty(&capitalize(&label))?))
    }

    fn choose_mfa(&mut self, options: &[String]) -> Result<String> {
        if options.len() > 1 && self.tty {
            let list = options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}) {o}", i + 1))
                .collect::<Vec<_>>()
                .join("  ");
            let answer = terminal::ask_tty(&format!("Second factor: {list}"))?;
            if let Some(choice) = answer
                .parse::<usize>()
                .ok()
                .and_then(|i| options.get(i.wrapping_sub(1)))
            {
                return Ok(choice.clone());
            }
            if options.contains(&answer) {
                return Ok(answer);
            }
            return Err(Error::NotAnOption {
                answer,
                what: "offered second factors",
            });
        }
        // Unattended: an authenticator app code can come from mfa_process; prefer it.
        Ok(options
            .iter()
            .find(|o| *o == "SOFTWARE_TOKEN_MFA")
            .or_else(|| options.first())
            .cloned()
            .unwrap_or_else(|| "SOFTWARE_TOKEN_MFA".into()))
    }

    fn show_totp_setup(&mut self, secret: &str, uri: &str) -> Result<()> {
        let code_source = self.mfa_code.is_some()
            || self.mfa_process.is_some()
            || env_vars::get(env_vars::COGNITO_MFA_CODE).is_some();
        if !self.tty && !code_source {
            // Nobody could scan it, and a CI log must not keep the seed.
            return Err(Error::NeedsInput {
                what: "an authenticator app set-up (MFA_SETUP)",
                hint: "sign in once at a terminal to scan the QR code",
            });
        }
        let qr = qrcode::QrCode::new(uri.as_bytes())
            .map(|code| {
                code.render::<qrcode::render::unicode::Dense1x2>()
                    .quiet_zone(true)
                    .build()
            })
            .unwrap_or_default();
        terminal::tell(&format!(
            "Set up an authenticator app: scan this QR code, or enter the secret {secret}\n{uri}\n{qr}"
        ));
        Ok(())
    }

    fn notice(&mut self, message: &str) {
        eprintln!("note: {message}");
    }

    fn password(&mut self, username: &str) -> Result<Secret<String>> {
        read_password(self.password_stdin, username)
    }

    fn choose_factor(&mut self, options: &[String]) -> Result<String> {
        let names: Vec<String> = options
            .iter()
            .map(|o| Factor::from_challenge(o).map_or_else(|| o.clone(), |f| f.name().to_owned()))
            .collect();
        if !self.tty {
            return Err(Error::FactorChoiceNeedsTerminal { offered: names });
        }
        let list = names
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}) {o}", i + 1))
            .collect::<Vec<_>>()
            .join("  ");
        let answer = terminal::ask_tty(&format!("Sign in with: {list}"))?;
        let index = answer
            .parse::<usize>()
            .ok()
            .or_else(|| names.iter().position(|n| *n == answer).map(|i| i + 1));
        index
            .and_then(|i| options.get(i.wrapping_sub(1)))
            .cloned()
            .ok_or(Error::NotAnOption {
                answer,
                what: "offered ways to sign in",
            })
    }
}

/// The password from stdin (`--password-stdin`), `COGNITO_PASSWORD` or a hidden prompt; never
/// a flag.
pub fn read_password(from_stdin: bool, username: &str) -> Result<Secret<String>> {
    if from_stdin {
        return terminal::read_stdin_line("password");
    }
    if let Some(p) = env_vars::get(env_vars::COGNITO_PASSWORD) {
        return Ok(Secret::new(p));
    }
    if terminal::interactive() {
        return terminal::ask_secret(&format!("Password for {username}"));
    }
    Err(Error::NeedsInput {
        what: "a password",
        hint: "pipe it with --password-stdin or set COGNITO_PASSWORD",
    })
}

/// Runs `mfa_process` and takes the code from its stdout.
fn run_mfa_process(command: &str) -> Result<Secret<String>> {
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Error::io("mfa_process", e))?;
    let code = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || code.is_empty() {
        return Err(Error::MfaProcessFailed {
            command: command.to_owned(),
            status: out.status.to_string(),
        });
    }
    Ok(Secret::new(code))
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
