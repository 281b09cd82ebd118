//! console tests
