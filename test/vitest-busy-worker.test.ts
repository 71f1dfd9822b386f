// Vitest itself on a loaded machine: a test file that keeps its worker busy past the worker's 60 s RPC
// timeout still passes cleanly, with no "Timeout calling onTaskUpdate" unhandled error failing the run.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import house from '../vitest.config.ts';

describe('vitest under a long synchronous block', () => {
  it('the house config loads the task-update patience in every worker', () => {
    expect(house.test?.setupFiles).toContain('test/setup/rpc-patience.ts');
  });

  it('a file blocking its worker for 62 s passes, and the run reports no unhandled error', async () => {
    const child = spawn(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/busy-worker/vitest.config.ts'],
      { env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(output).not.toContain('Timeout calling');
    expect(output).not.toMatch(/Unhandled Error/);
    expect(output).toMatch(/Tests\s+1 passed \(1\)/);
    expect(code).toBe(0);
  }, 240_000);
});
