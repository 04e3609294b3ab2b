//! Calendar dates as stored and answered: `2027-03-31`.

use time::Date;

time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");

/// `2027-03-31`, which sorts as the date does.
pub fn text(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}
