//! Practice tips (§ 3.2.2): the knowledge store written by KSM for KSM. An active mentor writes a
//! tip and uploads its PDF, submits it; staff ask for changes, publish (crediting the author) or
//! reject it, and may withdraw a published one. Every transition is an explicit, audited endpoint.

pub mod access;
pub mod authoring;
pub mod documents;
pub mod review;
pub mod views;
