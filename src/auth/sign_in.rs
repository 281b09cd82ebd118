//! Signing in: InitiateAuth with USER_PASSWORD_AUTH, USER_SRP_AUTH or USER_AUTH (falling back
//! from one to the next where the app client does not allow it), then the challenge loop until
//! tokens arrive, with SECRET_HASH and the device's DEVICE_KEY on every call.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};

use super::totp::setup_totp;
use super::{
    AppClient, AuthFlow, Factor, MfaKind, Prompt, Tokens, choice, device, pool_error, srp, tokens,
};
use crate::error::{Error, Result};
use crate::secret::Secret;

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
