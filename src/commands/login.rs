//! `cognito-auth login`: sign in, exchange the ID token, write the AWS profile and the session.
//! With a live session and no password given, it refreshes instead of asking.

use crate::auth::{self, AppClient, Prompt, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{self, CachedCredentials, Session, SessionLock};
use crate::cli::LoginArgs;
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::identity::{self, Exchange};
use crate::keystore;
use crate::sdk;
use crate::secret::Secret;
use crate::session::{self, Want};
use crate::settings::{Flags, Setting, Settings};
use crate::terminal;

/// Signs in (or refreshes) and writes the profile; nothing is written unless every step succeeds.
pub fn run(args: LoginArgs) -> Result<()> {
    let settings = Settings::resolve(&Flags {
        profile: args.profile.profile.clone(),
        username: args.username.clone(),
        ..Flags::default()
    })?;
    let profile = settings.profile.value.clone();
    let files = AwsFiles::locate()?;
    files.preflight(&profile, args.force)?;

    let password_given = args.password_stdin || env_vars::get(env_vars::COGNITO_PASSWORD).is_some();
    if !args.fresh && !password_given {
        match refresh(&settings, &files, args.force) {
            Err(Error::LoginRequired { .. }) => {}
            other => return other,
        }
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
    let session = sign_in(
        &settings,
        &files,
        &username,
        &password,
        args.force,
        terminal::interactive(),
    )?;
    report(&profile, &session, &files, "Signed in as");
    Ok(())
}

/// Refreshes a live session without a password and writes its credentials to the profile.
fn refresh(settings: &Settings, files: &AwsFiles, force: bool) -> Result<()> {
    let profile = &settings.profile.value;
    let wanted_user = settings.username.as_ref().map(|s| s.value.as_str());
    if let Some(cached) = cache::load(profile)? {
        let differs = |s: &Option<Setting>, v: &str| s.as_ref().is_some_and(|s| s.value != v);
        if differs(&settings.user_pool_id, &cached.user_pool_id)
            || differs(&settings.client_id, &cached.client_id)
            || differs(&settings.identity_pool_id, &cached.identity_pool_id)
        {
            return Err(Error::LoginRequired {
                profile: profile.clone(),
                reason: "the profile's settings changed since the last sign-in".into(),
            });
        }
    }
    let min_ttl = session::min_ttl()?;
    let session = session::ensure(profile, Want::Credentials, min_ttl, |s| {
        Ok(app_for_session(Some(settings), s))
    })?;
    if wanted_user.is_some_and(|u| u != session.username) {
        return Err(Error::LoginRequired {
            profile: profile.clone(),
            reason: format!("the session belongs to {}", session.username),
        });
    }
    write_files(settings, files, &session, force)?;
    report(profile, &session, files, "Refreshed the session of");
    Ok(())
}

/// The full sign-in: password, challenges, identity exchange; then the files and the session.
/// `prompt_on_tty` allows asking for a new password on the terminal.
pub fn sign_in(
    settings: &Settings,
    files: &AwsFiles,
    username: &str,
    password: &Secret<String>,
    force: bool,
    prompt_on_tty: bool,
) -> Result<Session> {
    let profile = settings.profile.value.as_str();
    let app = app_client(settings)?;
    let identity_pool_id = settings.identity_pool_id()?.to_owned();
    let (tokens, identity_id, creds) = sdk::block_on(async {
        let idp = sdk::user_pools(app.region());
        let tokens = auth::sign_in(
            &idp,
            &app,
            username,
            password,
            &mut TerminalPrompt { tty: prompt_on_tty },
        )
        .await?;
        let client = sdk::identity_pools(identity::identity_pool_region(&identity_pool_id));
        let (identity_id, creds) = Exchange {
            identity_pool_id: &identity_pool_id,
            user_pool_id: &app.user_pool_id,
            client_id: &app.client_id,
            id_token: &tokens.id_token,
        }
        .run(&client)
        .await?;
        Ok::<_, Error>((tokens, identity_id, creds))
    })?;

    let now = clock::now();
    let claims = jwt::id_claims(tokens.id_token.expose()).unwrap_or_default();
    let lock = SessionLock::acquire(profile)?;
    let refresh_token = match &tokens.refresh_token {
        Some(token) => Some(keystore::save(profile, token)?),
        None => None,
    };
    let session = Session {
        username: if claims.username.is_empty() {
            username.to_owned()
        } else {
            claims.username
        },
        groups: claims.groups,
        user_pool_id: app.user_pool_id.clone(),
        client_id: app.client_id.clone(),
        identity_pool_id,
        region: settings
            .region
            .as_ref()
            .map_or(app.region(), |r| r.value.as_str())
            .to_owned(),
        identity_id,
        signed_in_at: now,
        id_token: tokens.id_token,
        access_token: tokens.access_token,
        tokens_expire: if claims.exp > 0 {
            claims.exp
        } else {
            now + 3600
        },
        refresh_token,
        credentials: CachedCredentials::new(&creds, now),
    };
    write_files(settings, files, &session, force)?;
    lock.save(&session)?;
    Ok(session)
}

/// Writes the credentials into the profile, unless the profile runs our `credential_process`
/// (static keys there would shadow it); the region goes into the config either way.
fn write_files(
    settings: &Settings,
    files: &AwsFiles,
    session: &Session,
    force: bool,
) -> Result<()> {
    let profile = &settings.profile.value;
    if files.uses_credential_process(profile)? {
        return Ok(());
    }
    files.write_login(profile, &session.credentials, &session.region, force)
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

/// The app client of the current settings.
pub fn app_client(settings: &Settings) -> Result<AppClient> {
    Ok(AppClient {
        user_pool_id: settings.user_pool_id()?.to_owned(),
        client_id: settings.client_id()?.to_owned(),
        client_secret: settings.client_secret.as_ref().map(|s| s.value.clone()),
    })
}

/// The app client a session was signed in through, with the secret the settings hold for it
/// (the session itself keeps no client secret).
pub fn app_for_session(settings: Option<&Settings>, session: &Session) -> AppClient {
    let secret = settings
        .filter(|s| {
            s.client_id
                .as_ref()
                .is_none_or(|c| c.value == session.client_id)
        })
        .and_then(|s| s.client_secret.as_ref())
        .map(|s| s.value.clone());
    AppClient {
        user_pool_id: session.user_pool_id.clone(),
        client_id: session.client_id.clone(),
        client_secret: secret,
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

/// Answers challenges from the environment or, when `tty` says a person is there, the terminal.
struct TerminalPrompt {
    tty: bool,
}

impl Prompt for TerminalPrompt {
    fn new_password(&mut self, username: &str) -> Result<Secret<String>> {
        if let Some(p) = env_vars::get(env_vars::COGNITO_NEW_PASSWORD) {
            return Ok(Secret::new(p));
        }
        if !self.tty {
            return Err(Error::NeedsInput {
                what: "a new password (the user has a temporary one)",
                hint: "set COGNITO_NEW_PASSWORD, or sign in once at a terminal",
            });
        }
        eprintln!("{username} must choose a new password.");
        let first = terminal::ask_secret("New password")?;
        let second = terminal::ask_secret("New password again")?;
        if first != second {
            return Err(Error::PasswordMismatch);
        }
        Ok(first)
    }
}
