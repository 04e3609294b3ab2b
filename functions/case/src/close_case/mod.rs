//! close-case: `POST /api/cases/{id}/close`.

mod http;

pub use http::handle;
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
    use crate::create_case::CaseCreated;
    use shared::Aggregate;
    use time::macros::datetime;

    fn open_case() -> Case {
        Case::from_events(&[CaseEvent::CaseCreated(CaseCreated {
            case_id: "s1".into(),
            client_id: "k1".into(),
            description: "Printer on fire".into(),
            opened_at: datetime!(2026-01-01 09:00 UTC),
        })])
    }

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
        assert_eq!(
            decide(&open_case(), close(at)),
            Ok(vec![CaseEvent::CaseClosed(CaseClosed {
                case_id: "s1".into(),
                closed_at: at,
                resolution: Some("Replaced the toner".into()),
            })])
        );
    }

    #[test]
    fn given_closed_case_when_closed_again_then_conflict() {
        let events = decide(&open_case(), close(datetime!(2026-01-02 09:00 UTC))).unwrap();
        let closed = open_case().evolve(&events[0]);
        assert_eq!(
            decide(&closed, close(datetime!(2026-01-03 09:00 UTC))),
            Err(CaseError::Closed("s1".into()))
        );
    }

    #[test]
    fn given_open_case_when_closed_before_it_opened_then_refused() {
        assert!(matches!(
            decide(&open_case(), close(datetime!(2025-12-31 23:59 UTC))),
            Err(CaseError::BeforeOpening {
                what: "closedAt",
                ..
            })
        ));
    }

    #[test]
    fn given_no_case_when_closed_then_not_found() {
        assert_eq!(
            decide(&Case::NotCreated, close(datetime!(2026-01-02 09:00 UTC))),
            Err(CaseError::NotFound("s1".into()))
        );
    }
}
