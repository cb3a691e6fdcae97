//! The clinician's changes to a suggested programme, each checked before it is applied.
//!
//! An edit takes raw values (as typed in a form) and refuses anything the library or the dose
//! rules do not allow. Applying one returns a new programme; the caller stores each version.
//! After a change the calendar is planned again; the cap is not enforced on the clinician's
//! choices, but a day over it is marked.

use super::{ItemPriority, PlannedExercise, Programme, ProgrammeError, ProgrammeItem, calendar};
use crate::library::{self, Dosage, ExerciseId, Level, RawDosage, Sidedness};
use serde::{Deserialize, Serialize};

/// One change a clinician makes to a programme. Items are named by their key (see
/// [`ProgrammeItem::key`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum ProgrammeEdit {
    /// Replace an item with another library exercise, at that exercise's level and dose.
    SwapExercise {
        item: String,
        to: String,
    },
    /// Move an item up or down its ladder; the new rung's dose comes with it.
    ChangeLevel {
        item: String,
        level: i64,
    },
    ChangeDosage {
        item: String,
        dosage: RawDosage,
    },
    /// How many days a week the item is done (1–7).
    ChangeDays {
        item: String,
        days_per_week: i64,
    },
    /// Add the clinician's own exercise, done once on both sides unless the text says otherwise.
    AddCustom {
        title: String,
        text: String,
        dosage: RawDosage,
    },
    Remove {
        item: String,
    },
}

/// Applies `edit` to `programme`, or says why it cannot.
pub fn apply(programme: &Programme, edit: ProgrammeEdit) -> Result<Programme, ProgrammeError> {
    let mut next = programme.clone();
    match edit {
        ProgrammeEdit::SwapExercise { item, to } => {
            let to: ExerciseId = to.parse()?;
            let index = find(&next, &item)?;
            ensure_absent(&next, to, index)?;
            let from = next.items[index].name.clone();
            let moved = replace_exercise(&mut next, index, to.exercise());
            if !moved {
                next.items[index]
                    .reason
                    .push_str(&format!(" Swapped by your clinician from {from}."));
            }
        }
        ProgrammeEdit::ChangeLevel { item, level } => {
            let level = Level::try_from(level)?;
            let index = find(&next, &item)?;
            let current = match next.items[index].exercise {
                PlannedExercise::Library { exercise_id, .. } => exercise_id.exercise(),
                PlannedExercise::Custom { .. } => return Err(ProgrammeError::NotOnALadder(item)),
            };
            let target = library::ladder_of(current).at(level)?;
            ensure_absent(&next, target.id, index)?;
            replace_exercise(&mut next, index, target);
            if let Some(why) = next.items[index]
                .level_reason
                .as_mut()
                .filter(|w| !w.is_empty())
            {
                why.push_str(" by your clinician");
            }
        }
        ProgrammeEdit::ChangeDosage { item, dosage } => {
            let dosage = Dosage::try_from(dosage)?;
            let index = find(&next, &item)?;
            let entry = &mut next.items[index];
            entry.dosage = dosage;
            entry.changed_by_clinician = true;
            entry.refresh();
        }
        ProgrammeEdit::ChangeDays {
            item,
            days_per_week,
        } => {
            let index = find(&next, &item)?;
            let entry = &mut next.items[index];
            entry.dosage = entry.dosage.with_days_per_week(days_per_week)?;
            entry.changed_by_clinician = true;
            entry.refresh();
        }
        ProgrammeEdit::AddCustom {
            title,
            text,
            dosage,
        } => {
            let title = title.trim().to_owned();
            if title.is_empty() {
                return Err(ProgrammeError::MissingTitle);
            }
            let dosage = Dosage::try_from(dosage)?;
            let number = next
                .items
                .iter()
                .filter_map(|i| i.key.strip_prefix("custom_")?.parse::<u32>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            let mut item = ProgrammeItem {
                key: format!("custom_{number}"),
                name: title.clone(),
                exercise: PlannedExercise::Custom {
                    title,
                    text: text.trim().to_owned(),
                },
                sidedness: Sidedness::Bilateral,
                dosage,
                extra_set_side: None,
                frequency: super::Frequency::of(&dosage),
                priority: ItemPriority::Clinician,
                reason: "Added by your clinician.".to_owned(),
                level_reason: None,
                cautions: vec![
                    "Stop if back pain goes above 5/10 or is worse the next morning, and tell \
                     your clinician."
                        .to_owned(),
                ],
                session_seconds: 0,
                changed_by_clinician: true,
            };
            item.refresh();
            next.items.push(item);
        }
        ProgrammeEdit::Remove { item } => {
            let index = find(&next, &item)?;
            next.items.remove(index);
        }
    }
    next.calendar = calendar::schedule(&next.settings, next.running_allowed(), &next.items);
    Ok(next)
}

fn find(programme: &Programme, key: &str) -> Result<usize, ProgrammeError> {
    programme
        .items
        .iter()
        .position(|i| i.key == key)
        .ok_or_else(|| ProgrammeError::UnknownItem(key.to_owned()))
}

/// Refuses a second copy of an exercise (other than the item being replaced).
fn ensure_absent(
    programme: &Programme,
    id: ExerciseId,
    replacing: usize,
) -> Result<(), ProgrammeError> {
    match programme
        .items
        .iter()
        .enumerate()
        .find(|(i, item)| *i != replacing && item.exercise_id() == Some(id))
    {
        Some((_, item)) => Err(ProgrammeError::AlreadyInProgramme(item.name.clone())),
        None => Ok(()),
    }
}

/// Puts `ex` in place of item `index` at its library dose, keeping the reason and the weaker
/// side (dropped if `ex` works both legs together). Returns whether it is the same exercise at another level
/// (a move on its ladder, as an accepted review makes), in which case the item keeps why it is
/// there and its level reason says where it moved from; the why text describes the new level.
fn replace_exercise(
    programme: &mut Programme,
    index: usize,
    ex: &'static library::Exercise,
) -> bool {
    let old = &programme.items[index];
    let old_exercise = old.exercise_id().map(ExerciseId::exercise);
    let moved_from = old_exercise
        .filter(|o| o.ladder == ex.ladder && o.level != ex.level)
        .map(|o| o.level);
    let mut reason = old.reason.clone();
    if let Some(o) = old_exercise {
        // A starting point quotes its exercise's purpose: say the new one's.
        reason = reason.replace(o.purpose, ex.purpose);
        if old.level_reason.is_none() {
            reason = without_level_sentence(&reason, o.level);
        }
    }
    let mut item = ProgrammeItem::from_library(
        ex,
        old.priority,
        old.extra_set_side,
        reason,
        programme.postpartum,
    );
    item.level_reason = Some(match moved_from {
        Some(from) if from < ex.level => format!("moved up from level {}", from.get()),
        Some(from) => format!("moved down from level {}", from.get()),
        None => String::new(),
    });
    item.changed_by_clinician = true;
    programme.items[index] = item;
    moved_from.is_some()
}

/// A reason stored before the level was kept apart, without its "Level n of m[: why]." sentence.
fn without_level_sentence(reason: &str, level: Level) -> String {
    let marker = format!(" Level {} of ", level.get());
    let Some(start) = reason.find(&marker) else {
        return reason.to_owned();
    };
    let after = &reason[start + 1..];
    let end = after.find(". ").map_or(reason.len(), |e| start + 1 + e + 1);
    format!("{}{}", &reason[..start], &reason[end..])
}
