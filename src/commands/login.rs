//! `cognito-auth login`: resolve the settings, gather the password or the browser's callback,
//! and hand them to the sign-in transaction of the core (`signin`); then say what happened.
//! With a live session and no password given, it refreshes instead of asking.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::auth::{MfaKind, NewPassword, Prompt, Tokens, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{self, Session};
use crate::cli::LoginArgs;
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::hosted_ui::callback::{self, Outcome};
use crate::hosted_ui::{self, Authorize, HostedUi, Loopback, Pkce, browser};
use crate::sdk;
use crate::secret::Secret;
use crate::session::{self, Ensured, Want};
use crate::settings::{Flags, Setting, Settings};
use crate::signin::{self, SignIn};
use crate::terminal;

/// Signs in (or refreshes) and writes the profile; nothing is written unless every step succeeds.
pub fn run(args: LoginArgs) -> Result<()> {
    if args.client_credentials {
        return Err(Error::Refused {
            message: "client-credentials tokens carry no user identity, so an identity pool cannot exchange them for AWS credentials".into(),
            hint: "`cognito-auth token --client-credentials` prints the access token for an API; for AWS credentials a user signs in (`login`, or `login --browser`)".into(),
        });
    }
    if !(args.browser || args.no_browser)
        && (args.identity_provider.is_some() || !args.scopes.is_empty())
    {
        return Err(Error::Usage(
            "--identity-provider and --scope belong to the browser sign-in: add --browser".into(),
        ));
    }
    let settings = Settings::resolve(&Flags {
        profile: args.profile.profile.clone(),
        username: args.username.clone(),
        auth_flow: args.auth_flow.clone(),
        duration: args.duration.clone(),
        role_arn: args.role_arn.clone(),
        ..Flags::default()
    })?;
    let profile = settings.profile.value.clone();
    let files = AwsFiles::locate()?;
    files.preflight(&profile, args.force)?;

    let password_given = args.password_stdin || env_vars::get(env_vars::COGNITO_PASSWORD).is_some();
    // `--browser` always signs in through the browser (as `aws sso login` does): it is how a
    // user changes identity provider, account or scopes.
    let browser = args.browser || args.no_browser;
    if !args.fresh && !password_given && !browser {
        match refresh(&settings, &files, args.force) {
            Err(Error::LoginRequired { .. }) => {}
            other => return other,
        }
    }
    // Whoever signed in through the browser last time signs in that way again by default.
    let last_was_browser = cache::load(&profile)
        .ok()
        .flatten()
        .is_some_and(|s| s.hosted_ui.is_some());
    let again_by_browser =
        last_was_browser && !browser && !password_given && args.username.is_none();
    if again_by_browser && !terminal::interactive() {
        // Nobody could finish a browser sign-in, and a script must not wait minutes for one.
        return Err(Error::Refused {
            message: format!(
                "profile `{profile}` last signed in through the Hosted UI, and there is no terminal to start a browser sign-in from"
            ),
            hint: format!(
                "run `cognito-auth login --browser --profile {profile}` at a terminal (--no-browser prints the URL for a browser elsewhere)"
            ),
        });
    }
    if browser || again_by_browser {
        let options = BrowserOptions {
            open: !args.no_browser,
            identity_provider: args.identity_provider.as_deref(),
            scopes: &args.scopes,
            timeout: Duration::from_secs(args.browser_timeout),
        };
        let session = browser_sign_in(&settings, &files, &options, args.force)?;
        report(&profile, &session, &files, "Signed in as");
        return Ok(());
    }

    // The user of the profile's last session is the natural default for signing in again.
    let known = settings
        .username
        .as_ref()
        .map(|s| s.value.clone())
        .or_else(|| session::cached_username(&profile));
    let username = match known {
        Some(u) => u,
        None if terminal::interactive() => terminal::ask("Username", None)?
            .ok_or_else(|| Error::Usage("no username given".into()))?,
        None => {
            return Err(Error::NeedsInput {
                what: "a username",
                hint: "pass -u USER, set COGNITO_USERNAME, or save one with `cognito-auth configure --username`",
            });
        }
    };
    let password = password(args.password_stdin, &username)?;
    let mut prompt = TerminalPrompt::new(&settings, terminal::interactive(), args.mfa_code.clone());
    let session = SignIn {
        settings: &settings,
        files: &files,
        force: args.force,
    }
    .with_password(&username, &password, &mut prompt)?;
    report(&profile, &session, &files, "Signed in as");
    Ok(())
}

/// Refreshes a live session without a password and writes its credentials to the profile.
fn refresh(settings: &Settings, files: &AwsFiles, force: bool) -> Result<()> {
    let profile = &settings.profile.value;
    let stale = |reason: &str| Error::LoginRequired {
        profile: profile.clone(),
        reason: reason.into(),
    };
    let Some(cached) = cache::load(profile)? else {
        return Err(stale("nobody is signed in"));
    };
    let differs = |s: &Option<Setting>, v: &str| s.as_ref().is_some_and(|s| s.value != v);
    if differs(&settings.user_pool_id, &cached.user_pool_id)
        || differs(&settings.client_id, &cached.client_id)
        || differs(&settings.identity_pool_id, &cached.identity_pool_id)
    {
        return Err(stale(
            "the profile's settings changed since the last sign-in",
        ));
    }
    let wanted_duration = settings
        .duration
        .as_ref()
        .and_then(|d| crate::settings::parse_duration(&d.value));
    if wanted_duration.is_some_and(|d| cached.role.duration != Some(d))
        || differs(
            &settings.role_arn,
            cached.role.role_arn.as_deref().unwrap_or_default(),
        )
    {
        return Err(stale("another role or duration was asked for"));
    }
    let wanted_user = settings.username.as_ref().map(|s| s.value.as_str());
    if wanted_user.is_some_and(|u| u != cached.login_name && u != cached.username) {
        return Err(stale(&format!(
            "the session belongs to {}",
            cached.username
        )));
    }
    let min_ttl = session::min_ttl()?;
    let session =
        match session::ensure(profile, Want::Credentials, min_ttl, || Ok(settings.clone()))? {
            Ensured::Live { session, warning } => {
                if let Some(warning) = warning {
                    eprintln!("warning: {warning}");
                }
                session
            }
            Ensured::SignIn { reason, .. } => return Err(stale(&reason)),
        };
    // Rewrites the profile too: it may hold keys a killed process left behind.
    files.write_login(profile, &session.credentials, &session.region, force)?;
    report(profile, &session, files, "Refreshed the session of");
    Ok(())
}

/// How `login --browser` goes.
pub struct BrowserOptions<'a> {
    /// Open the system browser (else only print the URL).
    pub open: bool,
    pub identity_provider: Option<&'a str>,
    pub scopes: &'a [String],
    pub timeout: Duration,
}

/// Sign-in through the Hosted UI: PKCE and a fresh `state`, a loopback listener, the browser,
/// the one callback, the code exchange; then the same identity exchange and files as a
/// password sign-in.
pub fn browser_sign_in(
    settings: &Settings,
    files: &AwsFiles,
    options: &BrowserOptions,
    force: bool,
) -> Result<Session> {
    let base = settings.hosted_ui_domain()?.to_owned();
    let app = signin::app_client(settings)?;
    settings.identity_pool_id()?;
    let redirect_uri = settings.redirect_uri.value.clone();
    let target = Loopback::parse(&redirect_uri).map_err(|expected| Error::InvalidValue {
        what: "redirect URI".into(),
        value: redirect_uri.clone(),
        expected,
    })?;
    let ui = HostedUi::for_app(&base, &app);
    let pkce = Pkce::new()?;
    let state = hosted_ui::random_token(24)?;
    let scopes = hosted_ui::scope_list(options.scopes);
    let url = ui.authorize_url(&Authorize {
        redirect_uri: &redirect_uri,
        state: &state,
        challenge: &pkce.challenge,
        scopes: &scopes,
        identity_provider: options.identity_provider,
    });
    let stop_pasting = Arc::new(AtomicBool::new(false));
    let outcome = sdk::block_on(async {
        let listeners = target.bind()?;
        ui.check_authorize(&url, &redirect_uri).await?;
        let mut pasted = None;
        if !options.open {
            eprintln!(
                "Open this URL in a browser to sign in:\n\n  {url}\n\nA browser on another machine ends up on an address that starts with {redirect_uri} and may not load: paste that address here and press Enter.\n"
            );
            pasted = paste_reader(stop_pasting.clone());
        } else {
            match browser::open(&url) {
                Ok(()) => eprintln!(
                    "Opened the sign-in page in your browser. If it did not open, visit:\n\n  {url}\n"
                ),
                Err(why) => eprintln!(
                    "Could not open a browser ({why}). Open this URL to sign in:\n\n  {url}\n"
                ),
            }
        }
        eprintln!(
            "Waiting up to {} s for the sign-in to finish...",
            options.timeout.as_secs()
        );
        callback::wait(
            listeners,
            &target,
            &state,
            options.timeout,
            pasted,
            &mut |m| eprintln!("warning: {m}"),
        )
        .await
    });
    stop_pasting.store(true, Ordering::Relaxed);
    let outcome = outcome?;
    let (code, responder) = match outcome {
        Outcome::Code(code, responder) => (code, responder),
        Outcome::Denied { error, description } => {
            return Err(Error::Refused {
                message: format!(
                    "the Hosted UI ended the sign-in with {error}{}",
                    description.map(|d| format!(": {d}")).unwrap_or_default()
                ),
                hint: match error.as_str() {
                    "access_denied" => "the sign-in was cancelled or refused (at Cognito or the identity provider): run `cognito-auth login --browser` to try again",
                    "invalid_scope" => "ask only for scopes the app client allows (--scope), or none to get all of them",
                    _ => "check the app client's Hosted UI settings and the identity provider, then try again",
                }
                .into(),
            });
        }
    };
    // The browser waits for the outcome: it says "signed in" only once everything is written.
    let result = sdk::block_on(ui.exchange_code(&code, &pkce.verifier, &redirect_uri)).and_then(
        |response| {
            let id_token = response.id_token.ok_or_else(|| Error::Refused {
                message: "the Hosted UI issued no ID token, which the identity pool needs".into(),
                hint: "allow the `openid` scope on the app client (and do not leave it out of --scope)".into(),
            })?;
            let tokens = Tokens {
                id_token,
                access_token: response.access_token,
                refresh_token: response.refresh_token,
            };
            let claims = jwt::id_claims(tokens.id_token.expose()).unwrap_or_default();
            let mut prompt = TerminalPrompt::new(settings, terminal::interactive(), None);
            SignIn {
                settings,
                files,
                force,
            }
            .finish(&claims.username, tokens, &mut prompt, Some(base))
        },
    );
    responder.finish(result.as_ref().map(|_| ()));
    result
}

/// Lines of stdin as they come, read on a thread of their own so the wait does not block on
/// it. The thread only reads when stdin has input and stops reading once `stop` is set, so
/// nothing it does competes with a later prompt; bytes that are not UTF-8 are decoded lossily.
/// `None` for a background job on a terminal: reading would stop the process (SIGTTIN), and the
/// browser's own callback can still arrive.
fn paste_reader(stop: Arc<AtomicBool>) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
    use std::io::IsTerminal;
    // SAFETY: tcgetpgrp and getpgrp only read the process's and the terminal's state.
    if std::io::stdin().is_terminal() && unsafe { libc::tcgetpgrp(0) != libc::getpgrp() } {
        return None;
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let mut pending = Vec::new();
        let mut buf = [0u8; 4096];
        while !stop.load(Ordering::Relaxed) {
            let mut fd = libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd; a 100 ms timeout lets the loop see `stop`.
            let ready = unsafe { libc::poll(&mut fd, 1, 100) };
            if ready < 0
                && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                break;
            }
            if ready <= 0 || stop.load(Ordering::Relaxed) {
                continue;
            }
            // SAFETY: reads into a buffer we own, within its length.
            let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break; // end of input (or an error): the pasted lines are all in
            }
            pending.extend_from_slice(&buf[..n as usize]);
            while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                if tx
                    .send(String::from_utf8_lossy(&line).into_owned())
                    .is_err()
                {
                    return;
                }
            }
        }
        if !pending.is_empty() {
            let _ = tx.send(String::from_utf8_lossy(&pending).into_owned());
        }
    });
    Some(rx)
}

fn report(profile: &str, session: &Session, files: &AwsFiles, what: &str) {
    let groups = if session.groups.is_empty() {
        String::new()
    } else {
        format!(" (groups: {})", session.groups.join(", "))
    };
    eprintln!(
        "{what} {}{groups}, identity {}.",
        session.username, session.identity_id
    );
    let expires = session.credentials.expiration;
    let left = clock::minutes(expires - clock::now());
    if files.uses_credential_process(profile).unwrap_or(false) {
        eprintln!(
            "Profile [{profile}] gets its credentials through credential_process; cached until {} ({left}).",
            clock::rfc3339(expires)
        );
    } else {
        eprintln!(
            "Wrote profile [{profile}] to {}: credentials expire at {} ({left}).",
            files.credentials.display(),
            clock::rfc3339(expires)
        );
    }
}

/// The password from stdin, `COGNITO_PASSWORD` or a hidden prompt; never a flag.
fn password(from_stdin: bool, username: &str) -> Result<Secret<String>> {
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

/// Answers challenges from flags, the environment, `mfa_process` or, when `tty` says a person
/// is there, the terminal.
pub struct TerminalPrompt {
    /// Whether prompts may go to the terminal.
    pub tty: bool,
    /// `--mfa-code`, used for the first code asked for.
    pub mfa_code: Option<Secret<String>>,
    /// The profile's `mfa_process` command.
    pub mfa_process: Option<String>,
}

impl TerminalPrompt {
    /// A prompt for `settings`, with `--mfa-code` if given.
    pub fn new(settings: &Settings, tty: bool, mfa_code: Option<String>) -> Self {
        Self {
            tty,
            mfa_code: mfa_code.map(Secret::new),
            mfa_process: settings.mfa_process.as_ref().map(|s| s.value.clone()),
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
        pick.cloned()
            .map(Some)
            .ok_or_else(|| Error::Usage(format!("`{answer}` is not one of the roles")))
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
            return Err(Error::Usage(format!(
                "`{answer}` is not one of the offered second factors"
            )));
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
        return Err(Error::Usage(format!(
            "mfa_process `{command}` gave no code ({})",
            out.status
        )));
    }
    Ok(Secret::new(code))
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
