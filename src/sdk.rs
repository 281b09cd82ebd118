//! Building SDK clients for the unsigned Cognito calls, and turning SDK errors into facts.
//!
//! The clients carry no credentials (InitiateAuth, GetId and GetCredentialsForIdentity are
//! unsigned), short timeouts and three attempts, so an unreachable endpoint fails in seconds.
//! They are built straight from each service's `Config` rather than through `aws_config::load`,
//! which would read `~/.aws/config` and `~/.aws/credentials` again and set up a credential chain
//! these calls never use (about 5 ms of a 20 ms login). The SDK's endpoint variables
//! (`AWS_ENDPOINT_URL` and the per-service ones) are honoured here, as the SDK does.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};

use crate::env_vars;
use crate::error::Error;

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(30))
        .build()
}

fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// An HTTP client without TLS, for a plain `http://` endpoint: the TLS client would load the
/// system's trust store (about 150 files) for nothing.
fn plain_http() -> aws_sdk_cognitoidentityprovider::config::SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_http()
}

/// A client for Cognito user pools in `region`.
pub fn user_pools(region: &str) -> aws_sdk_cognitoidentityprovider::Client {
    let mut config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts())
        .retry_config(retries());
    if let Some(url) = Service::UserPools.configured_endpoint() {
        if url.starts_with("http://") {
            config = config.http_client(plain_http());
        }
        config = config.endpoint_url(url);
    }
    aws_sdk_cognitoidentityprovider::Client::from_conf(config.build())
}

/// A client for Cognito identity pools in `region`.
pub fn identity_pools(region: &str) -> aws_sdk_cognitoidentity::Client {
    let mut config = aws_sdk_cognitoidentity::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts())
        .retry_config(retries());
    if let Some(url) = Service::IdentityPools.configured_endpoint() {
        if url.starts_with("http://") {
            config = config.http_client(plain_http());
        }
        config = config.endpoint_url(url);
    }
    aws_sdk_cognitoidentity::Client::from_conf(config.build())
}

/// STS in `region`, for the identity pool's basic flow (AssumeRoleWithWebIdentity is unsigned).
pub fn sts(region: &str) -> aws_sdk_sts::Client {
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts())
        .retry_config(retries());
    if let Some(url) = Service::Sts.configured_endpoint() {
        if url.starts_with("http://") {
            config = config.http_client(plain_http());
        }
        config = config.endpoint_url(url);
    }
    aws_sdk_sts::Client::from_conf(config.build())
}

/// A service we call, for endpoints and messages.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    UserPools,
    IdentityPools,
    Sts,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::UserPools => "Cognito user pools",
            Service::IdentityPools => "Cognito identity pools",
            Service::Sts => "AWS STS",
        }
    }

    fn host(self) -> &'static str {
        match self {
            Service::UserPools => "cognito-idp",
            Service::IdentityPools => "cognito-identity",
            Service::Sts => "sts",
        }
    }

    /// The endpoint set in the environment: the service's own variable, then `AWS_ENDPOINT_URL`,
    /// unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true.
    fn configured_endpoint(self) -> Option<String> {
        if env_vars::get(env_vars::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return None;
        }
        let own = match self {
            Service::UserPools => env_vars::AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
            Service::IdentityPools => env_vars::AWS_ENDPOINT_URL_COGNITO_IDENTITY,
            Service::Sts => env_vars::AWS_ENDPOINT_URL_STS,
        };
        env_vars::get(own).or_else(|| env_vars::get(env_vars::AWS_ENDPOINT_URL))
    }

    /// The endpoint the client talks to, for messages.
    fn endpoint(self, region: &str) -> String {
        self.configured_endpoint()
            .unwrap_or_else(|| format!("https://{}.{region}.amazonaws.com", self.host()))
    }
}

/// Runs a future on a fresh single-threaded runtime (each command makes a few calls in a row).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime starts")
        .block_on(future)
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
pub(crate) fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
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
