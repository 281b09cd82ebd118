//! What an admin run did, one [`Step`] per resource, in the order it happened. A run owns one
//! [`Recorder`]; callers render the steps it hands back.

use serde::Serialize;

/// What happened to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    /// It was already there, as wanted.
    Found,
    Updated,
    /// Not applied: the endpoint does not implement the call (moto has no role mappings).
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

impl Step {
    /// A step with no id and no detail.
    pub fn new(resource: &'static str, name: impl Into<String>, status: Status) -> Self {
        Self {
            resource,
            name: name.into(),
            id: None,
            status,
            detail: None,
        }
    }

    /// Names the resource's id (a pool id, an ARN).
    pub fn with_id(&mut self, id: impl Into<String>) -> &mut Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a short explanation.
    pub fn with_detail(&mut self, detail: impl Into<String>) -> &mut Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Records the steps of one run.
#[derive(Debug, Default)]
pub struct Recorder {
    steps: Vec<Step>,
}

impl Recorder {
    /// Records a step; the returned step takes an id and a detail.
    pub fn record(
        &mut self,
        status: Status,
        resource: &'static str,
        name: impl Into<String>,
    ) -> &mut Step {
        self.steps.push(Step::new(resource, name, status));
        self.steps.last_mut().expect("just pushed")
    }

    /// The resource was created.
    pub fn created(&mut self, resource: &'static str, name: impl Into<String>) -> &mut Step {
        self.record(Status::Created, resource, name)
    }

    /// The resource was already there as wanted.
    pub fn found(&mut self, resource: &'static str, name: impl Into<String>) -> &mut Step {
        self.record(Status::Found, resource, name)
    }

    /// The resource was there and has been changed.
    pub fn updated(&mut self, resource: &'static str, name: impl Into<String>) -> &mut Step {
        self.record(Status::Updated, resource, name)
    }

    /// The step could not be applied, and why.
    pub fn not_applied(
        &mut self,
        resource: &'static str,
        name: impl Into<String>,
        reason: impl Into<String>,
    ) -> &mut Step {
        self.record(Status::Unsupported, resource, name)
            .with_detail(reason)
    }

    /// The steps, in the order they were recorded.
    pub fn into_steps(self) -> Vec<Step> {
        self.steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_their_order_status_id_and_detail() {
        let mut r = Recorder::default();
        r.created("user pool", "p")
            .with_id("us-east-1_x")
            .with_detail("d");
        r.found("group", "g");
        r.updated("role", "r");
        r.not_applied("role mappings", "m", "HTTP 500");
        let steps = r.into_steps();
        let got: Vec<_> = steps
            .iter()
            .map(|s| {
                (
                    s.resource,
                    s.name.as_str(),
                    s.status,
                    s.id.as_deref(),
                    s.detail.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "user pool",
                    "p",
                    Status::Created,
                    Some("us-east-1_x"),
                    Some("d")
                ),
                ("group", "g", Status::Found, None, None),
                ("role", "r", Status::Updated, None, None),
                (
                    "role mappings",
                    "m",
                    Status::Unsupported,
                    None,
                    Some("HTTP 500")
                ),
            ]
        );
    }
}
