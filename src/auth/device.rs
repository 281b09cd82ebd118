//! Remembered devices: a pool with device tracking hands out `NewDeviceMetadata` at sign-in;
//! the device is confirmed with an SRP verifier of a random device password (ConfirmDevice),
//! and later sign-ins prove that password with DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER,
//! which lets a remembered device skip MFA. The math is amazon-cognito-identity-js's
//! `generateHashDevice` and `getDeviceResponse` (and pycognito's `generate_hash_device`),
//! checked against vectors from both (`tests/fixtures/srp/device_vectors.json`).

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    DeviceRememberedStatusType, DeviceSecretVerifierConfigType,
};
use base64::Engine;
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use std::collections::HashMap;

use super::srp::{SrpClient, g, hash_hex, hex_bytes, n, pad_hex, timestamp};
use super::{AppClient, pool_error};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// What a device keeps to sign in as itself: its key, its group's key and its password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceSecrets {
    pub device_key: String,
    pub device_group_key: String,
    pub device_password: Secret<String>,
    /// Whether the pool remembers the device (so it skips MFA).
    #[serde(default)]
    pub remembered: bool,
}

/// The `NewDeviceMetadata` of a sign-in: a device the pool has just started tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub device_key: String,
    pub device_group_key: String,
}

/// ConfirmDevice's `DeviceSecretVerifierConfig`: base64 of the salt and of the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    pub salt: String,
    pub password_verifier: String,
}

/// The verifier of `password` for this device with a 16-byte `salt`, as `generateHashDevice`
/// computes it: x = H(padHex(salt) | H(group key | device key | ":" | password)), v = g^x mod N,
/// both sent as base64 of their padded hex.
pub fn verifier(
    device_group_key: &str,
    device_key: &str,
    password: &Secret<String>,
    salt: &[u8],
) -> Verifier {
    let salt_hex = pad_hex(&BigUint::from_bytes_be(salt));
    let identity = format!("{device_group_key}{device_key}:{}", password.expose());
    let identity_hash = hex::encode(Sha256::digest(identity.as_bytes()));
    let x = hash_hex(&(salt_hex.clone() + &identity_hash));
    let v = g().modpow(&x, &n());
    let b64 = |hex: &str| base64::engine::general_purpose::STANDARD.encode(hex_bytes(hex));
    Verifier {
        salt: b64(&salt_hex),
        password_verifier: b64(&pad_hex(&v)),
    }
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no randomness for the device password: {e}")))?;
    Ok(bytes)
}

/// A fresh device password (base64 of 40 random bytes, as both SDKs make it) and its
/// verifier with a fresh 16-byte salt.
pub fn new_password(device: &NewDevice) -> Result<(Secret<String>, Verifier)> {
    let password = Secret::new(base64::engine::general_purpose::STANDARD.encode(random::<40>()?));
    let v = verifier(
        &device.device_group_key,
        &device.device_key,
        &password,
        &random::<16>()?,
    );
    Ok((password, v))
}

/// The name the device gets in the pool: `cognito-auth@<hostname>`.
pub fn device_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let host = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    if host.is_empty() {
        "cognito-auth".to_owned()
    } else {
        format!("cognito-auth@{host}")
    }
}

/// DEVICE_SRP_AUTH: a fresh SRP client for the device (kept for the next step) and its SRP_A.
pub fn srp_auth(device: Option<&DeviceSecrets>) -> Result<(SrpClient, String)> {
    let device = device
        .ok_or_else(|| Error::UnsupportedChallenge("DEVICE_SRP_AUTH without a device".into()))?;
    let client = SrpClient::for_device(&device.device_group_key)?;
    let srp_a = client.public_a();
    Ok((client, srp_a))
}

/// DEVICE_PASSWORD_VERIFIER's answer: the signature over the device group key, the device
/// key, the secret block and the timestamp, keyed by the device's SRP session key.
pub fn password_verifier(
    device: Option<&DeviceSecrets>,
    client: Option<&SrpClient>,
    parameters: &HashMap<String, String>,
) -> Result<Vec<(String, String)>> {
    let (Some(device), Some(client)) = (device, client) else {
        return Err(Error::UnsupportedChallenge(
            "DEVICE_PASSWORD_VERIFIER without DEVICE_SRP_AUTH".into(),
        ));
    };
    let param = |k: &str| {
        parameters
            .get(k)
            .map(String::as_str)
            .ok_or_else(|| Error::Service {
                operation: "DEVICE_SRP_AUTH",
                code: "InvalidChallenge".into(),
                message: format!("DEVICE_PASSWORD_VERIFIER without {k}"),
            })
    };
    let secret_block = param("SECRET_BLOCK")?;
    let claim = client.password_claim(
        &device.device_key,
        &device.device_password,
        param("SALT")?,
        param("SRP_B")?,
        secret_block,
        timestamp(crate::clock::now()),
    )?;
    Ok(vec![
        (
            "PASSWORD_CLAIM_SECRET_BLOCK".into(),
            secret_block.to_owned(),
        ),
        ("PASSWORD_CLAIM_SIGNATURE".into(), claim.signature),
        ("TIMESTAMP".into(), claim.timestamp),
    ])
}

/// Confirms a new device with a fresh password; returns its secrets and whether remembering
/// it is the user's choice (`UserConfirmationNecessary`). A device the pool confirms without
/// asking is remembered.
pub async fn confirm(
    client: &Client,
    app: &AppClient,
    user: &str,
    access_token: &Secret<String>,
    device: &NewDevice,
) -> Result<(DeviceSecrets, bool)> {
    let (password, v) = new_password(device)?;
    let config = DeviceSecretVerifierConfigType::builder()
        .salt(v.salt)
        .password_verifier(v.password_verifier)
        .build();
    let out = client
        .confirm_device()
        .access_token(access_token.expose())
        .device_key(&device.device_key)
        .device_secret_verifier_config(config)
        .device_name(device_name())
        .send()
        .await
        .map_err(|e| pool_error(e, app, user))?;
    let choice = out.user_confirmation_necessary;
    Ok((
        DeviceSecrets {
            device_key: device.device_key.clone(),
            device_group_key: device.device_group_key.clone(),
            device_password: password,
            remembered: !choice,
        },
        choice,
    ))
}

/// Marks the device remembered (UpdateDeviceStatus), for pools where that is the user's choice.
pub async fn remember(
    client: &Client,
    app: &AppClient,
    user: &str,
    access_token: &Secret<String>,
    device_key: &str,
) -> Result<()> {
    client
        .update_device_status()
        .access_token(access_token.expose())
        .device_key(device_key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .map_err(|e| pool_error(e, app, user))?;
    Ok(())
}

/// Makes the pool forget the device (ForgetDevice).
pub async fn forget(
    client: &Client,
    app: &AppClient,
    user: &str,
    access_token: &Secret<String>,
    device_key: &str,
) -> Result<()> {
    client
        .forget_device()
        .access_token(access_token.expose())
        .device_key(device_key)
        .send()
        .await
        .map_err(|e| pool_error(e, app, user))?;
    Ok(())
}

/// Whether an error says the pool does not know the device (ResourceNotFoundException
/// "Device does not exist"). The same code also means an unknown pool or client, which only
/// the message tells apart.
pub fn is_unknown_device(err: &Error) -> bool {
    matches!(err, Error::UserPoolNotFound { message, .. } if is_unknown_device_message(message))
}

/// Whether a ResourceNotFoundException's message is about the device.
pub fn is_unknown_device_message(message: &str) -> bool {
    message.to_ascii_lowercase().contains("device")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors() -> Vec<serde_json::Value> {
        serde_json::from_str(include_str!("../../tests/fixtures/srp/device_vectors.json")).unwrap()
    }

    /// Vectors from pycognito and amazon-cognito-identity-js (`make_vectors.sh`): the
    /// ConfirmDevice verifier and the DEVICE_PASSWORD_VERIFIER signature.
    #[test]
    fn matches_pycognito_and_amazon_cognito_identity_js() {
        let vectors = vectors();
        assert!(vectors.len() >= 6, "{}", vectors.len());
        for v in &vectors {
            let field = |k: &str| v[k].as_str().unwrap().to_owned();
            let what = format!("{} / {}", field("implementation"), field("id"));
            let password = Secret::new(field("device_password"));
            let salt = hex::decode(field("salt_random")).unwrap();
            let got = verifier(
                &field("device_group_key"),
                &field("device_key"),
                &password,
                &salt,
            );
            assert_eq!(got.salt, field("verifier_salt"), "{what}");
            assert_eq!(got.password_verifier, field("password_verifier"), "{what}");
            let a = BigUint::parse_bytes(field("a").as_bytes(), 16).unwrap();
            let client = SrpClient::named(&field("device_group_key"), a);
            assert_eq!(client.public_a(), field("A"), "{what}");
            let claim = client
                .password_claim(
                    &field("device_key"),
                    &password,
                    &field("srp_salt"),
                    &field("B"),
                    &field("secret_block"),
                    field("timestamp"),
                )
                .unwrap();
            assert_eq!(claim.signature, field("signature"), "{what}");
        }
    }

    #[test]
    fn a_new_password_is_random_and_its_verifier_matches_it() {
        let device = NewDevice {
            device_key: "us-east-1_0a1b2c3d-4e5f".into(),
            device_group_key: "-AbCdEfGh".into(),
        };
        let (p1, v1) = new_password(&device).unwrap();
        let (p2, _) = new_password(&device).unwrap();
        assert_ne!(p1.expose(), p2.expose());
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(p1.expose())
                .unwrap()
                .len(),
            40
        );
        let salt = base64::engine::general_purpose::STANDARD
            .decode(&v1.salt)
            .unwrap();
        // The salt as sent is padHex of the 16 random bytes: 16 or 17 bytes (a 00 before a
        // top bit), fewer only for leading zero bytes.
        let raw: Vec<u8> = salt.iter().copied().skip_while(|b| *b == 0).collect();
        assert_eq!(
            verifier(&device.device_group_key, &device.device_key, &p1, &raw),
            v1
        );
    }

    #[test]
    fn secrets_do_not_show_the_password_in_debug() {
        let secrets = DeviceSecrets {
            device_key: "k".into(),
            device_group_key: "g".into(),
            device_password: Secret::new("hunter2-device".into()),
            remembered: true,
        };
        assert!(!format!("{secrets:?}").contains("hunter2-device"));
    }

    #[test]
    fn the_device_name_names_the_tool() {
        assert!(device_name().starts_with("cognito-auth"));
    }

    #[test]
    fn only_a_missing_device_counts_as_an_unknown_device() {
        let gone = Error::UserPoolNotFound {
            pool: "p".into(),
            client: "c".into(),
            message: "Device does not exist.".into(),
        };
        let pool = Error::UserPoolNotFound {
            pool: "p".into(),
            client: "c".into(),
            message: "User pool client does not exist.".into(),
        };
        assert!(is_unknown_device(&gone));
        assert!(!is_unknown_device(&pool));
    }
}
