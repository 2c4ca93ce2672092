// Certificates (Huawei extension): parsed and checked on every write; in use → no delete.

import { ElbowError } from '../../errors.js';
import { certificateIdFromRef } from '../../model/certificate-ref.js';
import { CERTIFICATE_DEFAULTS } from '../../model/defaults.js';
import type { StoredCertificate } from '../../model/types.js';
import { inspectCertificate } from '../certificates.js';
import { meaningful, newBase, requestedProject, type KindHandler } from './handler.js';

export const certificateHandler: KindHandler<'certificate'> = {
  async create(tx, body, ctx) {
    const given = meaningful('certificate', body);
    const type = given.type ?? CERTIFICATE_DEFAULTS.type;
    const privateKey = given.private_key ?? null;
    const certificate: StoredCertificate = {
      ...newBase(ctx, requestedProject(body, ctx)),
      ...CERTIFICATE_DEFAULTS,
      ...given,
      type,
      certificate: body.certificate,
      private_key: privateKey,
      ...inspectCertificate(type, body.certificate, privateKey),
    };
    await tx.insert('certificate', certificate);
    return certificate;
  },

  async update(tx, current, body, ctx) {
    const merged: StoredCertificate = { ...current, ...meaningful('certificate', body), updated_at: ctx.now };
    const certificate = { ...merged, ...inspectCertificate(merged.type, merged.certificate, merged.private_key) };
    await tx.update('certificate', certificate);
    return certificate;
  },

  async remove(tx, current) {
    const refersHere = (ref: string | null) => ref !== null && certificateIdFromRef(ref) === current.id;
    const listener = (await tx.list('listener')).find(
      (l) =>
        refersHere(l.default_tls_container_ref) ||
        l.sni_container_refs.some(refersHere) ||
        refersHere(l.client_ca_tls_container_ref) ||
        refersHere(l.client_crl_container_ref),
    );
    if (listener) throw new ElbowError('IN_USE', { kind: 'certificate', id: current.id, user_kind: 'listener', user_id: listener.id });
    const pool = (await tx.list('pool')).find((p) => refersHere(p.tls_container_ref) || refersHere(p.ca_tls_container_ref) || refersHere(p.crl_container_ref));
    if (pool) throw new ElbowError('IN_USE', { kind: 'certificate', id: current.id, user_kind: 'pool', user_id: pool.id });
    await tx.remove('certificate', current.id);
  },
};
