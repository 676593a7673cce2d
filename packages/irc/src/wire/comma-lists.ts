/**
 * Join `items` with commas into as few parameters as fit in a line: a MONITOR command or reply
 * lists many nicks, and a line may not pass 512 bytes (room is left for the source, numeric and target).
 */
export function commaLists(items: readonly string[], maxLength = 400): string[] {
  const lists: string[] = [];
  let current = '';
  for (const item of items) {
    if (current !== '' && current.length + 1 + item.length > maxLength) {
      lists.push(current);
      current = '';
    }
    current = current === '' ? item : `${current},${item}`;
  }
  if (current !== '') lists.push(current);
  return lists;
}
