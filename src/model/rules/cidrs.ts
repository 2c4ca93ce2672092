// allowed_cidrs and ip group entries: IPv4 or IPv6 addresses or CIDR blocks.

import { ElbowError } from '../../errors.js';
import { isCidr } from '../cidr.js';

/** CIDR_INVALID naming the first bad entry as field[index]. */
export function checkCidrs(field: string, values: readonly string[] | null): void {
  values?.forEach((value, index) => {
    if (!isCidr(value)) throw new ElbowError('CIDR_INVALID', { value, field: `${field}[${index}]` });
  });
}
