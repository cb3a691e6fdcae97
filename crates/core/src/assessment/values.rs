//! Domain values of the assessment: sides, scores and quantities that exist only when valid.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Left or right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    /// Both sides, left first.
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }

    /// "left" or "right".
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value measured on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerSide<T> {
    pub left: T,
    pub right: T,
}

impl<T> PerSide<T> {
    /// The value on one side.
    pub fn get(&self, side: Side) -> &T {
        match side {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }

    /// Applies `f` to each side.
    pub fn map<U>(&self, mut f: impl FnMut(Side, &T) -> U) -> PerSide<U> {
        PerSide {
            left: f(Side::Left, &self.left),
            right: f(Side::Right, &self.right),
        }
    }

    /// Both sides present, or none.
    pub fn transpose<U>(self) -> Option<PerSide<U>>
    where
        T: Into<Option<U>>,
    {
        Some(PerSide {
            left: self.left.into()?,
            right: self.right.into()?,
        })
    }
}

/// Defines a validated quantity stored as `f64` or an integer, with its refusal message.
macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident($inner:ty), |$v:ident| $ok:expr, $message:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
        #[serde(transparent)]
        pub struct $name($inner);

        impl $name {
            /// The refusal message shown for a value outside what this quantity allows.
            pub const MESSAGE: &'static str = $message;

            /// The plain number.
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl TryFrom<f64> for $name {
            type Error = &'static str;
            fn try_from($v: f64) -> Result<Self, Self::Error> {
                if $v.is_finite() && $ok {
                    Ok($name($v as $inner))
                } else {
                    Err($message)
                }
            }
        }
    };
}

quantity!(
    /// Numeric pain rating, whole numbers 0–10.
    PainScore(u8),
    |v| v.fract() == 0.0 && (0.0..=10.0).contains(&v),
    "Pain is scored from 0 (none) to 10 (worst imaginable)."
);
quantity!(
    /// How well an activity can be done, whole numbers 0–10.
    ActivityRating(u8),
    |v| v.fract() == 0.0 && (0.0..=10.0).contains(&v),
    "Rate each activity from 0 (can't do it) to 10 (as well as before the pain)."
);
quantity!(
    /// Global rating of change, whole numbers −7 to +7.
    ChangeRating(i8),
    |v| v.fract() == 0.0 && (-7.0..=7.0).contains(&v),
    "Change is rated from -7 (a great deal worse) through 0 (no change) to +7 (a great deal better)."
);
quantity!(
    /// An angle in degrees.
    Degrees(f64),
    |v| (-180.0..=180.0).contains(&v),
    "An angle must be between -180° and 180°."
);
quantity!(
    /// A duration in seconds.
    Seconds(f64),
    |v| v >= 0.0,
    "Seconds can't be negative."
);
quantity!(
    /// A count of repetitions.
    Reps(u32),
    |v| v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v),
    "Count whole repetitions: 0 or more."
);
quantity!(
    /// Whole years of age.
    Years(u32),
    |v| v.fract() == 0.0 && (0.0..=150.0).contains(&v),
    "Give the age in whole years."
);
quantity!(
    /// Whole weeks.
    Weeks(u32),
    |v| v.fract() == 0.0 && (0.0..=10_000.0).contains(&v),
    "Give the number of whole weeks: 0 or more."
);
quantity!(
    /// Running cadence, steps per minute (both feet).
    StepsPerMinute(f64),
    |v| v > 0.0,
    "Cadence must be more than 0 steps per minute."
);
quantity!(
    /// Torque per kilogram of body mass.
    NewtonMetresPerKg(f64),
    |v| v >= 0.0,
    "Strength can't be negative."
);
quantity!(
    /// Single-leg squat grade: 3 aligned to ~60°, 2 aligned but shallower, 1 alignment or balance lost.
    SquatGrade(u8),
    |v| v == 1.0 || v == 2.0 || v == 3.0,
    "Grade the single-leg squat 1, 2 or 3."
);

/// An observation that may be uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observation {
    Yes,
    No,
    NotSure,
}

/// How a hip circle (CAR) looked and felt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HipCarsQuality {
    /// Smooth and pain-free.
    Smooth,
    /// A pinch or pain somewhere in the circle.
    PinchOrPain,
    /// The pelvis or trunk moves to make the circle.
    Compensation,
}

/// How far into the couch-stretch position the runner gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouchStretchPosition {
    /// Trunk upright, no low back pain.
    Upright,
    /// Only with the trunk leaning forward.
    OnlyLeaningForward,
    /// Cannot get into the position without low back pain.
    Unable,
}

/// Sex as used by the hip-abduction strength norm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_refuse_what_they_cannot_be() {
        assert_eq!(PainScore::try_from(10.0).map(PainScore::get), Ok(10));
        assert_eq!(PainScore::try_from(11.0), Err(PainScore::MESSAGE));
        assert!(PainScore::try_from(2.5).is_err());
        assert!(Seconds::try_from(-0.1).is_err());
        assert!(Seconds::try_from(f64::NAN).is_err());
        assert!(Reps::try_from(3.5).is_err());
        assert!(SquatGrade::try_from(0.0).is_err());
        assert_eq!(ChangeRating::try_from(-7.0).map(ChangeRating::get), Ok(-7));
        assert!(Degrees::try_from(181.0).is_err());
    }

    #[test]
    fn per_side_transposes_only_when_both_sides_are_there() {
        let both = PerSide {
            left: Some(1),
            right: Some(2),
        };
        assert_eq!(both.transpose(), Some(PerSide { left: 1, right: 2 }));
        let one = PerSide {
            left: Some(1),
            right: None,
        };
        assert_eq!(one.transpose::<i32>(), None);
        assert_eq!(
            *both.map(|_, v| v.map(|x| x * 10)).get(Side::Right),
            Some(20)
        );
    }
}
