//! Browser tests: the real server on a loopback port, driven by Debian's headless Chromium.
