//! The exercises, as described by their metadata files in `grader/meta/`.
//!
//! One TOML file per exercise names it, gives its hints and lists its checks. A check is one
//! grading test in `grader/tests/exercise_NN.rs`, with the verdict the untouched exercise must
//! get from it. Learners never edit these files; `cargo xtask verify` holds them to the truth.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use grader::Class;
use serde::Deserialize;

/// Which build a check runs in.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Build {
    /// The normal build: std, crossbeam and rayon, with runtime checks.
    Std,
    /// The loom build: the facade switched to loom, for model checks.
    Loom,
}

impl Build {
    pub fn name(self) -> &'static str {
        match self {
            Build::Std => "std",
            Build::Loom => "loom",
        }
    }
}

/// One grading check.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The name of the `#[test]` function that runs it.
    pub test: String,
    /// What the check asks, as a sentence a learner reads.
    pub title: String,
    pub build: Build,
    /// The class of failure the untouched exercise must get, as a [`Class::key`].
    pub expect: String,
    /// Pieces of text in the learner's source to point at when the failure itself names no
    /// line in it, such as `fn shutdown`: the first one found is used, so a later, broader one
    /// still finds a place after the learner has rewritten the code the first one named.
    #[serde(default, deserialize_with = "one_or_many")]
    pub focus: Vec<String>,
    /// Why the failure matters, in this exercise's terms.
    pub why: String,
    /// Seconds before the check is stopped as hung.
    pub timeout_secs: Option<u64>,
}

impl Check {
    pub fn expected_class(&self) -> Class {
        Class::from_key(&self.expect).expect("classes are checked when the catalog loads")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    slug: String,
    title: String,
    topic: String,
    /// The file the learner edits, relative to the exercise's folder.
    source: String,
    #[serde(default)]
    demo: bool,
    hints: Vec<String>,
    #[serde(rename = "check")]
    checks: Vec<Check>,
}

/// One exercise.
#[derive(Debug)]
pub struct Exercise {
    /// `exercise-03`.
    pub id: String,
    /// `03`.
    pub number: String,
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub hints: Vec<String>,
    pub checks: Vec<Check>,
    pub has_demo: bool,
    source: String,
}

/// Whether a command works on the learner's exercise or on the reference solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Exercise,
    Solution,
}

impl Exercise {
    /// The crate's folder, relative to the workspace root.
    pub fn dir(&self, subject: Subject) -> PathBuf {
        let top = match subject {
            Subject::Exercise => "exercises",
            Subject::Solution => "solutions",
        };
        Path::new(top).join(&self.id)
    }

    /// The file the learner edits, relative to the workspace root.
    pub fn source(&self, subject: Subject) -> PathBuf {
        self.dir(subject).join(&self.source)
    }

    pub fn package(&self, subject: Subject) -> String {
        match subject {
            Subject::Exercise => format!("exercise-{}", self.number),
            Subject::Solution => format!("solution-{}", self.number),
        }
    }

    /// The grader feature that selects this subject.
    pub fn feature(&self, subject: Subject) -> String {
        match subject {
            Subject::Exercise => format!("ex{}", self.number),
            Subject::Solution => format!("sol{}", self.number),
        }
    }

    /// The grader's test target for this exercise.
    pub fn test_target(&self) -> String {
        format!("exercise_{}", self.number)
    }

    /// The builds any of its checks need, std first.
    pub fn builds(&self) -> Vec<Build> {
        let mut builds: Vec<Build> = self.checks.iter().map(|c| c.build).collect();
        builds.sort();
        builds.dedup();
        builds
    }
}

/// Every exercise, in order.
#[derive(Debug)]
pub struct Catalog {
    pub exercises: Vec<Exercise>,
}

impl Catalog {
    /// Reads `grader/meta/*.toml` under the workspace root.
    pub fn load(root: &Path) -> Result<Catalog> {
        let dir = root.join("grader/meta");
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .with_context(|| format!("cannot read the exercise list in `{}`", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();

        let mut exercises = Vec::new();
        for path in paths {
            exercises.push(load_one(&path)?);
        }
        Ok(Catalog { exercises })
    }

    /// Finds an exercise by id (`exercise-03`), number (`3`, `03`) or slug.
    pub fn find(&self, name: &str) -> Result<&Exercise> {
        let wanted = name.trim().to_lowercase();
        let number = wanted.strip_prefix("exercise-").unwrap_or(&wanted);
        let found = self.exercises.iter().find(|e| {
            e.id == wanted
                || e.slug == wanted
                || number.parse::<u32>().ok() == e.number.parse::<u32>().ok()
                    && number.chars().all(|c| c.is_ascii_digit())
        });
        if let Some(exercise) = found {
            return Ok(exercise);
        }

        let mut close: Vec<(f64, &Exercise)> = self
            .exercises
            .iter()
            .map(|e| {
                let score = strsim::jaro_winkler(&wanted, &e.id)
                    .max(strsim::jaro_winkler(&wanted, &e.slug));
                (score, e)
            })
            .filter(|(score, _)| *score > 0.75)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let suggestion = match close.first() {
            Some((_, e)) => format!("did you mean `{}` ({})? ", e.id, e.slug),
            None => String::new(),
        };
        bail!(
            "unknown exercise `{name}`: {suggestion}`cargo xtask list` shows all {} exercises",
            self.exercises.len()
        )
    }
}

fn load_one(path: &Path) -> Result<Exercise> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read exercise metadata `{}`", path.display()))?;
    let meta: Meta = toml::from_str(&text)
        .with_context(|| format!("exercise metadata `{}` is not valid", path.display()))?;
    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
    let Some(number) = id.strip_prefix("exercise-").map(str::to_owned) else {
        bail!("exercise metadata `{}` must be named exercise-NN.toml", path.display());
    };
    for check in &meta.checks {
        if Class::from_key(&check.expect).is_none() {
            bail!(
                "check `{}` in `{}` expects unknown class `{}`",
                check.test,
                path.display(),
                check.expect
            );
        }
    }
    Ok(Exercise {
        id,
        number,
        slug: meta.slug,
        title: meta.title,
        topic: meta.topic,
        hints: meta.hints,
        checks: meta.checks,
        has_demo: meta.demo,
        source: meta.source,
    })
}

/// A string, or a list of them, as a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}
