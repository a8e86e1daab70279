// shields.io's endpoint badge schema in zod, after the Joi schema shields validates with
// (badges/shields services/endpoint-common.js) and https://shields.io/badges/endpoint-badge:
// unknown keys are rejected, Joi strings must not be empty, namedLogo and logoSvg exclude each
// other, and the logo options are allowed only beside a logo.
import * as z from 'zod'

const JoiString = z.string().min(1)

export const ShieldsEndpointSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    /** May be empty: the badge then has no left side. */
    label: z.string(),
    message: JoiString,
    color: JoiString.optional(),
    labelColor: JoiString.optional(),
    isError: z.boolean().optional(),
    namedLogo: JoiString.optional(),
    logoSvg: JoiString.optional(),
    logoColor: JoiString.optional(),
    logoWidth: z.number().optional(),
    logoPosition: z.number().optional(),
    style: JoiString.optional(),
    /** Joi allows any integer ≥ 0; shields ignores values below its floor of 300. */
    cacheSeconds: z.int().min(0).optional(),
  })
  .refine((b) => b.namedLogo === undefined || b.logoSvg === undefined, {
    message: 'namedLogo and logoSvg exclude each other',
  })
  .refine((b) => b.logoColor === undefined || b.namedLogo !== undefined, {
    message: 'logoColor needs namedLogo',
  })
  .refine(
    (b) =>
      (b.logoWidth === undefined && b.logoPosition === undefined) ||
      b.namedLogo !== undefined ||
      b.logoSvg !== undefined,
    { message: 'logoWidth and logoPosition need a logo' },
  )

/** badge-maker's hex colour (without '#'), one of the forms `color` accepts. */
export const SHIELDS_HEX_COLOR = /^([\da-f]{3}){1,2}$/i
