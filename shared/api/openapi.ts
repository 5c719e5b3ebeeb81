/** The response of GET /openapi.json: described loosely, since OpenAPI has its own schema. */
import * as z from './z.ts';

export const OpenApiDocumentSchema = /* @__PURE__ */ z.schema(() => z
  .looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .check(z.meta({ description: 'This API described as an OpenAPI 3.1 document.' })));
