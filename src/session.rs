//! Keeping a profile's credentials and tokens live without asking for a password.
//!
//! The order, from cheapest: cached credentials still fresh (no request); a live ID token,
//! exchanged again with GetCredentialsForIdentity for the cached identity id (one request);
//! GetTokensFromRefreshToken (or REFRESH_TOKEN_AUTH where the endpoint lacks it) for new tokens,
//! saving a rotated refresh token before the lock is released, then the exchange (two
//! requests); else the user must sign in again ([`Error::LoginRequired`]). A session from the
//! browser sign-in gets its new tokens from its Hosted UI's `/oauth2/token` instead.
//!
//! Many processes may find the cache stale at once (an SDK fanning out, a Terraform run):
//! they queue on the profile's lock, the first refreshes, and the rest find its result when
//! they get the lock and reuse it: new credentials, or the failure (recorded in the session
//! with its time), so a dead endpoint costs one wait, not one per caller. When a refresh
//! fails and the cached credentials have more than two minutes left, they are handed out with
//! a warning instead (as botocore's advisory refresh does).

use crate::auth::{self, AppClient, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{self, CachedCredentials, RefreshFailure, Session, SessionLock};
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::hosted_ui::HostedUi;
use crate::identity::{self, Exchange};
use crate::keystore;
use crate::sdk;
use crate::settings::Settings;
use crate::signin;

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

/// Cached credentials with more than this many seconds left are handed out when a refresh
/// fails (botocore's advisory refresh window is the same 2 minutes).
pub const ADVISORY_WINDOW: i64 = 120;

/// What [`ensure`] found.
#[derive(Debug)]
pub enum Ensured {
    /// The session is live. `warning` says a refresh failed and still-valid cached credentials
    /// were kept instead; the caller shows it.
    Live {
        session: Box<Session>,
        warning: Option<String>,
    },
    /// Only a new sign-in will do, of this kind.
    SignIn { needed: Reauth, reason: String },
}

/// The sign-in a profile needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reauth {
    /// A password, for this user when the last session says who.
    Password { username: Option<String> },
    /// The browser (the last session came from the Hosted UI).
    Browser,
}

/// A live session for `profile`, refreshed if needed, or the sign-in it needs.
///
/// `settings` supplies the current settings (for the app client's secret); it is only called
/// when a request has to be made, so the cached path reads one file and nothing else.
pub fn ensure(
    profile: &str,
    want: Want,
    min_ttl: i64,
    settings: impl FnOnce() -> Result<Settings>,
) -> Result<Ensured> {
    match refresh(profile, want, min_ttl, settings) {
        Ok((session, warning)) => Ok(Ensured::Live {
            session: Box::new(session),
            warning,
        }),
        Err(Error::LoginRequired { reason, .. }) => {
            let last = cache::load(profile).ok().flatten();
            let needed = match last {
                Some(s) if s.hosted_ui.is_some() => Reauth::Browser,
                last => Reauth::Password {
                    username: last.map(|s| s.username),
                },
            };
            Ok(Ensured::SignIn { needed, reason })
        }
        Err(e) => Err(e),
    }
}

fn refresh(
    profile: &str,
    want: Want,
    min_ttl: i64,
    settings: impl FnOnce() -> Result<Settings>,
) -> Result<(Session, Option<String>)> {
    let nobody = || Error::LoginRequired {
        profile: profile.to_owned(),
        reason: "nobody is signed in".into(),
    };
    match cache::load(profile)? {
        Some(session) if satisfied(&session, want, clock::now(), min_ttl) => {
            return Ok((session, None));
        }
        Some(_) => {}
        None => return Err(nobody()), // no lock taken, no file created
    }
    let queued_at = cache::now_ms();
    let lock = SessionLock::acquire(profile)?;
    let Some(mut session) = lock.load()? else {
        return Err(nobody());
    };
    let now = clock::now();
    if satisfied(&session, want, now, min_ttl) {
        return Ok((session, None)); // another process refreshed it while we waited
    }
    // A refresh that failed while we were queued behind it would fail again, after as long a
    // wait: its error is ours too.
    if let Some(failure) = session
        .refresh_failure
        .as_ref()
        .filter(|f| f.at_ms >= queued_at)
    {
        let err = reused(profile, failure);
        return keep_cached(session, want, now, min_ttl, err);
    }
    let app = signin::app_for_session(Some(&settings()?), &session);
    let previous_key_id = session.credentials.access_key_id.clone();
    if let Err(err) = sdk::bounded(renew(profile, &mut session, &app, want, now)) {
        // Kept for the callers queued behind us (with any new tokens that did come).
        session.refresh_failure = Some(RefreshFailure {
            at_ms: cache::now_ms(),
            message: match &err {
                Error::LoginRequired { reason, .. } => reason.clone(),
                other => other.to_string(),
            },
            login_required: matches!(err, Error::LoginRequired { .. }),
        });
        let _ = lock.save(&session);
        return keep_cached(session, want, now, min_ttl, err);
    }
    session.refresh_failure = None;
    if want == Want::Credentials {
        // Recorded before the credentials file is touched: if we die in between, the next
        // refresh still knows both keys as ours.
        session.claim(&previous_key_id);
        let new_key = session.credentials.access_key_id.clone();
        session.claim(&new_key);
    }
    // What was renewed is kept, even if it falls short of COGNITO_AUTH_MIN_TTL below.
    lock.save(&session)?;
    if want == Want::Credentials {
        // Best effort: the refresh succeeded whatever the state of ~/.aws (read-only, odd bytes).
        if let Ok(files) = AwsFiles::locate() {
            let _ = files.update_if_ours(profile, |k| session.owns(k), &session.credentials);
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
    Ok((session, None))
}

/// The error of a failed refresh another process made while we waited for the lock.
fn reused(profile: &str, failure: &RefreshFailure) -> Error {
    if failure.login_required {
        return Error::LoginRequired {
            profile: profile.to_owned(),
            reason: failure.message.clone(),
        };
    }
    Error::RefreshFailedElsewhere {
        message: failure.message.clone(),
    }
}

/// After a failed refresh: cached credentials with more than [`ADVISORY_WINDOW`] seconds (and
/// `min_ttl`) left are still handed out, with a warning; otherwise the error stands.
fn keep_cached(
    session: Session,
    want: Want,
    now: i64,
    min_ttl: i64,
    err: Error,
) -> Result<(Session, Option<String>)> {
    let left = session.credentials.expiration - now;
    if want != Want::Credentials || left <= ADVISORY_WINDOW || left <= min_ttl {
        return Err(err);
    }
    let reason = match &err {
        Error::LoginRequired { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    let warning = format!(
        "the refresh failed ({reason}); using the cached credentials, valid until {} ({} left)",
        clock::rfc3339(session.credentials.expiration),
        clock::minutes(left)
    );
    Ok((session, Some(warning)))
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
                auth::refresh(
                    &idp,
                    app,
                    &session.username,
                    &token,
                    session.device_key.as_deref(),
                )
                .await
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
        // A rotated refresh token replaces the stored one while we hold the session lock, so
        // no caller queued behind us can use the retired one.
        if let Some(rotated) = tokens.refresh_token {
            session.refresh_token = Some(keystore::replace(profile, store, &rotated)?);
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

    fn session(issued_at: i64, expiration: i64) -> Session {
        serde_json::from_value(serde_json::json!({
            "username": "u", "groups": [], "user_pool_id": "p", "client_id": "c",
            "identity_pool_id": "i", "region": "r", "identity_id": "id", "signed_in_at": 0,
            "id_token": "t", "access_token": "a", "tokens_expire": 0, "refresh_token": null,
            "credentials": {"access_key_id": "ASIA", "secret_access_key": "s",
                            "session_token": "t", "expiration": expiration,
                            "issued_at": issued_at}
        }))
        .unwrap()
    }

    fn failed() -> Error {
        Error::Timeout {
            service: "Cognito user pools",
            endpoint: "http://192.0.2.1".into(),
            secs: 10,
        }
    }

    #[test]
    fn a_failed_refresh_keeps_credentials_with_more_than_two_minutes_left() {
        let now = 10_000;
        let (kept, warning) = keep_cached(
            session(now - 3000, now + 121),
            Want::Credentials,
            now,
            0,
            failed(),
        )
        .unwrap();
        assert_eq!(kept.credentials.access_key_id, "ASIA");
        assert!(warning.unwrap().contains("did not answer within 10 s"));
        for (left, min_ttl, want) in [
            (120, 0, Want::Credentials),   // two minutes is not more than two minutes
            (600, 600, Want::Credentials), // COGNITO_AUTH_MIN_TTL asks for more
            (600, 0, Want::Tokens),        // tokens are not credentials
        ] {
            let kept = keep_cached(
                session(now - 3000, now + left),
                want,
                now,
                min_ttl,
                failed(),
            );
            assert!(kept.is_err(), "{left} s left, min_ttl {min_ttl}, {want:?}");
        }
    }

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
