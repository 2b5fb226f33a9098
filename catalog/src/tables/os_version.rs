//! `os_version`: the distribution's name and version from /etc/os-release (one row).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::{host, os_release};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct OsVersion;

static SCHEMA: Schema = Schema {
    name: "os_version",
    doc: "A single row containing the operating system name and version.",
    columns: &[
        col(
            "name",
            Text,
            "Distribution or product name (NAME), Unknown when not known.",
        ),
        col(
            "version",
            Text,
            "Pretty, suitable for presentation, OS version (VERSION).",
        ),
        col(
            "major",
            Integer,
            "Major release version (first part of VERSION_ID).",
        ),
        col(
            "minor",
            Integer,
            "Minor release version (second part of VERSION_ID), 0 if none.",
        ),
        col(
            "patch",
            Integer,
            "Optional patch release (third part of VERSION_ID), 0 if none.",
        ),
        col(
            "build",
            Text,
            "Optional build-specific or variant string (BUILD_ID).",
        ),
        col(
            "platform",
            Text,
            "OS platform or ID (ID), posix when not known.",
        ),
        col(
            "platform_like",
            Text,
            "Closely related platforms (ID_LIKE).",
        ),
        col("codename", Text, "OS version codename (VERSION_CODENAME)."),
        col(
            "arch",
            Text,
            "OS architecture: the kernel's machine type, such as x86_64.",
        ),
        col(
            "pid_with_namespace",
            Integer,
            "Read the OS version inside the mount namespace of this process (a container's OS).",
        )
        .additional()
        .hidden(),
        col(
            "mount_namespace_id",
            Text,
            "Mount namespace id of the process given by pid_with_namespace.",
        )
        .hidden(),
    ],
};

impl Table for OsVersion {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let os = os_release::read(cx.root())?;
        let arch = host::machine(cx.root())?;
        out.row()
            .set("name", os.name)
            .set("version", os.version)
            .set("major", os.major)
            .set("minor", os.minor)
            .set("patch", os.patch)
            .set("build", os.build)
            .set("platform", os.platform)
            .set("platform_like", os.platform_like)
            .set("codename", os.codename)
            .set("arch", arch);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM os_version");
        assert_eq!(
            strings(&rows),
            vec![vec![
                "Debian GNU/Linux",
                "12 (bookworm)",
                "12",
                "0",
                "0",
                "",
                "debian",
                "",
                "bookworm",
                "x86_64",
            ]]
        );
        let rows = fixture_query(
            "basic",
            "SELECT typeof(major), typeof(build) FROM os_version",
        );
        assert_eq!(strings(&rows), vec![vec!["integer", "null"]]);
    }

    #[test]
    fn live_os_version_names_the_system() {
        let rows = live_query("SELECT name, major, minor, patch, platform, arch FROM os_version");
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert!(matches!(&r[0], Value::Text(n) if !n.is_empty()));
        for v in &r[1..4] {
            assert!(v.as_i64().is_some_and(|n| n >= 0), "{v:?}");
        }
        assert!(matches!(&r[4], Value::Text(p) if !p.is_empty()));
        assert_eq!(r[5], Value::Text(std::env::consts::ARCH.to_owned()));
    }
}
