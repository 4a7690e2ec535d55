//! What AWS creates implicitly, in one place for every format that describes resources to be
//! created (Terraform plans, CloudFormation templates): an account dump lists these itself.
//!
//! With every VPC, AWS creates a main route table, a default network ACL that allows all IPv4 and
//! IPv6 traffic both ways, and a default security group (all egress, ingress from itself); every
//! route table of the VPC holds a local route for each of its blocks; a subnet with no explicit
//! network ACL association uses the default one. A transit gateway that associates or propagates by
//! default gets a default route table, which its attachments join unless told otherwise.

use super::DocumentStart;
use crate::ingest::{LoadState, Loaded};
use crate::model::net::{Family, Protocol};
use crate::model::{
    AttachmentRef, GroupRef, Meta, NaclEntry, NetworkAcl, Ref, ResourceKind, Route, RouteTable, SecurityGroup, SgRule,
    TargetKind, TransitGatewayRouteTable,
};
use crate::source::FileId;
use std::collections::{HashMap, HashSet};

/// Names of what AWS creates along with a VPC or transit gateway, after it.
pub const MAIN_TABLE: &str = "main route table";
pub const DEFAULT_NACL: &str = "default network ACL";
pub const DEFAULT_SECURITY_GROUP: &str = "default security group";
pub const DEFAULT_TGW_TABLE: &str = "default route table";

/// The id of what AWS creates along with the resource `owner`.
pub fn implicit_id(owner: &str, what: &str) -> String {
    format!("{owner} ({what})")
}

/// A transit gateway the document creates, with its default-table settings (`None`: not decided).
pub struct NewTransitGateway {
    pub id: String,
    pub associate: Option<bool>,
    pub propagate: Option<bool>,
}

/// A transit gateway attachment the document creates, and whether it joins its gateway's default
/// table (`transit_gateway_default_route_table_association` and `_propagation` in Terraform;
/// always, in CloudFormation).
pub struct NewAttachment {
    pub id: String,
    pub transit_gateway: String,
    pub associate: bool,
    pub propagate: bool,
}

/// What one document creates that AWS adds to, as its reader found it.
#[derive(Default)]
pub struct Created {
    /// VPCs the document creates (ids within the document).
    pub vpcs: Vec<String>,
    /// VPCs whose main route table, default network ACL or default security group the document
    /// itself manages (Terraform `aws_default_*`, `aws_main_route_table_association`).
    pub managed_main_table: HashSet<String>,
    pub managed_default_nacl: HashSet<String>,
    pub managed_default_group: HashSet<String>,
    /// Subnets with an explicit network ACL association.
    pub nacl_associated: HashSet<String>,
    pub transit_gateways: Vec<NewTransitGateway>,
    pub attachments: Vec<NewAttachment>,
    /// Attachments explicitly associated with a route table (they are associated with one only).
    pub tgw_associated: HashSet<String>,
}

/// The created VPCs of `document`, by id.
fn created_vpcs(loaded: &Loaded, document: FileId, start: &DocumentStart, created: &Created) -> HashMap<String, usize> {
    let wanted: HashSet<&String> = created.vpcs.iter().collect();
    start
        .since(ResourceKind::Vpc, &loaded.design.vpcs)
        .filter(|(_, v)| v.meta.document == Some(document) && wanted.contains(&v.meta.id))
        .map(|(i, v)| (v.meta.id.clone(), i))
        .collect()
}

/// Add the resources AWS creates implicitly to those of `document` (before the document's edits
/// apply, since they may change them: a template's entry in `!GetAtt Vpc.DefaultNetworkAcl`).
pub(crate) fn create(
    state: &mut LoadState,
    loaded: &mut Loaded,
    document: FileId,
    start: &DocumentStart,
    created: &Created,
) {
    let vpcs = created_vpcs(loaded, document, start, created);
    let mut ids: Vec<&String> = vpcs.keys().collect();
    ids.sort();
    for id in ids {
        let Some(&v) = vpcs.get(id) else { continue };
        if !created.managed_main_table.contains(id) {
            let table = main_table(&loaded.design.vpcs[v].meta);
            push(state, loaded, ResourceKind::RouteTable, table, |d| &mut d.route_tables);
        }
        if !created.managed_default_nacl.contains(id) {
            let nacl = default_nacl(&loaded.design.vpcs[v].meta);
            push(state, loaded, ResourceKind::NetworkAcl, nacl, |d| &mut d.network_acls);
        }
        if !created.managed_default_group.contains(id) {
            let vpc = &loaded.design.vpcs[v];
            let ipv6 = vpc.cidrs.iter().any(|c| Family::of(&c.net) == Family::V6);
            let group = default_group(&vpc.meta, ipv6);
            push(state, loaded, ResourceKind::SecurityGroup, group, |d| &mut d.security_groups);
        }
    }
    transit_gateway_tables(state, loaded, document, start, created);
}

/// Once the document's edits apply: local routes in every table, the default network ACL for
/// subnets without an association, attachments joining their gateway's default table.
pub(crate) fn link(loaded: &mut Loaded, document: FileId, start: &DocumentStart, created: &Created) {
    let vpcs = created_vpcs(loaded, document, start, created);
    let own = Own { document, start };
    local_routes(loaded, own, &vpcs);
    default_nacl_fallback(loaded, own, &vpcs, &created.nacl_associated);
    join_transit_gateway_tables(loaded, own, created);
}

/// A document and where its resources start.
#[derive(Clone, Copy)]
struct Own<'s> {
    document: FileId,
    start: &'s DocumentStart,
}

impl Own<'_> {
    fn first(&self, kind: ResourceKind) -> usize {
        self.start.of_kind(kind)
    }
}

fn push<T: crate::ingest::HasMeta>(
    state: &mut LoadState,
    loaded: &mut Loaded,
    kind: ResourceKind,
    item: T,
    arena: fn(&mut crate::model::Design) -> &mut Vec<T>,
) {
    if state.push_first(&mut loaded.design, kind, item, arena).is_some() {
        loaded.design.stats.synthesized += 1;
    }
    loaded.design.kinds_present.insert(kind);
}

/// The identity of what AWS creates along with `owner`: its id, where it lives, and the owner's
/// definition to point at.
fn implicit_meta(owner: &Meta, what: &str) -> Meta {
    Meta { id: implicit_id(&owner.id, what), name: None, tags: Vec::new(), ..owner.clone() }
}

fn main_table(vpc: &Meta) -> RouteTable {
    RouteTable {
        vpc: Some(Ref::new(vpc.id.clone())),
        main: true,
        subnets: Vec::new(),
        routes: Vec::new(),
        has_unknown_routes: false,
        meta: implicit_meta(vpc, MAIN_TABLE),
    }
}

fn default_nacl(vpc: &Meta) -> NetworkAcl {
    let origin = vpc.id_origin();
    let mut entries = Vec::new();
    for egress in [false, true] {
        entries.push(NaclEntry::all_traffic(100, egress, true, Family::V4, origin.clone()));
        entries.push(NaclEntry::all_traffic(101, egress, true, Family::V6, origin.clone()));
    }
    entries.extend(NaclEntry::implicit_denies(&origin));
    NetworkAcl {
        vpc: Some(Ref::new(vpc.id.clone())),
        is_default: true,
        subnets: Vec::new(),
        entries,
        has_unknown_entries: false,
        meta: implicit_meta(vpc, DEFAULT_NACL),
    }
}

fn default_group(vpc: &Meta, ipv6: bool) -> SecurityGroup {
    let meta = implicit_meta(vpc, DEFAULT_SECURITY_GROUP);
    let origin = vpc.id_origin();
    let rule = |cidrs: Vec<ipnet::IpNet>, groups: Vec<GroupRef>| SgRule {
        protocol: Protocol::All,
        ports: None,
        cidrs,
        prefix_lists: Vec::new(),
        groups,
        origin: origin.clone(),
    };
    let mut egress = vec![Family::V4.any()];
    if ipv6 {
        egress.push(Family::V6.any());
    }
    let itself = GroupRef { id: meta.id.clone(), account: None, idx: None };
    SecurityGroup {
        vpc: Some(Ref::new(vpc.id.clone())),
        group_name: Some("default".into()),
        ingress: vec![rule(Vec::new(), vec![itself])],
        egress: vec![rule(egress, Vec::new())],
        has_unknown_ingress: false,
        has_unknown_egress: false,
        meta,
    }
}

/// Every table of a created VPC routes each of the VPC's blocks locally, first.
fn local_routes(loaded: &mut Loaded, own: Own<'_>, vpcs: &HashMap<String, usize>) {
    let d = &mut loaded.design;
    let from = own.first(ResourceKind::RouteTable).min(d.route_tables.len());
    for table in d.route_tables[from..].iter_mut().filter(|t| t.meta.document == Some(own.document)) {
        let Some(&v) = table.vpc.as_ref().and_then(|r| vpcs.get(&r.id)) else { continue };
        let mut routes: Vec<Route> = d.vpcs[v]
            .cidrs
            .iter()
            .filter(|c| {
                !table.routes.iter().any(|r| {
                    r.target.kind == TargetKind::Local && r.destination == crate::model::Destination::Cidr(c.net)
                })
            })
            .map(|c| Route::local(c.net, c.origin.clone()))
            .collect();
        if !routes.is_empty() {
            routes.append(&mut table.routes);
            table.routes = routes;
        }
    }
}

/// Subnets of a created VPC without an explicit network ACL association use its default one.
fn default_nacl_fallback(
    loaded: &mut Loaded,
    own: Own<'_>,
    vpcs: &HashMap<String, usize>,
    associated: &HashSet<String>,
) {
    let d = &mut loaded.design;
    let mut defaults: HashMap<String, usize> = HashMap::new();
    for (i, n) in own.start.since(ResourceKind::NetworkAcl, &d.network_acls) {
        if n.is_default
            && n.meta.document == Some(own.document)
            && let Some(v) = n.vpc.as_ref().filter(|v| vpcs.contains_key(&v.id))
        {
            defaults.entry(v.id.clone()).or_insert(i);
        }
    }
    let from = own.first(ResourceKind::Subnet).min(d.subnets.len());
    for s in d.subnets[from..].iter().filter(|s| s.meta.document == Some(own.document)) {
        if associated.contains(&s.meta.id) {
            continue;
        }
        if let Some(&n) = s.vpc.as_ref().and_then(|v| defaults.get(&v.id)) {
            let nacl = &mut d.network_acls[n];
            if !nacl.subnets.iter().any(|(r, _)| r.id == s.meta.id) {
                nacl.subnets.push((Ref::new(s.meta.id.clone()), s.meta.id_origin()));
            }
        }
    }
}

/// Default route tables of created transit gateways that associate or propagate by default.
fn transit_gateway_tables(
    state: &mut LoadState,
    loaded: &mut Loaded,
    document: FileId,
    start: &DocumentStart,
    created: &Created,
) {
    for tgw in &created.transit_gateways {
        if tgw.associate != Some(true) && tgw.propagate != Some(true) {
            continue;
        }
        let Some(meta) = start
            .since(ResourceKind::TransitGateway, &loaded.design.transit_gateways)
            .find(|(_, t)| t.meta.document == Some(document) && t.meta.id == tgw.id)
            .map(|(_, owner)| implicit_meta(&owner.meta, DEFAULT_TGW_TABLE))
        else {
            continue;
        };
        let table = TransitGatewayRouteTable {
            transit_gateway: Some(Ref::new(tgw.id.clone())),
            associations: Vec::new(),
            propagations: Vec::new(),
            routes: Vec::new(),
            meta,
        };
        push(state, loaded, ResourceKind::TransitGatewayRouteTable, table, |d| &mut d.transit_gateway_route_tables);
    }
}

/// Attachments join their created gateway's default table, unless associated explicitly or told not to.
fn join_transit_gateway_tables(loaded: &mut Loaded, own: Own<'_>, created: &Created) {
    let d = &mut loaded.design;
    let mut tables: HashMap<String, usize> = HashMap::new();
    for (i, t) in own.start.since(ResourceKind::TransitGatewayRouteTable, &d.transit_gateway_route_tables) {
        if t.meta.document == Some(own.document) {
            tables.entry(t.meta.id.clone()).or_insert(i);
        }
    }
    for att in &created.attachments {
        let Some(tgw) = created.transit_gateways.iter().find(|t| t.id == att.transit_gateway) else { continue };
        let Some(&t) = tables.get(&implicit_id(&tgw.id, DEFAULT_TGW_TABLE)) else { continue };
        let rt = &mut d.transit_gateway_route_tables[t];
        if tgw.associate == Some(true) && att.associate && !created.tgw_associated.contains(&att.id) {
            rt.associations.push(AttachmentRef::new(att.id.clone()));
        }
        if tgw.propagate == Some(true) && att.propagate && !rt.propagations.iter().any(|r| r.id == att.id) {
            rt.propagations.push(AttachmentRef::new(att.id.clone()));
        }
    }
}
