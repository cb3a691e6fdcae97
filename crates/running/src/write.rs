//! A small FIT encoder, and a synthetic running activity built with it, so that tests and
//! benchmarks always have input (the real-file corpus lives outside the repository).

use crate::fit::{BaseType, crc, profile, profile::mesg};

/// One value to write into a field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A raw integer (already scaled); truncated to the field's size.
    Int(i64),
    /// A raw float for float32/float64 fields.
    Float(f64),
    /// A string, NUL-padded to the field's size.
    Str(String),
    /// The base type's invalid value.
    Invalid,
}

/// A field in a definition we write: number, size in bytes, base type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteField {
    /// Field number.
    pub num: u8,
    /// Size in bytes.
    pub size: u8,
    /// Base type.
    pub base: BaseType,
}

impl WriteField {
    /// A scalar field of the base type's size.
    pub fn new(num: u8, base: BaseType) -> Self {
        let size = u8::try_from(base.size()).unwrap_or(1);
        WriteField { num, size, base }
    }
}

#[derive(Debug, Clone)]
struct LocalDef {
    fields: Vec<WriteField>,
    dev_fields: Vec<(u8, u8, u8)>,
    big_endian: bool,
}

/// Writes one FIT segment: a 14-byte header, definitions and data messages, and the CRC.
#[derive(Debug, Clone)]
pub struct FitWriter {
    buf: Vec<u8>,
    defs: Vec<Option<LocalDef>>,
}

impl Default for FitWriter {
    fn default() -> Self {
        Self::new()
    }
}

fn invalid_bits(base: BaseType) -> u64 {
    match base {
        BaseType::Sint8 => 0x7F,
        BaseType::Sint16 => 0x7FFF,
        BaseType::Sint32 => 0x7FFF_FFFF,
        BaseType::Sint64 => 0x7FFF_FFFF_FFFF_FFFF,
        BaseType::Uint8z
        | BaseType::Uint16z
        | BaseType::Uint32z
        | BaseType::Uint64z
        | BaseType::String => 0,
        _ => u64::MAX,
    }
}

impl FitWriter {
    /// An empty file (header placeholder only).
    pub fn new() -> Self {
        FitWriter {
            buf: vec![0; 14],
            defs: vec![None; 16],
        }
    }

    /// Writes a definition message for `local` (0–15).
    pub fn define(&mut self, local: u8, global: u16, fields: &[WriteField], big_endian: bool) {
        self.define_with_dev(local, global, fields, &[], big_endian);
    }

    /// Writes a definition with developer fields `(field number, size, developer data index)`.
    pub fn define_with_dev(
        &mut self,
        local: u8,
        global: u16,
        fields: &[WriteField],
        dev_fields: &[(u8, u8, u8)],
        big_endian: bool,
    ) {
        let local = local & 0x0F;
        let dev_flag = if dev_fields.is_empty() { 0 } else { 0x20 };
        self.buf.push(0x40 | dev_flag | local);
        self.buf.push(0);
        self.buf.push(u8::from(big_endian));
        let g = if big_endian {
            global.to_be_bytes()
        } else {
            global.to_le_bytes()
        };
        self.buf.extend_from_slice(&g);
        self.buf.push(u8::try_from(fields.len()).unwrap_or(u8::MAX));
        for f in fields.iter().take(255) {
            self.buf
                .extend_from_slice(&[f.num, f.size, f.base.to_byte()]);
        }
        if !dev_fields.is_empty() {
            self.buf
                .push(u8::try_from(dev_fields.len()).unwrap_or(u8::MAX));
            for &(num, size, index) in dev_fields.iter().take(255) {
                self.buf.extend_from_slice(&[num, size, index]);
            }
        }
        if let Some(slot) = self.defs.get_mut(usize::from(local)) {
            *slot = Some(LocalDef {
                fields: fields.iter().take(255).copied().collect(),
                dev_fields: dev_fields.to_vec(),
                big_endian,
            });
        }
    }

    fn put(buf: &mut Vec<u8>, base: BaseType, size: u8, value: &FieldValue, big_endian: bool) {
        let size = usize::from(size);
        let elem = base.size();
        let start = buf.len();
        match value {
            FieldValue::Str(s) => {
                let bytes = s.as_bytes();
                for i in 0..size {
                    buf.push(*bytes.get(i).unwrap_or(&0));
                }
            }
            FieldValue::Int(_) | FieldValue::Float(_) | FieldValue::Invalid => {
                let bits: u64 = match *value {
                    FieldValue::Int(v) => u64::from_ne_bytes(v.to_ne_bytes()),
                    FieldValue::Float(v) if base == BaseType::Float32 => {
                        #[expect(clippy::cast_possible_truncation, reason = "float32 field")]
                        let f = v as f32;
                        u64::from(f.to_bits())
                    }
                    FieldValue::Float(v) => v.to_bits(),
                    _ => invalid_bits(base),
                };
                // First element carries the value; further array elements are invalid.
                for i in 0..size / elem.max(1) {
                    let b = if i == 0 { bits } else { invalid_bits(base) };
                    let le = b.to_le_bytes();
                    let part = le.get(..elem).unwrap_or(&le);
                    if big_endian {
                        buf.extend(part.iter().rev());
                    } else {
                        buf.extend_from_slice(part);
                    }
                }
            }
        }
        buf.resize(start + size, 0);
    }

    /// Writes a data message for `local`; `values` follow the definition's field order (missing
    /// trailing values are written invalid), `dev_values` its developer fields.
    pub fn data(&mut self, local: u8, values: &[FieldValue], dev_values: &[FieldValue]) {
        self.data_with_header(local & 0x0F, local, values, dev_values);
    }

    /// Writes a data message with a compressed-timestamp header (`local` 0–3, `time_offset` the
    /// low five bits of the timestamp).
    pub fn data_compressed(
        &mut self,
        local: u8,
        time_offset: u8,
        values: &[FieldValue],
        dev_values: &[FieldValue],
    ) {
        let header = 0x80 | ((local & 0x03) << 5) | (time_offset & 0x1F);
        self.data_with_header(header, local & 0x03, values, dev_values);
    }

    fn data_with_header(
        &mut self,
        header: u8,
        local: u8,
        values: &[FieldValue],
        dev_values: &[FieldValue],
    ) {
        let Some(Some(def)) = self.defs.get(usize::from(local)) else {
            return;
        };
        let def = def.clone();
        self.buf.push(header);
        for (i, f) in def.fields.iter().enumerate() {
            let v = values.get(i).unwrap_or(&FieldValue::Invalid);
            Self::put(&mut self.buf, f.base, f.size, v, def.big_endian);
        }
        for (i, &(_, size, _)) in def.dev_fields.iter().enumerate() {
            let v = dev_values.get(i).unwrap_or(&FieldValue::Invalid);
            // Developer values are written as the integer type of their size.
            let base = match size {
                1 => BaseType::Uint8,
                2 => BaseType::Uint16,
                4 => BaseType::Uint32,
                _ => BaseType::Byte,
            };
            Self::put(&mut self.buf, base, size, v, def.big_endian);
        }
    }

    /// Finishes the segment: fills in the header and appends the file CRC.
    pub fn finish(mut self) -> Vec<u8> {
        let data_size = u32::try_from(self.buf.len().saturating_sub(14)).unwrap_or(u32::MAX);
        let mut header = [0u8; 14];
        header[0] = 14;
        header[1] = 0x20; // protocol 2.0
        header[2..4].copy_from_slice(&2132u16.to_le_bytes()); // profile 21.32
        header[4..8].copy_from_slice(&data_size.to_le_bytes());
        header[8..12].copy_from_slice(b".FIT");
        let hcrc = crc::crc16(&header[..12]);
        header[12..14].copy_from_slice(&hcrc.to_le_bytes());
        self.buf[..14].copy_from_slice(&header);
        let fcrc = crc::crc16(&self.buf);
        self.buf.extend_from_slice(&fcrc.to_le_bytes());
        self.buf
    }
}

/// Raw values of one synthetic record, as written (scaled integers, FIT units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticSample {
    /// FIT seconds.
    pub timestamp: u32,
    /// m.
    pub distance_m: f64,
    /// m/s.
    pub speed_mps: f64,
    /// bpm.
    pub heart_rate: u8,
    /// Steps per minute (written as strides/min plus fractional cadence).
    pub cadence_spm: f64,
    /// ms.
    pub stance_time_ms: f64,
    /// % left.
    pub balance_pct: f64,
    /// mm.
    pub vertical_oscillation_mm: f64,
    /// %.
    pub vertical_ratio_pct: f64,
    /// mm.
    pub step_length_mm: f64,
}

/// A synthetic steady run with running dynamics, laps and one session.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticRun {
    /// Start, FIT seconds (default 2024-05-01T07:00:00Z).
    pub start: u32,
    /// Number of 1 Hz records.
    pub seconds: u32,
    /// Mean speed, m/s.
    pub speed_mps: f64,
    /// Mean cadence, steps/min.
    pub cadence_spm: f64,
    /// Mean ground contact time, ms.
    pub stance_time_ms: f64,
    /// Left share of ground contact, %.
    pub balance_pct: f64,
    /// Mean vertical oscillation, mm.
    pub vertical_oscillation_mm: f64,
    /// Mean heart rate, bpm.
    pub heart_rate: u8,
    /// A lap every this many metres.
    pub lap_every_m: f64,
    /// Write definitions big-endian.
    pub big_endian: bool,
    /// Also write Stryd developer fields (Power, Ground Time).
    pub stryd: bool,
}

impl Default for SyntheticRun {
    fn default() -> Self {
        SyntheticRun {
            start: 1_083_481_200, // 2024-05-01T07:00:00Z
            seconds: 1800,
            speed_mps: 3.0,
            cadence_spm: 170.0,
            stance_time_ms: 260.0,
            balance_pct: 50.6,
            vertical_oscillation_mm: 85.0,
            heart_rate: 150,
            lap_every_m: 1000.0,
            big_endian: false,
            stryd: false,
        }
    }
}

fn round_to(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "values are small and positive"
)]
fn raw(x: f64, scale: f64) -> i64 {
    (x * scale).round() as i64
}

impl SyntheticRun {
    /// The values of record `i`, exactly as they decode (rounded to the field resolutions).
    pub fn sample(&self, i: u32) -> SyntheticSample {
        // A deterministic wobble of -2..=2 so that medians and spreads are not trivial.
        let w = f64::from(i % 5) - 2.0;
        let speed = round_to(self.speed_mps + 0.05 * w, 1000.0);
        let cadence_spm = round_to(self.cadence_spm + w, 128.0 / 2.0);
        // The speed wobble repeats every 5 s, so the distance has a closed form.
        let period: f64 = (0..5).map(|k| self.sample_speed(k)).sum();
        let distance =
            f64::from(i / 5) * period + (0..i % 5).map(|k| self.sample_speed(k)).sum::<f64>();
        let step_length = round_to(speed * 60.0 / cadence_spm * 1000.0, 10.0);
        let vo = round_to(self.vertical_oscillation_mm + w, 10.0);
        SyntheticSample {
            timestamp: self.start.saturating_add(i),
            distance_m: round_to(distance, 100.0),
            speed_mps: speed,
            heart_rate: u8::try_from(i64::from(self.heart_rate) + raw(w, 1.0)).unwrap_or(0),
            cadence_spm,
            stance_time_ms: round_to(self.stance_time_ms - 2.0 * w, 10.0),
            balance_pct: round_to(self.balance_pct + 0.1 * w, 100.0),
            vertical_oscillation_mm: vo,
            vertical_ratio_pct: round_to(vo / step_length * 100.0, 100.0),
            step_length_mm: step_length,
        }
    }

    fn sample_speed(&self, i: u32) -> f64 {
        let w = f64::from(i % 5) - 2.0;
        round_to(self.speed_mps + 0.05 * w, 1000.0)
    }

    /// Encodes the run as a FIT activity file.
    pub fn to_fit(&self) -> Vec<u8> {
        use BaseType as B;
        use FieldValue::{Int, Str};
        let be = self.big_endian;
        let mut w = FitWriter::new();
        w.define(
            0,
            mesg::FILE_ID,
            &[
                WriteField::new(0, B::Enum),
                WriteField::new(1, B::Uint16),
                WriteField::new(2, B::Uint16),
                WriteField::new(3, B::Uint32z),
                WriteField::new(4, B::Uint32),
            ],
            be,
        );
        // type activity, manufacturer development (255), product 1.
        w.data(
            0,
            &[
                Int(4),
                Int(255),
                Int(1),
                Int(12345),
                Int(i64::from(self.start)),
            ],
            &[],
        );

        let mut dev = Vec::new();
        if self.stryd {
            w.define(
                1,
                mesg::DEVELOPER_DATA_ID,
                &[WriteField::new(3, B::Uint8)],
                be,
            );
            w.data(1, &[Int(0)], &[]);
            let fd = [
                WriteField::new(0, B::Uint8),
                WriteField::new(1, B::Uint8),
                WriteField::new(2, B::Uint8),
                WriteField {
                    num: 3,
                    size: 16,
                    base: B::String,
                },
                WriteField {
                    num: 8,
                    size: 16,
                    base: B::String,
                },
            ];
            w.define(1, mesg::FIELD_DESCRIPTION, &fd, be);
            w.data(
                1,
                &[
                    Int(0),
                    Int(0),
                    Int(0x84),
                    Str("Power".into()),
                    Str("Watts".into()),
                ],
                &[],
            );
            w.data(
                1,
                &[
                    Int(0),
                    Int(1),
                    Int(0x84),
                    Str("Ground Time".into()),
                    Str("Milliseconds".into()),
                ],
                &[],
            );
            dev = vec![(0, 2, 0), (1, 2, 0)];
        }

        let r = profile::record::STEP_LENGTH; // keeps the profile import honest
        let record_fields = [
            WriteField::new(253, B::Uint32),
            WriteField::new(profile::record::DISTANCE.num, B::Uint32),
            WriteField::new(profile::record::ENHANCED_SPEED.num, B::Uint32),
            WriteField::new(profile::record::HEART_RATE.num, B::Uint8),
            WriteField::new(profile::record::CADENCE.num, B::Uint8),
            WriteField::new(profile::record::FRACTIONAL_CADENCE.num, B::Uint8),
            WriteField::new(profile::record::STANCE_TIME.num, B::Uint16),
            WriteField::new(profile::record::STANCE_TIME_BALANCE.num, B::Uint16),
            WriteField::new(profile::record::VERTICAL_OSCILLATION.num, B::Uint16),
            WriteField::new(profile::record::VERTICAL_RATIO.num, B::Uint16),
            WriteField::new(r.num, B::Uint16),
        ];
        w.define_with_dev(2, mesg::RECORD, &record_fields, &dev, be);
        let summary_fields = |f: &profile::SummaryFields, session: bool| {
            let mut v = vec![
                WriteField::new(253, B::Uint32),
                WriteField::new(f.start_time, B::Uint32),
                WriteField::new(f.sport, B::Enum),
                WriteField::new(f.sub_sport, B::Enum),
                WriteField::new(f.total_elapsed_time.num, B::Uint32),
                WriteField::new(f.total_timer_time.num, B::Uint32),
                WriteField::new(f.total_distance.num, B::Uint32),
                WriteField::new(f.avg_heart_rate.num, B::Uint8),
            ];
            if session {
                v.push(WriteField::new(profile::SESSION_FIRST_LAP_INDEX, B::Uint16));
                v.push(WriteField::new(profile::SESSION_NUM_LAPS, B::Uint16));
            }
            v
        };
        w.define(3, mesg::LAP, &summary_fields(&profile::LAP, false), be);

        let mut lap_start = 0u32;
        let mut laps = 0i64;
        let mut next_lap_at = self.lap_every_m;
        let write_lap = |w: &mut FitWriter, from: u32, to: u32| {
            let a = self.sample(from);
            let b = self.sample(to);
            let secs = i64::from(to - from);
            w.data(
                3,
                &[
                    Int(i64::from(b.timestamp)),
                    Int(i64::from(a.timestamp)),
                    Int(i64::from(profile::SPORT_RUNNING)),
                    Int(0),
                    Int(secs * 1000),
                    Int(secs * 1000),
                    Int(raw(b.distance_m - a.distance_m, 100.0)),
                    Int(i64::from(self.heart_rate)),
                ],
                &[],
            );
        };
        for i in 0..self.seconds {
            let s = self.sample(i);
            let strides = s.cadence_spm / 2.0;
            let whole = strides.floor();
            let mut values = vec![
                Int(i64::from(s.timestamp)),
                Int(raw(s.distance_m, 100.0)),
                Int(raw(s.speed_mps, 1000.0)),
                Int(i64::from(s.heart_rate)),
                Int(raw(whole, 1.0)),
                Int(raw(strides - whole, 128.0)),
                Int(raw(s.stance_time_ms, 10.0)),
                Int(raw(s.balance_pct, 100.0)),
                Int(raw(s.vertical_oscillation_mm, 10.0)),
                Int(raw(s.vertical_ratio_pct, 100.0)),
                Int(raw(s.step_length_mm, 10.0)),
            ];
            values.truncate(record_fields.len());
            let dev_values = if self.stryd {
                vec![Int(250), Int(raw(s.stance_time_ms, 1.0))]
            } else {
                Vec::new()
            };
            w.data(2, &values, &dev_values);
            if s.distance_m >= next_lap_at && i > lap_start {
                write_lap(&mut w, lap_start, i);
                laps += 1;
                lap_start = i;
                next_lap_at += self.lap_every_m;
            }
        }
        let last = self.seconds.saturating_sub(1);
        if last > lap_start {
            write_lap(&mut w, lap_start, last);
            laps += 1;
        }
        w.define(
            4,
            mesg::SESSION,
            &summary_fields(&profile::SESSION, true),
            be,
        );
        let a = self.sample(0);
        let b = self.sample(last);
        let secs = i64::from(last);
        w.data(
            4,
            &[
                Int(i64::from(b.timestamp)),
                Int(i64::from(a.timestamp)),
                Int(i64::from(profile::SPORT_RUNNING)),
                Int(0),
                Int(secs * 1000),
                Int(secs * 1000),
                Int(raw(b.distance_m, 100.0)),
                Int(i64::from(self.heart_rate)),
                Int(0),
                Int(laps),
            ],
            &[],
        );
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::{self, DecodeOptions, FitError};

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    fn check_round_trip(spec: &SyntheticRun) {
        let bytes = spec.to_fit();
        let file = fit::parse(&bytes, DecodeOptions::default()).unwrap();
        assert_eq!(file.records.len(), spec.seconds as usize);
        assert_eq!(file.sessions.len(), 1);
        assert_eq!(file.file_id.unwrap().manufacturer, Some(255));
        for (i, r) in file.records.iter().enumerate() {
            let s = spec.sample(u32::try_from(i).unwrap());
            assert_eq!(r.timestamp, Some(s.timestamp));
            assert!(close(r.distance, s.distance_m), "distance {i}");
            assert!(close(r.enhanced_speed, s.speed_mps), "speed {i}");
            assert!(close(r.heart_rate, f64::from(s.heart_rate)));
            let spm = 2.0 * (r.cadence.unwrap() + r.fractional_cadence.unwrap_or(0.0));
            assert!(
                close(Some(spm), s.cadence_spm),
                "cadence {i}: {spm} vs {}",
                s.cadence_spm
            );
            assert!(close(r.stance_time, s.stance_time_ms));
            assert!(close(r.stance_time_balance, s.balance_pct));
            assert!(close(r.vertical_oscillation, s.vertical_oscillation_mm));
            assert!(close(r.vertical_ratio, s.vertical_ratio_pct));
            assert!(close(r.step_length, s.step_length_mm));
            if spec.stryd {
                assert!(close(r.dev.power, 250.0));
                assert!(close(r.dev.ground_time, s.stance_time_ms.round()));
            } else {
                assert_eq!(r.dev, fit::DevRunning::default());
            }
        }
        let session = file.sessions[0];
        assert_eq!(session.sport, Some(profile::SPORT_RUNNING));
        assert!(close(
            session.total_distance,
            spec.sample(spec.seconds - 1).distance_m
        ));
        let laps = session.num_laps.unwrap();
        assert_eq!(usize::from(laps), file.laps.len());
        let lap_total: f64 = file.laps.iter().filter_map(|l| l.total_distance).sum();
        assert!((lap_total - session.total_distance.unwrap()).abs() < 0.05);
    }

    #[test]
    fn round_trip_little_endian() {
        check_round_trip(&SyntheticRun::default());
    }

    #[test]
    fn round_trip_big_endian_with_stryd_fields() {
        check_round_trip(&SyntheticRun {
            big_endian: true,
            stryd: true,
            ..Default::default()
        });
    }

    #[test]
    fn chained_segments_decode_as_one_file() {
        let one = SyntheticRun {
            seconds: 120,
            ..Default::default()
        }
        .to_fit();
        let mut two = one.clone();
        two.extend_from_slice(&one);
        let file = fit::parse(&two, DecodeOptions::default()).unwrap();
        assert_eq!(file.segments, 2);
        assert_eq!(file.records.len(), 240);
        assert_eq!(file.sessions.len(), 2);
    }

    #[test]
    fn compressed_timestamps_roll_over() {
        let mut w = FitWriter::new();
        w.define(
            0,
            mesg::RECORD,
            &[WriteField::new(253, BaseType::Uint32)],
            false,
        );
        w.data(0, &[FieldValue::Int(1_000_000_030)], &[]); // low five bits: 30
        w.define(
            1,
            mesg::RECORD,
            &[WriteField::new(3, BaseType::Uint8)],
            false,
        );
        w.data_compressed(1, 31, &[FieldValue::Int(120)], &[]);
        w.data_compressed(1, 2, &[FieldValue::Int(121)], &[]); // wraps past 32
        w.data_compressed(1, 2, &[FieldValue::Invalid], &[]);
        let file = fit::parse(&w.finish(), DecodeOptions::default()).unwrap();
        let ts: Vec<_> = file.records.iter().map(|r| r.timestamp.unwrap()).collect();
        assert_eq!(
            ts,
            [1_000_000_030, 1_000_000_031, 1_000_000_034, 1_000_000_034]
        );
        assert_eq!(file.records[1].heart_rate, Some(120.0));
        assert_eq!(file.records[3].heart_rate, None);
    }

    #[test]
    fn file_crc_mismatch_is_an_error_or_a_warning() {
        let mut bytes = SyntheticRun {
            seconds: 60,
            ..Default::default()
        }
        .to_fit();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        let err = fit::parse(&bytes, DecodeOptions::default()).unwrap_err();
        assert!(matches!(err, FitError::FileCrc { offset, .. } if offset == last - 1));
        let file = fit::parse(&bytes, DecodeOptions { check_crc: false }).unwrap();
        assert_eq!(file.records.len(), 60);
        assert_eq!(file.warnings.len(), 1);
        let analysis = crate::analyze(&bytes, &crate::AnalyzeOptions::default()).unwrap();
        assert!(analysis.warnings[0].contains("CRC"));
    }

    #[test]
    fn header_crc_mismatch_is_an_error() {
        let mut bytes = SyntheticRun {
            seconds: 10,
            ..Default::default()
        }
        .to_fit();
        bytes[12] ^= 1;
        let err = fit::parse(&bytes, DecodeOptions::default()).unwrap_err();
        assert_eq!(err.offset(), 0);
        assert!(matches!(err, FitError::HeaderCrc { .. }));
    }
}
