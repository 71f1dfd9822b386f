// Test helper: fuzzing an HTTP route with requests drawn up front and sent a few at a time, so the local runtime,
// DynamoDB Local and the test overlap (a sequential fast-check run leaves two of them idle at every step). A failure
// names the seed and the input: `fc.sample(arbitrary, { numRuns, seed })` draws the same inputs again.
import fc from 'fast-check';

export async function fuzzInPool<T>(
  arbitrary: fc.Arbitrary<T>,
  task: (input: T) => Promise<void>,
  { runs = 1000, inFlight = 4 }: { runs?: number; inFlight?: number } = {},
): Promise<void> {
  const seed = Date.now() ^ Math.floor(Math.random() * 2 ** 31);
  const inputs = fc.sample(arbitrary, { numRuns: runs, seed });
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next++] as T;
      try {
        await task(input);
      } catch (error) {
        throw new Error(`seed ${seed}, input ${JSON.stringify(input)}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}
