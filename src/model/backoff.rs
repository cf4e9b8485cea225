//! How long to wait before trying again: doubling from a first wait up to a ceiling, the one rule that a
//! failed page and a failed send both follow (each with its own ceiling).

/// The wait in seconds after `attempts` failures in a row (1 for the first): `first_secs`, doubled for
/// each failure after it, never above `max_secs`.
pub fn doubling_secs(attempts: u32, first_secs: i64, max_secs: i64) -> i64 {
    let shift = attempts.saturating_sub(1).min(16);
    first_secs.saturating_mul(1 << shift).min(max_secs)
}

/// A failed page waits this long first, a failed send too.
pub const FIRST_SECS: i64 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_the_first_up_to_the_ceiling() {
        let waits: Vec<i64> = (1..=7).map(|n| doubling_secs(n, FIRST_SECS, 30)).collect();
        assert_eq!(waits, [2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(doubling_secs(0, FIRST_SECS, 30), 2, "no failure yet waits as the first");
        assert_eq!(doubling_secs(u32::MAX, FIRST_SECS, 300), 300);
    }
}
