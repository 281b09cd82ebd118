//! `cognito-auth login`: resolve the settings, gather the password or the browser's callback,
//! and hand them to the sign-in transaction of the core (`signin`); then say what happened.
//! With a live session and no password given, it refreshes instead of asking.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::awsfiles::AwsFiles;
use crate::cache::{self, Session};
use crate::cli::LoginArgs;
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::hosted_ui::browser;
use crate::hosted_ui::callback::{self, Outcome};
use crate::sdk;
use crate::session;
use crate::settings::{Flags, Settings};
use crate::signin::{self, SignIn};
use crate::terminal;

use super::prompt::{TerminalPrompt, read_password};
use crate::auth::{AuthFlow, Factor};

/// Signs in (or refreshes) and writes the profile; nothing is written unless every step succeeds.
pub fn run(args: LoginArgs) -> Result<()> {
    if args.client_credentials {
        return Err(Error::ClientCredentialsNotForAws);
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
        factor: args.factor.clone(),
        duration: args.duration.clone(),
        role_arn: args.role_arn.clone(),
        ..Flags::default()
    })?;
    let profile = settings.profile.value.clone();
    let files = AwsFiles::locate()?;
    files.preflight(&profile, args.force, false)?;

    let password_given = args.password_stdin || env_vars::get(env_vars::COGNITO_PASSWORD).is_some();
    // `--browser` always signs in through the browser (as `aws sso login` does): it is how a
    // user changes identity provider, account or scopes.
    let browser = args.browser || args.no_browser;
    if !args.fresh && !args.remember_device && !password_given && !browser {
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
        return Err(Error::BrowserSignInNeedsTerminal { profile });
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
        None if terminal::interactive() => {
            terminal::ask("Username", None)?.ok_or(Error::EmptyAnswer { what: "username" })?
        }
        None => {
            return Err(Error::NeedsInput {
                what: "a username",
                hint: "pass -u USER, set COGNITO_USERNAME, or save one with `cognito-auth configure --username`",
            });
        }
    };
    // A choice-based sign-in asks for the password only if the chosen factor needs one.
    let password = match (settings.auth_flow(), settings.factor()) {
        (AuthFlow::Choice, factor) if !factor.is_some_and(Factor::needs_password) => None,
        _ => Some(read_password(args.password_stdin, &username)?),
    };
    let mut prompt = TerminalPrompt::new(&settings, terminal::interactive(), args.mfa_code.clone());
    prompt.password_stdin = args.password_stdin;
    let session = SignIn {
        settings: &settings,
        files: &files,
        force: args.force,
    }
    .with_password_remembering(
        &username,
        password.as_ref(),
        args.remember_device,
        &mut prompt,
    )?;
    report(&profile, &session, &files, "Signed in as");
    Ok(())
}

/// Refreshes a live session without a password and writes its credentials to the profile.
fn refresh(settings: &Settings, files: &AwsFiles, force: bool) -> Result<()> {
    let (session, warning) = SignIn {
        settings,
        files,
        force,
    }
    .refresh()?;
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
    report(
        &settings.profile.value,
        &session,
        files,
        "Refreshed the session of",
    );
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
    let sign_in = SignIn {
        settings,
        files,
        force,
    };
    let browser = sign_in.browser(options.identity_provider, options.scopes)?;
    let (url, redirect_uri) = (browser.url(), browser.redirect_uri());
    let stop_pasting = Arc::new(AtomicBool::new(false));
    let outcome = sdk::block_on(async {
        let listeners = browser.target().bind()?;
        browser.check().await?;
        let mut pasted = None;
        if !options.open {
            eprintln!(
                "Open this URL in a browser to sign in:\n\n  {url}\n\nA browser on another machine ends up on an address that starts with {redirect_uri} and may not load: paste that address here and press Enter.\n"
            );
            pasted = paste_reader(stop_pasting.clone());
        } else {
            match browser::open(url) {
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
            browser.target(),
            browser.state(),
            options.timeout,
            pasted,
            &mut |m| eprintln!("warning: {m}"),
        )
        .await
    });
    stop_pasting.store(true, Ordering::Relaxed);
    let (code, responder) = match outcome? {
        Outcome::Code(code, responder) => (code, responder),
        Outcome::Denied { error, description } => {
            return Err(signin::denied(&error, description.as_deref()));
        }
    };
    // The browser waits for the outcome: it says "signed in" only once everything is written.
    let mut prompt = TerminalPrompt::new(settings, terminal::interactive(), None);
    let result = browser.finish(&sign_in, &code, &mut prompt);
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
        crate::output::signed_in_as(session),
        session.identity_id
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
