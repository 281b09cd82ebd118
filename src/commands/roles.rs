//! `cognito-auth roles`: the roles the ID token offers (`cognito:roles`, from the identity
//! pool's group-to-role mapping), one per line, the preferred one marked.

use crate::auth::jwt;
use crate::cli::ProfileArg;
use crate::error::Result;
use crate::output;
use crate::session::Want;

/// Prints one role ARN per line on stdout, the `cognito:preferred_role` followed by a tab and
/// `preferred`.
pub fn run(args: ProfileArg) -> Result<()> {
    let (profile, session) = super::live_session(args.profile.as_deref(), Want::Tokens)?;
    let claims = jwt::id_claims(session.id_token.expose()).unwrap_or_default();
    if claims.roles.is_empty() {
        eprintln!(
            "The ID token of profile `{profile}` offers no roles: the identity pool gives its default authenticated role."
        );
        return Ok(());
    }
    let text: String = claims
        .roles
        .iter()
        .map(|role| {
            if claims.preferred_role.as_ref() == Some(role) {
                format!("{role}\tpreferred\n")
            } else {
                format!("{role}\n")
            }
        })
        .collect();
    output::stdout(&text)
}
