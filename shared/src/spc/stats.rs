//! The few statistics the charts need, computed the way R computes them.
//!
//! The reference implementations are R packages, and a point exactly on a mean or a limit changes
//! a chart's story, so the last bits matter. R sums in extended precision and corrects the
//! quotient with a second pass; a compensated sum and an exact remainder get the same correctly
//! rounded mean in plain `f64`, in one pass.

/// Adds `value` to a running Neumaier compensated sum `(total, carry)`.
fn add(sum: &mut (f64, f64), value: f64) {
    let (total, carry) = sum;
    let t = *total + value;
    *carry += if total.abs() >= value.abs() {
        (*total - t) + value
    } else {
        (value - t) + *total
    };
    *total = t;
}

/// The sum of `values` as an unevaluated pair `hi + lo`, compensated so it is exact to the last
/// bit for any series we meet, and their count. Four interleaved sums keep the processor busy
/// (one sum is a chain of dependent additions); their parts are then added the same careful way.
fn compensated_sum(mut values: impl Iterator<Item = f64>) -> ((f64, f64), usize) {
    let mut lanes = [(0.0, 0.0); 4];
    let mut count = 0;
    'values: loop {
        for lane in &mut lanes {
            let Some(v) = values.next() else {
                break 'values;
            };
            add(lane, v);
            count += 1;
        }
    }
    let mut sum = (0.0, 0.0);
    for (total, carry) in lanes {
        add(&mut sum, total);
        add(&mut sum, carry);
    }
    (sum, count)
}

/// The arithmetic mean as R's `mean()` gives it (R sums in extended precision and corrects the
/// quotient, which makes it the correctly rounded mean in practice); `None` for no values (R's
/// `NaN`) or a mean too large to represent.
pub(crate) fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let ((hi, lo), count) = compensated_sum(values);
    if count == 0 {
        return None;
    }
    let n = count as f64;
    let quotient = hi / n;
    // hi - quotient * n, exactly (the remainder of a rounded division is representable), plus
    // the low part: what the first division left out.
    let remainder = (-quotient).mul_add(n, hi) + lo;
    let mean = quotient + remainder / n;
    mean.is_finite().then_some(mean)
}

/// The median as R's `median()` gives it (the mean of the middle two for an even count); `None`
/// for no values. Reorders `values`, in linear time.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let half = n / 2;
    let (lower, &mut upper, _) = values.select_nth_unstable_by(half, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let below = lower.iter().copied().max_by(f64::total_cmp)?;
    let middle = (below + upper) / 2.0;
    // Halving first avoids overflow for values near f64::MAX.
    Some(if middle.is_finite() {
        middle
    } else {
        below / 2.0 + upper / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_matches_r() {
        assert_eq!(mean([1.0, 2.0, 3.0, 4.0].into_iter()), Some(2.5));
        assert_eq!(mean(std::iter::empty()), None);
        // R: mean(c(0.1, 0.2, 0.3)) == 0.2 is TRUE; naive summing gives 0.20000000000000004.
        assert_eq!(mean([0.1, 0.2, 0.3].into_iter()), Some(0.2));
        assert_eq!(mean([f64::MAX, f64::MAX].into_iter()), None);
        // Cancellation a plain sum gets wrong: it would say 0.
        assert_eq!(mean([1e17, 1.0, -1e17, 1.0, 2.0].into_iter()), Some(0.8));
    }

    #[test]
    fn median_matches_r() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [f64::MAX, f64::MAX]), Some(f64::MAX));
    }
}
