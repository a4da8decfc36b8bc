import { PlexTvFailure, type FakePin } from './plex-tv-types.js';
import { nowSeconds, randomToken } from './wire.js';

/** PINs of the "Sign in with Plex" flow: created unauthenticated, approved by a signed-in account. */
export class PinStore {
  private readonly pins = new Map<number, FakePin>();
  private nextPinId = 308_000_001;

  constructor(
    public ttlSeconds: number,
    private readonly isValidToken: (token: string) => boolean,
  ) {}

  create(clientIdentifier: string, product: string, strong: boolean): FakePin {
    const now = nowSeconds();
    const pin: FakePin = {
      id: this.nextPinId++,
      code: strong ? randomToken(25) : randomToken(4).toUpperCase(),
      clientIdentifier,
      product,
      createdAt: now,
      expiresAt: now + this.ttlSeconds,
      authToken: null,
    };
    this.pins.set(pin.id, pin);
    return pin;
  }

  /** The PIN unless it is unknown or expired. */
  live(id: number): FakePin | undefined {
    const pin = this.pins.get(id);
    return pin && pin.expiresAt > nowSeconds() ? pin : undefined;
  }

  all(): FakePin[] {
    return [...this.pins.values()];
  }

  approve(idOrCode: number | string, accountToken: string): FakePin {
    const pin = [...this.pins.values()].find((p) => p.id === Number(idOrCode) || p.code === idOrCode);
    if (!pin || pin.expiresAt <= nowSeconds()) throw new PlexTvFailure(404, 1020, 'Code not found or expired');
    if (!this.isValidToken(accountToken)) throw new PlexTvFailure(401, 1001, 'User could not be authenticated');
    pin.authToken = accountToken;
    return pin;
  }

  expire(id: number): void {
    const pin = this.pins.get(id);
    if (pin) pin.expiresAt = nowSeconds() - 1;
  }
}
