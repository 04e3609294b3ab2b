//! A partial edit's field, named without HTTP: domain commands take it, the HTTP layer reads
//! it from a JSON body.

/// A field that may be absent, explicitly null, or set: PATCH needs all three.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Patch<T> {
    Absent,
    Null,
    Value(T),
}

impl<T> Patch<T> {
    pub fn into_option(self) -> Option<T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The field after the edit: kept when absent, cleared when null, replaced when set.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Absent => current,
            Patch::Null => None,
            Patch::Value(v) => Some(v),
        }
    }
}
