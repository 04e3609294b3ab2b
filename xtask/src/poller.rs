//! Feeds moto's DynamoDB Stream of the EventStore to the stream-consumer function served by
//! `cargo lambda watch`, the way the Lambda event source mapping does on AWS: batches of up to
//! 100 records per shard, in order; a response's `batchItemFailures` makes the batch be
//! retried from the lowest failed record, a bounded number of times.
//!
//! Each shard is read with the iterator its last read returned, as the event source mapping
//! does: one `GetRecords` per shard a poll (moto serves one request at a time, so every request
//! the poller saves is one the functions do not queue behind). The shards are described again
//! every few seconds; after an error the next read takes a fresh iterator after the last
//! delivered record.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

const MAX_ATTEMPTS: usize = 5;

/// Every record (the stream consumer's mapping has no filter).
pub fn every_record(_: &Value) -> bool {
    true
}

/// The publisher's filter criteria, as the template gives them: event inserts only (an
/// event's sort key is `v` and its version), not snapshots, idempotency records or reseals.
pub fn event_inserts(record: &Value) -> bool {
    record["eventName"] == "INSERT"
        && record["dynamodb"]["Keys"]["SK"]["S"]
            .as_str()
            .is_some_and(|sk| sk.starts_with('v'))
}
const TABLE: &str = "EventStore";

pub struct Poller {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Shard {
    id: String,
    /// The last record delivered; a fresh iterator starts after it.
    last_sequence: Option<String>,
    /// Where the next read starts: what the last `GetRecords` returned.
    iterator: Option<String>,
}

/// Polls between two `DescribeStream` calls (200 ms each: 10 s).
const DESCRIBE_EVERY: u32 = 50;

struct Feed {
    moto: String,
    invoke_url: String,
    /// The event source mapping's filter: which records reach the function.
    filter: fn(&Value) -> bool,
    agent: ureq::Agent,
    log: std::fs::File,
}

impl Poller {
    /// Feeds `function` the stream's records that pass `filter`, from the oldest on, with
    /// positions of its own (as each event source mapping keeps its own).
    pub fn start(
        moto: &str,
        invoke_base: &str,
        function: &str,
        filter: fn(&Value) -> bool,
        log: std::fs::File,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let mut feed = Feed {
            moto: moto.to_owned(),
            invoke_url: format!("{invoke_base}/2015-03-31/functions/{function}/invocations"),
            filter,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(300)))
                .build()
                .into(),
            log,
        };
        let flag = stop.clone();
        let thread = std::thread::spawn(move || feed.run(&flag));
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Feed {
    fn say(&mut self, message: &str) {
        let _ = writeln!(self.log, "{message}");
    }

    /// A DynamoDB or DynamoDB Streams JSON call; moto checks no signature.
    fn aws(&self, target: &str, body: Value) -> Result<Value, String> {
        let response = self
            .agent
            .post(&self.moto)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", target)
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local",
            )
            .send(body.to_string())
            .map_err(|e| format!("{target}: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .into_body()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("{target}: {status} {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("{target}: {e}"))
    }

    fn run(&mut self, stop: &AtomicBool) {
        let mut stream_arn: Option<String> = None;
        let mut shards: Vec<Shard> = Vec::new();
        let mut polls: u32 = 0;
        while !stop.load(Ordering::SeqCst) {
            let describe = polls.is_multiple_of(DESCRIBE_EVERY) || shards.is_empty();
            polls = polls.wrapping_add(1);
            if let Err(message) = self.tick(&mut stream_arn, &mut shards, describe) {
                self.say(&format!("poller: {message}"));
                for shard in &mut shards {
                    shard.iterator = None;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn tick(
        &mut self,
        stream_arn: &mut Option<String>,
        shards: &mut Vec<Shard>,
        describe: bool,
    ) -> Result<(), String> {
        let arn = match stream_arn {
            Some(arn) => arn.clone(),
            None => {
                let table = self.aws(
                    "DynamoDB_20120810.DescribeTable",
                    json!({ "TableName": TABLE }),
                )?;
                let arn = table["Table"]["LatestStreamArn"]
                    .as_str()
                    .ok_or("the EventStore table has no stream")?
                    .to_owned();
                *stream_arn = Some(arn.clone());
                arn
            }
        };
        if describe {
            let description = self.aws(
                "DynamoDBStreams_20120810.DescribeStream",
                json!({ "StreamArn": arn }),
            )?;
            for shard in description["StreamDescription"]["Shards"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let Some(id) = shard["ShardId"].as_str() else {
                    continue;
                };
                if !shards.iter().any(|s| s.id == id) {
                    shards.push(Shard {
                        id: id.to_owned(),
                        last_sequence: None,
                        iterator: None,
                    });
                }
            }
        }
        for shard in shards.iter_mut() {
            let iterator = match shard.iterator.take() {
                Some(iterator) => iterator,
                None => {
                    let request = match &shard.last_sequence {
                        Some(sequence) => {
                            json!({ "StreamArn": arn, "ShardId": shard.id, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": sequence })
                        }
                        None => {
                            json!({ "StreamArn": arn, "ShardId": shard.id, "ShardIteratorType": "TRIM_HORIZON" })
                        }
                    };
                    let answer = self.aws("DynamoDBStreams_20120810.GetShardIterator", request)?;
                    let Some(iterator) = answer["ShardIterator"].as_str() else {
                        continue;
                    };
                    iterator.to_owned()
                }
            };
            let page = self.aws(
                "DynamoDBStreams_20120810.GetRecords",
                json!({ "ShardIterator": iterator, "Limit": 100 }),
            )?;
            shard.iterator = page["NextShardIterator"].as_str().map(str::to_owned);
            let mut records: Vec<Value> = page["Records"].as_array().cloned().unwrap_or_default();
            for record in &mut records {
                record["eventSourceARN"] = json!(arn);
            }
            if let Some(last) = records.last() {
                shard.last_sequence = last["dynamodb"]["SequenceNumber"]
                    .as_str()
                    .map(str::to_owned);
                records.retain(|record| (self.filter)(record));
                if !records.is_empty() {
                    self.deliver(records);
                }
            }
        }
        Ok(())
    }

    /// Invokes the consumer until the batch is applied, retrying from the lowest record it
    /// reports as failed.
    fn deliver(&mut self, mut records: Vec<Value>) {
        for attempt in 1..=MAX_ATTEMPTS {
            let outcome = self
                .agent
                .post(&self.invoke_url)
                .header("content-type", "application/json")
                .send(json!({ "Records": records }).to_string())
                .map_err(|e| e.to_string())
                .and_then(|r| {
                    let ok = r.status().is_success();
                    let text = r.into_body().read_to_string().map_err(|e| e.to_string())?;
                    if ok {
                        serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())
                    } else {
                        Err(text)
                    }
                });
            let failed: Vec<String> = match outcome {
                Ok(response) => response["batchItemFailures"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f["itemIdentifier"].as_str().map(str::to_owned))
                    .collect(),
                Err(error) => {
                    self.say(&format!(
                        "poller: invocation failed (attempt {attempt}): {error}"
                    ));
                    vec![records[0]["dynamodb"]["SequenceNumber"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()]
                }
            };
            if failed.is_empty() {
                self.say(&format!("poller: delivered {} record(s)", records.len()));
                return;
            }
            let lowest = failed.iter().min().cloned().unwrap_or_default();
            let from = records
                .iter()
                .position(|r| r["dynamodb"]["SequenceNumber"].as_str() == Some(lowest.as_str()))
                .unwrap_or(0);
            records.drain(..from);
            self.say(&format!(
                "poller: {} failed, retrying from {lowest}",
                failed.len()
            ));
            std::thread::sleep(Duration::from_millis(200 * attempt as u64));
        }
        self.say(&format!(
            "poller: gave up on {} record(s) after {MAX_ATTEMPTS} attempts (on AWS: the on-failure queue)",
            records.len()
        ));
    }
}
