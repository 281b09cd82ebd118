//! The AWS console sign-in: temporary credentials become a console session through the AWS
//! federation endpoint (`getSigninToken`, then a `login` URL), as the AWS documentation's
//! "custom identity broker" does.
//!
//! The federation endpoint and the console are per partition; the credentials' partition is
//! that of the identity pool that issued them. `COGNITO_AUTH_FEDERATION_URL` replaces the
//! endpoint (tests, private endpoints). The signin token is a credential: it is kept in a
//! [`Secret`] and the login URL too.

use crate::cache::CachedCredentials;
use crate::env_vars;
use crate::error::{Error, Result};
use crate::hosted_ui::http;
use crate::percent::encode;
use crate::secret::Secret;

/// The service name in messages.
pub const SERVICE: &str = "the AWS federation endpoint";

/// What the login URL gives as its `Issuer` (where AWS sends the user when the session ends).
pub const ISSUER: &str = "cognito-auth";

/// The AWS partitions with a console federation endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    /// The partition of a region: `cn-*` is aws-cn, `us-gov-*` aws-us-gov, the isolated
    /// partitions (`*-iso*`) have no public console (None), everything else is aws.
    pub fn of(region: &str) -> Option<Partition> {
        if region.starts_with("cn-") {
            Some(Partition::China)
        } else if region.starts_with("us-gov-") {
            Some(Partition::GovCloud)
        } else if region.split('-').any(|part| part.starts_with("iso")) {
            None
        } else {
            Some(Partition::Aws)
        }
    }

    /// aws, aws-cn, aws-us-gov.
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::China => "aws-cn",
            Partition::GovCloud => "aws-us-gov",
        }
    }

    /// The federation endpoint's host.
    pub fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::China => "signin.amazonaws.cn",
            Partition::GovCloud => "signin.amazonaws-us-gov.com",
        }
    }

    /// The console's host.
    pub fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::China => "console.amazonaws.cn",
            Partition::GovCloud => "console.amazonaws-us-gov.com",
        }
    }
}

/// The partition of `region`, or the error that there is no console to sign in to there.
pub fn partition_of(region: &str) -> Result<Partition> {
    Partition::of(region).ok_or_else(|| Error::InvalidValue {
        what: "region for a console sign-in".into(),
        value: region.to_owned(),
        expected: "a region of the aws, aws-cn or aws-us-gov partition",
    })
}

/// `region`, checked to be in `partition` (that of the credentials, whose identity pool is in
/// `pool_region`).
pub fn console_region(partition: Partition, pool_region: &str, region: &str) -> Result<()> {
    let theirs = partition_of(region)?;
    if theirs != partition {
        return Err(Error::OtherPartition {
            region: region.to_owned(),
            region_partition: theirs.name(),
            partition: partition.name(),
            pool_region: pool_region.to_owned(),
        });
    }
    Ok(())
}

/// The federation endpoint: `COGNITO_AUTH_FEDERATION_URL`, else the partition's.
pub fn federation_endpoint(partition: Partition) -> String {
    env_vars::get(env_vars::COGNITO_AUTH_FEDERATION_URL)
        .unwrap_or_else(|| format!("https://{}/federation", partition.signin_host()))
}

/// Where the console opens: the console home of `region` by default; a path (`/s3/home`) is
/// joined to the partition's console address and given `region=` unless it names one; an
/// `https://` URL is taken as it is.
pub fn destination(partition: Partition, region: &str, given: Option<&str>) -> Result<String> {
    let path = match given.map(str::trim) {
        None | Some("") => "/console/home",
        Some(url) if url.starts_with("https://") => return Ok(url.to_owned()),
        Some(path) if path.starts_with('/') && !path.starts_with("//") => path,
        Some(other) => {
            return Err(Error::InvalidValue {
                what: "--destination".into(),
                value: other.to_owned(),
                expected: "a console path such as /s3/home, or an https:// URL",
            });
        }
    };
    let (before_fragment, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (path, String::new()),
    };
    let names_region = before_fragment
        .split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|kv| kv.starts_with("region=")));
    let joined = if names_region {
        before_fragment.to_owned()
    } else if before_fragment.contains('?') {
        format!("{before_fragment}&region={}", encode(region))
    } else {
        format!("{before_fragment}?region={}", encode(region))
    };
    Ok(format!(
        "https://{}{joined}{fragment}",
        partition.console_host()
    ))
}

/// `15m`..`12h` (also `900s` or `900`) as seconds: what getSigninToken's SessionDuration takes.
pub fn parse_session_duration(text: &str) -> std::result::Result<u32, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let secs = number.parse::<u32>().ok().and_then(|n| match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    });
    secs.filter(|s| (900..=43_200).contains(s))
        .ok_or_else(|| "expected 15m to 12h (such as 30m, 4h or 3600s)".into())
}

/// The Session JSON of getSigninToken: the credentials under AWS's own names.
pub fn session_json(creds: &CachedCredentials) -> Secret<String> {
    Secret::new(
        serde_json::json!({
            "sessionId": creds.access_key_id,
            "sessionKey": creds.secret_access_key.expose(),
            "sessionToken": creds.session_token.expose(),
        })
        .to_string(),
    )
}

fn with_query(endpoint: &str, query: &str) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{separator}{query}")
}

/// Asks the federation endpoint for a signin token (`duration`: SessionDuration in seconds).
pub async fn signin_token(
    endpoint: &str,
    creds: &CachedCredentials,
    duration: Option<u32>,
) -> Result<Secret<String>> {
    let mut query = String::from("Action=getSigninToken");
    if let Some(secs) = duration {
        query.push_str(&format!("&SessionDuration={secs}"));
    }
    query.push_str(&format!(
        "&Session={}",
        encode(session_json(creds).expose())
    ));
    let response = http::send_to(SERVICE, "GET", &with_query(endpoint, &query), None, None).await?;
    let plain_endpoint = endpoint.split('?').next().unwrap_or(endpoint).to_owned();
    match response.status {
        200 => {}
        400 | 403 => {
            let cause = match duration {
                Some(secs) => format!(
                    "most likely the SessionDuration of {} is longer than the role allows (its maximum session duration; 1 hour for role-chained credentials)",
                    human(secs)
                ),
                None => "the credentials were not accepted (expired or revoked?)".into(),
            };
            return Err(Error::SigninRefused {
                status: response.status,
                cause,
                duration: duration.is_some(),
            });
        }
        status => {
            return Err(Error::ServerFailure {
                service: SERVICE,
                endpoint: plain_endpoint,
                status: format!("HTTP {status}"),
                detail: crate::sdk::one_line(&String::from_utf8_lossy(&response.body)),
            });
        }
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "SigninToken")]
        signin_token: String,
    }
    serde_json::from_slice::<Answer>(&response.body)
        .ok()
        .filter(|a| !a.signin_token.is_empty())
        .map(|a| Secret::new(a.signin_token))
        .ok_or_else(|| Error::ServerFailure {
            service: SERVICE,
            endpoint: plain_endpoint,
            status: "HTTP 200".into(),
            detail: "an answer without a SigninToken".into(),
        })
}

/// The URL that signs the browser in: `Action=login`, `Issuer`, `Destination`, `SigninToken`.
pub fn login_url(endpoint: &str, destination: &str, token: &Secret<String>) -> Secret<String> {
    Secret::new(with_query(
        endpoint,
        &format!(
            "Action=login&Issuer={}&Destination={}&SigninToken={}",
            encode(ISSUER),
            encode(destination),
            encode(token.expose())
        ),
    ))
}

/// `4h`, `90m`, `1000s`.
fn human(secs: u32) -> String {
    if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partition_has_its_hosts() {
        let cases = [
            (
                "us-east-1",
                "aws",
                "signin.aws.amazon.com",
                "console.aws.amazon.com",
            ),
            (
                "eu-west-3",
                "aws",
                "signin.aws.amazon.com",
                "console.aws.amazon.com",
            ),
            (
                "cn-north-1",
                "aws-cn",
                "signin.amazonaws.cn",
                "console.amazonaws.cn",
            ),
            (
                "cn-northwest-1",
                "aws-cn",
                "signin.amazonaws.cn",
                "console.amazonaws.cn",
            ),
            (
                "us-gov-west-1",
                "aws-us-gov",
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
        ];
        for (region, name, signin, console) in cases {
            let p = Partition::of(region).unwrap();
            assert_eq!(
                (p.name(), p.signin_host(), p.console_host()),
                (name, signin, console)
            );
        }
        assert_eq!(Partition::of("us-iso-east-1"), None);
        assert_eq!(Partition::of("us-isob-east-1"), None);
        assert_eq!(Partition::of("eu-isoe-west-1"), None);
    }

    #[test]
    fn a_region_of_another_partition_is_refused() {
        assert!(console_region(Partition::Aws, "us-east-1", "eu-west-1").is_ok());
        let err = console_region(Partition::Aws, "us-east-1", "cn-north-1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "region `cn-north-1` is in partition aws-cn, but the credentials are from aws (identity pool region us-east-1)"
        );
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
        assert!(console_region(Partition::GovCloud, "us-gov-west-1", "us-east-1").is_err());
    }

    #[test]
    fn destinations_join_the_console_address() {
        let d = |p, r, g| destination(p, r, g).unwrap();
        assert_eq!(
            d(Partition::Aws, "us-east-1", None),
            "https://console.aws.amazon.com/console/home?region=us-east-1"
        );
        assert_eq!(
            d(Partition::China, "cn-north-1", Some("/s3/home")),
            "https://console.amazonaws.cn/s3/home?region=cn-north-1"
        );
        assert_eq!(
            d(
                Partition::GovCloud,
                "us-gov-west-1",
                Some("/ec2/home?x=1#Instances:")
            ),
            "https://console.amazonaws-us-gov.com/ec2/home?x=1&region=us-gov-west-1#Instances:"
        );
        assert_eq!(
            d(
                Partition::Aws,
                "us-east-1",
                Some("/s3/home?region=eu-west-1")
            ),
            "https://console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            d(Partition::Aws, "us-east-1", Some("https://example.com/x")),
            "https://example.com/x"
        );
        for bad in [
            "s3/home",
            "//evil.example/x",
            "http://console.aws.amazon.com/",
        ] {
            assert!(
                destination(Partition::Aws, "us-east-1", Some(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn session_durations_are_15_minutes_to_12_hours() {
        assert_eq!(parse_session_duration("15m"), Ok(900));
        assert_eq!(parse_session_duration("12h"), Ok(43_200));
        assert_eq!(parse_session_duration("3600"), Ok(3600));
        for bad in ["14m", "13h", "1d", "", "h", "-1h"] {
            assert!(parse_session_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_login_url_encodes_each_part() {
        let url = login_url(
            "https://signin.aws.amazon.com/federation",
            "https://console.aws.amazon.com/s3/home?region=us-east-1",
            &Secret::new("a+b/c=".into()),
        );
        assert_eq!(
            url.expose(),
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=cognito-auth&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Dus-east-1&SigninToken=a%2Bb%2Fc%3D"
        );
    }
}
