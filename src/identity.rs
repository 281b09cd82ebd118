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

/// Which role, and for how long: the enhanced flow (optionally with CustomRoleArn), or with a
/// duration the basic flow (GetOpenIdToken, then STS AssumeRoleWithWebIdentity).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoleChoice {
    pub role_arn: Option<String>,
    /// Seconds; `Some` selects the basic flow.
    pub duration: Option<i32>,
}

/// What the exchange needs to know.
#[derive(Debug)]
pub struct Exchange<'a> {
    pub identity_pool_id: &'a str,
    pub user_pool_id: &'a str,
    pub client_id: &'a str,
    pub id_token: &'a Secret<String>,
    pub role: &'a RoleChoice,
    /// RoleSessionName for the basic flow (CloudTrail shows it).
    pub session_name: &'a str,
}

impl Exchange<'_> {
    /// Runs GetId, then gets credentials; returns the identity id and the credentials.
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

    /// Credentials for an identity id already known (from an earlier GetId).
    pub async fn credentials_for(
        &self,
        client: &Client,
        identity_id: &str,
    ) -> Result<AwsCredentials> {
        match self.role.duration {
            Some(duration) => self.basic(client, identity_id, duration).await,
            None => self.enhanced(client, identity_id).await,
        }
    }

    /// GetCredentialsForIdentity, with CustomRoleArn when a role was chosen.
    async fn enhanced(&self, client: &Client, identity_id: &str) -> Result<AwsCredentials> {
        let provider = provider_name(self.user_pool_id);
        let region = identity_pool_region(self.identity_pool_id);
        let out = client
            .get_credentials_for_identity()
            .identity_id(identity_id)
            .logins(&provider, self.id_token.expose())
            .set_custom_role_arn(self.role.role_arn.clone())
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

    /// The basic flow: an OpenID token for the identity, then STS for `duration` seconds.
    async fn basic(
        &self,
        client: &Client,
        identity_id: &str,
        duration: i32,
    ) -> Result<AwsCredentials> {
        let provider = provider_name(self.user_pool_id);
        let region = identity_pool_region(self.identity_pool_id);
        let role = self.role.role_arn.as_deref().ok_or(Error::RoleRequired)?;
        let token = client
            .get_open_id_token()
            .identity_id(identity_id)
            .logins(&provider, self.id_token.expose())
            .send()
            .await
            .map_err(|e| match sdk::classify(e, Service::IdentityPools, region) {
                Failure::Service { code, message } if code == "InvalidParameterException" => {
                    Error::BasicFlowDisabled {
                        pool: self.identity_pool_id.to_owned(),
                        message,
                    }
                }
                other => self.explain(other, &provider),
            })?
            .token
            .ok_or_else(|| incomplete("GetOpenIdToken", "token"))?;
        let sts = sdk::sts(region);
        let out = sts
            .assume_role_with_web_identity()
            .role_arn(role)
            .role_session_name(self.session_name)
            .web_identity_token(token)
            .duration_seconds(duration)
            .send()
            .await
            .map_err(|e| sts_refusal(sdk::classify(e, Service::Sts, region), role, duration))?;
        let c = out
            .credentials
            .ok_or_else(|| incomplete("AssumeRoleWithWebIdentity", "credentials"))?;
        Ok(AwsCredentials {
            access_key_id: c.access_key_id,
            secret_access_key: Secret::new(c.secret_access_key),
            session_token: Secret::new(c.session_token),
            expiration: c.expiration,
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
            "InvalidParameterException" if self.role.role_arn.is_some() => {
                Error::RoleRefused { pool, message }
            }
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

/// What STS's refusals mean for someone asking for a role and a duration.
fn sts_refusal(failure: Failure, role: &str, duration: i32) -> Error {
    let (code, message) = match failure {
        Failure::Other(err) => return err,
        Failure::Service { code, message } => (code, message),
    };
    let role = role.to_owned();
    // STS has no code of its own for a duration past the role's MaxSessionDuration: it is a
    // ValidationError like any bad parameter, told apart only by its message.
    if code == "ValidationError" && message.contains("MaxSessionDuration") {
        Error::SessionTooLong {
            role,
            duration,
            code,
            message,
        }
    } else if code == "AccessDenied" || code == "AccessDeniedException" {
        Error::RoleNotTrusted {
            role,
            duration,
            code,
            message,
        }
    } else {
        Error::AssumeRoleRefused {
            role,
            duration,
            code,
            message,
        }
    }
}

fn incomplete(operation: &'static str, what: &str) -> Error {
    Error::IncompleteAnswer {
        operation,
        what: what.to_owned(),
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
        let role = RoleChoice::default();
        let exchange = Exchange {
            identity_pool_id: "us-east-1:0000",
            user_pool_id: "us-east-1_P",
            client_id: "c",
            id_token: &token,
            role: &role,
            session_name: "s",
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

    #[test]
    fn sts_refusals_say_what_to_change() {
        let role = "arn:aws:iam::123456789012:role/Premium";
        let refusal = |code: &str, message: &str| {
            sts_refusal(
                Failure::Service {
                    code: code.into(),
                    message: message.into(),
                },
                role,
                43_200,
            )
        };
        let long = refusal(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        );
        assert!(
            long.to_string()
                .starts_with("STS refused role arn:aws:iam::123456789012:role/Premium for 43200 s")
        );
        assert_eq!(
            long.hint().unwrap(),
            "ask for less than 12h, or raise the role's limit: aws iam update-role --role-name Premium --max-session-duration 43200"
        );
        assert!(matches!(long, Error::SessionTooLong { .. }));
        assert!(
            refusal("AccessDenied", "Not authorized")
                .hint()
                .unwrap()
                .contains("trust policy")
        );
        assert!(matches!(
            refusal("AccessDenied", "Not authorized"),
            Error::RoleNotTrusted { .. }
        ));
        // The message alone decides nothing: another code naming MaxSessionDuration is not it.
        assert!(matches!(
            refusal("InvalidIdentityToken", "MaxSessionDuration"),
            Error::AssumeRoleRefused { .. }
        ));
    }

    #[test]
    fn identity_pool_refusals_are_named_by_cause() {
        let token = Secret::new("t".to_owned());
        let role = RoleChoice {
            role_arn: Some("arn:aws:iam::1:role/R".into()),
            ..RoleChoice::default()
        };
        let exchange = Exchange {
            identity_pool_id: "us-east-1:0000",
            user_pool_id: "us-east-1_P",
            client_id: "c",
            id_token: &token,
            role: &role,
            session_name: "s",
        };
        let err = exchange.explain(
            Failure::Service {
                code: "InvalidParameterException".into(),
                message: "m".into(),
            },
            "prov",
        );
        assert!(matches!(err, Error::RoleRefused { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "identity pool `us-east-1:0000` refused the role: m"
        );
        assert_eq!(err.exit_code(), crate::error::EXIT_FAILURE);
    }
}
