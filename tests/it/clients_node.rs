//! node-postgres (`pg`, with `pg-cursor`) against hostgres: the script in
//! `tests/clients/node/` checks what the library returns; the test compares
//! its output.

use hostgres_tests::clients::{Script, clients_dir, node};
use hostgres_tests::{Options, TestServer, fixture_root};

/// How `.ci/run` installs node-postgres.
const INSTALL: &str = "apt-get install nodejs npm (if node is missing), then \
    (cd tests/clients/node && npm ci)";

#[test]
fn node_postgres_queries_types_errors_and_cursor() {
    let node = node();
    let dir = clients_dir("node");
    Script {
        program: &node,
        args: &["-e", "require('pg'); require('pg-cursor')"],
        dir: &dir,
    }
    .require("node-postgres (pg, pg-cursor)", INSTALL);
    let server = TestServer::start_with(Options {
        host_root: Some(fixture_root("basic")),
        ..Options::default()
    });
    let out = Script {
        program: &node,
        args: &["client.js"],
        dir: &dir,
    }
    .run(&server);
    assert_eq!(
        out,
        r#"simple: [{"big":"1","small":2,"yes":true,"word":"x"}]
simple_types: [20,23,16,25]
param_number: [{"pid":"733","name":"redis-server","parent":"1"}]
param_string: [{"pid":"2045"}]
param_types: [{"a":"hé","b":42,"c":false}]
param_count: 1
prepared_1: [{"name":"systemd"}]
prepared_2: [{"name":"kthreadd"}]
prepared_1207: [{"name":"python3"}]
row_mode_array: [["733","redis-server"],["1207","python3"],["2045","nginx"]]
missing_table: "42P01"
write: "25006"
usable: [{"n":"5"}]
cursor: [["1","2"],["733","1207"],["2045"]]
"#
    );
}
