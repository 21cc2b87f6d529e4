//! Our `mls_client` messages and `MLSClient` RPCs against the working
//! group's `mls_client.proto`.
//!
//! The `.proto` is the working group's file and is not in this repository:
//! set `MLS_INTEROP_PROTO` to its path (`.ci/run` points it at CI's copy).
//! Without the variable the test prints that it was skipped and passes,
//! unless `MLS_INTEROP_PROTO_REQUIRED` is set (`.ci/run` sets it, so CI
//! cannot skip the comparison); with it, any difference in a message, a
//! field's number, type or label, or an RPC fails.

// Test helpers outside #[test] fns fail loudly, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use interop::grpc::messages::{FieldSchema, MESSAGES};
use interop::grpc::service::{RPCS, SERVICE_NAME};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorProto};
use std::collections::BTreeMap;
use std::path::Path;

const ENV_VAR: &str = "MLS_INTEROP_PROTO";
/// Set by `.ci/run`: the comparison must run.
const REQUIRED: &str = "MLS_INTEROP_PROTO_REQUIRED";
const PACKAGE: &str = "mls_client";

/// A field as both sides can state it: number, type, label and (for
/// message fields) the message's name.
#[derive(Debug, PartialEq, Eq)]
struct Field {
    number: i32,
    ty: Type,
    label: Label,
    message: Option<String>,
}

/// Reads one of our fields from its prost attribute and Rust type.
fn ours(field: &FieldSchema) -> Result<Field, String> {
    let attr: String = field.prost.chars().filter(|c| !c.is_whitespace()).collect();
    let mut ty = None;
    let mut label = Label::Optional;
    let mut number = None;
    for part in attr.split(',') {
        match part {
            "string" => ty = Some(Type::String),
            "bool" => ty = Some(Type::Bool),
            "uint32" => ty = Some(Type::Uint32),
            "uint64" => ty = Some(Type::Uint64),
            "bytes=\"vec\"" => ty = Some(Type::Bytes),
            "message" => ty = Some(Type::Message),
            "repeated" => label = Label::Repeated,
            // prost's `optional` on a message field is proto3's plain
            // singular message field: LABEL_OPTIONAL in the descriptor.
            "optional" => label = Label::Optional,
            p if p.starts_with("tag=") => {
                let n = p.trim_start_matches("tag=").trim_matches('"');
                number = Some(n.parse().map_err(|e| format!("tag {n:?}: {e}"))?);
            }
            other => return Err(format!("unexpected prost attribute part {other:?}")),
        }
    }
    let ty = ty.ok_or_else(|| format!("no type in {:?}", field.prost))?;
    let message = (ty == Type::Message).then(|| {
        let t: String = field
            .rust_type
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        t.trim_start_matches("Vec<")
            .trim_start_matches("Option<")
            .trim_end_matches('>')
            .to_string()
    });
    Ok(Field {
        number: number.ok_or_else(|| format!("no tag in {:?}", field.prost))?,
        ty,
        label,
        message,
    })
}

/// The working group's field, in the same terms.
fn theirs(field: &prost_types::FieldDescriptorProto) -> Field {
    let prefix = format!(".{PACKAGE}.");
    Field {
        number: field.number(),
        ty: field.r#type(),
        label: field.label(),
        message: field
            .type_name
            .as_deref()
            .filter(|_| field.r#type() == Type::Message)
            .map(|n| n.trim_start_matches(&prefix).to_string()),
    }
}

fn compare_message(theirs_msg: &DescriptorProto, problems: &mut Vec<String>) {
    let name = theirs_msg.name();
    let Some(our_msg) = MESSAGES.iter().find(|m| m.name == name) else {
        problems.push(format!("message {name}: missing from ours"));
        return;
    };
    if !theirs_msg.nested_type.is_empty() || !theirs_msg.enum_type.is_empty() {
        problems.push(format!(
            "message {name}: has nested types, which we do not model"
        ));
    }
    if !theirs_msg.oneof_decl.is_empty() {
        problems.push(format!(
            "message {name}: has a oneof, which we do not model"
        ));
    }
    for f in &theirs_msg.field {
        if f.proto3_optional() {
            problems.push(format!(
                "{name}.{}: proto3 `optional`, not modelled",
                f.name()
            ));
        }
        let Some(our_field) = our_msg.fields.iter().find(|o| o.name == f.name()) else {
            problems.push(format!("{name}.{}: missing from ours", f.name()));
            continue;
        };
        match ours(our_field) {
            Ok(o) => {
                let t = theirs(f);
                if o != t {
                    problems.push(format!("{name}.{}: ours {o:?}, theirs {t:?}", f.name()));
                }
            }
            Err(e) => problems.push(format!("{name}.{}: {e}", f.name())),
        }
    }
    for o in our_msg.fields {
        if !theirs_msg.field.iter().any(|f| f.name() == o.name) {
            problems.push(format!("{name}.{}: ours only", o.name));
        }
    }
}

fn compare(file: &FileDescriptorProto) -> Vec<String> {
    let mut problems = Vec::new();
    if file.package() != PACKAGE {
        problems.push(format!("package {:?}, ours {PACKAGE:?}", file.package()));
    }
    for m in &file.message_type {
        compare_message(m, &mut problems);
    }
    for ours in MESSAGES {
        if !file.message_type.iter().any(|m| m.name() == ours.name) {
            problems.push(format!("message {}: ours only", ours.name));
        }
    }
    if !file.enum_type.is_empty() {
        problems.push("the file declares enums, which we do not model".into());
    }

    let services: Vec<_> = file
        .service
        .iter()
        .map(|s| format!("{}.{}", file.package(), s.name()))
        .collect();
    if services != [SERVICE_NAME] {
        problems.push(format!("services {services:?}, ours [{SERVICE_NAME:?}]"));
    }
    let prefix = format!(".{PACKAGE}.");
    let theirs_rpcs: BTreeMap<&str, (String, String, bool)> = file
        .service
        .iter()
        .flat_map(|s| &s.method)
        .map(|m| {
            let streaming = m.client_streaming() || m.server_streaming();
            (
                m.name(),
                (
                    m.input_type().trim_start_matches(&prefix).to_string(),
                    m.output_type().trim_start_matches(&prefix).to_string(),
                    streaming,
                ),
            )
        })
        .collect();
    for (name, (input, output, streaming)) in &theirs_rpcs {
        if *streaming {
            problems.push(format!("rpc {name}: streaming, ours is unary"));
        }
        match RPCS.iter().find(|r| r.name == *name) {
            None => problems.push(format!("rpc {name}: missing from ours")),
            Some(r) if (r.request, r.response) != (input.as_str(), output.as_str()) => problems
                .push(format!(
                    "rpc {name}: ours ({}) -> {}, theirs ({input}) -> {output}",
                    r.request, r.response
                )),
            Some(_) => {}
        }
    }
    for r in RPCS {
        if !theirs_rpcs.contains_key(r.name) {
            problems.push(format!("rpc {}: ours only", r.name));
        }
    }
    problems
}

#[test]
fn messages_and_rpcs_match_the_working_groups_proto() {
    let Some(path) = std::env::var_os(ENV_VAR) else {
        // A skipped comparison in CI would hide a drift.
        assert!(
            std::env::var_os(REQUIRED).is_none(),
            "{REQUIRED} is set but {ENV_VAR} is not: name the working group's mls_client.proto"
        );
        println!(
            "skipped: set {ENV_VAR} to the working group's mls_client.proto to compare it with ours"
        );
        return;
    };
    let path = Path::new(&path);
    let (Some(dir), Some(file_name)) = (path.parent(), path.file_name()) else {
        panic!("{ENV_VAR}={} names no file", path.display());
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let set = match protox::compile([file_name], [dir]) {
        Ok(set) => set,
        Err(e) => panic!("{ENV_VAR}={}: {e}", path.display()),
    };
    let files: Vec<_> = set.file.iter().filter(|f| f.package() == PACKAGE).collect();
    assert_eq!(files.len(), 1, "expected one file of package {PACKAGE}");
    let problems = compare(files[0]);
    let fields: usize = MESSAGES.iter().map(|m| m.fields.len()).sum();
    assert!(
        problems.is_empty(),
        "{} differences from {}:\n  {}",
        problems.len(),
        path.display(),
        problems.join("\n  ")
    );
    println!(
        "{}: {} messages, {fields} fields and {} RPCs match",
        path.display(),
        MESSAGES.len(),
        RPCS.len()
    );
}

/// Without the working group's file, our own tables must at least be
/// consistent: unique names and field numbers, and every RPC naming
/// messages we declare.
#[test]
fn our_tables_are_consistent() {
    let mut names = std::collections::BTreeSet::new();
    for m in MESSAGES {
        assert!(names.insert(m.name), "message {} twice", m.name);
        let mut numbers = std::collections::BTreeSet::new();
        for f in m.fields {
            let parsed = ours(f).unwrap_or_else(|e| panic!("{}.{}: {e}", m.name, f.name));
            assert!(
                numbers.insert(parsed.number),
                "{}.{}: number reused",
                m.name,
                f.name
            );
            if let Some(msg) = parsed.message {
                assert!(
                    MESSAGES.iter().any(|m| m.name == msg),
                    "{}.{}: {msg}?",
                    m.name,
                    f.name
                );
            }
        }
    }
    let mut rpcs = std::collections::BTreeSet::new();
    for r in RPCS {
        assert!(rpcs.insert(r.name), "rpc {} twice", r.name);
        for msg in [r.request, r.response] {
            assert!(names.contains(msg), "rpc {}: unknown message {msg}", r.name);
        }
    }
}
