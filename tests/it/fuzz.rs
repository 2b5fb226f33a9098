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

/// Decodes every message in `bytes` starting from `ctx`, moving through the
/// startup states as the server's codec does (the SSL probe is only peeked
/// at, so the state must move on for the next decode to consume input).
fn decode_all(bytes: &[u8], start: &DecodeContext) {
    let mut ctx = DecodeContext::new(start.protocol_version);
    ctx.awaiting_frontend_ssl = start.awaiting_frontend_ssl;
    ctx.awaiting_frontend_startup = start.awaiting_frontend_startup;
    let mut buf = BytesMut::from(bytes);
    quiet_decoder_panics();
    loop {
        let before = buf.len();
        // pgwire panics on a body shorter than its fields; the server catches
        // that per connection (tests/it/hostile.rs), so here it ends the input.
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            PgWireFrontendMessage::decode(&mut buf, &ctx)
        }));
        let Ok(decoded) = decoded else { break };
        match decoded {
            Ok(Some(PgWireFrontendMessage::SslNegotiation(_))) if ctx.awaiting_frontend_ssl => {
                ctx.awaiting_frontend_ssl = false;
            }
            Ok(Some(m)) => {
                assert!(buf.len() < before, "{m:?} consumed no input: {bytes:?}");
                ctx.awaiting_frontend_ssl = false;
                ctx.awaiting_frontend_startup = false;
            }
            _ => break,
        }
    }
}

/// Keeps the expected decoder panics (raised inside `bytes` while pgwire
/// reads a short body) out of the test output; any other panic is reported
/// as usual.
fn quiet_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_bytes = info
                .location()
                .is_some_and(|l| l.file().contains("/bytes-"));
            if !in_bytes {
                default(info);
            }
        }));
    });
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
