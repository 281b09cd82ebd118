//! `cognito-auth token`: a live JWT on stdout for APIs behind a Cognito authorizer.

use crate::cli::TokenArgs;
use crate::clock;
use crate::error::Result;
use crate::output;
use crate::session::Want;

/// Prints the ID token (default), the access token, or both as JSON.
pub fn run(args: TokenArgs) -> Result<()> {
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
