//! Rebuilds that reuse earlier work must give exactly what a clean build
//! gives: after each edit of a sequence, `build_cached` with one long-lived
//! cache is compared byte for byte with a clean `build`, and a running
//! server's files with a clean build of the same configuration.

mod serve_common;

use std::fs;
use std::path::Path;

use handbook::{BuildCache, Edition};
use serve_common::*;

/// Builds clean and through the cache, and requires the same outcome.
fn assert_same(root: &Path, cache: &BuildCache, edition: Edition, drafts: bool, step: &str) {
    let config = handbook::serve::serve_config(root, edition, drafts)
        .unwrap_or_else(|f| panic!("{step}: book.toml does not load:\n{f}"));
    let clean = handbook::build(&config);
    let cached = handbook::build_cached(&config, cache);
    match (clean, cached) {
        (Ok(a), Ok(b)) => {
            let pa: Vec<&str> = a.files.iter().map(|f| f.path.as_str()).collect();
            let pb: Vec<&str> = b.files.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(pa, pb, "{step}: file lists differ");
            for (x, y) in a.files.iter().zip(&b.files) {
                assert!(
                    x.bytes == y.bytes,
                    "{step}: {} differs from a clean build",
                    x.path
                );
            }
            let wa: Vec<String> = a.warnings.iter().map(|d| d.to_string()).collect();
            let wb: Vec<String> = b.warnings.iter().map(|d| d.to_string()).collect();
            assert_eq!(wa, wb, "{step}: warnings differ");
            assert_eq!((a.pages, a.exercises), (b.pages, b.exercises), "{step}");
        }
        (Err(a), Err(b)) => {
            let da: Vec<String> = a.diagnostics.iter().map(|d| d.to_string()).collect();
            let db: Vec<String> = b.diagnostics.iter().map(|d| d.to_string()).collect();
            assert_eq!(da, db, "{step}: diagnostics differ");
        }
        (Ok(_), Err(f)) => panic!("{step}: the cached build failed where a clean one worked:\n{f}"),
        (Err(f), Ok(_)) => panic!("{step}: the cached build worked where a clean one failed:\n{f}"),
    }
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let new = f(text.clone());
    assert_ne!(new, text, "the edit of {} changed nothing", path.display());
    save(Save::Plain, path, &new);
}

/// [`edit`]: every `from` in the file becomes `to`.
fn replace_in(path: &Path, from: &str, to: &str) {
    edit(path, |t| t.replace(from, to));
}

/// [`edit`]: `text` added at the end of the file.
fn append_to(path: &Path, text: &str) {
    edit(path, |t| t + text);
}

#[test]
fn cached_rebuilds_equal_clean_builds_through_a_sequence_of_edits() {
    let hb = sample_handbook();
    let root = hb.path();
    let c = root.join("content");
    let ch1 = c.join("01-management-is-a-separate-skill");
    let people = ch1.join("02-learning-your-people.md");
    let toml = root.join("book.toml");
    let cache = BuildCache::new();
    let p = Edition::Participant;
    let same = |step: &str| assert_same(root, &cache, p, true, step);

    same("first build");
    same("nothing changed");

    append_to(&people, "\nA new closing paragraph.\n");
    same("a body edit");
    replace_in(&people, "A new closing", "A changed closing");
    same("a second body edit");
    append_to(&people, "\n## A new heading\n\nText.\n");
    same("a new heading");
    append_to(
        &ch1.join("03-building-team-cohesion.md"),
        "\nSee [the new heading](02-learning-your-people.md#a-new-heading).\n",
    );
    same("a link to the new heading");
    replace_in(&people, "## A new heading", "## A renamed heading");
    same("the linked heading renamed (an error)");
    replace_in(&people, "## A renamed heading", "## A new heading");
    same("fixed again");

    edit(&ch1.join("01-from-doing-to-enabling.md"), |t| {
        t.replacen(
            "title: From doing the work to enabling others",
            "title: A changed title",
            1,
        )
    });
    same("a title change (navigation, neighbours, exercises)");

    write(
        &ch1.join("05-a-new-lesson.md"),
        &lesson(
            "A brand new lesson",
            "New text with a [link](01-from-doing-to-enabling.md).",
        ),
    );
    same("a new lesson");
    fs::rename(
        ch1.join("05-a-new-lesson.md"),
        ch1.join("00-a-new-lesson.md"),
    )
    .unwrap();
    same("a lesson renamed to the front");
    fs::remove_file(ch1.join("00-a-new-lesson.md")).unwrap();
    same("a lesson deleted");

    edit(&ch1.join("time-ledger.exercise.yaml"), |t| {
        t.replacen(
            "title: \"Time ledger: doing versus enabling\"",
            "title: \"A renamed ledger\"",
            1,
        )
    });
    same("an exercise edit");
    edit(&ch1.join("time-ledger.exercise.yaml"), |t| {
        t.replacen("duration: 25", "duration: 0", 1)
    });
    same("an invalid exercise");
    edit(&ch1.join("time-ledger.exercise.yaml"), |t| {
        t.replacen("duration: 0", "duration: 30", 1)
    });
    same("the exercise fixed");
    edit(&c.join("workshops/half-day.yaml"), |t| {
        t.replacen("start: \"09:00\"", "start: \"10:00\"", 1)
    });
    same("a workshop edit");

    write(
        &c.join("img/dot.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    append_to(
        &ch1.join("04-failure-modes-of-new-managers.md"),
        "\n![a dot](../img/dot.svg)\n",
    );
    same("an asset and an image");
    write(
        &c.join("img/dot.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\"/>\n",
    );
    same("the asset changed");

    write(
        &root.join("themes/default/templates/lesson.html"),
        "{% extends \"base.html\" %}{% block main %}<article>{{ page.html | safe }}</article>{% endblock main %}",
    );
    same("a theme override");
    write(
        &root.join("themes/default/static/extra.css"),
        "body { color: red }\n",
    );
    same("a theme static file");
    fs::remove_dir_all(root.join("themes")).unwrap();
    same("the theme override removed");

    replace_in(
        &toml,
        "accent-color = \"#2f6f4e\"",
        "accent-color = \"#123456\"",
    );
    same("book.toml: accent colour");
    replace_in(
        &toml,
        "smart-punctuation = true",
        "smart-punctuation = false",
    );
    same("book.toml: a Markdown option");
    replace_in(
        &toml,
        "[search]\nenabled = true",
        "[search]\nenabled = false",
    );
    same("book.toml: search off");
    append_to(&people, "\nA paragraph written while search is off.\n");
    same("a body edit without search");
    // Markdown parsed without search has no search text: turning search
    // back on must parse it again.
    replace_in(
        &toml,
        "[search]\nenabled = false",
        "[search]\nenabled = true",
    );
    same("book.toml: search on again");

    // The same cache across editions and drafts.
    assert_same(
        root,
        &cache,
        Edition::Facilitator,
        true,
        "the facilitator edition",
    );
    write(
        &ch1.join("06-draft.md"),
        "---\ntitle: A draft\ndraft: true\n---\n\nDraft text.\n",
    );
    assert_same(root, &cache, p, false, "drafts left out");
    assert_same(root, &cache, p, true, "drafts shown");
    assert_same(
        root,
        &cache,
        Edition::Facilitator,
        true,
        "the facilitator edition again",
    );

    // Broken files, then fixed.
    write(&ch1.join("07-broken.md"), "no front matter\n");
    same("a page without front matter");
    fs::remove_file(ch1.join("07-broken.md")).unwrap();
    same("the broken page removed");
}

#[test]
fn a_running_server_serves_exactly_a_clean_build_after_edits() {
    let hb = sample_handbook();
    let root = hb.path();
    let ch2 = root.join("content/02-leading-through-a-clear-mission");
    let s = Served::start(root, &DEBOUNCE);
    let ev = s.events();
    let mut g = ev.generation();
    let mut step = |what: &str, f: &dyn Fn()| {
        f();
        g += 1;
        assert_eq!(ev.reload(what), g, "{what}");
    };
    step("a body edit", &|| {
        edit(&ch2.join("03-levels-of-mission.md"), |t| {
            t + "\nAn added paragraph about zyxquorbles.\n"
        })
    });
    // The index is built after the pages, but a request made at once, right
    // after the reload, gets the new one: it waits until the index is there.
    {
        let config = handbook::serve::serve_config(root, Edition::Participant, true).unwrap();
        let clean = handbook::build(&config).unwrap();
        let shard = clean
            .files
            .iter()
            .find(|f| {
                f.path.starts_with("_search/t/") && f.bytes.windows(10).any(|w| w == b"zyxquorble")
            })
            .expect("a clean build indexes the new word");
        for path in ["_search/manifest.js", shard.path.as_str()] {
            let r = s.get(&format!("/{path}"));
            assert_eq!(r.status, 200, "{path}");
            assert!(
                r.body == *clean.get(path).unwrap(),
                "{path} is not the new index's"
            );
        }
    }
    step("a title edit", &|| {
        edit(&ch2.join("03-levels-of-mission.md"), |t| {
            t.replacen("title: \"", "title: \"Renamed ", 1)
        })
    });
    step("a new lesson", &|| {
        write(&ch2.join("05-new.md"), &lesson("New lesson", "New."))
    });
    step("a deleted lesson", &|| {
        fs::remove_file(ch2.join("05-new.md")).unwrap()
    });
    step("an exercise edit", &|| {
        edit(&ch2.join("mission-ladder.exercise.yaml"), |t| {
            t.replacen("title: Mission ladder", "title: Edited mission ladder", 1)
        })
    });

    s.assert_serves_clean_build(Edition::Participant, true);
}
