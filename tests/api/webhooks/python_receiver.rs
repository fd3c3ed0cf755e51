//! The independent receiver `tests/webhooks/receiver.py` (the `standardwebhooks` package) as a
//! child process: it prints its port, is told the endpoint secret (and, as the community
//! platform, how to call back) on standard input, and prints one JSON line per push.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

pub struct PythonReceiver {
    pub url: String,
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl PythonReceiver {
    /// Starts the receiver with its status script (`"500,500,200"`); `callback` makes it call the
    /// API back on activations (see the script).
    pub async fn start(python: &str, statuses: &str, callback: bool) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/receiver.py");
        let mut command = Command::new(python);
        command.args([script, statuses]);
        if callback {
            command.arg("--callback");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the Python receiver starts");
        let stdin = child.stdin.take().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut receiver = Self {
            url: String::new(),
            child,
            stdin,
            lines,
        };
        let port = receiver.next_line().await;
        receiver.url = format!("http://127.0.0.1:{port}/hooks");
        receiver
    }

    /// Tells the receiver its configuration, one value a line (the secret first).
    pub async fn configure(&mut self, values: &[&str]) {
        for value in values {
            self.stdin
                .write_all(format!("{value}\n").as_bytes())
                .await
                .unwrap();
        }
        self.stdin.flush().await.unwrap();
    }

    /// The next line the receiver prints (up to 20 s).
    pub async fn next_line(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
            .await
            .expect("the receiver answers in time")
            .unwrap()
            .expect("a line")
    }

    /// The next push as the receiver recorded it.
    pub async fn next_push(&mut self) -> Value {
        serde_json::from_str(&self.next_line().await).expect("a JSON line")
    }

    /// Stops the receiver; the line it printed after those read so far, if any (up to 5 s).
    pub async fn stop(mut self) -> Option<String> {
        self.child.kill().await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), self.lines.next_line())
            .await
            .expect("the receiver's output ends")
            .unwrap()
    }
}
