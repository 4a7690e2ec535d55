//! REACH002: a network intent of vpclint.toml the input does not decide — a flow that depends on
//! values known only after apply, or a selector that selects nothing.

use super::reach001_intent_violated::Metas;
use super::{Rule, RuleMeta, Severity, Sink};
use crate::analysis::reach::intent::Judged;
use crate::topology::Topology;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "REACH002",
        name: "intent-undecided",
        severity: Severity::Info,
        summary: "The input does not decide whether an intent holds",
        doc: include_str!("../../rules/REACH002.md"),
    },
    check,
    options: super::no_options,
};

fn check(t: &Topology<'_>, sink: &mut Sink<'_>) {
    let intents = sink.intents();
    if intents.intents.is_empty() {
        return;
    }
    let metas = Metas::of(t);
    for (i, judged) in intents.of(t) {
        for judged in judged {
            let (at, message, label) = match judged {
                Judged::Undecided { from, to, reason } => (
                    metas.subject((from, to)).map(|m| (m, m.origin.clone())),
                    format!("intent `{}` is not decided for {} to {}: {reason}", i.name, from.label(), to.label()),
                    format!("{} to {} undecided ({})", from.label(), to.label(), i.name),
                ),
                // About the intent itself: placed at it in vpclint.toml.
                Judged::NotChecked { reason } => (
                    t.design.metas().next().zip(sink.in_config(&i.span)),
                    format!("intent `{}` is not checked: {reason}", i.name),
                    format!("intent `{}` not checked", i.name),
                ),
                Judged::Violated { .. } => continue,
            };
            let Some((subject, at)) = at else { continue };
            let mut f = sink.finding(Severity::Info, subject, at, label, message);
            let help = if matches!(judged, Judged::NotChecked { .. }) {
                f.resource = i.name.clone();
                (f.account, f.region, f.module) = (None, None, None);
                "fix the selector, give the inputs that hold what it selects, or narrow it"
            } else {
                "load the inputs that decide it (an account dump beside a plan)"
            };
            sink.emit(f.help(help));
        }
    }
}
