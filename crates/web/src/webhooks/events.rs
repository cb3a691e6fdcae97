//! The events a clinic's endpoints can receive, and queuing one: a JSON body of ids, times and
//! the app's path to open, never a runner's health details (an alert's reason stays in the
//! app). Queuing is one insert; a failure to queue is logged and does not fail the request
//! that raised the event.

use backstride_store::Store;
use serde_json::json;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A visitor asked for a free consult on the clinic's page.
    ConsultRequested { inbox_item_id: i64 },
    /// A visitor booked a call.
    CallBooked {
        booking_id: i64,
        starts_at: i64,
        inbox_item_id: Option<i64>,
    },
    /// A critical alert was raised about one of the clinic's runners.
    CriticalAlert { alert_id: i64, runner_id: i64 },
}

/// Every event, in the order the admin page lists them: (name on the wire, form field, label).
pub const EVENTS: [(&str, &str, &str); 3] = [
    (
        "consult.requested",
        "event_consult",
        "A consult is requested",
    ),
    ("booking.created", "event_booking", "A call is booked"),
    (
        "alert.critical",
        "event_alert",
        "A critical alert is raised about a runner",
    ),
];

impl Event {
    /// The event's name on the wire (`Backstride-Event`, the body's `type`).
    pub fn name(self) -> &'static str {
        match self {
            Event::ConsultRequested { .. } => EVENTS[0].0,
            Event::CallBooked { .. } => EVENTS[1].0,
            Event::CriticalAlert { .. } => EVENTS[2].0,
        }
    }

    /// Names the event once: an endpoint gets each event key at most once.
    fn key(self) -> String {
        match self {
            Event::ConsultRequested { inbox_item_id } => format!("consult-{inbox_item_id}"),
            Event::CallBooked { booking_id, .. } => format!("booking-{booking_id}"),
            Event::CriticalAlert { alert_id, .. } => format!("alert-{alert_id}"),
        }
    }

    fn data(self) -> serde_json::Value {
        match self {
            Event::ConsultRequested { inbox_item_id } => json!({
                "inbox_item_id": inbox_item_id,
                "path": format!("/clinic/inbox/{inbox_item_id}"),
            }),
            Event::CallBooked {
                booking_id,
                starts_at,
                inbox_item_id,
            } => json!({
                "booking_id": booking_id,
                "starts_at": time_of(starts_at),
                "inbox_item_id": inbox_item_id,
                "path": inbox_item_id.map(|id| format!("/clinic/inbox/{id}")),
            }),
            Event::CriticalAlert {
                alert_id,
                runner_id,
            } => json!({
                "alert_id": alert_id,
                "runner_id": runner_id,
                "tier": "critical",
                "path": format!("/runners/{runner_id}"),
            }),
        }
    }
}

fn time_of(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The body delivered for `event` of `clinic_id`, raised at `now`.
pub fn body(clinic_id: i64, event: Event, now: i64) -> String {
    json!({
        "id": format!("evt_{}_{}", clinic_id, event.key()),
        "type": event.name(),
        "created_at": time_of(now),
        "clinic_id": clinic_id,
        "data": event.data(),
    })
    .to_string()
}

/// Queues `event` for the endpoints of `clinic_id` that want it.
pub async fn notify(store: &dyn Store, clinic_id: i64, event: Event) {
    let now = jiff::Timestamp::now().as_second();
    let body = body(clinic_id, event, now);
    if let Err(err) = store
        .enqueue_webhook_event(clinic_id, event.name(), &event.key(), &body, now)
        .await
    {
        tracing::warn!(%err, event = event.name(), "webhook not queued");
    }
}

/// Queues a critical alert about `runner_id` for their clinic's endpoints (a self-directed
/// runner has none).
pub async fn critical_alert(store: &dyn Store, runner_id: i64, alert_id: i64) {
    match store.user(runner_id).await {
        Ok(runner) => {
            if let Some(clinic) = runner.clinic_id {
                notify(
                    store,
                    clinic,
                    Event::CriticalAlert {
                        alert_id,
                        runner_id,
                    },
                )
                .await;
            }
        }
        Err(err) => tracing::warn!(%err, "webhook: runner of an alert not found"),
    }
}
