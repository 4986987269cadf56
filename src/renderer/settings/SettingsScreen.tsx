import { useEffect } from 'react';
import { usePresets, useSettings } from '../stores';
import { CredentialsSection } from './CredentialsSection';
import { FoldersSection } from './FoldersSection';
import { GeneralSection } from './GeneralSection';

export function SettingsScreen() {
  const load = useSettings((state) => state.load);
  const loadPresets = usePresets((state) => state.load);
  useEffect(() => {
    void load();
    void loadPresets();
  }, [load, loadPresets]);
  return (
    <section className="screen-body settings" aria-label="Settings">
      <h1>Settings</h1>
      <CredentialsSection />
      <FoldersSection />
      <GeneralSection />
    </section>
  );
}
