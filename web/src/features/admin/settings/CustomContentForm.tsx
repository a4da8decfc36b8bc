import { ActionIcon, Box, Button, Card, ColorInput, Group, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconArrowDown, IconArrowUp, IconPlus, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { can, SITE_KEY, usePublicSite, useSession } from '../../../app/session';
import { FormError } from '../../../components/FormError';
import { notifyError, notifySuccess } from '../../../components/notify';
import { placeErrors } from '../../../lib/form-errors';
import { useUnsavedChangesGuard } from '../../../lib/unsaved-changes';
import { HomeView, VisitorCta } from '../../public/HomeView';
import { PUBLIC_HOME_KEY } from '../../public/HomePage';
import { primaryColorVars } from '../../public/PublicLayout';
import { SETTINGS_KEY, type SettingsSection } from './SectionForm';

interface FaqEntry {
  question: string;
  answer: string;
}

interface ContentValues {
  primaryColor: string;
  defaultColorScheme: string;
  logoUrl: string;
  wallpaperUrl: string;
  homeSection1: string;
  homeSection2: string;
  pricingText: string;
  showLibraryStats: boolean;
  libraryStatsText: string;
  faq: FaqEntry[];
  extraCss: string;
}

const MARKDOWN_HINT = 'Markdown: # heading, **bold**, *italic*, - lists, [link](https://…), ![description](https://…image). HTML is shown as text.';

function toValues(values: Record<string, unknown>): ContentValues {
  return values as unknown as ContentValues;
}

/** Settings → Custom content: the public site's text, images, colour and CSS, with a live preview. */
export function CustomContentForm({ section }: { section: SettingsSection }) {
  const queryClient = useQueryClient();
  const me = useSession().data?.login;
  const writable = can(me, 'settings.write');
  const form = useForm<ContentValues>({ initialValues: toValues(section.values) });
  const [formError, setFormError] = useState<unknown>(null);
  useUnsavedChangesGuard(writable && form.isDirty());

  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/admin/settings/{section}', { params: { path: { section: 'content' } }, body: { values: { ...form.getValues() } } })),
    onSuccess: (view) => {
      setFormError(null);
      queryClient.setQueryData<{ items: SettingsSection[] }>(SETTINGS_KEY, (old) => old && { items: old.items.map((s) => (s.section === view.section ? view : s)) });
      form.setInitialValues(toValues(view.values));
      form.setValues(toValues(view.values));
      notifySuccess('Custom content saved; the public pages show it now.');
      void queryClient.invalidateQueries({ queryKey: SITE_KEY });
      void queryClient.invalidateQueries({ queryKey: PUBLIC_HOME_KEY });
    },
    onError: (error) => {
      const placed = placeErrors(error);
      form.setErrors(placed.fields);
      setFormError(placed.rest);
      if (Object.keys(placed.fields).length === 0) notifyError(error);
    },
  });
  const countNow = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/jobs/{name}/run', { params: { path: { name: 'libraries.stats' } } })),
    onSuccess: () => notifySuccess('Counting the libraries now; see Jobs for the result.'),
    onError: notifyError,
  });

  const values = form.getValues();
  const faq = values.faq;
  const input = (key: keyof ContentValues) => ({ disabled: !writable, ...form.getInputProps(key) });

  return (
    <Stack gap="lg">
      <Card withBorder padding="lg" radius="md">
        <form
          onSubmit={form.onSubmit(() => save.mutate())}
          onReset={(event) => {
            event.preventDefault();
            form.reset();
          }}
        >
          <Stack gap="lg">
            <Title order={3} size="h4">
              Custom content
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <ColorInput label="Theme colour" description="Buttons and links on the public pages." format="hex" swatches={['#7048e8', '#1c7ed6', '#0ca678', '#e8590c', '#c2255c', '#212529']} {...input('primaryColor')} />
              <Select
                label="Colour scheme for new visitors"
                data={[
                  { value: 'auto', label: 'Follow the device' },
                  { value: 'light', label: 'Light' },
                  { value: 'dark', label: 'Dark' },
                ]}
                allowDeselect={false}
                {...input('defaultColorScheme')}
              />
              <TextInput label="Logo address" description="An https:// address of a PNG or SVG, about 64 px tall." placeholder="https://cdn.example.com/logo.png" {...input('logoUrl')} />
              <TextInput label="Wallpaper address" description="An https:// image shown behind the welcome title." placeholder="https://cdn.example.com/wallpaper.jpg" {...input('wallpaperUrl')} />
            </SimpleGrid>
            <Textarea label="Home page section 1" description={`Under the welcome title. ${MARKDOWN_HINT}`} autosize minRows={4} maxRows={16} {...input('homeSection1')} />
            <Textarea label="Pricing text" description="Shown above the plan cards." autosize minRows={2} maxRows={10} {...input('pricingText')} />
            <Switch label="Show library statistics on the home page" disabled={!writable} {...form.getInputProps('showLibraryStats', { type: 'checkbox' })} />
            <Textarea label="Library statistics text" description="Shown above the counts." autosize minRows={2} maxRows={10} {...input('libraryStatsText')} />
            <Textarea label="Home page section 2" description="At the bottom of the home page." autosize minRows={4} maxRows={16} {...input('homeSection2')} />

            <Stack gap="sm" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
              <Text component="legend" fw={600} size="sm">
                FAQ entries
              </Text>
              {faq.length === 0 && (
                <Text size="sm" c="dimmed">
                  No questions yet. The FAQ page shows them in this order.
                </Text>
              )}
              {faq.map((_, index) => (
                <Card key={index} withBorder padding="sm" radius="md">
                  <Stack gap="xs">
                    <TextInput label={`Question ${index + 1}`} disabled={!writable} {...form.getInputProps(`faq.${index}.question`)} />
                    <Textarea label={`Answer ${index + 1}`} description="Markdown." autosize minRows={2} maxRows={10} disabled={!writable} {...form.getInputProps(`faq.${index}.answer`)} />
                    <Group gap="xs" justify="flex-end">
                      <ActionIcon variant="default" aria-label={`Move question ${index + 1} up`} disabled={!writable || index === 0} onClick={() => form.reorderListItem('faq', { from: index, to: index - 1 })}>
                        <IconArrowUp size={16} />
                      </ActionIcon>
                      <ActionIcon variant="default" aria-label={`Move question ${index + 1} down`} disabled={!writable || index === faq.length - 1} onClick={() => form.reorderListItem('faq', { from: index, to: index + 1 })}>
                        <IconArrowDown size={16} />
                      </ActionIcon>
                      <ActionIcon variant="default" color="red" aria-label={`Remove question ${index + 1}`} disabled={!writable} onClick={() => form.removeListItem('faq', index)}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Group>
                  </Stack>
                </Card>
              ))}
              <Button variant="default" leftSection={<IconPlus size={16} />} disabled={!writable || faq.length >= 100} onClick={() => form.insertListItem('faq', { question: '', answer: '' })} style={{ alignSelf: 'flex-start' }}>
                Add a question
              </Button>
            </Stack>

            <Textarea
              label="Extra CSS"
              description="Added to the public pages. Not allowed: @import, addresses of other sites (url() takes paths on this site only), javascript:, backslash escapes, “<”."
              autosize
              minRows={3}
              maxRows={14}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              {...input('extraCss')}
            />
            <Group justify="space-between">
              <Button variant="default" leftSection={<IconRefresh size={16} />} loading={countNow.isPending} disabled={!can(me, 'jobs.write')} onClick={() => countNow.mutate()}>
                Count the libraries now
              </Button>
              <Group>
                <Button type="reset" variant="default" disabled={!writable}>
                  Discard changes
                </Button>
                <Button type="submit" loading={save.isPending} disabled={!writable}>
                  Save
                </Button>
              </Group>
            </Group>
            <FormError error={formError} />
          </Stack>
        </form>
      </Card>
      <LivePreview values={values} />
    </Stack>
  );
}

/** The home page with the unsaved text, rendered by the server's sanitiser, plans and counts as saved. */
function LivePreview({ values }: { values: ContentValues }) {
  const site = usePublicSite();
  const [debounced] = useDebouncedValue(values, 400);
  const sources = [debounced.homeSection1, debounced.homeSection2, debounced.pricingText, debounced.libraryStatsText];
  const rendered = useQuery({
    queryKey: ['admin', 'content-preview', sources],
    queryFn: () => unwrap(api.POST('/api/admin/content/preview', { body: { markdown: sources } })),
    placeholderData: (previous) => previous,
  });
  const home = useQuery({ queryKey: PUBLIC_HOME_KEY, queryFn: () => unwrap(api.GET('/api/public/home')) });
  const html = rendered.data?.html;

  return (
    <Card withBorder padding="lg" radius="md">
      <Stack gap="sm">
        <div>
          <Title order={3} size="h4">
            Preview
          </Title>
          <Text size="sm" c="dimmed">
            The home page as visitors will see it once saved. Plans and library counts are the current ones.
          </Text>
        </div>
        <Box style={{ ...primaryColorVars(debounced.primaryColor), border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)', overflow: 'hidden' }} inert aria-label="Home page preview" role="region">
          {html && home.data ? (
            <HomeView
              siteName={site.data?.siteName ?? 'Usher'}
              home={{
                ...home.data,
                sections: { section1Html: html[0] ?? '', section2Html: html[1] ?? '' },
                branding: { ...home.data.branding, logoUrl: debounced.logoUrl, wallpaperUrl: debounced.wallpaperUrl },
                pricing: home.data.pricing && { ...home.data.pricing, html: html[2] ?? '' },
                libraryStats: debounced.showLibraryStats ? { html: html[3] ?? '', groups: home.data.libraryStats?.groups ?? [], countedAt: home.data.libraryStats?.countedAt ?? null } : null,
              }}
              cta={<VisitorCta registrationEnabled={site.data?.registrationEnabled !== false} />}
            />
          ) : (
            <Text p="md" c="dimmed">
              Preparing the preview…
            </Text>
          )}
        </Box>
      </Stack>
    </Card>
  );
}
