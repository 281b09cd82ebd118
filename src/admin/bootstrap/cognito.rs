//! The Cognito steps of a bootstrap: the user pool, its groups, app client and test users, the
//! identity pool, and the identity pool's role mappings.

use aws_sdk_cognitoidentity as identity;
use aws_sdk_cognitoidentityprovider as idp;
use idp::operation::admin_get_user::AdminGetUserError;
use idp::operation::get_group::GetGroupError;

use super::{Run, TestUser, role_name};
use crate::admin::errors::{describe, is_denied, refused};
use crate::admin::paging::{Made, find_or_create, paged};
use crate::error::{Error, Result};
use crate::identity::provider_name;
use crate::secret::Secret;

/// Cognito's largest page for ListUserPools, ListUserPoolClients and ListIdentityPools.
const PAGE: i32 = 60;

impl Run<'_> {
    /// The user pool named after the stack.
    pub(super) async fn user_pool(&mut self) -> Result<String> {
        use idp::types::{AdminCreateUserConfigType, PasswordPolicyType, UserPoolPolicyType};
        let name = self.plan.name.as_str();
        let idp = &self.admin.idp;
        let pools = idp
            .list_user_pools()
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send();
        let made = find_or_create(
            paged("cognito-idp:ListUserPools", pools),
            |p| (p.name() == Some(name)).then(|| p.id.unwrap_or_default()),
            async || {
                let pool = idp
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
                Ok(pool.user_pool.and_then(|p| p.id).unwrap_or_default())
            },
        )
        .await?;
        let step = self.steps.record(made.status(), "user pool", name);
        if let Made::Created(_) = made {
            step.with_detail("password policy: 8+ characters, upper, lower, digits");
        }
        let id = made.into_inner();
        step.with_id(&id);
        Ok(id)
    }

    /// A group of the pool, with its precedence.
    pub(super) async fn group(
        &mut self,
        pool_id: &str,
        group: &str,
        precedence: i32,
    ) -> Result<()> {
        let detail = format!("precedence {precedence}");
        let idp = &self.admin.idp;
        match idp
            .get_group()
            .user_pool_id(pool_id)
            .group_name(group)
            .send()
            .await
        {
            Ok(_) => {
                self.steps.found("group", group).with_detail(detail);
                return Ok(());
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(GetGroupError::is_resource_not_found_exception) => {}
            Err(e) => return Err(refused("cognito-idp:GetGroup", e)),
        }
        idp.create_group()
            .user_pool_id(pool_id)
            .group_name(group)
            .precedence(precedence)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:CreateGroup", e))?;
        self.steps.created("group", group).with_detail(detail);
        Ok(())
    }

    /// The app client `<name>-cli`, and its secret if it has one.
    pub(super) async fn app_client(
        &mut self,
        pool_id: &str,
    ) -> Result<(String, Option<Secret<String>>)> {
        use idp::types::ExplicitAuthFlowsType as F;
        let client_name = format!("{}-cli", self.plan.name);
        let secret = self.plan.client_secret;
        let idp = &self.admin.idp;
        let clients = idp
            .list_user_pool_clients()
            .user_pool_id(pool_id)
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send();
        let made = find_or_create(
            paged("cognito-idp:ListUserPoolClients", clients),
            // A listing carries no secret: a found client's is read below.
            |c| {
                (c.client_name() == Some(client_name.as_str()))
                    .then(|| (c.client_id.unwrap_or_default(), None))
            },
            async || {
                let created = idp
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
                Ok((
                    created.client_id.unwrap_or_default(),
                    created.client_secret.map(Secret::new),
                ))
            },
        )
        .await;
        match made? {
            Made::Found((id, _)) => {
                let described = idp
                    .describe_user_pool_client()
                    .user_pool_id(pool_id)
                    .client_id(&id)
                    .send()
                    .await
                    .map_err(|e| refused("cognito-idp:DescribeUserPoolClient", e))?;
                let secret = described
                    .user_pool_client
                    .and_then(|c| c.client_secret)
                    .map(Secret::new);
                self.steps.found("app client", client_name).with_id(&id);
                Ok((id, secret))
            }
            Made::Created((id, secret_value)) => {
                let detail = if secret {
                    "with a client secret; flows: password, SRP, refresh"
                } else {
                    "public; flows: password, SRP, refresh"
                };
                self.steps
                    .created("app client", client_name)
                    .with_id(&id)
                    .with_detail(detail);
                Ok((id, secret_value))
            }
        }
    }

    /// The identity pool named after the stack, trusting the app client.
    pub(super) async fn identity_pool(&mut self, pool_id: &str, client_id: &str) -> Result<String> {
        // Identity pool names allow letters, digits, `_` and spaces only.
        let pool_name: String = self
            .plan
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let cognito = &self.admin.identity;
        let pools = cognito
            .list_identity_pools()
            .max_results(PAGE)
            .into_paginator()
            .items()
            .send();
        let made = find_or_create(
            paged("cognito-identity:ListIdentityPools", pools),
            |p| {
                (p.identity_pool_name() == Some(pool_name.as_str()))
                    .then(|| p.identity_pool_id.unwrap_or_default())
            },
            async || {
                let created = cognito
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
                Ok(created.identity_pool_id)
            },
        )
        .await?;
        let step = self
            .steps
            .record(made.status(), "identity pool", &pool_name);
        if let Made::Created(_) = made {
            step.with_detail("authenticated only; basic flow on (for --duration)");
        }
        let id = made.into_inner();
        step.with_id(&id);
        Ok(id)
    }

    /// Rules that give each tier's group its role; users in no group get the last tier's.
    pub(super) async fn role_mappings(
        &mut self,
        identity_pool_id: &str,
        pool_id: &str,
        client_id: &str,
        role_arns: &[String],
    ) -> Result<()> {
        use identity::types::{
            AmbiguousRoleResolutionType, MappingRule, MappingRuleMatchType, RoleMapping,
            RoleMappingType, RulesConfigurationType,
        };
        let plan = self.plan;
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
                    .map_err(|e| Error::Internal(e.to_string()))?,
            );
        }
        let mapping = RoleMapping::builder()
            .r#type(RoleMappingType::Rules)
            .ambiguous_role_resolution(AmbiguousRoleResolutionType::AuthenticatedRole)
            .rules_configuration(rules.build().map_err(|e| Error::Internal(e.to_string()))?)
            .build()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let default_role = role_arns.last().cloned().unwrap_or_default();
        let name = "cognito:groups rules";
        let last_tier = plan
            .tiers
            .last()
            .map(|t| t.name.as_str())
            .unwrap_or_default();
        let detail = format!(
            "default role for users without a group: {}",
            role_name(&plan.name, last_tier)
        );
        match self
            .admin
            .identity
            .set_identity_pool_roles()
            .identity_pool_id(identity_pool_id)
            .roles("authenticated", &default_role)
            .role_mappings(&provider, mapping)
            .send()
            .await
        {
            Ok(_) => {
                self.steps
                    .updated("role mappings", name)
                    .with_detail(detail);
            }
            Err(e) if is_denied(&e) => {
                return Err(refused("cognito-identity:SetIdentityPoolRoles", e));
            }
            Err(e) => {
                self.steps.not_applied(
                    "role mappings",
                    name,
                    format!("SetIdentityPoolRoles not applied: {}", describe(&e)),
                );
            }
        }
        Ok(())
    }

    /// A test user in `group`, with a random permanent password if it is new.
    pub(super) async fn test_user(
        &mut self,
        pool_id: &str,
        username: &str,
        group: &str,
    ) -> Result<TestUser> {
        let detail = format!("in {group}");
        let idp = &self.admin.idp;
        match idp
            .admin_get_user()
            .user_pool_id(pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(_) => {
                self.steps.found("test user", username).with_detail(detail);
                return Ok(TestUser {
                    username: username.to_owned(),
                    group: group.to_owned(),
                    password: None,
                });
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(AdminGetUserError::is_user_not_found_exception) => {}
            Err(e) => return Err(refused("cognito-idp:AdminGetUser", e)),
        }
        let password = random_password()?;
        idp.admin_create_user()
            .user_pool_id(pool_id)
            .username(username)
            .message_action(idp::types::MessageActionType::Suppress)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:AdminCreateUser", e))?;
        idp.admin_set_user_password()
            .user_pool_id(pool_id)
            .username(username)
            .password(&password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:AdminSetUserPassword", e))?;
        idp.admin_add_user_to_group()
            .user_pool_id(pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(|e| refused("cognito-idp:AdminAddUserToGroup", e))?;
        self.steps
            .created("test user", username)
            .with_detail(detail);
        Ok(TestUser {
            username: username.to_owned(),
            group: group.to_owned(),
            password: Some(Secret::new(password)),
        })
    }
}

/// A password that meets the seeds' policy (upper, lower, digits, 8+ characters) and Cognito's
/// default one, which also wants a symbol: a pool that bootstrap finds may have either.
fn random_password() -> Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let body: String = bytes.iter().map(|b| (b'a' + b % 26) as char).collect();
    Ok(format!("Test{body}{}!", u32::from(bytes[0]) % 90 + 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_meet_the_seed_and_default_policies() {
        let p = random_password().unwrap();
        assert!(p.len() >= 8);
        assert!(p.chars().any(|c| c.is_ascii_uppercase()));
        assert!(p.chars().any(|c| c.is_ascii_lowercase()));
        assert!(p.chars().any(|c| c.is_ascii_digit()));
        assert!(p.chars().any(|c| c.is_ascii_punctuation()));
    }
}
