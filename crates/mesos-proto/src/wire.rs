//! Binary protobuf: prost for the data, plus proto2 `required` enforcement.
//!
//! prost does not track presence of required fields (they decode to their default when
//! absent), so [`decode_proto`] also walks the raw wire bytes with [`RequiredFields`], which
//! `#[derive(mesos_json_derive::Json)]` implements: it notes which required tags occur and
//! recurses into message fields (singular, repeated, and map values), reporting every
//! absent required field with a dotted path such as `offer_ids[1].value` or
//! `limits[cpus].value`.

use prost::Message;

/// Deepest message nesting the required-field walker follows (prost's decoder stops at 100
/// already, so this only guards direct calls of [`check_required_proto`]).
pub const MAX_DEPTH: usize = 100;

/// Why protobuf bytes could not be turned into a message.
#[derive(Debug, thiserror::Error)]
pub enum ProtoError {
    /// prost rejected the bytes.
    #[error("invalid protobuf encoding: {0}")]
    Decode(#[from] prost::DecodeError),
    /// The required-field walker met bytes that are not valid protobuf.
    #[error("invalid protobuf encoding: {0}")]
    Malformed(&'static str),
    /// Messages are nested deeper than [`MAX_DEPTH`].
    #[error("protobuf messages nested deeper than {MAX_DEPTH} levels at '{0}'")]
    TooDeep(String),
    /// proto2 required fields are absent; all of them, as dotted paths.
    #[error("missing required fields: {}", .0.join(", "))]
    MissingRequired(Vec<String>),
}

/// Checks proto2 required fields directly on encoded bytes; derived by
/// `mesos_json_derive::Json`.
pub trait RequiredFields {
    /// Walks the encoding of one message of this type, given as the concatenation of
    /// `pieces` (protobuf merges repeated occurrences of a singular message field, so a
    /// required field may sit in any of them), and records absent required fields in `ctx`.
    fn check_required(pieces: &[&[u8]], ctx: &mut CheckContext) -> Result<(), ProtoError>;
}

/// State of one required-field walk: current path, depth, absent fields found so far.
#[derive(Debug, Default)]
pub struct CheckContext {
    path: String,
    depth: usize,
    missing: Vec<String>,
}

impl CheckContext {
    /// A context positioned at the top-level message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that the required field `name` of the message being walked is absent.
    pub fn record_missing(&mut self, name: &str) {
        let full = if self.path.is_empty() { name.to_string() } else { format!("{}.{}", self.path, name) };
        self.missing.push(full);
    }

    /// Absent required fields recorded so far, as dotted paths.
    pub fn missing_fields(&self) -> &[String] {
        &self.missing
    }

    /// Takes the recorded absent required fields.
    pub fn take_missing(&mut self) -> Vec<String> {
        std::mem::take(&mut self.missing)
    }

    fn enter_field(&mut self, name: &str) -> usize {
        let mark = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        mark
    }

    fn nested<M: RequiredFields>(&mut self, pieces: &[&[u8]]) -> Result<(), ProtoError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ProtoError::TooDeep(self.path.clone()));
        }
        M::check_required(pieces, self)?;
        self.depth -= 1;
        Ok(())
    }

    /// Walks a singular message field `name` whose occurrences are `pieces`.
    #[doc(hidden)]
    pub fn check_message<M: RequiredFields>(
        &mut self,
        name: &str,
        pieces: &[&[u8]],
    ) -> Result<(), ProtoError> {
        let mark = self.enter_field(name);
        self.nested::<M>(pieces)?;
        self.path.truncate(mark);
        Ok(())
    }

    /// Walks element `index` of the repeated message field `name`.
    #[doc(hidden)]
    pub fn check_element<M: RequiredFields>(
        &mut self,
        name: &str,
        index: usize,
        bytes: &[u8],
    ) -> Result<(), ProtoError> {
        let mark = self.enter_field(name);
        self.path.push('[');
        self.path.push_str(itoa::Buffer::new().format(index));
        self.path.push(']');
        self.nested::<M>(&[bytes])?;
        self.path.truncate(mark);
        Ok(())
    }

    /// Walks the value of one entry of the message-valued map field `name`.
    #[doc(hidden)]
    pub fn check_map_entry<M: RequiredFields>(
        &mut self,
        name: &str,
        key_kind: __private::KeyKind,
        entry: &[u8],
    ) -> Result<(), ProtoError> {
        let mut key = None;
        let mut value = __private::Pieces::new();
        let mut reader = __private::FieldReader::new(entry);
        while let Some(field) = reader.next_field()? {
            match field.tag {
                1 => key = Some(field.value),
                2 => value.push(field.bytes()?),
                _ => {}
            }
        }
        // prost leaves the value out of an entry when it equals `M::default()`, even if `M`
        // has required fields (`{"cpus": Scalar { value: 0.0 }}` is written as a bare key).
        // Such an entry must decode, so an absent value counts as a complete default message.
        if value.is_empty() {
            return Ok(());
        }
        let mark = self.enter_field(name);
        self.path.push('[');
        key_kind.display(key, &mut self.path);
        self.path.push(']');
        self.nested::<M>(value.as_slice())?;
        self.path.truncate(mark);
        Ok(())
    }
}

/// Checks the proto2 required fields of an encoded `M` at every level.
pub fn check_required_proto<M: RequiredFields>(bytes: &[u8]) -> Result<(), ProtoError> {
    let mut ctx = CheckContext::new();
    M::check_required(&[bytes], &mut ctx)?;
    let missing = ctx.take_missing();
    if missing.is_empty() { Ok(()) } else { Err(ProtoError::MissingRequired(missing)) }
}

/// Decodes `bytes` with prost and enforces proto2 required fields at every level.
pub fn decode_proto<M: Message + Default + RequiredFields>(bytes: &[u8]) -> Result<M, ProtoError> {
    let message = M::decode(bytes)?;
    check_required_proto::<M>(bytes)?;
    Ok(message)
}

/// Encodes `message` as binary protobuf.
pub fn encode_proto<M: Message>(message: &M) -> Vec<u8> {
    message.encode_to_vec()
}

/// Support code for the derive macros; not a stable API.
#[doc(hidden)]
pub mod __private {
    use super::ProtoError;

    /// One field value as found on the wire.
    #[derive(Clone, Copy, Debug)]
    pub enum WireValue<'a> {
        Varint(u64),
        Fixed64(u64),
        Bytes(&'a [u8]),
        Fixed32(u32),
        Group,
    }

    /// One field occurrence.
    #[derive(Clone, Copy, Debug)]
    pub struct WireField<'a> {
        pub tag: u32,
        pub value: WireValue<'a>,
    }

    impl<'a> WireField<'a> {
        /// The payload of a length-delimited field.
        pub fn bytes(&self) -> Result<&'a [u8], ProtoError> {
            match self.value {
                WireValue::Bytes(b) => Ok(b),
                _ => Err(ProtoError::Malformed("message field with a non length-delimited wire type")),
            }
        }
    }

    /// Iterates the fields of one encoded message without decoding them.
    pub struct FieldReader<'a> {
        buf: &'a [u8],
    }

    impl<'a> FieldReader<'a> {
        pub fn new(buf: &'a [u8]) -> Self {
            Self { buf }
        }

        fn varint(&mut self) -> Result<u64, ProtoError> {
            let mut value: u64 = 0;
            for (i, &b) in self.buf.iter().enumerate().take(10) {
                value |= u64::from(b & 0x7f) << (7 * i);
                if b & 0x80 == 0 {
                    self.buf = &self.buf[i + 1..];
                    return Ok(value);
                }
            }
            Err(ProtoError::Malformed("truncated or overlong varint"))
        }

        fn take(&mut self, n: usize) -> Result<&'a [u8], ProtoError> {
            if self.buf.len() < n {
                return Err(ProtoError::Malformed("field runs past the end of the buffer"));
            }
            let (head, tail) = self.buf.split_at(n);
            self.buf = tail;
            Ok(head)
        }

        fn key(&mut self) -> Result<(u32, u8), ProtoError> {
            let key = self.varint()?;
            let tag = u32::try_from(key >> 3).map_err(|_| ProtoError::Malformed("field number too large"))?;
            if tag == 0 {
                return Err(ProtoError::Malformed("field number 0"));
            }
            Ok((tag, (key & 7) as u8))
        }

        fn value(&mut self, tag: u32, wire_type: u8, depth: usize) -> Result<WireValue<'a>, ProtoError> {
            Ok(match wire_type {
                0 => WireValue::Varint(self.varint()?),
                1 => {
                    let b = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    WireValue::Fixed64(u64::from_le_bytes(a))
                }
                2 => {
                    let len = usize::try_from(self.varint()?)
                        .map_err(|_| ProtoError::Malformed("length does not fit in memory"))?;
                    WireValue::Bytes(self.take(len)?)
                }
                3 => {
                    if depth >= super::MAX_DEPTH {
                        return Err(ProtoError::Malformed("groups nested too deeply"));
                    }
                    loop {
                        if self.buf.is_empty() {
                            return Err(ProtoError::Malformed("unterminated group"));
                        }
                        let (inner_tag, inner_type) = self.key()?;
                        if inner_type == 4 {
                            if inner_tag != tag {
                                return Err(ProtoError::Malformed("mismatched end group"));
                            }
                            break;
                        }
                        self.value(inner_tag, inner_type, depth + 1)?;
                    }
                    WireValue::Group
                }
                5 => {
                    let b = self.take(4)?;
                    let mut a = [0u8; 4];
                    a.copy_from_slice(b);
                    WireValue::Fixed32(u32::from_le_bytes(a))
                }
                4 => return Err(ProtoError::Malformed("unexpected end group")),
                _ => return Err(ProtoError::Malformed("invalid wire type")),
            })
        }

        /// The next field, or `None` at the end of the message.
        pub fn next_field(&mut self) -> Result<Option<WireField<'a>>, ProtoError> {
            if self.buf.is_empty() {
                return Ok(None);
            }
            let (tag, wire_type) = self.key()?;
            let value = self.value(tag, wire_type, 0)?;
            Ok(Some(WireField { tag, value }))
        }
    }

    /// The occurrences of one singular message field, without allocating for the usual one.
    pub struct Pieces<'a> {
        one: [&'a [u8]; 1],
        has_one: bool,
        many: Vec<&'a [u8]>,
    }

    impl<'a> Default for Pieces<'a> {
        fn default() -> Self {
            Self::new()
        }
    }

    impl<'a> Pieces<'a> {
        pub fn new() -> Self {
            Self { one: [&[]], has_one: false, many: Vec::new() }
        }

        pub fn push(&mut self, piece: &'a [u8]) {
            if !self.many.is_empty() {
                self.many.push(piece);
            } else if self.has_one {
                self.many.push(self.one[0]);
                self.many.push(piece);
            } else {
                self.one[0] = piece;
                self.has_one = true;
            }
        }

        pub fn is_empty(&self) -> bool {
            !self.has_one
        }

        pub fn as_slice(&self) -> &[&'a [u8]] {
            if !self.many.is_empty() {
                &self.many
            } else if self.has_one {
                &self.one
            } else {
                &[]
            }
        }
    }

    /// Protobuf type of a map key, to show it in a path.
    #[derive(Clone, Copy, Debug)]
    pub enum KeyKind {
        String,
        Signed,
        Unsigned,
        ZigZag,
        Fixed32,
        Fixed64,
        Sfixed32,
        Sfixed64,
        Bool,
    }

    impl KeyKind {
        pub(crate) fn display(self, key: Option<WireValue<'_>>, out: &mut String) {
            let mut num = itoa::Buffer::new();
            let text: &str = match (self, key) {
                (KeyKind::String, Some(WireValue::Bytes(b))) => {
                    out.push_str(&String::from_utf8_lossy(b));
                    return;
                }
                (KeyKind::String, _) => "",
                (KeyKind::Bool, Some(WireValue::Varint(v))) => {
                    if v != 0 {
                        "true"
                    } else {
                        "false"
                    }
                }
                (KeyKind::Bool, _) => "false",
                (KeyKind::Signed, Some(WireValue::Varint(v))) => num.format(v as i64),
                (KeyKind::Unsigned, Some(WireValue::Varint(v))) => num.format(v),
                (KeyKind::ZigZag, Some(WireValue::Varint(v))) => {
                    num.format((v >> 1) as i64 ^ -((v & 1) as i64))
                }
                (KeyKind::Fixed32, Some(WireValue::Fixed32(v))) => num.format(v),
                (KeyKind::Sfixed32, Some(WireValue::Fixed32(v))) => num.format(v as i32),
                (KeyKind::Fixed64, Some(WireValue::Fixed64(v))) => num.format(v),
                (KeyKind::Sfixed64, Some(WireValue::Fixed64(v))) => num.format(v as i64),
                _ => "0",
            };
            out.push_str(text);
        }
    }
}
