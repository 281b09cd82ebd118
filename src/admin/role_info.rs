//! `admin role info`: the roles of an identity pool (from its role settings, or else every role
//! whose trust policy names it), with their trust and inline policies and the problems found.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Admin;
use super::errors::{describe, is_denied, refused};
use super::paging::{all, paged};
use crate::error::Result;
use crate::percent;

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

impl Admin {
    /// The roles of an identity pool and their problems for a profile of `duration` seconds.
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
        match self
            .identity
            .get_identity_pool_roles()
            .identity_pool_id(identity_pool_id)
            .send()
            .await
        {
            Ok(out) => {
                for (kind, arn) in out.roles.unwrap_or_default() {
                    report.pool_roles.insert(kind, arn.clone());
                    arns.push(arn);
                }
                for (provider, mapping) in out.role_mappings.unwrap_or_default() {
                    let rules = mapping.rules_configuration.map(|r| r.rules);
                    for rule in rules.unwrap_or_default() {
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
            Err(e) if is_denied(&e) => {
                return Err(refused("cognito-identity:GetIdentityPoolRoles", e));
            }
            Err(e) => report.notes.push(format!(
                "GetIdentityPoolRoles not answered ({}); listing the roles whose trust policy names this pool",
                describe(&e)
            )),
        }
        let all_roles = all(paged(
            "iam:ListRoles",
            self.iam.list_roles().into_paginator().items().send(),
        ))
        .await?;
        for role in &all_roles {
            let trust = role
                .assume_role_policy_document()
                .map(percent::decode)
                .unwrap_or_default();
            if trust.contains(identity_pool_id) && !arns.iter().any(|a| a == role.arn()) {
                arns.push(role.arn().to_owned());
            }
        }
        arns.sort();
        arns.dedup();
        for arn in arns {
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
                .map(percent::decode)
                .unwrap_or_default();
            let max = role.max_session_duration().unwrap_or(3600);
            report.roles.push(RoleView {
                max_session_duration: max,
                trust: serde_json::from_str(&trust).unwrap_or(serde_json::Value::Null),
                inline_policies: self.inline_policies(role.role_name()).await?,
                problems: trust_problems(&trust, identity_pool_id, max, duration),
                arn,
            });
        }
        Ok(report)
    }

    /// Every inline policy of a role, by name, as JSON (`null` if IAM holds something else).
    async fn inline_policies(&self, role: &str) -> Result<BTreeMap<String, serde_json::Value>> {
        let names = all(paged(
            "iam:ListRolePolicies",
            self.iam
                .list_role_policies()
                .role_name(role)
                .into_paginator()
                .items()
                .send(),
        ))
        .await?;
        let mut inline = BTreeMap::new();
        for policy in names {
            let doc = self
                .iam
                .get_role_policy()
                .role_name(role)
                .policy_name(&policy)
                .send()
                .await
                .map_err(|e| refused("iam:GetRolePolicy", e))?;
            let text = percent::decode(doc.policy_document());
            inline.insert(
                policy,
                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            );
        }
        Ok(inline)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::policy::Template;

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
}
