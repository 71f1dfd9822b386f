// Runs in every test file's worker. Vitest 3.2's worker gives each call to the main process 60 s (birpc's
// default) and measures it on its own event loop. A test that keeps that loop busy for a minute — `cdk
// synth` bundling every function in test/infra.test.ts took 29 s at load 17 on two cores — leaves the
// reply to a task update unread until the timer has fired, and the run fails with "Timeout calling
// onTaskUpdate" although the main process received the update and answered it. Vitest 4 removed that
// timeout for the worker (vitest-dev/vitest#8297); 3.2 has no setting for it. So a task update that
// times out is treated as what it is — delivered (the IPC channel does not lose messages). Every other
// call keeps its timeout.
type Call = ((...args: unknown[]) => Promise<unknown>) & { asEvent?: unknown };

const TIMED_OUT = 'Timeout calling "onTaskUpdate"';
const state = (globalThis as { __vitest_worker__?: { rpc: object } }).__vitest_worker__;
// (The RPC object answers any property name with a call, so "already patched" is kept aside.)
const holder = globalThis as { __rpcPatience?: WeakSet<object> };
holder.__rpcPatience ??= new WeakSet();
const patched = holder.__rpcPatience;

if (state && !patched.has(state.rpc)) {
  const patient = new Proxy(state.rpc, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as Call;
      if (name !== 'onTaskUpdate') return value;
      const call: Call = async (...args) => {
        try {
          return await value(...args);
        } catch (error) {
          if ((error as Error)?.message?.includes(TIMED_OUT)) return undefined;
          throw error;
        }
      };
      call.asEvent = value.asEvent;
      return call;
    },
  });
  patched.add(patient);
  state.rpc = patient;
}
