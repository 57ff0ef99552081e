//! The flat "model" summary of resources used by the classic endpoints (`/state`, `/slaves`,
//! `/roles`, task and executor `resources`; operator-api §0.5): `cpus`, `gpus`, `mem` and
//! `disk` always present, every other name by its total, revocable resources under
//! `<name>_revocable`. Only the values are computed here; the JSON shape is `mesos-proto`'s.

use std::collections::BTreeMap;

use super::Resources;
use super::value::{Scalar, Value};

/// Names the summary always reports, as 0 when absent.
const ALWAYS_PRESENT: [&str; 4] = ["cpus", "gpus", "mem", "disk"];

/// One value of the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryValue {
    /// The total of a scalar resource (a JSON number).
    Scalar(Scalar),
    /// Ranges (`"[31000-32000, 33000-33010]"`) or a set (`"{a, b}"`), printed.
    Text(String),
}

impl Resources {
    /// The model summary: totals across all reservations and allocation roles, by name.
    pub fn summary(&self) -> BTreeMap<String, SummaryValue> {
        let mut summary: BTreeMap<String, SummaryValue> = ALWAYS_PRESENT
            .iter()
            .map(|name| ((*name).to_owned(), SummaryValue::Scalar(Scalar::ZERO)))
            .collect();
        for (part, suffix) in [(self.non_revocable(), ""), (self.revocable(), "_revocable")] {
            for name in part.names() {
                let Some(first) = part.iter().find(|resource| resource.name == name) else { continue };
                let value = match first.value {
                    Value::Scalar(_) => SummaryValue::Scalar(part.scalar(name)),
                    Value::Ranges(_) => SummaryValue::Text(part.ranges(name).to_string()),
                    Value::Set(_) => SummaryValue::Text(part.set(name).to_string()),
                };
                summary.insert(format!("{name}{suffix}"), value);
            }
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Resource;

    #[test]
    fn summary_totals_by_name() {
        let mut resources =
            Resources::parse("cpus:1;cpus(a):2.5;ports:[1-2];ports(a):[5-6];bugs:{x}", "*").expect("valid");
        resources += Resource::scalar("cpus", 4.0).expect("finite").with_revocable();
        let summary: Vec<(String, String)> = resources
            .summary()
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    SummaryValue::Scalar(amount) => amount.to_string(),
                    SummaryValue::Text(text) => format!("{text:?}"),
                };
                (name, value)
            })
            .collect();
        let expected = [
            ("bugs", "\"{x}\""),
            ("cpus", "3.5"),
            ("cpus_revocable", "4"),
            ("disk", "0"),
            ("gpus", "0"),
            ("mem", "0"),
            ("ports", "\"[1-2, 5-6]\""),
        ];
        assert_eq!(summary, expected.map(|(name, value)| (name.to_owned(), value.to_owned())));
    }
}
