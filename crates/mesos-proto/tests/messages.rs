//! Protobuf golden tests for the v1 message definitions: hand-assembled wire bytes pin the
//! field numbers (especially the ones that differ from declaration order or enum values),
//! plus prost round trips of complete scheduler calls and events.

use std::collections::BTreeMap;

use mesos_proto::v1::scheduler::{self, Call, Event, call, event};
use mesos_proto::v1::{self as v1, *};
use prost::Message;

// ---- tiny wire-format helpers (proto2 encoding by hand) ----

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn key(tag: u32, wire_type: u8) -> Vec<u8> {
    varint(u64::from(tag) << 3 | u64::from(wire_type))
}

/// Varint field.
fn vf(tag: u32, v: u64) -> Vec<u8> {
    [key(tag, 0), varint(v)].concat()
}

/// Length-delimited field.
fn ld(tag: u32, payload: &[u8]) -> Vec<u8> {
    [key(tag, 2), varint(payload.len() as u64), payload.to_vec()].concat()
}

/// String field.
fn sf(tag: u32, s: &str) -> Vec<u8> {
    ld(tag, s.as_bytes())
}

/// Double field.
fn df(tag: u32, v: f64) -> Vec<u8> {
    [key(tag, 1), v.to_le_bytes().to_vec()].concat()
}

/// An `{1: value}` id message as a field.
fn idf(tag: u32, value: &str) -> Vec<u8> {
    ld(tag, &sf(1, value))
}

fn check<M: Message + Default + PartialEq + std::fmt::Debug>(msg: &M, golden: &[u8]) {
    assert_eq!(msg.encode_to_vec(), golden, "encoding differs from golden bytes");
    assert_eq!(&M::decode(golden).expect("golden bytes decode"), msg, "decoding golden bytes differs");
}

fn scalar(v: f64) -> value::Scalar {
    value::Scalar { value: v }
}

fn cpus(amount: f64) -> Resource {
    Resource {
        name: "cpus".into(),
        r#type: value::Type::Scalar as i32,
        scalar: Some(scalar(amount)),
        ..Default::default()
    }
}

// ---- golden bytes ----

#[test]
fn helpers_match_literal_bytes() {
    // Sanity check the helpers against fully literal bytes once.
    assert_eq!(key(15, 2), [0x7a]);
    assert_eq!(key(16, 2), [0x82, 0x01]);
    assert_eq!(vf(3, 5051), [0x18, 0xbb, 0x27]);
    assert_eq!(idf(1, "f"), [0x0a, 0x03, 0x0a, 0x01, b'f']);
}

#[test]
fn attribute_set_is_field_6_and_text_field_5() {
    let attr = Attribute {
        name: "rack".into(),
        r#type: value::Type::Set as i32,
        set: Some(value::Set { item: vec!["r1".into(), "r2".into()] }),
        ..Default::default()
    };
    let golden = [
        sf(1, "rack"),
        vf(2, 2),
        // field 6, length 8: item "r1", item "r2"
        vec![0x32, 0x08, 0x0a, 0x02, b'r', b'1', 0x0a, 0x02, b'r', b'2'],
    ]
    .concat();
    check(&attr, &golden);

    let text = Attribute {
        name: "zone".into(),
        r#type: value::Type::Text as i32,
        text: Some(value::Text { value: "z".into() }),
        ..Default::default()
    };
    check(&text, &[sf(1, "zone"), vf(2, 3), vec![0x2a, 0x03, 0x0a, 0x01, b'z']].concat());
}

#[test]
fn executor_message_data_is_field_2() {
    use v1::executor;
    let c = executor::Call {
        executor_id: "e".into(),
        framework_id: "f".into(),
        r#type: Some(executor::call::Type::Message as i32),
        subscribe: None,
        update: None,
        message: Some(executor::call::Message { data: b"hi".to_vec() }),
    };
    let golden = [
        idf(1, "e"),
        idf(2, "f"),
        vec![0x18, 0x03],
        // field 6 (message), length 4: field 2 (data) "hi"
        vec![0x32, 0x04, 0x12, 0x02, b'h', b'i'],
    ]
    .concat();
    check(&c, &golden);
}

#[test]
fn scheduler_revive_is_field_15_with_type_5() {
    let c = Call {
        framework_id: Some("f".into()),
        r#type: Some(call::Type::Revive as i32),
        revive: Some(call::Revive { roles: vec!["r".into()] }),
        ..Default::default()
    };
    let golden = [idf(1, "f"), vec![0x10, 0x05], vec![0x7a, 0x03, 0x0a, 0x01, b'r']].concat();
    check(&c, &golden);
    assert_eq!(call::Type::Revive as i32, 5);
}

#[test]
fn scheduler_call_union_field_numbers() {
    let cases: Vec<(Call, u32)> = vec![
        (Call { subscribe: Some(Default::default()), ..Default::default() }, 3),
        (Call { accept: Some(Default::default()), ..Default::default() }, 4),
        (Call { decline: Some(Default::default()), ..Default::default() }, 5),
        (Call { kill: Some(Default::default()), ..Default::default() }, 6),
        (Call { shutdown: Some(Default::default()), ..Default::default() }, 7),
        (Call { acknowledge: Some(Default::default()), ..Default::default() }, 8),
        (Call { reconcile: Some(Default::default()), ..Default::default() }, 9),
        (Call { message: Some(Default::default()), ..Default::default() }, 10),
        (Call { request: Some(Default::default()), ..Default::default() }, 11),
        (Call { accept_inverse_offers: Some(Default::default()), ..Default::default() }, 13),
        (Call { decline_inverse_offers: Some(Default::default()), ..Default::default() }, 14),
        (Call { revive: Some(Default::default()), ..Default::default() }, 15),
        (Call { suppress: Some(Default::default()), ..Default::default() }, 16),
        (Call { acknowledge_operation_status: Some(Default::default()), ..Default::default() }, 17),
        (Call { reconcile_operations: Some(Default::default()), ..Default::default() }, 18),
        (Call { update_framework: Some(Default::default()), ..Default::default() }, 19),
    ];
    for (c, tag) in cases {
        let bytes = c.encode_to_vec();
        assert_eq!(&bytes[..key(tag, 2).len()], key(tag, 2).as_slice(), "member with tag {tag}");
    }
    let type_numbers = [
        (call::Type::Unknown, 0),
        (call::Type::Subscribe, 1),
        (call::Type::Teardown, 2),
        (call::Type::Accept, 3),
        (call::Type::Decline, 4),
        (call::Type::Revive, 5),
        (call::Type::Kill, 6),
        (call::Type::Shutdown, 7),
        (call::Type::Acknowledge, 8),
        (call::Type::Reconcile, 9),
        (call::Type::Message, 10),
        (call::Type::Request, 11),
        (call::Type::Suppress, 12),
        (call::Type::AcceptInverseOffers, 13),
        (call::Type::DeclineInverseOffers, 14),
        (call::Type::AcknowledgeOperationStatus, 15),
        (call::Type::ReconcileOperations, 16),
        (call::Type::UpdateFramework, 17),
    ];
    for (t, n) in type_numbers {
        assert_eq!(t as i32, n, "{t:?}");
    }
}

#[test]
fn scheduler_event_union_field_numbers() {
    let cases: Vec<(Event, u32)> = vec![
        (Event { subscribed: Some(Default::default()), ..Default::default() }, 2),
        (Event { offers: Some(Default::default()), ..Default::default() }, 3),
        (Event { rescind: Some(Default::default()), ..Default::default() }, 4),
        (Event { update: Some(Default::default()), ..Default::default() }, 5),
        (Event { message: Some(Default::default()), ..Default::default() }, 6),
        (Event { failure: Some(Default::default()), ..Default::default() }, 7),
        (Event { error: Some(Default::default()), ..Default::default() }, 8),
        (Event { inverse_offers: Some(Default::default()), ..Default::default() }, 9),
        (Event { rescind_inverse_offer: Some(Default::default()), ..Default::default() }, 10),
        (Event { update_operation_status: Some(Default::default()), ..Default::default() }, 11),
    ];
    for (e, tag) in cases {
        let bytes = e.encode_to_vec();
        assert_eq!(&bytes[..key(tag, 2).len()], key(tag, 2).as_slice(), "member with tag {tag}");
    }
    let heartbeat = Event { r#type: Some(event::Type::Heartbeat as i32), ..Default::default() };
    check(&heartbeat, &[0x08, 0x08]);
    let error = Event {
        r#type: Some(event::Type::Error as i32),
        error: Some(event::Error { message: "boom".into() }),
        ..Default::default()
    };
    check(&error, &[vf(1, 7), ld(8, &sf(1, "boom"))].concat());
}

#[test]
fn offer_url_is_8_and_domain_is_11() {
    let offer = Offer {
        id: "o".into(),
        framework_id: "f".into(),
        agent_id: "a".into(),
        hostname: "h".into(),
        url: Some(Url {
            scheme: "http".into(),
            address: Address { hostname: None, ip: Some("10.0.0.1".into()), port: 5051 },
            path: Some("/slave(1)".into()),
            query: vec![],
            fragment: None,
        }),
        domain: Some(DomainInfo {
            fault_domain: Some(domain_info::FaultDomain {
                region: domain_info::fault_domain::RegionInfo { name: "r".into() },
                zone: domain_info::fault_domain::ZoneInfo { name: "z".into() },
            }),
        }),
        resources: vec![cpus(1.0)],
        attributes: vec![],
        executor_ids: vec!["e".into()],
        unavailability: None,
        allocation_info: Some(AllocationInfo { role: Some("web".into()) }),
    };
    let url = [sf(1, "http"), ld(2, &[sf(2, "10.0.0.1"), vf(3, 5051)].concat()), sf(3, "/slave(1)")].concat();
    let domain = ld(1, &[ld(1, &sf(1, "r")), ld(2, &sf(1, "z"))].concat());
    let golden = [
        idf(1, "o"),
        idf(2, "f"),
        idf(3, "a"),
        sf(4, "h"),
        ld(5, &[sf(1, "cpus"), vf(2, 0), ld(3, &df(1, 1.0))].concat()),
        idf(6, "e"),
        ld(8, &url),
        ld(10, &sf(1, "web")),
        ld(11, &domain),
    ]
    .concat();
    assert_eq!(golden[golden.len() - domain.len() - 2], 0x5a, "domain key byte is (11 << 3) | 2");
    check(&offer, &golden);
}

#[test]
fn task_status_field_numbers() {
    let status = TaskStatus {
        task_id: "t".into(),
        state: TaskState::TaskRunning as i32,
        message: Some("m".into()),
        source: Some(task_status::Source::SourceExecutor as i32),
        reason: Some(task_status::Reason::ReasonTaskHealthCheckStatusUpdated as i32),
        data: Some(b"d".to_vec()),
        agent_id: Some("a".into()),
        executor_id: Some("e".into()),
        timestamp: Some(1.5),
        uuid: Some(vec![0xab; 16]),
        healthy: Some(true),
        check_status: Some(CheckStatusInfo {
            r#type: Some(check_info::Type::Tcp as i32),
            tcp: Some(check_status_info::Tcp { succeeded: Some(true) }),
            ..Default::default()
        }),
        labels: Some(Labels { labels: vec![Label { key: "k".into(), value: Some("v".into()) }] }),
        container_status: Some(ContainerStatus {
            container_id: Some("c".into()),
            network_infos: vec![],
            cgroup_info: Some(CgroupInfo {
                net_cls: Some(cgroup_info::NetCls { classid: Some(0x0010_0001) }),
            }),
            executor_pid: Some(42),
        }),
        unreachable_time: Some(TimeInfo { nanoseconds: 5 }),
        limitation: Some(TaskResourceLimitation { resources: vec![] }),
    };
    let golden = [
        idf(1, "t"),
        vf(2, 1),
        sf(3, "d"),
        sf(4, "m"),
        idf(5, "a"),
        df(6, 1.5),
        idf(7, "e"),
        vf(8, 1),
        vf(9, 2),
        vf(10, 29),
        ld(11, &[0xab; 16]),
        ld(12, &ld(1, &[sf(1, "k"), sf(2, "v")].concat())),
        ld(13, &[ld(2, &ld(1, &vf(1, 0x0010_0001))), vf(3, 42), idf(4, "c")].concat()),
        ld(14, &vf(1, 5)),
        ld(15, &[vf(1, 3), ld(4, &vf(1, 1))].concat()),
        vec![0x82, 0x01, 0x00], // field 16 (limitation), empty
    ]
    .concat();
    check(&status, &golden);
}

#[test]
fn resource_reservations_is_13() {
    let r = Resource {
        reservations: vec![resource::ReservationInfo {
            r#type: Some(resource::reservation_info::Type::Dynamic as i32),
            role: Some("eng".into()),
            principal: Some("p".into()),
            labels: None,
        }],
        allocation_info: Some(AllocationInfo { role: Some("eng".into()) }),
        provider_id: Some("rp".into()),
        ..cpus(0.5)
    };
    let golden = [
        sf(1, "cpus"),
        vf(2, 0),
        ld(3, &df(1, 0.5)),
        ld(11, &sf(1, "eng")),
        ld(12, &sf(1, "rp")),
        // ReservationInfo: principal=1, role=3, type=4
        vec![0x6a, 0x0a],
        sf(1, "p"),
        sf(3, "eng"),
        vf(4, 2),
    ]
    .concat();
    check(&r, &golden);
}

#[test]
fn resource_disk_and_markers() {
    let r = Resource {
        name: "disk".into(),
        r#type: value::Type::Scalar as i32,
        scalar: Some(scalar(64.0)),
        role: Some("eng".into()),
        reservation: Some(resource::ReservationInfo { principal: Some("p".into()), ..Default::default() }),
        disk: Some(resource::DiskInfo {
            persistence: Some(resource::disk_info::Persistence { id: "v1".into(), principal: None }),
            volume: Some(Volume {
                mode: volume::Mode::Rw as i32,
                container_path: "data".into(),
                ..Default::default()
            }),
            source: None,
        }),
        revocable: Some(resource::RevocableInfo {}),
        shared: Some(resource::SharedInfo {}),
        ..Default::default()
    };
    let golden = [
        sf(1, "disk"),
        vf(2, 0),
        ld(3, &df(1, 64.0)),
        sf(6, "eng"),
        ld(7, &[ld(1, &sf(1, "v1")), ld(2, &[sf(1, "data"), vf(3, 1)].concat())].concat()),
        ld(8, &sf(1, "p")),
        ld(9, &[]),
        ld(10, &[]),
    ]
    .concat();
    check(&r, &golden);
}

#[test]
fn framework_info_offer_filters_is_map_13() {
    let quantities = ResourceQuantities { quantities: BTreeMap::from([("cpus".to_string(), scalar(1.0))]) };
    let info = FrameworkInfo {
        user: "u".into(),
        name: "n".into(),
        roles: vec!["r".into()],
        capabilities: vec![framework_info::Capability {
            r#type: Some(framework_info::capability::Type::MultiRole as i32),
        }],
        offer_filters: BTreeMap::from([(
            "r".to_string(),
            OfferFilters {
                min_allocatable_resources: Some(offer_filters::MinAllocatableResources {
                    quantities: vec![quantities],
                }),
            },
        )]),
        ..Default::default()
    };
    let rq = ld(1, &[sf(1, "cpus"), ld(2, &df(1, 1.0))].concat()); // one map entry
    let offer_filters = ld(1, &ld(1, &rq));
    let golden = [
        sf(1, "u"),
        sf(2, "n"),
        ld(10, &vf(1, 6)),
        sf(12, "r"),
        ld(13, &[sf(1, "r"), ld(2, &offer_filters)].concat()),
    ]
    .concat();
    check(&info, &golden);
}

#[test]
fn task_info_limits_is_map_15() {
    let task = TaskInfo {
        name: "t".into(),
        task_id: "t1".into(),
        agent_id: "a".into(),
        resources: vec![cpus(1.0)],
        limits: BTreeMap::from([
            ("cpus".to_string(), scalar(f64::INFINITY)),
            ("mem".to_string(), scalar(512.0)),
        ]),
        ..Default::default()
    };
    let golden = [
        sf(1, "t"),
        idf(2, "t1"),
        idf(3, "a"),
        ld(4, &[sf(1, "cpus"), vf(2, 0), ld(3, &df(1, 1.0))].concat()),
        ld(15, &[sf(1, "cpus"), ld(2, &df(1, f64::INFINITY))].concat()),
        ld(15, &[sf(1, "mem"), ld(2, &df(1, 512.0))].concat()),
    ]
    .concat();
    check(&task, &golden);
}

#[test]
fn operation_and_misc_field_numbers() {
    let op = offer::Operation {
        r#type: Some(offer::operation::Type::Reserve as i32),
        id: Some("op".into()),
        reserve: Some(offer::operation::Reserve { source: vec![cpus(1.0)], resources: vec![cpus(2.0)] }),
        ..Default::default()
    };
    let golden = [
        vf(1, 2),
        ld(
            3,
            &[
                ld(1, &[sf(1, "cpus"), vf(2, 0), ld(3, &df(1, 2.0))].concat()),
                ld(2, &[sf(1, "cpus"), vf(2, 0), ld(3, &df(1, 1.0))].concat()),
            ]
            .concat(),
        ),
        idf(12, "op"),
    ]
    .concat();
    check(&op, &golden);

    let env = Environment {
        variables: vec![environment::Variable {
            name: "A".into(),
            r#type: Some(environment::variable::Type::Value as i32),
            value: Some("1".into()),
            secret: None,
        }],
    };
    check(&env, &ld(1, &[sf(1, "A"), sf(2, "1"), vf(3, 1)].concat()));

    let cap = CapabilityInfo {
        capabilities: vec![
            capability_info::Capability::NetAdmin as i32,
            capability_info::Capability::SysAdmin as i32,
        ],
    };
    // proto2 repeated enums are not packed
    check(&cap, &[vf(1, 1012), vf(1, 1021)].concat());

    let http = HttpCheckInfo { port: 80, statuses: vec![200, 204], ..Default::default() };
    check(&http, &[vf(1, 80), vf(4, 200), vf(4, 204)].concat());

    let status = OperationStatus {
        operation_id: Some("op".into()),
        state: OperationState::OperationFinished as i32,
        uuid: Some(Uuid { value: vec![1; 16] }),
        ..Default::default()
    };
    check(&status, &[idf(1, "op"), vf(2, 2), ld(5, &ld(1, &[1; 16]))].concat());
}

#[test]
fn executor_event_and_call_field_numbers() {
    use v1::executor::{self, call as ecall, event as eevent};
    let ev = executor::Event {
        r#type: Some(eevent::Type::LaunchGroup as i32),
        launch_group: Some(eevent::LaunchGroup { task_group: TaskGroupInfo { tasks: vec![] } }),
        ..Default::default()
    };
    check(&ev, &[vf(1, 8), ld(8, &ld(1, &[]))].concat());

    let ack = executor::Event {
        r#type: Some(eevent::Type::Acknowledged as i32),
        acknowledged: Some(eevent::Acknowledged { task_id: "t".into(), uuid: vec![7; 16] }),
        ..Default::default()
    };
    check(&ack, &[vf(1, 4), ld(3, &[idf(1, "t"), ld(2, &[7; 16])].concat())].concat());

    let update = executor::Call {
        executor_id: "e".into(),
        framework_id: "f".into(),
        r#type: Some(ecall::Type::Update as i32),
        subscribe: None,
        update: Some(ecall::Update {
            status: TaskStatus {
                task_id: "t".into(),
                state: TaskState::TaskStarting as i32,
                source: Some(task_status::Source::SourceExecutor as i32),
                ..Default::default()
            },
        }),
        message: None,
    };
    check(
        &update,
        &[idf(1, "e"), idf(2, "f"), vf(3, 2), ld(5, &ld(1, &[idf(1, "t"), vf(2, 0), vf(9, 2)].concat()))]
            .concat(),
    );
}

// ---- defaults and enum numbering ----

#[test]
fn explicit_defaults_are_visible_through_getters() {
    let hc = HealthCheck::default();
    assert_eq!(hc.delay_seconds(), 15.0);
    assert_eq!(hc.interval_seconds(), 10.0);
    assert_eq!(hc.timeout_seconds(), 20.0);
    assert_eq!(hc.consecutive_failures(), 3);
    assert_eq!(hc.grace_period_seconds(), 10.0);
    assert_eq!(CheckInfo::default().timeout_seconds(), 20.0);
    assert_eq!(HttpCheckInfo::default().protocol(), network_info::Protocol::Ipv4);
    assert_eq!(TcpCheckInfo::default().protocol(), network_info::Protocol::Ipv4);
    assert_eq!(network_info::IpAddress::default().protocol(), network_info::Protocol::Ipv4);
    assert_eq!(Filters::default().refuse_seconds(), 5.0);
    assert!(CommandInfo::default().shell());
    assert!(command_info::Uri::default().extract());
    assert_eq!(environment::Variable::default().r#type(), environment::variable::Type::Value);
    assert!(Image::default().cached());
    assert_eq!(container_info::DockerInfo::default().network(), container_info::docker_info::Network::Host);
    assert!(!container_info::DockerInfo::default().privileged());
    assert!(LinuxInfo::default().share_cgroups());
    assert_eq!(AgentInfo::default().port(), 5051);
    assert_eq!(MasterInfo::default().port, 5050);
    assert_eq!(FrameworkInfo::default().failover_timeout(), 0.0);
    assert!(!FrameworkInfo::default().checkpoint());
    // Deprecated defaulted fields carry no default attribute.
    assert_eq!(FrameworkInfo::default().role(), "");
    assert_eq!(Resource::default().role(), "");
    // Unset optionals stay unset on the wire.
    assert!(HealthCheck::default().encode_to_vec().is_empty());
}

#[test]
fn enum_numbering_and_proto2_defaults() {
    // TaskState has no zero sentinel; its declared default is TASK_STAGING (6).
    assert_eq!(TaskState::default(), TaskState::TaskStaging);
    assert_eq!(TaskState::TaskStarting as i32, 0);
    assert_eq!(TaskStatus::default().state(), TaskState::TaskStaging);
    let numbers = [
        (TaskState::TaskStaging, 6),
        (TaskState::TaskStarting, 0),
        (TaskState::TaskRunning, 1),
        (TaskState::TaskKilling, 8),
        (TaskState::TaskFinished, 2),
        (TaskState::TaskFailed, 3),
        (TaskState::TaskKilled, 4),
        (TaskState::TaskError, 7),
        (TaskState::TaskLost, 5),
        (TaskState::TaskDropped, 9),
        (TaskState::TaskUnreachable, 10),
        (TaskState::TaskGone, 11),
        (TaskState::TaskGoneByOperator, 12),
        (TaskState::TaskUnknown, 13),
    ];
    for (s, n) in numbers {
        assert_eq!(s as i32, n);
        assert_eq!(TaskState::try_from(n), Ok(s));
    }
    // An unset source reads as SOURCE_MASTER.
    assert_eq!(TaskStatus::default().source(), task_status::Source::SourceMaster);
    assert_eq!(task_status::Reason::ReasonCommandExecutorFailed as i32, 0);
    assert_eq!(task_status::Reason::ReasonAgentDraining as i32, 34);
    assert_eq!(task_status::Reason::ReasonIoSwitchboardExited as i32, 27);
    assert_eq!(container_info::Type::default(), container_info::Type::Docker);
    assert_eq!(volume::source::Type::HostPath as i32, 4);
    assert_eq!(volume::source::Type::CsiVolume as i32, 5);
    assert_eq!(offer::operation::Type::LaunchGroup as i32, 6);
    assert_eq!(offer::operation::Type::DestroyDisk as i32, 14);
    assert_eq!(capability_info::Capability::CheckpointRestore as i32, 1040);
    assert_eq!(r_limit_info::r_limit::Type::RlmtStack as i32, 16);
    assert_eq!(v1::executor::event::Type::Heartbeat as i32, 9);
    assert_eq!(v1::executor::event::Type::LaunchGroup as i32, 8);
    assert_eq!(event::Type::UpdateOperationStatus as i32, 11);
    assert_eq!(OperationState::OperationUnknown as i32, 9);
    assert_eq!(agent_info::capability::Type::TaskResourceLimits as i32, 8);
    assert_eq!(master_info::capability::Type::QuotaV2 as i32, 3);
}

// ---- convenience impls ----

#[test]
fn id_conversions_and_display() {
    let f: FrameworkId = "fw-0000".into();
    assert_eq!(f.value, "fw-0000");
    assert_eq!(f.to_string(), "fw-0000");
    assert_eq!(TaskId::from(String::from("t")).as_str(), "t");
    assert_eq!(AgentId::from("S1").to_string(), "S1");
    assert_eq!(OfferId::from("O1").to_string(), "O1");
    assert_eq!(ExecutorId::from("e").to_string(), "e");
    assert_eq!(OperationId::from("op").to_string(), "op");
    assert_eq!(ResourceProviderId::from("rp").to_string(), "rp");
    let root = ContainerId::from("c1");
    assert_eq!(root.to_string(), "c1");
    assert_eq!(ContainerId::nested(root, "c2").to_string(), "c1.c2");
}

#[test]
fn terminal_states() {
    let terminal: Vec<TaskState> =
        (0..=13).filter_map(|n| TaskState::try_from(n).ok()).filter(|s| s.is_terminal()).collect();
    // In numeric order: 2, 3, 4, 5, 7, 9, 11, 12.
    assert_eq!(
        terminal,
        [
            TaskState::TaskFinished,
            TaskState::TaskFailed,
            TaskState::TaskKilled,
            TaskState::TaskLost,
            TaskState::TaskError,
            TaskState::TaskDropped,
            TaskState::TaskGone,
            TaskState::TaskGoneByOperator,
        ]
    );
    for s in [
        TaskState::TaskStaging,
        TaskState::TaskStarting,
        TaskState::TaskRunning,
        TaskState::TaskKilling,
        TaskState::TaskUnreachable,
        TaskState::TaskUnknown,
    ] {
        assert!(!s.is_terminal(), "{s:?}");
    }
    let terminal_ops: Vec<i32> =
        (0..=9).filter(|n| OperationState::try_from(*n).unwrap().is_terminal()).collect();
    assert_eq!(terminal_ops, [2, 3, 4, 5, 7]);
}

// ---- full round trips ----

fn full_subscribe() -> Call {
    let constraint = scheduler::AttributeConstraint {
        selector: scheduler::attribute_constraint::Selector {
            pseudoattribute_type: None,
            attribute_name: Some("rack".into()),
        },
        predicate: scheduler::attribute_constraint::Predicate {
            text_matches: Some(scheduler::attribute_constraint::predicate::TextMatches {
                regex: "r[0-9]+".into(),
            }),
            ..Default::default()
        },
    };
    let hostname_exists = scheduler::AttributeConstraint {
        selector: scheduler::attribute_constraint::Selector {
            pseudoattribute_type: Some(
                scheduler::attribute_constraint::selector::PseudoattributeType::Hostname as i32,
            ),
            attribute_name: None,
        },
        predicate: scheduler::attribute_constraint::Predicate {
            exists: Some(scheduler::attribute_constraint::predicate::Exists {}),
            ..Default::default()
        },
    };
    Call {
        framework_id: Some("fw-0001".into()),
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe {
            framework_info: FrameworkInfo {
                user: "root".into(),
                name: "test framework".into(),
                id: Some("fw-0001".into()),
                failover_timeout: Some(3600.0),
                checkpoint: Some(true),
                role: None,
                roles: vec!["web".into(), "batch".into()],
                hostname: Some("sched.example".into()),
                principal: Some("principal".into()),
                webui_url: Some("http://sched.example:8080".into()),
                capabilities: [
                    framework_info::capability::Type::MultiRole,
                    framework_info::capability::Type::PartitionAware,
                    framework_info::capability::Type::ReservationRefinement,
                ]
                .into_iter()
                .map(|t| framework_info::Capability { r#type: Some(t as i32) })
                .collect(),
                labels: Some(Labels { labels: vec![Label { key: "team".into(), value: None }] }),
                offer_filters: BTreeMap::from([(
                    "web".to_string(),
                    OfferFilters {
                        min_allocatable_resources: Some(offer_filters::MinAllocatableResources {
                            quantities: vec![ResourceQuantities {
                                quantities: BTreeMap::from([
                                    ("cpus".to_string(), scalar(0.5)),
                                    ("mem".to_string(), scalar(128.0)),
                                ]),
                            }],
                        }),
                    },
                )]),
            },
            suppressed_roles: vec!["batch".into()],
            offer_constraints: Some(scheduler::OfferConstraints {
                role_constraints: BTreeMap::from([(
                    "web".to_string(),
                    scheduler::offer_constraints::RoleConstraints {
                        groups: vec![scheduler::offer_constraints::role_constraints::Group {
                            attribute_constraints: vec![constraint, hostname_exists],
                        }],
                    },
                )]),
            }),
        }),
        ..Default::default()
    }
}

fn full_offer() -> Offer {
    let ports = Resource {
        name: "ports".into(),
        r#type: value::Type::Ranges as i32,
        ranges: Some(value::Ranges {
            range: vec![value::Range { begin: 31000, end: 31999 }, value::Range { begin: 32000, end: 32000 }],
        }),
        allocation_info: Some(AllocationInfo { role: Some("web".into()) }),
        ..Default::default()
    };
    let disk = Resource {
        name: "disk".into(),
        r#type: value::Type::Scalar as i32,
        scalar: Some(scalar(1024.0)),
        allocation_info: Some(AllocationInfo { role: Some("web".into()) }),
        reservations: vec![
            resource::ReservationInfo {
                r#type: Some(resource::reservation_info::Type::Static as i32),
                role: Some("web".into()),
                ..Default::default()
            },
            resource::ReservationInfo {
                r#type: Some(resource::reservation_info::Type::Dynamic as i32),
                role: Some("web/api".into()),
                principal: Some("ops".into()),
                labels: Some(Labels { labels: vec![Label { key: "k".into(), value: Some("v".into()) }] }),
            },
        ],
        disk: Some(resource::DiskInfo {
            persistence: None,
            volume: None,
            source: Some(resource::disk_info::Source {
                r#type: resource::disk_info::source::Type::Mount as i32,
                mount: Some(resource::disk_info::source::Mount { root: Some("/mnt/disk0".into()) }),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    Offer {
        id: "m-O7".into(),
        framework_id: "fw-0001".into(),
        agent_id: "m-S0".into(),
        hostname: "agent1".into(),
        url: Some(Url {
            scheme: "http".into(),
            address: Address { hostname: Some("agent1".into()), ip: Some("10.0.0.5".into()), port: 5051 },
            path: Some("/slave(1)".into()),
            query: vec![Parameter { key: "a".into(), value: "b".into() }],
            fragment: None,
        }),
        domain: None,
        resources: vec![
            Resource { allocation_info: Some(AllocationInfo { role: Some("web".into()) }), ..cpus(2.5) },
            ports,
            disk,
            Resource { revocable: Some(resource::RevocableInfo {}), ..cpus(0.25) },
        ],
        attributes: vec![
            Attribute {
                name: "rack".into(),
                r#type: value::Type::Text as i32,
                text: Some(value::Text { value: "r1".into() }),
                ..Default::default()
            },
            Attribute {
                name: "slots".into(),
                r#type: value::Type::Scalar as i32,
                scalar: Some(scalar(4.0)),
                ..Default::default()
            },
        ],
        executor_ids: vec!["exec-1".into()],
        unavailability: Some(Unavailability {
            start: TimeInfo { nanoseconds: 1_700_000_000_000_000_000 },
            duration: Some(DurationInfo { nanoseconds: 3_600_000_000_000 }),
        }),
        allocation_info: Some(AllocationInfo { role: Some("web".into()) }),
    }
}

#[test]
fn subscribe_call_round_trip() {
    let c = full_subscribe();
    let bytes = c.encode_to_vec();
    let back = Call::decode(bytes.as_slice()).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.encode_to_vec(), bytes);
    assert_eq!(back.r#type(), call::Type::Subscribe);
    let info = &back.subscribe.as_ref().unwrap().framework_info;
    assert_eq!(info.capabilities[1].r#type(), framework_info::capability::Type::PartitionAware);
}

#[test]
fn offers_event_round_trip() {
    let e = Event {
        r#type: Some(event::Type::Offers as i32),
        offers: Some(event::Offers {
            offers: vec![full_offer(), Offer { id: "m-O8".into(), ..full_offer() }],
        }),
        ..Default::default()
    };
    let bytes = e.encode_to_vec();
    let back = Event::decode(bytes.as_slice()).unwrap();
    assert_eq!(back, e);
    assert_eq!(back.encode_to_vec(), bytes);
    assert_eq!(back.offers.unwrap().offers[1].id.to_string(), "m-O8");
}

#[test]
fn accept_with_launch_group_round_trip() {
    let executor = ExecutorInfo {
        r#type: Some(executor_info::Type::Default as i32),
        executor_id: "default".into(),
        framework_id: Some("fw".into()),
        resources: vec![cpus(0.1)],
        container: Some(ContainerInfo { r#type: container_info::Type::Mesos as i32, ..Default::default() }),
        shutdown_grace_period: Some(DurationInfo { nanoseconds: 5_000_000_000 }),
        ..Default::default()
    };
    let task = TaskInfo {
        name: "t".into(),
        task_id: "t1".into(),
        agent_id: "a".into(),
        resources: vec![cpus(1.0)],
        command: Some(CommandInfo {
            uris: vec![command_info::Uri { value: "http://x/y.tgz".into(), ..Default::default() }],
            environment: Some(Environment {
                variables: vec![environment::Variable {
                    name: "S".into(),
                    r#type: Some(environment::variable::Type::Secret as i32),
                    value: None,
                    secret: Some(Secret {
                        r#type: Some(secret::Type::Reference as i32),
                        reference: Some(secret::Reference { name: "db".into(), key: Some("pw".into()) }),
                        value: None,
                    }),
                }],
            }),
            shell: Some(false),
            value: Some("/bin/echo".into()),
            arguments: vec!["echo".into(), "hi".into()],
            user: None,
        }),
        container: Some(ContainerInfo {
            r#type: container_info::Type::Docker as i32,
            docker: Some(container_info::DockerInfo {
                image: "busybox".into(),
                network: Some(container_info::docker_info::Network::Bridge as i32),
                port_mappings: vec![container_info::docker_info::PortMapping {
                    host_port: 31000,
                    container_port: 80,
                    protocol: Some("tcp".into()),
                }],
                ..Default::default()
            }),
            network_infos: vec![NetworkInfo {
                ip_addresses: vec![network_info::IpAddress {
                    protocol: Some(network_info::Protocol::Ipv6 as i32),
                    ip_address: None,
                }],
                name: Some("cni".into()),
                ..Default::default()
            }],
            linux_info: Some(LinuxInfo {
                effective_capabilities: Some(CapabilityInfo {
                    capabilities: vec![capability_info::Capability::NetRaw as i32],
                }),
                ipc_mode: Some(linux_info::IpcMode::Private as i32),
                shm_size: Some(64),
                ..Default::default()
            }),
            rlimit_info: Some(RLimitInfo {
                rlimits: vec![r_limit_info::RLimit {
                    r#type: Some(r_limit_info::r_limit::Type::RlmtNofile as i32),
                    hard: Some(4096),
                    soft: Some(1024),
                }],
            }),
            tty_info: Some(TtyInfo { window_size: Some(tty_info::WindowSize { rows: 24, columns: 80 }) }),
            volumes: vec![Volume {
                mode: volume::Mode::Ro as i32,
                container_path: "/etc/x".into(),
                source: Some(volume::Source {
                    r#type: Some(volume::source::Type::SandboxPath as i32),
                    sandbox_path: Some(volume::source::SandboxPath {
                        r#type: Some(volume::source::sandbox_path::Type::Parent as i32),
                        path: "shared".into(),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }),
        health_check: Some(HealthCheck {
            r#type: Some(health_check::Type::Http as i32),
            http: Some(HttpCheckInfo { port: 8080, path: Some("/health".into()), ..Default::default() }),
            ..Default::default()
        }),
        check: Some(CheckInfo {
            r#type: Some(check_info::Type::Tcp as i32),
            tcp: Some(check_info::Tcp { port: 8080 }),
            ..Default::default()
        }),
        kill_policy: Some(KillPolicy { grace_period: Some(DurationInfo { nanoseconds: 1 }) }),
        data: Some(vec![0, 1, 2]),
        discovery: Some(DiscoveryInfo {
            visibility: discovery_info::Visibility::Cluster as i32,
            name: Some("svc".into()),
            ports: Some(Ports {
                ports: vec![Port { number: 80, protocol: Some("tcp".into()), ..Default::default() }],
            }),
            ..Default::default()
        }),
        max_completion_time: Some(DurationInfo { nanoseconds: 60_000_000_000 }),
        ..Default::default()
    };
    let c = Call {
        framework_id: Some("fw".into()),
        r#type: Some(call::Type::Accept as i32),
        accept: Some(call::Accept {
            offer_ids: vec!["o1".into()],
            operations: vec![offer::Operation {
                r#type: Some(offer::operation::Type::LaunchGroup as i32),
                launch_group: Some(offer::operation::LaunchGroup {
                    executor,
                    task_group: TaskGroupInfo { tasks: vec![task] },
                }),
                ..Default::default()
            }],
            filters: Some(Filters { refuse_seconds: Some(30.0) }),
        }),
        ..Default::default()
    };
    let bytes = c.encode_to_vec();
    let back = Call::decode(bytes.as_slice()).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.encode_to_vec(), bytes);
}

// ---- JSON golden tests (spec §2 and §3.4 examples) ----

/// Decodes `text` as `M`, re-encodes it and requires the exact same bytes back.
fn json_golden<M: mesos_proto::json::JsonMessage + Message + Default + PartialEq + std::fmt::Debug>(
    text: &str,
) -> M {
    let msg: M = mesos_proto::json::from_json_str(text).expect("golden JSON decodes");
    assert_eq!(mesos_proto::json::to_json_string(&msg), text);
    // The same message survives a protobuf round trip.
    assert_eq!(M::decode(msg.encode_to_vec().as_slice()).unwrap(), msg);
    msg
}

#[test]
fn json_subscribed_event() {
    let text = r#"{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"3c1e58a6-6a3b-4c4e-9a2e-2b1f0c8d7e6f-0000"},"heartbeat_interval_seconds":15.0,"master_info":{"id":"3c1e58a6-6a3b-4c4e-9a2e-2b1f0c8d7e6f","ip":16777343,"port":5050,"pid":"master@127.0.0.1:5050","hostname":"localhost","version":"1.12.0","address":{"hostname":"localhost","ip":"127.0.0.1","port":5050},"capabilities":[{"type":"AGENT_UPDATE"},{"type":"AGENT_DRAINING"},{"type":"QUOTA_V2"}]}}}"#;
    let e: Event = json_golden(text);
    assert_eq!(e.r#type(), event::Type::Subscribed);
    let master = e.subscribed.unwrap().master_info.unwrap();
    assert_eq!(master.capabilities[2].r#type(), master_info::capability::Type::QuotaV2);
}

#[test]
fn json_heartbeat_record() {
    let e = Event { r#type: Some(event::Type::Heartbeat as i32), ..Default::default() };
    let record = mesos_proto::recordio::frame(&mesos_proto::json::to_json_vec(&e));
    assert_eq!(record, b"20\n{\"type\":\"HEARTBEAT\"}");
    let back: Event = json_golden(r#"{"type":"HEARTBEAT"}"#);
    assert_eq!(back, e);
}

#[test]
fn json_error_event() {
    let e: Event = json_golden(r#"{"type":"ERROR","error":{"message":"Framework has been removed"}}"#);
    assert_eq!(e.error.unwrap().message, "Framework has been removed");
}

#[test]
fn json_offers_event() {
    let text = concat!(
        r#"{"type":"OFFERS","offers":{"offers":["#,
        // pre-refinement framework: "role":"*" written explicitly, no allocation_info
        r#"{"id":{"value":"m-O1"},"framework_id":{"value":"m-0000"},"agent_id":{"value":"m-S0"},"#,
        r#""hostname":"agent1","url":{"scheme":"http","address":{"hostname":"agent1","ip":"10.0.0.5","port":5051},"path":"/slave(1)"},"#,
        r#""resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":4.0},"role":"*"},"#,
        r#"{"name":"mem","type":"SCALAR","scalar":{"value":15360.0},"role":"*"},"#,
        r#"{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]},"role":"*"},"#,
        r#"{"name":"disk","type":"SCALAR","scalar":{"value":1024.0},"role":"eng","reservation":{"principal":"ops"},"#,
        r#""disk":{"persistence":{"id":"v1","principal":"ops"},"volume":{"mode":"RW","container_path":"data"}}}],"#,
        r#""attributes":[{"name":"rack","type":"TEXT","text":{"value":"r1"}},{"name":"zones","type":"SET","set":{"item":["a","b"]}}],"#,
        r#""executor_ids":[{"value":"e1"}]},"#,
        // multi-role, refinement-capable framework
        r#"{"id":{"value":"m-O2"},"framework_id":{"value":"m-0000"},"agent_id":{"value":"m-S1"},"hostname":"agent2","#,
        r#""domain":{"fault_domain":{"region":{"name":"eu"},"zone":{"name":"eu-1"}}},"#,
        r#""resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"allocation_info":{"role":"web"},"#,
        r#""reservations":[{"type":"DYNAMIC","role":"web","principal":"ops","labels":{"labels":[{"key":"k","value":"v"}]}}]},"#,
        r#"{"name":"cpus","type":"SCALAR","scalar":{"value":1.5},"allocation_info":{"role":"web"},"revocable":{}}],"#,
        r#""unavailability":{"start":{"nanoseconds":1700000000000000000},"duration":{"nanoseconds":3600000000000}},"#,
        r#""allocation_info":{"role":"web"}}]}}"#,
    );
    let e: Event = json_golden(text);
    let offers = e.offers.unwrap().offers;
    assert_eq!(offers.len(), 2);
    assert_eq!(offers[0].resources[2].ranges.as_ref().unwrap().range[0].end, 32000);
    assert_eq!(offers[1].resources[1].revocable, Some(resource::RevocableInfo {}));
}

#[test]
fn json_explicit_defaults_are_written() {
    // Unset optionals with an explicit default come out with it; deprecated ones
    // (FrameworkInfo.role) do not.
    let info: FrameworkInfo = mesos_proto::json::from_json_str(r#"{"user":"","name":"n"}"#).unwrap();
    assert_eq!(
        mesos_proto::json::to_json_string(&info),
        r#"{"user":"","name":"n","failover_timeout":0.0,"checkpoint":false}"#
    );
    let resource: Resource =
        mesos_proto::json::from_json_str(r#"{"name":"cpus","type":"SCALAR","scalar":{"value":1}}"#).unwrap();
    assert_eq!(
        mesos_proto::json::to_json_string(&resource),
        r#"{"name":"cpus","type":"SCALAR","scalar":{"value":1.0}}"#
    );

    let task: TaskInfo = mesos_proto::json::from_json_str(concat!(
        r#"{"name":"t","task_id":{"value":"t1"},"agent_id":{"value":"a"},"#,
        r#""command":{"value":"sleep 10","uris":[{"value":"http://x/y.tgz"}],"environment":{"variables":[{"name":"A","value":"1"}]}},"#,
        r#""container":{"type":"DOCKER","docker":{"image":"busybox"},"network_infos":[{"ip_addresses":[{}]}],"#,
        r#""linux_info":{},"mesos":{"image":{"type":"DOCKER","docker":{"name":"busybox"}}}},"#,
        r#""health_check":{"type":"HTTP","http":{"port":80}},"check":{"type":"TCP","tcp":{"port":81}},"#,
        r#""limits":{"cpus":{"value":"Infinity"},"mem":{"value":512}}}"#
    ))
    .unwrap();
    let expected = concat!(
        r#"{"name":"t","task_id":{"value":"t1"},"agent_id":{"value":"a"},"#,
        r#""command":{"uris":[{"value":"http://x/y.tgz","extract":true}],"environment":{"variables":[{"name":"A","type":"VALUE","value":"1"}]},"shell":true,"value":"sleep 10"},"#,
        r#""container":{"type":"DOCKER","docker":{"image":"busybox","network":"HOST","privileged":false},"#,
        r#""mesos":{"image":{"type":"DOCKER","docker":{"name":"busybox"},"cached":true}},"#,
        r#""network_infos":[{"ip_addresses":[{"protocol":"IPv4"}]}],"linux_info":{"share_cgroups":true}},"#,
        r#""health_check":{"type":"HTTP","http":{"protocol":"IPv4","port":80},"delay_seconds":15.0,"interval_seconds":10.0,"#,
        r#""timeout_seconds":20.0,"consecutive_failures":3,"grace_period_seconds":10.0},"#,
        r#""check":{"type":"TCP","tcp":{"port":81},"delay_seconds":15.0,"interval_seconds":10.0,"timeout_seconds":20.0},"#,
        r#""limits":{"cpus":{"value":"Infinity"},"mem":{"value":512.0}}}"#
    );
    assert_eq!(mesos_proto::json::to_json_string(&task), expected);

    let filters: Filters = mesos_proto::json::from_json_str("{}").unwrap();
    assert_eq!(mesos_proto::json::to_json_string(&filters), r#"{"refuse_seconds":5.0}"#);
    let agent: AgentInfo = mesos_proto::json::from_json_str(r#"{"hostname":"h"}"#).unwrap();
    assert_eq!(mesos_proto::json::to_json_string(&agent), r#"{"hostname":"h","port":5051}"#);
}

#[test]
fn json_enum_names_with_odd_spelling() {
    let sandbox: volume::source::SandboxPath = json_golden(r#"{"type":"SELF","path":"x"}"#);
    assert_eq!(sandbox.r#type(), volume::source::sandbox_path::Type::Self_);
    let ip: network_info::IpAddress = json_golden(r#"{"protocol":"IPv6","ip_address":"::1"}"#);
    assert_eq!(ip.protocol(), network_info::Protocol::Ipv6);
    let status: TaskStatus = json_golden(
        r#"{"task_id":{"value":"t"},"state":"TASK_GONE_BY_OPERATOR","source":"SOURCE_AGENT","reason":"REASON_IO_SWITCHBOARD_EXITED","uuid":"q83vEjRWeJA="}"#,
    );
    assert_eq!(status.reason(), task_status::Reason::ReasonIoSwitchboardExited);
    let rlimit: r_limit_info::RLimit = json_golden(r#"{"type":"RLMT_AS","hard":1,"soft":1}"#);
    assert_eq!(rlimit.r#type(), r_limit_info::r_limit::Type::RlmtAs);
    let caps: CapabilityInfo = json_golden(r#"{"capabilities":["NET_BIND_SERVICE","SYS_ADMIN"]}"#);
    assert_eq!(caps.capabilities, [1010, 1021]);
}

#[test]
fn json_scheduler_calls_from_clients() {
    // pymesos-style calls.
    let c: Call = json_golden(concat!(
        r#"{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"pymesos","failover_timeout":100.0,"#,
        r#""checkpoint":true,"roles":["web"],"capabilities":[{"type":"MULTI_ROLE"}]},"suppressed_roles":["web"],"#,
        r#""offer_constraints":{"role_constraints":{"web":{"groups":[{"attribute_constraints":[{"selector":{"attribute_name":"rack"},"#,
        r#""predicate":{"text_not_equals":{"value":"r9"}}},{"selector":{"pseudoattribute_type":"ZONE"},"predicate":{"not_exists":{}}}]}]}}}}}"#
    ));
    assert_eq!(c.r#type(), call::Type::Subscribe);
    let ack: Call = json_golden(
        r#"{"framework_id":{"value":"f"},"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"q83vEjRWeJCrze8SNFZ4kA=="}}"#,
    );
    assert_eq!(ack.acknowledge.unwrap().uuid.len(), 16);
    let revive: Call = json_golden(r#"{"framework_id":{"value":"f"},"type":"REVIVE"}"#);
    assert!(revive.revive.is_none());
    let missing =
        mesos_proto::json::from_json_str::<Call>(r#"{"type":"KILL","kill":{"agent_id":{"value":"a"}}}"#)
            .unwrap_err();
    assert!(missing.to_string().contains("kill.task_id"), "{missing}");
}

#[test]
fn json_executor_messages() {
    use v1::executor;
    let c: executor::Call = json_golden(
        r#"{"executor_id":{"value":"e"},"framework_id":{"value":"f"},"type":"MESSAGE","message":{"data":"aGk="}}"#,
    );
    assert_eq!(c.message.unwrap().data, b"hi");
    let e: executor::Event = json_golden(
        r#"{"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":1000}}}}"#,
    );
    assert_eq!(e.r#type(), executor::event::Type::Kill);
}

#[test]
fn proto_required_fields_are_enforced() {
    use mesos_proto::wire::{ProtoError, decode_proto};
    // executor HEARTBEAT without executor_id: proto-required, so rejected at parse time.
    let bytes = [idf(2, "f"), vf(3, 4)].concat();
    match decode_proto::<v1::executor::Call>(&bytes) {
        Err(ProtoError::MissingRequired(fields)) => assert_eq!(fields, ["executor_id"]),
        other => panic!("unexpected {other:?}"),
    }
    // A resource inside an offer without `type` (required enum, value 0 is still "present").
    let offer = [idf(1, "o"), idf(2, "f"), idf(3, "a"), sf(4, "h"), ld(5, &sf(1, "cpus"))].concat();
    match decode_proto::<Offer>(&offer) {
        Err(ProtoError::MissingRequired(fields)) => assert_eq!(fields, ["resources[0].type"]),
        other => panic!("unexpected {other:?}"),
    }
    let ok = [idf(1, "o"), idf(2, "f"), idf(3, "a"), sf(4, "h"), ld(5, &[sf(1, "cpus"), vf(2, 0)].concat())]
        .concat();
    assert_eq!(decode_proto::<Offer>(&ok).unwrap().resources[0].name, "cpus");
}

#[test]
fn client_quirks_the_contract_asks_us_to_accept() {
    use mesos_proto::json::from_json_str;
    use mesos_proto::v1::scheduler::Call;
    // pymesos sends the whole OperationStatus uuid object for ACKNOWLEDGE_OPERATION_STATUS.
    let ack: Call = from_json_str(
        r#"{"type":"ACKNOWLEDGE_OPERATION_STATUS","framework_id":{"value":"f"},
            "acknowledge_operation_status":{"agent_id":{"value":"a"},"operation_id":{"value":"o"},
            "uuid":{"value":"jhMcpj0BT+aVAtRpcT5lVg=="}}}"#,
    )
    .expect("object form of the uuid");
    assert_eq!(ack.acknowledge_operation_status.unwrap().uuid.len(), 16);
    // The docs' TaskInfo.limits form with bare numbers and "Infinity".
    let task: mesos_proto::v1::TaskInfo = from_json_str(
        r#"{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},
            "limits":{"cpus":"Infinity","mem":512.0}}"#,
    )
    .expect("bare limits");
    assert!(task.limits["cpus"].value.is_infinite());
    assert_eq!(task.limits["mem"].value, 512.0);
}
