//! Sign-in throttling: failed sign-ins are counted per account and per client address, and
//! after too many in a window the account (or address) is locked for a while, each lock in a row
//! twice as long as the one before.
//!
//! Only failures count, so people signing in correctly (the test suite does it hundreds of times
//! from one address) are never slowed down. The counts live in this node's memory: with several
//! nodes, each counts what reaches it, so the limits hold per node (docs/security.md).

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

use std::num::NonZeroU32;

use actix_web::HttpRequest;
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use moka::{ops::compute::Op, sync::Cache};

use crate::settings::AuthSettings;

/// Each further lock in a row is twice as long as the one before, up to 2^4 = 16 windows.
const MAX_DOUBLINGS: u32 = 4;

/// Accounts and addresses remembered at once: enough for any real partnership, and a bound on
/// the memory an attacker inventing emails and addresses can take.
const CAPACITY: u64 = 100_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// The normalised email address asked for, whether or not it has an account, so the
    /// answer does not reveal which do.
    Account(String),
    Address(IpAddr),
}

/// The failures of one account or address.
#[derive(Clone, Copy, Debug)]
struct Record {
    /// Failures in the window that began at `since`.
    failures: u32,
    since: Instant,
    locked_until: Option<Instant>,
    /// Locks in a row: each one is twice as long as the one before.
    locks: u32,
}

impl Record {
    fn new(now: Instant) -> Self {
        Self {
            failures: 0,
            since: now,
            locked_until: None,
            locks: 0,
        }
    }

    /// How long the lock has still to run.
    fn locked_for(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .map(|until| until.saturating_duration_since(now))
            .filter(|left| !left.is_zero())
    }

    fn failed(mut self, now: Instant, limit: u32, window: Duration) -> Self {
        // A quiet window after a lock ends forgives it: the next lock starts short again.
        if self.locked_until.is_some_and(|until| now >= until + window) {
            self.locked_until = None;
            self.locks = 0;
        }
        if now >= self.since + window {
            self.failures = 0;
            self.since = now;
        }
        self.failures += 1;
        if self.failures >= limit {
            self.locked_until = Some(now + window * (1 << self.locks.min(MAX_DOUBLINGS)));
            self.locks += 1;
            self.failures = 0;
            self.since = now;
        }
        self
    }
}

/// The failed sign-ins this node has seen, per account and per client address.
pub struct SignInThrottle {
    records: Cache<Key, Record>,
    per_account: u32,
    per_address: u32,
    window: Duration,
    trust_forwarded_for: bool,
}

impl SignInThrottle {
    pub fn new(settings: &AuthSettings) -> Self {
        let window = Duration::from_secs(settings.throttle_window_seconds.max(1));
        Self {
            records: Cache::builder()
                .max_capacity(CAPACITY)
                // Forgotten only once no lock could still be running and the quiet window
                // that forgives it has passed: forgetting then changes nothing.
                .time_to_idle(window * ((1 << MAX_DOUBLINGS) + 1))
                .build(),
            per_account: settings.failures_per_account.max(1),
            per_address: settings.failures_per_address.max(1),
            window,
            trust_forwarded_for: settings.trust_forwarded_for,
        }
    }

    /// The address a sign-in comes from: the connection's peer, or, behind a proxy that
    /// appends it (`auth.trust_forwarded_for`), the last `X-Forwarded-For` entry. Earlier
    /// entries are whatever the client sent, so they are never believed.
    pub fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let forwarded = self
            .trust_forwarded_for
            .then(|| {
                req.headers()
                    .get_all("x-forwarded-for")
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .last()
                    .and_then(|last| last.trim().parse().ok())
            })
            .flatten();
        forwarded.or_else(|| req.peer_addr().map(|a| a.ip()))
    }

    /// How long until `account` may try again from `address`; `None`: now.
    pub fn wait(&self, account: &str, address: Option<IpAddr>) -> Option<Duration> {
        let now = Instant::now();
        keys(account, address)
            .filter_map(|key| self.records.get(&key))
            .filter_map(|record| record.locked_for(now))
            .max()
    }

    /// Counts a failed sign-in against the account and the address.
    pub fn failed(&self, account: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        for key in keys(account, address) {
            let limit = match key {
                Key::Account(_) => self.per_account,
                Key::Address(_) => self.per_address,
            };
            let window = self.window;
            self.records.entry(key).and_compute_with(|found| {
                let record = found.map_or_else(|| Record::new(now), |entry| *entry.value());
                Op::Put(record.failed(now, limit, window))
            });
        }
    }

    /// A correct password forgives the account's failures (not the address's: an attacker
    /// could otherwise clear their address's count by signing in to an account of their own).
    pub fn succeeded(&self, account: &str) {
        self.records.invalidate(&Key::Account(account.to_owned()));
    }
}

fn keys(account: &str, address: Option<IpAddr>) -> impl Iterator<Item = Key> {
    std::iter::once(Key::Account(account.to_owned())).chain(address.map(Key::Address))
}

/// Password-reset requests: at most `resets_per_account` an hour for one address asked for
/// (whether or not it has an account, so the limit reveals nothing), and `resets_per_address`
/// from one client address. Per node, like sign-in throttling.
pub struct ResetLimits {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
}

impl ResetLimits {
    pub fn new(settings: &AuthSettings) -> Self {
        let hourly = |n: u32| Quota::per_hour(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            accounts: RateLimiter::keyed(hourly(settings.resets_per_account)),
            addresses: RateLimiter::keyed(hourly(settings.resets_per_address)),
        }
    }

    /// Counts a request; how long to wait if it is one too many.
    pub fn check(&self, account: &str, address: Option<IpAddr>) -> Option<Duration> {
        // Forget keys whose limits have filled up again, so made-up addresses cannot grow the
        // maps without bound.
        if self.accounts.len() > CAPACITY as usize / 10 {
            self.accounts.retain_recent();
            self.addresses.retain_recent();
        }
        let clock = DefaultClock::default();
        let wait = |e: governor::NotUntil<_>| e.wait_time_from(clock.now());
        if let Some(address) = address
            && let Err(e) = self.addresses.check_key(&address)
        {
            return Some(wait(e));
        }
        self.accounts.check_key(&account.to_owned()).err().map(wait)
    }
}

/// What a token's request left of its allowance, for the `RateLimit-*` headers of its answer
/// (`middleware::rate_limit_headers`). Kept in the request's extensions once counted, so a
/// request that authenticates twice (a guard, then the handler) is counted once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitFigures {
    /// Requests a token may make in a minute.
    pub limit: u32,
    /// Requests it may still make at once.
    pub remaining: u32,
    /// Seconds until its whole allowance is back.
    pub reset_seconds: u64,
}

/// Requests per API token (`auth.token_requests_per_minute`), per node: a token spends its
/// allowance at once or evenly, and gets one request back every `60 / limit` seconds.
pub struct TokenLimits {
    tokens: governor::RateLimiter<
        i64,
        governor::state::keyed::DefaultKeyedStateStore<i64>,
        DefaultClock,
        governor::middleware::StateInformationMiddleware,
    >,
    limit: u32,
}

impl TokenLimits {
    pub fn new(settings: &AuthSettings) -> Self {
        let limit = settings.token_requests_per_minute.max(1);
        let quota = Quota::per_minute(NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN));
        Self {
            tokens: RateLimiter::keyed(quota)
                .with_middleware::<governor::middleware::StateInformationMiddleware>(),
            limit,
        }
    }

    /// Counts a request of token `id`: the figures for its answer, and, if it is one too many,
    /// how long to wait.
    pub fn check(&self, id: i64) -> (RateLimitFigures, Option<Duration>) {
        // Revoked and expired tokens' entries, full again, are forgotten now and then.
        if self.tokens.len() > CAPACITY as usize / 10 {
            self.tokens.retain_recent();
        }
        let figures = |remaining: u32| RateLimitFigures {
            limit: self.limit,
            remaining,
            reset_seconds: reset_seconds(self.limit, remaining),
        };
        match self.tokens.check_key(&id) {
            Ok(snapshot) => (figures(snapshot.remaining_burst_capacity()), None),
            Err(refused) => {
                let wait = refused.wait_time_from(DefaultClock::default().now());
                (figures(0), Some(wait))
            }
        }
    }
}

/// Whole seconds until `remaining` of `limit` a minute is `limit` again, rounded up.
fn reset_seconds(limit: u32, remaining: u32) -> u64 {
    let spent = u64::from(limit.saturating_sub(remaining));
    (spent * 60).div_ceil(u64::from(limit.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    fn after(record: Record, failures: u32, now: Instant) -> Record {
        (0..failures).fold(record, |r, _| r.failed(now, 3, WINDOW))
    }

    #[test]
    fn the_limit_th_failure_in_a_window_locks_for_the_window() {
        let start = Instant::now();
        let record = after(Record::new(start), 2, start);
        assert_eq!(record.locked_for(start), None, "two of three are allowed");
        let record = after(record, 1, start);
        assert_eq!(record.locked_for(start), Some(WINDOW));
        assert_eq!(record.locked_for(start + WINDOW), None, "and the lock ends");
    }

    #[test]
    fn failures_in_an_earlier_window_do_not_count() {
        let start = Instant::now();
        let record = after(Record::new(start), 2, start);
        let later = start + WINDOW;
        let record = after(record, 2, later);
        assert_eq!(record.locked_for(later), None);
    }

    #[test]
    fn each_lock_in_a_row_is_twice_as_long_up_to_sixteen_windows() {
        let mut now = Instant::now();
        let mut record = Record::new(now);
        let mut locks = Vec::new();
        for _ in 0..7 {
            record = after(record, 3, now);
            let lock = record.locked_for(now).unwrap_or_default();
            locks.push(lock.as_secs() / WINDOW.as_secs());
            // Straight back to guessing when the lock ends.
            now += lock;
        }
        assert_eq!(locks, [1, 2, 4, 8, 16, 16, 16]);
    }

    #[test]
    fn a_token_gets_its_limit_then_waits() {
        let settings = AuthSettings {
            token_requests_per_minute: 3,
            ..AuthSettings::default()
        };
        let limits = TokenLimits::new(&settings);
        let remaining: Vec<u32> = (0..3).map(|_| limits.check(7).0.remaining).collect();
        assert_eq!(remaining, [2, 1, 0]);
        let (figures, wait) = limits.check(7);
        assert_eq!(figures.remaining, 0);
        assert_eq!(figures.reset_seconds, 60);
        assert!(wait.is_some_and(|w| w > Duration::ZERO && w <= Duration::from_secs(20)));
        assert_eq!(
            limits.check(8).1,
            None,
            "another token has its own allowance"
        );
        assert_eq!(reset_seconds(600, 599), 1);
        assert_eq!(reset_seconds(600, 600), 0);
    }

    #[test]
    fn a_quiet_window_after_a_lock_forgives_it() {
        let start = Instant::now();
        let record = after(Record::new(start), 3, start);
        let quiet = start + WINDOW + WINDOW;
        let record = after(record, 3, quiet);
        assert_eq!(record.locked_for(quiet), Some(WINDOW), "short again");
    }
}
