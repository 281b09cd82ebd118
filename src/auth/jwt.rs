//! Reading the claims of a Cognito ID token. The signature is not checked: the token came
//! straight from Cognito over TLS and is only read for display and for the identity exchange,
//! which Cognito verifies itself.

use base64::Engine;
use serde::Deserialize;

/// The claims of an ID token that cognito-auth uses.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct IdClaims {
    #[serde(default)]
    pub sub: String,
    #[serde(rename = "cognito:username", default)]
    pub username: String,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub exp: i64,
    /// The roles group-to-role mapping offers (`cognito:roles`).
    #[serde(rename = "cognito:roles", default)]
    pub roles: Vec<String>,
    /// The role of the user's highest-precedence group (`cognito:preferred_role`).
    #[serde(rename = "cognito:preferred_role", default)]
    pub preferred_role: Option<String>,
}

/// Decodes the payload of a JWT; `None` if it is not one.
pub fn id_claims(token: &str) -> Option<IdClaims> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_cognito_claims() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            r#"{"sub":"1234","cognito:username":"alice-premium","cognito:groups":["premium-users"],"exp":1700000000,"cognito:roles":["arn:aws:iam::123456789012:role/P"],"cognito:preferred_role":"arn:aws:iam::123456789012:role/P"}"#,
        );
        let claims = id_claims(&format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig")).unwrap();
        assert_eq!(claims.username, "alice-premium");
        assert_eq!(claims.groups, ["premium-users"]);
        assert_eq!(claims.sub, "1234");
        assert_eq!(claims.exp, 1_700_000_000);
        assert_eq!(claims.roles, ["arn:aws:iam::123456789012:role/P"]);
        assert_eq!(
            claims.preferred_role.as_deref(),
            Some("arn:aws:iam::123456789012:role/P")
        );
        assert_eq!(id_claims("not-a-jwt"), None);
    }
}
