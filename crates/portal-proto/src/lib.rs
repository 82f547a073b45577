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

use portal_core::UnixMillis;

/// An instant as a protobuf timestamp.
pub fn timestamp_from(t: UnixMillis) -> prost_types::Timestamp {
    let ms = t.as_millis();
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

/// A protobuf timestamp as an instant (saturating; sub-millisecond parts dropped).
pub fn timestamp_to(ts: &prost_types::Timestamp) -> UnixMillis {
    UnixMillis::from_millis(
        ts.seconds
            .saturating_mul(1000)
            .saturating_add(i64::from(ts.nanos.clamp(0, 999_999_999)) / 1_000_000),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_saturate() {
        for ms in [0, 1, 999, 1_717_203_600_123, -1, -1_001] {
            let t = UnixMillis::from_millis(ms);
            assert_eq!(timestamp_to(&timestamp_from(t)), t);
        }
        let huge = prost_types::Timestamp {
            seconds: i64::MAX,
            nanos: -5,
        };
        assert_eq!(timestamp_to(&huge).as_millis(), i64::MAX);
    }
}
