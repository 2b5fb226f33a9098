//! The running kernel: its release (`/proc/version`) and boot arguments (`/proc/cmdline`).

use crate::{CollectError, HostRoot, OptionalExt};

/// What osquery's `kernel_info` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KernelInfo {
    /// The kernel release, such as `6.1.0-18-amd64`.
    pub version: Option<String>,
    /// The boot arguments, without `BOOT_IMAGE=` and `root=`; `None` when `/proc/cmdline` is unreadable.
    pub arguments: Option<String>,
    /// The `BOOT_IMAGE=` argument: the kernel image the boot loader loaded.
    pub path: Option<String>,
    /// The `root=` argument: the root device.
    pub device: Option<String>,
}

pub fn read(root: &HostRoot) -> Result<KernelInfo, CollectError> {
    let mut info = match root.read_string("proc/cmdline").optional()? {
        Some(cmdline) => parse_cmdline(&cmdline),
        None => KernelInfo::default(),
    };
    info.version = match root.read_string("proc/version").optional()? {
        Some(v) => parse_version(&v),
        None => None,
    };
    if info.version.is_none() {
        info.version = root.read_trimmed("proc/sys/kernel/osrelease").optional()?;
    }
    Ok(info)
}

/// The release from `Linux version 6.1.0-18-amd64 (debian-kernel@...) ...`.
pub fn parse_version(text: &str) -> Option<String> {
    let mut words = text.split_ascii_whitespace();
    words.next()?;
    (words.next()? == "version").then_some(())?;
    words.next().map(str::to_owned)
}

/// Splits the kernel command line as osquery does: on spaces, taking out
/// `BOOT_IMAGE=` and `root=` and joining the rest with single spaces.
pub fn parse_cmdline(text: &str) -> KernelInfo {
    let mut info = KernelInfo::default();
    let mut rest = Vec::new();
    for arg in text.split([' ', '\n', '\t']).filter(|a| !a.is_empty()) {
        if let Some(image) = arg.strip_prefix("BOOT_IMAGE=") {
            info.path = Some(image.to_owned());
        } else if let Some(device) = arg.strip_prefix("root=") {
            info.device = Some(device.to_owned());
        } else {
            rest.push(arg);
        }
    }
    info.arguments = Some(rest.join(" "));
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_is_the_third_word() {
        assert_eq!(
            parse_version(
                "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP\n"
            )
            .as_deref(),
            Some("6.1.0-18-amd64")
        );
        assert_eq!(parse_version("Linux 6.1.0"), None);
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn boot_image_and_root_are_taken_out() {
        let k =
            parse_cmdline("BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0a1b-2c  ro quiet\n");
        assert_eq!(k.path.as_deref(), Some("/boot/vmlinuz-6.1.0-18-amd64"));
        assert_eq!(k.device.as_deref(), Some("UUID=0a1b-2c"));
        assert_eq!(k.arguments.as_deref(), Some("ro quiet"));
    }

    #[test]
    fn a_bare_command_line_has_no_path_or_device() {
        let k = parse_cmdline("console=ttyS0 panic=1\n");
        assert_eq!((k.path, k.device), (None, None));
        assert_eq!(k.arguments.as_deref(), Some("console=ttyS0 panic=1"));
        assert_eq!(parse_cmdline("").arguments.as_deref(), Some(""));
    }
}
