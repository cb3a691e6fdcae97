//! (being built) Tests of the assessment pages.
