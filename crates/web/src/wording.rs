//! Words for a self-directed runner (no clinic): the clinic's wording that core's texts and our
//! pages use for a clinic's runner ("your clinician", "call the clinic"), said without a clinic.
//!
//! Core writes its explanations and decisions once, for a runner with a clinician; the runner
//! pages pass every such text through [`for_runner`], which for a runner without a clinic
//! replaces each known phrase (most specific first) and, as a last resort, "your clinician" with
//! "a physiotherapist". Our choice: advice to see someone points to a physiotherapist or doctor,
//! since there is no clinic to call; sentences that only say the clinician was told are dropped.

use std::borrow::Cow;

/// Known phrases and what a self-directed runner reads instead, most specific first.
const SELF_DIRECTED: &[(&str, &str)] = &[
    (" Your clinician has been alerted.", ""),
    (", and your clinician has been alerted", ""),
    (" Your clinician will confirm it.", ""),
    (
        " Your clinician can accept or change any of them.",
        " They change your programme straight away.",
    ),
    (
        "your clinician will clear the programme once that is done",
        "start the programme once the doctor has cleared you",
    ),
    (
        "so your clinician is alerted to check in with you before the programme is loaded up",
        "so the programme starts gently; see a physiotherapist or doctor if it stays this high",
    ),
    (
        "or more alerts the clinician",
        "or more means starting gently",
    ),
    (
        "Ask your clinician how to make it easier.",
        "Make it easier: fewer reps, a shorter hold or a smaller range.",
    ),
    (
        "ask your clinician if it does not settle",
        "see a physiotherapist if it does not settle",
    ),
    (
        " Your clinician can raise the dose.",
        " Add a set or a few seconds if it still feels easy.",
    ),
    (
        "until your clinician moves you up",
        "until the weekly reviews move you up",
    ),
    (
        "so your clinician sees it",
        "so the weekly review counts it",
    ),
    (
        "Stop and see your clinician",
        "Stop and see a physiotherapist or doctor",
    ),
    (
        "see a doctor or your clinician",
        "see a doctor or physiotherapist",
    ),
    ("see your clinician", "see a physiotherapist or doctor"),
    ("tell your clinician", "see a pelvic-health physiotherapist"),
    (
        "Worth discussing with your clinician",
        "Worth keeping an eye on",
    ),
    (
        "When to stop and call the clinic",
        "When to stop and get help",
    ),
    ("Stop and call the clinic", "Stop and get help"),
    ("Call the clinic", "See a physiotherapist or doctor"),
    ("call the clinic", "see a physiotherapist or doctor"),
    ("the clinic's six core exercises", "the six core exercises"),
    ("your clinician", "a physiotherapist"),
    ("Your clinician", "A physiotherapist"),
];

/// `text` as the runner should read it: unchanged for a clinic's runner, without clinic wording
/// for a self-directed one.
pub fn for_runner(text: &str, has_clinic: bool) -> Cow<'_, str> {
    if has_clinic || !SELF_DIRECTED.iter().any(|(from, _)| text.contains(from)) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for (from, to) in SELF_DIRECTED {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    Cow::Owned(out)
}

/// [`for_runner`] in place.
pub fn rewrite(text: &mut String, has_clinic: bool) {
    if let Cow::Owned(changed) = for_runner(text, has_clinic) {
        *text = changed;
    }
}

/// A programme's texts (each item's why and cautions, the notes) for the handout, without clinic
/// wording for a self-directed runner.
pub fn programme_for_runner(p: &mut backstride_core::programme::Programme, has_clinic: bool) {
    if has_clinic {
        return;
    }
    for item in &mut p.items {
        rewrite(&mut item.reason, false);
        if let Some(why) = item.level_reason.as_mut() {
            rewrite(why, false);
        }
        for c in &mut item.cautions {
            rewrite(c, false);
        }
    }
    for n in &mut p.notes {
        rewrite(n, false);
    }
    for l in &mut p.left_out {
        rewrite(&mut l.reason, false);
    }
}

#[cfg(test)]
/// Clinic wording a self-directed runner must never read: what the tests look for.
pub const CLINIC_WORDS: &[&str] = &[
    "your clinician",
    "call the clinic",
    "Call the clinic",
    "Approved by",
    "the clinic's",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinic_runner_reads_the_text_unchanged() {
        let text = "Stop Couch stretch and see your clinician: pain 8/10.";
        assert!(matches!(for_runner(text, true), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn a_self_directed_runner_never_reads_clinic_words() {
        for (from, _) in SELF_DIRECTED {
            let shown = for_runner(from, false);
            for word in CLINIC_WORDS {
                assert!(!shown.contains(word), "{from:?} became {shown:?}");
            }
        }
        assert_eq!(
            for_runner(
                "Saved. You reported leg weakness. Go now. Your clinician has been alerted.",
                false
            ),
            "Saved. You reported leg weakness. Go now."
        );
    }
}
