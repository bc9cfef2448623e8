//! Which failed AWS calls are worth trying again later: the SDK has already retried them
//! (its standard mode), so the caller is told to come back (503 with `Retry-After`) rather
//! than that something is broken.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Error codes AWS uses for "too much at once" and "not now", whatever the status.
const RETRYABLE_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "TransactionInProgressException",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
];

/// True when the call got no usable answer (no connection, a timeout, a response cut off)
/// or AWS answered that it is busy or failing on its side.
pub fn is_transient<E: ProvideErrorMetadata>(e: &SdkError<E, Response>) -> bool {
    match e {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(failure) => {
            failure.raw().status().is_server_error()
                || failure.raw().status().as_u16() == 429
                || failure.err().code().is_some_and(|code| RETRYABLE_CODES.contains(&code))
        }
        _ => false,
    }
}
