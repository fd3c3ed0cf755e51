//! Bad input over every write endpoint.
