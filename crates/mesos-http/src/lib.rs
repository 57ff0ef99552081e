//! HTTP/1.1 plumbing shared by mesos-rs components.
//!
//! The crate root is a keep-alive client for the calls components make to each other (agent
//! to master, executor to agent): one connection reused call after call, opened again when
//! the peer closed it. Opening a TCP connection per call costs more than the call itself on
//! the launch path, which is why this exists. [`server`] is the accept-and-serve loop the
//! master and the agent both run, with the limits that keep misbehaving clients from
//! exhausting them.

pub mod server;

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// How long a connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a response may take to arrive (its whole body, for [`Connection::post`]).
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

/// How one attempt ended, when it failed.
enum Attempt {
    /// The request never left: it may be sent again.
    NotSent(ClientError),
    /// It may have reached the peer (or the failure came before any request).
    Failed(ClientError),
}

impl Attempt {
    fn into_error(self) -> ClientError {
        match self {
            Attempt::NotSent(error) | Attempt::Failed(error) => error,
        }
    }
}

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No connection could be made.
    #[error("cannot connect to {address}: {reason}")]
    Connect {
        /// Where to.
        address: String,
        /// Why not.
        reason: String,
    },
    /// The request could not be sent or the response not read.
    #[error("call to {address} failed: {reason}")]
    Call {
        /// Where to.
        address: String,
        /// Why.
        reason: String,
    },
}

/// A reusable connection to one `host:port`.
#[derive(Debug)]
pub struct Connection {
    address: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    /// A connection to `address` (`host:port`), opened on first use.
    pub fn new(address: impl Into<String>) -> Connection {
        Connection { address: address.into(), sender: None }
    }

    /// The peer's address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// POSTs `body` to `path` and returns the status and the whole response body. When a
    /// kept-open connection turns out to be closed before the request left (the peer closed
    /// it while idle), the call goes out once on a fresh connection; a call that may have
    /// reached the peer is never repeated. The response must start within
    /// [`RESPONSE_TIMEOUT`].
    pub async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<(hyper::StatusCode, Bytes), ClientError> {
        let reused = self.sender.is_some();
        match self.try_post(path, headers, body.clone()).await {
            Ok(answer) => Ok(answer),
            Err(Attempt::NotSent(_)) if reused => {
                self.sender = None;
                self.try_post(path, headers, body).await.map_err(Attempt::into_error)
            }
            Err(attempt) => Err(attempt.into_error()),
        }
    }

    /// POSTs and returns the response with its body unread (for streams such as SUBSCRIBE);
    /// the connection is not reused afterwards. The response head must come within
    /// [`RESPONSE_TIMEOUT`].
    pub async fn post_streaming(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<hyper::Response<Incoming>, ClientError> {
        let mut sender = match self.sender.take() {
            Some(sender) => sender,
            None => self.connect().await?,
        };
        if sender.ready().await.is_err() {
            sender = self.connect().await?;
        }
        let request = self.request(path, headers, body)?;
        match tokio::time::timeout(RESPONSE_TIMEOUT, sender.send_request(request)).await {
            Ok(response) => response.map_err(|e| self.call_error(e)),
            Err(_) => Err(self.call_error("no response in time")),
        }
    }

    async fn try_post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<(hyper::StatusCode, Bytes), Attempt> {
        let mut sender = match self.sender.take() {
            Some(sender) => sender,
            None => self.connect().await.map_err(Attempt::Failed)?,
        };
        if sender.ready().await.is_err() {
            return Err(Attempt::NotSent(self.call_error("connection closed")));
        }
        let request = self.request(path, headers, body).map_err(Attempt::Failed)?;
        let exchange = async {
            let response = match sender.try_send_request(request).await {
                Ok(response) => response,
                Err(mut error) => {
                    let sent = error.take_message().is_none();
                    let error = self.call_error(error.into_error());
                    return Err(if sent { Attempt::Failed(error) } else { Attempt::NotSent(error) });
                }
            };
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| Attempt::Failed(self.call_error(e)))?
                .to_bytes();
            Ok((status, bytes))
        };
        let answer = match tokio::time::timeout(RESPONSE_TIMEOUT, exchange).await {
            Ok(answer) => answer?,
            Err(_) => return Err(Attempt::Failed(self.call_error("no response in time"))),
        };
        self.sender = Some(sender);
        Ok(answer)
    }

    fn request(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<hyper::Request<Full<Bytes>>, ClientError> {
        let mut request =
            hyper::Request::post(format!("http://{}{path}", self.address)).header("Host", &self.address);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Full::new(body)).map_err(|e| self.call_error(e))
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, ClientError> {
        let error = |reason: String| ClientError::Connect { address: self.address.clone(), reason };
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(&self.address))
            .await
            .map_err(|_| error("timed out".to_string()))?
            .map_err(|e| error(e.to_string()))?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| error(e.to_string()))?;
        tokio::spawn(connection);
        Ok(sender)
    }

    fn call_error(&self, error: impl std::fmt::Display) -> ClientError {
        ClientError::Call { address: self.address.clone(), reason: error.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A server counting connections; it closes each after `per_connection` requests.
    async fn server(per_connection: usize) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("addr").to_string();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let served = Arc::new(AtomicUsize::new(0));
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                        let served = served.clone();
                        async move {
                            let body =
                                request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                            let mut response = hyper::Response::new(Full::new(body));
                            if served.fetch_add(1, Ordering::SeqCst) + 1 >= per_connection {
                                response
                                    .headers_mut()
                                    .insert("connection", hyper::header::HeaderValue::from_static("close"));
                            }
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        (address, connections)
    }

    #[tokio::test]
    async fn calls_share_one_connection() {
        let (address, connections) = server(usize::MAX).await;
        let mut connection = Connection::new(address);
        for i in 0..5 {
            let (status, body) =
                connection.post("/x", &[], Bytes::from(format!("call {i}"))).await.expect("call");
            assert_eq!(status, 200);
            assert_eq!(body, format!("call {i}"));
        }
        assert_eq!(connections.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_closed_connection_is_replaced() {
        let (address, connections) = server(2).await;
        let mut connection = Connection::new(address);
        for i in 0..5 {
            let (_, body) = connection.post("/x", &[], Bytes::from(format!("call {i}"))).await.expect("call");
            assert_eq!(body, format!("call {i}"));
        }
        assert_eq!(connections.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_call_that_may_have_arrived_is_not_sent_twice() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("addr").to_string();
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { continue };
                let mut buffer = vec![0u8; 4096];
                let n = socket.read(&mut buffer).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&buffer[..n]).to_string();
                let count = text.matches("POST ").count();
                if seen.fetch_add(count, Ordering::SeqCst) == 0 {
                    // First call: answered, connection kept.
                    let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    seen.fetch_add(
                        String::from_utf8_lossy(&buffer[..n]).matches("POST ").count(),
                        Ordering::SeqCst,
                    );
                }
                // The second call is read, then the connection drops without an answer.
            }
        });
        let mut connection = Connection::new(address);
        connection.post("/x", &[], Bytes::from_static(b"one")).await.expect("first call");
        assert!(connection.post("/x", &[], Bytes::from_static(b"two")).await.is_err());
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(requests.load(Ordering::SeqCst), 2, "the second call was not repeated");
    }

    #[tokio::test]
    async fn an_unreachable_peer_is_named() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("addr").to_string();
        drop(listener);
        let error =
            Connection::new(address.clone()).post("/x", &[], Bytes::new()).await.expect_err("refused");
        assert!(error.to_string().contains(&address), "{error}");
    }
}
