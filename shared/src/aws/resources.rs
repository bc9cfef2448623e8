//! The names of Tessera's AWS resources, as the configuration reads them: plain data, so
//! they exist in builds without the AWS SDK (the `aws` feature).

/// Names of Tessera's AWS resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsResources {
    pub table: String,
    pub bucket: String,
    /// Prefix of object keys in the bucket (empty, or ending in `/`).
    pub blob_prefix: String,
    /// Prefix of secret names: `<prefix>/pass-type/<passTypeId>`.
    pub secret_prefix: String,
    /// The SQS queue bulk updates run through (`TESSERA_JOB_QUEUE_URL`); without it they are
    /// refused.
    pub job_queue_url: Option<String>,
    /// The SQS queue callback deliveries wait on between attempts
    /// (`TESSERA_CALLBACK_QUEUE_URL`; the callback worker's only).
    pub callback_queue_url: Option<String>,
    /// What EventBridge Scheduler invokes when a timer fires (`TESSERA_TIMER_FUNCTION_ARN`,
    /// `TESSERA_TIMER_ROLE_ARN`); without it expirations apply only when a pass is read.
    pub timer_target: Option<TimerTarget>,
}

/// Where schedules send their jobs: the timer worker function, invoked with this role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerTarget {
    pub function_arn: String,
    pub role_arn: String,
}
