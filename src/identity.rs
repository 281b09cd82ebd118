//! The identity pool exchange: an ID token becomes an identity id (GetId) and temporary AWS
//! credentials (GetCredentialsForIdentity, the enhanced flow).

use aws_sdk_cognitoidentity::Client;
use aws_smithy_types::DateTime;

use crate::auth::pool_region;
use crate::error::{Error, Result};
use crate::sdk::{self, Failure, Service};
use crate::secret::Secret;

/// Temporary AWS credentials.
#[derive(Debug, Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret<String>,
    pub session_token: Secret<String>,
    pub expiration: DateTime,
}

/// The provider name an identity pool knows a user pool by: the pool's own region, not the
/// CLI's (`cognito-idp.<pool region>.amazonaws.com/<pool id>`).
pub fn provider_name(user_pool_id: &str) -> String {
    format!(
        "cognito-idp.{}.amazonaws.com/{user_pool_id}",
        pool_region(user_pool_id)
    )
}

/// The region prefix of an identity pool id (`us-east-1:<uuid>` -> `us-east-1`).
pub fn identity_pool_region(identity_pool_id: &str) -> &str {
    identity_pool_id
        .split_once(':')
        .map_or(identity_pool_id, |(r, _)| r)
}

/// What the exchange needs to know.
#[derive(Debug)]
pub struct Exchange<'a> {
    pub identity_pool_id: &'a str,
    pub user_pool_id: &'a str,
    pub client_id: &'a str,
    pub id_token: &'a Secret<String>,
}

impl Exchange<'_> {
    /// Runs GetId then GetCredentialsForIdentity; returns the identity id and the credentials.
    pub async fn run(&self, client: &Client) -> Result<(String, AwsCredentials)> {
        let provider = provider_name(self.user_pool_id);
        let region = identity_pool_region(self.identity_pool_id);
        let identity_id = client
            .get_id()
            .identity_pool_id(self.identity_pool_id)
            .logins(&provider, self.id_token.expose())
            .send()
            .await
            .map_err(|e| self.explain(sdk::classify(e, Service::IdentityPools, region), &provider))?
            .identity_id
            .ok_or_else(|| incomplete("GetId", "identity id"))?;
        let credentials = self.credentials_for(client, &identity_id).await?;
        Ok((identity_id, credentials))
    }

    /// GetCredentialsForIdentity for an identity id already known (from an earlier GetId).
    pub async fn credentials_for(
        &self,
        client: &Client,
        identity_id: &str,
    ) -> Result<AwsCredentials> {
        let provider = provider_name(self.user_pool_id);
        let region = identity_pool_region(self.identity_pool_id);
        let out = client
            .get_credentials_for_identity()
            .identity_id(identity_id)
            .logins(&provider, self.id_token.expose())
            .send()
            .await
            .map_err(|e| {
                self.explain(sdk::classify(e, Service::IdentityPools, region), &provider)
            })?;
        let creds = out
            .credentials
            .ok_or_else(|| incomplete("GetCredentialsForIdentity", "credentials"))?;
        let field = |v: Option<String>, what| {
            v.ok_or_else(|| incomplete("GetCredentialsForIdentity", what))
        };
        Ok(AwsCredentials {
            access_key_id: field(creds.access_key_id, "access key id")?,
            secret_access_key: Secret::new(field(creds.secret_key, "secret key")?),
            session_token: Secret::new(field(creds.session_token, "session token")?),
            expiration: creds
                .expiration
                .ok_or_else(|| incomplete("GetCredentialsForIdentity", "expiration"))?,
        })
    }

    fn explain(&self, failure: Failure, provider: &str) -> Error {
        let (code, message) = match failure {
            Failure::Other(err) => return err,
            Failure::Service { code, message } => (code, message),
        };
        let pool = self.identity_pool_id.to_owned();
        match code.as_str() {
            "ResourceNotFoundException" => Error::IdentityPoolNotFound { pool, message },
            "NotAuthorizedException" | "InvalidIdentityPoolConfigurationException" => {
                Error::IdentityPoolRejected {
                    pool,
                    provider: provider.to_owned(),
                    client: self.client_id.to_owned(),
                    message,
                }
            }
            _ => Error::Service {
                operation: "identity pool exchange",
                code,
                message,
            },
        }
    }
}

fn incomplete(operation: &'static str, what: &str) -> Error {
    Error::Service {
        operation,
        code: "IncompleteResponse".into(),
        message: format!("the answer has no {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_uses_the_user_pool_region() {
        assert_eq!(
            provider_name("eu-central-1_AbC"),
            "cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC"
        );
    }

    #[test]
    fn explains_identity_pool_errors() {
        let token = Secret::new("t".to_owned());
        let exchange = Exchange {
            identity_pool_id: "us-east-1:0000",
            user_pool_id: "us-east-1_P",
            client_id: "c",
            id_token: &token,
        };
        let explain = |code: &str| {
            exchange.explain(
                Failure::Service {
                    code: code.into(),
                    message: "m".into(),
                },
                "prov",
            )
        };
        assert!(matches!(
            explain("ResourceNotFoundException"),
            Error::IdentityPoolNotFound { .. }
        ));
        let rejected = explain("NotAuthorizedException");
        assert_eq!(
            rejected.to_string(),
            "identity pool `us-east-1:0000` refused the sign-in: m"
        );
        assert!(rejected.hint().unwrap().contains("prov with app client c"));
        assert!(matches!(explain("Other"), Error::Service { .. }));
    }
}
