//! The spring-mass model of running (Morin et al. 2005, J Appl Biomech 21:167; CLINICAL.md §9):
//! peak vertical force, centre-of-mass drop, leg compression and stiffness from cadence, ground
//! contact time, speed and (when known) body mass and height.

use serde::Serialize;

/// Gravitational acceleration used by the model, m/s² (CLINICAL.md §9).
pub const G: f64 = 9.81;

/// Leg length as a share of standing height, L ≈ 0.53 × height (CLINICAL.md §9, Morin 2005).
pub const LEG_LENGTH_PER_HEIGHT: f64 = 0.53;

/// What we know about the runner's body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Body {
    /// Body mass, kg.
    pub mass_kg: Option<f64>,
    /// Standing height, m.
    pub height_m: Option<f64>,
}

/// The model's output for one typical step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpringMassEstimate {
    /// Step time = 60 / cadence, s.
    pub step_time_s: f64,
    /// Ground contact time tc, s.
    pub contact_time_s: f64,
    /// Flight time tf = step time − tc, s.
    pub flight_time_s: f64,
    /// Share of a stride (two steps) that one foot is on the ground: tc / (2 × step time).
    pub duty_factor: f64,
    /// Peak vertical force in body weights: (π/2) · (tf/tc + 1).
    pub peak_force_bw: f64,
    /// Peak vertical force, N (needs body mass).
    pub peak_force_n: Option<f64>,
    /// Downward displacement of the centre of mass Δyc, m: Fmax·tc²/(m·π²) − g·tc²/8.
    pub com_drop_m: f64,
    /// Leg compression ΔL, m: L − √(L² − (v·tc/2)²) + Δyc (needs height and speed).
    pub leg_compression_m: Option<f64>,
    /// Vertical stiffness Fmax / Δyc, kN/m (needs body mass).
    pub vertical_stiffness_kn_per_m: Option<f64>,
    /// Leg stiffness Fmax / ΔL, kN/m (needs body mass, height and speed).
    pub leg_stiffness_kn_per_m: Option<f64>,
}

fn positive(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite() && *v > 0.0)
}

/// Estimates the spring-mass parameters of a typical step.
///
/// `None` when the inputs do not describe running with a flight phase (contact time longer
/// than the step time, as in walking) or are not positive.
pub fn estimate(
    cadence_spm: f64,
    contact_time_ms: f64,
    speed_mps: Option<f64>,
    body: &Body,
) -> Option<SpringMassEstimate> {
    if !(cadence_spm.is_finite() && cadence_spm > 0.0) {
        return None;
    }
    if !(contact_time_ms.is_finite() && contact_time_ms > 0.0) {
        return None;
    }
    let step_time = 60.0 / cadence_spm;
    let tc = contact_time_ms / 1000.0;
    let tf = step_time - tc;
    if tf < 0.0 {
        return None;
    }
    let pi = std::f64::consts::PI;
    let peak_force_bw = pi / 2.0 * (tf / tc + 1.0);
    // Fmax/m = peak_force_bw · g, so the centre-of-mass drop does not depend on mass.
    let com_drop = peak_force_bw * G * tc * tc / (pi * pi) - G * tc * tc / 8.0;
    let mass = positive(body.mass_kg);
    let peak_force_n = mass.map(|m| peak_force_bw * m * G);
    let leg_compression = match (positive(body.height_m), positive(speed_mps)) {
        (Some(h), Some(v)) => {
            let l = LEG_LENGTH_PER_HEIGHT * h;
            let half_sweep = v * tc / 2.0;
            (half_sweep < l).then(|| l - (l * l - half_sweep * half_sweep).sqrt() + com_drop)
        }
        _ => None,
    };
    let stiffness = |f: Option<f64>, d: Option<f64>| match (f, d) {
        (Some(f), Some(d)) if d > 0.0 => Some(f / d / 1000.0),
        _ => None,
    };
    Some(SpringMassEstimate {
        step_time_s: step_time,
        contact_time_s: tc,
        flight_time_s: tf,
        duty_factor: tc / (2.0 * step_time),
        peak_force_bw,
        peak_force_n,
        com_drop_m: com_drop,
        leg_compression_m: leg_compression,
        vertical_stiffness_kn_per_m: stiffness(peak_force_n, Some(com_drop)),
        leg_stiffness_kn_per_m: stiffness(peak_force_n, leg_compression),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// 180 steps/min, 250 ms contact, 3.5 m/s, 70 kg, 1.80 m, worked by hand:
    /// step 0.333… s, tf 0.0833… s, Fmax = π/2 · (1/3 + 1) = 2.0944 BW = 1438.2 N;
    /// Δyc = 2.0944·9.81·0.0625/π² − 9.81·0.0625/8 = 0.13011 − 0.07664 = 0.05347 m;
    /// L = 0.954 m, v·tc/2 = 0.4375 m, √(0.954² − 0.4375²) = 0.84777, ΔL = 0.10623 + 0.05347
    /// = 0.15970 m; kvert = 1438.2/0.05347 = 26.90 kN/m; kleg = 1438.2/0.15970 = 9.006 kN/m.
    #[test]
    fn hand_computed_example() {
        let body = Body {
            mass_kg: Some(70.0),
            height_m: Some(1.80),
        };
        let e = estimate(180.0, 250.0, Some(3.5), &body).unwrap();
        assert!(near(e.step_time_s, 1.0 / 3.0, 1e-12));
        assert!(near(e.flight_time_s, 1.0 / 12.0, 1e-12));
        assert!(near(e.peak_force_bw, 2.094_395, 1e-6));
        assert!(near(e.peak_force_n.unwrap(), 1438.22, 0.01));
        assert!(near(e.com_drop_m, 0.053_468_5, 1e-6));
        assert!(near(e.leg_compression_m.unwrap(), 0.159_70, 1e-5));
        assert!(near(e.vertical_stiffness_kn_per_m.unwrap(), 26.898, 0.005));
        assert!(near(e.leg_stiffness_kn_per_m.unwrap(), 9.0057, 0.001));
        assert!(near(e.duty_factor, 0.375, 1e-12));
    }

    /// Without a flight phase the force is exactly π/2 body weights.
    #[test]
    fn no_flight_gives_half_pi() {
        let e = estimate(150.0, 400.0, None, &Body::default()).unwrap();
        assert!(near(e.flight_time_s, 0.0, 1e-12));
        assert!(near(e.peak_force_bw, std::f64::consts::FRAC_PI_2, 1e-12));
        assert!(e.peak_force_n.is_none() && e.leg_stiffness_kn_per_m.is_none());
    }

    #[test]
    fn walking_and_nonsense_give_none() {
        let b = Body::default();
        assert!(estimate(120.0, 600.0, Some(1.4), &b).is_none());
        assert!(estimate(0.0, 250.0, None, &b).is_none());
        assert!(estimate(f64::NAN, 250.0, None, &b).is_none());
        assert!(estimate(170.0, -1.0, None, &b).is_none());
    }

    /// Typical values from CLINICAL.md §9: kleg 10–13 kN/m, kvert 38–51 kN/m for runners.
    #[test]
    fn typical_runner_is_in_the_published_range() {
        let body = Body {
            mass_kg: Some(70.0),
            height_m: Some(1.75),
        };
        let e = estimate(176.0, 220.0, Some(4.0), &body).unwrap();
        let kvert = e.vertical_stiffness_kn_per_m.unwrap();
        let kleg = e.leg_stiffness_kn_per_m.unwrap();
        assert!((25.0..60.0).contains(&kvert), "kvert {kvert}");
        assert!((7.0..15.0).contains(&kleg), "kleg {kleg}");
    }
}
