//! `admin bootstrap`: the customer-file-access stack of the seeds, built in dependency order and
//! idempotently. Every resource is looked up first (by name, over every page of its listing, or
//! by a direct get) and created or corrected only when needed, so a second run changes nothing.
//! `cognito.rs` holds the user-pool and identity-pool steps, `iam.rs` the roles.

mod cognito;
mod iam;

use serde::Serialize;

use super::Admin;
use super::steps::{Recorder, Status, Step};
use crate::error::{Error, Result};
use crate::secret::Secret;

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
    pub password: Option<Secret<String>>,
}

/// The ids a profile needs, and everything done.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    #[serde(skip)]
    pub client_secret: Option<Secret<String>>,
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

/// One bootstrap run: the clients, the plan, and the steps recorded so far.
struct Run<'a> {
    admin: &'a Admin,
    plan: &'a Plan,
    steps: Recorder,
}

impl Admin {
    /// Creates or finds every resource of the plan, in dependency order.
    pub async fn bootstrap(&self, plan: &Plan) -> Result<Outcome> {
        let mut run = Run {
            admin: self,
            plan,
            steps: Recorder::default(),
        };
        let pool_id = run.user_pool().await?;
        for (i, tier) in plan.tiers.iter().enumerate() {
            run.group(&pool_id, &tier.group(), i as i32 + 1).await?;
        }
        let (client_id, client_secret) = run.app_client(&pool_id).await?;
        let identity_pool_id = run.identity_pool(&pool_id, &client_id).await?;
        let mut role_arns = Vec::new();
        for tier in &plan.tiers {
            role_arns.push(run.role(tier, &identity_pool_id).await?);
        }
        run.role_mappings(&identity_pool_id, &pool_id, &client_id, &role_arns)
            .await?;
        let mut test_users = Vec::new();
        if plan.test_users {
            for (user, tier) in ["alice", "bob"].iter().zip(&plan.tiers) {
                let username = format!("{user}-{}", tier.name);
                test_users.push(run.test_user(&pool_id, &username, &tier.group()).await?);
            }
        }
        Ok(Outcome {
            region: self.region.clone(),
            user_pool_id: pool_id,
            client_id,
            client_secret,
            identity_pool_id,
            steps: run.steps.into_steps(),
            test_users,
        })
    }
}

/// Two JSON texts with the same value (and both valid).
fn same_json(a: &str, b: &str) -> bool {
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
    parse(a).is_some() && parse(a) == parse(b)
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
    fn json_is_compared_by_value() {
        assert!(same_json("{\"a\": [1, 2]}", "{ \"a\":[1,2] }"));
        assert!(!same_json("{\"a\": 1}", "{\"a\": 2}"));
        assert!(!same_json("{", "{"));
    }
}
