//! `cognito-auth admin`: the customer-file-access stack of the seeds, set up in one call and
//! idempotently (every resource is found by name before anything is created), plus the IAM
//! checks `role info` makes. Admin calls are signed with the standard AWS credential chain and
//! honour the SDK's endpoint variables. Nothing here prints; callers render the [`Step`]s.

pub mod policy;

use std::collections::BTreeMap;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cognitoidentity as identity;
use aws_sdk_cognitoidentity::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider as idp;
use aws_sdk_cognitoidentityprovider::config::ProvideCredentials;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam as iam;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::identity::provider_name;
use policy::Template;

/// Access a tier's role grants to its own objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Rw,
    Ro,
}

/// One tier: a group `<name>-users`, a role, an S3 policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tier {
    pub name: String,
    pub access: Access,
}

impl Tier {
    pub fn group(&self) -> String {
        format!("{}-users", self.name)
    }
}

/// `premium=rw,basic=ro`: tiers in order of precedence (the first is precedence 1).
pub fn parse_tiers(text: &str) -> Result<Vec<Tier>> {
    let bad = || Error::InvalidValue {
        what: "tiers".into(),
        value: text.to_owned(),
        expected: "NAME=rw|ro pairs separated by commas, e.g. premium=rw,basic=ro",
    };
    let mut tiers = Vec::new();
    for part in text.split(',') {
        let (name, access) = part.trim().split_once('=').ok_or_else(bad)?;
        let access = match access {
            "rw" => Access::Rw,
            "ro" => Access::Ro,
            _ => return Err(bad()),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(bad());
        }
        if tiers.iter().any(|t: &Tier| t.name == name) {
            return Err(bad());
        }
        tiers.push(Tier {
            name: name.to_owned(),
            access,
        });
    }
    Ok(tiers)
}

/// What happened to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    Found,
    Updated,
    /// The endpoint does not implement the call (moto has no role mappings).
    Unsupported,
}

/// One resource of the stack.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub resource: &'static str,
    pub name: String,
    pub id: Option<String>,
    pub status: Status,
    pub detail: Option<String>,
}

/// What `bootstrap` is asked to build.
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub tiers: Vec<Tier>,
    pub bucket: String,
    pub client_secret: bool,
    pub test_users: bool,
}

/// A test user made by `--test-users`, with the password it was given.
#[derive(Debug, Clone, Serialize)]
pub struct TestUser {
    pub username: String,
    pub group: String,
    /// Only when the user was created now; an existing user keeps its password.
    pub password: Option<crate::secret::Secret<String>>,
}

/// The ids a profile needs, and everything done.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    #[serde(skip)]
    pub client_secret: Option<crate::secret::Secret<String>>,
    pub identity_pool_id: String,
    pub steps: Vec<Step>,
    pub test_users: Vec<TestUser>,
}

impl Outcome {
    /// Whether every step was applied.
    pub fn complete(&self) -> bool {
        self.steps.iter().all(|s| s.status != Status::Unsupported)
    }
}

/// Clients for the admin calls, signed with the standard credential chain.
pub struct Admin {
    idp: idp::Client,
    identity: identity::Client,
    iam: iam::Client,
    region: String,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Admin {
    /// Loads the AWS configuration (profile, environment, credentials) for `region` and checks
    /// that there are credentials before any call is made.
    pub async fn connect(region: &str) -> Result<Self> {
        let config: SdkConfig = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .load()
            .await;
        let provider = config.credentials_provider().ok_or_else(no_credentials)?;
        provider.provide_credentials().await.map_err(|e| Error::Refused {
            message: format!("no AWS credentials for the admin calls: {e}"),
            hint: "set AWS_PROFILE to a profile allowed to administer Cognito and IAM, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
        })?;
        Ok(Self {
            idp: idp::Client::new(&config),
            identity: identity::Client::new(&config),
            iam: iam::Client::new(&config),
            region: region.to_owned(),
        })
    }

    /// Creates or finds every resource of the plan, in dependency order.
    pub async fn bootstrap(&self, plan: &Plan) -> Result<Outcome> {
        let mut steps = Vec::new();
        let pool_id = self.user_pool(&plan.name, &mut steps).await?;
        for (i, tier) in plan.tiers.iter().enumerate() {
            self.group(&pool_id, &tier.group(), i as i32 + 1, &mut steps)
                .await?;
        }
        let (client_id, client_secret) = self
            .app_client(&pool_id, &plan.name, plan.client_secret, &mut steps)
            .await?;
        let identity_pool_id = self
            .identity_pool(&plan.name, &pool_id, &client_id, &mut steps)
            .await?;
        let mut role_arns = Vec::new();
        for tier in &plan.tiers {
            role_arns.push(self.role(plan, tier, &identity_pool_id, &mut steps).await?);
        }
        self.role_mappings(
            &identity_pool_id,
            &pool_id,
            &client_id,
            plan,
            &role_arns,
            &mut steps,
        )
        .await?;
        let mut test_users = Vec::new();
        if plan.test_users {
            for (user, tier) in ["alice", "bob"].iter().zip(&plan.tiers) {
                let username = format!("{user}-{}", tier.name);
                test_users.push(
                    self.test_user(&pool_id, &username, &tier.group(), &mut steps)
                        .await?,
                );
            }
        }
        Ok(Outcome {
            region: self.region.clone(),
            user_pool_id: pool_id,
            client_id,
            client_secret,
            identity_pool_id,
            steps,
            test_users,
        })
    }

    async fn user_pool(&self, name: &str, steps: &mut Vec<Step>) -> Result<String> {
        let mut next = None;
        loop {
            let page = self
                .idp
                .list_user_pools()
                .max_results(60)
                .set_next_token(next)
                .send()
                .await
                .map_err(|e| refused("cognito-idp:ListUserPools", e))?;
            if let Some(found) = page.user_pools().iter().find(|p| p.name() == Some(name)) {
                let id = found.id().unwrap_or_default().to_owned();
                steps.push(step("user pool", name, Some(&id), Status::Found, None));
                return Ok(id);
            }
            next = page.next_token;
            if next.is_none() {
                break;
            }
        }
        use idp::types::{AdminCreateUserConfigType, PasswordPolicyType, UserPoolPolicyType};
        let pool = self
            .idp
            .create_user_pool()
            .pool_name(name)
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        PasswordPolicyType::builder()
                            .minimum_length(8)
                            .require_uppercase(true)
                            .require_lowercase(true)
                            .require_numbers(true)
                            .require_symbols(false)
                            .build(),
                    )
                    .build(),
            )
            .admin_create_user_config(
                AdminCreateUserConfigType::builder()
                    .allow_admin_create_user_only(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| refused("cognito-idp:CreateUserPool", e))?;
        let id = pool.user_pool.and_then(|p| p.id).unwrap_or_default();
        steps.push(step(
            "user pool",
            name,
            Some(&id),
            Status::Created,
            Some("password policy: 8+ characters, upper, lower, digits"),
        ));
        Ok(id)
    }

    async fn group(
        &self,
        pool_id: &str,
        group: &str,
        precedence: i32,
        steps: &mut Vec<Step>,
    ) -> Result<()> {
        let detail = format!("precedence {precedence}");
        match self
            .idp
            .get_group()
            .user_pool_id(pool_id)
            .group_name(group)
            .send()
            .await
        {
            Ok(_) => {
                steps.push(step("group", group, None, Status::Found, Some(&detail)));
                return Ok(());
            }
            Err(e) if e.code() == Some("ResourceNotFoundException") => {}
            Err(e) => return Err(refused("cognito-idp:GetGroup", e)),
        }
        self.idp
            .create_group()
            .user_pool_id(pool_id)
            .group_name(group)
            .precedence(precedence)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:CreateGroup", e))?;
        steps.push(step("group", group, None, Status::Created, Some(&detail)));
        Ok(())
    }

    async fn app_client(
        &self,
        pool_id: &str,
        name: &str,
        secret: bool,
        steps: &mut Vec<Step>,
    ) -> Result<(String, Option<crate::secret::Secret<String>>)> {
        let client_name = format!("{name}-cli");
        let list = self
            .idp
            .list_user_pool_clients()
            .user_pool_id(pool_id)
            .max_results(60)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:ListUserPoolClients", e))?;
        if let Some(found) = list
            .user_pool_clients()
            .iter()
            .find(|c| c.client_name() == Some(client_name.as_str()))
        {
            let id = found.client_id().unwrap_or_default().to_owned();
            let described = self
                .idp
                .describe_user_pool_client()
                .user_pool_id(pool_id)
                .client_id(&id)
                .send()
                .await
                .map_err(|e| refused("cognito-idp:DescribeUserPoolClient", e))?;
            let secret = described
                .user_pool_client
                .and_then(|c| c.client_secret)
                .map(crate::secret::Secret::new);
            steps.push(step(
                "app client",
                &client_name,
                Some(&id),
                Status::Found,
                None,
            ));
            return Ok((id, secret));
        }
        use idp::types::ExplicitAuthFlowsType as F;
        let created = self
            .idp
            .create_user_pool_client()
            .user_pool_id(pool_id)
            .client_name(&client_name)
            .generate_secret(secret)
            .set_explicit_auth_flows(Some(vec![
                F::AllowUserPasswordAuth,
                F::AllowUserSrpAuth,
                F::AllowRefreshTokenAuth,
            ]))
            .send()
            .await
            .map_err(|e| refused("cognito-idp:CreateUserPoolClient", e))?
            .user_pool_client
            .unwrap_or_else(|| idp::types::UserPoolClientType::builder().build());
        let id = created.client_id.clone().unwrap_or_default();
        let detail = if secret {
            "with a client secret; flows: password, SRP, refresh"
        } else {
            "public; flows: password, SRP, refresh"
        };
        steps.push(step(
            "app client",
            &client_name,
            Some(&id),
            Status::Created,
            Some(detail),
        ));
        Ok((id, created.client_secret.map(crate::secret::Secret::new)))
    }

    async fn identity_pool(
        &self,
        name: &str,
        pool_id: &str,
        client_id: &str,
        steps: &mut Vec<Step>,
    ) -> Result<String> {
        // Identity pool names allow letters, digits, `_` and spaces only.
        let pool_name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let list = self
            .identity
            .list_identity_pools()
            .max_results(60)
            .send()
            .await
            .map_err(|e| refused("cognito-identity:ListIdentityPools", e))?;
        if let Some(found) = list
            .identity_pools()
            .iter()
            .find(|p| p.identity_pool_name() == Some(pool_name.as_str()))
        {
            let id = found.identity_pool_id().unwrap_or_default().to_owned();
            steps.push(step(
                "identity pool",
                &pool_name,
                Some(&id),
                Status::Found,
                None,
            ));
            return Ok(id);
        }
        let created = self
            .identity
            .create_identity_pool()
            .identity_pool_name(&pool_name)
            .allow_unauthenticated_identities(false)
            .allow_classic_flow(true)
            .cognito_identity_providers(
                identity::types::CognitoIdentityProvider::builder()
                    .provider_name(provider_name(pool_id))
                    .client_id(client_id)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| refused("cognito-identity:CreateIdentityPool", e))?;
        let id = created.identity_pool_id;
        steps.push(step(
            "identity pool",
            &pool_name,
            Some(&id),
            Status::Created,
            Some("authenticated only; basic flow on (for --duration)"),
        ));
        Ok(id)
    }

    async fn role(
        &self,
        plan: &Plan,
        tier: &Tier,
        identity_pool_id: &str,
        steps: &mut Vec<Step>,
    ) -> Result<String> {
        let role_name = role_name(&plan.name, &tier.name);
        let trust = Template::CognitoTrust.render(&[("IDENTITY_POOL_ID", identity_pool_id)])?;
        let arn = match self.iam.get_role().role_name(&role_name).send().await {
            Ok(out) => {
                let role = out
                    .role
                    .ok_or_else(|| Error::Usage(format!("IAM returned no role for {role_name}")))?;
                let current = role
                    .assume_role_policy_document()
                    .map(url_decode)
                    .unwrap_or_default();
                if same_json(&current, &trust) {
                    steps.push(step(
                        "role",
                        &role_name,
                        Some(role.arn()),
                        Status::Found,
                        None,
                    ));
                } else {
                    self.iam
                        .update_assume_role_policy()
                        .role_name(&role_name)
                        .policy_document(&trust)
                        .send()
                        .await
                        .map_err(|e| refused("iam:UpdateAssumeRolePolicy", e))?;
                    steps.push(step(
                        "role",
                        &role_name,
                        Some(role.arn()),
                        Status::Updated,
                        Some("trust policy now names this identity pool"),
                    ));
                }
                role.arn().to_owned()
            }
            Err(e) if e.code() == Some("NoSuchEntity") => {
                let out = self
                    .iam
                    .create_role()
                    .role_name(&role_name)
                    .assume_role_policy_document(&trust)
                    .max_session_duration(43_200)
                    .description(format!(
                        "{} tier of {} (cognito-auth)",
                        tier.name, plan.name
                    ))
                    .send()
                    .await
                    .map_err(|e| refused("iam:CreateRole", e))?;
                let arn = out.role.map(|r| r.arn).unwrap_or_default();
                steps.push(step(
                    "role",
                    &role_name,
                    Some(&arn),
                    Status::Created,
                    Some("trust: this identity pool, authenticated; 12 h sessions"),
                ));
                arn
            }
            Err(e) => return Err(refused("iam:GetRole", e)),
        };
        let policy_name = format!("{}-s3", tier.name);
        let template = match tier.access {
            Access::Rw => Template::S3ReadWrite,
            Access::Ro => Template::S3ReadOnly,
        };
        let document = template.render(&[("BUCKET", &plan.bucket), ("PREFIX", "")])?;
        let current = match self
            .iam
            .get_role_policy()
            .role_name(&role_name)
            .policy_name(&policy_name)
            .send()
            .await
        {
            Ok(out) => Some(url_decode(out.policy_document())),
            Err(e) if e.code() == Some("NoSuchEntity") => None,
            Err(e) => return Err(refused("iam:GetRolePolicy", e)),
        };
        let detail = format!("{} on s3://{}/<identity>/", template.file(), plan.bucket);
        if current.as_deref().is_some_and(|c| same_json(c, &document)) {
            steps.push(step(
                "inline policy",
                &format!("{role_name}/{policy_name}"),
                None,
                Status::Found,
                Some(&detail),
            ));
        } else {
            self.iam
                .put_role_policy()
                .role_name(&role_name)
                .policy_name(&policy_name)
                .policy_document(&document)
                .send()
                .await
                .map_err(|e| refused("iam:PutRolePolicy", e))?;
            let status = if current.is_some() {
                Status::Updated
            } else {
                Status::Created
            };
            steps.push(step(
                "inline policy",
                &format!("{role_name}/{policy_name}"),
                None,
                status,
                Some(&detail),
            ));
        }
        Ok(arn)
    }

    async fn role_mappings(
        &self,
        identity_pool_id: &str,
        pool_id: &str,
        client_id: &str,
        plan: &Plan,
        role_arns: &[String],
        steps: &mut Vec<Step>,
    ) -> Result<()> {
        use identity::types::{
            AmbiguousRoleResolutionType, MappingRule, MappingRuleMatchType, RoleMapping,
            RoleMappingType, RulesConfigurationType,
        };
        let provider = format!("{}:{client_id}", provider_name(pool_id));
        let mut rules = RulesConfigurationType::builder();
        for (tier, arn) in plan.tiers.iter().zip(role_arns) {
            rules = rules.rules(
                MappingRule::builder()
                    .claim("cognito:groups")
                    .match_type(MappingRuleMatchType::Contains)
                    .value(tier.group())
                    .role_arn(arn)
                    .build()
                    .map_err(|e| Error::Usage(e.to_string()))?,
            );
        }
        let mapping = RoleMapping::builder()
            .r#type(RoleMappingType::Rules)
            .ambiguous_role_resolution(AmbiguousRoleResolutionType::AuthenticatedRole)
            .rules_configuration(rules.build().map_err(|e| Error::Usage(e.to_string()))?)
            .build()
            .map_err(|e| Error::Usage(e.to_string()))?;
        let default_role = role_arns.last().cloned().unwrap_or_default();
        let name = "cognito:groups rules";
        let detail = format!(
            "default role for users without a group: {}",
            role_name(
                &plan.name,
                &plan
                    .tiers
                    .last()
                    .map(|t| t.name.clone())
                    .unwrap_or_default()
            )
        );
        match self
            .identity
            .set_identity_pool_roles()
            .identity_pool_id(identity_pool_id)
            .roles("authenticated", &default_role)
            .role_mappings(&provider, mapping)
            .send()
            .await
        {
            Ok(_) => steps.push(step(
                "role mappings",
                name,
                None,
                Status::Updated,
                Some(&detail),
            )),
            Err(e) if is_denied(&e) => {
                return Err(refused("cognito-identity:SetIdentityPoolRoles", e));
            }
            Err(e) => steps.push(step(
                "role mappings",
                name,
                None,
                Status::Unsupported,
                Some(&format!(
                    "SetIdentityPoolRoles not applied: {}",
                    describe(&e)
                )),
            )),
        }
        Ok(())
    }

    async fn test_user(
        &self,
        pool_id: &str,
        username: &str,
        group: &str,
        steps: &mut Vec<Step>,
    ) -> Result<TestUser> {
        let detail = format!("in {group}");
        match self
            .idp
            .admin_get_user()
            .user_pool_id(pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(_) => {
                steps.push(step(
                    "test user",
                    username,
                    None,
                    Status::Found,
                    Some(&detail),
                ));
                return Ok(TestUser {
                    username: username.to_owned(),
                    group: group.to_owned(),
                    password: None,
                });
            }
            Err(e) if e.code() == Some("UserNotFoundException") => {}
            Err(e) => return Err(refused("cognito-idp:AdminGetUser", e)),
        }
        let password = random_password()?;
        self.idp
            .admin_create_user()
            .user_pool_id(pool_id)
            .username(username)
            .message_action(idp::types::MessageActionType::Suppress)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:AdminCreateUser", e))?;
        self.idp
            .admin_set_user_password()
            .user_pool_id(pool_id)
            .username(username)
            .password(&password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:AdminSetUserPassword", e))?;
        self.idp
            .admin_add_user_to_group()
            .user_pool_id(pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:AdminAddUserToGroup", e))?;
        steps.push(step(
            "test user",
            username,
            None,
            Status::Created,
            Some(&detail),
        ));
        Ok(TestUser {
            username: username.to_owned(),
            group: group.to_owned(),
            password: Some(crate::secret::Secret::new(password)),
        })
    }

    /// Attaches an inline policy (already validated) to a role.
    pub async fn apply_policy(&self, role: &str, name: &str, document: &str) -> Result<()> {
        self.iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(document)
            .send()
            .await
            .map_err(|e| refused("iam:PutRolePolicy", e))?;
        Ok(())
    }

    /// The roles of an identity pool (from its role settings, or else every role whose trust
    /// policy names it), with their trust and inline policies and the problems found.
    pub async fn role_info(
        &self,
        identity_pool_id: &str,
        duration: Option<i32>,
    ) -> Result<RoleReport> {
        let mut report = RoleReport {
            identity_pool_id: identity_pool_id.to_owned(),
            ..RoleReport::default()
        };
        let mut arns: Vec<String> = Vec::new();
        match self.identity.get_identity_pool_roles().identity_pool_id(identity_pool_id).send().await {
            Ok(out) => {
                for (kind, arn) in out.roles.unwrap_or_default() {
                    report.pool_roles.insert(kind, arn.clone());
                    arns.push(arn);
                }
                for (provider, mapping) in out.role_mappings.unwrap_or_default() {
                    for rule in mapping.rules_configuration.map(|r| r.rules).unwrap_or_default() {
                        report.rules.push(format!(
                            "{provider}: {} {} {} -> {}",
                            rule.claim,
                            rule.match_type.as_str(),
                            rule.value,
                            rule.role_arn
                        ));
                        arns.push(rule.role_arn);
                    }
                }
            }
            Err(e) if is_denied(&e) => return Err(refused("cognito-identity:GetIdentityPoolRoles", e)),
            Err(e) => report.notes.push(format!(
                "GetIdentityPoolRoles not answered ({}); listing the roles whose trust policy names this pool",
                describe(&e)
            )),
        }
        let mut marker = None;
        let mut all_roles = Vec::new();
        loop {
            let page = self
                .iam
                .list_roles()
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| refused("iam:ListRoles", e))?;
            all_roles.extend(page.roles);
            marker = page.marker;
            if marker.is_none() {
                break;
            }
        }
        for role in &all_roles {
            let trust = role
                .assume_role_policy_document()
                .map(url_decode)
                .unwrap_or_default();
            if trust.contains(identity_pool_id) && !arns.iter().any(|a| a == role.arn()) {
                arns.push(role.arn().to_owned());
            }
        }
        arns.sort();
        arns.dedup();
        for arn in arns {
            let name = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
            let Some(role) = all_roles.iter().find(|r| r.arn() == arn) else {
                report.roles.push(RoleView {
                    arn,
                    problems: vec!["the role does not exist".into()],
                    ..RoleView::default()
                });
                continue;
            };
            let trust = role
                .assume_role_policy_document()
                .map(url_decode)
                .unwrap_or_default();
            let names = self
                .iam
                .list_role_policies()
                .role_name(&name)
                .send()
                .await
                .map_err(|e| refused("iam:ListRolePolicies", e))?;
            let mut inline = BTreeMap::new();
            for policy in names.policy_names() {
                let doc = self
                    .iam
                    .get_role_policy()
                    .role_name(&name)
                    .policy_name(policy)
                    .send()
                    .await
                    .map_err(|e| refused("iam:GetRolePolicy", e))?;
                inline.insert(
                    policy.clone(),
                    serde_json::from_str(&url_decode(doc.policy_document()))
                        .unwrap_or(serde_json::Value::Null),
                );
            }
            let max = role.max_session_duration().unwrap_or(3600);
            let problems = trust_problems(&trust, identity_pool_id, max, duration);
            report.roles.push(RoleView {
                arn,
                max_session_duration: max,
                trust: serde_json::from_str(&trust).unwrap_or(serde_json::Value::Null),
                inline_policies: inline,
                problems,
            });
        }
        Ok(report)
    }
}

/// What `admin role info` reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoleReport {
    pub identity_pool_id: String,
    pub pool_roles: BTreeMap<String, String>,
    pub rules: Vec<String>,
    pub roles: Vec<RoleView>,
    pub notes: Vec<String>,
}

/// One role as `admin role info` shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoleView {
    pub arn: String,
    pub max_session_duration: i32,
    pub trust: serde_json::Value,
    pub inline_policies: BTreeMap<String, serde_json::Value>,
    pub problems: Vec<String>,
}

/// The problems of a role's trust policy for this pool and the profile's duration.
pub fn trust_problems(
    trust: &str,
    identity_pool_id: &str,
    max_session: i32,
    duration: Option<i32>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let doc: serde_json::Value = serde_json::from_str(trust).unwrap_or(serde_json::Value::Null);
    let statements: Vec<serde_json::Value> = match &doc["Statement"] {
        serde_json::Value::Array(s) => s.clone(),
        serde_json::Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    let actions = |s: &serde_json::Value| -> Vec<String> {
        match &s["Action"] {
            serde_json::Value::String(a) => vec![a.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let web_identity: Vec<&serde_json::Value> = statements
        .iter()
        .filter(|s| {
            s["Effect"] == "Allow"
                && actions(s)
                    .iter()
                    .any(|a| a == "sts:AssumeRoleWithWebIdentity" || a == "sts:*")
        })
        .collect();
    if web_identity.is_empty() {
        problems.push("the trust policy does not allow sts:AssumeRoleWithWebIdentity".into());
    }
    for s in &web_identity {
        let aud = &s["Condition"]["StringEquals"]["cognito-identity.amazonaws.com:aud"];
        let auds: Vec<&str> = match aud {
            serde_json::Value::String(a) => vec![a.as_str()],
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        };
        if auds.is_empty() {
            problems.push("the trust policy does not pin `cognito-identity.amazonaws.com:aud`: any identity pool could assume the role".into());
        } else if !auds.contains(&identity_pool_id) {
            problems.push(format!(
                "the trust policy's `aud` is {}, not this identity pool",
                auds.join(", ")
            ));
        }
        if s["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"]
            != "authenticated"
        {
            problems.push("the trust policy does not require `amr` authenticated".into());
        }
    }
    if let Some(d) = duration.filter(|d| *d > max_session) {
        problems.push(format!(
            "MaxSessionDuration is {} s, shorter than the profile's duration of {d} s",
            max_session
        ));
    }
    problems
}

fn step(
    resource: &'static str,
    name: &str,
    id: Option<&str>,
    status: Status,
    detail: Option<&str>,
) -> Step {
    Step {
        resource,
        name: name.to_owned(),
        id: id.map(str::to_owned),
        status,
        detail: detail.map(str::to_owned),
    }
}

/// The role of a tier: `<name>-<tier>`, in IAM's alphabet, at most 64 characters.
pub fn role_name(stack: &str, tier: &str) -> String {
    let mut name: String = format!("{stack}-{tier}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(64);
    name
}

fn same_json(a: &str, b: &str) -> bool {
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
    parse(a).is_some() && parse(a) == parse(b)
}

/// IAM returns policy documents percent-encoded.
pub fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn random_password() -> Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| Error::Usage(format!("no randomness: {e}")))?;
    let body: String = bytes.iter().map(|b| (b'a' + b % 26) as char).collect();
    // Satisfies the seeds' policy: upper, lower, digits, 8+ characters.
    Ok(format!("Test{body}{}", u32::from(bytes[0]) % 90 + 10))
}

fn is_denied<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(
        e.code(),
        Some(
            "AccessDenied"
                | "AccessDeniedException"
                | "NotAuthorizedException"
                | "UnauthorizedOperation"
                | "UnrecognizedClientException"
                | "InvalidClientTokenId"
        )
    )
}

/// An SDK error in one line: the service's code and message, else the HTTP status.
fn describe<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, HttpResponse>,
) -> String {
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => match e.raw_response() {
            Some(raw) => format!("HTTP {} without an AWS error", raw.status().as_u16()),
            None => aws_smithy_types::error::display::DisplayErrorContext(e).to_string(),
        },
    }
}

fn no_credentials() -> Error {
    Error::Refused {
        message: "no AWS credentials for the admin calls".into(),
        hint: "set AWS_PROFILE to a profile allowed to administer Cognito and IAM, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
    }
}

/// An admin call that failed, named by its IAM action.
fn refused<E>(action: &'static str, e: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let hint = if is_denied(&e) {
        format!("the admin credentials need permission for {action}")
    } else if matches!(e, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) {
        "check the network, the region, and any AWS_ENDPOINT_URL* variable".into()
    } else {
        format!("{action} is needed for this step")
    };
    Error::Refused {
        message: format!("{action} failed: {}", describe(&e)),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_parse_in_order() {
        let tiers = parse_tiers("premium=rw,basic=ro").unwrap();
        assert_eq!(
            tiers[0],
            Tier {
                name: "premium".into(),
                access: Access::Rw
            }
        );
        assert_eq!(tiers[1].group(), "basic-users");
        for bad in ["", "premium", "premium=rx", "a=rw,a=ro", "pre mium=rw"] {
            assert!(parse_tiers(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_names_fit_iam() {
        assert_eq!(
            role_name("customer-files", "premium"),
            "customer-files-premium"
        );
        assert_eq!(role_name("a b/c", "x"), "a-b-c-x");
        assert_eq!(role_name(&"n".repeat(80), "t").len(), 64);
    }

    #[test]
    fn decodes_iam_documents() {
        assert_eq!(url_decode("%7B%22a%22%3A%201%7D"), "{\"a\": 1}");
        assert_eq!(url_decode("100%"), "100%");
    }

    #[test]
    fn trust_problems_are_called_out() {
        let pool = "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        let good = Template::CognitoTrust
            .render(&[("IDENTITY_POOL_ID", pool)])
            .unwrap();
        assert!(trust_problems(&good, pool, 43_200, Some(43_200)).is_empty());
        let other = trust_problems(
            &good,
            "us-east-1:00000000-0000-0000-0000-000000000000",
            3600,
            Some(7200),
        );
        assert!(other[0].contains("not this identity pool"), "{other:?}");
        assert!(
            other[1].contains("MaxSessionDuration is 3600 s"),
            "{other:?}"
        );
        let ec2 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(
            trust_problems(ec2, pool, 3600, None),
            ["the trust policy does not allow sts:AssumeRoleWithWebIdentity"]
        );
    }

    #[test]
    fn random_passwords_meet_the_seed_policy() {
        let p = random_password().unwrap();
        assert!(p.len() >= 8);
        assert!(p.chars().any(|c| c.is_ascii_uppercase()));
        assert!(p.chars().any(|c| c.is_ascii_lowercase()));
        assert!(p.chars().any(|c| c.is_ascii_digit()));
    }
}
