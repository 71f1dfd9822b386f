// Deployment verifier: what a run created, undone in reverse order — also after a failed or interrupted check.
import { type CheckResult, describeError, fail, pass } from './report.ts';

interface Undo {
  what: string;
  undo: () => Promise<unknown>;
}

/**
 * Every resource a check creates is registered here the moment it exists, so a check that throws halfway
 * still leaves nothing behind. `run` undoes each once, newest first, and never throws.
 */
export class Cleanup {
  private readonly pending: Undo[] = [];
  private readonly done: string[] = [];
  private readonly failed: string[] = [];

  /** Registers how to undo `what` (a name an operator can find and delete by hand if the undo fails). */
  add(what: string, undo: () => Promise<unknown>): void {
    this.pending.push({ what, undo });
  }

  /** Undoes everything registered so far, newest first; safe to call again (only new entries run). */
  async run(): Promise<void> {
    for (let entry = this.pending.pop(); entry; entry = this.pending.pop()) {
      try {
        await entry.undo();
        this.done.push(entry.what);
      } catch (error) {
        this.failed.push(`${entry.what} (${describeError(error)})`);
      }
    }
  }

  /** The `cleanup` line: what was removed, or what is left and must be deleted by hand. */
  result(): CheckResult {
    if (this.failed.length > 0)
      return fail(
        'cleanup',
        `${this.failed.length} thing(s) could not be removed; delete them by hand (names start with codegate-verifier- or verifier-; docs/verify-deployment.md)`,
        this.failed,
      );
    return pass(
      'cleanup',
      this.done.length > 0 ? `removed ${this.done.length}: ${this.done.join(', ')}` : 'nothing was created',
    );
  }
}
