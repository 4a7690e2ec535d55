//! Facts about security groups, load balancers and transit gateway tables that several rules
//! read: who uses each group, what each load balancer listens on, which VPCs a transit gateway
//! route table routes.

use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Something that uses a security group: its kind, id, subnet, and whether it has a public
/// address (`None`: the input does not tell).
#[derive(Clone, Debug)]
pub struct GroupUser<'d> {
    pub kind: &'static str,
    pub id: &'d str,
    pub subnet: Option<Id<Subnets>>,
    pub public_ip: Option<bool>,
}

/// A transit gateway route table: loaded, or known only by the id an attachment names (with the
/// template or plan that names it, whose names are its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableKey<'d> {
    Loaded(Id<TransitGatewayRouteTables>),
    Elsewhere(Option<crate::source::FileId>, &'d str),
}

pub(super) struct Facts<'d> {
    pub group_users: PerId<SecurityGroups, Vec<GroupUser<'d>>>,
    pub group_load_balancers: PerId<SecurityGroups, Vec<Id<LoadBalancers>>>,
    pub listener_ports: PerId<LoadBalancers, Vec<u16>>,
    pub instances_by_id: rustc_hash::FxHashMap<&'d str, Id<Instances>>,
    pub transit_tables: BTreeMap<TableKey<'d>, BTreeSet<Id<Vpcs>>>,
}

impl<'d> Facts<'d> {
    pub fn build(d: &'d Design) -> Facts<'d> {
        let groups = d.security_groups.len();
        let mut f = Facts {
            group_users: PerId::filled(groups, Vec::new()),
            group_load_balancers: PerId::filled(groups, Vec::new()),
            listener_ports: PerId::filled(d.load_balancers.len(), Vec::new()),
            instances_by_id: d.each::<Instances>().map(|(i, x)| (x.meta.id.as_str(), i)).collect(),
            transit_tables: transit_tables(d),
        };
        for (_, i) in d.each::<Instances>().filter(|(_, i)| !i.state.is_gone()) {
            let public_ip = if i.public_ip.is_some() { Some(true) } else { (!i.public_ip_unknown).then_some(false) };
            let user = GroupUser {
                kind: "instance",
                id: &i.meta.id,
                subnet: i.subnet.as_ref().and_then(|s| s.idx),
                public_ip,
            };
            for g in i.security_groups.iter().filter_map(|g| g.idx) {
                f.group_users[g].push(user.clone());
            }
        }
        for (_, e) in d.each::<NetworkInterfaces>() {
            let subnet = e.subnet.as_ref().and_then(|s| s.idx);
            let user =
                GroupUser { kind: "network interface", id: &e.meta.id, subnet, public_ip: Some(e.public_ip.is_some()) };
            for g in e.security_groups.iter().filter_map(|g| g.idx) {
                f.group_users[g].push(user.clone());
            }
        }
        for (li, lb) in d.each::<LoadBalancers>() {
            for g in lb.security_groups.iter().filter_map(|g| g.idx) {
                f.group_load_balancers[g].push(li);
            }
        }
        for (_, l) in d.each::<Listeners>() {
            if let (Some(lb), Some(port)) = (l.load_balancer.as_ref().and_then(|r| r.idx), l.port) {
                f.listener_ports[lb].push(port);
            }
        }
        f
    }
}

/// Each transit gateway route table with the VPCs of the attachments associated with it or
/// propagating into it, whether the table lists them or the attachment names its table.
fn transit_tables(d: &Design) -> BTreeMap<TableKey<'_>, BTreeSet<Id<Vpcs>>> {
    let vpc_of = |a: AttachmentId| d.attachment(a).vpc.as_ref().and_then(|r| r.idx);
    let mut members: BTreeMap<TableKey<'_>, BTreeSet<Id<Vpcs>>> = BTreeMap::new();
    for (ti, rt) in d.each::<TransitGatewayRouteTables>() {
        let links = rt.associations.iter().chain(rt.propagations.iter());
        members.entry(TableKey::Loaded(ti)).or_default().extend(links.filter_map(|r| r.idx).filter_map(vpc_of));
    }
    let attachments = d.each::<TransitGatewayAttachments>().map(|(i, a)| (AttachmentId::Any(i), a));
    let vpc_attachments = d.each::<TransitGatewayVpcAttachments>().map(|(i, a)| (AttachmentId::Vpc(i), a));
    for (ai, a) in attachments.chain(vpc_attachments) {
        let (Some(table), Some(vpc)) = (&a.association, vpc_of(ai)) else { continue };
        let key = table.idx.map_or(TableKey::Elsewhere(a.meta.document, &table.id), TableKey::Loaded);
        members.entry(key).or_default().insert(vpc);
    }
    members
}
