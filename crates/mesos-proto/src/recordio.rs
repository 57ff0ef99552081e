//! RecordIO framing of event streams (spec §1.3): each record is its payload length in
//! decimal, a `\n`, then exactly that many payload bytes, with nothing between records.

use bytes::{Buf, Bytes, BytesMut};

/// Longest accepted length prefix: `u64::MAX` has 20 digits.
pub const MAX_LENGTH_DIGITS: usize = 20;

/// Default bound on one record's payload for [`RecordIoDecoder::new`] (64 MiB).
pub const DEFAULT_MAX_RECORD_LEN: usize = 64 * 1024 * 1024;

/// Appends one record carrying `payload` to `out`.
pub fn encode_record(payload: &[u8], out: &mut Vec<u8>) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(payload.len());
    out.reserve(digits.len() + 1 + payload.len());
    out.extend_from_slice(digits.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload);
}

/// One record carrying `payload`, as a fresh buffer.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_record(payload, &mut out);
    out
}

/// Why a RecordIO stream cannot be decoded. Errors are final: the decoder keeps returning
/// the same error, since the stream position is lost.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordIoError {
    /// The length prefix holds something other than decimal digits.
    #[error("invalid RecordIO length prefix: unexpected byte 0x{0:02x}")]
    InvalidLength(u8),
    /// The length prefix is empty (a bare `\n`).
    #[error("invalid RecordIO length prefix: no digits")]
    EmptyLength,
    /// The length prefix has more digits than any u64 needs.
    #[error("RecordIO length prefix longer than {MAX_LENGTH_DIGITS} digits")]
    LengthTooLong,
    /// The announced record is larger than the decoder accepts.
    #[error("RecordIO record of {len} bytes exceeds the maximum of {max} bytes")]
    RecordTooLarge {
        /// Announced payload length.
        len: u64,
        /// The decoder's limit.
        max: usize,
    },
    /// The stream ended inside a record.
    #[error("RecordIO stream ended inside a record ({0} bytes pending)")]
    Truncated(usize),
}

/// Incremental RecordIO decoder: feed bytes as they arrive, in chunks of any size, and take
/// complete records out.
#[derive(Debug)]
pub struct RecordIoDecoder {
    buffer: BytesMut,
    max_record_len: usize,
    /// Payload length of the record being received, once its prefix is complete.
    pending_len: Option<usize>,
    failed: Option<RecordIoError>,
}

impl Default for RecordIoDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordIoDecoder {
    /// A decoder accepting records up to [`DEFAULT_MAX_RECORD_LEN`] bytes.
    pub fn new() -> Self {
        Self::with_max_record_len(DEFAULT_MAX_RECORD_LEN)
    }

    /// A decoder accepting records up to `max_record_len` bytes.
    pub fn with_max_record_len(max_record_len: usize) -> Self {
        Self { buffer: BytesMut::new(), max_record_len, pending_len: None, failed: None }
    }

    /// Appends received bytes.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.failed.is_none() {
            self.buffer.extend_from_slice(chunk);
        }
    }

    /// Takes the next complete record, or `None` if more bytes are needed.
    pub fn next_record(&mut self) -> Result<Option<Bytes>, RecordIoError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        match self.step() {
            Ok(record) => Ok(record),
            Err(err) => {
                self.failed = Some(err.clone());
                self.buffer.clear();
                Err(err)
            }
        }
    }

    /// Feeds `chunk` and returns every record it completes.
    pub fn decode(&mut self, chunk: &[u8]) -> Result<Vec<Bytes>, RecordIoError> {
        self.feed(chunk);
        let mut records = Vec::new();
        while let Some(record) = self.next_record()? {
            records.push(record);
        }
        Ok(records)
    }

    /// Bytes received but not yet returned as part of a record.
    pub fn buffered_len(&self) -> usize {
        self.buffer.len()
    }

    /// Call at end of stream: fails if the stream stopped inside a record.
    pub fn finish(&self) -> Result<(), RecordIoError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        if self.buffer.is_empty() && self.pending_len.is_none() {
            Ok(())
        } else {
            Err(RecordIoError::Truncated(self.buffer.len()))
        }
    }

    fn step(&mut self) -> Result<Option<Bytes>, RecordIoError> {
        let len = match self.pending_len {
            Some(len) => len,
            None => match self.parse_prefix()? {
                Some(len) => len,
                None => return Ok(None),
            },
        };
        if self.buffer.len() < len {
            // Reserve what is announced (bounded by the limit) so the payload is not copied
            // again and again while it arrives.
            self.buffer.reserve(len - self.buffer.len());
            return Ok(None);
        }
        self.pending_len = None;
        Ok(Some(self.buffer.split_to(len).freeze()))
    }

    fn parse_prefix(&mut self) -> Result<Option<usize>, RecordIoError> {
        let mut value: u64 = 0;
        for (i, &b) in self.buffer.iter().enumerate() {
            match b {
                b'\n' if i == 0 => return Err(RecordIoError::EmptyLength),
                b'\n' => {
                    self.buffer.advance(i + 1);
                    let len = usize::try_from(value)
                        .ok()
                        .filter(|len| *len <= self.max_record_len)
                        .ok_or(RecordIoError::RecordTooLarge { len: value, max: self.max_record_len })?;
                    self.pending_len = Some(len);
                    return Ok(Some(len));
                }
                b'0'..=b'9' => {
                    if i >= MAX_LENGTH_DIGITS {
                        return Err(RecordIoError::LengthTooLong);
                    }
                    // 20 digits can exceed u64; saturate so the size check rejects it.
                    value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
                }
                other => return Err(RecordIoError::InvalidLength(other)),
            }
        }
        // At most 20 digits are ever rescanned when more bytes arrive.
        Ok(None)
    }
}
