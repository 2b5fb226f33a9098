// node-postgres against hostgres (server reading the fixture host): simple
// and parameterised queries, a prepared named query, result types as pg
// returns them (int8 as a string), an error's SQLSTATE, and pg-cursor.
// Connects with the PG* environment variables; prints one line per check,
// which tests/it/clients_node.rs compares with the exact expected output.

'use strict';

const assert = require('node:assert/strict');
const { Client } = require('pg');
const Cursor = require('pg-cursor');

function check(label, got, want) {
  assert.deepStrictEqual(got, want, label);
  console.log(`${label}: ${JSON.stringify(got)}`);
}

async function main() {
  const client = new Client();
  await client.connect();

  // No parameters: the simple query protocol.
  let res = await client.query("SELECT 1::int8 AS big, 2::int4 AS small, true AS yes, 'x'::text AS word");
  check('simple', res.rows, [{ big: '1', small: 2, yes: true, word: 'x' }]);
  check('simple_types', res.fields.map((f) => f.dataTypeID), [20, 23, 16, 25]);

  // Parameters: the extended protocol.
  res = await client.query('SELECT pid, name, parent FROM processes WHERE pid = $1', [733]);
  check('param_number', res.rows, [{ pid: '733', name: 'redis-server', parent: '1' }]);
  res = await client.query('SELECT pid FROM processes WHERE name = $1', ['nginx']);
  check('param_string', res.rows, [{ pid: '2045' }]);
  res = await client.query('SELECT $1::text AS a, $2::int4 + 1 AS b, $3::bool AS c', ['hé', 41, false]);
  check('param_types', res.rows, [{ a: 'hé', b: 42, c: false }]);
  check('param_count', res.rowCount, 1);

  // A prepared named query: parsed once, bound and executed each time.
  for (const [pid, name] of [[1, 'systemd'], [2, 'kthreadd'], [1207, 'python3']]) {
    res = await client.query({
      name: 'process-by-pid',
      text: 'SELECT name FROM processes WHERE pid = $1',
      values: [pid],
    });
    check(`prepared_${pid}`, res.rows, [{ name }]);
  }
  res = await client.query({
    text: 'SELECT pid, name FROM processes WHERE pid > $1 ORDER BY pid',
    values: [100],
    rowMode: 'array',
  });
  check('row_mode_array', res.rows, [['733', 'redis-server'], ['1207', 'python3'], ['2045', 'nginx']]);

  // Errors carry their SQLSTATE and leave the connection usable.
  try {
    await client.query('SELECT * FROM no_such_table');
    assert.fail('a missing table must fail');
  } catch (e) {
    check('missing_table', e.code, '42P01');
  }
  try {
    await client.query('UPDATE processes SET name = $1', ['x']);
    assert.fail('a write must fail');
  } catch (e) {
    check('write', e.code, '25006');
  }
  res = await client.query('SELECT count(*) AS n FROM processes');
  check('usable', res.rows, [{ n: '5' }]);

  // pg-cursor: a portal read a few rows at a time.
  const cursor = client.query(new Cursor('SELECT pid FROM processes ORDER BY pid'));
  const pids = [];
  for (;;) {
    const rows = await cursor.read(2);
    if (rows.length === 0) break;
    pids.push(rows.map((r) => r.pid));
  }
  await cursor.close();
  check('cursor', pids, [['1', '2'], ['733', '1207'], ['2045']]);

  await client.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
