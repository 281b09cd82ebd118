//! The IAM policy templates of `policies/`, compiled in, and their one placeholder syntax:
//! `{{NAME}}`, replaced verbatim. IAM's own `${...}` variables pass through untouched.

use crate::error::{Error, Result};

/// A policy template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    S3ReadWrite,
    S3ReadOnly,
    DynamoDbReadWrite,
    DynamoDbReadOnly,
    CognitoTrust,
}

impl Template {
    /// Every template, for tests and listings.
    pub const ALL: [Template; 5] = [
        Template::S3ReadWrite,
        Template::S3ReadOnly,
        Template::DynamoDbReadWrite,
        Template::DynamoDbReadOnly,
        Template::CognitoTrust,
    ];

    /// The file name under `policies/`.
    pub fn file(self) -> &'static str {
        match self {
            Template::S3ReadWrite => "s3-read-write.json",
            Template::S3ReadOnly => "s3-read-only.json",
            Template::DynamoDbReadWrite => "dynamodb-read-write.json",
            Template::DynamoDbReadOnly => "dynamodb-read-only.json",
            Template::CognitoTrust => "cognito-trust.json",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Template::S3ReadWrite => include_str!("../../policies/s3-read-write.json"),
            Template::S3ReadOnly => include_str!("../../policies/s3-read-only.json"),
            Template::DynamoDbReadWrite => include_str!("../../policies/dynamodb-read-write.json"),
            Template::DynamoDbReadOnly => include_str!("../../policies/dynamodb-read-only.json"),
            Template::CognitoTrust => include_str!("../../policies/cognito-trust.json"),
        }
    }

    /// The template with `values` filled in; refuses a placeholder left over or invalid JSON.
    pub fn render(self, values: &[(&str, &str)]) -> Result<String> {
        let mut text = self.text().to_owned();
        for (name, value) in values {
            if value.contains(['"', '\\']) || value.chars().any(char::is_control) {
                return Err(Error::PolicyValue {
                    name: (*name).to_owned(),
                });
            }
            text = text.replace(&format!("{{{{{name}}}}}"), value);
        }
        if let Some(at) = text.find("{{") {
            let name: String = text[at + 2..].chars().take_while(|c| *c != '}').collect();
            return Err(Error::PolicyPlaceholder {
                template: self.file(),
                name,
            });
        }
        validate(&text)?;
        Ok(text)
    }
}

/// Checks that `text` is a JSON policy document: an object with `Version` and a `Statement`.
pub fn validate(text: &str) -> Result<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::InvalidPolicy {
        file: None,
        reason: format!(
            "not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ),
    })?;
    if doc.get("Version").is_none() || doc.get("Statement").is_none() {
        return Err(Error::InvalidPolicy {
            file: None,
            reason: "not an IAM policy: it needs `Version` and `Statement`".into(),
        });
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const SUB: &str = "${cognito-identity.amazonaws.com:sub}";

    fn sample(t: Template) -> String {
        t.render(&[
            ("BUCKET", "customer-files"),
            ("PREFIX", "home/"),
            ("TABLE", "Orders"),
            ("REGION", "eu-west-1"),
            ("ACCOUNT", "123456789012"),
            (
                "IDENTITY_POOL_ID",
                "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            ),
        ])
        .unwrap()
    }

    #[test]
    fn every_template_renders_to_a_policy_with_nothing_left() {
        for t in Template::ALL {
            let text = sample(t);
            assert!(!text.contains("{{"), "{}", t.file());
            let doc: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(doc["Version"], "2012-10-17", "{}", t.file());
        }
    }

    #[test]
    fn premium_tier_matches_the_seed() {
        let doc: Value = serde_json::from_str(&sample(Template::S3ReadWrite)).unwrap();
        let s = &doc["Statement"];
        assert_eq!(
            s[0]["Action"],
            json!(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
        );
        assert_eq!(
            s[0]["Resource"],
            format!("arn:aws:s3:::customer-files/home/{SUB}/*")
        );
        assert_eq!(s[1]["Action"], "s3:ListBucket");
        assert_eq!(s[1]["Resource"], "arn:aws:s3:::customer-files");
        assert_eq!(
            s[1]["Condition"]["StringLike"]["s3:prefix"],
            format!("home/{SUB}/*")
        );
    }

    #[test]
    fn basic_tier_matches_the_seed() {
        let doc: Value = serde_json::from_str(&sample(Template::S3ReadOnly)).unwrap();
        let s = &doc["Statement"];
        assert_eq!(s[0]["Action"], "s3:GetObject");
        assert_eq!(
            s[0]["Resource"],
            format!("arn:aws:s3:::customer-files/home/{SUB}/*")
        );
        assert_eq!(s[1]["Action"], "s3:ListBucket");
        assert_eq!(
            s[1]["Condition"]["StringLike"]["s3:prefix"],
            format!("home/{SUB}/*")
        );
    }

    #[test]
    fn dynamodb_confines_items_to_the_identity() {
        let doc: Value = serde_json::from_str(&sample(Template::DynamoDbReadOnly)).unwrap();
        let s = &doc["Statement"][0];
        assert_eq!(
            s["Resource"],
            "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"
        );
        assert_eq!(
            s["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"],
            json!([SUB])
        );
        assert!(
            !s["Action"]
                .as_array()
                .unwrap()
                .contains(&json!("dynamodb:PutItem"))
        );
    }

    #[test]
    fn trust_names_the_pool_and_authenticated_identities() {
        let doc: Value = serde_json::from_str(&sample(Template::CognitoTrust)).unwrap();
        let s = &doc["Statement"][0];
        assert_eq!(
            s["Principal"]["Federated"],
            "cognito-identity.amazonaws.com"
        );
        assert_eq!(s["Action"], "sts:AssumeRoleWithWebIdentity");
        assert_eq!(
            s["Condition"]["StringEquals"]["cognito-identity.amazonaws.com:aud"],
            "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        );
        assert_eq!(
            s["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"],
            "authenticated"
        );
    }

    #[test]
    fn missing_values_and_bad_json_are_refused() {
        let err = Template::S3ReadOnly.render(&[("BUCKET", "b")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s3-read-only.json needs a value for {{PREFIX}}"
        );
        assert!(
            Template::S3ReadOnly
                .render(&[("BUCKET", "b\""), ("PREFIX", "")])
                .is_err()
        );
        assert!(
            validate("{")
                .unwrap_err()
                .to_string()
                .starts_with("not valid JSON (line 1")
        );
        assert!(validate("{\"a\": 1}").is_err());
    }
}
