const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a syntactically valid UUID (ids are UUIDs; anything else cannot exist). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
