//! `deb_packages`: the packages of the dpkg database, as libdpkg lists them.

use hostgres_collectors::etc::dpkg;
use hostgres_collectors::{CollectError, OptionalExt};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct DebPackages;

static SCHEMA: Schema = Schema {
    name: "deb_packages",
    doc: "The DEB packages dpkg knows (installed, half-installed or with configuration files \
          left), from <admindir>/status and its update journal.",
    columns: &[
        col("name", Text, "Package name."),
        col(
            "version",
            Text,
            "Package version ([epoch:]upstream[-revision], a zero epoch left out).",
        ),
        col(
            "source",
            Text,
            "Source package name, as written (it may carry a version in parentheses); \
             empty when it is the package name.",
        ),
        col("size", BigInt, "Installed size in KiB (Installed-Size)."),
        col("arch", Text, "Package architecture (amd64, all...)."),
        col(
            "revision",
            Text,
            "Debian revision: the part of the version after its last '-'.",
        ),
        col(
            "status",
            Text,
            "Package status as 'want error-flag state' (install ok installed).",
        ),
        col("maintainer", Text, "Package maintainer."),
        col("section", Text, "Package section."),
        col(
            "priority",
            Text,
            "Package priority (required, important, standard, optional, extra; unknown when unset).",
        ),
        col(
            "admindir",
            Text,
            "The dpkg database directory read; /var/lib/dpkg unless constrained.",
        )
        .optimized()
        .additional(),
        col(
            "pid_with_namespace",
            Integer,
            "Read the database inside the mount namespace of this process.",
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

impl Table for DebPackages {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let admindirs = cx
            .eq_texts("admindir")
            .unwrap_or_else(|| vec![dpkg::DEFAULT_ADMINDIR.to_owned()]);
        for admindir in admindirs {
            // A directory that is not a dpkg database gives no rows, as in osquery.
            let Some(packages) = dpkg::read(cx.root(), &admindir).optional()? else {
                continue;
            };
            for p in packages {
                cx.check_interrupt()?;
                out.row()
                    .set("name", p.name)
                    .set("version", p.version)
                    .set("source", p.source)
                    .set("size", p.size)
                    .set("arch", p.arch)
                    .set("revision", p.revision)
                    .set("status", p.status)
                    .set("maintainer", p.maintainer)
                    .set("section", p.section)
                    .set("priority", p.priority)
                    .set("admindir", admindir.as_str());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_database() {
        let rows = fixture_query(
            "basic",
            "SELECT name, version, source, size, arch, revision, status, maintainer, section, \
             priority, admindir FROM deb_packages",
        );
        let glibc = "GNU Libc Maintainers <debian-glibc@lists.debian.org>";
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "adduser",
                    "3.134",
                    "",
                    "686",
                    "all",
                    "",
                    "install ok installed",
                    "Debian Adduser Developers <adduser@packages.debian.org>",
                    "admin",
                    "important",
                    "/var/lib/dpkg"
                ],
                vec![
                    "base-files",
                    "12.4+deb12u11",
                    "",
                    "341",
                    "amd64",
                    "",
                    "install ok installed",
                    "Santiago Vila <sanvila@debian.org>",
                    "admin",
                    "required",
                    "/var/lib/dpkg"
                ],
                vec![
                    "bash",
                    "5.2.15-2+b8",
                    "bash (5.2.15-2)",
                    "7164",
                    "amd64",
                    "2+b8",
                    "install ok installed",
                    "Matthias Klose <doko@debian.org>",
                    "shells",
                    "required",
                    "/var/lib/dpkg"
                ],
                vec![
                    "libc6",
                    "2.36-9+deb12u14",
                    "glibc",
                    "13001",
                    "amd64",
                    "9+deb12u14",
                    "install ok installed",
                    glibc,
                    "libs",
                    "optional",
                    "/var/lib/dpkg"
                ],
                vec![
                    "ntp",
                    "1:4.2.8p15+dfsg-2~1.2.2+dfsg1-1+deb12u1",
                    "",
                    "1917",
                    "amd64",
                    "1+deb12u1",
                    "deinstall ok config-files",
                    "Debian NTP Team <pkg-ntp-maintainers@lists.alioth.debian.org>",
                    "net",
                    "optional",
                    "/var/lib/dpkg"
                ],
                vec![
                    "tzdata",
                    "2025b-0+deb12u2",
                    "",
                    "2565",
                    "all",
                    "0+deb12u2",
                    "install ok installed",
                    glibc,
                    "localization",
                    "required",
                    "/var/lib/dpkg"
                ],
                vec![
                    "zlib1g",
                    "1:1.2.13.dfsg-1",
                    "zlib",
                    "168",
                    "amd64",
                    "1",
                    "install ok installed",
                    "Mark Brown <broonie@debian.org>",
                    "libs",
                    "optional",
                    "/var/lib/dpkg"
                ],
                vec![
                    "zlib1g",
                    "1:1.2.13.dfsg-1",
                    "zlib",
                    "160",
                    "i386",
                    "1",
                    "install ok installed",
                    "Mark Brown <broonie@debian.org>",
                    "libs",
                    "optional",
                    "/var/lib/dpkg"
                ],
            ]
        );
    }

    #[test]
    fn admindir_constraint_picks_the_database() {
        let rows = fixture_query(
            "basic",
            "SELECT count(*), min(admindir) FROM deb_packages WHERE admindir = '/var/lib/dpkg/'",
        );
        assert_eq!(strings(&rows), vec![vec!["8", "/var/lib/dpkg/"]]);
        let none = fixture_query(
            "basic",
            "SELECT count(*) FROM deb_packages WHERE admindir IN ('/nowhere', '/etc')",
        );
        assert_eq!(strings(&none), vec![vec!["0"]]);
    }

    #[test]
    fn live_database_is_large_and_fast() {
        let start = Instant::now();
        let rows = live_query(
            "SELECT name, version, size, arch, status, priority, admindir FROM deb_packages",
        );
        let elapsed = start.elapsed();
        // A Debian system has at least its essential packages.
        assert!(rows.len() > 50, "{} packages", rows.len());
        assert!(elapsed.as_secs() < 5, "{elapsed:?}");
        for r in &rows {
            assert!(!r[0].to_string().is_empty());
            assert!(!r[1].to_string().is_empty());
            assert!(r[2].is_null() || r[2].as_i64().is_some_and(|s| s >= 0));
            assert_eq!(r[4].to_string().split(' ').count(), 3, "{r:?}");
            assert!(!r[4].to_string().ends_with("not-installed"));
            assert_eq!(r[6].to_string(), "/var/lib/dpkg");
        }
        let libc = live_query("SELECT count(*) FROM deb_packages WHERE name = 'libc6'");
        assert_eq!(strings(&libc), vec![vec!["1"]]);
    }
}
