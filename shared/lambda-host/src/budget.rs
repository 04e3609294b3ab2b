//! The time budget: a request, and each DynamoDB call in it, ends in time to answer.

use std::time::Duration;

use dynamodb_adapters::SdkTimeouts;

/// How long a request and each DynamoDB call may take, derived from the function's timeout
/// (`FUNCTION_TIMEOUT_SECONDS`, which the template sets from the same value as `Timeout`), so a
/// stalled DynamoDB is answered with a 503 well before Lambda kills the invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeBudget {
    function: Duration,
    /// Whether a slow attempt is abandoned and retried within the operation. DynamoDB
    /// recognises a retried transaction by its `ClientRequestToken`; an emulator that ignores
    /// the token would apply it twice (the second time as a conflict), so locally it is not.
    retry_slow_attempts: bool,
}

impl TimeBudget {
    /// Where no function timeout is set: the local stack, whose emulator serves one request
    /// at a time and slows down under load.
    const UNSET: Duration = Duration::from_secs(300);

    pub fn new(function: Duration) -> Self {
        Self {
            function,
            retry_slow_attempts: true,
        }
    }

    pub fn from_env() -> Self {
        let seconds = std::env::var("FUNCTION_TIMEOUT_SECONDS")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|s| *s > 0);
        match seconds {
            Some(seconds) => Self::new(Duration::from_secs(seconds)),
            None => Self {
                function: Self::UNSET,
                retry_slow_attempts: false,
            },
        }
    }

    /// The function's timeout.
    pub fn function(&self) -> Duration {
        self.function
    }

    /// The whole request, leaving time to answer before the function's timeout.
    pub fn request(&self) -> Duration {
        (self.function * 9 / 10).min(self.function.saturating_sub(Duration::from_millis(500)))
    }

    /// One DynamoDB operation, retries included: a command makes two or three in a row.
    pub fn operation(&self) -> Duration {
        self.request() / 3
    }

    /// One attempt: two fit in an operation (the SDK retries throttling and dropped
    /// connections once).
    pub fn attempt(&self) -> Duration {
        if self.retry_slow_attempts {
            self.operation() / 2
        } else {
            self.operation()
        }
    }

    pub fn connect(&self) -> Duration {
        self.attempt().min(Duration::from_secs(1))
    }

    /// The SDK's timeouts within this budget.
    pub fn sdk_timeouts(&self) -> SdkTimeouts {
        SdkTimeouts {
            connect: self.connect(),
            attempt: self.attempt(),
            operation: self.operation(),
        }
    }
}
