import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Keeps a second process (or a second start in this one) off a PGlite data directory that is
 * open: PGlite, unlike a PostgreSQL server, takes no lock of its own, and two writers would
 * corrupt the database. The lock is a file next to the directory (`<dataDir>.lock`, PGlite wants
 * the directory itself to itself) holding the owner's process id; a lock whose process is gone
 * (killed, crashed) is stale and taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(
          `the data directory ${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: stop it first (or, if no such process runs Open-AutoGLM, delete ${path})`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new Error(`could not take the lock ${path}: another process keeps taking it`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
