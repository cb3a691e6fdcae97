//! The streaming FIT reader: headers, definitions, data messages and chained segments over `&[u8]`.
//!
//! Nothing is allocated per message or per field: a [`Message`] borrows the input bytes and the
//! definition it was decoded with, and values are read on demand. Only definitions and developer
//! field descriptions are kept (at most 16 local definitions at a time).

use super::base::{BaseType, Value};
use super::crc;
use super::profile::{KnownDevField, mesg};

/// Why decoding stopped. Every variant carries the byte offset in the input where it happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// The input is empty.
    #[error("empty input: not a FIT file")]
    Empty,
    /// No FIT file header (size 12 or more and the `.FIT` signature) at this offset.
    #[error("not a FIT file header at byte {offset}")]
    NotFit {
        /// Where the header was expected.
        offset: usize,
    },
    /// The input ends before the header, message or CRC that starts here is complete.
    #[error("unexpected end of data at byte {offset}: {needed} more byte(s) needed")]
    Truncated {
        /// Start of the incomplete part.
        offset: usize,
        /// How many bytes were missing.
        needed: usize,
    },
    /// The 14-byte header's own CRC does not match.
    #[error("header CRC mismatch at byte {offset}: computed {computed:#06x}, stored {stored:#06x}")]
    HeaderCrc {
        /// Start of the header.
        offset: usize,
        /// CRC computed over the first 12 header bytes.
        computed: u16,
        /// CRC stored in the header.
        stored: u16,
    },
    /// The CRC after a segment's data does not match its header and data.
    #[error("file CRC mismatch at byte {offset}: computed {computed:#06x}, stored {stored:#06x}")]
    FileCrc {
        /// Where the stored CRC is.
        offset: usize,
        /// CRC computed over header and data.
        computed: u16,
        /// CRC stored after the data.
        stored: u16,
    },
    /// A data message refers to a local message type that was never defined.
    #[error(
        "data message at byte {offset} uses local message type {local}, which has no definition"
    )]
    UndefinedLocalMessage {
        /// Start of the message.
        offset: usize,
        /// The local message type (0–15).
        local: u8,
    },
    /// A message runs past the data size its segment header declared.
    #[error("message at byte {offset} runs past the end of its FIT segment at byte {end}")]
    MessageOverrunsSegment {
        /// Start of the message.
        offset: usize,
        /// Where the segment's data ends.
        end: usize,
    },
}

impl FitError {
    /// The byte offset where decoding stopped.
    pub fn offset(&self) -> usize {
        match *self {
            FitError::Empty => 0,
            FitError::NotFit { offset }
            | FitError::Truncated { offset, .. }
            | FitError::HeaderCrc { offset, .. }
            | FitError::FileCrc { offset, .. }
            | FitError::UndefinedLocalMessage { offset, .. }
            | FitError::MessageOverrunsSegment { offset, .. } => offset,
        }
    }
}

/// Something odd that did not stop decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitWarning {
    /// A CRC mismatch tolerated because [`DecodeOptions::check_crc`] is off.
    CrcMismatch(FitError),
    /// More messages of one kind than [`super::parse`] keeps; the rest were not read.
    TooMany {
        /// The kind: "record", "lap", "session", "event" or "sport".
        what: &'static str,
        /// How many were kept.
        kept: usize,
    },
    /// A field whose size is not a multiple of its base type's size; it reads as absent.
    MisalignedField {
        /// Start of the definition message.
        offset: usize,
        /// Global message number.
        global: u16,
        /// Field number.
        field: u8,
    },
}

impl std::fmt::Display for FitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitWarning::CrcMismatch(e) => write!(f, "{e}; the data were read anyway"),
            FitWarning::TooMany { what, kept } => write!(
                f,
                "more than {kept} {what} messages; only the first {kept} were read"
            ),
            FitWarning::MisalignedField {
                offset,
                global,
                field,
            } => write!(
                f,
                "field {field} of message {global} (defined at byte {offset}) is not a whole \
                 number of values; it was ignored"
            ),
        }
    }
}

/// At most this many warnings are kept, so hostile input cannot grow memory without bound.
const MAX_WARNINGS: usize = 64;

/// How strictly to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Treat a header or file CRC mismatch as an error (default) rather than a warning.
    pub check_crc: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { check_crc: true }
    }
}

/// One field of a definition message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// Field number in the global message.
    pub num: u8,
    /// Offset of the field inside the message content.
    pub offset: u32,
    /// Size in bytes (a multiple of the base type's size for arrays).
    pub size: u8,
    /// Base type from the definition.
    pub base: BaseType,
    /// Whether the size is a whole number of elements.
    pub aligned: bool,
}

/// One developer field of a definition message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevFieldDef {
    /// Field definition number (from the field description).
    pub num: u8,
    /// Developer data index.
    pub dev_index: u8,
    /// Offset inside the message content.
    pub offset: u32,
    /// Size in bytes.
    pub size: u8,
}

const NO_FIELD: u8 = 0xFF;

/// A decoded definition message for one local message type.
#[derive(Debug, Clone)]
pub struct Definition {
    global: u16,
    big_endian: bool,
    fields: Vec<FieldDef>,
    dev_fields: Vec<DevFieldDef>,
    /// Field number → position in `fields`, `NO_FIELD` when absent.
    index: [u8; 256],
    size: usize,
}

impl Definition {
    fn empty() -> Self {
        Definition {
            global: 0,
            big_endian: false,
            fields: Vec::new(),
            dev_fields: Vec::new(),
            index: [NO_FIELD; 256],
            size: 0,
        }
    }

    /// Global message number.
    pub fn global(&self) -> u16 {
        self.global
    }
    /// Whether multi-byte values are big-endian.
    pub fn big_endian(&self) -> bool {
        self.big_endian
    }
    /// The defined fields, in message order.
    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }
    /// The defined developer fields, in message order.
    pub fn dev_fields(&self) -> &[DevFieldDef] {
        &self.dev_fields
    }
}

/// A developer field description (message 206), with what we recognise it as.
#[derive(Debug, Clone, PartialEq)]
pub struct DevFieldDescription {
    /// Developer data index it belongs to.
    pub developer_data_index: u8,
    /// Field definition number used in definitions.
    pub field_number: u8,
    /// Base type of the values.
    pub base_type: BaseType,
    /// Field name as written by the app (may be empty).
    pub name: String,
    /// Units as written by the app (may be empty).
    pub units: String,
    /// Scale, when given.
    pub scale: Option<f64>,
    /// Offset, when given.
    pub offset: Option<f64>,
    /// The running metric this field carries, if it is one we know.
    pub known: Option<KnownDevField>,
}

/// A decoded data message, borrowing the input and its definition.
#[derive(Debug, Clone, Copy)]
pub struct Message<'d> {
    def: &'d Definition,
    content: &'d [u8],
    offset: usize,
    compressed_timestamp: Option<u32>,
    descriptions: &'d Descriptions,
}

/// A field of a message: its definition and raw bytes.
#[derive(Debug, Clone, Copy)]
pub struct FieldRef<'d> {
    /// The field's definition.
    pub def: FieldDef,
    /// The raw bytes.
    pub bytes: &'d [u8],
    /// Byte order.
    pub big_endian: bool,
}

impl<'d> FieldRef<'d> {
    /// The first element, `None` when invalid or misaligned.
    #[inline]
    pub fn value(&self) -> Option<Value> {
        if !self.def.aligned {
            return None;
        }
        self.def.base.read(self.bytes, self.big_endian)
    }

    /// How many elements the field holds.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.def.base.size()
    }

    /// Whether the field holds no complete element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every valid element (invalid ones are skipped).
    pub fn values(&self) -> impl Iterator<Item = Value> + 'd {
        let base = self.def.base;
        let be = self.big_endian;
        let aligned = self.def.aligned;
        self.bytes
            .chunks_exact(base.size())
            .filter(move |_| aligned)
            .filter_map(move |c| base.read(c, be))
    }

    /// The field as a string (up to the first NUL), when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&'d str> {
        let end = self
            .bytes
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.bytes.len());
        std::str::from_utf8(self.bytes.get(..end)?).ok()
    }
}

impl<'d> Message<'d> {
    /// Global message number.
    #[inline]
    pub fn global(&self) -> u16 {
        self.def.global
    }

    /// Offset of the message header in the input.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Size of the message's content in bytes (without its header byte).
    pub fn size(&self) -> usize {
        self.content.len()
    }

    /// The definition this message was decoded with.
    pub fn definition(&self) -> &'d Definition {
        self.def
    }

    /// The field with this number, if the definition has it.
    #[inline]
    pub fn field(&self, num: u8) -> Option<FieldRef<'d>> {
        let pos = *self.def.index.get(usize::from(num))?;
        if pos == NO_FIELD {
            return None;
        }
        let def = *self.def.fields.get(usize::from(pos))?;
        let start = usize::try_from(def.offset).ok()?;
        let bytes = self
            .content
            .get(start..start.checked_add(usize::from(def.size))?)?;
        Some(FieldRef {
            def,
            bytes,
            big_endian: self.def.big_endian,
        })
    }

    /// The first valid element of a field.
    #[inline]
    pub fn value(&self, num: u8) -> Option<Value> {
        self.field(num)?.value()
    }

    /// A field as an unsigned integer.
    #[inline]
    pub fn u64(&self, num: u8) -> Option<u64> {
        self.value(num)?.as_u64()
    }

    /// A field with the FIT profile's scale and offset applied: `raw / scale - offset`.
    #[inline]
    pub fn scaled(&self, num: u8, scale: f64, offset: f64) -> Option<f64> {
        Some(self.value(num)?.as_f64() / scale - offset)
    }

    /// A field as a string.
    pub fn string(&self, num: u8) -> Option<&'d str> {
        self.field(num)?.as_str()
    }

    /// The message timestamp: field 253, or the one carried by a compressed-timestamp header.
    #[inline]
    pub fn timestamp(&self) -> Option<u32> {
        self.value(super::profile::TIMESTAMP_FIELD)
            .and_then(|v| u32::try_from(v.as_u64()?).ok())
            .or(self.compressed_timestamp)
    }

    /// Whether the message had a compressed-timestamp header.
    pub fn has_compressed_timestamp(&self) -> bool {
        self.compressed_timestamp.is_some()
    }

    /// All native fields.
    pub fn fields(&self) -> impl Iterator<Item = FieldRef<'d>> + 'd {
        let content = self.content;
        let be = self.def.big_endian;
        self.def.fields.iter().filter_map(move |def| {
            let start = usize::try_from(def.offset).ok()?;
            let bytes = content.get(start..start.checked_add(usize::from(def.size))?)?;
            Some(FieldRef {
                def: *def,
                bytes,
                big_endian: be,
            })
        })
    }

    /// All developer fields, with their description when one was seen.
    pub fn dev_fields(&self) -> impl Iterator<Item = DevFieldRef<'d>> + 'd {
        let content = self.content;
        let be = self.def.big_endian;
        let descriptions = self.descriptions;
        self.def.dev_fields.iter().filter_map(move |def| {
            let start = usize::try_from(def.offset).ok()?;
            let bytes = content.get(start..start.checked_add(usize::from(def.size))?)?;
            let description = descriptions.get(def.dev_index, def.num);
            Some(DevFieldRef {
                def: *def,
                description,
                bytes,
                big_endian: be,
            })
        })
    }
}

/// A developer field of a message.
#[derive(Debug, Clone, Copy)]
pub struct DevFieldRef<'d> {
    /// Its definition.
    pub def: DevFieldDef,
    /// Its description, when one was decoded before the message.
    pub description: Option<&'d DevFieldDescription>,
    /// Raw bytes.
    pub bytes: &'d [u8],
    /// Byte order.
    pub big_endian: bool,
}

impl DevFieldRef<'_> {
    /// The first valid element with the description's scale and offset applied.
    pub fn value_f64(&self) -> Option<f64> {
        let d = self.description?;
        if !self.bytes.len().is_multiple_of(d.base_type.size()) {
            return None;
        }
        let v = d.base_type.read(self.bytes, self.big_endian)?;
        if d.base_type == BaseType::String {
            return None;
        }
        let mut x = v.as_f64();
        if let Some(s) = d.scale.filter(|s| *s != 0.0) {
            x /= s;
        }
        if let Some(o) = d.offset {
            x -= o;
        }
        Some(x)
    }

    /// Whether the field holds more than one element (an array).
    pub fn is_array(&self) -> bool {
        self.description.is_some_and(|d| {
            d.base_type != BaseType::String && self.bytes.len() > d.base_type.size()
        })
    }
}

/// A data message found by `advance`: local slot, offset, content, compressed timestamp.
type Pending<'a> = (usize, usize, &'a [u8], Option<u32>);

#[derive(Debug, Clone, Copy)]
struct Segment {
    start: usize,
    data_end: usize,
}

/// The streaming decoder. Call [`Decoder::next_message`] until it returns `Ok(None)`.
#[derive(Debug)]
pub struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
    segment: Option<Segment>,
    segments: usize,
    defs: [Option<Definition>; 16],
    spare: Vec<Definition>,
    descriptions: Descriptions,
    last_timestamp: u32,
    options: DecodeOptions,
    warnings: Vec<FitWarning>,
    failed: bool,
}

impl<'a> Decoder<'a> {
    /// A decoder with default options (CRC mismatches are errors).
    pub fn new(data: &'a [u8]) -> Self {
        Self::with_options(data, DecodeOptions::default())
    }

    /// A decoder with the given options.
    pub fn with_options(data: &'a [u8], options: DecodeOptions) -> Self {
        Decoder {
            data,
            pos: 0,
            segment: None,
            segments: 0,
            defs: Default::default(),
            spare: Vec::new(),
            descriptions: Descriptions::default(),
            last_timestamp: 0,
            options,
            warnings: Vec::new(),
            failed: false,
        }
    }

    /// Number of FIT segments (chained files) started so far.
    pub fn segments(&self) -> usize {
        self.segments
    }

    /// Warnings collected so far.
    pub fn warnings(&self) -> &[FitWarning] {
        &self.warnings
    }

    /// Developer field descriptions seen so far.
    pub fn descriptions(&self) -> &[DevFieldDescription] {
        &self.descriptions.list
    }

    fn warn(&mut self, w: FitWarning) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(w);
        }
    }

    fn fail<T>(&mut self, e: FitError) -> Result<T, FitError> {
        self.failed = true;
        Err(e)
    }

    fn bytes(&self, start: usize, len: usize) -> Result<&'a [u8], FitError> {
        let data = self.data;
        let end = start.checked_add(len).ok_or(FitError::Truncated {
            offset: start,
            needed: len,
        })?;
        data.get(start..end).ok_or(FitError::Truncated {
            offset: start,
            needed: end.saturating_sub(data.len()),
        })
    }

    /// The next data message, `Ok(None)` at the clean end of the input. After an error, keeps
    /// returning `Ok(None)`.
    pub fn next_message(&mut self) -> Result<Option<Message<'_>>, FitError> {
        if self.failed {
            return Ok(None);
        }
        match self.advance() {
            Ok(Some((slot, offset, content, ts))) => {
                let def = self.defs.get(slot).and_then(Option::as_ref);
                match def {
                    Some(def) => Ok(Some(Message {
                        def,
                        content,
                        offset,
                        compressed_timestamp: ts,
                        descriptions: &self.descriptions,
                    })),
                    None => Ok(None),
                }
            }
            Ok(None) => Ok(None),
            Err(e) => self.fail(e),
        }
    }

    /// Reads up to the next data message; returns its local slot, offset, content and
    /// compressed timestamp.
    fn advance(&mut self) -> Result<Option<Pending<'a>>, FitError> {
        loop {
            let Some(seg) = self.segment else {
                if self.pos >= self.data.len() {
                    if self.segments == 0 {
                        return Err(FitError::Empty);
                    }
                    return Ok(None);
                }
                self.start_segment()?;
                continue;
            };
            if self.pos >= seg.data_end {
                self.end_segment(seg)?;
                continue;
            }
            let offset = self.pos;
            let header = *self.bytes(offset, 1)?.first().unwrap_or(&0);
            if header & 0x80 != 0 {
                let slot = usize::from((header >> 5) & 0x03);
                let time_offset = u32::from(header & 0x1F);
                let last = self.last_timestamp;
                let mut ts = (last & !0x1F) | time_offset;
                if time_offset < (last & 0x1F) {
                    ts = ts.wrapping_add(0x20);
                }
                self.last_timestamp = ts;
                let content = self.data_content(slot, offset, seg)?;
                return Ok(Some((slot, offset, content, Some(ts))));
            } else if header & 0x40 != 0 {
                self.read_definition(header, offset, seg)?;
            } else {
                let slot = usize::from(header & 0x0F);
                let content = self.data_content(slot, offset, seg)?;
                return Ok(Some((slot, offset, content, None)));
            }
        }
    }

    fn start_segment(&mut self) -> Result<(), FitError> {
        let start = self.pos;
        let first = self.bytes(start, 1)?;
        let header_size = usize::from(*first.first().unwrap_or(&0));
        if header_size < 12 {
            return Err(FitError::NotFit { offset: start });
        }
        let header = match self.bytes(start, 12) {
            Ok(h) => h,
            Err(e) => {
                // A short tail that does not even start like a FIT header is not FIT at all.
                return Err(e);
            }
        };
        if header.get(8..12) != Some(b".FIT".as_slice()) {
            return Err(FitError::NotFit { offset: start });
        }
        let full = self.bytes(start, header_size)?;
        let data_size = header
            .get(4..8)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes)
            .unwrap_or(0);
        if header_size >= 14 {
            let stored = full
                .get(12..14)
                .and_then(|b| <[u8; 2]>::try_from(b).ok())
                .map(u16::from_le_bytes)
                .unwrap_or(0);
            let computed = crc::crc16(header);
            if stored != 0 && stored != computed {
                let e = FitError::HeaderCrc {
                    offset: start,
                    computed,
                    stored,
                };
                if self.options.check_crc {
                    return Err(e);
                }
                self.warn(FitWarning::CrcMismatch(e));
            }
        }
        let data_start = start.saturating_add(header_size);
        let data_end = data_start.saturating_add(usize::try_from(data_size).unwrap_or(usize::MAX));
        self.segment = Some(Segment { start, data_end });
        self.segments = self.segments.saturating_add(1);
        self.pos = data_start;
        for d in &mut self.defs {
            if let Some(def) = d.take() {
                self.spare.push(def);
            }
        }
        Ok(())
    }

    fn end_segment(&mut self, seg: Segment) -> Result<(), FitError> {
        let stored_bytes = self.bytes(seg.data_end, 2)?;
        let stored = u16::from_le_bytes([
            *stored_bytes.first().unwrap_or(&0),
            *stored_bytes.get(1).unwrap_or(&0),
        ]);
        let covered = self.data.get(seg.start..seg.data_end).unwrap_or(&[]);
        let computed = crc::crc16(covered);
        if computed != stored {
            let e = FitError::FileCrc {
                offset: seg.data_end,
                computed,
                stored,
            };
            if self.options.check_crc {
                return Err(e);
            }
            self.warn(FitWarning::CrcMismatch(e));
        }
        self.segment = None;
        self.pos = seg.data_end.saturating_add(2);
        Ok(())
    }

    fn data_content(
        &mut self,
        slot: usize,
        offset: usize,
        seg: Segment,
    ) -> Result<&'a [u8], FitError> {
        let size = match self.defs.get(slot).and_then(Option::as_ref) {
            Some(def) => def.size,
            None => {
                return Err(FitError::UndefinedLocalMessage {
                    offset,
                    local: u8::try_from(slot).unwrap_or(u8::MAX),
                });
            }
        };
        let start = offset.saturating_add(1);
        let content = self.bytes(start, size)?;
        let end = start.saturating_add(size);
        if end > seg.data_end {
            return Err(FitError::MessageOverrunsSegment {
                offset,
                end: seg.data_end,
            });
        }
        self.pos = end;
        let def = self.defs.get(slot).and_then(Option::as_ref);
        if let Some(def) = def {
            if let Some(ts) = def_timestamp(def, content) {
                self.last_timestamp = ts;
            }
            if def.global == mesg::FIELD_DESCRIPTION {
                let msg = Message {
                    def,
                    content,
                    offset,
                    compressed_timestamp: None,
                    descriptions: &NO_DESCRIPTIONS,
                };
                if let Some(d) = description_from(&msg) {
                    self.descriptions.register(d);
                }
            }
        }
        Ok(content)
    }

    fn read_definition(&mut self, header: u8, offset: usize, seg: Segment) -> Result<(), FitError> {
        let slot = usize::from(header & 0x0F);
        let has_dev = header & 0x20 != 0;
        let fixed = self.bytes(offset.saturating_add(1), 5)?;
        let arch = *fixed.get(1).unwrap_or(&0);
        let big_endian = arch != 0;
        let g = [*fixed.get(2).unwrap_or(&0), *fixed.get(3).unwrap_or(&0)];
        let global = if big_endian {
            u16::from_be_bytes(g)
        } else {
            u16::from_le_bytes(g)
        };
        let n = usize::from(*fixed.get(4).unwrap_or(&0));
        let fields_at = offset.saturating_add(6);
        let raw_fields = self.bytes(fields_at, n.saturating_mul(3))?;
        let mut end = fields_at.saturating_add(n.saturating_mul(3));
        let mut raw_dev: &[u8] = &[];
        if has_dev {
            let count = usize::from(*self.bytes(end, 1)?.first().unwrap_or(&0));
            raw_dev = self.bytes(end.saturating_add(1), count.saturating_mul(3))?;
            end = end
                .saturating_add(1)
                .saturating_add(count.saturating_mul(3));
        }
        if end > seg.data_end {
            return Err(FitError::MessageOverrunsSegment {
                offset,
                end: seg.data_end,
            });
        }

        let mut def = self.spare.pop().unwrap_or_else(Definition::empty);
        def.global = global;
        def.big_endian = big_endian;
        def.fields.clear();
        def.dev_fields.clear();
        def.index = [NO_FIELD; 256];
        let mut pos: u32 = 0;
        let mut misaligned = Vec::new();
        for (i, chunk) in raw_fields.chunks_exact(3).enumerate() {
            let (num, size, base_byte) = match *chunk {
                [a, b, c] => (a, b, c),
                _ => continue,
            };
            let base = BaseType::from_byte(base_byte);
            let aligned = usize::from(size).is_multiple_of(base.size());
            if !aligned {
                misaligned.push(num);
            }
            def.fields.push(FieldDef {
                num,
                offset: pos,
                size,
                base,
                aligned,
            });
            if let Some(entry) = def.index.get_mut(usize::from(num))
                && *entry == NO_FIELD
            {
                *entry = u8::try_from(i).unwrap_or(NO_FIELD);
            }
            pos = pos.saturating_add(u32::from(size));
        }
        for chunk in raw_dev.chunks_exact(3) {
            if let [num, size, dev_index] = *chunk {
                def.dev_fields.push(DevFieldDef {
                    num,
                    dev_index,
                    offset: pos,
                    size,
                });
                pos = pos.saturating_add(u32::from(size));
            }
        }
        def.size = usize::try_from(pos).unwrap_or(usize::MAX);
        for field in misaligned {
            self.warn(FitWarning::MisalignedField {
                offset,
                global,
                field,
            });
        }
        if let Some(old) = self.defs.get_mut(slot).and_then(|s| s.replace(def)) {
            self.spare.push(old);
        }
        self.pos = end;
        Ok(())
    }
}

fn def_timestamp(def: &Definition, content: &[u8]) -> Option<u32> {
    let pos = *def
        .index
        .get(usize::from(super::profile::TIMESTAMP_FIELD))?;
    if pos == NO_FIELD {
        return None;
    }
    let f = def.fields.get(usize::from(pos))?;
    if !f.aligned {
        return None;
    }
    let start = usize::try_from(f.offset).ok()?;
    let bytes = content.get(start..start.checked_add(usize::from(f.size))?)?;
    let v = f.base.read(bytes, def.big_endian)?.as_u64()?;
    u32::try_from(v).ok()
}

fn description_from(msg: &Message<'_>) -> Option<DevFieldDescription> {
    use super::profile::field_description as fd;
    let developer_data_index = u8::try_from(msg.u64(fd::DEVELOPER_DATA_INDEX)?).ok()?;
    let field_number = u8::try_from(msg.u64(fd::FIELD_DEFINITION_NUMBER)?).ok()?;
    let base_type = BaseType::from_byte(u8::try_from(msg.u64(fd::FIT_BASE_TYPE_ID)?).ok()?);
    let name = msg.string(fd::FIELD_NAME).unwrap_or("").to_owned();
    let units = msg.string(fd::UNITS).unwrap_or("").to_owned();
    let scale = msg.value(fd::SCALE).map(Value::as_f64);
    let offset = msg.value(fd::OFFSET).map(Value::as_f64);
    let known = KnownDevField::from_name(&name);
    Some(DevFieldDescription {
        developer_data_index,
        field_number,
        base_type,
        name,
        units,
        scale,
        offset,
        known,
    })
}

/// Developer field descriptions in the order first seen, with a table from (developer data
/// index, field number) to position. A linear search per developer field per message let a file
/// of thousands of descriptions and records with hundreds of developer fields take hours.
#[derive(Debug, Default)]
struct Descriptions {
    list: Vec<DevFieldDescription>,
    /// `dev_index << 8 | field_number` → position in `list` + 1 (0: none). Allocated with the
    /// first description, so files without developer data pay nothing.
    table: Vec<u32>,
}

static NO_DESCRIPTIONS: Descriptions = Descriptions {
    list: Vec::new(),
    table: Vec::new(),
};

impl Descriptions {
    fn key(dev_index: u8, field_number: u8) -> usize {
        usize::from(dev_index) << 8 | usize::from(field_number)
    }

    fn get(&self, dev_index: u8, field_number: u8) -> Option<&DevFieldDescription> {
        let pos = *self.table.get(Self::key(dev_index, field_number))?;
        self.list.get(usize::try_from(pos).ok()?.checked_sub(1)?)
    }

    /// Adds a description, replacing an earlier one for the same field.
    fn register(&mut self, d: DevFieldDescription) {
        if self.table.is_empty() {
            self.table = vec![0; 1 << 16];
        }
        let key = Self::key(d.developer_data_index, d.field_number);
        let Some(slot) = self.table.get_mut(key) else {
            return;
        };
        match usize::try_from(*slot).ok().and_then(|p| p.checked_sub(1)) {
            Some(pos) => {
                if let Some(existing) = self.list.get_mut(pos) {
                    *existing = d;
                }
            }
            None => {
                // At most 65,536 distinct keys, so the position always fits.
                *slot = u32::try_from(self.list.len() + 1).unwrap_or(0);
                self.list.push(d);
            }
        }
    }
}
