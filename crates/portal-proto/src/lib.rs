//! The wire contract of the portal federation, generated from `proto/` at build time.
//!
//! This crate holds generated code only. The hub and the agent both depend on it and never on
//! each other.

pub mod v1 {
    tonic::include_proto!("portal.v1");
}

/// Benchmark baseline service (`make bench`); not served by the hub.
pub mod bench {
    pub mod v1 {
        tonic::include_proto!("portal.bench.v1");
    }
}

/// Converts unix milliseconds into a protobuf timestamp.
pub fn timestamp_from_millis(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

/// Converts a protobuf timestamp into unix milliseconds (saturating).
pub fn timestamp_to_millis(ts: &prost_types::Timestamp) -> i64 {
    ts.seconds
        .saturating_mul(1000)
        .saturating_add(i64::from(ts.nanos) / 1_000_000)
}
