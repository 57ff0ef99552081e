//! A small seeded random number generator for the cores.
//!
//! Cores never touch the OS's randomness: the simulator must replay a run from its seed, so
//! every random choice (agent shuffling, the random sorter, id suffixes, backoff jitter) draws
//! from one of these, seeded by the driver. SplitMix64 is tiny, fast and good enough for
//! shuffling; nothing here is cryptographic.

/// SplitMix64 generator.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose sequence is fully determined by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..bound` (`bound` > 0), without modulo bias worth caring about
    /// for shuffles of up to millions of elements.
    pub fn below(&mut self, bound: usize) -> usize {
        debug_assert!(bound > 0);
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Fisher-Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// Sixteen random bytes shaped as an RFC 4122 version-4 UUID.
    pub fn uuid_bytes(&mut self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        bytes
    }

    /// A random version-4 UUID in canonical text form.
    pub fn uuid_string(&mut self) -> String {
        format_uuid(&self.uuid_bytes())
    }
}

/// Formats 16 bytes as a canonical lower-case hyphenated UUID.
pub fn format_uuid(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Whether 16 bytes look like an RFC 4122 UUID of a known version (1-5), the check Mesos
/// applies to acknowledgement uuids.
pub fn is_valid_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 16 && matches!(bytes[6] >> 4, 1..=5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_shuffle_is_a_permutation() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut items: Vec<u32> = (0..100).collect();
        a.shuffle(&mut items);
        assert_ne!(items, (0..100).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn uuids_are_version_four_and_valid() {
        let mut rng = Rng::new(7);
        let bytes = rng.uuid_bytes();
        assert!(is_valid_uuid(&bytes));
        let text = format_uuid(&bytes);
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4");
        assert!(!is_valid_uuid(&[0u8; 16]));
        assert!(!is_valid_uuid(&[1u8; 15]));
    }
}
