//! The IAM steps of a bootstrap: one role per tier, trusting the identity pool, with the tier's
//! S3 policy inline. A role or policy that differs from the plan is corrected, and says so.

use aws_sdk_iam::operation::get_role::GetRoleError;
use aws_sdk_iam::operation::get_role_policy::GetRolePolicyError;

use super::{Access, Run, Tier, role_name, same_json};
use crate::admin::errors::refused;
use crate::admin::policy::Template;
use crate::error::{Error, Result};
use crate::percent;

impl Run<'_> {
    /// The role of `tier` and its inline S3 policy; the role's ARN.
    pub(super) async fn role(&mut self, tier: &Tier, identity_pool_id: &str) -> Result<String> {
        let plan = self.plan;
        let iam = &self.admin.iam;
        let role_name = role_name(&plan.name, &tier.name);
        let trust = Template::CognitoTrust.render(&[("IDENTITY_POOL_ID", identity_pool_id)])?;
        let arn = match iam.get_role().role_name(&role_name).send().await {
            Ok(out) => {
                let role = out.role.ok_or_else(|| Error::IncompleteAnswer {
                    operation: "iam:GetRole",
                    what: format!("role for {role_name}"),
                })?;
                let current = role
                    .assume_role_policy_document()
                    .map(percent::decode)
                    .unwrap_or_default();
                if same_json(&current, &trust) {
                    self.steps.found("role", &role_name).with_id(role.arn());
                } else {
                    iam.update_assume_role_policy()
                        .role_name(&role_name)
                        .policy_document(&trust)
                        .send()
                        .await
                        .map_err(|e| refused("iam:UpdateAssumeRolePolicy", e))?;
                    self.steps
                        .updated("role", &role_name)
                        .with_id(role.arn())
                        .with_detail("trust policy now names this identity pool");
                }
                role.arn
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(GetRoleError::is_no_such_entity_exception) =>
            {
                let out = iam
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
                self.steps
                    .created("role", &role_name)
                    .with_id(&arn)
                    .with_detail("trust: this identity pool, authenticated; 12 h sessions");
                arn
            }
            Err(e) => return Err(refused("iam:GetRole", e)),
        };
        self.inline_policy(tier, &role_name).await?;
        Ok(arn)
    }

    /// The tier's S3 policy, inline on its role as `<tier>-s3`.
    async fn inline_policy(&mut self, tier: &Tier, role_name: &str) -> Result<()> {
        let plan = self.plan;
        let iam = &self.admin.iam;
        let policy_name = format!("{}-s3", tier.name);
        let template = match tier.access {
            Access::Rw => Template::S3ReadWrite,
            Access::Ro => Template::S3ReadOnly,
        };
        let document = template.render(&[("BUCKET", &plan.bucket), ("PREFIX", "")])?;
        let current = match iam
            .get_role_policy()
            .role_name(role_name)
            .policy_name(&policy_name)
            .send()
            .await
        {
            Ok(out) => Some(percent::decode(out.policy_document())),
            Err(e)
                if e.as_service_error()
                    .is_some_and(GetRolePolicyError::is_no_such_entity_exception) =>
            {
                None
            }
            Err(e) => return Err(refused("iam:GetRolePolicy", e)),
        };
        let name = format!("{role_name}/{policy_name}");
        let detail = format!("{} on s3://{}/<identity>/", template.file(), plan.bucket);
        if current.as_deref().is_some_and(|c| same_json(c, &document)) {
            self.steps.found("inline policy", name).with_detail(detail);
            return Ok(());
        }
        iam.put_role_policy()
            .role_name(role_name)
            .policy_name(&policy_name)
            .policy_document(&document)
            .send()
            .await
            .map_err(|e| refused("iam:PutRolePolicy", e))?;
        let step = if current.is_some() {
            self.steps.updated("inline policy", name)
        } else {
            self.steps.created("inline policy", name)
        };
        step.with_detail(detail);
        Ok(())
    }
}
