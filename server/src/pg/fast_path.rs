//! The extended protocol's common round trip, served without pgwire's
//! framing: `Bind`, and `Describe`, `Execute` and `Sync` of the unnamed
//! portal.
//!
//! A client that runs a prepared statement sends Bind, Describe, Execute
//! and Sync in one packet (libpq, pgx, JDBC...). The connection reads the
//! packet into its read buffer, where these messages are recognised: Bind
//! is decoded here and makes its portal as usual; the other three are
//! recognised by their exact bytes. All four are answered by writing
//! encoded messages straight into the write buffer. Anything else — a named portal, a row limit, binary
//! results, a FETCH, a message not wholly received or whose fields do not
//! exactly fill it — is left in the buffer for pgwire's decoder and the
//! ordinary handlers, and errors take the ordinary path too.

use bytes::{Buf, BufMut, BytesMut};
use futures::SinkExt;
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::extendedquery::{Bind, Describe, TARGET_TYPE_BYTE_PORTAL};
use pgwire::messages::response::TransactionStatus;
use pgwire::tokio::server::PgWireMessageServerCodec;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::Framed;

use crate::pg::error::{PROGRAM_LIMIT_EXCEEDED, error_info};
use crate::pg::execute::{self, Executed, Output};
use crate::pg::handler::QueryHandler;

/// The codec of a connection: hostgres keeps its own prepared statements
/// per connection, so pgwire's statement type is only their text.
pub type Codec = PgWireMessageServerCodec<String>;

/// How many encoded bytes may wait in the write buffer before a large
/// result is flushed on its way.
const FLUSH_AT: usize = 64 << 10;

/// A message the fast path serves.
#[derive(Debug, PartialEq, Eq)]
pub enum Buffered {
    /// `Bind`, decoded here.
    Bind(Bind),
    /// `Describe` of the unnamed portal.
    DescribePortal,
    /// `Execute` of the unnamed portal, without a row limit.
    ExecutePortal,
    Sync,
}

/// What [`recognise`] found, before the message leaves the buffer.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    Bind(BindLayout),
    DescribePortal,
    ExecutePortal,
    Sync,
}

/// Where a `Bind` message's fields lie, as offsets into the whole message.
#[derive(Debug, PartialEq, Eq)]
struct BindLayout {
    portal: (usize, usize),
    statement: (usize, usize),
    parameter_formats: Vec<i16>,
    parameters: Vec<Option<(usize, usize)>>,
    result_formats: Vec<i16>,
}

/// Recognises a whole message at the start of `buf`, returning it and its
/// length; `None` for any other message, one not wholly received, or one
/// whose fields do not exactly fill it (pgwire's decoder then answers it).
fn recognise(buf: &[u8]) -> Option<(Found, usize)> {
    let (&tag, rest) = buf.split_first()?;
    let length = i32::from_be_bytes(rest.get(..4)?.try_into().ok()?);
    let total = usize::try_from(length).ok()?.checked_add(1)?;
    let message = buf.get(..total)?;
    let body = message.get(5..)?;
    let found = match (tag, body) {
        (b'S', []) => Found::Sync,
        (b'D', [TARGET_TYPE_BYTE_PORTAL, 0]) => Found::DescribePortal,
        (b'E', [0, 0, 0, 0, 0]) => Found::ExecutePortal,
        (b'B', _) => Found::Bind(bind_layout(message)?),
        _ => return None,
    };
    Some((found, total))
}

/// Reads a message's fields, refusing to read past its end.
struct Fields<'a> {
    message: &'a [u8],
    at: usize,
}

impl Fields<'_> {
    fn take(&mut self, n: usize) -> Option<(usize, usize)> {
        let end = self.at.checked_add(n)?;
        if end > self.message.len() {
            return None;
        }
        let range = (self.at, end);
        self.at = end;
        Some(range)
    }

    /// A NUL-terminated string, without its NUL.
    fn cstring(&mut self) -> Option<(usize, usize)> {
        let length = self.message.get(self.at..)?.iter().position(|&b| b == 0)?;
        let range = self.take(length)?;
        self.take(1)?;
        Some(range)
    }

    fn i16(&mut self) -> Option<i16> {
        let (start, _) = self.take(2)?;
        Some(i16::from_be_bytes([
            self.message[start],
            self.message[start + 1],
        ]))
    }

    fn i32(&mut self) -> Option<i32> {
        let (start, end) = self.take(4)?;
        Some(i32::from_be_bytes(
            self.message[start..end].try_into().ok()?,
        ))
    }

    /// A count of items each at least `min_size` bytes long: a count the
    /// rest of the message cannot hold is refused before anything is
    /// allocated for it.
    fn count(&mut self, min_size: usize) -> Option<usize> {
        let n = usize::from(u16::try_from(self.i16()?).ok()?);
        let left = self.message.len() - self.at;
        (n.checked_mul(min_size)? <= left).then_some(n)
    }

    fn codes(&mut self) -> Option<Vec<i16>> {
        let n = self.count(2)?;
        (0..n).map(|_| self.i16()).collect()
    }
}

fn bind_layout(message: &[u8]) -> Option<BindLayout> {
    let mut fields = Fields { message, at: 5 };
    let portal = fields.cstring()?;
    let statement = fields.cstring()?;
    let parameter_formats = fields.codes()?;
    let n = fields.count(4)?;
    let mut parameters = Vec::with_capacity(n);
    for _ in 0..n {
        let length = fields.i32()?;
        parameters.push(match usize::try_from(length) {
            Ok(length) => Some(fields.take(length)?),
            Err(_) if length == -1 => None,
            Err(_) => return None,
        });
    }
    let result_formats = fields.codes()?;
    (fields.at == message.len()).then_some(BindLayout {
        portal,
        statement,
        parameter_formats,
        parameters,
        result_formats,
    })
}

/// A message's name field as pgwire gives it: `None` when empty.
fn name(message: &[u8], (start, end): (usize, usize)) -> Option<String> {
    (start < end).then(|| String::from_utf8_lossy(&message[start..end]).into_owned())
}

/// Takes the next message out of the read buffer if the fast path serves it.
pub fn take<S>(socket: &mut Framed<S, Codec>) -> Option<Buffered> {
    take_from(socket.read_buffer_mut())
}

fn take_from(buf: &mut BytesMut) -> Option<Buffered> {
    let (found, length) = recognise(buf)?;
    let layout = match found {
        Found::Bind(layout) => layout,
        Found::DescribePortal | Found::ExecutePortal | Found::Sync => {
            buf.advance(length);
            return Some(match found {
                Found::DescribePortal => Buffered::DescribePortal,
                Found::ExecutePortal => Buffered::ExecutePortal,
                _ => Buffered::Sync,
            });
        }
    };
    let portal = name(buf, layout.portal);
    let statement = name(buf, layout.statement);
    // Parameters share the message's bytes: it leaves the buffer whole.
    let parameters = if layout.parameters.is_empty() {
        buf.advance(length);
        Vec::new()
    } else {
        let message = buf.split_to(length).freeze();
        layout
            .parameters
            .into_iter()
            .map(|p| p.map(|(start, end)| message.slice(start..end)))
            .collect()
    };
    Some(Buffered::Bind(Bind::new(
        portal,
        statement,
        layout.parameter_formats,
        parameters,
        layout.result_formats,
    )))
}

/// Answers a message taken by [`take`].
pub async fn serve<S>(
    query: &QueryHandler,
    socket: &mut Framed<S, Codec>,
    message: Buffered,
) -> PgWireResult<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + Sync + 'static,
{
    match message {
        Buffered::Bind(bind) => {
            query.bind_portal(socket, bind)?;
            socket.write_buffer_mut().extend_from_slice(&BIND_COMPLETE);
            Ok(())
        }
        Buffered::DescribePortal => match query.unnamed_portal_text_description(socket) {
            Some(description) => {
                socket.write_buffer_mut().extend_from_slice(&description);
                Ok(())
            }
            None => {
                let describe = Describe::new(TARGET_TYPE_BYTE_PORTAL, None);
                query.handle_describe(socket, describe).await
            }
        },
        Buffered::ExecutePortal => match query.execute_portal(socket, "", 0).await? {
            Some(executed) => write_executed(socket, executed).await,
            None => Ok(()),
        },
        Buffered::Sync => {
            let status = query.settle_sync(socket);
            socket
                .write_buffer_mut()
                .extend_from_slice(&ready_for_query(status));
            socket.flush().await?;
            Ok(())
        }
    }
}

/// Writes a statement's result: rows and their `CommandComplete` encoded
/// here, anything else through pgwire's encoder.
async fn write_executed<S>(socket: &mut Framed<S, Codec>, executed: Executed) -> PgWireResult<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + Sync + 'static,
{
    let Executed {
        output: Output::Rows {
            columns, rows, tag, ..
        },
        notices,
    } = executed
    else {
        return execute::feed_executed(socket, executed, false).await;
    };
    for notice in notices {
        socket.feed(execute::notice(notice)).await?;
    }
    let width =
        i16::try_from(columns.len()).map_err(|_| too_large("a row has too many columns"))?;
    let count = rows.len();
    for row in rows {
        put_data_row(socket.write_buffer_mut(), width, &row)?;
        if socket.write_buffer().len() >= FLUSH_AT {
            socket.flush().await?;
        }
    }
    put_command_complete(socket.write_buffer_mut(), &tag.tag(count));
    Ok(())
}

/// The `BindComplete` message.
const BIND_COMPLETE: [u8; 5] = [b'2', 0, 0, 0, 4];

/// A `ReadyForQuery` message.
fn ready_for_query(status: TransactionStatus) -> [u8; 6] {
    [b'Z', 0, 0, 0, 5, status as u8]
}

fn too_large(what: &str) -> PgWireError {
    PgWireError::UserError(Box::new(error_info(
        PROGRAM_LIMIT_EXCEEDED,
        what,
        Some("Select fewer or smaller columns.".to_owned()),
    )))
}

/// A `DataRow` message around a row's encoded fields.
fn put_data_row(out: &mut BytesMut, width: i16, fields: &[u8]) -> PgWireResult<()> {
    let length = fields
        .len()
        .checked_add(6)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| too_large("a row is larger than a protocol message can carry"))?;
    out.reserve(fields.len() + 7);
    out.put_u8(b'D');
    out.put_i32(length);
    out.put_i16(width);
    out.put_slice(fields);
    Ok(())
}

/// A `CommandComplete` message; tags are short, made by hostgres.
fn put_command_complete(out: &mut BytesMut, tag: &str) {
    let length = i32::try_from(tag.len() + 5).unwrap_or(i32::MAX);
    out.reserve(tag.len() + 6);
    out.put_u8(b'C');
    out.put_i32(length);
    out.put_slice(tag.as_bytes());
    out.put_u8(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn recognises_only_the_exact_messages_it_serves() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&[b'D', 0, 0, 0, 6, b'P', 0]);
        buf.extend_from_slice(&[b'E', 0, 0, 0, 9, 0, 0, 0, 0, 0]);
        buf.extend_from_slice(&[b'S', 0, 0, 0, 4]);
        assert_eq!(recognise(&buf), Some((Found::DescribePortal, 7)));
        assert_eq!(recognise(&buf[7..]), Some((Found::ExecutePortal, 10)));
        assert_eq!(recognise(&buf[17..]), Some((Found::Sync, 5)));
        // A named portal, a statement, a row limit: the ordinary path.
        assert_eq!(recognise(&[b'D', 0, 0, 0, 7, b'P', b'p', 0]), None);
        assert_eq!(recognise(&[b'D', 0, 0, 0, 6, b'S', 0]), None);
        assert_eq!(recognise(&[b'E', 0, 0, 0, 9, 0, 0, 0, 0, 10]), None);
        // Not wholly received, or a length that lies.
        assert_eq!(recognise(&[b'S', 0, 0, 0]), None);
        assert_eq!(recognise(&buf[..16]), Some((Found::DescribePortal, 7)));
        assert_eq!(recognise(&buf[7..16]), None);
        assert_eq!(recognise(&[b'S', 0, 0, 0, 3]), None);
        assert_eq!(recognise(&[b'S', 0, 0, 0, 0]), None);
        assert_eq!(recognise(&[b'S', 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(recognise(&[b'S', 0x7f, 0xff, 0xff, 0xff]), None);
        assert_eq!(recognise(&[]), None);
    }

    /// pgwire's own decoding of an encoded message.
    fn pgwire_bind(encoded: &[u8]) -> Option<Bind> {
        use pgwire::messages::{DecodeContext, Message, ProtocolVersion};
        let mut buf = BytesMut::from(encoded);
        let cx = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
        std::panic::catch_unwind(move || Bind::decode(&mut buf, &cx))
            .ok()?
            .ok()?
    }

    fn encode(bind: &Bind) -> BytesMut {
        use pgwire::messages::Message;
        let mut buf = BytesMut::new();
        bind.encode(&mut buf).expect("encodes");
        buf
    }

    #[test]
    fn decodes_binds_as_pgwire_does() {
        let binds = [
            Bind::new(None, None, vec![], vec![], vec![]),
            Bind::new(
                None,
                Some("P0_1".to_owned()),
                vec![1],
                vec![Some(Bytes::from_static(&[0, 0, 0, 7])), None],
                vec![0, 1],
            ),
            Bind::new(
                Some("portal".to_owned()),
                Some("s".to_owned()),
                vec![0, 1, 0],
                vec![Some(Bytes::from_static(b"x")), Some(Bytes::new()), None],
                vec![1],
            ),
        ];
        for bind in binds {
            let mut buf = encode(&bind);
            buf.extend_from_slice(&[b'S', 0, 0, 0, 4]);
            assert_eq!(take_from(&mut buf), Some(Buffered::Bind(bind)));
            assert_eq!(take_from(&mut buf), Some(Buffered::Sync));
            assert!(buf.is_empty());
        }
    }

    /// Every truncation and every single-byte change of a valid Bind:
    /// either refused (left for pgwire) or decoded exactly as pgwire does.
    #[test]
    fn damaged_binds_are_left_to_pgwire_or_read_alike() {
        let bind = Bind::new(
            Some("p".to_owned()),
            Some("stmt".to_owned()),
            vec![1, 0],
            vec![
                Some(Bytes::from_static(&[0, 0, 1, 0])),
                None,
                Some(Bytes::from_static(b"ab")),
            ],
            vec![1, 0, 1],
        );
        let good = encode(&bind).to_vec();
        let mut damaged: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
        for i in 0..good.len() {
            for value in [0u8, 1, 2, 0x7f, 0x80, 0xff] {
                let mut d = good.clone();
                d[i] = value;
                damaged.push(d);
            }
        }
        for d in damaged {
            let mut buf = BytesMut::from(&d[..]);
            match take_from(&mut buf) {
                None => assert_eq!(buf, &d[..], "a refused message stays in the buffer"),
                Some(Buffered::Bind(ours)) => {
                    assert_eq!(Some(ours), pgwire_bind(&d), "{d:?}");
                }
                Some(other) => panic!("{d:?} read as {other:?}"),
            }
        }
    }

    #[test]
    fn a_count_larger_than_the_message_allocates_nothing() {
        // 65,535 parameters announced in a 14-byte body.
        let message = [b'B', 0, 0, 0, 14, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];
        assert_eq!(recognise(&message), None);
        let mut fields = Fields {
            message: &message,
            at: 9,
        };
        assert_eq!(fields.count(2), None);
    }

    #[test]
    fn encodes_rows_and_tags_as_pgwire_does() {
        use pgwire::messages::PgWireBackendMessage;
        use pgwire::messages::data::DataRow;
        use pgwire::messages::extendedquery::BindComplete;
        use pgwire::messages::response::{CommandComplete, ReadyForQuery};

        let fields = {
            let mut f = BytesMut::new();
            f.put_i32(1);
            f.put_u8(b'1');
            f
        };
        let mut ours = BytesMut::new();
        ours.extend_from_slice(&BIND_COMPLETE);
        put_data_row(&mut ours, 1, &fields).expect("a small row");
        put_command_complete(&mut ours, "SELECT 1");
        ours.extend_from_slice(&ready_for_query(TransactionStatus::Transaction));
        let mut theirs = BytesMut::new();
        for message in [
            PgWireBackendMessage::BindComplete(BindComplete::new()),
            PgWireBackendMessage::DataRow(DataRow::new(fields.clone(), 1)),
            PgWireBackendMessage::CommandComplete(CommandComplete::new("SELECT 1".to_owned())),
            PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(TransactionStatus::Transaction)),
        ] {
            message.encode(&mut theirs).expect("encodes");
        }
        assert_eq!(ours, theirs);
    }
}
