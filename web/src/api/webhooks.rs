//! The webhooks endpoints the admin page uses: one function per endpoint. A webhook's signing
//! secret is in the answer to registering it or replacing its secret, and nowhere else.

use gloo_net::http::Method;
use qi_shared::webhook::{
    Delivery, DeliveryPage, DeliveryStatus, Webhook, WebhookCreated, WebhookInput,
};
use serde::Serialize;

use super::{ApiError, call, with_query};

const NO_BODY: Option<&()> = None;

/// The webhooks the signed-in admin manages, newest first.
pub async fn webhooks() -> Result<Vec<Webhook>, ApiError> {
    call(Method::GET, "/api/v1/webhooks", NO_BODY).await
}

pub async fn create_webhook(input: &WebhookInput) -> Result<WebhookCreated, ApiError> {
    call(Method::POST, "/api/v1/webhooks", Some(input)).await
}

/// Changes a webhook; turning it on again sends what waited.
pub async fn update_webhook(id: i64, input: &WebhookInput) -> Result<Webhook, ApiError> {
    call(Method::PUT, &format!("/api/v1/webhooks/{id}"), Some(input)).await
}

pub async fn delete_webhook(id: i64) -> Result<(), ApiError> {
    call(Method::DELETE, &format!("/api/v1/webhooks/{id}"), NO_BODY).await
}

/// Queues a test delivery at once.
pub async fn test_webhook(id: i64) -> Result<Delivery, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/webhooks/{id}/test"),
        NO_BODY,
    )
    .await
}

/// A new signing secret; the old one signs beside it for a while.
pub async fn replace_secret(id: i64) -> Result<WebhookCreated, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/webhooks/{id}/secret"),
        NO_BODY,
    )
    .await
}

#[derive(Serialize)]
struct LogQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<DeliveryStatus>,
    page: u64,
    per_page: u64,
}

/// A page of a webhook's delivery log, newest first, of one state or all.
pub async fn deliveries(
    id: i64,
    status: Option<DeliveryStatus>,
    page: u64,
) -> Result<DeliveryPage, ApiError> {
    let query = LogQuery {
        status,
        page,
        per_page: 10,
    };
    call(
        Method::GET,
        &with_query(&format!("/api/v1/webhooks/{id}/deliveries"), &query),
        NO_BODY,
    )
    .await
}
