//! Signing in to a Cognito user pool: InitiateAuth with USER_PASSWORD_AUTH or USER_SRP_AUTH and
//! the challenge loop (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA,
//! EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, in any
//! order), with SECRET_HASH on every call when the app client has a secret and DEVICE_KEY on
//! every call once a device is known (see [`device`]).
//!
//! Nothing here prints or reads the terminal; what the user must supply mid-flow comes through
//! the [`Prompt`] trait.

pub mod device;
pub mod jwt;
pub mod secret_hash;
pub mod srp;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};

use crate::error::{Error, Result};
use crate::sdk::{self, Failure, Service};
use crate::secret::Secret;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// The app client a user signs in through.
#[derive(Debug, Clone)]
pub struct AppClient {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<Secret<String>>,
}

impl AppClient {
    /// The region of the user pool: the prefix of its id.
    pub fn region(&self) -> &str {
        pool_region(&self.user_pool_id)
    }

    /// SECRET_HASH for `username`, when the client has a secret.
    fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| secret_hash::secret_hash(s.expose(), username, &self.client_id))
    }
}

/// The region prefix of a user pool id (`us-east-1_AbC` -> `us-east-1`).
pub fn pool_region(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or(user_pool_id, |(r, _)| r)
}

/// The tokens of a successful sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id_token: Secret<String>,
    pub access_token: Secret<String>,
    pub refresh_token: Option<Secret<String>>,
}

/// How a password is proven to the user pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthFlow {
    /// USER_PASSWORD_AUTH: the password goes to Cognito over TLS.
    #[default]
    Password,
    /// USER_SRP_AUTH: the password never leaves the machine.
    Srp,
}

/// The second factors Cognito asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaKind {
    Totp,
    Sms,
    Email,
}

impl MfaKind {
    /// How the user knows it.
    pub fn describe(self) -> &'static str {
        match self {
            MfaKind::Totp => "authenticator app code",
            MfaKind::Sms => "SMS code",
            MfaKind::Email => "email code",
        }
    }
}

/// Asks the user for what a challenge needs; the core never touches the terminal itself.
pub trait Prompt {
    /// A new password for `username`, whose temporary password must be replaced, and values for
    /// the attributes the pool requires (by name, e.g. `email`).
    fn new_password(&mut self, username: &str, required: &[String]) -> Result<NewPassword>;
    /// A code of this kind (sent to `destination` when Cognito says where).
    fn mfa_code(&mut self, kind: MfaKind, destination: Option<&str>) -> Result<Secret<String>>;
    /// Which second factor to use, from Cognito's names (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, ...).
    fn choose_mfa(&mut self, options: &[String]) -> Result<String>;
    /// Shows the secret of a new authenticator app entry, before its first code is asked for.
    fn show_totp_setup(&mut self, secret: &str, uri: &str) -> Result<()>;
    /// Tells the user something worth knowing (a fallback taken, a step done).
    fn notice(&mut self, message: &str);
}

/// The answer to NEW_PASSWORD_REQUIRED.
#[derive(Debug)]
pub struct NewPassword {
    pub password: Secret<String>,
    pub attributes: Vec<(String, String)>,
}

/// Most challenge rounds Cognito is allowed to ask for before we give up.
const MAX_ROUNDS: usize = 10;

/// One InitiateAuth or RespondToAuthChallenge answer.
struct Step {
    result: Option<AuthenticationResultType>,
    challenge: Option<ChallengeNameType>,
    parameters: std::collections::HashMap<String, String>,
    session: Option<String>,
}

/// What a sign-in got: the tokens, the flow that worked, and what happened to devices.
#[derive(Debug)]
pub struct SignedIn {
    pub tokens: Tokens,
    pub flow: AuthFlow,
    /// The pool started tracking this device (`NewDeviceMetadata`): it is to be confirmed.
    pub new_device: Option<device::NewDevice>,
    /// The device we signed in as is unknown to the pool and was left out.
    pub device_dropped: bool,
    /// The device proved itself (DEVICE_PASSWORD_VERIFIER): the pool remembers it.
    pub device_verified: bool,
}

/// Signs `username` in with `flow` and answers challenges until tokens arrive; returns them
/// with the flow that worked.
///
/// With [`AuthFlow::Password`], an app client that does not allow USER_PASSWORD_AUTH (new
/// clients allow only SRP by default) makes this fall back to SRP once, with a notice.
/// With a `device`, every call carries its DEVICE_KEY and the device challenges are answered
/// with its password; a device the pool no longer knows ("Device does not exist", at any step)
/// is dropped and the sign-in starts over without it.
pub async fn sign_in(
    client: &Client,
    app: &AppClient,
    username: &str,
    password: &Secret<String>,
    flow: AuthFlow,
    device: Option<&device::DeviceSecrets>,
    prompt: &mut dyn Prompt,
) -> Result<SignedIn> {
    match attempt(client, app, username, password, flow, device, prompt).await {
        Err(Error::UserPoolNotFound { message, .. })
            if device.is_some() && device::is_unknown_device_message(&message) =>
        {
            let key = device.map(|d| d.device_key.as_str()).unwrap_or_default();
            prompt.notice(&format!(
                "the user pool no longer knows device {key} ({message}); signing in without it"
            ));
            let mut signed = attempt(client, app, username, password, flow, None, prompt).await?;
            signed.device_dropped = true;
            Ok(signed)
        }
        other => other,
    }
}

async fn attempt(
    client: &Client,
    app: &AppClient,
    username: &str,
    password: &Secret<String>,
    flow: AuthFlow,
    device: Option<&device::DeviceSecrets>,
    prompt: &mut dyn Prompt,
) -> Result<SignedIn> {
    let device_key = device.map(|d| d.device_key.as_str());
    let password_step = match flow {
        AuthFlow::Password => {
            let proof = ("PASSWORD", password.expose().as_str());
            let flow = AuthFlowType::UserPasswordAuth;
            match initiate(client, app, username, flow, proof, device_key).await {
                // Cognito has no error code of its own for a flow the client does not allow:
                // InvalidParameterException covers many causes, and only its message tells.
                Err(Error::Service { code, message, .. })
                    if code == "InvalidParameterException"
                        && message.contains("flow not enabled") =>
                {
                    prompt.notice(&format!(
                        "this app client does not allow USER_PASSWORD_AUTH ({message}); signing in with SRP instead"
                    ));
                    None
                }
                other => Some(other?),
            }
        }
        AuthFlow::Srp => None,
    };
    let (first, srp) = match password_step {
        Some(step) => (step, None),
        None => {
            let (step, srp) = initiate_srp(client, app, username, device_key).await?;
            (step, Some(srp))
        }
    };
    let used = if srp.is_some() {
        AuthFlow::Srp
    } else {
        AuthFlow::Password
    };
    let mut step = first;
    let mut device_srp: Option<srp::SrpClient> = None;
    for _ in 0..MAX_ROUNDS {
        if let Some(mut result) = step.result {
            let new_device = result.new_device_metadata.take().and_then(|m| {
                Some(device::NewDevice {
                    device_key: m.device_key?,
                    device_group_key: m.device_group_key?,
                })
            });
            return Ok(SignedIn {
                tokens: tokens(result)?,
                flow: used,
                new_device,
                device_dropped: false,
                device_verified: device_srp.is_some(),
            });
        }
        let Some(name) = step.challenge.clone() else {
            return Err(Error::Service {
                operation: "InitiateAuth",
                code: "EmptyResponse".into(),
                message: "Cognito returned neither tokens nor a challenge".into(),
            });
        };
        // Later steps must name the user as Cognito knows them (alias sign-in, SRP).
        let user = step
            .parameters
            .get("USER_ID_FOR_SRP")
            .or_else(|| step.parameters.get("USERNAME"))
            .cloned()
            .unwrap_or_else(|| username.to_owned());
        let param = |key: &str| step.parameters.get(key).map(String::as_str);
        let mut responses: Vec<(String, String)> = Vec::new();
        let mut session = step.session.clone();
        match &name {
            ChallengeNameType::PasswordVerifier => {
                let srp = srp.as_ref().ok_or_else(|| {
                    Error::UnsupportedChallenge("PASSWORD_VERIFIER without USER_SRP_AUTH".into())
                })?;
                let missing = |k: &str| Error::Service {
                    operation: "USER_SRP_AUTH",
                    code: "InvalidChallenge".into(),
                    message: format!("PASSWORD_VERIFIER without {k}"),
                };
                let secret_block = param("SECRET_BLOCK").ok_or_else(|| missing("SECRET_BLOCK"))?;
                let claim = srp.password_claim(
                    &user,
                    password,
                    param("SALT").ok_or_else(|| missing("SALT"))?,
                    param("SRP_B").ok_or_else(|| missing("SRP_B"))?,
                    secret_block,
                    srp::timestamp(crate::clock::now()),
                )?;
                responses.push((
                    "PASSWORD_CLAIM_SECRET_BLOCK".into(),
                    secret_block.to_owned(),
                ));
                responses.push(("PASSWORD_CLAIM_SIGNATURE".into(), claim.signature));
                responses.push(("TIMESTAMP".into(), claim.timestamp));
            }
            ChallengeNameType::NewPasswordRequired => {
                let required: Vec<String> = param("requiredAttributes")
                    .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| a.trim_start_matches("userAttributes.").to_owned())
                    .collect();
                let answer = prompt.new_password(&user, &required)?;
                responses.push(("NEW_PASSWORD".into(), answer.password.expose().clone()));
                for (attribute, value) in answer.attributes {
                    responses.push((format!("userAttributes.{attribute}"), value));
                }
            }
            ChallengeNameType::SoftwareTokenMfa => {
                let code = prompt.mfa_code(MfaKind::Totp, None)?;
                responses.push(("SOFTWARE_TOKEN_MFA_CODE".into(), code.expose().clone()));
            }
            ChallengeNameType::SmsMfa => {
                let code = prompt.mfa_code(MfaKind::Sms, param("CODE_DELIVERY_DESTINATION"))?;
                responses.push(("SMS_MFA_CODE".into(), code.expose().clone()));
            }
            ChallengeNameType::EmailOtp => {
                let code = prompt.mfa_code(MfaKind::Email, param("CODE_DELIVERY_DESTINATION"))?;
                responses.push(("EMAIL_OTP_CODE".into(), code.expose().clone()));
            }
            ChallengeNameType::SelectMfaType => {
                let options = list_param(param("MFAS_CAN_CHOOSE"));
                let choice = prompt.choose_mfa(&options)?;
                responses.push(("ANSWER".into(), choice));
            }
            ChallengeNameType::MfaSetup => {
                let options = list_param(param("MFAS_CAN_SETUP"));
                if !options.is_empty() && !options.iter().any(|o| o == "SOFTWARE_TOKEN_MFA") {
                    return Err(Error::UnsupportedChallenge(format!(
                        "MFA_SETUP for {} (only an authenticator app can be set up here)",
                        options.join(", ")
                    )));
                }
                session = Some(setup_totp(client, app, &user, session.take(), prompt).await?);
            }
            ChallengeNameType::DeviceSrpAuth => {
                let (client, srp_a) = device::srp_auth(device)?;
                responses.push(("SRP_A".into(), srp_a));
                device_srp = Some(client);
            }
            ChallengeNameType::DevicePasswordVerifier => {
                responses.extend(device::password_verifier(
                    device,
                    device_srp.as_ref(),
                    &step.parameters,
                )?);
            }
            other => return Err(Error::UnsupportedChallenge(other.as_str().to_owned())),
        }
        if let Some(key) = device_key {
            responses.push(("DEVICE_KEY".into(), key.to_owned()));
        }
        let mut reply = client
            .respond_to_auth_challenge()
            .client_id(&app.client_id)
            .challenge_name(name.clone())
            .set_session(session)
            .challenge_responses("USERNAME", &user);
        if let Some(hash) = app.secret_hash(&user) {
            reply = reply.challenge_responses("SECRET_HASH", hash);
        }
        for (key, value) in responses {
            reply = reply.challenge_responses(key, value);
        }
        let out = reply.send().await.map_err(|e| pool_error(e, app, &user))?;
        step = Step {
            result: out.authentication_result,
            challenge: out.challenge_name,
            parameters: out.challenge_parameters.unwrap_or_default(),
            session: out.session,
        };
    }
    Err(Error::Service {
        operation: "RespondToAuthChallenge",
        code: "TooManyChallenges".into(),
        message: format!("Cognito kept asking for challenges after {MAX_ROUNDS} rounds"),
    })
}

/// A list challenge parameter: JSON (`["SMS_MFA","SOFTWARE_TOKEN_MFA"]`), or the Python-style
/// list moto sends (`['SOFTWARE_TOKEN_MFA']`).
fn list_param(value: Option<&str>) -> Vec<String> {
    let Some(value) = value else {
        return Vec::new();
    };
    serde_json::from_str(value).unwrap_or_else(|_| {
        value
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|s| s.trim().trim_matches(|c| c == '\'' || c == '"').to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// MFA_SETUP: associates an authenticator app, shows its secret, verifies its first code;
/// returns the session to answer the challenge with.
async fn setup_totp(
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
    verified.session.ok_or_else(|| Error::Service {
        operation: "VerifySoftwareToken",
        code: "IncompleteResponse".into(),
        message: "no session to continue the sign-in with".into(),
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

/// InitiateAuth with `flow`: USERNAME, the flow's proof (PASSWORD or SRP_A) and SECRET_HASH.
async fn initiate(
    client: &Client,
    app: &AppClient,
    username: &str,
    flow: AuthFlowType,
    proof: (&str, &str),
    device_key: Option<&str>,
) -> Result<Step> {
    let mut request = client
        .initiate_auth()
        .auth_flow(flow)
        .client_id(&app.client_id)
        .auth_parameters("USERNAME", username)
        .auth_parameters(proof.0, proof.1);
    if let Some(key) = device_key {
        request = request.auth_parameters("DEVICE_KEY", key);
    }
    if let Some(hash) = app.secret_hash(username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    let out = request
        .send()
        .await
        .map_err(|e| pool_error(e, app, username))?;
    Ok(Step {
        result: out.authentication_result,
        challenge: out.challenge_name,
        parameters: out.challenge_parameters.unwrap_or_default(),
        session: out.session,
    })
}

/// Starts USER_SRP_AUTH with a fresh private value.
async fn initiate_srp(
    client: &Client,
    app: &AppClient,
    username: &str,
    device_key: Option<&str>,
) -> Result<(Step, srp::SrpClient)> {
    let srp = srp::SrpClient::new(&app.user_pool_id)?;
    let step = initiate(
        client,
        app,
        username,
        AuthFlowType::UserSrpAuth,
        ("SRP_A", &srp.public_a()),
        device_key,
    )
    .await?;
    Ok((step, srp))
}

/// Exchanges a refresh token for new ID and access tokens (REFRESH_TOKEN_AUTH).
///
/// `username` must be the name the user signed in with (`cognito:username`): Cognito checks
/// SECRET_HASH against it, not against the sub. A rotated refresh token comes back in
/// [`Tokens::refresh_token`]; a rejected one is [`Error::RefreshRejected`].
pub async fn refresh(
    client: &Client,
    app: &AppClient,
    username: &str,
    refresh_token: &Secret<String>,
    device_key: Option<&str>,
) -> Result<Tokens> {
    let mut request = client
        .initiate_auth()
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .client_id(&app.client_id)
        .auth_parameters("REFRESH_TOKEN", refresh_token.expose());
    // A device's tokens refresh only with its key ("Invalid Refresh Token" without it).
    if let Some(key) = device_key {
        request = request.auth_parameters("DEVICE_KEY", key);
    }
    if let Some(hash) = app.secret_hash(username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    let out = request
        .send()
        .await
        .map_err(|e| match pool_error(e, app, username) {
            Error::NotAuthorized { message, .. } => Error::RefreshRejected(message),
            other => other,
        })?;
    let result = out.authentication_result.ok_or_else(|| Error::Service {
        operation: "InitiateAuth",
        code: "IncompleteResponse".into(),
        message: "the refresh answer has no tokens".into(),
    })?;
    tokens(result)
}

/// Revokes a refresh token (and the tokens issued from it), with the client secret if any.
pub async fn revoke(
    client: &Client,
    app: &AppClient,
    refresh_token: &Secret<String>,
) -> Result<()> {
    client
        .revoke_token()
        .token(refresh_token.expose())
        .client_id(&app.client_id)
        .set_client_secret(app.client_secret.as_ref().map(|s| s.expose().clone()))
        .send()
        .await
        .map_err(|e| {
            service_error(
                "RevokeToken",
                sdk::classify(e, Service::UserPools, app.region()),
            )
        })?;
    Ok(())
}

/// Signs the user out of every device (GlobalSignOut with their access token).
pub async fn global_sign_out(
    client: &Client,
    region: &str,
    access_token: &Secret<String>,
) -> Result<()> {
    client
        .global_sign_out()
        .access_token(access_token.expose())
        .send()
        .await
        .map_err(|e| {
            service_error(
                "GlobalSignOut",
                sdk::classify(e, Service::UserPools, region),
            )
        })?;
    Ok(())
}

fn service_error(operation: &'static str, failure: Failure) -> Error {
    match failure {
        Failure::Other(err) => err,
        Failure::Service { code, message } => Error::Service {
            operation,
            code,
            message,
        },
    }
}

fn tokens(result: AuthenticationResultType) -> Result<Tokens> {
    let missing = |what: &str| Error::Service {
        operation: "InitiateAuth",
        code: "IncompleteResponse".into(),
        message: format!("the sign-in answer has no {what}"),
    };
    Ok(Tokens {
        id_token: Secret::new(result.id_token.ok_or_else(|| missing("ID token"))?),
        access_token: Secret::new(result.access_token.ok_or_else(|| missing("access token"))?),
        refresh_token: result.refresh_token.map(Secret::new),
    })
}

/// Turns a user pool's error answer into a sentence about this user and client.
/// A user pool call's failure, explained for this user and client.
pub(crate) fn pool_error<E>(e: SdkError<E, HttpResponse>, app: &AppClient, username: &str) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    explain(
        sdk::classify(e, Service::UserPools, app.region()),
        app,
        username,
    )
}

fn explain(failure: Failure, app: &AppClient, username: &str) -> Error {
    let (code, message) = match failure {
        Failure::Other(err) => return err,
        Failure::Service { code, message } => (code, message),
    };
    let user = username.to_owned();
    match code.as_str() {
        "NotAuthorizedException" => Error::NotAuthorized { user, message },
        "UserNotFoundException" => Error::UserNotFound(user),
        "UserNotConfirmedException" => Error::UserNotConfirmed(user),
        "PasswordResetRequiredException" => Error::PasswordResetRequired(user),
        "InvalidPasswordException" => Error::InvalidNewPassword(message),
        "CodeMismatchException" | "ExpiredCodeException" | "EnableSoftwareTokenMFAException" => {
            Error::MfaCodeRejected(message)
        }
        "ResourceNotFoundException" => Error::UserPoolNotFound {
            pool: app.user_pool_id.clone(),
            client: app.client_id.clone(),
            message,
        },
        _ => Error::Service {
            operation: "sign-in",
            code,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppClient {
        AppClient {
            user_pool_id: "eu-west-1_AbC123".into(),
            client_id: "client".into(),
            client_secret: None,
        }
    }

    #[test]
    fn debug_output_hides_the_client_secret_and_tokens() {
        let mut app = app();
        app.client_secret = Some(Secret::new("very-secret".into()));
        let tokens = Tokens {
            id_token: Secret::new("id.jwt".into()),
            access_token: Secret::new("access.jwt".into()),
            refresh_token: Some(Secret::new("refresh".into())),
        };
        let dump = format!("{app:?} {tokens:?}");
        for secret in ["very-secret", "id.jwt", "access.jwt", "refresh\""] {
            assert!(!dump.contains(secret), "{dump}");
        }
        assert!(dump.contains("REDACTED"));
    }

    #[test]
    fn region_is_the_pool_prefix() {
        assert_eq!(app().region(), "eu-west-1");
        assert_eq!(pool_region("local_6G8vtw"), "local");
    }

    #[test]
    fn explains_each_user_pool_error() {
        let cases = [
            ("NotAuthorizedException", "sign-in refused for `bob`: m"),
            (
                "UserNotFoundException",
                "user `bob` does not exist in this user pool",
            ),
            ("UserNotConfirmedException", "user `bob` is not confirmed"),
            (
                "PasswordResetRequiredException",
                "user `bob` must reset their password before signing in",
            ),
            (
                "InvalidPasswordException",
                "the new password was refused: m",
            ),
            (
                "ResourceNotFoundException",
                "user pool `eu-west-1_AbC123` or app client `client` not found: m",
            ),
            (
                "InternalErrorException",
                "sign-in failed: InternalErrorException: m",
            ),
        ];
        for (code, expected) in cases {
            let failure = Failure::Service {
                code: code.into(),
                message: "m".into(),
            };
            assert_eq!(explain(failure, &app(), "bob").to_string(), expected);
        }
    }
}
