//! `cargo xtask seed N`: realistic sample data through the HTTP API, like the original's
//! `npm run seed -- N`, with its payload shapes (client-supplied ids, `openedAt`,
//! `interactionDate`, `closedAt`). Any answer that is not 2xx stops it with an error.

use std::time::Duration;

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const FIRST: &[&str] = &[
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Leslie",
    "Frances", "John",
];
pub const LAST: &[&str] = &[
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson",
    "Perlman", "Lamport", "Allen", "Backus",
];
const COMPANY: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
];
const SUFFIX: &[&str] = &["Ltd", "Inc", "GmbH", "SA", "Group", "Labs"];
const INDUSTRY: &[&str] = &[
    "Retail",
    "Energy",
    "Software",
    "Finance",
    "Health",
    "Logistics",
    "Media",
];
const ISSUE: &[&str] = &[
    "Invoice shows the wrong amount",
    "Cannot log in to the portal",
    "Delivery arrived damaged",
    "Request for a product demo",
    "Contract renewal questions",
    "Integration returns timeouts",
];
const NOTE: &[&str] = &[
    "Called the customer back",
    "Sent the documentation",
    "Escalated to engineering",
    "Agreed on next steps",
    "Customer confirmed the fix",
];
const KINDS: &[&str] = &["note", "call", "email", "meeting"];
const DEAL: &[&str] = &[
    "Annual licence renewal",
    "Support plan upgrade",
    "New site roll-out",
    "Training package",
    "Hardware refresh",
];
/// Amounts as the API takes them, each with its currency's fraction digits.
const MONEY: &[(&str, &str)] = &[
    ("12500.00", "EUR"),
    ("4800.50", "EUR"),
    ("30000", "JPY"),
    ("1999.99", "USD"),
    ("75000.00", "USD"),
    ("820.25", "GBP"),
];
const OPEN_STAGES: &[&str] = &["qualify", "discover", "propose", "negotiate"];
const CASE_PRIORITIES: &[&str] = &["low", "normal", "normal", "high", "urgent"];
const ORIGINS: &[&str] = &["phone", "email", "web", "chat", "other"];
const LOSS: &[&str] = &["Chose a competitor", "No budget this year", "Went quiet"];
const TODO: &[&str] = &[
    "Call back about the invoice",
    "Send the revised quote",
    "Check the case is fixed",
    "Book the quarterly review",
    "Email the onboarding guide",
];
const TASK_KINDS: &[&str] = &["todo", "call", "email", "meeting"];
const PRIORITIES: &[&str] = &["low", "normal", "normal", "high", "urgent"];

/// A small deterministic generator (xorshift64*), so `--seed` reproduces a data set.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// A UUID-shaped id, as the original's generator sent.
    fn id(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

#[derive(Default, Debug)]
pub struct Seeded {
    pub clients: usize,
    pub contacts: usize,
    pub links: usize,
    pub cases: usize,
    pub interactions: usize,
    pub closed: usize,
    pub waiting: usize,
    pub solved: usize,
    pub opportunities: usize,
    pub won: usize,
    pub lost: usize,
    pub tasks: usize,
    pub overdue: usize,
    pub done: usize,
}

struct Api {
    base: String,
    agent: ureq::Agent,
}

impl Api {
    fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let mut request = self
            .agent
            .post(&url)
            .header("content-type", "application/json")
            .header("x-source", "seed");
        // A stack that requires tokens (`dev --auth`): EVENTCRM_TOKEN=$(cargo xtask token).
        if let Ok(token) = std::env::var("EVENTCRM_TOKEN") {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = request
            .send(body.to_string())
            .map_err(|e| format!("POST {url}: {e}"))?;
        let status = response.status().as_u16();
        let text = response.into_body().read_to_string().unwrap_or_default();
        if !(200..300).contains(&status) {
            return Err(format!(
                "POST {url} answered {status}: {text}\n  request body: {body}"
            ));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

pub fn seed(count: usize, base_url: &str, seed: u64) -> Result<Seeded, String> {
    let api = Api {
        base: base_url.trim_end_matches('/').to_owned(),
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into(),
    };
    let mut random = Random(seed.max(1));
    let mut seeded = Seeded::default();
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::now_utc());
    // One pipeline for the whole data set: its stages, from a first call to the close.
    let pipeline_id = random.id();
    let stage = |id: &str, label: &str, probability: u8, outcome: &str| json!({ "stageId": id, "label": label, "probability": probability, "outcome": outcome });
    api.post(
        "/pipelines",
        json!({ "pipelineId": pipeline_id, "name": "New business", "stages": [
            stage("qualify", "Qualify", 10, "open"),
            stage("discover", "Discover", 30, "open"),
            stage("propose", "Propose", 60, "open"),
            stage("negotiate", "Negotiate", 80, "open"),
            stage("won", "Won", 100, "won"),
            stage("lost", "Lost", 0, "lost"),
        ] }),
    )?;
    let today = now.date();
    for _ in 0..count {
        let client_id = random.id();
        let company = format!("{} {}", random.pick(COMPANY), random.pick(SUFFIX));
        api.post(
            "/clients",
            json!({ "clientId": client_id, "name": company, "industry": random.pick(INDUSTRY) }),
        )?;
        seeded.clients += 1;

        let mut contacts = Vec::new();
        for _ in 0..random.between(2, 4) {
            let contact_id = random.id();
            let (first, last) = (random.pick(FIRST), random.pick(LAST));
            let domain = company
                .split(' ')
                .next()
                .unwrap_or("example")
                .to_lowercase();
            api.post(
                "/contacts",
                json!({
                    "contactId": contact_id,
                    "name": format!("{first} {last}"),
                    "email": format!("{}.{}.{}@{domain}.example", first.to_lowercase(), last.to_lowercase(), &contact_id[..4]),
                    "phone": format!("+1 555 {:03} {:04}", random.below(1000), random.below(10000)),
                }),
            )?;
            seeded.contacts += 1;
            api.post(
                &format!("/clients/{client_id}/contacts"),
                json!({ "contactId": contact_id }),
            )?;
            seeded.links += 1;
            contacts.push(contact_id);
        }

        let mut targets = vec![json!({ "type": "client", "id": client_id })];
        for contact_id in &contacts {
            targets.push(json!({ "type": "contact", "id": contact_id }));
        }
        for _ in 0..random.between(1, 3) {
            let case_id = random.id();
            targets.push(json!({ "type": "case", "id": case_id }));
            let opened_at = now - Duration::from_secs(86_400 * random.between(3, 60) as u64);
            let assignee = format!("agent-{}", random.between(1, 3));
            api.post(
                "/cases",
                json!({ "caseId": case_id, "clientId": client_id, "description": random.pick(ISSUE),
                    "openedAt": rfc3339(opened_at), "priority": random.pick(CASE_PRIORITIES),
                    "assigneeId": assignee, "origin": random.pick(ORIGINS) }),
            )?;
            seeded.cases += 1;
            let mut last = opened_at;
            for _ in 0..random.between(1, 4) {
                last += Duration::from_secs(3_600 * random.between(1, 30) as u64);
                let mut interaction = json!({ "description": random.pick(NOTE), "interactionDate": rfc3339(last), "type": random.pick(KINDS) });
                if random.below(2) == 0 {
                    interaction["contactId"] = json!(contacts[random.below(contacts.len())]);
                }
                api.post(&format!("/cases/{case_id}/interactions"), interaction)?;
                seeded.interactions += 1;
            }
            // The workflow: some wait on the customer or a supplier, some are solved (and of
            // those some closed); the rest stay open, most of them long past their SLA.
            last += Duration::from_secs(3_600 * random.between(1, 48) as u64);
            let at = rfc3339(last);
            let status = format!("/cases/{case_id}/status");
            match random.below(5) {
                0 => {
                    api.post(&status, json!({ "status": "pending", "at": at }))?;
                    seeded.waiting += 1;
                }
                1 => {
                    api.post(&status, json!({ "status": "on_hold", "at": at }))?;
                    seeded.waiting += 1;
                }
                2 => {
                    api.post(&status, json!({ "status": "solved", "at": at, "resolution": "Resolved with the customer" }))?;
                    seeded.solved += 1;
                    if random.below(2) == 0 {
                        api.post(
                            &format!("/cases/{case_id}/close"),
                            json!({ "closedAt": at }),
                        )?;
                        seeded.closed += 1;
                    }
                }
                _ => {}
            }
        }

        // Deals in several stages and currencies, some won or lost.
        for _ in 0..random.between(1, 3) {
            let opportunity_id = random.id();
            let (amount, currency) = MONEY[random.below(MONEY.len())];
            let close_date = today + time::Duration::days(random.between(5, 120) as i64);
            api.post(
                "/opportunities",
                json!({
                    "opportunityId": opportunity_id, "name": random.pick(DEAL),
                    "clientId": client_id, "pipelineId": pipeline_id, "amount": amount,
                    "currency": currency, "closeDate": close_date.to_string(),
                    "ownerId": format!("rep-{}", random.between(1, 3)),
                    "nextStep": "Book a call",
                }),
            )?;
            seeded.opportunities += 1;
            targets.push(json!({ "type": "opportunity", "id": opportunity_id }));
            let path = format!("/opportunities/{opportunity_id}");
            let reached = random.below(OPEN_STAGES.len());
            for stage_id in OPEN_STAGES.iter().take(reached + 1).skip(1) {
                api.post(&format!("{path}/stage"), json!({ "stageId": stage_id }))?;
            }
            match random.below(4) {
                0 => {
                    api.post(&format!("{path}/won"), json!({}))?;
                    seeded.won += 1;
                }
                1 => {
                    api.post(
                        &format!("{path}/lost"),
                        json!({ "reason": random.pick(LOSS) }),
                    )?;
                    seeded.lost += 1;
                }
                _ => {}
            }
        }

        // Tasks on the client's records: due from ten days ago to a fortnight ahead (some
        // overdue), a few done.
        for _ in 0..random.between(2, 4) {
            let task_id = random.id();
            let hours = random.between(0, 24 * 24) as i64 - 24 * 10;
            let due = now + time::Duration::hours(hours);
            let target = targets[random.below(targets.len())].clone();
            api.post(
                "/tasks",
                json!({
                    "taskId": task_id, "title": random.pick(TODO),
                    "type": random.pick(TASK_KINDS), "priority": random.pick(PRIORITIES),
                    "dueAt": rfc3339(due), "assigneeId": format!("rep-{}", random.between(1, 3)),
                    "targets": [target],
                }),
            )?;
            seeded.tasks += 1;
            if random.below(4) == 0 {
                api.post(&format!("/tasks/{task_id}/complete"), json!({}))?;
                seeded.done += 1;
            } else if due < now {
                seeded.overdue += 1;
            }
        }
    }
    Ok(seeded)
}
