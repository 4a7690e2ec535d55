//! After every resource of a template is read: its edits are applied to the resources they
//! change, and what AWS creates implicitly is added through the shared defaults.

use super::*;

impl Builder<'_, '_> {
    pub(super) fn finish(mut self) {
        let mut created = Created {
            vpcs: self.vpcs.keys().cloned().collect(),
            transit_gateways: self
                .tgws
                .iter()
                .map(|(id, t)| NewTransitGateway { id: id.clone(), associate: t.association, propagate: t.propagation })
                .collect(),
            ..Created::default()
        };
        defaults::create(self.state, self.loaded, self.file, &created);
        self.remember_implicit();

        let find = |map: &HashMap<String, usize>, link: &Link| link.known().and_then(|l| map.get(&l).copied());
        let mut explicit_nacl: HashSet<String> = HashSet::new();
        let mut explicit_tgw_association: HashSet<String> = HashSet::new();
        for p in std::mem::take(&mut self.pending) {
            let d = &mut self.loaded.design;
            match p {
                Pending::Route { table, route } => {
                    if let Some(t) = find(&self.tables, &table) {
                        match route {
                            Some(route) => {
                                d.route_tables[t].has_unknown_routes |= route.target.kind == TargetKind::Unknown;
                                d.route_tables[t].routes.push(route);
                            }
                            None => d.route_tables[t].has_unknown_routes = true,
                        }
                    }
                }
                Pending::TableAssociation { table, subnet, origin } => {
                    if let (Some(t), Some(s)) = (find(&self.tables, &table), subnet.known()) {
                        d.route_tables[t].subnets.push((Ref::new(s), origin));
                    }
                }
                Pending::NaclEntry { nacl, entry } => {
                    if let Some(n) = find(&self.nacls, &nacl) {
                        match entry {
                            Some(e) => d.network_acls[n].entries.push(e),
                            None => d.network_acls[n].has_unknown_entries = true,
                        }
                    }
                }
                Pending::NaclAssociation { nacl, subnet, origin } => {
                    if let Some(s) = subnet.known() {
                        explicit_nacl.insert(s.clone());
                        if let Some(n) = find(&self.nacls, &nacl) {
                            d.network_acls[n].subnets.push((Ref::new(s), origin));
                        }
                    }
                }
                Pending::VpcCidr { vpc, cidr, undecided } => {
                    if let Some(v) = find(&self.vpcs, &vpc) {
                        d.vpcs[v].cidrs.extend(cidr);
                        d.vpcs[v].undecided_blocks.extend(undecided);
                    }
                }
                Pending::GatewayAttachment { igw, vpc } => {
                    if let (Some(g), Some(v)) = (find(&self.igws, &igw), vpc.known()) {
                        d.internet_gateways[g]
                            .attachments
                            .push(GatewayAttachment { vpc: Ref::new(v), state: "available".into() });
                    }
                }
                Pending::SgRule { group, egress, rule } => {
                    if let (Some(g), Some(rule)) = (find(&self.sgs, &group), rule) {
                        let sg = &mut d.security_groups[g];
                        if egress { sg.egress.push(rule) } else { sg.ingress.push(rule) }
                    }
                }
                Pending::EipAssociation { eip, instance, eni } => {
                    if let Some(e) = find(&self.eips, &eip) {
                        let x = &mut d.elastic_ips[e];
                        // The association resource decides, as it does in every format.
                        x.instance = instance.or(x.instance.take());
                        x.network_interface = eni.or(x.network_interface.take());
                    }
                }
                Pending::Forward { listener_or_lb, groups } => {
                    let lb = listener_or_lb.known().map(|l| self.listener_lbs.get(&l).cloned().unwrap_or(l));
                    if let Some(lb) = lb {
                        for g in groups {
                            if let Some(&i) = self.target_groups.get(&g) {
                                let list = &mut d.target_groups[i].load_balancers;
                                if !list.iter().any(|r| r.id == lb) {
                                    list.push(Ref::new(lb.clone()));
                                }
                            }
                        }
                    }
                }
                Pending::TgwRoute { table, cidr, attachment } => {
                    if let (Some(t), Some(c)) = (find(&self.tgw_tables, &table), cidr) {
                        d.transit_gateway_route_tables[t].routes.push((c, attachment.map(Ref::new)));
                    }
                }
                Pending::TgwTableLink { table, attachment, propagation } => {
                    let Some(att) = attachment.known() else { continue };
                    if !propagation {
                        explicit_tgw_association.insert(att.clone());
                    }
                    match find(&self.tgw_tables, &table) {
                        Some(t) => {
                            let rt = &mut d.transit_gateway_route_tables[t];
                            let list = if propagation { &mut rt.propagations } else { &mut rt.associations };
                            list.push(Ref::new(att));
                        }
                        // A table outside the template has a physical id.
                        None => {
                            if let Some(table) = table.known() {
                                d.tgw_table_links.push((table, att, propagation));
                            }
                        }
                    }
                }
            }
        }
        created.nacl_associated = explicit_nacl;
        created.tgw_associated = explicit_tgw_association;
        created.attachments = std::mem::take(&mut self.tgw_attachments)
            .into_iter()
            .filter_map(|(id, tgw)| {
                Some(NewAttachment { id, transit_gateway: tgw.known()?, associate: true, propagate: true })
            })
            .collect();
        defaults::link(self.loaded, self.file, &created);
        let d = &mut self.loaded.design;
        // Elastic IPs a NAT gateway, a load balancer mapping or an instance takes by allocation
        // are in use even without an association.
        for (logical, &e) in &self.eips {
            if self.referenced.contains(logical) && d.elastic_ips[e].association_id.is_none() {
                d.elastic_ips[e].association_id = Some("(referenced in the template)".into());
            }
        }
        let mut eip_instances: HashSet<String> = HashSet::new();
        for &e in self.eips.values() {
            eip_instances.extend(d.elastic_ips[e].instance.clone());
        }
        for (logical, &i) in &self.instances {
            let inst = &mut d.instances[i];
            // Without a subnet of this template the instance lands in the default VPC's default
            // subnet, or in one defined elsewhere: whether it gets an address is not known here.
            let launch = inst.subnet.as_ref().and_then(|s| self.launch_public_ip.get(&s.id).copied()).flatten();
            if eip_instances.contains(logical) {
                inst.public_ip = Some("(Elastic IP)".into());
            } else if launch == Some(true) {
                inst.public_ip = Some("(assigned at launch)".into());
            } else if launch.is_none() {
                inst.public_ip_unknown = true;
            }
        }
    }
}
