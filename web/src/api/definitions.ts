/**
 * Published bundles as the screens read them. The API declares a definition and its plan as plain
 * objects; their shapes are the engine's own types (definitions/schema.ts, definitions/plan.ts),
 * imported as types only, so nothing is re-typed here.
 */
import { useQuery } from '@tanstack/react-query';
import type { BundleDefinition, Condition } from '../../../definitions/schema';
import type { PrefillResult } from '../../../forms/prefill';
import type { FormSchema } from '../shared/form/form-schema';
import { api, data } from './client';

export type { BundleDefinition, Condition, PrefillResult };
export type Department = BundleDefinition['departments'][number];
export type Item = BundleDefinition['items'][number];
export type Material = BundleDefinition['materials'][number];

export interface Published {
  bundleId: string;
  version: number;
  hash: string;
  publishedAt: string;
  definition: BundleDefinition;
}

export function useBundles() {
  return useQuery({ queryKey: ['definitions'], queryFn: () => data(api.GET('/definitions')) });
}

/** A bundle's latest version, or the one named (a case is pinned to the version it started on). */
export function useDefinition(bundleId: string | undefined, version?: number) {
  return useQuery({
    queryKey: ['definition', bundleId, version],
    enabled: Boolean(bundleId),
    staleTime: version ? Infinity : 30_000, // a version never changes
    queryFn: async () =>
      (version
        ? await data(api.GET('/definitions/{id}/versions/{version}', { params: { path: { id: bundleId!, version } } }))
        : await data(api.GET('/definitions/{id}', { params: { path: { id: bundleId! } } }))) as unknown as Published,
  });
}

export function useForm(bundleId: string, version?: number) {
  return useQuery({
    queryKey: ['form', bundleId, version],
    queryFn: async () => (await data(api.GET('/definitions/{id}/form', { params: { path: { id: bundleId }, query: version ? { version } : {} } }))) as unknown as FormSchema,
  });
}

export function usePrefill(bundleId: string, subject: string | undefined, version?: number) {
  return useQuery({
    queryKey: ['prefill', bundleId, subject, version],
    enabled: Boolean(subject),
    queryFn: async () =>
      (await data(api.GET('/definitions/{id}/prefill', { params: { path: { id: bundleId }, query: { subject: subject!, ...(version ? { version } : {}) } } }))) as unknown as PrefillResult,
  });
}

/** A department's name in a definition, or its id. */
export function departmentName(definition: BundleDefinition | undefined, id: string, language: string): string {
  const name = definition?.departments.find((d) => d.id === id)?.name;
  return name ? (language.startsWith('zh') ? name.zh : name.en) : id;
}
