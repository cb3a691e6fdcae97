//! The versioned test catalogue: every question and test the assessment carries, in one table.

use serde::Serialize;

/// Version of the test catalogue, thresholds and rules; stored with every scored assessment so
/// an old result stays explainable after the protocol changes.
pub const PROTOCOL_VERSION: &str = "2026.1";

/// The parts of the assessment, in the order they are done and shown.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    RedFlags,
    Postpartum,
    Baseline,
    PostureForm,
    HipMobility,
    HipStability,
    Core,
}

impl Area {
    /// Every area, in the order they are done and shown.
    pub const ALL: [Area; 7] = [
        Area::RedFlags,
        Area::Postpartum,
        Area::Baseline,
        Area::PostureForm,
        Area::HipMobility,
        Area::HipStability,
        Area::Core,
    ];

    /// The area's name as shown to a runner.
    pub fn name(self) -> &'static str {
        match self {
            Area::RedFlags => "Red-flag screen",
            Area::Postpartum => "After giving birth",
            Area::Baseline => "Pain and function today",
            Area::PostureForm => "Posture and running form",
            Area::HipMobility => "Hip mobility",
            Area::HipStability => "Hip stability",
            Area::Core => "Core",
        }
    }

    /// One plain sentence on what a clinic visit would add when tests of this area were not
    /// done at home (our wording; the methods are the ones the tests' sources describe).
    pub fn clinic_visit_adds(self) -> &'static str {
        match self {
            Area::RedFlags => {
                "A clinician can go through the safety questions with you and examine your back."
            }
            Area::Postpartum => {
                "A pelvic-health physiotherapist can check your pelvic floor and tummy muscles \
                 and tell you when running is safe again."
            }
            Area::Baseline => {
                "A clinician can go through your pain and the activities it limits with you, so \
                 a re-test shows what changed."
            }
            Area::PostureForm => {
                "A clinician can watch you run from the side and from behind, on video at the \
                 right height and speed, and measure your form."
            }
            Area::HipMobility => {
                "A clinician can hold your pelvis still on a treatment couch and measure how far \
                 each hip moves with a goniometer, more exactly than a phone."
            }
            Area::HipStability => {
                "A clinician can measure your hip strength with a hand-held strength meter and \
                 compare it with the norm for runners of your age."
            }
            Area::Core => {
                "A clinician can set up the trunk holds on a proper bench and wedge, hold you in \
                 place and time them for you."
            }
        }
    }
}

/// Where a physical test can be done, shown on the test as its mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// The runner can do it alone at home.
    OnYourOwn,
    /// Needs a second person: to hold, film, time or measure.
    WithHelper,
    /// Needs a clinician or clinic equipment.
    InClinic,
}

impl Setting {
    /// Every setting, in the order the first screen lists them.
    pub const ALL: [Setting; 3] = [Setting::OnYourOwn, Setting::WithHelper, Setting::InClinic];

    /// The mark as shown on a test.
    pub fn label(self) -> &'static str {
        match self {
            Setting::OnYourOwn => "On your own",
            Setting::WithHelper => "With a helper",
            Setting::InClinic => "In clinic",
        }
    }
}

/// Roughly how long the home self-check takes, in minutes, from start to results
/// (our estimate: about 2 minutes per test and side, plus the questions).
pub const SELF_CHECK_MINUTES: (u32, u32) = (30, 45);

/// What a runner needs at home for the self-check, in plain words (our list, from the home
/// versions of the tests below).
pub const HOME_KIT: [&str; 6] = [
    "Your phone: it times the holds, measures angles and films your running",
    "A sturdy chair or a step",
    "A resistance band: a small loop for round the ankles (a long band or the same loop tied \
     to a table leg for one core test)",
    "A wall",
    "A firm table or the end of a firm bed, for two hip tests",
    "Optionally a helper: some tests need someone to film, hold your feet or place the phone",
];

/// What a test's number (or answer) is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Yes or no.
    Answer,
    /// One of a few named observations (yes / no / not sure, or a quality grade).
    Observation,
    /// Free text (an activity the runner names).
    Text,
    Years,
    Weeks,
    /// Numeric pain rating, 0–10.
    Pain,
    /// A 0–10 rating of how well an activity can be done.
    Rating,
    /// Global rating of change, −7 to +7.
    Change,
    StepsPerMinute,
    Degrees,
    Seconds,
    Reps,
    /// Single-leg squat grade 1–3.
    Grade,
    NewtonMetresPerKg,
    /// A ratio of two holds.
    Ratio,
    Percent,
}

impl Unit {
    /// Decimal places a value in this unit is rounded to before it is shown or stored in a result.
    pub fn decimals(self) -> u32 {
        match self {
            Unit::Seconds | Unit::Degrees | Unit::Rating => 1,
            Unit::NewtonMetresPerKg | Unit::Ratio => 2,
            _ => 0,
        }
    }

    /// The short suffix printed after a number (empty for counts and answers).
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Years => " years",
            Unit::Weeks => " weeks",
            Unit::Pain | Unit::Rating => "/10",
            Unit::StepsPerMinute => " steps/min",
            Unit::Degrees => "°",
            Unit::Seconds => " s",
            Unit::Reps => " reps",
            Unit::Grade => "/3",
            Unit::NewtonMetresPerKg => " Nm/kg",
            Unit::Percent => "%",
            Unit::Answer | Unit::Observation | Unit::Text | Unit::Change | Unit::Ratio => "",
        }
    }
}

/// Whether a test is done once or on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sides {
    One,
    LeftRight,
}

/// The values a test accepts, inclusive; anything outside is a typing mistake.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValidRange {
    pub min: f64,
    pub max: f64,
}

/// One row of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestSpec {
    /// Stable snake_case id; also the field name in the assessment JSON.
    pub id: &'static str,
    pub area: Area,
    /// The test's name in plain words.
    pub name: &'static str,
    pub unit: Unit,
    pub sides: Sides,
    pub range: Option<ValidRange>,
    /// Needs a clinician (or their equipment) to do.
    pub clinician_only: bool,
    /// Where a physical test can be done (its mark); `None` for questions.
    pub setting: Option<Setting>,
    /// How the home version differs from the clinic method the source describes, when it does.
    /// Every home version is our choice: CLINICAL.md gives no home method.
    pub home_version: Option<&'static str>,
    /// Can be left out without making the area incomplete.
    pub optional: bool,
    /// How to do it, or the question to ask, in our own words.
    pub instructions: &'static str,
    /// Id of the drawing that shows the test, if it has one.
    pub illustration: Option<&'static str>,
    /// Where the test (and its rule) comes from; see CLINICAL.md.
    pub source: &'static str,
}

const fn spec(
    id: &'static str,
    area: Area,
    name: &'static str,
    unit: Unit,
    sides: Sides,
    instructions: &'static str,
    source: &'static str,
) -> TestSpec {
    TestSpec {
        id,
        area,
        name,
        unit,
        sides,
        range: None,
        clinician_only: false,
        setting: None,
        home_version: None,
        optional: false,
        instructions,
        illustration: None,
        source,
    }
}

impl TestSpec {
    const fn range(mut self, min: f64, max: f64) -> Self {
        self.range = Some(ValidRange { min, max });
        self
    }
    const fn drawn(mut self, illustration: &'static str) -> Self {
        self.illustration = Some(illustration);
        self
    }
    const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    const fn clinician_only(mut self) -> Self {
        self.clinician_only = true;
        self.setting = Some(Setting::InClinic);
        self
    }
    const fn alone(mut self) -> Self {
        self.setting = Some(Setting::OnYourOwn);
        self
    }
    const fn helper(mut self) -> Self {
        self.setting = Some(Setting::WithHelper);
        self
    }
    const fn at_home(mut self, differs: &'static str) -> Self {
        self.home_version = Some(differs);
        self
    }
}

use Area::*;
use Sides::{LeftRight, One};

const NICE: &str = "NICE NG59; Finucane et al. 2020, JOSPT 50(7):350–372";
const GOOM: &str = "Goom, Donnelly & Brockwell 2019, return-to-running guideline";

const fn red_flag(id: &'static str, name: &'static str, question: &'static str) -> TestSpec {
    spec(id, RedFlags, name, Unit::Answer, One, question, NICE)
}
const fn symptom(id: &'static str, name: &'static str, question: &'static str) -> TestSpec {
    spec(id, Postpartum, name, Unit::Answer, One, question, GOOM)
}
const fn readiness(id: &'static str, name: &'static str, task: &'static str) -> TestSpec {
    spec(id, Postpartum, name, Unit::Answer, One, task, GOOM).alone()
}
const fn strength_readiness(id: &'static str, name: &'static str, task: &'static str) -> TestSpec {
    spec(id, Postpartum, name, Unit::Reps, LeftRight, task, GOOM)
        .range(0.0, 200.0)
        .alone()
}
const fn pain(id: &'static str, name: &'static str, question: &'static str) -> TestSpec {
    spec(
        id,
        Baseline,
        name,
        Unit::Pain,
        One,
        question,
        "Numeric pain rating; Childs et al. 2005, Spine 30:1331",
    )
    .range(0.0, 10.0)
}
const fn observation(id: &'static str, name: &'static str, what: &'static str) -> TestSpec {
    spec(
        id,
        PostureForm,
        name,
        Unit::Observation,
        One,
        what,
        "Clinic method (observation); cues after Heiderscheit et al. 2011 and Teng & Powers 2015",
    )
    .drawn("running_side_view")
    .helper()
    .at_home(FILMED_AT_HOME)
}

/// Filming at home follows the clinic's video method (CLINICAL.md §10, Souza 2016).
const FILMED_AT_HOME: &str = "A helper films you with your phone held still at hip height, side \
     on, while you run past at an easy pace for at least 5 strides (the video method of Souza \
     2016). On your own, prop the phone at hip height on a chair or a wall.";

// --- Red-flag screen -------------------------------------------------------------------------

pub static AGE: TestSpec = spec(
    "age_years",
    RedFlags,
    "Age",
    Unit::Years,
    One,
    "How old are you, in whole years?",
    NICE,
)
.range(10.0, 100.0);
pub static SADDLE_NUMBNESS: TestSpec = red_flag(
    "saddle_numbness",
    "Numbness between the legs",
    "Have you noticed numbness or pins and needles around your bottom, genitals or inner thighs \
     (the area that would touch a saddle)?",
);
pub static BLADDER_CHANGE: TestSpec = red_flag(
    "bladder_change",
    "New bladder trouble",
    "Is it newly hard to start passing urine, or have you lost control of your bladder?",
);
pub static BOWEL_CONTROL_LOSS: TestSpec = red_flag(
    "bowel_control_loss",
    "Loss of bowel control",
    "Have you lost control of your bowels?",
);
pub static LEG_WEAKNESS: TestSpec = red_flag(
    "leg_weakness",
    "Leg weakness",
    "Are your legs badly or increasingly weak, or is walking becoming difficult?",
);
pub static SIGNIFICANT_TRAUMA: TestSpec = red_flag(
    "significant_trauma",
    "Fall or accident",
    "Did the pain start after a hard fall or accident, or after a small knock if you have thin \
     bones or take steroid tablets long term?",
);
pub static CANCER_HISTORY: TestSpec = red_flag(
    "cancer_history",
    "Cancer in the past",
    "Have you ever been treated for cancer?",
);
pub static WEIGHT_LOSS: TestSpec = red_flag(
    "unexplained_weight_loss",
    "Weight loss without a reason",
    "Have you lost weight recently without trying to?",
);
pub static FEVER_OR_INFECTION: TestSpec = red_flag(
    "fever_or_infection",
    "Fever or infection",
    "Have you had a temperature, shivering, or a serious infection lately?",
);
pub static IMMUNOSUPPRESSION: TestSpec = red_flag(
    "immunosuppression_or_iv_drugs",
    "Weakened immune system",
    "Do you take medicines that weaken the immune system, or inject drugs?",
);
pub static NIGHT_PAIN: TestSpec = red_flag(
    "constant_night_pain",
    "Constant pain at night",
    "Is the pain there all night, whatever position you lie in?",
);
pub static PAIN_IS_NEW: TestSpec = red_flag(
    "pain_is_new",
    "New back pain",
    "Is this back pain new — a first episode rather than one you have had before?",
);
pub static NO_IMPROVEMENT: TestSpec = red_flag(
    "no_improvement_after_month",
    "No better after a month",
    "Has the pain lasted a month or more without getting any better at all?",
);
pub static MORNING_STIFFNESS: TestSpec = red_flag(
    "morning_stiffness_over_30_min",
    "Long morning stiffness",
    "Is your back stiff for more than half an hour after getting up, loosening as you move?",
);
pub static BACK_EXTENSION_PAIN: TestSpec = spec(
    "pain_on_back_extension",
    RedFlags,
    "Pain bending backwards",
    Unit::Answer,
    One,
    "Does arching your back (bending backwards) keep bringing on the pain?",
    "Spondylolysis in young athletes (NICE NG59; Finucane et al. 2020)",
);

// --- After giving birth ----------------------------------------------------------------------

pub static WEEKS_SINCE_BIRTH: TestSpec = spec(
    "weeks_since_birth",
    Postpartum,
    "Weeks since giving birth",
    Unit::Weeks,
    One,
    "How many whole weeks ago did you give birth?",
    GOOM,
)
.range(0.0, 520.0);
pub static SYMPTOM_LEAKING: TestSpec = symptom(
    "symptom_leaking_or_urgency",
    "Leaking or urgency",
    "Do you leak urine, wind or stool, or have to rush to the toilet?",
);
pub static SYMPTOM_HEAVINESS: TestSpec = symptom(
    "symptom_heaviness_or_dragging",
    "Heaviness or dragging",
    "Do you feel heaviness, pressure, a bulge or a dragging feeling in the pelvis?",
);
pub static SYMPTOM_INTERCOURSE_PAIN: TestSpec = symptom(
    "symptom_pain_with_intercourse",
    "Pain with sex",
    "Is sex painful?",
);
pub static SYMPTOM_ABDOMINAL_GAP: TestSpec = symptom(
    "symptom_abdominal_gap",
    "Gap along the tummy",
    "Can you see a gap or a ridge (doming) down the middle of your tummy when you sit up?",
);
pub static SYMPTOM_PELVIC_PAIN: TestSpec = symptom(
    "symptom_pelvic_or_back_pain",
    "Pelvic or back pain since the birth",
    "Have you had pain in the pelvis or low back since giving birth?",
);
pub static SYMPTOM_LATE_BLEEDING: TestSpec = symptom(
    "symptom_late_bleeding",
    "Bleeding after 8 weeks",
    "More than 8 weeks after the birth, do you still bleed at times that are not a period?",
);
pub static READINESS_WALK: TestSpec = readiness(
    "readiness_walk",
    "30-minute walk",
    "Walk for 30 minutes. Passed means no pain, heaviness, dragging or leaking.",
);
pub static READINESS_BALANCE: TestSpec = readiness(
    "readiness_single_leg_balance",
    "Stand on one leg",
    "Stand on one leg for 10 seconds, then the other, without symptoms.",
);
pub static READINESS_SQUAT: TestSpec = readiness(
    "readiness_single_leg_squat",
    "One-leg squats",
    "Do 10 slow one-leg squats on each side without symptoms.",
);
pub static READINESS_JOG: TestSpec = readiness(
    "readiness_jog_on_spot",
    "Jog on the spot",
    "Jog on the spot for one minute without symptoms.",
);
pub static READINESS_BOUNDS: TestSpec = readiness(
    "readiness_forward_bounds",
    "Forward bounds",
    "Do 10 forward bounds (long springy jumps from foot to foot) without symptoms.",
);
pub static READINESS_HOPS: TestSpec = readiness(
    "readiness_hop_on_spot",
    "Hops on one leg",
    "Hop on the spot 10 times on each leg without symptoms.",
);
pub static READINESS_RUNNING_MAN: TestSpec = readiness(
    "readiness_running_man",
    "Running man",
    "Standing on one leg, swing the other leg and opposite arm forward and back like a running \
     stride, 10 times each side, without symptoms.",
);
pub static READINESS_CALF_RAISE: TestSpec = strength_readiness(
    "readiness_calf_raise",
    "One-leg calf raise",
    "Rise onto the toes of one foot and lower slowly; count how many you can do on each side.",
);
pub static READINESS_BRIDGE: TestSpec = strength_readiness(
    "readiness_single_leg_bridge",
    "One-leg bridge",
    "Lying on your back, one foot on the floor, lift the hips and lower; count each side.",
);
pub static READINESS_SIT_TO_STAND: TestSpec = strength_readiness(
    "readiness_sit_to_stand",
    "One-leg sit to stand",
    "Stand up from a chair on one leg and sit back down slowly; count each side.",
);
pub static READINESS_SIDE_LYING_ABDUCTION: TestSpec = strength_readiness(
    "readiness_side_lying_abduction",
    "Side-lying leg lift",
    "Lying on your side, lift the top leg up and slightly back, then lower; count each side.",
);

// --- Pain and function today ---------------------------------------------------------------

pub static PAIN_NOW: TestSpec = pain(
    "pain_now",
    "Pain now",
    "How much does your back hurt right now, from 0 (none) to 10 (the worst you can imagine)?",
);
pub static PAIN_WORST_LAST_RUN: TestSpec = pain(
    "pain_worst_last_run",
    "Worst pain on the last run",
    "On your last run, how bad did the pain get at its worst?",
);
pub static PAIN_AFTER_LAST_RUN: TestSpec = pain(
    "pain_after_last_run",
    "Pain after the last run",
    "How bad was the pain in the hour after that run?",
);
pub static PAIN_NEXT_MORNING: TestSpec = pain(
    "pain_next_morning",
    "Pain the next morning",
    "How bad was the pain when you got up the morning after that run?",
);
pub static PSFS: TestSpec = spec(
    "psfs",
    Baseline,
    "Activities you find hard (Patient-Specific Functional Scale)",
    Unit::Rating,
    One,
    "Name 3 to 5 things the back pain stops you doing or makes hard, such as “run 5 km”, and \
     rate each from 0 (can't do it) to 10 (as well as before the pain).",
    "Stratford 1995; Abbott & Schmitt 2014, JOSPT 44:560",
)
.range(0.0, 10.0);
pub static GLOBAL_RATING_OF_CHANGE: TestSpec = spec(
    "global_rating_of_change",
    Baseline,
    "Change since the last assessment",
    Unit::Change,
    One,
    "On re-tests only: since last time, how much has your back changed, from −7 (a great deal \
     worse) through 0 (no change) to +7 (a great deal better)?",
    "Kamper 2009",
)
.range(-7.0, 7.0)
.optional();

// --- Posture and running form ----------------------------------------------------------------

pub static FORWARD_HEAD: TestSpec = observation(
    "forward_head",
    "Head pushed forward",
    "Film the runner from the side: does the head sit ahead of the shoulders?",
);
pub static ROUNDED_SHOULDERS: TestSpec = observation(
    "rounded_shoulders",
    "Rounded shoulders",
    "From the side: do the shoulders roll forward and the upper back curl?",
);
pub static LEANING_BACK: TestSpec = observation(
    "leaning_back",
    "Upper body leaning back",
    "From the side: does the upper body tip back behind the hips, arching the low back?",
);
pub static OVERSTRIDING: TestSpec = observation(
    "overstriding",
    "Landing far ahead of the body",
    "Pause the video as the foot lands: does the heel touch down well in front of the hips?",
);
pub static CADENCE: TestSpec = spec(
    "cadence",
    PostureForm,
    "Cadence (steps per minute)",
    Unit::StepsPerMinute,
    One,
    "At an easy pace, type the cadence from a watch, or count every foot landing for 30 seconds.",
    "Heiderscheit et al. 2011, MSSE 43:296",
)
.range(100.0, 250.0)
.drawn("cadence_count")
.alone();
pub static TRUNK_LEAN: TestSpec = spec(
    "trunk_lean_degrees",
    PostureForm,
    "Trunk lean",
    Unit::Degrees,
    One,
    "From a side-on video at mid-stance, measure the angle of the line from hip to shoulder \
     against vertical; forward is positive, backward negative.",
    "Teng & Powers 2015, MSSE 47:625",
)
.range(-30.0, 45.0)
.optional()
.drawn("trunk_lean")
.helper()
.at_home(
    "Pause your helper's video as your foot passes under your body and pick the angle on the \
     drawing that matches it: a phone video replaces the clinic's measuring software (our choice).",
);

// --- Hip mobility -----------------------------------------------------------------------------

const THOMAS: &str =
    "BMC Sports Sci Med Rehabil 2021, doi 10.1186/s13102-021-00242-y; Vigotsky 2016, PeerJ 4:e2325";
const THOMAS_HOW: &str = "Sit on the end of a firm table or bed, hug one knee to your chest and \
     roll back so your low back is flat (pelvis tucked under); keep it flat and let the other leg \
     hang, relaxed. “Left” means your left leg hangs and is measured while you hug the right \
     knee. Your helper lays the phone along the front of the hanging thigh, top towards the knee: \
     level with the table is 0°, the knee higher than that is positive, lower is negative.";
const THOMAS_KNEE_HOW: &str = "In the same position, your helper lays the phone along the front of \
     the hanging shin, top towards the ankle, and the knee bend is worked out from the thigh angle \
     above (measure that first). A level thigh with the shin hanging straight down is 90°.";
const THOMAS_AT_HOME: &str = "A firm table or the end of a firm bed instead of a treatment couch, \
     and your phone's tilt sensor instead of a goniometer (our choice).";

pub static THOMAS_THIGH: TestSpec = spec(
    "thomas_thigh_angle",
    HipMobility,
    "Modified Thomas test thigh angle",
    Unit::Degrees,
    LeftRight,
    THOMAS_HOW,
    THOMAS,
)
.range(-45.0, 60.0)
.drawn("thomas_test")
.helper()
.at_home(THOMAS_AT_HOME);
pub static THOMAS_KNEE: TestSpec = spec(
    "thomas_knee_angle",
    HipMobility,
    "Modified Thomas test knee bend",
    Unit::Degrees,
    LeftRight,
    THOMAS_KNEE_HOW,
    THOMAS,
)
.range(0.0, 150.0)
.drawn("thomas_test")
.helper()
.at_home(THOMAS_AT_HOME);
pub static PRONE_HIP_EXTENSION: TestSpec = spec(
    "prone_hip_extension",
    HipMobility,
    "Hip extension lying face down",
    Unit::Degrees,
    LeftRight,
    "Lying face down on the floor or a firm bed, knee straight, lift one leg without the pelvis \
     lifting. Your helper lays the phone along the back of the lifted thigh, top towards the knee, \
     and reads how far it rises.",
    "Norkin & White (range 0–20°)",
)
.range(-10.0, 45.0)
.optional()
.drawn("prone_hip_extension")
.helper()
.at_home("The floor or a firm bed instead of a table, and the phone instead of a goniometer (our choice).");
pub static HIP_CARS: TestSpec = spec(
    "hip_cars",
    HipMobility,
    "Hip circles (hip CARs)",
    Unit::Observation,
    LeftRight,
    "Standing tall on one leg, hands on your hips (or one hand on a wall for balance), draw the \
     biggest slow circle you can with the other knee; note whether it is smooth and pain-free, \
     pinches or hurts, or the pelvis or trunk moves.",
    "Clinic method (observation)",
)
.drawn("hip_cars")
.alone();
pub static COUCH_STRETCH: TestSpec = spec(
    "couch_stretch",
    HipMobility,
    "Couch stretch position",
    Unit::Observation,
    LeftRight,
    "Kneel with the back shin up a wall or sofa and the other foot forward: can you bring the \
     trunk upright without back pain?",
    "Clinic method (observation)",
)
.drawn("couch_stretch")
.alone();

// --- Hip stability ----------------------------------------------------------------------------

pub static BRIDGE_REPS: TestSpec = spec(
    "single_leg_bridge_reps",
    HipStability,
    "Single-leg bridge to fatigue",
    Unit::Reps,
    LeftRight,
    "Lie on your back with one heel on a box about 60 cm high, knee slightly bent, other leg \
     up; lift the hips until the body is straight and lower. Count until form slips.",
    "Freckleton et al. 2014, BJSM 48:713",
)
.range(0.0, 200.0)
.drawn("single_leg_bridge_box")
.alone()
.at_home(
    "A chair seat or a high step (about 45 cm) can stand in for the 60 cm box. It is lower, so \
     your count may differ from the published one: compare your two sides and your re-tests \
     (our choice).",
);
pub static BRIDGE_HOLD: TestSpec = spec(
    "single_leg_bridge_hold",
    HipStability,
    "Single-leg bridge hold",
    Unit::Seconds,
    LeftRight,
    "Lift into a one-leg bridge and hold; stop the clock when the pelvis drops or tilts.",
    "Our choice (no published norm)",
)
.range(0.0, 600.0)
.drawn("single_leg_bridge_hold")
.alone();
pub static BAND_ABDUCTION: TestSpec = spec(
    "band_hip_abduction_reps",
    HipStability,
    "Standing hip abduction with a mini band",
    Unit::Reps,
    LeftRight,
    "With a mini band around the ankles, stand tall and move one leg out to the side and back; \
     count until the trunk starts to lean.",
    "Our choice (no published norm; compare sides)",
)
.range(0.0, 200.0)
.drawn("band_hip_abduction")
.alone();
pub static SINGLE_LEG_SQUAT: TestSpec = spec(
    "single_leg_squat",
    HipStability,
    "Single-leg squat",
    Unit::Grade,
    LeftRight,
    "Squat on one leg toward 60° of knee bend: 3 = knee stays over the foot all the way, \
     2 = stays aligned but not as deep, 1 = knee caves in or balance is lost.",
    "Frohm 2010; Kivlan & Martin 2012",
)
.range(1.0, 3.0)
.drawn("single_leg_squat")
.alone()
.at_home(SQUAT_AT_HOME);
pub static SQUAT_PELVIC_DROP: TestSpec = spec(
    "single_leg_squat_pelvic_drop",
    HipStability,
    "Pelvis drops in the single-leg squat",
    Unit::Answer,
    LeftRight,
    "During the squat, does the hip on the lifted-leg side drop?",
    "Bramah et al. 2018, AJSM",
)
.drawn("single_leg_squat")
.alone()
.at_home(SQUAT_AT_HOME);

const SQUAT_AT_HOME: &str = "Face a mirror, or prop the phone on a chair and film yourself from \
     the front, instead of a clinician watching (our choice).";
pub static HIP_ABDUCTION_DYNAMOMETER: TestSpec = spec(
    "hip_abduction_dynamometer",
    HipStability,
    "Hip abduction strength (hand-held dynamometer)",
    Unit::NewtonMetresPerKg,
    LeftRight,
    "Side-lying, eccentric hip abduction against the dynamometer; record the best of several \
     trials as torque per kg of body mass.",
    "Ramskov et al. 2014, IJSPT 9:68; Thorborg 2010",
)
.range(0.0, 5.0)
.optional()
.clinician_only()
.drawn("hip_abduction_dynamometer");

// --- Core -------------------------------------------------------------------------------------

const MCGILL: &str = "McGill et al. 1999, Arch Phys Med Rehabil 80:941";

pub static MCGILL_FLEXOR: TestSpec = spec(
    "mcgill_flexor",
    Core,
    "Trunk flexor hold",
    Unit::Seconds,
    One,
    "You need a helper. Sit with knees bent, your helper holding your feet down, arms folded \
     across your chest, and lean back to 60° against a wedge or your helper's hand; they take \
     the support away and time how long you hold before your back drifts.",
    MCGILL,
)
.range(0.0, 900.0)
.drawn("mcgill_flexor")
.helper()
.at_home(
    "Your helper's hand (or a firm stack of cushions they slide away) instead of the wedge; \
     they can check the 60° lean with the phone flat on your back (our choice).",
);
pub static MCGILL_EXTENSOR: TestSpec = spec(
    "mcgill_extensor",
    Core,
    "Back extensor hold",
    Unit::Seconds,
    One,
    "You need a helper. Lie face down with your hips at the edge of a bench and your helper \
     holding your legs down; with arms folded, hold your upper body level in the air until it \
     sags (the Biering-Sørensen test).",
    MCGILL,
)
.range(0.0, 900.0)
.drawn("mcgill_extensor")
.helper()
.at_home(
    "The end of a firm bed or a sturdy table instead of a treatment bench, and your helper's \
     weight on your lower legs instead of straps (our choice). Skip it if the edge feels \
     unsafe.",
);
pub static MCGILL_SIDE_BRIDGE: TestSpec = spec(
    "mcgill_side_bridge",
    Core,
    "Side bridge hold",
    Unit::Seconds,
    LeftRight,
    "On one elbow and the feet, lift the hips so the body is straight; hold until the hips sag.",
    MCGILL,
)
.range(0.0, 900.0)
.drawn("side_bridge")
.alone();
pub static DOUBLE_LEG_LOWERING: TestSpec = spec(
    "double_leg_lowering",
    Core,
    "Double-leg lowering",
    Unit::Degrees,
    One,
    "On your back with both legs straight up (90°), lower them slowly; note the angle from the \
     floor at which your low back starts to lift. Your helper watches your back and lays the \
     phone along your shins, top towards the feet. Lower is better.",
    "Double-leg lowering in healthy adolescents, PMC8805102",
)
.range(0.0, 90.0)
.drawn("double_leg_lowering")
.helper()
.at_home(
    "Your helper watches your low back (or keeps a hand under it) and reads the angle with the \
     phone instead of a pressure cuff and goniometer (our choice).",
);
pub static STRAIGHT_LEG_LOWERS: TestSpec = spec(
    "straight_leg_lowers",
    Core,
    "Straight leg lowers",
    Unit::Reps,
    One,
    "On your back, lower one straight leg at a time to the floor and back while the low back \
     stays flat; count the controlled reps.",
    "Our choice (field test, no norm)",
)
.range(0.0, 200.0)
.drawn("straight_leg_lowers")
.alone();
pub static PALLOF_HOLD: TestSpec = spec(
    "pallof_hold",
    Core,
    "Half-kneeling Pallof press hold",
    Unit::Seconds,
    LeftRight,
    "Half-kneeling side-on to a band anchor, press the band straight out from the chest and \
     hold without the trunk turning; the side is the side the band pulls from.",
    "Our choice (no published norm)",
)
.range(0.0, 600.0)
.drawn("pallof_press_half_kneeling")
.alone()
.at_home(
    "Tie the band round a sturdy table leg, or shut it in a door, at chest height when you \
     kneel (our choice).",
);

/// The whole catalogue, in the order the tests are done.
pub static PROTOCOL: [&TestSpec; 62] = [
    &AGE,
    &SADDLE_NUMBNESS,
    &BLADDER_CHANGE,
    &BOWEL_CONTROL_LOSS,
    &LEG_WEAKNESS,
    &SIGNIFICANT_TRAUMA,
    &CANCER_HISTORY,
    &WEIGHT_LOSS,
    &FEVER_OR_INFECTION,
    &IMMUNOSUPPRESSION,
    &NIGHT_PAIN,
    &PAIN_IS_NEW,
    &NO_IMPROVEMENT,
    &MORNING_STIFFNESS,
    &BACK_EXTENSION_PAIN,
    &WEEKS_SINCE_BIRTH,
    &SYMPTOM_LEAKING,
    &SYMPTOM_HEAVINESS,
    &SYMPTOM_INTERCOURSE_PAIN,
    &SYMPTOM_ABDOMINAL_GAP,
    &SYMPTOM_PELVIC_PAIN,
    &SYMPTOM_LATE_BLEEDING,
    &READINESS_WALK,
    &READINESS_BALANCE,
    &READINESS_SQUAT,
    &READINESS_JOG,
    &READINESS_BOUNDS,
    &READINESS_HOPS,
    &READINESS_RUNNING_MAN,
    &READINESS_CALF_RAISE,
    &READINESS_BRIDGE,
    &READINESS_SIT_TO_STAND,
    &READINESS_SIDE_LYING_ABDUCTION,
    &PAIN_NOW,
    &PAIN_WORST_LAST_RUN,
    &PAIN_AFTER_LAST_RUN,
    &PAIN_NEXT_MORNING,
    &PSFS,
    &GLOBAL_RATING_OF_CHANGE,
    &FORWARD_HEAD,
    &ROUNDED_SHOULDERS,
    &LEANING_BACK,
    &OVERSTRIDING,
    &CADENCE,
    &TRUNK_LEAN,
    &THOMAS_THIGH,
    &THOMAS_KNEE,
    &PRONE_HIP_EXTENSION,
    &HIP_CARS,
    &COUCH_STRETCH,
    &BRIDGE_REPS,
    &BRIDGE_HOLD,
    &BAND_ABDUCTION,
    &SINGLE_LEG_SQUAT,
    &SQUAT_PELVIC_DROP,
    &HIP_ABDUCTION_DYNAMOMETER,
    &MCGILL_FLEXOR,
    &MCGILL_EXTENSOR,
    &MCGILL_SIDE_BRIDGE,
    &DOUBLE_LEG_LOWERING,
    &STRAIGHT_LEG_LOWERS,
    &PALLOF_HOLD,
];

/// Looks a test up by its id.
pub fn test_spec(id: &str) -> Option<&'static TestSpec> {
    PROTOCOL.iter().copied().find(|t| t.id == id)
}

/// The tests of one area, in order.
pub fn tests_in(area: Area) -> impl Iterator<Item = &'static TestSpec> {
    PROTOCOL.iter().copied().filter(move |t| t.area == area)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_snake_case() {
        let mut seen = HashSet::new();
        for t in PROTOCOL {
            assert!(seen.insert(t.id), "duplicate id {}", t.id);
            assert!(
                t.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{} is not snake_case",
                t.id
            );
            assert!(!t.instructions.is_empty() && !t.source.is_empty());
            if let Some(r) = t.range {
                assert!(r.min < r.max, "{}", t.id);
            }
        }
    }

    #[test]
    fn every_physical_test_is_marked_and_every_home_version_names_its_source() {
        for t in PROTOCOL {
            let question = matches!(t.area, Area::RedFlags | Area::Baseline)
                || t.id == "weeks_since_birth"
                || t.id.starts_with("symptom_");
            assert_eq!(t.setting.is_none(), question, "{}", t.id);
            assert_eq!(
                t.clinician_only,
                t.setting == Some(Setting::InClinic),
                "{}",
                t.id
            );
            if let Some(home) = t.home_version {
                assert!(
                    home.contains("(our choice)") || home.contains("Souza 2016"),
                    "{}: say where the home version comes from",
                    t.id
                );
            }
        }
        for a in Area::ALL {
            assert!(a.clinic_visit_adds().ends_with('.'));
        }
    }

    #[test]
    fn every_area_has_tests() {
        for area in Area::ALL {
            assert!(tests_in(area).count() > 0, "{area:?}");
        }
        assert_eq!(test_spec("thomas_thigh_angle"), Some(&THOMAS_THIGH));
        assert_eq!(test_spec("nope"), None);
    }
}
