//! The web tier's tests in one binary: in-process router tests against SQLite (and PostgreSQL
//! when `TEST_DATABASE_URL` is set), and headless-Chromium browser tests on a real socket.

mod accounts;
mod assessment;
mod booking;
mod bounds;
mod browser;
mod client;
mod front;
mod http;
mod matrix;
mod outbox;
mod outcomes;
mod programme;
mod red_flag_hold;
mod runs;
mod security;
mod tracking;
mod world;
