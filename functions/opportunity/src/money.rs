//! Exact money: a decimal amount in an ISO 4217 currency, written with exactly the currency's
//! fraction digits (`"12500.00"` EUR, `"12500"` JPY). Never a float: sums and weighted values
//! are computed on decimals and rounded half-even to the currency's fraction digits.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// At most this many digits in all, once written with the currency's fraction digits.
pub const MAX_DIGITS: u32 = 15;

/// An ISO 4217 currency code the API accepts, with its fraction digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Uppercase three-letter codes of currencies with a minor unit only: `EUR`, never `eur`,
    /// nor a metal (`XAU`) or a testing code (`XTS`, `XXX`), which ISO 4217 gives none.
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        iso_currency::Currency::from_code(code)
            .filter(|_| code.bytes().all(|b| b.is_ascii_uppercase()))
            .filter(|currency| currency.exponent().is_some())
            .map(Currency)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    pub fn code(self) -> String {
        self.0.code().to_owned()
    }

    /// Its minor unit's digits (2 for EUR, 0 for JPY, 3 for BHD); none (gold, SDR) reads as 0.
    pub fn fraction_digits(self) -> u32 {
        self.0.exponent().map_or(0, u32::from)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount of a currency, held at exactly its fraction digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0:?} is not an ISO 4217 currency code")]
    UnknownCurrency(String),
    #[error("must be a decimal string of digits, like \"12500.00\"")]
    NotADecimal,
    #[error("{currency} has {digits} fraction digits; {amount:?} has more")]
    TooPrecise {
        amount: String,
        currency: Currency,
        digits: u32,
    },
    #[error("at most {MAX_DIGITS} digits in all, once written with {currency}'s fraction digits")]
    TooLarge { currency: Currency },
}

impl Money {
    /// An amount as the API takes it: a string of digits with an optional fraction, at least 0,
    /// no more fraction digits than the currency has, at most 15 digits once written with them.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || (amount.contains('.') && fraction.is_empty())
        {
            return Err(MoneyError::NotADecimal);
        }
        let scale = currency.fraction_digits();
        if fraction.len() > scale as usize {
            return Err(MoneyError::TooPrecise {
                amount: amount.to_owned(),
                currency,
                digits: scale,
            });
        }
        let significant = whole.trim_start_matches('0').len().max(1);
        if significant + scale as usize > MAX_DIGITS as usize {
            return Err(MoneyError::TooLarge { currency });
        }
        let mut value = Decimal::from_str(amount).map_err(|_| MoneyError::NotADecimal)?;
        value.rescale(scale);
        Ok(Money {
            amount: value,
            currency,
        })
    }

    /// The amount written with exactly the currency's fraction digits.
    pub fn amount_text(&self) -> String {
        let mut amount = self.amount;
        amount.rescale(self.currency.fraction_digits());
        amount.to_string()
    }
}

/// `amount × percent / 100`, exact (rounded only when written, once per total).
pub fn percent_of(amount: Decimal, percent: u8) -> Decimal {
    amount * Decimal::from(percent) / Decimal::ONE_HUNDRED
}

/// An exact amount written half-even with exactly the currency's fraction digits.
pub fn rounded_text(amount: Decimal, currency: Currency) -> String {
    let mut rounded = amount.round_dp_with_strategy(
        currency.fraction_digits(),
        RoundingStrategy::MidpointNearestEven,
    );
    rounded.rescale(currency.fraction_digits());
    rounded.to_string()
}

/// Stored and answered as `{"amount": "12500.00", "currency": "EUR"}` fields of the owner.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Money", 2)?;
        fields.serialize_field("amount", &self.amount_text())?;
        fields.serialize_field("currency", &self.currency)?;
        fields.end()
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            amount: String,
            currency: Currency,
        }
        // A stored amount was valid when written: read it as it is, so a later change to the
        // currency table never makes old events unreadable.
        let stored = Stored::deserialize(deserializer)?;
        let amount = Decimal::from_str(&stored.amount).map_err(serde::de::Error::custom)?;
        Ok(Money {
            amount,
            currency: stored.currency,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn jpy() -> Currency {
        Currency::parse("JPY").unwrap()
    }

    #[test]
    fn amounts_are_read_and_written_with_the_currencys_fraction_digits() {
        assert_eq!(Money::parse("1.5", eur()).unwrap().amount_text(), "1.50");
        assert_eq!(
            Money::parse("12500", eur()).unwrap().amount_text(),
            "12500.00"
        );
        assert_eq!(Money::parse("007", jpy()).unwrap().amount_text(), "7");
        assert_eq!(
            Money::parse("9999999999999.99", eur())
                .unwrap()
                .amount_text(),
            "9999999999999.99"
        );
        assert_eq!(
            Money::parse("999999999999999", jpy())
                .unwrap()
                .amount_text(),
            "999999999999999"
        );
        let bhd = Currency::parse("BHD").unwrap();
        assert_eq!(Money::parse("1.5", bhd).unwrap().amount_text(), "1.500");
    }

    #[test]
    fn what_is_not_an_amount_the_currency_can_hold_is_refused() {
        assert!(matches!(
            Money::parse("1.5", jpy()),
            Err(MoneyError::TooPrecise { digits: 0, .. })
        ));
        assert!(matches!(
            Money::parse("1.505", eur()),
            Err(MoneyError::TooPrecise { digits: 2, .. })
        ));
        for bad in [
            "", "-1", "+1", "1e3", "1.", ".5", "1,5", " 1", "1.2.3", "NaN", "١",
        ] {
            assert_eq!(
                Money::parse(bad, eur()),
                Err(MoneyError::NotADecimal),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Money::parse("10000000000000", eur()),
            Err(MoneyError::TooLarge { .. })
        ));
        assert!(matches!(
            Money::parse("1000000000000000", jpy()),
            Err(MoneyError::TooLarge { .. })
        ));
        for code in ["eur", "EU", "XYZ", "EURO", "", "XAU", "XTS", "XXX"] {
            assert!(Currency::parse(code).is_err(), "{code}");
        }
    }

    #[test]
    fn weighting_rounds_half_to_even() {
        let weigh = |amount: &str, percent| {
            let money = Money::parse(amount, eur()).unwrap();
            rounded_text(percent_of(money.amount, percent), eur())
        };
        assert_eq!(weigh("0.05", 50), "0.02");
        assert_eq!(weigh("0.15", 50), "0.08");
        assert_eq!(weigh("12500.00", 60), "7500.00");
        assert_eq!(weigh("9999999999999.99", 100), "9999999999999.99");
        assert_eq!(weigh("9999999999999.99", 0), "0.00");
    }

    /// An amount the API accepts, as cents, and its text.
    fn accepted_eur() -> impl Strategy<Value = (i64, String)> {
        (0i64..=999_999_999_999_999)
            .prop_map(|cents| (cents, format!("{}.{:02}", cents / 100, cents % 100)))
    }

    proptest! {
        /// As the figures do it: each amount as minor units, summed as counters are, read
        /// back and weighted once; exact against integer arithmetic in cents.
        #[test]
        fn totals_are_exact_for_any_accepted_amounts(amounts in proptest::collection::vec(accepted_eur(), 0..50), percent in 0u8..=100) {
            use crate::pipeline_figures::{from_minor_units, minor_units};
            let mut counter: i64 = 0;
            let mut cents: i128 = 0;
            for (amount_cents, text) in &amounts {
                let money = Money::parse(text, eur()).unwrap();
                prop_assert_eq!(&money.amount_text(), text);
                counter += minor_units(&money);
                cents += i128::from(*amount_cents);
            }
            let total = from_minor_units(counter, eur()).amount;
            prop_assert_eq!(total * Decimal::ONE_HUNDRED, Decimal::from_i128_with_scale(cents, 0));
            // Weighted in integers: cents × percent / 100, half to even.
            let numerator = cents * i128::from(percent);
            let (quotient, remainder) = (numerator / 100, numerator % 100);
            let rounded = match remainder.cmp(&50) {
                std::cmp::Ordering::Less => quotient,
                std::cmp::Ordering::Greater => quotient + 1,
                std::cmp::Ordering::Equal => quotient + (quotient % 2),
            };
            let expected = Money { amount: Decimal::from_i128_with_scale(rounded, 2), currency: eur() };
            prop_assert_eq!(rounded_text(percent_of(total, percent), eur()), expected.amount_text());
        }
    }
}
