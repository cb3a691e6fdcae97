//! (being built) Tests of the runs pages.
