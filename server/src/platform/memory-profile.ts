import { setFlagsFromString } from 'node:v8';

export type MemoryProfile = 'small' | 'fast';

/**
 * V8 lets the old generation grow to about four times what survived the last full collection
 * before collecting again, so a 10,000-member pass that keeps ~45 MB alive peaked at 250–290 MB of
 * RSS, mostly garbage. Self-hosted Usher shares small machines (NAS, a Pi, a 1 GB VPS) with the
 * media server itself, so by default V8 is told to favour size: measured on `npm run bench --
 * reconcile`, peak RSS falls by ~80 MB. `USHER_MEMORY_PROFILE=fast` keeps V8's defaults for
 * installs with memory to spare. Set as the process starts, before the heap has grown.
 */
export function applyMemoryProfile(profile: MemoryProfile): void {
  if (profile === 'small') setFlagsFromString('--optimize-for-size');
}
