//! Building SDK clients for the unsigned Cognito calls, bounding the network, and turning SDK
//! errors into facts.
//!
//! The clients carry no credentials (InitiateAuth, GetId and GetCredentialsForIdentity are
//! unsigned). They are built straight from each service's `Config` rather than through
//! `aws_config::load`, which would read `~/.aws/config` and `~/.aws/credentials` again and set up
//! a credential chain these calls never use (about 5 ms of a 20 ms login). The SDK's endpoint
//! variables (`AWS_ENDPOINT_URL` and the per-service ones) are honoured here, as the SDK does.
//!
//! **The bound.** [`bounded`] runs the whole network part of a command (a refresh and the
//! exchange after it, say) under one deadline, [`bound`] seconds (`COGNITO_AUTH_TIMEOUT`, default
//! 10): the clients built inside it get the SDK's own operation timeout set to the time left, an
//! attempt timeout of half the bound (so a retry still fits) and a connect timeout of at most
//! 3 s, and a deadline around the whole future catches what falls between requests. Outside
//! [`bounded`] (an interactive `login`, `admin`), each request gets the same bound on its own.
//! Whichever fires, the error names the service and endpoint that was being waited on.

use std::cell::{Cell, RefCell};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::env_vars;
use crate::error::{Error, Result};

/// The bound when `COGNITO_AUTH_TIMEOUT` is not set.
pub const DEFAULT_BOUND: Duration = Duration::from_secs(10);

/// The network bound: `COGNITO_AUTH_TIMEOUT` seconds (1 to 3600), else [`DEFAULT_BOUND`].
pub fn bound() -> Result<Duration> {
    parse_bound(env_vars::get(env_vars::COGNITO_AUTH_TIMEOUT))
}

fn parse_bound(value: Option<String>) -> Result<Duration> {
    let Some(value) = value else {
        return Ok(DEFAULT_BOUND);
    };
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|secs| (1..=3600).contains(secs))
        .map(Duration::from_secs)
        .ok_or(Error::InvalidValue {
            what: format!("{} value", env_vars::COGNITO_AUTH_TIMEOUT),
            value,
            expected: "a whole number of seconds from 1 to 3600",
        })
}

/// When the running command started, if the whole of it is bounded: see [`bound_whole_command`].
static COMMAND_STARTED: Mutex<Option<Instant>> = Mutex::new(None);

/// Bounds the whole command from now: its network part and its waits for other processes'
/// locks together end within [`bound`]. For the commands a program runs for credentials
/// (`credential-process`, `export`, `exec`, `token`); a bad `COGNITO_AUTH_TIMEOUT` is refused here.
pub fn bound_whole_command() -> Result<()> {
    bound()?;
    let mut started = COMMAND_STARTED.lock().unwrap_or_else(|e| e.into_inner());
    started.get_or_insert_with(Instant::now);
    Ok(())
}

/// Lifts the whole-command bound: the command is about to wait on a person at a terminal (a
/// password prompt), after which each wait and request gets a bound of its own.
pub fn unbound_command() {
    *COMMAND_STARTED.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// The instant the whole command must be done by, if it is bounded as a whole.
pub fn command_deadline() -> Option<Instant> {
    let started = *COMMAND_STARTED.lock().unwrap_or_else(|e| e.into_inner());
    started.map(|start| start + bound_or_default())
}

/// Time kept after the network gives up for the local work that follows (recording the failure
/// for the callers queued behind, releasing the lock, reporting): a tenth of the bound, at most
/// half a second. A queued caller's own deadline then falls after the lock is released.
fn local_margin(limit: Duration) -> Duration {
    (limit / 10).min(Duration::from_millis(500))
}

/// [`bound`] where an error cannot be returned (building a client); [`bounded`] has already
/// refused a bad value by then.
fn bound_or_default() -> Duration {
    bound().unwrap_or(DEFAULT_BOUND)
}

thread_local! {
    /// The deadline of the [`bounded`] run on this thread, if any.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// The service and endpoint of the request under way, for the timeout message.
    static IN_FLIGHT: RefCell<Option<(&'static str, String)>> = const { RefCell::new(None) };
}

/// Time left before the deadline; the whole bound outside [`bounded`].
pub fn remaining() -> Duration {
    match DEADLINE.get() {
        Some(deadline) => deadline.saturating_duration_since(Instant::now()),
        None => bound_or_default(),
    }
}

/// Notes the request being sent, so a timeout can name what it waited for.
pub(crate) fn in_flight(service: &'static str, endpoint: String) {
    IN_FLIGHT.with_borrow_mut(|slot| *slot = Some((service, endpoint)));
}

/// The error for running out of `limit` while waiting on the request under way.
pub(crate) fn timed_out(limit: Duration) -> Error {
    let (service, endpoint) = IN_FLIGHT
        .with_borrow(Clone::clone)
        .unwrap_or(("the network", "-".to_owned()));
    Error::Timeout {
        service,
        endpoint,
        secs: limit.as_secs(),
    }
}

/// Runs the network part of a command within [`bound`]: every request, retry and wait in
/// `future` together. A command that waits on a person must not use this.
pub fn bounded<T>(future: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    bounded_for(bound()?, future)
}

fn bounded_for<T>(
    limit: Duration,
    future: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let deadline = match command_deadline() {
        Some(end) => end.checked_sub(local_margin(limit)).unwrap_or(end),
        None => Instant::now() + limit,
    };
    let previous = DEADLINE.replace(Some(deadline));
    let result = block_on(async {
        tokio::time::timeout_at(deadline.into(), future)
            .await
            .unwrap_or_else(|_| Err(timed_out(limit)))
    });
    DEADLINE.set(previous);
    result
}

fn timeouts() -> TimeoutConfig {
    let limit = bound_or_default();
    let left = remaining().max(Duration::from_millis(1));
    let attempt = (limit / 2).max(Duration::from_secs(1)).min(left);
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3).min(attempt))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(left)
        .build()
}

fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// Records each request's service and endpoint as it goes out (see [`in_flight`]).
#[derive(Debug)]
struct Recorder {
    service: Service,
    endpoint: String,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "cognito-auth in-flight recorder"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        in_flight(self.service.name(), self.endpoint.clone());
        Ok(())
    }
}

/// The HTTP client for requests to `endpoint` (the configured one, or AWS's): without TLS for
/// a plain `http://` endpoint, since the TLS client would load the system's trust store (about
/// 150 files) for nothing; else hyper with rustls on ring. The SDK's default client is rustls
/// on aws-lc, about 0.7 MB more in the binary for the same TLS 1.2/1.3 suites; what aws-lc adds
/// is the post-quantum key exchange (X25519MLKEM768) rustls prefers with it.
pub fn http_client(
    endpoint: Option<&str>,
) -> aws_sdk_cognitoidentityprovider::config::SharedHttpClient {
    let builder = aws_smithy_http_client::Builder::new();
    if endpoint.is_some_and(|url| url.starts_with("http://")) {
        builder.build_http()
    } else {
        builder.tls_provider(tls_provider()).build_https()
    }
}

/// The TLS every request uses: rustls on ring (see [`http_client`]); the Hosted UI's connector
/// takes it too.
pub fn tls_provider() -> aws_smithy_http_client::tls::Provider {
    aws_smithy_http_client::tls::Provider::Rustls(
        aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
    )
}

/// A client for Cognito user pools in `region`.
pub fn user_pools(region: &str) -> aws_sdk_cognitoidentityprovider::Client {
    let mut config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts())
        .retry_config(retries())
        .interceptor(Recorder {
            service: Service::UserPools,
            endpoint: Service::UserPools.endpoint(region),
        });
    let endpoint = Service::UserPools.configured_endpoint();
    config = config.http_client(http_client(endpoint.as_deref()));
    if let Some(url) = endpoint {
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
        .retry_config(retries())
        .interceptor(Recorder {
            service: Service::IdentityPools,
            endpoint: Service::IdentityPools.endpoint(region),
        });
    let endpoint = Service::IdentityPools.configured_endpoint();
    config = config.http_client(http_client(endpoint.as_deref()));
    if let Some(url) = endpoint {
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
        .retry_config(retries())
        .interceptor(Recorder {
            service: Service::Sts,
            endpoint: Service::Sts.endpoint(region),
        });
    let endpoint = Service::Sts.configured_endpoint();
    config = config.http_client(http_client(endpoint.as_deref()));
    if let Some(url) = endpoint {
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

thread_local! {
    /// The command's one async runtime, built on first use and kept for the thread's life: an
    /// SDK client and its connection pool, made during one [`block_on`], find the runtime they
    /// were made on (and the connections it keeps open) in the next. Single-threaded: a command
    /// makes a few calls in a row.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime starts");
}

/// Runs a future to completion on the command's runtime (one per thread, see [`RUNTIME`]).
/// Not to be called from inside a future it runs: tokio refuses a nested `block_on`.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    RUNTIME.with(|runtime| runtime.block_on(future))
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
///
/// Only an answer in the service's own protocol with an error code and a 4xx status is left to
/// the caller; the rest is final: no answer in time ([`Error::Timeout`]), no connection
/// ([`Error::Unreachable`]), throttling, and anything a working service does not send (a 5xx,
/// HTML, garbage, a truncated body, a dropped connection: [`Error::ServerFailure`]).
pub fn classify<E>(err: SdkError<E, HttpResponse>, service: Service, region: &str) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let endpoint = service.endpoint(region);
    let server_failure = |status: String, detail: String| {
        Failure::Other(Error::ServerFailure {
            service: service.name(),
            endpoint: endpoint.clone(),
            status,
            detail,
        })
    };
    match &err {
        SdkError::TimeoutError(_) => Failure::Other(Error::Timeout {
            service: service.name(),
            endpoint,
            secs: bound_or_default().as_secs(),
        }),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            Failure::Other(Error::Timeout {
                service: service.name(),
                endpoint,
                secs: bound_or_default().as_secs(),
            })
        }
        SdkError::DispatchFailure(failure)
            if !connected(&err)
                && !failure
                    .as_connector_error()
                    .is_some_and(ConnectorError::is_other) =>
        {
            Failure::Other(Error::Unreachable {
                service: service.name(),
                endpoint,
                detail: one_line(&innermost(&err)),
            })
        }
        // Connected, then dropped: hyper's "connection closed before message completed" is
        // its own kind (other), a reset is an I/O error of that kind.
        SdkError::DispatchFailure(_) => server_failure(
            "no HTTP status".into(),
            format!(
                "the connection closed without an answer ({})",
                one_line(&innermost(&err))
            ),
        ),
        // A body that arrived whole but is not the protocol (HTML, garbage), or one that did not
        // arrive whole.
        SdkError::ResponseError(response) => match response.raw().body().bytes() {
            Some(body) if !body.is_empty() => server_failure(
                http_status(response.raw()),
                not_the_protocol(response.raw()),
            ),
            _ => server_failure(
                http_status(response.raw()),
                format!("the answer was cut off ({})", one_line(&innermost(&err))),
            ),
        },
        SdkError::ServiceError(answer) => {
            let raw = answer.raw();
            let status = raw.status().as_u16();
            match err.code() {
                Some(code) if is_throttling(code) => Failure::Other(Error::Throttled {
                    service: service.name(),
                    message: err.message().unwrap_or("no message").to_owned(),
                }),
                Some(code) if status < 500 => Failure::Service {
                    code: code.to_owned(),
                    message: err.message().unwrap_or("no message").to_owned(),
                },
                Some(code) => server_failure(
                    http_status(raw),
                    format!(
                        "{code}: {}",
                        one_line(err.message().unwrap_or("no message"))
                    ),
                ),
                None => server_failure(http_status(raw), not_the_protocol(raw)),
            }
        }
        // The request could not even be built: ours to fix, not the service's.
        _ => Failure::Other(Error::Internal(format!(
            "could not send a request to {}: {}",
            service.name(),
            one_line(&innermost(&err))
        ))),
    }
}

/// Whether a dispatch failure came after the connection was made (the server dropped it)
/// rather than while making it. The I/O error's kind tells: refused, unreachable and name
/// lookups happen before any byte is sent.
pub(crate) fn connected(err: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::*;
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            );
        }
        current = e.source();
    }
    false
}

fn http_status(raw: &HttpResponse) -> String {
    format!("HTTP {}", raw.status().as_u16())
}

/// What an answer without an error code was, for the message: its type and first words.
fn not_the_protocol(raw: &HttpResponse) -> String {
    let kind = raw
        .headers()
        .get("content-type")
        .unwrap_or("no content type");
    let body = raw.body().bytes().unwrap_or_default();
    let start: String = String::from_utf8_lossy(body).chars().take(120).collect();
    let start = one_line(&start);
    if start.is_empty() {
        format!("an empty answer ({kind})")
    } else {
        format!("an answer that is not the service's JSON ({kind}): {start}")
    }
}

/// Text from a server or a transport, on one line: control characters and runs of white space
/// become one space.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
    fn the_bound_is_whole_seconds_from_1_to_3600() {
        assert_eq!(parse_bound(None).unwrap(), DEFAULT_BOUND);
        assert_eq!(
            parse_bound(Some("1".into())).unwrap(),
            Duration::from_secs(1)
        );
        assert_eq!(
            parse_bound(Some(" 3600 ".into())).unwrap(),
            Duration::from_secs(3600)
        );
        for bad in ["0", "3601", "-1", "1.5", "10s", "ten"] {
            let err = parse_bound(Some(bad.into())).unwrap_err();
            assert_eq!(err.exit_code(), crate::error::EXIT_USAGE, "{bad}");
            assert!(err.to_string().contains("COGNITO_AUTH_TIMEOUT"), "{err}");
        }
    }

    #[test]
    fn server_text_is_put_on_one_line() {
        assert_eq!(
            one_line("<html>\r\n  <body>\tNope\u{0}</body>\n"),
            "<html> <body> Nope </body>"
        );
        assert_eq!(one_line(" \n "), "");
    }

    #[test]
    fn a_dropped_connection_is_told_from_a_refused_one() {
        use std::io::{Error as IoError, ErrorKind};
        let wrapped = |kind| -> Box<dyn std::error::Error + Send + Sync> {
            Box::new(ConnectorError::io(Box::new(IoError::from(kind))))
        };
        assert!(connected(wrapped(ErrorKind::ConnectionReset).as_ref()));
        assert!(connected(wrapped(ErrorKind::UnexpectedEof).as_ref()));
        assert!(!connected(wrapped(ErrorKind::ConnectionRefused).as_ref()));
        assert!(!connected(wrapped(ErrorKind::HostUnreachable).as_ref()));
    }

    #[test]
    fn outside_a_bounded_run_each_request_gets_the_whole_bound() {
        assert_eq!(remaining(), bound_or_default());
    }

    #[test]
    fn a_bounded_run_past_its_deadline_names_the_request_under_way() {
        let err = bounded_for(Duration::from_millis(20), async {
            in_flight("Cognito user pools", "http://192.0.2.1".into());
            std::future::pending::<Result<()>>().await
        });
        let err = err.unwrap_err();
        assert_eq!(
            err.to_string(),
            "Cognito user pools at http://192.0.2.1 did not answer within 0 s"
        );
        assert_eq!(err.exit_code(), crate::error::EXIT_FAILURE);
        assert_eq!(DEADLINE.get(), None, "the deadline is cleared afterwards");
    }

    #[test]
    fn every_block_on_of_a_thread_runs_on_one_runtime() {
        // A task spawned during one call is still alive in the next: with a runtime per call it
        // would be dropped with its runtime, and its reply channel closed.
        let (ask, asked) = tokio::sync::oneshot::channel::<u32>();
        let (reply, replied) = tokio::sync::oneshot::channel::<u32>();
        block_on(async {
            tokio::spawn(async move {
                let n = asked.await.expect("the second call asks");
                reply.send(n + 1).expect("the second call listens");
            });
        });
        let answer = block_on(async {
            ask.send(41).expect("the spawned task is alive");
            replied.await
        });
        assert_eq!(answer, Ok(42));
    }

    #[test]
    fn a_bounded_run_shares_the_runtime_of_plain_calls() {
        let (ask, asked) = tokio::sync::oneshot::channel::<u32>();
        let (reply, replied) = tokio::sync::oneshot::channel::<u32>();
        block_on(async {
            tokio::spawn(async move {
                if let Ok(n) = asked.await {
                    let _ = reply.send(n * 2);
                }
            });
        });
        let answer = bounded_for(Duration::from_secs(5), async move {
            ask.send(21)
                .map_err(|_| Error::Internal("the spawned task is gone".into()))?;
            replied
                .await
                .map_err(|_| Error::Internal("the spawned task never answered".into()))
        });
        assert_eq!(answer.ok(), Some(42));
    }

    #[test]
    fn throttling_codes() {
        assert!(is_throttling("TooManyRequestsException"));
        assert!(is_throttling("ThrottlingException"));
        assert!(!is_throttling("NotAuthorizedException"));
    }
}
