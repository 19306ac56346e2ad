//! Ranking: a small fixture handbook with the expected best results of
//! about twenty queries written down, typos and phrases included. The
//! ranking runs where readers run it: in `search.js`, in headless Chromium,
//! from disk.

mod fixture;
mod support;

use std::sync::OnceLock;

use support::browser::{browser, file_url, Browser};

const LESSONS: &[(&str, &str, &str, &str)] = &[
    (
        "01-people/01-feedback.md",
        "Giving feedback that lands",
        "How to give feedback people can use, and how to ask for it.",
        "Most managers give too little feedback, too late. This lesson is about giving it early and well.\n\n\
         ## Why feedback fails\n\nIt comes months after the event, it judges the person instead of the work, or it is so \
         wrapped in praise that nobody hears it. Annual reviews are the worst place for surprises.\n\n\
         ## The situation, behaviour and impact model\n\nDescribe the situation, the behaviour you saw and its impact on \
         the team. Keep opinions about character out of it.\n\n\
         ## Asking for feedback yourself\n\nAsk a specific question: what is one thing I could do differently in our \
         planning meetings? Thank people for what they tell you, even when it stings.\n",
    ),
    (
        "01-people/02-one-to-ones.md",
        "Running one-to-one meetings",
        "A weekly conversation that belongs to the team member, not to the manager.",
        "The one-to-one is the most useful hour in a manager's week when it belongs to the other person.\n\n\
         ## Preparing the agenda\n\nLet the team member own the agenda. Keep a shared document of topics, and add \
         your own items at the end.\n\n\
         ## Listening more than talking\n\nAim to speak for a third of the time. Ask open questions and follow up \
         before moving on. Silence is fine.\n\n\
         ## Career conversations\n\nOnce a quarter, talk about where the person wants to be in two years and what \
         they want to learn on the way.\n",
    ),
    (
        "01-people/03-delegation.md",
        "Delegation and trust",
        "Handing over work so that people grow and you stop being the bottleneck.",
        "Delegation is how a manager's reach grows beyond one pair of hands.\n\n\
         ## What to delegate\n\nDelegate work that stretches someone, work you do out of habit, and decisions the \
         team is closer to than you are.\n\n\
         ## Delegating outcomes, not tasks\n\nDescribe the outcome and why it matters, the constraints and the \
         deadline. Leave the method to the person doing the work.\n\n\
         ## Checking in without micromanagement\n\nAgree how and when you will check in before the work starts. \
         Micromanagement is checking more often than you agreed.\n",
    ),
    (
        "02-strategy/01-mission.md",
        "Writing a team mission",
        "A mission that settles real decisions instead of decorating a wall.",
        "A team needs to know what it is for.\n\n\
         ## Slogans versus missions\n\nA slogan sounds pleasant and settles nothing. Excellence in everything is \
         a slogan.\n\n\
         ## A clear mission statement\n\nA clear mission statement names who you serve, the change you make for \
         them and how you will know. Test it on last month's hardest decision.\n",
    ),
    (
        "02-strategy/02-objectives.md",
        "Setting objectives",
        "Quarterly objectives with measurable results.",
        "Objectives turn a mission into the next quarter's work.\n\n\
         ## Objectives and key results\n\nEach objective has two to four key results that a stranger could \
         check. A key result is an outcome, not an activity.\n\n\
         ## Measuring progress\n\nLook at progress every two weeks. Results that never move were badly chosen \
         or nobody owns them; the mission itself may be fine.\n",
    ),
    (
        "02-strategy/03-priorities.md",
        "Prioritisation under pressure",
        "Choosing what not to do when everything feels urgent.",
        "Pressure makes every request look urgent.\n\n\
         ## The urgent and the important\n\nSort requests by urgency and importance, then protect time for \
         important work that is not urgent.\n\n\
         ## Saying no\n\nSaying no to a request is saying yes to the work you already promised. Offer a date or \
         an alternative when you can.\n",
    ),
    (
        "03-change/01-communicating.md",
        "Communicating change",
        "Explaining a change so that people can act on it.",
        "People accept change they understand.\n\n\
         ## Telling the story of change\n\nExplain what is changing, why now, and what stays the same. Repeat \
         it more often than feels necessary.\n\n\
         ## Misread silence\n\nSay when there is nothing new, or people fill the gap with rumour and \
         feel mis-sold.\n\n\
         ## Resistance is information\n\nPushback tells you what people fear losing. Listen to it before \
         you argue with it.\n",
    ),
    (
        "03-change/02-hiring.md",
        "Hiring well",
        "Finding, choosing and welcoming new people.",
        "A hire shapes the team for years.\n\n\
         ## Structured interviews\n\nAsk every candidate the same questions and score the answers against a \
         rubric written before the interviews start. Interviewing this way is fairer and predicts better.\n\n\
         ## Onboarding the first ninety days\n\nPlan the first week in detail and the first ninety days in \
         outline. Give the new person a buddy who is not their manager.\n",
    ),
];

const EXERCISES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "feedback-role-play",
        "Feedback role-play",
        "people/feedback",
        "role-play",
        "Practise giving feedback with the situation, behaviour and impact model",
    ),
    (
        "mission-one-liner",
        "Mission one-liner",
        "strategy/mission",
        "discussion",
        "Draft a one-sentence team mission and test it on a real decision",
    ),
    (
        "delegation-ladder",
        "Delegation ladder",
        "people/delegation",
        "reflection",
        "Place your current tasks on a ladder from doing to delegating",
    ),
];

fn book() -> &'static fixture::Book {
    static BOOK: OnceLock<fixture::Book> = OnceLock::new();
    BOOK.get_or_init(|| {
        let mut book = fixture::Book::new()
            .chapter("01-people", "Leading people")
            .chapter("02-strategy", "Strategy and mission")
            .chapter("03-change", "Leading change");
        for (rel, title, summary, body) in LESSONS {
            book = book.file(
                &format!("content/{rel}"),
                format!("---\ntitle: \"{title}\"\nsummary: \"{summary}\"\n---\n{body}"),
            );
        }
        for (id, title, lesson, kind, objective) in EXERCISES {
            let dir = if lesson.starts_with("people") {
                "01-people"
            } else {
                "02-strategy"
            };
            book = book.file(
                &format!("content/{dir}/{id}.exercise.yaml"),
                format!(
                    "id: {id}\ntitle: \"{title}\"\nlesson: {lesson}\nkind: {kind}\nduration: 20\n\
                     objectives:\n  - \"{objective}\"\nsteps:\n  - Work in pairs.\n  - Share one insight with the group.\n"
                ),
            );
        }
        book.build().ok();
        book
    })
}

/// Titles of the best results, in order.
fn top(b: &Browser, q: &str, n: usize) -> Vec<String> {
    let v = b.eval(&format!(
        "return window.__hbSearchApi.search({}, {{limit: {n}}}).then(o => o.results.map(r => r.title))",
        serde_json::to_string(q).unwrap()
    ));
    serde_json::from_value(v).unwrap()
}

/// Query → the expected best result (and, where it matters, the second).
const EXPECTED: &[(&str, &[&str])] = &[
    // Plain words: the page or section titled with them first.
    ("feedback", &["Giving feedback that lands"]),
    ("one-to-one meetings", &["Running one-to-one meetings"]),
    ("listening", &["Listening more than talking"]),
    ("resistance", &["Resistance is information"]),
    ("prioritisation", &["Prioritisation under pressure"]),
    // Stemming: other forms of the same word.
    ("interviewing", &["Structured interviews"]),
    ("structured interview", &["Structured interviews"]),
    ("delegating outcomes", &["Delegating outcomes, not tasks"]),
    // Proximity: both words, side by side.
    ("mission statement", &["A clear mission statement"]),
    // Exercises rank by their title, kind and objectives too.
    ("role play feedback", &["Feedback role-play"]),
    // Stop words alone do not flood: "the" is dropped here.
    ("the urgent", &["The urgent and the important"]),
    // Typos: one edit for four letters and more, two from eight.
    ("feedbak", &["Giving feedback that lands"]),
    ("misison statement", &["A clear mission statement"]),
    ("micromanagment", &["Checking in without micromanagement"]),
    ("onbaording", &["Onboarding the first ninety days"]),
    // The word being typed matches as a prefix.
    ("onboa", &["Onboarding the first ninety days"]),
    ("delegation lad", &["Delegation ladder"]),
    // …and its likelier completion, the common word, comes before a rare
    // one ("misread", in one heading) and before the rare word that is
    // the prefix itself ("mis-sold"): rarity alone does not win.
    ("mis", &["Strategy and mission"]),
    // Phrases: the words together, in order.
    ("\"key results\"", &["Objectives and key results"]),
    ("\"saying no\"", &["Saying no"]),
    // Negations are words, not stop words: the phrase needs its "not".
    (
        "\"not their manager\"",
        &["Onboarding the first ninety days"],
    ),
];

#[test]
fn expected_results_come_first() {
    let b = browser();
    b.goto(&file_url(&book().out("index.html")));
    let mut failures = Vec::new();
    for (q, want) in EXPECTED {
        let got = top(&b, q, want.len().max(5));
        eprintln!("{q:?} → {got:?}");
        if got.len() < want.len()
            || got[..want.len()] != want.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]
        {
            failures.push(format!("{q:?}: expected {want:?} first, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(b.js_errors().is_empty(), "{:?}", b.js_errors());
}

#[test]
fn exact_matches_rank_above_fuzzy_ones() {
    let b = browser();
    b.goto(&file_url(&book().out("index.html")));
    // "intreviews" is one edit from "interviews": the same best page, found
    // with one word exact instead of two.
    let exact = b.eval(
        "return window.__hbSearchApi.search('structured interviews', {limit: 20}).then(o => o.results.map(r => [r.title, r.exact, r.matched]))",
    );
    let fuzzy = b.eval(
        "return window.__hbSearchApi.search('structured intreviews', {limit: 20}).then(o => o.results.map(r => [r.title, r.exact, r.matched]))",
    );
    let (exact, fuzzy) = (exact.as_array().unwrap(), fuzzy.as_array().unwrap());
    assert_eq!(exact[0][0], "Structured interviews");
    assert_eq!(fuzzy[0][0], "Structured interviews");
    assert_eq!(exact[0][1], 2);
    assert_eq!(fuzzy[0][1], 1);
    // A page holding both words, one through the typo, ranks above pages
    // holding only the exactly spelt word ("questions" is in several).
    let mixed = b.eval(
        "return window.__hbSearchApi.search('questions intreviews', {limit: 20}).then(o => o.results.map(r => [r.title, r.exact, r.matched]))",
    );
    let mixed = mixed.as_array().unwrap();
    let with_both = mixed
        .iter()
        .position(|r| r[2] == 2)
        .unwrap_or_else(|| panic!("no page with both words: {mixed:?}"));
    let exact_only = mixed
        .iter()
        .position(|r| r[2] == 1 && r[1] == 1)
        .unwrap_or_else(|| panic!("no page with only the exact word: {mixed:?}"));
    assert!(with_both < exact_only, "{mixed:?}");
}

#[test]
fn stop_words_alone_still_find_titles() {
    let b = browser();
    b.goto(&file_url(&book().out("index.html")));
    // Only stop words: titles that hold them.
    let got = top(&b, "the", 10);
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|t| t.to_lowercase().split(' ').any(|w| w == "the")),
        "{got:?}"
    );
}
