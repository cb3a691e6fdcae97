//! FIT base types: sizes, invalid values and reading one element from raw bytes.

/// A FIT base type (the low five bits of the base-type byte of a field definition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseType {
    /// 0x00: enumeration, one byte, invalid 0xFF.
    Enum,
    /// 0x01: signed 8-bit, invalid 0x7F.
    Sint8,
    /// 0x02: unsigned 8-bit, invalid 0xFF.
    Uint8,
    /// 0x83: signed 16-bit, invalid 0x7FFF.
    Sint16,
    /// 0x84: unsigned 16-bit, invalid 0xFFFF.
    Uint16,
    /// 0x85: signed 32-bit, invalid 0x7FFF_FFFF.
    Sint32,
    /// 0x86: unsigned 32-bit, invalid 0xFFFF_FFFF.
    Uint32,
    /// 0x07: NUL-terminated UTF-8 string.
    String,
    /// 0x88: IEEE float, invalid 0xFFFF_FFFF.
    Float32,
    /// 0x89: IEEE double, invalid all ones.
    Float64,
    /// 0x0A: unsigned 8-bit, invalid 0x00.
    Uint8z,
    /// 0x8B: unsigned 16-bit, invalid 0x0000.
    Uint16z,
    /// 0x8C: unsigned 32-bit, invalid 0.
    Uint32z,
    /// 0x0D: raw bytes, invalid when every byte is 0xFF.
    Byte,
    /// 0x8E: signed 64-bit, invalid 0x7FFF_FFFF_FFFF_FFFF.
    Sint64,
    /// 0x8F: unsigned 64-bit, invalid all ones.
    Uint64,
    /// 0x90: unsigned 64-bit, invalid 0.
    Uint64z,
}

impl BaseType {
    /// The base type named by a field definition's base-type byte; unknown numbers read as bytes.
    pub fn from_byte(byte: u8) -> BaseType {
        match byte & 0x1F {
            0x00 => BaseType::Enum,
            0x01 => BaseType::Sint8,
            0x02 => BaseType::Uint8,
            0x03 => BaseType::Sint16,
            0x04 => BaseType::Uint16,
            0x05 => BaseType::Sint32,
            0x06 => BaseType::Uint32,
            0x07 => BaseType::String,
            0x08 => BaseType::Float32,
            0x09 => BaseType::Float64,
            0x0A => BaseType::Uint8z,
            0x0B => BaseType::Uint16z,
            0x0C => BaseType::Uint32z,
            0x0E => BaseType::Sint64,
            0x0F => BaseType::Uint64,
            0x10 => BaseType::Uint64z,
            _ => BaseType::Byte,
        }
    }

    /// The base-type byte written in a definition message for this type.
    pub fn to_byte(self) -> u8 {
        match self {
            BaseType::Enum => 0x00,
            BaseType::Sint8 => 0x01,
            BaseType::Uint8 => 0x02,
            BaseType::Sint16 => 0x83,
            BaseType::Uint16 => 0x84,
            BaseType::Sint32 => 0x85,
            BaseType::Uint32 => 0x86,
            BaseType::String => 0x07,
            BaseType::Float32 => 0x88,
            BaseType::Float64 => 0x89,
            BaseType::Uint8z => 0x0A,
            BaseType::Uint16z => 0x8B,
            BaseType::Uint32z => 0x8C,
            BaseType::Byte => 0x0D,
            BaseType::Sint64 => 0x8E,
            BaseType::Uint64 => 0x8F,
            BaseType::Uint64z => 0x90,
        }
    }

    /// Size in bytes of one element.
    pub fn size(self) -> usize {
        match self {
            BaseType::Enum
            | BaseType::Sint8
            | BaseType::Uint8
            | BaseType::String
            | BaseType::Uint8z
            | BaseType::Byte => 1,
            BaseType::Sint16 | BaseType::Uint16 | BaseType::Uint16z => 2,
            BaseType::Sint32 | BaseType::Uint32 | BaseType::Float32 | BaseType::Uint32z => 4,
            BaseType::Float64 | BaseType::Sint64 | BaseType::Uint64 | BaseType::Uint64z => 8,
        }
    }

    /// Reads one element from the start of `bytes`; `None` when too short or the invalid value.
    #[inline]
    pub fn read(self, bytes: &[u8], big_endian: bool) -> Option<Value> {
        macro_rules! int {
            ($t:ty, $n:literal) => {{
                let arr: [u8; $n] = bytes.get(..$n)?.try_into().ok()?;
                if big_endian {
                    <$t>::from_be_bytes(arr)
                } else {
                    <$t>::from_le_bytes(arr)
                }
            }};
        }
        let value = match self {
            BaseType::Enum | BaseType::Uint8 | BaseType::Byte => {
                let v = *bytes.first()?;
                if v == 0xFF {
                    return None;
                }
                Value::Unsigned(u64::from(v))
            }
            BaseType::Uint8z | BaseType::String => {
                let v = *bytes.first()?;
                if v == 0 {
                    return None;
                }
                Value::Unsigned(u64::from(v))
            }
            BaseType::Sint8 => {
                let v = i8::from_ne_bytes([*bytes.first()?]);
                if v == i8::MAX {
                    return None;
                }
                Value::Signed(i64::from(v))
            }
            BaseType::Sint16 => {
                let v = int!(i16, 2);
                if v == i16::MAX {
                    return None;
                }
                Value::Signed(i64::from(v))
            }
            BaseType::Uint16 => {
                let v = int!(u16, 2);
                if v == u16::MAX {
                    return None;
                }
                Value::Unsigned(u64::from(v))
            }
            BaseType::Uint16z => {
                let v = int!(u16, 2);
                if v == 0 {
                    return None;
                }
                Value::Unsigned(u64::from(v))
            }
            BaseType::Sint32 => {
                let v = int!(i32, 4);
                if v == i32::MAX {
                    return None;
                }
                Value::Signed(i64::from(v))
            }
            BaseType::Uint32 => {
                let v = int!(u32, 4);
                if v == u32::MAX {
                    return None;
                }
                Value::Unsigned(u64::from(v))
            }
            BaseType::Uint32z => {
                let v = int!(u32, 4);
                if v == 0 {
                    return None;
                }
                Value::Unsigned(u64::from(v))
            }
            BaseType::Float32 => {
                let bits = int!(u32, 4);
                if bits == u32::MAX {
                    return None;
                }
                let v = f32::from_bits(bits);
                if !v.is_finite() {
                    return None;
                }
                Value::Float(f64::from(v))
            }
            BaseType::Float64 => {
                let bits = int!(u64, 8);
                if bits == u64::MAX {
                    return None;
                }
                let v = f64::from_bits(bits);
                if !v.is_finite() {
                    return None;
                }
                Value::Float(v)
            }
            BaseType::Sint64 => {
                let v = int!(i64, 8);
                if v == i64::MAX {
                    return None;
                }
                Value::Signed(v)
            }
            BaseType::Uint64 => {
                let v = int!(u64, 8);
                if v == u64::MAX {
                    return None;
                }
                Value::Unsigned(v)
            }
            BaseType::Uint64z => {
                let v = int!(u64, 8);
                if v == 0 {
                    return None;
                }
                Value::Unsigned(v)
            }
        };
        Some(value)
    }
}

/// One decoded (valid) element of a field, before scale and offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// From an unsigned integer, enum or byte type.
    Unsigned(u64),
    /// From a signed integer type.
    Signed(i64),
    /// From a floating-point type (always finite).
    Float(f64),
}

impl Value {
    /// The value as a float (large 64-bit integers lose precision).
    #[expect(
        clippy::cast_precision_loss,
        reason = "FIT values of interest are far below 2^53"
    )]
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Unsigned(v) => v as f64,
            Value::Signed(v) => v as f64,
            Value::Float(v) => v,
        }
    }

    /// The value as an unsigned integer, when it is a non-negative integer.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Value::Unsigned(v) => Some(v),
            Value::Signed(v) => u64::try_from(v).ok(),
            Value::Float(_) => None,
        }
    }

    /// The value as a signed integer, when it is an integer that fits.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Value::Unsigned(v) => i64::try_from(v).ok(),
            Value::Signed(v) => Some(v),
            Value::Float(_) => None,
        }
    }
}
