//! One HTTP request through the SDK's own connector (hyper 1, rustls with aws-lc), with the
//! same connect timeout as the SDK clients. No retries: an authorization code is single-use,
//! and a token request that may have reached the server must not be sent twice. Redirects are
//! not followed (the authorize check reads them).

use std::time::Duration;

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_http_client::{Connector, tls};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

use crate::sdk::innermost;
use crate::secret::Secret;

/// What came back.
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// Sends a request; a form body goes as `application/x-www-form-urlencoded`. The error is the
/// transport's own words ("Connection refused", a TLS failure).
pub async fn send(
    method: &str,
    url: &str,
    form: Option<String>,
    authorization: Option<Secret<String>>,
) -> Result<Response, String> {
    let settings = HttpConnectorSettings::builder()
        .connect_timeout(Duration::from_secs(3))
        .read_timeout(Duration::from_secs(10))
        .build();
    let builder = Connector::builder()
        .connector_settings(settings)
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()));
    // A plain-http endpoint (a loopback test server) needs no trust store.
    let connector = if url.starts_with("http://") {
        builder.build_http()
    } else {
        builder
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .build()
    };
    let has_form = form.is_some();
    let mut request = Request::new(form.map_or_else(SdkBody::empty, SdkBody::from));
    request.set_method(method).map_err(|e| e.to_string())?;
    request.set_uri(url).map_err(|e| e.to_string())?;
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
    let response = connector.call(request).await.map_err(|e| innermost(&e))?;
    let status = response.status().as_u16();
    let location = response.headers().get("location").map(str::to_owned);
    let body = ByteStream::new(response.into_body())
        .collect()
        .await
        .map_err(|e| innermost(&e))?
        .into_bytes()
        .to_vec();
    Ok(Response {
        status,
        location,
        body,
    })
}
