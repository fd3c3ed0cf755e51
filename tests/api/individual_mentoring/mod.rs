//! Individual mentoring (§ 3.3, phase 2) end to end, on both backends.

mod erasure;
mod flow;
mod refusals;
mod silence;
