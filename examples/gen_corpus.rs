//! Deterministic generator of synthetic handbooks for the speed benchmark.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --lessons 10000 --out /dev/shm/hb/handbook-10000
//! cargo run --release --example gen_corpus -- --lessons 10000 --out /dev/shm/hb/mdbook-10000 --format mdbook
//! ```
//!
//! Options: `--lessons N` (default 1000), `--out DIR` (required), `--format
//! handbook|mdbook|zola|hugo` (default handbook), `--seed S` (default 1),
//! `--force` (replace DIR if it holds an earlier corpus).
//!
//! The same seed and N always give byte-identical files; a lesson's text
//! depends only on the seed and its number, so corpora of different sizes
//! share their first lessons (links are drawn among the N lessons that exist).
//!
//! Each lesson has about 900 words: YAML front matter, headings (h2, h3), a
//! table, lists, GitHub-style callouts (and sometimes a `[!FACILITATOR]`
//! callout), footnotes, links to other lessons (relative `.md` paths with
//! anchors that exist), and the placement of its exercise. Words come from a
//! vocabulary of about 4,500 words (function words, leadership terms and
//! made-up words) drawn with Zipf-like frequencies, so a search index sees a
//! realistic spread of terms. Lessons are spread over 10 chapters of 10
//! sub-chapters each. Every lesson has one exercise (`*.exercise.yaml`) with
//! every field of docs/FORMAT.md filled (`questions` only for quizzes, the
//! only kind that may have them), and there is one workshop plan.
//!
//! For the peers (`--format mdbook|zola|hugo`) the same lessons are written in
//! the peer's layout; each exercise becomes a section of Markdown at the
//! place its lesson puts it (so the peers render the same text, without
//! extra pages). Links stay relative `.md` paths (mdBook rewrites them; Hugo
//! leaves them as they are) except for Zola, which gets `@/` internal links.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------- randomness

/// splitmix64: small, fast and good enough for text.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        r.0 ^= stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        r.next();
        r.0 ^= index.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() as u128 * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `p` percent.
    fn chance(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

// Streams: one independent sequence per purpose, so one lesson's text never
// depends on how much randomness another consumed.
const S_VOCAB: u64 = 1;
const S_META: u64 = 2;
const S_BODY: u64 = 3;
const S_EXERCISE: u64 = 4;
const S_CHAPTER: u64 = 5;

// ---------------------------------------------------------------- vocabulary

const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "be", "on",
    "not", "this", "are", "by", "or", "you", "your", "at", "from", "they", "we", "their", "can",
    "what", "an", "more", "when", "one", "will", "if", "about", "who", "so", "but", "them", "do",
    "how", "have", "has", "all", "each", "than", "which", "there", "other", "people", "our",
    "into", "most", "some", "would", "should", "could", "before", "after", "every", "because",
    "without", "rather", "where", "often", "then", "also", "only", "even", "still", "first", "new",
    "own", "same", "just", "much", "many", "few", "both", "between", "through", "while", "over",
    "under", "again", "never", "always", "usually", "rarely", "quietly", "clearly", "don't",
    "it's", "we're", "they're", "isn't", "you'll", "does", "did", "been", "were", "those", "these",
    "any", "no", "out", "up", "down", "well", "once", "here", "next", "last", "good", "hard",
    "real", "small", "large", "early", "late", "whole", "simple", "clear",
];

const LEADERSHIP_TERMS: &[&str] = &[
    "team",
    "teams",
    "manager",
    "managers",
    "managing",
    "management",
    "lead",
    "leads",
    "leader",
    "leaders",
    "leading",
    "leadership",
    "feedback",
    "delegation",
    "delegate",
    "delegating",
    "coaching",
    "coach",
    "mentor",
    "mentoring",
    "mission",
    "vision",
    "strategy",
    "strategic",
    "trust",
    "trusting",
    "accountability",
    "accountable",
    "ownership",
    "responsibility",
    "decision",
    "decisions",
    "deciding",
    "priority",
    "priorities",
    "prioritise",
    "goal",
    "goals",
    "outcome",
    "outcomes",
    "objective",
    "objectives",
    "intent",
    "context",
    "alignment",
    "aligned",
    "cohesion",
    "morale",
    "motivation",
    "motivated",
    "motivates",
    "engagement",
    "engaged",
    "recognition",
    "reward",
    "rewards",
    "promotion",
    "promoted",
    "career",
    "careers",
    "growth",
    "development",
    "skill",
    "skills",
    "craft",
    "practice",
    "practise",
    "practising",
    "habit",
    "habits",
    "ritual",
    "rituals",
    "meeting",
    "meetings",
    "one-to-one",
    "retrospective",
    "retro",
    "standup",
    "review",
    "reviews",
    "performance",
    "expectation",
    "expectations",
    "standard",
    "standards",
    "conflict",
    "conflicts",
    "negotiation",
    "listening",
    "questioning",
    "conversation",
    "conversations",
    "difficult",
    "honest",
    "candour",
    "empathy",
    "respect",
    "psychological",
    "safety",
    "inclusion",
    "belonging",
    "diversity",
    "hiring",
    "interview",
    "interviews",
    "onboarding",
    "offboarding",
    "workload",
    "capacity",
    "burnout",
    "wellbeing",
    "stakeholder",
    "stakeholders",
    "customer",
    "customers",
    "organisation",
    "organisations",
    "culture",
    "values",
    "change",
    "transition",
    "resilience",
    "uncertainty",
    "risk",
    "risks",
    "estimate",
    "estimates",
    "planning",
    "plan",
    "plans",
    "roadmap",
    "backlog",
    "commitment",
    "commitments",
    "handover",
    "escalation",
    "escalate",
    "autonomy",
    "mastery",
    "purpose",
    "influence",
    "authority",
    "power",
    "status",
    "credibility",
    "visibility",
    "leverage",
    "focus",
    "attention",
    "energy",
    "time",
    "calendar",
    "week",
    "quarter",
    "year",
    "month",
    "staff",
    "colleague",
    "colleagues",
    "peer",
    "peers",
    "report",
    "reports",
    "direct",
    "senior",
    "junior",
    "experienced",
    "aspiring",
    "facilitator",
    "participant",
    "participants",
    "workshop",
    "exercise",
    "reflection",
    "debrief",
    "shadowing",
    "observation",
    "observe",
    "observing",
    "interviewing",
    "survey",
    "surveys",
    "signal",
    "signals",
    "metric",
    "metrics",
    "measure",
    "measures",
    "measuring",
    "result",
    "results",
    "impact",
    "progress",
    "learning",
    "learned",
    "learns",
    "teaching",
    "teaches",
    "explain",
    "explains",
    "explained",
    "ask",
    "asks",
    "asking",
    "asked",
    "listen",
    "listens",
    "listened",
    "decide",
    "decides",
    "decided",
    "support",
    "supports",
    "supporting",
    "challenge",
    "challenges",
    "challenging",
    "improve",
    "improves",
    "improving",
    "improvement",
    "notice",
    "notices",
    "noticing",
    "share",
    "shares",
    "sharing",
    "write",
    "writes",
    "writing",
    "written",
    "agree",
    "agrees",
    "agreement",
    "disagree",
    "disagreement",
    "commit",
    "commits",
    "committed",
    "follow-up",
    "follow",
    "follows",
    "check",
    "checks",
    "checking",
    "problem",
    "problems",
    "solution",
    "solutions",
    "mistake",
    "mistakes",
    "failure",
    "failures",
    "success",
    "successes",
    "lesson",
    "lessons",
    "example",
    "examples",
    "story",
    "stories",
    "question",
    "questions",
    "answer",
    "answers",
    "role",
    "roles",
    "work",
    "works",
    "worked",
    "working",
    "job",
    "jobs",
    "task",
    "tasks",
    "project",
    "projects",
    "deadline",
    "deadlines",
    "quality",
    "speed",
    "scope",
    "budget",
    "process",
    "processes",
    "policy",
    "policies",
    "rule",
    "rules",
    "boundary",
    "boundaries",
    "principle",
    "principles",
    "judgement",
    "experiment",
    "experiments",
    "hypothesis",
    "evidence",
    "data",
    "insight",
    "insights",
    "pattern",
    "patterns",
    "behaviour",
    "behaviours",
    "environment",
    "system",
    "systems",
    "structure",
    "structures",
    "hierarchy",
    "matrix",
    "remote",
    "hybrid",
    "office",
    "distributed",
    "async",
    "written",
    "verbal",
    "tone",
];

const HEADING_FORMS: &[&str] = &[
    "Why {a} matters",
    "{A} in practice",
    "Common {a} mistakes",
    "When {a} goes wrong",
    "Building {a} on purpose",
    "{A} and {b}",
    "From {a} to {b}",
    "What {a} looks like",
    "Measuring {a}",
    "The cost of poor {a}",
    "A first step towards {a}",
    "{A} under pressure",
    "Questions about {a}",
    "How {a} shapes {b}",
    "Signs of healthy {a}",
    "Making {a} visible",
    "Talking about {a}",
    "{A} for new managers",
    "{A} across teams",
    "Keeping {a} alive",
];

const CALLOUTS: &[&str] = &["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];
const KINDS: &[&str] = &[
    "reflection",
    "discussion",
    "role-play",
    "field-exercise",
    "self-assessment",
    "quiz",
];
const GROUPS: &[&str] = &["solo", "pairs", "small-group", "whole-group"];
const DIFFICULTIES: &[&str] = &["introductory", "intermediate", "advanced"];
const AUDIENCES: &[&str] = &[
    "New and aspiring managers",
    "Experienced managers taking over an existing team",
    "Team leads and senior individual contributors",
    "Managers of managers",
    "Project and programme leads without line authority",
];
const COMPETENCIES: &[&str] = &[
    "listening",
    "questioning",
    "coaching",
    "delegation",
    "feedback",
    "planning",
    "facilitation",
    "negotiation",
    "prioritisation",
    "decision-making",
    "hiring",
    "conflict",
    "storytelling",
    "observation",
    "self-awareness",
];
const MATERIALS: &[&str] = &[
    "A printed copy of the lesson for each participant",
    "Flip chart and markers",
    "Sticky notes in two colours",
    "A timer visible to the whole room",
    "The worksheet from the preparation notes",
    "Participants' calendars for the last complete working week",
    "Index cards, one per participant",
];

struct Vocab {
    words: Vec<String>,
    /// Cumulative Zipf weights, one per word.
    cumulative: Vec<f64>,
    /// Leadership terms plus made-up words: the "content" words for titles.
    content: Vec<usize>,
}

impl Vocab {
    fn new(seed: u64) -> Vocab {
        let mut rng = Rng::new(seed, S_VOCAB, 0);
        const ONSETS: &[&str] = &[
            "", "b", "br", "c", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "k", "l", "m", "n",
            "p", "pl", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w",
        ];
        const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "a", "e", "i", "o", "ea", "ou"];
        const CODAS: &[&str] = &["", "", "", "n", "r", "l", "s", "t", "m", "nd", "st", "ck"];
        const SUFFIXES: &[&str] = &[
            "", "", "", "", "s", "s", "ing", "ed", "er", "tion", "ment", "ness", "ly", "al", "ity",
        ];
        let mut seen: HashSet<String> = FUNCTION_WORDS
            .iter()
            .chain(LEADERSHIP_TERMS)
            .map(|w| w.to_string())
            .collect();
        let mut made: Vec<String> = Vec::new();
        while made.len() < 4200 {
            let mut w = String::new();
            let syllables = match rng.below(10) {
                0..=2 => 1,
                3..=8 => 2,
                _ => 3,
            };
            for _ in 0..syllables {
                w.push_str(rng.pick(ONSETS));
                w.push_str(rng.pick(VOWELS));
                w.push_str(rng.pick(CODAS));
            }
            w.push_str(rng.pick(SUFFIXES));
            if w.len() >= 4 && w.len() <= 12 && seen.insert(w.clone()) {
                made.push(w);
            }
        }
        // Ranks: function words first, then leadership terms interleaved with
        // made-up words (one made-up word per term), then the rest.
        let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|w| w.to_string()).collect();
        let mut content = Vec::new();
        let mut made_iter = made.into_iter();
        for t in LEADERSHIP_TERMS {
            content.push(words.len());
            words.push(t.to_string());
            if let Some(m) = made_iter.next() {
                content.push(words.len());
                words.push(m);
            }
        }
        for m in made_iter {
            content.push(words.len());
            words.push(m);
        }
        let mut cumulative = Vec::with_capacity(words.len());
        let mut total = 0.0;
        for rank in 0..words.len() {
            total += 1.0 / (rank as f64 + 2.7);
            cumulative.push(total);
        }
        Vocab {
            words,
            cumulative,
            content,
        }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().unwrap();
        let u = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c < u);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// A content word (no function words), uniformly from the first `top` of them.
    fn content_word(&self, rng: &mut Rng, top: usize) -> &str {
        let n = top.min(self.content.len());
        // Squaring a uniform number favours the frequent ones.
        let u = rng.unit();
        let i = ((u * u) * n as f64) as usize;
        &self.words[self.content[i.min(n - 1)]]
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Slugs and heading anchors follow the handbook's own rule.
use handbook::model::slugify;

fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_str(s: &str) -> String {
    yaml_str(s)
}

// ---------------------------------------------------------------- structure

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Handbook,
    Mdbook,
    Zola,
    Hugo,
}

struct Chapter {
    /// Folder path under content/, e.g. `03-coaching-trust/07-feedback-loops`.
    dir: String,
    /// Id: the slugs without number prefixes.
    id: String,
    title: String,
    summary: String,
    /// Position among its siblings, from 1.
    order: usize,
    /// Lessons in this chapter (leaf chapters only).
    lessons: Vec<usize>,
    /// Sub-chapters (top-level chapters only).
    children: Vec<usize>,
}

struct Lesson {
    /// Global number, from 0.
    n: usize,
    chapter: usize,
    /// File name, e.g. `007-coaching-remote-teams.md`.
    file: String,
    /// Lesson id, e.g. `coaching-trust/feedback-loops/coaching-remote-teams`.
    id: String,
    title: String,
    /// Headings in order: (level, text, slug).
    headings: Vec<(u8, String, String)>,
    exercise_id: String,
}

struct Corpus {
    seed: u64,
    vocab: Vocab,
    chapters: Vec<Chapter>,
    /// Top-level chapters, in order.
    top: Vec<usize>,
    lessons: Vec<Lesson>,
}

fn title_words(v: &Vocab, rng: &mut Rng, n: usize) -> String {
    let mut words = Vec::with_capacity(n);
    for k in 0..n {
        let w = v.content_word(rng, if k == 0 { 300 } else { 1200 });
        words.push(if k == 0 { capitalise(w) } else { w.to_string() });
    }
    words.join(" ")
}

fn heading_text(v: &Vocab, rng: &mut Rng) -> String {
    let form = rng.pick(HEADING_FORMS);
    let a = v.content_word(rng, 1200);
    let b = v.content_word(rng, 1200);
    let s = form
        .replace("{A}", &capitalise(a))
        .replace("{a}", a)
        .replace("{b}", b);
    capitalise(&s)
}

impl Corpus {
    fn new(seed: u64, lessons: usize) -> Corpus {
        let vocab = Vocab::new(seed);
        let (tops, subs) = if lessons >= 100 {
            (10, 10)
        } else {
            let t = (lessons as f64).sqrt().ceil().max(1.0) as usize;
            (t, t)
        };
        let mut chapters: Vec<Chapter> = Vec::new();
        let mut top = Vec::new();
        let mut used_top = HashSet::new();
        for t in 0..tops {
            let mut rng = Rng::new(seed, S_CHAPTER, t as u64);
            let mut title = {
                let k = rng.range(2, 3);
                title_words(&vocab, &mut rng, k)
            };
            while !used_top.insert(slugify(&title)) {
                title.push_str(" again");
            }
            let slug = slugify(&title);
            let ti = chapters.len();
            top.push(ti);
            chapters.push(Chapter {
                dir: format!("{:02}-{slug}", t + 1),
                id: slug,
                summary: String::new(),
                title,
                order: t + 1,
                lessons: Vec::new(),
                children: Vec::new(),
            });
            let mut used = HashSet::new();
            for s in 0..subs {
                let mut rng = Rng::new(seed, S_CHAPTER, 1000 + (t * 1000 + s) as u64);
                let mut title = {
                    let k = rng.range(2, 3);
                    title_words(&vocab, &mut rng, k)
                };
                while !used.insert(slugify(&title)) {
                    title.push_str(" again");
                }
                let slug = slugify(&title);
                let ci = chapters.len();
                chapters[ti].children.push(ci);
                let (pdir, pid) = (chapters[ti].dir.clone(), chapters[ti].id.clone());
                chapters.push(Chapter {
                    dir: format!("{pdir}/{:02}-{slug}", s + 1),
                    id: format!("{pid}/{slug}"),
                    summary: String::new(),
                    title,
                    order: s + 1,
                    lessons: Vec::new(),
                    children: Vec::new(),
                });
            }
        }
        for (i, c) in chapters.iter_mut().enumerate() {
            let mut rng = Rng::new(seed, S_CHAPTER, 9_000_000 + i as u64);
            c.summary = format!(
                "{} {}.",
                capitalise(&sentence_words(&vocab, &mut rng, 14)),
                vocab.content_word(&mut rng, 300)
            );
        }
        let leaves: Vec<usize> = top
            .iter()
            .flat_map(|&t| chapters[t].children.clone())
            .collect();
        let per = lessons.div_ceil(leaves.len().max(1));
        let width = per.to_string().len().max(3);
        let mut all = Vec::with_capacity(lessons);
        let mut used: HashSet<String> = HashSet::new();
        for n in 0..lessons {
            let leaf = leaves[(n / per).min(leaves.len() - 1)];
            let pos = chapters[leaf].lessons.len() + 1;
            let mut rng = Rng::new(seed, S_META, n as u64);
            let mut title = {
                let k = rng.range(2, 4);
                title_words(&vocab, &mut rng, k)
            };
            if pos == 1 {
                used.clear();
            }
            while !used.insert(slugify(&title)) {
                title.push_str(" revisited");
            }
            let slug = slugify(&title);
            let mut headings: Vec<(u8, String, String)> = Vec::new();
            let mut slugs = HashSet::new();
            let sections = rng.range(4, 6);
            for _ in 0..sections {
                let subs = if rng.chance(45) { rng.range(1, 2) } else { 0 };
                for level in std::iter::once(2u8).chain(std::iter::repeat_n(3u8, subs)) {
                    let mut text = heading_text(&vocab, &mut rng);
                    let mut k = 2;
                    let base = text.clone();
                    while !slugs.insert(slugify(&text)) {
                        text = format!("{base} {k}");
                        k += 1;
                    }
                    let s = slugify(&text);
                    headings.push((level, text, s));
                }
            }
            let exercise_id = format!(
                "{}-{}-{}",
                slugify(vocab.content_word(&mut rng, 300)),
                slugify(vocab.content_word(&mut rng, 1500)),
                n + 1
            );
            chapters[leaf].lessons.push(n);
            all.push(Lesson {
                n,
                chapter: leaf,
                file: format!("{pos:0width$}-{slug}.md"),
                id: format!("{}/{slug}", chapters[leaf].id),
                title,
                headings,
                exercise_id,
            });
        }
        Corpus {
            seed,
            vocab,
            chapters,
            top,
            lessons: all,
        }
    }

    fn lesson_rel(&self, l: &Lesson) -> String {
        format!("{}/{}", self.chapters[l.chapter].dir, l.file)
    }
}

fn sentence_words(v: &Vocab, rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for k in 0..n {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(v.word(rng));
    }
    s
}

/// Relative path from folder `from` to file `to` (both under content/).
fn relative(from: &str, to: &str) -> String {
    let a: Vec<&str> = if from.is_empty() {
        vec![]
    } else {
        from.split('/').collect()
    };
    let b: Vec<&str> = to.split('/').collect();
    let (bdir, bfile) = b.split_at(b.len() - 1);
    let common = a.iter().zip(bdir).take_while(|(x, y)| x == y).count();
    let mut out = String::new();
    for _ in common..a.len() {
        out.push_str("../");
    }
    for c in &bdir[common..] {
        out.push_str(c);
        out.push('/');
    }
    out.push_str(bfile[0]);
    out
}

// ---------------------------------------------------------------- lesson text

struct Writer<'a> {
    c: &'a Corpus,
    fmt: Format,
    rng: Rng,
    lesson: &'a Lesson,
    out: String,
    words: usize,
    links_left: usize,
    footnotes: usize,
    footnotes_left: usize,
}

impl Writer<'_> {
    fn link_to(&mut self) -> String {
        let c = self.c;
        let l = self.lesson;
        let n = c.lessons.len();
        // Mostly nearby lessons, sometimes anywhere in the book, sometimes
        // a heading on this page.
        let roll = self.rng.below(100);
        if roll < 10 && l.headings.len() > 1 {
            let h = &l.headings[self.rng.below(l.headings.len())];
            let text = h.1.to_lowercase();
            return format!("[{text}](#{})", h.2);
        }
        let target = if roll < 65 {
            let siblings = &c.chapters[l.chapter].lessons;
            siblings[self.rng.below(siblings.len())]
        } else {
            self.rng.below(n)
        };
        let t = &c.lessons[target];
        let h = &t.headings[self.rng.below(t.headings.len())];
        let with_anchor = self.rng.chance(70);
        let text = if with_anchor {
            h.1.to_lowercase()
        } else {
            t.title.to_lowercase()
        };
        let dest = match self.fmt {
            Format::Zola => format!("@/{}", c.lesson_rel(t)),
            _ => relative(&c.chapters[l.chapter].dir, &c.lesson_rel(t)),
        };
        if with_anchor {
            format!("[{text}]({dest}#{})", h.2)
        } else {
            format!("[{text}]({dest})")
        }
    }

    /// One sentence, with occasional emphasis, code, links and footnotes.
    fn sentence(&mut self, inline_extras: bool) -> String {
        let n = self.rng.range(7, 19);
        let mut words: Vec<String> = (0..n)
            .map(|_| self.c.vocab.word(&mut self.rng).to_string())
            .collect();
        self.words += n;
        words[0] = capitalise(&words[0]);
        if inline_extras {
            if self.rng.chance(7) && n > 4 {
                let i = self.rng.range(1, n - 3);
                words[i] = format!("**{}", words[i]);
                words[i + 1] = format!("{}**", words[i + 1]);
            } else if self.rng.chance(6) && n > 4 {
                let i = self.rng.range(1, n - 2);
                words[i] = format!("*{}*", words[i]);
            } else if self.rng.chance(3) {
                let i = self.rng.range(1, n - 1);
                words[i] = format!("`{}_{}`", words[i].replace('\'', ""), self.rng.below(100));
            } else if self.rng.chance(4) {
                let i = self.rng.range(1, n - 1);
                words[i] = format!("\"{}\"", words[i]);
            }
        }
        let mut s = words.join(" ");
        if inline_extras && self.links_left > 0 && self.rng.chance(22) {
            self.links_left -= 1;
            let link = self.link_to();
            s = format!("{s}, as in {link}");
            self.words += 3;
        }
        if self.rng.chance(8) {
            s.push('?');
        } else {
            s.push('.');
        }
        if inline_extras && self.footnotes_left > 0 && self.rng.chance(10) {
            self.footnotes_left -= 1;
            self.footnotes += 1;
            write!(s, "[^{}]", self.footnotes).unwrap();
        }
        s
    }

    fn paragraph(&mut self, sentences: usize) -> String {
        let mut p = String::new();
        for k in 0..sentences {
            if k > 0 {
                p.push(' ');
            }
            let s = self.sentence(true);
            p.push_str(&s);
        }
        p
    }

    fn para(&mut self) {
        let n = self.rng.range(3, 6);
        let p = self.paragraph(n);
        self.out.push_str(&p);
        self.out.push_str("\n\n");
    }

    fn list(&mut self) {
        let ordered = self.rng.chance(35);
        let tasks = !ordered && self.rng.chance(15);
        for k in 0..self.rng.range(3, 6) {
            let s = self.sentence(true);
            if ordered {
                writeln!(self.out, "{}. {s}", k + 1).unwrap();
            } else if tasks {
                let mark = if self.rng.chance(40) { "x" } else { " " };
                writeln!(self.out, "- [{mark}] {s}").unwrap();
            } else {
                writeln!(self.out, "- {s}").unwrap();
            }
        }
        self.out.push('\n');
    }

    fn table(&mut self) {
        let cols = self.rng.range(3, 4);
        let rows = self.rng.range(3, 6);
        let mut header = Vec::new();
        for _ in 0..cols {
            header.push(capitalise(self.c.vocab.content_word(&mut self.rng, 600)));
        }
        self.words += cols;
        writeln!(self.out, "| {} |", header.join(" | ")).unwrap();
        writeln!(self.out, "|{}", " --- |".repeat(cols)).unwrap();
        for _ in 0..rows {
            let mut cells = Vec::new();
            for k in 0..cols {
                let n = if k == 0 { 1 } else { self.rng.range(2, 6) };
                let cell = capitalise(&sentence_words(&self.c.vocab, &mut self.rng, n));
                self.words += n;
                cells.push(cell);
            }
            writeln!(self.out, "| {} |", cells.join(" | ")).unwrap();
        }
        self.out.push('\n');
    }

    fn callout(&mut self, facilitator: bool) {
        let kind = if facilitator {
            "FACILITATOR"
        } else {
            self.rng.pick(CALLOUTS)
        };
        writeln!(self.out, "> [!{kind}]").unwrap();
        let n = self.rng.range(1, 3);
        let p = self.paragraph(n);
        writeln!(self.out, "> {p}\n").unwrap();
    }

    fn quote(&mut self) {
        let s = self.sentence(false);
        let who = capitalise(self.c.vocab.content_word(&mut self.rng, 2000));
        writeln!(self.out, "> {s}\n>\n> — {who}, a manager\n").unwrap();
    }

    fn exercise_placement(&mut self) {
        match self.fmt {
            Format::Handbook => writeln!(
                self.out,
                "{{{{ exercise: {} }}}}\n",
                self.lesson.exercise_id
            )
            .unwrap(),
            _ => {
                // Peers have no exercises: the same text, as Markdown, here.
                let ex = exercise(self.c, self.lesson);
                self.out.push_str(&ex.markdown());
            }
        }
    }
}

fn lesson_text(c: &Corpus, l: &Lesson, fmt: Format) -> String {
    let mut w = Writer {
        c,
        fmt,
        rng: Rng::new(c.seed, S_BODY, l.n as u64),
        lesson: l,
        out: String::with_capacity(8192),
        words: 0,
        links_left: 0,
        footnotes: 0,
        footnotes_left: 0,
    };
    w.links_left = w.rng.range(3, 6);
    w.footnotes_left = w.rng.range(1, 3);
    let summary = w.sentence(false);
    let objectives: Vec<String> = (0..3)
        .map(|_| {
            let s = w.sentence(false);
            s.trim_end_matches(['.', '?']).to_string()
        })
        .collect();
    let tags: Vec<String> = (0..w.rng.range(2, 4))
        .map(|_| slugify(c.vocab.content_word(&mut w.rng, 200)))
        .collect();
    let duration = w.rng.range(10, 45);
    let order_weight = c.chapters[l.chapter]
        .lessons
        .iter()
        .position(|&x| x == l.n)
        .unwrap()
        + 1;
    match fmt {
        Format::Handbook | Format::Hugo => {
            writeln!(w.out, "---\ntitle: {}", yaml_str(&l.title)).unwrap();
            writeln!(w.out, "summary: {}", yaml_str(&summary)).unwrap();
            if fmt == Format::Hugo {
                writeln!(w.out, "description: {}", yaml_str(&summary)).unwrap();
                writeln!(w.out, "weight: {order_weight}").unwrap();
            }
            writeln!(w.out, "duration: {duration}\nobjectives:").unwrap();
            for o in &objectives {
                writeln!(w.out, "  - {}", yaml_str(o)).unwrap();
            }
            writeln!(w.out, "tags: [{}]\n---\n", tags.join(", ")).unwrap();
        }
        Format::Zola => {
            writeln!(w.out, "+++\ntitle = {}", toml_str(&l.title)).unwrap();
            writeln!(w.out, "description = {}", toml_str(&summary)).unwrap();
            writeln!(
                w.out,
                "weight = {order_weight}\n\n[extra]\nduration = {duration}"
            )
            .unwrap();
            let objs: Vec<String> = objectives.iter().map(|o| toml_str(o)).collect();
            writeln!(w.out, "objectives = [{}]", objs.join(", ")).unwrap();
            let tags: Vec<String> = tags.iter().map(|t| toml_str(t)).collect();
            writeln!(w.out, "tags = [{}]\n+++\n", tags.join(", ")).unwrap();
        }
        Format::Mdbook => {
            writeln!(w.out, "# {}\n", l.title).unwrap();
            writeln!(w.out, "*{summary}*\n").unwrap();
        }
    }
    w.words += 40; // summary and objectives
    w.para();
    w.para();
    // Blocks are spread over the sections; the sizes aim at ~900 words.
    let facilitator = w.rng.chance(20);
    let sections = l.headings.len();
    let table_at = w.rng.below(sections);
    let callout_at = w.rng.below(sections);
    let exercise_at = w.rng.range(sections / 2, sections - 1);
    let target_words = w.rng.range(850, 950);
    let remaining = sections;
    for (k, (level, text, _)) in l.headings.iter().enumerate() {
        writeln!(w.out, "{} {text}\n", "#".repeat(*level as usize)).unwrap();
        w.words += text.split(' ').count();
        let budget = target_words.saturating_sub(w.words) / (remaining - k).max(1);
        let before = w.words;
        w.para();
        if k == table_at {
            w.table();
        }
        if k == callout_at {
            w.callout(false);
        }
        if facilitator && k == sections - 1 {
            w.callout(true);
        }
        if k == exercise_at {
            w.exercise_placement();
        }
        let mut turn = 0;
        while w.words - before < budget {
            match (turn + k) % 4 {
                1 => w.list(),
                3 if w.rng.chance(30) => w.quote(),
                _ => w.para(),
            }
            turn += 1;
        }
    }
    // Links that did not fit the paragraphs go into a closing list.
    if w.links_left > 0 {
        w.out.push_str("Related lessons:\n\n");
        while w.links_left > 0 {
            w.links_left -= 1;
            let link = w.link_to();
            writeln!(w.out, "- {link}").unwrap();
        }
        w.out.push('\n');
    }
    if w.footnotes == 0 {
        let s = w.sentence(false);
        w.footnotes = 1;
        writeln!(w.out, "{s}[^1]\n").unwrap();
    }
    for k in 1..=w.footnotes {
        let s = w.sentence(false);
        writeln!(w.out, "[^{k}]: {s}").unwrap();
    }
    w.out
}

// ---------------------------------------------------------------- exercises

struct Step {
    minutes: Option<usize>,
    text: String,
}

struct Question {
    question: String,
    choices: Vec<String>,
    answer: Vec<usize>,
    explanation: String,
}

struct Exercise {
    id: String,
    title: String,
    lesson: String,
    kind: &'static str,
    duration: usize,
    group: String,
    group_md: String,
    difficulty: &'static str,
    audience: &'static str,
    competencies: Vec<&'static str>,
    tags: Vec<String>,
    objectives: Vec<String>,
    materials: Vec<&'static str>,
    preparation: String,
    steps: Vec<Step>,
    debrief: Vec<String>,
    facilitator_notes: String,
    variations: Vec<String>,
    questions: Vec<Question>,
}

fn exercise(c: &Corpus, l: &Lesson) -> Exercise {
    let mut rng = Rng::new(c.seed, S_EXERCISE, l.n as u64);
    let v = &c.vocab;
    let sentence = |rng: &mut Rng, n: usize| -> String {
        let s = capitalise(&sentence_words(v, rng, n));
        format!("{s}.")
    };
    let question_s = |rng: &mut Rng, n: usize| -> String {
        let s = capitalise(&sentence_words(v, rng, n));
        format!("{s}?")
    };
    let kind = KINDS[l.n % KINDS.len()];
    let group_kind = GROUPS[rng.below(GROUPS.len())];
    let (group, group_md) = if group_kind != "solo" && group_kind != "pairs" && rng.chance(60) {
        let min = rng.range(2, 4);
        let max = min + rng.range(1, 4);
        (
            format!("{{ type: {group_kind}, min: {min}, max: {max} }}"),
            format!("{group_kind}, {min} to {max} people"),
        )
    } else {
        (group_kind.to_string(), group_kind.to_string())
    };
    let steps: Vec<Step> = (0..rng.range(4, 6))
        .map(|k| {
            let bold = capitalise(v.content_word(&mut rng, 800));
            let n1 = rng.range(2, 3);
            let mut text = format!("**{bold}.** ");
            for s in 0..n1 {
                if s > 0 {
                    text.push(' ');
                }
                let len = rng.range(8, 16);
                text.push_str(&sentence(&mut rng, len));
            }
            if rng.chance(30) {
                text.push_str("\n\n");
                for _ in 0..3 {
                    let len = rng.range(5, 10);
                    writeln!(text, "- {}", question_s(&mut rng, len)).unwrap();
                }
            }
            Step {
                minutes: if k == 3 { None } else { Some(rng.range(3, 12)) },
                text: text.trim_end().to_string(),
            }
        })
        .collect();
    let timed: usize = steps.iter().filter_map(|s| s.minutes).sum();
    let duration = timed + rng.range(0, 10);
    let questions = if kind == "quiz" {
        (0..3)
            .map(|_| {
                let nch = rng.range(3, 4);
                let choices: Vec<String> = (0..nch)
                    .map(|_| {
                        let len = rng.range(3, 7);
                        capitalise(&sentence_words(v, &mut rng, len))
                    })
                    .collect();
                let answer = if rng.chance(25) {
                    vec![1, nch]
                } else {
                    vec![rng.range(1, nch)]
                };
                let ql = rng.range(8, 14);
                let el = rng.range(10, 18);
                Question {
                    question: question_s(&mut rng, ql),
                    choices,
                    answer,
                    explanation: sentence(&mut rng, el),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut preparation = String::new();
    for _ in 0..2 {
        let len = rng.range(10, 18);
        preparation.push_str(&sentence(&mut rng, len));
        preparation.push(' ');
    }
    preparation = preparation.trim_end().to_string();
    if rng.chance(40) {
        preparation.push_str("\n\n| Area | What I heard | What I will do |\n| --- | --- | --- |\n");
        for _ in 0..3 {
            writeln!(
                preparation,
                "| {} | | |",
                capitalise(v.content_word(&mut rng, 500))
            )
            .unwrap();
        }
    }
    let mut notes = String::new();
    for _ in 0..rng.range(2, 4) {
        let len = rng.range(12, 22);
        writeln!(notes, "- {}", sentence(&mut rng, len)).unwrap();
    }
    Exercise {
        id: l.exercise_id.clone(),
        title: {
            let k = rng.range(2, 4);
            title_words(v, &mut rng, k)
        },
        lesson: l.id.clone(),
        kind,
        duration,
        group,
        group_md,
        difficulty: DIFFICULTIES[rng.below(3)],
        audience: AUDIENCES[rng.below(AUDIENCES.len())],
        competencies: {
            let a = rng.below(COMPETENCIES.len());
            let b = (a + 1 + rng.below(COMPETENCIES.len() - 1)) % COMPETENCIES.len();
            vec![COMPETENCIES[a], COMPETENCIES[b]]
        },
        tags: (0..rng.range(2, 3))
            .map(|_| slugify(v.content_word(&mut rng, 200)))
            .collect(),
        objectives: (0..3)
            .map(|_| {
                let len = rng.range(8, 14);
                sentence(&mut rng, len).trim_end_matches('.').to_string()
            })
            .collect(),
        materials: {
            let a = rng.below(MATERIALS.len());
            vec![MATERIALS[a], MATERIALS[(a + 2) % MATERIALS.len()]]
        },
        preparation,
        steps,
        debrief: (0..rng.range(3, 4))
            .map(|_| {
                let len = rng.range(7, 14);
                question_s(&mut rng, len)
            })
            .collect(),
        facilitator_notes: notes.trim_end().to_string(),
        variations: (0..2)
            .map(|_| {
                let b = capitalise(v.content_word(&mut rng, 600));
                let len = rng.range(12, 20);
                format!("**{b}.** {}", sentence(&mut rng, len))
            })
            .collect(),
        questions,
    }
}

fn block(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            writeln!(out, "{indent}{line}").unwrap();
        }
    }
}

impl Exercise {
    fn yaml(&self) -> String {
        let mut o = String::with_capacity(4096);
        writeln!(o, "id: {}", self.id).unwrap();
        writeln!(o, "title: {}", yaml_str(&self.title)).unwrap();
        writeln!(o, "lesson: {}", self.lesson).unwrap();
        writeln!(o, "kind: {}", self.kind).unwrap();
        writeln!(o, "duration: {}", self.duration).unwrap();
        writeln!(o, "group: {}", self.group).unwrap();
        writeln!(o, "difficulty: {}", self.difficulty).unwrap();
        writeln!(o, "audience: {}", yaml_str(self.audience)).unwrap();
        writeln!(o, "competencies: [{}]", self.competencies.join(", ")).unwrap();
        writeln!(o, "tags: [{}]", self.tags.join(", ")).unwrap();
        o.push_str("objectives:\n");
        for x in &self.objectives {
            writeln!(o, "  - {}", yaml_str(x)).unwrap();
        }
        o.push_str("materials:\n");
        for x in &self.materials {
            writeln!(o, "  - {}", yaml_str(x)).unwrap();
        }
        o.push_str("preparation: |\n");
        block(&mut o, "  ", &self.preparation);
        o.push_str("steps:\n");
        for s in &self.steps {
            match s.minutes {
                Some(m) => {
                    writeln!(o, "  - minutes: {m}\n    text: |").unwrap();
                    block(&mut o, "      ", &s.text);
                }
                None => {
                    o.push_str("  - |\n");
                    block(&mut o, "    ", &s.text);
                }
            }
        }
        o.push_str("debrief:\n");
        for x in &self.debrief {
            writeln!(o, "  - {}", yaml_str(x)).unwrap();
        }
        o.push_str("facilitator_notes: |\n");
        block(&mut o, "  ", &self.facilitator_notes);
        o.push_str("variations:\n");
        for x in &self.variations {
            writeln!(o, "  - {}", yaml_str(x)).unwrap();
        }
        if !self.questions.is_empty() {
            o.push_str("questions:\n");
            for q in &self.questions {
                writeln!(o, "  - question: {}", yaml_str(&q.question)).unwrap();
                let ch: Vec<String> = q.choices.iter().map(|c| yaml_str(c)).collect();
                writeln!(o, "    choices: [{}]", ch.join(", ")).unwrap();
                if q.answer.len() == 1 {
                    writeln!(o, "    answer: {}", q.answer[0]).unwrap();
                } else {
                    let a: Vec<String> = q.answer.iter().map(|a| a.to_string()).collect();
                    writeln!(o, "    answer: [{}]", a.join(", ")).unwrap();
                }
                writeln!(o, "    explanation: {}", yaml_str(&q.explanation)).unwrap();
            }
        }
        o
    }

    /// The same content as Markdown, for peers without exercises.
    fn markdown(&self) -> String {
        let mut o = String::with_capacity(4096);
        writeln!(
            o,
            "**Exercise: {}** ({}, {} minutes, {}, {})\n",
            self.title, self.kind, self.duration, self.group_md, self.difficulty
        )
        .unwrap();
        writeln!(
            o,
            "*For:* {}. *Competencies:* {}. *Tags:* {}.\n",
            self.audience,
            self.competencies.join(", "),
            self.tags.join(", ")
        )
        .unwrap();
        o.push_str("Objectives:\n\n");
        for x in &self.objectives {
            writeln!(o, "- {x}").unwrap();
        }
        o.push_str("\nMaterials:\n\n");
        for x in &self.materials {
            writeln!(o, "- {x}").unwrap();
        }
        writeln!(o, "\nPreparation: {}\n", self.preparation).unwrap();
        for (k, s) in self.steps.iter().enumerate() {
            let m = s.minutes.map(|m| format!(" ({m} min)")).unwrap_or_default();
            writeln!(o, "{}.{m} {}\n", k + 1, s.text.replace("\n", "\n    ")).unwrap();
        }
        o.push_str("Debrief:\n\n");
        for x in &self.debrief {
            writeln!(o, "- {x}").unwrap();
        }
        o.push_str("\nFacilitator notes:\n\n");
        writeln!(o, "{}\n", self.facilitator_notes).unwrap();
        o.push_str("Variations:\n\n");
        for x in &self.variations {
            writeln!(o, "- {x}").unwrap();
        }
        o.push('\n');
        for (k, q) in self.questions.iter().enumerate() {
            writeln!(o, "{}. {}", k + 1, q.question).unwrap();
            for ch in &q.choices {
                writeln!(o, "   - {ch}").unwrap();
            }
            let a: Vec<String> = q.answer.iter().map(|a| a.to_string()).collect();
            writeln!(o, "\n   Answer: {}. {}\n", a.join(", "), q.explanation).unwrap();
        }
        o
    }
}

// ---------------------------------------------------------------- writing

struct Out {
    root: PathBuf,
    files: usize,
    bytes: u64,
}

impl Out {
    fn write(&mut self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).unwrap_or_else(|e| die(&format!("{}: {e}", p.display())));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| die(&format!("{}: {e}", path.display())));
        self.files += 1;
        self.bytes += text.len() as u64;
    }
}

fn die(msg: &str) -> ! {
    eprintln!("gen_corpus: {msg}");
    std::process::exit(2)
}

fn chapter_intro(c: &Corpus, ci: usize, fmt: Format) -> String {
    let ch = &c.chapters[ci];
    let mut rng = Rng::new(c.seed, S_CHAPTER, 5_000_000 + ci as u64);
    let mut body = String::new();
    for _ in 0..2 {
        let mut p = String::new();
        for _ in 0..rng.range(3, 5) {
            let n = rng.range(8, 18);
            write!(
                p,
                "{}. ",
                capitalise(&sentence_words(&c.vocab, &mut rng, n))
            )
            .unwrap();
        }
        body.push_str(p.trim_end());
        body.push_str("\n\n");
    }
    let link = |rel_from: &str, target: &str| -> String {
        match fmt {
            Format::Zola => format!("@/{target}"),
            _ => relative(rel_from, target),
        }
    };
    // A short list of what is inside (first few entries, as authors write).
    let entries: Vec<(String, String)> = if !ch.children.is_empty() {
        ch.children
            .iter()
            .map(|&s| {
                let sc = &c.chapters[s];
                let target = match fmt {
                    Format::Zola | Format::Hugo => format!("{}/_index.md", sc.dir),
                    _ => format!("{}/index.md", sc.dir),
                };
                (sc.title.clone(), target)
            })
            .collect()
    } else {
        ch.lessons
            .iter()
            .take(5)
            .map(|&l| (c.lessons[l].title.clone(), c.lesson_rel(&c.lessons[l])))
            .collect()
    };
    for (k, (title, target)) in entries.iter().enumerate() {
        writeln!(body, "{}. [{title}]({})", k + 1, link(&ch.dir, target)).unwrap();
    }
    body
}

fn main() {
    let mut lessons = 1000usize;
    let mut out: Option<PathBuf> = None;
    let mut format = Format::Handbook;
    let mut seed = 1u64;
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = |name: &str| {
            args.next()
                .unwrap_or_else(|| die(&format!("{name} needs a value")))
        };
        match a.as_str() {
            "--lessons" => {
                lessons = val("--lessons")
                    .replace('_', "")
                    .parse()
                    .unwrap_or_else(|_| die("--lessons: a number"))
            }
            "--out" => out = Some(PathBuf::from(val("--out"))),
            "--seed" => {
                seed = val("--seed")
                    .parse()
                    .unwrap_or_else(|_| die("--seed: a number"))
            }
            "--format" => {
                format = match val("--format").as_str() {
                    "handbook" => Format::Handbook,
                    "mdbook" => Format::Mdbook,
                    "zola" => Format::Zola,
                    "hugo" => Format::Hugo,
                    f => die(&format!(
                        "unknown format `{f}` (handbook, mdbook, zola, hugo)"
                    )),
                }
            }
            "--force" => force = true,
            "-h" | "--help" => {
                println!("gen_corpus --lessons N --out DIR [--format handbook|mdbook|zola|hugo] [--seed S] [--force]");
                return;
            }
            _ => die(&format!("unknown argument `{a}`")),
        }
    }
    let Some(root) = out else {
        die("--out DIR is required")
    };
    if lessons == 0 {
        die("--lessons must be at least 1");
    }
    prepare(&root, force);
    let started = std::time::Instant::now();
    let c = Corpus::new(seed, lessons);
    let mut o = Out {
        root: root.clone(),
        files: 0,
        bytes: 0,
    };
    o.write(
        ".gen_corpus",
        &format!("lessons = {lessons}\nseed = {seed}\n"),
    );
    match format {
        Format::Handbook => write_handbook(&c, &mut o),
        Format::Mdbook => write_mdbook(&c, &mut o),
        Format::Zola => write_zola(&c, &mut o),
        Format::Hugo => write_hugo(&c, &mut o),
    }
    eprintln!(
        "gen_corpus: {} lessons, {} files, {:.1} MB into {} in {:.2} s",
        lessons,
        o.files,
        o.bytes as f64 / 1e6,
        root.display(),
        started.elapsed().as_secs_f64()
    );
}

/// Makes `root` an empty folder; replaces only an earlier corpus (`--force`).
fn prepare(root: &Path, force: bool) {
    if root.exists() {
        let empty = std::fs::read_dir(root)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            if !force {
                die(&format!(
                    "{} is not empty (use --force to replace an earlier corpus)",
                    root.display()
                ));
            }
            if !root.join(".gen_corpus").exists() {
                die(&format!(
                    "{} was not made by gen_corpus; refusing to delete it",
                    root.display()
                ));
            }
            std::fs::remove_dir_all(root)
                .unwrap_or_else(|e| die(&format!("{}: {e}", root.display())));
        }
    }
    std::fs::create_dir_all(root).unwrap_or_else(|e| die(&format!("{}: {e}", root.display())));
}

fn home_body(c: &Corpus, fmt: Format) -> String {
    let mut rng = Rng::new(c.seed, S_CHAPTER, 77);
    let mut body = String::new();
    for _ in 0..3 {
        let n = rng.range(10, 18);
        write!(
            body,
            "{}. ",
            capitalise(&sentence_words(&c.vocab, &mut rng, n))
        )
        .unwrap();
    }
    body.push_str("\n\n");
    for (k, &t) in c.top.iter().enumerate() {
        let ch = &c.chapters[t];
        let target = match fmt {
            Format::Zola => format!("@/{}/_index.md", ch.dir),
            Format::Hugo => format!("{}/_index.md", ch.dir),
            _ => format!("{}/index.md", ch.dir),
        };
        writeln!(body, "{}. [{}]({target}): {}", k + 1, ch.title, ch.summary).unwrap();
    }
    body
}

const TITLE: &str = "Synthetic Leadership Handbook";

fn write_handbook(c: &Corpus, o: &mut Out) {
    o.write(
        "book.toml",
        &format!(
            "# Generated by examples/gen_corpus.rs (seed {}, {} lessons).\n\
             title = \"{TITLE}\"\n\
             description = \"A synthetic handbook for the speed benchmark.\"\n\
             organisation = \"bench\"\nlanguage = \"en\"\ntheme = \"default\"\noutput-dir = \"site\"\n\n\
             [markdown]\nallow-html = false\nsmart-punctuation = true\n\n\
             [search]\nenabled = true\n\n\
             [build]\neditions = [\"participant\"]\n",
            c.seed,
            c.lessons.len()
        ),
    );
    o.write(
        "content/index.md",
        &format!(
            "---\ntitle: {}\nsummary: A synthetic handbook.\n---\n\n{}",
            yaml_str(TITLE),
            home_body(c, Format::Handbook)
        ),
    );
    for (ci, ch) in c.chapters.iter().enumerate() {
        o.write(
            &format!("content/{}/index.md", ch.dir),
            &format!(
                "---\ntitle: {}\nsummary: {}\n---\n\n{}",
                yaml_str(&ch.title),
                yaml_str(&ch.summary),
                chapter_intro(c, ci, Format::Handbook)
            ),
        );
    }
    for l in &c.lessons {
        let dir = &c.chapters[l.chapter].dir;
        o.write(
            &format!("content/{dir}/{}", l.file),
            &lesson_text(c, l, Format::Handbook),
        );
        let stem = l.file.trim_end_matches(".md");
        o.write(
            &format!("content/{dir}/{stem}.exercise.yaml"),
            &exercise(c, l).yaml(),
        );
    }
    // One workshop plan using the first lessons and exercises.
    let mut w = String::from(
        "title: Synthetic half-day workshop\ndescription: |\n  A generated plan for the benchmark.\nstart: \"09:00\"\n",
    );
    let mut sessions =
        String::from("sessions:\n  - activity: Welcome and introductions\n    duration: 10\n");
    let mut total = 10;
    for l in c.lessons.iter().take(3) {
        let ex = exercise(c, l);
        writeln!(sessions, "  - lesson: {}", l.id).unwrap();
        writeln!(sessions, "  - exercise: {}", ex.id).unwrap();
        total += 45 + ex.duration;
    }
    sessions.push_str("  - break: Coffee\n    duration: 15\n");
    total += 15;
    writeln!(w, "length: {}", total + 20).unwrap();
    w.push_str(&sessions);
    o.write("content/workshops/half-day.yaml", &w);
}

fn write_mdbook(c: &Corpus, o: &mut Out) {
    o.write(
        "book.toml",
        &format!(
            "# Generated by examples/gen_corpus.rs (seed {}, {} lessons).\n\
             [book]\ntitle = \"{TITLE}\"\nauthors = [\"bench\"]\nlanguage = \"en\"\nsrc = \"src\"\n\n\
             [output.html]\n# search is on by default\n",
            c.seed,
            c.lessons.len()
        ),
    );
    let mut summary = format!("# Summary\n\n[{TITLE}](index.md)\n\n");
    o.write(
        "src/index.md",
        &format!("# {TITLE}\n\n{}", home_body(c, Format::Mdbook)),
    );
    for &t in &c.top {
        let ch = &c.chapters[t];
        writeln!(summary, "- [{}]({}/index.md)", ch.title, ch.dir).unwrap();
        for &s in &ch.children {
            let sc = &c.chapters[s];
            writeln!(summary, "  - [{}]({}/index.md)", sc.title, sc.dir).unwrap();
            for &l in &sc.lessons {
                let l = &c.lessons[l];
                writeln!(summary, "    - [{}]({}/{})", l.title, sc.dir, l.file).unwrap();
            }
        }
    }
    o.write("src/SUMMARY.md", &summary);
    for (ci, ch) in c.chapters.iter().enumerate() {
        o.write(
            &format!("src/{}/index.md", ch.dir),
            &format!(
                "# {}\n\n*{}*\n\n{}",
                ch.title,
                ch.summary,
                chapter_intro(c, ci, Format::Mdbook)
            ),
        );
    }
    for l in &c.lessons {
        let dir = &c.chapters[l.chapter].dir;
        o.write(
            &format!("src/{dir}/{}", l.file),
            &lesson_text(c, l, Format::Mdbook),
        );
    }
}

fn write_zola(c: &Corpus, o: &mut Out) {
    for (name, search) in [("config.toml", false), ("config-search.toml", true)] {
        o.write(
            name,
            &format!(
                "# Generated by examples/gen_corpus.rs (seed {}, {} lessons).\n\
                 base_url = \"https://example.org\"\ntitle = \"{TITLE}\"\n\
                 compile_sass = false\nbuild_search_index = {search}\n\n\
                 [markdown]\nsmart_punctuation = true\n\n\
                 [search]\ninclude_title = true\ninclude_description = true\ninclude_content = true\n",
                c.seed,
                c.lessons.len()
            ),
        );
    }
    o.write(
        "templates/base.html",
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head>\n<body>\n<header><a href=\"{{ get_url(path='@/_index.md') }}\">{{ config.title }}</a></header>\n<main>{% block content %}{% endblock content %}</main>\n</body></html>\n",
    );
    o.write(
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ section.title }}</h1>\n{{ section.content | safe }}\n<ul>{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href=\"{{ sub.permalink }}\">{{ sub.title }}</a></li>{% endfor %}</ul>\n{% endblock content %}\n",
    );
    o.write(
        "templates/section.html",
        "{% extends \"base.html\" %}\n{% block title %}{{ section.title }}{% endblock title %}\n{% block content %}<h1>{{ section.title }}</h1>\n{{ section.content | safe }}\n<ul>{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href=\"{{ sub.permalink }}\">{{ sub.title }}</a></li>{% endfor %}</ul>\n<ol>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ol>\n{% endblock content %}\n",
    );
    o.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block title %}{{ page.title }}{% endblock title %}\n{% block content %}<article><h1>{{ page.title }}</h1>\n<p>{{ page.description }}</p>\n{{ page.content | safe }}</article>\n<nav>{% if page.lower %}<a href=\"{{ page.lower.permalink }}\">{{ page.lower.title }}</a>{% endif %} {% if page.higher %}<a href=\"{{ page.higher.permalink }}\">{{ page.higher.title }}</a>{% endif %}</nav>\n{% endblock content %}\n",
    );
    o.write(
        "content/_index.md",
        &format!(
            "+++\ntitle = {}\nsort_by = \"weight\"\n+++\n\n{}",
            toml_str(TITLE),
            home_body(c, Format::Zola)
        ),
    );
    for (ci, ch) in c.chapters.iter().enumerate() {
        o.write(
            &format!("content/{}/_index.md", ch.dir),
            &format!(
                "+++\ntitle = {}\ndescription = {}\nsort_by = \"weight\"\nweight = {}\n+++\n\n{}",
                toml_str(&ch.title),
                toml_str(&ch.summary),
                ch.order,
                chapter_intro(c, ci, Format::Zola)
            ),
        );
    }
    for l in &c.lessons {
        let dir = &c.chapters[l.chapter].dir;
        o.write(
            &format!("content/{dir}/{}", l.file),
            &lesson_text(c, l, Format::Zola),
        );
    }
}

fn write_hugo(c: &Corpus, o: &mut Out) {
    o.write(
        "hugo.toml",
        &format!(
            "# Generated by examples/gen_corpus.rs (seed {}, {} lessons).\n\
             baseURL = \"https://example.org/\"\ntitle = \"{TITLE}\"\n\
             disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\"]\n\n\
             [markup.goldmark.renderer]\nunsafe = false\n",
            c.seed,
            c.lessons.len()
        ),
    );
    o.write(
        "layouts/_default/baseof.html",
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} | {{ site.Title }}</title></head>\n<body>\n<header><a href=\"{{ site.Home.RelPermalink }}\">{{ site.Title }}</a></header>\n<main>{{ block \"main\" . }}{{ end }}</main>\n</body></html>\n",
    );
    o.write(
        "layouts/_default/single.html",
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1>\n<p>{{ .Description }}</p>\n{{ .Content }}</article>\n<nav>{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav>\n{{ end }}\n",
    );
    o.write(
        "layouts/_default/list.html",
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n{{ .Content }}\n<ul>{{ range .Sections }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>\n<ol>{{ range .RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ol>\n{{ end }}\n",
    );
    o.write(
        "content/_index.md",
        &format!(
            "---\ntitle: {}\n---\n\n{}",
            yaml_str(TITLE),
            home_body(c, Format::Hugo)
        ),
    );
    for (ci, ch) in c.chapters.iter().enumerate() {
        o.write(
            &format!("content/{}/_index.md", ch.dir),
            &format!(
                "---\ntitle: {}\ndescription: {}\nweight: {}\n---\n\n{}",
                yaml_str(&ch.title),
                yaml_str(&ch.summary),
                ch.order,
                chapter_intro(c, ci, Format::Hugo)
            ),
        );
    }
    for l in &c.lessons {
        let dir = &c.chapters[l.chapter].dir;
        o.write(
            &format!("content/{dir}/{}", l.file),
            &lesson_text(c, l, Format::Hugo),
        );
    }
}
