/**
 * The demo's progress line on stderr: rewritten in place on a terminal, one line per step when
 * stderr is a file or a pipe (CI logs, the test), so logs are not flooded with carriage returns.
 */
export class Progress {
  private readonly started = Date.now();
  private readonly tty = process.stderr.isTTY === true;
  private current = '';

  elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }

  /** A new step: on a terminal it replaces the line; elsewhere it prints a line. */
  step(label: string): void {
    this.current = label;
    if (this.tty) this.draw('');
    else process.stderr.write(`[${this.elapsed().toFixed(1).padStart(5)}s] ${label}\n`);
  }

  /** Detail within the step (counts, rates): only a terminal shows it. */
  update(detail: string): void {
    if (this.tty) this.draw(detail);
  }

  /** Ends the line so that following output starts on its own line. */
  finish(message: string): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`[${this.elapsed().toFixed(1).padStart(5)}s] ${message}\n`);
  }

  private draw(detail: string): void {
    const text = `[${this.elapsed().toFixed(1).padStart(5)}s] ${this.current}${detail ? ` — ${detail}` : ''}`;
    process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns ?? 100) - 1)}`);
  }
}
