//! The wizard's steps: which tests each step shows, their form controls, and how typed values
//! map onto the raw assessment (`core::assessment::Assessment`) and back.
//!
//! Every control is named by the dotted path core uses in its validation messages
//! (`hip_stability.single_leg_bridge_hold.left`, `baseline.psfs[0].score`), so core's message
//! for a field lands beside that field without any translation table.

use crate::templates::FormState;
use backstride_core::assessment::protocol::tests_in;
use backstride_core::assessment::{
    Area, Assessment, Setting, Sides, TestSpec, Unit, ValidationError,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The form field for "have you given birth in the last year?" on the red-flag step.
pub const GAVE_BIRTH: &str = "gave_birth";
/// The form field where a clinician clears the see-a-doctor answers.
pub const CLEARED: &str = "red_flags.cleared_by_clinician";
/// How many activity rows the functional-scale question offers.
const ACTIVITY_ROWS: usize = 5;

/// The URL segment (and JSON section name) of an area.
pub fn slug(area: Area) -> &'static str {
    match area {
        Area::RedFlags => "red_flags",
        Area::Postpartum => "postpartum",
        Area::Baseline => "baseline",
        Area::PostureForm => "posture_form",
        Area::HipMobility => "hip_mobility",
        Area::HipStability => "hip_stability",
        Area::Core => "core",
    }
}

/// The area a URL segment names.
pub fn area_of(slug_text: &str) -> Option<Area> {
    Area::ALL.into_iter().find(|a| slug(*a) == slug_text)
}

/// Who is filling the wizard in, and for which kind of assessment.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Staff entering results for a client: clinician-only tests, clearing, notes.
    pub clinician: bool,
    /// A re-test: the global rating of change is asked.
    pub retest: bool,
}

/// The steps this assessment goes through: the postpartum step only when the runner said they
/// gave birth in the last year (the section then exists in the raw assessment).
pub fn steps_of(raw: &Assessment) -> Vec<Area> {
    Area::ALL
        .into_iter()
        .filter(|a| *a != Area::Postpartum || raw.postpartum.is_some())
        .collect()
}

/// The tests a step shows in this mode, in protocol order.
pub fn tests_on(area: Area, mode: Mode) -> Vec<&'static TestSpec> {
    tests_in(area)
        .filter(|t| mode.clinician || !t.clinician_only)
        .filter(|t| mode.retest || t.id != "global_rating_of_change")
        .collect()
}

/// One radio option: the value sent and the words shown.
type Opt = (&'static str, &'static str);

const YES_NO: &[Opt] = &[("yes", "Yes"), ("no", "No")];
const OBSERVATION: &[Opt] = &[("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")];
const READINESS: &[Opt] = &[
    ("yes", "Done without symptoms"),
    ("no", "Not yet, or with symptoms"),
];
const HIP_CARS: &[Opt] = &[
    ("smooth", "Smooth and pain-free"),
    ("pinch_or_pain", "Pinches or hurts"),
    ("compensation", "Pelvis or trunk moves"),
];
const COUCH: &[Opt] = &[
    ("upright", "Upright, no back pain"),
    ("only_leaning_forward", "Only leaning forward"),
    ("unable", "Can't without back pain"),
];
const SEX: &[Opt] = &[("female", "Female"), ("male", "Male")];

/// How a test is typed in.
#[derive(Debug, Clone, Copy)]
enum Input {
    /// One number.
    Number,
    /// A number on each side.
    Sides,
    /// One choice (yes/no, an observation).
    Choice(&'static [Opt]),
    /// A choice on each side.
    SideChoices(&'static [Opt]),
    /// Steps per minute from a watch, or steps counted in 30 s.
    Cadence,
    /// The functional scale: named activities with a 0–10 rating.
    Activities,
    /// Dynamometer torque per side and the sex the norm needs.
    Dynamometer,
}

fn input_of(spec: &TestSpec) -> Input {
    match (spec.id, spec.unit, spec.sides) {
        ("psfs", _, _) => Input::Activities,
        ("cadence", _, _) => Input::Cadence,
        ("hip_abduction_dynamometer", _, _) => Input::Dynamometer,
        ("hip_cars", _, _) => Input::SideChoices(HIP_CARS),
        ("couch_stretch", _, _) => Input::SideChoices(COUCH),
        (id, Unit::Answer, Sides::One) if id.starts_with("readiness_") => Input::Choice(READINESS),
        (_, Unit::Answer, Sides::One) => Input::Choice(YES_NO),
        (_, Unit::Answer, Sides::LeftRight) => Input::SideChoices(YES_NO),
        (_, Unit::Observation, _) => Input::Choice(OBSERVATION),
        (_, _, Sides::One) => Input::Number,
        (_, _, Sides::LeftRight) => Input::Sides,
    }
}

/// Questions every runner must answer (the screens); everything else can be skipped.
fn required(spec: &TestSpec) -> bool {
    spec.area == Area::RedFlags || spec.id.starts_with("symptom_")
}

/// The tick box that marks a whole test "not tested" in one tap; while it is ticked, what was
/// typed for the test stays in the form (untick to get it back) but is not saved.
pub fn skip_name(spec: &TestSpec) -> String {
    format!("skip.{}", spec.id)
}

/// How an angle can be measured on the page instead of typed: the phone's tilt sensor used as an
/// inclinometer, or an angle picked on a drawing. The value lands in the test's own field and is
/// checked by core like a typed one.
#[derive(Debug, Clone)]
pub struct AngleTool {
    /// The drawing: "rise" (a limb rising from level), "bend" (a knee bending from straight) or
    /// "lean" (a trunk leaning from upright).
    pub kind: &'static str,
    /// The limb drawn and measured, in plain words.
    pub limb: &'static str,
    /// Whether the tilt sensor can measure it (not for an angle read off a video).
    pub sensor: bool,
    /// For a knee bend: the field holding the thigh angle the bend is worked out from.
    pub from: String,
    pub min: f64,
    pub max: f64,
}

/// The angle tool for a degree field, when the test has one. With the phone flat along the limb
/// and its top towards the far end, the sensor's front-to-back tilt is the limb's angle from level
/// (our choice of method; the tests' instructions say where the phone goes).
fn angle_tool(spec: &TestSpec, field: &str) -> Option<AngleTool> {
    let (kind, limb, sensor, from) = match spec.id {
        "thomas_thigh_angle" => ("rise", "thigh", true, String::new()),
        "thomas_knee_angle" => (
            "bend",
            "shin",
            true,
            field.replace("thomas_knee_angle", "thomas_thigh_angle"),
        ),
        "prone_hip_extension" => ("rise", "thigh", true, String::new()),
        "double_leg_lowering" => ("rise", "legs", true, String::new()),
        "trunk_lean_degrees" => ("lean", "trunk", false, String::new()),
        _ => return None,
    };
    let range = spec.range?;
    Some(AngleTool {
        kind,
        limb,
        sensor,
        from,
        min: range.min,
        max: range.max,
    })
}

/// One step of a path into a section's JSON.
#[derive(Debug, Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// Where a control's value lives, relative to its section.
#[derive(Debug, Clone)]
struct FieldPath {
    section: &'static str,
    segs: Vec<Seg>,
}

impl FieldPath {
    fn new(section: &'static str, segs: &[Seg]) -> Self {
        FieldPath {
            section,
            segs: segs.to_vec(),
        }
    }

    /// The form field name: the dotted path core uses in its messages.
    fn name(&self) -> String {
        let mut name = self.section.to_owned();
        for seg in &self.segs {
            match seg {
                Seg::Key(k) => {
                    name.push('.');
                    name.push_str(k);
                }
                Seg::Index(i) => name.push_str(&format!("[{i}]")),
            }
        }
        name
    }

    fn get<'v>(&self, section: &'v Value) -> Option<&'v Value> {
        self.segs.iter().try_fold(section, |v, seg| match seg {
            Seg::Key(k) => v.get(k),
            Seg::Index(i) => v.get(i),
        })
    }

    /// Sets a value, creating objects on the way (arrays are written whole by their owner).
    fn set(&self, section: &mut Value, value: Value) {
        let mut at = section;
        for seg in &self.segs {
            at = match seg {
                Seg::Key(k) => {
                    if !at.is_object() {
                        *at = Value::Object(Map::new());
                    }
                    at.as_object_mut()
                        .map(|m| m.entry(*k).or_insert(Value::Null))
                        .expect("made an object above")
                }
                Seg::Index(i) => match at.get_mut(i) {
                    Some(v) => v,
                    None => return,
                },
            };
        }
        *at = value;
    }

    fn remove(&self, section: &mut Value) {
        let Some((Seg::Key(last), parents)) = self.segs.split_last() else {
            return;
        };
        let parent = FieldPath {
            section: self.section,
            segs: parents.to_vec(),
        };
        let mut at = Some(section);
        for seg in &parent.segs {
            at = at.and_then(|v| match seg {
                Seg::Key(k) => v.get_mut(k),
                Seg::Index(i) => v.get_mut(i),
            });
        }
        if let Some(Value::Object(map)) = at {
            map.remove(*last);
        }
    }
}

/// A control as the template draws it.
#[derive(Debug, Clone)]
pub struct Control {
    pub name: String,
    pub label: String,
    /// "number", "choice" or "text".
    pub kind: &'static str,
    /// Radio options (value, words) for a choice.
    pub options: Vec<(String, String)>,
    /// Keyboard to offer on phones for a number ("numeric", "decimal", or "text" when negatives are allowed).
    pub inputmode: &'static str,
    /// "stopwatch" for a hold in seconds, "countdown" for counting over 30 s, else empty.
    pub timer: &'static str,
    pub hint: String,
    /// Measuring the angle with the phone or on a drawing, for an angle that can be.
    pub angle: Option<AngleTool>,
}

impl Control {
    /// The ids that describe the input: its hint, and its message when it has one.
    pub fn described_by(&self, has_error: bool) -> String {
        let mut ids = Vec::new();
        if has_error {
            ids.push(format!("{}-error", self.name));
        }
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        ids.join(" ")
    }
}

/// One test on a step: its words, drawing and controls.
#[derive(Debug, Clone)]
pub struct TestView {
    pub id: &'static str,
    pub name: &'static str,
    /// The instructions as numbered steps, one instruction each, unless the test before said the
    /// same (then empty); a hold ends with the step that uses the timer beside its box.
    pub steps: Vec<String>,
    /// The drawing (inline SVG), unless the test before showed the same one.
    pub figure: Option<String>,
    pub source: &'static str,
    /// A single yes/no question: drawn compactly, the question as the legend.
    pub question: bool,
    pub clinician_only: bool,
    pub skippable: bool,
    /// The test's mark ("On your own", "With a helper", "In clinic") and its CSS modifier.
    pub setting: Option<(&'static str, &'static str)>,
    /// How the home version differs from the clinic method, when it does.
    pub home_version: Option<&'static str>,
    /// The "not tested" tick box's field name (skippable tests only).
    pub skip_name: String,
    /// "sides" lays the left and right controls out next to each other; "stack" one under another.
    pub layout: &'static str,
    pub controls: Vec<Control>,
}

fn number(path: &FieldPath, spec: &TestSpec, label: String) -> (FieldPath, Control) {
    let negatives = spec.range.is_some_and(|r| r.min < 0.0);
    let whole = matches!(
        spec.unit,
        Unit::Reps | Unit::Years | Unit::Weeks | Unit::Pain | Unit::Rating | Unit::Grade
    );
    let hint = spec
        .range
        .map(|r| {
            let unit = shown_suffix(spec.unit);
            format!("From {}{unit} to {}{unit}.", r.min, r.max)
        })
        .unwrap_or_default();
    (
        path.clone(),
        Control {
            name: path.name(),
            label,
            kind: "number",
            options: Vec::new(),
            inputmode: if negatives {
                "text"
            } else if whole {
                "numeric"
            } else {
                "decimal"
            },
            timer: if spec.unit == Unit::Seconds {
                "stopwatch"
            } else {
                ""
            },
            hint,
            angle: None,
        },
    )
}

fn choice(path: &FieldPath, label: String, opts: &[Opt], skippable: bool) -> (FieldPath, Control) {
    let mut options: Vec<(String, String)> = opts
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect();
    if skippable {
        options.push((String::new(), "Not tested".to_owned()));
    }
    (
        path.clone(),
        Control {
            name: path.name(),
            label,
            kind: "choice",
            options,
            inputmode: "text",
            timer: "",
            hint: String::new(),
            angle: None,
        },
    )
}

/// The unit as printed beside a field: "/10" and "/3" say nothing on their own there (the hint
/// gives the range), so they are left out.
fn shown_suffix(unit: Unit) -> &'static str {
    match unit.suffix() {
        s if s.starts_with('/') => "",
        s => s,
    }
}

fn side_label(side: &str, unit: Unit) -> String {
    let words = if side == "left" { "Left" } else { "Right" };
    match shown_suffix(unit).trim() {
        "" => words.to_owned(),
        suffix => format!("{words} ({suffix})"),
    }
}

/// The controls of one test, each with where its value lives.
fn controls_of(section: &'static str, spec: &'static TestSpec) -> Vec<(FieldPath, Control)> {
    let at = |segs: &[Seg]| FieldPath::new(section, segs);
    let id = Seg::Key(spec.id);
    let skippable = !required(spec);
    let unit_name = match shown_suffix(spec.unit).trim() {
        "" => spec.name.to_owned(),
        suffix => format!("{} ({suffix})", spec.name),
    };
    // One generic per-side renderer: the same control for the left and the right.
    let per_side = |make: &dyn Fn(&FieldPath, String) -> (FieldPath, Control)| {
        ["left", "right"]
            .into_iter()
            .map(|side| make(&at(&[id, Seg::Key(side)]), side_label(side, spec.unit)))
            .collect::<Vec<_>>()
    };
    let mut controls = match input_of(spec) {
        Input::Number => vec![number(&at(&[id]), spec, unit_name)],
        Input::Sides => per_side(&|path, label| number(path, spec, label)),
        Input::Choice(opts) => {
            let label = if required(spec) || spec.unit == Unit::Answer {
                spec.instructions.to_owned()
            } else {
                spec.name.to_owned()
            };
            vec![choice(&at(&[id]), label, opts, skippable)]
        }
        Input::SideChoices(opts) => per_side(&|path, label| choice(path, label, opts, skippable)),
        Input::Cadence => vec![
            number(
                &at(&[id, Seg::Key("steps_per_minute")]),
                spec,
                "Steps per minute, from a watch".to_owned(),
            ),
            {
                let (path, mut c) = number(
                    &at(&[id, Seg::Key("steps_in_30_s")]),
                    spec,
                    "Or: every foot landing counted in 30 seconds".to_owned(),
                );
                c.hint = "Fill in one of the two, not both.".to_owned();
                c.inputmode = "numeric";
                c.timer = "countdown";
                (path, c)
            },
        ],
        Input::Activities => (0..ACTIVITY_ROWS)
            .flat_map(|i| {
                let row = |key| at(&[Seg::Key("psfs"), Seg::Index(i), Seg::Key(key)]);
                let activity = row("activity");
                let text = Control {
                    name: activity.name(),
                    label: format!("Activity {}", i + 1),
                    kind: "text",
                    options: Vec::new(),
                    inputmode: "text",
                    timer: "",
                    angle: None,
                    hint: if i == 0 {
                        "For example “run 5 km” or “sit through a film”.".to_owned()
                    } else {
                        String::new()
                    },
                };
                let (score, mut rating) = number(
                    &row("score"),
                    spec,
                    format!("How well can you do activity {} now? (0–10)", i + 1),
                );
                rating.hint = "0 = can't do it, 10 = as well as before the pain.".to_owned();
                [(activity, text), (score, rating)]
            })
            .collect(),
        Input::Dynamometer => {
            let mut all = vec![choice(
                &at(&[id, Seg::Key("sex")]),
                "Sex (the strength norm differs)".to_owned(),
                SEX,
                false,
            )];
            all.extend(per_side(&|path, label| number(path, spec, label)));
            all
        }
    };
    if spec.unit == Unit::Degrees {
        for (_, c) in &mut controls {
            c.angle = angle_tool(spec, &c.name);
        }
    }
    controls
}

/// The red-flag step's extra question, which decides whether the postpartum step follows.
pub fn birth_question() -> Control {
    let path = FieldPath::new("", &[]);
    let (_, mut c) = choice(
        &path,
        "Have you given birth in the last 12 months?".to_owned(),
        YES_NO,
        false,
    );
    c.name = GAVE_BIRTH.to_owned();
    c.hint = "If yes, a few questions about recovery after the birth come next.".to_owned();
    c
}

/// The last step of a hold: the stopwatch `assessment.js` puts beside each box (our wording).
const TIMER_STEP: &str = "Time it: press “Start timer” beside the box, get into position as it \
     counts you in, and press “Stop” the moment you lose the position. The seconds fill in.";

/// Instructions cut into steps a runner can follow one at a time: a step per sentence and per
/// clause after a semicolon, each starting with a capital and ending with its full stop. A full
/// stop only ends a step when a capital (or an opening quote) follows, so "60 cm." inside a
/// sentence or a decimal never cuts one.
pub fn one_instruction_each(text: &str) -> Vec<String> {
    let mut steps = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let cut = rest.char_indices().find_map(|(i, c)| {
            let after = rest[i + c.len_utf8()..].strip_prefix(' ')?;
            let next = after.chars().next()?;
            match c {
                ';' => Some((i, i + 2)),
                '.' | '?' if next.is_uppercase() || next == '“' => Some((i + 1, i + 2)),
                _ => None,
            }
        });
        let (step, next) = match cut {
            Some((end, start)) => (&rest[..end], &rest[start..]),
            None => (rest, ""),
        };
        let mut step = step.trim().to_owned();
        if let Some(first) = step.chars().next() {
            step.replace_range(..first.len_utf8(), &first.to_uppercase().to_string());
        }
        if !step.ends_with(['.', '?', '!']) {
            step.push('.');
        }
        steps.push(step);
        rest = next.trim_start();
    }
    steps
}

/// The tests of a step as the template draws them, with `figure` making each drawing.
pub fn views(area: Area, mode: Mode, figure: impl Fn(&str) -> Option<String>) -> Vec<TestView> {
    let mut views = Vec::new();
    let mut last_instructions = "";
    let mut last_figure = None;
    for spec in tests_on(area, mode) {
        let section = slug(area);
        let controls = controls_of(section, spec).into_iter().map(|(_, c)| c);
        let question = matches!(input_of(spec), Input::Choice(_)) && spec.unit == Unit::Answer;
        let instructions =
            (!question && spec.instructions != last_instructions).then_some(spec.instructions);
        last_instructions = spec.instructions;
        let figure = match spec.illustration {
            Some(id) if last_figure != Some(id) => figure(id),
            _ => None,
        };
        last_figure = spec.illustration;
        let mut steps = instructions.map(one_instruction_each).unwrap_or_default();
        if !steps.is_empty() && spec.unit == Unit::Seconds {
            steps.push(TIMER_STEP.to_owned());
        }
        views.push(TestView {
            id: spec.id,
            name: spec.name,
            steps,
            figure,
            source: spec.source,
            question,
            clinician_only: spec.clinician_only,
            skippable: !required(spec),
            setting: spec.setting.map(|s| {
                let class = match s {
                    Setting::OnYourOwn => "alone",
                    Setting::WithHelper => "helper",
                    Setting::InClinic => "clinic",
                };
                (s.label(), class)
            }),
            home_version: spec.home_version,
            skip_name: if required(spec) {
                String::new()
            } else {
                skip_name(spec)
            },
            layout: match input_of(spec) {
                Input::Sides | Input::SideChoices(_) => "sides",
                _ => "stack",
            },
            controls: controls.collect(),
        });
    }
    views
}

/// The raw assessment as JSON, one object per section (created when missing).
fn section_mut<'a>(doc: &'a mut Value, section: &str) -> &'a mut Value {
    let entry = doc
        .as_object_mut()
        .map(|m| m.entry(section).or_insert(Value::Null))
        .expect("an assessment serialises to an object");
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry
}

/// A number as a person would type it back: `12`, `12.5`.
fn shown(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            Some(f) => f.to_string(),
            None => n.to_string(),
        },
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// What the stored assessment holds for a step, as form values.
pub fn form_values(raw: &Assessment, area: Area, mode: Mode) -> HashMap<String, String> {
    let doc = serde_json::to_value(raw).unwrap_or(Value::Null);
    let section = doc.get(slug(area)).cloned().unwrap_or(Value::Null);
    let mut values = HashMap::new();
    for spec in tests_on(area, mode) {
        for (path, control) in controls_of(slug(area), spec) {
            if let Some(v) = path.get(&section) {
                values.insert(control.name, shown(v));
            }
        }
    }
    if let Some(answer) = (area == Area::Baseline)
        .then(|| crate::run_days::answer_in(raw))
        .flatten()
    {
        values.extend(crate::run_days::self_check_values(answer));
    }
    if area == Area::RedFlags {
        if raw.red_flags.is_some() {
            let birth = if raw.postpartum.is_some() {
                "yes"
            } else {
                "no"
            };
            values.insert(GAVE_BIRTH.to_owned(), birth.to_owned());
        }
        if raw
            .red_flags
            .as_ref()
            .is_some_and(|r| r.cleared_by_clinician)
        {
            values.insert(CLEARED.to_owned(), "on".to_owned());
        }
    }
    values
}

/// Reads one typed number: empty is "not given"; anything else must be a number.
fn typed_number(form: &mut FormState, name: &str, spec: &TestSpec) -> Option<Option<f64>> {
    let text = form.value(name).trim().replace(',', ".");
    if text.is_empty() {
        return Some(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(Some(v)),
        _ => {
            let skip = if required(spec) {
                ""
            } else {
                ", or leave it empty to skip"
            };
            let message = match spec.range {
                Some(r) => format!(
                    "{}: type a number from {}{unit} to {}{unit}{skip}.",
                    spec.name,
                    r.min,
                    r.max,
                    unit = spec.unit.suffix()
                ),
                None => format!("{}: type a number{skip}.", spec.name),
            };
            form.set_error(name, message);
            None
        }
    }
}

/// The JSON for a chosen radio value: a yes/no answer is a boolean, anything else (including
/// the yes / no / not sure of an observation) is core's snake_case name.
fn chosen(text: &str, unit: Unit) -> Option<Value> {
    match (text, unit) {
        ("", _) => None,
        ("yes", Unit::Answer) => Some(Value::Bool(true)),
        ("no", Unit::Answer) => Some(Value::Bool(false)),
        (other, _) => Some(Value::String(other.to_owned())),
    }
}

/// A chosen option, checked against the options offered: `Err` (with a message on the field)
/// for a value the form never offered.
fn pick(form: &mut FormState, c: &Control, unit: Unit) -> Result<Option<Value>, ()> {
    let text = form.value(&c.name).to_owned();
    if !text.is_empty() && !c.options.iter().any(|(v, _)| *v == text) {
        form.set_error(&c.name, "Choose one of the options.");
        return Err(());
    }
    Ok(chosen(&text, unit))
}

fn number_value(v: Option<f64>) -> Value {
    v.and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// Writes what was typed on a step into a copy of `raw`. Text that is not a number is an error
/// on its field (and the value is left as it was); everything else goes to core's validation.
pub fn apply(
    raw: &Assessment,
    area: Area,
    mode: Mode,
    form: &mut FormState,
) -> Result<Assessment, serde_json::Error> {
    let mut doc = serde_json::to_value(raw).unwrap_or_else(|_| Value::Object(Map::new()));
    let section_name = slug(area);
    let section = section_mut(&mut doc, section_name);
    for spec in tests_on(area, mode) {
        let controls = controls_of(section_name, spec);
        let whole = FieldPath::new(section_name, &[Seg::Key(spec.id)]);
        if !required(spec) && form.checked(&skip_name(spec)) {
            whole.remove(section);
            continue;
        }
        match input_of(spec) {
            Input::Number => {
                let (path, c) = &controls[0];
                match typed_number(form, &c.name, spec) {
                    Some(None) => path.remove(section),
                    Some(v) => path.set(section, number_value(v)),
                    None => {}
                }
            }
            Input::Choice(_) => {
                let (path, c) = &controls[0];
                match pick(form, c, spec.unit) {
                    Ok(Some(v)) => path.set(section, v),
                    Ok(None) => path.remove(section),
                    Err(()) => {}
                }
            }
            Input::SideChoices(_) => {
                let Ok(picked) = controls
                    .iter()
                    .map(|(_, c)| pick(form, c, spec.unit))
                    .collect::<Result<Vec<_>, ()>>()
                else {
                    continue;
                };
                if picked.iter().all(Option::is_none) {
                    whole.remove(section);
                } else {
                    whole.set(section, Value::Object(Map::new()));
                    for ((path, _), v) in controls.iter().zip(picked) {
                        path.set(section, v.unwrap_or(Value::Null));
                    }
                }
            }
            Input::Sides | Input::Cadence | Input::Dynamometer => {
                // Numbers (left/right, or the two cadence ways) plus the dynamometer's sex.
                let numbers: Vec<_> = controls
                    .iter()
                    .filter(|(_, c)| c.kind == "number")
                    .collect();
                let typed: Vec<Option<Option<f64>>> = numbers
                    .iter()
                    .map(|(_, c)| typed_number(form, &c.name, spec))
                    .collect();
                // A side that is not a number counts as missing, so core still checks the other.
                let failed = typed.iter().any(Option::is_none);
                let typed: Vec<Option<f64>> = typed.into_iter().map(Option::flatten).collect();
                if !failed && typed.iter().all(Option::is_none) {
                    whole.remove(section);
                    continue;
                }
                whole.set(section, Value::Object(Map::new()));
                let keep_nulls = !matches!(input_of(spec), Input::Cadence);
                for ((path, _), v) in numbers.iter().zip(typed) {
                    if v.is_some() || keep_nulls {
                        path.set(section, number_value(v));
                    }
                }
                for (path, c) in controls.iter().filter(|(_, c)| c.kind == "choice") {
                    if let Ok(Some(v)) = pick(form, c, Unit::Observation) {
                        path.set(section, v);
                    }
                }
            }
            Input::Activities => {
                let list = FieldPath::new(section_name, &[Seg::Key("psfs")]);
                let rows: Vec<(String, Option<Option<f64>>)> = controls
                    .chunks(2)
                    .map(|pair| {
                        let activity = form.value(&pair[0].1.name).trim().to_owned();
                        let score = typed_number(form, &pair[1].1.name, spec);
                        (activity, score)
                    })
                    .collect();
                let used = rows
                    .iter()
                    .rposition(|(a, s)| !a.is_empty() || !matches!(s, Some(None)))
                    .map_or(0, |last| last + 1);
                if used == 0 {
                    list.remove(section);
                    continue;
                }
                let items = rows[..used]
                    .iter()
                    .map(|(activity, score)| {
                        serde_json::json!({
                            "activity": activity,
                            "score": number_value(score.flatten()),
                        })
                    })
                    .collect();
                list.set(section, Value::Array(items));
            }
        }
    }
    if area == Area::Baseline {
        match crate::run_days::self_check_answer(form) {
            Ok(Some(days)) => {
                section["run_days"] = serde_json::to_value(days).unwrap_or(Value::Null);
            }
            Ok(None) => {
                if let Some(map) = section.as_object_mut() {
                    map.remove("run_days");
                }
            }
            Err(message) => form.set_error(crate::run_days::SELF_CHECK, message),
        }
    }
    if area == Area::RedFlags {
        let cleared = mode.clinician && form.checked(CLEARED);
        section["cleared_by_clinician"] = Value::Bool(cleared);
        let birth = form.value(GAVE_BIRTH) == "yes";
        let doc_map = doc.as_object_mut().expect("an object");
        match (
            birth,
            doc_map.get("postpartum").is_some_and(Value::is_object),
        ) {
            (true, false) => {
                doc_map.insert("postpartum".into(), Value::Object(Map::new()));
            }
            (false, _) => {
                doc_map.insert("postpartum".into(), Value::Null);
            }
            _ => {}
        }
    }
    serde_json::from_value(doc)
}

/// Puts core's messages for this step beside their fields; a message about a whole test goes
/// to that test's first control, anything else to the step.
pub fn place_errors(errors: &[ValidationError], area: Area, mode: Mode, form: &mut FormState) {
    let section = slug(area);
    let prefix = format!("{section}.");
    let tests = tests_on(area, mode);
    for e in errors.iter().filter(|e| e.field.starts_with(&prefix)) {
        let exact = tests
            .iter()
            .flat_map(|s| controls_of(section, s))
            .any(|(_, c)| c.name == e.field);
        let target = if exact {
            e.field.clone()
        } else {
            tests
                .iter()
                .find(|s| {
                    let base = format!("{section}.{}", s.id);
                    e.field == base || e.field.starts_with(&format!("{base}."))
                })
                .and_then(|s| controls_of(section, s).into_iter().next())
                .map_or_else(|| e.field.clone(), |(_, c)| c.name)
        };
        form.set_error(&target, e.message.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode() -> Mode {
        Mode {
            clinician: true,
            retest: true,
        }
    }

    #[test]
    fn typed_values_round_trip_through_the_raw_assessment() {
        for area in Area::ALL {
            let mut values = HashMap::new();
            for spec in tests_on(area, mode()) {
                for (_, c) in controls_of(slug(area), spec) {
                    let v = match (c.kind, c.options.first()) {
                        ("choice", Some((v, _))) => v.clone(),
                        ("text", _) => "run 5 km".to_owned(),
                        _ => "3".to_owned(),
                    };
                    values.insert(c.name, v);
                }
            }
            let mut form = FormState::from_values(values.clone());
            let raw = apply(&Assessment::default(), area, mode(), &mut form).unwrap();
            assert!(!form.has_errors(), "{area:?}");
            let back = form_values(&raw, area, mode());
            for (name, v) in &values {
                if name.contains("steps_in_30_s") {
                    continue;
                }
                assert_eq!(back.get(name), Some(v), "{name}");
            }
        }
    }

    #[test]
    fn a_ticked_not_tested_box_leaves_the_test_out_whatever_was_typed() {
        let mut form = FormState::from_values(HashMap::from([
            ("core.mcgill_flexor".to_owned(), "abc".to_owned()),
            ("skip.mcgill_flexor".to_owned(), "on".to_owned()),
            ("core.pallof_hold.left".to_owned(), "30".to_owned()),
            ("core.pallof_hold.right".to_owned(), "25".to_owned()),
            ("skip.pallof_hold".to_owned(), "on".to_owned()),
            ("core.mcgill_extensor".to_owned(), "80".to_owned()),
        ]));
        let raw = apply(&Assessment::default(), Area::Core, mode(), &mut form).unwrap();
        assert!(!form.has_errors());
        assert_eq!(form.value("core.mcgill_flexor"), "abc", "kept in the form");
        let core = raw.core.unwrap();
        assert_eq!((core.mcgill_flexor, core.pallof_hold), (None, None));
        assert!(core.mcgill_extensor.is_some());
    }

    #[test]
    fn instructions_become_one_step_each_and_a_hold_ends_with_its_timer() {
        assert_eq!(
            one_instruction_each(
                "Lift into a one-leg bridge and hold; stop the clock when the pelvis drops."
            ),
            [
                "Lift into a one-leg bridge and hold.",
                "Stop the clock when the pelvis drops."
            ]
        );
        assert_eq!(
            one_instruction_each("Stand 1.5 m away. “Left” means your left leg. Is it 60 cm?"),
            [
                "Stand 1.5 m away.",
                "“Left” means your left leg.",
                "Is it 60 cm?"
            ]
        );
        let core = views(Area::Core, mode(), |_| None);
        let side = core.iter().find(|v| v.id == "mcgill_side_bridge").unwrap();
        assert_eq!(side.steps.last().map(String::as_str), Some(TIMER_STEP));
        assert!(side.steps.len() >= 3, "{:?}", side.steps);
        let lowers = core.iter().find(|v| v.id == "straight_leg_lowers").unwrap();
        assert!(
            !lowers.steps.iter().any(|s| s == TIMER_STEP),
            "reps have no timer"
        );
        // Every step keeps all its instructions say: nothing is lost in the cut.
        let letters = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).count();
        for spec in backstride_core::assessment::protocol::PROTOCOL {
            let joined = one_instruction_each(spec.instructions).concat();
            assert_eq!(letters(&joined), letters(spec.instructions), "{}", spec.id);
        }
    }

    #[test]
    fn angle_fields_offer_the_phone_or_a_drawing() {
        let hips = views(Area::HipMobility, mode(), |_| None);
        let knee = hips.iter().find(|v| v.id == "thomas_knee_angle").unwrap();
        let tool = knee.controls[0].angle.as_ref().unwrap();
        assert_eq!(tool.from, "hip_mobility.thomas_thigh_angle.left");
        assert_eq!((tool.kind, tool.min, tool.max), ("bend", 0.0, 150.0));
        let lean = views(Area::PostureForm, mode(), |_| None)
            .into_iter()
            .find(|v| v.id == "trunk_lean_degrees")
            .unwrap();
        assert!(!lean.controls[0].angle.as_ref().unwrap().sensor);
        assert_eq!(knee.setting, Some(("With a helper", "helper")));
    }

    #[test]
    fn empty_means_not_tested_and_text_is_refused() {
        let mut form = FormState::from_values(HashMap::from([
            ("core.mcgill_flexor".to_owned(), "abc".to_owned()),
            ("core.pallof_hold.left".to_owned(), String::new()),
            ("core.pallof_hold.right".to_owned(), String::new()),
        ]));
        let raw = apply(&Assessment::default(), Area::Core, mode(), &mut form).unwrap();
        assert!(form.error("core.mcgill_flexor").is_some());
        let core = raw.core.unwrap();
        assert_eq!(core.pallof_hold, None);
        assert_eq!(core.mcgill_flexor, None);
    }
}
