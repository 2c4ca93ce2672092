// How deeply a JSON request body may nest objects and arrays. No elbow body needs more than a
// handful of levels (a load balancer with listeners, pools and members is five); a body nested
// 100,000 deep parses fine but overflows the stack of whatever walks it next (schema checks,
// error descriptions), so it is refused before parsing, in one pass over the text.

export const MAX_JSON_DEPTH = 64;

/** Whether the text nests objects or arrays deeper than `limit` (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
