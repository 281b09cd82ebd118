//! MFA_SETUP: an authenticator app associated and verified in the middle of a sign-in.

use aws_sdk_cognitoidentityprovider::Client;

use super::{AppClient, MfaKind, Prompt, pool_error};
use crate::error::{Error, Result};

/// MFA_SETUP: associates an authenticator app, shows its secret, verifies its first code;
/// returns the session to answer the challenge with.
pub(super) async fn setup_totp(
    client: &Client,
    app: &AppClient,
    user: &str,
    session: Option<String>,
    prompt: &mut dyn Prompt,
) -> Result<String> {
    let associated = client
        .associate_software_token()
        .set_session(session)
        .send()
        .await
        .map_err(|e| pool_error(e, app, user))?;
    let secret = associated.secret_code.unwrap_or_default();
    let uri = totp_uri(&app.user_pool_id, user, &secret);
    prompt.show_totp_setup(&secret, &uri)?;
    let code = prompt.mfa_code(MfaKind::Totp, None)?;
    let verified = client
        .verify_software_token()
        .set_session(associated.session)
        .user_code(code.expose())
        .friendly_device_name("cognito-auth")
        .send()
        .await
        .map_err(|e| pool_error(e, app, user))?;
    prompt.notice("authenticator app verified");
    verified.session.ok_or_else(|| Error::IncompleteAnswer {
        operation: "VerifySoftwareToken",
        what: "session to continue the sign-in with".into(),
    })
}

/// The otpauth:// URI authenticator apps read from a QR code.
pub fn totp_uri(user_pool_id: &str, user: &str, secret: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let issuer = format!("Cognito {user_pool_id}");
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}",
        enc(&issuer),
        enc(user),
        enc(&issuer)
    )
}
