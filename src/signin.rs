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

use crate::auth::{self, AppClient, AuthFlow, Tokens, jwt};
use crate::awsfiles::AwsFiles;
use crate::cache::{CachedCredentials, Session, SessionLock, TokenStore};
use crate::clock;
use crate::error::{Error, Result};
use crate::identity::{self, Exchange, RoleChoice};
use crate::keystore;
use crate::sdk;
use crate::secret::Secret;
use crate::session;
use crate::settings::Settings;

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
    /// The password sign-in: InitiateAuth and its challenges, then [`SignIn::finish`].
    pub fn with_password(
        &self,
        username: &str,
        password: &Secret<String>,
        prompt: &mut dyn Prompt,
    ) -> Result<Session> {
        let settings = self.settings;
        let profile = settings.profile.value.as_str();
        let app = app_client(settings)?;
        let flow = match settings.auth_flow.as_ref().map(|s| s.value.as_str()) {
            Some("srp") => AuthFlow::Srp,
            _ => AuthFlow::Password,
        };
        settings.identity_pool_id()?; // before the password goes anywhere
        let tokens = sdk::block_on(async {
            let idp = sdk::user_pools(app.region());
            let (tokens, used) =
                auth::sign_in(&idp, &app, username, password, flow, &mut *prompt).await?;
            if used != flow {
                prompt.notice(&format!(
                    "to use SRP from the start: cognito-auth configure --profile {profile} --auth-flow srp"
                ));
            }
            Ok::<_, Error>(tokens)
        })?;
        self.finish(username, tokens, prompt, None)
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
        // failure below leaves them to be replaced by the next refresh.
        if let Some(previous) = lock.load()? {
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

/// The role and lifetime to ask for: `--role-arn` / `role_arn` and `--duration` / `duration`;
/// for the basic flow without a role, the token's preferred role; and with several roles on
/// offer and none chosen, the prompt's pick (the enhanced flow's CustomRoleArn).
fn choose_role(
    settings: &Settings,
    claims: &jwt::IdClaims,
    prompt: &mut dyn Prompt,
) -> Result<RoleChoice> {
    let duration = settings
        .duration
        .as_ref()
        .and_then(|d| crate::settings::parse_duration(&d.value));
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
