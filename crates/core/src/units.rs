//! Units a person sees and types, and their conversion to the SI units everything is stored in.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How distances are shown and typed; stored always in metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DistanceUnit {
    #[default]
    Km,
    Mi,
}

/// How body mass is shown and typed; stored always in kilograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MassUnit {
    #[default]
    Kg,
    Lb,
}

/// Metres in one statute mile (exact by definition).
pub const METRES_PER_MILE: f64 = 1609.344;
/// Kilograms in one avoirdupois pound (exact by definition).
pub const KG_PER_POUND: f64 = 0.453_592_37;

impl DistanceUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            DistanceUnit::Km => "km",
            DistanceUnit::Mi => "mi",
        }
    }
    /// Metres → the number shown in this unit.
    pub fn from_metres(self, metres: f64) -> f64 {
        match self {
            DistanceUnit::Km => metres / 1000.0,
            DistanceUnit::Mi => metres / METRES_PER_MILE,
        }
    }
    /// A number typed in this unit → metres.
    pub fn to_metres(self, value: f64) -> f64 {
        match self {
            DistanceUnit::Km => value * 1000.0,
            DistanceUnit::Mi => value * METRES_PER_MILE,
        }
    }
}

impl MassUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            MassUnit::Kg => "kg",
            MassUnit::Lb => "lb",
        }
    }
    pub fn from_kg(self, kg: f64) -> f64 {
        match self {
            MassUnit::Kg => kg,
            MassUnit::Lb => kg / KG_PER_POUND,
        }
    }
    pub fn to_kg(self, value: f64) -> f64 {
        match self {
            MassUnit::Kg => value,
            MassUnit::Lb => value * KG_PER_POUND,
        }
    }
}

impl FromStr for DistanceUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "km" => Ok(DistanceUnit::Km),
            "mi" => Ok(DistanceUnit::Mi),
            _ => Err("Choose kilometres or miles.".into()),
        }
    }
}

impl FromStr for MassUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kg" => Ok(MassUnit::Kg),
            "lb" => Ok(MassUnit::Lb),
            _ => Err("Choose kilograms or pounds.".into()),
        }
    }
}

/// A person's (or a clinic's default) choice of units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UnitPreference {
    pub distance: DistanceUnit,
    pub mass: MassUnit,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_conversions() {
        assert!((DistanceUnit::Mi.to_metres(1.0) - 1609.344).abs() < 1e-9);
        assert!((MassUnit::Lb.to_kg(150.0) - 68.038_855_5).abs() < 1e-6);
        assert_eq!(DistanceUnit::Km.from_metres(5000.0), 5.0);
    }

    proptest! {
        #[test]
        fn round_trips(v in 0.0f64..1.0e6) {
            for u in [DistanceUnit::Km, DistanceUnit::Mi] {
                prop_assert!((u.from_metres(u.to_metres(v)) - v).abs() <= 1e-9 * v.max(1.0));
            }
            for u in [MassUnit::Kg, MassUnit::Lb] {
                prop_assert!((u.from_kg(u.to_kg(v)) - v).abs() <= 1e-9 * v.max(1.0));
            }
        }
    }
}
