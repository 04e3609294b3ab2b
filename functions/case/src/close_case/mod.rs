//! close-case: `POST /api/cases/{id}/close`.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{not_before_opening, Case, CaseError, CaseEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseCase {
    pub case_id: String,
    pub closed_at: OffsetDateTime,
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseClosed {
    pub case_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub closed_at: OffsetDateTime,
    #[serde(default)]
    pub resolution: Option<String>,
}

pub fn decide(state: &Case, command: CloseCase) -> Result<Vec<CaseEvent>, CaseError> {
    let case = state.open(&command.case_id)?;
    not_before_opening(case, "closedAt", command.closed_at)?;
    Ok(vec![CaseEvent::CaseClosed(CaseClosed {
        case_id: command.case_id,
        closed_at: command.closed_at,
        resolution: command.resolution,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{closed, opened};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    fn close(at: OffsetDateTime) -> CloseCase {
        CloseCase {
            case_id: "s1".into(),
            closed_at: at,
            resolution: Some("Replaced the toner".into()),
        }
    }

    #[test]
    fn given_open_case_when_closed_then_case_closed() {
        let at = datetime!(2026-01-02 09:00 UTC);
        given::<Case>([opened()])
            .when(|state| decide(state, close(at)))
            .then([closed(at)]);
    }

    #[test]
    fn given_closed_case_when_closed_again_then_conflict() {
        given::<Case>([opened(), closed(datetime!(2026-01-02 09:00 UTC))])
            .when(|state| decide(state, close(datetime!(2026-01-03 09:00 UTC))))
            .then_error(CaseError::Closed("s1".into()));
    }

    #[test]
    fn given_open_case_when_closed_before_it_opened_then_refused() {
        given::<Case>([opened()])
            .when(|state| decide(state, close(datetime!(2025-12-31 23:59 UTC))))
            .then_error(CaseError::BeforeOpening {
                what: "closedAt",
                at: "2025-12-31T23:59:00Z".into(),
                opened_at: "2026-01-01T09:00:00Z".into(),
            });
    }

    #[test]
    fn given_no_case_when_closed_then_not_found() {
        given::<Case>([])
            .when(|state| decide(state, close(datetime!(2026-01-02 09:00 UTC))))
            .then_error(CaseError::NotFound("s1".into()));
    }
}
