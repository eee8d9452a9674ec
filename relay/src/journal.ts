import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The relay's embedded, crash-safe state: a snapshot plus an append-only journal of changes, each
 * line written and fsync'd before the change is acknowledged to anyone. After a crash (kill -9
 * included) the snapshot and every complete journal line are replayed; a torn last line was
 * never acknowledged and is dropped. The journal is folded into a new snapshot (written aside,
 * fsync'd, renamed) once it grows, so a restart replays little.
 */
export class Journal<S, E> {
  private fd: number;
  private lines = 0;
  readonly state: S;

  constructor(
    private readonly folder: string,
    initial: () => S,
    private readonly apply: (state: S, event: E) => void,
    private readonly compactAfter = 5_000,
  ) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    this.state = this.read(initial);
    this.fd = openSync(this.journalPath, 'a', 0o600);
  }

  private get journalPath() {
    return join(this.folder, 'journal.jsonl');
  }

  private get snapshotPath() {
    return join(this.folder, 'snapshot.json');
  }

  private read(initial: () => S): S {
    let state = initial();
    try {
      state = JSON.parse(readFileSync(this.snapshotPath, 'utf8')) as S;
    } catch {
      // No snapshot yet: a first start, or a crash before the first compaction.
    }
    let text = '';
    try {
      text = readFileSync(this.journalPath, 'utf8');
    } catch {
      return state;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        this.apply(state, JSON.parse(line) as E);
        this.lines++;
      } catch {
        // A line cut short by a crash: its change was never acknowledged.
        break;
      }
    }
    return state;
  }

  /** Applies the change and makes it durable; returns once it would survive a crash. */
  record(event: E) {
    this.apply(this.state, event);
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    fsyncSync(this.fd);
    if (++this.lines >= this.compactAfter) this.compact();
  }

  compact() {
    const aside = `${this.snapshotPath}.tmp`;
    const fd = openSync(aside, 'w', 0o600);
    writeSync(fd, JSON.stringify(this.state));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(aside, this.snapshotPath);
    closeSync(this.fd);
    this.fd = openSync(this.journalPath, 'w', 0o600);
    fsyncSync(this.fd);
    this.lines = 0;
  }

  close() {
    closeSync(this.fd);
  }
}
