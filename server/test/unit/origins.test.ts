import { describe, expect, it } from 'vitest';
import { originOf, sameOrigin } from '../../src/domain/origins.js';

describe('origins', () => {
  it('compare scheme, host and port, not paths or spelling', () => {
    expect(sameOrigin('http://Media.example.com:80/jellyfin', 'http://media.example.com/')).toBe(true);
    expect(sameOrigin('https://media.example.com', 'https://media.example.com:443/emby')).toBe(true);
    expect(sameOrigin('http://media.example.com', 'https://media.example.com')).toBe(false);
    expect(sameOrigin('http://media.example.com:8096', 'http://media.example.com:8097')).toBe(false);
    expect(sameOrigin('http://media.example.com', 'http://media.example.com.evil.test')).toBe(false);
    expect(sameOrigin('http://user:pw@evil.test@media.example.com', 'http://media.example.com')).toBe(true);
  });

  it('never match what does not parse or has no origin', () => {
    expect(originOf('not a url')).toBeNull();
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(sameOrigin('not a url', 'not a url')).toBe(false);
  });
});
