//! Files on disk: metadata and content hashes.
