//! Typed views of the messages we use (file_id, sport, session, lap, record, event) and
//! [`parse`], which decodes a whole file into them.
//!
//! Values have the profile's scale and offset applied. Component expansion follows the profile
//! where it matters to us: `speed` → `enhanced_speed`, `avg_speed` → `enhanced_avg_speed`, and
//! `compressed_speed_distance` → `speed` plus accumulated `distance`. A native non-invalid value
//! wins over an expanded one.

use serde::Serialize;

use super::decoder::{DecodeOptions, Decoder, FitError, FitWarning, Message};
use super::profile::{self, Field, KnownDevField, SummaryFields, mesg};

#[inline]
fn get(msg: &Message<'_>, field: Field) -> Option<f64> {
    msg.scaled(field.num, field.scale, field.offset)
}

#[inline]
fn get_u32(msg: &Message<'_>, num: u8) -> Option<u32> {
    u32::try_from(msg.u64(num)?).ok()
}

#[inline]
fn get_u8(msg: &Message<'_>, num: u8) -> Option<u8> {
    u8::try_from(msg.u64(num)?).ok()
}

/// The file_id message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FileId {
    /// File type (4 = activity).
    pub file_type: Option<u8>,
    /// Manufacturer id (1 = Garmin, 95 = Stryd …).
    pub manufacturer: Option<u16>,
    /// Product id.
    pub product: Option<u16>,
    /// Serial number.
    pub serial_number: Option<u32>,
    /// Creation time, FIT seconds.
    pub time_created: Option<u32>,
}

impl FileId {
    /// Reads a file_id message.
    pub fn from_message(msg: &Message<'_>) -> Self {
        use profile::file_id as f;
        FileId {
            file_type: get_u8(msg, f::TYPE),
            manufacturer: msg.u64(f::MANUFACTURER).and_then(|v| u16::try_from(v).ok()),
            product: msg.u64(f::PRODUCT).and_then(|v| u16::try_from(v).ok()),
            serial_number: get_u32(msg, f::SERIAL_NUMBER),
            time_created: get_u32(msg, f::TIME_CREATED),
        }
    }
}

/// A session or lap message: the device's own summary of a stretch of activity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SummaryMessage {
    /// When the message was written, FIT seconds.
    pub timestamp: Option<u32>,
    /// Start, FIT seconds.
    pub start_time: Option<u32>,
    /// `sport` enum.
    pub sport: Option<u8>,
    /// `sub_sport` enum.
    pub sub_sport: Option<u8>,
    /// s.
    pub total_elapsed_time: Option<f64>,
    /// s.
    pub total_timer_time: Option<f64>,
    /// m.
    pub total_distance: Option<f64>,
    /// m/s.
    pub avg_speed: Option<f64>,
    /// m/s (native, or expanded from `avg_speed`).
    pub enhanced_avg_speed: Option<f64>,
    /// bpm.
    pub avg_heart_rate: Option<f64>,
    /// rpm (strides/min when running).
    pub avg_cadence: Option<f64>,
    /// rpm, 1/128 resolution.
    pub avg_fractional_cadence: Option<f64>,
    /// W.
    pub avg_power: Option<f64>,
    /// ms.
    pub avg_stance_time: Option<f64>,
    /// % left.
    pub avg_stance_time_balance: Option<f64>,
    /// %.
    pub avg_stance_time_percent: Option<f64>,
    /// mm.
    pub avg_vertical_oscillation: Option<f64>,
    /// %.
    pub avg_vertical_ratio: Option<f64>,
    /// mm.
    pub avg_step_length: Option<f64>,
    /// Session only: index of its first lap.
    pub first_lap_index: Option<u16>,
    /// Session only: number of laps.
    pub num_laps: Option<u16>,
}

impl SummaryMessage {
    /// Reads a session (`fields` = [`profile::SESSION`]) or lap ([`profile::LAP`]) message.
    pub fn from_message(msg: &Message<'_>, fields: &SummaryFields, is_session: bool) -> Self {
        let avg_speed = get(msg, fields.avg_speed);
        let (first_lap_index, num_laps) = if is_session {
            (
                msg.u64(profile::SESSION_FIRST_LAP_INDEX)
                    .and_then(|v| u16::try_from(v).ok()),
                msg.u64(profile::SESSION_NUM_LAPS)
                    .and_then(|v| u16::try_from(v).ok()),
            )
        } else {
            (None, None)
        };
        SummaryMessage {
            timestamp: msg.timestamp(),
            start_time: get_u32(msg, fields.start_time),
            sport: get_u8(msg, fields.sport),
            sub_sport: get_u8(msg, fields.sub_sport),
            total_elapsed_time: get(msg, fields.total_elapsed_time),
            total_timer_time: get(msg, fields.total_timer_time),
            total_distance: get(msg, fields.total_distance),
            avg_speed,
            enhanced_avg_speed: get(msg, fields.enhanced_avg_speed).or(avg_speed),
            avg_heart_rate: get(msg, fields.avg_heart_rate),
            avg_cadence: get(msg, fields.avg_cadence),
            avg_fractional_cadence: get(msg, fields.avg_fractional_cadence),
            avg_power: get(msg, fields.avg_power),
            avg_stance_time: get(msg, fields.avg_stance_time),
            avg_stance_time_balance: get(msg, fields.avg_stance_time_balance),
            avg_stance_time_percent: get(msg, fields.avg_stance_time_percent),
            avg_vertical_oscillation: get(msg, fields.avg_vertical_oscillation),
            avg_vertical_ratio: get(msg, fields.avg_vertical_ratio),
            avg_step_length: get(msg, fields.avg_step_length),
            first_lap_index,
            num_laps,
        }
    }
}

/// Running metrics found in recognised developer fields of a record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DevRunning {
    /// Stryd, Garmin Running Power or RunScribe power, W.
    pub power: Option<f64>,
    /// Stryd ground time, ms.
    pub ground_time: Option<f64>,
    /// Stryd vertical oscillation converted to mm.
    pub vertical_oscillation: Option<f64>,
    /// Stryd leg spring stiffness, kN/m.
    pub leg_spring_stiffness: Option<f64>,
    /// RunScribe left contact time, ms.
    pub contact_time_left: Option<f64>,
    /// RunScribe right contact time, ms.
    pub contact_time_right: Option<f64>,
}

/// A record message (one sample, usually every 1 s or on change).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Record {
    /// FIT seconds (field 253 or compressed-timestamp header).
    pub timestamp: Option<u32>,
    /// m (native, or accumulated from `compressed_speed_distance`).
    pub distance: Option<f64>,
    /// m/s (native, or from `compressed_speed_distance`).
    pub speed: Option<f64>,
    /// m/s (native, or expanded from native `speed`).
    pub enhanced_speed: Option<f64>,
    /// bpm.
    pub heart_rate: Option<f64>,
    /// rpm (strides/min when running).
    pub cadence: Option<f64>,
    /// rpm, 1/128 resolution.
    pub fractional_cadence: Option<f64>,
    /// Ground contact time, ms.
    pub stance_time: Option<f64>,
    /// Ground contact time on the left foot, %.
    pub stance_time_balance: Option<f64>,
    /// Share of the step on the ground, %.
    pub stance_time_percent: Option<f64>,
    /// mm.
    pub vertical_oscillation: Option<f64>,
    /// %.
    pub vertical_ratio: Option<f64>,
    /// mm.
    pub step_length: Option<f64>,
    /// W.
    pub power: Option<f64>,
    /// Recognised developer fields.
    pub dev: DevRunning,
}

/// State for accumulated components across records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Accumulator {
    distance: u64,
}

impl Accumulator {
    /// Adds a wrapped `bits`-wide raw value to the running total (FIT "accumulate").
    fn accumulate(total: &mut u64, raw: u64, bits: u32) {
        let max = 1u64 << bits;
        let mask = max - 1;
        let mut value = raw.saturating_add(*total & !mask);
        if raw < (*total & mask) {
            value = value.saturating_add(max);
        }
        *total = value;
    }
}

impl Record {
    /// Reads a record message; `acc` carries accumulated components between records.
    #[inline]
    pub fn from_message(msg: &Message<'_>, acc: &mut Accumulator) -> Self {
        use profile::record as r;
        let speed = get(msg, r::SPEED);
        let mut rec = Record {
            timestamp: msg.timestamp(),
            distance: get(msg, r::DISTANCE),
            speed,
            enhanced_speed: get(msg, r::ENHANCED_SPEED).or(speed),
            heart_rate: get(msg, r::HEART_RATE),
            cadence: get(msg, r::CADENCE),
            fractional_cadence: get(msg, r::FRACTIONAL_CADENCE),
            stance_time: get(msg, r::STANCE_TIME),
            stance_time_balance: get(msg, r::STANCE_TIME_BALANCE),
            stance_time_percent: get(msg, r::STANCE_TIME_PERCENT),
            vertical_oscillation: get(msg, r::VERTICAL_OSCILLATION),
            vertical_ratio: get(msg, r::VERTICAL_RATIO),
            step_length: get(msg, r::STEP_LENGTH),
            power: get(msg, r::POWER),
            dev: DevRunning::default(),
        };
        if let Some(field) = msg.field(r::COMPRESSED_SPEED_DISTANCE)
            && let [b0, b1, b2] = *field.bytes
            && !(b0 == 0xFF && b1 == 0xFF && b2 == 0xFF)
        {
            let speed_raw = u16::from(b0) | (u16::from(b1 & 0x0F) << 8);
            let dist_raw = u64::from(b1 >> 4) | (u64::from(b2) << 4);
            Accumulator::accumulate(&mut acc.distance, dist_raw, 12);
            #[expect(clippy::cast_precision_loss, reason = "bounded accumulated value")]
            let accumulated = acc.distance as f64;
            rec.speed = rec.speed.or(Some(f64::from(speed_raw) / 100.0));
            rec.distance = rec.distance.or(Some(accumulated / 16.0));
        }

        if !msg.definition().dev_fields().is_empty() {
            for dev in msg.dev_fields() {
                let Some(desc) = dev.description else {
                    continue;
                };
                let Some(known) = desc.known else { continue };
                let Some(v) = dev.value_f64() else { continue };
                let d = &mut rec.dev;
                match known {
                    KnownDevField::StrydPower
                    | KnownDevField::GarminRunningPower
                    | KnownDevField::RunScribePower => d.power = d.power.or(Some(v)),
                    KnownDevField::StrydGroundTime => d.ground_time = Some(v),
                    KnownDevField::StrydVerticalOscillation => {
                        d.vertical_oscillation = Some(v * profile::length_units_to_mm(&desc.units));
                    }
                    KnownDevField::StrydLegSpringStiffness => d.leg_spring_stiffness = Some(v),
                    KnownDevField::RunScribeContactTimeLeft => d.contact_time_left = Some(v),
                    KnownDevField::RunScribeContactTimeRight => d.contact_time_right = Some(v),
                    KnownDevField::StrydFormPower => {}
                }
            }
        }
        rec
    }
}

/// An event message (timer start/stop and the like).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Event {
    /// FIT seconds.
    pub timestamp: Option<u32>,
    /// `event` enum (0 = timer).
    pub event: Option<u8>,
    /// `event_type` enum (0 = start, 4 = stop_all …).
    pub event_type: Option<u8>,
}

/// A sport message (sport and sub-sport of the file or of a multisport leg).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SportMessage {
    /// `sport` enum.
    pub sport: Option<u8>,
    /// `sub_sport` enum.
    pub sub_sport: Option<u8>,
}

/// Everything we keep from one FIT file (all chained segments together).
#[derive(Debug, Clone, Default)]
pub struct FitFile {
    /// The first file_id message.
    pub file_id: Option<FileId>,
    /// sport messages.
    pub sports: Vec<SportMessage>,
    /// session messages, in file order.
    pub sessions: Vec<SummaryMessage>,
    /// lap messages, in file order.
    pub laps: Vec<SummaryMessage>,
    /// record messages, in file order.
    pub records: Vec<Record>,
    /// event messages.
    pub events: Vec<Event>,
    /// Developer field descriptions seen.
    pub dev_fields: Vec<super::decoder::DevFieldDescription>,
    /// Number of chained FIT segments.
    pub segments: usize,
    /// Number of data messages of any kind.
    pub messages: usize,
    /// Non-fatal oddities.
    pub warnings: Vec<FitWarning>,
}

/// Most record messages [`parse`] keeps: a week of 1 Hz recording, far beyond any run. A record
/// can take one byte of the file and a few hundred bytes in memory, so without a limit a crafted
/// file of millions of one-byte records needs gigabytes. **Our choice.**
pub const MAX_RECORDS: usize = 7 * 24 * 3600;
/// Most records [`parse`] makes room for before it has seen them (nine hours at 1 Hz, about
/// 10 MB); longer recordings grow the list as usual.
const RECORDS_RESERVED_AT_MOST: usize = 1 << 15;
/// Most lap messages [`parse`] keeps (a 24-hour race on a 400 m track has about 600). **Our choice.**
pub const MAX_LAPS: usize = 10_000;
/// Most session and sport messages [`parse`] keeps, each (a triathlon has five). **Our choice.**
pub const MAX_SESSIONS: usize = 1_000;
/// Most event messages [`parse`] keeps. **Our choice.**
pub const MAX_EVENTS: usize = 100_000;

/// Pushes `make()` unless `list` is full; the first time it is, notes what was dropped.
fn keep<T>(
    list: &mut Vec<T>,
    limit: usize,
    what: &'static str,
    dropped: &mut Vec<FitWarning>,
    make: impl FnOnce() -> T,
) {
    if list.len() < limit {
        list.push(make());
    } else if !dropped
        .iter()
        .any(|w| matches!(w, FitWarning::TooMany { what: seen, .. } if *seen == what))
    {
        dropped.push(FitWarning::TooMany { what, kept: limit });
    }
}

/// Decodes a whole FIT file into the messages we use. At most [`MAX_RECORDS`] records,
/// [`MAX_LAPS`] laps, [`MAX_SESSIONS`] sessions and sports and [`MAX_EVENTS`] events are kept
/// (with a warning when more were read), so memory stays bounded whatever the input.
pub fn parse(bytes: &[u8], options: DecodeOptions) -> Result<FitFile, FitError> {
    let mut out = FitFile::default();
    let mut decoder = Decoder::with_options(bytes, options);
    let mut acc = Accumulator::default();
    let mut dropped = Vec::new();
    while let Some(msg) = decoder.next_message()? {
        out.messages = out.messages.saturating_add(1);
        match msg.global() {
            mesg::RECORD => {
                if out.records.capacity() == 0 {
                    // Records are most of an activity file: size the list once from the bytes
                    // left and this record's size instead of growing it by copying. Capped, so
                    // a crafted file with one tiny record cannot reserve much.
                    let left = bytes.len().saturating_sub(msg.offset());
                    let estimate = left / msg.size().saturating_add(1);
                    out.records.reserve(estimate.min(RECORDS_RESERVED_AT_MOST));
                }
                keep(
                    &mut out.records,
                    MAX_RECORDS,
                    "record",
                    &mut dropped,
                    || Record::from_message(&msg, &mut acc),
                );
            }
            mesg::LAP => keep(&mut out.laps, MAX_LAPS, "lap", &mut dropped, || {
                SummaryMessage::from_message(&msg, &profile::LAP, false)
            }),
            mesg::SESSION => keep(
                &mut out.sessions,
                MAX_SESSIONS,
                "session",
                &mut dropped,
                || SummaryMessage::from_message(&msg, &profile::SESSION, true),
            ),
            mesg::FILE_ID if out.file_id.is_none() => {
                out.file_id = Some(FileId::from_message(&msg));
            }
            mesg::EVENT => keep(&mut out.events, MAX_EVENTS, "event", &mut dropped, || {
                Event {
                    timestamp: msg.timestamp(),
                    event: get_u8(&msg, 0),
                    event_type: get_u8(&msg, 1),
                }
            }),
            mesg::SPORT => keep(&mut out.sports, MAX_SESSIONS, "sport", &mut dropped, || {
                SportMessage {
                    sport: get_u8(&msg, profile::sport::SPORT),
                    sub_sport: get_u8(&msg, profile::sport::SUB_SPORT),
                }
            }),
            _ => {}
        }
    }
    out.dev_fields = decoder.descriptions().to_vec();
    out.segments = decoder.segments();
    out.warnings = decoder.warnings().to_vec();
    out.warnings.extend(dropped);
    Ok(out)
}
