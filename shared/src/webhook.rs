//! Webhooks (issue 18): an organisation's endpoint that receives the changes feed's changes as
//! signed HTTP POSTs. The wire types, the rule for a valid registration (the form runs the same
//! code as the server) and the signature, which a receiver checks with [`verify`]. See
//! `docs/integrations.md`, "Webhooks".

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{
    FieldErrors,
    changes::{Change, ChangeType},
    project::OrganisationRef,
    validation::text,
};

pub const MAX_NAME: usize = 100;
pub const MAX_URL: usize = 2000;
/// What a webhook's signing secret begins with, so that it is known for one when it leaks.
pub const SECRET_PREFIX: &str = "whsec_";
/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "QI-Signature";
pub const DELIVERY_ID_HEADER: &str = "QI-Delivery-Id";
pub const EVENT_HEADER: &str = "QI-Event";

wire_enum! {
    /// What a delivery carries.
    WebhookEventKind {
        /// A change of the feed: a project, measure, course, cohort or event made, changed,
        /// deleted or hidden.
        Change => "change", "A change";
        /// A test, sent when an admin asks, carrying no change.
        Test => "test", "A test delivery";
        /// Changes were missed: the webhook was off for longer than changes are kept, so some
        /// made meanwhile can no longer be sent. Load everything again (the bulk export); the
        /// changes after this one follow as usual.
        Missed => "missed", "Changes missed: load again";
    }
}

wire_enum! {
    /// Where a delivery stands.
    DeliveryStatus {
        /// Not tried yet.
        Pending => "pending", "Pending";
        /// The receiver answered 2xx.
        Delivered => "delivered", "Delivered";
        /// The last try failed; it is tried again at `next_attempt_at`.
        Failed => "failed", "Failed, to be tried again";
    }
}

/// A webhook as an admin registers or changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookInput {
    /// What it is for, such as "Trust data warehouse": 1 to 100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// Where deliveries are POSTed: `https://`, or `http://` only to this machine (127.0.0.1,
    /// ::1, localhost).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = r"^\s*[hH][tT][tT][pP][sS]?://\S+\s*$"
        )
    )]
    pub url: String,
    /// Which changes it receives: at least one, each kind once (a repeat is refused).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5))]
    pub change_types: Vec<ChangeType>,
    /// Whose webhook it is (on registering only); an organisation's admin registers for their
    /// own only. Default: the admin's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    /// Whether deliveries are made. Turning a disabled webhook on again clears its failures and
    /// sends what waited. Default: on.
    #[serde(default = "on")]
    pub enabled: bool,
}

fn on() -> bool {
    true
}

impl WebhookInput {
    /// The input tidied (name trimmed, types sorted), or the fields that are wrong.
    pub fn validate(&self) -> Result<WebhookInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&self.name, "a name", 1, MAX_NAME));
        let url = errors.check("url", endpoint(&self.url));
        let mut change_types = self.change_types.clone();
        change_types.sort();
        change_types.dedup();
        if change_types.is_empty() {
            errors.push("change_types", "Choose at least one kind of change to send");
        } else if change_types.len() < self.change_types.len() {
            // The document promises each kind once (and so at most two): a repeat is refused
            // rather than quietly dropped, as a client checking against it would expect.
            errors.push("change_types", "Name each kind of change once");
        }
        // The document says ids start at 1; a change that names no organisation that could
        // exist is refused, even where the organisation is not changed (an update).
        if self.organisation_id.is_some_and(|id| id < 1) {
            errors.push(
                "organisation_id",
                "Choose an organisation of the partnership",
            );
        }
        errors.finish(|| {
            Some(WebhookInput {
                name: name?,
                url: url?,
                change_types,
                organisation_id: self.organisation_id,
                enabled: self.enabled,
            })
        })
    }
}

/// An endpoint deliveries may go to: `https://host...`, or `http://` to loopback only (a
/// receiver on the same machine, for tests), with no user name or password in it.
pub fn endpoint(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    if url.is_empty() {
        return Err("Enter the address deliveries go to".to_owned());
    }
    if raw.chars().count() > MAX_URL {
        return Err(format!("The address must be {MAX_URL} characters or fewer"));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("The address must not contain spaces".to_owned());
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err("The address must begin with https://".to_owned());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("The address must not hold a user name or password".to_owned());
    }
    let Some(host) = host_of(authority) else {
        return Err("The address must name a host, such as https://example.org/hook".to_owned());
    };
    if !secure && !matches!(host, "127.0.0.1" | "::1" | "localhost") {
        return Err(
            "The address must begin with https:// (http:// only to 127.0.0.1 or localhost)"
                .to_owned(),
        );
    }
    Ok(url.to_owned())
}

/// The host of `host[:port]` or `[v6][:port]`, if the port (when given) is a number.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
    (!host.is_empty() && port_ok).then_some(host)
}

/// A webhook as its admins see it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub organisation: OrganisationRef,
    pub change_types: Vec<ChangeType>,
    pub enabled: bool,
    /// Why it was turned off, when the server turned it off (its deliveries kept failing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Since when its deliveries have failed without a success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<DateTime<Utc>>,
    /// After its secret was replaced: until when the previous secret still signs beside the
    /// new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Its latest delivery, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_delivery: Option<Delivery>,
    /// Who registered it.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A webhook with its signing secret, just registered or just replaced: shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookCreated {
    pub webhook: Webhook,
    /// Checks each delivery's `QI-Signature` (see [`verify`]). Keep it as a password.
    pub secret: String,
}

/// One try at delivering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// The receiver's answer, if it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<u16>,
    /// What went wrong, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// The most attempts a delivery keeps in its log (the latest).
pub const KEPT_ATTEMPTS: usize = 20;

/// A delivery, as the log shows it. (`WebhookDelivery` in the API document: training has a
/// `Delivery` of its own.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = WebhookDelivery))]
pub struct Delivery {
    /// Also its `QI-Delivery-Id`: the same on every try.
    pub id: i64,
    pub webhook_id: i64,
    pub kind: WebhookEventKind,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// When it is (next) tried, while not delivered.
    pub next_attempt_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_response_code: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_duration_ms: Option<i64>,
    /// The latest tries, oldest first (up to 20).
    pub tries: Vec<Attempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The exact body POSTed.
    pub body: String,
}

impl crate::page::Listed for Delivery {
    const PAGE: &'static str = "DeliveryPage";
    const PAGE_DESCRIPTION: &'static str = "One page of a webhook's deliveries, newest first.";
}

pub type DeliveryPage = crate::page::Page<Delivery>;

/// What a delivery POSTs (its body, JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    /// The delivery's id (`QI-Delivery-Id`): a receiver that sees one twice ignores the second.
    pub id: i64,
    pub kind: WebhookEventKind,
    pub webhook_id: i64,
    pub created_at: DateTime<Utc>,
    /// For a `change`: the change, as the changes feed gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the `QI-Signature` header.
/// With several secrets (the new and the previous one, while a replaced secret still signs), a
/// `v1=` for each, the newest first: a receiver accepts the delivery if any matches its secret.
pub fn signature(secrets: &[&str], timestamp: i64, body: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&hex(&mac(secret, timestamp, body)));
    }
    header
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// Not `t=...,v1=...`.
    Malformed,
    /// Signed too long ago (or in the future): perhaps a replay.
    Stale,
    /// Not made with this secret over this body.
    Mismatch,
}

/// Checks a `QI-Signature` header against the secret and the exact body received, accepting a
/// timestamp at most `tolerance_seconds` from `now` (against replays).
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_seconds: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance_seconds {
        return Err(SignatureError::Stale);
    }
    let expected = hex(&mac(secret, timestamp, body));
    // Compared in constant time: every byte is looked at whatever differs first.
    let same = |v: &str| {
        v.len() == expected.len()
            && v.bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    };
    if signatures.into_iter().any(same) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn input(url: &str) -> WebhookInput {
        WebhookInput {
            name: " Trust warehouse ".to_owned(),
            url: url.to_owned(),
            change_types: vec![ChangeType::Measure, ChangeType::Project],
            organisation_id: None,
            enabled: true,
        }
    }

    fn url_error(url: &str) -> Option<String> {
        input(url)
            .validate()
            .err()
            .and_then(|e| e.0.into_iter().find(|f| f.field == "url"))
            .map(|f| f.message)
    }

    #[test]
    fn a_webhook_goes_to_https_or_to_loopback_over_http() {
        for ok in [
            "https://example.org/hook",
            "https://example.org:8443/hook?x=1",
            "HTTPS://EXAMPLE.ORG",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080/",
        ] {
            assert_eq!(url_error(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "no address"),
            ("ftp://example.org", "another scheme"),
            ("example.org/hook", "no scheme"),
            ("http://example.org/hook", "plain HTTP off this machine"),
            ("http://10.0.0.1/hook", "plain HTTP to a private address"),
            (
                "http://127.0.0.1.example.org/",
                "a host that only begins like loopback",
            ),
            ("https://", "no host"),
            ("https://:443/", "no host before a port"),
            ("https://example.org:http/", "a port that is no number"),
            ("https://user:pw@example.org/", "a password in the address"),
            ("https://exa mple.org/", "a space"),
        ] {
            assert!(url_error(bad).is_some(), "{why}: {bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL));
        assert!(url_error(&long).is_some(), "too long");
    }

    /// The fields `input` is refused for, in order.
    fn wrong_fields(input: &WebhookInput) -> Vec<String> {
        input
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|f| f.field)
            .collect()
    }

    #[test]
    fn a_webhook_has_a_name_and_some_types() {
        let ok = input("https://example.org/hook").validate().unwrap();
        assert_eq!(ok.name, "Trust warehouse");
        assert_eq!(
            ok.change_types,
            vec![ChangeType::Project, ChangeType::Measure]
        );
        let mut bad = input("https://example.org/hook");
        bad.name = "  ".to_owned();
        bad.change_types.clear();
        assert_eq!(wrong_fields(&bad), ["name", "change_types"]);

        let mut repeated = input("https://example.org/hook");
        repeated.change_types = vec![ChangeType::Measure; 3];
        assert_eq!(wrong_fields(&repeated), ["change_types"]);
    }

    #[test]
    fn a_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        // Computed apart from this code:
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let header = signature(&["whsec_test"], 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            header,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert_eq!(
            verify("whsec_test", &header, br#"{"a":1}"#, 1_700_000_100, 300),
            Ok(())
        );
    }

    #[test]
    fn a_signature_fails_for_another_body_secret_or_time() {
        let body = br#"{"id":1}"#;
        let header = signature(&["whsec_one"], 1_700_000_000, body);
        let now = 1_700_000_010;
        assert_eq!(
            verify("whsec_two", &header, body, now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_one", &header, br#"{"id":2}"#, now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_one", &header, body, now + 1000, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify("whsec_one", "v1=abc", body, now, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("whsec_one", "t=1700000000", body, now, 300),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn while_a_replaced_secret_still_signs_either_secret_verifies() {
        let body = br#"{"id":1}"#;
        let header = signature(&["whsec_new", "whsec_old"], 1_700_000_000, body);
        assert_eq!(header.matches("v1=").count(), 2);
        let now = 1_700_000_010;
        for secret in ["whsec_new", "whsec_old"] {
            assert_eq!(verify(secret, &header, body, now, 300), Ok(()), "{secret}");
        }
        assert_eq!(
            verify("whsec_other", &header, body, now, 300),
            Err(SignatureError::Mismatch)
        );
    }
}
