//! Notifications, account self-service and the mail outbox: one function per endpoint. The
//! pages before signing in (a forgotten password, a confirmation link) use only the first few.

use gloo_net::http::Method;
use qi_shared::notification::{ConfirmEmail, ForgotPassword, ResetPassword};
#[cfg(not(feature = "entry"))]
use qi_shared::{
    auth::TokenResponse,
    notification::{
        ChangeEmail, ChangePassword, NotificationPage, NotificationSetting,
        NotificationSettingsUpdate, OutboxMessage, OutboxPage, OutboxStatus, OutboxSummary,
        UnreadCount,
    },
};
#[cfg(not(feature = "entry"))]
use serde::{Deserialize, Serialize};

use super::{ApiError, public};
#[cfg(not(feature = "entry"))]
use super::{call, store_tokens, with_query};

#[cfg(not(feature = "entry"))]
const NO_BODY: Option<&()> = None;

/// Asks for a reset link (the answer is the same whether or not the address has an account).
pub async fn forgot_password(request: &ForgotPassword) -> Result<(), ApiError> {
    public(Method::POST, "/api/v1/auth/password-reset", Some(request)).await
}

pub async fn reset_password(request: &ResetPassword) -> Result<(), ApiError> {
    public(
        Method::POST,
        "/api/v1/auth/password-reset/confirm",
        Some(request),
    )
    .await
}

pub async fn confirm_email(token: &str) -> Result<(), ApiError> {
    let body = ConfirmEmail {
        token: token.to_owned(),
    };
    public(
        Method::POST,
        "/api/v1/auth/email-change/confirm",
        Some(&body),
    )
    .await
}

/// Changes the password; this session goes on with the new tokens, every other one ends.
#[cfg(not(feature = "entry"))]
pub async fn change_password(request: &ChangePassword) -> Result<(), ApiError> {
    let tokens: TokenResponse = call(Method::PUT, "/api/v1/me/password", Some(request)).await?;
    store_tokens(&tokens);
    Ok(())
}

#[cfg(not(feature = "entry"))]
pub async fn change_email(request: &ChangeEmail) -> Result<(), ApiError> {
    call(Method::POST, "/api/v1/me/email", Some(request)).await
}

/// `?unread=&page=`: which of my notifications, as in the page's URL.
#[cfg(not(feature = "entry"))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationQuery {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unread: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
}

#[cfg(not(feature = "entry"))]
pub async fn notifications(query: &NotificationQuery) -> Result<NotificationPage, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/me/notifications", query),
        NO_BODY,
    )
    .await
}

#[cfg(not(feature = "entry"))]
pub async fn unread() -> Result<UnreadCount, ApiError> {
    call(Method::GET, "/api/v1/me/notifications/unread", NO_BODY).await
}

#[cfg(not(feature = "entry"))]
pub async fn mark_read(id: i64) -> Result<(), ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/me/notifications/{id}/read"),
        NO_BODY,
    )
    .await
}

#[cfg(not(feature = "entry"))]
pub async fn mark_all_read() -> Result<(), ApiError> {
    call(Method::POST, "/api/v1/me/notifications/read", NO_BODY).await
}

#[cfg(not(feature = "entry"))]
pub async fn settings() -> Result<Vec<NotificationSetting>, ApiError> {
    call(Method::GET, "/api/v1/me/notification-settings", NO_BODY).await
}

#[cfg(not(feature = "entry"))]
pub async fn choose(
    update: &NotificationSettingsUpdate,
) -> Result<Vec<NotificationSetting>, ApiError> {
    call(
        Method::PUT,
        "/api/v1/me/notification-settings",
        Some(update),
    )
    .await
}

/// `?status=&to=&page=`: which messages of the outbox, as in the page's URL.
#[cfg(not(feature = "entry"))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<OutboxStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
}

#[cfg(not(feature = "entry"))]
pub async fn outbox(query: &OutboxQuery) -> Result<OutboxPage, ApiError> {
    call(
        Method::GET,
        &with_query("/api/v1/admin/outbox", query),
        NO_BODY,
    )
    .await
}

#[cfg(not(feature = "entry"))]
pub async fn outbox_summary() -> Result<OutboxSummary, ApiError> {
    call(Method::GET, "/api/v1/admin/outbox/summary", NO_BODY).await
}

#[cfg(not(feature = "entry"))]
pub async fn retry(id: i64) -> Result<OutboxMessage, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/admin/outbox/{id}/retry"),
        NO_BODY,
    )
    .await
}
