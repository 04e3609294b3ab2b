//! The local stack's EventBridge Scheduler: invokes a scheduled function served by
//! `cargo lambda watch` every few seconds (every minute on AWS), as the template's schedule
//! does, logging each run's answer.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Schedule {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Schedule {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Schedule {
    pub fn start(
        invoke_base: &str,
        function: &str,
        every: Duration,
        mut log: std::fs::File,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let url = format!("{invoke_base}/2015-03-31/functions/{function}/invocations");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            // The event EventBridge Scheduler sends; the job reads nothing of it.
            let event = r#"{"source":"aws.scheduler","detail-type":"Scheduled Event","detail":{}}"#;
            let mut next = Instant::now() + every;
            while !flag.load(Ordering::SeqCst) {
                if Instant::now() < next {
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                }
                next = Instant::now() + every;
                let answer = agent
                    .post(&url)
                    .send(event)
                    .map_err(|e| e.to_string())
                    .and_then(|r| {
                        let status = r.status().as_u16();
                        let body = r.into_body().read_to_string().map_err(|e| e.to_string())?;
                        Ok(format!("{status} {body}"))
                    });
                let _ = writeln!(log, "{}", answer.unwrap_or_else(|e| format!("failed: {e}")));
            }
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}
