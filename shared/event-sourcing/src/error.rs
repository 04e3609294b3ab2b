//! How a refusal reads to a caller, named without HTTP: the HTTP layer maps each kind to a
//! status code once (`http_api::problem`), and domain code never sees a status code.

/// The kinds of refusal a domain or a subscriber can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed or invalid input (400).
    Invalid,
    /// The thing addressed does not exist (404).
    NotFound,
    /// The current state forbids it (409).
    Conflict,
    /// Well-formed, but refers to something unusable (422).
    Unprocessable,
    /// It existed and was removed for good (410).
    Gone,
}

/// A domain refusal says what kind it is; the status code is chosen by the HTTP layer.
pub trait DomainError: std::fmt::Display {
    fn kind(&self) -> ErrorKind;
}
