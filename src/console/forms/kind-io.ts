// A kind's form fields and how a form saves it: from /openapi.json's request schemas, POST to
// create and PUT to update; a quota, which has no create, is set by PUT to the project id its
// create form asks for.
import { api, type ApiObject } from '../api/client';
import { collectionPath, itemPath, KINDS, type Kind } from '../resources';
import { formFields, type Field } from './schema';
import { FieldInputError } from './values';

export async function kindFields(kind: Kind, mode: 'create' | 'update'): Promise<Field[]> {
  const info = KINDS[kind];
  const byPut = mode === 'create' ? info.createByPut : undefined;
  const fields = await formFields(`${info.schema}${mode === 'create' && byPut === undefined ? 'Create' : 'Update'}`);
  if (byPut === undefined) return fields;
  const idField: Field = { name: byPut.idField, required: true, nullable: false, widget: { kind: 'text', multiline: false, maxLength: 255 }, description: byPut.help };
  return [idField, ...fields];
}

export async function save(kind: Kind, mode: 'create' | 'update', target: { id?: string; parentId?: string }, body: Record<string, unknown>): Promise<ApiObject> {
  const info = KINDS[kind];
  if (mode === 'update') return api.update(itemPath(kind, target.id ?? '', target.parentId), info.singular, body);
  if (info.createByPut === undefined) return api.create(collectionPath(kind, target.parentId), info.singular, body);
  const { [info.createByPut.idField]: id, ...rest } = body;
  if (typeof id !== 'string' || id === '') throw new FieldInputError(info.createByPut.idField, `${info.createByPut.idField} is required`);
  return api.update(itemPath(kind, id), info.singular, rest);
}
