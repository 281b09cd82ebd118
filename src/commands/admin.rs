//! `cognito-auth admin`: bootstrap the stack, print policies, inspect and change roles.

use std::process::ExitCode;

use crate::admin::policy::{self, Template};
use crate::admin::{self, Admin, Outcome, Plan, RoleReport, Status};
use crate::cli::{AdminCommand, BootstrapArgs, PolicyCommand, RoleCommand};
use crate::env_vars;
use crate::error::{EXIT_FAILURE, Error, Result};
use crate::output;
use crate::sdk;
use crate::settings::{self, Flags, Settings};

/// Runs one admin command.
pub fn run(command: AdminCommand) -> Result<ExitCode> {
    match command {
        AdminCommand::Bootstrap(args) => bootstrap(args),
        AdminCommand::Policy(policy) => {
            output::stdout(&render_policy(&policy)?)?;
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Role(RoleCommand::Info {
            identity_pool_id,
            profile,
            json,
        }) => {
            let settings = Settings::resolve(&Flags {
                profile: profile.profile,
                identity_pool_id,
                ..Flags::default()
            })?;
            let pool = settings.identity_pool_id()?.to_owned();
            let duration = settings.duration_secs();
            let region = crate::identity::identity_pool_region(&pool).to_owned();
            let report = sdk::block_on(async {
                Admin::connect(&region)
                    .await?
                    .role_info(&pool, duration)
                    .await
            })?;
            output::stdout(&if json {
                serde_json::to_string_pretty(&report).expect("serializes") + "\n"
            } else {
                role_text(&report)
            })?;
            let clean = report.roles.iter().all(|r| r.problems.is_empty());
            Ok(if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FAILURE)
            })
        }
        AdminCommand::Role(RoleCommand::ApplyPolicy {
            role,
            name,
            file,
            region,
        }) => {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            policy::validate(&text).map_err(|e| match e {
                Error::InvalidPolicy { file: None, reason } => Error::InvalidPolicy {
                    file: Some(file.clone()),
                    reason,
                },
                other => other,
            })?;
            let region = admin_region(region);
            sdk::block_on(async {
                Admin::connect(&region)
                    .await?
                    .apply_policy(&role, &name, &text)
                    .await
            })?;
            eprintln!(
                "Attached {} to role {role} as inline policy `{name}`.",
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The region of admin calls: the flag, else the AWS variables, else us-east-1.
fn admin_region(flag: Option<String>) -> String {
    flag.or_else(|| env_vars::get(env_vars::AWS_REGION))
        .or_else(|| env_vars::get(env_vars::AWS_DEFAULT_REGION))
        .unwrap_or_else(|| "us-east-1".into())
}

fn render_policy(command: &PolicyCommand) -> Result<String> {
    match command {
        PolicyCommand::S3 {
            bucket,
            prefix,
            read_only,
        } => {
            let template = if *read_only {
                Template::S3ReadOnly
            } else {
                Template::S3ReadWrite
            };
            template.render(&[("BUCKET", bucket), ("PREFIX", prefix)])
        }
        PolicyCommand::Dynamodb {
            table,
            region,
            account,
            read_only,
        } => {
            let template = if *read_only {
                Template::DynamoDbReadOnly
            } else {
                Template::DynamoDbReadWrite
            };
            template.render(&[("TABLE", table), ("REGION", region), ("ACCOUNT", account)])
        }
    }
}

fn bootstrap(args: BootstrapArgs) -> Result<ExitCode> {
    let tiers = admin::parse_tiers(&args.tiers)?;
    let profile = settings::resolve_profile(args.profile.as_deref())?.value;
    let region = admin_region(args.region);
    settings::check_value("region", &region, None)?;
    let bucket = args
        .bucket
        .unwrap_or_else(|| format!("{}-files", args.name.to_ascii_lowercase()));
    let plan = Plan {
        name: args.name,
        tiers,
        bucket,
        client_secret: args.client_secret,
        test_users: args.test_users,
    };
    let mut outcome =
        sdk::block_on(async { Admin::connect(&region).await?.bootstrap(&plan).await })?;

    let config = settings::config_path()?;
    let changes = [
        ("user_pool_id", Some(outcome.user_pool_id.as_str())),
        ("client_id", Some(outcome.client_id.as_str())),
        ("identity_pool_id", Some(outcome.identity_pool_id.as_str())),
        ("region", Some(outcome.region.as_str())),
        (
            "client_secret",
            outcome.client_secret.as_ref().map(|s| s.expose().as_str()),
        ),
    ];
    settings::save_profile(&config, &profile, &changes)?;
    let mut written = admin::Step::new("profile", profile.clone(), Status::Updated);
    written.with_detail(format!("written to {}", config.display()));
    outcome.steps.push(written);

    if args.json {
        let mut json = serde_json::to_value(&outcome).expect("serializes");
        json["complete"] = outcome.complete().into();
        json["profile"] = profile.clone().into();
        output::stdout(&(serde_json::to_string_pretty(&json).expect("serializes") + "\n"))?;
    } else {
        output::stdout(&bootstrap_text(&outcome))?;
    }
    let changed = outcome
        .steps
        .iter()
        .filter(|s| {
            s.resource != "profile" && matches!(s.status, Status::Created | Status::Updated)
        })
        .count();
    let missing: Vec<&str> = outcome
        .steps
        .iter()
        .filter(|s| s.status == Status::Unsupported)
        .map(|s| s.resource)
        .collect();
    if changed == 0 {
        eprintln!(
            "Stack `{}` was already in place: nothing changed.",
            plan.name
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "error: bootstrap of `{}` incomplete: not applied: {} (see above); everything else is in place",
            plan.name,
            missing.join(", ")
        );
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    eprintln!("Profile `{profile}` is ready: cognito-auth login --profile {profile} -u USER");
    Ok(ExitCode::SUCCESS)
}

fn bootstrap_text(outcome: &Outcome) -> String {
    let status = |s: Status| match s {
        Status::Created => "created",
        Status::Found => "found",
        Status::Updated => "updated",
        Status::Unsupported => "NOT APPLIED",
    };
    let mut out = String::new();
    for s in &outcome.steps {
        let mut line = format!("{:<12}{:<15}{}", status(s.status), s.resource, s.name);
        if let Some(id) = &s.id {
            line += &format!("  {id}");
        }
        if let Some(detail) = &s.detail {
            line += &format!("  ({detail})");
        }
        out += line.trim_end();
        out += "\n";
    }
    let shown: Vec<_> = outcome
        .test_users
        .iter()
        .filter(|u| u.password.is_some())
        .collect();
    if !shown.is_empty() {
        out += "\ntest users (passwords are shown this once):\n";
        for u in shown {
            out += &format!(
                "  {:<20}{:<18}{}\n",
                u.username,
                u.group,
                u.password.as_ref().map_or("", |p| p.expose().as_str())
            );
        }
    }
    out
}

fn role_text(report: &RoleReport) -> String {
    let mut out = format!("identity pool      {}\n", report.identity_pool_id);
    for note in &report.notes {
        out += &format!("note               {note}\n");
    }
    for (kind, arn) in &report.pool_roles {
        out += &format!("{:<19}{arn}\n", format!("{kind} role"));
    }
    for rule in &report.rules {
        out += &format!("rule               {rule}\n");
    }
    for role in &report.roles {
        out += &format!("\nrole               {}\n", role.arn);
        out += &format!("max session        {} s\n", role.max_session_duration);
        out += &format!("trust              {}\n", role.trust);
        for (name, doc) in &role.inline_policies {
            out += &format!("inline policy      {name}: {doc}\n");
        }
        if role.problems.is_empty() {
            out += "problems           none\n";
        }
        for problem in &role.problems {
            out += &format!("PROBLEM            {problem}\n");
        }
    }
    if report.roles.is_empty() {
        out += "\nno role trusts this identity pool\n";
    }
    out
}
