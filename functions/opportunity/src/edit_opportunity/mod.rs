//! edit-opportunity: `PATCH /api/opportunities/{id}`. A change of amount or of close date is an
//! event of its own that keeps the previous value: the history shows every slip.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::{Currency, Money};
use crate::opportunity::{Opportunity, OpportunityError, OpportunityEvent};
use event_sourcing::Patch;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditOpportunity {
    pub opportunity_id: String,
    pub name: Option<String>,
    pub amount: Option<NewAmount>,
    pub close_date: Option<Date>,
    pub owner_id: Option<String>,
    pub next_step: Patch<String>,
}

/// A new amount as the request gives it: in the currency given, or in the opportunity's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAmount {
    pub amount: String,
    pub currency: Option<Currency>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityEdited {
    pub opportunity_id: String,
    pub name: String,
    pub owner_id: String,
    #[serde(default)]
    pub next_step: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmountChanged {
    pub opportunity_id: String,
    #[serde(flatten)]
    pub money: Money,
    pub previous_amount: String,
    pub previous_currency: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloseDateChanged {
    pub opportunity_id: String,
    #[serde(with = "crate::dates::iso_date")]
    pub close_date: Date,
    #[serde(with = "crate::dates::iso_date")]
    pub previous_close_date: Date,
}

/// Only what changes is recorded, one event per kind of change; an edit that changes nothing
/// records nothing.
pub fn decide(
    state: &Opportunity,
    command: EditOpportunity,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    let details = state.open(&command.opportunity_id)?;
    let mut events = Vec::new();
    let name = command.name.unwrap_or_else(|| details.name.clone());
    let owner_id = command.owner_id.unwrap_or_else(|| details.owner_id.clone());
    let next_step = command.next_step.apply_to(details.next_step.clone());
    if (&name, &owner_id, &next_step) != (&details.name, &details.owner_id, &details.next_step) {
        events.push(OpportunityEvent::OpportunityEdited(OpportunityEdited {
            opportunity_id: command.opportunity_id.clone(),
            name,
            owner_id,
            next_step,
        }));
    }
    let money = command
        .amount
        .map(|new| {
            let currency = new.currency.unwrap_or(details.money.currency);
            Money::parse(&new.amount, currency)
                .map_err(|error| OpportunityError::InvalidAmount(error.to_string()))
        })
        .transpose()?;
    if let Some(money) = money.filter(|money| *money != details.money) {
        events.push(OpportunityEvent::AmountChanged(AmountChanged {
            opportunity_id: command.opportunity_id.clone(),
            money,
            previous_amount: details.money.amount_text(),
            previous_currency: details.money.currency.code(),
        }));
    }
    if let Some(close_date) = command
        .close_date
        .filter(|date| *date != details.close_date)
    {
        events.push(OpportunityEvent::CloseDateChanged(CloseDateChanged {
            opportunity_id: command.opportunity_id,
            close_date,
            previous_close_date: details.close_date,
        }));
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{create_command, created, eur, lost};
    use event_sourcing::testing::given;
    use time::macros::{date, datetime};

    fn edit() -> EditOpportunity {
        EditOpportunity {
            opportunity_id: "o1".into(),
            name: None,
            amount: None,
            close_date: None,
            owner_id: None,
            next_step: Patch::Absent,
        }
    }

    #[test]
    fn given_open_opportunity_when_amount_and_close_date_move_then_each_keeps_its_previous_value() {
        given::<Opportunity>([created()])
            .when(|state| {
                decide(
                    state,
                    EditOpportunity {
                        amount: Some(NewAmount {
                            amount: "14000".into(),
                            currency: None,
                        }),
                        close_date: Some(date!(2027 - 04 - 30)),
                        ..edit()
                    },
                )
            })
            .then([
                OpportunityEvent::AmountChanged(AmountChanged {
                    opportunity_id: "o1".into(),
                    money: eur("14000"),
                    previous_amount: "12500.00".into(),
                    previous_currency: "EUR".into(),
                }),
                OpportunityEvent::CloseDateChanged(CloseDateChanged {
                    opportunity_id: "o1".into(),
                    close_date: date!(2027 - 04 - 30),
                    previous_close_date: date!(2027 - 03 - 31),
                }),
            ]);
    }

    #[test]
    fn given_open_opportunity_when_details_change_then_edited_and_nothing_else() {
        given::<Opportunity>([created()])
            .when(|state| {
                decide(
                    state,
                    EditOpportunity {
                        owner_id: Some("u2".into()),
                        next_step: Patch::Value("Send the quote".into()),
                        amount: Some(NewAmount {
                            amount: "12500.00".into(),
                            currency: Some(eur("1").currency),
                        }),
                        ..edit()
                    },
                )
            })
            .then([OpportunityEvent::OpportunityEdited(OpportunityEdited {
                opportunity_id: "o1".into(),
                name: "Acme renewal".into(),
                owner_id: "u2".into(),
                next_step: Some("Send the quote".into()),
            })]);
    }

    #[test]
    fn given_a_jpy_amount_when_it_gets_cents_in_its_own_currency_then_invalid() {
        let mut yen = create_command(None);
        yen.money = Money::parse("30000", Currency::parse("JPY").unwrap()).unwrap();
        let created = crate::create_opportunity::decide(
            &Opportunity::NotCreated,
            yen,
            &crate::create_opportunity::Context {
                client_exists: true,
                pipeline: Some(crate::fixtures::pipeline()),
            },
        )
        .unwrap();
        given::<Opportunity>(created)
            .when(|state| {
                decide(
                    state,
                    EditOpportunity {
                        amount: Some(NewAmount {
                            amount: "1.5".into(),
                            currency: None,
                        }),
                        ..edit()
                    },
                )
            })
            .then_error(OpportunityError::InvalidAmount(
                "JPY has 0 fraction digits; \"1.5\" has more".into(),
            ));
    }

    #[test]
    fn given_open_opportunity_when_nothing_changes_then_nothing_is_recorded() {
        given::<Opportunity>([created()])
            .when(|state| {
                decide(
                    state,
                    EditOpportunity {
                        name: Some("Acme renewal".into()),
                        ..edit()
                    },
                )
            })
            .then([]);
    }

    #[test]
    fn given_closed_or_no_opportunity_when_edited_then_refused() {
        given::<Opportunity>([
            created(),
            lost("qualify", "No budget", datetime!(2026-02-01 10:00 UTC)),
        ])
        .when(|state| decide(state, edit()))
        .then_error(OpportunityError::Closed("o1".into(), "lost"));
        given::<Opportunity>([])
            .when(|state| decide(state, edit()))
            .then_error(OpportunityError::NotFound("o1".into()));
    }
}
