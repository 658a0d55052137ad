// How much SQLite's automatic WAL checkpoint costs a report's commit: one report's writes (a measurement, an
// event, the job's lease) as 8,000 transactions in WAL mode with synchronous=NORMAL, with the default
// wal_autocheckpoint (1,000 pages: the commit that crosses it copies the WAL into the database and fsyncs,
// on the event loop) and with it off. Prints each commit's mean, p50, p99 and longest time. Not a test.
//
//   node bench/wal-checkpoint.mjs [--commits 8000]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";

const at = process.argv.indexOf("--commits");
const COMMITS = at >= 0 ? Number(process.argv[at + 1]) : 8000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hypersieve-wal-"));
try {
  console.log(`wal-checkpoint: ${COMMITS} commits; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (const pages of [1000, 0]) {
    const db = new Database(path.join(dir, `wal-${pages}.db`));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma(`wal_autocheckpoint = ${pages}`);
    db.exec(`create table measurements (id integer primary key, trial integer, epoch integer, value real, unique (trial, epoch));
      create table events (id integer primary key, type text, payload text, created_at text);
      create table jobs (id integer primary key, last_epoch integer, lease_until integer);
      insert into jobs values (1, 0, 0);`);
    const measurement = db.prepare("insert into measurements (trial, epoch, value) values (?, ?, ?)");
    const event = db.prepare("insert into events (type, payload, created_at) values (?, ?, ?)");
    const lease = db.prepare("update jobs set last_epoch = ?, lease_until = ? where id = 1");
    const report = db.transaction((i) => {
      const value = Math.sin(i);
      measurement.run(i >> 5, i & 31, value);
      event.run("measurement", JSON.stringify({ trial: i >> 5, epoch: i & 31, value }), new Date().toISOString());
      lease.run(i & 31, Date.now() + 60_000);
    });
    const times = [];
    for (let i = 0; i < COMMITS; i++) {
      const started = performance.now();
      report(i);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(
      `wal_autocheckpoint ${String(pages).padStart(4)}: mean ${mean.toFixed(3)} ms, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, longest ${q(1)} ms, ` +
        `${times.filter((t) => t > 10).length} commits over 10 ms`,
    );
    db.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
