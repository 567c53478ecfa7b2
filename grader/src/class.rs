//! The kinds of failure a check can report, and how each is written in a test's output.

/// What kind of bug a failing check found. Every failing check is reported as exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Two threads touched the same memory without ordering (loom's causality violation).
    DataRace,
    /// A thread waits for something that can never happen: a lock, a message, a join.
    Deadlock,
    /// A thread the code started is still running after the code said it was done.
    LeakedThread,
    /// A loom `Arc` was never freed: a reference cycle or a forgotten clone.
    LeakedArc,
    /// The code finished, but its answer or its observable effects are wrong.
    WrongResult,
    /// The answer is right but the work ran one item at a time.
    LostParallelism,
    /// The test did not finish within its time limit.
    Hang,
    /// The code panicked on its own (not through a check).
    Panic,
    /// The test process went over its memory cap.
    MemoryLimit,
    /// The learner's code does not build.
    DoesNotCompile,
}

impl Class {
    /// Every class, in the order verdicts list them.
    pub const ALL: [Class; 10] = [
        Class::DataRace,
        Class::Deadlock,
        Class::LeakedThread,
        Class::LeakedArc,
        Class::WrongResult,
        Class::LostParallelism,
        Class::Hang,
        Class::Panic,
        Class::MemoryLimit,
        Class::DoesNotCompile,
    ];

    /// The short name used in metadata files and tables, e.g. `leaked-thread`.
    pub fn key(self) -> &'static str {
        match self {
            Class::DataRace => "data-race",
            Class::Deadlock => "deadlock",
            Class::LeakedThread => "leaked-thread",
            Class::LeakedArc => "leaked-arc",
            Class::WrongResult => "wrong-result",
            Class::LostParallelism => "lost-parallelism",
            Class::Hang => "hang",
            Class::Panic => "panic",
            Class::MemoryLimit => "memory-limit",
            Class::DoesNotCompile => "does-not-compile",
        }
    }

    /// The class whose [`Class::key`] is `key`.
    pub fn from_key(key: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.key() == key)
    }

    /// How a verdict names the class to a person.
    pub fn label(self) -> &'static str {
        match self {
            Class::DataRace => "data race",
            Class::Deadlock => "deadlock or blocked thread",
            Class::LeakedThread => "leaked thread",
            Class::LeakedArc => "leaked memory (Arc)",
            Class::WrongResult => "wrong result",
            Class::LostParallelism => "lost parallelism",
            Class::Hang => "hang",
            Class::Panic => "panic",
            Class::MemoryLimit => "memory limit exceeded",
            Class::DoesNotCompile => "does not compile",
        }
    }

    /// One plain paragraph on why this class of bug matters.
    pub fn explanation(self) -> &'static str {
        match self {
            Class::DataRace => {
                "two threads touched the same data and nothing ordered the accesses, so one \
                 of them can read a half-written value or overwrite the other's work"
            }
            Class::Deadlock => {
                "in some interleaving a thread waits for a lock, a message or a join that \
                 nothing will ever provide, so it never wakes up"
            }
            Class::LeakedThread => {
                "a thread outlived the code that started it; nobody joins it, so whatever it \
                 holds stays held and its work may still be running when the caller moves on"
            }
            Class::LeakedArc => {
                "an Arc was never dropped to zero, usually because of a reference cycle, so \
                 the value it owns is never freed"
            }
            Class::WrongResult => {
                "the code finished, but what it returned or did is not what the task asks for"
            }
            Class::LostParallelism => {
                "the result is right but work that should run at the same time ran one piece \
                 after another, or on fewer threads than the task asks for"
            }
            Class::Hang => {
                "the check did not finish in time; usually a thread waits for something that \
                 never comes (a message on a channel whose senders are all still alive, a join \
                 of a thread that is itself waiting) or a loop never ends"
            }
            Class::Panic => "the code panicked",
            Class::MemoryLimit => {
                "memory use kept growing until the cap stopped the process; usually a queue \
                 without a bound, or work produced faster than it is consumed"
            }
            Class::DoesNotCompile => "the code does not build, so nothing could be checked",
        }
    }

    /// The text a check's panic message starts with when it reports this class.
    pub fn marker(self) -> &'static str {
        match self {
            Class::DataRace => "[interleave:data-race] ",
            Class::Deadlock => "[interleave:deadlock] ",
            Class::LeakedThread => "[interleave:leaked-thread] ",
            Class::LeakedArc => "[interleave:leaked-arc] ",
            Class::WrongResult => "[interleave:wrong-result] ",
            Class::LostParallelism => "[interleave:lost-parallelism] ",
            Class::Hang => "[interleave:hang] ",
            Class::Panic => "[interleave:panic] ",
            Class::MemoryLimit => "[interleave:memory-limit] ",
            Class::DoesNotCompile => "[interleave:does-not-compile] ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Class;

    #[test]
    fn every_key_maps_back_to_its_class() {
        for class in Class::ALL {
            assert_eq!(Class::from_key(class.key()), Some(class));
            assert!(class.marker().contains(class.key()));
        }
        assert_eq!(Class::from_key("no-such-class"), None);
    }
}
