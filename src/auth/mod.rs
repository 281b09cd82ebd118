//! Signing in to a Cognito user pool: InitiateAuth with USER_PASSWORD_AUTH or USER_SRP_AUTH and
//! the challenge loop (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA,
//! EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, in any
//! order), with SECRET_HASH on every call when the app client has a secret and DEVICE_KEY on
//! every call once a device is known (see [`device`]).
//!
//! Nothing here prints or reads the terminal; what the user must supply mid-flow comes through
//! the [`Prompt`] trait.

mod choice;
pub mod device;
pub mod jwt;
mod refresh;
pub mod secret_hash;
pub mod srp;

pub use choice::Factor;
pub use refresh::refresh;

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
    pub(crate) fn secret_hash(&self, username: &str) -> Option<String> {
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
    /// USER_AUTH (choice-based sign-in): the first factor is a [`Factor`].
    Choice,
}

impl AuthFlow {
    /// Its name in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AuthFlow::Password => "password",
            AuthFlow::Srp => "srp",
            AuthFlow::Choice => "choice",
        }
    }
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
    /// The password of `username`, asked for only when the chosen first factor needs it.
    fn password(&mut self, username: &str) -> Result<Secret<String>>;
    /// Which first factor to sign in with, from Cognito's `AvailableChallenges` (`PASSWORD_SRP`,
    /// `EMAIL_OTP`, ...); without a person to ask, an error naming `--factor`.
    fn choose_factor(&mut self, options: &[String]) -> Result<String>;
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
    /// The first factors SELECT_CHALLENGE offers (a top-level member, not a parameter).
    available: Vec<String>,
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

/// Signs `username` in with `flow` (and, for [`AuthFlow::Choice`], `factor`) and answers
/// challenges until tokens arrive; returns them with the flow that worked.
///
/// `password` is asked of the prompt only when a step needs it and none was given (a one-time
/// code sign-in has no password). An app client that does not allow the flow falls back once
/// per step, with a notice: USER_PASSWORD_AUTH to USER_SRP_AUTH (new clients allow only SRP by
/// default), and USER_SRP_AUTH to USER_AUTH with the SRP factor (clients that allow only
/// choice-based sign-in).
///
/// With a `device`, every call (USER_AUTH included) carries its DEVICE_KEY and the device
/// challenges are answered with its password; a device the pool no longer knows ("Device does
/// not exist", at any step) is dropped and the sign-in starts over without it.
pub async fn sign_in(
    client: &Client,
    app: &AppClient,
    username: &str,
    password: Option<&Secret<String>>,
    method: (AuthFlow, Option<Factor>),
    device: Option<&device::DeviceSecrets>,
    prompt: &mut dyn Prompt,
) -> Result<SignedIn> {
    // A password asked for in the first attempt is not asked for again in the second.
    let mut password = password.cloned();
    match attempt(client, app, username, &mut password, method, device, prompt).await {
        Err(Error::UserPoolNotFound { message, .. })
            if device.is_some() && device::is_unknown_device_message(&message) =>
        {
            let key = device.map(|d| d.device_key.as_str()).unwrap_or_default();
            prompt.notice(&format!(
                "the user pool no longer knows device {key} ({message}); signing in without it"
            ));
            let mut signed =
                attempt(client, app, username, &mut password, method, None, prompt).await?;
            signed.device_dropped = true;
            Ok(signed)
        }
        other => other,
    }
}

/// One sign-in, as `device` when there is one.
async fn attempt(
    client: &Client,
    app: &AppClient,
    username: &str,
    password: &mut Option<Secret<String>>,
    (flow, factor): (AuthFlow, Option<Factor>),
    device: Option<&device::DeviceSecrets>,
    prompt: &mut dyn Prompt,
) -> Result<SignedIn> {
    let device_key = device.map(|d| d.device_key.as_str());
    let mut srp: Option<srp::SrpClient> = None;
    let (mut used, mut factor) = (flow, factor);
    let first = loop {
        let attempt = match used {
            AuthFlow::Password => {
                let pw = known_password(password, prompt, username)?;
                let proof = [("PASSWORD", pw.expose().as_str())];
                let flow = AuthFlowType::UserPasswordAuth;
                initiate(client, app, username, flow, &proof, device_key).await
            }
            AuthFlow::Srp => {
                let s = srp::SrpClient::new(&app.user_pool_id)?;
                let a = s.public_a();
                srp = Some(s);
                let flow = AuthFlowType::UserSrpAuth;
                initiate(client, app, username, flow, &[("SRP_A", &a)], device_key).await
            }
            AuthFlow::Choice => {
                let mut params = Vec::new();
                match factor {
                    Some(Factor::Passkey) => return Err(choice::passkey_needs_browser()),
                    Some(Factor::Password) => {
                        let pw = known_password(password, prompt, username)?;
                        params.push(("PASSWORD", pw.expose().clone()));
                    }
                    Some(Factor::Srp) => {
                        let s = srp::SrpClient::new(&app.user_pool_id)?;
                        params.push(("SRP_A", s.public_a()));
                        srp = Some(s);
                    }
                    Some(Factor::EmailOtp | Factor::SmsOtp) | None => {}
                }
                if let Some(f) = factor {
                    params.push(("PREFERRED_CHALLENGE", f.challenge().to_owned()));
                }
                let params: Vec<(&str, &str)> =
                    params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let flow = AuthFlowType::UserAuth;
                initiate(client, app, username, flow, &params, device_key).await
            }
        };
        match attempt {
            // Cognito has no error code of its own for a flow the client does not allow:
            // InvalidParameterException covers many causes, and only its message tells.
            Err(Error::Service { code, message, .. })
                if code == "InvalidParameterException"
                    && message.contains("flow not enabled")
                    && used != AuthFlow::Choice =>
            {
                let (from, to) = match used {
                    AuthFlow::Password => ("USER_PASSWORD_AUTH", AuthFlow::Srp),
                    _ => ("USER_SRP_AUTH", AuthFlow::Choice),
                };
                let instead = match to {
                    AuthFlow::Srp => "SRP",
                    _ => "choice-based sign-in (USER_AUTH) and the SRP factor",
                };
                prompt.notice(&format!(
                    "this app client does not allow {from} ({message}); signing in with {instead} instead"
                ));
                used = to;
                factor = Some(Factor::Srp);
            }
            other => break other?,
        }
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
        let Some(mut name) = step.challenge.clone() else {
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
        // SELECT_CHALLENGE is answered with the chosen factor's first step, in the same call.
        if name == ChallengeNameType::SelectChallenge {
            let pick = match factor.filter(|f| step.available.iter().any(|a| a == f.challenge())) {
                Some(f) => f.challenge().to_owned(),
                None => prompt.choose_factor(&step.available)?,
            };
            let chosen = Factor::from_challenge(&pick)
                .ok_or_else(|| Error::UnsupportedChallenge(pick.clone()))?;
            responses.push(("ANSWER".into(), pick));
            name = match chosen {
                Factor::Password => ChallengeNameType::Password,
                Factor::Srp => ChallengeNameType::PasswordSrp,
                _ => ChallengeNameType::SelectChallenge, // nothing more to send now
            };
            if chosen == Factor::Passkey {
                return Err(choice::passkey_needs_browser());
            }
            factor = Some(chosen);
        }
        match &name {
            ChallengeNameType::SelectChallenge => {}
            ChallengeNameType::Password => {
                let pw = known_password(password, prompt, &user)?;
                responses.push(("PASSWORD".into(), pw.expose().clone()));
            }
            ChallengeNameType::PasswordSrp => {
                let s = srp::SrpClient::new(&app.user_pool_id)?;
                responses.push(("SRP_A".into(), s.public_a()));
                srp = Some(s);
            }
            ChallengeNameType::WebAuthn => return Err(choice::passkey_needs_browser()),
            ChallengeNameType::SmsOtp => {
                let code = prompt.mfa_code(MfaKind::Sms, param("CODE_DELIVERY_DESTINATION"))?;
                responses.push(("SMS_OTP_CODE".into(), code.expose().clone()));
            }
            ChallengeNameType::PasswordVerifier => {
                let srp = srp.as_ref().ok_or_else(|| {
                    Error::UnsupportedChallenge("PASSWORD_VERIFIER without USER_SRP_AUTH".into())
                })?;
                let pw = known_password(password, prompt, &user)?;
                let missing = |k: &str| Error::Service {
                    operation: "USER_SRP_AUTH",
                    code: "InvalidChallenge".into(),
                    message: format!("PASSWORD_VERIFIER without {k}"),
                };
                let secret_block = param("SECRET_BLOCK").ok_or_else(|| missing("SECRET_BLOCK"))?;
                let claim = srp.password_claim(
                    &user,
                    &pw,
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
            .challenge_name(step.challenge.clone().unwrap_or(name))
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
            available: strings(&out.available_challenges),
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

/// InitiateAuth with `flow`: USERNAME, the flow's parameters (PASSWORD, SRP_A,
/// PREFERRED_CHALLENGE) and SECRET_HASH.
async fn initiate(
    client: &Client,
    app: &AppClient,
    username: &str,
    flow: AuthFlowType,
    params: &[(&str, &str)],
    device_key: Option<&str>,
) -> Result<Step> {
    let mut request = client
        .initiate_auth()
        .auth_flow(flow)
        .client_id(&app.client_id)
        .auth_parameters("USERNAME", username);
    for (key, value) in params {
        request = request.auth_parameters(*key, *value);
    }
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
        available: strings(&out.available_challenges),
        result: out.authentication_result,
        challenge: out.challenge_name,
        parameters: out.challenge_parameters.unwrap_or_default(),
        session: out.session,
    })
}

/// The password given, or the prompt's answer (kept for later steps).
fn known_password(
    password: &mut Option<Secret<String>>,
    prompt: &mut dyn Prompt,
    username: &str,
) -> Result<Secret<String>> {
    if password.is_none() {
        *password = Some(prompt.password(username)?);
    }
    Ok(password.clone().expect("set just above"))
}

/// Challenge names as Cognito spells them.
fn strings(names: &Option<Vec<ChallengeNameType>>) -> Vec<String> {
    names
        .iter()
        .flatten()
        .map(|n| n.as_str().to_owned())
        .collect()
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

pub(crate) fn tokens(result: AuthenticationResultType) -> Result<Tokens> {
    let missing = |what: &str| Error::IncompleteAnswer {
        operation: "InitiateAuth",
        what: what.to_owned(),
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
