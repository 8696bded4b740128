//! Structured logging with `tracing`. Every request gets a span with its request id
//! (`tracing-actix-web`), so log lines of one request can be found together.
//!
//! The span names the request's path with its tokens masked ([`TokensMasked`]): an invitation
//! or set-up link is as good as a password until it is used, and logs are read and kept by more
//! people, for longer, than the database.

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber. Safe to call more than once (later calls do nothing), so tests
/// that start many servers in one process can all call it.
pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if json {
        registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init()
    } else {
        registry.with(fmt::layer().with_target(false)).try_init()
    };
}

/// The request span of `tracing-actix-web`'s default, with the path's tokens masked.
pub struct TokensMasked;

impl RootSpanBuilder for TokensMasked {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "default".to_owned());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let client_ip = request.peer_addr().map(|a| a.ip().to_string());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %mask_tokens(request.path(), request.query_string()),
            http.client_ip = client_ip.as_deref().unwrap_or(""),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span.clone(), outcome);
        // An access log, for who needs one (`QI_LOG=debug`); it carries the span's fields.
        tracing::debug!(parent: &span, "answered");
    }
}

const MASK: &str = "***";

/// The path and query with every token replaced by `***`: the segment after `invitations` or
/// `setup` (the web app's `/invitations/{token}` and the API's `/api/v1/invitations/{token}`),
/// any segment that looks like a generated token (32 or more hex digits, whatever route comes to
/// carry one), and the value of any query parameter whose name contains `token`.
pub fn mask_tokens(path: &str, query: &str) -> String {
    let mut after_token_route = false;
    let path = path
        .split('/')
        .map(|segment| {
            let hidden = (after_token_route && segment != "accept") || looks_like_a_token(segment);
            after_token_route = matches!(segment, "invitations" | "setup");
            if hidden && !segment.is_empty() {
                MASK
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if query.is_empty() {
        return path;
    }
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value))
                if name.to_ascii_lowercase().contains("token") || looks_like_a_token(value) =>
            {
                format!("{name}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}

fn looks_like_a_token(text: &str) -> bool {
    text.len() >= 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::mask_tokens;

    #[test]
    fn tokens_in_paths_and_queries_are_masked_and_nothing_else() {
        let token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let setup_query = format!("token={token}");
        let code_query = format!("code={token}");
        let invitation = format!("/invitations/{token}");
        let api_invitation = format!("/api/v1/invitations/{token}");
        let trailing = format!("/invitations/{token}/");
        let anywhere = format!("/anything/{token}/else");
        let cases = [
            (invitation.as_str(), "", "/invitations/***"),
            (api_invitation.as_str(), "", "/api/v1/invitations/***"),
            (trailing.as_str(), "", "/invitations/***/"),
            (
                "/invitations/not-hex-but-still-a-token",
                "",
                "/invitations/***",
            ),
            (
                "/api/v1/invitations/accept",
                "",
                "/api/v1/invitations/accept",
            ),
            ("/setup", setup_query.as_str(), "/setup?token=***"),
            ("/api/v1/setup", "", "/api/v1/setup"),
            (anywhere.as_str(), "", "/anything/***/else"),
            (
                "/x",
                "refresh_token=abc&page=2",
                "/x?refresh_token=***&page=2",
            ),
            ("/x", code_query.as_str(), "/x?code=***"),
            (
                "/api/v1/projects/12",
                "q=ward&page=1",
                "/api/v1/projects/12?q=ward&page=1",
            ),
        ];
        for (path, query, masked) in cases {
            assert_eq!(mask_tokens(path, query), masked, "{path}?{query}");
        }
    }
}
