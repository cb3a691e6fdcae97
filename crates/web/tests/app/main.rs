//! The web tier's tests in one binary: in-process router tests against SQLite (and PostgreSQL
//! when `TEST_DATABASE_URL` is set), and headless-Chromium browser tests on a real socket.

mod account_data;
mod accounts;
mod assessment;
mod booking;
mod bounds;
mod browser;
mod client;
mod clinician_browser;
mod completion;
mod editor;
mod editor_browser;
mod form_video;
mod form_video_browser;
mod front;
mod front_browser;
mod http;
mod loop_browser;
mod matrix;
mod outbox;
mod outcomes;
mod pinned_clock;
mod programme;
mod red_flag_hold;
mod results_browser;
mod runs;
mod security;
mod self_check_browser;
mod sessions;
mod shell;
mod today;
mod today_browser;
mod tracking;
mod trips;
mod worklist;
mod world;
