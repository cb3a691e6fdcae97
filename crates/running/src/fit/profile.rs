//! The slice of the FIT profile we decode: message and field numbers, scales and offsets, the
//! sport enums, and the developer fields we recognise (Stryd, RunScribe).
//!
//! Numbers and scales are from the Garmin FIT SDK profile (Profile.xlsx, `Messages` and `Types`
//! sheets). A value is converted as `raw / scale - offset`.

/// Field number of `timestamp` in every message that has one.
pub const TIMESTAMP_FIELD: u8 = 253;

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
pub const FIT_EPOCH_UNIX: i64 = 631_065_600;

/// FIT `date_time` values below this are seconds since device power-on, not since the epoch.
pub const DATE_TIME_MIN: u32 = 0x1000_0000;

/// Global message numbers.
pub mod mesg {
    /// file_id.
    pub const FILE_ID: u16 = 0;
    /// sport.
    pub const SPORT: u16 = 12;
    /// session.
    pub const SESSION: u16 = 18;
    /// lap.
    pub const LAP: u16 = 19;
    /// record.
    pub const RECORD: u16 = 20;
    /// event.
    pub const EVENT: u16 = 21;
    /// activity.
    pub const ACTIVITY: u16 = 34;
    /// field_description (developer fields).
    pub const FIELD_DESCRIPTION: u16 = 206;
    /// developer_data_id.
    pub const DEVELOPER_DATA_ID: u16 = 207;
}

/// A field: number, scale and offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// Field number.
    pub num: u8,
    /// Divide the raw value by this.
    pub scale: f64,
    /// Then subtract this.
    pub offset: f64,
}

const fn f(num: u8, scale: f64) -> Field {
    Field {
        num,
        scale,
        offset: 0.0,
    }
}

/// file_id fields.
pub mod file_id {
    /// type (enum file).
    pub const TYPE: u8 = 0;
    /// manufacturer (uint16 enum).
    pub const MANUFACTURER: u8 = 1;
    /// product (uint16).
    pub const PRODUCT: u8 = 2;
    /// serial_number (uint32z).
    pub const SERIAL_NUMBER: u8 = 3;
    /// time_created (date_time).
    pub const TIME_CREATED: u8 = 4;
}

/// sport message fields.
pub mod sport {
    /// sport (enum).
    pub const SPORT: u8 = 0;
    /// sub_sport (enum).
    pub const SUB_SPORT: u8 = 1;
}

/// field_description fields.
pub mod field_description {
    /// developer_data_index.
    pub const DEVELOPER_DATA_INDEX: u8 = 0;
    /// field_definition_number.
    pub const FIELD_DEFINITION_NUMBER: u8 = 1;
    /// fit_base_type_id.
    pub const FIT_BASE_TYPE_ID: u8 = 2;
    /// field_name (string).
    pub const FIELD_NAME: u8 = 3;
    /// scale (uint8).
    pub const SCALE: u8 = 6;
    /// offset (sint8).
    pub const OFFSET: u8 = 7;
    /// units (string).
    pub const UNITS: u8 = 8;
}

/// record fields.
pub mod record {
    use super::{Field, f};
    /// distance, m (uint32, scale 100).
    pub const DISTANCE: Field = f(5, 100.0);
    /// speed, m/s (uint16, scale 1000); expands into enhanced_speed.
    pub const SPEED: Field = f(6, 1000.0);
    /// heart_rate, bpm (uint8).
    pub const HEART_RATE: Field = f(3, 1.0);
    /// cadence, rpm = strides/min when running (uint8).
    pub const CADENCE: Field = f(4, 1.0);
    /// power, W (uint16).
    pub const POWER: Field = f(7, 1.0);
    /// compressed_speed_distance (byte\[3\]): speed 12 bits scale 100, distance 12 bits scale 16
    /// accumulated.
    pub const COMPRESSED_SPEED_DISTANCE: u8 = 8;
    /// vertical_oscillation, mm (uint16, scale 10).
    pub const VERTICAL_OSCILLATION: Field = f(39, 10.0);
    /// stance_time_percent, % (uint16, scale 100).
    pub const STANCE_TIME_PERCENT: Field = f(40, 100.0);
    /// stance_time, ms (uint16, scale 10).
    pub const STANCE_TIME: Field = f(41, 10.0);
    /// fractional_cadence, rpm (uint8, scale 128).
    pub const FRACTIONAL_CADENCE: Field = f(53, 128.0);
    /// enhanced_speed, m/s (uint32, scale 1000).
    pub const ENHANCED_SPEED: Field = f(73, 1000.0);
    /// vertical_ratio, % (uint16, scale 100).
    pub const VERTICAL_RATIO: Field = f(83, 100.0);
    /// stance_time_balance, % left (uint16, scale 100).
    pub const STANCE_TIME_BALANCE: Field = f(84, 100.0);
    /// step_length, mm (uint16, scale 10).
    pub const STEP_LENGTH: Field = f(85, 10.0);
}

/// Fields shared by session and lap, with their (different) numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryFields {
    /// start_time (date_time).
    pub start_time: u8,
    /// sport (enum).
    pub sport: u8,
    /// sub_sport (enum).
    pub sub_sport: u8,
    /// total_elapsed_time, s (uint32, scale 1000).
    pub total_elapsed_time: Field,
    /// total_timer_time, s (uint32, scale 1000).
    pub total_timer_time: Field,
    /// total_distance, m (uint32, scale 100).
    pub total_distance: Field,
    /// avg_speed, m/s (uint16, scale 1000).
    pub avg_speed: Field,
    /// avg_heart_rate, bpm (uint8).
    pub avg_heart_rate: Field,
    /// avg_cadence, rpm (uint8; avg_running_cadence, strides/min, for running).
    pub avg_cadence: Field,
    /// avg_power, W (uint16).
    pub avg_power: Field,
    /// avg_vertical_oscillation, mm (uint16, scale 10).
    pub avg_vertical_oscillation: Field,
    /// avg_stance_time_percent, % (uint16, scale 100).
    pub avg_stance_time_percent: Field,
    /// avg_stance_time, ms (uint16, scale 10).
    pub avg_stance_time: Field,
    /// avg_fractional_cadence, rpm (uint8, scale 128).
    pub avg_fractional_cadence: Field,
    /// enhanced_avg_speed, m/s (uint32, scale 1000).
    pub enhanced_avg_speed: Field,
    /// avg_vertical_ratio, % (uint16, scale 100).
    pub avg_vertical_ratio: Field,
    /// avg_stance_time_balance, % (uint16, scale 100).
    pub avg_stance_time_balance: Field,
    /// avg_step_length, mm (uint16, scale 10).
    pub avg_step_length: Field,
}

/// session fields.
pub const SESSION: SummaryFields = SummaryFields {
    start_time: 2,
    sport: 5,
    sub_sport: 6,
    total_elapsed_time: f(7, 1000.0),
    total_timer_time: f(8, 1000.0),
    total_distance: f(9, 100.0),
    avg_speed: f(14, 1000.0),
    avg_heart_rate: f(16, 1.0),
    avg_cadence: f(18, 1.0),
    avg_power: f(20, 1.0),
    avg_vertical_oscillation: f(89, 10.0),
    avg_stance_time_percent: f(90, 100.0),
    avg_stance_time: f(91, 10.0),
    avg_fractional_cadence: f(92, 128.0),
    enhanced_avg_speed: f(124, 1000.0),
    avg_vertical_ratio: f(132, 100.0),
    avg_stance_time_balance: f(133, 100.0),
    avg_step_length: f(134, 10.0),
};

/// session: first_lap_index (uint16).
pub const SESSION_FIRST_LAP_INDEX: u8 = 25;
/// session: num_laps (uint16).
pub const SESSION_NUM_LAPS: u8 = 26;

/// lap fields.
pub const LAP: SummaryFields = SummaryFields {
    start_time: 2,
    sport: 25,
    sub_sport: 39,
    total_elapsed_time: f(7, 1000.0),
    total_timer_time: f(8, 1000.0),
    total_distance: f(9, 100.0),
    avg_speed: f(13, 1000.0),
    avg_heart_rate: f(15, 1.0),
    avg_cadence: f(17, 1.0),
    avg_power: f(19, 1.0),
    avg_vertical_oscillation: f(77, 10.0),
    avg_stance_time_percent: f(78, 100.0),
    avg_stance_time: f(79, 10.0),
    avg_fractional_cadence: f(80, 128.0),
    enhanced_avg_speed: f(110, 1000.0),
    avg_vertical_ratio: f(118, 100.0),
    avg_stance_time_balance: f(119, 100.0),
    avg_step_length: f(120, 10.0),
};

/// The `sport` enum value for running.
pub const SPORT_RUNNING: u8 = 1;

/// Name of a `sport` enum value, as in the FIT profile.
pub fn sport_name(v: u8) -> Option<&'static str> {
    const NAMES: [&str; 49] = [
        "generic",
        "running",
        "cycling",
        "transition",
        "fitness_equipment",
        "swimming",
        "basketball",
        "soccer",
        "tennis",
        "american_football",
        "training",
        "walking",
        "cross_country_skiing",
        "alpine_skiing",
        "snowboarding",
        "rowing",
        "mountaineering",
        "hiking",
        "multisport",
        "paddling",
        "flying",
        "e_biking",
        "motorcycling",
        "boating",
        "driving",
        "golf",
        "hang_gliding",
        "horseback_riding",
        "hunting",
        "fishing",
        "inline_skating",
        "rock_climbing",
        "sailing",
        "ice_skating",
        "sky_diving",
        "snowshoeing",
        "snowmobiling",
        "stand_up_paddleboarding",
        "surfing",
        "wakeboarding",
        "water_skiing",
        "kayaking",
        "rafting",
        "windsurfing",
        "kitesurfing",
        "tactical",
        "jumpmaster",
        "boxing",
        "floor_climbing",
    ];
    match v {
        53 => Some("diving"),
        254 => Some("all"),
        _ => NAMES.get(usize::from(v)).copied(),
    }
}

/// Name of a `sub_sport` enum value, as in the FIT profile.
pub fn sub_sport_name(v: u8) -> Option<&'static str> {
    const NAMES: [&str; 60] = [
        "generic",
        "treadmill",
        "street",
        "trail",
        "track",
        "spin",
        "indoor_cycling",
        "road",
        "mountain",
        "downhill",
        "recumbent",
        "cyclocross",
        "hand_cycling",
        "track_cycling",
        "indoor_rowing",
        "elliptical",
        "stair_climbing",
        "lap_swimming",
        "open_water",
        "flexibility_training",
        "strength_training",
        "warm_up",
        "match",
        "exercise",
        "challenge",
        "indoor_skiing",
        "cardio_training",
        "indoor_walking",
        "e_bike_fitness",
        "bmx",
        "casual_walking",
        "speed_walking",
        "bike_to_run_transition",
        "run_to_bike_transition",
        "swim_to_bike_transition",
        "atv",
        "motocross",
        "backcountry",
        "resort",
        "rc_drone",
        "wingsuit",
        "whitewater",
        "skate_skiing",
        "yoga",
        "pilates",
        "indoor_running",
        "gravel_cycling",
        "e_bike_mountain",
        "commuting",
        "mixed_surface",
        "navigate",
        "track_me",
        "map",
        "single_gas_diving",
        "multi_gas_diving",
        "gauge_diving",
        "apnea_diving",
        "apnea_hunting",
        "virtual_activity",
        "obstacle",
    ];
    match v {
        254 => Some("all"),
        _ => NAMES.get(usize::from(v)).copied(),
    }
}

/// Developer fields that carry running metrics, recognised by their field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnownDevField {
    /// Stryd "Power", W.
    StrydPower,
    /// Stryd "Ground Time", ms.
    StrydGroundTime,
    /// Stryd "Vertical Oscillation" (units given by the description, usually cm).
    StrydVerticalOscillation,
    /// Stryd "Leg Spring Stiffness", kN/m.
    StrydLegSpringStiffness,
    /// Stryd "Form Power", W.
    StrydFormPower,
    /// RunScribe "RS_ContactTime_L", ms.
    RunScribeContactTimeLeft,
    /// RunScribe "RS_ContactTime_R", ms.
    RunScribeContactTimeRight,
    /// RunScribe "RS_Power_AVG", W.
    RunScribePower,
    /// Garmin Running Power Connect IQ "RP_Power", W.
    GarminRunningPower,
}

impl KnownDevField {
    /// Recognises a developer field by its exact name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Power" => KnownDevField::StrydPower,
            "Ground Time" => KnownDevField::StrydGroundTime,
            "Vertical Oscillation" => KnownDevField::StrydVerticalOscillation,
            "Leg Spring Stiffness" => KnownDevField::StrydLegSpringStiffness,
            "Form Power" => KnownDevField::StrydFormPower,
            "RS_ContactTime_L" => KnownDevField::RunScribeContactTimeLeft,
            "RS_ContactTime_R" => KnownDevField::RunScribeContactTimeRight,
            "RS_Power_AVG" => KnownDevField::RunScribePower,
            "RP_Power" => KnownDevField::GarminRunningPower,
            _ => return None,
        })
    }
}

/// Converts a length in the given developer-field units to millimetres (cm when unknown, as
/// Stryd writes "Centimeters").
pub fn length_units_to_mm(units: &str) -> f64 {
    match units.trim().to_ascii_lowercase().as_str() {
        "mm" | "millimeters" | "millimetres" => 1.0,
        "m" | "meters" | "metres" => 1000.0,
        _ => 10.0,
    }
}
