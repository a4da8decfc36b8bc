import { Anchor, Badge, Box, Group, NavLink, ScrollArea } from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { IconApi, IconUser } from '@tabler/icons-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink as RouterNavLink, useLocation } from 'react-router';
import type { NavBadge, NavEntry } from './nav';

// Compact rows (32 px): with every group open the whole menu fits a 1280×720 screen.
const ROW = { py: 6, lh: '20px' } as const;
const FADE_PX = 28;
const FOOTER_LINK = { display: 'inline-flex', alignItems: 'center', gap: 6, whiteSpace: 'nowrap' } as const;

function isActive(pathname: string, to: string): boolean {
  return to === '/admin' ? pathname === '/admin' : pathname === to || pathname.startsWith(`${to}/`);
}

/**
 * Scrolls the menu (never the page) so the current page's item is inside it. scrollIntoView would
 * also move the window, e.g. on a phone whose drawer is off-screen.
 */
function revealActive(viewport: HTMLDivElement | null) {
  const active = viewport?.querySelector<HTMLElement>('a[data-active]');
  if (!viewport || !active) return;
  const top = active.getBoundingClientRect().top - viewport.getBoundingClientRect().top + viewport.scrollTop;
  const bottom = top + active.offsetHeight;
  // The real (fractional) height: clientHeight rounds, which can leave the last pixel of the item cut.
  const height = viewport.getBoundingClientRect().height;
  if (top < viewport.scrollTop) viewport.scrollTop = top - FADE_PX;
  else if (bottom > viewport.scrollTop + height) viewport.scrollTop = Math.ceil(bottom - height + FADE_PX);
}

/** Which ends of the menu have more items beyond the visible part, so a fade can say "this scrolls". */
function useOverflow(viewport: React.RefObject<HTMLDivElement | null>) {
  const [more, setMore] = useState({ above: false, below: false });
  const measure = () => {
    const el = viewport.current;
    if (!el) return;
    const above = el.scrollTop > 1;
    const below = el.scrollTop + el.clientHeight < el.scrollHeight - 1;
    setMore((m) => (m.above === above && m.below === below ? m : { above, below }));
  };
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    // Opening or closing a group changes the content's height, a window resize the viewport's.
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    measure();
    return () => observer.disconnect();
  }, []);
  return { more, measure };
}

function Fade({ edge }: { edge: 'top' | 'bottom' }) {
  return (
    <Box
      aria-hidden
      data-testid={`nav-fade-${edge}`}
      pos="absolute"
      left={0}
      right={0}
      h={FADE_PX}
      style={{
        [edge]: 0,
        pointerEvents: 'none',
        zIndex: 1,
        background: `linear-gradient(to ${edge === 'top' ? 'bottom' : 'top'}, var(--mantine-color-body), transparent)`,
      }}
    />
  );
}

export interface AdminNavProps {
  nav: NavEntry[];
  unreadAlerts: number;
  operations?: { failed: number; pending: number } | undefined;
  /** Closes the phone drawer after a pick. */
  onNavigate: () => void;
}

/**
 * The admin menu: collapsible groups (each remembers being closed, and opens by itself when one
 * of its pages is shown), a scrollbar and edge fades whenever it does not fit, and the current page
 * scrolled into view after every navigation.
 */
export function AdminNav({ nav, unreadAlerts, operations, onNavigate }: AdminNavProps) {
  const { pathname } = useLocation();
  const viewport = useRef<HTMLDivElement>(null);
  const { more, measure } = useOverflow(viewport);
  const [closed, setClosed] = useLocalStorage<string[]>({
    key: 'usher.admin-nav.closed',
    defaultValue: [],
    getInitialValueInEffect: false,
  });

  // A page opened from elsewhere (a link, the address bar) opens its group, then scrolls into view.
  const activeGroup = nav.find((entry) => entry.pages?.some((page) => isActive(pathname, page.to)))?.label;
  useEffect(() => {
    if (activeGroup) setClosed((list) => (list.includes(activeGroup) ? list.filter((l) => l !== activeGroup) : list));
  }, [activeGroup, setClosed]);
  useEffect(() => {
    revealActive(viewport.current);
    // Again once a group that just opened has finished its transition.
    const timer = setTimeout(() => revealActive(viewport.current), 250);
    return () => clearTimeout(timer);
  }, [pathname, activeGroup]);

  const count = (n: number, color: string, label: string) => (
    <Badge size="sm" color={color} variant="filled" circle={n < 10} aria-label={label}>
      {n > 99 ? '99+' : n}
    </Badge>
  );
  const badge = (kind?: NavBadge): ReactNode => {
    if (kind === 'alerts' && unreadAlerts > 0) return count(unreadAlerts, 'red', `${unreadAlerts} unread`);
    // Failed operations need the admin; pending ones only say work is on its way.
    if (kind === 'operations' && operations && operations.failed > 0) return count(operations.failed, 'red', `${operations.failed} failed operations`);
    if (kind === 'operations' && operations && operations.pending > 0) return count(operations.pending, 'blue', `${operations.pending} pending operations`);
    return undefined;
  };

  const toggle = (label: string, open: boolean) =>
    setClosed((list) => (open ? list.filter((l) => l !== label) : [...list.filter((l) => l !== label), label]));

  return (
    <>
      <Box pos="relative" style={{ flex: 1, minHeight: 0 }}>
        {more.above && <Fade edge="top" />}
        <ScrollArea h="100%" type="auto" offsetScrollbars="y" scrollbarSize={8} viewportRef={viewport} onScrollPositionChange={measure}>
          <Box pb={4}>
            {nav.map((entry) => {
              if (!entry.pages) {
                return (
                  <NavLink
                    key={entry.label}
                    {...ROW}
                    component={RouterNavLink}
                    to={entry.to!}
                    end={entry.to === '/admin'}
                    label={entry.label}
                    leftSection={<entry.icon size={18} stroke={1.5} />}
                    active={isActive(pathname, entry.to!)}
                    rightSection={badge(entry.badge)}
                    onClick={onNavigate}
                  />
                );
              }
              const opened = !closed.includes(entry.label);
              return (
                <NavLink
                  key={entry.label}
                  {...ROW}
                  component="button"
                  aria-expanded={opened}
                  label={entry.label}
                  leftSection={<entry.icon size={18} stroke={1.5} />}
                  opened={opened}
                  onChange={(open) => toggle(entry.label, open)}
                  childrenOffset={28}
                >
                  {entry.pages.map((page) => (
                    <NavLink
                      key={page.to}
                      {...ROW}
                      component={RouterNavLink}
                      to={page.to}
                      label={page.label}
                      active={isActive(pathname, page.to)}
                      rightSection={badge(page.badge)}
                      onClick={onNavigate}
                    />
                  ))}
                </NavLink>
              );
            })}
          </Box>
        </ScrollArea>
        {more.below && <Fade edge="bottom" />}
      </Box>
      <Group
        gap="xs"
        pt={8}
        px={4}
        pb={2}
        wrap="nowrap"
        justify="space-between"
        style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
      >
        <Anchor component={Link} to="/portal" size="sm" c="dimmed" onClick={onNavigate} style={FOOTER_LINK}>
          <IconUser size={16} stroke={1.5} />
          Customer portal
        </Anchor>
        <Anchor href="/api/docs" target="_blank" size="sm" c="dimmed" style={FOOTER_LINK}>
          <IconApi size={16} stroke={1.5} />
          API docs
        </Anchor>
      </Group>
    </>
  );
}
