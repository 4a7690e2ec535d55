//! Every reference by id becomes an arena index, once, after all inputs are read: in the
//! referring document first, then the same account and region, then the only candidate.

use crate::ingest::draft::LinkById;
use crate::model::{AttachmentId, AttachmentRef, Design, Id, Ref, ResourceKind, TargetId, TargetKind};
use crate::source::FileId;
use std::collections::{BTreeMap, HashMap};

/// Resources of one kind by id: account, region, document, arena index.
type Index = rustc_hash::FxHashMap<String, Vec<(Option<String>, Option<String>, Option<FileId>, usize)>>;

/// Tags of one resource listed apart from it: its id, the listing's account and region, the tags.
type TagListing = (String, (Option<String>, Option<String>), Vec<(String, String)>);

/// Where a reference is made from: account, region and (for template ids) the template.
type Scope = (Option<String>, Option<String>, Option<FileId>);

fn index<'a>(metas: impl Iterator<Item = &'a crate::model::Meta>) -> Index {
    let mut map = Index::default();
    for (i, m) in metas.enumerate() {
        map.entry(m.id.clone()).or_default().push((m.account.clone(), m.region.clone(), m.document, i));
    }
    map
}

fn scope(meta: &crate::model::Meta) -> Scope {
    (meta.account.clone(), meta.region.clone(), meta.document)
}

/// The resource `id` names, seen from `scope`: in a template, that template's resource;
/// otherwise the one in the same account and region, else the only compatible one, else the
/// only one in the region (shared VPCs and cross-account peerings reference resources of
/// other accounts). Template-scoped ids are not visible from outside their template.
fn find(index: &Index, id: &str, scope: &Scope) -> Option<usize> {
    let (account, region, document) = scope;
    let all = index.get(id)?;
    if document.is_some()
        && let Some(c) = all.iter().find(|c| c.2 == *document)
    {
        return Some(c.3);
    }
    let candidates: Vec<_> = all.iter().filter(|c| c.2.is_none()).collect();
    let compatible = |a: &Option<String>, b: &Option<String>| a.is_none() || b.is_none() || a == b;
    let exact = candidates.iter().find(|(a, g, _, _)| a == account && g == region);
    let loose: Vec<_> =
        candidates.iter().filter(|(a, g, _, _)| compatible(a, account) && compatible(g, region)).collect();
    exact.map(|c| c.3).or_else(|| (loose.len() == 1).then(|| loose[0].3)).or_else(|| {
        let same_region: Vec<_> = candidates.iter().filter(|(_, g, _, _)| compatible(g, region)).collect();
        (same_region.len() == 1).then(|| same_region[0].3)
    })
}

fn pick<A>(index: &Index, r: &mut Ref<A>, scope: &Scope) {
    r.idx = find(index, &r.id, scope).map(Id::new);
}

/// Resolve every [`Ref`] to an arena index, preferring a resource of the same account and region.
pub(crate) fn resolve_references(design: &mut Design, links: Vec<LinkById>) {
    let unresolved = resolve_placements(design);
    resolve_links(design);
    merge_links_by_id(design, links);
    resolve_groups_and_attachments(design);
    let vpcs = index(design.vpcs.iter().map(|v| &v.meta));
    design.stats.unresolved = unresolved;
    for p in design.peering_connections.iter_mut() {
        // Each side names its own account and region.
        for side in [&mut p.requester, &mut p.accepter] {
            let a = side.owner.clone().or_else(|| p.meta.account.clone());
            let g = side.region.clone().or_else(|| p.meta.region.clone());
            pick(&vpcs, &mut side.vpc, &(a, g, p.meta.document));
        }
    }
}

/// Which VPC, subnet, load balancer or gateway each resource belongs to; references to a kind an
/// account dump lists that name none of its resources are counted.
fn resolve_placements(design: &mut Design) -> BTreeMap<(ResourceKind, ResourceKind), usize> {
    let vpcs = index(design.vpcs.iter().map(|v| &v.meta));
    let subnets = index(design.subnets.iter().map(|s| &s.meta));
    let lbs = index(design.load_balancers.iter().map(|l| &l.meta));
    let tgws = index(design.transit_gateways.iter().map(|t| &t.meta));

    let mut unresolved: BTreeMap<(ResourceKind, ResourceKind), usize> = BTreeMap::new();
    let listed: std::collections::BTreeSet<ResourceKind> = design.kinds_listed.iter().map(|l| l.0).collect();
    macro_rules! resolve {
        ($items:expr, $idx:expr, $($field:ident).+) => {
            for item in $items.iter_mut() {
                let sc = scope(&item.meta);
                if let Some(r) = item.$($field).+.as_mut() { pick(&$idx, r, &sc); }
            }
        };
        ($items:expr, $idx:expr, $($field:ident).+, $from:expr, $to:expr) => {
            for item in $items.iter_mut() {
                let sc = scope(&item.meta);
                if let Some(r) = item.$($field).+.as_mut() {
                    pick(&$idx, r, &sc);
                    if r.idx.is_none() && listed.contains(&$to) {
                        *unresolved.entry(($from, $to)).or_default() += 1;
                    }
                }
            }
        };
    }
    resolve!(design.subnets, vpcs, vpc, ResourceKind::Subnet, ResourceKind::Vpc);
    resolve!(design.route_tables, vpcs, vpc, ResourceKind::RouteTable, ResourceKind::Vpc);
    resolve!(design.nat_gateways, vpcs, vpc);
    resolve!(design.nat_gateways, subnets, subnet, ResourceKind::NatGateway, ResourceKind::Subnet);
    resolve!(design.security_groups, vpcs, vpc);
    resolve!(design.network_acls, vpcs, vpc);
    resolve!(design.load_balancers, vpcs, vpc);
    resolve!(design.target_groups, vpcs, vpc);
    resolve!(design.network_interfaces, vpcs, vpc);
    resolve!(design.network_interfaces, subnets, subnet);
    resolve!(design.instances, vpcs, vpc);
    resolve!(design.instances, subnets, subnet, ResourceKind::Instance, ResourceKind::Subnet);
    resolve!(design.listeners, lbs, load_balancer);
    resolve!(design.vpc_endpoints, vpcs, vpc);
    resolve!(design.transit_gateway_attachments, tgws, transit_gateway);
    resolve!(design.transit_gateway_attachments, vpcs, vpc);
    resolve!(design.transit_gateway_vpc_attachments, tgws, transit_gateway);
    resolve!(design.transit_gateway_vpc_attachments, vpcs, vpc);
    resolve!(design.transit_gateway_route_tables, tgws, transit_gateway);

    for t in design.route_tables.iter_mut() {
        let sc = scope(&t.meta);
        for (s, _) in t.subnets.iter_mut() {
            pick(&subnets, s, &sc);
            if s.idx.is_none() && listed.contains(&ResourceKind::Subnet) {
                *unresolved.entry((ResourceKind::RouteTable, ResourceKind::Subnet)).or_default() += 1;
            }
        }
    }
    unresolved
}

/// Route targets, addresses, and the subnets and tables of ACLs, load balancers and endpoints.
fn resolve_links(design: &mut Design) {
    let subnets = index(design.subnets.iter().map(|s| &s.meta));
    let rts = index(design.route_tables.iter().map(|t| &t.meta));
    let eips = index(design.elastic_ips.iter().map(|t| &t.meta));
    let targets: HashMap<TargetKind, Index> = [
        (TargetKind::InternetGateway, index(design.internet_gateways.iter().map(|x| &x.meta))),
        (TargetKind::EgressOnlyInternetGateway, index(design.egress_only_internet_gateways.iter().map(|x| &x.meta))),
        (TargetKind::NatGateway, index(design.nat_gateways.iter().map(|x| &x.meta))),
        (TargetKind::PeeringConnection, index(design.peering_connections.iter().map(|x| &x.meta))),
        (TargetKind::TransitGateway, index(design.transit_gateways.iter().map(|x| &x.meta))),
        (TargetKind::NetworkInterface, index(design.network_interfaces.iter().map(|x| &x.meta))),
        (TargetKind::Instance, index(design.instances.iter().map(|x| &x.meta))),
        (TargetKind::VpcEndpoint, index(design.vpc_endpoints.iter().map(|x| &x.meta))),
    ]
    .into_iter()
    .collect();
    for t in design.route_tables.iter_mut() {
        let sc = scope(&t.meta);
        for route in t.routes.iter_mut() {
            let kind = route.target.kind;
            let found = targets.get(&kind).and_then(|index| find(index, &route.target.id, &sc));
            route.target.idx = found.and_then(|i| target_id(kind, i));
        }
    }
    for n in design.nat_gateways.iter_mut() {
        let sc = scope(&n.meta);
        n.allocations.iter_mut().for_each(|e| pick(&eips, e, &sc));
    }
    for n in design.network_acls.iter_mut() {
        let sc = scope(&n.meta);
        for (s, _) in n.subnets.iter_mut() {
            pick(&subnets, s, &sc);
        }
    }
    for l in design.load_balancers.iter_mut() {
        let sc = scope(&l.meta);
        for (s, _) in l.subnets.iter_mut() {
            pick(&subnets, s, &sc);
        }
    }
    for e in design.vpc_endpoints.iter_mut() {
        let sc = scope(&e.meta);
        e.subnets.iter_mut().for_each(|s| pick(&subnets, s, &sc));
        e.route_tables.iter_mut().for_each(|s| pick(&rts, s, &sc));
    }
    for t in design.transit_gateway_vpc_attachments.iter_mut() {
        let sc = scope(&t.meta);
        t.subnets.iter_mut().for_each(|s| pick(&subnets, s, &sc));
    }
}

/// The typed id of the `i`th resource of the arena a route target of `kind` lives in.
fn target_id(kind: TargetKind, i: usize) -> Option<TargetId> {
    Some(match kind {
        TargetKind::InternetGateway => TargetId::InternetGateway(Id::new(i)),
        TargetKind::EgressOnlyInternetGateway => TargetId::EgressOnlyInternetGateway(Id::new(i)),
        TargetKind::NatGateway => TargetId::NatGateway(Id::new(i)),
        TargetKind::PeeringConnection => TargetId::PeeringConnection(Id::new(i)),
        TargetKind::TransitGateway => TargetId::TransitGateway(Id::new(i)),
        TargetKind::NetworkInterface => TargetId::NetworkInterface(Id::new(i)),
        TargetKind::Instance => TargetId::Instance(Id::new(i)),
        TargetKind::VpcEndpoint => TargetId::VpcEndpoint(Id::new(i)),
        _ => return None,
    })
}

/// Links read from listings of their own (target health, transit gateway table associations and
/// propagations), merged into the resources they name.
fn merge_links_by_id(design: &mut Design, links: Vec<LinkById>) {
    let lbs = index(design.load_balancers.iter().map(|l| &l.meta));
    let groups = index(design.target_groups.iter().map(|t| &t.meta));
    let tgw_tables = index(design.transit_gateway_route_tables.iter().map(|t| &t.meta));
    let mut tag_listings: Vec<TagListing> = Vec::new();
    for link in links {
        match link {
            LinkById::TargetRegistration { group, target } => {
                if let Some(&(_, _, _, g)) = groups.get(&group).and_then(|v| v.first()) {
                    design.target_groups[g].targets.push(target);
                }
            }
            LinkById::Tags { id, scope, tags } => tag_listings.push((id, scope, tags)),
            LinkById::TgwTable { table, attachment, propagation } => {
                if let Some(&(_, _, _, t)) = tgw_tables.get(&table).and_then(|v| v.first()) {
                    let rt = &mut design.transit_gateway_route_tables[t];
                    let list = if propagation { &mut rt.propagations } else { &mut rt.associations };
                    if !list.iter().any(|r| r.id == attachment) {
                        list.push(AttachmentRef::new(attachment));
                    }
                }
            }
        }
    }
    add_tags(design, tag_listings);
    for tg in design.target_groups.iter_mut() {
        let sc = scope(&tg.meta);
        tg.load_balancers.iter_mut().for_each(|s| pick(&lbs, s, &sc));
    }
}

/// Security groups of load balancers, instances, interfaces and rules; gateway attachments.
fn resolve_groups_and_attachments(design: &mut Design) {
    let vpcs = index(design.vpcs.iter().map(|v| &v.meta));
    let sgs = index(design.security_groups.iter().map(|g| &g.meta));
    for lb in design.load_balancers.iter_mut() {
        let sc = scope(&lb.meta);
        lb.security_groups.iter_mut().for_each(|g| pick(&sgs, g, &sc));
    }
    for i in design.instances.iter_mut() {
        let sc = scope(&i.meta);
        i.security_groups.iter_mut().for_each(|g| pick(&sgs, g, &sc));
    }
    for e in design.network_interfaces.iter_mut() {
        let sc = scope(&e.meta);
        e.security_groups.iter_mut().for_each(|g| pick(&sgs, g, &sc));
    }
    for sg in design.security_groups.iter_mut() {
        let sc = scope(&sg.meta);
        for g in sg.ingress.iter_mut().chain(sg.egress.iter_mut()).flat_map(|r| r.groups.iter_mut()) {
            // A group of another account is that account's, whatever this load holds.
            let sc = (g.account.clone().or_else(|| sc.0.clone()), sc.1.clone(), sc.2);
            g.idx = find(&sgs, &g.id, &sc).map(Id::new);
        }
    }
    for igw in design.internet_gateways.iter_mut().chain(design.egress_only_internet_gateways.iter_mut()) {
        let sc = scope(&igw.meta);
        igw.attachments.iter_mut().for_each(|at| pick(&vpcs, &mut at.vpc, &sc));
    }
    resolve_transit_links(design);
}

/// Transit gateway route table associations, propagations and routes, and each attachment's
/// association: an attachment is looked up among the VPC attachments first (they name the
/// VPC's subnets), then among all attachments.
fn resolve_transit_links(design: &mut Design) {
    let vpc_attachments = index(design.transit_gateway_vpc_attachments.iter().map(|a| &a.meta));
    let attachments = index(design.transit_gateway_attachments.iter().map(|a| &a.meta));
    let tables = index(design.transit_gateway_route_tables.iter().map(|t| &t.meta));
    let attachment = |r: &mut AttachmentRef, sc: &Scope| {
        r.idx = find(&vpc_attachments, &r.id, sc)
            .map(|i| AttachmentId::Vpc(Id::new(i)))
            .or_else(|| find(&attachments, &r.id, sc).map(|i| AttachmentId::Any(Id::new(i))));
    };
    for rt in design.transit_gateway_route_tables.iter_mut() {
        let sc = scope(&rt.meta);
        rt.associations.iter_mut().chain(rt.propagations.iter_mut()).for_each(|r| attachment(r, &sc));
        rt.routes.iter_mut().filter_map(|(_, r)| r.as_mut()).for_each(|r| attachment(r, &sc));
    }
    for a in design.transit_gateway_attachments.iter_mut().chain(design.transit_gateway_vpc_attachments.iter_mut()) {
        let sc = scope(&a.meta);
        if let Some(r) = a.association.as_mut() {
            pick(&tables, r, &sc);
        }
    }
}

/// Tags listed apart from their resource join it (by id, in the listing's account and region); a
/// key the resource carries already keeps its value, and a `Name` tag names the resource.
fn add_tags(design: &mut Design, listed: Vec<TagListing>) {
    if listed.is_empty() {
        return;
    }
    let mut by_id: HashMap<String, Vec<TagListing>> = HashMap::new();
    for l in listed {
        by_id.entry(l.0.clone()).or_default().push(l);
    }
    let compatible = |a: &Option<String>, b: &Option<String>| a.is_none() || b.is_none() || a == b;
    for meta in design.metas_mut() {
        let Some(listings) = by_id.get(&meta.id) else { continue };
        for (_, (account, region), tags) in listings {
            if !compatible(&meta.account, account) || !compatible(&meta.region, region) {
                continue;
            }
            for (key, value) in tags {
                if meta.tags.iter().any(|(k, _)| k == key) {
                    continue;
                }
                if key == "Name" {
                    meta.name = Some(value.clone());
                }
                meta.tags.push((key.clone(), value.clone()));
            }
        }
    }
}
