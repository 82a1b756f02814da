//! What an eBay `Failure` means for Riff.
//!
//! eBay reports business errors as HTTP 200 with `<Ack>Failure</Ack>` and one
//! or more `Errors` (§1.2). Their messages are localised, so the decision
//! keys on `ErrorCode` alone; the codes and what to do about each are the
//! table in `docs/wire-formats.md` §1.9.

use riff_domain::port::PortError;

use super::wire::{Envelope, ErrorType};

/// The codes Riff acts on (§1.9).
pub mod code {
    /// The token is not recognised.
    pub const AUTH_TOKEN_INVALID: &str = "931";
    /// The token is past its hard expiry; the user must grant access again.
    pub const AUTH_TOKEN_HARD_EXPIRED: &str = "932";
    /// The OAuth access token in the IAF header has expired: refresh it.
    pub const IAF_TOKEN_EXPIRED: &str = "21917053";
    /// End* on a listing that has already ended.
    pub const ALREADY_CLOSED: &str = "1047";
    /// Revise* on a listing that has ended.
    pub const REVISE_ENDED: &str = "291";
    /// The ItemID is unknown or archived: the only code that means "gone".
    pub const ITEM_INVALID: &str = "17";
    /// The daily call quota is used up.
    pub const CALL_LIMIT: &str = "518";
    /// Add calls too frequent for this seller.
    pub const ADD_FREQUENCY_LIMIT: &str = "21919144";
    /// eBay-side error; retry with back-off.
    pub const INTERNAL_ERROR: &str = "10007";
    /// The UUID was already used; the existing ItemID comes back.
    pub const DUPLICATE_UUID: &str = "488";
    /// The call-name header and the body's root disagree.
    pub const UNSUPPORTED_CALL: &str = "2";
    /// A header has a bad value (a non-numeric site id).
    pub const INVALID_HEADER: &str = "10012";
    /// A field is missing or has a value eBay does not accept. Used by the
    /// simulator for every content check; eBay itself has many more codes.
    pub const INVALID_INPUT: &str = "37";
    /// A required field is absent or empty: "No <X> exists or <X> is
    /// specified as an empty tag in the request.", `X` also in
    /// `ErrorParameters` (GetOrders without a time filter names
    /// `CreateTimeFrom`; §1.8).
    pub const MISSING_FIELD: &str = "10009";
}

/// Why a call was refused, before it becomes a [`PortError`]: the two cases
/// the client handles itself are kept apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The token was refused; refreshing it may help.
    Auth { code: String, message: String },
    /// An Add whose UUID was already used: the listing exists, with this id.
    DuplicateUuid { item_id: Option<String> },
    /// Anything else.
    Port(PortError),
}

impl From<PortError> for Rejection {
    fn from(error: PortError) -> Self {
        Self::Port(error)
    }
}

impl Rejection {
    /// The error the port reports when the client could not resolve this
    /// rejection itself.
    pub fn into_port(self) -> PortError {
        match self {
            Self::Port(error) => error,
            Self::Auth { code, message } => PortError::Auth(auth_advice(&code, &message)),
            Self::DuplicateUuid { .. } => PortError::Protocol(
                "eBay says this listing exists (duplicate UUID) but did not say its ItemID".into(),
            ),
        }
    }
}

/// What to tell the user when eBay refuses the token.
fn auth_advice(code: &str, message: &str) -> String {
    let action = if code == code::AUTH_TOKEN_HARD_EXPIRED {
        "the shop owner must sign in to eBay and grant Riff access again"
    } else {
        "reconnect eBay (a new OAuth token, or a refresh token with the app's client id and secret)"
    };
    format!("eBay error {code}: {message}; {action}")
}

/// Accepts `Success` and `Warning` (logging the warnings) and turns anything
/// else into a [`Rejection`].
///
/// # Errors
/// The rejection the first error-severity entry of `Errors` stands for.
pub fn check<R: Envelope>(call: &str, response: &R) -> Result<(), Rejection> {
    match response.ack() {
        "Success" => Ok(()),
        "Warning" => {
            for warning in response.errors() {
                tracing::warn!(
                    call,
                    code = %warning.error_code,
                    message = warning.long_message.as_deref().unwrap_or_default(),
                    "eBay accepted the call with a warning"
                );
            }
            Ok(())
        }
        ack => Err(classify(ack, response.errors())),
    }
}

/// Picks the error that decides the outcome (the first of severity `Error`,
/// else the first of any) and maps its code (§1.9).
fn classify(ack: &str, errors: &[ErrorType]) -> Rejection {
    let Some(error) = errors
        .iter()
        .find(|e| e.severity_code.as_deref() != Some("Warning"))
        .or_else(|| errors.first())
    else {
        return Rejection::Port(PortError::Protocol(format!(
            "eBay answered {ack} without saying why"
        )));
    };
    let message = error
        .long_message
        .clone()
        .or_else(|| error.short_message.clone())
        .unwrap_or_else(|| format!("error {}", error.error_code));
    match error.error_code.as_str() {
        code::AUTH_TOKEN_INVALID | code::AUTH_TOKEN_HARD_EXPIRED | code::IAF_TOKEN_EXPIRED => {
            Rejection::Auth {
                code: error.error_code.clone(),
                message,
            }
        }
        code::DUPLICATE_UUID => Rejection::DuplicateUuid {
            item_id: existing_item_id(error),
        },
        code::ALREADY_CLOSED | code::REVISE_ENDED => Rejection::Port(PortError::AlreadyEnded),
        code::ITEM_INVALID => Rejection::Port(PortError::NotFound),
        code::CALL_LIMIT | code::ADD_FREQUENCY_LIMIT => {
            Rejection::Port(PortError::RateLimited { retry_after: None })
        }
        code::INTERNAL_ERROR => Rejection::Port(PortError::Transient(message)),
        _ => Rejection::Port(PortError::Validation {
            field: None,
            message,
        }),
    }
}

/// The ItemID a duplicate-UUID error names: `ErrorParameters[@ParamID=1]`,
/// else the `item ID=<digits>` in the long message (§1.3, KB 74).
fn existing_item_id(error: &ErrorType) -> Option<String> {
    let from_parameter = error
        .error_parameters
        .iter()
        .find(|p| p.param_id == "1")
        .and_then(|p| p.value.clone())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    from_parameter.or_else(|| {
        let message = error.long_message.as_deref()?;
        let (_, after) = message.split_once("item ID=")?;
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty()).then_some(digits)
    })
}

#[cfg(test)]
mod tests {
    use super::super::wire::{ErrorParameter, GetItemResponse};
    use super::*;

    fn failure(code: &str, message: &str) -> GetItemResponse {
        GetItemResponse {
            ack: "Failure".into(),
            errors: vec![ErrorType {
                long_message: Some(message.into()),
                error_code: code.into(),
                severity_code: Some("Error".into()),
                ..ErrorType::default()
            }],
            ..GetItemResponse::default()
        }
    }

    #[test]
    fn each_documented_code_maps_to_its_class() {
        let cases = [
            ("1047", PortError::AlreadyEnded),
            ("291", PortError::AlreadyEnded),
            ("17", PortError::NotFound),
            ("518", PortError::RateLimited { retry_after: None }),
            ("10007", PortError::Transient("m".into())),
            (
                "240",
                PortError::Validation {
                    field: None,
                    message: "m".into(),
                },
            ),
        ];
        for (code, expected) in cases {
            assert_eq!(
                check("GetItem", &failure(code, "m")),
                Err(Rejection::Port(expected.clone())),
                "code {code}"
            );
        }
    }

    #[test]
    fn auth_codes_are_kept_apart_so_the_client_can_refresh() {
        for code in ["931", "932", "21917053"] {
            assert!(matches!(
                check("GetItem", &failure(code, "m")),
                Err(Rejection::Auth { .. })
            ));
        }
        let hard = Rejection::Auth {
            code: "932".into(),
            message: "Auth token is hard expired.".into(),
        };
        let PortError::Auth(advice) = hard.into_port() else {
            panic!("auth stays auth");
        };
        assert!(advice.contains("grant Riff access again"), "{advice}");
    }

    #[test]
    fn a_duplicate_uuid_yields_the_existing_item_id_from_the_parameter_or_the_message() {
        let mut response = failure(
            "488",
            "The specified UUID has already been used; ListedByRequestAppId=1, item ID=4503632367.",
        );
        assert_eq!(
            check("AddFixedPriceItem", &response),
            Err(Rejection::DuplicateUuid {
                item_id: Some("4503632367".into())
            })
        );
        response.errors[0].error_parameters = vec![ErrorParameter {
            param_id: "1".into(),
            value: Some("110000000042".into()),
        }];
        assert_eq!(
            check("AddFixedPriceItem", &response),
            Err(Rejection::DuplicateUuid {
                item_id: Some("110000000042".into())
            })
        );
    }

    #[test]
    fn warnings_pass_and_a_failure_without_errors_is_a_protocol_error() {
        let mut response = failure("21916711", "Condition dropped");
        response.ack = "Warning".into();
        assert_eq!(check("AddFixedPriceItem", &response), Ok(()));
        response.ack = "Failure".into();
        response.errors.clear();
        assert!(matches!(
            check("AddFixedPriceItem", &response),
            Err(Rejection::Port(PortError::Protocol(_)))
        ));
    }
}
