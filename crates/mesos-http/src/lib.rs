//! A keep-alive HTTP/1.1 client for the calls mesos-rs components make to each other (agent
//! to master, executor to agent): one connection reused call after call, opened again when
//! the peer closed it. Opening a TCP connection per call costs more than the call itself on
//! the launch path, which is why this exists.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// How long a connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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

    /// POSTs `body` to `path` and returns the status and the whole response body. A call on
    /// a reused connection that the peer had closed is sent once more on a fresh one, so
    /// calls must be safe to repeat (status updates are: they carry a uuid).
    pub async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<(hyper::StatusCode, Bytes), ClientError> {
        let reused = self.sender.is_some();
        match self.try_post(path, headers, body.clone()).await {
            Ok(answer) => Ok(answer),
            Err(_) if reused => {
                self.sender = None;
                self.try_post(path, headers, body).await
            }
            Err(error) => Err(error),
        }
    }

    /// POSTs and returns the response with its body unread (for streams such as SUBSCRIBE);
    /// the connection is not reused afterwards.
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
        sender.send_request(request).await.map_err(|e| self.call_error(e))
    }

    async fn try_post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<(hyper::StatusCode, Bytes), ClientError> {
        let mut sender = match self.sender.take() {
            Some(sender) => sender,
            None => self.connect().await?,
        };
        sender.ready().await.map_err(|e| self.call_error(e))?;
        let request = self.request(path, headers, body)?;
        let response = sender.send_request(request).await.map_err(|e| self.call_error(e))?;
        let status = response.status();
        let bytes = response.into_body().collect().await.map_err(|e| self.call_error(e))?.to_bytes();
        self.sender = Some(sender);
        Ok((status, bytes))
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
    async fn an_unreachable_peer_is_named() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("addr").to_string();
        drop(listener);
        let error =
            Connection::new(address.clone()).post("/x", &[], Bytes::new()).await.expect_err("refused");
        assert!(error.to_string().contains(&address), "{error}");
    }
}
