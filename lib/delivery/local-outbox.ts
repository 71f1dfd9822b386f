// The one local outbox of a process (`npm start`, the tests): the handlers deliver to it through lib/runtime.ts,
// and the local runtime's `/_local/outbox` route and the tests' log guard read it. A module of its own, so that
// reading it does not load the whole runtime (every AWS client) — the tests' log guard runs in every test file.
import { Outbox } from './outbox.ts';

export const outbox = new Outbox((line) => {
  if (process.env.OUTBOX_PRINT !== '0') process.stdout.write(`${line}\n`);
});
