/**
 * The cases this applicant started in this browser (the API has no "my cases" listing yet): ids kept
 * in localStorage per subject, newest first.
 */
const key = (subjectId: string) => `yjs.cases.${subjectId}`;

export interface MyCase {
  caseId: string;
  bundleId: string;
  title: { zh: string; en: string };
  submittedAt: string;
}

export function myCases(subjectId: string): MyCase[] {
  try {
    return JSON.parse(localStorage.getItem(key(subjectId)) ?? '[]') as MyCase[];
  } catch {
    return [];
  }
}

export function rememberCase(subjectId: string, started: MyCase): void {
  const others = myCases(subjectId).filter((c) => c.caseId !== started.caseId);
  localStorage.setItem(key(subjectId), JSON.stringify([started, ...others].slice(0, 50)));
}
