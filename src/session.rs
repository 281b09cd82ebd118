//! Keeping a profile's credentials and tokens live without asking for a password.
//!
//! The order, from cheapest: cached credentials still fresh (no request); a live ID token,
//! exchanged again with GetCredentialsForIdentity for the cached identity id (one request);
//! REFRESH_TOKEN_AUTH for new tokens (saving a rotated refresh token), then the exchange (two
//! requests); else the user must sign in again ([`Error::LoginRequired`]). A session from the
//! browser sign-in gets its new tokens from its Hosted UI's `/oauth2/token` instead.
//!
//! Many processes may find the cache stale at once (an SDK fanning out, a Terraform run):
//! they queue on the profile's lock, the first refreshes, and the rest find its result when
//! they get the lock and reuse it.

use crate::auth::{self, AppClient, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{self, CachedCredentials, Session, SessionLock};
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::hosted_ui::HostedUi;
use crate::identity::{self, Exchange};
use crate::keystore;
use crate::sdk;

/// What a caller needs to be live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// AWS credentials (credential-process, export, exec, login).
    Credentials,
    /// The ID and access tokens (token).
    Tokens,
}

/// Seconds of life credentials must still have (`COGNITO_AUTH_MIN_TTL`, default 0).
pub fn min_ttl() -> Result<i64> {
    match env_vars::get(env_vars::COGNITO_AUTH_MIN_TTL) {
        None => Ok(0),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or(Error::InvalidValue {
                what: format!("{} value", env_vars::COGNITO_AUTH_MIN_TTL),
                value: v,
                expected: "a whole number of seconds",
            }),
    }
}

fn satisfied(session: &Session, want: Want, now: i64, min_ttl: i64) -> bool {
    match want {
        Want::Credentials => session.credentials.fresh(now, min_ttl),
        Want::Tokens => session.tokens_live(now),
    }
}

/// The user of the profile's cached session, live or not.
pub fn cached_username(profile: &str) -> Option<String> {
    cache::load(profile).ok().flatten().map(|s| s.username)
}

/// A live session for `profile`, refreshed if needed.
///
/// `app_for` supplies the app client (with its secret) from the current settings; it is only
/// called when a request has to be made, so the cached path reads one file and nothing else.
pub fn ensure(
    profile: &str,
    want: Want,
    min_ttl: i64,
    app_for: impl FnOnce(&Session) -> Result<AppClient>,
) -> Result<Session> {
    let nobody = || Error::LoginRequired {
        profile: profile.to_owned(),
        reason: "nobody is signed in".into(),
    };
    match cache::load(profile)? {
        Some(session) if satisfied(&session, want, clock::now(), min_ttl) => return Ok(session),
        Some(_) => {}
        None => return Err(nobody()), // no lock taken, no file created
    }
    let lock = SessionLock::acquire(profile)?;
    let Some(mut session) = lock.load()? else {
        return Err(nobody());
    };
    let now = clock::now();
    if satisfied(&session, want, now, min_ttl) {
        return Ok(session); // another process refreshed it while we waited
    }
    let app = app_for(&session)?;
    let previous_key_id = session.credentials.access_key_id.clone();
    sdk::bounded(renew(profile, &mut session, &app, want, now))?;
    // What was renewed is kept, even if it falls short of COGNITO_AUTH_MIN_TTL below.
    lock.save(&session)?;
    if want == Want::Credentials {
        // Best effort: the refresh succeeded whatever the state of ~/.aws (read-only, odd bytes).
        if let Ok(files) = AwsFiles::locate() {
            let _ = files.update_if_ours(profile, &previous_key_id, &session.credentials);
        }
        if !session.credentials.fresh(now, min_ttl) {
            return Err(Error::LoginRequired {
                profile: profile.to_owned(),
                reason: format!(
                    "new credentials last until {}, less than the {min_ttl} s that {} asks for",
                    clock::rfc3339(session.credentials.expiration),
                    env_vars::COGNITO_AUTH_MIN_TTL
                ),
            });
        }
    }
    Ok(session)
}

/// Makes the session's tokens live, and with [`Want::Credentials`] its credentials fresh.
async fn renew(
    profile: &str,
    session: &mut Session,
    app: &AppClient,
    want: Want,
    now: i64,
) -> Result<()> {
    let login_required = |reason: String| Error::LoginRequired {
        profile: profile.to_owned(),
        reason,
    };
    if !session.tokens_live(now) {
        let store = session
            .refresh_token
            .ok_or_else(|| login_required("the session has no refresh token".into()))?;
        let token = keystore::load(profile, store)?.ok_or_else(|| {
            login_required(format!(
                "the refresh token is missing from the {store:?} store"
            ))
        })?;
        let refreshed = match &session.hosted_ui {
            // Tokens from the browser sign-in are refreshed where they came from.
            Some(base) => HostedUi::for_app(base, app)
                .refresh(&token)
                .await
                .and_then(|r| {
                    Ok(auth::Tokens {
                        id_token: r.id_token.ok_or_else(|| {
                            Error::RefreshRejected("the answer has no ID token".into())
                        })?,
                        access_token: r.access_token,
                        refresh_token: r.refresh_token,
                    })
                }),
            None => {
                let idp = sdk::user_pools(app.region());
                auth::refresh(&idp, app, &session.username, &token).await
            }
        };
        let tokens = refreshed.map_err(|e| match e {
            Error::RefreshRejected(m) => {
                login_required(format!("the refresh token was refused ({m})"))
            }
            other => other,
        })?;
        let claims = jwt::id_claims(tokens.id_token.expose()).unwrap_or_default();
        session.tokens_expire = if claims.exp > 0 {
            claims.exp
        } else {
            now + 3600
        };
        session.groups = claims.groups;
        session.id_token = tokens.id_token;
        session.access_token = tokens.access_token;
        if let Some(rotated) = tokens.refresh_token {
            session.refresh_token = Some(keystore::save(profile, &rotated)?);
        }
    }
    if want == Want::Credentials {
        let client = sdk::identity_pools(identity::identity_pool_region(&session.identity_pool_id));
        let session_name = role_session_name(&session.username);
        let creds = Exchange {
            identity_pool_id: &session.identity_pool_id,
            user_pool_id: &session.user_pool_id,
            client_id: &session.client_id,
            id_token: &session.id_token,
            role: &session.role,
            session_name: &session_name,
        }
        .credentials_for(&client, &session.identity_id)
        .await?;
        session.credentials = CachedCredentials::new(&creds, now);
    }
    Ok(())
}

/// An STS RoleSessionName for the user: `cognito-auth-<user>`, within STS's alphabet and 64
/// characters (CloudTrail shows it).
pub fn role_session_name(username: &str) -> String {
    let cleaned: String = username
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut name = format!("cognito-auth-{cleaned}");
    name.truncate(64);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_fit_sts() {
        assert_eq!(
            role_session_name("alice-premium"),
            "cognito-auth-alice-premium"
        );
        assert_eq!(role_session_name("jürgen muß"), "cognito-auth-j-rgen-mu-");
        assert_eq!(role_session_name(&"x".repeat(100)).len(), 64);
    }
}
