//! Signing in to a Cognito user pool: InitiateAuth with USER_PASSWORD_AUTH and the challenge
//! loop, with SECRET_HASH on every call when the app client has a secret.
//!
//! Nothing here prints or reads the terminal; what the user must supply mid-flow (a new
//! password) comes through the [`Prompt`] trait.

pub mod jwt;
pub mod secret_hash;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};

use crate::error::{Error, Result};
use crate::sdk::{self, Failure, Service};
use crate::secret::Secret;

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
    fn secret_hash(&self, username: &str) -> Option<String> {
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

/// Asks the user for what a challenge needs.
pub trait Prompt {
    /// A new password for `username`, whose temporary password must be replaced.
    fn new_password(&mut self, username: &str) -> Result<Secret<String>>;
}

/// Most challenge rounds Cognito is allowed to ask for before we give up.
const MAX_ROUNDS: usize = 8;

/// Signs `username` in with USER_PASSWORD_AUTH and answers challenges until tokens arrive.
pub async fn sign_in(
    client: &Client,
    app: &AppClient,
    username: &str,
    password: &Secret<String>,
    prompt: &mut dyn Prompt,
) -> Result<Tokens> {
    let mut request = client
        .initiate_auth()
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .client_id(&app.client_id)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password.expose());
    if let Some(hash) = app.secret_hash(username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    let out = request.send().await.map_err(|e| {
        explain(
            sdk::classify(e, Service::UserPools, app.region()),
            app,
            username,
        )
    })?;
    let mut result = out.authentication_result;
    let mut challenge = out.challenge_name;
    let mut parameters = out.challenge_parameters.unwrap_or_default();
    let mut session = out.session;

    for _ in 0..MAX_ROUNDS {
        if let Some(result) = result {
            return tokens(result);
        }
        let Some(name) = challenge else {
            return Err(Error::Service {
                operation: "InitiateAuth",
                code: "EmptyResponse".into(),
                message: "Cognito returned neither tokens nor a challenge".into(),
            });
        };
        // Later steps must name the user as Cognito knows them (alias sign-in, SRP).
        let user = parameters
            .get("USER_ID_FOR_SRP")
            .cloned()
            .unwrap_or_else(|| username.to_owned());
        let mut reply = client
            .respond_to_auth_challenge()
            .client_id(&app.client_id)
            .challenge_name(name.clone())
            .set_session(session.take())
            .challenge_responses("USERNAME", &user);
        if let Some(hash) = app.secret_hash(&user) {
            reply = reply.challenge_responses("SECRET_HASH", hash);
        }
        reply = match name {
            ChallengeNameType::NewPasswordRequired => {
                let new_password = prompt.new_password(&user)?;
                reply.challenge_responses("NEW_PASSWORD", new_password.expose())
            }
            other => return Err(Error::UnsupportedChallenge(other.as_str().to_owned())),
        };
        let out = reply.send().await.map_err(|e| {
            explain(
                sdk::classify(e, Service::UserPools, app.region()),
                app,
                &user,
            )
        })?;
        result = out.authentication_result;
        challenge = out.challenge_name;
        parameters = out.challenge_parameters.unwrap_or_default();
        session = out.session;
    }
    Err(Error::Service {
        operation: "RespondToAuthChallenge",
        code: "TooManyChallenges".into(),
        message: format!("Cognito kept asking for challenges after {MAX_ROUNDS} rounds"),
    })
}

/// Exchanges a refresh token for new ID and access tokens (REFRESH_TOKEN_AUTH).
///
/// `username` must be the name the user signed in with (`cognito:username`): Cognito checks
/// SECRET_HASH against it, not against the sub. A rotated refresh token comes back in
/// [`Tokens::refresh_token`]; a rejected one is [`Error::RefreshRejected`].
pub async fn refresh(
    client: &Client,
    app: &AppClient,
    username: &str,
    refresh_token: &Secret<String>,
) -> Result<Tokens> {
    let mut request = client
        .initiate_auth()
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .client_id(&app.client_id)
        .auth_parameters("REFRESH_TOKEN", refresh_token.expose());
    if let Some(hash) = app.secret_hash(username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    let out = request.send().await.map_err(|e| {
        match explain(
            sdk::classify(e, Service::UserPools, app.region()),
            app,
            username,
        ) {
            Error::NotAuthorized { message, .. } => Error::RefreshRejected(message),
            other => other,
        }
    })?;
    let result = out.authentication_result.ok_or_else(|| Error::Service {
        operation: "InitiateAuth",
        code: "IncompleteResponse".into(),
        message: "the refresh answer has no tokens".into(),
    })?;
    tokens(result)
}

/// Revokes a refresh token (and the tokens issued from it), with the client secret if any.
pub async fn revoke(
    client: &Client,
    app: &AppClient,
    refresh_token: &Secret<String>,
) -> Result<()> {
    client
        .revoke_token()
        .token(refresh_token.expose())
        .client_id(&app.client_id)
        .set_client_secret(app.client_secret.as_ref().map(|s| s.expose().clone()))
        .send()
        .await
        .map_err(|e| {
            service_error(
                "RevokeToken",
                sdk::classify(e, Service::UserPools, app.region()),
            )
        })?;
    Ok(())
}

/// Signs the user out of every device (GlobalSignOut with their access token).
pub async fn global_sign_out(
    client: &Client,
    region: &str,
    access_token: &Secret<String>,
) -> Result<()> {
    client
        .global_sign_out()
        .access_token(access_token.expose())
        .send()
        .await
        .map_err(|e| {
            service_error(
                "GlobalSignOut",
                sdk::classify(e, Service::UserPools, region),
            )
        })?;
    Ok(())
}

fn service_error(operation: &'static str, failure: Failure) -> Error {
    match failure {
        Failure::Other(err) => err,
        Failure::Service { code, message } => Error::Service {
            operation,
            code,
            message,
        },
    }
}

fn tokens(result: AuthenticationResultType) -> Result<Tokens> {
    let missing = |what: &str| Error::Service {
        operation: "InitiateAuth",
        code: "IncompleteResponse".into(),
        message: format!("the sign-in answer has no {what}"),
    };
    Ok(Tokens {
        id_token: Secret::new(result.id_token.ok_or_else(|| missing("ID token"))?),
        access_token: Secret::new(result.access_token.ok_or_else(|| missing("access token"))?),
        refresh_token: result.refresh_token.map(Secret::new),
    })
}

/// Turns a user pool's error answer into a sentence about this user and client.
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
