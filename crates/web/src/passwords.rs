//! Password hashing with argon2id, off the async runtime, and equal cost for unknown accounts.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::Arc;

/// Hashes a password with argon2id (the crate's default parameters: 19 MiB, 2 passes).
/// Blocking: call it from `spawn_blocking` or a CLI.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes and verifies in blocking tasks. Holds a hash of a random password so that checking an
/// unknown email costs the same as checking a wrong password.
#[derive(Clone)]
pub struct Hasher {
    dummy: Arc<String>,
}

impl Hasher {
    pub fn new() -> Self {
        let random: String = {
            use rand::Rng;
            rand::thread_rng()
                .sample_iter(rand::distributions::Alphanumeric)
                .take(24)
                .map(char::from)
                .collect()
        };
        Hasher {
            dummy: Arc::new(hash_password(&random)),
        }
    }

    pub async fn hash(&self, password: String) -> String {
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .unwrap_or_default()
    }

    /// Verifies against `phc`, or against the dummy hash when there is no account (always false).
    pub async fn verify(&self, password: String, phc: Option<String>) -> bool {
        let known = phc.is_some();
        let target = phc.unwrap_or_else(|| self.dummy.as_ref().clone());
        let ok = tokio::task::spawn_blocking(move || verify(&password, &target))
            .await
            .unwrap_or(false);
        ok && known
    }
}
