//! Every environment variable cognito-auth reads, in one place.
//!
//! Nothing else in the crate names a variable; settings and file paths look them up through
//! these constants so that `status`, the README and the tests agree on the spelling.

/// The profile to use when `--profile` is not given (shared with the AWS CLI).
pub const AWS_PROFILE: &str = "AWS_PROFILE";
/// Region for the AWS profile, as the AWS CLI and SDKs read it.
pub const AWS_REGION: &str = "AWS_REGION";
/// Fallback region variable, read after `AWS_REGION`.
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
/// Another path for `~/.aws/credentials`.
pub const AWS_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
/// Another path for `~/.aws/config`.
pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";

/// The user pool id (`<region>_<id>`), as the Python tool names it.
pub const COGNITO_USER_POOL_ID: &str = "COGNITO_USER_POOL_ID";
/// The app client id.
pub const COGNITO_CLIENT_ID: &str = "COGNITO_CLIENT_ID";
/// The app client secret, for clients that have one.
pub const COGNITO_CLIENT_SECRET: &str = "COGNITO_CLIENT_SECRET";
/// The identity pool id (`<region>:<uuid>`).
pub const COGNITO_IDENTITY_POOL_ID: &str = "COGNITO_IDENTITY_POOL_ID";
/// The user to sign in as.
pub const COGNITO_USERNAME: &str = "COGNITO_USERNAME";
/// The password, for unattended sign-in (never a flag).
pub const COGNITO_PASSWORD: &str = "COGNITO_PASSWORD";
/// The new password to set when Cognito answers NEW_PASSWORD_REQUIRED.
pub const COGNITO_NEW_PASSWORD: &str = "COGNITO_NEW_PASSWORD";
/// `password`, `srp` or `choice`: how the user signs in.
pub const COGNITO_AUTH_FLOW: &str = "COGNITO_AUTH_FLOW";
/// The first factor of choice-based sign-in: `password`, `srp`, `email-otp`, `sms-otp`, `passkey`.
pub const COGNITO_FACTOR: &str = "COGNITO_FACTOR";
/// An MFA code, for unattended sign-in.
pub const COGNITO_MFA_CODE: &str = "COGNITO_MFA_CODE";
/// A command that prints an MFA code (like aws-vault's mfa_process).
pub const COGNITO_MFA_PROCESS: &str = "COGNITO_MFA_PROCESS";
/// Credential lifetime for the basic flow, `1h`..`12h`.
pub const COGNITO_DURATION: &str = "COGNITO_DURATION";
/// The IAM role to ask the identity pool (or STS) for.
pub const COGNITO_ROLE_ARN: &str = "COGNITO_ROLE_ARN";
/// The user pool's Hosted UI (managed login) domain, for `login --browser`.
pub const COGNITO_HOSTED_UI_DOMAIN: &str = "COGNITO_HOSTED_UI_DOMAIN";
/// The loopback URL the Hosted UI redirects the browser to (registered on the app client).
pub const COGNITO_REDIRECT_URI: &str = "COGNITO_REDIRECT_URI";
/// The command that opens a URL, as in Python's `webbrowser` (`%s` stands for the URL).
pub const BROWSER: &str = "BROWSER";
/// Another path for cognito-auth's own config file.
pub const COGNITO_AUTH_CONFIG: &str = "COGNITO_AUTH_CONFIG";
/// Another folder for cognito-auth's cache (the record of the last sign-in).
pub const COGNITO_AUTH_CACHE_DIR: &str = "COGNITO_AUTH_CACHE_DIR";
/// `off` keeps refresh tokens out of the OS keyring (in a 0600 file instead).
pub const COGNITO_AUTH_KEYRING: &str = "COGNITO_AUTH_KEYRING";
/// Seconds of life cached credentials must still have to be handed out without a refresh.
pub const COGNITO_AUTH_MIN_TTL: &str = "COGNITO_AUTH_MIN_TTL";
/// Seconds a credential command's network part may take in all (default 10): requests, retries
/// and waits together; each request of an interactive `login` gets the same bound. Waiting for
/// a lock another process holds is bounded by it too.
pub const COGNITO_AUTH_TIMEOUT: &str = "COGNITO_AUTH_TIMEOUT";
/// Another AWS federation endpoint for `console` (its `getSigninToken` and `login` actions),
/// in place of the partition's `https://signin.../federation`.
pub const COGNITO_AUTH_FEDERATION_URL: &str = "COGNITO_AUTH_FEDERATION_URL";
/// Disables colour (read by the error printer).
pub const NO_COLOR: &str = "NO_COLOR";

/// Reads a variable, treating an empty value as unset.
pub fn get(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Set to `true`, the endpoint variables below are ignored (as in the SDK).
pub const AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
/// The endpoint for every service, unless a per-service variable says otherwise.
pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
/// The SDK's endpoint for Cognito user pools.
pub const AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: &str =
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER";
/// The SDK's endpoint for Cognito identity pools.
pub const AWS_ENDPOINT_URL_COGNITO_IDENTITY: &str = "AWS_ENDPOINT_URL_COGNITO_IDENTITY";
/// The SDK's endpoint for STS.
pub const AWS_ENDPOINT_URL_STS: &str = "AWS_ENDPOINT_URL_STS";
