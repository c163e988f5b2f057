// The peer of bench/national.sh: the same pseudonymized keys (stapel-agent --preview, cut to
// the columns a count needs) loaded into DuckDB, each source joined to the register on its
// first match key (its first column; the register has a column of that kind) and counted per
// buurt, as Stapel's stacking table counts (one deterministic pass, where Stapel's linker makes
// several and a fuzzy one). Prints one line per repetition: load_s join_count_s buurten and the
// housing and credit records that matched (it fails when none did).
// Usage: node bench/duckdb_peer.mjs REGISTER.csv HOUSING.csv CREDIT.csv [repetitions, 3]
import { DuckDBInstance } from '@duckdb/node-api';

const [register, housing, credit, repetitionsArg] = process.argv.slice(2);
const repetitions = Number(repetitionsArg ?? 3);
for (let i = 0; i < repetitions; ++i) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  const t0 = performance.now();
  await db.run(`CREATE TABLE reg AS SELECT * FROM read_csv('${register}', header = true)`);
  await db.run(`CREATE TABLE housing AS SELECT * FROM read_csv('${housing}', header = true)`);
  await db.run(`CREATE TABLE credit AS SELECT * FROM read_csv('${credit}', header = true)`);
  const t1 = performance.now();
  const key = async (table) =>
    (await db.runAndReadAll(`SELECT name FROM pragma_table_info('${table}') WHERE cid = 0`))
      .getRows()[0][0];
  const hk = await key('housing'), ck = await key('credit');
  const result = await db.runAndReadAll(`
    WITH h AS (SELECT "${hk}" AS k, max(rent_arrears) AS rent_arrears FROM housing
               WHERE "${hk}" IS NOT NULL GROUP BY k),
         c AS (SELECT "${ck}" AS k, max(debts) AS debts FROM credit
               WHERE "${ck}" IS NOT NULL GROUP BY k),
         p AS (SELECT r.buurt, r.youth_care, r.wmo, coalesce(h.rent_arrears, 0) AS rent_arrears,
                      coalesce(c.debts, 0) AS debts
               FROM reg r LEFT JOIN h ON r."${hk}" = h.k LEFT JOIN c ON r."${ck}" = c.k)
    SELECT buurt, count(*) AS residents, sum(youth_care), sum(wmo), sum(rent_arrears),
           sum(debts),
           count(*) FILTER (WHERE youth_care + wmo + rent_arrears + debts >= 2) AS stacked_2plus
    FROM p GROUP BY buurt ORDER BY buurt`);
  const t2 = performance.now();
  // Keys of different secrets never match: then the comparison would time no real join.
  const linked = (await db.runAndReadAll(`
    SELECT (SELECT count(*) FROM housing h JOIN reg r ON r."${hk}" = h."${hk}"),
           (SELECT count(*) FROM credit c JOIN reg r ON r."${ck}" = c."${ck}")`)).getRows()[0];
  if (Number(linked[0]) === 0 || Number(linked[1]) === 0) {
    throw new Error(`no source record matched the register (housing ${linked[0]}, credit ${linked[1]}): the keys were made with different secrets`);
  }
  console.log(`${((t1 - t0) / 1000).toFixed(3)} ${((t2 - t1) / 1000).toFixed(3)} ${result.getRows().length} ${linked[0]} ${linked[1]}`);
  db.closeSync();
}
