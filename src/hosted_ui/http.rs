//! One HTTP request through the SDK's own connector (hyper 1, rustls on ring, as for every SDK
//! client: `sdk::http_client`), within the same bound as the SDK clients (`sdk::remaining`: the
//! time left in a bounded command, else `COGNITO_AUTH_TIMEOUT`), body included. No retries: an authorization code is single-use,
//! and a token request that may have reached the server must not be sent twice. Redirects are
//! not followed (the authorize check reads them).

use std::time::Duration;

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

use crate::error::Error;
use crate::sdk::{self, innermost, one_line};
use crate::secret::Secret;

/// The service name in messages.
pub const SERVICE: &str = "the Hosted UI";

/// What came back.
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// Sends a request; a form body goes as `application/x-www-form-urlencoded`. No connection is
/// [`Error::Unreachable`], no answer in time [`Error::Timeout`], a connection dropped before
/// the whole answer came [`Error::ServerFailure`]; any answer is returned as it is.
pub async fn send(
    method: &str,
    url: &str,
    form: Option<String>,
    authorization: Option<Secret<String>>,
) -> Result<Response, Error> {
    send_to(SERVICE, method, url, form, authorization).await
}

/// [`send`] to another service than the Hosted UI (`service` names it in errors).
pub async fn send_to(
    service: &'static str,
    method: &str,
    url: &str,
    form: Option<String>,
    authorization: Option<Secret<String>>,
) -> Result<Response, Error> {
    // The address without its query (state, PKCE challenge): what messages name.
    let endpoint = url.split(['?', '#']).next().unwrap_or(url).to_owned();
    sdk::in_flight(service, endpoint.clone());
    let left = sdk::remaining();
    match tokio::time::timeout(left, exchange(method, url, form, authorization, left)).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(Broken::Connect(detail))) => Err(Error::Unreachable {
            service,
            endpoint,
            detail,
        }),
        Ok(Err(Broken::Answer(status, detail))) => Err(Error::ServerFailure {
            service,
            endpoint,
            status,
            detail,
        }),
        Ok(Err(Broken::Timeout)) | Err(_) => {
            Err(sdk::timed_out(sdk::bound().unwrap_or(sdk::DEFAULT_BOUND)))
        }
    }
}

/// How a request broke.
enum Broken {
    /// No connection (refused, no route, a bad URL): the transport's own words.
    Connect(String),
    /// The connection was made but no whole answer came: the status, if one came, and why.
    Answer(String, String),
    Timeout,
}

async fn exchange(
    method: &str,
    url: &str,
    form: Option<String>,
    authorization: Option<Secret<String>>,
    left: Duration,
) -> Result<Response, Broken> {
    let settings = HttpConnectorSettings::builder()
        .connect_timeout(Duration::from_secs(3).min(left))
        .read_timeout(left)
        .build();
    let builder = Connector::builder()
        .connector_settings(settings)
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()));
    // A plain-http endpoint (a loopback test server) needs no trust store.
    let connector = if url.starts_with("http://") {
        builder.build_http()
    } else {
        builder.tls_provider(sdk::tls_provider()).build()
    };
    let has_form = form.is_some();
    let mut request = Request::new(form.map_or_else(SdkBody::empty, SdkBody::from));
    request
        .set_method(method)
        .map_err(|e| Broken::Connect(e.to_string()))?;
    request
        .set_uri(url)
        .map_err(|e| Broken::Connect(e.to_string()))?;
    let headers = request.headers_mut();
    headers.insert("accept", "application/json");
    headers.insert(
        "user-agent",
        concat!("cognito-auth/", env!("CARGO_PKG_VERSION")),
    );
    if has_form {
        headers.insert("content-type", "application/x-www-form-urlencoded");
    }
    if let Some(value) = authorization {
        headers.insert("authorization", value.expose().clone());
    }
    let response = connector.call(request).await.map_err(|e| {
        let detail = one_line(&innermost(&e));
        if e.is_timeout() {
            Broken::Timeout
        } else if sdk::connected(&e) || e.is_other() {
            Broken::Answer(
                "no HTTP status".into(),
                format!("the connection closed without an answer ({detail})"),
            )
        } else {
            Broken::Connect(detail)
        }
    })?;
    let status = response.status().as_u16();
    let location = response.headers().get("location").map(str::to_owned);
    let body = ByteStream::new(response.into_body())
        .collect()
        .await
        .map_err(|e| {
            Broken::Answer(
                format!("HTTP {status}"),
                format!("the answer was cut off ({})", one_line(&innermost(&e))),
            )
        })?
        .into_bytes()
        .to_vec();
    Ok(Response {
        status,
        location,
        body,
    })
}
