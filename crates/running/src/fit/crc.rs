//! The FIT CRC-16 (CRC-16/ARC: reflected polynomial 0xA001, initial value 0) over header and data.

/// Byte-wise lookup table built at compile time from the polynomial.
const TABLE: [u16; 256] = build_table();

const fn build_table() -> [u16; 256] {
    let mut table = [0u16; 256];
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
        table[i] = crc;
        i += 1;
    }
    table
}

/// Continues a FIT CRC over `bytes`, starting from `crc` (0 for a fresh computation).
pub fn update(mut crc: u16, bytes: &[u8]) -> u16 {
    for &b in bytes {
        // `(crc ^ b) & 0xFF` is always < 256, so the index is in range.
        crc = (crc >> 8) ^ TABLE[usize::from((crc ^ u16::from(b)) & 0xFF)];
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
        // CRC-16/ARC check value.
        assert_eq!(crc16(b"123456789"), 0xBB3D);
        assert_eq!(crc16(&[]), 0);
    }
}
