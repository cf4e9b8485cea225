//! A token bucket per tenant: `burst` requests at once, refilled at `per_second`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests a tenant may make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `tenant` at `now`, or says how long until one is free.
    pub fn take(&self, tenant: &str, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.limit.burst.max(1));
        let rate = self.limit.per_second;
        // A poisoned map only means another request panicked mid-update; the counts are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(tenant.to_string()).or_insert(Bucket {
            tokens: burst,
            refilled: now,
        });
        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        if rate <= 0.0 || !rate.is_finite() {
            return Err(Duration::from_secs(60));
        }
        Err(Duration::from_secs_f64(((1.0 - bucket.tokens) / rate).min(3600.0)))
    }
}

/// `Retry-After` in whole seconds, never 0 (a client told "0" would retry at once).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill_per_tenant() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 2.0,
            burst: 3,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take("a", t0), Ok(()));
        }
        let wait = limiter.take("a", t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert_eq!(retry_after_secs(wait), 1);
        assert_eq!(limiter.take("b", t0), Ok(()), "tenants have their own buckets");
        assert_eq!(limiter.take("a", t0 + Duration::from_millis(500)), Ok(()));
        assert!(limiter.take("a", t0 + Duration::from_millis(500)).is_err());
        // A long pause refills only up to the burst.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(limiter.take("a", later), Ok(()));
        }
        assert!(limiter.take("a", later).is_err());
    }

    #[test]
    fn slow_rates_give_long_retry_after() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 0.1,
            burst: 1,
        });
        let t0 = Instant::now();
        assert!(limiter.take("a", t0).is_ok());
        assert_eq!(retry_after_secs(limiter.take("a", t0).unwrap_err()), 10);
    }
}
