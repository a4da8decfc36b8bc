/** Plans and payments (migration 0006). Money is integer minor units; plans are priced in the site currency. */
import type { Generated } from 'kysely';
type Bool = boolean | number;

export interface PlansTable {
  id: string;
  name: string;
  description: string;
  cost_minor: number;
  duration_unit: string; // 'days' | 'months'
  duration_count: number;
  max_streams: number | null; // null = no limit
  /** 'newest' | 'all': which streams a member over max_streams loses (migration 0024). */
  stream_limit_policy: Generated<string>;
  allow_downloads: Bool;
  weekly_download_quota: number | null; // null = no limit
  allow_transcoding: Bool;
  max_emby_devices: number | null; // null = no limit
  max_sub_accounts: number;
  master_only: Bool;
  is_default: Bool;
  is_trial: Bool;
  trial_days: number | null;
  active: Bool;
  sort_order: number;
  stripe_price_id: string | null;
  paypal_plan_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlanLibraryGroupsTable {
  plan_id: string;
  group_id: string;
}

export interface PlanServersTable {
  plan_id: string;
  server_id: string;
}

export interface PaymentsTable {
  id: string;
  member_id: string;
  plan_id: string;
  amount_minor: number;
  currency: string;
  /** Half-open period [period_from, period_to), ISO-8601 UTC. */
  period_from: string;
  period_to: string;
  gateway: string; // 'manual' for now
  transaction_id: string | null;
  sequence_number: number;
  subscription_id: string | null;
  payer_email: string | null;
  notes: string | null;
  created_at: string;
  created_by: string | null;
}

/** A member's recurring gateway subscription as last reported (migration 0018). */
export interface SubscriptionsTable {
  id: string;
  member_id: string;
  gateway: string;
  external_id: string;
  status: string; // 'active' | 'past_due' | 'cancelled' | 'expired'
  current_period_end: string | null;
  created_at: string;
  updated_at: string;
}

/** A checkout a customer started (migration 0019); its id is the reference the gateway echoes back. */
export interface CheckoutsTable {
  id: string;
  member_id: string;
  plan_id: string;
  gateway_account: string; // 'stripe' | 'paypal' | 'paypalSecondary' | 'plisio'
  mode: string; // 'one_off' | 'recurring'
  amount_minor: number;
  currency: string;
  server_id: string | null;
  discount_code_id: string | null;
  external_id: string | null;
  redirect_url: string | null;
  status: string; // 'open' | 'paid' | 'failed' | 'expired' | 'cancelled'
  failure_reason: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Every verified gateway event and what became of it (migration 0020). */
export interface GatewayEventsTable {
  id: string;
  gateway: string; // 'stripe' | 'paypal' | 'plisio'
  account: string; // 'stripe' | 'paypal' | 'paypalSecondary' | 'plisio'
  event_id: string;
  gateway_type: string;
  type: string;
  status: string; // 'applied' | 'ignored' | 'unmatched' | 'failed'
  member_id: string | null;
  payment_id: string | null;
  subscription_id: string | null;
  payload: string;
  event: string;
  error: string | null;
  received_at: string;
  applied_at: string | null;
}

export interface PlanTables {
  plans: PlansTable;
  plan_library_groups: PlanLibraryGroupsTable;
  plan_servers: PlanServersTable;
  payments: PaymentsTable;
  subscriptions: SubscriptionsTable;
  checkouts: CheckoutsTable;
  gateway_events: GatewayEventsTable;
}
