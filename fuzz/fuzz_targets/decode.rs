//! cargo-fuzz target: the FIT decoding path of an import on arbitrary bytes
//! (`backstride_running::fuzzing::exercise`, which the stable fallback
//! `crates/running/examples/fuzz_stable.rs` runs too).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| backstride_running::fuzzing::exercise(bytes));
