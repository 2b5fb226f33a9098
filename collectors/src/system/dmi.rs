//! `/sys/class/dmi/id`: the firmware's system and board identification, as the kernel exports it.

use crate::{CollectError, HostRoot, OptionalExt};

/// The identification strings; each is `None` when the firmware or kernel
/// does not provide it, and the serials and UUID need root to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DmiIds {
    pub sys_vendor: Option<String>,
    pub product_name: Option<String>,
    pub product_version: Option<String>,
    pub product_serial: Option<String>,
    pub board_vendor: Option<String>,
    pub board_name: Option<String>,
    pub board_version: Option<String>,
    pub board_serial: Option<String>,
}

/// Reads the identification strings; a machine without DMI (many virtual
/// machines, most ARM boards) gets all `None`.
pub fn read(root: &HostRoot) -> Result<DmiIds, CollectError> {
    let field = |name: &str| {
        root.read_trimmed(format!("sys/class/dmi/id/{name}"))
            .optional()
    };
    Ok(DmiIds {
        sys_vendor: field("sys_vendor")?,
        product_name: field("product_name")?,
        product_version: field("product_version")?,
        product_serial: field("product_serial")?,
        board_vendor: field("board_vendor")?,
        board_name: field("board_name")?,
        board_version: field("board_version")?,
        board_serial: field("board_serial")?,
    })
}
