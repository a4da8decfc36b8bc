/**
 * Every sentence of the public pages (home, pricing, FAQ, contact, offline), in one place so a
 * translation can replace this module. Functions take the values they interpolate.
 */
export const publicText = {
  nav: { home: 'Home', faq: 'FAQ', contact: 'Contact', logIn: 'Log in', register: 'Register', adminPanel: 'Admin panel', portal: 'My account', label: 'Site' },
  home: {
    welcome: (site: string) => `Welcome to ${site}`,
    intro: 'Streaming access to our media servers, with your own account to follow your subscription.',
    continueTo: (admin: boolean) => (admin ? 'Continue to the admin panel' : 'Continue to your account'),
    logoAlt: (site: string) => `${site} logo`,
    loadFailed: 'The home page could not be loaded. Try again in a moment.',
  },
  pricing: {
    title: 'Pricing',
    none: 'No plan is on sale right now.',
    per: (count: number, unit: 'days' | 'months') =>
      unit === 'months' ? (count === 1 ? 'per month' : count === 12 ? 'per year' : `per ${count} months`) : count === 1 ? 'per day' : `per ${count} days`,
    free: 'Free',
    trial: (days: number) => `Free trial for ${days} ${days === 1 ? 'day' : 'days'}`,
    streams: (n: number | null) => (n === null ? 'Unlimited streams' : `${n} ${n === 1 ? 'stream' : 'streams'} at a time`),
    fourK: (yes: boolean) => (yes ? '4K libraries included' : 'No 4K libraries'),
    downloads: (yes: boolean) => (yes ? 'Downloads allowed' : 'No downloads'),
    transcoding: (yes: boolean) => (yes ? 'Transcoding for slow connections' : 'Direct play only'),
    libraries: (names: string[]) => `Libraries: ${names.join(', ')}`,
    billing: (recurring: boolean, oneOff: boolean) =>
      recurring && oneOff ? 'Renews automatically, or pay one period at a time' : recurring ? 'Renews automatically; cancel any time' : oneOff ? 'One-off payment, no renewal' : '',
    choose: 'Get started',
    includes: 'Includes',
    unavailable: 'not included',
  },
  stats: {
    title: 'What is in our libraries',
    kinds: {
      movies: 'Movies',
      shows: 'Shows',
      episodes: 'Episodes',
      artists: 'Artists',
      albums: 'Albums',
      tracks: 'Tracks',
      photos: 'Photos',
      books: 'Books',
      other: 'Other items',
    } as Record<string, string>,
    countedAt: (when: string) => `Counted ${when}`,
  },
  faq: {
    title: 'Frequently asked questions',
    empty: 'No questions have been answered here yet.',
    ask: 'Still have a question?',
    contactUs: 'Contact us',
  },
  contact: {
    title: 'Contact us',
    intro: 'Send a message to the people who run this site. We answer by email.',
    name: 'Your name',
    email: 'Your email address',
    message: 'Message',
    messageHint: 'At least 10 characters.',
    honeypot: 'Leave this field empty',
    send: 'Send message',
    sent: 'Thank you: your message was sent. We will answer at the address you gave.',
    another: 'Send another message',
    off: 'The contact page is turned off.',
  },
  offline: 'You are offline. Usher needs a connection; this page reloads by itself once you are back online.',
  privatePage: 'Log in to see this page.',
} as const;
