import type Stripe from 'stripe';
import { lazy } from '../../../platform/lazy.js';

/** The SDK weighs ~15 MB once loaded: installs that never use Stripe do not carry it. */
export const loadStripe = lazy<typeof Stripe>('stripe');
