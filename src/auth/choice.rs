//! Choice-based sign-in (USER_AUTH): the first factor is a password, SRP, a one-time code by
//! email or SMS, or a passkey. A factor chosen up front goes in InitiateAuth as
//! PREFERRED_CHALLENGE (with PASSWORD or SRP_A in the same call, as Amplify v6 sends them);
//! without one Cognito answers SELECT_CHALLENGE with the factors the user has
//! (`AvailableChallenges`, a top-level member of the response), and the pick is answered with
//! ANSWER. What follows (PASSWORD_VERIFIER, the one-time code, MFA) is the common challenge loop.

use crate::error::Error;

/// A first factor of choice-based sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// PASSWORD: the password goes to Cognito over TLS.
    Password,
    /// PASSWORD_SRP: the password never leaves the machine.
    Srp,
    /// EMAIL_OTP: a one-time code sent by email.
    EmailOtp,
    /// SMS_OTP: a one-time code sent by SMS.
    SmsOtp,
    /// WEB_AUTHN: a passkey, which only a browser can use.
    Passkey,
}

impl Factor {
    /// Every factor, in the order they are offered.
    pub const ALL: [Factor; 5] = [
        Factor::Password,
        Factor::Srp,
        Factor::EmailOtp,
        Factor::SmsOtp,
        Factor::Passkey,
    ];

    /// Its name in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Factor::Password => "password",
            Factor::Srp => "srp",
            Factor::EmailOtp => "email-otp",
            Factor::SmsOtp => "sms-otp",
            Factor::Passkey => "passkey",
        }
    }

    /// Its challenge name at Cognito (PREFERRED_CHALLENGE, AvailableChallenges, ANSWER).
    pub fn challenge(self) -> &'static str {
        match self {
            Factor::Password => "PASSWORD",
            Factor::Srp => "PASSWORD_SRP",
            Factor::EmailOtp => "EMAIL_OTP",
            Factor::SmsOtp => "SMS_OTP",
            Factor::Passkey => "WEB_AUTHN",
        }
    }

    /// The factor of a setting's value (`email-otp`).
    pub fn parse(name: &str) -> Option<Factor> {
        Factor::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The factor of a challenge name (`EMAIL_OTP`).
    pub fn from_challenge(challenge: &str) -> Option<Factor> {
        Factor::ALL.into_iter().find(|f| f.challenge() == challenge)
    }

    /// Whether the factor needs the password.
    pub fn needs_password(self) -> bool {
        matches!(self, Factor::Password | Factor::Srp)
    }
}

/// A passkey cannot be used from a terminal: the pool's managed login handles it.
pub fn passkey_needs_browser() -> Error {
    Error::PasskeyNeedsBrowser
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_challenges_round_trip() {
        for factor in Factor::ALL {
            assert_eq!(Factor::parse(factor.name()), Some(factor));
            assert_eq!(Factor::from_challenge(factor.challenge()), Some(factor));
        }
        assert_eq!(Factor::parse("EMAIL_OTP"), None);
        assert_eq!(Factor::from_challenge("SMS_MFA"), None);
        assert!(Factor::Srp.needs_password() && !Factor::EmailOtp.needs_password());
    }
}
