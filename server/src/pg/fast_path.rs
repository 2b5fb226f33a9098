//! The extended protocol's common round trip, served without pgwire's
//! message structs: `Describe`, `Execute` and `Sync` of the unnamed portal.
//!
//! A client that runs a prepared statement sends Bind, Describe, Execute
//! and Sync in one packet (libpq, pgx, JDBC...). Once the Bind is handled,
//! the other three are already in the connection's read buffer: they are
//! recognised there by their exact bytes and answered by writing encoded
//! messages straight into the write buffer. Anything else — a named portal,
//! a row limit, binary results, a FETCH — is left in the buffer for pgwire's
//! decoder and the ordinary handlers, and errors take the ordinary path too.

use bytes::{Buf, BufMut, BytesMut};
use futures::SinkExt;
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::extendedquery::{Describe, TARGET_TYPE_BYTE_PORTAL};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buffered {
    /// `Describe` of the unnamed portal.
    DescribePortal,
    /// `Execute` of the unnamed portal, without a row limit.
    ExecutePortal,
    Sync,
}

/// Recognises a whole message at the start of `buf`, returning it and its
/// length; `None` for any other message, or one not wholly received.
fn recognise(buf: &[u8]) -> Option<(Buffered, usize)> {
    let (&tag, rest) = buf.split_first()?;
    let length = i32::from_be_bytes(rest.get(..4)?.try_into().ok()?);
    let total = usize::try_from(length).ok()?.checked_add(1)?;
    let body = buf.get(5..total)?;
    let message = match (tag, body) {
        (b'S', []) => Buffered::Sync,
        (b'D', [TARGET_TYPE_BYTE_PORTAL, 0]) => Buffered::DescribePortal,
        (b'E', [0, 0, 0, 0, 0]) => Buffered::ExecutePortal,
        _ => return None,
    };
    Some((message, total))
}

/// Takes the next message out of the read buffer if the fast path serves it.
pub fn take<S>(socket: &mut Framed<S, Codec>) -> Option<Buffered> {
    let (message, length) = recognise(socket.read_buffer())?;
    socket.read_buffer_mut().advance(length);
    Some(message)
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
                .extend_from_slice(&[b'Z', 0, 0, 0, 5, status as u8]);
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

    #[test]
    fn recognises_only_the_exact_messages_it_serves() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&[b'D', 0, 0, 0, 6, b'P', 0]);
        buf.extend_from_slice(&[b'E', 0, 0, 0, 9, 0, 0, 0, 0, 0]);
        buf.extend_from_slice(&[b'S', 0, 0, 0, 4]);
        assert_eq!(recognise(&buf), Some((Buffered::DescribePortal, 7)));
        assert_eq!(recognise(&buf[7..]), Some((Buffered::ExecutePortal, 10)));
        assert_eq!(recognise(&buf[17..]), Some((Buffered::Sync, 5)));
        // A named portal, a statement, a row limit: the ordinary path.
        assert_eq!(recognise(&[b'D', 0, 0, 0, 7, b'P', b'p', 0]), None);
        assert_eq!(recognise(&[b'D', 0, 0, 0, 6, b'S', 0]), None);
        assert_eq!(recognise(&[b'E', 0, 0, 0, 9, 0, 0, 0, 0, 10]), None);
        // Not wholly received, or a length that lies.
        assert_eq!(recognise(&[b'S', 0, 0, 0]), None);
        assert_eq!(recognise(&buf[..16]), Some((Buffered::DescribePortal, 7)));
        assert_eq!(recognise(&buf[7..16]), None);
        assert_eq!(recognise(&[b'S', 0, 0, 0, 3]), None);
        assert_eq!(recognise(&[b'S', 0, 0, 0, 0]), None);
        assert_eq!(recognise(&[b'S', 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(recognise(&[b'S', 0x7f, 0xff, 0xff, 0xff]), None);
        assert_eq!(recognise(&[]), None);
    }

    #[test]
    fn encodes_rows_and_tags_as_pgwire_does() {
        use pgwire::messages::data::DataRow;
        use pgwire::messages::response::CommandComplete;
        use pgwire::messages::{Message, PgWireBackendMessage};

        let fields = {
            let mut f = BytesMut::new();
            f.put_i32(1);
            f.put_u8(b'1');
            f
        };
        let mut ours = BytesMut::new();
        put_data_row(&mut ours, 1, &fields).expect("a small row");
        put_command_complete(&mut ours, "SELECT 1");
        let mut theirs = BytesMut::new();
        PgWireBackendMessage::DataRow(DataRow::new(fields.clone(), 1))
            .encode(&mut theirs)
            .expect("encodes");
        CommandComplete::new("SELECT 1".to_owned())
            .encode(&mut theirs)
            .expect("encodes");
        assert_eq!(ours, theirs);
    }
}
