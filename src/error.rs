//! The domain errors of cognito-auth, each with a sentence a user can act on.
//!
//! The core returns these; `main` prints `error: <message>` and, when there is one,
//! `hint: <hint>`, then exits with [`Error::exit_code`].

use std::path::PathBuf;

/// Exit code for an expected failure (bad credentials, not logged in, expired).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a usage error or an unexpected failure.
pub const EXIT_USAGE: u8 = 2;

/// Everything that can go wrong in a way the user should be told about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no {name} is configured for profile `{profile}`")]
    MissingSetting {
        name: &'static str,
        profile: String,
        flag: &'static str,
        env: &'static str,
    },
    #[error("invalid {what} `{value}`: expected {expected}")]
    InvalidValue {
        what: String,
        value: String,
        expected: &'static str,
    },
    #[error("{0}")]
    Usage(String),
    /// No HOME (or platform equivalent) to find one of our folders in.
    #[error("cannot find the user's {what} folder")]
    NoHome {
        what: &'static str,
        variable: &'static str,
    },
    /// Something that should not fail did (the OS gave no randomness): a bug or a broken system.
    #[error("internal error: {0}")]
    Internal(String),
    /// A refusal whose remedy depends on the case.
    #[error("{message}")]
    Refused { message: String, hint: String },
    #[error("sign-in refused for `{user}`: {message}")]
    NotAuthorized { user: String, message: String },
    #[error("user `{0}` does not exist in this user pool")]
    UserNotFound(String),
    #[error("user `{0}` is not confirmed")]
    UserNotConfirmed(String),
    #[error("user `{0}` must reset their password before signing in")]
    PasswordResetRequired(String),
    #[error("the refresh token was refused: {0}")]
    RefreshRejected(String),
    #[error("profile `{profile}` has no live session: {reason}")]
    LoginRequired { profile: String, reason: String },
    #[error("the new password was refused: {0}")]
    InvalidNewPassword(String),
    #[error("the MFA code was refused: {0}")]
    MfaCodeRejected(String),
    #[error("the new passwords do not match")]
    PasswordMismatch,
    #[error("{what} is needed but there is no terminal to ask on")]
    NeedsInput {
        what: &'static str,
        hint: &'static str,
    },
    #[error("Cognito asked for the {0} challenge, which this version cannot answer")]
    UnsupportedChallenge(String),
    #[error("user pool `{pool}` or app client `{client}` not found: {message}")]
    UserPoolNotFound {
        pool: String,
        client: String,
        message: String,
    },
    #[error("identity pool `{pool}` not found: {message}")]
    IdentityPoolNotFound { pool: String, message: String },
    #[error("identity pool `{pool}` refused the sign-in: {message}")]
    IdentityPoolRejected {
        pool: String,
        provider: String,
        client: String,
        message: String,
    },
    #[error("cannot reach {service} at {endpoint}: {detail}")]
    Unreachable {
        service: &'static str,
        endpoint: String,
        detail: String,
    },
    /// The whole network part of a command ran past its bound (`COGNITO_AUTH_TIMEOUT`).
    #[error("{service} at {endpoint} did not answer within {secs} s")]
    Timeout {
        service: &'static str,
        endpoint: String,
        secs: u64,
    },
    /// The service answered, but not with anything it sends when working: an HTTP 5xx, a body
    /// that is not its protocol (HTML, garbage), a truncated body.
    #[error("{service} at {endpoint} failed: {status}: {detail}")]
    ServerFailure {
        service: &'static str,
        endpoint: String,
        /// `HTTP 500`, or `no HTTP status` when the connection broke before one came.
        status: String,
        detail: String,
    },
    /// A file of ours (session, refresh token, token cache) that cannot be read as we wrote it.
    #[error("the {what} of profile `{profile}` cannot be read ({}: {reason})", path.display())]
    StateUnreadable {
        what: &'static str,
        profile: String,
        path: PathBuf,
        reason: String,
    },
    #[error("{service} is throttling requests: {message}")]
    Throttled {
        service: &'static str,
        message: String,
    },
    #[error("{operation} failed: {code}: {message}")]
    Service {
        operation: &'static str,
        code: String,
        message: String,
    },
    #[error(
        "profile [{profile}] in {} holds long-term keys that cognito-auth did not write",
        path.display()
    )]
    LongTermKeys { profile: String, path: PathBuf },
    #[error("profile [{profile}] in {} gets its credentials from another command: {command}", path.display())]
    ForeignCredentialProcess {
        profile: String,
        path: PathBuf,
        command: String,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `console --region` names a region of another partition than the credentials'.
    #[error(
        "region `{region}` is in partition {region_partition}, but the credentials are from {partition} (identity pool region {pool_region})"
    )]
    OtherPartition {
        region: String,
        region_partition: &'static str,
        partition: &'static str,
        pool_region: String,
    },
    /// The federation endpoint refused getSigninToken (HTTP 400 or 403).
    #[error("the AWS federation endpoint refused the console sign-in (HTTP {status}): {cause}")]
    SigninRefused {
        status: u16,
        cause: String,
        /// Whether a SessionDuration was asked for.
        duration: bool,
    },
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// What the user can do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::MissingSetting {
                profile, flag, env, ..
            } => format!(
                "run `cognito-auth configure --profile {profile} {flag} ...` or set {env}"
            ),
            Error::InvalidValue { .. } | Error::Usage(_) | Error::Internal(_) => return None,
            Error::NoHome { variable, .. } => format!("set HOME, or {variable}"),
            Error::Refused { hint, .. } => hint.clone(),
            Error::NotAuthorized { .. } => {
                "check the username and password; a user locked out by too many attempts must wait before retrying".into()
            }
            Error::UserNotFound(_) => {
                "check the username (and that the profile points at the right user pool)".into()
            }
            Error::UserNotConfirmed(user) => format!(
                "confirm the account with the code sent at sign-up (`aws cognito-idp confirm-sign-up --username {user} ...`), or have an administrator run `aws cognito-idp admin-confirm-sign-up --username {user} ...`"
            ),
            Error::PasswordResetRequired(user) => format!(
                "reset it with `aws cognito-idp forgot-password --username {user} ...` and `confirm-forgot-password`, then sign in again"
            ),
            Error::RefreshRejected(_) => "sign in again with `cognito-auth login`".into(),
            Error::LoginRequired { profile, .. } => {
                format!("run `cognito-auth login --profile {profile}`")
            }
            Error::InvalidNewPassword(_) => {
                "choose a password that meets the user pool's password policy".into()
            }
            Error::PasswordMismatch => "type the same new password twice".into(),
            Error::MfaCodeRejected(_) => {
                "use the current code (authenticator codes change every 30 seconds) and sign in again".into()
            }
            Error::NeedsInput { hint, .. } => (*hint).into(),
            Error::UnsupportedChallenge(_) => {
                "sign in once through another client to clear the challenge, or ask for support of it".into()
            }
            Error::UserPoolNotFound { .. } => {
                "check user_pool_id, client_id and region with `cognito-auth status`".into()
            }
            Error::IdentityPoolNotFound { .. } => {
                "check identity_pool_id with `cognito-auth status`; it looks like <region>:<uuid>".into()
            }
            Error::IdentityPoolRejected {
                provider, client, ..
            } => format!(
                "the identity pool must list the provider {provider} with app client {client} among its authentication providers, and have an authenticated role"
            ),
            Error::Unreachable { .. } => {
                "check the network, the region, and any AWS_ENDPOINT_URL* variable".into()
            }
            Error::Timeout { secs, .. } => format!(
                "check the network and any AWS_ENDPOINT_URL* variable; {} sets the bound in seconds (now {secs})",
                crate::env_vars::COGNITO_AUTH_TIMEOUT
            ),
            Error::ServerFailure { .. } => {
                "the service is failing or something else answers at that address: try again in a moment, and check any AWS_ENDPOINT_URL* variable".into()
            }
            Error::StateUnreadable { profile, .. } => format!(
                "`cognito-auth logout --profile {profile}` removes it; nothing else of yours is in it"
            ),
            Error::Throttled { .. } => "wait a moment and try again".into(),
            Error::Service { .. } => return None,
            Error::LongTermKeys { profile, .. } => format!(
                "use another profile, or pass --force to replace the keys in [{profile}]"
            ),
            Error::ForeignCredentialProcess { profile, .. } => format!(
                "the profile is yours, so nothing was written: use another --profile, or replace that command with `cognito-auth configure --profile {profile} --credential-process --force`"
            ),
            Error::Malformed { .. } => {
                "fix or remove that line; cognito-auth changes nothing until then".into()
            }
            Error::Io { .. } => return None,
            Error::OtherPartition { partition, .. } => format!(
                "choose a region of the {partition} partition with --region, or use a profile whose identity pool is in the other partition"
            ),
            Error::SigninRefused { duration: true, .. } => {
                "try a shorter --session-duration, or none (the endpoint's default)".into()
            }
            Error::SigninRefused { .. } => {
                "refresh the session with `cognito-auth login` and try again".into()
            }
        })
    }

    /// 1 for an expected failure, 2 for a usage error or something unexpected.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidValue { .. }
            | Error::Usage(_)
            | Error::NoHome { .. }
            | Error::Internal(_)
            | Error::Service { .. }
            | Error::Io { .. }
            | Error::OtherPartition { .. } => EXIT_USAGE,
            _ => EXIT_FAILURE,
        }
    }
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_state_failures_are_expected_failures_with_hints() {
        let timeout = Error::Timeout {
            service: "AWS STS",
            endpoint: "http://127.0.0.1:9".into(),
            secs: 10,
        };
        let server = Error::ServerFailure {
            service: "Cognito identity pools",
            endpoint: "https://cognito-identity.us-east-1.amazonaws.com".into(),
            status: "HTTP 502".into(),
            detail: "an answer that is not the service's JSON (text/html): <html>".into(),
        };
        let state = Error::StateUnreadable {
            what: "client-credentials token cache",
            profile: "ci".into(),
            path: "/c/ci.json".into(),
            reason: "Is a directory (os error 21)".into(),
        };
        assert_eq!(
            server.to_string(),
            "Cognito identity pools at https://cognito-identity.us-east-1.amazonaws.com failed: HTTP 502: an answer that is not the service's JSON (text/html): <html>"
        );
        for err in [&timeout, &server, &state] {
            assert_eq!(err.exit_code(), EXIT_FAILURE, "{err}");
            assert!(err.hint().is_some(), "{err}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
        assert!(timeout.hint().unwrap().contains("COGNITO_AUTH_TIMEOUT"));
        assert!(state.hint().unwrap().contains("logout --profile ci"));
    }

    #[test]
    fn a_missing_home_and_an_internal_fault_are_exit_2() {
        let home = Error::NoHome {
            what: "cache",
            variable: "COGNITO_AUTH_CACHE_DIR",
        };
        assert_eq!(home.exit_code(), EXIT_USAGE);
        assert_eq!(home.hint().unwrap(), "set HOME, or COGNITO_AUTH_CACHE_DIR");
        assert_eq!(Error::Internal("x".into()).exit_code(), EXIT_USAGE);
    }
}
