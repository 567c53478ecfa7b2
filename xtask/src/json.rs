//! The same verdicts as the text report, as JSON for scripts (a teacher grading a class, CI).

use std::path::Path;

use serde_json::{Value, json};

use crate::cargo::Origin;
use crate::catalog::{Exercise, Subject};
use crate::grade::Grade;
use crate::report::place;

/// One JSON object describing `grade`.
pub fn grade(root: &Path, exercise: &Exercise, subject: Subject, grade: &Grade) -> Value {
    let (passed, total) = grade.score(exercise);
    let whose = match subject {
        Subject::Exercise => "exercise",
        Subject::Solution => "solution",
    };
    let mut value = json!({
        "exercise": exercise.id,
        "slug": exercise.slug,
        "subject": whose,
        "passed": passed,
        "total": total,
    });
    match grade {
        Grade::DoesNotCompile(errors) => {
            value["compiles"] = json!(false);
            value["errors"] = errors
                .iter()
                .map(|e| {
                    json!({
                        "location": e.location,
                        "in_learners_code": e.origin == Origin::Subject,
                        "message": anstream::adapter::strip_str(&e.rendered).to_string(),
                    })
                })
                .collect();
        }
        Grade::Bypass(found) => {
            value["compiles"] = json!(true);
            value["bypasses_facade"] = found
                .iter()
                .map(|b| json!({"location": b.location, "code": b.code, "instead": b.instead}))
                .collect();
        }
        Grade::Graded(results) => {
            value["compiles"] = json!(true);
            value["checks"] = results
                .iter()
                .map(|r| {
                    let failure = r.failure.as_ref();
                    json!({
                        "test": r.check.test,
                        "title": r.check.title,
                        "build": r.check.build.name(),
                        "passed": failure.is_none(),
                        "class": failure.map(|f| f.class.key()),
                        "label": failure.map(|f| f.class.label()),
                        "message": failure.map(|f| f.message.as_str()),
                        "location": place(root, exercise, subject, r).map(|p| p.at),
                        "explored": r.explored,
                    })
                })
                .collect();
        }
    }
    value
}
