//! Watch data: FIT decoding into runs, per-run metrics and the spring-mass model (CLINICAL.md §9).
#![forbid(unsafe_code)]
