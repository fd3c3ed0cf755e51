//! Sends requests at a fixed rate whatever the server does (an open loop) and measures each
//! latency from the moment the request was due, not from when a connection was free to send it:
//! a server that stalls is charged for every request that queued behind the stall (no coordinated
//! omission, as in wrk2 or `oha --latency-correction`).
//!
//! Usage: bench-openloop --rate R --seconds S --connections C [-H 'name: value']...
//!                       [--post BODY_FILE] http://HOST:PORT/PATH
//! Prints `sent <n> rate <achieved/s> p50_ms <x> p99_ms <y> max_ms <z>`; exits 1 on any
//! transport error or non-2xx answer.
//!
//! A dedicated thread keeps the schedule with `thread::sleep` (tens of microseconds of jitter;
//! tokio's timer would round every due time up to the next millisecond) and queues each due time;
//! C keep-alive connections on a one-thread runtime take them in turn. HTTP/1.1 is spoken
//! directly (request bytes built once, answers read by `Content-Length`), so the generator costs
//! about what wrk costs and leaves the CPU to the server.

mod http;
mod options;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, mpsc};

/// The value at quantile `q` of sorted microseconds, in milliseconds.
fn quantile_ms(sorted: &[u64], q: f64) -> f64 {
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

/// One keep-alive connection: takes due times until the queue closes; returns the latencies in
/// microseconds, or the first failure.
async fn connection(
    target: Arc<http::Target>,
    due_times: Arc<Mutex<mpsc::UnboundedReceiver<Instant>>>,
) -> Result<Vec<u64>, String> {
    let mut conn = http::Connection::open(&target).await?;
    let mut latencies = Vec::new();
    loop {
        let Some(due) = due_times.lock().await.recv().await else {
            return Ok(latencies);
        };
        conn.exchange(&target).await?;
        latencies.push(u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX));
    }
}

fn main() {
    let options = options::parse().unwrap_or_else(|e| {
        eprintln!("bench-openloop: {e}");
        std::process::exit(2);
    });
    let target = Arc::new(http::Target::new(&options).unwrap_or_else(|e| {
        eprintln!("bench-openloop: {e}");
        std::process::exit(2);
    }));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("a tokio runtime");
    let (queue, due_times) = mpsc::unbounded_channel::<Instant>();
    let due_times = Arc::new(Mutex::new(due_times));
    let connections: Vec<_> = (0..options.connections)
        .map(|_| runtime.spawn(connection(target.clone(), due_times.clone())))
        .collect();

    // The runtime works on this thread's behalf on its own thread; this thread keeps the schedule.
    let interval = Duration::from_secs_f64(1.0 / options.rate);
    let total = (options.rate * options.seconds).round() as u32;
    let scheduler = std::thread::spawn(move || {
        let start = Instant::now();
        for i in 0..total {
            let due = start + interval * i;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            if queue.send(due).is_err() {
                break; // every connection failed; main reports it
            }
        }
        start
    });
    let results = runtime.block_on(async {
        let mut results = Vec::new();
        for connection in connections {
            results.push(connection.await.map_err(|e| e.to_string()).and_then(|r| r));
        }
        results
    });
    let start = scheduler.join().expect("the scheduler finished");
    let elapsed = start.elapsed().as_secs_f64();

    let mut sorted = Vec::new();
    for result in results {
        match result {
            Ok(latencies) => sorted.extend(latencies),
            Err(e) => {
                eprintln!("bench-openloop: {e}");
                std::process::exit(1);
            }
        }
    }
    if sorted.is_empty() {
        eprintln!("bench-openloop: no request was sent");
        std::process::exit(1);
    }
    sorted.sort_unstable();
    println!(
        "sent {} rate {:.0} p50_ms {:.3} p99_ms {:.3} max_ms {:.3}",
        sorted.len(),
        sorted.len() as f64 / elapsed,
        quantile_ms(&sorted, 0.50),
        quantile_ms(&sorted, 0.99),
        quantile_ms(&sorted, 1.0),
    );
}
