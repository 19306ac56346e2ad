//! Exercises, the catalogue, editions and workshop agendas.

mod fixture;

use fixture::Book;

const LESSON: &str =
    "---\ntitle: The Lesson\n---\n## Practice\n\n{{ exercise: listen }}\n\nAfter.\n";

fn exercise(id: &str, extra: &str) -> String {
    format!("id: {id}\ntitle: Exercise {id}\nlesson: ch/lesson\nkind: discussion\nduration: 20\n{extra}")
}

fn book() -> Book {
    Book::new()
        .chapter("ch", "Chapter")
        .file("content/ch/lesson.md", LESSON)
}

#[test]
fn exercises_render_as_cards_inline_on_their_own_page_and_in_the_catalogue() {
    let b = book()
        .file(
            "content/ch/listen.exercise.yaml",
            exercise(
                "listen",
                "group: { type: small-group, min: 3, max: 5 }\ndifficulty: intermediate\ncompetencies: [listening]\nobjectives: [Hear the person]\nmaterials: [Timer]\npreparation: Read the **lesson**.\nsteps:\n  - minutes: 5\n    text: Pair up.\n  - Talk about [the lesson](lesson.md#practice).\nvariations: [Do it online.]\n",
            ),
        )
        .file("content/ch/reflect.exercise.yaml", exercise("reflect", "").replace("discussion", "reflection"));
    b.build().ok().no_warnings();
    let lesson = b.main("ch/lesson.html");
    // Inline placement where the lesson put it, and the cards section.
    let inline = lesson.find("hb-inline-exercise").expect("inline card");
    assert!(inline < lesson.find("After.").unwrap());
    assert!(lesson.contains(r#"href="../exercises/listen.html""#));
    assert!(lesson.contains("Small group (3–5)"));
    assert!(lesson.contains("20 min"));
    assert!(lesson.contains("Hear the person"));
    assert!(lesson.contains("Exercise reflect"));
    // The cards section lists only what the text does not already show.
    assert_eq!(
        lesson.matches(r#"href="../exercises/listen.html""#).count(),
        1
    );
    assert!(lesson.contains(r#"href="../exercises/reflect.html""#));
    // "On this page" leads to the section too, after the text's headings.
    let page = b.page("ch/lesson.html");
    let toc = &page[page.find("hb-toc").expect("on this page")..];
    let practice = toc.find(r##"href="#practice""##).unwrap();
    assert!(toc[practice..].contains(r##"<a href="#hb-exercises-title">Exercises</a>"##));
    // The exercise page, formatted for running it.
    let page = b.main("exercises/listen.html");
    for s in [
        "Exercise listen",
        "Discussion",
        "Intermediate",
        "Timer",
        "Read the <strong>lesson</strong>",
        "Pair up.",
        "Do it online.",
        r##"href="../ch/lesson.html#practice""##,
    ] {
        assert!(page.contains(s), "exercise page lacks {s}");
    }
    assert!(
        !page.contains("hb-step-time"),
        "timings are for facilitators"
    );
    // The catalogue lists every exercise with its filter data.
    let cat = b.main("exercises/index.html");
    assert!(cat.contains(r#"data-kind="discussion" data-duration="20" data-group="small-group" data-difficulty="intermediate" data-competencies="listening""#), "{cat}");
    assert!(cat.contains(r#"data-kind="reflection""#));
    assert!(cat.contains("2 exercises"));
    assert!(cat.contains(r#"<option value="listening">Listening (1)</option>"#));
}

/// The catalogue follows the book: exercises in the order of their
/// lessons, not in the order of their ids.
#[test]
fn catalogue_lists_exercises_in_reading_order() {
    let b = Book::new()
        .chapter("ch", "Chapter")
        .lesson("ch/01-first.md", "First", "One.\n")
        .lesson("ch/02-second.md", "Second", "Two.\n")
        .file("content/ch/a.exercise.yaml", "id: a\ntitle: Alpha\nlesson: ch/second\nkind: discussion\nduration: 5\ncompetencies: [active-listening, Giving Feedback]\n")
        .file("content/ch/b.exercise.yaml", "id: b\ntitle: Bravo\nlesson: ch/first\nkind: discussion\nduration: 5\n")
        .file("content/ch/c.exercise.yaml", "id: c\ntitle: Charlie\nlesson: ch/second\nkind: discussion\nduration: 5\n");
    b.build().ok().no_warnings();
    let cat = b.main("exercises/index.html");
    let at = |t: &str| cat.find(t).unwrap_or_else(|| panic!("{t} missing"));
    assert!(at(">Bravo<") < at(">Alpha<") && at(">Bravo<") < at(">Charlie<"));
    // Slugs read as words; other names stay as written.
    assert!(cat.contains(r#"<option value="active-listening">Active listening (1)</option>"#));
    assert!(cat.contains(r#"<option value="Giving Feedback">Giving Feedback (1)</option>"#));
}

#[test]
fn validation_errors_are_exact_and_all_reported() {
    let b = book()
        .file("content/ch/listen.exercise.yaml", exercise("listen", "objectivs: [x]\n"))
        .file("content/ch/a.exercise.yaml", exercise("dup", "").replace("duration: 20", "duration: long"))
        .file("content/ch/b.exercise.yaml", exercise("neg", "").replace("duration: 20", "duration: -5"))
        .file("content/ch/c.exercise.yaml", exercise("nolesson", "").replace("ch/lesson", "ch/lessen"))
        .file("content/ch/d.exercise.yaml", exercise("dup2", ""))
        .file("content/ch/e.exercise.yaml", exercise("dup2", ""))
        .file(
            "content/ch/f.exercise.yaml",
            exercise("quiz1", "questions:\n  - question: Q?\n    choices: [a, b]\n    answer: 3\n  - question: R?\n    choices: [a, b]\n    answer: []\n").replace("discussion", "quiz"),
        )
        .file("content/ch/g.exercise.yaml", exercise("emptyquiz", "").replace("discussion", "quiz"))
        .file("content/ch/h.exercise.yaml", exercise("badgroup", "group: { type: pairs, min: 4, max: 2 }\n"))
        .file("content/ch/i.exercise.yaml", exercise("badkind", "").replace("discussion", "lecture"));
    b.build().fails(1).says(&[
        "content/ch/listen.exercise.yaml:6:1",
        "unknown key `objectivs`",
        "did you mean `objectives`?",
        "content/ch/a.exercise.yaml:5:11",
        "`duration`: invalid type: string \"long\"",
        "content/ch/b.exercise.yaml:5:11",
        "expected a whole number",
        "content/ch/c.exercise.yaml:3:9",
        "no lesson with id `ch/lessen`",
        "did you mean `ch/lesson`?",
        "content/ch/e.exercise.yaml:1:5",
        "duplicate exercise id `dup2`",
        "content/ch/d.exercise.yaml",
        "content/ch/f.exercise.yaml:9:13",
        "answer 3 does not exist: the question has 2 choices",
        "content/ch/f.exercise.yaml:12:5",
        "this question has no correct answer",
        "content/ch/g.exercise.yaml:4:7",
        "a quiz needs `questions`",
        "content/ch/h.exercise.yaml:6:28",
        "group `min` (4) is larger than `max` (2)",
        "content/ch/i.exercise.yaml:4:7",
        "`kind`: unknown value `lecture`",
        "use one of `reflection`, `discussion`, `role-play`, `field-exercise`, `self-assessment`, `quiz`",
        "10 errors",
    ]);
}

/// Markdown in exercise fields is read in the Markdown stage, with the
/// pages: its errors point at their key and come in the same run as the
/// pages' errors.
#[test]
fn markdown_errors_in_exercise_fields_are_located_and_reported_with_the_rest() {
    let b = book()
        .file(
            "content/ch/listen.exercise.yaml",
            exercise(
                "listen",
                "steps:\n  - Pair up.\n  - Read [the notes](notes.md).\n",
            ),
        )
        .file(
            "content/ch/other.md",
            "---\ntitle: Other\n---\nSee [it](gone.md).\n",
        );
    b.build().fails(1).says(&[
        "content/ch/listen.exercise.yaml:8:10",
        "link to missing file `notes.md`",
        "content/ch/other.md:4:5",
        "link to missing file `gone.md`",
        "2 errors",
    ]);
}

/// Links in exercise and workshop Markdown are checked as a lesson's are,
/// anchors too, and each problem is reported at the link itself, inside
/// the YAML block or list item that holds it.
#[test]
fn links_in_yaml_markdown_are_checked_and_located_at_the_link() {
    let b = book()
        .file(
            "content/ch/listen.exercise.yaml",
            exercise(
                "listen",
                "preparation: |\n  First line.\n  See [practice](lesson.md#practise).\nsteps:\n  - minutes: 5\n    text: >\n      Pair up, then\n      read [it](lesson.md#nowhere).\nvariations:\n  - one\n  - |\n    two\n    three [x](missing.md)\n",
            ),
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\ndescription: |\n  Before the day,\n  read [the lesson](../ch/lesson.md#practise).\nsessions:\n  - exercise: listen\n",
        );
    b.run(&["check", ".", "--edition", "participant"])
        .fails(1)
        .says(&[
            "content/ch/listen.exercise.yaml:8:7",
            "no heading `#practise` in `content/ch/lesson.md`",
            "did you mean `#practice`?",
            "content/ch/listen.exercise.yaml:13:12",
            "no heading `#nowhere` in `content/ch/lesson.md`",
            "content/ch/listen.exercise.yaml:18:11",
            "link to missing file `missing.md`",
            "content/workshops/day.yaml:5:8",
            "4 errors",
        ]);
}

/// A workshop's run-sheet shows its exercises' facilitator notes. Their
/// links resolve from the exercise file, and a broken one is reported
/// once, in the exercise file, not again in every workshop.
#[test]
fn exercise_notes_in_a_run_sheet_are_linked_and_reported_once() {
    let notes = "facilitator_notes: |\n  Read [the lesson](lesson.md) and [this](gone.md).\n";
    let b = book()
        .file("content/ch/listen.exercise.yaml", exercise("listen", notes))
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: listen\n",
        );
    let run = b
        .run(&["check", ".", "--edition", "facilitator"])
        .fails(1)
        .says(&[
            "content/ch/listen.exercise.yaml:7:36",
            "link to missing file `gone.md`",
            "1 error",
        ]);
    assert!(!run.stderr.contains("day.yaml"), "{}", run.stderr);
    b.write(
        "content/ch/listen.exercise.yaml",
        exercise(
            "listen",
            "facilitator_notes: Read [the lesson](lesson.md).\n",
        ),
    );
    b.run(&["build", ".", "--edition", "facilitator"]).ok();
    let sheet =
        std::fs::read_to_string(b.path().join("site-facilitator/workshops/day.html")).unwrap();
    assert!(sheet.contains(r#"href="../ch/lesson.html""#), "{sheet}");
}

#[test]
fn inline_placement_of_a_missing_exercise_is_located() {
    let b = book();
    b.build()
        .fails(1)
        .says(&["content/ch/lesson.md:6:1", "no exercise with id `listen`"]);
}

/// A placement written so that it is not one is an error, not literal
/// braces on the published page; braces and code that are not about
/// exercises are left alone.
#[test]
fn placements_that_are_not_placements_are_errors() {
    let body = "---\ntitle: The Lesson\n---\n{{ exercice: listen }}\n\n{{ Exercise: listen }}\n\n{ exercise: listen }\n\nSee {{ exercise: listen }} here.\n\n- {{ exercise: listen }}\n\nFine {braces}, {{ other }} and `{{ exercise: listen }}`.\n\n```\n{{ exercise: listen }}\n```\n\n{{ exercise: listen }}\n";
    let b = Book::new()
        .chapter("ch", "Chapter")
        .file("content/ch/lesson.md", body)
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""));
    let run = b.build().fails(1).says(&[
        "content/ch/lesson.md:4:1",
        "`{{ exercice: listen }}` is not an exercise placement",
        "write `{{ exercise: listen }}` as a paragraph of its own",
        "content/ch/lesson.md:6:1",
        "`{{ Exercise: listen }}` is not an exercise placement",
        "content/ch/lesson.md:8:1",
        "`{ exercise: listen }` is not an exercise placement",
        "content/ch/lesson.md:10:5",
        "an exercise placement must be a paragraph of its own",
        "content/ch/lesson.md:12:3",
        "build failed: 5 errors",
    ]);
    assert!(!run.stderr.contains(":14:"), "{}", run.stderr);
}

const MARKERS: [&str; 7] = [
    "LEAK-NOTES-7f3a",
    "LEAK-DEBRIEF-91c2",
    "LEAK-CALLOUT-55de",
    "LEAK-RUNSHEET-0b8e",
    "LEAK-NOTEKEY-e4d1",
    "LEAK-QUIZNOTES-aa01",
    "LEAK-AGENDACALLOUT-c4f2",
];

#[test]
fn facilitator_text_never_reaches_the_participant_edition() {
    let b = Book::new()
        .file("book.toml", "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n")
        .chapter("ch", "Chapter")
        .file("content/ch/lesson.md", format!("---\ntitle: L\n---\n## Part\n\n> [!FACILITATOR]\n> Say {} now.\n\n{{{{ exercise: listen }}}}\n", MARKERS[2]))
        .file("content/ch/listen.exercise.yaml", exercise("listen", &format!("facilitator_notes: |\n  Watch for {}.\ndebrief:\n  - Ask {}?\n", MARKERS[0], MARKERS[1])))
        .file("content/ch/quiz.exercise.yaml", exercise("quiz", &format!("facilitator_notes: {}\nquestions:\n  - question: Q?\n    choices: [a, b]\n    answer: 1\n", MARKERS[5])).replace("discussion", "quiz"))
        .file("content/workshops/day.yaml", format!("title: Day\nstart: \"09:00\"\ndescription: |\n  A day.\n\n  > [!FACILITATOR]\n  > Hint {}.\nsessions:\n  - exercise: listen\n    notes: Remember {}.\n  - activity: Close\n    duration: 5\n    notes: |\n      {}\n", MARKERS[6], MARKERS[3], MARKERS[4]));
    b.build().ok().no_warnings();
    let participant = fixture::snapshot(&b.path().join("site"));
    assert!(participant.len() > 10);
    for (path, bytes) in &participant {
        let text = String::from_utf8_lossy(bytes);
        for m in MARKERS {
            assert!(
                !text.contains(m),
                "{m} leaked into the participant edition's {path}"
            );
        }
    }
    let facilitator = fixture::snapshot(&b.path().join("site-facilitator"));
    let all: String = facilitator
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    for m in MARKERS {
        assert!(all.contains(m), "{m} missing from the facilitator edition");
    }
    let ex =
        std::fs::read_to_string(b.path().join("site-facilitator/exercises/listen.html")).unwrap();
    assert!(ex.contains("Facilitator notes") && ex.contains("Debrief"));
    // The facilitator edition has the quiz's answer key; the participant one does not.
    let quiz = |dir: &str| {
        std::fs::read_to_string(b.path().join(dir).join("exercises/quiz.html")).unwrap()
    };
    assert!(
        quiz("site-facilitator").contains(
            r#"<h2 id="hb-ex-key">Answer key</h2><ol>
<li value="1"><strong>a</strong></li>"#
        ),
        "{}",
        quiz("site-facilitator")
    );
    assert!(!quiz("site").contains("Answer key"));
    assert!(
        std::fs::read_to_string(b.path().join("site-facilitator/workshops/day.html"))
            .unwrap()
            .contains("Run-sheet")
    );
}

/// A workshop prints as a pack to run it from: its agenda, then each
/// lesson and exercise it runs, in full, in the order it runs them and each
/// once; links to them (and into them) lead within the pack, and ids stay
/// apart.
#[test]
fn a_workshop_prints_as_a_pack_of_its_agenda_lessons_and_exercises() {
    let b = pack_book().file(
        "book.toml",
        "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
    );
    b.build().ok().no_warnings();
    let page = b.main("workshops/day.html");
    assert!(
        page.contains(r#"<a class="hb-button hb-button-quiet" href="day/print.html">Open the pack to print</a>"#),
        "{page}"
    );
    for (site, facilitator) in [("site", false), ("site-facilitator", true)] {
        let file = b.path().join(site).join("workshops/day/print.html");
        let pack = fixture::main_of(&std::fs::read_to_string(&file).unwrap());
        let titles: Vec<&str> = (pack.split("<h1>").skip(1))
            .map(|s| s.split("</h1>").next().unwrap())
            .collect();
        assert_eq!(
            titles,
            [
                "Day",
                "Exercise reflect",
                "The Lesson",
                "Exercise listen",
                "Café"
            ]
        );
        for s in [
            "Pair up.",
            "Hear the person",
            "Write it down",
            "After.",
            "Tea",
            "Know it",
        ] {
            assert!(pack.contains(s), "the pack lacks {s}: {pack}");
        }
        assert_eq!(pack.contains("What did you hear?"), facilitator, "{pack}");
        // An exercise's notes are in its section, not again in the agenda
        // (the run-sheet page folds them under its row).
        assert_eq!(
            pack.matches("Mind the clock.").count(),
            usize::from(facilitator)
        );
        let runsheet = std::fs::read_to_string(b.path().join(site).join("workshops/day.html"));
        assert_eq!(runsheet.unwrap().contains("Mind the clock."), facilitator);
        // Facilitators see how much of an exercise its timed steps fill.
        assert_eq!(pack.contains("Timed steps: 5 of 20 minutes."), facilitator);
        assert_eq!(
            pack.contains("Every step is timed: 20 minutes in all."),
            facilitator
        );
        // On screen, each item leads back to the agenda.
        assert_eq!(
            pack.matches(r##"<a href="#hb-pack-agenda">Back to the agenda</a>"##)
                .count(),
            4
        );
        // Each item says when it runs; one run twice, both times.
        for when in [
            ">09:00–09:20<",
            ">Lesson · 09:20–09:50<",
            ">09:50–10:10, 10:25–10:45<",
            ">Lesson · 10:45–10:55<",
        ] {
            assert!(pack.contains(when), "{when}: {pack}");
        }
        // Every id once; every label and link within the pack finds its
        // target, and every other relative link its file.
        let values = |attr: &str| -> Vec<String> {
            (pack.split(&format!(" {attr}=\"")).skip(1))
                .map(|s| s.split('"').next().unwrap().to_string())
                .collect()
        };
        let ids = values("id");
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        for id in values("aria-labelledby") {
            assert!(unique.contains(&id), "aria-labelledby={id} has no element");
        }
        for href in values("href") {
            if let Some(id) = href.strip_prefix('#') {
                assert!(unique.contains(&id.to_string()), "no #{id} in the pack");
            } else if !href.contains(':') {
                let path = href.split(['#', '?']).next().unwrap();
                let target = file.parent().unwrap().join(path);
                assert!(target.exists(), "{href} leads nowhere");
            }
        }
        // The agenda (twice: two sessions) and the lesson's exercise card
        // lead to the exercise in the pack.
        let anchor_of = |title: &str| -> String {
            let at = pack.find(&format!("<h1>{title}</h1>")).unwrap();
            let id = pack[..at].rsplit(" id=\"").next().unwrap();
            id[..id.find('"').unwrap()].to_string()
        };
        let listen = anchor_of("Exercise listen");
        assert_eq!(
            pack.matches(&format!(r##"href="#{listen}""##)).count(),
            3,
            "{pack}"
        );
        assert!(!pack.contains("exercises/listen.html"), "{pack}");
        // Links into a lesson the pack holds, from an exercise and from a
        // lesson, lead to its heading there (as the heading's own link
        // does); so does a link written percent-encoded (a file name with
        // an accent).
        let lesson = anchor_of("The Lesson");
        assert_eq!(
            pack.matches(&format!(r##"href="#{lesson}-practice""##))
                .count(),
            3,
            "{pack}"
        );
        assert!(
            pack.contains(&format!(r##"href="#{}""##, anchor_of("Café"))),
            "{pack}"
        );
        assert!(
            !pack.contains("ch/lesson.html") && !pack.contains("ch/caf"),
            "{pack}"
        );
    }
}

/// A handbook with three lessons, two exercises and a workshop that runs
/// them all (one exercise twice).
fn pack_book() -> Book {
    book()
        .file(
            "content/ch/listen.exercise.yaml",
            exercise(
                "listen",
                "objectives: [Hear the person]\nsteps:\n  - minutes: 5\n    text: Pair up.\n  - Talk about [the lesson](lesson.md#practice).\ndebrief: [What did you hear?]\nfacilitator_notes: Mind the clock.\n",
            ),
        )
        .file(
            "content/ch/reflect.exercise.yaml",
            exercise("reflect", "objectives: [Look back]\nsteps:\n  - minutes: 20\n    text: Write it down, as [the café](café.md) says.\n"),
        )
        .file(
            "content/ch/café.md",
            "---\ntitle: Café\nobjectives: [Know it]\n---\n## Objectives\n\nAs in [practice](lesson.md#practice).\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: reflect\n  - lesson: ch/lesson\n    duration: 30\n  - exercise: listen\n  - break: Tea\n    duration: 15\n  - exercise: listen\n  - lesson: ch/café\n    duration: 10\n",
        )
}

/// A theme's own `print.html` (for chapters and the whole handbook) and an
/// `exercise.html` without an `<article>` leave the pack whole: it is
/// printed with its own template, and shows such a page's main content.
#[test]
fn a_themes_print_view_leaves_the_pack_whole() {
    let b = pack_book()
        .file("book.toml", "title = \"T\"\ntheme = \"house\"\n")
        .file(
            "themes/house/templates/print.html",
            "{% extends \"base.html\" %}{% block main %}{% for p in page.pages %}<h1>{{ p.title }}</h1>{% endfor %}{% endblock main %}",
        )
        .file(
            "themes/house/templates/exercise.html",
            "{% extends \"base.html\" %}{% block main %}<section><h1>{{ page.card.title }}</h1><p>Own layout.</p></section>{% endblock main %}",
        );
    b.build().ok().no_warnings();
    let pack = b.main("workshops/day/print.html");
    for s in ["Agenda", "Tea", "Own layout.", "Exercise listen", "After."] {
        assert!(pack.contains(s), "the pack lacks {s}: {pack}");
    }
    assert!(
        !b.main("ch/print.html").contains("After."),
        "the theme's print view"
    );
}

/// A workshop's agenda is in the search index: its title, what it covers
/// (lessons, exercises, activities and breaks by name) and its
/// description, marked as a workshop for the filters; its sessions' notes
/// only in the facilitator edition, the only one that shows them.
#[test]
fn a_workshop_agenda_is_searchable() {
    let b = book()
        .file("book.toml", "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n")
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""))
        .file(
            "content/workshops/day.yaml",
            "title: Quokka day\nstart: \"09:00\"\ndescription: A morning on *wombats*.\nsessions:\n  - lesson: ch/lesson\n    duration: 30\n    notes: Mention numbats.\n  - exercise: listen\n  - break: Tea and biscuits\n    duration: 15\n",
        );
    b.build().ok();
    let docs = |dir: &str| -> String {
        std::fs::read_dir(b.path().join(dir).join("_search/d"))
            .unwrap()
            .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
            .collect()
    };
    let participant = docs("site");
    assert!(
        participant.contains(
            r#"{"kind":"workshop","url":"workshops/day.html","title":"Quokka day","crumbs":[]"#
        ),
        "{participant}"
    );
    assert!(
        participant.contains(r#"["Quokka day","","The Lesson. Exercise listen. Tea and biscuits","A morning on wombats."]"#),
        "{participant}"
    );
    assert!(!participant.contains("numbats"), "{participant}");
    assert!(docs("site-facilitator").contains("A morning on wombats. Mention numbats."));
    // The manifest lists it apart from the exercises: the last document.
    let manifest = std::fs::read_to_string(b.path().join("site/_search/manifest.js")).unwrap();
    let n = manifest.split(r#""docs":"#).nth(1).unwrap();
    let n: u32 = n[..n.find(',').unwrap()].parse().unwrap();
    let mut last = String::new();
    handbook::search::encode::varint(&mut last, u64::from(n - 1));
    assert!(
        manifest.contains(&format!(r#""workshops":"{last}""#)),
        "{manifest}"
    );
}

#[test]
fn agenda_times_cross_midnight_and_warn_about_overruns() {
    let b = book()
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""))
        .file(
            "content/workshops/night.yaml",
            "title: Night shift\nstart: \"23:30\"\nlength: 60\nsessions:\n  - activity: Welcome\n    duration: 20\n  - exercise: listen\n    duration: 15\n  - break: Tea\n    duration: 10\n  - lesson: ch/lesson\n    duration: 30\n",
        );
    b.build().ok().says(&[
        "content/workshops/night.yaml:8:15",
        "`listen` takes 20 minutes but its slot has 15",
        "content/workshops/night.yaml:3:9",
        "the sessions take 1 h 15 min but the workshop is 1 h long",
    ]);
    let page = b.main("workshops/night.html");
    for s in [
        "23:30–23:50",
        "23:50–00:05 (+1 day)",
        "00:05 (+1 day)–00:15 (+1 day)",
        "00:15 (+1 day)–00:45 (+1 day)",
        "1 h 15 min",
    ] {
        assert!(page.contains(s), "agenda lacks {s}:\n{page}");
    }
    assert!(page.contains("(planned length 1 h)"), "{page}");
    // A plan that fills its length exactly does not repeat it.
    b.write(
        "content/workshops/night.yaml",
        "title: Night shift\nstart: \"23:30\"\nlength: 75\nsessions:\n  - activity: Welcome\n    duration: 75\n",
    );
    b.build().ok();
    let page = b.main("workshops/night.html");
    assert!(page.contains("1 h 15 min"), "{page}");
    assert!(!page.contains("planned length"), "{page}");
}

#[test]
fn workshop_errors_are_located() {
    let b = book().file(
        "content/workshops/w.yaml",
        "title: W\nstart: \"9am\"\nsessions: []\n",
    );
    b.build()
        .fails(1)
        .says(&["content/workshops/w.yaml:2:8", "`9am` is not a time"]);
    let b = book().file("content/workshops/w.yaml", "title: W\nstart: \"09:00\"\nsessions:\n  - exercise: nope\n  - lesson: ch/lessn\n  - break: B\n");
    b.build().fails(1).says(&[
        "content/workshops/w.yaml:4:15",
        "no exercise with id `nope`",
        "content/workshops/w.yaml:5:13",
        "no lesson with id `ch/lessn`",
        "did you mean `ch/lesson`?",
        "content/workshops/w.yaml:6:5",
        "this session has no duration",
    ]);
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&handbook::exercise::json_schema()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[test]
fn json_schema_accepts_every_shipped_exercise_and_rejects_invalid_ones() {
    let v = validator();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(fixture::repo().join("content")) {
        let entry = entry.unwrap();
        if entry
            .file_name()
            .to_string_lossy()
            .ends_with(".exercise.yaml")
        {
            let json =
                handbook::exercise::file_as_json(&std::fs::read_to_string(entry.path()).unwrap())
                    .unwrap();
            let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
            checked += 1;
        }
    }
    assert!(
        checked >= 9,
        "the sample handbook ships at least nine exercises"
    );
    let valid = exercise(
        "ok",
        "group: pairs\nsteps:\n  - plain\n  - minutes: 3\n    text: timed\nquestions: []\n",
    );
    assert!(v.is_valid(&handbook::exercise::file_as_json(&valid).unwrap()));
    for bad in [
        exercise("x", "objectivs: [x]\n"),
        exercise("x", "").replace("duration: 20", "duration: -5"),
        exercise("x", "").replace("duration: 20", "duration: long"),
        exercise("x", "").replace("discussion", "lecture"),
        exercise("Bad Id", ""),
        exercise("x", "group: { type: crowd }\n"),
        exercise("x", "steps:\n  - minutes: 3\n").to_string(),
        exercise(
            "x",
            "questions:\n  - question: q\n    choices: [a]\n    answer: 1\n",
        ),
        "title: no id\n".to_string(),
    ] {
        let json = handbook::exercise::file_as_json(&bad).unwrap();
        assert!(!v.is_valid(&json), "schema accepted:\n{bad}");
    }
}

#[test]
fn exercise_search_text_follows_the_page_renderer() {
    let b = book().file(
        "content/ch/listen.exercise.yaml",
        exercise(
            "listen",
            "steps:\n  - Name it in snake_case, then *stress* the `code`.\n  - \"Raw <b>html</b> stays out.\"\n  - |\n    > [!FACILITATOR]\n    > Whisper the zyxhidden answer.\n",
        ),
    );
    b.build().ok();
    let docs = b.search_docs();
    let doc = docs
        .iter()
        .find(|d| d.contains("Exercise listen"))
        .expect("the exercise is indexed");
    // The words as the page shows them: emphasis and code marks gone, but
    // not the underscore inside a word.
    assert!(doc.contains("snake_case, then stress the code."), "{doc}");
    // Raw HTML tags are shown escaped on the page but are not text to
    // search; the words between them are.
    assert!(!doc.contains("<b>"), "{doc}");
    assert!(doc.contains("Raw html stays out."), "{doc}");
    // Facilitator-only callouts stay out of the participant index.
    assert!(!doc.contains("zyxhidden"), "{doc}");
}

/// A chapter's print view holds each page as its page shows it: summary,
/// duration, objectives, the exercise cards placed in the text, and ids
/// that stay unique when two lessons share a heading.
#[test]
fn print_view_holds_whole_lessons_with_unique_ids() {
    let b = book()
        .file(
            "content/ch/lesson.md",
            "---\ntitle: The Lesson\nsummary: Why it matters.\nduration: 15\nobjectives: [Name the habit]\n---\nSee [below](#practice).\n\n## Practice\n\n{{ exercise: listen }}\n\nAfter.\n",
        )
        .lesson("ch/second.md", "Second", "## Practice\n\nAgain.\n")
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""));
    b.build().ok().no_warnings();
    let print = b.main("ch/print.html");
    assert!(print.contains("Why it matters."), "{print}");
    assert!(print.contains("15 min"));
    assert!(print.contains("Name the habit"));
    assert!(
        !print.contains("hb:exercise"),
        "markers are replaced: {print}"
    );
    let card = print.find("hb-inline-exercise").expect("the exercise card");
    assert!(card < print.find("After.").unwrap());
    assert!(print.contains(r#"href="../exercises/listen.html""#));
    let mut ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique: {ids:?}");
    // In-page links follow their ids.
    let link = print
        .split("href=\"#")
        .nth(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .unwrap();
    assert!(ids.contains(&link), "{link} among {ids:?}");
}

/// "All pages" (and the search page, the fallback without JavaScript)
/// lists the exercises and workshops too, not only the book's pages.
#[test]
fn all_pages_lists_exercises_and_workshops() {
    let b = book()
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""))
        .file(
            "content/workshops/day.yaml",
            "title: Day one\nstart: \"09:00\"\nsessions:\n  - exercise: listen\n",
        );
    b.build().ok().no_warnings();
    for page in ["contents.html", "search.html"] {
        let main = b.main(page);
        assert!(
            main.contains(r#"<a href="ch/lesson.html">The Lesson</a>"#),
            "{main}"
        );
        assert!(
            main.contains(r#"<a href="exercises/listen.html">Exercise listen</a>"#),
            "{main}"
        );
        assert!(
            main.contains(r#"<a href="workshops/day.html">Day one</a>"#),
            "{main}"
        );
    }
}

/// Durations longer than a day are errors, not totals that wrap around.
#[test]
fn durations_longer_than_a_day_are_refused() {
    let b = book()
        .file("content/ch/listen.exercise.yaml", exercise("listen", "").replace("duration: 20", "duration: 5000"))
        .file("content/ch/long.md", "---\ntitle: Long\nduration: 1441\n---\nText.\n")
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - activity: Long\n    duration: 4294967295\n  - activity: Short\n    duration: 2\n",
        );
    b.build().fails(1).says(&[
        "content/ch/listen.exercise.yaml:5:",
        "a duration of 5000 minutes is longer than a day",
        "content/workshops/day.yaml:5:15",
        "a session of 4294967295 minutes is longer than a day",
        "content/ch/long.md:3:11",
        "a duration of 1441 minutes is longer than a day",
        "give the time in whole minutes, from 1 to 1440",
    ]);
}

/// A session of no minutes is an error at its number, whatever the
/// session is: an agenda row `09:00–09:00 · 0 min` is a typo, and an
/// exercise slot of 0 is not a shorter variation.
#[test]
fn sessions_of_zero_minutes_are_refused() {
    let b = book()
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""))
        .file("content/ch/zero.md", "---\ntitle: Zero\nduration: 0\n---\nText.\n")
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - activity: Welcome\n    duration: 0\n  - break: Coffee\n    duration: 0\n  - lesson: ch/lesson\n    duration: 0\n  - exercise: listen\n    duration: 0\n  - lesson: ch/zero\n",
        );
    let run = b.check().fails(1).says(&[
        "content/workshops/day.yaml:5:15",
        "content/workshops/day.yaml:7:15",
        "content/workshops/day.yaml:9:15",
        "content/workshops/day.yaml:11:15",
        "a session must take at least 1 minute",
        "give the session's length in whole minutes, from 1 to 1440",
        // A lesson of 0 minutes is one error, in its front matter, not
        // also in the session that uses it.
        "content/ch/zero.md:3:11",
        "duration must be at least 1 minute",
        "check failed: 5 errors",
    ]);
    assert!(!run.stderr.contains("its slot has 0"), "{}", run.stderr);
    // An exercise of 0 minutes is one error, in its own file, not also in
    // each session that takes its duration.
    b.remove("content/ch/zero.md");
    b.write(
        "content/workshops/day.yaml",
        "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: listen\n",
    );
    b.write(
        "content/ch/listen.exercise.yaml",
        exercise("listen", "").replace("duration: 20", "duration: 0"),
    );
    b.check().fails(1).says(&[
        "content/ch/listen.exercise.yaml:5:1",
        "duration must be at least 1 minute",
        "check failed: 1 error\n",
    ]);
}

/// A workshop session of a lesson whose front matter has an error (here,
/// a duration over a day) does not also report that it has no duration.
#[test]
fn a_session_of_a_broken_lesson_is_not_also_without_a_duration() {
    let b = book()
        .file(
            "content/ch/long.md",
            "---\ntitle: Long\nduration: 5000\n---\nText.\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - lesson: ch/long\n",
        );
    let run = b.check().fails(1).says(&[
        "content/ch/long.md:3:1",
        "a duration of 5000 minutes is longer than a day",
    ]);
    assert!(!run.stderr.contains("no duration"), "{}", run.stderr);
}

/// Every problem in an exercise file is reported in one run, each at its
/// own key.
#[test]
fn every_problem_in_an_exercise_file_is_reported() {
    let text = exercise(
        "listen",
        "objectivs: [x]\ntags: 5\nquestions:\n  - question: Q?\n    choices: a\n    answer: 1\n",
    )
    .replace("duration: 20", "duration: zero");
    let b = book().file("content/ch/listen.exercise.yaml", text);
    b.check().fails(1).says(&[
        "content/ch/listen.exercise.yaml:5:11",
        "`duration`: invalid type: string \"zero\"",
        "content/ch/listen.exercise.yaml:6:1",
        "unknown key `objectivs`",
        "did you mean `objectives`?",
        "content/ch/listen.exercise.yaml:7:7",
        "`tags`: invalid type: integer `5`, expected a list",
        "content/ch/listen.exercise.yaml:10:14",
        "`questions[0].choices`: invalid type: string \"a\", expected a list",
    ]);
}

/// `group`, `steps` and `answer` take a word, a list or a mapping: a
/// problem inside one is reported where it is, in the words of the README.
#[test]
fn problems_in_kind_group_steps_and_answers_are_located() {
    let quiz = "questions:\n  - question: Q?\n    choices: [a, b]\n    answer: \"1\"\n";
    let steps = "steps:\n  - Pair up.\n  - { minutes: 5, txt: Talk. }\n";
    let b = book()
        .file("content/ch/a.exercise.yaml", exercise("a", "group: trio\n"))
        .file(
            "content/ch/b.exercise.yaml",
            exercise("b", "group:\n  type: small-group\n  maxx: 5\n"),
        )
        .file(
            "content/ch/c.exercise.yaml",
            exercise("c", quiz).replace("discussion", "quiz"),
        )
        .file(
            "content/ch/d.exercise.yaml",
            exercise("d", steps).replace("discussion", "reflexion"),
        );
    let run = b.check().fails(1).says(&[
        "content/ch/a.exercise.yaml:6:8",
        "`group`: unknown value `trio`",
        "use one of `solo`, `pairs`, `small-group`, `whole-group`",
        "content/ch/b.exercise.yaml:8:3",
        "unknown key `maxx`",
        "did you mean `max`?",
        "content/ch/c.exercise.yaml:9:13",
        "`questions[0].answer`: invalid type: string \"1\", expected a choice number counting from 1",
        "content/ch/d.exercise.yaml:4:7",
        "`kind`: unknown value `reflexion`",
        "did you mean `reflection`? The values allowed here are `reflection`, `discussion`, `role-play`, `field-exercise`, `self-assessment`, `quiz`",
        "content/ch/d.exercise.yaml:8:19",
        "unknown key `txt`",
        "did you mean `text`?",
    ]);
    for rust in ["enum", "variant", "struct"] {
        assert!(!run.stderr.contains(rust), "{}", run.stderr);
    }
}

/// An exercise file with a mistake is one error: the lessons and workshops
/// that place it do not also report it missing, and nothing is written.
#[test]
fn a_broken_exercise_file_is_one_error() {
    let b = book()
        .file(
            "content/ch/listen.exercise.yaml",
            exercise("listen", "").replace("discussion", "reflexion"),
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: listen\n",
        );
    let run = b.build().fails(1).says(&[
        "content/ch/listen.exercise.yaml:4:7",
        "`kind`: unknown value `reflexion`",
        "build failed: 1 error",
    ]);
    assert!(!run.stderr.contains("no exercise"), "{}", run.stderr);
    assert!(!b.exists(""), "nothing is written");
}

/// An exercise whose lesson is a draft is left out with it; whatever names
/// it says so, and `--drafts` brings both back.
#[test]
fn exercises_of_a_draft_lesson_are_drafts_too() {
    let b = Book::new()
        .chapter("ch", "Chapter")
        .file(
            "content/ch/lesson.md",
            "---\ntitle: The Lesson\nduration: 10\ndraft: true\n---\n{{ exercise: listen }}\n",
        )
        .lesson("ch/other.md", "Other", "")
        .file("content/ch/listen.exercise.yaml", exercise("listen", ""));
    b.build().ok().no_warnings();
    assert!(!b.exists("exercises/listen.html"));
    // It was the only one: there is no catalogue either.
    assert!(!b.exists("exercises/index.html"));
    b.write(
        "content/ch/other.md",
        "---\ntitle: Other\n---\n{{ exercise: listen }}\n",
    );
    b.write(
        "content/workshops/day.yaml",
        "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: listen\n  - lesson: ch/lesson\n",
    );
    b.build().fails(1).says(&[
        "content/ch/other.md:4:1",
        "exercise `listen` is of a draft lesson, left out of this build",
        "content/workshops/day.yaml:4:15",
        "content/workshops/day.yaml:5:13",
        "lesson `ch/lesson` is a draft, left out of this build",
        "hint: remove `draft: true` from `content/ch/lesson.md`, or include drafts with `--drafts`",
        "3 errors",
    ]);
    b.run(&["build", ".", "--drafts"]).ok();
    assert!(b.exists("exercises/listen.html"));
    // The preview says which pages readers will not see yet.
    assert!(b
        .main("exercises/listen.html")
        .contains(r#"<li class="hb-draft""#));
}

/// Text written in YAML gets the smart punctuation the Markdown beside it
/// gets: a quiz choice's `team's` reads as the lesson's `team’s`. Ids stay
/// as written, and so does everything when smart punctuation is off.
#[test]
fn plain_yaml_text_is_punctuated_like_the_markdown() {
    let quiz = exercise(
        "quiz",
        "audience: managers' leads\nmaterials: [\"A 'ledger'\"]\nobjectives: [\"It's 'fine'\"]\nquestions:\n  - question: Whose 'work'?\n    choices: [\"the team's work\", \"mine -- alone\"]\n    answer: 1\n    explanation: That's it...\n",
    )
    .replace("discussion", "quiz")
    .replace("title: Exercise quiz", "title: \"Don't \\\"rush\\\"\"");
    let b = Book::new()
        .file(
            "book.toml",
            "title = \"Acme's handbook\"\ndescription = \"Ours -- and yours\"\norganisation = \"Acme's people\"\n",
        )
        .chapter("ch", "Chapter")
        .file(
            "content/ch/lesson.md",
            "---\ntitle: \"A manager's week\"\nsummary: A week's work\nobjectives: [\"Say what's next\"]\n---\nThe team's work.\n",
        )
        .file("content/ch/quiz.exercise.yaml", &quiz)
        // An id is a name: `--` in it stays.
        .file("content/ch/pair.exercise.yaml", exercise("pair--share", ""))
        .file("content/workshops/day.yaml", DAY);
    b.build().ok().no_warnings();
    let lesson = b.page("ch/lesson.html");
    for s in [
        "A manager’s week",
        "Say what’s next",
        "The team’s work",
        "Acme’s handbook",
        "Don’t “rush”",
    ] {
        assert!(lesson.contains(s), "lesson page lacks {s}");
    }
    let page = b.page("exercises/quiz.html");
    for s in [
        "Don’t “rush”",
        "It’s ‘fine’",
        "the team’s work",
        "mine – alone",
        "That’s it…",
        "Whose ‘work’?",
        "managers’ leads",
        "A ‘ledger’",
        "Acme’s people",
        r#"content="Ours – and yours""#,
    ] {
        assert!(page.contains(s), "exercise page lacks {s}");
    }
    assert!(b.main("exercises/index.html").contains("Don’t “rush”"));
    assert!(b.main("ch/index.html").contains("A week’s work"));
    let day = b.page("workshops/day.html");
    for s in [
        "Day’s plan",
        "Don’t “rush”",
        "Tea – and talk",
        "Wrap-up – what’s next",
    ] {
        assert!(day.contains(s), "workshop page lacks {s}");
    }
    assert!(b.exists("exercises/pair--share.html"));
    assert!(b.search_docs().concat().contains("Don’t “rush”"));
    assert!(b.page("nav.js").contains("A manager’s week"));

    let plain = Book::new()
        .file(
            "book.toml",
            "title = \"Acme's handbook\"\n[markdown]\nsmart-punctuation = false\n",
        )
        .file("content/ch/quiz.exercise.yaml", &quiz)
        .file("content/workshops/day.yaml", DAY)
        .chapter("ch", "Chapter")
        .file(
            "content/ch/lesson.md",
            "---\ntitle: 'He said \"it''s\"'\n---\nText.\n",
        );
    plain.build().ok().no_warnings();
    // Straight quotes are escaped for HTML and, in the navigation data, for JSON.
    assert!(plain
        .page("ch/lesson.html")
        .contains("<title>He said &quot;it&#39;s&quot; · Acme&#39;s handbook</title>"));
    assert!(plain.page("nav.js").contains(r#"He said \"it's\""#));
    let page = plain.page("exercises/quiz.html");
    for s in [
        "Don&#39;t &quot;rush&quot;",
        "the team&#39;s work",
        "mine -- alone",
        "That&#39;s it...",
        "Acme&#39;s handbook",
    ] {
        assert!(page.contains(s), "exercise page lacks {s}");
    }
    assert!(plain.page("workshops/day.html").contains("Tea -- and talk"));
}

/// The workshop plan of [`plain_yaml_text_is_punctuated_like_the_markdown`].
const DAY: &str = "title: Day's plan\nstart: \"09:00\"\nsessions:\n  - exercise: quiz\n  - break: Tea -- and talk\n    duration: 10\n  - activity: Wrap-up -- what's next\n    duration: 5\n";
