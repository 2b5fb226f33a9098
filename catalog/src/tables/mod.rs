//! The host tables, one file each: schema, generator and fixture test together.
//!
//! Adding a table: write `tables/<name>.rs`, add it to [`ALL`] (a test keeps
//! the list sorted and checks every schema against osquery's spec), and
//! extend a fixture host under `tests/fixtures/hosts/`.

use crate::Table;

mod arp_cache;
mod cpu_info;
mod crontab;
mod deb_packages;
mod dns_resolvers;
mod etc_hosts;
mod file;
mod groups;
mod hash;
mod interface_addresses;
mod interface_details;
mod kernel_info;
mod kernel_modules;
mod listening_ports;
mod load_average;
mod logged_in_users;
mod memory_info;
mod mounts;
mod os_version;
mod process_open_files;
mod process_open_sockets;
mod processes;
mod routes;
mod system_info;
mod time;
mod uptime;
mod user_groups;
mod users;

/// Every built-in table, sorted by name.
pub static ALL: &[&dyn Table] = &[
    &arp_cache::ArpCache,
    &cpu_info::CpuInfo,
    &crontab::Crontab,
    &deb_packages::DebPackages,
    &dns_resolvers::DnsResolvers,
    &etc_hosts::EtcHosts,
    &file::File,
    &groups::Groups,
    &hash::Hash,
    &interface_addresses::InterfaceAddresses,
    &interface_details::InterfaceDetails,
    &kernel_info::KernelInfo,
    &kernel_modules::KernelModules,
    &listening_ports::ListeningPorts,
    &load_average::LoadAverage,
    &logged_in_users::LoggedInUsers,
    &memory_info::MemoryInfo,
    &mounts::Mounts,
    &os_version::OsVersion,
    &process_open_files::ProcessOpenFiles,
    &process_open_sockets::ProcessOpenSockets,
    &processes::Processes,
    &routes::Routes,
    &system_info::SystemInfo,
    &time::Time,
    &uptime::Uptime,
    &user_groups::UserGroups,
    &users::Users,
];

#[cfg(test)]
mod tests {
    //! Registry-wide checks: order, osquery conformance and documentation.

    use std::path::PathBuf;

    use serde_json::Value as Json;

    use super::ALL;
    use crate::schema::{ColumnFlags, ColumnType};

    fn osquery_spec() -> Vec<Json> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/osquery-linux-tables.json");
        let text = std::fs::read_to_string(&path).expect("osquery spec fixture");
        serde_json::from_str(&text).expect("valid JSON")
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        let names: Vec<&str> = ALL.iter().map(|t| t.schema().name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn schemas_match_osquery_exactly() {
        let spec = osquery_spec();
        for table in ALL {
            let schema = table.schema();
            let Some(t) = spec.iter().find(|t| t["table"] == schema.name) else {
                continue; // a hostgres-only table
            };
            let cols = t["columns"].as_array().expect("columns");
            let ours: Vec<&str> = schema.columns.iter().map(|c| c.name).collect();
            let theirs: Vec<&str> = cols.iter().filter_map(|c| c["name"].as_str()).collect();
            assert_eq!(ours, theirs, "columns of {}", schema.name);
            for (c, s) in schema.columns.iter().zip(cols) {
                let ty = s["type"].as_str().and_then(ColumnType::from_sql_name);
                assert_eq!(Some(c.ty), ty, "type of {}.{}", schema.name, c.name);
                let flags: Vec<&str> = s["flags"]
                    .as_array()
                    .map(|f| f.iter().filter_map(Json::as_str).collect())
                    .unwrap_or_default();
                for (flag, name) in [
                    (ColumnFlags::INDEX, "index"),
                    (ColumnFlags::REQUIRED, "required"),
                    (ColumnFlags::HIDDEN, "hidden"),
                    (ColumnFlags::ADDITIONAL, "additional"),
                    (ColumnFlags::OPTIMIZED, "optimized"),
                ] {
                    assert_eq!(
                        c.flags.contains(flag),
                        flags.contains(&name),
                        "flag {name} of {}.{}",
                        schema.name,
                        c.name
                    );
                }
            }
        }
    }

    /// `docs/tables.md`, generated from the schemas; `UPDATE_EXPECT=1 cargo test` refreshes it.
    #[test]
    fn table_reference_is_fresh() {
        let mut doc = String::from(
            "# Tables\n\nGenerated from the table schemas by `UPDATE_EXPECT=1 cargo test -p hostgres-catalog`; do not edit.\n\n",
        );
        for table in ALL {
            let s = table.schema();
            doc.push_str(&format!(
                "## {}\n\n{}\n\n| column | type | notes | description |\n|---|---|---|---|\n",
                s.name, s.doc
            ));
            for c in s.columns {
                let mut notes = Vec::new();
                for (flag, name) in [
                    (ColumnFlags::REQUIRED, "required"),
                    (ColumnFlags::INDEX, "index"),
                    (ColumnFlags::HIDDEN, "hidden"),
                ] {
                    if c.flags.contains(flag) {
                        notes.push(name);
                    }
                }
                doc.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    c.name,
                    c.ty.sql_name(),
                    notes.join(", "),
                    c.doc.replace('|', "\\|")
                ));
            }
            doc.push('\n');
        }
        expect_test::expect_file!["../../../docs/tables.md"].assert_eq(&doc);
    }

    #[test]
    fn every_table_and_column_is_documented() {
        for table in ALL {
            let schema = table.schema();
            assert!(
                !schema.doc.is_empty() && !schema.doc.contains("TODO"),
                "doc of {}",
                schema.name
            );
            for c in schema.columns {
                assert!(
                    !c.doc.is_empty() && !c.doc.contains("TODO"),
                    "doc of {}.{}",
                    schema.name,
                    c.name
                );
            }
        }
    }
}
