//! Every problem in a file, not only the first.
//!
//! A typed parse (serde) stops at the first problem. When a YAML or TOML
//! file fails to parse, [`recover`] parses it again without the entry the
//! problem is in, and again, until the rest parses: each pass finds one
//! more problem, at its own place. Syntax errors stop it (nothing after
//! them can be read), and it never reports what only its own dropping of
//! entries caused, such as a required key that is there but has a bad
//! value. It runs only for files that failed, so valid files are parsed
//! once.
//!
//! The document's shape is a [`Tree`] of entries (the keys of mappings or
//! tables, the items of lists); each format says how to parse without a
//! set of them and where a problem is in the tree.

/// The entries of a document: node 0 is the document itself; every other
/// node is an entry of its parent, in the document's order.
#[derive(Debug, Default)]
pub struct Tree {
    parent: Vec<usize>,
    key: Vec<Option<String>>,
    children: Vec<Vec<usize>>,
}

impl Tree {
    /// A tree with only the document node.
    pub fn new() -> Tree {
        Tree {
            parent: vec![0],
            key: vec![None],
            children: vec![Vec::new()],
        }
    }

    /// Adds an entry of `parent`: a mapping's key, or (`None`) a list item.
    pub fn add(&mut self, parent: usize, key: Option<String>) -> usize {
        let id = self.parent.len();
        self.parent.push(parent);
        self.key.push(key);
        self.children.push(Vec::new());
        self.children[parent].push(id);
        id
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn parent(&self, node: usize) -> usize {
        self.parent[node]
    }

    pub fn key(&self, node: usize) -> Option<&str> {
        self.key[node].as_deref()
    }

    pub fn children(&self, node: usize) -> &[usize] {
        &self.children[node]
    }

    /// The way from the document to `node`, outermost first: each entry's
    /// key, or a list item's place in its list.
    pub fn steps(&self, node: usize) -> Vec<Step<'_>> {
        let mut steps = Vec::new();
        let mut n = node;
        while n != 0 {
            let p = self.parent(n);
            steps.push(match self.key(n) {
                Some(k) => Step::Key(k),
                None => Step::Item(self.children(p).iter().position(|&c| c == n).unwrap_or(0)),
            });
            n = p;
        }
        steps.reverse();
        steps
    }
}

/// One step on the way to an entry (see [`Tree::steps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Item(usize),
}

/// The most problems looked for in one file: each costs a parse of the
/// whole file, so a long file full of mistakes would take minutes. A file
/// with that many says so ([`note_if_cut`]).
pub const MAX_PROBLEMS: usize = 100;

/// A note for a file whose search for problems stopped at [`MAX_PROBLEMS`].
pub fn note_if_cut<E>(found: &[Found<E>], file: &str) -> Option<crate::diag::Diagnostic> {
    (found.len() >= MAX_PROBLEMS).then(|| {
        crate::diag::Diagnostic::file(
            crate::diag::Severity::Warning,
            file,
            format!("only the first {MAX_PROBLEMS} problems in this file are reported"),
        )
        .with_hint("fix these and check again")
    })
}

/// Where a problem found by one pass is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// In the entry `node`. `meant` is the key the entry stands for: its
    /// own, or for an unknown key the known one it is probably a
    /// misspelling of; a required key it stands for is not reported as
    /// missing once the entry is dropped.
    Entry { node: usize, meant: Option<String> },
    /// The mapping or table `node` lacks the required `key`.
    Missing { node: usize, key: String },
    /// Nowhere in the tree (a syntax error): nothing after it can be read.
    Nowhere,
}

/// A problem to report, and where it is.
#[derive(Debug)]
pub struct Found<E> {
    pub error: E,
    pub place: Place,
}

/// What [`recover`] found.
#[derive(Debug)]
pub struct Recovered<T, E> {
    /// The value parsed without the bad entries, when there is one.
    pub value: Option<T>,
    /// The problems, in the order found.
    pub found: Vec<Found<E>>,
    /// The entries left out.
    pub dropped: Vec<bool>,
    /// The key each entry left out stood for (see [`Place::Entry`]).
    pub meant: Vec<Option<String>>,
    /// Whether every entry not left out was read: the rest parsed, or it
    /// lacks only keys of the document itself (which are looked for once
    /// all its entries are read). Not after a syntax error, nor when the
    /// search stopped early.
    pub read: bool,
}

/// Parses a document again and again, each time without the entries the
/// problems found so far are in, until it parses or no problem is left
/// that can be placed. `attempt` parses without the entries marked `true`;
/// `place` says where a problem is.
pub fn recover<T, E>(
    tree: &Tree,
    mut attempt: impl FnMut(&[bool]) -> Result<T, E>,
    mut place: impl FnMut(&E, &[bool]) -> Place,
) -> Recovered<T, E> {
    let mut dropped = vec![false; tree.len()];
    // What each dropped entry stood for.
    let mut meant: Vec<Option<String>> = vec![None; tree.len()];
    let mut found = Vec::new();
    let mut value = None;
    let mut read = false;
    // Each pass drops at least one entry, so this bound is never reached.
    for pass in 0..=tree.len() {
        if found.len() >= MAX_PROBLEMS {
            break;
        }
        let error = match attempt(&dropped) {
            Ok(v) => {
                (value, read) = (Some(v), true);
                break;
            }
            Err(e) => e,
        };
        let at = place(&error, &dropped);
        let node = match &at {
            Place::Nowhere => {
                // Only the first pass reads the text as written.
                if pass == 0 {
                    found.push(Found { error, place: at });
                }
                break;
            }
            Place::Missing { node, key } => {
                let stood_for = tree
                    .children(*node)
                    .iter()
                    .any(|&c| dropped[c] && meant[c].as_deref() == Some(key));
                let node = *node;
                // The document's own keys are looked for last.
                read = node == 0;
                if !stood_for {
                    found.push(Found { error, place: at });
                }
                node
            }
            Place::Entry { node, meant: m } => {
                let node = *node;
                if is_dropped(tree, &dropped, node) {
                    // No progress: the problem is in what was dropped.
                    break;
                }
                // A list or mapping whose every entry was dropped reads as
                // empty: its problem is theirs.
                let children = tree.children(node);
                let emptied = !children.is_empty() && children.iter().all(|&c| dropped[c]);
                if !emptied {
                    meant[node] = m.clone();
                    found.push(Found { error, place: at });
                }
                node
            }
        };
        if node == 0 {
            break;
        }
        drop_entry(tree, &mut dropped, &mut meant, node);
    }
    Recovered {
        value,
        found,
        dropped,
        meant,
        read,
    }
}

/// Whether `node` or an entry enclosing it is dropped.
pub fn is_dropped(tree: &Tree, dropped: &[bool], mut node: usize) -> bool {
    while node != 0 {
        if dropped[node] {
            return true;
        }
        node = tree.parent(node);
    }
    false
}

/// Drops `node`, and every enclosing entry it leaves empty.
fn drop_entry(tree: &Tree, dropped: &mut [bool], meant: &mut [Option<String>], node: usize) {
    dropped[node] = true;
    if meant[node].is_none() {
        meant[node] = tree.key(node).map(str::to_string);
    }
    let parent = tree.parent(node);
    if parent != 0 && tree.children(parent).iter().all(|&c| dropped[c]) {
        drop_entry(tree, dropped, meant, parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of `key: value` pairs where a value is good if it is a
    /// number, `title` is required, and keys are `title`, `a`, `b`, `c`.
    fn check(pairs: &[(&str, &str)]) -> (Option<usize>, Vec<String>) {
        let mut tree = Tree::new();
        for (k, _) in pairs {
            tree.add(0, Some(k.to_string()));
        }
        let Recovered { value, found, .. } = recover(
            &tree,
            |dropped| {
                let live: Vec<(usize, &(&str, &str))> = pairs
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !dropped[i + 1])
                    .collect();
                for (i, (k, v)) in &live {
                    if !["title", "a", "b", "c"].contains(k) {
                        return Err(format!("unknown {k}@{}", i + 1));
                    }
                    if v.parse::<u32>().is_err() {
                        return Err(format!("bad {k}@{}", i + 1));
                    }
                }
                if !live.iter().any(|(_, (k, _))| *k == "title") {
                    return Err("missing title".into());
                }
                Ok(live.len())
            },
            |e, _| {
                if e == "missing title" {
                    return Place::Missing {
                        node: 0,
                        key: "title".into(),
                    };
                }
                let node = e.rsplit('@').next().unwrap().parse().unwrap();
                let meant = (e.starts_with("unknown titel")).then(|| "title".to_string());
                Place::Entry { node, meant }
            },
        );
        (value, found.into_iter().map(|f| f.error).collect())
    }

    #[test]
    fn every_bad_entry_is_found_once() {
        let (v, errs) = check(&[("title", "1"), ("a", "x"), ("zz", "2"), ("c", "y")]);
        assert_eq!(v, Some(1));
        assert_eq!(errs, ["bad a@2", "unknown zz@3", "bad c@4"]);
    }

    #[test]
    fn the_search_stops_at_the_most_problems_a_file_reports() {
        let many: Vec<(String, &str)> = (0..MAX_PROBLEMS + 5)
            .map(|i| (format!("k{i}"), "1"))
            .collect();
        let pairs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let (v, errs) = check(&pairs);
        assert_eq!((v, errs.len()), (None, MAX_PROBLEMS));
    }

    #[test]
    fn a_required_key_with_a_bad_value_is_not_also_missing() {
        let (v, errs) = check(&[("a", "1"), ("title", "x"), ("b", "y")]);
        assert_eq!(v, None);
        assert_eq!(errs, ["bad title@2", "bad b@3"]);
        // A misspelt required key is not missing either.
        let (_, errs) = check(&[("titel", "1")]);
        assert_eq!(errs, ["unknown titel@1"]);
        // But a required key that is not there is.
        let (_, errs) = check(&[("a", "x")]);
        assert_eq!(errs, ["bad a@1", "missing title"]);
    }
}
