// Deployment verifier: the report — one line per check, secrets redacted before anything is printed.

/** How a check ended. WARN is for facts worth a look that are no failure (metrics not yet published). */
export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP' | 'WARN';

/** One check's outcome: `detail` says what was proven, or why it failed and what to do, or why skipped. */
export interface CheckResult {
  status: CheckStatus;
  check: string;
  detail: string;
  /** Further lines printed indented under the check's line (e.g. alarm names grouped). */
  more?: string[];
}

/** A clock the waits read and sleep on; tests pass one that never sleeps. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A check that proved what it set out to prove. */
export const pass = (check: string, detail: string, more?: string[]): CheckResult => ({
  status: 'PASS',
  check,
  detail,
  ...(more ? { more } : {}),
});
/** A check that failed: `detail` says why and what to do. */
export const fail = (check: string, detail: string, more?: string[]): CheckResult => ({
  status: 'FAIL',
  check,
  detail,
  ...(more ? { more } : {}),
});
/** A check that could not run here: `detail` says why. */
export const skip = (check: string, detail: string): CheckResult => ({ status: 'SKIP', check, detail });
/** Worth a look, not a failure. */
export const warn = (check: string, detail: string, more?: string[]): CheckResult => ({
  status: 'WARN',
  check,
  detail,
  ...(more ? { more } : {}),
});

/** An error's name and message, for a FAIL line (AWS SDK errors name their exception). */
export function describeError(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/** Runs a check without printing it (for checks run side by side); a throw becomes its FAIL. */
export async function settle(
  check: string,
  advice: string,
  body: () => Promise<CheckResult>,
): Promise<CheckResult> {
  try {
    return await body();
  } catch (error) {
    return fail(check, `${describeError(error)} — ${advice}`);
  }
}

/**
 * Collects results and prints each as it comes (a run against AWS takes minutes). Every registered
 * secret — API key, auth token, pepper, code, full address — is replaced before a line leaves, so no
 * detail, error message or URL can print one.
 */
export class Report {
  readonly results: CheckResult[] = [];
  private readonly secrets = new Map<string, string>();

  constructor(private readonly write: (line: string) => void) {}

  /** Never print `secret`; print `shownAs` in its place. */
  protect(secret: string, shownAs = '[redacted]'): void {
    if (secret.length >= 4) this.secrets.set(secret, shownAs);
  }

  add(result: CheckResult): CheckResult {
    this.results.push(result);
    this.write(this.redact(`${result.status} ${result.check} — ${result.detail}`));
    for (const line of result.more ?? []) this.write(this.redact(`    ${line}`));
    return result;
  }

  /** Runs a check and prints its line; a throw becomes its FAIL line with the error and `advice`. */
  async run(check: string, advice: string, body: () => Promise<CheckResult>): Promise<CheckResult> {
    return this.add(await settle(check, advice, body));
  }

  /** Any FAIL: exit code 1; otherwise 0. */
  exitCode(): number {
    return this.results.some((result) => result.status === 'FAIL') ? 1 : 0;
  }

  private redact(line: string): string {
    let text = line;
    // Longest first, so a secret that contains another is replaced whole.
    const secrets = [...this.secrets].sort(([a], [b]) => b.length - a.length);
    for (const [secret, shownAs] of secrets) {
      text = text.split(secret).join(shownAs);
      text = text.split(encodeURIComponent(secret)).join(shownAs);
    }
    return text;
  }
}
