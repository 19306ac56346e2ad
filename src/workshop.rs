//! Workshop plans (`content/workshops/*.yaml`): an ordered list of lessons,
//! exercises, breaks and activities, turned into an agenda with computed
//! times and, for facilitators, a run-sheet.

use serde::Deserialize;

use crate::diag::{Diagnostic, Severity};
use crate::discover::TextFile;
use crate::exercise::{ex_error, Exercise};
use crate::model::Book;
use crate::yaml::{self, Gaps, Locator, Origin};

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkshopFile {
    pub title: String,
    /// Markdown shown above the agenda.
    #[serde(default)]
    pub description: Option<String>,
    /// Start time, `HH:MM` (24-hour clock).
    pub start: String,
    /// Declared length in minutes; planning beyond it is a warning.
    #[serde(default)]
    pub length: Option<u32>,
    pub sessions: Vec<SessionItem>,
}

/// One item of the plan: exactly one of `lesson`, `exercise`, `break` or `activity`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionItem {
    #[serde(default)]
    pub lesson: Option<String>,
    #[serde(default)]
    pub exercise: Option<String>,
    #[serde(default, rename = "break")]
    pub break_: Option<String>,
    #[serde(default)]
    pub activity: Option<String>,
    /// Minutes; overrides the lesson's or exercise's own duration.
    #[serde(default, deserialize_with = "optional_minutes")]
    #[schemars(with = "Option<u32>")]
    pub duration: Option<u32>,
    /// Markdown for the run-sheet (facilitator edition only).
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone)]
pub enum SlotWhat {
    Lesson(usize),
    Exercise(usize),
    Break(String),
    Activity(String),
}

/// One row of the agenda: minutes since midnight of the first day.
#[derive(Debug, Clone)]
pub struct Slot {
    pub what: SlotWhat,
    pub start: u32,
    pub minutes: u32,
    pub notes: Option<String>,
    /// Offset of the item in the file, for diagnostics.
    pub at: usize,
}

impl Slot {
    pub fn end(&self) -> u32 {
        self.start.saturating_add(self.minutes)
    }

    /// What the agenda calls it: the lesson's or exercise's title, or the
    /// break's or activity's name.
    pub fn title<'a>(&'a self, book: &'a Book, exercises: &'a [Exercise]) -> &'a str {
        match &self.what {
            SlotWhat::Lesson(p) => book.pages[*p].title(),
            SlotWhat::Exercise(e) => &exercises[*e].data.title,
            SlotWhat::Break(t) | SlotWhat::Activity(t) => t,
        }
    }
}

/// The longest duration anything may have: a day. Sums of durations then
/// stay far from overflowing.
pub const MAX_MINUTES: u32 = 24 * 60;

/// How a duration's type error says what it expects; the YAML module
/// gives such an error its own hint by these words.
pub const EXPECTS_MINUTES: &str = "a whole number of minutes";

/// A duration in minutes as read from YAML: a whole number, whose type
/// errors say what is wanted ("expected a whole number of minutes, from 1
/// to 1440"). Its range is checked after parsing, at the value, by
/// [`duration_problem`] (or for a session, by the plan's own checks).
struct Minutes(u32);

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Minutes, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Minutes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{EXPECTS_MINUTES}, from 1 to {MAX_MINUTES}")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Minutes, E> {
                u32::try_from(v)
                    .map(Minutes)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Minutes, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
        }
        d.deserialize_u32(Visit)
    }
}

/// `#[serde(deserialize_with)]` for a duration in minutes.
pub fn minutes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Minutes::deserialize(d).map(|m| m.0)
}

/// `#[serde(deserialize_with)]` for a duration in minutes that may be left out.
pub fn optional_minutes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<Minutes>::deserialize(d).map(|m| m.map(|m| m.0))
}

/// What is wrong with a lesson's or an exercise's `duration`, if
/// anything: the message and the hint. One rule for both.
pub fn duration_problem(minutes: u32) -> Option<(String, String)> {
    let hint = format!("give the time in whole minutes, from 1 to {MAX_MINUTES}");
    match minutes {
        0 => Some(("duration must be at least 1 minute".into(), hint)),
        m if m > MAX_MINUTES => Some((
            format!("a duration of {m} minutes is longer than a day"),
            hint,
        )),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Workshop {
    pub data: WorkshopFile,
    pub file: TextFile,
    /// `workshops/<name>.html`.
    pub out: String,
    pub slots: Vec<Slot>,
}

impl Workshop {
    pub fn start(&self) -> u32 {
        self.slots.first().map_or(0, |s| s.start)
    }
    pub fn total(&self) -> u32 {
        (self.slots.iter().map(|s| s.minutes)).fold(0, u32::saturating_add)
    }
}

/// `HH:MM` → minutes since midnight.
pub fn parse_time(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && (1..=2).contains(&s.trim().split(':').next()?.len())).then_some(h * 60 + m)
}

/// Minutes since midnight of day one → `HH:MM`, with `(+1 day)` past midnight.
pub fn format_time(minutes: u32) -> String {
    let day = minutes / 1440;
    let m = minutes % 1440;
    let t = format!("{:02}:{:02}", m / 60, m % 60);
    match day {
        0 => t,
        1 => format!("{t} (+1 day)"),
        d => format!("{t} (+{d} days)"),
    }
}

/// "3 h 30 min", "45 min".
pub fn format_duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The page a plan becomes, `workshops/<name>.html`, known from its path
/// under `content/` alone: a link to a plan that has an error still goes to
/// its page.
pub fn page_path(rel: &str) -> String {
    let stem = (rel.rsplit('/').next().unwrap_or(""))
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml");
    format!("workshops/{}.html", crate::model::component_slug(stem))
}

/// Parses the plans and computes their agendas against the book and exercises.
pub fn build_all(
    files: Vec<TextFile>,
    book: &Book,
    exercises: &[Exercise],
) -> (Vec<Workshop>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for file in files {
        let text = &file.source.text;
        // A plan that failed to parse is checked as far as it was read:
        // each check is left out where a value it needs has an error.
        let (data, gaps) =
            match yaml::parse_partial::<WorkshopFile>(text, Origin::new(&file.source, 0)) {
                Ok(d) => (d, Gaps::none()),
                Err(failed) => {
                    diags.extend(failed.diags);
                    match failed.partial {
                        Some(p) => (p.value, p.gaps),
                        None => continue,
                    }
                }
            };
        let read = |path: &str| gaps.intact(path);
        let out_path = page_path(&file.rel);
        if gaps == Gaps::none() {
            diags.extend(yaml::folded_list_warnings(&file.source, 0, text));
        }
        let loc = Locator::new(text);
        let mut err = |path: &str, sev: Severity, msg: String, hint: String| {
            diags.push(ex_error(&file, &loc, path, sev, msg).with_hint(hint))
        };
        // Without a start time the sessions are still checked.
        let start = match parse_time(&data.start) {
            Some(t) => t,
            None => {
                if read("start") {
                    err(
                        "start",
                        Severity::Error,
                        format!("`{}` is not a time", data.start),
                        "write the start time as HH:MM, e.g. \"09:00\"".into(),
                    );
                }
                0
            }
        };
        let mut clock = start;
        let mut slots = Vec::new();
        for (i, item) in data.sessions.iter().enumerate() {
            // Sessions left out are not in the value: name each by its
            // place in the file.
            let path = format!("sessions.{}", gaps.item("sessions", i));
            let kinds = ["lesson", "exercise", "break", "activity"];
            if !kinds.iter().all(|k| read(&format!("{path}.{k}"))) {
                continue;
            }
            let set = [
                item.lesson.is_some(),
                item.exercise.is_some(),
                item.break_.is_some(),
                item.activity.is_some(),
            ];
            if set.iter().filter(|b| **b).count() != 1 {
                err(
                    &path,
                    Severity::Error,
                    "each session needs exactly one of `lesson`, `exercise`, `break` or `activity`"
                        .into(),
                    "split it into separate sessions".into(),
                );
                continue;
            }
            let (what, own) = if let Some(id) = &item.lesson {
                match book.by_id.get(id) {
                    Some(&p) => (SlotWhat::Lesson(p), book.pages[p].parsed.front.duration),
                    None => {
                        let (msg, hint) = book.missing_lesson(id);
                        err(&format!("{path}.lesson"), Severity::Error, msg, hint);
                        continue;
                    }
                }
            } else if let Some(id) = &item.exercise {
                match crate::exercise::find(exercises, id) {
                    Some(e) => (SlotWhat::Exercise(e), Some(exercises[e].data.duration)),
                    None => {
                        let (msg, hint) = crate::exercise::missing(exercises, book, id);
                        err(&format!("{path}.exercise"), Severity::Error, msg, hint);
                        continue;
                    }
                }
            } else if let Some(t) = &item.break_ {
                (SlotWhat::Break(t.clone()), None)
            } else {
                (
                    SlotWhat::Activity(item.activity.clone().unwrap_or_default()),
                    None,
                )
            };
            let Some(minutes) = item.duration.or(own) else {
                // A lesson whose front matter failed has no duration to
                // give, and its error is reported already.
                if !matches!(what, SlotWhat::Lesson(p) if book.pages[p].parsed.broken)
                    && read(&format!("{path}.duration"))
                {
                    err(
                        &path,
                        Severity::Error,
                        "this session has no duration".into(),
                        "add `duration:` in minutes".into(),
                    );
                }
                continue;
            };
            if minutes == 0 || minutes > MAX_MINUTES {
                // A length of 0 is this file's mistake only when the plan
                // writes it: a lesson or exercise of 0 minutes is an error
                // in its own file already (or a stand-in for a file that
                // failed).
                if minutes > 0 || item.duration.is_some() {
                    err(
                        &format!("{path}.duration"),
                        Severity::Error,
                        match minutes {
                            0 => "a session must take at least 1 minute".to_string(),
                            m => format!("a session of {m} minutes is longer than a day"),
                        },
                        format!(
                            "give the session's length in whole minutes, from 1 to {MAX_MINUTES}"
                        ),
                    );
                }
                continue;
            }
            if let (SlotWhat::Exercise(e), Some(d)) = (&what, item.duration) {
                let need = exercises[*e].data.duration;
                if d < need {
                    err(
                        &format!("{path}.duration"),
                        Severity::Warning,
                        format!(
                            "`{}` takes {need} minutes but its slot has {d}",
                            exercises[*e].data.id
                        ),
                        "lengthen the slot or plan a shorter variation".into(),
                    );
                }
            }
            slots.push(Slot {
                what,
                start: clock,
                minutes,
                notes: item.notes.clone(),
                at: loc.key_or_parent(&path),
            });
            clock = clock.saturating_add(minutes);
        }
        let total = clock - start;
        if let Some(len) = data.length {
            if total > len {
                err(
                    "length",
                    Severity::Warning,
                    format!(
                        "the sessions take {} but the workshop is {} long",
                        format_duration(total),
                        format_duration(len)
                    ),
                    "trim sessions or raise `length`".into(),
                );
            }
        }
        out.push(Workshop {
            data,
            file,
            out: out_path,
            slots,
        });
    }
    out.sort_by(|a, b| a.out.cmp(&b.out));
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("09:05"), Some(545));
        assert_eq!(parse_time("9:05"), Some(545));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("12:60"), None);
        assert_eq!(parse_time("noon"), None);
        assert_eq!(format_time(23 * 60 + 30), "23:30");
        assert_eq!(format_time(24 * 60 + 15), "00:15 (+1 day)");
        assert_eq!(format_duration(210), "3 h 30 min");
        assert_eq!(format_duration(45), "45 min");
        assert_eq!(format_duration(120), "2 h");
    }
}
