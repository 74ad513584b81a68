/** Makes a switch exhaustive at compile time: a new enum member that is not handled fails the build. */
export function assertUnreachable(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${String(value)}`);
}
