import { Skeleton, Tabs } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { CustomContentForm } from './CustomContentForm';
import { SectionForm, SETTINGS_KEY } from './SectionForm';

export function SettingsPage() {
  const { section } = useParams();
  const navigate = useNavigate();
  const settings = useQuery({ queryKey: SETTINGS_KEY, queryFn: () => unwrap(api.GET('/api/admin/settings')) });
  // Sections whose features are not built yet stay hidden; the server marks the rest `live`.
  const live = settings.data?.items.filter((s) => s.live) ?? [];
  const current = live.find((s) => s.section === section) ?? live[0];

  return (
    <>
      <PageHeader title="Settings" description="How this site behaves. Secrets such as passwords are stored encrypted and never shown again." />
      {settings.isPending && <Skeleton height={320} />}
      {settings.isError && <QueryError error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && section && current && current.section !== section && <Navigate to={`/admin/settings/${current.section}`} replace />}
      {current && (
        // Every tab gets its panel (hidden unless current) so each tab's aria-controls names a real element.
        <Tabs value={current.section} onChange={(value) => value && void navigate(`/admin/settings/${value}`)} keepMounted>
          <Tabs.List mb="lg">
            {live.map((s) => (
              <Tabs.Tab key={s.section} value={s.section}>
                {s.title}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {live.map((s) => (
            <Tabs.Panel key={s.section} value={s.section}>
              {s.section === current.section &&
                (current.section === 'content' ? <CustomContentForm key="content" section={current} /> : <SectionForm key={current.section} section={current} />)}
            </Tabs.Panel>
          ))}
        </Tabs>
      )}
    </>
  );
}
