//! The domain errors of cognito-auth, each with a sentence a user can act on.
//!
//! The core returns these; `main` prints `error: <message>` and, when there is one,
//! `hint: <hint>`, then exits with [`Error::exit_code`].

use std::path::PathBuf;

/// Exit code for an expected failure (bad credentials, not logged in, expired).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a usage error or an unexpected failure.
pub const EXIT_USAGE: u8 = 2;

/// Everything that can go wrong in a way the user should be told about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no {name} is configured for profile `{profile}`")]
    MissingSetting {
        name: &'static str,
        profile: String,
        flag: &'static str,
        env: &'static str,
    },
    #[error("invalid {what} `{value}`: expected {expected}")]
    InvalidValue {
        what: String,
        value: String,
        expected: &'static str,
    },
    /// A command line that cannot work as given, in a way clap cannot express (a flag that needs
    /// another one, nothing to do): exit 2. It stays a sentence rather than a variant per case
    /// because every such case has the same cause (the flags), remedy (change them) and code.
    #[error("{0}")]
    Usage(String),
    /// `login --client-credentials`: a flag of `token`, whose tokens carry no user identity.
    #[error(
        "client-credentials tokens carry no user identity, so an identity pool cannot exchange them for AWS credentials"
    )]
    ClientCredentialsNotForAws,
    /// An answer at a prompt that is not one of the choices offered.
    #[error("`{answer}` is not one of the {what}")]
    NotAnOption { answer: String, what: &'static str },
    /// An empty answer at a prompt that needs one.
    #[error("no {what} given")]
    EmptyAnswer { what: &'static str },
    /// `--password-stdin` and friends with nothing on stdin.
    #[error("no {what} on stdin")]
    EmptyStdin { what: &'static str },
    /// A value `export --format cmd` cannot quote.
    #[error("{name} holds a character cmd.exe cannot quote; use --format powershell or json")]
    Unquotable { name: String },
    /// `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` name one file.
    #[error(
        "{} and {} both point at {}: the credentials and config files must be two files",
        crate::env_vars::AWS_SHARED_CREDENTIALS_FILE,
        crate::env_vars::AWS_CONFIG_FILE,
        path.display()
    )]
    SameAwsFile { path: PathBuf },
    /// A value for a policy template that would break out of its JSON string.
    #[error("{name} may not contain quotes, backslashes or control characters")]
    PolicyValue { name: String },
    /// A policy template left with a placeholder nobody filled in.
    #[error("{template} needs a value for {{{{{name}}}}}")]
    PolicyPlaceholder {
        template: &'static str,
        name: String,
    },
    /// A policy document that is not JSON or not an IAM policy; `file` when it came from one.
    #[error("{}", match file {
        Some(file) => format!("{}: {reason}; nothing was sent", file.display()),
        None => reason.clone(),
    })]
    InvalidPolicy {
        file: Option<PathBuf>,
        reason: String,
    },
    /// The program `exec` was to run could not be started.
    #[error("cannot run `{program}`: {source}")]
    CannotRun {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// No HOME (or platform equivalent) to find one of our folders in.
    #[error("cannot find the user's {what} folder")]
    NoHome {
        what: &'static str,
        variable: &'static str,
    },
    /// Something that should not fail did (the OS gave no randomness): a bug or a broken system.
    #[error("internal error: {0}")]
    Internal(String),
    /// Another process held one of our lock files past the bound.
    #[error("another cognito-auth process held {} for more than {secs} s", path.display())]
    LockTimeout { path: PathBuf, secs: u64 },
    /// The loopback port of the redirect URI is taken (or cannot be listened on).
    #[error("cannot listen for the sign-in callback on {host}:{port}: {detail}")]
    CallbackPortBusy {
        host: String,
        port: u16,
        detail: String,
    },
    /// The browser came back to the listener with neither a code nor an error.
    #[error("the Hosted UI sent the browser back without an authorization code")]
    NoAuthorizationCode,
    /// Nobody finished the browser sign-in within `--browser-timeout`.
    #[error("no sign-in came back to {uri} within {secs} s")]
    BrowserTimeout { uri: String, secs: u64, port: u16 },
    /// `/oauth2/authorize` refused the redirect URI: not among the app client's callback URLs.
    #[error(
        "the Hosted UI refused the redirect URI {redirect_uri} for app client {client_id} ({detail})"
    )]
    RedirectUriRefused {
        redirect_uri: String,
        client_id: String,
        detail: String,
    },
    /// `/oauth2/authorize` refused the request for another reason; `error` is the OAuth code.
    #[error("the Hosted UI refused the sign-in request: {detail}")]
    HostedUiRefused { error: String, detail: String },
    /// The browser came back with an OAuth error (`access_denied`, `invalid_scope`, ...).
    #[error("the Hosted UI ended the sign-in with {error}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    AuthorizationDenied {
        error: String,
        description: Option<String>,
    },
    /// `/oauth2/token` refused the authorization code; `error` is the OAuth code.
    #[error("the Hosted UI would not exchange the authorization code: {detail}")]
    CodeExchangeRefused { error: String, detail: String },
    /// `/oauth2/token` refused the client-credentials grant; `error` is the OAuth code.
    #[error("the token endpoint refused the client-credentials grant: {detail}")]
    ClientCredentialsRefused { error: String, detail: String },
    /// The Hosted UI's tokens came without an ID token (no `openid` scope).
    #[error("the Hosted UI issued no ID token, which the identity pool needs")]
    NoIdToken,
    /// A browser session's profile signing in again where no terminal can start a browser.
    #[error(
        "profile `{profile}` last signed in through the Hosted UI, and there is no terminal to start a browser sign-in from"
    )]
    BrowserSignInNeedsTerminal { profile: String },
    /// The client-credentials grant without the app client's secret.
    #[error(
        "the client-credentials grant needs the app client's secret, and profile `{profile}` has none"
    )]
    ClientSecretRequired { profile: String },
    /// The basic flow (a duration) with no role to assume.
    #[error("the basic flow (a --duration) needs a role, and none was given")]
    RoleRequired,
    /// GetOpenIdToken refused: the identity pool's basic (classic) flow is off.
    #[error("identity pool `{pool}` refused the basic flow: {message}")]
    BasicFlowDisabled { pool: String, message: String },
    /// GetCredentialsForIdentity refused the role asked for (CustomRoleArn).
    #[error("identity pool `{pool}` refused the role: {message}")]
    RoleRefused { pool: String, message: String },
    /// STS refused a duration longer than the role's MaxSessionDuration.
    #[error("STS refused role {role} for {duration} s: {code}: {message}")]
    SessionTooLong {
        role: String,
        duration: i32,
        code: String,
        message: String,
    },
    /// STS refused the role: its trust policy does not let this identity pool assume it.
    #[error("STS refused role {role} for {duration} s: {code}: {message}")]
    RoleNotTrusted {
        role: String,
        duration: i32,
        code: String,
        message: String,
    },
    /// STS refused the role for another reason (no such role, the basic flow).
    #[error("STS refused role {role} for {duration} s: {code}: {message}")]
    AssumeRoleRefused {
        role: String,
        duration: i32,
        code: String,
        message: String,
    },
    /// A refresh another process made while we waited for the lock failed; not retried.
    #[error("{message} (a refresh by another cognito-auth process failed just now; not retried)")]
    RefreshFailedElsewhere { message: String },
    /// The configured `mfa_process` failed or printed nothing.
    #[error("mfa_process `{command}` gave no code ({status})")]
    MfaProcessFailed { command: String, status: String },
    /// No AWS credentials for the admin calls; `detail` says why the chain found none.
    #[error("no AWS credentials for the admin calls{}", detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    AdminCredentials { detail: Option<String> },
    /// An admin call refused for want of permission (by the service's error code).
    #[error("{action} failed: {detail}")]
    AdminPermission {
        action: &'static str,
        detail: String,
    },
    /// An admin call that got no answer (no connection, no answer in time).
    #[error("{action} failed: {detail}")]
    AdminUnreachable {
        action: &'static str,
        detail: String,
    },
    /// An admin call the service refused or failed for another reason (a conflict, a quota, a
    /// 5xx): the account's state, not ours to fix.
    #[error("{action} failed: {detail}")]
    AdminCallFailed {
        action: &'static str,
        detail: String,
    },
    #[error("sign-in refused for `{user}`: {message}")]
    NotAuthorized { user: String, message: String },
    #[error("user `{0}` does not exist in this user pool")]
    UserNotFound(String),
    #[error("user `{0}` is not confirmed")]
    UserNotConfirmed(String),
    #[error("user `{0}` must reset their password before signing in")]
    PasswordResetRequired(String),
    #[error("the refresh token was refused: {0}")]
    RefreshRejected(String),
    #[error("profile `{profile}` has no live session: {reason}")]
    LoginRequired { profile: String, reason: String },
    #[error("the new password was refused: {0}")]
    InvalidNewPassword(String),
    #[error("the MFA code was refused: {0}")]
    MfaCodeRejected(String),
    #[error("the new passwords do not match")]
    PasswordMismatch,
    #[error("{what} is needed but there is no terminal to ask on")]
    NeedsInput {
        what: &'static str,
        hint: &'static str,
    },
    #[error("Cognito asked for the {0} challenge, which this version cannot answer")]
    UnsupportedChallenge(String),
    /// A passkey (WEB_AUTHN) chosen as the first factor: only a browser can use one.
    #[error("a passkey (WEB_AUTHN) can only be used in a browser")]
    PasskeyNeedsBrowser,
    /// USER_AUTH answered SELECT_CHALLENGE and there is no terminal to pick a factor on.
    #[error(
        "Cognito offers several ways to sign in ({}) and there is no terminal to choose on",
        offered.join(", ")
    )]
    FactorChoiceNeedsTerminal { offered: Vec<String> },
    #[error("user pool `{pool}` or app client `{client}` not found: {message}")]
    UserPoolNotFound {
        pool: String,
        client: String,
        message: String,
    },
    #[error("identity pool `{pool}` not found: {message}")]
    IdentityPoolNotFound { pool: String, message: String },
    #[error("identity pool `{pool}` refused the sign-in: {message}")]
    IdentityPoolRejected {
        pool: String,
        provider: String,
        client: String,
        message: String,
    },
    #[error("cannot reach {service} at {endpoint}: {detail}")]
    Unreachable {
        service: &'static str,
        endpoint: String,
        detail: String,
    },
    /// The whole network part of a command ran past its bound (`COGNITO_AUTH_TIMEOUT`).
    #[error("{service} at {endpoint} did not answer within {secs} s")]
    Timeout {
        service: &'static str,
        endpoint: String,
        secs: u64,
    },
    /// The service answered, but not with anything it sends when working: an HTTP 5xx, a body
    /// that is not its protocol (HTML, garbage), a truncated body.
    #[error("{service} at {endpoint} failed: {status}: {detail}")]
    ServerFailure {
        service: &'static str,
        endpoint: String,
        /// `HTTP 500`, or `no HTTP status` when the connection broke before one came.
        status: String,
        detail: String,
    },
    /// A file of ours (session, refresh token, token cache) that cannot be read as we wrote it.
    #[error("the {what} of profile `{profile}` cannot be read ({}: {reason})", path.display())]
    StateUnreadable {
        what: &'static str,
        profile: String,
        path: PathBuf,
        reason: String,
    },
    #[error("{service} is throttling requests: {message}")]
    Throttled {
        service: &'static str,
        message: String,
    },
    /// A service's success answer without a field it always sends: a failing server (or
    /// something else at its address), not a code of the service's own.
    #[error("{operation} failed: the answer has no {what}")]
    IncompleteAnswer {
        operation: &'static str,
        what: String,
    },
    #[error("{operation} failed: {code}: {message}")]
    Service {
        operation: &'static str,
        code: String,
        message: String,
    },
    #[error(
        "profile [{profile}] in {} holds long-term keys that cognito-auth did not write",
        path.display()
    )]
    LongTermKeys { profile: String, path: PathBuf },
    #[error("profile [{profile}] in {} gets its credentials from another command: {command}", path.display())]
    ForeignCredentialProcess {
        profile: String,
        path: PathBuf,
        command: String,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `console --region` names a region of another partition than the credentials'.
    #[error(
        "region `{region}` is in partition {region_partition}, but the credentials are from {partition} (identity pool region {pool_region})"
    )]
    OtherPartition {
        region: String,
        region_partition: &'static str,
        partition: &'static str,
        pool_region: String,
    },
    /// No browser could be started for the console sign-in.
    #[error("cannot open a browser ({tried})")]
    NoBrowser { tried: String },
    /// The federation endpoint refused getSigninToken (HTTP 400 or 403).
    #[error("the AWS federation endpoint refused the console sign-in (HTTP {status}): {cause}")]
    SigninRefused {
        status: u16,
        cause: String,
        /// Whether a SessionDuration was asked for.
        duration: bool,
    },
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// What the user can do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::MissingSetting {
                profile, flag, env, ..
            } => format!(
                "run `cognito-auth configure --profile {profile} {flag} ...` or set {env}"
            ),
            Error::InvalidValue { .. }
            | Error::Usage(_)
            | Error::NotAnOption { .. }
            | Error::EmptyAnswer { .. }
            | Error::EmptyStdin { .. }
            | Error::Unquotable { .. }
            | Error::SameAwsFile { .. }
            | Error::PolicyValue { .. }
            | Error::PolicyPlaceholder { .. }
            | Error::InvalidPolicy { .. }
            | Error::CannotRun { .. }
            | Error::Internal(_) => return None,
            Error::ClientCredentialsNotForAws => "`cognito-auth token --client-credentials` prints the access token for an API; for AWS credentials a user signs in (`login`, or `login --browser`)".into(),
            Error::NoHome { variable, .. } => format!("set HOME, or {variable}"),
            Error::LockTimeout { .. } => format!(
                "try again; if it keeps happening, look for a cognito-auth process that hangs ({} sets the wait)",
                crate::env_vars::COGNITO_AUTH_TIMEOUT
            ),
            Error::CallbackPortBusy { .. } => "another program (or another login) holds the port: stop it, or register another loopback redirect URI on the app client and set redirect_uri to it".into(),
            Error::NoAuthorizationCode => "run `cognito-auth login --browser` again".into(),
            Error::BrowserTimeout { port, .. } => format!(
                "run `cognito-auth login --browser` again and finish signing in sooner (or raise --browser-timeout); for a browser on another machine use --no-browser and paste the address it ends up on, or forward port {port} to this one"
            ),
            Error::RedirectUriRefused { redirect_uri, .. } => format!(
                "Cognito matches callback URLs exactly, port and path included: add {redirect_uri} to the app client's allowed callback URLs, or set redirect_uri to one that is (`cognito-auth configure --redirect-uri URL`)"
            ),
            Error::HostedUiRefused { error, .. } => match error.as_str() {
                "invalid_scope" => {
                    "ask only for scopes the app client allows (--scope), or none to get all of them"
                }
                "unauthorized_client" => {
                    "enable the authorization code grant on the app client (its OAuth 2.0 settings)"
                }
                "invalid_client" | "client_not_found" => {
                    "check client_id, and that hosted_ui_domain belongs to the same user pool"
                }
                _ => "check the app client's Hosted UI settings (`cognito-auth status` shows ours)",
            }
            .into(),
            Error::AuthorizationDenied { error, .. } => match error.as_str() {
                "access_denied" => "the sign-in was cancelled or refused (at Cognito or the identity provider): run `cognito-auth login --browser` to try again",
                "invalid_scope" => "ask only for scopes the app client allows (--scope), or none to get all of them",
                _ => "check the app client's Hosted UI settings and the identity provider, then try again",
            }
            .into(),
            Error::CodeExchangeRefused { error, .. } => match error.as_str() {
                "invalid_client" | "unauthorized_client" => "check client_id and the client secret (`cognito-auth configure --client-secret-stdin`), and that the app client allows the authorization code grant",
                _ => "codes are single-use and last a few minutes: run `cognito-auth login --browser` again",
            }
            .into(),
            Error::ClientCredentialsRefused { error, .. } => match error.as_str() {
                "invalid_client" => "check client_id and the client secret (`cognito-auth configure --client-secret-stdin`)",
                "invalid_scope" => "ask only for custom scopes of a resource server that the app client allows",
                _ => "the app client needs a secret and the client_credentials OAuth flow enabled, with at least one custom scope",
            }
            .into(),
            Error::NoIdToken => {
                "allow the `openid` scope on the app client (and do not leave it out of --scope)".into()
            }
            Error::BrowserSignInNeedsTerminal { profile } => format!(
                "run `cognito-auth login --browser --profile {profile}` at a terminal (--no-browser prints the URL for a browser elsewhere)"
            ),
            Error::ClientSecretRequired { profile } => format!(
                "save it with `cognito-auth configure --profile {profile} --client-secret-stdin` (or set COGNITO_CLIENT_SECRET)"
            ),
            Error::RoleRequired => "pass --role-arn ARN or save one with `cognito-auth configure --role-arn`; `cognito-auth roles` lists the roles your token offers".into(),
            Error::BasicFlowDisabled { .. } => "turn on the basic (classic) flow of the identity pool (AllowClassicFlow), or sign in without --duration for one-hour credentials".into(),
            Error::RoleRefused { .. } => {
                "choose one of the roles your token offers (`cognito-auth roles`)".into()
            }
            Error::SessionTooLong { role, duration, .. } => format!(
                "ask for less than {}h, or raise the role's limit: aws iam update-role --role-name {} --max-session-duration 43200",
                duration / 3600,
                role.rsplit('/').next().unwrap_or(role)
            ),
            Error::RoleNotTrusted { .. } => "the role's trust policy must allow sts:AssumeRoleWithWebIdentity for cognito-identity.amazonaws.com with this identity pool as `aud` and `amr` authenticated".into(),
            Error::AssumeRoleRefused { .. } => {
                "check the role ARN and the identity pool's basic flow setting".into()
            }
            Error::RefreshFailedElsewhere { .. } => "run the command again to retry".into(),
            Error::MfaProcessFailed { .. } => "the command must print the current code on stdout and exit 0; `cognito-auth configure --mfa-process` changes it".into(),
            Error::AdminCredentials { .. } => "set AWS_PROFILE to a profile allowed to administer Cognito and IAM, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
            Error::AdminPermission { action, .. } => {
                format!("the admin credentials need permission for {action}")
            }
            Error::AdminUnreachable { .. } => {
                "check the network, the region, and any AWS_ENDPOINT_URL* variable".into()
            }
            Error::AdminCallFailed { action, .. } => format!("{action} is needed for this step"),
            Error::NotAuthorized { .. } => {
                "check the username and password; a user locked out by too many attempts must wait before retrying".into()
            }
            Error::UserNotFound(_) => {
                "check the username (and that the profile points at the right user pool)".into()
            }
            Error::UserNotConfirmed(user) => format!(
                "confirm the account with the code sent at sign-up (`aws cognito-idp confirm-sign-up --username {user} ...`), or have an administrator run `aws cognito-idp admin-confirm-sign-up --username {user} ...`"
            ),
            Error::PasswordResetRequired(user) => format!(
                "reset it with `aws cognito-idp forgot-password --username {user} ...` and `confirm-forgot-password`, then sign in again"
            ),
            Error::RefreshRejected(_) => "sign in again with `cognito-auth login`".into(),
            Error::LoginRequired { profile, .. } => {
                format!("run `cognito-auth login --profile {profile}`")
            }
            Error::InvalidNewPassword(_) => {
                "choose a password that meets the user pool's password policy".into()
            }
            Error::PasswordMismatch => "type the same new password twice".into(),
            Error::MfaCodeRejected(_) => {
                "use the current code (authenticator codes change every 30 seconds) and sign in again".into()
            }
            Error::NeedsInput { hint, .. } => (*hint).into(),
            Error::UnsupportedChallenge(_) => {
                "sign in once through another client to clear the challenge, or ask for support of it".into()
            }
            Error::PasskeyNeedsBrowser => {
                "run `cognito-auth login --browser`: the pool's managed login signs in with passkeys".into()
            }
            Error::FactorChoiceNeedsTerminal { .. } => "pass --factor (password, srp, email-otp, sms-otp, passkey), set COGNITO_FACTOR, or save one with `cognito-auth configure --factor`".into(),
            Error::UserPoolNotFound { .. } => {
                "check user_pool_id, client_id and region with `cognito-auth status`".into()
            }
            Error::IdentityPoolNotFound { .. } => {
                "check identity_pool_id with `cognito-auth status`; it looks like <region>:<uuid>".into()
            }
            Error::IdentityPoolRejected {
                provider, client, ..
            } => format!(
                "the identity pool must list the provider {provider} with app client {client} among its authentication providers, and have an authenticated role"
            ),
            Error::Unreachable { .. } => {
                "check the network, the region, and any AWS_ENDPOINT_URL* variable".into()
            }
            Error::Timeout { secs, .. } => format!(
                "check the network and any AWS_ENDPOINT_URL* variable; {} sets the bound in seconds (now {secs})",
                crate::env_vars::COGNITO_AUTH_TIMEOUT
            ),
            Error::ServerFailure { .. } | Error::IncompleteAnswer { .. } => {
                "the service is failing or something else answers at that address: try again in a moment, and check any AWS_ENDPOINT_URL* variable".into()
            }
            Error::StateUnreadable { profile, .. } => format!(
                "`cognito-auth logout --profile {profile}` removes it; nothing else of yours is in it"
            ),
            Error::Throttled { .. } => "wait a moment and try again".into(),
            Error::Service { .. } => return None,
            Error::LongTermKeys { profile, .. } => format!(
                "use another profile, or pass --force to replace the keys in [{profile}]"
            ),
            Error::ForeignCredentialProcess { profile, .. } => format!(
                "the profile is yours, so nothing was written: use another --profile, or replace that command with `cognito-auth configure --profile {profile} --credential-process --force`"
            ),
            Error::Malformed { .. } => {
                "fix or remove that line; cognito-auth changes nothing until then".into()
            }
            Error::Io { .. } => return None,
            Error::OtherPartition { partition, .. } => format!(
                "choose a region of the {partition} partition with --region, or use a profile whose identity pool is in the other partition"
            ),
            Error::SigninRefused { duration: true, .. } => {
                "try a shorter --session-duration, or none (the endpoint's default)".into()
            }
            Error::SigninRefused { .. } => {
                "refresh the session with `cognito-auth login` and try again".into()
            }
            Error::NoBrowser { .. } => {
                "set BROWSER, or print the URL with `cognito-auth console --url` and open it yourself"
                    .into()
            }
        })
    }

    /// 1 for an expected failure, 2 for a usage error or something unexpected (README, "Exit
    /// codes"). Every variant is listed, so a new one must be given its code here.
    pub fn exit_code(&self) -> u8 {
        match self {
            // Usage: the command line, an answer at a prompt, or the environment is wrong.
            Error::InvalidValue { .. }
            | Error::Usage(_)
            | Error::ClientCredentialsNotForAws
            | Error::NotAnOption { .. }
            | Error::EmptyAnswer { .. }
            | Error::EmptyStdin { .. }
            | Error::Unquotable { .. }
            | Error::SameAwsFile { .. }
            | Error::PolicyValue { .. }
            | Error::PolicyPlaceholder { .. }
            | Error::InvalidPolicy { .. }
            | Error::CannotRun { .. }
            | Error::OtherPartition { .. }
            | Error::NoHome { .. } => EXIT_USAGE,
            // Unexpected: a bug, a broken system, a service code we cannot explain, local I/O.
            Error::Internal(_) | Error::Service { .. } | Error::Io { .. } => EXIT_USAGE,
            // Expected: a missing setting, refused credentials, no session, a service's refusal,
            // a failing or silent server, someone else's lock, a file we will not touch.
            Error::MissingSetting { .. }
            | Error::LockTimeout { .. }
            | Error::CallbackPortBusy { .. }
            | Error::NoAuthorizationCode
            | Error::BrowserTimeout { .. }
            | Error::RedirectUriRefused { .. }
            | Error::HostedUiRefused { .. }
            | Error::AuthorizationDenied { .. }
            | Error::CodeExchangeRefused { .. }
            | Error::ClientCredentialsRefused { .. }
            | Error::NoIdToken
            | Error::BrowserSignInNeedsTerminal { .. }
            | Error::ClientSecretRequired { .. }
            | Error::RoleRequired
            | Error::BasicFlowDisabled { .. }
            | Error::RoleRefused { .. }
            | Error::SessionTooLong { .. }
            | Error::RoleNotTrusted { .. }
            | Error::AssumeRoleRefused { .. }
            | Error::RefreshFailedElsewhere { .. }
            | Error::MfaProcessFailed { .. }
            | Error::AdminCredentials { .. }
            | Error::AdminPermission { .. }
            | Error::AdminUnreachable { .. }
            | Error::AdminCallFailed { .. }
            | Error::NotAuthorized { .. }
            | Error::UserNotFound(_)
            | Error::UserNotConfirmed(_)
            | Error::PasswordResetRequired(_)
            | Error::RefreshRejected(_)
            | Error::LoginRequired { .. }
            | Error::InvalidNewPassword(_)
            | Error::MfaCodeRejected(_)
            | Error::PasswordMismatch
            | Error::NeedsInput { .. }
            | Error::UnsupportedChallenge(_)
            | Error::PasskeyNeedsBrowser
            | Error::FactorChoiceNeedsTerminal { .. }
            | Error::UserPoolNotFound { .. }
            | Error::IdentityPoolNotFound { .. }
            | Error::IdentityPoolRejected { .. }
            | Error::Unreachable { .. }
            | Error::Timeout { .. }
            | Error::ServerFailure { .. }
            | Error::IncompleteAnswer { .. }
            | Error::StateUnreadable { .. }
            | Error::Throttled { .. }
            | Error::LongTermKeys { .. }
            | Error::ForeignCredentialProcess { .. }
            | Error::SigninRefused { .. }
            | Error::NoBrowser { .. }
            | Error::Malformed { .. } => EXIT_FAILURE,
        }
    }
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_state_failures_are_expected_failures_with_hints() {
        let timeout = Error::Timeout {
            service: "AWS STS",
            endpoint: "http://127.0.0.1:9".into(),
            secs: 10,
        };
        let server = Error::ServerFailure {
            service: "Cognito identity pools",
            endpoint: "https://cognito-identity.us-east-1.amazonaws.com".into(),
            status: "HTTP 502".into(),
            detail: "an answer that is not the service's JSON (text/html): <html>".into(),
        };
        let state = Error::StateUnreadable {
            what: "client-credentials token cache",
            profile: "ci".into(),
            path: "/c/ci.json".into(),
            reason: "Is a directory (os error 21)".into(),
        };
        assert_eq!(
            server.to_string(),
            "Cognito identity pools at https://cognito-identity.us-east-1.amazonaws.com failed: HTTP 502: an answer that is not the service's JSON (text/html): <html>"
        );
        for err in [&timeout, &server, &state] {
            assert_eq!(err.exit_code(), EXIT_FAILURE, "{err}");
            assert!(err.hint().is_some(), "{err}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
        assert!(timeout.hint().unwrap().contains("COGNITO_AUTH_TIMEOUT"));
        assert!(state.hint().unwrap().contains("logout --profile ci"));
    }

    fn io() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::NotFound)
    }

    /// One of each variant that names a cause, with the code its cause gets.
    fn by_cause() -> Vec<(Error, u8)> {
        let s = |text: &str| text.to_owned();
        let sts = |code: &str| (s("arn:aws:iam::1:role/R"), 43_200, s(code), s("m"));
        let (role, duration, code, message) = sts("ValidationError");
        let too_long = Error::SessionTooLong {
            role,
            duration,
            code,
            message,
        };
        let (role, duration, code, message) = sts("AccessDenied");
        let not_trusted = Error::RoleNotTrusted {
            role,
            duration,
            code,
            message,
        };
        let (role, duration, code, message) = sts("InvalidIdentityToken");
        let assume = Error::AssumeRoleRefused {
            role,
            duration,
            code,
            message,
        };
        vec![
            (Error::Usage(s("--scope needs --browser")), EXIT_USAGE),
            (Error::ClientCredentialsNotForAws, EXIT_USAGE),
            (
                Error::NotAnOption {
                    answer: s("9"),
                    what: "roles",
                },
                EXIT_USAGE,
            ),
            (Error::EmptyAnswer { what: "username" }, EXIT_USAGE),
            (Error::EmptyStdin { what: "password" }, EXIT_USAGE),
            (
                Error::Unquotable {
                    name: s("AWS_SESSION_TOKEN"),
                },
                EXIT_USAGE,
            ),
            (Error::SameAwsFile { path: "/a".into() }, EXIT_USAGE),
            (Error::PolicyValue { name: s("BUCKET") }, EXIT_USAGE),
            (
                Error::PolicyPlaceholder {
                    template: "t.json",
                    name: s("PREFIX"),
                },
                EXIT_USAGE,
            ),
            (
                Error::InvalidPolicy {
                    file: None,
                    reason: s("not valid JSON"),
                },
                EXIT_USAGE,
            ),
            (
                Error::CannotRun {
                    program: s("terraform"),
                    source: io(),
                },
                EXIT_USAGE,
            ),
            (
                Error::LockTimeout {
                    path: "/h/.aws/credentials.lock".into(),
                    secs: 10,
                },
                EXIT_FAILURE,
            ),
            (
                Error::CallbackPortBusy {
                    host: s("127.0.0.1"),
                    port: 8976,
                    detail: s("Address in use"),
                },
                EXIT_FAILURE,
            ),
            (Error::NoAuthorizationCode, EXIT_FAILURE),
            (
                Error::BrowserTimeout {
                    uri: s("http://localhost:8976/callback"),
                    secs: 300,
                    port: 8976,
                },
                EXIT_FAILURE,
            ),
            (
                Error::RedirectUriRefused {
                    redirect_uri: s("http://localhost:1/cb"),
                    client_id: s("c"),
                    detail: s("redirect_mismatch"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::HostedUiRefused {
                    error: s("invalid_scope"),
                    detail: s("invalid_scope"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::AuthorizationDenied {
                    error: s("access_denied"),
                    description: None,
                },
                EXIT_FAILURE,
            ),
            (
                Error::CodeExchangeRefused {
                    error: s("invalid_grant"),
                    detail: s("invalid_grant"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::ClientCredentialsRefused {
                    error: s("invalid_client"),
                    detail: s("invalid_client"),
                },
                EXIT_FAILURE,
            ),
            (Error::NoIdToken, EXIT_FAILURE),
            (
                Error::BrowserSignInNeedsTerminal { profile: s("dev") },
                EXIT_FAILURE,
            ),
            (
                Error::ClientSecretRequired { profile: s("ci") },
                EXIT_FAILURE,
            ),
            (Error::RoleRequired, EXIT_FAILURE),
            (Error::PasskeyNeedsBrowser, EXIT_FAILURE),
            (
                Error::FactorChoiceNeedsTerminal {
                    offered: vec![s("password"), s("email-otp")],
                },
                EXIT_FAILURE,
            ),
            (
                Error::BasicFlowDisabled {
                    pool: s("us-east-1:0"),
                    message: s("m"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::RoleRefused {
                    pool: s("us-east-1:0"),
                    message: s("m"),
                },
                EXIT_FAILURE,
            ),
            (too_long, EXIT_FAILURE),
            (not_trusted, EXIT_FAILURE),
            (assume, EXIT_FAILURE),
            (
                Error::RefreshFailedElsewhere {
                    message: s("AWS STS at http://x did not answer within 10 s"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::MfaProcessFailed {
                    command: s("ykman oath accounts code"),
                    status: s("exit status: 1"),
                },
                EXIT_FAILURE,
            ),
            (Error::AdminCredentials { detail: None }, EXIT_FAILURE),
            (
                Error::AdminPermission {
                    action: "iam:GetRole",
                    detail: s("AccessDenied: no"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::AdminUnreachable {
                    action: "iam:GetRole",
                    detail: s("dispatch failure"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::AdminCallFailed {
                    action: "iam:CreateRole",
                    detail: s("EntityAlreadyExists: r"),
                },
                EXIT_FAILURE,
            ),
            (Error::Internal(s("no randomness")), EXIT_USAGE),
            (
                Error::Service {
                    operation: "identity pool exchange",
                    code: s("SomethingNew"),
                    message: s("m"),
                },
                EXIT_USAGE,
            ),
            (Error::io("/x", io()), EXIT_USAGE),
            (
                Error::IncompleteAnswer {
                    operation: "GetId",
                    what: s("identity id"),
                },
                EXIT_FAILURE,
            ),
            (
                Error::MissingSetting {
                    name: "client id",
                    profile: s("dev"),
                    flag: "--client-id",
                    env: "COGNITO_CLIENT_ID",
                },
                EXIT_FAILURE,
            ),
            (
                Error::LongTermKeys {
                    profile: s("dev"),
                    path: "/c".into(),
                },
                EXIT_FAILURE,
            ),
        ]
    }

    #[test]
    fn each_cause_has_its_exit_code_and_one_line() {
        for (err, code) in by_cause() {
            assert_eq!(err.exit_code(), code, "{err:?}");
            let text = err.to_string();
            assert!(!text.is_empty() && !text.contains('\n'), "{err:?}: {text}");
            if let Some(hint) = err.hint() {
                assert!(!hint.is_empty() && !hint.contains('\n'), "{err:?}: {hint}");
            }
        }
    }

    #[test]
    fn expected_failures_say_what_to_do() {
        for (err, code) in by_cause() {
            if code == EXIT_FAILURE {
                assert!(err.hint().is_some(), "{err:?} has no hint");
            }
        }
    }

    #[test]
    fn refusals_keep_their_texts() {
        let pairs = [
            (
                Error::LockTimeout {
                    path: "/h/.aws/credentials.lock".into(),
                    secs: 3,
                },
                "another cognito-auth process held /h/.aws/credentials.lock for more than 3 s",
                "try again; if it keeps happening, look for a cognito-auth process that hangs (COGNITO_AUTH_TIMEOUT sets the wait)",
            ),
            (
                Error::AuthorizationDenied {
                    error: "access_denied".into(),
                    description: Some("User cancelled the sign-in".into()),
                },
                "the Hosted UI ended the sign-in with access_denied: User cancelled the sign-in",
                "the sign-in was cancelled or refused (at Cognito or the identity provider): run `cognito-auth login --browser` to try again",
            ),
            (
                Error::CodeExchangeRefused {
                    error: "invalid_client".into(),
                    detail: "invalid_client: bad secret".into(),
                },
                "the Hosted UI would not exchange the authorization code: invalid_client: bad secret",
                "check client_id and the client secret (`cognito-auth configure --client-secret-stdin`), and that the app client allows the authorization code grant",
            ),
            (
                Error::HostedUiRefused {
                    error: "unauthorized_client".into(),
                    detail: "unauthorized_client".into(),
                },
                "the Hosted UI refused the sign-in request: unauthorized_client",
                "enable the authorization code grant on the app client (its OAuth 2.0 settings)",
            ),
            (
                Error::InvalidPolicy {
                    file: Some("/p.json".into()),
                    reason: "not an IAM policy: it needs `Version` and `Statement`".into(),
                },
                "/p.json: not an IAM policy: it needs `Version` and `Statement`; nothing was sent",
                "",
            ),
            (
                Error::AdminCredentials {
                    detail: Some("the profile has no keys".into()),
                },
                "no AWS credentials for the admin calls: the profile has no keys",
                "set AWS_PROFILE to a profile allowed to administer Cognito and IAM, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            ),
            (
                Error::SameAwsFile {
                    path: "/h/aws".into(),
                },
                "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE both point at /h/aws: the credentials and config files must be two files",
                "",
            ),
        ];
        for (err, message, hint) in pairs {
            assert_eq!(err.to_string(), message);
            assert_eq!(err.hint().unwrap_or_default(), hint, "{message}");
        }
    }

    #[test]
    fn a_missing_home_and_an_internal_fault_are_exit_2() {
        let home = Error::NoHome {
            what: "cache",
            variable: "COGNITO_AUTH_CACHE_DIR",
        };
        assert_eq!(home.exit_code(), EXIT_USAGE);
        assert_eq!(home.hint().unwrap(), "set HOME, or COGNITO_AUTH_CACHE_DIR");
        assert_eq!(Error::Internal("x".into()).exit_code(), EXIT_USAGE);
    }
}
