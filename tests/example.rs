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
    let w = |rule: &str, res: &str| (rule.to_string(), "warning".to_string(), res.to_string());
    let n = |rule: &str, res: &str| (rule.to_string(), "info".to_string(), res.to_string());
    let alb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-web-alb/de1c655cde9100ff";
    let mut want = vec![
        // internet-facing ALB in the two app subnets, whose default routes go to NAT gateways
        e("LB001", alb),
        e("LB001", alb),
        // the classic ELB listens on TCP 22, which its security group (80/443 only) never admits
        e("LB003", "legacy-clb:22"),
        // public NACL: outbound all, inbound only 80/443/22 -> replies to outbound connections dropped
        e("NACL001", "acl-dda38dd13f0b7de13"),
        // partner NACL: inbound all from 10.0.128.0/17, outbound only 443 -> replies dropped
        e("NACL001", "acl-0dcbe9dbeeaefdf60"),
        // app NACL: deny 8080 (rule 200) behind allow 8080 (rule 100); 5432 out (rule 120) inside
        // the 1024-65535 allow (rule 110)
        w("NACL002", "acl-74517bc109dc2e302"),
        n("NACL002", "acl-74517bc109dc2e302"),
        // nat-prod-1b-noeip: created without an allocation (AWS would refuse; the emulator accepts)
        e("NAT001", "nat-0cedf2139922d7544"),
        // prod-app 10.0.0.0/16 peered with shared-svcs 10.0.128.0/17
        e("PEER001", "pcx-9232b3c462b78523b"),
        // a-app-1a routes partner's 172.16.0.0/16 via pcx A-B; c-private routes A's 10.0.0.0/16 via pcx B-C
        e("PEER002", "rtb-20dcc9db38ffe9bfb"),
        e("PEER002", "rtb-8eebcba35ad66dfdd"),
        // replies have no way back: B's public subnets (b-public) route A's and C's ranges to the IGW;
        // A's public and db subnets do not route B's private subnets back through the peering
        w("PEER003", "rtb-20dcc9db38ffe9bfb"),
        w("PEER003", "rtb-6ebee3e35262fcf0f"),
        w("PEER003", "rtb-5ba8636af90e9e80e"),
        w("PEER003", "rtb-5ba8636af90e9e80e"),
        w("PEER003", "rtb-8eebcba35ad66dfdd"),
        w("PEER003", "rtb-8eebcba35ad66dfdd"),
        // a-db's 192.168.0.0/16 route goes to a NAT gateway that was deleted
        e("RT001", "rtb-b1ce44dd521eceeed"),
        // bastion: SSH from 0.0.0.0/0 on an instance with an EIP in a public subnet whose NACL admits 22
        e("SG001", "sg-9954dd62b96006937"),
        // legacy-all-open: all traffic from anywhere, used by nothing
        n("SG001", "sg-6b819f1be25dacbc8"),
        // eip-unused: never associated
        n("EIP001", "eipalloc-45dfc2f9e08ba5495"),
    ];
    want.sort();
    assert_eq!(got, want);
    // The app NACL allows the ephemeral return ports, and the classic ELB sits in public subnets:
    // neither NACL001 nor LB001 fires on them.
    assert!(!findings.iter().any(|f| (f.rule.id == "NACL001" && f.resource == "acl-74517bc109dc2e302")
        || (f.rule.id == "LB001" && f.resource == "legacy-clb")));
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

#[test]
fn multi_account_ids_do_not_clash() {
    let (loaded, findings) = check_dir(&root().join("fixtures/examples/multi-account"));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let staging_alb = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/web/0a1b2c3d4e5f6001";
    let mut got = summary(&findings);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("LB001".into(), "error".into(), staging_alb.into()),
            ("LB001".into(), "error".into(), staging_alb.into()),
            ("PEER001".into(), "error".into(), "pcx-0a1b2c3d4e5f60001".into()),
        ]
    );
    let d = &loaded.design;
    // Every subnet and route table resolved to the VPC of its own account, though the ids are equal.
    for s in &d.subnets {
        let vpc = &d[s.vpc.as_ref().and_then(|r| r.idx).expect("resolved")];
        assert_eq!(vpc.meta.account, s.meta.account);
        assert_eq!(vpc.meta.region, s.meta.region);
    }
    for t in &d.route_tables {
        for r in &t.routes {
            if let Some(i) = r.target.idx.and_then(vpclint::model::TargetId::internet_gateway) {
                assert_eq!(d[i].meta.account, t.meta.account);
            }
        }
    }
    // The cross-region peering, listed by both accounts, is loaded once with both sides resolved.
    assert_eq!(d.peering_connections.len(), 1);
    let pcx = &d.peering_connections[0];
    let req = &d[pcx.requester.vpc.idx.expect("requester")];
    let acc = &d[pcx.accepter.vpc.idx.expect("accepter")];
    assert_eq!((req.meta.account.as_deref(), req.meta.region.as_deref()), (Some("111111111111"), Some("us-east-1")));
    assert_eq!((acc.meta.account.as_deref(), acc.meta.region.as_deref()), (Some("222222222222"), Some("eu-west-1")));
}
