//! Plane geometry and small statistics the form metrics share: medians, angles in degrees,
//! smoothing over time and peaks between frames.

/// A point in pixels (x right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Xy {
    pub x: f64,
    pub y: f64,
}

impl Xy {
    pub fn mid(self, other: Xy) -> Xy {
        Xy {
            x: (self.x + other.x) / 2.0,
            y: (self.y + other.y) / 2.0,
        }
    }
    pub fn distance(self, other: Xy) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// The median, by selection (the slice is reordered); `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values[..n / 2]
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    Some((lower + upper) / 2.0)
}

/// The angle of the segment `from → to` from vertical, in degrees: 0 when `to` is straight above
/// (or, with `downward`, straight below) `from`, positive when `to` is towards `forward` (+1 is
/// the picture's right, −1 its left).
pub fn from_vertical(from: Xy, to: Xy, forward: f64, downward: bool) -> f64 {
    let ahead = forward * (to.x - from.x);
    let along = if downward {
        to.y - from.y
    } else {
        from.y - to.y
    };
    ahead.atan2(along).to_degrees()
}

/// The angle of the segment `a → b` from horizontal, in degrees, positive when `b` is lower in the
/// picture than `a` (y grows downwards).
pub fn from_horizontal(a: Xy, b: Xy) -> f64 {
    (b.y - a.y).atan2((b.x - a.x).abs()).to_degrees()
}

/// The angle at `joint` between the segments to `a` and to `b`, in degrees (180 = straight).
pub fn joint_angle(a: Xy, joint: Xy, b: Xy) -> f64 {
    let (ux, uy) = (a.x - joint.x, a.y - joint.y);
    let (vx, vy) = (b.x - joint.x, b.y - joint.y);
    let cross = ux * vy - uy * vx;
    let dot = ux * vx + uy * vy;
    cross.abs().atan2(dot).to_degrees()
}

/// Each value replaced by the mean of the values within `half_window` seconds of it (times
/// increase). Linear in the number of values.
pub fn smooth(times: &[f64], values: &[f64], half_window: f64) -> Vec<f64> {
    let n = values.len();
    let mut out = Vec::with_capacity(n);
    let (mut lo, mut hi, mut sum) = (0usize, 0usize, 0.0f64);
    for i in 0..n {
        while hi < n && times[hi] <= times[i] + half_window {
            sum += values[hi];
            hi += 1;
        }
        while times[lo] < times[i] - half_window {
            sum -= values[lo];
            lo += 1;
        }
        out.push(sum / (hi - lo) as f64);
    }
    out
}

/// The time of the top of a peak at sample `i` of `values`, refined between the frames by the
/// parabola through it and its neighbours (frames may be unevenly spaced).
pub fn peak_time(times: &[f64], values: &[f64], i: usize) -> f64 {
    if i == 0 || i + 1 >= values.len() {
        return times[i];
    }
    let (t0, t1, t2) = (times[i - 1], times[i], times[i + 1]);
    let (y0, y1, y2) = (values[i - 1], values[i], values[i + 1]);
    // Parabola through three points: vertex from divided differences.
    let d01 = (y1 - y0) / (t1 - t0);
    let d12 = (y2 - y1) / (t2 - t1);
    let a = (d12 - d01) / (t2 - t0);
    if a.abs() < f64::EPSILON {
        return t1;
    }
    let b = d01 - a * (t0 + t1);
    let vertex = -b / (2.0 * a);
    vertex.clamp(t0, t2)
}

/// Indexes of local maxima of `values`: each the highest within `half_window` seconds on both
/// sides, and at least `prominence` above the lowest value between it and the previous maximum.
pub fn maxima(times: &[f64], values: &[f64], half_window: f64, prominence: f64) -> Vec<usize> {
    let n = values.len();
    let mut found: Vec<usize> = Vec::new();
    let mut lo = 0usize;
    let mut hi = 0usize;
    // A monotonic deque would make this strictly linear; the window holds a handful of frames.
    for i in 0..n {
        while times[lo] < times[i] - half_window {
            lo += 1;
        }
        while hi < n && times[hi] <= times[i] + half_window {
            hi += 1;
        }
        // A peak needs a whole window on both sides, or it may just be where the clip starts.
        if times[i] - half_window < times[0] || times[i] + half_window > times[n - 1] {
            continue;
        }
        let v = values[i];
        let top = (lo..hi).all(|j| values[j] < v || (values[j] == v && j >= i));
        if !top {
            continue;
        }
        if let Some(&last) = found.last() {
            let dip = values[last..=i]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min);
            if v - dip < prominence || values[last] - dip < prominence {
                // Not a separate peak: keep the higher of the two.
                if v > values[last] {
                    *found.last_mut().expect("just read") = i;
                }
                continue;
            }
        }
        found.push(i);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_empty() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn angles_from_vertical_and_at_a_joint() {
        let hip = Xy { x: 0.0, y: 0.0 };
        let shoulder = Xy { x: 1.0, y: -1.0 };
        assert!((from_vertical(hip, shoulder, 1.0, false) - 45.0).abs() < 1e-9);
        assert!((from_vertical(hip, shoulder, -1.0, false) + 45.0).abs() < 1e-9);
        let knee = Xy { x: 0.0, y: 1.0 };
        let ankle = Xy { x: 0.0, y: 2.0 };
        assert!((joint_angle(hip, knee, ankle) - 180.0).abs() < 1e-9);
        let bent = Xy { x: 1.0, y: 1.0 };
        assert!((joint_angle(hip, knee, bent) - 90.0).abs() < 1e-9);
    }

    #[test]
    fn a_peak_between_frames_is_found_between_them() {
        let times: Vec<f64> = (0..10).map(|i| f64::from(i) * 0.1).collect();
        let values: Vec<f64> = times.iter().map(|t| -(t - 0.42) * (t - 0.42)).collect();
        let i = maxima(&times, &values, 0.2, 0.0);
        assert_eq!(i, vec![4]);
        assert!((peak_time(&times, &values, 4) - 0.42).abs() < 1e-9);
    }
}
