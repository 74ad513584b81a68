import type { PullProgress } from './model-pull';

/** Where progress is written: a terminal (redrawn bar) or a log/pipe (plain lines). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const BAR_WIDTH = 30;

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/**
 * PullProgress for the CLI: on a TTY one bar per file redrawn in place
 * (`onnx/model.onnx [#####-----] 45% 12.3/27.1 MB`); otherwise a line when a file starts, at each
 * quarter and when it ends, so logs stay readable.
 */
export class TerminalProgress implements PullProgress {
  private total: number | undefined;
  private done = 0;
  private lastQuarter = 0;

  constructor(private readonly sink: ProgressSink) {}

  start(file: string, totalBytes: number | undefined, resumedFrom: number): void {
    this.total = totalBytes;
    this.done = resumedFrom;
    // A resumed download reports only the quarters it still crosses.
    this.lastQuarter = totalBytes ? Math.floor((resumedFrom / totalBytes) * 4) : 0;
    const size = totalBytes === undefined ? 'size unknown' : megabytes(totalBytes);
    if (!this.sink.isTTY) this.sink.write(`${file}: downloading (${size})${resumedFrom > 0 ? `, resuming at ${megabytes(resumedFrom)}` : ''}\n`);
    else this.draw(file);
  }

  advance(file: string, bytes: number): void {
    this.done += bytes;
    if (this.sink.isTTY) {
      this.draw(file);
      return;
    }
    if (this.total) {
      const quarter = Math.floor((this.done / this.total) * 4);
      if (quarter > this.lastQuarter && quarter < 4) {
        this.lastQuarter = quarter;
        this.sink.write(`${file}: ${quarter * 25}% (${megabytes(this.done)} of ${megabytes(this.total)})\n`);
      }
    }
  }

  finish(file: string, outcome: 'downloaded' | 'up to date' | 'verified', sha256: string): void {
    if (this.sink.isTTY && outcome === 'downloaded') this.sink.write('\r\x1b[K');
    this.sink.write(`${file}: ${outcome}, sha256 ${sha256}\n`);
  }

  /** One in-place line: name, bar, percentage, bytes. */
  render(file: string): string {
    if (!this.total) return `${file} ${megabytes(this.done)}`;
    const ratio = Math.min(1, this.done / this.total);
    const filled = Math.round(ratio * BAR_WIDTH);
    return `${file} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${megabytes(this.done)}/${megabytes(this.total)}`;
  }

  private draw(file: string): void {
    const line = this.render(file);
    const width = this.sink.columns ?? 100;
    this.sink.write(`\r\x1b[K${line.slice(0, Math.max(10, width - 1))}`);
  }
}
