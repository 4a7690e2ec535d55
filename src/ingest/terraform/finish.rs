//! After every resource of a plan is read: the edits that change other resources are applied,
//! and what AWS creates implicitly is added through the shared defaults.

use super::*;

impl Builder<'_, '_, '_> {
    pub(super) fn find(map: &HashMap<String, usize>, link: &Link) -> Option<usize> {
        link.first().and_then(|a| map.get(&a).copied())
    }

    pub(super) fn finish(mut self) {
        let pending = std::mem::take(&mut self.pending);
        let mut main_vpcs: Vec<String> = Vec::new();
        let (mut fed_tables, mut fed_nacls) = (HashSet::new(), HashSet::new());
        let (mut tgw_associated, mut nacl_associated) = (HashSet::new(), HashSet::new());
        // This plan's resources only: another plan may use the same addresses.
        let file = self.plan.file;
        let index = |metas: &mut dyn Iterator<Item = &Meta>| -> HashMap<String, usize> {
            metas.enumerate().filter(|(_, m)| m.document == Some(file)).map(|(i, m)| (m.id.clone(), i)).collect()
        };
        let d = &self.loaded.design;
        let eips = index(&mut d.elastic_ips.iter().map(|x| &x.meta));
        let groups = index(&mut d.target_groups.iter().map(|x| &x.meta));
        let tgw_tables = index(&mut d.transit_gateway_route_tables.iter().map(|x| &x.meta));
        let igws = index(&mut d.internet_gateways.iter().map(|x| &x.meta));
        for p in pending {
            let d = &mut self.loaded.design;
            match p {
                // A route to a table that is not in the plan (an existing one) has nothing to join.
                Pending::Route { table, route, unknown } => {
                    if let Some(t) = Self::find(&self.tables, &table) {
                        fed_tables.insert(t);
                        d.route_tables[t].has_unknown_routes |= unknown;
                        if !matches!(route.state, RouteState::Other(_)) {
                            d.route_tables[t].routes.push(route);
                        }
                    }
                }
                Pending::TableAssociation { table, subnet, origin } => {
                    if let (Some(t), Some(s)) = (Self::find(&self.tables, &table), subnet.first()) {
                        d.route_tables[t].subnets.push((Ref::new(s), origin));
                    }
                }
                Pending::MainAssociation { table, vpc } => {
                    if let (Some(t), Some(v)) = (Self::find(&self.tables, &table), vpc.first()) {
                        d.route_tables[t].main = true;
                        d.route_tables[t].vpc = Some(Ref::new(v.clone()));
                        main_vpcs.push(v);
                    }
                }
                Pending::DefaultTable { vpc } => {
                    if let Some(v) = vpc.first() {
                        main_vpcs.push(v);
                    }
                }
                Pending::NaclEntry { nacl, entry } => {
                    if let Some(n) = Self::find(&self.nacls, &nacl) {
                        fed_nacls.insert(n);
                        match entry {
                            Some(e) => d.network_acls[n].entries.push(e),
                            None => d.network_acls[n].has_unknown_entries = true,
                        }
                    }
                }
                Pending::NaclAssociation { nacl, subnet, origin } => {
                    nacl_associated.extend(subnet.first());
                    if let (Some(n), Some(s)) = (Self::find(&self.nacls, &nacl), subnet.first()) {
                        d.network_acls[n].subnets.push((Ref::new(s), origin));
                    }
                }
                Pending::VpcCidr { vpc, cidr, undecided } => {
                    if let Some(v) = Self::find(&self.vpcs, &vpc) {
                        d.vpcs[v].cidrs.extend(cidr);
                        d.vpcs[v].undecided_blocks.extend(undecided);
                    }
                }
                Pending::IgwAttachment { igw, vpc } => {
                    if let (Some(g), Some(v)) = (igw.first(), vpc.first())
                        && let Some(&i) = igws.get(&g)
                    {
                        d.internet_gateways[i]
                            .attachments
                            .push(GatewayAttachment { vpc: Ref::new(v), state: "available".into() });
                    }
                }
                Pending::EipAssociation { eip, instance, eni } => {
                    if let Some(&e) = eip.first().and_then(|a| eips.get(&a)) {
                        // The association resource decides, as it does in every format.
                        d.elastic_ips[e].instance = instance.or(d.elastic_ips[e].instance.take());
                        d.elastic_ips[e].network_interface = eni.or(d.elastic_ips[e].network_interface.take());
                    }
                }
                Pending::TargetAttachment { group, target, port } => {
                    if let (Some(g), Some(t)) = (group.first(), target)
                        && let Some(&i) = groups.get(&g)
                    {
                        d.target_groups[i].targets.push(crate::model::Target { id: t, port });
                    }
                }
                Pending::TgwLink { table, attachment, propagation } => {
                    if !propagation {
                        tgw_associated.extend(attachment.clone());
                    }
                    let (Some(t), Some(a)) = (table.first(), attachment) else { continue };
                    match tgw_tables.get(&t) {
                        Some(&i) => {
                            let rt = &mut d.transit_gateway_route_tables[i];
                            let list = if propagation { &mut rt.propagations } else { &mut rt.associations };
                            list.push(Ref::new(a));
                        }
                        // A table outside the plan (an existing one, by id): joined once every
                        // input is read, as a dump's or a template's links are.
                        None => d.tgw_table_links.push((t, a, propagation)),
                    }
                }
                Pending::TgwRoute { table, cidr, attachment } => {
                    if let (Some(t), Some(c)) = (table.first(), cidr)
                        && let Some(&i) = tgw_tables.get(&t)
                    {
                        d.transit_gateway_route_tables[i].routes.push((c, attachment.map(Ref::new)));
                    }
                }
                Pending::SgRule { group, egress, rule } => {
                    if let Some(g) = Self::find(&self.sgs, &group) {
                        let sg = &mut d.security_groups[g];
                        if egress { sg.egress.push(rule) } else { sg.ingress.push(rule) }
                    }
                }
            }
        }
        for &t in &self.maybe_dynamic_tables {
            if !fed_tables.contains(&t) {
                self.loaded.design.route_tables[t].has_unknown_routes = true;
            }
        }
        for &n in &self.maybe_dynamic_nacls {
            if !fed_nacls.contains(&n) {
                self.loaded.design.network_acls[n].has_unknown_entries = true;
            }
        }
        let created = self.created(main_vpcs, tgw_associated, nacl_associated);
        defaults::create(self.state, self.loaded, self.plan.file, &created);
        defaults::link(self.loaded, self.plan.file, &created);
    }

    /// What the plan creates that AWS adds to, for the shared defaults.
    pub(super) fn created(
        &self,
        main_vpcs: Vec<String>,
        tgw_associated: HashSet<String>,
        nacl_associated: HashSet<String>,
    ) -> Created {
        let plan = self.plan;
        let exists = |r: &Res<'_>| r.values.get("id").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        let mut created = Created {
            managed_main_table: main_vpcs.into_iter().collect(),
            tgw_associated,
            nacl_associated,
            ..Created::default()
        };
        for r in &plan.resources {
            match r.rtype.as_str() {
                // An existing VPC's implicit resources are not in the plan.
                "aws_vpc" if self.vpcs.contains_key(&r.address) && !exists(r) => created.vpcs.push(r.address.clone()),
                "aws_default_network_acl" => {
                    created.managed_default_nacl.extend(plan.link(r, "default_network_acl_id", VPC).first());
                    created.nacl_associated.extend(plan.link(r, "subnet_ids", SUBNET).ids());
                }
                "aws_network_acl" => created.nacl_associated.extend(plan.link(r, "subnet_ids", SUBNET).ids()),
                "aws_default_security_group" => {
                    created.managed_default_group.extend(plan.link(r, "vpc_id", VPC).first())
                }
                "aws_ec2_transit_gateway" if !exists(r) => {
                    let setting = |attr: &str| match r.values.get(attr).and_then(Value::as_str) {
                        Some(v) => Some(v.eq_ignore_ascii_case("enable")),
                        None => (!Self::is_unknown(r, attr)).then_some(true),
                    };
                    created.transit_gateways.push(NewTransitGateway {
                        id: r.address.clone(),
                        associate: setting("default_route_table_association"),
                        propagate: setting("default_route_table_propagation"),
                    });
                }
                "aws_ec2_transit_gateway_vpc_attachment" => {
                    let Some(tgw) = plan.link(r, "transit_gateway_id", &["aws_ec2_transit_gateway"]).first() else {
                        continue;
                    };
                    // Both default to true; an unknown one is not assumed.
                    let joins = |attr: &str| match r.values.get(attr).and_then(Value::as_bool) {
                        Some(b) => b,
                        None => !Self::is_unknown(r, attr),
                    };
                    created.attachments.push(NewAttachment {
                        id: r.address.clone(),
                        transit_gateway: tgw,
                        associate: joins("transit_gateway_default_route_table_association"),
                        propagate: joins("transit_gateway_default_route_table_propagation"),
                    });
                }
                _ => {}
            }
        }
        created
    }
}
