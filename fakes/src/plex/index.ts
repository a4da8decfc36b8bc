export { PlexTvFake, type PlexTvFakeOptions } from './plex-tv-fake.js';
export { PlexTvState } from './plex-tv-state.js';
export { PlexTvFailure, DEFAULT_SETTINGS, type AccountSeed, type FakePlexAccount, type FakeShare, type FakePin, type RegisteredServer, type ShareSettings } from './plex-tv-types.js';
export { PlexMediaServerFake, type PlexMediaServerFakeOptions, type PmsActivity, type PmsAccountLink } from './pms-fake.js';
export { DEFAULT_LIBRARIES, type PmsLibrary, type PmsLibrarySeed, type PmsSectionType } from './pms-library.js';
export type { PmsSession, PmsPlayState, StartSessionInput } from './pms-sessions.js';
export { PlexFakes, startPlexFakes, type StartPlexFakesOptions } from './plex-fakes.js';
