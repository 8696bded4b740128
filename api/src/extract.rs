//! Request extractors and framework error handlers that keep the problem-document promise.
//!
//! actix-web's own `Json`, `Query` and `Path` errors are plain text; here they become problem
//! documents, and a JSON body that does not fit its type names the failing field (via
//! `serde_path_to_error`) instead of a line and column.

use std::{
    future::{Future, Ready, ready},
    pin::Pin,
};

use actix_web::{
    FromRequest, HttpRequest, HttpResponse,
    dev::{Decompress, Payload},
    error::{PathError, PayloadError},
    http::header,
    web::{self, Bytes},
};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult, invalid};

/// A JSON request body, parsed with field-level errors, of at most the server's body limit
/// (`max_body_bytes`) or, where `MAX` is given, of at most `MAX` bytes: a body type whose fields
/// allow more than the general limit names its own, so that every body its schema allows fits.
pub struct Json<T, const MAX: usize = 0>(pub T);

impl<T: DeserializeOwned + 'static, const MAX: usize> FromRequest for Json<T, MAX> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let body: Pin<Box<dyn Future<Output = Result<Bytes, ApiError>>>> = if MAX == 0 {
            let bytes = Bytes::from_request(req, payload);
            Box::pin(async move {
                bytes
                    .await
                    .map_err(|err| match err.as_error::<PayloadError>() {
                        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
                        _ => unreadable(),
                    })
            })
        } else {
            // As `Bytes` reads a body (decoding a compressed one), with this type's limit in
            // place of the server's.
            let declared = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok());
            let stream = Decompress::from_headers(payload.take(), req.headers());
            Box::pin(async move {
                if declared.is_some_and(|length| length > MAX) {
                    return Err(ApiError::PayloadTooLarge);
                }
                read_up_to(stream, MAX).await
            })
        };
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            parse_json(&body.await?).map(Json)
        })
    }
}

fn unreadable() -> ApiError {
    ApiError::BadRequest {
        code: "unreadable_body",
        detail: "The request body could not be read".to_owned(),
    }
}

/// Reads a body stream of at most `max` bytes.
async fn read_up_to<S>(mut stream: S, max: usize) -> Result<Bytes, ApiError>
where
    S: futures_util::Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    use futures_util::StreamExt;
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        if bytes.len() + chunk.len() > max {
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

/// Parses a JSON body: broken JSON is a 400, JSON of the wrong shape a 422 naming the field.
///
/// Two steps, because serde_json reports some type mismatches (a number where an enum's string
/// belongs) as syntax errors: first the syntax, then the shape, from the parsed value.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|err| malformed(&err))?;
    // Every body of this API is an object, as the document says; serde would otherwise read a
    // struct from an array of its fields in order (`[null, null]`).
    if !value.is_object() {
        return Err(invalid("body", "Send a JSON object"));
    }
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let raw = err.into_inner().to_string();
        match describe_data_error(&raw) {
            (_, Some(missing)) => invalid(&join_path(&path, missing), "This field is required"),
            (message, None) => invalid(if path == "." { "body" } else { &path }, message),
        }
    })
}

/// JSON has one kind of number: `7.0` is the integer 7 to JSON Schema and to JavaScript (which
/// may well send it so), but serde refuses it for an integer field. Whole numbers that fit an
/// `i64` become integers; others stay as they are, for the field's type to judge.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            // 2^63: the first whole number past i64::MAX, which `as` would saturate to it.
            const PAST_I64: f64 = 9_223_372_036_854_775_808.0;
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && (-PAST_I64..PAST_I64).contains(&float)
            {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_json",
        detail: format!("The request body is not valid JSON: {err}"),
    }
}

/// Turns serde's message into one for people, and picks out a missing field's name.
fn describe_data_error(raw: &str) -> (String, Option<&str>) {
    // serde appends " at line L column C"; the field is named separately.
    let message = raw.split(" at line ").next().unwrap_or(raw);
    if let Some(rest) = message.strip_prefix("missing field `") {
        return (message.to_owned(), rest.strip_suffix('`'));
    }
    let message = if let Some(rest) = message.strip_prefix("invalid type: ") {
        format!("Wrong type: {rest}")
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        format!("Unknown value {rest}")
    } else {
        let mut chars = message.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    (message, None)
}

fn join_path(path: &str, field: &str) -> String {
    if path == "." || path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// A query string, parsed with the failing parameter named.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query))
    }
}

/// Parses a query string: a parameter of the wrong form is a 400 naming it.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let raw = err.into_inner().to_string();
        let (message, missing) = describe_data_error(&raw);
        let field = missing.map(str::to_owned).unwrap_or(if path == "." {
            "query".to_owned()
        } else {
            path
        });
        ApiError::BadRequest {
            code: "invalid_query",
            detail: format!("Query parameter `{field}` is not valid: {message}"),
        }
    })
}

/// `web::PathConfig` error handler: `/organisations/abc` names no organisation, so 404. But
/// `PUT /bulletins/feed.atom` is the feed's path, which has no PUT: 405, as for any other
/// method an endpoint does not have.
pub fn path_error(_err: PathError, req: &HttpRequest) -> actix_web::Error {
    let allowed = crate::routes::methods_of_literal(req.path());
    if !allowed.is_empty() && !allowed.contains(&req.method().as_str()) {
        return ApiError::MethodNotAllowed {
            allow: allowed.join(", "),
        }
        .into();
    }
    invalid_id().into()
}

/// The answer to a path whose id is not a number: there is no such resource.
pub fn invalid_id() -> ApiError {
    ApiError::NotFound("No such resource: the path has an invalid id".to_owned())
}

/// Body-size limit shared by every JSON body (`max_body_bytes`).
pub fn payload_config(max_bytes: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(max_bytes)
}

/// Is the body said to be CSV (or plain text, or unsaid)? Browsers name a CSV file's type in
/// several ways.
pub fn is_csv(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return true;
    };
    let mime = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    [
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
    ]
    .contains(&mime.as_str())
}

/// The 415 for a body that is not CSV, saying so rather than asking for JSON.
pub fn not_csv() -> HttpResponse {
    let mut problem = ApiError::UnsupportedMediaType.problem();
    problem.detail = Some("Send the file as CSV text with Content-Type: text/csv".to_owned());
    HttpResponse::build(actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .content_type("application/problem+json")
        .json(problem)
}

/// Reads a body (a CSV file) of at most `max` bytes as UTF-8 text.
pub async fn csv_text(payload: web::Payload, max: usize) -> Result<String, ApiError> {
    let bytes = read_up_to(payload, max).await?;
    String::from_utf8(bytes.into()).map_err(|_| {
        invalid(
            "body",
            "The file is not UTF-8 text: in a spreadsheet, save it as \"CSV UTF-8\"",
        )
    })
}

/// An `If-Match` header (`"7"`, `W/"7"`, a list of them, or `*`), for a change that must not
/// overwrite someone else's. Extracting never fails: a handler asks for [`IfMatch::version`]
/// after its access guard, so a person who may not see the object learns nothing from a 428.
pub struct IfMatch(Option<Condition>);

enum Condition {
    /// `*`: whatever version the object is at (RFC 9110, 13.1.1).
    Any,
    /// The versions named; one that cannot be ours (not a number) is left out, so it matches
    /// nothing.
    Versions(Vec<i64>),
}

impl IfMatch {
    /// The version the change goes ahead from, given the version `current` the handler loaded:
    /// `current` when the header names it or is `*`, else a version that will not match (so
    /// the change is refused with 412). 428 when the header is missing.
    pub fn version(&self, current: i64) -> ApiResult<i64> {
        self.optional(current).ok_or(ApiError::PreconditionRequired)
    }

    /// As [`IfMatch::version`], for changes that check it only when it is sent.
    pub fn optional(&self, current: i64) -> Option<i64> {
        self.0.as_ref().map(|condition| match condition {
            Condition::Any => current,
            Condition::Versions(versions) if versions.contains(&current) => current,
            Condition::Versions(_) => -1,
        })
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let condition = req.headers().get(header::IF_MATCH).map(|value| {
            let text = value.to_str().unwrap_or("").trim();
            if text == "*" {
                return Condition::Any;
            }
            Condition::Versions(
                text.split(',')
                    .filter_map(|tag| {
                        let tag = tag.trim();
                        tag.strip_prefix("W/")
                            .unwrap_or(tag)
                            .trim_matches('"')
                            .parse()
                            .ok()
                    })
                    .collect(),
            )
        });
        ready(Ok(Self(condition)))
    }
}

/// The `ETag` header of an object whose version is `version`.
pub fn etag(version: i64) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Body {
        name: String,
        inner: Inner,
    }
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Inner {
        count: u32,
    }

    fn problem_of(raw: &str) -> qi_shared::problem::Problem {
        match parse_json::<Body>(raw.as_bytes()) {
            Ok(body) => panic!("{raw} should not parse: {body:?}"),
            Err(err) => {
                assert!(err.status_code().is_client_error());
                err.problem()
            }
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Params {
        page: Option<u64>,
        role: Option<qi_shared::person::Role>,
    }

    #[test]
    fn query_errors_name_the_parameter() {
        for (raw, field) in [
            ("page=abc", "page"),
            ("role=king", "role"),
            ("page=-1", "page"),
        ] {
            match parse_query::<Params>(raw) {
                Ok(p) => panic!("{raw} should not parse: {p:?}"),
                Err(err) => {
                    let problem = err.problem();
                    assert_eq!(problem.status, 400);
                    assert!(
                        problem
                            .detail
                            .unwrap_or_default()
                            .contains(&format!("`{field}`")),
                        "{raw}"
                    );
                }
            }
        }
        assert!(parse_query::<Params>("page=2&role=coach&unknown=1").is_ok());
    }

    #[test]
    fn a_whole_number_written_with_a_decimal_point_is_an_integer() {
        for raw in [
            r#"{"name": "a", "inner": {"count": 7.0}}"#,
            r#"{"name": "a", "inner": {"count": 7e0}}"#,
        ] {
            match parse_json::<Body>(raw.as_bytes()) {
                Ok(body) => assert_eq!(body.inner.count, 7, "{raw}"),
                Err(err) => panic!("{raw} should parse: {:?}", err.problem()),
            }
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let cases = [
            (r#"{"name": "a""#, 400, None),
            (r#"{"name": "a", "inner": {}}"#, 422, Some("inner.count")),
            (r#"{"inner": {"count": 1}}"#, 422, Some("name")),
            (r#"{"name": 5, "inner": {"count": 1}}"#, 422, Some("name")),
            (
                r#"{"name": "a", "inner": {"count": -1}}"#,
                422,
                Some("inner.count"),
            ),
            (r#"[]"#, 422, Some("body")),
            (r#"["a", {"count": 1}]"#, 422, Some("body")),
            (
                r#"{"name": "a", "inner": {"count": 7.5}}"#,
                422,
                Some("inner.count"),
            ),
            (
                r#"{"name": "a", "inner": {"count": "7"}}"#,
                422,
                Some("inner.count"),
            ),
            (
                r#"{"name": "a", "inner": {"count": 1}} trailing"#,
                400,
                None,
            ),
        ];
        for (raw, status, field) in cases {
            let problem = problem_of(raw);
            assert_eq!(problem.status, status, "{raw}");
            assert_eq!(
                problem.errors.first().map(|e| e.field.as_str()),
                field,
                "{raw}"
            );
        }
    }
}
