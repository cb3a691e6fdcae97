//! Group commit of the runners' logs: concurrent logs (the Today page, its offline queue, the
//! API) are queued to one writer task, which stores what is waiting — up to [`MAX_BATCH`] logs
//! — in ONE transaction, so the lot costs one commit and one sync to disk instead of one each.
//!
//! Each log is answered only after its batch has committed, so an acknowledged log is as
//! durable as before (README, "Durability"). Each log keeps its own outcome (its reviews and
//! alerts, worked out before it was queued) and its own answer: it is stored under a savepoint,
//! so a log that fails (a second morning check-in, a refused runner, a failed statement) rolls
//! back its own writes only and its neighbours are stored. Idempotency keys dedupe as before,
//! within a batch too (the second of two logs with one key finds the first).
//!
//! While one batch commits, the next gathers in the queue: no timer, no waiting when the
//! server is idle (a lone log is a batch of one). The same on PostgreSQL: one transaction per
//! batch there too, one WAL flush instead of one per log.

use crate::sql::SqlStore;
use crate::{Actor, LogOutcome, LogRecord, LogSaved, NewLog, Store, StoreError, StoreResult};
use async_trait::async_trait;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// Most logs stored in one transaction. Our choice: enough to carry the 32 connections of the
/// load test in one or two commits, few enough that a batch's savepoints stay cheap (PostgreSQL
/// keeps 64 subtransactions per transaction in memory before it spills).
pub const MAX_BATCH: usize = 64;

/// Most logs waiting for the writer; a request beyond it waits to be queued (bounded memory).
const QUEUE_LENGTH: usize = 1024;

/// One log to store with its outcome, as [`TodayStore::add_log_with_outcome`] takes them.
#[derive(Debug, Clone)]
pub struct LogToStore {
    pub actor: Actor,
    pub runner_id: i64,
    pub log: NewLog,
    pub outcome: LogOutcome,
}

/// What storing one log answers: as [`TodayStore::add_log_with_outcome`] does.
pub type LogAnswer = StoreResult<(LogRecord, LogSaved)>;

/// Stores many logs in one transaction.
#[async_trait]
pub trait GroupCommitStore {
    /// Stores each of `logs` as [`TodayStore::add_log_with_outcome`] would, all in one
    /// transaction, each under its own savepoint: the answers are in the order of `logs`, and a
    /// log answered with an error left nothing behind (a denial keeps its audit event). The
    /// outer error: the transaction itself failed and none of them was stored.
    async fn add_logs_together(&self, logs: &[LogToStore]) -> StoreResult<Vec<LogAnswer>>;
}

macro_rules! impl_group_commit {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl GroupCommitStore for SqlStore<$db> {
            async fn add_logs_together(&self, logs: &[LogToStore]) -> StoreResult<Vec<LogAnswer>> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let mut answers = Vec::with_capacity(logs.len());
                for one in logs {
                    sqlx::query("SAVEPOINT one_log").execute(&mut *tx).await?;
                    let stored = Self::log_in_transaction(
                        &mut tx,
                        &one.actor,
                        one.runner_id,
                        &one.log,
                        &one.outcome,
                    )
                    .await;
                    match stored {
                        Ok(answer) => answers.push(answer),
                        Err(failed) => {
                            sqlx::query("ROLLBACK TO SAVEPOINT one_log")
                                .execute(&mut *tx)
                                .await?;
                            answers.push(Err(failed));
                        }
                    }
                    sqlx::query("RELEASE SAVEPOINT one_log")
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(answers)
            }
        }
    };
}

impl_group_commit!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_group_commit!(sqlx::Postgres, "BEGIN");

/// A log waiting for the writer, and where its answer goes.
struct Job {
    log: LogToStore,
    answer: oneshot::Sender<LogAnswer>,
}

/// The queue in front of the writer task. The task starts with the first log (on the runtime
/// of its caller) and ends when the queue is dropped.
pub struct LogWriter {
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl LogWriter {
    pub fn new(store: Arc<dyn Store>) -> Self {
        LogWriter {
            store,
            queue: OnceLock::new(),
        }
    }

    /// Stores `log` and its `outcome` in the next batch and answers once that batch has
    /// committed, as [`TodayStore::add_log_with_outcome`] answers.
    pub async fn add_log_with_outcome(
        &self,
        actor: &Actor,
        runner_id: i64,
        log: &NewLog,
        outcome: &LogOutcome,
    ) -> LogAnswer {
        let queue = self.queue.get_or_init(|| {
            let (queue, jobs) = mpsc::channel(QUEUE_LENGTH);
            tokio::spawn(write_batches(self.store.clone(), jobs));
            queue
        });
        let (answer, answered) = oneshot::channel();
        let job = Job {
            log: LogToStore {
                actor: actor.clone(),
                runner_id,
                log: log.clone(),
                outcome: outcome.clone(),
            },
            answer,
        };
        if queue.send(job).await.is_err() {
            // The writer is gone (its runtime ended, or it panicked): store this log alone.
            return self
                .store
                .add_log_with_outcome(actor, runner_id, log, outcome)
                .await;
        }
        // No answer: the writer stopped mid-batch, so whether it was stored is unknown; not
        // acknowledged, the sender tries again with the same key.
        answered.await.unwrap_or_else(|_| {
            Err(StoreError::Other(
                "the log writer stopped before the log's batch committed".into(),
            ))
        })
    }
}

/// The writer task: takes what is waiting (at least one log, at most [`MAX_BATCH`]), stores it
/// in one transaction and answers each log.
async fn write_batches(store: Arc<dyn Store>, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (logs, answers): (Vec<LogToStore>, Vec<_>) =
            batch.drain(..).map(|job| (job.log, job.answer)).unzip();
        match store.add_logs_together(&logs).await {
            Ok(stored) => {
                for (answer, one) in answers.into_iter().zip(stored) {
                    // The request may have gone (its client left): the log is stored anyway.
                    let _ = answer.send(one);
                }
            }
            Err(failed) => {
                tracing::warn!(%failed, logs = logs.len(), "a batch of logs was not stored");
                let message = failed.to_string();
                for answer in answers {
                    let _ = answer.send(Err(StoreError::Other(message.clone())));
                }
            }
        }
    }
}
