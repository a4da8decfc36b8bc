import { Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Switch, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconPlugConnected, IconSend } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { api, unwrap, type Schemas } from '../../../api/client';
import { can, SITE_KEY, useSession } from '../../../app/session';
import { notifyError, notifySuccess } from '../../../components/notify';
import { currencyOptions, timeZoneOptions } from '../../../lib/currencies';
import { placeErrors } from '../../../lib/form-errors';
import { useUnsavedChangesGuard } from '../../../lib/unsaved-changes';
import { FormError } from '../../../components/FormError';
import { fieldSpecs, secretLabel, type FieldSpec } from './fields';
import { GATEWAY_SECTIONS, GATEWAYS_KEY, GatewayPanel } from './GatewayPanel';
import { SecretInput, type SecretState } from './SecretInput';

export type SettingsSection = Schemas['SettingsSection'];
const CURRENCIES = currencyOptions();
const TIME_ZONES = timeZoneOptions();
export const SETTINGS_KEY = ['admin', 'settings'] as const;

type FormValues = Record<string, unknown>;

function toForm(specs: FieldSpec[], values: Record<string, unknown>): FormValues {
  return Object.fromEntries(specs.map((s) => [s.key, s.kind === 'list' ? ((values[s.key] as unknown[]) ?? []).map(String) : values[s.key]]));
}

function fromForm(specs: FieldSpec[], values: FormValues): FormValues {
  return Object.fromEntries(specs.map((s) => [s.key, s.kind === 'list' && s.numeric ? (values[s.key] as string[]).map(Number) : values[s.key]]));
}

/** Only typed or cleared secrets are sent: absent keeps the stored one, null clears it. */
function secretsPayload(secrets: Record<string, SecretState>): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  for (const [key, state] of Object.entries(secrets)) {
    if (state.cleared) out[key] = null;
    else if (state.value) out[key] = state.value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function Field({ spec, form, disabled }: { spec: FieldSpec; form: ReturnType<typeof useForm<FormValues>>; disabled: boolean }) {
  const common = { label: spec.label, description: spec.description, disabled };
  switch (spec.kind) {
    case 'boolean':
      return <Switch {...common} {...form.getInputProps(spec.key, { type: 'checkbox' })} />;
    case 'number':
      return <NumberInput {...common} {...form.getInputProps(spec.key)} />;
    case 'enum':
      return <Select {...common} data={spec.options ?? []} allowDeselect={false} {...form.getInputProps(spec.key)} />;
    case 'list':
      return <TagsInput {...common} description={spec.description ?? 'Press Enter after each value.'} {...form.getInputProps(spec.key)} />;
    case 'string':
      return <TextInput {...common} {...form.getInputProps(spec.key)} />;
    case 'currency':
      return <Select {...common} data={CURRENCIES} searchable allowDeselect={false} nothingFoundMessage="No currency matches" {...form.getInputProps(spec.key)} />;
    case 'timeZone':
      return <Select {...common} data={TIME_ZONES} searchable allowDeselect={false} limit={50} nothingFoundMessage="No time zone matches" {...form.getInputProps(spec.key)} />;
  }
}

export function SectionForm({ section }: { section: SettingsSection }) {
  const queryClient = useQueryClient();
  const me = useSession().data?.login;
  const writable = can(me, 'settings.write');
  const specs = useMemo(() => fieldSpecs(section.section, section.values), [section]);
  const form = useForm<FormValues>({ initialValues: toForm(specs, section.values) });
  const [secrets, setSecrets] = useState<Record<string, SecretState>>({});
  const [recipient, setRecipient] = useState(me?.email ?? '');
  const payload = () => {
    const typed = secretsPayload(secrets);
    return { values: fromForm(specs, form.getValues()), ...(typed ? { secrets: typed } : {}) };
  };
  // Problems with a field go beside it; only what has no field is shown under the form.
  const [formError, setFormError] = useState<unknown>(null);
  const showFieldErrors = (error: Error) => {
    const placed = placeErrors(error);
    form.setErrors(placed.fields);
    setFormError(placed.rest);
    if (Object.keys(placed.fields).length === 0) notifyError(error);
  };
  useUnsavedChangesGuard(writable && (form.isDirty() || Object.keys(secrets).length > 0));
  const params = { params: { path: { section: section.section } } };

  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/admin/settings/{section}', { ...params, body: payload() })),
    onSuccess: (view) => {
      setFormError(null);
      queryClient.setQueryData<{ items: SettingsSection[] }>(SETTINGS_KEY, (old) => old && { items: old.items.map((s) => (s.section === view.section ? view : s)) });
      const next = toForm(specs, view.values);
      form.setInitialValues(next);
      form.setValues(next);
      setSecrets({});
      notifySuccess(`${section.title} settings saved.`);
      // The site name and sign-up switch shown in every header come from the public endpoint.
      void queryClient.invalidateQueries({ queryKey: SITE_KEY });
      // A gateway switched on or completed changes its "Taking payments" badge.
      if (GATEWAY_SECTIONS.has(view.section)) void queryClient.invalidateQueries({ queryKey: GATEWAYS_KEY });
    },
    onError: showFieldErrors,
  });
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/settings/{section}/test', { ...params, body: payload() })),
    onSuccess: (result) => notifySuccess(['The connection works.', ...result.details].join(' · '), `${section.title} test passed`),
    onError: showFieldErrors,
  });
  const sendTest = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/settings/email/send-test', { body: { to: recipient.trim(), ...payload() } })),
    onSuccess: () => notifySuccess(`Test email sent to ${recipient.trim()}.`),
    onError: showFieldErrors,
  });

  const inputs = specs.filter((s) => s.kind !== 'boolean');
  const switches = specs.filter((s) => s.kind === 'boolean');

  return (
    <Stack gap="lg">
      <Card withBorder padding="lg" radius="md">
        <form
          onSubmit={form.onSubmit(() => save.mutate())}
          onReset={(event) => {
            event.preventDefault();
            form.reset();
            setSecrets({});
          }}
        >
          <Stack gap="lg">
            <Title order={3} size="h4">
              {section.title}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              {inputs.map((spec) => (
                <Field key={spec.key} spec={spec} form={form} disabled={!writable} />
              ))}
              {Object.entries(section.secrets).map(([key, info]) => (
                <SecretInput
                  key={key}
                  label={secretLabel(section.section, key)}
                  set={info.set}
                  state={secrets[key] ?? {}}
                  onChange={(state) => setSecrets((old) => ({ ...old, [key]: state }))}
                />
              ))}
            </SimpleGrid>
            {switches.length > 0 && (
              <Stack gap="md">
                {switches.map((spec) => (
                  <Field key={spec.key} spec={spec} form={form} disabled={!writable} />
                ))}
              </Stack>
            )}
            <Group justify="space-between">
              <Group>
                {section.testable && (
                  <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={test.isPending} onClick={() => test.mutate()} disabled={!writable}>
                    Test connection
                  </Button>
                )}
              </Group>
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
            {!writable && (
              <Text size="sm" c="dimmed">
                Your role can read these settings but not change them.
              </Text>
            )}
          </Stack>
        </form>
      </Card>

      {GATEWAY_SECTIONS.has(section.section) && <GatewayPanel section={section.section} />}

      {section.section === 'email' && (
        <Card withBorder padding="lg" radius="md">
          <Stack>
            <div>
              <Title order={3} size="h4">
                Send a test email
              </Title>
              <Text size="sm" c="dimmed">
                Uses the settings above, including changes you have not saved yet.
              </Text>
            </div>
            <Group align="flex-end">
              <TextInput label="Recipient" type="email" value={recipient} onChange={(e) => setRecipient(e.currentTarget.value)} w={{ base: '100%', sm: 320 }} />
              <Button leftSection={<IconSend size={16} />} loading={sendTest.isPending} disabled={!writable || !recipient.includes('@')} onClick={() => sendTest.mutate()}>
                Send test email
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
