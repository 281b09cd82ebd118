//! Ending sessions at the user pool: RevokeToken for one refresh token, GlobalSignOut for all.

use aws_sdk_cognitoidentityprovider::Client;

use super::AppClient;
use crate::error::{Error, Result};
use crate::sdk::{self, Failure, Service};
use crate::secret::Secret;

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
