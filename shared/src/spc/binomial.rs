//! The Anhoej run-chart limits, and the binomial quantile behind the crossings limit.
//!
//! The fewest crossings a random series should show is the 5th percentile of Binomial(n - 1, ½)
//! (Chen 2010). It is an integer that flips at exact thresholds, so approximations (a normal
//! curve, say) are wrong for some `n`. We sum the binomial probabilities instead, each computed
//! with Loader's saddle-point method (the one R's `dbinom` uses), which keeps full relative
//! precision at any `n`. The cost grows as √n (a few thousand terms for a million useful points),
//! always small beside reading the n points that produced the count; no factorial or power of two
//! is ever formed, so nothing overflows or underflows on the way. Only for counts no series in
//! memory could reach (over 2^40) does a normal approximation stand in, to bound the time.

use std::f64::consts::{LN_2, PI};

/// `qbinom(0.05, n - 1, 0.5)`: the fewest crossings of the centre line expected by chance in
/// `n_useful` points (points on the line don't count). Fewer is a signal.
pub fn crossings_limit(n_useful: usize) -> usize {
    binomial_half_quantile(0.05, n_useful.saturating_sub(1))
}

/// `round(log2(n)) + 3` (Schilling 2012): the longest run on one side of the centre line expected
/// by chance in `n_useful` points. Longer is a signal. Zero points are treated as one.
pub fn longest_run_limit(n_useful: usize) -> usize {
    // log2 of an integer is never exactly half-way between integers, so rounding mode is moot.
    (n_useful.max(1) as f64).log2().round() as usize + 3
}

/// Beyond this many trials no series fits in memory (it would be terabytes), and the exact sum
/// would cost milliseconds; the normal approximation is then used, and is off by a crossing at
/// most where the true probability is within about 1/n of the threshold.
const EXACT_UP_TO: u64 = 1 << 40;

/// `qnorm(0.05)`, for the normal approximation.
const Z_005: f64 = -1.644_853_626_951_472_2;

/// The smallest `k` with P(X <= k) >= `p` for X ~ Binomial(`trials`, ½), as R's `qbinom`.
fn binomial_half_quantile(p: f64, trials: usize) -> usize {
    // R lowers p by 64 ulps so that a probability landing on p only through rounding still counts.
    let threshold = p * (1.0 - 64.0 * f64::EPSILON);
    let n = trials as f64;
    if trials as u64 > EXACT_UP_TO {
        // With continuity correction: P(X <= k) ~ Phi((k + 1/2 - n/2) / (sqrt(n)/2)).
        return (n / 2.0 - 0.5 + Z_005 * n.sqrt() / 2.0)
            .ceil()
            .clamp(0.0, n) as usize;
    }
    // Start near the answer: the normal approximation is within a few steps of it.
    let mut k = (n / 2.0 + Z_005 * n.sqrt() / 2.0).floor().clamp(0.0, n) as usize;
    let mut cdf = lower_tail(k, trials);
    if cdf >= threshold {
        while k > 0 {
            let below = cdf - pmf(k, trials);
            if below < threshold {
                break;
            }
            cdf = below;
            k -= 1;
        }
    } else {
        while cdf < threshold && k < trials {
            k += 1;
            cdf += pmf(k, trials);
        }
    }
    k
}

/// P(X <= k) for X ~ Binomial(n, ½), summed downwards from k until the terms stop mattering.
fn lower_tail(k: usize, n: usize) -> f64 {
    let mut term = pmf(k, n);
    let mut total = term;
    let mut j = k;
    // P(j - 1) / P(j) = j / (n - j + 1): each step is one multiplication, and the terms fall
    // geometrically once below the mean, so a few thousand steps reach the last bit at n = 10^6.
    while j > 0 && term > total * f64::EPSILON / 4.0 {
        term *= j as f64 / (n - j + 1) as f64;
        total += term;
        j -= 1;
    }
    total
}

/// P(X = k) for X ~ Binomial(n, ½), by Loader's method (R's `dbinom_raw`).
fn pmf(k: usize, n: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    if k == 0 || k == n {
        return (-(n as f64) * LN_2).exp();
    }
    let (k, n) = (k as f64, n as f64);
    let half = n / 2.0;
    let log_core = stirling_error(n)
        - stirling_error(k)
        - stirling_error(n - k)
        - deviance(k, half)
        - deviance(n - k, half);
    let log_scale = (2.0 * PI).ln() + k.ln() + (-k / n).ln_1p();
    (log_core - 0.5 * log_scale).exp()
}

/// ln(n!) - [(n + ½) ln n - n + ln √(2π)]: what Stirling's formula leaves out.
fn stirling_error(n: f64) -> f64 {
    // Exact values for the small integers, where the series below converges too slowly.
    const SMALL: [f64; 16] = [
        0.0,
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_3,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_093,
        0.016_644_691_189_821_193,
        0.013_876_128_823_070_748,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_096,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
        0.007_573_675_487_951_841,
        0.006_942_840_107_209_53,
        0.006_408_994_188_004_207,
        0.005_951_370_112_758_847_5,
        0.005_554_733_551_962_801,
    ];
    // The asymptotic series 1/(12n) - 1/(360n³) + 1/(1260n⁵) - ..., cut where the next term is
    // below f64 precision.
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n < 16.0 {
        return SMALL[n as usize];
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// x ln(x / m) + m - x, the binomial deviance term, without the cancellation a direct evaluation
/// suffers when x is close to m.
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let v2 = v * v;
        let mut sum = (x - m) * v;
        let mut power = 2.0 * x * v;
        for j in 1..1000 {
            power *= v2;
            let next = sum + power / f64::from(2 * j + 1);
            if next == sum {
                return next;
            }
            sum = next;
        }
        return sum;
    }
    x * (x / m).ln() + m - x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(X <= k) for X ~ Binomial(n, ½) in exact integer arithmetic, for small n.
    fn exact_quantile(n: u32) -> usize {
        let total = 1u128 << n;
        let mut coefficient = 1u128;
        let mut cumulative = 0u128;
        for k in 0..=n {
            cumulative += coefficient;
            // cumulative / 2^n >= 1/20, exactly.
            if cumulative * 20 >= total {
                return k as usize;
            }
            coefficient = coefficient * u128::from(n - k) / u128::from(k + 1);
        }
        n as usize
    }

    #[test]
    fn the_quantile_is_exact_where_integers_can_check_it() {
        for n in 0..=120 {
            assert_eq!(
                binomial_half_quantile(0.05, n as usize),
                exact_quantile(n),
                "n = {n}"
            );
        }
    }

    #[test]
    fn stirling_errors_are_what_stirling_leaves_out() {
        let mut ln_factorial = 0.0;
        for n in 1..=40u32 {
            let n = f64::from(n);
            ln_factorial += n.ln();
            let direct = ln_factorial - ((n + 0.5) * n.ln() - n + 0.5 * (2.0 * PI).ln());
            assert!((stirling_error(n) - direct).abs() < 1e-13, "n = {n}");
        }
    }

    #[test]
    fn probabilities_sum_to_one() {
        for n in [1usize, 2, 7, 50, 1000, 5000] {
            let total: f64 = (0..=n).map(|k| pmf(k, n)).sum();
            assert!((total - 1.0).abs() < 1e-12, "n = {n}: {total}");
        }
    }

    #[test]
    fn large_series_get_exact_limits() {
        // Checked against 40-digit sums of the binomial probabilities (mpmath); every n up to
        // 3,000 was also checked in exact integer arithmetic.
        for (n, limit) in [
            (10_000, 4_917),
            (100_000, 49_739),
            (1_000_000, 499_177),
            (1_000_001, 499_178),
            (10_000_000, 4_997_399),
        ] {
            assert_eq!(crossings_limit(n), limit, "n = {n}");
        }
        assert_eq!(longest_run_limit(1_000_000), 23);
    }

    #[test]
    fn absurdly_large_counts_get_a_quick_approximation() {
        let n = usize::MAX as f64;
        let limit = crossings_limit(usize::MAX) as f64;
        assert!((limit - (n / 2.0 + Z_005 * n.sqrt() / 2.0)).abs() / n < 1e-9);
        assert_eq!(crossings_limit(0), 0);
        assert_eq!(longest_run_limit(0), 3);
    }
}
