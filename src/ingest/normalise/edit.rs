//! Resources that change others (a route, an association, a rule, an attachment), as every
//! format writes them, applied in one place once their document is read. Targets are named as the
//! document names them (a logical id, an address) and looked up among that document's resources.

use super::DocumentStart;
use crate::ingest::draft::LinkById;
use crate::ingest::{HasMeta, Loaded};
use crate::model::net::Family;
use crate::model::{
    Design, GatewayAttachment, NaclEntry, Ref, ResourceKind, Route, RouteState, SgRule, Target, TargetKind, VpcCidr,
};
use crate::source::FileId;
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};

/// One change to another resource. `None` names: the document does not decide the target.
pub enum Edit {
    /// A route of a table (`None`: written, but its destination is not decided).
    Route {
        table: Option<String>,
        route: Option<Route>,
        unknown: bool,
    },
    TableAssociation {
        table: Option<String>,
        subnet: Option<String>,
        origin: crate::source::Origin,
    },
    /// A table made the VPC's main one (`aws_main_route_table_association`).
    MainAssociation {
        table: Option<String>,
        vpc: Option<String>,
    },
    /// The document manages the VPC's main table itself (`aws_default_route_table`).
    ManagedMainTable {
        vpc: Option<String>,
    },
    NaclEntry {
        nacl: Option<String>,
        entry: Option<NaclEntry>,
    },
    NaclAssociation {
        nacl: Option<String>,
        subnet: Option<String>,
        origin: crate::source::Origin,
    },
    /// A block added to a VPC, or the family of one the document does not decide.
    VpcCidr {
        vpc: Option<String>,
        cidr: Option<VpcCidr>,
        undecided: Option<Family>,
    },
    GatewayAttachment {
        igw: Option<String>,
        vpc: Option<String>,
    },
    /// A rule of a group (`None`: written, but not decided).
    SgRule {
        group: Option<String>,
        egress: bool,
        rule: Option<SgRule>,
    },
    EipAssociation {
        eip: Option<String>,
        instance: Option<String>,
        eni: Option<String>,
    },
    TargetRegistration {
        group: Option<String>,
        target: Option<String>,
        port: Option<u16>,
    },
    /// Target groups a listener (or a listener rule, or a load balancer) forwards to.
    Forward {
        listener_or_lb: Option<String>,
        groups: Vec<String>,
    },
    /// A transit gateway route table association or propagation.
    TgwTableLink {
        table: Option<String>,
        attachment: Option<String>,
        propagation: bool,
    },
    TgwRoute {
        table: Option<String>,
        cidr: Option<IpNet>,
        attachment: Option<String>,
    },
}

/// What applying a document's edits told about it, for the implicit defaults.
#[derive(Default)]
pub struct Applied {
    /// Route tables and network ACLs that got routes or entries from edits.
    pub fed_tables: HashSet<usize>,
    pub fed_nacls: HashSet<usize>,
    /// Security groups that got rules from edits, with the direction (`true`: egress).
    pub fed_groups: HashSet<(usize, bool)>,
    /// Subnets with an explicit network ACL association; attachments with an explicit table.
    pub nacl_associated: HashSet<String>,
    pub tgw_associated: HashSet<String>,
    /// VPCs whose main route table the document names or manages.
    pub main_vpcs: Vec<String>,
}

/// The document's resources of one arena by id (the first of a repeated id).
fn index<'a, T: HasMeta + 'a>(
    start: &DocumentStart,
    kind: ResourceKind,
    items: &'a [T],
    document: FileId,
) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (i, x) in start.since(kind, items) {
        if x.meta().document == Some(document) {
            out.entry(x.meta().id.clone()).or_insert(i);
        }
    }
    out
}

struct Indexes {
    vpcs: HashMap<String, usize>,
    tables: HashMap<String, usize>,
    subnets: HashMap<String, usize>,
    nacls: HashMap<String, usize>,
    groups: HashMap<String, usize>,
    igws: HashMap<String, usize>,
    eips: HashMap<String, usize>,
    target_groups: HashMap<String, usize>,
    tgw_tables: HashMap<String, usize>,
    /// Listener → the load balancer it belongs to.
    listener_lbs: HashMap<String, String>,
}

impl Indexes {
    fn of(d: &Design, start: &DocumentStart, document: FileId) -> Indexes {
        use ResourceKind as K;
        let listener_lbs = start
            .since(K::Listener, &d.listeners)
            .filter(|(_, l)| l.meta.document == Some(document))
            .filter_map(|(_, l)| Some((l.meta.id.clone(), l.load_balancer.as_ref()?.id.clone())))
            .collect();
        Indexes {
            vpcs: index(start, K::Vpc, &d.vpcs, document),
            tables: index(start, K::RouteTable, &d.route_tables, document),
            subnets: index(start, K::Subnet, &d.subnets, document),
            nacls: index(start, K::NetworkAcl, &d.network_acls, document),
            groups: index(start, K::SecurityGroup, &d.security_groups, document),
            igws: index(start, K::InternetGateway, &d.internet_gateways, document),
            eips: index(start, K::ElasticIp, &d.elastic_ips, document),
            target_groups: index(start, K::TargetGroup, &d.target_groups, document),
            tgw_tables: index(start, K::TransitGatewayRouteTable, &d.transit_gateway_route_tables, document),
            listener_lbs,
        }
    }
}

fn at(map: &HashMap<String, usize>, name: &Option<String>) -> Option<usize> {
    name.as_ref().and_then(|n| map.get(n).copied())
}

/// Apply a document's edits to its resources; an edit whose target the document does not hold
/// changes nothing (an existing resource, judged by the dump that lists it), except transit
/// gateway table links, which join a table by id once every input is read.
pub fn apply(loaded: &mut Loaded, document: FileId, start: &DocumentStart, edits: Vec<Edit>) -> Applied {
    let ix = Indexes::of(&loaded.design, start, document);
    let mut applied = Applied::default();
    let Loaded { design, links, .. } = loaded;
    for edit in edits {
        if let Some(edit) = apply_routing(design, &ix, &mut applied, edit) {
            apply_other(design, links, &ix, &mut applied, edit);
        }
    }
    applied
}

/// Routes, associations, network ACL entries, VPC blocks and gateway attachments; any other
/// edit is handed back.
fn apply_routing(d: &mut Design, ix: &Indexes, applied: &mut Applied, edit: Edit) -> Option<Edit> {
    match edit {
        Edit::Route { table, route, unknown } => {
            let t = at(&ix.tables, &table)?;
            applied.fed_tables.insert(t);
            let rt = &mut d.route_tables[t];
            rt.has_unknown_routes |= unknown || route.as_ref().is_none_or(|r| r.target.kind == TargetKind::Unknown);
            if let Some(route) = route.filter(|r| !matches!(r.state, RouteState::Other(_))) {
                rt.routes.push(route);
            }
        }
        Edit::TableAssociation { table, subnet, origin } => match (at(&ix.tables, &table), subnet) {
            (Some(t), Some(s)) => d.route_tables[t].subnets.push((Ref::new(s), origin)),
            // A table the document does not decide: the subnet's table is unknown.
            (None, Some(s)) if table.is_none() => {
                if let Some(&i) = ix.subnets.get(&s) {
                    d.subnets[i].route_table_undecided = true;
                }
            }
            _ => {}
        },
        Edit::MainAssociation { table, vpc } => {
            if let (Some(t), Some(v)) = (at(&ix.tables, &table), vpc) {
                d.route_tables[t].main = true;
                d.route_tables[t].vpc = Some(Ref::new(v.clone()));
                applied.main_vpcs.push(v);
            }
        }
        Edit::ManagedMainTable { vpc } => applied.main_vpcs.extend(vpc),
        Edit::NaclEntry { nacl, entry } => {
            let n = at(&ix.nacls, &nacl)?;
            applied.fed_nacls.insert(n);
            match entry {
                Some(e) => d.network_acls[n].entries.push(e),
                None => d.network_acls[n].has_unknown_entries = true,
            }
        }
        Edit::NaclAssociation { nacl, subnet, origin } => {
            let s = subnet?;
            applied.nacl_associated.insert(s.clone());
            if let Some(n) = at(&ix.nacls, &nacl) {
                d.network_acls[n].subnets.push((Ref::new(s), origin));
            }
        }
        Edit::VpcCidr { vpc, cidr, undecided } => {
            if let Some(v) = at(&ix.vpcs, &vpc) {
                d.vpcs[v].cidrs.extend(cidr);
                d.vpcs[v].undecided_blocks.extend(undecided);
            }
        }
        Edit::GatewayAttachment { igw, vpc } => {
            if let (Some(g), Some(v)) = (at(&ix.igws, &igw), vpc) {
                let attachment = GatewayAttachment { vpc: Ref::new(v), state: crate::model::AttachmentState::Planned };
                d.internet_gateways[g].attachments.push(attachment);
            }
        }
        other => return Some(other),
    }
    None
}

/// Security group rules, addresses, targets and transit gateway links and routes.
fn apply_other(d: &mut Design, links: &mut Vec<LinkById>, ix: &Indexes, applied: &mut Applied, edit: Edit) {
    match edit {
        Edit::SgRule { group, egress, rule } => {
            let Some(g) = at(&ix.groups, &group) else { return };
            applied.fed_groups.insert((g, egress));
            let sg = &mut d.security_groups[g];
            match rule {
                Some(rule) if egress => sg.egress.push(rule),
                Some(rule) => sg.ingress.push(rule),
                None if egress => sg.has_unknown_egress = true,
                None => sg.has_unknown_ingress = true,
            }
        }
        Edit::EipAssociation { eip, instance, eni } => {
            if let Some(e) = at(&ix.eips, &eip) {
                // The association resource decides, whatever the address itself says.
                let x = &mut d.elastic_ips[e];
                x.instance = instance.or(x.instance.take());
                x.network_interface = eni.or(x.network_interface.take());
            }
        }
        Edit::TargetRegistration { group, target, port } => {
            if let (Some(g), Some(id)) = (at(&ix.target_groups, &group), target) {
                d.target_groups[g].targets.push(Target { id, port });
            }
        }
        Edit::Forward { listener_or_lb, groups } => {
            let Some(from) = listener_or_lb else { return };
            let lb = ix.listener_lbs.get(&from).cloned().unwrap_or(from);
            for g in groups.iter().filter_map(|g| ix.target_groups.get(g)) {
                let list = &mut d.target_groups[*g].load_balancers;
                if !list.iter().any(|r| r.id == lb) {
                    list.push(Ref::new(lb.clone()));
                }
            }
        }
        Edit::TgwTableLink { table, attachment, propagation } => {
            let Some(att) = attachment else { return };
            if !propagation {
                applied.tgw_associated.insert(att.clone());
            }
            match at(&ix.tgw_tables, &table) {
                Some(t) => {
                    let rt = &mut d.transit_gateway_route_tables[t];
                    let list = if propagation { &mut rt.propagations } else { &mut rt.associations };
                    list.push(crate::model::AttachmentRef::new(att));
                }
                // A table outside the document, by its id: joined once every input is read.
                None => links.extend(table.map(|table| LinkById::TgwTable { table, attachment: att, propagation })),
            }
        }
        Edit::TgwRoute { table, cidr, attachment } => {
            if let (Some(t), Some(c)) = (at(&ix.tgw_tables, &table), cidr) {
                d.transit_gateway_route_tables[t].routes.push((c, attachment.map(crate::model::AttachmentRef::new)));
            }
        }
        // Applied by `apply_routing`.
        _ => {}
    }
}
