/**
 * Polls `probe` until it answers something other than undefined, or fails with what it waited for
 * (and the probe's last error). An error `fatal` recognises ends the wait at once (e.g. the process
 * under test exited).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 250, fatal = () => false }: { timeoutMs: number; intervalMs?: number; fatal?: (error: unknown) => boolean },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (fatal(error)) throw error;
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
