//! Content negotiation for the v1 HTTP APIs (spec §1.2).

/// `application/json`.
pub const APPLICATION_JSON: &str = "application/json";
/// `application/x-protobuf`.
pub const APPLICATION_PROTOBUF: &str = "application/x-protobuf";

/// The two encodings of the v1 APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// Mesos' JSON mapping, `application/json`.
    Json,
    /// Binary protobuf, `application/x-protobuf`.
    Protobuf,
}

impl ContentType {
    /// The media type, exactly as Mesos writes it in a `Content-Type` response header.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => APPLICATION_JSON,
            ContentType::Protobuf => APPLICATION_PROTOBUF,
        }
    }
}

impl std::fmt::Display for ContentType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request's `Content-Type` is not usable. The Display texts are Mesos' response
/// bodies (400 and 415 respectively).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContentTypeError {
    /// No `Content-Type` header: HTTP 400.
    #[error("Expecting 'Content-Type' to be present")]
    Missing,
    /// A media type other than JSON or protobuf: HTTP 415. Carries the header as given.
    #[error("Expecting 'Content-Type' of application/json or application/x-protobuf")]
    Unsupported(String),
}

/// Parses a request's `Content-Type` header.
///
/// More lenient than Mesos, which compares the whole value byte for byte: parameters
/// (`; charset=utf-8`), surrounding whitespace and letter case are ignored. That cannot break
/// a client that works with Mesos.
pub fn parse_content_type(header: Option<&str>) -> Result<ContentType, ContentTypeError> {
    let header = header.ok_or(ContentTypeError::Missing)?;
    let essence = header.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(APPLICATION_JSON) {
        Ok(ContentType::Json)
    } else if essence.eq_ignore_ascii_case(APPLICATION_PROTOBUF) {
        Ok(ContentType::Protobuf)
    } else {
        Err(ContentTypeError::Unsupported(header.to_string()))
    }
}

/// Picks the response encoding from a request's `Accept` header: JSON if acceptable, else
/// protobuf if acceptable, else `None` (HTTP 406 "Expecting 'Accept' to allow
/// 'application/x-protobuf' or 'application/json'"). No header accepts everything.
pub fn negotiate_accept(accept: Option<&str>) -> Option<ContentType> {
    [ContentType::Json, ContentType::Protobuf].into_iter().find(|t| accepts(accept, t.as_str()))
}

/// Whether an `Accept` header allows `media_type` (a `type/subtype`), following Mesos: with
/// whitespace removed, the entries are tried for `type/subtype`, then `type/*`, then `*/*`;
/// the first entry matching the earliest candidate decides, and it accepts unless it carries
/// exactly one parameter, `q=`, whose value is not a number or is ≤ 0. Matching ignores
/// letter case (Mesos is case-sensitive; being lenient cannot break a client).
pub fn accepts(accept: Option<&str>, media_type: &str) -> bool {
    let Some(accept) = accept else { return true };
    let cleaned: String = accept.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r')).collect();
    let (main, _) = media_type.split_once('/').unwrap_or((media_type, ""));
    let wildcard_sub = format!("{main}/*");
    for candidate in [media_type, wildcard_sub.as_str(), "*/*"] {
        for entry in cleaned.split(',').filter(|e| !e.is_empty()) {
            let mut parts = entry.split(';').filter(|p| !p.is_empty());
            let Some(range) = parts.next() else { continue };
            if !range.eq_ignore_ascii_case(candidate) {
                continue;
            }
            let params: Vec<&str> = parts.collect();
            let quality = match params.as_slice() {
                [single] => single.split_once('=').filter(|(name, _)| name.eq_ignore_ascii_case("q")),
                _ => None,
            };
            return match quality {
                Some((_, value)) => value.parse::<f64>().is_ok_and(|q| q > 0.0),
                None => true,
            };
        }
    }
    false
}

/// The value of `name` in a query string or form body (`a=1&b=2`), percent-decoded (`+` is
/// a space). Both daemons' HTTP shells use it for query parameters and form bodies.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key) == name).then(|| percent_decode(value))
    })
}

/// Decodes `%XX` escapes and `+`; malformed escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type() {
        assert_eq!(parse_content_type(Some("application/json")), Ok(ContentType::Json));
        assert_eq!(parse_content_type(Some("Application/JSON; charset=utf-8")), Ok(ContentType::Json));
        assert_eq!(parse_content_type(Some(" application/x-protobuf ")), Ok(ContentType::Protobuf));
        assert_eq!(parse_content_type(None), Err(ContentTypeError::Missing));
        assert!(matches!(parse_content_type(Some("text/plain")), Err(ContentTypeError::Unsupported(_))));
        assert!(matches!(parse_content_type(Some("")), Err(ContentTypeError::Unsupported(_))));
    }

    #[test]
    fn accept() {
        assert_eq!(negotiate_accept(None), Some(ContentType::Json));
        assert_eq!(negotiate_accept(Some("application/x-protobuf")), Some(ContentType::Protobuf));
        assert_eq!(
            negotiate_accept(Some("application/x-protobuf, application/json")),
            Some(ContentType::Json)
        );
        assert_eq!(
            negotiate_accept(Some("application/x-protobuf;q=0.9, application/json;q=0.1")),
            Some(ContentType::Json)
        );
        assert_eq!(negotiate_accept(Some("application/json;q=0, */*")), Some(ContentType::Protobuf));
        assert_eq!(negotiate_accept(Some("application/json;q=abc, application/*;q=0")), None);
        assert_eq!(negotiate_accept(Some("application/*")), Some(ContentType::Json));
        assert_eq!(negotiate_accept(Some("*/*")), Some(ContentType::Json));
        assert_eq!(negotiate_accept(Some("text/html")), None);
        assert_eq!(negotiate_accept(Some("")), None);
        // Two parameters: the q value is not consulted.
        assert_eq!(negotiate_accept(Some("application/json;q=0;level=1")), Some(ContentType::Json));
        // A single non-q parameter does not exclude.
        assert_eq!(negotiate_accept(Some("application/json;level=1")), Some(ContentType::Json));
        // The first matching entry for the candidate wins.
        assert_eq!(negotiate_accept(Some("application/json;q=0,application/json")), None);
        assert_eq!(negotiate_accept(Some(" application / json ; q = 0.5")), Some(ContentType::Json));
        assert_eq!(negotiate_accept(Some("APPLICATION/JSON")), Some(ContentType::Json));
    }
}
