//! The source server, as `qi pull` reads it: the changes feed's cursor and pages, and the bulk
//! exports as streams of NDJSON rows. Failures that another try may cure (429, 5xx, a network
//! error) are tried again with backoff; the rest end the pull with a message saying what to do.

use std::{pin::Pin, time::Duration};

use bytes::BytesMut;
use futures_util::{Stream, StreamExt};
use qi_shared::changes::{ChangeCursor, ChangePage, Position};
use reqwest::{Response, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

/// Tries of one request before giving up (the first and this many less one retries).
const ATTEMPTS: u32 = 6;
/// The longest wait between tries, whatever a `Retry-After` asks.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// Why the source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the server refused the API token (401): it is wrong, expired or revoked")]
    Unauthorized,
    #[error(
        "the API token may not read {what} (403): it needs the read_projects or read_measures scope"
    )]
    Forbidden { what: String },
    #[error("could not reach {url} after {} tries: {source}", ATTEMPTS)]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} answered {status} after {} tries", ATTEMPTS)]
    Unavailable { url: String, status: StatusCode },
    #[error("{url} answered {status}: {detail}")]
    Refused {
        url: String,
        status: StatusCode,
        detail: String,
    },
    #[error("reading {url}: {source}")]
    Body {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} sent a row that is not what the API documents (line {line}): {source}")]
    Row {
        url: String,
        line: u64,
        #[source]
        source: serde_json::Error,
    },
    #[error("not a server address: {0}")]
    Address(String),
}

/// A bulk export's rows, parsed one by one as they arrive.
pub type Rows<T> = Pin<Box<dyn Stream<Item = Result<T, ClientError>> + Send>>;

/// A client of one server, holding its API token.
pub struct Client {
    http: reqwest::Client,
    base: url::Url,
    token: SecretString,
    /// The first wait between tries; doubled each time.
    backoff: Duration,
}

impl Client {
    /// A client of the server at `base` (`https://qi.example.org`, with or without a path).
    pub fn new(base: &str, token: SecretString, backoff: Duration) -> Result<Self, ClientError> {
        let mut base = url::Url::parse(base.trim())
            .map_err(|e| ClientError::Address(format!("{base}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ClientError::Address(format!(
                "{base}: only http and https are read"
            )));
        }
        // So that joining `api/v1/...` keeps a path the server is mounted under.
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("qi-pull/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            // Between two reads of a body, not for the whole of a long export.
            .read_timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| ClientError::Address(e.to_string()))?;
        Ok(Client {
            http,
            base,
            token,
            backoff,
        })
    }

    /// The feed's position now: a first pull takes it before loading anything.
    pub async fn cursor(&self) -> Result<Position, ClientError> {
        let url = self.url("api/v1/changes/cursor")?;
        let answer: ChangeCursor = self.json(&url, "the changes feed").await?;
        Ok(answer.cursor)
    }

    /// A page of the feed after `since`.
    pub async fn changes(&self, since: Position, limit: u64) -> Result<ChangePage, ClientError> {
        let mut url = self.url("api/v1/changes")?;
        url.query_pairs_mut()
            .append_pair("since", &since.encode())
            .append_pair("limit", &limit.to_string());
        self.json(&url, "the changes feed").await
    }

    /// A collection's bulk export (`projects`, `measures`) as a stream of rows, read as they
    /// arrive. `None` when the token's scopes do not cover the collection.
    pub async fn export<T: DeserializeOwned + Send + 'static>(
        &self,
        collection: &str,
    ) -> Result<Option<Rows<T>>, ClientError> {
        let mut url = self.url(&format!("api/v1/export/{collection}"))?;
        url.query_pairs_mut().append_pair("format", "ndjson");
        let response = match self.get(&url, collection).await {
            Ok(response) => response,
            Err(ClientError::Forbidden { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(Box::pin(ndjson(url.to_string(), response))))
    }

    fn url(&self, path: &str) -> Result<url::Url, ClientError> {
        self.base
            .join(path)
            .map_err(|e| ClientError::Address(format!("{}{path}: {e}", self.base)))
    }

    async fn json<T: DeserializeOwned>(
        &self,
        url: &url::Url,
        what: &str,
    ) -> Result<T, ClientError> {
        let response = self.get(url, what).await?;
        let body = response.bytes().await.map_err(|source| ClientError::Body {
            url: url.to_string(),
            source,
        })?;
        serde_json::from_slice(&body).map_err(|source| ClientError::Row {
            url: url.to_string(),
            line: 1,
            source,
        })
    }

    /// GET with the token, tried again on 429 (after `Retry-After`), 5xx and network errors.
    async fn get(&self, url: &url::Url, what: &str) -> Result<Response, ClientError> {
        let mut wait = self.backoff;
        let mut attempt = 1;
        loop {
            let sent = self
                .http
                .get(url.clone())
                .bearer_auth(self.token.expose_secret())
                .send()
                .await;
            let asked = match sent {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => match response.status() {
                    StatusCode::UNAUTHORIZED => return Err(ClientError::Unauthorized),
                    StatusCode::FORBIDDEN => {
                        return Err(ClientError::Forbidden {
                            what: what.to_owned(),
                        });
                    }
                    StatusCode::TOO_MANY_REQUESTS => retry_after(&response),
                    status if status.is_server_error() => {
                        if attempt == ATTEMPTS {
                            return Err(ClientError::Unavailable {
                                url: url.to_string(),
                                status,
                            });
                        }
                        None
                    }
                    status => {
                        let detail = response.text().await.unwrap_or_default();
                        return Err(ClientError::Refused {
                            url: url.to_string(),
                            status,
                            detail,
                        });
                    }
                },
                Err(source) => {
                    if attempt == ATTEMPTS {
                        return Err(ClientError::Unreachable {
                            url: url.to_string(),
                            source,
                        });
                    }
                    None
                }
            };
            let pause = asked.unwrap_or(wait).min(MAX_WAIT);
            tracing::warn!(%url, attempt, ?pause, "the server is busy or unreachable: trying again");
            tokio::time::sleep(pause).await;
            wait = (wait * 2).min(MAX_WAIT);
            // A 429 is the server pacing us, not a failure: it does not use up the tries.
            if asked.is_none() {
                attempt += 1;
            }
        }
    }
}

/// The wait a 429 asks for (`Retry-After` in seconds); a 429 without one waits a second.
fn retry_after(response: &Response) -> Option<Duration> {
    let seconds = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Some(Duration::from_secs(seconds))
}

/// The rows of an NDJSON answer, each parsed as it is complete: the answer is never held
/// whole. A transfer broken part way ends the stream with an error, never a short success.
fn ndjson<T: DeserializeOwned + Send + 'static>(
    url: String,
    response: Response,
) -> impl Stream<Item = Result<T, ClientError>> + Send {
    struct Lines<S> {
        body: S,
        buffer: BytesMut,
        line: u64,
        done: bool,
    }
    let lines = Lines {
        body: Box::pin(response.bytes_stream()),
        buffer: BytesMut::new(),
        line: 0,
        done: false,
    };
    futures_util::stream::unfold(lines, move |mut lines| {
        let url = url.clone();
        async move {
            loop {
                if let Some(end) = lines.buffer.iter().position(|b| *b == b'\n') {
                    let row = lines.buffer.split_to(end + 1);
                    lines.line += 1;
                    let row = &row[..end];
                    if row.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let parsed = serde_json::from_slice(row).map_err(|source| ClientError::Row {
                        url,
                        line: lines.line,
                        source,
                    });
                    return Some((parsed, lines));
                }
                if lines.done {
                    if lines.buffer.iter().all(u8::is_ascii_whitespace) {
                        return None;
                    }
                    // A last row without its newline.
                    lines.buffer.extend_from_slice(b"\n");
                    continue;
                }
                match lines.body.next().await {
                    Some(Ok(chunk)) => lines.buffer.extend_from_slice(&chunk),
                    Some(Err(source)) => {
                        lines.done = true;
                        lines.buffer.clear();
                        return Some((Err(ClientError::Body { url, source }), lines));
                    }
                    None => lines.done = true,
                }
            }
        }
    })
}
