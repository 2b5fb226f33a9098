// What a Go application sees through pgx: a connection, QueryRow with an int8
// parameter, Query over processes, arrays in binary, and an array type loaded
// from pg_type the way pgx's LoadType does (regtype, typtype, typelem) and
// registered with pgtype. Prints one tab-separated line per fact; the test
// that runs it (tests/it/pgx.rs) checks them.
// Usage: go run hostgres_pgx.go <connection string>
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

func out(fields ...interface{}) {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprint(f)
	}
	fmt.Println(strings.Join(parts, "\t"))
}

func check(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

// loadArrayType resolves an array type by name and registers it, so that
// values of that OID decode as a pgtype.ArrayType of its element type.
func loadArrayType(ctx context.Context, conn *pgx.Conn, name string) uint32 {
	var oid uint32
	check("regtype", conn.QueryRow(ctx, "select $1::text::regtype::oid", name).Scan(&oid))
	var typtype string
	var typbasetype uint32
	check("typtype", conn.QueryRow(ctx,
		"select typtype::text, typbasetype from pg_type where oid=$1", oid).Scan(&typtype, &typbasetype))
	out("loaded", name, oid, typtype, typbasetype)
	if typtype != "b" {
		return oid
	}
	var elem uint32
	check("typelem", conn.QueryRow(ctx, "select typelem from pg_type where oid=$1", oid).Scan(&elem))
	ci := conn.ConnInfo()
	elemType, ok := ci.DataTypeForOID(elem)
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown element type %d\n", elem)
		os.Exit(1)
	}
	out("element", name, elem, elemType.Name)
	array := pgtype.NewArrayType(name, elem, func() pgtype.ValueTranscoder {
		return pgtype.NewValue(elemType.Value).(pgtype.ValueTranscoder)
	})
	ci.RegisterDataType(pgtype.DataType{Value: array, Name: name, OID: oid})
	return oid
}

func main() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, os.Args[1])
	check("connect", err)
	defer conn.Close(ctx)
	check("ping", conn.Ping(ctx))

	var name string
	var parent int64
	check("query row", conn.QueryRow(ctx,
		"SELECT name, parent FROM processes WHERE pid = $1", int64(733)).Scan(&name, &parent))
	out("by_pid", name, parent)

	rows, err := conn.Query(ctx, "SELECT pid, name, uid, start_time FROM processes ORDER BY pid")
	check("query", err)
	for rows.Next() {
		var pid, uid, start int64
		var pname string
		check("scan", rows.Scan(&pid, &pname, &uid, &start))
		out("process", pid, pname, uid)
	}
	check("rows", rows.Err())
	fields := rows.FieldDescriptions()
	for _, f := range fields {
		out("field", string(f.Name), f.DataTypeOID, f.Format)
	}

	var ints []int64
	check("int8[]", conn.QueryRow(ctx, "SELECT ARRAY[3, 1, 2]::int8[]").Scan(&ints))
	out("int8_array", fmt.Sprint(ints))
	var names []string
	check("text[]", conn.QueryRow(ctx,
		"SELECT array_agg(name ORDER BY pid) FROM processes WHERE pid = ANY($1)",
		[]int64{1, 733}).Scan(&names))
	out("text_array", strings.Join(names, ","))

	oid := loadArrayType(ctx, conn, "_int4")
	// Values decodes through the registered type: an array of its elements.
	arrayRows, err := conn.Query(ctx, "SELECT ARRAY[4, 5]::int4[]")
	check("int4[] query", err)
	for arrayRows.Next() {
		vals, err := arrayRows.Values()
		check("int4[] values", err)
		out("int4_array", oid, arrayRows.FieldDescriptions()[0].DataTypeOID, fmt.Sprint(vals[0]))
	}
	check("int4[] rows", arrayRows.Err())

	_, err = conn.Exec(ctx, "SELECT * FROM nosuch")
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		out("error", pgErr.Code)
	} else {
		out("error", err)
	}
}
