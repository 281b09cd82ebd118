//! `cognito-auth admin`: the customer-file-access stack of the seeds, set up in one call and
//! idempotently, plus the IAM checks `role info` makes. Admin calls are signed with the standard
//! AWS credential chain and honour the SDK's endpoint variables. Nothing here prints; callers
//! render the [`Step`]s and reports.
//!
//! One file per operation (`bootstrap/`, `role_info`, `apply_policy`; `policy` holds the
//! templates), over three helpers: `paging` finds a resource by name across every page of a
//! listing before creating it, `steps` records what each step did, `errors` names failures by
//! their IAM action and tells them apart by the service's error code.

pub mod apply_policy;
pub mod bootstrap;
mod errors;
mod paging;
pub mod policy;
pub mod role_info;
pub mod steps;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cognitoidentity as identity;
use aws_sdk_cognitoidentityprovider as idp;
use aws_sdk_cognitoidentityprovider::config::ProvideCredentials;
use aws_sdk_iam as iam;

pub use bootstrap::{Access, Outcome, Plan, TestUser, Tier, parse_tiers, role_name};
pub use role_info::{RoleReport, RoleView, trust_problems};
pub use steps::{Recorder, Status, Step};

use crate::error::Result;

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
            .http_client(crate::sdk::http_client(None))
            .load()
            .await;
        let provider = config
            .credentials_provider()
            .ok_or_else(errors::no_credentials)?;
        provider
            .provide_credentials()
            .await
            .map_err(errors::credentials_failed)?;
        Ok(Self {
            idp: idp::Client::new(&config),
            identity: identity::Client::new(&config),
            iam: iam::Client::new(&config),
            region: region.to_owned(),
        })
    }
}
