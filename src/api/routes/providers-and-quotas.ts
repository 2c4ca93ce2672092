// Octavia's provider routes and the quota routes besides their CRUD: GET /providers (elbow and its
// aliases), /providers/{provider}/flavor_capabilities and …/availability_zone_capabilities (the
// flavor_data and availability_zone_data keys elbow honours), GET /quotas/defaults and
// /quotas/{project_id}/default (the limits a project has until its own are set).
import type { FastifyInstance } from 'fastify';
import type { ControlPlane, ResourceView } from '../../control/control-plane.js';
import { applyListQuery } from '../../control/list-query.js';
import { flavorCapabilities } from '../../model/flavor-data.js';
import { PROVIDERS, checkProvider } from '../../model/providers.js';
import { zoneCapabilities } from '../../model/zone-data.js';
import { requestedFields, selectFields, type Query } from '../query.js';

/** A list of `{name, description}` as Octavia answers it: filtered (`?name=`), `fields` honoured. */
function listed(key: string, items: readonly { name: string; description: string }[], query: Query): Record<string, unknown> {
  const views = applyListQuery(items.map((item) => ({ ...item, id: item.name }) as ResourceView), { query }, new Set(['name', 'description']));
  const fields = requestedFields(query) ?? ['name', 'description'];
  return { [key]: views.map((view) => selectFields(view, fields)), [`${key}_links`]: [] };
}

export function registerProviderAndQuotaRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.get('/providers', (request) => listed('providers', PROVIDERS, request.query as Query));
  app.get<{ Params: { provider: string } }>('/providers/:provider/flavor_capabilities', (request) => {
    checkProvider(request.params.provider);
    return listed('flavor_capabilities', flavorCapabilities(), request.query as Query);
  });
  app.get<{ Params: { provider: string } }>('/providers/:provider/availability_zone_capabilities', (request) => {
    checkProvider(request.params.provider);
    return listed('availability_zone_capabilities', zoneCapabilities(), request.query as Query);
  });

  app.get('/quotas/defaults', async () => ({ quota: await control.quotaDefaults() }));
  app.get<{ Params: { id: string } }>('/quotas/:id/default', async (request) => ({ quota: await control.quotaDefaults(request.params.id) }));
}
