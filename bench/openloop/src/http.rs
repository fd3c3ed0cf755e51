//! Just enough HTTP/1.1 over one keep-alive connection: a fixed request, answers framed by
//! `Content-Length` (what the service and the hello world send).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::options::Options;

/// Where to connect and the request bytes, built once.
pub struct Target {
    address: String,
    request: Vec<u8>,
}

impl Target {
    pub fn new(options: &Options) -> Result<Self, String> {
        let rest = options
            .url
            .strip_prefix("http://")
            .ok_or("only http:// URLs are supported")?;
        let (address, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        let method = if options.body.is_some() {
            "POST"
        } else {
            "GET"
        };
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {address}\r\n");
        for header in &options.headers {
            head.push_str(header);
            head.push_str("\r\n");
        }
        if let Some(body) = &options.body {
            head.push_str("content-type: application/json\r\n");
            head.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(options.body.as_deref().unwrap_or_default());
        Ok(Self {
            address: address.to_owned(),
            request,
        })
    }
}

/// An open connection and its read buffer.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    pub async fn open(target: &Target) -> Result<Self, String> {
        let stream = TcpStream::connect(&target.address)
            .await
            .map_err(|e| format!("connect {}: {e}", target.address))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Self {
            stream,
            buffer: Vec::with_capacity(64 * 1024),
        })
    }

    /// Sends the request and reads the whole answer; a non-2xx status is an error.
    pub async fn exchange(&mut self, target: &Target) -> Result<(), String> {
        self.stream
            .write_all(&target.request)
            .await
            .map_err(|e| format!("send: {e}"))?;
        self.buffer.clear();
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            self.read_more().await?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end]).map_err(|e| e.to_string())?;
        let status = head.get(9..12).unwrap_or_default();
        if !status.starts_with('2') {
            return Err(format!(
                "answer {status}: {}",
                head.lines().next().unwrap_or_default()
            ));
        }
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .ok_or("an answer without Content-Length")?;
        while self.buffer.len() < head_end + length {
            self.read_more().await?;
        }
        Ok(())
    }

    async fn read_more(&mut self) -> Result<(), String> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self
            .stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        if n == 0 {
            return Err("the server closed the connection".to_owned());
        }
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
