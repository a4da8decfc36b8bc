export { MediaBrowserFake, startEmbyFake, startJellyfinFake } from './mediabrowser/fake.js';
export {
  demoSeed,
  startMediaBrowserFakes,
  TEMPLATE_USER_NAME,
  type MediaBrowserFakesOptions,
  type MediaBrowserSeedOptions,
  type StartedMediaBrowserFake,
} from './mediabrowser/demo.js';
export type { SeedInput as MediaBrowserSeed } from './mediabrowser/control.js';
export type { FakeSettings as MediaBrowserFakeSettings } from './mediabrowser/http.js';
export type { MediaBrowserState } from './mediabrowser/state.js';
export type {
  ConnectAccount as EmbyConnectAccount,
  FakeDevice as MediaBrowserDevice,
  FakeItem as MediaBrowserItem,
  FakeLibrary as MediaBrowserLibrary,
  FakeSession as MediaBrowserSession,
  FakeUser as MediaBrowserUser,
  Flavor as MediaBrowserFlavor,
  MediaBrowserFakeOptions,
  ReceivedCommand as MediaBrowserReceivedCommand,
  ReceivedMessage as MediaBrowserReceivedMessage,
  ReceivedPolicy as MediaBrowserReceivedPolicy,
  SeedLibrary as MediaBrowserSeedLibrary,
  SeedUser as MediaBrowserSeedUser,
  StartPlaybackInput as MediaBrowserPlaybackInput,
} from './mediabrowser/types.js';
export * from './plex/index.js';
export { PayPalFake, startPayPalFake, type PayPalFakeOptions } from './paypal/paypal-fake.js';
export type { PayPalFakeSettings } from './paypal/routes-rest.js';
export type { SeedTransaction as PayPalSeedTransaction } from './paypal/control.js';
export type {
  FakeOrder as PayPalFakeOrder,
  FakePlan as PayPalFakePlan,
  FakeSubscription as PayPalFakeSubscription,
  FakeTransaction as PayPalFakeTransaction,
} from './paypal/state.js';
export type { Delivery as PayPalDelivery, Corruption as PayPalCorruption } from './paypal/webhooks.js';
export { StripeFake, startStripeFake, type StripeFakeOptions, type StripeFakePrice } from './stripe/stripe-fake.js';
export { STRIPE_FAKE_API_VERSION } from './stripe/state.js';
export type { Delivery as StripeDelivery, Corruption as StripeCorruption, StripeEventWire } from './stripe/webhooks.js';
export {
  PlisioFake,
  startPlisioFake,
  PLISIO_STATUSES,
  type PlisioFakeOptions,
  type PlisioFakeStatus,
  type PlisioInvoice,
} from './plisio/plisio-fake.js';
export type { PlisioDelivery, PlisioCorruption } from './plisio/callbacks.js';
