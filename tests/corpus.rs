//! Conformance over the shared corpus of real third-party AWS CLI dumps (`../shared/corpus`).
//! Skipped, with a printed reason, only when that folder is absent.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping corpus conformance: {} is absent", dir.display());
        None
    }
}

/// The AWS describe-* dump directories listed in PROVENANCE.md.
fn dump_dirs(corpus: &Path) -> Vec<PathBuf> {
    let provenance = std::fs::read_to_string(corpus.join("PROVENANCE.md")).expect("PROVENANCE.md");
    let section = provenance.split("## AWS describe-* dumps").nth(1).expect("dump section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(|rel| corpus.join(rel))
        .collect()
}

#[test]
fn every_corpus_dump_loads_without_error_and_is_accounted_for() {
    let Some(corpus) = corpus() else { return };
    let dirs = dump_dirs(&corpus);
    assert!(dirs.len() >= 40, "expected the corpus dump list, found {}", dirs.len());
    for dir in dirs {
        assert!(dir.is_dir(), "{} missing", dir.display());
        let (loaded, _) = check_dir(&dir);
        assert!(loaded.errors.is_empty(), "{}: {:?}", dir.display(), loaded.errors);
        let d = &loaded.design;
        assert!(d.resource_count() > 0, "{}: nothing loaded", dir.display());
        assert!(d.stats.rejected.is_empty(), "{}: rejected {:?}", dir.display(), d.stats.rejected);
        // Every file was either read or skipped with a reason.
        let json_files = walk_json(&dir);
        assert_eq!(json_files, d.stats.files_loaded, "{}", dir.display());
    }
}

fn walk_json(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            n += walk_json(&p);
        } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| x.eq_ignore_ascii_case("json")) {
            n += 1;
        }
    }
    n
}

fn batfish(name: &str) -> String {
    format!("batfish/projects/batfish/src/test/resources/org/batfish/representation/aws/{name}/aws_configs")
}

#[test]
fn batfish_test_snapshot_nacl_blocks_replies_to_outbound_connections() {
    let Some(corpus) = corpus() else { return };
    let (_, findings) = check_dir(&corpus.join(batfish("test")));
    // acl-4db39c28 (default NACL of subnets subnet-073b8061 and subnet-1f315846): outbound allows
    // everything, inbound allows only TCP 3306 from 162.243.144.192/32 before the default deny, so
    // replies to every outbound connection are dropped except that one port from that one host.
    // The other NACL (acl-008d1f79) allows all traffic both ways.
    // sg-08893f1a4413ccfc1 admits all traffic from 0.0.0.0/0 and is used by an instance, but the
    // snapshot has no route tables: whether the internet reaches it is unknown (warning).
    // subnet-1f315846 is 172.31.0.0/20 in vpc-b390fad5, whose only block is 192.168.0.0/16.
    let mut got = summary(&findings);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("NACL001".into(), "warning".into(), "acl-4db39c28".into()),
            ("SG001".into(), "warning".into(), "sg-08893f1a4413ccfc1".into()),
            ("SUB001".into(), "error".into(), "subnet-1f315846".into()),
        ]
    );
    let findings: Vec<_> = findings.into_iter().filter(|f| f.rule.id == "NACL001").collect();
    assert!(findings[0].message.contains(
        "ports 1024-65535 from 0.0.0.0/0 by the default deny (rule 32767), except port 3306 from 162.243.144.192/32 (rule 100)"
    ));
}

#[test]
fn batfish_multi_account_peering_resolves_both_sides_and_is_clean() {
    let Some(corpus) = corpus() else { return };
    let (loaded, findings) = check_dir(&corpus.join(batfish("test-vpc-peering-multi-account")));
    // pcx-0040f7640e10191f4 joins vpc-0f44fae3468d2b998 (10.1.0.0/16, account 028403472736) and
    // vpc-05951c91977125d2e (10.2.0.0/16, account 951601349076); each side routes exactly the other's
    // CIDR through it. Both accounts list the connection: it is loaded once. Two other connections
    // are deleted. The snapshot lays the accounts out as accounts/123456789012 and
    // accounts/123456789013 (the recorded OwnerIds differ): the layout names the account.
    // Both accounts' bat-general groups admit SSH from 0.0.0.0/0 on instances; the snapshot has no
    // network ACLs, so whether the internet reaches them is unknown: SG001 warnings, nothing else.
    let rules: Vec<(&str, &str)> = findings.iter().map(|f| (f.rule.id, f.severity.as_str())).collect();
    assert!(rules.iter().all(|r| *r == ("SG001", "warning")), "{}", render(&loaded, findings));
    assert!(!rules.is_empty());
    let d = &loaded.design;
    assert_eq!(d.vpcs.len(), 2);
    let pcx = d.peering_connections.iter().find(|p| p.meta.id == "pcx-0040f7640e10191f4").expect("active peering");
    assert!(pcx.requester.vpc.idx.is_some() && pcx.accepter.vpc.idx.is_some());
    assert_eq!(d.peering_connections.iter().filter(|p| p.meta.id == "pcx-0040f7640e10191f4").count(), 1);
    let accounts: Vec<_> = d.vpcs.iter().map(|v| v.meta.account.clone().unwrap_or_default()).collect();
    assert!(accounts.contains(&"123456789012".to_string()) && accounts.contains(&"123456789013".to_string()));
}

#[test]
fn cloudmapper_demo_internet_facing_lbs_without_route_tables_are_unknown_not_private() {
    let Some(corpus) = corpus() else { return };
    let (loaded, findings) = check_dir(&corpus.join("cloudmapper/account-data/demo"));
    // The demo account has an internet-facing ALB and a classic ELB, but the dump has no route
    // tables: whether their subnets are public is unknown, so LB001 must stay quiet. No NAT
    // gateways, an empty peering list, no NACLs. The classic ELB `weblb` listens on 8000 but its only
    // group, sg-00000003, admits 443 alone: LB003. The ALB `webalb` has a single subnet (us-east-1b):
    // LB002, as an application load balancer needs two zones.
    let mut got = summary(&findings);
    got.sort();
    let sg001: Vec<_> = got.iter().filter(|f| f.0 == "SG001").cloned().collect();
    got.retain(|f| f.0 != "SG001");
    assert_eq!(
        got,
        vec![
            (
                "LB002".into(),
                "error".into(),
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/qwerty".into()
            ),
            ("LB003".into(), "error".into(), "weblb:8000".into()),
        ],
        "{}",
        render(&loaded, findings)
    );
    assert!(sg001.iter().all(|f| f.1 != "error"), "no route tables: SG001 cannot be sure of exposure");
    let d = &loaded.design;
    assert_eq!(d.load_balancers.len(), 2);
    assert!(d.load_balancers.iter().all(|lb| lb.scheme == vpclint::model::Scheme::InternetFacing));
    assert!(!d.has(vpclint::model::ResourceKind::RouteTable));
    // Non-JSON attribute files are skipped with a note.
    assert!(d.stats.files_skipped.iter().any(|(_, why)| why == "not a .json, .yaml, .yml, .template or .tf file"));
}

#[test]
fn batfish_multi_account_same_cidr_loads_two_vpcs() {
    let Some(corpus) = corpus() else { return };
    let (loaded, findings) = check_dir(&corpus.join(batfish("test-multi-account")));
    // Two accounts (111 in us-west-1, 222 in us-west-2), one VPC each with 10.1.0.0/16, not peered.
    assert!(findings.is_empty());
    let mut scopes: Vec<_> =
        loaded.design.vpcs.iter().map(|v| (v.meta.account.clone(), v.meta.region.clone())).collect();
    scopes.sort();
    assert_eq!(
        scopes,
        vec![(Some("111".into()), Some("us-west-1".into())), (Some("222".into()), Some("us-west-2".into()))]
    );
}

/// The Terraform plans listed in PROVENANCE.md, found under their source folder.
fn plan_files(corpus: &Path) -> Vec<PathBuf> {
    let (found, listed) = listed_in_provenance(corpus, "terraform-plan");
    assert_eq!(found.len(), listed, "every listed plan is in the corpus");
    found
}

#[test]
fn every_corpus_terraform_plan_loads_and_is_accounted_for() {
    let Some(corpus) = corpus() else { return };
    let plans = plan_files(&corpus);
    assert!(plans.len() >= 35, "found {}", plans.len());
    for plan in plans {
        let (loaded, _) = check_dir(&plan);
        assert!(loaded.errors.is_empty(), "{}: {:?}", plan.display(), loaded.errors);
        assert_eq!(loaded.recognised, 1, "{} not recognised as Terraform", plan.display());
        assert!(loaded.design.stats.rejected.is_empty(), "{}", plan.display());
        // Every managed resource is modelled, merged into another, destroyed, a duplicate, rejected
        // or counted as not modelled: nothing is dropped.
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
        let managed = match doc["resource_changes"].as_array() {
            Some(changes) => changes.iter().filter(|c| c["mode"] != "data").count(),
            None => {
                let mut n = 0;
                fn count(m: &serde_json::Value, n: &mut usize) {
                    *n += m["resources"].as_array().map_or(0, |r| r.iter().filter(|r| r["mode"] != "data").count());
                    m["child_modules"].as_array().into_iter().flatten().for_each(|c| count(c, n));
                }
                count(&doc["planned_values"]["root_module"], &mut n);
                n
            }
        };
        let d = &loaded.design;
        let s = &d.stats;
        let accounted = d.resource_count() - s.synthesized
            + s.merged.values().sum::<usize>()
            + s.unmodelled_keys.values().sum::<usize>()
            + s.destroyed
            + s.duplicates.values().sum::<usize>()
            + s.rejected.values().sum::<usize>();
        assert_eq!(accounted, managed, "{}: {:?}", plan.display(), s);
    }
}

#[test]
fn terragoat_plan_elb_in_public_subnets_only_lacks_a_second_zone() {
    let Some(corpus) = corpus() else { return };
    // checkov's runner plan (TerraGoat, Terraform 0.12.23): internet-facing aws_elb.weblb in
    // web_subnet, which (like web_subnet2) is associated with web_rtb, whose aws_route sends 0.0.0.0/0
    // to web_igw, attached to web_vpc. All of these ids are known only after apply; the links come
    // from `configuration`.
    let (loaded, findings) = check_dir(&corpus.join("checkov/tests/terraform/runner/resources/plan/tfplan.json"));
    // LB001 stays quiet; the ELB's single subnet puts it in one zone (us-west-2a): LB002 warning.
    let lb: Vec<_> = summary(&findings).into_iter().filter(|f| f.0.starts_with("LB")).collect();
    assert_eq!(lb, vec![("LB002".into(), "warning".into(), "aws_elb.weblb".into())], "{}", render(&loaded, findings));
    let d = &loaded.design;
    let lb = d.load_balancers.iter().find(|l| l.meta.id == "aws_elb.weblb").expect("weblb");
    assert_eq!(lb.scheme, vpclint::model::Scheme::InternetFacing);
    let subnets: Vec<&str> = lb.subnets.iter().map(|(s, _)| s.id.as_str()).collect();
    assert_eq!(subnets, vec!["aws_subnet.web_subnet"]);
    let rtb = d.route_tables.iter().find(|t| t.meta.id == "aws_route_table.web_rtb").expect("web_rtb");
    let default = rtb.routes.iter().find(|r| r.destination.to_string() == "0.0.0.0/0").expect("default route");
    assert_eq!(default.target.id, "aws_internet_gateway.web_igw");
    assert_eq!(rtb.subnets.len(), 2);
}

#[test]
fn terraform_compliance_dynamic_nacl_rules_are_unknown() {
    let Some(corpus) = corpus() else { return };
    // test_issue-514 (Terraform 1.0.0): module.vpc_module.aws_network_acl.vpc_subnet_acl builds its
    // ingress/egress from `dynamic` blocks over variables, so the plan knows neither; NACL001 must
    // not judge an ACL whose rules are unknown.
    let (loaded, findings) =
        check_dir(&corpus.join("terraform-compliance/tests/functional/test_issue-514/plan.out.json"));
    assert!(findings.is_empty());
    let acl = &loaded.design.network_acls[0];
    assert_eq!(acl.meta.id, "module.vpc_module.aws_network_acl.vpc_subnet_acl");
    assert!(acl.has_unknown_entries);
    assert_eq!(acl.subnets.len(), 2, "subnet_ids resolve through the module's references");
}

#[test]
fn terraform_compliance_nat_allocation_referencing_a_vpc_is_unknown() {
    let Some(corpus) = corpus() else { return };
    // test_pull_330 (Terraform 0.12.28): aws_nat_gateway.gw sets `allocation_id = aws_vpc.pass.id`,
    // known only after apply and not an Elastic IP: the allocation is unknown, so NAT001 stays
    // silent rather than treating it as missing. The gateway's subnet has no route table
    // association, so it uses the new VPC's implicit main table (local route only): NAT002, a true
    // positive — aws_internet_gateway.gw is attached, but nothing routes to it.
    let (loaded, findings) =
        check_dir(&corpus.join("terraform-compliance/tests/functional/test_pull_330/plan.out.json"));
    assert_eq!(summary(&findings), vec![("NAT002".into(), "error".into(), "aws_nat_gateway.gw".into())]);
    let nat = &loaded.design.nat_gateways[0];
    assert!(nat.allocations.is_empty() && nat.allocation_unknown);
    assert_eq!(nat.subnet.as_ref().map(|s| s.id.as_str()), Some("aws_subnet.test"));
}

/// Findings asserted per corpus snapshot: the true positives of the rule catalogue (each verified
/// by reading the snapshot's JSON).
#[test]
fn rule_catalogue_true_positives_in_the_corpus() {
    let Some(corpus) = corpus() else { return };
    let bf = "batfish/projects/batfish/src/test/resources/org/batfish";
    type Expected<'a> = &'a [(&'a str, &'a str, &'a str)];
    let cases: &[(&str, Expected<'_>)] = &[
        // Two routes of rtb-296bf350 (0.0.0.0/0 and 200.101.1.0/24) are "blackhole": their internet
        // gateway igw-aad7d6cd is gone. The default group admits everything from anywhere but the only
        // interface using it has no public IP (info).
        (
            "grammar/aws/testrigs/ipsec-vpn-host-aws-cisco/aws_configs",
            &[("RT001", "error", "rtb-296bf350"), ("RT001", "error", "rtb-296bf350"), ("SG001", "info", "sg-adcd87d0")],
        ),
        // Four ENI routes of rtb-e888328d are "blackhole" (their interfaces were deleted).
        (
            "cloud-custodian/tests/data/placebo/test_rt_route_filter",
            &[
                ("RT001", "error", "rtb-e888328d"),
                ("RT001", "error", "rtb-e888328d"),
                ("RT001", "error", "rtb-e888328d"),
                ("RT001", "error", "rtb-e888328d"),
            ],
        ),
        // eipalloc-0c2e1da5c1bb166f5 (35.85.26.59) has no association; the other two are associated.
        ("cloud-custodian/tests/data/placebo/test_eip_used_by", &[("EIP001", "info", "eipalloc-0c2e1da5c1bb166f5")]),
        // The classic ELB listens on 80; its group sg-411b413c admits nothing on 80.
        (
            "cloud-custodian/tests/data/placebo/test_elb_remove_security_groups",
            &[("LB003", "error", "test-load-balancer:80")],
        ),
        // SSH from 0.0.0.0/0 on an instance with a public IP, in a subnet whose table routes
        // 0.0.0.0/0 to the attached IGW, behind the default allow-all NACL: exposed.
        ("representation/aws/test-public-subnet/aws_configs", &[("SG001", "error", "sg-09ccba6656672061b")]),
    ];
    for (dir, want) in cases {
        let path = if dir.starts_with("cloud-custodian") { corpus.join(dir) } else { corpus.join(bf).join(dir) };
        let (loaded, findings) = check_dir(&path);
        let mut got = summary(&findings);
        got.sort();
        let mut want: Vec<(String, String, String)> =
            want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
        want.sort();
        assert_eq!(got, want, "{dir}:\n{}", render(&loaded, findings));
    }
}
