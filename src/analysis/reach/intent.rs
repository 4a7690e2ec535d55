//! Network intents: flows that must never happen (`deny`) or must always work (`allow`), between
//! sets of ends named by [`Selector`]s, judged by the reachability engine on every port they name.

use super::select::Selector;
use super::sweep::{self, PortAnswer};
use super::{Answer, End};
use crate::model::net::{Family, PortRange, Protocol};
use crate::topology::Topology;

/// Pairs of ends one intent is judged on at most; beyond, it is reported as not checked.
pub const MAX_PAIRS: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Deny,
    Allow,
}

#[derive(Clone, Debug)]
pub struct Intent {
    /// The `name` given, else the flow as written (`deny internet -> tag:tier=db`).
    pub name: String,
    pub expect: Expect,
    pub from: Selector,
    pub to: Selector,
    /// `from` and `to` as written.
    pub written: (String, String),
    pub protocol: Protocol,
    /// The destination ports named; `None` for all of them.
    pub ports: Option<PortRange>,
    /// Where vpclint.toml writes the intent.
    pub span: std::ops::Range<usize>,
}

/// What judging an intent found.
#[derive(Debug)]
pub enum Judged {
    /// A denied flow gets through on `ports`, or an allowed one does not; `answer` is for the
    /// first such port.
    Violated { from: End, to: End, ports: Vec<(Protocol, PortRange)>, answer: Box<Answer> },
    /// The input does not decide the flow between two ends, with the reason.
    Undecided { from: End, to: End, reason: String },
    /// The intent could not be judged at all.
    NotChecked { reason: String },
}

/// The intents of a run, each judged at most once however many rules read the judgements.
pub struct Judgements<'a> {
    pub intents: &'a [Intent],
    judged: std::cell::OnceCell<Vec<Vec<Judged>>>,
}

impl<'a> Judgements<'a> {
    pub fn new(intents: &'a [Intent]) -> Judgements<'a> {
        Judgements { intents, judged: std::cell::OnceCell::new() }
    }

    /// Each intent with what judging it found, judged on first use.
    pub fn of(&self, t: &Topology<'_>) -> impl Iterator<Item = (&'a Intent, &[Judged])> {
        let judged = self.judged.get_or_init(|| self.intents.iter().map(|i| judge(t, i)).collect());
        self.intents.iter().zip(judged.iter().map(Vec::as_slice))
    }
}

/// Judge one intent on the design: every violation and every undecided pair, in a stable order.
pub fn judge(t: &Topology<'_>, intent: &Intent) -> Vec<Judged> {
    let sources = intent.from.ends(t, Family::V4);
    if sources.is_empty() {
        return vec![Judged::NotChecked {
            reason: format!("`from = \"{}\"` selects nothing in the input", intent.written.0),
        }];
    }
    // The ends `to` selects depend on the source's family only (for the internet): found once each.
    let mut destinations: Vec<(Family, Vec<End>)> = Vec::new();
    let mut pairs = Vec::new();
    let mut destinations_found = false;
    for from in &sources {
        let family = from.family();
        if !destinations.iter().any(|(f, _)| *f == family) {
            destinations.push((family, intent.to.ends(t, family)));
        }
        let Some((_, to_ends)) = destinations.iter().find(|(f, _)| *f == family) else { continue };
        destinations_found |= !to_ends.is_empty();
        for to in to_ends.iter().filter(|to| to.family() == family && !same_end(from, to)) {
            pairs.push((from.clone(), to.clone()));
        }
    }
    if !destinations_found {
        return vec![Judged::NotChecked {
            reason: format!("`to = \"{}\"` selects nothing in the input", intent.written.1),
        }];
    }
    if pairs.len() > MAX_PAIRS {
        let reason = format!("it selects {} pairs of ends; at most {MAX_PAIRS} are checked: narrow it", pairs.len());
        return vec![Judged::NotChecked { reason }];
    }
    pairs.into_iter().filter_map(|(from, to)| judge_pair(t, intent, from, to)).collect()
}

fn same_end(a: &End, b: &End) -> bool {
    match (a, b) {
        (End::Inside { resource: x, addrs: ax, .. }, End::Inside { resource: y, addrs: ay, .. }) => x == y && ax == ay,
        (End::Internet(_), End::Internet(_)) => true,
        _ => false,
    }
}

fn judge_pair(t: &Topology<'_>, intent: &Intent, from: End, to: End) -> Option<Judged> {
    let protocols = sweep::protocols_of(intent.protocol, from.family());
    let within = intent.ports.unwrap_or(PortRange::ALL);
    let answers = match sweep::sweep(t, &from, &to, &protocols, within) {
        Ok(a) => a,
        Err(reason) => return Some(Judged::Undecided { from, to, reason }),
    };
    let against = |a: &PortAnswer| match intent.expect {
        Expect::Deny => a.answer.reachable == Some(true),
        Expect::Allow => a.answer.reachable == Some(false),
    };
    let ports: Vec<(Protocol, PortRange)> =
        answers.iter().filter(|a| against(a)).map(|a| (a.protocol, a.ports)).collect();
    // A flow that gets through only on what the answer takes for granted (a subnet with no
    // interface in it taken to hold a public address) is not shown to get through.
    if intent.expect == Expect::Deny
        && let Some(a) = answers.iter().find(|a| against(a) && !a.answer.assumptions.is_empty())
        && !answers.iter().any(|a| against(a) && a.answer.assumptions.is_empty())
    {
        let reason = format!("it is reachable only on assumptions: {}", a.answer.assumptions.join("; "));
        return Some(Judged::Undecided { from, to, reason });
    }
    if let Some(first) = answers.iter().find(|a| against(a)) {
        let answer = Box::new(first.answer.clone());
        return Some(Judged::Violated { from, to, ports: merged(ports), answer });
    }
    let undecided = answers.iter().find(|a| a.answer.reachable.is_none())?;
    let reason = undecided.answer.unknown.first().cloned().unwrap_or_else(|| "the input does not decide it".into());
    Some(Judged::Undecided { from, to, reason })
}

/// Adjacent port classes of one protocol as one range.
fn merged(ports: Vec<(Protocol, PortRange)>) -> Vec<(Protocol, PortRange)> {
    let mut out: Vec<(Protocol, PortRange)> = Vec::new();
    for (p, r) in ports {
        match out.last_mut() {
            Some((lp, lr)) if *lp == p && u32::from(lr.to) + 1 == u32::from(r.from) => lr.to = r.to,
            _ => out.push((p, r)),
        }
    }
    out
}

/// `TCP 5432`, `UDP 1024-65535`, `ICMP`.
pub fn describe_ports(ports: &[(Protocol, PortRange)]) -> String {
    let one = |(p, r): &(Protocol, PortRange)| {
        if !p.has_ports() {
            p.to_string()
        } else if *r == PortRange::ALL {
            format!("{p} (every port)")
        } else {
            format!("{p} {r}")
        }
    };
    ports.iter().map(one).collect::<Vec<_>>().join(", ")
}
