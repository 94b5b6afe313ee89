/**
 * Type-level checks of the generated form types (forms/generated/), compiled by
 * test/unit/forms/generated.test.ts under `--strict` and by `npm run typecheck`.
 */
import type { EnterpriseStartupApplication } from '../../../forms/generated/enterprise-startup';
import type { OpenRestaurantApplication } from '../../../forms/generated/open-restaurant';
import { enterpriseApplication, restaurantApplication } from '../../fixtures/applications';

/**
 * The type with its option unions read as string: the fixtures are inferred, so their enum values are
 * widened to string (their values are checked by validateApplication in validate.test.ts).
 */
type OptionsAsString<T> = { [K in keyof T]: Exclude<T[K], undefined> extends string ? string : T[K] };

// The fixtures' forms are assignable to the generated types, and name no other field.
const restaurantForm = restaurantApplication().form;
export const restaurantFits: OptionsAsString<OpenRestaurantApplication> = restaurantForm;
export const restaurantKeys: Array<keyof OpenRestaurantApplication> = Object.keys(restaurantForm) as Array<keyof typeof restaurantForm>;
const enterpriseForm = enterpriseApplication().form;
export const enterpriseFits: OptionsAsString<EnterpriseStartupApplication> = enterpriseForm;
export const enterpriseKeys: Array<keyof EnterpriseStartupApplication> = Object.keys(enterpriseForm) as Array<keyof typeof enterpriseForm>;

// The types say what the form schema says: options, required fields, no other fields.
const valid: OpenRestaurantApplication = { ...restaurantForm, businessForm: 'company', mainFoodCategory: 'pastry' };
const { shopName: _shopName, ...withoutShopName } = valid;
const { nearestTobaccoRetailerMeters: _distance, ...withoutDistance } = valid;
export const conditionalFieldIsOptional: OpenRestaurantApplication = withoutDistance;
// @ts-expect-error businessForm takes one of its options
export const wrongOption: OpenRestaurantApplication = { ...valid, businessForm: 'empire' };
// @ts-expect-error shopName is required
export const missingField: OpenRestaurantApplication = withoutShopName;
// @ts-expect-error the form has no field "nonsense"
export const unknownField: OpenRestaurantApplication = { ...valid, nonsense: 1 };
// @ts-expect-error seatCount is a number
export const wrongType: OpenRestaurantApplication = { ...valid, seatCount: 'many' };
