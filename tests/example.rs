//! The recorded example (real AWS CLI output against a local AWS emulator, see README): the exact
//! set of findings. Each one was checked against the dump and the script that built it.

mod common;

use common::*;
use std::path::Path;

#[test]
fn moto_three_tier_example_findings() {
    std::env::set_current_dir(root()).unwrap();
    let (loaded, findings) = check_dir(Path::new("fixtures/examples/moto-3tier"));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let mut got = summary(&findings);
    got.sort();
    let e = |rule: &str, res: &str| (rule.to_string(), "error".to_string(), res.to_string());
    let mut want = vec![
        // internet-facing ALB in the two app subnets, whose default routes go to NAT gateways
        e(
            "LB001",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-web-alb/de1c655cde9100ff",
        ),
        e(
            "LB001",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-web-alb/de1c655cde9100ff",
        ),
        // public NACL: outbound all, inbound only 80/443/22 -> replies to outbound connections dropped
        e("NACL001", "acl-dda38dd13f0b7de13"),
        // partner NACL: inbound all from 10.0.128.0/17, outbound only 443 -> replies dropped
        e("NACL001", "acl-0dcbe9dbeeaefdf60"),
        // nat-prod-1b-noeip: created without an allocation (AWS would refuse; the emulator accepts)
        e("NAT001", "nat-0cedf2139922d7544"),
        // prod-app 10.0.0.0/16 peered with shared-svcs 10.0.128.0/17
        e("PEER001", "pcx-9232b3c462b78523b"),
        // a-app-1a routes partner's 172.16.0.0/16 via pcx A-B; c-private routes A's 10.0.0.0/16 via pcx B-C
        e("PEER002", "rtb-20dcc9db38ffe9bfb"),
        e("PEER002", "rtb-8eebcba35ad66dfdd"),
    ];
    want.sort();
    assert_eq!(got, want);
    // The app NACL (ephemeral ports allowed, plus a shadowed deny) and the classic ELB in the
    // public subnets are correct and stay quiet.
    assert!(!findings.iter().any(|f| f.resource == "acl-74517bc109dc2e302" || f.resource == "legacy-clb"));
}

#[test]
fn moto_example_loads_everything_it_models() {
    let (loaded, _) = check_dir(&root().join("fixtures/examples/moto-3tier"));
    let d = &loaded.design;
    assert_eq!((d.vpcs.len(), d.subnets.len(), d.route_tables.len()), (4, 18, 11));
    assert_eq!((d.nat_gateways.len(), d.peering_connections.len(), d.load_balancers.len()), (4, 2, 3));
    // extra/describe-network-acls-filter-default.json repeats the default NACLs: counted, not doubled
    assert_eq!(d.network_acls.len(), 7);
    assert_eq!(d.stats.duplicates.values().sum::<usize>(), 4);
    // every VPC reference of every subnet resolves
    assert!(d.subnets.iter().all(|s| s.vpc.as_ref().and_then(|r| r.idx).is_some()));
    assert!(d.stats.unmodelled_keys.contains_key("SecurityGroupRules"));
}
