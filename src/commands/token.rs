//! `cognito-auth token`: a live JWT on stdout for APIs behind a Cognito authorizer, or with
//! `--client-credentials` a machine-to-machine access token.

use serde::{Deserialize, Serialize};

use crate::awsfiles::store::Locked;
use crate::cache;
use crate::cli::TokenArgs;
use crate::clock;
use crate::error::{Error, Result};
use crate::hosted_ui::HostedUi;
use crate::output;
use crate::secret::Secret;
use crate::session::{self, Want};
use crate::settings::{Flags, Settings};

/// Prints the ID token (default), the access token, or both as JSON.
pub fn run(args: TokenArgs) -> Result<()> {
    crate::sdk::bound_whole_command()?;
    if args.client_credentials {
        return client_credentials(&args);
    }
    let (_, session) = super::live_session(args.profile.profile.as_deref(), Want::Tokens)?;
    let text = if args.json {
        serde_json::json!({
            "id_token": session.id_token.expose(),
            "access_token": session.access_token.expose(),
            "expires_at": clock::rfc3339(session.tokens_expire),
        })
        .to_string()
    } else if args.access {
        session.access_token.expose().clone()
    } else {
        session.id_token.expose().clone()
    };
    output::stdout(&(text + "\n"))
}

/// A cached client-credentials token: reused for the same domain, client and scopes.
#[derive(Serialize, Deserialize)]
struct CachedToken {
    base: String,
    client_id: String,
    scopes: Vec<String>,
    expires_at: i64,
    response: Secret<serde_json::Value>,
}

/// Seconds before expiry at which a cached token is replaced: a token handed out must outlive
/// the request it is for (`COGNITO_AUTH_MIN_TTL` asks for more).
const MARGIN: i64 = 60;

fn client_credentials(args: &TokenArgs) -> Result<()> {
    let settings = Settings::resolve(&Flags {
        profile: args.profile.profile.clone(),
        ..Flags::default()
    })?;
    let base = settings.hosted_ui_domain()?.to_owned();
    let client_id = settings.client_id()?.to_owned();
    let secret = settings
        .client_secret
        .as_ref()
        .map(|s| s.value.clone())
        .ok_or_else(|| Error::ClientSecretRequired {
            profile: settings.profile.value.clone(),
        })?;
    let mut scopes = crate::hosted_ui::scope_list(&args.scopes);
    scopes.sort();
    scopes.dedup();

    let path = cache::client_credentials_file(&settings.profile.value)?;
    let margin = MARGIN.max(session::min_ttl()?);
    let usable = |c: &CachedToken| {
        c.base == base
            && c.client_id == client_id
            && c.scopes == scopes
            && c.expires_at - clock::now() > margin
    };
    // The cached path: one file read, no lock, no request. A cache that is not UTF-8 is as
    // good as garbage JSON: a new token replaces it. One that cannot be replaced (a folder in
    // its place) is for `logout` to remove.
    let text = match cache::read_state(&path) {
        Ok(text) => text.unwrap_or_default(),
        Err(_) if path.is_file() => String::new(),
        Err(unreadable) => {
            return Err(Error::StateUnreadable {
                what: "client-credentials token cache",
                profile: settings.profile.value.clone(),
                path: unreadable.path,
                reason: unreadable.reason,
            });
        }
    };
    if let Some(cached) = parse(&text).filter(|c| usable(c)) {
        return print(args, &cached);
    }
    // With a cache to replace, callers queue on its lock and the first one fetches (Cognito
    // bills each M2M token request). Without one, nothing is created until a token comes, so a
    // refused request leaves no file; the price is that the very first callers of a profile,
    // if several start at once, may each fetch one token.
    let lock = if text.is_empty() {
        None
    } else {
        let lock = Locked::acquire(&path)?;
        // Another process may have fetched one while we waited for the lock.
        if let Some(cached) = parse(&lock.read()?).filter(|c| usable(c)) {
            return print(args, &cached);
        }
        Some(lock)
    };
    let ui = HostedUi {
        base: &base,
        client_id: &client_id,
        client_secret: Some(&secret),
    };
    let now = clock::now();
    let response = crate::sdk::bounded(ui.client_credentials(&scopes))?;
    let cached = CachedToken {
        expires_at: now + response.expires_in.unwrap_or(3600),
        base,
        client_id,
        scopes,
        response: response.raw,
    };
    let lock = match lock {
        Some(lock) => lock,
        None => Locked::acquire(&path)?,
    };
    lock.write(&(serde_json::to_string_pretty(&cached).expect("a token serializes") + "\n"))?;
    print(args, &cached)
}

fn parse(text: &str) -> Option<CachedToken> {
    serde_json::from_str(text).ok()
}

fn print(args: &TokenArgs, cached: &CachedToken) -> Result<()> {
    let response = cached.response.expose();
    let text = if args.json {
        let mut whole = response.clone();
        if let Some(map) = whole.as_object_mut() {
            map.insert(
                "expires_at".into(),
                clock::rfc3339(cached.expires_at).into(),
            );
        }
        whole.to_string()
    } else {
        response["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    output::stdout(&(text + "\n"))
}
