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

/** Why an upload was refused: the status's own words, and the API's detail (the limit, the accepted types). */
interface Refusal {
  reason: string;
  detail?: string;
}

/**
 * One upload per material asked of the applicant, sent as a multipart form with a progress bar; the
 * API checks the size (413) and the media type and bytes (415) as for any client, and a refusal is
 * shown at its material with the API's detail.
 */
export function MaterialUploads({ bundleId, version, materials, uploads, onUploaded, onRemoved }: Props) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<Record<string, number>>({});
  const [errors, setErrors] = useState<Record<string, Refusal | undefined>>({});

  async function upload(material: Material, file: File) {
    setErrors((e) => ({ ...e, [material.id]: undefined }));
    setProgress((p) => ({ ...p, [material.id]: 0 }));
    try {
      const path = `/definitions/${encodeURIComponent(bundleId)}/materials/${encodeURIComponent(material.id)}/uploads?version=${version}`;
      const stored = await uploadWithProgress<Omit<Uploaded, 'fileName'>>(path, file, (fraction) => setProgress((p) => ({ ...p, [material.id]: fraction })));
      onUploaded({ ...stored, fileName: file.name });
    } catch (err) {
      setErrors((e) => ({ ...e, [material.id]: refusalOf(err) }));
    } finally {
      setProgress((p) => {
        const { [material.id]: _done, ...rest } = p;
        return rest;
      });
    }
  }

  function refusalOf(err: unknown): Refusal {
    if (!(err instanceof ApiProblem)) return { reason: t('common.unknownError') };
    const { detail, title } = err.problem;
    const known = t(`upload.status.${err.status}`, { defaultValue: '' });
    return known ? { reason: known, ...(detail ? { detail } : {}) } : { reason: detail ?? title };
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
                  <span className="upload-progress">
                    <progress
                      max={100}
                      value={Math.round(running * 100)}
                      aria-label={t('upload.progress', { name: localized(material.name) })}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={Math.round(running * 100)}
                    >
                      {Math.round(running * 100)}%
                    </progress>{' '}
                    <span aria-hidden="true">{Math.round(running * 100)}%</span>
                  </span>
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
                  <span role="alert" className="error" data-testid={`upload-error-${material.id}`}>
                    {errors[material.id]!.reason}
                    {errors[material.id]!.detail && <span className="problem-detail"> {errors[material.id]!.detail}</span>}
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
