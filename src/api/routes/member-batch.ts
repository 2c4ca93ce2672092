// Octavia's batch member update: PUT /pools/{pool_id}/members {"members": [...]} makes the pool's
// members the list (created, updated, deleted to match; `?additive_only=true` deletes none) in
// one transaction and one apply, then answers 202 with no body, as Octavia does.
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { ElbowError } from '../../errors.js';
import { isTrue, type Query } from '../query.js';

export function registerMemberBatch(app: FastifyInstance, control: ControlPlane): void {
  app.put<{ Params: { pool_id: string } }>('/pools/:pool_id/members', async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('members' in body)) {
      throw new ElbowError('INVALID_BODY', { field: 'members', detail: 'the request body must be a JSON object {"members": [...]}' });
    }
    const additiveOnly = isTrue((request.query as Query).additive_only);
    await control.replaceMembers(request.params.pool_id, (body as { members: unknown }).members, { additiveOnly });
    return reply.code(202).send();
  });
}
