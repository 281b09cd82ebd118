//! `cognito-auth login`: sign in, exchange the ID token, write the AWS profile.

use crate::auth::{self, AppClient, Prompt, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{self, LastLogin};
use crate::cli::LoginArgs;
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::identity::{self, Exchange};
use crate::sdk;
use crate::secret::Secret;
use crate::settings::{Flags, Settings};
use crate::terminal;

/// Signs in and writes the profile; nothing is written unless every step succeeds.
pub fn run(args: LoginArgs) -> Result<()> {
    let settings = Settings::resolve(&Flags {
        profile: args.profile.profile.clone(),
        username: args.username.clone(),
        ..Flags::default()
    })?;
    let profile = settings.profile.value.as_str();
    let app = AppClient {
        user_pool_id: settings.user_pool_id()?.to_owned(),
        client_id: settings.client_id()?.to_owned(),
        client_secret: settings.client_secret.as_ref().map(|s| s.value.clone()),
    };
    let identity_pool_id = settings.identity_pool_id()?;
    let region = settings
        .region
        .as_ref()
        .map_or(app.region(), |r| r.value.as_str());

    let files = AwsFiles::locate()?;
    files.preflight(profile, args.force)?;

    let username = match settings.username.as_ref().map(|s| s.value.clone()) {
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

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))?;
    let (tokens, identity_id, creds) = runtime.block_on(async {
        let idp = sdk::user_pools(app.region());
        let tokens = auth::sign_in(&idp, &app, &username, &password, &mut TerminalPrompt).await?;
        let cognito_identity =
            sdk::identity_pools(identity::identity_pool_region(identity_pool_id));
        let (identity_id, creds) = Exchange {
            identity_pool_id,
            user_pool_id: &app.user_pool_id,
            client_id: &app.client_id,
            id_token: &tokens.id_token,
        }
        .run(&cognito_identity)
        .await?;
        Ok::<_, Error>((tokens, identity_id, creds))
    })?;

    files.write_login(profile, &creds, region, args.force)?;

    let claims = jwt::id_claims(tokens.id_token.expose()).unwrap_or_default();
    let user = if claims.username.is_empty() {
        username.clone()
    } else {
        claims.username
    };
    let expires_at = creds.expiration.secs();
    let expires = clock::rfc3339(expires_at);
    let now = clock::now();
    cache::save_login(
        profile,
        &LastLogin {
            username: user.clone(),
            groups: claims.groups.clone(),
            identity_id: identity_id.clone(),
            user_pool_id: app.user_pool_id.clone(),
            signed_in_at: clock::rfc3339(now),
            credentials_expire: expires.clone(),
        },
    )?;
    let groups = if claims.groups.is_empty() {
        String::new()
    } else {
        format!(" (groups: {})", claims.groups.join(", "))
    };
    eprintln!("Signed in as {user}{groups}, identity {identity_id}.");
    eprintln!(
        "Wrote profile [{profile}] to {}: credentials expire at {expires} ({}).",
        files.credentials.display(),
        clock::minutes(expires_at - now)
    );
    Ok(())
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

/// Answers challenges from the environment or the terminal.
struct TerminalPrompt;

impl Prompt for TerminalPrompt {
    fn new_password(&mut self, username: &str) -> Result<Secret<String>> {
        if let Some(p) = env_vars::get(env_vars::COGNITO_NEW_PASSWORD) {
            return Ok(Secret::new(p));
        }
        if !terminal::interactive() {
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
