//! The command line.

/// What to send, how often and for how long.
pub struct Options {
    pub rate: f64,
    pub seconds: f64,
    pub connections: usize,
    /// Extra request headers, `name: value`.
    pub headers: Vec<String>,
    /// A JSON body to POST instead of a GET.
    pub body: Option<Vec<u8>>,
    pub url: String,
}

fn number<T: std::str::FromStr>(name: &str, value: String) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name} expects a number, got {value}"))
}

pub fn parse() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let (mut rate, mut seconds, mut connections, mut url) = (None, None, None, None);
    let (mut headers, mut body) = (Vec::new(), None);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rate" => rate = Some(number::<f64>("--rate", value()?)?),
            "--seconds" => seconds = Some(number::<f64>("--seconds", value()?)?),
            "--connections" => connections = Some(number::<usize>("--connections", value()?)?),
            "-H" => headers.push(value()?),
            "--post" => body = Some(std::fs::read(value()?).map_err(|e| e.to_string())?),
            _ if url.is_none() && !arg.starts_with('-') => url = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    let options = Options {
        rate: rate.ok_or("--rate is required")?,
        seconds: seconds.ok_or("--seconds is required")?,
        connections: connections.ok_or("--connections is required")?,
        headers,
        body,
        url: url.ok_or("the URL is required")?,
    };
    if !(options.rate > 0.0 && options.seconds > 0.0 && options.connections > 0) {
        return Err("rate, seconds and connections must be positive".to_owned());
    }
    Ok(options)
}
