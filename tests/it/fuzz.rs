//! Property tests over what a client controls: the wire-message decoder and
//! the SQL translator must turn any input into a value or an error, never a
//! panic, a hang or an unbounded allocation.
//!
//! CI runs a bounded number of cases (`PROPTEST_CASES`, 256 by default). For
//! a longer local run: `PROPTEST_CASES=200000 cargo test -p hostgres-tests --test it fuzz`.

use bytes::BytesMut;
use hostgres_catalog::Registry;
use hostgres_catalog::translate::{split_statements, translate};
use pgwire::messages::{DecodeContext, PgWireFrontendMessage, ProtocolVersion};
use proptest::prelude::*;

/// Decodes every message in `bytes` under `ctx`, as the server's codec does.
fn decode_all(bytes: &[u8], ctx: &DecodeContext) {
    let mut buf = BytesMut::from(bytes);
    // Each successful decode consumes bytes, so this ends.
    while let Ok(Some(_)) = PgWireFrontendMessage::decode(&mut buf, ctx) {}
}

fn contexts() -> [DecodeContext; 3] {
    let startup = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
    let mut after_ssl = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
    after_ssl.awaiting_frontend_ssl = false;
    let mut ready = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
    ready.awaiting_frontend_ssl = false;
    ready.awaiting_frontend_startup = false;
    [startup, after_ssl, ready]
}

/// A message header with a hostile length, then arbitrary body bytes.
fn framed() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(b"QPBEDSCHXFfdcp\x00".to_vec()),
        prop_oneof![
            Just(i32::MAX),
            Just(i32::MIN),
            Just(0x4000_0000),
            Just(-1),
            Just(0),
            Just(4),
            0i32..64,
        ],
        prop::collection::vec(any::<u8>(), 0..128),
    )
        .prop_map(|(tag, len, body)| {
            let mut v = vec![tag];
            v.extend_from_slice(&len.to_be_bytes());
            v.extend(body);
            v
        })
}

proptest! {
    #[test]
    fn the_decoder_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for ctx in contexts() {
            decode_all(&bytes, &ctx);
        }
    }

    #[test]
    fn the_decoder_survives_hostile_lengths(messages in prop::collection::vec(framed(), 1..6)) {
        let bytes: Vec<u8> = messages.concat();
        for ctx in contexts() {
            decode_all(&bytes, &ctx);
        }
    }

    #[test]
    fn the_translator_survives_any_text(sql in "\\PC{0,200}") {
        let registry = Registry::builtin();
        for statement in split_statements(&sql) {
            let _ = translate(statement, &registry);
        }
    }

    #[test]
    fn the_translator_survives_sql_shaped_text(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "SELECT", "FROM", "WHERE", "processes", "pid", "=", "$1", "$99999999999", "::", "int8",
                "(", ")", "'", "\"", ";", "--", "/*", "*/", "E'\\\\", "$$", "$tag$", ",", "*",
                "SET", "statement_timeout", "TO", "SHOW", "BEGIN", "COPY", "ATTACH", "PRAGMA",
                "WITH RECURSIVE", "UNION ALL", "::text[]", "ARRAY[", "]", "pg_catalog.", "\u{0}",
            ]),
            0..40,
        )
    ) {
        let registry = Registry::builtin();
        let sql = parts.join(" ");
        for statement in split_statements(&sql) {
            let _ = translate(statement, &registry);
        }
    }
}
