import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The entry bundle imports Mantine's stylesheets for the public pages (src/styles/public.ts), the
// portal and admin the rest (src/styles/app.ts). Missing one would leave a component unstyled in
// production only; importing one twice would send it twice.
const web = join(import.meta.dirname, '..');
const mantine = join(web, '..', 'node_modules', '@mantine', 'core');

function imported(file: string): string[] {
  const source = readFileSync(join(web, 'src', 'styles', file), 'utf8');
  return [...source.matchAll(/^import '@mantine\/core\/styles\/([\w-]+)\.css';$/gm)].map((m) => m[1]!);
}

/** Mantine's own order: the one its all-in-one styles.css has, found from each file's first class. */
function mantineOrder(): string[] {
  const all = readFileSync(join(mantine, 'styles.css'), 'utf8');
  const names = readdirSync(join(mantine, 'styles'))
    .filter((f) => f.endsWith('.css') && !f.endsWith('.layer.css'))
    .map((f) => f.slice(0, -'.css'.length));
  const at = (name: string) => {
    const css = readFileSync(join(mantine, 'styles', `${name}.css`), 'utf8');
    return all.indexOf(/\.m_[0-9a-f]+/.exec(css)?.[0] ?? css.slice(0, 80));
  };
  return names.map((name) => ({ name, at: at(name) })).sort((a, b) => a.at - b.at).map((n) => n.name);
}

describe('Mantine stylesheets split between the entry and the app', () => {
  const order = mantineOrder();
  const publicCss = imported('public.ts');
  const appCss = imported('app.ts');

  it('imports every stylesheet exactly once', () => {
    expect([...publicCss, ...appCss].sort()).toEqual([...order].sort());
  });

  it('keeps Mantine order within each file, with the shared foundation in the entry', () => {
    const position = (name: string) => order.indexOf(name);
    expect(publicCss.map(position)).toEqual(publicCss.map(position).sort((a, b) => a - b));
    expect(appCss.map(position)).toEqual(appCss.map(position).sort((a, b) => a - b));
    for (const base of ['baseline', 'global', 'default-css-variables', 'UnstyledButton', 'Paper', 'Popover', 'Input']) {
      expect(publicCss).toContain(base);
    }
  });
});
