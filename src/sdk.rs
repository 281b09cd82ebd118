//! Building SDK clients for the unsigned Cognito calls, and turning SDK errors into facts.
//!
//! The clients carry no credentials (InitiateAuth, GetId and GetCredentialsForIdentity are
//! unsigned), short timeouts and three attempts, so an unreachable endpoint fails in seconds.
//! Endpoints come from the SDK's own variables (`AWS_ENDPOINT_URL` and the per-service ones).

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};

use crate::env_vars;
use crate::error::Error;

/// Loads the shared SDK configuration for Cognito calls in `region`.
pub async fn load(region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .no_credentials()
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(10))
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .load()
        .await
}

/// A Cognito service, for endpoints and messages.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    UserPools,
    IdentityPools,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::UserPools => "Cognito user pools",
            Service::IdentityPools => "Cognito identity pools",
        }
    }

    /// The endpoint the SDK will use, as far as the environment says.
    fn endpoint(self, region: &str) -> String {
        let (var, host) = match self {
            Service::UserPools => (
                env_vars::AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
                "cognito-idp",
            ),
            Service::IdentityPools => (
                env_vars::AWS_ENDPOINT_URL_COGNITO_IDENTITY,
                "cognito-identity",
            ),
        };
        env_vars::get(var)
            .or_else(|| env_vars::get(env_vars::AWS_ENDPOINT_URL))
            .unwrap_or_else(|| format!("https://{host}.{region}.amazonaws.com"))
    }
}

/// What an SDK call's failure was, once transport problems are told apart from answers.
#[derive(Debug)]
pub enum Failure {
    /// The service answered with an error code.
    Service { code: String, message: String },
    /// No usable answer: already the final [`Error`].
    Other(Error),
}

/// Sorts an SDK error into a service answer (to be explained by the caller) or a final error.
pub fn classify<E, R>(err: SdkError<E, R>, service: Service, region: &str) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            Failure::Other(Error::Unreachable {
                service: service.name(),
                endpoint: service.endpoint(region),
                detail: innermost(&err),
            })
        }
        _ => match err.code() {
            Some(code) => {
                let message = err.message().unwrap_or("no message").to_owned();
                if is_throttling(code) {
                    Failure::Other(Error::Throttled {
                        service: service.name(),
                        message,
                    })
                } else {
                    Failure::Service {
                        code: code.to_owned(),
                        message,
                    }
                }
            }
            None => Failure::Service {
                code: "UnknownError".into(),
                message: innermost(&err),
            },
        },
    }
}

fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "TooManyRequestsException"
            | "ThrottlingException"
            | "Throttling"
            | "LimitExceededException"
    )
}

/// The deepest cause in an error chain: "Connection refused (os error 111)" rather than
/// "dispatch failure".
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_codes() {
        assert!(is_throttling("TooManyRequestsException"));
        assert!(is_throttling("ThrottlingException"));
        assert!(!is_throttling("NotAuthorizedException"));
    }
}
