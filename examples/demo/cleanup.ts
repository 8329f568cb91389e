/**
 * Everything the demo starts is registered here as it starts, and torn down in reverse order on
 * every way out: normal end, a failure, Ctrl-C or SIGTERM.
 */
export class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<void> | void }> = [];
  private running: Promise<string[]> | undefined;
  /** Set by a signal: failures that follow are the teardown's doing, not worth reporting. */
  interrupted = false;

  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }

  /** Runs every step once (later calls wait for the first); returns the steps that failed, described. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const problems: string[] = [];
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (err) {
          problems.push(`${step.what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return problems;
    })();
    return this.running;
  }

  /** Ctrl-C and SIGTERM clean up and exit 130 / 143 instead of leaving the service running. */
  onSignals(report: (message: string) => void): void {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      process.once(signal, () => {
        this.interrupted = true;
        report(`demo: ${signal}: stopping the service and the collector, removing temporary files`);
        void this.run().finally(() => process.exit(code));
      });
    }
  }
}
