//! `admin role apply-policy`: attach a policy document (already validated) to a role.

use super::Admin;
use super::errors::refused;
use crate::error::Result;

impl Admin {
    /// Attaches an inline policy (already validated) to a role, replacing one of that name.
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
}
