//! The Cognito user pool, one file per operation: [`sign_in`] (InitiateAuth with
//! USER_PASSWORD_AUTH, USER_SRP_AUTH or USER_AUTH and the challenge loop: PASSWORD_VERIFIER,
//! NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP,
//! SELECT_CHALLENGE, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, in any order), [`refresh`],
//! [`revoke`], remembered devices ([`device`]), with SECRET_HASH on every call when the app
//! client has a secret and DEVICE_KEY on every call once a device is known. This file holds the
//! types they share and how a user pool's refusals are explained.
//!
//! Nothing here prints or reads the terminal; what the user must supply mid-flow comes through
//! the [`Prompt`] trait.

mod choice;
pub mod device;
pub mod jwt;
mod refresh;
mod revoke;
pub mod secret_hash;
mod sign_in;
pub mod srp;
mod totp;

pub use choice::Factor;
pub use refresh::refresh;
pub use revoke::{global_sign_out, revoke};
pub use sign_in::{SignedIn, sign_in};
pub use totp::totp_uri;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;

use crate::error::{Error, Result};
use crate::sdk::{self, Failure, Service};
use crate::secret::Secret;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// The app client a user signs in through.
#[derive(Debug, Clone)]
pub struct AppClient {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<Secret<String>>,
}

impl AppClient {
    /// The region of the user pool: the prefix of its id.
    pub fn region(&self) -> &str {
        pool_region(&self.user_pool_id)
    }

    /// SECRET_HASH for `username`, when the client has a secret.
    pub(crate) fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| secret_hash::secret_hash(s.expose(), username, &self.client_id))
    }
}

/// The region prefix of a user pool id (`us-east-1_AbC` -> `us-east-1`).
pub fn pool_region(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or(user_pool_id, |(r, _)| r)
}

/// The tokens of a successful sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id_token: Secret<String>,
    pub access_token: Secret<String>,
    pub refresh_token: Option<Secret<String>>,
}

/// How a password is proven to the user pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthFlow {
    /// USER_PASSWORD_AUTH: the password goes to Cognito over TLS.
    #[default]
    Password,
    /// USER_SRP_AUTH: the password never leaves the machine.
    Srp,
    /// USER_AUTH (choice-based sign-in): the first factor is a [`Factor`].
    Choice,
}

impl AuthFlow {
    /// Its name in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AuthFlow::Password => "password",
            AuthFlow::Srp => "srp",
            AuthFlow::Choice => "choice",
        }
    }
}

/// The second factors Cognito asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaKind {
    Totp,
    Sms,
    Email,
}

impl MfaKind {
    /// How the user knows it.
    pub fn describe(self) -> &'static str {
        match self {
            MfaKind::Totp => "authenticator app code",
            MfaKind::Sms => "SMS code",
            MfaKind::Email => "email code",
        }
    }
}

/// Asks the user for what a challenge needs; the core never touches the terminal itself.
pub trait Prompt {
    /// A new password for `username`, whose temporary password must be replaced, and values for
    /// the attributes the pool requires (by name, e.g. `email`).
    fn new_password(&mut self, username: &str, required: &[String]) -> Result<NewPassword>;
    /// A code of this kind (sent to `destination` when Cognito says where).
    fn mfa_code(&mut self, kind: MfaKind, destination: Option<&str>) -> Result<Secret<String>>;
    /// Which second factor to use, from Cognito's names (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, ...).
    fn choose_mfa(&mut self, options: &[String]) -> Result<String>;
    /// Shows the secret of a new authenticator app entry, before its first code is asked for.
    fn show_totp_setup(&mut self, secret: &str, uri: &str) -> Result<()>;
    /// Tells the user something worth knowing (a fallback taken, a step done).
    fn notice(&mut self, message: &str);
    /// The password of `username`, asked for only when the chosen first factor needs it.
    fn password(&mut self, username: &str) -> Result<Secret<String>>;
    /// Which first factor to sign in with, from Cognito's `AvailableChallenges` (`PASSWORD_SRP`,
    /// `EMAIL_OTP`, ...); without a person to ask, an error naming `--factor`.
    fn choose_factor(&mut self, options: &[String]) -> Result<String>;
}

/// The answer to NEW_PASSWORD_REQUIRED.
#[derive(Debug)]
pub struct NewPassword {
    pub password: Secret<String>,
    pub attributes: Vec<(String, String)>,
}

pub(crate) fn tokens(result: AuthenticationResultType) -> Result<Tokens> {
    let missing = |what: &str| Error::IncompleteAnswer {
        operation: "InitiateAuth",
        what: what.to_owned(),
    };
    Ok(Tokens {
        id_token: Secret::new(result.id_token.ok_or_else(|| missing("ID token"))?),
        access_token: Secret::new(result.access_token.ok_or_else(|| missing("access token"))?),
        refresh_token: result.refresh_token.map(Secret::new),
    })
}

/// Turns a user pool's error answer into a sentence about this user and client.
/// A user pool call's failure, explained for this user and client.
pub(crate) fn pool_error<E>(e: SdkError<E, HttpResponse>, app: &AppClient, username: &str) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    explain(
        sdk::classify(e, Service::UserPools, app.region()),
        app,
        username,
    )
}

fn explain(failure: Failure, app: &AppClient, username: &str) -> Error {
    let (code, message) = match failure {
        Failure::Other(err) => return err,
        Failure::Service { code, message } => (code, message),
    };
    let user = username.to_owned();
    match code.as_str() {
        "NotAuthorizedException" => Error::NotAuthorized { user, message },
        "UserNotFoundException" => Error::UserNotFound(user),
        "UserNotConfirmedException" => Error::UserNotConfirmed(user),
        "PasswordResetRequiredException" => Error::PasswordResetRequired(user),
        "InvalidPasswordException" => Error::InvalidNewPassword(message),
        "CodeMismatchException" | "ExpiredCodeException" | "EnableSoftwareTokenMFAException" => {
            Error::MfaCodeRejected(message)
        }
        "ResourceNotFoundException" => Error::UserPoolNotFound {
            pool: app.user_pool_id.clone(),
            client: app.client_id.clone(),
            message,
        },
        _ => Error::Service {
            operation: "sign-in",
            code,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppClient {
        AppClient {
            user_pool_id: "eu-west-1_AbC123".into(),
            client_id: "client".into(),
            client_secret: None,
        }
    }

    #[test]
    fn debug_output_hides_the_client_secret_and_tokens() {
        let mut app = app();
        app.client_secret = Some(Secret::new("very-secret".into()));
        let tokens = Tokens {
            id_token: Secret::new("id.jwt".into()),
            access_token: Secret::new("access.jwt".into()),
            refresh_token: Some(Secret::new("refresh".into())),
        };
        let dump = format!("{app:?} {tokens:?}");
        for secret in ["very-secret", "id.jwt", "access.jwt", "refresh\""] {
            assert!(!dump.contains(secret), "{dump}");
        }
        assert!(dump.contains("REDACTED"));
    }

    #[test]
    fn region_is_the_pool_prefix() {
        assert_eq!(app().region(), "eu-west-1");
        assert_eq!(pool_region("local_6G8vtw"), "local");
    }

    #[test]
    fn explains_each_user_pool_error() {
        let cases = [
            ("NotAuthorizedException", "sign-in refused for `bob`: m"),
            (
                "UserNotFoundException",
                "user `bob` does not exist in this user pool",
            ),
            ("UserNotConfirmedException", "user `bob` is not confirmed"),
            (
                "PasswordResetRequiredException",
                "user `bob` must reset their password before signing in",
            ),
            (
                "InvalidPasswordException",
                "the new password was refused: m",
            ),
            (
                "ResourceNotFoundException",
                "user pool `eu-west-1_AbC123` or app client `client` not found: m",
            ),
            (
                "InternalErrorException",
                "sign-in failed: InternalErrorException: m",
            ),
        ];
        for (code, expected) in cases {
            let failure = Failure::Service {
                code: code.into(),
                message: "m".into(),
            };
            assert_eq!(explain(failure, &app(), "bob").to_string(), expected);
        }
    }
}
