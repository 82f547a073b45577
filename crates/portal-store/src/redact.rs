//! Database URLs carry passwords (in the user part, or as a `password=` parameter). They are
//! never printed as they are: [`redact_url`] hides them, and errors from opening a database
//! have them taken out of their text (the driver quotes a URL it cannot parse, password and
//! all).

/// The URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let (body, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match (body.find("://"), body.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let creds = &body[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &body[..s + 3], &creds[..c], &body[at..]),
                None => body.to_string(),
            }
        }
        _ => body.to_string(),
    };
    if let Some(q) = query {
        out.push('?');
        let params: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.to_ascii_lowercase().contains("pass") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out.push_str(&params.join("&"));
    }
    out
}

/// The secrets of a URL, as they may appear in a message: the password of the user part, raw
/// and percent-decoded, and the values of password parameters.
fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let (body, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    if let (Some(s), Some(at)) = (body.find("://"), body.rfind('@'))
        && at > s + 3
        && let Some((_, pass)) = body[s + 3..at].split_once(':')
    {
        found.push(pass.to_string());
        found.push(percent_decode(pass));
    }
    for kv in query.into_iter().flat_map(|q| q.split('&')) {
        if let Some((k, v)) = kv.split_once('=')
            && k.to_ascii_lowercase().contains("pass")
        {
            found.push(v.to_string());
            found.push(percent_decode(v));
        }
    }
    found.retain(|s| !s.is_empty());
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found.dedup();
    found
}

/// `text` with the URL's secrets taken out (the URL itself first, redacted).
pub fn redact_in(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact_url(url));
    for s in secrets(url) {
        out = out.replace(&s, "***");
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_wherever_they_are() {
        assert_eq!(
            redact_url("postgres://hub:s3cret@db/portal"),
            "postgres://hub:***@db/portal"
        );
        assert_eq!(
            redact_url("postgres://hub:p%40ss@db/portal"),
            "postgres://hub:***@db/portal"
        );
        // An unencoded '@' in the password: the last '@' ends the user part.
        assert_eq!(
            redact_url("postgres://hub:p@ss@db/portal"),
            "postgres://hub:***@db/portal"
        );
        assert_eq!(
            redact_url("postgres://db/portal?user=hub&password=s3cret&sslmode=require"),
            "postgres://db/portal?user=hub&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("sqlite://x.db?mode=rwc"),
            "sqlite://x.db?mode=rwc"
        );
        let url = "postgres://hub:p%40ss word@db/portal?password=q%2Fx";
        let msg = format!("The connection string '{url}' cannot be parsed (p@ss word, q/x)");
        let shown = redact_in(&msg, url);
        for secret in ["p%40ss", "p@ss", "q%2Fx", "q/x"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
