//! Refreshing a user pool session: GetTokensFromRefreshToken, which app clients with refresh-token
//! rotation require (each call returns a new refresh token and retires the old one after the
//! client's grace period), with REFRESH_TOKEN_AUTH as the fallback for endpoints that do not
//! implement it (moto answers HTTP 500 with an HTML page, cognito-local `CognitoLocal#Unsupported`).
//!
//! The fallback is decided once per process: after one endpoint has shown it lacks the operation,
//! later refreshes in the same process go straight to REFRESH_TOKEN_AUTH.

use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::{AppClient, Tokens, pool_error, tokens};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Set once an endpoint has answered GetTokensFromRefreshToken as an operation it lacks.
static NO_GET_TOKENS: AtomicBool = AtomicBool::new(false);

/// Exchanges a refresh token for new ID and access tokens, and a new refresh token where the
/// app client rotates them ([`Tokens::refresh_token`]).
///
/// GetTokensFromRefreshToken carries ClientId, RefreshToken, ClientSecret (when the client has
/// one) and DeviceKey (when the session has one). REFRESH_TOKEN_AUTH, the fallback, carries
/// SECRET_HASH, which Cognito checks against `username`, the name the user signed in with
/// (`cognito:username`), not the sub. A token refused as invalid, revoked or reused after the
/// grace period (`RefreshTokenReuseException`) is [`Error::RefreshRejected`].
pub async fn refresh(
    client: &Client,
    app: &AppClient,
    username: &str,
    refresh_token: &Secret<String>,
    device_key: Option<&str>,
) -> Result<Tokens> {
    let mut probed = false;
    if !NO_GET_TOKENS.load(Ordering::Relaxed) {
        let answer = client
            .get_tokens_from_refresh_token()
            .client_id(&app.client_id)
            .refresh_token(refresh_token.expose())
            .set_client_secret(app.client_secret.as_ref().map(|s| s.expose().clone()))
            .set_device_key(device_key.map(str::to_owned))
            // No retries: an endpoint that lacks the operation answers with a 5xx, which the
            // standard strategy would repeat with backoff before we could fall back. A real
            // failure is reported, and the next command tries again.
            .customize()
            .config_override(
                aws_sdk_cognitoidentityprovider::config::Builder::default()
                    .retry_config(aws_config::retry::RetryConfig::disabled()),
            )
            .send()
            .await;
        match answer {
            Ok(out) => return result(out.authentication_result),
            Err(e) if not_implemented(&e) => probed = true,
            Err(e) => return Err(rejected(pool_error(e, app, username))),
        }
    }
    let mut request = client
        .initiate_auth()
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .client_id(&app.client_id)
        .auth_parameters("REFRESH_TOKEN", refresh_token.expose());
    if let Some(hash) = app.secret_hash(username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    if let Some(key) = device_key {
        request = request.auth_parameters("DEVICE_KEY", key);
    }
    let out = request
        .send()
        .await
        .map_err(|e| rejected(pool_error(e, app, username)))?;
    // Remembered only once the older flow has worked: a passing server fault must not turn a
    // long-running process (exec --server) away from GetTokensFromRefreshToken for good.
    if probed {
        NO_GET_TOKENS.store(true, Ordering::Relaxed);
    }
    result(out.authentication_result)
}

/// The refusals that mean the refresh token is dead: the session must sign in again.
fn rejected(err: Error) -> Error {
    match err {
        Error::NotAuthorized { message, .. } => Error::RefreshRejected(message),
        Error::Service { code, message, .. } if code == "RefreshTokenReuseException" => {
            Error::RefreshRejected(format!(
                "it was already replaced by a newer one (RefreshTokenReuseException: {message})"
            ))
        }
        other => other,
    }
}

fn result(
    answer: Option<aws_sdk_cognitoidentityprovider::types::AuthenticationResultType>,
) -> Result<Tokens> {
    let result = answer.ok_or_else(|| Error::IncompleteAnswer {
        operation: "GetTokensFromRefreshToken",
        what: "tokens".into(),
    })?;
    tokens(result)
}

/// Whether an endpoint answered as one without the operation: an unknown-operation code (AWS's
/// `UnknownOperationException`, cognito-local's `CognitoLocal#Unsupported`), HTTP 501, or an
/// HTTP 500 that is not the service's protocol at all (moto's HTML error page). A working
/// Cognito's own 5xx (`InternalErrorException`) is not this, nor is a gateway's 502-504.
fn not_implemented<E>(err: &SdkError<E, HttpResponse>) -> bool
where
    E: ProvideErrorMetadata,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    };
    match (status, code) {
        (_, Some(code)) => {
            code == "UnknownOperationException"
                || code.ends_with("Unsupported")
                || code.ends_with("NotImplemented")
        }
        (Some(501), None) => true,
        (Some(status), None) => status == 500,
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_or_refused_token_ends_the_session_and_other_failures_do_not() {
        let reuse = Error::Service {
            operation: "sign-in",
            code: "RefreshTokenReuseException".into(),
            message: "Refresh token has been reused".into(),
        };
        assert!(
            matches!(rejected(reuse), Error::RefreshRejected(m) if m.contains("already replaced"))
        );
        let refused = Error::NotAuthorized {
            user: "u".into(),
            message: "Invalid Refresh Token".into(),
        };
        assert!(
            matches!(rejected(refused), Error::RefreshRejected(m) if m == "Invalid Refresh Token")
        );
        let other = Error::Service {
            operation: "sign-in",
            code: "InternalErrorException".into(),
            message: "m".into(),
        };
        assert!(matches!(rejected(other), Error::Service { .. }));
    }
}
