//! Exercises: one YAML file per exercise (`*.exercise.yaml`), typed and
//! validated with every problem located at its key. The same Rust types
//! generate the JSON Schema that `handbook schema` prints for editors.

use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::diag::{did_you_mean, Diagnostic, Severity};
use crate::discover::TextFile;
use crate::frontmatter::Broken;
use crate::model::Book;
use crate::yaml::{self, Gaps, Locator, Origin, Partial};

/// An exercise file. Field order here is the order editors suggest them in.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "handbook exercise",
    description = "One exercise of a handbook (a `*.exercise.yaml` file under content/)."
)]
pub struct ExerciseFile {
    /// A slug, unique in the handbook: lower-case letters, digits and dashes.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: String,
    pub title: String,
    /// The id of the lesson this exercise belongs to, e.g. `chapter/lesson`
    /// (the lesson's path under content/ without number prefixes or `.md`).
    pub lesson: String,
    pub kind: Kind,
    /// Minutes.
    #[serde(deserialize_with = "crate::workshop::minutes")]
    #[schemars(with = "u32", range(min = 1))]
    pub duration: u32,
    #[serde(default)]
    pub group: Option<Group>,
    #[serde(default)]
    pub difficulty: Option<Difficulty>,
    /// Who the exercise is for, e.g. "new managers".
    #[serde(default)]
    pub audience: Option<String>,
    /// Skills the exercise builds; used by the catalogue's filter.
    #[serde(default)]
    pub competencies: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub materials: Vec<String>,
    /// Markdown: what to do before the session.
    #[serde(default)]
    pub preparation: Option<String>,
    /// The steps, each Markdown, optionally with a timing in minutes.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Reflection questions for the debrief (facilitator edition).
    #[serde(default)]
    pub debrief: Vec<String>,
    /// Markdown, facilitator edition only.
    #[serde(default)]
    pub facilitator_notes: Option<String>,
    /// Markdown: other ways to run it.
    #[serde(default)]
    pub variations: Vec<String>,
    /// Quiz questions (kind `quiz` only, required there).
    #[serde(default)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Reflection,
    Discussion,
    RolePlay,
    FieldExercise,
    SelfAssessment,
    Quiz,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Reflection,
        Kind::Discussion,
        Kind::RolePlay,
        Kind::FieldExercise,
        Kind::SelfAssessment,
        Kind::Quiz,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Reflection => "reflection",
            Kind::Discussion => "discussion",
            Kind::RolePlay => "role-play",
            Kind::FieldExercise => "field-exercise",
            Kind::SelfAssessment => "self-assessment",
            Kind::Quiz => "quiz",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Reflection => "Reflection",
            Kind::Discussion => "Discussion",
            Kind::RolePlay => "Role-play",
            Kind::FieldExercise => "Field exercise",
            Kind::SelfAssessment => "Self-assessment",
            Kind::Quiz => "Quiz",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GroupType {
    Solo,
    Pairs,
    SmallGroup,
    WholeGroup,
}

impl GroupType {
    pub const ALL: [GroupType; 4] = [
        GroupType::Solo,
        GroupType::Pairs,
        GroupType::SmallGroup,
        GroupType::WholeGroup,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            GroupType::Solo => "solo",
            GroupType::Pairs => "pairs",
            GroupType::SmallGroup => "small-group",
            GroupType::WholeGroup => "whole-group",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            GroupType::Solo => "Solo",
            GroupType::Pairs => "Pairs",
            GroupType::SmallGroup => "Small group",
            GroupType::WholeGroup => "Whole group",
        }
    }
}

/// `solo`, or a mapping with a size range: `{ type: small-group, min: 3, max: 5 }`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Group {
    Plain(GroupType),
    Sized(SizedGroup),
}

/// `group`, `steps` items and `answer` are read by their shape, so that a
/// problem inside one is reported as what it is and where it is (serde's
/// untagged enums say only that no shape fits, and not where).
impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = Group;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`solo`, `pairs`, `small-group` or `whole-group`, or a mapping with `type`, `min` and `max`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Group, E> {
                GroupType::deserialize(v.into_deserializer()).map(Group::Plain)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Group, A::Error> {
                SizedGroup::deserialize(MapAccessDeserializer::new(map)).map(Group::Sized)
            }
        }
        d.deserialize_any(Shape)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SizedGroup {
    #[serde(rename = "type")]
    pub kind: GroupType,
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub min: Option<u32>,
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max: Option<u32>,
}

impl Group {
    pub fn kind(&self) -> GroupType {
        match self {
            Group::Plain(k) => *k,
            Group::Sized(s) => s.kind,
        }
    }
    pub fn range(&self) -> (Option<u32>, Option<u32>) {
        match self {
            Group::Plain(_) => (None, None),
            Group::Sized(s) => (s.min, s.max),
        }
    }
    /// "Small group (3–5)".
    pub fn describe(&self) -> String {
        let label = self.kind().label();
        match self.range() {
            (Some(a), Some(b)) if a == b => format!("{label} of {a}"),
            (Some(a), Some(b)) => format!("{label} ({a}–{b})"),
            (Some(a), None) => format!("{label} ({a}+)"),
            (None, Some(b)) => format!("{label} (up to {b})"),
            (None, None) => label.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Difficulty {
    Introductory,
    Intermediate,
    Advanced,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [
        Difficulty::Introductory,
        Difficulty::Intermediate,
        Difficulty::Advanced,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Difficulty::Introductory => "introductory",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Difficulty::Introductory => "Introductory",
            Difficulty::Intermediate => "Intermediate",
            Difficulty::Advanced => "Advanced",
        }
    }
}

/// A step: Markdown text, or a mapping with its timing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Step {
    Text(String),
    Timed(TimedStep),
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = Step;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("Markdown text, or a mapping with `minutes` and `text`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Step, E> {
                Ok(Step::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Step, E> {
                Ok(Step::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Step, A::Error> {
                TimedStep::deserialize(MapAccessDeserializer::new(map)).map(Step::Timed)
            }
        }
        d.deserialize_any(Shape)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimedStep {
    /// Minutes this step takes.
    pub minutes: u32,
    /// Markdown.
    pub text: String,
}

impl ExerciseFile {
    /// The minutes the timed steps add up to (saturating: durations are
    /// checked to be at most a day, but step times are not).
    pub fn timed_minutes(&self) -> u32 {
        (self.steps.iter().filter_map(Step::minutes)).fold(0, u32::saturating_add)
    }
}

impl Step {
    pub fn text(&self) -> &str {
        match self {
            Step::Text(t) => t,
            Step::Timed(t) => &t.text,
        }
    }
    pub fn minutes(&self) -> Option<u32> {
        match self {
            Step::Text(_) => None,
            Step::Timed(t) => Some(t.minutes),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub question: String,
    #[schemars(length(min = 2))]
    pub choices: Vec<String>,
    /// The correct choice, counting from 1; a list makes the question multiple-choice.
    pub answer: Answer,
    /// Shown after answering.
    #[serde(default)]
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    One(#[schemars(range(min = 1))] u32),
    Many(#[schemars(length(min = 1))] Vec<u32>),
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a choice number counting from 1, or a list of them such as [1, 3]")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Answer, E> {
                (u32::try_from(n).map(Answer::One))
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(n), &self))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Answer, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(Unexpected::Signed(n), &self)),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Answer, A::Error> {
                Vec::<u32>::deserialize(SeqAccessDeserializer::new(seq)).map(Answer::Many)
            }
        }
        d.deserialize_any(Shape)
    }
}

impl Answer {
    pub fn indexes(&self) -> Vec<u32> {
        match self {
            Answer::One(n) => vec![*n],
            Answer::Many(v) => v.clone(),
        }
    }
    pub fn is_multiple(&self) -> bool {
        matches!(self, Answer::Many(_))
    }
}

/// A parsed exercise and where it came from.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub data: ExerciseFile,
    pub file: TextFile,
    /// Output path: `exercises/<id>.html`.
    pub out: String,
    /// The lesson's page index, once resolved.
    pub lesson: Option<usize>,
    /// Key positions in the file, worked out on first use.
    locator: std::sync::OnceLock<std::sync::Arc<Locator>>,
    /// The file failed to parse: this stands in for it (see [`stand_in`]).
    pub broken: bool,
    /// What the checks after parsing may look at: for a file that failed,
    /// what of it was read ([`Gaps::intact`]); `None` for a stand-in
    /// named by its `id` only, which is left out of every check.
    pub gaps: Option<Gaps>,
}

impl Exercise {
    pub fn locator(&self) -> std::sync::Arc<Locator> {
        located(&self.locator, &self.file).clone()
    }
}

/// The key positions of `file`, worked out into `cell` on first use (for
/// any YAML file: workshop plans use it too).
pub(crate) fn located<'c>(
    cell: &'c std::sync::OnceLock<std::sync::Arc<Locator>>,
    file: &TextFile,
) -> &'c std::sync::Arc<Locator> {
    cell.get_or_init(|| std::sync::Arc::new(Locator::new(&file.source.text)))
}

/// The index of the exercise with `id`; `exercises` is sorted by id (as
/// [`parse_all`] returns it). An exercise whose own id is not a valid one
/// (`Feedback_Quiz`) is an error at that id, and is found under the id it
/// stands for (`feedback-quiz`), so that what places it does not report a
/// second error for the same mistake.
pub fn find(exercises: &[Exercise], id: &str) -> Option<usize> {
    (exercises
        .binary_search_by(|e| e.data.id.as_str().cmp(id))
        .ok())
    .or_else(|| {
        (exercises.iter()).position(|e| {
            !crate::markdown::is_slug(&e.data.id) && crate::model::slugify(&e.data.id) == id
        })
    })
}

/// For each page index, the exercises that belong to that lesson.
pub fn by_lesson(exercises: &[Exercise], pages: usize) -> Vec<Vec<usize>> {
    let mut v = vec![Vec::new(); pages];
    for (i, e) in exercises.iter().enumerate() {
        if let Some(l) = e.lesson {
            v[l].push(i);
        }
    }
    v
}

/// The exercises in reading order: each lesson's where the lesson comes
/// (every exercise that validated belongs to a lesson).
pub fn in_reading_order(exercises: &[Exercise], pages: usize) -> Vec<usize> {
    by_lesson(exercises, pages).into_iter().flatten().collect()
}

/// The JSON Schema for exercise files, from the types above.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ExerciseFile);
    serde_json::to_string_pretty(&schema).expect("a schema serialises")
}

/// An exercise file's YAML as JSON (for validating it against [`json_schema`]).
pub fn file_as_json(text: &str) -> Result<serde_json::Value, String> {
    yaml::to_json(text)
}

/// Parses every exercise file; semantic checks come in [`validate`].
pub fn parse_all(files: Vec<TextFile>) -> (Vec<Exercise>, Vec<Diagnostic>) {
    parse_all_with(files, &parse_one)
}

/// Parses one exercise file; on failure, every problem in it and what
/// stands in for it.
pub fn parse_one(file: TextFile) -> Result<Exercise, Broken<Exercise>> {
    let text = &file.source.text;
    if yaml::is_empty_document(text) {
        return Err(Broken {
            diags: vec![
                Diagnostic::error_at(&file.source, 0..0, "exercise file is empty")
                    .with_hint("start with `id:`, `title:`, `lesson:`, `kind:` and `duration:`"),
            ],
            stand_in: None,
        });
    }
    match yaml::parse_partial::<ExerciseFile>(text, Origin::new(&file.source, 0)) {
        Ok(data) => Ok(exercise(data, file, false, Gaps::none())),
        Err(failed) => Err(Broken {
            diags: failed.diags,
            stand_in: stand_in(file, failed.partial),
        }),
    }
}

fn exercise(data: ExerciseFile, file: TextFile, broken: bool, gaps: Gaps) -> Exercise {
    Exercise {
        out: format!("exercises/{}.html", data.id),
        data,
        file,
        lesson: None,
        locator: Default::default(),
        broken,
        gaps: Some(gaps),
    }
}

/// An exercise file that fails to parse but names its `id` stays in the
/// book under that id, so that the lessons and workshops that place it do
/// not each report an error of their own (the build fails on the file's
/// errors anyway). What the rest of the file says is checked as for any
/// exercise, as far as it was read, with or without its `id`; when nothing
/// past a syntax error could be, the stand-in is left out of every check.
fn stand_in(file: TextFile, partial: Option<Partial<ExerciseFile>>) -> Option<Exercise> {
    if let Some(p) = partial {
        // Without its id it is known by no id: nothing can place it.
        return Some(exercise(p.value, file, true, p.gaps));
    }
    let id = yaml::top_level_text(&file.source.text, "id")?;
    Some(Exercise {
        out: format!("exercises/{id}.html"),
        data: ExerciseFile {
            title: id.clone(),
            id,
            lesson: String::new(),
            kind: Kind::Reflection,
            duration: 0,
            group: None,
            difficulty: None,
            audience: None,
            competencies: Vec::new(),
            tags: Vec::new(),
            objectives: Vec::new(),
            materials: Vec::new(),
            preparation: None,
            steps: Vec::new(),
            debrief: Vec::new(),
            facilitator_notes: None,
            variations: Vec::new(),
            questions: Vec::new(),
        },
        file,
        lesson: None,
        locator: Default::default(),
        broken: true,
        gaps: None,
    })
}

/// [`parse_all`] with the per-file step given (`handbook serve` reuses
/// earlier results through it).
pub fn parse_all_with(
    files: Vec<TextFile>,
    parse: &(dyn Fn(TextFile) -> Result<Exercise, Broken<Exercise>> + Sync),
) -> (Vec<Exercise>, Vec<Diagnostic>) {
    let (mut exercises, mut diags) = crate::frontmatter::parse_each(files, parse);
    // In a file that parsed, a list item YAML read as text is said nowhere else.
    diags.extend(
        (exercises.par_iter())
            .filter(|e| !e.broken)
            .flat_map_iter(|e| yaml::folded_list_warnings(&e.file.source, 0, &e.file.source.text))
            .collect::<Vec<_>>(),
    );
    exercises.sort_by(|a, b| a.data.id.cmp(&b.data.id));
    (exercises, diags)
}

/// Takes out the exercises whose lesson is a draft left out of this build:
/// they are drafts with it. The book notes their ids and files, each with
/// the file marked `draft: true`, for whoever names them.
pub fn take_drafts(exercises: &mut Vec<Exercise>, book: &mut Book) {
    let Book {
        draft_lessons,
        draft_exercises,
        drafts,
        ..
    } = book;
    exercises.retain(|e| match draft_lessons.get(&e.data.lesson) {
        Some(marked) if e.gaps.as_ref().is_some_and(|g| g.intact("lesson")) => {
            draft_exercises.insert(e.data.id.clone(), marked.clone());
            drafts.insert(e.file.rel.clone(), marked.clone());
            false
        }
        _ => true,
    });
}

/// The message and hint for an exercise id that names no exercise: it may
/// belong to a draft lesson left out of this build, or be a misspelling.
pub fn missing(exercises: &[Exercise], book: &Book, id: &str) -> (String, String) {
    if let Some(marked) = book.draft_exercises.get(id) {
        return (
            format!("exercise `{id}` is of a draft lesson, left out of this build"),
            crate::model::draft_hint(marked),
        );
    }
    // Only valid ids are suggested: an invalid one is an error itself.
    let valid =
        (exercises.iter().map(|e| e.data.id.as_str())).filter(|i| crate::markdown::is_slug(i));
    let hint = did_you_mean(id, valid)
        .map_or("use the `id` of an exercise file".to_string(), |s| {
            format!("did you mean `{s}`?")
        });
    (format!("no exercise with id `{id}`"), hint)
}

/// Semantic checks, every problem located at its value (or, for a list
/// or mapping, its key): unique ids, existing
/// lessons, sensible ranges, and quizzes with a correct answer. In a file
/// that failed to parse, each check looks only at what was read, and is
/// left out where a value it needs was not: no error follows from
/// another one.
pub fn validate(exercises: &mut [Exercise], book: &Book) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut first: HashMap<String, String> = HashMap::new();
    for ex in exercises.iter_mut() {
        let Some(gaps) = &ex.gaps else { continue };
        let read = |path: &str| gaps.intact(path);
        let d = &ex.data;
        let (file, cell) = (&ex.file, &ex.locator);
        // Key positions are worked out only when there is something to report.
        let mut push = |path: &str, sev: Severity, msg: String, hint: String| {
            diags.push(ex_error(file, located(cell, file), path, sev, msg).with_hint(hint));
        };
        // An id that is missing or of the wrong type is reported as that,
        // and is not compared with the others.
        if read("id") {
            if !crate::markdown::is_slug(&d.id) {
                push(
                    "id",
                    Severity::Error,
                    format!("`{}` is not a valid id", d.id),
                    match crate::model::slugify(&d.id) {
                        s if crate::markdown::is_slug(&s) => {
                            format!("use lower-case letters, digits and dashes: `{s}`")
                        }
                        _ => "use lower-case letters, digits and dashes, e.g. `motivation-map`"
                            .into(),
                    },
                );
            }
            if let Some(prev) = first.get(&d.id) {
                push(
                    "id",
                    Severity::Error,
                    format!("duplicate exercise id `{}`", d.id),
                    format!("`{prev}` already uses it; ids must be unique"),
                );
            } else {
                first.insert(d.id.clone(), ex.file.source.name.clone());
            }
        }
        match book.by_id.get(&d.lesson) {
            _ if !read("lesson") => {}
            Some(&p) if book.pages[p].kind == crate::model::PageKind::Lesson => ex.lesson = Some(p),
            _ => {
                let (msg, hint) = book.missing_lesson(&d.lesson);
                push("lesson", Severity::Error, msg, hint);
            }
        }
        if let Some((msg, hint)) =
            crate::workshop::duration_problem(d.duration).filter(|_| read("duration"))
        {
            push("duration", Severity::Error, msg, hint);
        }
        if let Some(Group::Sized(g)) = d.group.as_ref().filter(|_| read("group")) {
            if g.min == Some(0) || g.max == Some(0) {
                push(
                    "group",
                    Severity::Error,
                    "a group size must be at least 1".into(),
                    "set `min` and `max` to 1 or more".into(),
                );
            }
            if let (Some(a), Some(b)) = (g.min, g.max) {
                if a > b {
                    push(
                        "group.min",
                        Severity::Error,
                        format!("group `min` ({a}) is larger than `max` ({b})"),
                        "swap the two values".into(),
                    );
                }
            }
        }
        // Steps left out only lower the sum.
        let timed = d.timed_minutes();
        if timed > d.duration && read("duration") {
            push(
                "steps",
                Severity::Warning,
                format!(
                    "the steps add up to {timed} minutes, more than the duration of {}",
                    d.duration
                ),
                "shorten the steps or raise `duration`".into(),
            );
        }
        if d.kind == Kind::Quiz && d.questions.is_empty() && read("kind") && read("questions") {
            push(
                "kind",
                Severity::Error,
                "a quiz needs `questions`".into(),
                "add a `questions:` list, each with `question`, `choices` and `answer`".into(),
            );
        }
        if d.kind != Kind::Quiz && !d.questions.is_empty() && read("kind") {
            push(
                "questions",
                Severity::Error,
                "only quizzes have `questions`".into(),
                "set `kind: quiz`, or remove the questions".into(),
            );
        }
        for (qi, q) in d.questions.iter().enumerate() {
            // Questions left out are not in the value: name each by its
            // place in the file.
            let base = format!("questions.{}", gaps.item("questions", qi));
            let (choices, answer) = (
                read(&format!("{base}.choices")),
                read(&format!("{base}.answer")),
            );
            if q.choices.len() < 2 && choices {
                push(
                    &format!("{base}.choices"),
                    Severity::Error,
                    "a question needs at least two choices".into(),
                    "add choices".into(),
                );
            }
            if !answer {
                continue;
            }
            let idx = q.answer.indexes();
            if idx.is_empty() {
                push(
                    &format!("{base}.answer"),
                    Severity::Error,
                    "this question has no correct answer".into(),
                    "list the number of at least one correct choice".into(),
                );
            }
            for (ai, &n) in idx.iter().enumerate() {
                if n == 0 || (n as usize > q.choices.len() && choices) {
                    let path = if q.answer.is_multiple() {
                        format!("{base}.answer.{ai}")
                    } else {
                        format!("{base}.answer")
                    };
                    push(
                        &path,
                        Severity::Error,
                        format!(
                            "answer {n} does not exist: the question has {}",
                            crate::diag::plural(q.choices.len(), "choice")
                        ),
                        format!("answers count from 1 to {}", q.choices.len()),
                    );
                }
            }
        }
    }
    diags
}

pub fn ex_error(
    file: &TextFile,
    loc: &Locator,
    path: &str,
    sev: Severity,
    msg: String,
) -> Diagnostic {
    let yaml = &file.source.text;
    let at = loc.problem_at(path);
    let o = Origin::new(&file.source, 0);
    match sev {
        Severity::Error => o.error_at(yaml, at, msg),
        Severity::Warning => o.warning_at(yaml, at, msg),
    }
}
