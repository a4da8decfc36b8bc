import { createTheme, DEFAULT_THEME, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'violet',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '700' },
});

/** How much black the light variant's text of a bright hue needs to reach 4.5:1 on its tint. */
const DARKEN: Record<string, number> = { teal: 15, green: 15, lime: 25, orange: 25, yellow: 35 };

/** Text of `variant="light"` (status badges, the current menu item) in the light scheme: shade 9, darkened where that is not enough. */
function lightVariantText(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const color of Object.keys(DEFAULT_THEME.colors)) {
    if (color === 'dark') continue;
    const shade = `var(--mantine-color-${color}-9)`;
    out[`--mantine-color-${color}-light-color`] = DARKEN[color] ? `color-mix(in srgb, ${shade}, black ${DARKEN[color]}%)` : shade;
  }
  return out;
}

/**
 * Contrast fixes found by the accessibility scan (WCAG AA, 4.5:1 for body text): Mantine's dimmed
 * grey (3.3:1 on white, 4.0:1 on the dark background), its light-variant text (shade 6, about 3:1
 * on its own tint) and its dark-mode link violet on cards fall short; these shades keep the look
 * and pass.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5f666d',
    ...lightVariantText(),
    '--mantine-primary-color-light-color': 'var(--mantine-color-violet-8)',
  },
  dark: {
    '--mantine-color-dimmed': '#a3a3a3',
    '--mantine-color-anchor': 'var(--mantine-color-violet-3)',
  },
});
