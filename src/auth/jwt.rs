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
    /// Present when the app client may read it; pools that sign in by email or phone number
    /// name the user only by these (the username is a UUID).
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
}

impl IdClaims {
    /// The name a person knows themself by, when the username is a UUID (pools with email or
    /// phone sign-in generate one): the token's `email`, else `phone_number`, else
    /// `preferred_username`. `None` for a username someone chose, or a token with none of them.
    pub fn person(&self) -> Option<&str> {
        if !is_uuid(&self.username) {
            return None;
        }
        [&self.email, &self.phone_number, &self.preferred_username]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
    }
}

/// `8-4-4-4-12` hexadecimal digits, as Cognito generates usernames.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
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

    #[test]
    fn a_uuid_username_is_named_by_email_then_phone_then_preferred_username() {
        let uuid = "104ddd55-1b64-4a7e-9f0c-3d2e1f0a9b8c";
        let claims = |username: &str, email, phone, preferred| IdClaims {
            username: username.to_owned(),
            email,
            phone_number: phone,
            preferred_username: preferred,
            ..IdClaims::default()
        };
        let some = |s: &str| Some(s.to_owned());
        let all = claims(
            uuid,
            some("dana@example.com"),
            some("+15550100"),
            some("dana"),
        );
        assert_eq!(all.person(), Some("dana@example.com"));
        let phone = claims(uuid, None, some("+15550100"), some("dana"));
        assert_eq!(phone.person(), Some("+15550100"));
        assert_eq!(
            claims(uuid, some(""), None, some("dana")).person(),
            Some("dana")
        );
        assert_eq!(claims(uuid, None, None, None).person(), None);
        // A username someone chose already names them.
        let chosen = claims("alice-premium", some("alice@example.com"), None, None);
        assert_eq!(chosen.person(), None);
        assert_eq!(
            claims("104ddd55-1b64", some("x@y"), None, None).person(),
            None
        );
    }
}
