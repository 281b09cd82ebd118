//! A sign-in as one transaction: the password (or the browser's tokens), the challenges, the
//! identity pool exchange, and then every write it makes, prepared before the first one lands.
//!
//! The writes are the refresh token, the session, the config file's region and the credentials
//! file's keys. All of them are made ready first (locks taken, files parsed and checked, new
//! texts written and fsynced in temp files beside their targets), then they land in that order,
//! the AWS files last: a failure at any point leaves `~/.aws` as it was. The session, which
//! lands before the keys, records their access key id as ours, so a process killed between the
//! two leaves keys the next refresh recognises and replaces.
//!
//! Nothing here prints or reads the terminal: questions go through [`Prompt`].

use crate::auth::device::{self, DeviceSecrets};
use crate::auth::{self, AppClient, AuthFlow, SignedIn, Tokens, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{self, CachedCredentials, Session, SessionLock, TokenStore};
use crate::clock;
use crate::error::{Error, Result};
use crate::hosted_ui::{self, Authorize, HostedUi, Loopback, Pkce};
use crate::identity::{self, Exchange, RoleChoice};
use crate::keystore;
use crate::sdk;
use crate::secret::Secret;
use crate::session::{self, Ensured, Want};
use crate::settings::{Setting, Settings};

/// What a sign-in may ask of the person signing in: the challenges, and a role to pick.
pub trait Prompt: auth::Prompt {
    /// One of `roles` (ARNs), or `None` to take the identity pool's choice.
    fn choose_role(&mut self, roles: &[String]) -> Result<Option<String>>;
}

/// The app client of the current settings.
pub fn app_client(settings: &Settings) -> Result<AppClient> {
    Ok(AppClient {
        user_pool_id: settings.user_pool_id()?.to_owned(),
        client_id: settings.client_id()?.to_owned(),
        client_secret: settings.client_secret.as_ref().map(|s| s.value.clone()),
    })
}

/// The app client a session was signed in through, with the secret the settings hold for it
/// (the session itself keeps no client secret).
pub fn app_for_session(settings: Option<&Settings>, session: &Session) -> AppClient {
    let secret = settings
        .filter(|s| {
            s.client_id
                .as_ref()
                .is_none_or(|c| c.value == session.client_id)
        })
        .and_then(|s| s.client_secret.as_ref())
        .map(|s| s.value.clone());
    AppClient {
        user_pool_id: session.user_pool_id.clone(),
        client_id: session.client_id.clone(),
        client_secret: secret,
    }
}

/// One sign-in into a profile: its settings, the AWS files, and whether long-term keys in the
/// profile may be replaced.
pub struct SignIn<'a> {
    pub settings: &'a Settings,
    pub files: &'a AwsFiles,
    pub force: bool,
}

impl SignIn<'_> {
    /// Refreshes the profile's live session without a password and writes its credentials
    /// into the profile (which also repairs keys a killed process left there). A session that
    /// does not match the settings, or cannot be refreshed, is [`Error::LoginRequired`]. The
    /// warning says the refresh failed and still-valid cached credentials were written.
    pub fn refresh(&self) -> Result<(Session, Option<String>)> {
        let settings = self.settings;
        let profile = &settings.profile.value;
        let stale = |reason: &str| Error::LoginRequired {
            profile: profile.clone(),
            reason: reason.into(),
        };
        let Some(cached) = cache::load(profile)? else {
            return Err(stale("nobody is signed in"));
        };
        let differs = |s: &Option<Setting>, v: &str| s.as_ref().is_some_and(|s| s.value != v);
        if differs(&settings.user_pool_id, &cached.user_pool_id)
            || differs(&settings.client_id, &cached.client_id)
            || differs(&settings.identity_pool_id, &cached.identity_pool_id)
        {
            return Err(stale(
                "the profile's settings changed since the last sign-in",
            ));
        }
        let wanted_duration = settings.duration_secs();
        if wanted_duration.is_some_and(|d| cached.role.duration != Some(d))
            || differs(
                &settings.role_arn,
                cached.role.role_arn.as_deref().unwrap_or_default(),
            )
        {
            return Err(stale("another role or duration was asked for"));
        }
        let wanted_user = settings.username.as_ref().map(|s| s.value.as_str());
        if wanted_user.is_some_and(|u| u != cached.login_name && u != cached.username) {
            return Err(stale(&format!(
                "the session belongs to {}",
                cached.username
            )));
        }
        let min_ttl = session::min_ttl()?;
        let (session, warning) =
            match session::ensure(profile, Want::Credentials, min_ttl, || Ok(settings.clone()))? {
                Ensured::Live { session, warning } => (*session, warning),
                Ensured::SignIn { reason, .. } => return Err(stale(&reason)),
            };
        self.files
            .write_login(profile, &session.credentials, &session.region, self.force)?;
        Ok((session, warning))
    }

    /// Gets a browser sign-in ready: PKCE and a fresh `state`, the authorize URL for the
    /// redirect URI of the settings.
    pub fn browser(
        &self,
        identity_provider: Option<&str>,
        scopes: &[String],
    ) -> Result<BrowserSignIn> {
        let settings = self.settings;
        let base = settings.hosted_ui_domain()?.to_owned();
        let app = app_client(settings)?;
        settings.identity_pool_id()?;
        let target = settings.redirect_uri.value.clone();
        let redirect_uri = target.uri.clone();
        let pkce = Pkce::new()?;
        let state = hosted_ui::random_token(24)?;
        let url = HostedUi::for_app(&base, &app).authorize_url(&Authorize {
            redirect_uri: &redirect_uri,
            state: &state,
            challenge: &pkce.challenge,
            scopes: &hosted_ui::scope_list(scopes),
            identity_provider,
        });
        Ok(BrowserSignIn {
            base,
            app,
            redirect_uri,
            target,
            pkce,
            state,
            url,
        })
    }

    /// The user pool sign-in: InitiateAuth and its challenges, then [`SignIn::finish`]. Without
    /// `password`, the prompt is asked for it if the sign-in turns out to need one (a one-time
    /// code by email or SMS does not).
    pub fn with_password(
        &self,
        username: &str,
        password: Option<&Secret<String>>,
        prompt: &mut dyn Prompt,
    ) -> Result<Session> {
        self.with_password_remembering(username, password, false, prompt)
    }

    /// The password sign-in as the user's remembered device, if there is one; a device the pool
    /// starts tracking is confirmed, and with `remember_device` marked remembered where that is
    /// the user's choice (`login --remember-device`).
    pub fn with_password_remembering(
        &self,
        username: &str,
        password: Option<&Secret<String>>,
        remember_device: bool,
        prompt: &mut dyn Prompt,
    ) -> Result<Session> {
        let settings = self.settings;
        let profile = settings.profile.value.as_str();
        let app = app_client(settings)?;
        let flow = settings.auth_flow();
        settings.identity_pool_id()?; // before the password goes anywhere
        let known = keystore::load_device(&app.user_pool_id, username)?;
        let (tokens, device) = sdk::block_on(async {
            let idp = sdk::user_pools(app.region());
            let method = (flow, settings.factor());
            let signed = auth::sign_in(
                &idp,
                &app,
                username,
                password,
                method,
                known.as_ref(),
                &mut *prompt,
            )
            .await?;
            match signed.flow {
                used if used == flow => {}
                AuthFlow::Choice => prompt.notice(&format!(
                    "to use it from the start: cognito-auth configure --profile {profile} --auth-flow choice --factor srp"
                )),
                _ => prompt.notice(&format!(
                    "to use SRP from the start: cognito-auth configure --profile {profile} --auth-flow srp"
                )),
            }
            let known = if signed.device_dropped {
                keystore::delete_device(&app.user_pool_id, username)?;
                None
            } else {
                known
            };
            let device = devices(
                &idp,
                &app,
                username,
                &signed,
                known,
                remember_device,
                &mut *prompt,
            )
            .await?;
            Ok::<_, Error>((signed.tokens, device))
        })?;
        self.finish_with_device(username, tokens, prompt, None, device)
    }

    /// After the user pool's tokens: the role, the identity pool exchange, then the writes as
    /// one transaction. `hosted_ui` is the Hosted UI base of a browser sign-in.
    pub fn finish(
        &self,
        username: &str,
        tokens: Tokens,
        prompt: &mut dyn Prompt,
        hosted_ui: Option<String>,
    ) -> Result<Session> {
        self.finish_with_device(username, tokens, prompt, hosted_ui, None)
    }

    /// [`SignIn::finish`] for a sign-in from a device: the session records its key.
    fn finish_with_device(
        &self,
        username: &str,
        tokens: Tokens,
        prompt: &mut dyn Prompt,
        hosted_ui: Option<String>,
        device: Option<DeviceSecrets>,
    ) -> Result<Session> {
        let settings = self.settings;
        let app = app_client(settings)?;
        let identity_pool_id = settings.identity_pool_id()?.to_owned();
        let claims = jwt::id_claims(tokens.id_token.expose()).unwrap_or_default();
        let role = choose_role(settings, &claims, prompt)?;
        let session_name = session::role_session_name(&claims.username);
        let (identity_id, creds) = sdk::block_on(
            Exchange {
                identity_pool_id: &identity_pool_id,
                user_pool_id: &app.user_pool_id,
                client_id: &app.client_id,
                id_token: &tokens.id_token,
                role: &role,
                session_name: &session_name,
            }
            .run(&sdk::identity_pools(identity::identity_pool_region(
                &identity_pool_id,
            ))),
        )?;
        let now = clock::now();
        let mut session = Session {
            username: if claims.username.is_empty() {
                username.to_owned()
            } else {
                claims.username
            },
            groups: claims.groups,
            user_pool_id: app.user_pool_id.clone(),
            client_id: app.client_id.clone(),
            identity_pool_id,
            region: settings
                .region
                .as_ref()
                .map_or(app.region(), |r| r.value.as_str())
                .to_owned(),
            identity_id,
            signed_in_at: now,
            id_token: tokens.id_token,
            access_token: tokens.access_token,
            tokens_expire: if claims.exp > 0 {
                claims.exp
            } else {
                now + 3600
            },
            refresh_token: None,
            role,
            login_name: username.to_owned(),
            credentials: CachedCredentials::new(&creds, now),
            hosted_ui,
            profile_keys: Vec::new(),
            refresh_failure: None,
            device_remembered: device.as_ref().is_some_and(|d| d.remembered),
            device_key: device.map(|d| d.device_key),
        };
        self.commit(&mut session, tokens.refresh_token.as_ref())?;
        Ok(session)
    }

    /// Lands a new session and its keys: everything prepared first, then the refresh token,
    /// the session, the config and the credentials, in that order.
    fn commit(&self, session: &mut Session, refresh_token: Option<&Secret<String>>) -> Result<()> {
        let profile = self.settings.profile.value.as_str();
        // Locks in the order every command takes them: session, refresh token, AWS files.
        let lock = SessionLock::acquire(profile)?;
        // Keys the last session wrote may still be in the profile: they stay ours, so a
        // failure below leaves them to be replaced by the next refresh. A session that cannot be
        // read claims nothing: it is replaced.
        if let Some(previous) = lock.load().ok().flatten() {
            for key in previous
                .profile_keys
                .iter()
                .chain([&previous.credentials.access_key_id])
            {
                session.claim(key);
            }
        }
        let new_key = session.credentials.access_key_id.clone();
        session.claim(&new_key);
        let token = refresh_token
            .map(|t| keystore::prepare(profile, t))
            .transpose()?;
        // The session names the store its refresh token ends up in, which is known only once
        // the keyring has answered: one prepared text for each store that can be chosen.
        let mut prepared_sessions = Vec::new();
        match &token {
            None => prepared_sessions.push((None, lock.prepare(session)?)),
            Some(token) => {
                for store in token.candidates() {
                    session.refresh_token = Some(store);
                    prepared_sessions.push((Some(store), lock.prepare(session)?));
                }
            }
        }
        let files =
            self.files
                .prepare_login(profile, &session.credentials, &session.region, self.force)?;
        // Everything is ready: from here on, only the renames.
        let store: Option<TokenStore> = token.map(keystore::PreparedToken::commit).transpose()?;
        session.refresh_token = store;
        let (_, text) = prepared_sessions
            .into_iter()
            .find(|(s, _)| *s == store)
            .expect("a session was prepared for every store");
        text.commit()?;
        files.commit()
    }
}

/// A browser sign-in under way: the command sends the person to [`BrowserSignIn::url`], waits
/// for the callback on [`BrowserSignIn::target`], and hands the code to
/// [`BrowserSignIn::finish`].
pub struct BrowserSignIn {
    base: String,
    app: AppClient,
    redirect_uri: String,
    target: Loopback,
    pkce: Pkce,
    state: String,
    url: String,
}

impl BrowserSignIn {
    /// The Hosted UI page to open.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Where the browser is sent back to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The loopback address to listen on.
    pub fn target(&self) -> &Loopback {
        &self.target
    }

    /// The `state` a callback must carry.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// Asks the Hosted UI whether it accepts the authorize URL, before a browser is sent there.
    pub async fn check(&self) -> Result<()> {
        HostedUi::for_app(&self.base, &self.app)
            .check_authorize(&self.url, &self.redirect_uri)
            .await
    }

    /// Exchanges the callback's code for tokens, then the identity exchange and the writes,
    /// as for a password sign-in.
    pub fn finish(
        self,
        sign_in: &SignIn,
        code: &Secret<String>,
        prompt: &mut dyn Prompt,
    ) -> Result<Session> {
        let ui = HostedUi::for_app(&self.base, &self.app);
        let response =
            sdk::block_on(ui.exchange_code(code, &self.pkce.verifier, &self.redirect_uri))?;
        let id_token = response.id_token.ok_or(Error::NoIdToken)?;
        let tokens = Tokens {
            id_token,
            access_token: response.access_token,
            refresh_token: response.refresh_token,
        };
        let claims = jwt::id_claims(tokens.id_token.expose()).unwrap_or_default();
        sign_in.finish(&claims.username, tokens, prompt, Some(self.base))
    }
}

/// The error for a callback that ended the sign-in with an OAuth error.
pub fn denied(error: &str, description: Option<&str>) -> Error {
    Error::AuthorizationDenied {
        error: error.to_owned(),
        description: description.map(str::to_owned),
    }
}

/// After the user pool's tokens: confirms a device the pool has started tracking (and keeps
/// its secrets), marks the device remembered when asked to. A device step that fails leaves
/// the sign-in standing, with a notice: the user is signed in, only not as a remembered device.
async fn devices(
    idp: &aws_sdk_cognitoidentityprovider::Client,
    app: &AppClient,
    username: &str,
    signed: &SignedIn,
    known: Option<DeviceSecrets>,
    remember: bool,
    prompt: &mut dyn Prompt,
) -> Result<Option<DeviceSecrets>> {
    let access = &signed.tokens.access_token;
    let mut current = known;
    if let Some(new) = &signed.new_device {
        match device::confirm(idp, app, username, access, new).await {
            Ok((secrets, choice)) => {
                if choice && !remember {
                    prompt.notice(&format!(
                        "this device ({}) is tracked but not remembered, so MFA is still asked; `cognito-auth login --remember-device` remembers it",
                        secrets.device_key
                    ));
                }
                current = Some(secrets);
            }
            Err(e) => {
                prompt.notice(&format!("this device could not be confirmed: {e}"));
                return Ok(None);
            }
        }
    }
    if signed.device_verified
        && let Some(known) = current.as_mut()
    {
        known.remembered = true;
    }
    let Some(mut secrets) = current else {
        if remember {
            prompt.notice(
                "--remember-device: the user pool did not track this device (device tracking is off for it)",
            );
        }
        return Ok(None);
    };
    if remember && !secrets.remembered {
        match device::remember(idp, app, username, access, &secrets.device_key).await {
            Ok(()) => {
                secrets.remembered = true;
                prompt.notice(&format!(
                    "this device ({}) is remembered: its next sign-ins skip MFA",
                    secrets.device_key
                ));
            }
            Err(e) => prompt.notice(&format!("this device could not be remembered: {e}")),
        }
    }
    keystore::save_device(&app.user_pool_id, username, &secrets)?;
    Ok(Some(secrets))
}

/// The role and lifetime to ask for: `--role-arn` / `role_arn` and `--duration` / `duration`;
/// for the basic flow without a role, the token's preferred role; and with several roles on
/// offer and none chosen, the prompt's pick (the enhanced flow's CustomRoleArn).
fn choose_role(
    settings: &Settings,
    claims: &jwt::IdClaims,
    prompt: &mut dyn Prompt,
) -> Result<RoleChoice> {
    let duration = settings.duration_secs();
    let mut role_arn = settings.role_arn.as_ref().map(|r| r.value.clone());
    if role_arn.is_none() && duration.is_some() {
        role_arn = claims
            .preferred_role
            .clone()
            .or_else(|| match claims.roles.as_slice() {
                [only] => Some(only.clone()),
                _ => None,
            });
    }
    if role_arn.is_none() && claims.roles.len() > 1 {
        role_arn = prompt.choose_role(&claims.roles)?;
    }
    Ok(RoleChoice { role_arn, duration })
}
