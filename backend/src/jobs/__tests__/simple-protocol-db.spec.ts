import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { testDatabaseUrl } from '../../testing/test-app.ts';
import { type ClosableDb, inlineParameters, simpleProtocolDb } from '../simple-protocol-db.ts';

describe("pg-boss's statements on the simple query protocol", () => {
  let simple: ClosableDb;
  let client: pg.Client;

  beforeAll(async () => {
    simple = simpleProtocolDb({
      connectionString: testDatabaseUrl(),
      max: 1,
      applicationName: 'simple-protocol-spec',
      onError: () => undefined,
    });
    client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
  });
  afterAll(async () => {
    await simple.close();
    await client.end();
  });

  it('answers as the parameterized statement does, whatever the values hold', async () => {
    const statement = `select $1::text as quoted, $2::text as backslashes, $3::uuid[] as ids, $4::text[] as odd,
      $5::jsonb as json, $6::int as number, $7::boolean as flag, $8::timestamptz as moment, $9::text as nothing,
      $10::text as tenth, coalesce($1, 'x') as untyped`;
    const values = [
      "O'Brien; drop table notification; --",
      'C:\\Temp\\neu "Ordner"',
      ['0190f5a0-0000-7000-8000-000000000001', '0190f5a0-0000-7000-8000-000000000002'],
      ['a "b"', 'c\\d', null, 'e,f', '{g}'],
      JSON.stringify({ title: 'Rückruf „Müller“', n: 1 }),
      42,
      true,
      new Date('2026-11-24T08:30:00.123Z'),
      null,
      'zehn',
    ];
    const expected = (await client.query(statement, values)).rows;
    const { rows } = await simple.executeSql(statement, values);
    expect(rows).toEqual(expected);
    expect(rows[0]).toMatchObject({ quoted: values[0], backslashes: values[1], tenth: 'zehn', nothing: null });
  });

  it('leaves a statement without values as it is, and placeholders beyond the values alone', () => {
    const ddl = 'create function f() returns int language sql as $$ select $1 $$';
    expect(inlineParameters(ddl, [])).toBe(ddl);
    expect(inlineParameters('select $1, $2', ['a'])).toBe("select 'a', $2");
  });

  it('answers every statement of a multi-statement query', async () => {
    const result = (await simple.executeSql('select 1 as one; select 2 as two')) as unknown as { rows: unknown[] }[];
    expect(result.map((part) => part.rows)).toEqual([[{ one: 1 }], [{ two: 2 }]]);
  });
});
