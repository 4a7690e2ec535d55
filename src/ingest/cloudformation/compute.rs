//! Instances, interfaces, load balancers, listeners and target groups of a template.

use super::*;

impl Builder<'_, '_> {
    /// Instances, interfaces, load balancers, listeners and target groups; `Err` for a type of another family.
    pub(super) fn build_compute(&mut self, r: &Res<'_>) -> Result<Option<ResourceKind>, ()> {
        Ok(match r.rtype {
            "AWS::EC2::Instance" => self.instance(r),
            "AWS::EC2::NetworkInterface" => {
                let eni = NetworkInterface {
                    vpc: None,
                    subnet: r.link("SubnetId").to_ref(),
                    private_ips: r.str("PrivateIpAddress").into_iter().collect(),
                    public_ip: None,
                    security_groups: links(r.get("GroupSet")).0.into_iter().map(Ref::new).collect(),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::NetworkInterface, eni, |d| &mut d.network_interfaces)
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => self.load_balancer(r),
            "AWS::ElasticLoadBalancing::LoadBalancer" => self.classic_load_balancer(r),
            "AWS::ElasticLoadBalancingV2::Listener" => {
                let lb = r.link("LoadBalancerArn");
                self.pending.push(Edit::Forward {
                    listener_or_lb: lb.known(),
                    groups: forwarded_groups(r.get("DefaultActions")),
                });
                let l = Listener {
                    load_balancer: lb.to_ref(),
                    protocol: r.str("Protocol"),
                    port: port(r.get("Port")),
                    meta: self.meta(r),
                };
                self.push(ResourceKind::Listener, l, |d| &mut d.listeners)
            }
            "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                let groups = forwarded_groups(r.get("Actions"));
                self.pending.push(Edit::Forward { listener_or_lb: r.link("ListenerArn").known(), groups });
                None
            }
            "AWS::ElasticLoadBalancingV2::TargetGroup" => {
                let targets = match r.get("Targets") {
                    Some(Val::List(items)) => items
                        .iter()
                        .filter_map(|t| {
                            Some(crate::model::Target { id: Link::of(t.get("Id")).known()?, port: port(t.get("Port")) })
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let tg = TargetGroup {
                    vpc: r.link("VpcId").to_ref(),
                    protocol: r.str("Protocol"),
                    port: port(r.get("Port")),
                    load_balancers: Vec::new(),
                    target_type: r.str("TargetType").or_else(|| Some("instance".into())),
                    targets,
                    meta: self.meta(r),
                };
                self.push(ResourceKind::TargetGroup, tg, |d| &mut d.target_groups)
            }
            _ => return Err(()),
        })
    }

    pub(super) fn instance(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let mut subnet = r.link("SubnetId");
        // `SecurityGroups` names groups of the default VPC (a template's groups by `Ref`).
        let mut groups = links(r.get("SecurityGroupIds")).0;
        groups.extend(links(r.get("SecurityGroups")).0);
        let mut public = None;
        // The primary interface may be declared inline instead.
        if let Some(Val::List(enis)) = r.get("NetworkInterfaces")
            && let Some(primary) =
                enis.iter().find(|e| e.get("DeviceIndex").and_then(Val::as_i64) == Some(0)).or(enis.first())
        {
            if subnet == Link::Absent {
                subnet = Link::of(primary.get("SubnetId"));
            }
            groups.extend(links(primary.get("GroupSet")).0);
            public = primary.get("AssociatePublicIpAddress").and_then(Val::as_bool);
        }
        let inst = Instance {
            vpc: None,
            subnet: subnet.to_ref(),
            private_ip: r.str("PrivateIpAddress"),
            public_ip: (public == Some(true)).then(|| "(assigned at launch)".to_string()),
            public_ip_unknown: false,
            security_groups: groups.into_iter().map(Ref::new).collect(),
            state: InstanceState::Planned,
            meta: self.meta(r),
        };
        let kind = self.push(ResourceKind::Instance, inst, |d| &mut d.instances);
        if let Some(i) = self.last_pushed
            && public.is_none()
        {
            // Decided by the subnet's `MapPublicIpOnLaunch` once every subnet is read.
            self.instances.insert(r.logical.to_string(), i);
        }
        kind
    }

    pub(super) fn load_balancer(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let kind = match r.str("Type").as_deref() {
            Some("network") => LbKind::Network,
            Some("gateway") => LbKind::Gateway,
            _ => LbKind::Application,
        };
        let scheme = match (r.get("Scheme"), kind) {
            (_, LbKind::Gateway) => Scheme::Internal,
            (None, _) => Scheme::InternetFacing,
            (Some(v), _) => match v.as_str().as_deref() {
                Some("internal") => Scheme::Internal,
                Some("internet-facing") => Scheme::InternetFacing,
                _ => Scheme::Unknown,
            },
        };
        let mut subnets = self.subnet_list(r);
        if let Some(Val::List(maps)) = r.get("SubnetMappings") {
            let base = self.prop_origin(r, "SubnetMappings");
            for (i, m) in maps.iter().enumerate() {
                if let Some(s) = Link::of(m.get("SubnetId")).known() {
                    subnets.push((Ref::new(s), base.at(i)));
                }
            }
        }
        let lb = LoadBalancer {
            kind,
            scheme,
            vpc: None,
            subnets,
            ip_address_type: r.str("IpAddressType"),
            security_groups: links(r.get("SecurityGroups")).0.into_iter().map(Ref::new).collect(),
            zones: Vec::new(),
            meta: self.meta(r),
        };
        self.push(ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers)
    }

    /// A load balancer's `Subnets`, each pointing at its own list entry. An entry the template
    /// does not decide stays in the list as an unresolvable subnet, so rules know the list is
    /// incomplete (one known zone does not make a single-zone load balancer).
    pub(super) fn subnet_list(&self, r: &Res<'_>) -> Vec<(Ref<Subnets>, Origin)> {
        let base = self.prop_origin(r, "Subnets");
        match r.get("Subnets") {
            Some(Val::List(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match Link::of(Some(v)) {
                    Link::Known(s) => Some((Ref::new(s), base.at(i))),
                    Link::Unknown => Some((Ref::new(UNDECIDED_SUBNET), base.at(i))),
                    Link::Absent => None,
                })
                .collect(),
            Some(Val::Unknown) => vec![(Ref::new(UNDECIDED_SUBNET), base)],
            _ => Vec::new(),
        }
    }

    pub(super) fn classic_load_balancer(&mut self, r: &Res<'_>) -> Option<ResourceKind> {
        let scheme = match r.str("Scheme").as_deref() {
            None | Some("internet-facing") => Scheme::InternetFacing,
            _ => Scheme::Internal,
        };
        let zones = match r.get("AvailabilityZones") {
            Some(Val::List(items)) => items.iter().filter_map(Val::display).collect(),
            _ => Vec::new(),
        };
        let lb = LoadBalancer {
            kind: LbKind::Classic,
            scheme,
            vpc: None,
            subnets: self.subnet_list(r),
            ip_address_type: None,
            security_groups: links(r.get("SecurityGroups")).0.into_iter().map(Ref::new).collect(),
            zones,
            meta: self.meta(r),
        };
        let mut listeners = Vec::new();
        if let Some(Val::List(items)) = r.get("Listeners") {
            for (i, l) in items.iter().enumerate() {
                let mut meta = lb.meta.clone();
                let p = port(l.get("LoadBalancerPort"));
                meta.id = format!("{}:{}", lb.meta.id, p.unwrap_or_default());
                meta.origin = self.origin(r).at("Properties").at("Listeners").at(i);
                listeners.push(Listener {
                    load_balancer: Some(Ref::new(lb.meta.id.clone())),
                    protocol: l.get("Protocol").and_then(Val::as_str),
                    port: p,
                    meta,
                });
            }
        }
        let kind = self.push(ResourceKind::LoadBalancer, lb, |d| &mut d.load_balancers);
        if self.last_pushed.is_some() {
            if !listeners.is_empty() {
                self.loaded.design.kinds_present.insert(ResourceKind::Listener);
            }
            self.loaded.design.listeners.extend(listeners);
        }
        kind
    }
}

/// Target groups named by listener actions (`TargetGroupArn`, or `ForwardConfig.TargetGroups`).
pub(super) fn forwarded_groups(actions: Option<&Val>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Val::List(actions)) = actions {
        for a in actions {
            out.extend(Link::of(a.get("TargetGroupArn")).known());
            if let Some(Val::List(groups)) = a.get("ForwardConfig").and_then(|f| f.get("TargetGroups")) {
                out.extend(groups.iter().filter_map(|g| Link::of(g.get("TargetGroupArn")).known()));
            }
        }
    }
    out
}
