//! The user pool's Hosted UI (managed login) and its OAuth 2.0 endpoints: the authorization
//! code grant with PKCE (S256) for `login --browser`, the refresh and revocation of the tokens it
//! issues, and the client-credentials grant for machine-to-machine tokens.
//!
//! Requests go through the SDK's own HTTP client (`http.rs`), so there is one TLS stack.
//! The browser comes back to a loopback listener (`callback.rs`); `browser.rs` opens it.

pub mod browser;
pub mod callback;
pub(crate) mod http;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use callback::Loopback;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The base URL of a Hosted UI domain as configured: a bare domain gets `https://`, and a
/// trailing `/` goes.
pub fn base_url(value: &str) -> String {
    let value = value.trim().trim_end_matches('/');
    if value.contains("://") {
        value.to_owned()
    } else {
        format!("https://{value}")
    }
}

/// Checks a base URL: `https://host[:port]` with no path, query or credentials; plain `http://`
/// only for a loopback host (a test server), since the client secret and codes cross it.
pub fn check_base_url(url: &str) -> std::result::Result<(), &'static str> {
    let (scheme, rest) = url.split_once("://").ok_or("no scheme")?;
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
    if rest.is_empty() || !rest.chars().all(ok_char) {
        return Err("a host (and port) only");
    }
    match scheme {
        "https" => Ok(()),
        "http" if callback::is_loopback_host(host_of(rest)) => Ok(()),
        _ => Err("https"),
    }
}

/// The host of `host[:port]` (brackets kept for IPv6).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        authority
            .find(']')
            .map_or(authority, |end| &authority[..=end])
    } else {
        authority.split(':').next().unwrap_or(authority)
    }
}

/// `n` random bytes, base64url without padding: states and PKCE verifiers.
pub fn random_token(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A PKCE pair (RFC 7636): the verifier stays here, the S256 challenge goes in the URL.
pub struct Pkce {
    pub verifier: Secret<String>,
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier of 32 random bytes (43 characters, the minimum length).
    pub fn new() -> Result<Self> {
        Ok(Self::from_verifier(random_token(32)?))
    }

    fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier: Secret::new(verifier),
            challenge,
        }
    }
}

/// What `/oauth2/authorize` is asked for.
pub struct Authorize<'a> {
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub challenge: &'a str,
    pub scopes: &'a [String],
    /// Straight to this federated provider (Google, a SAML or OIDC IdP), past Cognito's page.
    pub identity_provider: Option<&'a str>,
}

/// An app client at a Hosted UI domain.
pub struct HostedUi<'a> {
    pub base: &'a str,
    pub client_id: &'a str,
    pub client_secret: Option<&'a Secret<String>>,
}

/// The token endpoint's answer (RFC 6749 section 5.1); the raw JSON is kept for `--json`.
#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: Secret<String>,
    pub id_token: Option<Secret<String>>,
    pub refresh_token: Option<Secret<String>>,
    pub expires_in: Option<i64>,
    pub raw: Secret<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenFields {
    access_token: Secret<String>,
    id_token: Option<Secret<String>>,
    refresh_token: Option<Secret<String>>,
    expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    error_description: Option<String>,
}

impl<'a> HostedUi<'a> {
    /// The app client `app` at the Hosted UI `base`, with its secret if it has one.
    pub fn for_app(base: &'a str, app: &'a crate::auth::AppClient) -> Self {
        Self {
            base,
            client_id: &app.client_id,
            client_secret: app.client_secret.as_ref(),
        }
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The URL the browser opens.
    pub fn authorize_url(&self, a: &Authorize) -> String {
        let mut query = vec![
            ("response_type", "code".to_owned()),
            ("client_id", self.client_id.to_owned()),
            ("redirect_uri", a.redirect_uri.to_owned()),
            ("state", a.state.to_owned()),
            ("code_challenge", a.challenge.to_owned()),
            ("code_challenge_method", "S256".to_owned()),
        ];
        if !a.scopes.is_empty() {
            query.push(("scope", a.scopes.join(" ")));
        }
        if let Some(idp) = a.identity_provider {
            query.push(("identity_provider", idp.to_owned()));
        }
        format!("{}?{}", self.endpoint("/oauth2/authorize"), form(&query))
    }

    /// Asks `/oauth2/authorize` what the browser would get, before opening it: a redirect URI
    /// that is not registered, an unknown client or a bad scope is reported here, in the
    /// terminal, instead of on an error page. Nothing is created by this request.
    pub async fn check_authorize(&self, url: &str, redirect_uri: &str) -> Result<()> {
        let response = http::send("GET", url, None, None).await?;
        if response.status >= 500 {
            return Err(self.server_failure("/oauth2/authorize", &response));
        }
        let Some(error) = authorize_error(
            response.status,
            response.location.as_deref(),
            &response.body,
        ) else {
            return Ok(());
        };
        let detail = describe(&error);
        // Cognito says `redirect_mismatch`; other servers (cognito-local) say `invalid_request`
        // and name the parameter only in the description, which has no code of its own.
        let redirect_problem = error.error == "redirect_mismatch"
            || error
                .error_description
                .as_deref()
                .is_some_and(|d| d.contains("redirect_uri"));
        Err(if redirect_problem {
            Error::RedirectUriRefused {
                redirect_uri: redirect_uri.to_owned(),
                client_id: self.client_id.to_owned(),
                detail,
            }
        } else {
            Error::HostedUiRefused {
                error: error.error,
                detail,
            }
        })
    }

    /// Exchanges an authorization code (with its PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        code: &Secret<String>,
        verifier: &Secret<String>,
        redirect_uri: &str,
    ) -> Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier.expose()),
        ])
        .await
        .map_err(|e| match e {
            Grant::Refused(error) => Error::CodeExchangeRefused {
                detail: describe(&error),
                error: error.error,
            },
            Grant::Other(e) => e,
        })
    }

    /// New tokens from a refresh token; a refused token is [`Error::RefreshRejected`].
    pub async fn refresh(&self, refresh_token: &Secret<String>) -> Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
        .map_err(|e| match e {
            Grant::Refused(error) => Error::RefreshRejected(describe(&error)),
            Grant::Other(e) => e,
        })
    }

    /// A machine-to-machine access token (the client-credentials grant; needs the secret).
    pub async fn client_credentials(&self, scopes: &[String]) -> Result<TokenResponse> {
        let scope = scopes.join(" ");
        let mut params = vec![("grant_type", "client_credentials")];
        if !scope.is_empty() {
            params.push(("scope", &scope));
        }
        self.token_request(&params).await.map_err(|e| match e {
            Grant::Refused(error) => Error::ClientCredentialsRefused {
                detail: describe(&error),
                error: error.error,
            },
            Grant::Other(e) => e,
        })
    }

    /// Revokes a refresh token at `/oauth2/revoke` (RFC 7009).
    pub async fn revoke(&self, token: &Secret<String>) -> Result<()> {
        let mut params = vec![("token", token.expose().as_str())];
        if self.client_secret.is_none() {
            params.push(("client_id", self.client_id));
        }
        let url = self.endpoint("/oauth2/revoke");
        let response = http::send("POST", &url, Some(form(&params)), self.basic()).await?;
        if response.status == 200 {
            return Ok(());
        }
        if response.status >= 500 || parse_error(&response.body).is_none() {
            return Err(self.server_failure("/oauth2/revoke", &response));
        }
        let why = parse_error(&response.body)
            .map(|e| describe(&e))
            .unwrap_or_else(|| format!("HTTP {}", response.status));
        Err(Error::Service {
            operation: "/oauth2/revoke",
            code: format!("HTTP {}", response.status),
            message: why,
        })
    }

    /// The Hosted UI's sign-out URL: it ends the browser's session there and comes back to the
    /// sign-in page (`redirect_uri` must be a registered callback URL, which ours is).
    pub fn logout_url(&self, redirect_uri: &str) -> String {
        format!(
            "{}?{}",
            self.endpoint("/logout"),
            form(&[
                ("client_id", self.client_id.to_owned()),
                ("redirect_uri", redirect_uri.to_owned()),
                ("response_type", "code".to_owned()),
            ])
        )
    }

    /// `client_id:client_secret` for HTTP Basic, when the client has a secret (RFC 6749 2.3.1:
    /// each part form-encoded first).
    fn basic(&self) -> Option<Secret<String>> {
        self.client_secret.map(|secret| {
            let pair = format!("{}:{}", encode(self.client_id), encode(secret.expose()));
            Secret::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ))
        })
    }

    async fn token_request(&self, params: &[(&str, &str)]) -> Result<TokenResponse, Grant> {
        // A public client names itself in the body; a confidential one authenticates by Basic.
        // The body carries client_id either way: Cognito and RFC 6749 accept it alongside.
        let mut body: Vec<(&str, &str)> = params.to_vec();
        body.push(("client_id", self.client_id));
        let url = self.endpoint("/oauth2/token");
        let response = http::send("POST", &url, Some(form(&body)), self.basic())
            .await
            .map_err(Grant::Other)?;
        if response.status != 200 {
            return Err(match parse_error(&response.body) {
                Some(error) if response.status < 500 => Grant::Refused(error),
                _ => Grant::Other(self.server_failure("/oauth2/token", &response)),
            });
        }
        let raw: serde_json::Value = serde_json::from_slice(&response.body)
            .map_err(|_| Grant::Other(self.server_failure("/oauth2/token", &response)))?;
        let fields: TokenFields = serde_json::from_value(raw.clone()).map_err(|e| {
            Grant::Other(Error::ServerFailure {
                service: http::SERVICE,
                endpoint: self.endpoint("/oauth2/token"),
                status: format!("HTTP {}", response.status),
                detail: format!("the token answer {e}"),
            })
        })?;
        Ok(TokenResponse {
            access_token: fields.access_token,
            id_token: fields.id_token,
            refresh_token: fields.refresh_token,
            expires_in: fields.expires_in,
            raw: Secret::new(raw),
        })
    }

    /// An answer a working token endpoint does not give: a 5xx, or a body that is not JSON.
    fn server_failure(&self, path: &str, response: &http::Response) -> Error {
        let start: String = String::from_utf8_lossy(&response.body)
            .chars()
            .take(120)
            .collect();
        let start = crate::sdk::one_line(&start);
        Error::ServerFailure {
            service: http::SERVICE,
            endpoint: self.endpoint(path),
            status: format!("HTTP {}", response.status),
            detail: if start.is_empty() {
                "an empty answer".into()
            } else {
                format!("an answer that is not OAuth JSON: {start}")
            },
        }
    }
}

/// A token request's failure: an OAuth error answer, or anything else (already final).
enum Grant {
    Refused(OAuthError),
    Other(Error),
}

/// The error in `/oauth2/authorize`'s answer, if any. Cognito redirects errors to its own
/// `/error?error=redirect_mismatch...` page, or (once the redirect URI is trusted) back to the
/// redirect URI with `error=`; a success redirects to its login page or straight to the
/// identity provider. cognito-local answers 400 with an OAuth error body.
fn authorize_error(status: u16, location: Option<&str>, body: &[u8]) -> Option<OAuthError> {
    if status >= 400 {
        return Some(parse_error(body).unwrap_or_else(|| OAuthError {
            error: format!("HTTP {status}"),
            error_description: Some(String::from_utf8_lossy(body).chars().take(200).collect()),
        }));
    }
    let query = location?.split_once('?').map_or("", |(_, q)| q);
    let params = parse_query(query);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Some(OAuthError {
        error: get("error")?,
        error_description: get("error_description"),
    })
}

fn parse_error(body: &[u8]) -> Option<OAuthError> {
    serde_json::from_slice(body).ok()
}

fn describe(error: &OAuthError) -> String {
    match &error.error_description {
        Some(d) if !d.is_empty() => format!("{}: {d}", error.error),
        _ => error.error.clone(),
    }
}

/// The scopes of `--scope` flags, each of which may hold several separated by spaces.
pub fn scope_list(flags: &[String]) -> Vec<String> {
    flags
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_owned)
        .collect()
}

/// `application/x-www-form-urlencoded` (also right for a query string).
pub fn form<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k.as_ref()), encode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

pub use crate::percent::{decode_form as decode, encode};

/// The pairs of a query string, decoded; broken pairs are dropped.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(
            pkce.challenge,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_and_states_are_fresh_and_long_enough() {
        let a = Pkce::new().unwrap();
        let b = Pkce::new().unwrap();
        assert_eq!(
            a.verifier.expose().len(),
            43,
            "RFC 7636: 43..128 characters"
        );
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        assert_ne!(random_token(16).unwrap(), random_token(16).unwrap());
    }

    #[test]
    fn base_urls_are_normalised_and_checked() {
        assert_eq!(
            base_url("auth-tester.auth.us-west-1.amazoncognito.com/"),
            "https://auth-tester.auth.us-west-1.amazoncognito.com"
        );
        assert_eq!(
            base_url("https://login.example.com"),
            "https://login.example.com"
        );
        assert!(check_base_url("https://login.example.com").is_ok());
        assert!(check_base_url("http://127.0.0.1:9229").is_ok());
        assert!(check_base_url("http://[::1]:9229").is_ok());
        assert!(check_base_url("http://localhost:9229").is_ok());
        assert!(
            check_base_url("http://127.evil.com").is_err(),
            "a name is not an address"
        );
        assert!(
            check_base_url("http://login.example.com").is_err(),
            "plain http off loopback"
        );
        assert!(
            check_base_url("https://login.example.com/oauth2").is_err(),
            "a path"
        );
        assert!(
            check_base_url("https://user@login.example.com").is_err(),
            "credentials"
        );
        assert!(check_base_url("ftp://login.example.com").is_err());
    }

    #[test]
    fn the_authorize_url_carries_pkce_state_and_options() {
        let ui = HostedUi {
            base: "https://auth.example.com",
            client_id: "abc123",
            client_secret: None,
        };
        let scopes = vec!["openid".to_owned(), "email".to_owned()];
        let url = ui.authorize_url(&Authorize {
            redirect_uri: "http://localhost:8976/callback",
            state: "st4te",
            challenge: "ch-al_lenge",
            scopes: &scopes,
            identity_provider: Some("Google"),
        });
        assert_eq!(
            url,
            "https://auth.example.com/oauth2/authorize?response_type=code&client_id=abc123\
             &redirect_uri=http%3A%2F%2Flocalhost%3A8976%2Fcallback&state=st4te\
             &code_challenge=ch-al_lenge&code_challenge_method=S256&scope=openid%20email\
             &identity_provider=Google"
        );
    }

    #[test]
    fn the_logout_url_returns_to_the_sign_in_page() {
        let ui = HostedUi {
            base: "https://auth.example.com",
            client_id: "abc123",
            client_secret: None,
        };
        assert_eq!(
            ui.logout_url("http://localhost:8976/callback"),
            "https://auth.example.com/logout?client_id=abc123\
             &redirect_uri=http%3A%2F%2Flocalhost%3A8976%2Fcallback&response_type=code"
        );
    }

    #[test]
    fn basic_auth_form_encodes_each_part() {
        let secret = Secret::new("s3cr/t+=".to_owned());
        let ui = HostedUi {
            base: "https://auth.example.com",
            client_id: "abc123",
            client_secret: Some(&secret),
        };
        let header = ui.basic().unwrap();
        let encoded = header.expose().strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(decoded, b"abc123:s3cr%2Ft%2B%3D");
    }

    #[test]
    fn authorize_answers_are_read_for_errors() {
        let error = |status, location: Option<&str>, body: &str| {
            authorize_error(status, location, body.as_bytes())
                .map(|e| (e.error, e.error_description))
        };
        // Real Cognito: an unregistered redirect URI goes to its error page.
        assert_eq!(
            error(
                302,
                Some("https://auth.example.com/error?error=redirect_mismatch&client_id=abc"),
                ""
            ),
            Some(("redirect_mismatch".into(), None))
        );
        // A trusted redirect URI gets other errors back, with a description.
        assert_eq!(
            error(
                302,
                Some(
                    "http://localhost:8976/callback?error=invalid_scope&error_description=bad+scope&state=s"
                ),
                ""
            ),
            Some(("invalid_scope".into(), Some("bad scope".into())))
        );
        // cognito-local: 400 with an OAuth error body.
        assert_eq!(
            error(
                400,
                None,
                r#"{"error":"invalid_request","error_description":"redirect_uri not registered for this client"}"#
            ),
            Some((
                "invalid_request".into(),
                Some("redirect_uri not registered for this client".into())
            ))
        );
        assert_eq!(
            error(500, None, "oops"),
            Some(("HTTP 500".into(), Some("oops".into())))
        );
        // Success: the login page, or straight on to a federated identity provider.
        assert_eq!(
            error(
                302,
                Some("https://auth.example.com/login?client_id=abc&state=s"),
                ""
            ),
            None
        );
        assert_eq!(
            error(
                302,
                Some("https://accounts.google.com/o/oauth2/v2/auth?client_id=g"),
                ""
            ),
            None
        );
        assert_eq!(error(200, None, "<form>"), None);
    }

    #[test]
    fn queries_round_trip() {
        assert_eq!(decode("a+b%20c%2Fd").as_deref(), Some("a b c/d"));
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%4"), None);
        assert_eq!(
            parse_query("code=1%2B2&state=x&&flag"),
            vec![
                ("code".to_owned(), "1+2".to_owned()),
                ("state".to_owned(), "x".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
        assert_eq!(form(&[("k", "a b&c")]), "k=a%20b%26c");
    }
}
