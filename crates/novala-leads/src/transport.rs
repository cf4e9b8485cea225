//! Where a key may be sent. Over plain `http://` it travels readable by anyone on the way, so only to this
//! machine (a local sandbox), unless the user has said in so many words that another host is fine.

use url::{Host, Url};

/// True for 127.0.0.0/8, ::1 and `localhost`: addresses that never leave this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Why the key must not be sent to `url`, if it must not: `http://` to a host other than this machine,
/// unless `allow_insecure_http`. A pure function of the URL, so it is tested without sending anything.
pub fn insecure_http_refusal(url: &str, allow_insecure_http: bool) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    if parsed.scheme() != "http" || allow_insecure_http || is_loopback(&parsed) {
        return None;
    }
    Some(format!(
        "{} is plain http to another machine: the key would cross the network unencrypted. Use https://, \
         or set allow_insecure_http = true in the profile if this network is yours",
        parsed.host_str().unwrap_or("the host")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_goes_only_to_this_machine_unless_allowed() {
        for ok in [
            "https://acme.novala.ai",
            "http://127.0.0.1:7878",
            "http://127.8.9.10/api/v1",
            "http://[::1]:80",
            "http://localhost:9000",
            "http://LOCALHOST",
        ] {
            assert_eq!(insecure_http_refusal(ok, false), None, "{ok}");
        }
        for refused in [
            "http://acme.novala.ai",
            "http://10.0.0.5:8080",
            "http://192.168.1.2",
            "http://[2001:db8::1]",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
        ] {
            let why = insecure_http_refusal(refused, false).unwrap_or_default();
            assert!(why.contains("plain http"), "{refused}: {why}");
            assert_eq!(insecure_http_refusal(refused, true), None, "{refused} allowed");
        }
    }
}
