import { Alert, Box, Button, Container, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { usePublicSite } from '../../app/session';
import { FormError } from '../../components/FormError';
import { placeErrors } from '../../lib/form-errors';
import { NotFoundPage } from './NotFoundPage';
import { publicText } from './strings';

interface ContactValues {
  name: string;
  email: string;
  message: string;
  website: string;
}

const EMPTY: ContactValues = { name: '', email: '', message: '', website: '' };

export function ContactPage() {
  const site = usePublicSite();
  const t = publicText.contact;
  const form = useForm<ContactValues>({ initialValues: EMPTY });
  const [formError, setFormError] = useState<unknown>(null);
  const send = useMutation({
    mutationFn: (values: ContactValues) => unwrap(api.POST('/api/public/contact', { body: values })),
    onSuccess: () => form.setValues(EMPTY),
    // What was typed stays; each problem is shown beside its field.
    onError: (error) => {
      const placed = placeErrors(error);
      form.setErrors(placed.fields);
      setFormError(placed.rest);
    },
  });

  if (site.data && !site.data.contactPageEnabled) return <NotFoundPage />;

  return (
    <Container size="sm" py={{ base: 24, sm: 48 }}>
      <Stack gap="lg">
        <Title order={1}>{t.title}</Title>
        {send.isSuccess ? (
          <Alert color="green" icon={<IconCircleCheck size={18} aria-hidden="true" />} role="status">
            <Stack gap="sm" align="flex-start">
              <Text>{t.sent}</Text>
              <Button variant="light" onClick={() => send.reset()}>
                {t.another}
              </Button>
            </Stack>
          </Alert>
        ) : (
          <form
            noValidate
            onSubmit={form.onSubmit((values) => {
              setFormError(null);
              send.mutate(values);
            })}
          >
            <Stack gap="md">
              <Text c="dimmed">{t.intro}</Text>
              <TextInput label={t.name} autoComplete="name" required maxLength={100} {...form.getInputProps('name')} />
              <TextInput label={t.email} type="email" autoComplete="email" required maxLength={254} {...form.getInputProps('email')} />
              <Textarea label={t.message} description={t.messageHint} required minRows={5} autosize maxLength={5000} {...form.getInputProps('message')} />
              {/* The honeypot: off-screen and out of the tab order, so only robots fill it in. */}
              <Box aria-hidden="true" style={{ position: 'absolute', left: '-10000px', width: 1, height: 1, overflow: 'hidden' }}>
                <TextInput label={t.honeypot} tabIndex={-1} autoComplete="off" {...form.getInputProps('website')} />
              </Box>
              <FormError error={formError} />
              <Button type="submit" loading={send.isPending} style={{ alignSelf: 'flex-start' }}>
                {t.send}
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </Container>
  );
}
