import { api, unwrap, type Schemas } from '../../../api/client';
import type { paths } from '../../../api/schema';

export type Plan = Schemas['Plan'];
export type PlanBody = paths['/api/admin/plans']['post']['requestBody']['content']['application/json'];

export const PLANS_KEY = ['admin', 'plans'] as const;

export async function fetchPlans(): Promise<Plan[]> {
  return (await unwrap(api.GET('/api/admin/plans'))).items;
}

export function durationLabel(d: Plan['duration']): string {
  const unit = d.unit === 'months' ? 'month' : 'day';
  return `${d.count} ${unit}${d.count === 1 ? '' : 's'}`;
}
