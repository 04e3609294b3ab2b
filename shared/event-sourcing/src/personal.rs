//! Whose personal data an event holds, said by the domain (see
//! [`crate::DomainEvent::personal_data`]); sealing it is an adapter's work (the
//! `crypto-shredding` crate), so that erasing the person makes it unreadable everywhere.

use crate::envelope::StreamId;

/// What a sealed field reads as once its person is erased.
pub const ERASED: &str = "[erased]";

/// Which payload fields of an event are one person's data, and whose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalData {
    /// The person's stream, e.g. `contact#<id>`: their key is filed under it.
    pub subject: String,
    pub fields: &'static [&'static str],
}

impl PersonalData {
    pub fn of(subject: StreamId, fields: &'static [&'static str]) -> Self {
        Self {
            subject: subject.partition_key(),
            fields,
        }
    }
}
