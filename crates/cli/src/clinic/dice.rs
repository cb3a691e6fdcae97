//! A small seeded random number generator (SplitMix64), so the clinic-sized demo is the same
//! every time it is made with the same seed, whatever version of a random-number crate is
//! about. Not for anything secret.

/// A stream of random numbers from a seed.
#[derive(Debug, Clone)]
pub struct Dice(u64);

impl Dice {
    /// The stream for `seed`, told apart by `stream` (e.g. the runner's number), so each
    /// runner's story does not depend on how many numbers another runner's used.
    pub fn new(seed: u64, stream: u64) -> Dice {
        let mut dice = Dice(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        dice.next_u64();
        dice
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [low, high).
    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly normal with mean 0 and standard deviation `sd` (the sum of four uniforms).
    pub fn wobble(&mut self, sd: f64) -> f64 {
        let sum: f64 = (0..4).map(|_| self.unit()).sum();
        (sum - 2.0) * sd * 3.0_f64.sqrt()
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::Dice;

    #[test]
    fn the_same_seed_and_stream_give_the_same_numbers_and_others_differ() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut d = Dice::new(1, 7);
                move |_| d.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut d = Dice::new(1, 7);
                move |_| d.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..5)
            .map({
                let mut d = Dice::new(1, 8);
                move |_| d.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mut d = Dice::new(3, 0);
        assert!((0..1000).map(|_| d.unit()).all(|u| (0.0..1.0).contains(&u)));
    }
}
