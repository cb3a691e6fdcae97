//! Hostile-input tests: the decoder must return an error, never panic, on truncated, corrupt,
//! empty or random input.

use super::{DecodeOptions, FitError, parse};
use crate::write::SyntheticRun;

/// Decodes and reads every field (lazy reads included), counting the messages.
fn drain(bytes: &[u8], check_crc: bool) -> Result<usize, FitError> {
    crate::fuzzing::read_every_field(bytes, check_crc)
}

fn sample() -> Vec<u8> {
    SyntheticRun {
        seconds: 40,
        stryd: true,
        ..Default::default()
    }
    .to_fit()
}

#[test]
fn empty_and_tiny_inputs() {
    assert_eq!(
        parse(&[], DecodeOptions::default()).unwrap_err(),
        FitError::Empty
    );
    for len in 1..14 {
        let bytes = vec![14u8; len];
        assert!(parse(&bytes, DecodeOptions::default()).is_err());
    }
    assert!(matches!(
        parse(b"this is not a FIT file at all", DecodeOptions::default()),
        Err(FitError::NotFit { offset: 0 })
    ));
}

#[test]
fn every_truncation_is_a_clean_error() {
    let bytes = sample();
    for len in 0..bytes.len() {
        let cut = &bytes[..len];
        for crc in [true, false] {
            match drain(cut, crc) {
                Ok(_) => panic!("truncated to {len} decoded without error"),
                Err(e) => assert!(e.offset() <= len, "offset {} > {len}", e.offset()),
            }
        }
    }
    assert!(drain(&bytes, true).is_ok());
}

#[test]
fn every_single_byte_corruption_is_handled() {
    let bytes = sample();
    for i in 0..bytes.len() {
        for mask in [0xFFu8, 0x80, 0x01, 0x40] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            let strict = drain(&b, true);
            assert!(strict.is_err(), "corruption at {i} undetected by the CRC");
            let _ = drain(&b, false);
            let _ = parse(&b, DecodeOptions { check_crc: false });
        }
    }
}

#[test]
fn random_inputs_do_not_panic() {
    // A fixed linear congruential generator: reproducible, no dependency.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u8
    };
    let base = sample();
    for round in 0..400 {
        let mut bytes: Vec<u8> = if round % 2 == 0 {
            (0..(usize::from(next()) * 4)).map(|_| next()).collect()
        } else {
            base.clone()
        };
        if round % 2 == 0 && bytes.len() >= 12 {
            // A plausible header with a random (possibly huge) data size.
            bytes[0] = 12;
            bytes[8..12].copy_from_slice(b".FIT");
        } else {
            for _ in 0..8 {
                let i = usize::from(next()) * usize::from(next()) % bytes.len();
                bytes[i] = next();
            }
        }
        let _ = drain(&bytes, false);
        let _ = crate::analyze(&bytes, &crate::AnalyzeOptions::default());
    }
}

#[test]
fn huge_declared_sizes() {
    let mut bytes = sample();
    bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    bytes[12] = 0;
    bytes[13] = 0; // no header CRC
    let err = parse(&bytes, DecodeOptions::default()).unwrap_err();
    assert!(matches!(err, FitError::Truncated { .. }), "{err:?}");
    // A definition with 255 fields of 255 bytes each, then nothing.
    let mut w = vec![14u8, 0x20, 0, 0, 0, 0, 0, 0, b'.', b'F', b'I', b'T', 0, 0];
    let mut data = vec![0x40, 0, 0, 20, 0, 255];
    for k in 0..255u8 {
        data.extend_from_slice(&[k, 255, 0x0D]);
    }
    data.push(0x00);
    let size = u32::try_from(data.len()).unwrap().to_le_bytes();
    w[4..8].copy_from_slice(&size);
    w.extend_from_slice(&data);
    assert!(matches!(
        parse(&w, DecodeOptions::default()),
        Err(FitError::Truncated { .. })
    ));
}

#[test]
fn undefined_local_message_reports_its_offset() {
    let mut w = vec![
        14u8, 0x20, 0, 0, 1, 0, 0, 0, b'.', b'F', b'I', b'T', 0, 0, 0x03,
    ];
    w.extend_from_slice(&super::crc::crc16(&w).to_le_bytes());
    assert_eq!(
        parse(&w, DecodeOptions::default()).unwrap_err(),
        FitError::UndefinedLocalMessage {
            offset: 14,
            local: 3
        }
    );
}
