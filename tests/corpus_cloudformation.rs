//! Conformance over every CloudFormation template of the shared corpus (`../shared/corpus`):
//! each parses and loads without error, every resource is accounted for, and the findings on
//! named templates are exactly the expected ones. Skipped, with a printed reason, only when that
//! folder is absent.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use vpclint::ingest::Loaded;

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping CloudFormation corpus conformance: {} is absent", dir.display());
        None
    }
}

/// The templates PROVENANCE.md lists, found under their source folder (`<source>/<original path>`).
fn templates(corpus: &Path) -> Vec<PathBuf> {
    let (found, listed) = listed_in_provenance(corpus, "cloudformation");
    // PROVENANCE.md also describes a few templates the corpus does not ship (widdix lists ten,
    // stages two): say so rather than fail on files that are not there.
    if found.len() < listed {
        eprintln!("{} listed templates are not in the corpus", listed - found.len());
    }
    found
}

/// How many entries the template's `Resources` section has (parsed independently of vpclint's
/// loader: JSON with serde_json, YAML by counting the section's two-space-indented keys).
fn resources_in(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        return v["Resources"].as_object().map_or(0, |m| m.len());
    }
    let mut in_resources = false;
    let mut indent: Option<usize> = None;
    let mut n = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = line.len() - trimmed.len();
        if depth == 0 {
            in_resources = trimmed.starts_with("Resources:");
            continue;
        }
        if in_resources {
            let d = *indent.get_or_insert(depth);
            if depth == d && trimmed.contains(':') && !trimmed.starts_with('-') {
                n += 1;
            }
        }
    }
    n
}

/// Resources vpclint turned into model resources, merged into others, counted as not modelled,
/// skipped by a false condition, rejected or de-duplicated: together, every resource.
fn accounted(loaded: &Loaded) -> usize {
    let d = &loaded.design;
    let s = &d.stats;
    let classic_listeners = d
        .listeners
        .iter()
        .filter(|l| {
            l.load_balancer.as_ref().and_then(|r| r.idx).is_some_and(|i| d[i].kind == vpclint::model::LbKind::Classic)
        })
        .count();
    d.resource_count() - s.synthesized - classic_listeners
        + s.merged.values().sum::<usize>()
        + s.unmodelled_keys.values().sum::<usize>()
        + s.condition_false.values().sum::<usize>()
        + s.rejected.values().sum::<usize>()
        + s.duplicates.values().sum::<usize>()
}

/// Corpus templates that are invalid on purpose, with the error each must get.
const INVALID: &[(&str, &str)] = &[(
    "cfn-lint/test/fixtures/templates/bad/generic.yaml",
    "`pIops` is not a parameter, resource or pseudo parameter",
)];

#[test]
fn every_corpus_template_loads_without_error_and_is_accounted_for() {
    let Some(corpus) = corpus() else { return };
    let files = templates(&corpus);
    assert!(files.len() >= 200, "expected the listed templates, found {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let loaded = load(&[path.as_path()]);
        // Templates the corpus holds because they are invalid, and the error CloudFormation (and
        // vpclint) gives them.
        if let Some((_, expected)) = INVALID.iter().find(|(p, _)| path.ends_with(p)) {
            let messages: Vec<&String> = loaded.errors.iter().map(|e| &e.message).collect();
            assert!(messages.iter().any(|m| m.contains(expected)), "{}: {messages:?}", path.display());
            continue;
        }
        if !loaded.errors.is_empty() {
            failures.push(format!(
                "{}: {:?}",
                path.display(),
                loaded.errors.iter().map(|e| &e.message).collect::<Vec<_>>()
            ));
            continue;
        }
        assert_eq!(loaded.recognised, 1, "{}: not recognised as a template", path.display());
        let expected = resources_in(path);
        let got = accounted(&loaded);
        if expected != got {
            failures.push(format!("{}: {expected} resources, {got} accounted for", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Findings on one corpus template, as `(rule, severity, resource)`, with `--parameter`s.
fn findings_on(corpus: &Path, rel: &str, parameters: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let options = vpclint::ingest::LoadOptions {
        parameters: parameters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    let inputs = [vpclint::ingest::Input::Path(corpus.join(rel))];
    let loaded = vpclint::ingest::load_with(&inputs, &mut std::io::empty(), &options);
    assert!(loaded.errors.is_empty(), "{rel}: {:?}", loaded.errors);
    let findings = vpclint::check(&loaded, &vpclint::config::Config::default());
    summary(&findings)
}

fn row(rule: &str, severity: &str, resource: &str) -> (String, String, String) {
    (rule.into(), severity.into(), resource.into())
}

#[test]
fn production_vpc_templates_are_clean_whatever_their_options() {
    let Some(corpus) = corpus() else { return };
    let quickstart = "quickstart-aws-vpc/templates/aws-vpc.template.yaml";
    assert_eq!(findings_on(&corpus, quickstart, &[]), vec![]);
    // Four zones, additional private subnets, NAT gateways: conditions decided by parameters.
    let all = [
        ("NumberOfAZs", "4"),
        ("CreateAdditionalPrivateSubnets", "true"),
        ("CreateNATGateways", "true"),
        ("CreatePrivateSubnets", "true"),
    ];
    assert_eq!(findings_on(&corpus, quickstart, &all), vec![]);
    for rel in [
        "network-orchestration-for-aws-transit-gateway/deployment/network-orchestration-hub.template",
        "aws-cloudformation-templates/VPC/VPC_With_Managed_NAT_And_Private_Subnet.yaml",
        "aws-cloudformation-templates/VPC/VPC_With_Managed_NAT_And_Private_Subnet.json",
        "aws-cloudformation-templates/VPC/FindInMapAZs.yaml",
        "widdix-aws-cf-templates/fargate/service-dedicated-alb.yaml",
    ] {
        assert_eq!(findings_on(&corpus, rel, &[]), vec![], "{rel}");
    }
}

#[test]
fn quickstart_vpc_conditions_decide_what_is_created() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("quickstart-aws-vpc/templates/aws-vpc.template.yaml");
    let count = |params: &[(&str, &str)]| {
        let options = vpclint::ingest::LoadOptions {
            parameters: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        };
        let loaded =
            vpclint::ingest::load_with(&[vpclint::ingest::Input::Path(path.clone())], &mut std::io::empty(), &options);
        (loaded.design.subnets.len(), loaded.design.nat_gateways.len())
    };
    // Defaults: two zones, public and private subnets, a NAT gateway per zone.
    assert_eq!(count(&[]), (4, 2));
    assert_eq!(count(&[("NumberOfAZs", "4"), ("CreateAdditionalPrivateSubnets", "true")]), (12, 4));
    assert_eq!(count(&[("CreatePrivateSubnets", "false"), ("CreateNATGateways", "false")]), (2, 0));
}

#[test]
fn widdix_cluster_opens_ssh_to_the_world_unless_a_bastion_stack_is_given() {
    let Some(corpus) = corpus() else { return };
    let rel = "widdix-aws-cf-templates/ecs/cluster.yaml";
    // `SecurityGroupInSSHWorld` exists when `ParentSSHBastionStack` is empty (its default); what
    // uses the group (a launch template) is not modelled, so the exposure is unknown.
    assert_eq!(findings_on(&corpus, rel, &[]), vec![row("SG001", "warning", "SecurityGroup")]);
    assert_eq!(findings_on(&corpus, rel, &[("ParentSSHBastionStack", "vpc-ssh-bastion")]), vec![]);
}

#[test]
fn true_positives_in_corpus_templates() {
    let Some(corpus) = corpus() else { return };
    // The ELB listens on 80; its group admits only 443.
    assert_eq!(
        findings_on(&corpus, "cfn-lint/test/fixtures/templates/quickstart/nist_application.yaml", &[]),
        vec![row("LB003", "error", "rELBWeb:80")]
    );
    // With their default parameters, DMZ and private subnets get the same blocks.
    assert_eq!(
        findings_on(&corpus, "cfn-lint/test/fixtures/templates/quickstart/nist_vpc_management.yaml", &[]),
        vec![
            row("SUB002", "error", "rManagementPrivateSubnetA"),
            row("SUB002", "error", "rManagementPrivateSubnetB"),
            row("SG001", "info", "rSecurityGroupBastion"),
            row("SG001", "info", "rSecurityGroupPeered"),
        ]
    );
    // `!Select [0, !Ref DbSubnetIpBlocks]` is 10.0.48.0/24, in a 172.16.0.0/16 VPC.
    assert_eq!(
        findings_on(
            &corpus,
            "checkov/tests/cloudformation/graph/graph_builder/resources/variable_rendering/render_select/yaml/test.yaml",
            &[]
        ),
        vec![row("SUB001", "error", "Subnet0")]
    );
    // Two Elastic IPs nothing uses (the load balancer maps two others).
    assert_eq!(
        findings_on(&corpus, "aws-cloudformation-templates/ElasticLoadBalancing/NetworkLoadBalancerWithEIPs.yaml", &[]),
        vec![row("EIP001", "info", "FirstEIP"), row("EIP001", "info", "SecondEIP")]
    );
    // The ALB's group admits everything, but an ALB forwards only its listener ports.
    assert_eq!(
        findings_on(&corpus, "aws-cloudformation-templates/ECS/FargateLaunchType/clusters/public-vpc.yaml", &[]),
        vec![row("SG001", "info", "PublicLoadBalancerSG")]
    );
}
