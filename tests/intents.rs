//! Network intents (`[[intent]]` in vpclint.toml) judged by `check` on every form of the
//! cross-format designs (fixtures/equivalence): the same violations, and the same undecided
//! pairs, from the AWS CLI dump, the Terraform plan and sources and the CloudFormation template;
//! and reported in every output format through the binary.

mod common;

use common::*;
use std::path::Path;
use vpclint::config::{Config, Overrides};

const FORMS: [&str; 4] = ["aws", "tf/plan.json", "tf/main.tf", "cfn/template.yaml"];

/// `RULE role: message` of each intent finding, role the `Name` of the resource it is on.
fn judged(path: &Path, intents: &str) -> Vec<String> {
    let loaded = load(&[path]);
    assert!(loaded.errors.is_empty(), "{}: {:?}", path.display(), loaded.errors);
    let select = Some(vec!["REACH".to_string()]);
    let config = Config::from_toml(intents, &Overrides { select, ..Overrides::default() }).expect("intents");
    let role = |id: &str| {
        loaded.design.metas().find(|m| m.id == id).and_then(|m| m.name.clone()).unwrap_or_else(|| id.to_string())
    };
    let mut out: Vec<String> = vpclint::check(&loaded, &config)
        .iter()
        .map(|f| {
            // Ids differ per form (`i-…`, `aws_instance.x`, a logical id): the message names roles.
            let mut message = f.message.clone();
            for m in loaded.design.metas().filter(|m| m.name.is_some()) {
                message = message.replace(&m.label(), m.name.as_deref().unwrap_or_default());
            }
            format!("{} {}: {message}", f.rule.id, role(&f.resource))
        })
        .collect();
    out.sort();
    out
}

/// Each design, its intents, and what each form must report — derived by hand from DESIGNS.md.
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "bastion-ssh",
        "[[intent]]\ndeny = { from = \"internet\", to = \"bastion\" }\n\
         [[intent]]\nname = \"web only over ssh\"\ndeny = { from = \"internet\", to = \"sg:bastion-sg\", port = 80 }\n",
        // bastion-sg admits TCP 22 from anywhere, and nothing else: 22 is the only port through.
        &["REACH001 bastion: intent `deny internet -> bastion` is violated: the internet reaches bastion on TCP 22"],
    ),
    (
        "nat",
        "[[intent]]\ndeny = { from = \"internet\", to = \"subnet:private-*\" }\n\
         [[intent]]\nallow = { from = \"private-a\", to = \"internet\", port = 443 }\n",
        // Replies to the internet from the private subnets leave by their NAT route, not an internet
        // gateway: nothing gets in. private-a reaches the internet through nat-a.
        &[],
    ),
    (
        "peering",
        "[[intent]]\nallow = { from = \"hub-sub\", to = \"partner-sub\", port = 443 }\n",
        // partner-rt has no route back to hub.
        &[
            "REACH001 partner-sub: intent `allow hub-sub -> partner-sub` does not hold: hub-sub cannot reach partner-sub on TCP 443",
        ],
    ),
    (
        "nacl",
        "[[intent]]\ndeny = { from = \"internet\", to = \"web\" }\n\
         [[intent]]\ndeny = { from = \"internet\", to = \"app\" }\n",
        // web-nacl lets 443 in but not its replies out, and denies everything else. app has the
        // default NACL and a route to the internet gateway, but no instance: it would be reachable
        // only if a host there had a public address, which is not decided, so it is not a violation.
        &[
            "REACH002 app: intent `deny internet -> app` is not decided for the internet to app: it is reachable only on assumptions: app is taken to have a public address (a subnet has none of its own); no security group is evaluated for a subnet or a bare address (only interfaces have them)",
        ],
    ),
];

#[test]
fn intents_are_judged_alike_on_every_form() {
    std::env::set_current_dir(root()).unwrap();
    let mut wrong = Vec::new();
    for (design, intents, expected) in CASES {
        for form in FORMS {
            let path = Path::new("fixtures/equivalence").join(design).join(form);
            let got = judged(&path, intents);
            if got != *expected {
                wrong.push(format!("{design} ({form}):\n  got      {got:?}\n  expected {expected:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_violated_intent_fails_check_in_every_format() {
    let case = "fixtures/REACH001/fail/tf-database-open-to-internet";
    let config = format!("{case}/vpclint.toml");
    for format in ["human", "json", "sarif", "github", "junit", "concise"] {
        let o = vpclint_command()
            .args(["check", case, "--config", &config, "--select", "REACH", "--format", format])
            .output()
            .expect("run vpclint");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{format}: {out}{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.contains("REACH001") && out.contains("db-not-public"), "{format}: {out}");
    }
    let o = vpclint_command()
        .args(["check", case, "--config", &config, "--select", "REACH", "--format", "json"])
        .output()
        .expect("run vpclint");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["rule"], "REACH001");
    assert_eq!(findings[0]["resource"], "aws_instance.db");
    // Without the intent, nothing is reported on that design by the REACH rules.
    let o = vpclint_command().args(["check", case, "--select", "REACH", "--format", "concise"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
}
