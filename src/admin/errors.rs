//! SDK errors of the admin calls, turned into ours: named by the IAM action that failed, told
//! apart by the service's error code (never its message text).

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::error::Error;

/// The codes AWS services use for "these credentials may not do that" (or are not valid).
const DENIED: [&str; 6] = [
    "AccessDenied",
    "AccessDeniedException",
    "NotAuthorizedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
];

/// Whether the call was refused for want of permission.
pub(crate) fn is_denied<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.code().is_some_and(|code| DENIED.contains(&code))
}

/// An SDK error in one line: the service's code and message, else the HTTP status.
pub(crate) fn describe<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, HttpResponse>,
) -> String {
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => match e.raw_response() {
            Some(raw) => format!("HTTP {} without an AWS error", raw.status().as_u16()),
            None => aws_smithy_types::error::display::DisplayErrorContext(e).to_string(),
        },
    }
}

/// No credentials at all for the admin calls.
pub(crate) fn no_credentials() -> Error {
    Error::AdminCredentials { detail: None }
}

/// The credential chain failed to produce credentials.
pub(crate) fn credentials_failed(e: impl std::fmt::Display) -> Error {
    Error::AdminCredentials {
        detail: Some(e.to_string()),
    }
}

/// An admin call that failed, named by its IAM action and sorted by cause: the service's error
/// code for a refusal, the SDK's error kind for no answer.
pub(crate) fn refused<E>(action: &'static str, e: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let detail = describe(&e);
    if is_denied(&e) {
        Error::AdminPermission { action, detail }
    } else if matches!(e, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) {
        Error::AdminUnreachable { action, detail }
    } else {
        Error::AdminCallFailed { action, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_role::GetRoleError;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn answered(status: u16, code: &str) -> SdkError<GetRoleError, HttpResponse> {
        let meta = ErrorMetadata::builder().code(code).message("m").build();
        let raw = HttpResponse::new(status.try_into().unwrap(), SdkBody::empty());
        SdkError::service_error(GetRoleError::generic(meta), raw)
    }

    #[test]
    fn admin_failures_are_sorted_by_code_and_kind_not_text() {
        let denied = refused("iam:GetRole", answered(403, "AccessDenied"));
        assert!(
            matches!(denied, Error::AdminPermission { .. }),
            "{denied:?}"
        );
        assert_eq!(denied.to_string(), "iam:GetRole failed: AccessDenied: m");
        assert_eq!(
            denied.hint().unwrap(),
            "the admin credentials need permission for iam:GetRole"
        );
        let unreachable = refused(
            "iam:GetRole",
            SdkError::<GetRoleError, HttpResponse>::dispatch_failure(ConnectorError::io(Box::new(
                std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
            ))),
        );
        assert!(
            matches!(unreachable, Error::AdminUnreachable { .. }),
            "{unreachable:?}"
        );
        let other = refused("iam:CreateRole", answered(409, "EntityAlreadyExists"));
        assert!(matches!(other, Error::AdminCallFailed { .. }), "{other:?}");
        assert_eq!(
            other.hint().unwrap(),
            "iam:CreateRole is needed for this step"
        );
        for err in [denied, unreachable, other] {
            assert_eq!(err.exit_code(), crate::error::EXIT_FAILURE);
        }
    }
}
