// What a Java application sees through pgjdbc: prepared statements with
// int and string parameters (server-side prepared from the first execution),
// result set types, DatabaseMetaData as IDEs and BI tools call it, and
// SQLSTATEs. Prints one tab-separated line per fact; the test that runs it
// (tests/it/jdbc.rs) checks them. Usage: java -cp postgresql.jar
// HostgresJdbc.java <jdbc url> <user> <password>

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.PGStatement;

public class HostgresJdbc {
    static void out(Object... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append('\t');
            }
            line.append(fields[i]);
        }
        System.out.println(line);
    }

    public static void main(String[] args) throws Exception {
        try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2])) {
            prepared(conn);
            types(conn);
            metadata(conn.getMetaData());
            errors(conn);
        }
    }

    // The same statements run three times each: pgjdbc switches to a named
    // server-side statement once prepareThreshold executions are reached.
    static void prepared(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT pid, name, parent FROM processes WHERE pid = ? ORDER BY pid")) {
            for (int round = 0; round < 3; round++) {
                ps.setInt(1, 733);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out("by_pid", round, rs.getLong(1), rs.getString(2), rs.getLong(3));
                    }
                }
            }
            out("server_prepared", ps.unwrap(PGStatement.class).isUseServerPrepare());
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT count(*) FROM processes WHERE name = ? AND pid > ?")) {
            for (int round = 0; round < 3; round++) {
                ps.setString(1, "nginx");
                ps.setLong(2, 0L);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out("by_name", round, rs.getInt(1));
                }
            }
        }
    }

    // Column types as ResultSetMetaData reports them, and the Java class of each value.
    static void types(Connection conn) throws SQLException {
        String sql = "SELECT 7::int4 AS i4, 8::int8 AS i8, 1.5::float8 AS f8, 'x'::text AS t, "
                + "true AS b, '2024-01-02'::date AS d, "
                + "'2024-01-02 03:04:05+00'::timestamptz AS ts, pid FROM processes WHERE pid = 1";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int round = 0; round < 2; round++) {
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    rs.next();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        out("type", round, md.getColumnName(i), md.getColumnTypeName(i),
                                md.getColumnType(i), rs.getObject(i).getClass().getSimpleName(),
                                rs.getString(i));
                    }
                    out("base_table", round, md.getTableName(8), md.getSchemaName(8));
                }
            }
        }
    }

    static void metadata(DatabaseMetaData md) throws SQLException {
        out("product", md.getDatabaseProductName(), md.getDatabaseMajorVersion());
        try (ResultSet rs = md.getSchemas()) {
            while (rs.next()) {
                out("schema", rs.getString("TABLE_SCHEM"));
            }
        }
        try (ResultSet rs = md.getTables(null, "public", "%", null)) {
            while (rs.next()) {
                out("table", rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"),
                        rs.getString("TABLE_TYPE"));
            }
        }
        try (ResultSet rs = md.getColumns(null, "public", "processes", null)) {
            while (rs.next()) {
                out("column", rs.getInt("ORDINAL_POSITION"), rs.getString("COLUMN_NAME"),
                        rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE"),
                        rs.getString("IS_NULLABLE"), rs.getString("REMARKS") != null);
            }
        }
        int keys = 0;
        try (ResultSet rs = md.getPrimaryKeys(null, "public", "processes")) {
            while (rs.next()) {
                keys++;
            }
            ResultSetMetaData rsmd = rs.getMetaData();
            StringBuilder labels = new StringBuilder();
            for (int i = 1; i <= rsmd.getColumnCount(); i++) {
                labels.append(i > 1 ? "," : "").append(rsmd.getColumnLabel(i));
            }
            out("primary_keys", keys, labels);
        } catch (SQLException e) {
            out("primary_keys", "error", e.getSQLState(), e.getMessage());
        }
        int indexes = 0;
        try (ResultSet rs = md.getIndexInfo(null, "public", "processes", false, true)) {
            while (rs.next()) {
                indexes++;
            }
            out("index_info", indexes, rs.getMetaData().getColumnCount());
        } catch (SQLException e) {
            out("index_info", "error", e.getSQLState(), e.getMessage());
        }
    }

    static void errors(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.executeQuery("SELECT * FROM nosuch");
            out("error", "none");
        } catch (SQLException e) {
            out("error", e.getSQLState());
        }
        // The connection stays usable after an error.
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM processes")) {
            rs.next();
            out("after_error", rs.getLong(1));
        }
    }
}
