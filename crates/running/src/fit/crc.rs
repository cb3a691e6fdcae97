//! The FIT CRC-16 (CRC-16/ARC: reflected polynomial 0xA001, initial value 0) over header and data.

/// Slicing-by-8 lookup tables built at compile time from the polynomial: `TABLES[0]` is the
/// byte-wise table, `TABLES[k]` advances a byte through `k` further zero bytes, so eight bytes
/// are folded in with eight independent lookups instead of a chain of eight.
const TABLES: [[u16; 256]; 8] = build_tables();

const fn build_tables() -> [[u16; 256]; 8] {
    let mut tables = [[0u16; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[k - 1][i];
            tables[k][i] = (prev >> 8) ^ tables[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    tables
}

/// Table entry for the low byte of `x` (always in range).
#[inline]
fn at(table: &[u16; 256], x: u64) -> u16 {
    table[(x & 0xFF) as usize]
}

/// Continues a FIT CRC over `bytes`, starting from `crc` (0 for a fresh computation).
pub fn update(mut crc: u16, bytes: &[u8]) -> u16 {
    let [t0, t1, t2, t3, t4, t5, t6, t7] = &TABLES;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ u64::from(crc);
        crc = at(t7, x)
            ^ at(t6, x >> 8)
            ^ at(t5, x >> 16)
            ^ at(t4, x >> 24)
            ^ at(t3, x >> 32)
            ^ at(t2, x >> 40)
            ^ at(t1, x >> 48)
            ^ at(t0, x >> 56);
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ at(t0, u64::from(crc ^ u16::from(b)));
    }
    crc
}

/// The FIT CRC of `bytes`.
pub fn crc16(bytes: &[u8]) -> u16 {
    update(0, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nibble-table algorithm printed in the FIT protocol document, as a reference.
    fn nibble_crc(bytes: &[u8]) -> u16 {
        const T: [u16; 16] = [
            0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
            0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
        ];
        let mut crc = 0u16;
        for &byte in bytes {
            let mut tmp = T[usize::from(crc & 0xF)];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ T[usize::from(byte & 0xF)];
            tmp = T[usize::from(crc & 0xF)];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ T[usize::from((byte >> 4) & 0xF)];
        }
        crc
    }

    #[test]
    fn matches_the_protocol_document_algorithm() {
        let data: Vec<u8> = (0..=255u8).chain(b"123456789".iter().copied()).collect();
        assert_eq!(crc16(&data), nibble_crc(&data));
        // Every length and split point, so the 8-byte path and the byte tail both count.
        for len in 0..40 {
            let part = &data[100..100 + len];
            assert_eq!(crc16(part), nibble_crc(part), "len {len}");
            for cut in 0..=len {
                let (a, b) = part.split_at(cut);
                assert_eq!(update(update(0, a), b), nibble_crc(part));
            }
        }
        // CRC-16/ARC check value.
        assert_eq!(crc16(b"123456789"), 0xBB3D);
        assert_eq!(crc16(&[]), 0);
    }
}
