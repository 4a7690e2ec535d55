//! `[[intent]]` entries: a flow that must never happen or must always work, e.g.
//! `deny = { from = "internet", to = "tag:tier=db" }` or
//! `allow = { from = "subnet:app-*", to = "sg:db", port = 5432 }`.

use super::{ConfigError, Locator, Spanned};
use crate::analysis::reach::intent::{Expect, Intent};
use crate::analysis::reach::select::Selector;
use crate::model::net::{PortRange, Protocol};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IntentEntry {
    name: Option<String>,
    deny: Option<Spanned<FlowEntry>>,
    allow: Option<Spanned<FlowEntry>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowEntry {
    from: Spanned<String>,
    to: Spanned<String>,
    port: Option<Spanned<PortEntry>>,
    protocol: Option<Spanned<String>>,
}

/// `5432` or `"8000-8100"`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum PortEntry {
    One(u16),
    Range(String),
}

pub(super) fn intents(entries: Vec<Spanned<IntentEntry>>, at: &Locator<'_>) -> Result<Vec<Intent>, ConfigError> {
    entries.into_iter().map(|e| intent(e, at)).collect()
}

fn intent(entry: Spanned<IntentEntry>, at: &Locator<'_>) -> Result<Intent, ConfigError> {
    let span = entry.span();
    let IntentEntry { name, deny, allow } = entry.into_inner();
    let (expect, flow) = match (deny, allow) {
        (Some(f), None) => (Expect::Deny, f),
        (None, Some(f)) => (Expect::Allow, f),
        _ => return Err(at.error(Some(span), "an intent has exactly one of `deny` or `allow`".into())),
    };
    let flow_span = flow.span();
    let FlowEntry { from, to, port, protocol } = flow.into_inner();
    let selector = |s: &Spanned<String>| Selector::parse(s.get_ref()).map_err(|e| at.error(Some(s.span()), e));
    let (from_sel, to_sel) = (selector(&from)?, selector(&to)?);
    let ports = match &port {
        None => None,
        Some(p) => Some(port_range(p.get_ref()).ok_or_else(|| {
            at.error(Some(p.span()), "a port is a number 0-65535 or a range such as \"8000-8100\"".into())
        })?),
    };
    let protocol = match &protocol {
        Some(p) => Protocol::parse(p.get_ref()).ok_or_else(|| {
            at.error(Some(p.span()), format!("`{}` is not tcp, udp, icmp, all or a protocol number", p.get_ref()))
        })?,
        None if ports.is_some() => Protocol::TCP,
        None => Protocol::All,
    };
    if ports.is_some() && !protocol.has_ports() {
        return Err(at.error(Some(flow_span), format!("{protocol} has no ports: drop `port`")));
    }
    if expect == Expect::Allow && (protocol == Protocol::All || (protocol.has_ports() && ports.is_none())) {
        let why = "an allowed flow names its port (or protocol = \"icmp\"): every port of every protocol is never what is meant";
        return Err(at.error(Some(flow_span), why.into()));
    }
    let verb = if expect == Expect::Deny { "deny" } else { "allow" };
    let name = name.unwrap_or_else(|| format!("{verb} {} -> {}", from.get_ref(), to.get_ref()));
    let written = (from.into_inner(), to.into_inner());
    Ok(Intent { name, expect, from: from_sel, to: to_sel, written, protocol, ports, span })
}

fn port_range(p: &PortEntry) -> Option<PortRange> {
    match p {
        PortEntry::One(n) => Some(PortRange::new(*n, *n)),
        PortEntry::Range(s) => {
            let (a, b) = s.split_once('-').unwrap_or((s, s));
            let (a, b) = (a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?);
            (a <= b).then(|| PortRange::new(a, b))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::reach::intent::Expect;
    use crate::config::{Config, Overrides};
    use crate::model::net::{PortRange, Protocol};

    fn parse(text: &str) -> Result<Config, (String, String)> {
        Config::from_toml(text, &Overrides::default())
            .map_err(|e| (e.message.clone(), e.span.map(|s| text[s].to_string()).unwrap_or_default()))
    }

    #[test]
    fn intents_read_with_their_defaults() {
        let c = parse(
            "[[intent]]\ndeny = { from = \"internet\", to = \"tag:tier=db\" }\n\n[[intent]]\nname = \"app to db\"\nallow = { from = \"subnet:app-*\", to = \"sg:db\", port = 5432 }\n[[intent]]\ndeny = { from = \"10.0.0.0/16\", to = \"web\", port = \"8000-8100\", protocol = \"udp\" }\n",
        )
        .expect("valid");
        let got: Vec<_> = c.intents.iter().map(|i| (i.name.as_str(), i.expect, i.protocol, i.ports)).collect();
        assert_eq!(
            got,
            vec![
                ("deny internet -> tag:tier=db", Expect::Deny, Protocol::All, None),
                ("app to db", Expect::Allow, Protocol::TCP, Some(PortRange::new(5432, 5432))),
                ("deny 10.0.0.0/16 -> web", Expect::Deny, Protocol::UDP, Some(PortRange::new(8000, 8100))),
            ]
        );
    }

    #[test]
    fn mistakes_in_intents_are_located() {
        let (m, at) = parse("[[intent]]\ndeny = { from = \"internet\", to = \"sgg:db\" }\n").unwrap_err();
        assert!(m.contains("`sgg:` is not a selector"), "{m}");
        assert_eq!(at, "\"sgg:db\"");
        let (m, at) = parse("[[intent]]\ndeny = { from = \"subnet:[\", to = \"x\" }\n").unwrap_err();
        assert!(m.contains("not a valid pattern"), "{m}");
        assert_eq!(at, "\"subnet:[\"");
        let (m, at) = parse("[[intent]]\nallow = { from = \"a\", to = \"b\", port = \"90-80\" }\n").unwrap_err();
        assert!(m.contains("a port is a number"), "{m}");
        assert_eq!(at, "\"90-80\"");
        let (m, _) = parse("[[intent]]\nallow = { from = \"a\", to = \"b\" }\n").unwrap_err();
        assert!(m.contains("names its port"), "{m}");
        let (m, _) = parse("[[intent]]\nname = \"x\"\n").unwrap_err();
        assert!(m.contains("exactly one of `deny` or `allow`"), "{m}");
        let (m, _) = parse("[[intent]]\ndeny = { from = \"a\", to = \"b\", prot = \"tcp\" }\n").unwrap_err();
        assert!(m.contains("unknown field `prot`"), "{m}");
        let (m, _) =
            parse("[[intent]]\ndeny = { from = \"a\", to = \"b\", port = 22, protocol = \"icmp\" }\n").unwrap_err();
        assert!(m.contains("has no ports"), "{m}");
    }
}
