import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem, uploadWithProgress } from '../api/client';
import type { Material } from '../api/definitions';
import { localized } from '../i18n';

export interface Uploaded {
  material: string;
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
}

interface Props {
  bundleId: string;
  version: number;
  materials: Material[];
  uploads: Record<string, Uploaded>;
  onUploaded(upload: Uploaded): void;
  onRemoved(material: string): void;
}

/**
 * One upload per material asked of the applicant, each with its progress; the API checks the size
 * (413) and the media type and bytes (415) as for any client, and a refusal is shown at its material.
 */
export function MaterialUploads({ bundleId, version, materials, uploads, onUploaded, onRemoved }: Props) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<Record<string, number>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function upload(material: Material, file: File) {
    setErrors((e) => ({ ...e, [material.id]: '' }));
    setProgress((p) => ({ ...p, [material.id]: 0 }));
    try {
      const path = `/definitions/${encodeURIComponent(bundleId)}/materials/${encodeURIComponent(material.id)}/uploads?version=${version}`;
      const stored = await uploadWithProgress<Omit<Uploaded, 'fileName'>>(path, file, (fraction) => setProgress((p) => ({ ...p, [material.id]: fraction })));
      onUploaded({ ...stored, fileName: file.name });
    } catch (err) {
      const problem = err instanceof ApiProblem ? err : undefined;
      const reason = problem ? t(`upload.status.${problem.status}`, { defaultValue: problem.problem.detail ?? problem.problem.title }) : t('common.unknownError');
      setErrors((e) => ({ ...e, [material.id]: reason }));
    } finally {
      setProgress((p) => {
        const { [material.id]: _done, ...rest } = p;
        return rest;
      });
    }
  }

  return (
    <section aria-labelledby="uploads-title" className="uploads">
      <h2 id="uploads-title">{t('upload.title')}</h2>
      {materials.length === 0 && <p>{t('upload.none')}</p>}
      <ul>
        {materials.map((material) => {
          const id = `upload-${material.id}`;
          const done = uploads[material.id];
          const running = progress[material.id];
          return (
            <li key={material.id} className="upload" data-material={material.id}>
              <label htmlFor={id}>
                {localized(material.name)}
                {material.tolerable && <span className="badge tolerable">{t('notice.tolerable', { days: material.commitmentDays })}</span>}
              </label>
              <input
                id={id}
                type="file"
                accept={(material.mediaTypes ?? []).join(',')}
                aria-describedby={`${id}-status`}
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (file) void upload(material, file);
                  event.target.value = '';
                }}
              />
              <div id={`${id}-status`} className="upload-status" aria-live="polite">
                {running !== undefined && (
                  <progress max={1} value={running} aria-label={t('upload.progress', { name: localized(material.name) })}>
                    {Math.round(running * 100)}%
                  </progress>
                )}
                {done && (
                  <span className="ok">
                    {t('upload.done', { file: done.fileName, size: Math.ceil(done.size / 1024) })}{' '}
                    <button type="button" className="link" onClick={() => onRemoved(material.id)}>
                      {t('upload.remove')}
                    </button>
                  </span>
                )}
                {errors[material.id] && (
                  <span role="alert" className="error">
                    {errors[material.id]}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
