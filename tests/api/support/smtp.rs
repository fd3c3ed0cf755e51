//! A real SMTP server for the tests: it speaks SMTP over TCP on a free port (greeting, EHLO,
//! MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeps every message it accepted and
//! can be told to refuse recipients for good (550) or to fail the next messages for now (451).
//! Every test server sends its mail here; tests read what arrived, parsed with `mail-parser`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope recipient (`RCPT TO`).
    pub to: String,
    /// The message as transmitted (after dot-unstuffing).
    pub raw: Vec<u8>,
}

/// A received message, parsed.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub header_from: String,
    pub raw: String,
}

impl Mail {
    /// Parses a message as transmitted.
    pub fn parse(to: &str, raw: &[u8]) -> Mail {
        let parsed = mail_parser::MessageParser::default()
            .parse(raw)
            .expect("the message parses as RFC 5322");
        Mail {
            to: to.to_owned(),
            subject: parsed.subject().unwrap_or_default().to_owned(),
            // Line ends as a reader sees them (the wire has CRLF).
            text: parsed
                .body_text(0)
                .map(|t| t.replace("\r\n", "\n"))
                .unwrap_or_default(),
            html: parsed
                .body_html(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            message_id: parsed.message_id().unwrap_or_default().to_owned(),
            header_from: parsed
                .from()
                .and_then(|f| f.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned(),
            raw: String::from_utf8_lossy(raw).into_owned(),
        }
    }

    /// The value of the header `name` as transmitted (unfolded), if the message has it.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or_default();
        // Unfolding removes the CRLF before a continuation line's leading space (RFC 5322).
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", "\t");
        unfolded.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    /// The first `token=` value of a link in the text (password links).
    pub fn token(&self) -> String {
        let start = self
            .text
            .find("#token=")
            .expect("the message has a token link")
            + 7;
        self.text[start..]
            .split_whitespace()
            .next()
            .expect("a token follows")
            .to_owned()
    }
}

#[derive(Debug, Default)]
struct Behaviour {
    /// Recipients containing this text are refused with 550.
    refuse_containing: Option<String>,
    /// This many next messages are refused with 451 at the end of DATA.
    temporary_failures: u32,
}

/// The running server.
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl SmtpServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("SMTP port");
        let server = SmtpServer {
            port: listener.local_addr().unwrap().port(),
            inbox: Arc::default(),
            behaviour: Arc::default(),
        };
        let accepting = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let session = accepting.clone();
                tokio::spawn(async move {
                    let _ = session.converse(stream).await;
                });
            }
        });
        server
    }

    /// The `SMTP_URL` of this server (plain SMTP on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Refuses every recipient containing `text` with 550 from now on.
    pub fn refuse_recipients_containing(&self, text: &str) {
        self.behaviour.lock().unwrap().refuse_containing = Some(text.to_owned());
    }

    /// Answers the next `count` messages with 451 (try again later).
    pub fn fail_next(&self, count: u32) {
        self.behaviour.lock().unwrap().temporary_failures = count;
    }

    /// Every message accepted so far, parsed.
    pub fn received(&self) -> Vec<Mail> {
        self.inbox
            .lock()
            .unwrap()
            .iter()
            .map(|r| Mail::parse(&r.to, &r.raw))
            .collect()
    }

    /// The messages to `address` accepted so far.
    pub fn received_by(&self, address: &str) -> Vec<Mail> {
        self.received()
            .into_iter()
            .filter(|m| m.to.eq_ignore_ascii_case(address))
            .collect()
    }

    /// Waits (up to 10 s) until `address` received `count` messages whose subject contains
    /// `subject`; returns them.
    pub async fn wait_for(&self, address: &str, subject: &str, count: usize) -> Vec<Mail> {
        let matching = || {
            self.received_by(address)
                .into_iter()
                .filter(|m| m.subject.contains(subject))
                .collect::<Vec<_>>()
        };
        for _ in 0..200 {
            let mails = matching();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let subjects: Vec<String> = self
            .received_by(address)
            .into_iter()
            .map(|m| m.subject)
            .collect();
        panic!("{address} did not receive {count} message(s) \"{subject}\"; got {subjects:?}");
    }

    /// The first message to `address` whose subject contains `subject`, waiting for it.
    pub async fn message(&self, address: &str, subject: &str) -> Mail {
        self.wait_for(address, subject, 1).await.remove(0)
    }

    async fn converse(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write
            .write_all(b"220 localhost ESMTP mentoring-tests\r\n")
            .await?;
        let mut recipients: Vec<String> = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let verb = command
                .split([' ', ':'])
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "EHLO" => b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                "HELO" => b"250 localhost\r\n",
                "MAIL" => {
                    recipients.clear();
                    b"250 OK\r\n"
                }
                "RCPT" => {
                    let address = command
                        .split_once('<')
                        .and_then(|(_, rest)| rest.split_once('>'))
                        .map(|(a, _)| a.to_owned())
                        .unwrap_or_default();
                    let refused = self
                        .behaviour
                        .lock()
                        .unwrap()
                        .refuse_containing
                        .as_ref()
                        .is_some_and(|t| address.contains(t.as_str()));
                    if refused {
                        b"550 5.1.1 no such mailbox\r\n"
                    } else {
                        recipients.push(address);
                        b"250 OK\r\n"
                    }
                }
                "DATA" => {
                    write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                    let raw = read_data(&mut lines).await?;
                    let fail = {
                        let mut behaviour = self.behaviour.lock().unwrap();
                        let fail = behaviour.temporary_failures > 0;
                        behaviour.temporary_failures =
                            behaviour.temporary_failures.saturating_sub(1);
                        fail
                    };
                    if fail {
                        b"451 4.3.0 try again later\r\n"
                    } else {
                        let mut inbox = self.inbox.lock().unwrap();
                        for to in recipients.drain(..) {
                            inbox.push(Received {
                                to,
                                raw: raw.clone(),
                            });
                        }
                        b"250 OK queued\r\n"
                    }
                }
                "RSET" => {
                    recipients.clear();
                    b"250 OK\r\n"
                }
                "NOOP" => b"250 OK\r\n",
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => b"502 command not implemented\r\n",
            };
            write.write_all(answer).await?;
        }
    }
}

/// The DATA section up to the lone dot, dot-unstuffed.
async fn read_data(
    lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(raw);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(raw);
        }
        let content = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        raw.extend_from_slice(content);
    }
}
